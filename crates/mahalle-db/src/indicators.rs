//! Data elements, indicators and the counts entered for them per neighborhood and period.
//! Totals of districts and the city are computed from the counts (mahalle_core::indicators),
//! never stored.

use chrono::{DateTime, NaiveDate, Utc};
use mahalle_core::text::search_key;
use serde::Serialize;
use utoipa::ToSchema;

use crate::sql::ids_sql;
use crate::{Result, Sql, Store, Tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct DataElement {
    pub id: i64,
    pub code: String,
    pub name_fa: String,
    pub name_en: String,
    pub description: String,
    /// week, month, season or year: the periods its values are entered for
    pub period_kind: String,
    /// sum (counts of what happened) or last (stocks such as a population)
    pub aggregation: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A data element's fields as written.
#[derive(Debug, Clone)]
pub struct ElementFields<'a> {
    pub code: &'a str,
    pub name_fa: &'a str,
    pub name_en: &'a str,
    pub description: &'a str,
    pub period_kind: &'a str,
    pub aggregation: &'a str,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Indicator {
    pub id: i64,
    pub code: String,
    pub name_fa: String,
    pub name_en: String,
    pub description: String,
    pub numerator_id: i64,
    pub numerator_code: String,
    /// None: the indicator is its numerator's total.
    pub denominator_id: Option<i64>,
    pub denominator_code: Option<String>,
    /// 100 for a percentage, 1000 per thousand, 1 for a plain ratio or total.
    pub factor: i64,
    /// higher or lower: which way it improves
    pub direction: String,
    pub target: Option<f64>,
    pub target_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct IndicatorFields<'a> {
    pub code: &'a str,
    pub name_fa: &'a str,
    pub name_en: &'a str,
    pub description: &'a str,
    pub numerator_id: i64,
    pub denominator_id: Option<i64>,
    pub factor: i64,
    pub direction: &'a str,
    pub target: Option<f64>,
    pub target_on: Option<NaiveDate>,
}

/// One count: an element's value for a neighborhood and a period.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Value {
    pub element_id: i64,
    pub period_start: NaiveDate,
    pub neighborhood_id: i64,
    pub district_id: i64,
    pub value: i64,
}

const ELEMENT_SELECT: &str =
    "SELECT id, code, name_fa, name_en, description, period_kind, aggregation, \
     created_at, updated_at FROM data_elements";

const INDICATOR_SELECT: &str = "SELECT i.id, i.code, i.name_fa, i.name_en, i.description, i.numerator_id, \
     n.code AS numerator_code, i.denominator_id, d.code AS denominator_code, i.factor, i.direction, i.target, \
     i.target_on, i.created_at, i.updated_at FROM indicators i JOIN data_elements n ON n.id = i.numerator_id \
     LEFT JOIN data_elements d ON d.id = i.denominator_id";

pub async fn elements(store: &Store) -> Result<Vec<DataElement>> {
    store
        .fetch_all(&Sql::new(&format!("{ELEMENT_SELECT} ORDER BY code")))
        .await
}

pub async fn element(store: &Store, id: i64) -> Result<DataElement> {
    store
        .fetch_one(&Sql::new(&format!("{ELEMENT_SELECT} WHERE id = $1")).bind(id))
        .await
}

/// Whether any data element exists (the demo adds its own once).
pub async fn any_element(tx: &mut Tx) -> Result<bool> {
    Ok(tx
        .scalar(&Sql::new("SELECT COUNT(*) FROM data_elements"))
        .await?
        > 0)
}

/// Elements by code (as a sheet or the API names them).
pub async fn element_by_code(store: &Store, code: &str) -> Result<Option<DataElement>> {
    store
        .fetch_optional(&Sql::new(&format!("{ELEMENT_SELECT} WHERE code = $1")).bind(code))
        .await
}

pub async fn create_element(
    tx: &mut Tx,
    e: &ElementFields<'_>,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO data_elements (code, name_fa, name_en, description, period_kind, aggregation, search_key, \
             created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
        )
        .bind(e.code)
        .bind(e.name_fa)
        .bind(e.name_en)
        .bind(e.description)
        .bind(e.period_kind)
        .bind(e.aggregation)
        .bind(search_key(&format!("{} {} {}", e.code, e.name_fa, e.name_en)))
        .bind(by)
        .bind(now),
    )
    .await
}

pub async fn indicators(store: &Store) -> Result<Vec<Indicator>> {
    store
        .fetch_all(&Sql::new(&format!("{INDICATOR_SELECT} ORDER BY i.code")))
        .await
}

pub async fn indicator(store: &Store, id: i64) -> Result<Indicator> {
    store
        .fetch_one(&Sql::new(&format!("{INDICATOR_SELECT} WHERE i.id = $1")).bind(id))
        .await
}

pub async fn indicator_by_code(store: &Store, code: &str) -> Result<Option<Indicator>> {
    store
        .fetch_optional(&Sql::new(&format!("{INDICATOR_SELECT} WHERE i.code = $1")).bind(code))
        .await
}

fn indicator_args(sql: Sql, i: &IndicatorFields<'_>) -> Sql {
    sql.bind(i.code)
        .bind(i.name_fa)
        .bind(i.name_en)
        .bind(i.description)
        .bind(i.numerator_id)
        .bind(i.denominator_id)
        .bind(i.factor)
        .bind(i.direction)
        .bind(i.target)
        .bind(i.target_on)
        .bind(search_key(&format!(
            "{} {} {}",
            i.code, i.name_fa, i.name_en
        )))
}

pub async fn create_indicator(
    tx: &mut Tx,
    i: &IndicatorFields<'_>,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64> {
    let sql = Sql::new(
        "INSERT INTO indicators (code, name_fa, name_en, description, numerator_id, denominator_id, factor, direction, \
         target, target_on, search_key, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id",
    );
    tx.scalar(&indicator_args(sql, i).bind(by).bind(now)).await
}

/// The counts of some elements for periods starting in `from..to`, of one district or the whole
/// city, ordered by element, neighborhood and period.
pub async fn values(
    store: &Store,
    elements: &[i64],
    district_id: Option<i64>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Value>> {
    if elements.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(&format!(
        "SELECT element_id, period_start, neighborhood_id, district_id, value FROM data_values \
         WHERE element_id IN ({}) AND period_start >= ",
        ids_sql(elements)
    ));
    sql.arg(from).push(" AND period_start < ").arg(to);
    if let Some(d) = district_id {
        sql.push(" AND district_id = ").arg(d);
    }
    sql.push(" ORDER BY element_id, neighborhood_id, period_start");
    store.fetch_all(&sql).await
}

/// Inserts counts that are not there yet, many rows a statement (the demo loader's).
pub async fn insert_values(tx: &mut Tx, values: &[Value], now: DateTime<Utc>) -> Result<()> {
    for chunk in values.chunks(500) {
        let mut sql = Sql::new(
            "INSERT INTO data_values (element_id, period_start, neighborhood_id, district_id, value, entered_at) VALUES ",
        );
        for (i, v) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("(")
                .arg(v.element_id)
                .push(", ")
                .arg(v.period_start)
                .push(", ");
            sql.arg(v.neighborhood_id)
                .push(", ")
                .arg(v.district_id)
                .push(", ");
            sql.arg(v.value).push(", ").arg(now).push(")");
        }
        tx.execute(&sql).await?;
    }
    Ok(())
}

/// Sets one count (None removes it); returns the count it replaced, for the audit row.
pub async fn set_value(
    tx: &mut Tx,
    v: &Value,
    value: Option<i64>,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> Result<Option<i64>> {
    let before: Option<(i64,)> = tx
        .fetch_optional(
            &Sql::new(
                "SELECT value FROM data_values WHERE element_id = $1 AND period_start = $2 AND neighborhood_id = $3",
            )
            .bind(v.element_id)
            .bind(v.period_start)
            .bind(v.neighborhood_id),
        )
        .await?;
    match value {
        Some(n) => {
            tx.execute(
                &Sql::new(
                    "INSERT INTO data_values (element_id, period_start, neighborhood_id, district_id, value, entered_by, entered_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (element_id, period_start, neighborhood_id) \
                     DO UPDATE SET value = excluded.value, district_id = excluded.district_id, \
                     entered_by = excluded.entered_by, entered_at = excluded.entered_at",
                )
                .bind(v.element_id)
                .bind(v.period_start)
                .bind(v.neighborhood_id)
                .bind(v.district_id)
                .bind(n)
                .bind(by)
                .bind(now),
            )
            .await?;
        }
        None => {
            tx.execute(
                &Sql::new(
                    "DELETE FROM data_values WHERE element_id = $1 AND period_start = $2 AND neighborhood_id = $3",
                )
                .bind(v.element_id)
                .bind(v.period_start)
                .bind(v.neighborhood_id),
            )
            .await?;
        }
    }
    Ok(before.map(|b| b.0))
}
