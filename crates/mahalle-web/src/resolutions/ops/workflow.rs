//! The follow-up workflow: status changes, progress reports and deadline extensions.

use chrono::{NaiveDate, Utc};
use mahalle_core::access::{Act, Parties, Principal, Scope};
use mahalle_core::delegations::{district_scope, Power};
use mahalle_core::resolutions::{self as rules, Status, Transition};
use mahalle_core::validate::{self, FieldError};
use mahalle_db::resolutions::{self, NewReport};
use mahalle_db::{audit, DbError, Store};
use serde_json::json;

use super::allowed;
use crate::http::error::AppError;
use crate::http::extract::{check_upload, parse_date, Upload};

/// Applies a status change, if the workflow and the user's role allow it.
pub async fn transition(
    store: &Store,
    who: &Principal,
    id: i64,
    t: &Transition,
) -> Result<Status, AppError> {
    let r = resolutions::get(store, id).await?;
    let act = match t {
        Transition::Start | Transition::Complete { .. } => Act::Execute,
        Transition::Cancel { .. } | Transition::Reopen { .. } => Act::Secretariat,
    };
    let under = allowed(store, who, &r, act).await?;
    let now = Utc::now();
    let today = crate::today();
    store
        .write(|tx, _| {
            Box::pin(async move {
                let cur = resolutions::current(tx, id).await?;
                let from = Status::parse(&cur.status).unwrap_or(Status::Approved);
                let to = rules::transition(from, t)?;
                let done = (to == Status::Done).then(|| {
                    let created = cur
                        .created_at
                        .with_timezone(&crate::tehran_offset())
                        .date_naive();
                    (
                        today,
                        rules::done_late(today, cur.deadline),
                        (today - created).num_days().max(0),
                    )
                });
                resolutions::set_status(
                    tx,
                    id,
                    from,
                    to,
                    t.name(),
                    t.note(),
                    Some(who.user_id),
                    now,
                    done,
                )
                .await?;
                audit::record_under(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: t.name(),
                        entity: "resolution",
                        entity_id: Some(id),
                        before: Some(json!({ "status": from.as_str() })),
                        after: Some(json!({ "status": to.as_str(), "note": t.note() })),
                    },
                    under,
                )
                .await?;
                Ok(to)
            })
        })
        .await
}

/// Whether the user may report on the resolution: asked before a report's upload is read.
pub async fn may_report(store: &Store, who: &Principal, id: i64) -> Result<(), AppError> {
    let r = resolutions::get(store, id).await?;
    allowed(store, who, &r, Act::Execute).await.map(|_| ())
}

/// Files a progress report for one of the user's organisations on the resolution.
pub async fn report(
    store: &Store,
    who: &Principal,
    id: i64,
    percent: i64,
    body: &str,
    reported_on: Option<NaiveDate>,
    file: Option<&Upload>,
) -> Result<i64, AppError> {
    let r = resolutions::get(store, id).await?;
    allowed(store, who, &r, Act::Execute).await?;
    let (partners, district) = resolutions::parties(store, &r).await?;
    // The report is filed for an organisation the user is the liaison of, else one they act for
    // by delegation (named on the audit row); the secretariat reports for the lead.
    let orgs: Vec<i64> = std::iter::once(r.lead_org_id).chain(partners).collect();
    let org = orgs
        .iter()
        .copied()
        .find(|&o| who.acts_for(o))
        .or_else(|| orgs.iter().copied().find(|&o| who.works_for(o)))
        .unwrap_or(r.lead_org_id);
    let under = if who.is_secretariat_for(district) {
        None
    } else {
        who.delegation_for(Power::ActForOrganisation, Scope::Organisation(org))
    };
    let mut errors = Vec::new();
    if !(0..=100).contains(&percent) {
        errors.push(FieldError::new(
            "percent",
            "درصد پیشرفت باید بین ۰ و ۱۰۰ باشد.",
            "Progress must be between 0 and 100.",
        ));
    }
    let body = validate::required_paragraphs("body", body, 10_000)
        .map_err(|e| errors.push(e))
        .ok();
    let today = crate::today();
    let on = reported_on.unwrap_or(today);
    if on > today {
        errors.push(FieldError::new(
            "reported_on",
            "تاریخ گزارش نمی‌تواند در آینده باشد.",
            "A report cannot be dated in the future.",
        ));
    }
    let checked = match file.map(check_upload).transpose() {
        Ok(c) => c,
        Err(AppError::Invalid(mut f)) => {
            errors.append(&mut f);
            None
        }
        Err(e) => return Err(e),
    };
    let (Some(body), true) = (body, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let now = Utc::now();
    store
        .write(|tx, _| {
            let (body, checked) = (&body, &checked);
            Box::pin(async move {
                let from = Status::parse(&resolutions::current(tx, id).await?.status)
                    .unwrap_or(Status::Approved);
                let to = rules::status_after_report(from)?;
                let rid = resolutions::add_report(
                    tx,
                    &NewReport {
                        resolution_id: id,
                        organisation_id: org,
                        user_id: Some(who.user_id),
                        reported_on: on,
                        percent,
                        body,
                    },
                    from,
                    to,
                    now,
                )
                .await?;
                if let (Some((name, kind, hash)), Some(f)) = (&checked, file) {
                    mahalle_db::attachments::add(
                        tx,
                        &mahalle_db::attachments::NewAttachment {
                            meeting_id: None,
                            report_id: Some(rid),
                            filename: name,
                            content_type: kind,
                            sha256: hash,
                            content: &f.1,
                            uploaded_by: Some(who.user_id),
                        },
                    )
                    .await?;
                }
                audit::record_under(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: "report",
                        entity: "resolution",
                        entity_id: Some(id),
                        before: None,
                        after: Some(json!({ "report_id": rid, "percent": percent })),
                    },
                    under,
                )
                .await?;
                Ok(rid)
            })
        })
        .await
}

pub async fn request_extension(
    store: &Store,
    who: &Principal,
    id: i64,
    new_deadline: &str,
    reason: &str,
) -> Result<i64, AppError> {
    let r = resolutions::get(store, id).await?;
    let (partners, district) = resolutions::parties(store, &r).await?;
    AppError::unless(who.may_request_extension(Parties {
        lead: r.lead_org_id,
        partners: &partners,
        district,
    }))?;
    let under = who.delegation_acting_for(district, &[r.lead_org_id]);
    let new = parse_date("new_deadline", new_deadline)?;
    let reason = mahalle_core::text::normalize_multiline(reason);
    let now = Utc::now();
    store
        .write(|tx, _| {
            let reason = &reason;
            Box::pin(async move {
                let cur = resolutions::current(tx, id).await?;
                if !Status::parse(&cur.status).is_some_and(Status::is_open) {
                    return Err(rules::ExtensionError::Closed.into());
                }
                rules::check_extension(cur.deadline, new, reason)?;
                let eid = resolutions::request_extension(
                    tx,
                    id,
                    cur.deadline,
                    new,
                    reason,
                    Some(who.user_id),
                    now,
                )
                .await?;
                audit::record_under(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: "request_extension",
                        entity: "resolution",
                        entity_id: Some(id),
                        before: Some(json!({ "deadline": cur.deadline })),
                        after: Some(json!({ "requested": new, "reason": reason })),
                    },
                    under,
                )
                .await?;
                Ok(eid)
            })
        })
        .await
}

pub async fn decide_extension(
    store: &Store,
    who: &Principal,
    ext_id: i64,
    approve: bool,
    note: &str,
) -> Result<(), AppError> {
    let now = Utc::now();
    let ext = resolutions::extension(store, ext_id).await?;
    let r = resolutions::get(store, ext.resolution_id).await?;
    let (_, district) = resolutions::parties(store, &r).await?;
    let scope = district_scope(district);
    AppError::unless(who.holds(Power::DecideExtensions, scope))?;
    let under = who.delegation_for(Power::DecideExtensions, scope);
    if ext.state != "pending" {
        return Err(rules::ExtensionError::AlreadyDecided.into());
    }
    // A power held by delegation does not decide one's own request.
    if under.is_some() && ext.requested_by == Some(who.user_id) {
        return Err(AppError::invalid(
            "action",
            "درخواست تمدیدی را که خودتان داده‌اید با اختیار تفویض‌شده نمی‌توانید بررسی کنید.",
            "You cannot decide, under a delegation, an extension you asked for yourself.",
        ));
    }
    let note = mahalle_core::text::normalize_multiline(note);
    if !approve && note.is_empty() {
        return Err(AppError::invalid(
            "note",
            "دلیل رد درخواست را بنویسید.",
            "Give the reason for refusing.",
        ));
    }
    store.write(|tx, _| { let (ext, note) = (&ext, &note); Box::pin(async move {
    match resolutions::decide_extension(tx, ext, approve, note, Some(who.user_id), now).await
    {
        Err(DbError::Conflict(_)) => return Err(rules::ExtensionError::AlreadyDecided.into()),
        other => other?,
    }
    audit::record_under(
        tx,
        audit::Change {
            user_id: Some(who.user_id),
            action: if approve { "approve_extension" } else { "refuse_extension" },
            entity: "resolution",
            entity_id: Some(ext.resolution_id),
            before: Some(json!({ "deadline": ext.old_deadline })),
            after: Some(json!({ "deadline": if approve { ext.new_deadline } else { ext.old_deadline }, "note": note })),
        },
        under,
    )
    .await?;
    Ok(())
    }) }).await
}
