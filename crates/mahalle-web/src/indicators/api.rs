//! /api/v1 for data elements, indicators and their counts.

use crate::http::extract::P as Path;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::api::ApiResult;
use crate::http::ctx::Ctx;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{J, Q};
use crate::indicators::ops::{
    self, DefinitionCreated, ElementInput, IndicatorInput, Reading, ValueError, ValueInput,
    ValuesSaved,
};
use crate::AppState;
use mahalle_db::indicators::{self as db, DataElement, Indicator, Value};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_elements, create_element))
        .routes(routes!(list_indicators, create_indicator))
        .routes(routes!(read_indicator))
        .routes(routes!(list_values, save_values))
        .routes(routes!(import_values))
}

#[utoipa::path(get, path = "/api/v1/data-elements", tag = "indicators", security(("bearer" = [])),
    responses((status = 200, body = Vec<DataElement>), (status = 401, body = ErrorBody)))]
/// Every data element, by code (signed-in users).
async fn list_elements(State(s): State<AppState>, ctx: Ctx) -> ApiResult<Vec<DataElement>> {
    ctx.require_user()?;
    Ok(Json(db::elements(&s.store).await?))
}

#[utoipa::path(post, path = "/api/v1/data-elements", tag = "indicators", security(("bearer" = [])), request_body = ElementInput,
    responses((status = 201, body = DefinitionCreated), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Defines a data element (the city's secretariat).
async fn create_element(
    State(s): State<AppState>,
    ctx: Ctx,
    J(input): J<ElementInput>,
) -> Result<(StatusCode, Json<DefinitionCreated>), AppError> {
    let me = ctx.require_api_writer()?;
    Ok((
        StatusCode::CREATED,
        Json(ops::create_element(&s.store, me, &input).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/indicators", tag = "indicators", security(("bearer" = [])),
    responses((status = 200, body = Vec<Indicator>), (status = 401, body = ErrorBody)))]
/// Every indicator, by code (signed-in users).
async fn list_indicators(State(s): State<AppState>, ctx: Ctx) -> ApiResult<Vec<Indicator>> {
    ctx.require_user()?;
    Ok(Json(db::indicators(&s.store).await?))
}

#[utoipa::path(post, path = "/api/v1/indicators", tag = "indicators", security(("bearer" = [])), request_body = IndicatorInput,
    responses((status = 201, body = DefinitionCreated), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Defines an indicator over data elements named by code (the city's secretariat).
async fn create_indicator(
    State(s): State<AppState>,
    ctx: Ctx,
    J(input): J<IndicatorInput>,
) -> Result<(StatusCode, Json<DefinitionCreated>), AppError> {
    let me = ctx.require_api_writer()?;
    Ok((
        StatusCode::CREATED,
        Json(ops::create_indicator(&s.store, me, &input).await?),
    ))
}

/// A range of days, Jalali or ISO; the current Jalali year when left out.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeParams {
    /// The first day.
    pub from: Option<String>,
    /// The last day (included).
    pub to: Option<String>,
    /// One district's neighborhoods instead of the city's districts (its id).
    pub district: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/indicators/{id}/reading", tag = "indicators", params(("id" = i64, Path), RangeParams), security(("bearer" = [])),
    responses((status = 200, body = Reading), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// An indicator over a range: the city (or a district), each district (or its neighborhoods)
/// with the sums behind each value and whether it lags its target, and the value from the
/// range's start up to the end of each period. Totals are computed from the counts, never by averaging percentages.
async fn read_indicator(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Q(p): Q<RangeParams>,
) -> ApiResult<Reading> {
    ctx.require_user()?;
    let (from, to) = ops::range(p.from.as_deref(), p.to.as_deref())?;
    Ok(Json(ops::read(&s.store, id, p.district, from, to).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ValueParams {
    /// The data element's code.
    #[serde(default)]
    pub element: String,
    /// The first day (Jalali or ISO; the current Jalali year when left out).
    pub from: Option<String>,
    /// The last day (included).
    pub to: Option<String>,
    /// One district's counts only (its id).
    pub district: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/data-values", tag = "indicators", params(ValueParams), security(("bearer" = [])),
    responses((status = 200, body = Vec<Value>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// The counts of one element for periods beginning in the range, of the city or one district.
async fn list_values(
    State(s): State<AppState>,
    ctx: Ctx,
    Q(p): Q<ValueParams>,
) -> ApiResult<Vec<Value>> {
    ctx.require_user()?;
    let (from, to) = ops::range(p.from.as_deref(), p.to.as_deref())?;
    if p.element.trim().is_empty() {
        return Err(AppError::invalid(
            "element",
            "کد داده را بنویسید.",
            "Name the data element by its code.",
        ));
    }
    let e = db::element_by_code(&s.store, &p.element.trim().to_uppercase())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(
        db::values(&s.store, &[e.id], p.district, from, to).await?,
    ))
}

/// Counts to set, all or none.
#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(default)]
pub struct ValuesInput {
    pub values: Vec<ValueInput>,
}

#[utoipa::path(put, path = "/api/v1/data-values", tag = "indicators", security(("bearer" = [])), request_body = ValuesInput,
    responses((status = 200, body = ValuesSaved), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Sets counts (an empty value removes one) for neighborhoods within the caller's districts, in
/// one transaction: when any is wrong, none is saved and every problem is listed, each
/// message beginning with the item's place in the list ("Item 3: …").
async fn save_values(
    State(s): State<AppState>,
    ctx: Ctx,
    J(input): J<ValuesInput>,
) -> ApiResult<ValuesSaved> {
    let me = ctx.require_api_writer()?;
    match ops::save_values(&s.store, me, &input.values).await? {
        Ok(saved) => Ok(Json(saved)),
        Err(problems) => Err(AppError::Invalid(
            problems.iter().map(ValueError::as_field).collect(),
        )),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ValuesImportParams {
    /// Name of the uploaded file; its extension (.xlsx or .csv) says how to read it.
    #[serde(default)]
    pub filename: String,
    /// `true` to check without recording anything.
    #[serde(default)]
    pub dry_run: bool,
}

/// What an import of counts found and did.
#[derive(Serialize, ToSchema)]
pub struct ValuesImported {
    pub rows: usize,
    pub valid: usize,
    /// Counts whose value changed.
    pub changed: usize,
    pub errors: Vec<crate::http::sheet::RowError>,
}

#[utoipa::path(post, path = "/api/v1/data-values/import", tag = "indicators", params(ValuesImportParams), security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The .xlsx or .csv file: columns element, neighborhood, period, value"),
    responses((status = 200, body = ValuesImported), (status = 403, body = ErrorBody), (status = 422, body = ValuesImported)))]
/// Imports counts from a spreadsheet: every row is checked first (each problem named with its
/// row), and all are recorded in one transaction or none.
async fn import_values(
    State(s): State<AppState>,
    ctx: Ctx,
    Q(q): Q<ValuesImportParams>,
    body: axum::body::Body,
) -> Result<(StatusCode, Json<ValuesImported>), AppError> {
    let me = ctx.require_api_writer()?;
    if !mahalle_core::indicators::may_enter_any(&me.principal) {
        return Err(AppError::Forbidden);
    }
    let body = crate::http::extract::read_body(body, crate::http::sheet::MAX_UPLOAD).await?;
    let check = ops::check_sheet(&s.store, me, &q.filename, &body).await?;
    let (rows, valid) = (check.rows, check.ready.len());
    if !check.errors.is_empty() {
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(ValuesImported {
                rows,
                valid,
                changed: 0,
                errors: check.errors,
            }),
        ));
    }
    let changed = if q.dry_run {
        0
    } else {
        ops::commit_sheet(&s.store, me, &q.filename, &body)
            .await?
            .changed
    };
    Ok((
        StatusCode::OK,
        Json(ValuesImported {
            rows,
            valid,
            changed,
            errors: Vec::new(),
        }),
    ))
}
