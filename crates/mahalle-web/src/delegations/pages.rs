//! The delegations' pages: the list (the caller's, or every one for the city's secretariat)
//! filtered by state and power, the form that delegates a power, and a delegation's page with
//! what was made from it, what was done through it and the revocation form.

use crate::http::extract::P as Path;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use mahalle_core::access::Scope;
use mahalle_core::delegations::{self as rules, Power, StateFilter};
use mahalle_core::paging::{ListQuery, Listing};
use mahalle_db::audit::Entry;
use mahalle_db::delegations::Delegation;
use serde::Deserialize;

use crate::delegations::ops::{self, DelegationDetail, DelegationInput, ListFilter, Listed};
use crate::http::csrf::CsrfForm;
use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::extract::Q as Query;
use crate::http::form::{id_of, Field, RecordForm};
use crate::http::page::{render, ListView, Page};
use crate::AppState;

pub const STRINGS: &[(&str, &str, &str)] = &[
    ("dg_delegations", "تفویض اختیار", "Delegations"),
    ("dg_intro", "اختیارهایی که به دیگران سپرده‌اید یا به شما سپرده شده است. تفویض تنها در روزهای خودش معتبر است و هر کاری که با آن انجام شود به نام آن ثبت می‌شود.", "Powers you have handed to others or that were handed to you. A delegation counts only within its days, and everything done through it is recorded under it."),
    ("dg_new", "تفویض اختیار تازه", "Delegate a power"),
    ("dg_none", "تفویضی با این ویژگی‌ها نیست.", "No delegation matches."),
    ("dg_from", "از", "From"),
    ("dg_to", "به", "To"),
    ("dg_to_hint", "کسی که اختیار به او سپرده می‌شود.", "The person the power goes to."),
    ("dg_power", "اختیار", "Power"),
    ("dg_scope", "قلمرو", "Scope"),
    ("dg_whole_city", "همه شهر", "The whole city"),
    ("dg_district_hint", "برای تمدید مهلت و ثبت مصوبه: منطقه، یا خالی برای همه شهر.", "For extensions and resolutions: the district, or empty for the whole city."),
    ("dg_organisation", "دستگاه", "Organisation"),
    ("dg_organisation_hint", "برای اقدام از سوی دستگاه: دستگاهی که رابط آن هستید.", "For acting for an organisation: the one you are the liaison of."),
    ("dg_starts", "از روز", "From"),
    ("dg_starts_hint", "تاریخ خورشیدی، مانند ۱۴۰۵/۰۹/۱۶؛ خالی یعنی امروز.", "A Jalali date like 1405/09/16; empty means today."),
    ("dg_ends", "تا روز (آخرین روز)", "Until (the last day)"),
    ("dg_redelegate", "اجازه تفویض دوباره به دیگری", "May delegate it onward"),
    ("dg_note", "مستند و شرط‌ها (شماره ابلاغ، …)", "Order and conditions (letter number, …)"),
    ("dg_state", "وضعیت", "State"),
    ("dg_all_states", "همه وضعیت‌ها", "All states"),
    ("dg_all_powers", "همه اختیارها", "All powers"),
    ("dg_upcoming", "آینده", "Upcoming"),
    ("dg_active", "در جریان", "In force"),
    ("dg_ended", "پایان‌یافته", "Ended"),
    ("dg_revoked", "لغوشده", "Revoked"),
    ("dg_suspended", "معلق (تفویض‌کننده دیگر این اختیار را ندارد)", "Suspended (the giver no longer holds the power)"),
    ("dg_span", "مدت", "Days"),
    ("dg_actions", "کارهای انجام‌شده با این تفویض", "Actions taken through it"),
    ("dg_no_actions", "هنوز کاری با این تفویض انجام نشده است.", "Nothing has been done through it yet."),
    ("dg_onward", "تفویض‌های دوباره از این تفویض", "Delegated onward from it"),
    ("dg_parent", "برگرفته از تفویض", "Made from delegation"),
    ("dg_revoke", "لغو تفویض", "Revoke the delegation"),
    ("dg_revoke_hint", "لغو، همه تفویض‌هایی را هم که از این تفویض گرفته شده‌اند لغو می‌کند.", "Revoking also revokes every delegation made from this one."),
    ("dg_revoke_confirm", "این تفویض و همه تفویض‌های برگرفته از آن لغو شود؟", "Revoke this delegation and every one made from it?"),
    ("dg_reason", "دلیل", "Reason"),
    ("dg_revoked_by", "لغو به دست", "Revoked by"),
    ("dg_yes", "دارد", "Yes"),
    ("dg_no", "ندارد", "No"),
    ("dg_action", "کار", "Action"),
    ("dg_record", "مورد", "Record"),
    ("dg_when", "زمان", "When"),
];

fn state_label(p: &Page, s: &str) -> &'static str {
    p.t(match s {
        "upcoming" => "dg_upcoming",
        "ended" => "dg_ended",
        "revoked" => "dg_revoked",
        "suspended" => "dg_suspended",
        _ => "dg_active",
    })
}

fn power_label(p: &Page, s: &str) -> &'static str {
    match Power::parse(s) {
        Some(x) if p.fa() => x.label_fa(),
        Some(x) => x.label_en(),
        None => "",
    }
}

fn scope_label(p: &Page, d: &Delegation) -> String {
    match (&d.organisation_fa, &d.organisation_en, d.district_number) {
        (Some(fa), Some(en), _) => p.name(fa, en).to_string(),
        (_, _, Some(n)) => p.district_name(n),
        _ => p.t("dg_whole_city").to_string(),
    }
}

// ---------------------------------------------------------------- list

#[derive(Template)]
#[template(path = "delegations.html")]
struct ListTemplate {
    p: Page,
    list: ListView,
    items: Vec<Listed>,
    f: ListFilter,
    may_delegate: bool,
    states: Vec<(&'static str, &'static str)>,
    powers: Vec<(&'static str, &'static str)>,
}

impl ListTemplate {
    fn state(&self, x: &Listed) -> &'static str {
        state_label(&self.p, x.state)
    }
    fn power(&self, s: &str) -> &'static str {
        power_label(&self.p, s)
    }
    fn scope(&self, d: &Delegation) -> String {
        scope_label(&self.p, d)
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(f): Query<ListFilter>,
    Query(lq): Query<ListQuery>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let l = Listing::from_query(&lq, &["starts"]);
    let page = ops::list(&state.store, me, &f, &l).await?;
    let p = Page::new(
        &ctx,
        "delegations",
        crate::http::i18n::t(ctx.lang, "dg_delegations"),
    );
    let mut keep = String::new();
    if !f.state.is_empty() {
        keep.push_str(&format!("&state={}", f.state.trim()));
    }
    if !f.power.is_empty() {
        keep.push_str(&format!("&power={}", f.power.trim()));
    }
    render(&ListTemplate {
        list: ListView::new("/delegations", keep, &l, &page),
        items: page.items,
        may_delegate: rules::may_delegate_any(&me.principal),
        states: StateFilter::ALL
            .iter()
            .map(|s| (s.as_str(), state_label(&p, s.as_str())))
            .collect(),
        powers: Power::ALL
            .iter()
            .map(|x| (x.as_str(), power_label(&p, x.as_str())))
            .collect(),
        f,
        p,
    })
}

// ---------------------------------------------------------------- the form

#[derive(Debug, Clone, Default, Deserialize)]
pub struct DelegationForm {
    #[serde(default)]
    to_user_id: String,
    #[serde(default)]
    power: String,
    #[serde(default)]
    district_id: String,
    #[serde(default)]
    organisation_id: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    may_redelegate: String,
    #[serde(default)]
    note: String,
}

impl DelegationForm {
    fn input(&self) -> DelegationInput {
        DelegationInput {
            to_user_id: id_of(&self.to_user_id),
            power: self.power.clone(),
            district_id: id_of(&self.district_id),
            organisation_id: id_of(&self.organisation_id),
            starts_on: self.starts_on.clone(),
            ends_on: self.ends_on.clone(),
            may_redelegate: matches!(self.may_redelegate.as_str(), "1" | "true" | "on"),
            note: self.note.clone(),
        }
    }
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    f: &DelegationForm,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let who = &me.principal;
    let p = Page::new(ctx, "delegations", crate::http::i18n::t(ctx.lang, "dg_new"));
    // Only what the caller may pass on: held by role, or received with the right to pass it on.
    let territorial = |s: Scope| {
        who.may_delegate(Power::DecideExtensions, s)
            || who.may_delegate(Power::CreateResolutions, s)
    };
    let mut districts = Vec::new();
    if territorial(Scope::City) {
        districts.push((String::new(), p.t("dg_whole_city").to_string()));
    }
    districts.extend(
        crate::http::page::all_districts(state)
            .await?
            .into_iter()
            .filter(|d| territorial(Scope::District(d.id)))
            .map(|d| (d.id.to_string(), p.district_name(d.number))),
    );
    let organisations: Vec<(String, String)> = mahalle_db::org::choices(&state.store)
        .await?
        .into_iter()
        .filter(|(id, ..)| who.may_delegate(Power::ActForOrganisation, Scope::Organisation(*id)))
        .map(|(id, _, fa, en)| (id.to_string(), p.name(&fa, &en).to_string()))
        .collect();
    let people = ops::people(&state.store, me)
        .await?
        .into_iter()
        .map(|(id, label)| (id.to_string(), label))
        .collect();
    let powers = Power::ALL
        .iter()
        .filter(|x| {
            if x.is_territorial() {
                // Some scope offered over which this power in particular may be passed on.
                districts.iter().any(|(id, _)| {
                    let scope = id.parse().map_or(Scope::City, Scope::District);
                    who.may_delegate(**x, scope)
                })
            } else {
                !organisations.is_empty()
            }
        })
        .map(|x| {
            (
                x.as_str().to_string(),
                power_label(&p, x.as_str()).to_string(),
            )
        })
        .collect();
    use crate::http::form::Kind as K;
    let mut fields = vec![
        Field::new("to_user_id", p.t("dg_to"), K::Select, &f.to_user_id)
            .required()
            .choices(people)
            .hint(p.t("dg_to_hint")),
        Field::new("power", p.t("dg_power"), K::Select, &f.power)
            .required()
            .choices(powers),
    ];
    if !districts.is_empty() {
        fields.push(
            Field::new("district_id", p.t("district"), K::Select, &f.district_id)
                .choices(districts)
                .hint(p.t("dg_district_hint")),
        );
    }
    if !organisations.is_empty() {
        fields.push(
            Field::new(
                "organisation_id",
                p.t("dg_organisation"),
                K::Select,
                &f.organisation_id,
            )
            .choices(organisations)
            .hint(p.t("dg_organisation_hint")),
        );
    }
    fields.extend([
        Field::new("starts_on", p.t("dg_starts"), K::Number, &f.starts_on)
            .hint(p.t("dg_starts_hint")),
        Field::new("ends_on", p.t("dg_ends"), K::Number, &f.ends_on).required(),
        Field::new(
            "may_redelegate",
            p.t("dg_redelegate"),
            K::Check,
            &f.may_redelegate,
        ),
        Field::new("note", p.t("dg_note"), K::TextArea, &f.note),
    ]);
    RecordForm {
        back: ("/delegations".into(), p.t("dg_delegations").to_string()),
        p,
        action: "/delegations".into(),
        fields,
        errors,
        retire: None,
        boundary: None,
    }
    .respond()
}

pub async fn new(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    AppError::unless(rules::may_delegate_any(&me.principal))?;
    form_page(&state, &ctx, &DelegationForm::default(), Vec::new()).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<DelegationForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    match ops::create(&state.store, me, &f.input()).await {
        Ok(s) => Ok(Redirect::to(&format!("/delegations/{}", s.id)).into_response()),
        Err(AppError::Invalid(e)) => form_page(&state, &ctx, &f, ctx.messages(e)).await,
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------- a delegation

#[derive(Template)]
#[template(path = "delegation.html")]
struct ShowTemplate {
    p: Page,
    d: DelegationDetail,
    /// Where each onward delegation stands.
    onward_states: Vec<&'static str>,
    errors: Vec<String>,
}

impl ShowTemplate {
    fn state(&self) -> &'static str {
        state_label(&self.p, self.d.state)
    }
    fn power(&self, s: &str) -> &'static str {
        power_label(&self.p, s)
    }
    fn scope(&self, d: &Delegation) -> String {
        scope_label(&self.p, d)
    }
    fn onward_state(&self, i: usize) -> &'static str {
        state_label(&self.p, self.onward_states.get(i).copied().unwrap_or(""))
    }
    /// Where an audited change points, when it has a page.
    fn href(&self, e: &Entry) -> Option<String> {
        let id = e.entity_id?;
        let base = match e.entity.as_str() {
            "resolution" => "/resolutions",
            "service_request" => "/requests",
            "delegation" => "/delegations",
            "meeting" => "/meetings",
            _ => return None,
        };
        Some(format!("{base}/{id}"))
    }
}

async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let d = ops::detail(&state.store, me, id).await?;
    let p = Page::new(
        ctx,
        "delegations",
        format!(
            "{} — {}",
            crate::http::i18n::t(ctx.lang, "dg_delegations"),
            power_label(&Page::new(ctx, "", ""), &d.delegation.power)
        ),
    );
    let mut onward_states = Vec::new();
    for c in &d.onward {
        onward_states.push(ops::state_of(&state.store, c).await?);
    }
    let invalid = !errors.is_empty();
    crate::http::page::render_form(
        &ShowTemplate {
            p,
            d,
            onward_states,
            errors,
        },
        invalid,
    )
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    show_page(&state, &ctx, id, Vec::new()).await
}

#[derive(Debug, Default, Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    reason: String,
}

pub async fn revoke(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<RevokeForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    match ops::revoke(&state.store, me, id, &f.reason).await {
        Ok(_) => Ok(Redirect::to(&format!("/delegations/{id}")).into_response()),
        Err(AppError::Invalid(e)) => show_page(&state, &ctx, id, ctx.messages(e)).await,
        Err(e) => Err(e),
    }
}
