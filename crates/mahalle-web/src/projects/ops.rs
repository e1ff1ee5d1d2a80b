//! Keeping priority projects, shared by pages and the API. The district's secretariat (the city's
//! secretariat, or the district mayor) plans and edits a project; the lead organisation records
//! its milestones done; the secretariat and the neighborhood's council record residents asking
//! that it continue. Every write recomputes the project's progress and the day it falls behind
//! in the same transaction, and leaves an audit row.

use chrono::{NaiveDate, Utc};
use mahalle_core::access::Principal;
use mahalle_core::domain::Domain;
use mahalle_core::projects::{self as rules, Milestone, ProjectStatus};
use mahalle_core::text;
use mahalle_core::validate::{self, FieldError};
use mahalle_db::projects::{self, MilestoneFields, Project, ProjectFields, ProjectMilestone};
use mahalle_db::{audit, places, DbError, Store, Tx};
use serde::Deserialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::http::error::AppError;
use crate::http::extract::{flag, parse_date, text_or_number};
use crate::http::form::{choose_district, current_district, current_neighborhood};

/// Most challenges or resolutions one project is tied to.
pub const MAX_LINKS: usize = 50;

/// A project as its form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ProjectInput {
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = i64)]
    pub district_id: String,
    /// Empty: a project of the whole district.
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = Option<i64>)]
    pub neighborhood_id: String,
    /// civil_works, urban_services, cultural, social, health, safety, traffic, environment,
    /// economic or other
    #[serde(default)]
    pub domain: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = i64)]
    pub lead_org_id: String,
    /// Rials; Persian digits and thousands separators are read.
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = Option<i64>)]
    pub budget_rials: String,
    /// Jalali (۱۴۰۵/۰۱/۱۵) or ISO.
    #[serde(default)]
    pub starts_on: String,
    /// The planned end, Jalali or ISO.
    #[serde(default)]
    pub ends_on: String,
    /// planned, under_way, suspended, done or cancelled (planned when empty)
    #[serde(default)]
    pub status: String,
    #[serde(default, deserialize_with = "flag")]
    pub priority: bool,
    /// Progress in percent (0–100) while the project has no milestones; empty if not reported.
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = Option<i64>)]
    pub progress_percent: String,
    /// Ids of the district's challenges it answers, comma-separated or a list.
    #[serde(default, deserialize_with = "ids_text")]
    #[schema(value_type = Vec<i64>)]
    pub challenge_ids: String,
    /// Ids of the resolutions behind it, comma-separated or a list.
    #[serde(default, deserialize_with = "ids_text")]
    #[schema(value_type = Vec<i64>)]
    pub resolution_ids: String,
}

/// A list of ids as a form types it ("12, ۴۵") or as JSON sends it ([12, 45]).
fn ids_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Value {
        List(Vec<i64>),
        Text(String),
    }
    Ok(match Deserialize::deserialize(d)? {
        Value::List(ids) => ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","),
        Value::Text(t) => t,
    })
}

impl ProjectInput {
    pub fn from_project(
        p: &Project,
        challenges: &[i64],
        resolutions: &[i64],
        jalali: impl Fn(NaiveDate) -> String,
    ) -> Self {
        let join = |ids: &[i64]| {
            ids.iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        ProjectInput {
            district_id: p.district_id.to_string(),
            neighborhood_id: p.neighborhood_id.map(|n| n.to_string()).unwrap_or_default(),
            domain: p.domain.clone(),
            title: p.title.clone(),
            description: p.description.clone(),
            lead_org_id: p.lead_org_id.to_string(),
            budget_rials: p.budget_rials.map(|b| b.to_string()).unwrap_or_default(),
            starts_on: jalali(p.starts_on),
            ends_on: jalali(p.ends_on),
            status: p.status.clone(),
            priority: p.priority,
            progress_percent: p
                .reported_progress
                .map(|r| (r / 10).to_string())
                .unwrap_or_default(),
            challenge_ids: join(challenges),
            resolution_ids: join(resolutions),
        }
    }
}

/// A milestone as its form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct MilestoneInput {
    #[serde(default)]
    pub title: String,
    /// A positive whole number: its share of the work against the other milestones.
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = i64)]
    pub weight: String,
    /// Jalali or ISO, within the project's period.
    #[serde(default)]
    pub due_on: String,
}

/// Residents asking that a project continue.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct ContinuationInput {
    /// Who asked: the neighborhood's council, its trustees, a group of residents…
    #[serde(default)]
    pub asked_by: String,
    /// Jalali or ISO; today when empty.
    #[serde(default)]
    pub asked_on: String,
    /// The meeting it was asked at, if any.
    #[serde(default, deserialize_with = "text_or_number")]
    #[schema(value_type = Option<i64>)]
    pub meeting_id: String,
    #[serde(default)]
    pub note: String,
}

/// Plans and edits the district's projects: its secretariat.
pub fn may_plan(who: &Principal, district_id: i64) -> bool {
    who.is_secretariat_for(Some(district_id))
}

/// Records milestones done: the secretariat or the lead organisation.
pub fn may_report(who: &Principal, p: &Project) -> bool {
    may_plan(who, p.district_id) || who.acts_for(p.lead_org_id)
}

/// Records residents asking that it continue: the secretariat, or the council of its
/// neighborhood (of any of the district's neighborhoods for a district-wide project).
pub fn may_record_continuation(who: &Principal, p: &Project, council_of: &[i64]) -> bool {
    may_plan(who, p.district_id)
        || match p.neighborhood_id {
            Some(n) => who.on_council(n),
            None => council_of.iter().any(|&n| who.on_council(n)),
        }
}

fn ids(field: &'static str, input: &str, errors: &mut Vec<FieldError>) -> Vec<i64> {
    let mut out = Vec::new();
    for part in text::to_latin_digits(input)
        .split([',', '،', ' ', '\n', '\r', '\t'])
        .map(|s| s.trim().trim_start_matches('#'))
        .filter(|s| !s.is_empty())
    {
        match part.parse::<i64>() {
            Ok(id) if id > 0 => {
                if !out.contains(&id) {
                    out.push(id)
                }
            }
            _ => {
                errors.push(FieldError::new(
                    field,
                    "شماره‌ها را با رقم و جداشده با ویرگول بنویسید (مانند ۱۲، ۴۵).",
                    "Give the numbers in figures, separated by commas (like 12, 45).",
                ));
                return Vec::new();
            }
        }
    }
    if out.len() > MAX_LINKS {
        errors.push(FieldError::new(
            field,
            "یک پروژه حداکثر به ۵۰ مورد پیوند می‌خورد.",
            "A project is tied to at most 50 of these.",
        ));
        out.truncate(MAX_LINKS);
    }
    out
}

struct Checked {
    district_id: i64,
    neighborhood_id: Option<i64>,
    domain: Domain,
    title: String,
    description: String,
    lead_org_id: i64,
    budget_rials: Option<i64>,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    status: ProjectStatus,
    priority: bool,
    reported_progress: Option<i64>,
    challenges: Vec<i64>,
    resolutions: Vec<i64>,
}

impl Checked {
    fn json(&self) -> serde_json::Value {
        json!({"district_id": self.district_id, "neighborhood_id": self.neighborhood_id,
               "domain": self.domain.as_str(), "title": self.title, "lead_org_id": self.lead_org_id,
               "budget_rials": self.budget_rials, "starts_on": self.starts_on, "ends_on": self.ends_on,
               "status": self.status.as_str(), "priority": self.priority,
               "reported_progress": self.reported_progress, "challenges": self.challenges,
               "resolutions": self.resolutions})
    }
}

fn date(field: &'static str, input: &str, errors: &mut Vec<FieldError>) -> Option<NaiveDate> {
    if input.trim().is_empty() {
        errors.push(FieldError::new(
            field,
            "تاریخ را بنویسید (مانند ۱۴۰۵/۰۱/۱۵).",
            "Give the date (like 1405/01/15).",
        ));
        return None;
    }
    parse_date(field, input)
        .map_err(|e| errors.extend(e.fields()))
        .ok()
}

fn parse_id(input: &str) -> Option<i64> {
    text::to_latin_digits(input.trim()).parse().ok()
}

async fn check(store: &Store, f: &ProjectInput) -> Result<Checked, AppError> {
    let mut errors = Vec::new();
    let district = current_district(store, &f.district_id).await?;
    if district.is_none() {
        errors.push(choose_district());
    }
    let neighborhood = if f.neighborhood_id.trim().is_empty() {
        None
    } else {
        let n = current_neighborhood(store, &f.neighborhood_id).await?;
        if n.is_none() {
            errors.push(FieldError::new(
                "neighborhood_id",
                "محله را از فهرست انتخاب کنید، یا برای پروژه‌ای در سطح منطقه خالی بگذارید.",
                "Choose the neighborhood from the list, or leave it empty for a district-wide project.",
            ));
        }
        n
    };
    if let (Some(d), Some(n)) = (&district, &neighborhood) {
        if n.district_id != d.id {
            errors.push(FieldError::new(
                "neighborhood_id",
                "این محله در منطقه انتخاب‌شده نیست.",
                "This neighborhood is not in the district chosen.",
            ));
        }
    }
    let domain = Domain::parse(f.domain.trim());
    if domain.is_none() {
        errors.push(FieldError::new(
            "domain",
            "حوزه را از فهرست انتخاب کنید.",
            "Choose the domain from the list.",
        ));
    }
    let title = validate::required_text("title", &f.title, 300)
        .map_err(|_| {
            errors.push(FieldError::new(
                "title",
                "عنوان پروژه را (تا ۳۰۰ نویسه) بنویسید.",
                "Give the project's title (up to 300 characters).",
            ))
        })
        .unwrap_or_default();
    let description = text::normalize_multiline(&f.description);
    if description.chars().count() > 5000 {
        errors.push(FieldError::new(
            "description",
            "شرح پروژه تا ۵۰۰۰ نویسه است.",
            "The description takes up to 5000 characters.",
        ));
    }
    let lead = crate::http::form::current_organisation(store, &f.lead_org_id)
        .await?
        .map(|o| o.id);
    if lead.is_none() {
        errors.push(FieldError::new(
            "lead_org_id",
            "دستگاه مسئول را از فهرست انتخاب کنید.",
            "Choose the lead organisation from the list.",
        ));
    }
    let budget_rials = rules::budget(&f.budget_rials)
        .map_err(|e| errors.push(e))
        .unwrap_or(None);
    let starts_on = date("starts_on", &f.starts_on, &mut errors);
    let ends_on = date("ends_on", &f.ends_on, &mut errors);
    if let (Some(s), Some(e)) = (starts_on, ends_on) {
        if let Err(e) = rules::check_period(s, e) {
            errors.push(e);
        }
    }
    let status = match f.status.trim() {
        "" => Some(ProjectStatus::Planned),
        s => ProjectStatus::parse(s),
    };
    if status.is_none() {
        errors.push(FieldError::new(
            "status",
            "وضعیت را از فهرست انتخاب کنید.",
            "Choose the status from the list.",
        ));
    }
    let reported_progress = validate::optional_count("progress_percent", &f.progress_percent, 100)
        .map_err(|e| errors.push(e))
        .unwrap_or(None)
        .map(|p| p * 10);
    let challenges = ids("challenge_ids", &f.challenge_ids, &mut errors);
    let resolutions = ids("resolution_ids", &f.resolution_ids, &mut errors);
    if let Some(d) = &district {
        let found = projects::challenges_in_district(store, d.id, &challenges).await?;
        let fits = found.len() == challenges.len()
            && neighborhood
                .as_ref()
                .is_none_or(|n| found.iter().all(|&(_, of)| of == n.id));
        if !fits {
            errors.push(FieldError::new(
                "challenge_ids",
                "چالش‌ها باید از همین منطقه (و برای پروژه یک محله، از همان محله) باشند.",
                "The challenges must be this district's (and, for a neighborhood's project, that neighborhood's).",
            ));
        }
    }
    if let Some(d) = &district {
        let found = projects::resolutions_for_district(store, d.id, &resolutions).await?;
        if found.len() != resolutions.len() {
            errors.push(FieldError::new(
                "resolution_ids",
                "مصوبه‌ها باید از شهر یا همین منطقه باشند؛ یکی پیدا نشد.",
                "The resolutions must be the city's or this district's; one was not found.",
            ));
        }
    }
    match (district, domain, lead, starts_on, ends_on, status) {
        (
            Some(d),
            Some(domain),
            Some(lead_org_id),
            Some(starts_on),
            Some(ends_on),
            Some(status),
        ) if errors.is_empty() => Ok(Checked {
            district_id: d.id,
            neighborhood_id: neighborhood.map(|n| n.id),
            domain,
            title,
            description,
            lead_org_id,
            budget_rials,
            starts_on,
            ends_on,
            status,
            priority: f.priority,
            reported_progress,
            challenges,
            resolutions,
        }),
        _ => Err(AppError::Invalid(errors)),
    }
}

fn rule_milestones(list: &[ProjectMilestone]) -> Vec<Milestone> {
    list.iter()
        .map(|m| Milestone {
            weight: m.weight,
            due_on: m.due_on,
            done_on: m.done_on,
        })
        .collect()
}

/// The row to write: what was typed, with progress and the day it falls behind derived from the
/// milestones it will have.
fn fields<'a>(
    c: &'a Checked,
    milestones: &[Milestone],
    done_on: Option<NaiveDate>,
) -> ProjectFields<'a> {
    ProjectFields {
        district_id: c.district_id,
        neighborhood_id: c.neighborhood_id,
        domain: c.domain.as_str(),
        title: &c.title,
        description: &c.description,
        lead_org_id: c.lead_org_id,
        budget_rials: c.budget_rials,
        starts_on: c.starts_on,
        ends_on: c.ends_on,
        status: c.status.as_str(),
        priority: c.priority,
        reported_progress: c.reported_progress,
        progress: rules::progress_of(c.status, milestones, c.reported_progress),
        behind_since: rules::behind_since(milestones, c.starts_on, c.ends_on, c.reported_progress),
        done_on: (c.status == ProjectStatus::Done).then(|| done_on.unwrap_or_else(crate::today)),
    }
}

pub async fn create(store: &Store, who: &Principal, input: &ProjectInput) -> Result<i64, AppError> {
    if !who.may_record_meetings() {
        return Err(AppError::Forbidden);
    }
    let c = &check(store, input).await?;
    if !may_plan(who, c.district_id) {
        return Err(AppError::Forbidden);
    }
    let user = who.user_id;
    let now = Utc::now();
    store
        .write(|tx, _| {
            Box::pin(async move {
                let id = projects::create(tx, &fields(c, &[], None), Some(user), now).await?;
                projects::set_links(tx, id, &c.challenges, &c.resolutions).await?;
                audit::log(tx, user, "create", "project", id, None, Some(c.json())).await?;
                Ok(id)
            })
        })
        .await
}

/// Saves a project; moving it to another district needs both districts to be the author's.
pub async fn save(
    store: &Store,
    who: &Principal,
    id: i64,
    input: &ProjectInput,
) -> Result<(), AppError> {
    let before = projects::get(store, id).await?;
    if !may_plan(who, before.district_id) {
        return Err(AppError::Forbidden);
    }
    let c = &check(store, input).await?;
    if !may_plan(who, c.district_id) {
        return Err(AppError::Forbidden);
    }
    let was = &serde_json::to_value(&before).ok();
    let user = who.user_id;
    let now = Utc::now();
    store
        .write(|tx, _| {
            Box::pin(async move {
                let milestones = rule_milestones(&projects::milestones_tx(tx, id).await?);
                rules::check_milestones(&milestones, c.starts_on, c.ends_on, crate::today())
                    .and_then(|()| rules::check_done(c.status, &milestones))
                    .map_err(|e| AppError::Invalid(vec![e]))?;
                let current = projects::get_tx(tx, id).await?;
                projects::update(tx, id, &fields(c, &milestones, current.done_on), now).await?;
                projects::set_links(tx, id, &c.challenges, &c.resolutions).await?;
                audit::log(
                    tx,
                    user,
                    "update",
                    "project",
                    id,
                    was.clone(),
                    Some(c.json()),
                )
                .await?;
                Ok(())
            })
        })
        .await
}

/// Rewrites a project's derived columns from its milestones after they changed.
async fn settle(tx: &mut Tx, id: i64, now: chrono::DateTime<Utc>) -> Result<(), AppError> {
    let p = projects::get_tx(tx, id).await?;
    let milestones = rule_milestones(&projects::milestones_tx(tx, id).await?);
    let status = ProjectStatus::parse(&p.status).unwrap_or(ProjectStatus::Planned);
    rules::check_done(status, &milestones).map_err(|e| AppError::Invalid(vec![e]))?;
    projects::set_progress(
        tx,
        id,
        rules::progress_of(status, &milestones, p.reported_progress),
        rules::behind_since(&milestones, p.starts_on, p.ends_on, p.reported_progress),
        now,
    )
    .await?;
    Ok(())
}

/// Adds a milestone at the end of the project's list.
pub async fn add_milestone(
    store: &Store,
    who: &Principal,
    id: i64,
    input: &MilestoneInput,
) -> Result<i64, AppError> {
    let p = projects::get(store, id).await?;
    if !may_plan(who, p.district_id) {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let title = validate::required_text("title", &input.title, 300)
        .map_err(|_| {
            errors.push(FieldError::new(
                "title",
                "عنوان گام را (تا ۳۰۰ نویسه) بنویسید.",
                "Give the milestone's title (up to 300 characters).",
            ))
        })
        .unwrap_or_default();
    let weight = match validate::optional_count("weight", &input.weight, i64::MAX) {
        Ok(Some(w)) => w,
        _ => 0,
    };
    let due_on = date("due_on", &input.due_on, &mut errors);
    let Some(due_on) = due_on.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let new = Milestone {
        weight,
        due_on,
        done_on: None,
    };
    let (p, title, user, now) = (&p, &title, who.user_id, Utc::now());
    store
        .write(|tx, _| {
            Box::pin(async move {
                let list = projects::milestones_tx(tx, id).await?;
                let mut all = rule_milestones(&list);
                all.push(new);
                rules::check_milestones(&all, p.starts_on, p.ends_on, crate::today())
                    .map_err(|e| AppError::Invalid(vec![e]))?;
                if p.status == ProjectStatus::Done.as_str() {
                    return Err(AppError::invalid(
                        "status",
                        "پروژه پایان یافته است؛ نخست وضعیتش را تغییر دهید.",
                        "The project is done; change its status first.",
                    ));
                }
                let mid = projects::add_milestone(
                    tx,
                    id,
                    &MilestoneFields {
                        title,
                        weight,
                        due_on,
                        done_on: None,
                    },
                )
                .await?;
                settle(tx, id, now).await?;
                audit::log(
                    tx,
                    user,
                    "add_milestone",
                    "project",
                    id,
                    None,
                    Some(json!({"milestone": mid, "title": title, "weight": weight, "due_on": due_on})),
                )
                .await?;
                Ok(mid)
            })
        })
        .await
}

/// Records a milestone done on a day (today when none), or not done (`None`).
pub async fn set_milestone_done(
    store: &Store,
    who: &Principal,
    id: i64,
    milestone_id: i64,
    done: bool,
    on: &str,
) -> Result<(), AppError> {
    let p = projects::get(store, id).await?;
    if !may_report(who, &p) {
        return Err(AppError::Forbidden);
    }
    let today = crate::today();
    let done_on = match (done, on.trim()) {
        (false, _) => None,
        (true, "") => Some(today),
        (true, on) => Some(parse_date("done_on", on)?),
    };
    if done_on.is_some_and(|d| d > today || d < p.starts_on) {
        return Err(AppError::invalid(
            "done_on",
            "تاریخ انجام باید میان آغاز پروژه و امروز باشد.",
            "The day it was done must be between the project's start and today.",
        ));
    }
    let (user, now) = (who.user_id, Utc::now());
    store
        .write(|tx, _| {
            Box::pin(async move {
                if !projects::set_milestone_done(tx, id, milestone_id, done_on).await? {
                    return Err(AppError::NotFound);
                }
                settle(tx, id, now).await?;
                audit::log(
                    tx,
                    user,
                    "milestone_done",
                    "project",
                    id,
                    None,
                    Some(json!({"milestone": milestone_id, "done_on": done_on})),
                )
                .await?;
                Ok(())
            })
        })
        .await
}

pub async fn remove_milestone(
    store: &Store,
    who: &Principal,
    id: i64,
    milestone_id: i64,
) -> Result<(), AppError> {
    let p = projects::get(store, id).await?;
    if !may_plan(who, p.district_id) {
        return Err(AppError::Forbidden);
    }
    let (user, now) = (who.user_id, Utc::now());
    store
        .write(|tx, _| {
            Box::pin(async move {
                if !projects::remove_milestone(tx, id, milestone_id).await? {
                    return Err(AppError::NotFound);
                }
                settle(tx, id, now).await?;
                audit::log(
                    tx,
                    user,
                    "remove_milestone",
                    "project",
                    id,
                    Some(json!({"milestone": milestone_id})),
                    None,
                )
                .await?;
                Ok(())
            })
        })
        .await
}

/// Records that residents asked for the project to continue.
pub async fn add_continuation(
    store: &Store,
    who: &Principal,
    id: i64,
    input: &ContinuationInput,
) -> Result<i64, AppError> {
    let p = projects::get(store, id).await?;
    let council_of = if p.neighborhood_id.is_none() {
        places::neighborhood_ids_of_district(store, p.district_id).await?
    } else {
        Vec::new()
    };
    if !may_record_continuation(who, &p, &council_of) {
        return Err(AppError::Forbidden);
    }
    let mut errors = Vec::new();
    let asked_by = validate::required_text("asked_by", &input.asked_by, 300)
        .map_err(|_| {
            errors.push(FieldError::new(
                "asked_by",
                "بنویسید چه کسانی خواستند (مانند شورایاری محله).",
                "Say who asked (like the neighborhood's council).",
            ))
        })
        .unwrap_or_default();
    let today = crate::today();
    let asked_on = match input.asked_on.trim() {
        "" => Some(today),
        on => parse_date("asked_on", on)
            .map_err(|e| errors.extend(e.fields()))
            .ok(),
    };
    if asked_on.is_some_and(|d| d > today) {
        errors.push(FieldError::new(
            "asked_on",
            "تاریخ درخواست نمی‌تواند در آینده باشد.",
            "The request cannot be dated in the future.",
        ));
    }
    let meeting_id = match input.meeting_id.trim() {
        "" => None,
        m => match parse_id(m) {
            Some(m) => match mahalle_db::meetings::get(store, m, today).await {
                Ok(m) if m.district_id.is_none_or(|d| d == p.district_id) => Some(m.id),
                Ok(_) | Err(DbError::NotFound) => {
                    errors.push(FieldError::new(
                        "meeting_id",
                        "نشست باید از همین منطقه یا شهر باشد.",
                        "The meeting must be this district's or the city's.",
                    ));
                    None
                }
                Err(e) => return Err(e.into()),
            },
            None => None,
        },
    };
    let note = text::normalize_multiline(&input.note);
    if note.chars().count() > 2000 {
        errors.push(FieldError::new(
            "note",
            "توضیح تا ۲۰۰۰ نویسه است.",
            "The note takes up to 2000 characters.",
        ));
    }
    let Some(asked_on) = asked_on.filter(|_| errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let (user, now) = (who.user_id, Utc::now());
    let (asked_by, note) = (&asked_by, &note);
    store
        .write(|tx, _| {
            Box::pin(async move {
                let cid = projects::add_continuation(
                    tx,
                    &projects::NewContinuation {
                        project_id: id,
                        asked_by,
                        asked_on,
                        meeting_id,
                        note,
                        recorded_by: Some(user),
                    },
                    now,
                )
                .await?;
                audit::log(
                    tx,
                    user,
                    "continuation",
                    "project",
                    id,
                    None,
                    Some(json!({"asked_by": asked_by, "asked_on": asked_on, "meeting_id": meeting_id})),
                )
                .await?;
                Ok(cid)
            })
        })
        .await
}
