//! What every record of the registry shares: it is retired, not deleted, and can be reinstated.

use chrono::NaiveDate;

use crate::{DbError, Result, Sql, Tx};

/// A kind of record the registry keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    District,
    Neighborhood,
    Organisation,
    Person,
    PartnerPlace,
}

impl Record {
    fn table(self) -> &'static str {
        match self {
            Record::District => "districts",
            Record::Neighborhood => "neighborhoods",
            Record::Organisation => "organisations",
            Record::Person => "people",
            Record::PartnerPlace => "partner_places",
        }
    }

    /// The entity's name in the audit log.
    pub fn entity(self) -> &'static str {
        match self {
            Record::District => "district",
            Record::Neighborhood => "neighborhood",
            Record::Organisation => "organisation",
            Record::Person => "person",
            Record::PartnerPlace => "partner_place",
        }
    }
}

/// Retires a record on a date, or (with `None`) reinstates it, with its audit row. Returns
/// whether anything changed (retiring what is retired, or reinstating what is current, does not).
pub async fn set_retired(
    tx: &mut Tx,
    record: Record,
    id: i64,
    on: Option<NaiveDate>,
    user_id: Option<i64>,
) -> Result<bool> {
    let table = record.table();
    let before: Option<(Option<NaiveDate>,)> = tx
        .fetch_optional(
            &Sql::new(&format!("SELECT retired_on FROM {table} WHERE id = $1")).bind(id),
        )
        .await?;
    let Some((before,)) = before else {
        return Err(DbError::NotFound);
    };
    if before.is_some() == on.is_some() {
        return Ok(false);
    }
    tx.execute(
        &Sql::new(&format!("UPDATE {table} SET retired_on = $2 WHERE id = $1"))
            .bind(id)
            .bind(on),
    )
    .await?;
    crate::audit::record(
        tx,
        crate::audit::Change {
            user_id,
            action: if on.is_some() { "retire" } else { "reinstate" },
            entity: record.entity(),
            entity_id: Some(id),
            before: Some(serde_json::json!({ "retired_on": before })),
            after: Some(serde_json::json!({ "retired_on": on })),
        },
    )
    .await?;
    Ok(true)
}
