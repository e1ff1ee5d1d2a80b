//! Campaigns' operations: starting and editing a campaign (its owner headquarters, partners,
//! span and indicators with targets), reading its coverage at the city or one district against
//! its targets, and entering its counts — only for periods the campaign spans.

use chrono::{NaiveDate, Utc};
use mahalle_core::campaigns::{self as rules, Stage};
use mahalle_core::indicators::Period;
use mahalle_core::validate::{self, FieldError};
use mahalle_db::campaigns::{
    self as db, Campaign, CampaignFields, CampaignIndicator, CampaignPartner,
};
use mahalle_db::{audit, DbError, Store};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::http::ctx::SignedIn;
use crate::http::error::AppError;
use crate::indicators::ops::{self as indicators, ReadingRow, ValueError, ValueInput, ValuesSaved};

/// An indicator of a campaign as sent: by code, with the campaign's target in its unit.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct TargetInput {
    /// The indicator's code, like `VAX-COV`.
    pub indicator: String,
    pub target: Option<f64>,
}

/// A campaign as the form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct CampaignInput {
    /// Latin letters, digits, `-`, `_`; like `VAX-1405`.
    pub code: String,
    pub name_fa: String,
    pub name_en: String,
    pub description: String,
    /// The owning headquarters (an organisation of kind `headquarters`).
    pub owner_id: Option<i64>,
    pub partner_ids: Vec<i64>,
    /// The first day, Jalali (`1405/01/15`) or ISO.
    pub starts_on: String,
    /// The last day, Jalali or ISO.
    pub ends_on: String,
    pub indicators: Vec<TargetInput>,
}

/// A campaign with its partners, its indicators and where it stands today.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CampaignDetail {
    pub campaign: Campaign,
    pub partners: Vec<CampaignPartner>,
    pub indicators: Vec<CampaignIndicator>,
    /// upcoming, running or ended
    pub stage: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CampaignSaved {
    pub id: i64,
    pub code: String,
}

/// What a campaign is checked into before it is written.
struct Checked {
    code: String,
    name_fa: String,
    name_en: String,
    description: String,
    owner_id: i64,
    partners: Vec<i64>,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    targets: Vec<(i64, f64)>,
}

/// The owner named, if it exists; a missing one is a problem of the form, not a 404.
async fn owner(
    store: &Store,
    id: Option<i64>,
) -> Result<Option<mahalle_db::org::Organisation>, AppError> {
    match id {
        None => Ok(None),
        Some(id) => match mahalle_db::org::get(store, id).await {
            Ok(o) => Ok(Some(o)),
            Err(DbError::NotFound) => Ok(None),
            Err(e) => Err(e.into()),
        },
    }
}

/// Checks a campaign as sent. Who may run it under the owner named is checked first, so that
/// someone who may not gets 403 rather than a list of problems.
async fn check(
    store: &Store,
    me: &SignedIn,
    input: &CampaignInput,
    except: Option<i64>,
) -> Result<Checked, AppError> {
    let mut errors = Vec::new();
    let owner = owner(store, input.owner_id).await?;
    if let Some(o) = &owner {
        AppError::unless(rules::may_run(&me.principal, o.id))?;
    }
    match &owner {
        Some(o) if o.kind == "headquarters" => {}
        _ => errors.push(FieldError::new(
            "owner_id",
            "قرارگاه مالک پویش را از فهرست برگزینید.",
            "Choose the headquarters that owns the campaign.",
        )),
    }
    let code = mahalle_core::indicators::check_code(&input.code)
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    let name_fa = validate::required_text("name_fa", &input.name_fa, 200)
        .map_err(|e| errors.push(e))
        .unwrap_or_default();
    let partners = crate::http::form::known_organisations(
        store,
        &input.partner_ids,
        input.owner_id,
        "partner_ids",
        &mut errors,
    )
    .await?;
    let mut date = |field, raw: &str| crate::http::form::typed_date(&mut errors, field, raw);
    let starts_on = date("starts_on", &input.starts_on)?;
    let ends_on = date("ends_on", &input.ends_on)?;
    if let (Some(s), Some(e)) = (starts_on, ends_on) {
        errors.extend(rules::check_span(s, e));
    }
    let mut targets = Vec::new();
    for t in input
        .indicators
        .iter()
        .filter(|t| !t.indicator.trim().is_empty() || t.target.is_some())
    {
        let code = t.indicator.trim().to_uppercase();
        match mahalle_db::indicators::indicator_by_code(store, &code).await? {
            Some(i) => targets.push((i.id, t.target)),
            None => errors.push(FieldError::new(
                "indicators",
                format!("شاخص «{}» تعریف نشده است.", t.indicator.trim()),
                format!("No indicator \"{}\" is defined.", t.indicator.trim()),
            )),
        }
    }
    if targets.len() > 20 {
        errors.push(FieldError::new(
            "indicators",
            "حداکثر ۲۰ شاخص.",
            "At most 20 indicators.",
        ));
    }
    if errors.iter().all(|e| e.field != "indicators") {
        errors.extend(rules::check_targets(&targets));
    }
    if !code.is_empty() && db::code_taken(store, &code, except).await? {
        errors.push(code_taken());
    }
    match (owner, starts_on, ends_on, errors.is_empty()) {
        (Some(o), Some(starts_on), Some(ends_on), true) => Ok(Checked {
            code,
            name_fa,
            name_en: mahalle_core::text::normalize(&input.name_en),
            description: mahalle_core::text::normalize_multiline(&input.description),
            owner_id: o.id,
            partners,
            starts_on,
            ends_on,
            targets: targets
                .into_iter()
                .map(|(i, t)| (i, t.unwrap_or(0.0)))
                .collect(),
        }),
        _ => Err(AppError::Invalid(errors)),
    }
}

fn code_taken() -> FieldError {
    FieldError::new(
        "code",
        "این کد پیش‌تر به کار رفته است.",
        "This code is already in use.",
    )
}

fn fields(c: &Checked) -> CampaignFields<'_> {
    CampaignFields {
        code: &c.code,
        name_fa: &c.name_fa,
        name_en: &c.name_en,
        description: &c.description,
        owner_id: c.owner_id,
        starts_on: c.starts_on,
        ends_on: c.ends_on,
    }
}

fn record(c: &Checked) -> serde_json::Value {
    json!({"code": c.code, "name_fa": c.name_fa, "owner_id": c.owner_id, "partners": c.partners,
        "starts_on": c.starts_on, "ends_on": c.ends_on, "targets": c.targets})
}

pub async fn create(
    store: &Store,
    me: &SignedIn,
    input: &CampaignInput,
) -> Result<CampaignSaved, AppError> {
    AppError::unless(rules::may_create(&me.principal))?;
    let c = &check(store, me, input, None).await?;
    let now = Utc::now();
    let id = store
        .write(|tx, _| {
            Box::pin(async move {
                let id = db::create(tx, &fields(c), Some(me.principal.user_id), now).await?;
                db::set_partners(tx, id, &c.partners).await?;
                db::set_indicators(tx, id, &c.targets).await?;
                audit::log(
                    tx,
                    me.principal.user_id,
                    "create",
                    "campaign",
                    id,
                    None,
                    Some(record(c)),
                )
                .await?;
                Ok::<_, AppError>(id)
            })
        })
        .await
        .map_err(|e| match e {
            AppError::Conflict(_) => AppError::Invalid(vec![code_taken()]),
            e => e,
        })?;
    Ok(CampaignSaved {
        id,
        code: c.code.clone(),
    })
}

pub async fn update(
    store: &Store,
    me: &SignedIn,
    id: i64,
    input: &CampaignInput,
) -> Result<CampaignSaved, AppError> {
    let before = load(store, id).await?;
    AppError::unless(rules::may_run(&me.principal, before.campaign.owner_id))?;
    let c = &check(store, me, input, Some(id)).await?;
    let was = json!({"code": before.campaign.code, "name_fa": before.campaign.name_fa,
        "owner_id": before.campaign.owner_id,
        "partners": before.partners.iter().map(|p| p.organisation_id).collect::<Vec<_>>(),
        "starts_on": before.campaign.starts_on, "ends_on": before.campaign.ends_on,
        "targets": before.indicators.iter().map(|i| (i.indicator_id, i.target)).collect::<Vec<_>>()});
    let was = &was;
    let now = Utc::now();
    store
        .write(|tx, _| {
            Box::pin(async move {
                db::update(tx, id, &fields(c), now).await?;
                db::set_partners(tx, id, &c.partners).await?;
                db::set_indicators(tx, id, &c.targets).await?;
                audit::log(
                    tx,
                    me.principal.user_id,
                    "update",
                    "campaign",
                    id,
                    Some(was.clone()),
                    Some(record(c)),
                )
                .await?;
                Ok::<_, AppError>(())
            })
        })
        .await
        .map_err(|e| match e {
            AppError::Conflict(_) => AppError::Invalid(vec![code_taken()]),
            e => e,
        })?;
    Ok(CampaignSaved {
        id,
        code: c.code.clone(),
    })
}

pub async fn load(store: &Store, id: i64) -> Result<CampaignDetail, AppError> {
    let campaign = db::get(store, id).await?;
    let stage = Stage::of(campaign.starts_on, campaign.ends_on, crate::today());
    Ok(CampaignDetail {
        partners: db::partners_of(store, id).await?,
        indicators: db::indicators_of(store, id).await?,
        stage: stage.as_str().into(),
        campaign,
    })
}

/// Campaigns with their stage, the latest first.
pub async fn list(store: &Store, q: &str) -> Result<Vec<(Campaign, Stage)>, AppError> {
    let today = crate::today();
    Ok(db::list(store, q)
        .await?
        .into_iter()
        .map(|c| {
            let s = Stage::of(c.starts_on, c.ends_on, today);
            (c, s)
        })
        .collect())
}

// ---------------------------------------------------------------- coverage

/// One indicator of a campaign at the whole (the city, or the district) against its target.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct IndicatorSummary {
    pub indicator: CampaignIndicator,
    pub whole: ReadingRow,
}

/// A campaign's coverage: every indicator at the whole, and one of them read place by place
/// (districts of the city, or neighborhoods of a district) and period by period, with the
/// places that lag its target.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Coverage {
    pub detail: CampaignDetail,
    pub summaries: Vec<IndicatorSummary>,
    /// The indicator read place by place, against the campaign's target.
    pub reading: Option<indicators::Reading>,
    /// Its places short of the target by more than a tenth, the furthest behind first.
    pub lagging: Vec<ReadingRow>,
}

pub async fn coverage(
    store: &Store,
    id: i64,
    indicator: Option<i64>,
    district: Option<i64>,
) -> Result<Coverage, AppError> {
    let detail = load(store, id).await?;
    if let Some(d) = district {
        mahalle_db::places::get_district(store, d)
            .await
            .map_err(|e| match e {
                DbError::NotFound => {
                    AppError::invalid("district", "منطقه یافت نشد.", "No such district.")
                }
                e => e.into(),
            })?;
    }
    let (from, to) = span(&detail.campaign);
    let chosen = match indicator {
        Some(i) => Some(
            detail
                .indicators
                .iter()
                .find(|ci| ci.indicator_id == i)
                .ok_or_else(|| {
                    AppError::invalid(
                        "indicator",
                        "این شاخص از شاخص‌های پویش نیست.",
                        "That indicator is not one of the campaign's.",
                    )
                })?
                .indicator_id,
        ),
        None => detail.indicators.first().map(|ci| ci.indicator_id),
    };
    let mut summaries = Vec::new();
    let mut reading = None;
    for ci in &detail.indicators {
        let r =
            indicators::read_against(store, ci.indicator_id, district, from, to, Some(ci.target))
                .await?;
        summaries.push(IndicatorSummary {
            indicator: ci.clone(),
            whole: r.whole.clone(),
        });
        if Some(ci.indicator_id) == chosen {
            reading = Some(r);
        }
    }
    let mut lagging: Vec<ReadingRow> = reading
        .iter()
        .flat_map(|r| r.parts.iter().filter(|p| p.lags).cloned())
        .collect();
    lagging.sort_by(|a, b| {
        a.reached
            .unwrap_or(0.0)
            .total_cmp(&b.reached.unwrap_or(0.0))
    });
    Ok(Coverage {
        detail,
        summaries,
        reading,
        lagging,
    })
}

/// The campaign's days as a reading's range: its first day, and the day after its last.
pub fn span(c: &Campaign) -> (NaiveDate, NaiveDate) {
    (c.starts_on, c.ends_on.succ_opt().unwrap_or(c.ends_on))
}

// ---------------------------------------------------------------- counts

/// The data elements a campaign's indicators are computed from.
pub async fn element_ids(store: &Store, detail: &CampaignDetail) -> Result<Vec<i64>, AppError> {
    // The city's indicators are few: one read, not one per indicator.
    let mut ids: Vec<i64> = mahalle_db::indicators::indicators(store)
        .await?
        .into_iter()
        .filter(|i| detail.indicators.iter().any(|ci| ci.indicator_id == i.id))
        .flat_map(|i| std::iter::once(i.numerator_id).chain(i.denominator_id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    Ok(ids)
}

/// Saves counts for a campaign, all or none: as [`indicators::save_values`], and each count
/// must be of one of the campaign's data elements and for a period the campaign spans.
pub async fn save_values(
    store: &Store,
    me: &SignedIn,
    id: i64,
    items: &[ValueInput],
) -> Result<Result<ValuesSaved, Vec<ValueError>>, AppError> {
    let detail = load(store, id).await?;
    let elements = element_ids(store, &detail).await?;
    let codes: std::collections::HashMap<String, _> = mahalle_db::indicators::elements(store)
        .await?
        .into_iter()
        .filter(|e| elements.contains(&e.id))
        .map(|e| (e.code.clone(), e))
        .collect();
    let c = &detail.campaign;
    let mut errors = Vec::new();
    for (i, it) in items.iter().enumerate() {
        let err = |e: FieldError| ValueError {
            item: i + 1,
            field: e.field.to_string(),
            fa: e.fa,
            en: e.en,
        };
        let code = it.element.trim().to_uppercase();
        if !codes.contains_key(&code) {
            errors.push(err(FieldError::new(
                "element",
                format!(
                    "داده «{}» از داده‌های شاخص‌های این پویش نیست.",
                    it.element.trim()
                ),
                format!(
                    "Data element \"{}\" is not counted by this campaign's indicators.",
                    it.element.trim()
                ),
            )));
            continue;
        }
        if let Ok(p) = Period::parse(&it.period) {
            if !rules::covers(p, c.starts_on, c.ends_on) {
                errors.push(err(rules::outside(p)));
            }
        }
    }
    if !errors.is_empty() {
        AppError::unless(mahalle_core::indicators::may_enter_any(&me.principal))?;
        return Ok(Err(errors));
    }
    indicators::save_values(store, me, items).await
}
