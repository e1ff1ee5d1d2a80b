//! Resolution follow-up pages: the filtered list (with exports), one resolution with its
//! actions and timeline, an organisation's inbox, the overdue list and the accountability table.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use mahalle_core::domain::Domain;
use mahalle_core::paging::{ListQuery, Listing};
use mahalle_core::resolutions::{self as rules, Transition};
use mahalle_db::org::{self, Organisation};
use mahalle_db::places::{self, District};
use mahalle_db::resolutions::{
    self, Accountability, Event, Extension, Filter, InboxCounts, Partner, Report, Resolution,
};
use serde::Deserialize;

use crate::http::csrf::CsrfForm;
use crate::http::ctx::{Ctx, Lang};
use crate::http::error::AppError;
use crate::http::extract::{P as Path, Q as Query};
use crate::http::page::{render, render_form, ListView, Page};
use crate::resolutions::ops::{self, FilterQuery};
use crate::AppState;

pub fn days_overdue(r: &Resolution, today: NaiveDate) -> i64 {
    rules::days_overdue(r.status(), r.deadline, today)
}

#[derive(Template)]
#[template(path = "resolutions.html")]
struct ListTemplate {
    p: Page,
    list: ListView,
    items: Vec<Resolution>,
    fq: FilterQuery,
    q: String,
    districts: Vec<District>,
    leads: Vec<Organisation>,
    heading: &'static str,
    base: &'static str,
}

async fn filter_choices(state: &AppState) -> Result<(Vec<District>, Vec<Organisation>), AppError> {
    let all = |sorts| {
        Listing::from_query(
            &ListQuery {
                per_page: Some(200),
                ..Default::default()
            },
            sorts,
        )
    };
    let districts = places::list_districts(&state.store, false, &all(places::DISTRICT_SORTS))
        .await?
        .items;
    let leads = org::list(
        &state.store,
        org::OrgFilter::default(),
        &all(org::ORG_SORTS),
    )
    .await?
    .items;
    Ok((districts, leads))
}

async fn list_page(
    state: &AppState,
    ctx: &Ctx,
    fq: FilterQuery,
    q: ListQuery,
    heading: &'static str,
    base: &'static str,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let today = crate::today();
    let l = Listing::from_query(&q, resolutions::RESOLUTION_SORTS);
    let page = resolutions::list(&state.store, &fq.to_filter(me)?, &l, today).await?;
    let (districts, leads) = filter_choices(state).await?;
    render(&ListTemplate {
        p: Page::new(
            ctx,
            base.trim_start_matches('/'),
            crate::http::i18n::t(ctx.lang, heading),
        ),
        list: ListView::new(base, fq.keep(), &l, &page),
        items: page.items,
        q: l.q.clone(),
        fq,
        districts,
        leads,
        heading,
        base,
    })
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(fq): Query<FilterQuery>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    list_page(&state, &ctx, fq, q, "resolutions", "/resolutions").await
}

/// The chair's overdue list: every late resolution, the longest overdue first.
pub async fn overdue(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(mut fq): Query<FilterQuery>,
    Query(mut q): Query<ListQuery>,
) -> Result<Response, AppError> {
    fq.overdue = "1".into();
    if q.sort.is_none() {
        q.sort = Some("deadline".into());
    }
    list_page(&state, &ctx, fq, q, "overdue_list", "/overdue").await
}

#[derive(Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    format: String,
}

/// The filtered list as .csv or .xlsx (up to 50,000 rows).
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(fq): Query<FilterQuery>,
    Query(e): Query<ExportQuery>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let today = crate::today();
    let rows = resolutions::list_all(&state.store, &fq.to_filter(me)?, today, 50_000).await?;
    let fa = ctx.lang == Lang::Fa;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let all_partners = resolutions::partners_of(&state.store, &ids).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let partners = all_partners
            .get(&r.id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        out.push(crate::resolutions::transfer::ExportRow {
            number: rules::number(r.jalali_year, r.session_number, r.item_number, false),
            meeting: format!("{}/{}", r.jalali_year, r.session_number),
            title: r.title.clone(),
            domain: Domain::parse(&r.domain)
                .map(|d| if fa { d.label_fa() } else { d.label_en() })
                .unwrap_or("")
                .to_string(),
            scope: r.scope.clone(),
            lead: if fa {
                r.lead_name_fa.clone()
            } else {
                r.lead_name_en.clone()
            },
            partners: partners
                .iter()
                .map(|p| {
                    if fa {
                        p.name_fa.as_str()
                    } else {
                        p.name_en.as_str()
                    }
                })
                .collect::<Vec<_>>()
                .join("، "),
            deadline_jalali: mahalle_core::jalali::format_numeric(r.deadline, false),
            deadline_iso: r.deadline.to_string(),
            status: if fa {
                r.status().label_fa()
            } else {
                r.status().label_en()
            }
            .to_string(),
            overdue_days: days_overdue(r, today),
            progress: r.progress,
        });
    }
    let (body, mime, ext) = if e.format == "xlsx" {
        let bytes = crate::resolutions::transfer::export_xlsx(&out, fa)
            .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?;
        (
            bytes,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        )
    } else {
        (
            crate::resolutions::transfer::export_csv(&out, fa),
            "text/csv; charset=utf-8",
            "csv",
        )
    };
    let disposition = format!("attachment; filename=\"resolutions-{today}.{ext}\"");
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "resolution.html")]
struct ResolutionTemplate {
    p: Page,
    r: Resolution,
    partners: Vec<Partner>,
    reports: Vec<Report>,
    extensions: Vec<Extension>,
    events: Vec<Event>,
    today: NaiveDate,
    can_execute: bool,
    can_secretariat: bool,
    can_extend: bool,
    /// May decide a pending extension (by role, or by a delegation in force).
    can_decide: bool,
    errors: Vec<String>,
    f: ActionForm,
    files: Vec<mahalle_db::attachments::Attachment>,
}

impl ResolutionTemplate {
    pub fn files_of(&self, report: &i64) -> Vec<&mahalle_db::attachments::Attachment> {
        self.files
            .iter()
            .filter(|a| a.report_id == Some(*report))
            .collect()
    }
    pub fn number(&self) -> String {
        rules::number(
            self.r.jalali_year,
            self.r.session_number,
            self.r.item_number,
            self.p.fa(),
        )
    }
    pub fn overdue_days(&self) -> i64 {
        days_overdue(&self.r, self.today)
    }
    pub fn is_open(&self) -> bool {
        self.r.status().is_open()
    }
    pub fn pending(&self) -> Option<&Extension> {
        self.extensions.iter().find(|e| e.state == "pending")
    }
}

/// Every field any action form on the resolution page may send.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActionForm {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub percent: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub reported_on: String,
    #[serde(default)]
    pub new_deadline: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub title: String,
}

async fn resolution_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    errors: Vec<String>,
    f: ActionForm,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let r = resolutions::get(&state.store, id).await?;
    let (partner_ids, district) = mahalle_db::resolutions::parties(&state.store, &r).await?;
    let parties = mahalle_core::access::Parties {
        lead: r.lead_org_id,
        partners: &partner_ids,
        district,
    };
    let involved: Vec<i64> = partner_ids.iter().copied().chain([r.lead_org_id]).collect();
    if !me
        .principal
        .follow_up_reach()
        .sees(r.district_id, r.neighborhood_id, &involved)
    {
        return Err(AppError::Forbidden);
    }
    let can_execute = me
        .principal
        .may(mahalle_core::access::Act::Execute, parties);
    let can_secretariat = me
        .principal
        .may(mahalle_core::access::Act::Secretariat, parties);
    let can_extend = me.principal.may_request_extension(parties);
    let can_decide = me.principal.holds(
        mahalle_core::delegations::Power::DecideExtensions,
        mahalle_core::delegations::district_scope(parties.district),
    );
    let invalid = !errors.is_empty();
    let p = Page::new(ctx, "resolutions", r.title.clone());
    render_form(
        &ResolutionTemplate {
            p,
            partners: resolutions::partners(&state.store, id).await?,
            reports: resolutions::reports(&state.store, id).await?,
            extensions: resolutions::extensions(&state.store, id).await?,
            events: resolutions::events(&state.store, id).await?,
            today: crate::today(),
            can_execute,
            can_secretariat,
            can_extend,
            can_decide,
            errors,
            f,
            files: mahalle_db::attachments::of_resolution_reports(&state.store, id).await?,
            r,
        },
        invalid,
    )
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    resolution_page(&state, &ctx, id, Vec::new(), ActionForm::default()).await
}

/// One endpoint for every action form on the page; the form's `action` says which.
pub async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ActionForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let p = &me.principal;
    let store = &state.store;
    let result = match f.action.as_str() {
        action @ ("start" | "complete" | "cancel" | "reopen") => {
            match Transition::from_action(action, &f.note) {
                Some(t) => ops::transition(store, p, id, &t).await.map(|_| ()),
                None => Err(AppError::BadRequest("unknown action".into())),
            }
        }
        "report" => {
            let percent = mahalle_core::text::to_latin_digits(f.percent.trim())
                .parse::<i64>()
                .unwrap_or(-1);
            let on = if f.reported_on.trim().is_empty() {
                None
            } else {
                Some(crate::http::extract::parse_date(
                    "reported_on",
                    &f.reported_on,
                )?)
            };
            ops::report(store, p, id, percent, &f.body, on, None)
                .await
                .map(|_| ())
        }
        "extend" => ops::request_extension(store, p, id, &f.new_deadline, &f.reason)
            .await
            .map(|_| ()),
        "approve_extension" | "refuse_extension" => {
            let ext = resolutions::extensions(store, id)
                .await?
                .into_iter()
                .find(|e| e.state == "pending")
                .ok_or(AppError::NotFound)?;
            ops::decide_extension(store, p, ext.id, f.action == "approve_extension", &f.note).await
        }
        "edit" => ops::edit(store, p, id, &f.title, &f.body).await,
        _ => Err(AppError::BadRequest("unknown action".into())),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/resolutions/{id}")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let msgs = ctx.messages(fields);
            resolution_page(&state, &ctx, id, msgs, f).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxTemplate {
    p: Page,
    org: Organisation,
    counts: InboxCounts,
    tab: String,
    list: ListView,
    items: Vec<Resolution>,
    my_orgs: Vec<Organisation>,
}

#[derive(Deserialize)]
pub struct InboxQuery {
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    org: Option<i64>,
    #[serde(default)]
    tab: String,
}

/// An organisation's inbox: what it leads, what it partners on, what is due soon, what is late.
pub async fn inbox(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(iq): Query<InboxQuery>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let reach = me.principal.reach();
    let org_id = match iq.org.or_else(|| reach.organisations.first().copied()) {
        Some(o) => o,
        None => return Ok(Redirect::to("/accountability").into_response()),
    };
    if !reach.all && !reach.organisations.contains(&org_id) {
        return Err(AppError::Forbidden);
    }
    let today = crate::today();
    let org = org::get(&state.store, org_id).await?;
    let counts = resolutions::inbox_counts(&state.store, org_id, today, 7).await?;
    let mut f = Filter::default();
    let tab = match iq.tab.as_str() {
        "partner" => {
            f.partner_org_id = Some(org_id);
            f.open_only = true;
            "partner"
        }
        "soon" => {
            f.involving_org_id = Some(org_id);
            f.due_within = Some(7);
            "soon"
        }
        "overdue" => {
            f.involving_org_id = Some(org_id);
            f.overdue = true;
            "overdue"
        }
        _ => {
            f.lead_org_id = Some(org_id);
            f.open_only = true;
            "lead"
        }
    };
    let l = Listing::from_query(&q, resolutions::RESOLUTION_SORTS);
    let page = resolutions::list(&state.store, &f, &l, today).await?;
    let mut my_orgs = Vec::new();
    for o in &reach.organisations {
        my_orgs.push(org::get(&state.store, *o).await?);
    }
    render(&InboxTemplate {
        p: Page::new(&ctx, "inbox", crate::http::i18n::t(ctx.lang, "inbox")),
        list: ListView::new("/inbox", format!("&org={org_id}&tab={tab}"), &l, &page),
        items: page.items,
        tab: tab.to_string(),
        counts,
        org,
        my_orgs,
    })
}

#[derive(Template)]
#[template(path = "accountability.html")]
struct AccountabilityTemplate {
    p: Page,
    rows: Vec<Accountability>,
    fq: FilterQuery,
    districts: Vec<District>,
    domains: Vec<Domain>,
}

impl AccountabilityTemplate {
    pub fn rate(&self, a: &Accountability) -> i64 {
        rules::percent(a.done_on_time, a.done_on_time + a.done_late + a.overdue)
    }
}

/// Per organisation: assigned, done on time, done late, overdue, median days to done.
pub async fn accountability(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(fq): Query<FilterQuery>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let rows =
        resolutions::accountability(&state.store, &fq.to_filter(me)?, crate::today()).await?;
    let (districts, _) = filter_choices(&state).await?;
    render(&AccountabilityTemplate {
        p: Page::new(
            &ctx,
            "accountability",
            crate::http::i18n::t(ctx.lang, "accountability"),
        ),
        rows,
        fq,
        districts,
        domains: Domain::ALL.to_vec(),
    })
}

/// A progress report with an optional evidence file (multipart form).
pub async fn report(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    mp: axum::extract::Multipart,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    // Whether the upload may be made is settled before a byte of it is read.
    ops::may_report(&state.store, &me.principal, id).await?;
    let form = crate::http::csrf::multipart_form(&ctx, mp).await?;
    let f = ActionForm {
        action: "report".into(),
        percent: form.field("percent").to_string(),
        body: form.field("body").to_string(),
        reported_on: form.field("reported_on").to_string(),
        ..Default::default()
    };
    let percent = mahalle_core::text::to_latin_digits(f.percent.trim())
        .parse::<i64>()
        .unwrap_or(-1);
    let on = if f.reported_on.trim().is_empty() {
        None
    } else {
        Some(crate::http::extract::parse_date(
            "reported_on",
            &f.reported_on,
        ))
    };
    let result = match on.transpose() {
        Ok(on) => ops::report(
            &state.store,
            &me.principal,
            id,
            percent,
            &f.body,
            on,
            form.file.as_ref(),
        )
        .await
        .map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/resolutions/{id}")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let msgs = ctx.messages(fields);
            resolution_page(&state, &ctx, id, msgs, f).await
        }
        Err(e) => Err(e),
    }
}
