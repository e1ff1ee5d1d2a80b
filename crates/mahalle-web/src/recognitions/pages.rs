//! The recognitions' pages: a district's list (signed-in staff) and the form to give one.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use mahalle_core::paging::{ListQuery, Listing};
use mahalle_core::recognitions::RecognitionKind;
use mahalle_db::councils::Recognition;
use mahalle_db::recognitions::{self, Filter};
use serde::Deserialize;

use crate::http::csrf::CsrfForm;
use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::extract::Q as Query;
use crate::http::form::{Field, Kind, RecordForm};
use crate::http::page::{reason_line, recognition_kind, render, ListView, Page};
use crate::recognitions::ops::{self, RecognitionInput};
use crate::AppState;

pub const STRINGS: &[(&str, &str, &str)] = &[
    ("rc_recognitions", "تشویق و قدردانی", "Recognitions"),
    ("rc_intro", "قدردانی از کارکنان و داوطلبان منطقه‌ها و از اعضای پیشین شورایاری‌ها، با تقدیرنامه شماره‌دار.", "Recognition of the districts' staff and volunteers and of former council members, with a numbered certificate."),
    ("rc_new", "ثبت تقدیر", "Recognise someone"),
    ("rc_person", "قدردانی از", "Recognised"),
    ("rc_person_hint", "نام کامل یا شماره فرد، مانند #۱۲", "Full name or number, like #12"),
    ("rc_kind", "نوع", "Kind"),
    ("rc_reason", "برای", "For"),
    ("rc_giver", "از سوی", "Given by"),
    ("rc_giver_hint", "چنان‌که در تقدیرنامه می‌آید؛ مانند معاون هماهنگی و امور مناطق", "As the certificate names them; like the Deputy for Coordination"),
    ("rc_given_on", "تاریخ (خالی: امروز)", "Date (empty: today)"),
    ("rc_certificate", "تقدیرنامه", "Certificate"),
    ("rc_none", "تقدیری ثبت نشده است.", "No recognition recorded."),
    ("rc_at_visit", "در نشست نظارت", "At the visit"),
    ("rc_all_kinds", "همه انواع", "All kinds"),
    ("rc_all", "همه", "All"),
];

#[derive(Deserialize, Default)]
pub struct RecognitionQuery {
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    district: Option<i64>,
    #[serde(default)]
    kind: String,
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    visit: Option<i64>,
    #[serde(default)]
    person: String,
}

#[derive(Template)]
#[template(path = "recognitions.html")]
struct ListTemplate {
    p: Page,
    list: ListView,
    items: Vec<Recognition>,
    districts: Vec<mahalle_db::places::District>,
    district: Option<i64>,
    kind: String,
    may_give: bool,
}

impl ListTemplate {
    fn chosen(&self, id: &i64) -> bool {
        self.district == Some(*id)
    }
    fn kind_label(&self, k: &str) -> &'static str {
        recognition_kind(&self.p, k)
    }
    fn reason(&self, r: &Recognition) -> String {
        reason_line(&self.p, &r.reason).to_string()
    }
    fn kinds(&self) -> Vec<(&'static str, &'static str)> {
        RecognitionKind::ALL
            .iter()
            .map(|k| (k.as_str(), recognition_kind(&self.p, k.as_str())))
            .collect()
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<RecognitionQuery>,
    Query(lq): Query<ListQuery>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let l = Listing::from_query(&lq, &["date"]);
    let kind = RecognitionKind::parse(&q.kind).map(RecognitionKind::as_str);
    let f = Filter {
        district_id: q.district,
        kind,
        ..Default::default()
    };
    let page = recognitions::list(&state.store, &f, &l).await?;
    let mut keep = q
        .district
        .map(|d| format!("&district={d}"))
        .unwrap_or_default();
    if let Some(k) = kind {
        keep.push_str(&format!("&kind={k}"));
    }
    render(&ListTemplate {
        p: Page::new(
            &ctx,
            "recognitions",
            crate::http::i18n::t(ctx.lang, "rc_recognitions"),
        ),
        list: ListView::new("/recognitions", keep, &l, &page),
        items: page.items,
        districts: crate::http::page::all_districts(&state).await?,
        district: q.district,
        kind: kind.unwrap_or("").to_string(),
        may_give: me.principal.may_record_meetings(),
    })
}

/// The form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RecognitionForm {
    #[serde(default)]
    person: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    giver: String,
    #[serde(default)]
    given_on: String,
    #[serde(default)]
    district_id: String,
    #[serde(default)]
    visit_id: String,
}

fn id_of(s: &str) -> Option<i64> {
    mahalle_core::text::to_latin_digits(s.trim())
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
}

async fn form(
    state: &AppState,
    ctx: &Ctx,
    f: &RecognitionForm,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let p = Page::new(
        ctx,
        "recognitions",
        crate::http::i18n::t(ctx.lang, "rc_new"),
    );
    let visit = match id_of(&f.visit_id) {
        Some(v) => Some(ops::at_visit(&state.store, me, v).await?),
        None => None,
    };
    let mut districts = vec![(String::new(), "—".to_string())];
    districts.extend(
        crate::http::page::all_districts(state)
            .await?
            .into_iter()
            .filter(|d| {
                visit
                    .as_ref()
                    .map_or(me.principal.is_secretariat_for(Some(d.id)), |v| {
                        v.district_id == d.id
                    })
            })
            .map(|d| (d.id.to_string(), p.district_name(d.number))),
    );
    let kinds = [RecognitionKind::Staff, RecognitionKind::Volunteer]
        .iter()
        .map(|k| {
            (
                k.as_str().to_string(),
                recognition_kind(&p, k.as_str()).to_string(),
            )
        })
        .collect();
    let mut fields = vec![
        Field::new("person", p.t("rc_person"), Kind::Text, &f.person)
            .required()
            .hint(p.t("rc_person_hint")),
        Field::new("kind", p.t("rc_kind"), Kind::Select, &f.kind)
            .required()
            .choices(kinds),
        Field::new("reason", p.t("rc_reason"), Kind::TextArea, &f.reason).required(),
        Field::new("giver", p.t("rc_giver"), Kind::Text, &f.giver)
            .required()
            .hint(p.t("rc_giver_hint")),
        Field::new("given_on", p.t("rc_given_on"), Kind::Number, &f.given_on)
            .hint(p.t("pj_date_hint")),
        Field::new("district_id", p.t("district"), Kind::Select, &f.district_id)
            .required()
            .choices(districts),
    ];
    let back = match &visit {
        Some(v) => {
            fields.push(
                Field::new("visit_id", p.t("rc_at_visit"), Kind::Number, &f.visit_id).locked(true),
            );
            (format!("/visits/{}", v.id), v.title.clone())
        }
        None => (
            "/recognitions".to_string(),
            p.t("rc_recognitions").to_string(),
        ),
    };
    RecordForm {
        back,
        p,
        action: "/recognitions".into(),
        fields,
        errors,
        retire: None,
        boundary: None,
    }
    .respond()
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<RecognitionQuery>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let visit = match q.visit {
        Some(v) => Some(ops::at_visit(&state.store, me, v).await?),
        None => None,
    };
    let allowed = match &visit {
        Some(v) => v.edits,
        None => me.principal.may_record_meetings(),
    };
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let giver = match &visit {
        Some(v) => v.body_name_fa.clone(),
        None => String::new(),
    };
    let f = RecognitionForm {
        person: q.person.clone(),
        kind: "staff".into(),
        giver,
        district_id: visit
            .as_ref()
            .map(|v| v.district_id)
            .or(q.district)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        visit_id: visit.as_ref().map(|v| v.id.to_string()).unwrap_or_default(),
        ..Default::default()
    };
    form(&state, &ctx, &f, Vec::new()).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<RecognitionForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let input = RecognitionInput {
        person: f.person.clone(),
        kind: f.kind.clone(),
        reason: f.reason.clone(),
        giver: f.giver.clone(),
        given_on: f.given_on.clone(),
        district_id: id_of(&f.district_id),
        visit_id: id_of(&f.visit_id),
    };
    match ops::give(&state.store, me, &input).await {
        Ok(g) => Ok(Redirect::to(&format!("/recognitions/{}/certificate", g.id)).into_response()),
        Err(AppError::Invalid(fields)) => form(&state, &ctx, &f, ctx.messages(fields)).await,
        Err(e) => Err(e),
    }
}
