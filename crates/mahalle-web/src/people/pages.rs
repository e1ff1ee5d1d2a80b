//! The people directory, for signed-in users only (it holds personal contact details).

use crate::http::extract::{P as Path, Q as Query};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use mahalle_core::paging::{ListQuery, Listing};
use mahalle_db::councils::{self, PersonMembership, Pillar};
use mahalle_db::people::{self, Person};

use crate::http::csrf::CsrfForm;
use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::extract::Empty;
use crate::http::form::{Field, Kind, RecordForm, Retire, RetiredFilter};
use crate::http::page::{render, ListView, Page};
use crate::people::ops::{self, PersonInput};
use crate::AppState;
use axum::response::{IntoResponse, Redirect};

#[derive(Template)]
#[template(path = "people.html")]
struct PeopleTemplate {
    p: Page,
    list: ListView,
    items: Vec<Person>,
    keeps: bool,
    contacts: bool,
    /// After an import: rows recorded and pillar roles among them.
    imported: Option<(i64, i64)>,
}

/// What the import's redirect says it recorded.
#[derive(serde::Deserialize)]
pub struct ImportedQuery {
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    imported: Option<i64>,
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    pillars: Option<i64>,
}

pub async fn people(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(r): Query<RetiredFilter>,
    Query(q): Query<ListQuery>,
    Query(n): Query<ImportedQuery>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let l = Listing::from_query(&q, people::PERSON_SORTS);
    let page = people::list(&state.store, r.retired, &l).await?;
    let t = PeopleTemplate {
        p: Page::new(&ctx, "people", crate::http::i18n::t(ctx.lang, "people")),
        list: ListView::new("/people", r.keep().into(), &l, &page),
        items: page
            .items
            .into_iter()
            .map(|p| ops::for_viewer(p, Some(&me.principal)))
            .collect(),
        keeps: me.principal.keeps_any_registry(),
        contacts: me.principal.sees_contacts(),
        imported: n.imported.map(|i| (i, n.pillars.unwrap_or(0))),
    };
    render(&t)
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonTemplate {
    p: Page,
    person: Person,
    memberships: Vec<PersonMembership>,
    pillars: Vec<Pillar>,
    keeps: bool,
    recognitions: Vec<crate::http::page::RecognitionShown>,
}

pub async fn person(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let person = people::get(&state.store, id).await?;
    let keeps = ops::may_keep(&state.store, &me.principal, &person).await?;
    let person = ops::for_viewer(person, Some(&me.principal));
    let memberships = councils::memberships_of_person(&state.store, id).await?;
    let pillars = councils::pillars_of_person(&state.store, id).await?;
    let p = Page::new(&ctx, "people", String::new());
    let title = p
        .name(&person.full_name_fa, &person.full_name_en)
        .to_string();
    let f = mahalle_db::recognitions::Filter {
        person_id: Some(id),
        ..Default::default()
    };
    let recognitions = crate::http::page::recognitions_section(&state, &p, &f).await?;
    render(&PersonTemplate {
        p: Page { title, ..p },
        person,
        memberships,
        pillars,
        keeps,
        recognitions,
    })
}

// ---------------------------------------------------------------- keeping the registry

async fn person_form(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    f: &PersonInput,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let who = ctx.require_user()?.principal.clone();
    let p = Page::new(ctx, "people", String::new());
    let (title, action, retire) = match id {
        Some(id) => {
            let person = people::get(&state.store, id).await?;
            (
                format!("{} — {}", p.t("edit"), person.full_name_fa),
                format!("/people/{id}/edit"),
                Some(Retire {
                    base: format!("/people/{id}"),
                    retired_on: person.retired_on.map(|on| p.date(on)),
                }),
            )
        }
        None => (
            p.t("rg_new_person").to_string(),
            "/people".to_string(),
            None,
        ),
    };
    let genders = ["unspecified", "female", "male"]
        .into_iter()
        .map(|g| (g.to_string(), p.t(&format!("rg_{g}")).to_string()))
        .collect();
    // The city's registry is offered to administrators, and kept for someone already in it.
    let city = (who.keeps_registry(None) || (id.is_some() && f.district_id.is_empty()))
        .then(|| (String::new(), p.t("rg_city").to_string()));
    let districts = city
        .into_iter()
        .chain(
            crate::http::page::all_districts(state)
                .await?
                .into_iter()
                .filter(|d| who.keeps_registry(Some(d.id)) || f.district_id == d.id.to_string())
                .map(|d| (d.id.to_string(), p.district_name(d.number))),
        )
        .collect();
    let fields = vec![
        Field::new(
            "full_name_fa",
            p.t("rg_full_name_fa"),
            Kind::Text,
            &f.full_name_fa,
        )
        .required(),
        Field::new(
            "full_name_en",
            p.t("rg_full_name_en"),
            Kind::Text,
            &f.full_name_en,
        ),
        Field::new("gender", p.t("gender"), Kind::Select, &f.gender).choices(genders),
        Field::new("phone", p.t("phone"), Kind::Tel, &f.phone),
        Field::new("email", p.t("email"), Kind::Email, &f.email),
        Field::new(
            "district_id",
            p.t("rg_kept_by"),
            Kind::Select,
            &f.district_id,
        )
        .choices(districts),
    ];
    RecordForm {
        back: ("/people".into(), p.t("people").into()),
        p: Page { title, ..p },
        action,
        fields,
        errors,
        retire,
        boundary: None,
    }
    .respond()
}

async fn after(
    state: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    f: &PersonInput,
    result: Result<i64, AppError>,
) -> Result<Response, AppError> {
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/people/{id}")).into_response()),
        Err(AppError::Invalid(fields)) => {
            person_form(state, ctx, id, f, ctx.messages(fields)).await
        }
        Err(e) => Err(e),
    }
}

pub async fn new_person(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    let who = &ctx.require_user()?.principal;
    if !who.keeps_any_registry() {
        return Err(AppError::Forbidden);
    }
    // A district mayor's new people start in their district's registry.
    let district_id = if who.is_admin() {
        String::new()
    } else {
        who.reach()
            .districts
            .first()
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let f = PersonInput {
        district_id,
        ..Default::default()
    };
    person_form(&state, &ctx, None, &f, Vec::new()).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    CsrfForm(f): CsrfForm<PersonInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let r = ops::create(&state.store, &me.principal, &f).await;
    after(&state, &ctx, None, &f, r).await
}

pub async fn edit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let person = people::get(&state.store, id).await?;
    if !ops::may_keep(&state.store, &me.principal, &person).await? {
        return Err(AppError::Forbidden);
    }
    person_form(
        &state,
        &ctx,
        Some(id),
        &PersonInput::from_person(&person),
        Vec::new(),
    )
    .await
}

pub async fn save(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<PersonInput>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let r = ops::save(&state.store, &me.principal, id, &f)
        .await
        .map(|()| id);
    after(&state, &ctx, Some(id), &f, r).await
}

pub async fn retire(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    ops::retire(&state.store, &me.principal, id, true).await?;
    Ok(Redirect::to(&format!("/people/{id}")).into_response())
}

pub async fn reinstate(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(_): CsrfForm<Empty>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    ops::retire(&state.store, &me.principal, id, false).await?;
    Ok(Redirect::to(&format!("/people/{id}")).into_response())
}

pub const STRINGS: &[(&str, &str, &str)] = &[
    ("pp_import", "ورود افراد و ارکان از اکسل", "Import people and pillars"),
    ("pp_import_intro", "فهرست افراد، و برای هر کدام اگر رکن محله است (مدیر محله، معتمد، امام جماعت، گروه مردمی، نخبه) محله و نقش او. همه ردیف‌ها بررسی و پیش‌نمایش می‌شوند و یا همه ثبت می‌شوند یا هیچ‌کدام.", "A list of people and, for those who are a neighborhood's pillars (manager, trustee, imam, people's group, elite), their neighborhood and role. Every row is checked and previewed; all are recorded or none."),
    ("pp_pillar", "رکن محله", "Pillar"),
    ("pp_import_hint", "فردی که با همین نام و همین تلفن در سامانه هست دوباره ساخته نمی‌شود. شهردار منطقه تنها افراد و محله‌های منطقه خود را وارد می‌کند.", "Someone already kept with the same name and phone is not added twice. A district mayor imports people and neighborhoods of their own district only."),
    ("pp_import_commit", "ثبت همه ردیف‌ها", "Record every row"),
    ("pp_imported_people", "ردیف از فایل ثبت شد؛ نقش‌های ارکان:", "rows recorded from the file; pillar roles:"),
];

#[derive(Template)]
#[template(path = "people_import.html")]
struct ImportTemplate {
    p: Page,
    checked: Option<ImportChecked>,
    errors: Vec<String>,
    /// (Persian header, English header, required)
    columns: Vec<(&'static str, &'static str, bool)>,
    kinds: Vec<&'static str>,
}

struct ImportChecked {
    filename: String,
    rows: usize,
    drafts: Vec<crate::people::sheet::PersonDraft>,
    problems: Vec<crate::http::sheet::RowError>,
    payload: String,
}

impl ImportTemplate {
    fn problem(&self, e: &crate::http::sheet::RowError) -> String {
        if self.p.fa() {
            e.fa.clone()
        } else {
            e.en.clone()
        }
    }
}

fn import_page(
    ctx: &Ctx,
    checked: Option<ImportChecked>,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    use crate::http::sheet::SheetColumn;
    let me = ctx.require_user()?;
    ops::may_import(&me.principal)?;
    let p = Page::new(ctx, "people", crate::http::i18n::t(ctx.lang, "pp_import"));
    let kinds = mahalle_core::councils::PillarKind::ALL
        .iter()
        .map(|k| if p.fa() { k.label_fa() } else { k.label_en() })
        .collect();
    let bad = !errors.is_empty() || checked.as_ref().is_some_and(|c| !c.problems.is_empty());
    crate::http::page::render_form(
        &ImportTemplate {
            p,
            checked,
            errors,
            columns: crate::people::sheet::PersonColumn::all()
                .iter()
                .map(|c| (c.header_fa(), c.header_en(), c.required()))
                .collect(),
            kinds,
        },
        bad,
    )
}

pub async fn import_form(ctx: Ctx) -> Result<Response, AppError> {
    import_page(&ctx, None, Vec::new())
}

/// Checks an uploaded sheet and shows every row as it would be recorded, or every problem.
pub async fn import_upload(
    State(state): State<AppState>,
    ctx: Ctx,
    mp: axum::extract::Multipart,
) -> Result<Response, AppError> {
    use base64::Engine;
    let me = ctx.require_user()?;
    ops::may_import(&me.principal)?;
    let form = crate::http::csrf::multipart_form(&ctx, mp).await?;
    let (filename, bytes) = form.file.unwrap_or_default();
    if bytes.is_empty() || bytes.len() > crate::http::sheet::MAX_UPLOAD {
        let msg = if ctx.lang == crate::http::ctx::Lang::Fa {
            "فایلی تا ۲ مگابایت انتخاب کنید."
        } else {
            "Choose a file of up to 2 MB."
        };
        return import_page(&ctx, None, vec![msg.to_string()]);
    }
    match ops::check_import(&state.store, &me.principal, &filename, &bytes).await {
        Ok(c) => import_page(
            &ctx,
            Some(ImportChecked {
                payload: base64::engine::general_purpose::STANDARD.encode(&bytes),
                filename,
                rows: c.rows,
                drafts: c.drafts,
                problems: c.errors,
            }),
            Vec::new(),
        ),
        Err(AppError::Invalid(f)) => import_page(&ctx, None, ctx.messages(f)),
        Err(e) => Err(e),
    }
}

#[derive(serde::Deserialize)]
pub struct ImportCommitForm {
    filename: String,
    payload: String,
}

pub async fn import_commit(
    State(state): State<AppState>,
    ctx: Ctx,
    crate::http::csrf::CsrfUploadForm(f): crate::http::csrf::CsrfUploadForm<ImportCommitForm>,
) -> Result<Response, AppError> {
    use base64::Engine;
    let me = ctx.require_user()?;
    ops::may_import(&me.principal)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(f.payload.as_bytes())
        .map_err(|_| AppError::BadRequest("payload".into()))?;
    match ops::commit_import(&state.store, &me.principal, &f.filename, &bytes).await {
        Ok(n) => Ok(Redirect::to(&format!(
            "/people?imported={}&pillars={}",
            n.people + n.existing,
            n.pillars
        ))
        .into_response()),
        Err(AppError::Invalid(fields)) => import_page(&ctx, None, ctx.messages(fields)),
        Err(e) => Err(e),
    }
}

/// A sheet to fill in: the headers in Persian and two example rows (CSV, UTF-8 with BOM so that
/// Excel reads the Persian).
pub async fn import_template(ctx: Ctx) -> Result<Response, AppError> {
    use crate::http::sheet::SheetColumn;
    let me = ctx.require_user()?;
    ops::may_import(&me.principal)?;
    let mut out = String::from("\u{feff}");
    let headers: Vec<&str> = crate::people::sheet::PersonColumn::all()
        .iter()
        .map(|c| c.header_fa())
        .collect();
    out.push_str(&headers.join(","));
    out.push_str("\r\nزهرا کریمی,Zahra Karimi,زن,09121234567,,14,پیروزی,معتمد محل,,1404/07/01\r\n");
    out.push_str("حسن موسوی,,مرد,,,14,پیروزی,امام جماعت,مسجد جامع,\r\n");
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                axum::http::header::CONTENT_DISPOSITION,
                "attachment; filename=\"people-template.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}
