//! Changes to the service catalogue, each written with its audit row in one transaction. The
//! pages check the forms and the administrator's role; these record what was decided.

use chrono::Utc;
use mahalle_db::audit;
use mahalle_db::services::{Attribute, NewAttribute, NewService, RouteRow, Service};
use serde_json::json;

use crate::http::error::AppError;

/// A checked category form: (names and texts, response hours, active).
pub struct Details {
    pub code: String,
    pub name_fa: String,
    pub name_en: String,
    pub group_fa: String,
    pub group_en: String,
    pub description_fa: String,
    pub description_en: String,
    pub keywords: String,
    pub domain: &'static str,
    pub sla_hours: i64,
    pub sort_order: i64,
    pub active: bool,
}

impl Details {
    pub fn as_new(&self) -> NewService<'_> {
        NewService {
            code: &self.code,
            name_fa: &self.name_fa,
            name_en: &self.name_en,
            group_fa: &self.group_fa,
            group_en: &self.group_en,
            description_fa: &self.description_fa,
            description_en: &self.description_en,
            keywords: &self.keywords,
            domain: self.domain,
            sla_hours: self.sla_hours,
            sort_order: self.sort_order,
        }
    }
}

/// One change to a category.
pub enum Change<'a> {
    /// Response time and whether it is offered.
    Update {
        before: &'a Service,
        sla_hours: i64,
        active: bool,
    },
    /// Everything the edit form holds.
    Save {
        before: &'a Service,
        details: &'a Details,
    },
    /// Who handles it in a neighborhood, a district or everywhere.
    SetRoute {
        district_id: Option<i64>,
        neighborhood_id: Option<i64>,
        organisation_id: i64,
        replaced: Option<&'a RouteRow>,
    },
    DeleteRoute {
        route: &'a RouteRow,
    },
    AddAttribute {
        attribute: &'a NewAttribute<'a>,
        choices: usize,
    },
    RemoveAttribute {
        attribute: &'a Attribute,
    },
}

/// Creates a category from a checked form; returns its id.
pub async fn create(store: &mahalle_db::Store, user_id: i64, d: &Details) -> Result<i64, AppError> {
    let now = Utc::now();
    store
        .write(|tx, _| {
            Box::pin(async move {
                let id = mahalle_db::services::create_service(tx, &d.as_new(), now).await?;
                if !d.active {
                    mahalle_db::services::update_service(tx, id, d.sla_hours, false, now).await?;
                }
                audit_service(
                    tx,
                    user_id,
                    id,
                    "create",
                    None,
                    Some(json!({"code": d.code, "name_fa": d.name_fa, "sla_hours": d.sla_hours})),
                )
                .await?;
                Ok(id)
            })
        })
        .await
}

/// Applies one change to category `id`. `NotFound` when the route or question to remove is gone.
pub async fn change(
    store: &mahalle_db::Store,
    user_id: i64,
    id: i64,
    change: Change<'_>,
) -> Result<(), AppError> {
    let change = &change;
    store
        .write(|tx, _| {
            Box::pin(async move {
                let now = Utc::now();
                let (action, before, after) = match *change {
                    Change::Update { before, sla_hours, active } => {
                        mahalle_db::services::update_service(tx, id, sla_hours, active, now).await?;
                        (
                            "update",
                            Some(json!({"sla_hours": before.sla_hours, "active": before.active})),
                            Some(json!({"sla_hours": sla_hours, "active": active})),
                        )
                    }
                    Change::Save { before, details: d } => {
                        mahalle_db::services::edit_service(tx, id, &d.as_new(), now).await?;
                        mahalle_db::services::update_service(tx, id, d.sla_hours, d.active, now).await?;
                        (
                            "update",
                            Some(json!(before)),
                            Some(json!({
                                "name_fa": d.name_fa, "name_en": d.name_en, "group_fa": d.group_fa,
                                "group_en": d.group_en, "domain": d.domain, "sla_hours": d.sla_hours,
                                "active": d.active, "keywords": d.keywords
                            })),
                        )
                    }
                    Change::SetRoute { district_id, neighborhood_id, organisation_id, replaced } => {
                        mahalle_db::services::set_route(tx, id, district_id, neighborhood_id, organisation_id)
                            .await?;
                        (
                            "set_route",
                            replaced.map(|r| json!(r)),
                            Some(json!({
                                "district_id": district_id,
                                "neighborhood_id": neighborhood_id,
                                "organisation_id": organisation_id
                            })),
                        )
                    }
                    Change::DeleteRoute { route } => {
                        if !mahalle_db::services::delete_route(tx, id, route.id).await? {
                            return Err(AppError::NotFound);
                        }
                        ("delete_route", Some(json!(route)), None)
                    }
                    Change::AddAttribute { attribute, choices } => {
                        let attribute_id = mahalle_db::services::add_attribute(tx, id, attribute).await?;
                        (
                            "add_attribute",
                            None,
                            Some(json!({
                                "attribute_id": attribute_id, "code": attribute.code,
                                "datatype": attribute.datatype.as_str(), "choices": choices
                            })),
                        )
                    }
                    Change::RemoveAttribute { attribute } => {
                        if !mahalle_db::services::remove_attribute(tx, id, attribute.id).await? {
                            return Err(AppError::NotFound);
                        }
                        ("remove_attribute", Some(json!(attribute)), None)
                    }
                };
                audit_service(tx, user_id, id, action, before, after).await
            })
        })
        .await
}

/// One catalogue change in the audit log, in the transaction that makes it.
async fn audit_service(
    tx: &mut mahalle_db::Tx,
    user_id: i64,
    service_id: i64,
    action: &'static str,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
) -> Result<(), AppError> {
    audit::record(
        tx,
        audit::Change {
            user_id: Some(user_id),
            action,
            entity: "service",
            entity_id: Some(service_id),
            before,
            after,
        },
    )
    .await?;
    Ok(())
}
