//! Resolution follow-up as operations shared by pages and the API: each checks who may act
//! (`mahalle_core::access`), asks the workflow (`mahalle_core::resolutions`) what the change
//! is, and writes it in one transaction with its timeline event and audit row.

use chrono::{NaiveDate, Utc};
use mahalle_core::access::{Act, Parties, Principal};
use mahalle_core::domain::Domain;
use mahalle_core::resolutions::{self as rules, Priority, Status, Transition};
use mahalle_core::validate::{self, FieldError};
use mahalle_db::resolutions::{self, NewReport, NewResolution, Resolution};
use mahalle_db::{audit, meetings, DbError, Store};
use serde_json::json;

use crate::http::error::AppError;
use crate::http::extract::{check_upload, parse_date, Upload};

impl From<rules::WorkflowError> for AppError {
    fn from(e: rules::WorkflowError) -> Self {
        AppError::invalid("status", e.message_fa(), e.to_string())
    }
}

impl From<rules::ExtensionError> for AppError {
    fn from(e: rules::ExtensionError) -> Self {
        AppError::invalid("deadline", e.message_fa(), e.to_string())
    }
}

async fn allowed(store: &Store, who: &Principal, r: &Resolution, act: Act) -> Result<(), AppError> {
    let (partners, district) = resolutions::parties(store, r).await?;
    if who.may(
        act,
        Parties {
            lead: r.lead_org_id,
            partners: &partners,
            district,
        },
    ) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Filters of the follow-up lists, as they arrive from the query string.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct FilterQuery {
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub domain: String,
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    pub district: Option<i64>,
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    pub lead: Option<i64>,
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    pub org: Option<i64>,
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    pub meeting: Option<i64>,
    /// "1" for overdue only.
    #[serde(default)]
    pub overdue: String,
    /// Due within this many days.
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    pub due: Option<i64>,
    /// Deadline range, Jalali or ISO.
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
}

impl FilterQuery {
    /// The store filter, limited to what the user may see.
    pub fn to_filter(
        &self,
        me: &crate::http::ctx::SignedIn,
    ) -> Result<resolutions::Filter, AppError> {
        let date = |field: &'static str, s: &str| -> Result<Option<NaiveDate>, AppError> {
            if s.trim().is_empty() {
                Ok(None)
            } else {
                crate::http::extract::parse_date(field, s).map(Some)
            }
        };
        Ok(resolutions::Filter {
            meeting_id: self.meeting,
            lead_org_id: self.lead,
            involving_org_id: self.org,
            partner_org_id: None,
            district_id: self.district,
            domain: Domain::parse(&self.domain).map(|d| d.as_str().to_string()),
            status: Status::parse(&self.status).map(|s| s.as_str().to_string()),
            overdue: self.overdue == "1",
            open_only: false,
            due_within: self.due,
            deadline_from: date("from", &self.from)?,
            deadline_to: date("to", &self.to)?,
            reach: Some(me.principal.reach()),
        })
    }

    /// The filters as query parameters, to keep across sorting and paging links.
    pub fn keep(&self) -> String {
        let mut s = String::new();
        let mut add = |k: &str, v: String| {
            if !v.is_empty() {
                s.push_str(&format!("&{k}={}", crate::http::page::url_encode(&v)));
            }
        };
        add("status", self.status.clone());
        add("domain", self.domain.clone());
        add(
            "district",
            self.district.map(|d| d.to_string()).unwrap_or_default(),
        );
        add("lead", self.lead.map(|d| d.to_string()).unwrap_or_default());
        add("org", self.org.map(|d| d.to_string()).unwrap_or_default());
        add(
            "meeting",
            self.meeting.map(|d| d.to_string()).unwrap_or_default(),
        );
        add("overdue", self.overdue.clone());
        add("due", self.due.map(|d| d.to_string()).unwrap_or_default());
        add("from", self.from.clone());
        add("to", self.to.clone());
        s
    }
}

/// The fields of a new resolution as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ResolutionInput {
    pub item_number: Option<i64>,
    pub title: String,
    #[serde(default)]
    pub body: String,
    pub domain: String,
    /// Id of the lead organisation.
    pub lead_org_id: i64,
    #[serde(default)]
    pub partner_org_ids: Vec<i64>,
    #[serde(default)]
    pub district_id: Option<i64>,
    #[serde(default)]
    pub neighborhood_id: Option<i64>,
    /// Jalali ("1404/08/30") or ISO ("2025-11-21").
    pub deadline: String,
    #[serde(default)]
    pub priority: Option<String>,
}

pub async fn create_resolution(
    store: &Store,
    who: &Principal,
    meeting_id: i64,
    input: &ResolutionInput,
) -> Result<i64, AppError> {
    let meeting = meetings::get(store, meeting_id, crate::today()).await?;
    if !who.is_secretariat_for(meeting.district_id) {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let title = validate::required_text("title", &input.title, 500)
        .map_err(|e| errors.push(e))
        .ok();
    let domain = Domain::parse_loose(&input.domain);
    if domain.is_none() {
        errors.push(FieldError::new(
            "domain",
            "حوزه را انتخاب کنید.",
            "Choose a domain.",
        ));
    }
    let priority = match input.priority.as_deref().filter(|p| !p.is_empty()) {
        None => Some(Priority::Normal),
        Some(p) => Priority::parse_loose(p),
    };
    if priority.is_none() {
        errors.push(FieldError::new(
            "priority",
            "اولویت نامعتبر است.",
            "Unknown priority.",
        ));
    }
    let deadline = match parse_date("deadline", &input.deadline) {
        Ok(d) => Some(d),
        Err(AppError::Invalid(mut f)) => {
            errors.append(&mut f);
            None
        }
        Err(e) => return Err(e),
    };
    if input.item_number.is_some_and(|n| n <= 0) {
        errors.push(FieldError::new(
            "item_number",
            "شماره بند باید مثبت باشد.",
            "The item number must be positive.",
        ));
    }
    let (Some(title), Some(domain), Some(priority), Some(deadline), true) =
        (title, domain, priority, deadline, errors.is_empty())
    else {
        return Err(AppError::Invalid(errors));
    };
    // A neighborhood resolution also belongs to its district, so district staff see it.
    let mut district_id = input.district_id;
    if let Some(n) = input.neighborhood_id {
        let hood = match mahalle_db::places::get_neighborhood(store, n).await {
            Ok(h) => h,
            Err(DbError::NotFound) => {
                return Err(AppError::invalid(
                    "neighborhood_id",
                    "محله انتخاب‌شده وجود ندارد.",
                    "The chosen neighborhood does not exist.",
                ))
            }
            Err(e) => return Err(e.into()),
        };
        if district_id.is_some_and(|d| d != hood.district_id) {
            return Err(AppError::invalid(
                "neighborhood_id",
                "این محله در منطقه انتخاب‌شده نیست.",
                "This neighborhood is not in the chosen district.",
            ));
        }
        district_id = Some(hood.district_id);
    }
    let district_id = district_id.or(meeting.district_id);
    let scope = if input.neighborhood_id.is_some() {
        "neighborhood"
    } else if district_id.is_some() {
        "district"
    } else {
        "city"
    };
    let body = mahalle_core::text::normalize_multiline(&input.body);
    let now = Utc::now();
    store.write(|tx, _| { let (body, title) = (&body, &title); Box::pin(async move {
    let item = match input.item_number {
        Some(n) => n,
        None => {
            resolutions::next_item_number(tx, meeting_id).await?
        }
    };
    let new = NewResolution {
        meeting_id,
        item_number: item,
        title,
        body,
        domain: domain.as_str(),
        scope,
        district_id,
        neighborhood_id: input.neighborhood_id,
        lead_org_id: input.lead_org_id,
        partners: &input.partner_org_ids,
        priority: priority.as_str(),
        deadline,
        created_by: Some(who.user_id),
    };
    let id = match resolutions::create(tx, &new, now).await {
        Ok(id) => id,
        Err(DbError::Conflict(_)) => {
            return Err(AppError::invalid(
                "item_number",
                "این شماره بند در این جلسه پیش‌تر ثبت شده است.",
                "This item number is already used in this meeting.",
            ))
        }
        Err(DbError::MissingReference(_)) => {
            return Err(AppError::invalid(
                "lead_org_id",
                "دستگاه، منطقه یا محله انتخاب‌شده وجود ندارد.",
                "The chosen organisation, district or neighborhood does not exist.",
            ))
        }
        Err(e) => return Err(e.into()),
    };
    audit::record(
        tx,
        audit::Change {
            user_id: Some(who.user_id),
            action: "create",
            entity: "resolution",
            entity_id: Some(id),
            before: None,
            after: Some(json!({ "meeting_id": meeting_id, "item_number": item, "title": title, "lead_org_id": input.lead_org_id, "deadline": deadline })),
        },
    )
    .await?;
    Ok(id)
    }) }).await
}

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
    allowed(store, who, &r, act).await?;
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
                audit::record(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: t.name(),
                        entity: "resolution",
                        entity_id: Some(id),
                        before: Some(json!({ "status": from.as_str() })),
                        after: Some(json!({ "status": to.as_str(), "note": t.note() })),
                    },
                )
                .await?;
                Ok(to)
            })
        })
        .await
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
    let (partners, _) = resolutions::parties(store, &r).await?;
    // The report is filed for the organisation the user acts for; the secretariat reports for the lead.
    let org = std::iter::once(r.lead_org_id)
        .chain(partners)
        .find(|&o| who.acts_for(o))
        .unwrap_or(r.lead_org_id);
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
                audit::record(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: "report",
                        entity: "resolution",
                        entity_id: Some(id),
                        before: None,
                        after: Some(json!({ "report_id": rid, "percent": percent })),
                    },
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
    if !who.may_request_extension(Parties {
        lead: r.lead_org_id,
        partners: &partners,
        district,
    }) {
        return Err(AppError::Forbidden);
    }
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
                audit::record(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: "request_extension",
                        entity: "resolution",
                        entity_id: Some(id),
                        before: Some(json!({ "deadline": cur.deadline })),
                        after: Some(json!({ "requested": new, "reason": reason })),
                    },
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
    allowed(store, who, &r, Act::Secretariat).await?;
    if ext.state != "pending" {
        return Err(rules::ExtensionError::AlreadyDecided.into());
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
    audit::record(
        tx,
        audit::Change {
            user_id: Some(who.user_id),
            action: if approve { "approve_extension" } else { "refuse_extension" },
            entity: "resolution",
            entity_id: Some(ext.resolution_id),
            before: Some(json!({ "deadline": ext.old_deadline })),
            after: Some(json!({ "deadline": if approve { ext.new_deadline } else { ext.old_deadline }, "note": note })),
        },
    )
    .await?;
    Ok(())
    }) }).await
}

/// Edits a resolution's title and text (secretariat); the old text stays in the timeline.
pub async fn edit(
    store: &Store,
    who: &Principal,
    id: i64,
    title: &str,
    body: &str,
) -> Result<(), AppError> {
    let r = resolutions::get(store, id).await?;
    allowed(store, who, &r, Act::Secretariat).await?;
    let title = validate::required_text("title", title, 500)?;
    let body = mahalle_core::text::normalize_multiline(body);
    store
        .write(|tx, _| {
            let (body, r, title) = (&body, &r, &title);
            Box::pin(async move {
                resolutions::edit(tx, id, title, body, Some(who.user_id), Utc::now()).await?;
                audit::record(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: "edit",
                        entity: "resolution",
                        entity_id: Some(id),
                        before: Some(json!({ "title": r.title, "body": r.body })),
                        after: Some(json!({ "title": title, "body": body })),
                    },
                )
                .await?;
                Ok(())
            })
        })
        .await
}

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

/// Reads and validates a sheet for a meeting, including numbers the meeting already uses.
pub async fn check_import(
    store: &Store,
    meeting_id: i64,
    filename: &str,
    bytes: &[u8],
) -> Result<ImportCheck, AppError> {
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
    let meeting = meetings::get(store, meeting_id, crate::today()).await?;
    if !who.is_secretariat_for(meeting.district_id) {
        return Err(AppError::Forbidden);
    }
    let check = check_import(store, meeting_id, filename, bytes).await?;
    if !check.errors.is_empty() {
        let e = &check.errors[0];
        return Err(AppError::invalid(
            "file",
            format!("ردیف {}: {}", e.line, e.fa),
            format!("Row {}: {}", e.line, e.en),
        ));
    }
    let now = Utc::now();
    let drafts: Vec<NewResolution> = check
        .drafts
        .iter()
        .map(|d| {
            let (scope, district, neighborhood) = match d.scope {
                crate::resolutions::transfer::DraftScope::City => ("city", None, None),
                crate::resolutions::transfer::DraftScope::District(x) => {
                    ("district", Some(x), None)
                }
                crate::resolutions::transfer::DraftScope::Neighborhood { id, district_id } => {
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
                audit::record(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: "import",
                        entity: "meeting",
                        entity_id: Some(meeting_id),
                        before: None,
                        after: Some(json!({ "file": filename, "resolutions": drafts.len() })),
                    },
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
