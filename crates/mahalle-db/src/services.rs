//! The service catalogue: what citizens can ask for, its questions, and who handles it where.

use chrono::{DateTime, Utc};
use mahalle_core::requests::{AttributeDef, Datatype, Route};
use mahalle_core::text::search_key;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Result, Sql, Store, Tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Service {
    pub id: i64,
    /// The Open311 `service_code`.
    pub code: String,
    pub name_fa: String,
    pub name_en: String,
    pub group_fa: String,
    pub group_en: String,
    pub description_fa: String,
    pub description_en: String,
    /// Comma-separated search words.
    pub keywords: String,
    pub domain: String,
    /// Hours the handling organisation has to answer.
    pub sla_hours: i64,
    pub active: bool,
    /// Whether its requests are published over Open311 (welfare and social kinds are not).
    pub published: bool,
    pub sort_order: i64,
    /// Whether the category asks extra questions (Open311 `metadata`).
    #[sqlx(default)]
    pub has_attributes: bool,
}

const SERVICE_COLUMNS: &str = "SELECT s.id, s.code, s.name_fa, s.name_en, s.group_fa, s.group_en, s.description_fa, \
     s.description_en, s.keywords, s.domain, s.sla_hours, s.active, s.published, s.sort_order, \
     EXISTS (SELECT 1 FROM service_attributes a WHERE a.service_id = s.id) AS has_attributes FROM services s";

/// The catalogue in display order; inactive categories only when asked.
pub async fn services(store: &Store, with_inactive: bool) -> Result<Vec<Service>> {
    let mut sql = Sql::new(SERVICE_COLUMNS);
    if !with_inactive {
        sql.push(" WHERE s.active = TRUE");
    }
    sql.push(" ORDER BY s.sort_order, s.code");
    store.fetch_all(&sql).await
}

pub async fn service_by_code(store: &Store, code: &str) -> Result<Option<Service>> {
    store
        .fetch_optional(&Sql::new(&format!("{SERVICE_COLUMNS} WHERE s.code = $1")).bind(code))
        .await
}

pub async fn service(store: &Store, id: i64) -> Result<Service> {
    store
        .fetch_one(&Sql::new(&format!("{SERVICE_COLUMNS} WHERE s.id = $1")).bind(id))
        .await
}

pub struct NewService<'a> {
    pub code: &'a str,
    pub name_fa: &'a str,
    pub name_en: &'a str,
    pub group_fa: &'a str,
    pub group_en: &'a str,
    pub description_fa: &'a str,
    pub description_en: &'a str,
    pub keywords: &'a str,
    pub domain: &'a str,
    pub sla_hours: i64,
    pub sort_order: i64,
    pub published: bool,
}

pub async fn create_service(tx: &mut Tx, s: &NewService<'_>, at: DateTime<Utc>) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO services (code, name_fa, name_en, group_fa, group_en, description_fa, description_en, keywords, \
             domain, sla_hours, active, sort_order, search_key, created_at, updated_at, published) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, TRUE, $11, $12, $13, $13, $14) RETURNING id",
        )
        .bind(s.code)
        .bind(s.name_fa)
        .bind(s.name_en)
        .bind(s.group_fa)
        .bind(s.group_en)
        .bind(s.description_fa)
        .bind(s.description_en)
        .bind(s.keywords)
        .bind(s.domain)
        .bind(s.sla_hours)
        .bind(s.sort_order)
        .bind(search_key(&format!("{} {} {} {}", s.code, s.name_fa, s.name_en, s.keywords)))
        .bind(at)
        .bind(s.published),
    )
    .await
}

/// Rewrites a category's names, group, descriptions, keywords and domain (its code stays: client
/// applications know it).
pub async fn edit_service(
    tx: &mut Tx,
    id: i64,
    s: &NewService<'_>,
    at: DateTime<Utc>,
) -> Result<()> {
    let n = tx
        .execute(
            &Sql::new(
                "UPDATE services SET name_fa = $1, name_en = $2, group_fa = $3, group_en = $4, \
                 description_fa = $5, description_en = $6, keywords = $7, domain = $8, sort_order = $9, \
                 search_key = $10, updated_at = $11, published = $13 WHERE id = $12",
            )
            .bind(s.name_fa)
            .bind(s.name_en)
            .bind(s.group_fa)
            .bind(s.group_en)
            .bind(s.description_fa)
            .bind(s.description_en)
            .bind(s.keywords)
            .bind(s.domain)
            .bind(s.sort_order)
            .bind(search_key(&format!("{} {} {} {}", s.code, s.name_fa, s.name_en, s.keywords)))
            .bind(at)
            .bind(id)
            .bind(s.published),
        )
        .await?;
    if n == 0 {
        return Err(crate::DbError::NotFound);
    }
    Ok(())
}

/// Changes what staff may change on a category: its response time and whether it is offered.
pub async fn update_service(
    tx: &mut Tx,
    id: i64,
    sla_hours: i64,
    active: bool,
    at: DateTime<Utc>,
) -> Result<()> {
    let n = tx
        .execute(
            &Sql::new(
                "UPDATE services SET sla_hours = $1, active = $2, updated_at = $3 WHERE id = $4",
            )
            .bind(sla_hours)
            .bind(active)
            .bind(at)
            .bind(id),
        )
        .await?;
    if n == 0 {
        return Err(crate::DbError::NotFound);
    }
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct RouteRow {
    pub id: i64,
    pub service_id: i64,
    pub district_id: Option<i64>,
    pub district_number: Option<i64>,
    pub neighborhood_id: Option<i64>,
    pub neighborhood_name_fa: Option<String>,
    pub organisation_id: i64,
    pub organisation_name_fa: String,
    pub organisation_name_en: String,
}

/// A category's routing rules alone, for routing a submission (no names: this runs per request).
pub async fn route_rules(store: &Store, service_id: i64) -> Result<Vec<Route>> {
    let rows: Vec<(Option<i64>, Option<i64>, i64)> = store
        .fetch_all(
            &Sql::new(
                "SELECT district_id, neighborhood_id, organisation_id FROM service_routes WHERE service_id = $1",
            )
            .bind(service_id),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|(district, neighborhood, organisation)| Route {
            district,
            neighborhood,
            organisation,
        })
        .collect())
}

pub async fn routes(store: &Store, service_id: i64) -> Result<Vec<RouteRow>> {
    store
        .fetch_all(
            &Sql::new(
                "SELECT r.id, r.service_id, r.district_id, d.number AS district_number, r.neighborhood_id, \
                 n.name_fa AS neighborhood_name_fa, r.organisation_id, o.name_fa AS organisation_name_fa, \
                 o.name_en AS organisation_name_en FROM service_routes r \
                 JOIN organisations o ON o.id = r.organisation_id \
                 LEFT JOIN districts d ON d.id = r.district_id \
                 LEFT JOIN neighborhoods n ON n.id = r.neighborhood_id \
                 WHERE r.service_id = $1 ORDER BY r.neighborhood_id IS NOT NULL, r.district_id IS NOT NULL, d.number, r.id",
            )
            .bind(service_id),
        )
        .await
}

/// Sets who handles a category in a place (no district: the default), replacing the rule for
/// the same place.
pub async fn set_route(
    tx: &mut Tx,
    service_id: i64,
    district_id: Option<i64>,
    neighborhood_id: Option<i64>,
    organisation_id: i64,
) -> Result<()> {
    let mut del = Sql::new("DELETE FROM service_routes WHERE service_id = ");
    del.arg(service_id);
    for (col, v) in [
        ("district_id", district_id),
        ("neighborhood_id", neighborhood_id),
    ] {
        match v {
            Some(v) => del.push(&format!(" AND {col} = ")).arg(v),
            None => del.push(&format!(" AND {col} IS NULL")),
        };
    }
    tx.execute(&del).await?;
    tx.execute(
        &Sql::new(
            "INSERT INTO service_routes (service_id, district_id, neighborhood_id, organisation_id) VALUES ($1, $2, $3, $4)",
        )
        .bind(service_id)
        .bind(district_id)
        .bind(neighborhood_id)
        .bind(organisation_id),
    )
    .await?;
    Ok(())
}

/// Removes one routing rule of a category; false when it was not one of its rules.
pub async fn delete_route(tx: &mut Tx, service_id: i64, route_id: i64) -> Result<bool> {
    Ok(tx
        .execute(
            &Sql::new("DELETE FROM service_routes WHERE id = $1 AND service_id = $2")
                .bind(route_id)
                .bind(service_id),
        )
        .await?
        > 0)
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Attribute {
    pub id: i64,
    pub code: String,
    pub datatype: String,
    pub required: bool,
    pub variable: bool,
    pub description_fa: String,
    pub description_en: String,
    pub datatype_description: String,
    pub sort_order: i64,
    pub values: Vec<AttributeValue>,
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct AttributeValue {
    #[serde(skip)]
    pub attribute_id: i64,
    pub key: String,
    pub name_fa: String,
    pub name_en: String,
}

impl Attribute {
    pub fn def(&self) -> AttributeDef {
        AttributeDef {
            code: self.code.clone(),
            datatype: Datatype::parse(&self.datatype).unwrap_or(Datatype::String),
            required: self.required,
            variable: self.variable,
            values: self.values.iter().map(|v| v.key.clone()).collect(),
        }
    }
}

pub async fn attributes(store: &Store, service_id: i64) -> Result<Vec<Attribute>> {
    type Row = (i64, String, String, bool, bool, String, String, String, i64);
    let rows: Vec<Row> = store
        .fetch_all(
            &Sql::new(
                "SELECT id, code, datatype, required, variable, description_fa, description_en, datatype_description, sort_order \
                 FROM service_attributes WHERE service_id = $1 ORDER BY sort_order, id",
            )
            .bind(service_id),
        )
        .await?;
    let values: Vec<AttributeValue> = store
        .fetch_all(
            &Sql::new(
                "SELECT v.attribute_id, v.key, v.name_fa, v.name_en FROM service_attribute_values v \
                 JOIN service_attributes a ON a.id = v.attribute_id WHERE a.service_id = $1 ORDER BY v.sort_order, v.key",
            )
            .bind(service_id),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| Attribute {
            values: values
                .iter()
                .filter(|v| v.attribute_id == r.0)
                .cloned()
                .collect(),
            id: r.0,
            code: r.1,
            datatype: r.2,
            required: r.3,
            variable: r.4,
            description_fa: r.5,
            description_en: r.6,
            datatype_description: r.7,
            sort_order: r.8,
        })
        .collect())
}

pub struct NewAttribute<'a> {
    pub code: &'a str,
    pub datatype: Datatype,
    pub required: bool,
    pub description_fa: &'a str,
    pub description_en: &'a str,
    pub sort_order: i64,
    /// (key, Persian name, English name) for list types.
    pub values: &'a [(&'a str, &'a str, &'a str)],
}

pub async fn add_attribute(tx: &mut Tx, service_id: i64, a: &NewAttribute<'_>) -> Result<i64> {
    let id = tx
        .scalar(
            &Sql::new(
                "INSERT INTO service_attributes (service_id, code, datatype, required, variable, description_fa, description_en, sort_order) \
                 VALUES ($1, $2, $3, $4, TRUE, $5, $6, $7) RETURNING id",
            )
            .bind(service_id)
            .bind(a.code)
            .bind(a.datatype.as_str())
            .bind(a.required)
            .bind(a.description_fa)
            .bind(a.description_en)
            .bind(a.sort_order),
        )
        .await?;
    for (i, (key, fa, en)) in a.values.iter().enumerate() {
        tx.execute(
            &Sql::new(
                "INSERT INTO service_attribute_values (attribute_id, key, name_fa, name_en, sort_order) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(id)
            .bind(*key)
            .bind(*fa)
            .bind(*en)
            .bind(i as i64),
        )
        .await?;
    }
    Ok(id)
}

/// Removes a question (and its choices) from a category. Answers already given stay with their
/// requests under the question's code. False when it was not one of the category's questions.
pub async fn remove_attribute(tx: &mut Tx, service_id: i64, attribute_id: i64) -> Result<bool> {
    tx.execute(
        &Sql::new(
            "DELETE FROM service_attribute_values WHERE attribute_id IN \
             (SELECT id FROM service_attributes WHERE id = $1 AND service_id = $2)",
        )
        .bind(attribute_id)
        .bind(service_id),
    )
    .await?;
    Ok(tx
        .execute(
            &Sql::new("DELETE FROM service_attributes WHERE id = $1 AND service_id = $2")
                .bind(attribute_id)
                .bind(service_id),
        )
        .await?
        > 0)
}
