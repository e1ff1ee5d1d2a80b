//! Resolution follow-up as operations shared by pages and the API: each checks who may act
//! (`mahalle_core::access`), asks the workflow (`mahalle_core::resolutions`) what the change
//! is, and writes it in one transaction with its timeline event and audit row. Recording and
//! editing resolutions are here; their workflow and imports have files of their own.

mod import;
mod workflow;

pub use import::*;
pub use workflow::*;

use chrono::{NaiveDate, Utc};
use mahalle_core::access::{Act, Parties, Principal};
use mahalle_core::delegations::{district_scope, Power};
use mahalle_core::domain::Domain;
use mahalle_core::resolutions::{self as rules, Priority, Status};
use mahalle_core::validate::{self, FieldError};
use mahalle_db::resolutions::{self, NewResolution, Resolution};
use mahalle_db::{audit, meetings, DbError, Store};
use serde_json::json;

use crate::http::error::AppError;
use crate::http::extract::parse_date;

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

/// Whether the user may do `act` on the resolution; gives the delegation they act through (only
/// an organisation's work can be delegated this way: reports, starting and finishing).
async fn allowed(
    store: &Store,
    who: &Principal,
    r: &Resolution,
    act: Act,
) -> Result<Option<i64>, AppError> {
    let (partners, district) = resolutions::parties(store, r).await?;
    AppError::unless(who.may(
        act,
        Parties {
            lead: r.lead_org_id,
            partners: &partners,
            district,
        },
    ))?;
    Ok(match act {
        Act::Secretariat => None,
        Act::Execute => {
            let orgs: Vec<i64> = std::iter::once(r.lead_org_id).chain(partners).collect();
            who.delegation_acting_for(district, &orgs)
        }
    })
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
            // Beyond ten years "due within" means every open resolution with a later deadline.
            due_within: self.due.map(|d| d.clamp(0, 3660)),
            deadline_from: date("from", &self.from)?,
            deadline_to: date("to", &self.to)?,
            reach: Some(me.principal.follow_up_reach()),
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
    AppError::unless(who.holds(
        Power::CreateResolutions,
        district_scope(meeting.district_id),
    ))?;
    create_with(
        store,
        who,
        &meeting,
        input,
        &|d| who.holds(Power::CreateResolutions, district_scope(d)),
        &|d| who.delegation_for(Power::CreateResolutions, district_scope(d)),
    )
    .await
}

/// Records a resolution of `meeting` whose author's authority over the meeting was checked;
/// `may_file` says whether they may file one in the district the resolution turns out to be of
/// (a supervisory visit's visitors decide for the visited district only), and `under` which
/// delegation, if any, their filing there rests on (for its audit row).
pub(crate) async fn create_with(
    store: &Store,
    who: &Principal,
    meeting: &meetings::Meeting,
    input: &ResolutionInput,
    may_file: &(dyn Fn(Option<i64>) -> bool + Sync),
    under: &(dyn Fn(Option<i64>) -> Option<i64> + Sync),
) -> Result<i64, AppError> {
    let meeting_id = meeting.id;
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
    if !may_file(district_id) {
        return Err(AppError::invalid(
            "district_id",
            "این منطقه یا محله در حوزه شما نیست؛ شهردار منطقه تنها برای منطقه خود مصوبه ثبت می‌کند.",
            "This district or neighborhood is outside your reach; a district mayor files resolutions for their own district only.",
        ));
    }
    let scope = if input.neighborhood_id.is_some() {
        "neighborhood"
    } else if district_id.is_some() {
        "district"
    } else {
        "city"
    };
    let body = mahalle_core::text::normalize_multiline(&input.body);
    let now = Utc::now();
    // Filed through a delegation when the author's own role does not give the power.
    let under = under(district_id);
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
    audit::record_under(
        tx,
        audit::Change {
            user_id: Some(who.user_id),
            action: "create",
            entity: "resolution",
            entity_id: Some(id),
            before: None,
            after: Some(json!({ "meeting_id": meeting_id, "item_number": item, "title": title, "lead_org_id": input.lead_org_id, "deadline": deadline })),
        },
        under,
    )
    .await?;
    Ok(id)
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
