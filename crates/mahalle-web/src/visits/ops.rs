//! Supervisory visit operations shared by pages and the API: planning a visit, domain reports,
//! findings, decisions (resolutions of the visited district) and the commitments memo. Each
//! checks who may act and writes its change with an audit row in one transaction.

use std::collections::BTreeMap;

use chrono::Utc;
use mahalle_core::domain::Domain;
use mahalle_core::meetings::{Party, PersonRef};
use mahalle_core::validate::FieldError;
use mahalle_core::visits::{self as rules, Side};
use mahalle_core::{jalali, text};
use mahalle_db::meetings::{self, Meeting};
use mahalle_db::notifications::{self as outbox, NewMemo};
use mahalle_db::{audit, visits, DbError, Store};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::http::ctx::SignedIn;
use crate::http::error::AppError;
use crate::http::form::chair_and_people;
use crate::meetings::ops::MeetingInput;
use crate::resolutions::ops::create_with;
use crate::resolutions::ops::ResolutionInput;

/// A visit: its meeting row, the district visited and the people visiting.
pub struct Visit {
    pub m: Meeting,
    pub district_id: i64,
    pub visitor_people: Vec<i64>,
}

/// The visit `id`; not found unless it is a district's supervisory visit.
pub async fn load(store: &Store, id: i64) -> Result<Visit, AppError> {
    let m = meetings::get(store, id, crate::today()).await?;
    let Some(district_id) = m.district_id.filter(|_| m.kind == "supervisory_visit") else {
        return Err(AppError::NotFound);
    };
    Ok(Visit {
        visitor_people: visits::visitor_people(store, id).await?,
        m,
        district_id,
    })
}

impl Visit {
    /// The visitors and the district's secretariat.
    pub fn may_edit(&self, me: &SignedIn) -> bool {
        rules::may_edit(
            &me.principal,
            self.district_id,
            &self.visitor_people,
            me.user.person_id,
        )
    }

    /// Those who edit it and the district's domain managers.
    pub async fn may_report(&self, store: &Store, me: &SignedIn) -> Result<bool, AppError> {
        if self.may_edit(me) {
            return Ok(true);
        }
        let orgs = visits::district_organisations(store, self.district_id).await?;
        Ok(rules::may_report(
            &me.principal,
            self.district_id,
            &self.visitor_people,
            me.user.person_id,
            &orgs,
        ))
    }
}

/// Who may open a visit: those who see its district, its domain managers, and the owners of
/// its decisions.
async fn may_view(store: &Store, me: &SignedIn, v: &Visit) -> Result<bool, AppError> {
    let reach = me.principal.reach();
    if reach.sees(Some(v.district_id), None, &[]) || v.may_report(store, me).await? {
        return Ok(true);
    }
    Ok(visits::commitments(store, v.m.id)
        .await?
        .iter()
        .any(|c| reach.organisations.contains(&c.lead_org_id)))
}

/// The visit `id` if `me` may open it.
pub async fn visible(store: &Store, me: &SignedIn, id: i64) -> Result<Visit, AppError> {
    let v = load(store, id).await?;
    if may_view(store, me, &v).await? {
        Ok(v)
    } else {
        Err(AppError::Forbidden)
    }
}

/// A visit to plan, as the form or the API describes it.
#[derive(Debug, Clone, Default, serde::Deserialize, ToSchema)]
#[serde(default)]
pub struct VisitInput {
    /// The district visited.
    pub district_id: Option<i64>,
    /// The organisation holding the visit (the visiting deputy's).
    pub body_id: Option<i64>,
    pub title: String,
    /// Jalali (۱۴۰۵/۰۹/۲۰) or ISO.
    pub date: String,
    /// "10:30", Persian digits allowed.
    pub time: String,
    #[serde(default)]
    pub place: String,
    /// One item a line.
    #[serde(default)]
    pub agenda: Vec<String>,
    /// The chair, by number (`#12`) or full name.
    #[serde(default)]
    pub chair: String,
    /// Visiting people (the deputy, general managers), by number or full name.
    #[serde(default)]
    pub visitors: Vec<String>,
    /// Visiting organisations.
    #[serde(default)]
    pub visitor_orgs: Vec<i64>,
    /// Hosting people (the district mayor, its domain managers).
    #[serde(default)]
    pub hosts: Vec<String>,
    /// Hosting organisations (the district's office).
    #[serde(default)]
    pub host_orgs: Vec<i64>,
}

/// Plans a visit: a supervisory_visit meeting of the district, its visitors and hosts invited
/// and marked with their side. The meeting's own checks (secretariat of the district, date,
/// people named) apply.
pub async fn plan(store: &Store, me: &SignedIn, input: &VisitInput) -> Result<i64, AppError> {
    // Those who may record no meeting are told so before anything they sent is judged.
    if !me.principal.may_record_meetings() {
        return Err(AppError::Forbidden);
    }
    let mut errors: Vec<FieldError> = Vec::new();
    if input.district_id.is_none() {
        errors.push(FieldError::new(
            "district_id",
            "منطقه‌ای را که بازدید می‌شود انتخاب کنید.",
            "Choose the district visited.",
        ));
    }
    let refs = |names: &[String]| -> Vec<PersonRef> {
        names
            .iter()
            .flat_map(|n| PersonRef::parse_list(n))
            .collect()
    };
    let (_, visitors) = chair_and_people(store, None, &refs(&input.visitors), &mut errors).await;
    let (_, hosts) = chair_and_people(store, None, &refs(&input.hosts), &mut errors).await;
    if visitors.is_empty() && input.visitor_orgs.is_empty() && errors.is_empty() {
        errors.push(FieldError::new(
            "visitors",
            "دست‌کم یک بازدیدکننده (فرد یا دستگاه) را بنویسید.",
            "Name at least one visitor (a person or an organisation).",
        ));
    }
    let mut sides: Vec<(Party, Side)> = Vec::new();
    for p in &visitors {
        sides.push((Party::Person(*p), Side::Visitor));
    }
    for o in &input.visitor_orgs {
        sides.push((Party::Organisation(*o), Side::Visitor));
    }
    for p in &hosts {
        sides.push((Party::Person(*p), Side::Host));
    }
    for o in &input.host_orgs {
        sides.push((Party::Organisation(*o), Side::Host));
    }
    let meeting = MeetingInput {
        kind: "supervisory_visit".into(),
        body_id: input.body_id,
        title: input.title.clone(),
        date: input.date.clone(),
        time: input.time.clone(),
        place: input.place.clone(),
        district_id: input.district_id,
        agenda: input.agenda.clone(),
        minutes: String::new(),
        chair: PersonRef::parse(&input.chair),
        invite_people: visitors
            .iter()
            .chain(&hosts)
            .map(|p| PersonRef::Id(*p))
            .collect(),
        invite_organisations: input
            .visitor_orgs
            .iter()
            .chain(&input.host_orgs)
            .copied()
            .collect(),
        sides,
    };
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    crate::meetings::ops::create(store, &me.principal, &meeting).await
}

/// A domain report as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, ToSchema)]
#[serde(default)]
pub struct DomainReportInput {
    /// A domain's code or label (civil_works, خدمات شهری, …).
    pub domain: String,
    /// The domain manager's name.
    pub manager: String,
    /// What was done since the last visit.
    pub actions: String,
    /// One `label: value` a line.
    #[serde(default)]
    pub figures: String,
    /// Numbers of the district's challenges the report raises, separated by commas.
    #[serde(default)]
    pub challenges: String,
}

/// Files a domain's report to a visit, or replaces the one filed for that domain.
pub async fn file_report(
    store: &Store,
    me: &SignedIn,
    visit_id: i64,
    input: &DomainReportInput,
) -> Result<i64, AppError> {
    let v = load(store, visit_id).await?;
    if !v.may_report(store, me).await? {
        return Err(AppError::Forbidden);
    }
    let r = rules::check_report(
        &input.domain,
        &input.manager,
        &input.actions,
        &input.figures,
        &input.challenges,
    )
    .map_err(AppError::Invalid)?;
    let (r, district) = (&r, v.district_id);
    store
        .write(|tx, _| Box::pin(async move { save_report(tx, me, visit_id, district, r).await }))
        .await
}

/// Records a checked report within a transaction: refused when it raises another district's
/// challenge; audited as created or replaced.
async fn save_report(
    tx: &mut mahalle_db::Tx,
    me: &SignedIn,
    visit_id: i64,
    district: i64,
    r: &rules::Report,
) -> Result<i64, AppError> {
    let foreign = visits::foreign_challenges(tx, district, &r.challenges).await?;
    if !foreign.is_empty() {
        return Err(foreign_challenges(&foreign));
    }
    let figures = rules::figures_text(&r.figures);
    let before = visits::report_of_domain(tx, visit_id, r.domain.as_str()).await?;
    let now = Utc::now();
    let id = visits::save_report(
        tx,
        &visits::ReportFields {
            meeting_id: visit_id,
            domain: r.domain.as_str(),
            manager: &r.manager,
            actions: &r.actions,
            figures: &figures,
            challenges: &r.challenges,
            user_id: Some(me.principal.user_id),
        },
        now,
    )
    .await?;
    audit::record(
        tx,
        audit::Change {
            user_id: Some(me.principal.user_id),
            action: if before.is_some() { "update" } else { "create" },
            entity: "visit_report",
            entity_id: Some(id),
            before: before
                .map(|b| json!({"manager": b.manager, "actions": b.actions, "figures": b.figures})),
            after: Some(json!({
                "visit_id": visit_id, "domain": r.domain.as_str(), "manager": r.manager,
                "actions": r.actions, "figures": figures, "challenges": r.challenges,
            })),
        },
    )
    .await?;
    Ok(id)
}

/// "Challenge #12 is not of this district".
fn foreign_challenges(ids: &[i64]) -> AppError {
    let list = ids
        .iter()
        .map(|i| format!("#{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    AppError::invalid(
        "challenges",
        format!(
            "چالش {} از این منطقه نیست یا وجود ندارد؛ گزارش تنها چالش‌های منطقه بازدیدشده را طرح می‌کند.",
            text::to_persian_digits(&list)
        ),
        format!("Challenge {list} is not of this district or does not exist; a report raises the visited district's challenges only."),
    )
}

/// A sheet of reports checked: rows read, those ready, and every problem.
pub struct ReportsCheck {
    /// The visited district, which the reports are recorded against.
    pub district_id: i64,
    pub rows: usize,
    pub drafts: Vec<crate::visits::sheet::Draft>,
    pub errors: Vec<crate::http::sheet::RowError>,
}

/// Reads and checks a sheet of domain reports for a visit (one row a domain); nothing is
/// recorded.
pub async fn check_reports(
    store: &Store,
    me: &SignedIn,
    visit_id: i64,
    filename: &str,
    bytes: &[u8],
) -> Result<ReportsCheck, AppError> {
    use crate::http::sheet::{RowError, SheetColumn};
    use crate::visits::sheet::ReportColumn;
    let v = load(store, visit_id).await?;
    if !v.may_report(store, me).await? {
        return Err(AppError::Forbidden);
    }
    let rows = crate::http::sheet::read_table::<ReportColumn>(filename, bytes)
        .map_err(|e| AppError::invalid("file", e.message_fa(), e.to_string()))?;
    let (drafts, mut errors) = crate::visits::sheet::validate(&rows);
    let mut ready = Vec::with_capacity(drafts.len());
    for d in drafts {
        let found = mahalle_db::projects::challenges_in_district(
            store,
            v.district_id,
            &d.report.challenges,
        )
        .await?;
        let foreign: Vec<i64> = d
            .report
            .challenges
            .iter()
            .copied()
            .filter(|c| !found.iter().any(|f| f.0 == *c))
            .collect();
        if foreign.is_empty() {
            ready.push(d);
        } else if let AppError::Invalid(f) = foreign_challenges(&foreign) {
            errors.extend(f.into_iter().map(|f| RowError {
                line: d.line,
                column: ReportColumn::Challenges.header_en(),
                fa: f.fa,
                en: f.en,
            }));
        }
    }
    errors.sort_by_key(|e| e.line);
    Ok(ReportsCheck {
        district_id: v.district_id,
        rows: rows.len(),
        drafts: ready,
        errors,
    })
}

/// Checks the sheet again and records every report in one transaction, or none.
pub async fn commit_reports(
    store: &Store,
    me: &SignedIn,
    visit_id: i64,
    filename: &str,
    bytes: &[u8],
) -> Result<usize, AppError> {
    let check = check_reports(store, me, visit_id, filename, bytes).await?;
    if let Some(e) = check.errors.first() {
        return Err(AppError::invalid(
            "file",
            format!(
                "ردیف {}: {}",
                text::to_persian_digits(&e.line.to_string()),
                e.fa
            ),
            format!("Row {}: {}", e.line, e.en),
        ));
    }
    let (district, drafts) = (check.district_id, &check.drafts);
    store
        .write(|tx, _| {
            Box::pin(async move {
                for d in drafts {
                    save_report(tx, me, visit_id, district, &d.report).await?;
                }
                Ok(drafts.len())
            })
        })
        .await
}

/// A finding as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, ToSchema)]
#[serde(default)]
pub struct FindingInput {
    pub body: String,
    /// A domain's code, if the finding is of one.
    #[serde(default)]
    pub domain: Option<String>,
    /// The neighborhood it is about, if one (of the visited district).
    #[serde(default)]
    pub neighborhood_id: Option<i64>,
}

/// Records a finding of the visit.
pub async fn add_finding(
    store: &Store,
    me: &SignedIn,
    visit_id: i64,
    input: &FindingInput,
) -> Result<i64, AppError> {
    let v = load(store, visit_id).await?;
    if !v.may_edit(me) {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let body = rules::check_finding(&input.body)
        .map_err(|e| errors.push(e))
        .ok();
    let domain = match input
        .domain
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => None,
        Some(d) => match Domain::parse(d).or_else(|| Domain::parse_loose(d)) {
            Some(d) => Some(d),
            None => {
                errors.push(FieldError::new(
                    "domain",
                    "حوزه نامعتبر است.",
                    "Unknown domain.",
                ));
                None
            }
        },
    };
    if let Some(n) = input.neighborhood_id {
        match mahalle_db::places::get_neighborhood(store, n).await {
            Ok(h) if h.district_id == v.district_id => {}
            Ok(_) | Err(DbError::NotFound) => errors.push(FieldError::new(
                "neighborhood_id",
                "این محله در منطقه بازدیدشده نیست.",
                "This neighborhood is not in the visited district.",
            )),
            Err(e) => return Err(e.into()),
        }
    }
    let (Some(body), true) = (body, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let (body, domain) = (&body, domain.map(Domain::as_str));
    let now = Utc::now();
    store
        .write(|tx, _| {
            Box::pin(async move {
                let id = visits::add_finding(
                    tx,
                    visit_id,
                    body,
                    domain,
                    input.neighborhood_id,
                    Some(me.principal.user_id),
                    now,
                )
                .await?;
                audit::record(
                    tx,
                    audit::Change {
                        user_id: Some(me.principal.user_id),
                        action: "create",
                        entity: "visit_finding",
                        entity_id: Some(id),
                        before: None,
                        after: Some(json!({"visit_id": visit_id, "body": body, "domain": domain, "neighborhood_id": input.neighborhood_id})),
                    },
                )
                .await?;
                Ok(id)
            })
        })
        .await
}

/// Records a decision of the visit as a tracked resolution of the visited district (or one of
/// its neighborhoods): its owner (lead organisation) and deadline are required.
pub async fn decide(
    store: &Store,
    me: &SignedIn,
    visit_id: i64,
    input: &ResolutionInput,
) -> Result<i64, AppError> {
    let v = load(store, visit_id).await?;
    if !v.may_edit(me) {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    if input.lead_org_id <= 0 {
        errors.push(FieldError::new(
            "lead_org_id",
            "هر تصمیم باید مسئولی داشته باشد؛ دستگاه مسئول را انتخاب کنید.",
            "Every decision needs an owner; choose the lead organisation.",
        ));
    }
    if input.deadline.trim().is_empty() {
        errors.push(FieldError::new(
            "deadline",
            "هر تصمیم باید مهلتی داشته باشد.",
            "Every decision needs a deadline.",
        ));
    }
    if input.district_id.is_some_and(|d| d != v.district_id) {
        errors.push(FieldError::new(
            "district_id",
            "تصمیم نشست نظارت از آن منطقه بازدیدشده است.",
            "A visit's decision belongs to the visited district.",
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    let input = ResolutionInput {
        district_id: Some(v.district_id),
        ..input.clone()
    };
    let district = v.district_id;
    // Visitors decide by the visit, not by any delegation they hold.
    let by_visit = |d| d == Some(district);
    match create_with(store, &me.principal, &v.m, &input, &by_visit, &|_| None).await {
        // A neighborhood of another district.
        Err(AppError::Invalid(e)) if e.iter().any(|f| f.field == "district_id") => {
            Err(AppError::invalid(
                "neighborhood_id",
                "این محله در منطقه بازدیدشده نیست.",
                "This neighborhood is not in the visited district.",
            ))
        }
        r => r,
    }
}

/// What sending the memo did.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct MemoSent {
    /// Commitments sent now (those sent before are not sent again).
    pub commitments: i64,
    /// Owner organisations written to.
    pub owners: i64,
    /// Of those, owners with no e-mail address: their memo waits in the outbox for one.
    pub waiting_for_address: i64,
}

/// Sends the commitments memo: to each owner organisation, its decisions not yet sent to it
/// with their deadlines, through the outbox. Nothing new to send is an error that says so.
pub async fn send_memo(
    store: &Store,
    me: &SignedIn,
    visit_id: i64,
    public_url: &str,
) -> Result<MemoSent, AppError> {
    let v = load(store, visit_id).await?;
    if !v.may_edit(me) {
        return Err(AppError::Forbidden);
    }
    let all = visits::commitments(store, visit_id).await?;
    let addresses = outbox::addresses(store).await?;
    let now = Utc::now();
    let (v, all, addresses) = (&v, &all, &addresses);
    store
        .write(|tx, _| {
            Box::pin(async move {
                let sent = visits::memo_sent(tx, visit_id).await?;
                let mut by_owner: BTreeMap<i64, Vec<&visits::Commitment>> = BTreeMap::new();
                for c in all.iter().filter(|c| !sent.contains(&c.id) && c.status != "cancelled") {
                    by_owner.entry(c.lead_org_id).or_default().push(c);
                }
                if by_owner.is_empty() {
                    return Err(AppError::invalid(
                        "memo",
                        "تصمیم تازه‌ای برای فرستادن نیست؛ همه تعهدات پیش‌تر برای مسئولانشان فرستاده شده است.",
                        "There is no new decision to send; every commitment has already gone to its owner.",
                    ));
                }
                let memos: Vec<NewMemo> = by_owner
                    .iter()
                    .map(|(org, items)| {
                        let (_, email) = addresses.get(org).cloned().unwrap_or_default();
                        let (subject, body) = compose(&v.m, items, public_url);
                        NewMemo {
                            dedupe_key: format!("visit_memo:{visit_id}:{org}:{}", items[0].id),
                            recipient_org_id: *org,
                            recipient_email: email,
                            subject,
                            body,
                            items: items.iter().map(|c| (c.id, c.deadline)).collect(),
                        }
                    })
                    .collect();
                let inserted = outbox::insert_memos(tx, &memos, now).await?;
                let commitments = memos.iter().map(|m| m.items.len() as i64).sum();
                let owners = memos.len() as i64;
                let id = visits::record_memo(tx, visit_id, me.principal.user_id, commitments, owners, now).await?;
                audit::record(
                    tx,
                    audit::Change {
                        user_id: Some(me.principal.user_id),
                        action: "send",
                        entity: "visit_memo",
                        entity_id: Some(id),
                        before: None,
                        after: Some(json!({"visit_id": visit_id, "commitments": commitments, "owners": owners})),
                    },
                )
                .await?;
                Ok(MemoSent {
                    commitments,
                    owners,
                    waiting_for_address: inserted.no_address as i64,
                })
            })
        })
        .await
}

/// The memo to one owner: (subject, body) in Persian with Jalali deadlines and links.
fn compose(m: &Meeting, items: &[&visits::Commitment], public_url: &str) -> (String, String) {
    let base = public_url.trim().trim_end_matches('/');
    let day = jalali::format_long_fa(
        m.starts_at
            .with_timezone(&crate::tehran_offset())
            .date_naive(),
    );
    let subject = format!(
        "صورت تعهدات «{}» ({day}): {} تعهد",
        m.title,
        text::format_int(items.len() as i64, true)
    );
    let mut body = format!(
        "در «{}»، {day}، تصمیم‌های زیر با مسئولیت شما و با مهلت یادشده گرفته شد. پیشرفت هر یک را در صفحه‌اش گزارش کنید.\n\n",
        m.title
    );
    for c in items {
        body.push_str(&format!(
            "- {} {} — مهلت: {}\n  {base}/resolutions/{}\n",
            mahalle_core::resolutions::number(c.jalali_year, c.session_number, c.item_number, true),
            c.title,
            jalali::format_long_fa(c.deadline),
            c.id
        ));
    }
    body.push_str(&format!("\nصفحه نشست: {base}/visits/{}\n", m.id));
    (subject, body)
}
