//! Bulk entry of a session's resolutions from .xlsx or .csv: upload, a preview with every
//! problem per row, then one all-or-nothing commit. The checked file travels back with the
//! commit form (base64), so no server keeps state between the two steps.

use askama::Template;
use axum::extract::{Multipart, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use base64::Engine;
use mahalle_core::domain::Domain;
use mahalle_core::resolutions::Priority;
use mahalle_db::meetings::{self, Meeting};

use crate::http::csrf::CsrfUploadForm;
use crate::http::ctx::{Ctx, Lang};
use crate::http::error::AppError;
use crate::http::extract::{P as Path, Q as Query};
use crate::http::page::{render_form, Page};
use crate::resolutions::ops;
use crate::resolutions::transfer::{self, Column, Draft, RowError};
use crate::AppState;

/// Largest accepted upload.
use super::MAX_UPLOAD;

#[derive(Template)]
#[template(path = "import.html")]
struct ImportTemplate {
    p: Page,
    m: Meeting,
    columns: Vec<Column>,
    domains: Vec<Domain>,
    priorities: Vec<Priority>,
    /// After an upload: the file name, rows read, good rows, problems, and the file to commit.
    checked: Option<Checked>,
    errors: Vec<String>,
}

struct Checked {
    filename: String,
    rows: usize,
    drafts: Vec<Draft>,
    problems: Vec<RowError>,
    payload: String,
}

impl ImportTemplate {
    pub fn problem(&self, e: &RowError) -> String {
        if self.p.fa() {
            e.fa.clone()
        } else {
            e.en.clone()
        }
    }
}

async fn page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    checked: Option<Checked>,
    errors: Vec<String>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let m = meetings::get(&state.store, id, crate::today()).await?;
    if !me.principal.is_secretariat_for(m.district_id) {
        return Err(AppError::Forbidden);
    }
    let bad = !errors.is_empty() || checked.as_ref().is_some_and(|c| !c.problems.is_empty());
    render_form(
        &ImportTemplate {
            p: Page::new(ctx, "meetings", crate::http::i18n::t(ctx.lang, "import")),
            m,
            columns: Column::ALL.to_vec(),
            domains: Domain::ALL.to_vec(),
            priorities: Priority::ALL.to_vec(),
            checked,
            errors,
        },
        bad,
    )
}

pub async fn form(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    page(&state, &ctx, id, None, Vec::new()).await
}

/// Step 1: upload and check; nothing is saved.
pub async fn upload(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    mp: Multipart,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    // Authorised before a byte of the upload is read.
    ops::may_import(&state.store, &me.principal, id).await?;
    let form = crate::http::csrf::multipart_form(&ctx, mp).await?;
    let (filename, bytes) = form.file.unwrap_or_default();
    if bytes.is_empty() {
        let msg = if ctx.lang == Lang::Fa {
            "فایلی انتخاب نشده است."
        } else {
            "No file was chosen."
        };
        return page(&state, &ctx, id, None, vec![msg.to_string()]).await;
    }
    if bytes.len() > MAX_UPLOAD {
        let msg = if ctx.lang == Lang::Fa {
            "حجم فایل بیش از ۲ مگابایت است."
        } else {
            "The file is larger than 2 MB."
        };
        return page(&state, &ctx, id, None, vec![msg.to_string()]).await;
    }
    match ops::check_import(&state.store, &me.principal, id, &filename, &bytes).await {
        Ok(c) => {
            let checked = Checked {
                payload: base64::engine::general_purpose::STANDARD.encode(&bytes),
                filename,
                rows: c.rows,
                drafts: c.drafts,
                problems: c.errors,
            };
            page(&state, &ctx, id, Some(checked), Vec::new()).await
        }
        Err(AppError::Invalid(f)) => {
            let msgs = ctx.messages(f);
            page(&state, &ctx, id, None, msgs).await
        }
        Err(e) => Err(e),
    }
}

#[derive(serde::Deserialize)]
pub struct CommitForm {
    filename: String,
    payload: String,
}

/// Step 2: commit every row in one transaction, or none.
pub async fn commit(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfUploadForm(f): CsrfUploadForm<CommitForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(f.payload.as_bytes())
        .map_err(|_| AppError::BadRequest("payload".into()))?;
    match ops::commit_import(&state.store, &me.principal, id, &f.filename, &bytes).await {
        Ok(n) => Ok(Redirect::to(&format!("/meetings/{id}?imported={n}")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let msgs = ctx.messages(fields);
            page(&state, &ctx, id, None, msgs).await
        }
        Err(e) => Err(e),
    }
}

#[derive(serde::Deserialize)]
pub struct TemplateQuery {
    #[serde(default)]
    lang: String,
}

/// `/import/template.xlsx` and `/import/template.csv`: columns and two example rows.
pub async fn template(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(file): Path<String>,
    Query(q): Query<TemplateQuery>,
) -> Result<Response, AppError> {
    ctx.require_user()?;
    let persian = if q.lang.is_empty() {
        ctx.lang == Lang::Fa
    } else {
        q.lang == "fa"
    };
    // Real names from this city's directory, so the examples import as they are.
    let names = mahalle_db::org::some_agency_names(&state.store, 2).await?;
    let name =
        |i: usize, default: &str| names.get(i).cloned().unwrap_or_else(|| default.to_string());
    let ex = transfer::TemplateExample {
        lead: name(0, "شرکت آب و فاضلاب استان تهران"),
        partner: name(1, "سازمان آتش‌نشانی و خدمات ایمنی"),
        district: "منطقه ۱۴".into(),
        neighborhood: "پیروزی".into(),
    };
    let (body, mime) = match file.as_str() {
        "template.xlsx" => (
            transfer::template_xlsx(persian, &ex)
                .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "template.csv" => (
            transfer::template_csv(persian, &ex),
            "text/csv; charset=utf-8",
        ),
        _ => return Err(AppError::NotFound),
    };
    let disposition = format!("attachment; filename=\"resolutions-{file}\"");
    Ok((
        [
            (header::CONTENT_TYPE, mime.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}
