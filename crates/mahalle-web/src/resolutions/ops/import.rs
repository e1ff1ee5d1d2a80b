//! A session's resolutions from a spreadsheet: checked row by row, recorded all or none.

use chrono::Utc;
use mahalle_core::access::Principal;
use mahalle_core::delegations::{district_scope, Power};
use mahalle_db::resolutions::{self, NewResolution};
use mahalle_db::{audit, meetings, DbError, Store};
use serde_json::json;

use crate::http::error::AppError;
use crate::resolutions::transfer::DraftScope;

/// Names of every organisation, district and neighborhood, for matching spreadsheet cells.
pub async fn lookup(store: &Store) -> Result<crate::resolutions::transfer::Lookup, AppError> {
    let mut l = crate::resolutions::transfer::Lookup::default();
    let orgs = mahalle_db::org::names(store).await?;
    for (id, code, fa, en) in &orgs {
        l.add_org(*id, &[code, fa, en]);
    }
    let districts = mahalle_db::places::district_names(store).await?;
    for (id, code, number, fa, en) in &districts {
        l.add_district(*id, &[code, &number.to_string(), fa, en]);
    }
    let neighborhoods = mahalle_db::places::neighborhood_names(store).await?;
    for (id, district, code, fa, en) in &neighborhoods {
        l.add_neighborhood(*id, *district, &[code, fa, en]);
    }
    Ok(l)
}

/// The outcome of checking an uploaded sheet: good rows, and every problem found.
pub struct ImportCheck {
    pub drafts: Vec<crate::resolutions::transfer::Draft>,
    pub errors: Vec<crate::resolutions::transfer::RowError>,
    pub rows: usize,
}

/// Whether the user may import into the meeting (its secretariat), asked before an upload is
/// read at all; gives the meeting.
pub async fn may_import(
    store: &Store,
    who: &Principal,
    meeting_id: i64,
) -> Result<meetings::Meeting, AppError> {
    let meeting = meetings::get(store, meeting_id, crate::today()).await?;
    if who.holds(
        Power::CreateResolutions,
        district_scope(meeting.district_id),
    ) {
        Ok(meeting)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Reads and validates a sheet for a meeting, including numbers the meeting already uses.
pub async fn check_import(
    store: &Store,
    who: &Principal,
    meeting_id: i64,
    filename: &str,
    bytes: &[u8],
) -> Result<ImportCheck, AppError> {
    // Authorised before the file is parsed: parsing is the costly, exposed part.
    let meeting = may_import(store, who, meeting_id).await?;
    let rows = crate::resolutions::transfer::read_table(filename, bytes)
        .map_err(|e| AppError::invalid("file", e.message_fa(), e.to_string()))?;
    let (drafts, mut errors) = crate::resolutions::transfer::validate(&rows, &lookup(store).await?);
    let used = resolutions::item_numbers(store, meeting_id).await?;
    let drafts: Vec<_> = drafts
        .into_iter()
        .filter(|d| {
            let clash = used.contains(&d.item_number);
            if clash {
                let n = d.item_number.to_string();
                errors.push(crate::resolutions::transfer::RowError {
                    line: d.line,
                    column: "item",
                    fa: format!(
                        "بند {} در این جلسه پیش‌تر ثبت شده است.",
                        mahalle_core::text::to_persian_digits(&n)
                    ),
                    en: format!("Item {n} is already recorded in this meeting."),
                });
            }
            !clash
        })
        .collect();
    let drafts: Vec<_> = drafts
        .into_iter()
        .map(|mut d| {
            // A district's meeting decides for its district, as the form does.
            if let (DraftScope::City, Some(own)) = (&d.scope, meeting.district_id) {
                d.scope = DraftScope::District(own);
            }
            d
        })
        .filter(|d| {
            // Every row is within the importer's reach: a district mayor files for their
            // district and its neighborhoods only.
            let district = match d.scope {
                DraftScope::City => None,
                DraftScope::District(id) | DraftScope::Neighborhood { district_id: id, .. } => {
                    Some(id)
                }
            };
            let allowed = who.holds(Power::CreateResolutions, district_scope(district));
            if !allowed {
                errors.push(crate::resolutions::transfer::RowError {
                    line: d.line,
                    column: "district",
                    fa: "این منطقه یا محله در حوزه شما نیست؛ شهردار منطقه تنها برای منطقه خود مصوبه ثبت می‌کند."
                        .to_string(),
                    en: "This district or neighborhood is outside your reach; a district mayor files resolutions for their own district only."
                        .to_string(),
                });
            }
            allowed
        })
        .collect();
    errors.sort_by_key(|e| e.line);
    Ok(ImportCheck {
        drafts,
        errors,
        rows: rows.len(),
    })
}

/// Commits every row of a checked sheet in one transaction, or none of them.
pub async fn commit_import(
    store: &Store,
    who: &Principal,
    meeting_id: i64,
    filename: &str,
    bytes: &[u8],
) -> Result<usize, AppError> {
    let check = check_import(store, who, meeting_id, filename, bytes).await?;
    if !check.errors.is_empty() {
        let e = &check.errors[0];
        return Err(AppError::invalid(
            "file",
            format!("ردیف {}: {}", e.line, e.fa),
            format!("Row {}: {}", e.line, e.en),
        ));
    }
    // The delegation the filing rests on, if the importer's role does not cover every row.
    let meeting = may_import(store, who, meeting_id).await?;
    let under = std::iter::once(meeting.district_id)
        .chain(check.drafts.iter().map(|d| match d.scope {
            DraftScope::City => None,
            DraftScope::District(id)
            | DraftScope::Neighborhood {
                district_id: id, ..
            } => Some(id),
        }))
        .find_map(|d| who.delegation_for(Power::CreateResolutions, district_scope(d)));
    let now = Utc::now();
    let drafts: Vec<NewResolution> = check
        .drafts
        .iter()
        .map(|d| {
            let (scope, district, neighborhood) = match d.scope {
                DraftScope::City => ("city", None, None),
                DraftScope::District(x) => ("district", Some(x), None),
                DraftScope::Neighborhood { id, district_id } => {
                    ("neighborhood", Some(district_id), Some(id))
                }
            };
            NewResolution {
                meeting_id,
                item_number: d.item_number,
                title: &d.title,
                body: &d.body,
                domain: d.domain.as_str(),
                scope,
                district_id: district,
                neighborhood_id: neighborhood,
                lead_org_id: d.lead_org_id,
                partners: &d.partner_org_ids,
                priority: d.priority.as_str(),
                deadline: d.deadline,
                created_by: Some(who.user_id),
            }
        })
        .collect();
    let written = store
        .write(|tx, _| {
            let drafts = &drafts;
            Box::pin(async move {
                resolutions::create_many(tx, meeting_id, drafts, now).await?;
                audit::record_under(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: "import",
                        entity: "meeting",
                        entity_id: Some(meeting_id),
                        before: None,
                        after: Some(json!({ "file": filename, "resolutions": drafts.len() })),
                    },
                    under,
                )
                .await?;
                Ok::<_, DbError>(drafts.len())
            })
        })
        .await;
    match written {
        Err(DbError::Conflict(_)) => {
            // Someone numbered an item of this meeting meanwhile: name the first row it hits.
            let taken = resolutions::item_numbers(store, meeting_id).await?;
            let line = check
                .drafts
                .iter()
                .find(|d| taken.contains(&d.item_number))
                .map_or(0, |d| d.line);
            Err(AppError::invalid(
                "file",
                format!("ردیف {line}: شماره بند تکراری است."),
                format!("Row {line}: the item number is already used."),
            ))
        }
        other => Ok(other?),
    }
}
