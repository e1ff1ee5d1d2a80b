//! Citizens' requests as operations shared by the public form, staff pages and Open311: intake
//! (validate, locate, route, store), the staff steps (accept, reassign, respond, close, reject,
//! reopen), challenges raised from requests, and Open311 API keys; each change is written in one
//! transaction with its history and audit rows.

mod api_keys;
mod challenges;
mod intake;

pub use api_keys::*;
pub use challenges::*;
use intake::field;
pub use intake::*;

use chrono::Utc;
use mahalle_core::access::Principal;
use mahalle_core::requests::{self as rules, Action, RequestError, RequestStatus};
use mahalle_core::text;
use mahalle_core::validate::FieldError;
use mahalle_db::requests::{self as store_requests, Contact, NewEvent, Request};
use mahalle_db::{audit, Store};
use serde_json::json;

use crate::http::error::AppError;

impl From<RequestError> for AppError {
    fn from(e: RequestError) -> Self {
        AppError::Invalid(vec![FieldError::new(
            "action",
            e.message_fa(),
            e.to_string(),
        )])
    }
}

/// Who may work on a request: the city's secretariat, the district mayor of its district, or a
/// liaison of the organisation it is with.
pub fn may_handle(who: &Principal, r: &Request) -> bool {
    who.is_secretariat_for(r.district_id) || r.organisation_id.is_some_and(|o| who.works_for(o))
}

/// The delegation a handler works on the request through, if their own role does not suffice.
pub(super) fn handling_under(who: &Principal, r: &Request) -> Option<i64> {
    let orgs: Vec<i64> = r.organisation_id.into_iter().collect();
    who.delegation_acting_for(r.district_id, &orgs)
}

/// A staff step as a form or an API client names it.
pub fn parse_action(
    action: &str,
    note: &str,
    organisation_id: Option<i64>,
) -> Result<Action, AppError> {
    let action = action.trim();
    match Action::from_form(action, note, organisation_id) {
        Some(a) => Ok(a),
        None if action == "reassign" => Err(AppError::invalid(
            "organisation_id",
            "دستگاهی را که درخواست به آن ارجاع می‌شود انتخاب کنید.",
            "Choose the organisation to hand the request to.",
        )),
        None => Err(AppError::BadRequest(format!("unknown action {action}"))),
    }
}

/// Applies a staff step to a request.
pub async fn act(
    store: &Store,
    who: &Principal,
    id: i64,
    action: Action,
) -> Result<RequestStatus, AppError> {
    let r = store_requests::get(store, id).await?;
    AppError::unless(may_handle(who, &r))?;
    let under = handling_under(who, &r);
    if let Action::Reassign { organisation, .. } = &action {
        if mahalle_db::org::get(store, *organisation).await.is_err() {
            return Err(AppError::Invalid(vec![field(
                "organisation_id",
                "سازمان انتخاب‌شده وجود ندارد.",
                "The chosen organisation does not exist.",
            )]));
        }
    }
    let now = Utc::now();
    store
        .write(|tx, _| {
            let action = &action;
            Box::pin(async move {
                // Decide on the state inside the transaction, so two clerks cannot close it twice.
                let (status, org) = store_requests::current(tx, id).await?;
                let from = RequestStatus::parse(&status).unwrap_or(RequestStatus::Submitted);
                let to = rules::apply(from, org, action)?;
                let new_org = match &action {
                    Action::Reassign { organisation, .. } => Some(*organisation),
                    _ => org,
                };
                let note = text::normalize_multiline(action.note());
                let public_note = action
                    .is_public()
                    .then_some(note.as_str())
                    .filter(|n| !n.is_empty());
                store_requests::record_step(tx, id, to, new_org, public_note, now).await?;
                store_requests::event(
                    tx,
                    &NewEvent {
                        request_id: id,
                        at: now,
                        user_id: Some(who.user_id),
                        kind: action.name(),
                        from_status: Some(from.as_str()),
                        to_status: Some(to.as_str()),
                        organisation_id: new_org,
                        note: &note,
                        public: action.is_public(),
                    },
                )
                .await?;
                audit::record_under(
        tx,
        audit::Change {
            user_id: Some(who.user_id),
            action: action.name(),
            entity: "service_request",
            entity_id: Some(id),
            before: Some(json!({"status": from.as_str(), "organisation_id": org})),
            after: Some(json!({"status": to.as_str(), "organisation_id": new_org, "note": note})),
        },
        under,
    )
    .await?;
                Ok(to)
            })
        })
        .await
}

/// Clears a request's own words (description, address, photo, exact point) for publication over
/// Open311, or withdraws them, as one who handles it; recorded in its history and the audit log.
/// Clearing a request of an unpublished category publishes nothing: the category decides first.
pub async fn set_cleared(
    store: &Store,
    who: &Principal,
    id: i64,
    cleared: bool,
) -> Result<(), AppError> {
    let r = store_requests::get(store, id).await?;
    AppError::unless(may_handle(who, &r))?;
    let under = handling_under(who, &r);
    let now = Utc::now();
    store
        .write(|tx, _| {
            Box::pin(async move {
                store_requests::set_cleared(tx, id, Some(who.user_id), now, cleared).await?;
                let kind = if cleared { "cleared" } else { "withdrawn" };
                store_requests::event(
                    tx,
                    &NewEvent {
                        request_id: id,
                        at: now,
                        user_id: Some(who.user_id),
                        kind,
                        from_status: None,
                        to_status: None,
                        organisation_id: r.organisation_id,
                        note: "",
                        public: false,
                    },
                )
                .await?;
                audit::record_under(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: if cleared { "clear" } else { "withdraw" },
                        entity: "service_request",
                        entity_id: Some(id),
                        before: Some(json!({ "cleared": r.cleared_at.is_some() })),
                        after: Some(json!({ "cleared": cleared })),
                    },
                    under,
                )
                .await?;
                Ok(())
            })
        })
        .await
}

// ---------------------------------------------------------------- reading (staff)

/// The staff queue's filter, within what `who` may see. `status` is a status code or "open".
pub fn queue_filter(
    who: &Principal,
    organisation_id: Option<i64>,
    service_id: Option<i64>,
    district_id: Option<i64>,
    status: &str,
    overdue: bool,
) -> store_requests::Filter {
    let reach = who.reach();
    store_requests::Filter {
        organisation_id,
        service_id,
        district_id,
        status: RequestStatus::parse(status),
        open_only: status == "open",
        overdue,
        challenge_id: None,
        reach: (!reach.all).then_some(reach),
    }
}

/// A request as a member of staff reads it.
pub struct StaffView {
    pub request: Request,
    /// Whether `who` may act on it (`may_handle`).
    pub can_act: bool,
    /// The citizen's contact: for those who act on it and the city's secretariat only.
    pub contact: Option<Contact>,
}

/// A request for staff: `Forbidden` unless `who` may act on it or it is within their reach.
pub async fn staff_view(store: &Store, who: &Principal, id: i64) -> Result<StaffView, AppError> {
    let request = store_requests::get(store, id).await?;
    let can_act = may_handle(who, &request);
    let orgs: Vec<i64> = request.organisation_id.into_iter().collect();
    if !can_act
        && !who
            .reach()
            .sees(request.district_id, request.neighborhood_id, &orgs)
    {
        return Err(AppError::Forbidden);
    }
    let contact = if can_act || who.is_city_secretariat() {
        Some(store_requests::contact(store, id).await?)
    } else {
        None
    };
    Ok(StaffView {
        request,
        can_act,
        contact,
    })
}
