//! /api/v1 for staff and volunteer recognition.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::api::{ApiResult, ListParams};
use crate::http::ctx::Ctx;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{J, Q};
use crate::recognitions::ops::{self, RecognitionGiven, RecognitionInput};
use crate::AppState;
use mahalle_core::paging::Listing;
use mahalle_core::recognitions::RecognitionKind;
use mahalle_db::councils::Recognition;
use mahalle_db::recognitions::{self, Filter};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_recognitions, give_recognition))
}

#[derive(Serialize, ToSchema)]
pub struct RecognitionPage {
    pub items: Vec<Recognition>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecognitionParams {
    /// Only this district's (its id).
    pub district: Option<i64>,
    /// Only this person's (their id).
    pub person: Option<i64>,
    /// Only those given at this supervisory visit (its id).
    pub visit: Option<i64>,
    /// council_service, staff or volunteer
    pub kind: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/recognitions", tag = "recognitions", params(RecognitionParams, ListParams), security(("bearer" = [])),
    responses((status = 200, body = RecognitionPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
/// Recognitions, newest first (signed-in users).
async fn list_recognitions(
    State(s): State<AppState>,
    ctx: Ctx,
    Q(p): Q<RecognitionParams>,
    Q(lp): Q<ListParams>,
) -> ApiResult<RecognitionPage> {
    ctx.require_user()?;
    let kind = match p.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(
            RecognitionKind::parse(k)
                .ok_or_else(|| AppError::BadRequest(format!("unknown kind {k}")))?
                .as_str(),
        ),
        None => None,
    };
    let f = Filter {
        district_id: p.district,
        person_id: p.person,
        meeting_id: p.visit,
        kind,
    };
    let l = Listing::from_query(&lp.query(), &["date"]);
    let page = recognitions::list(&s.store, &f, &l).await?;
    Ok(Json(RecognitionPage {
        items: page.items,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}

#[utoipa::path(post, path = "/api/v1/recognitions", tag = "recognitions", security(("bearer" = [])), request_body = RecognitionInput,
    responses((status = 201, body = RecognitionGiven), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Recognises a member of staff or a volunteer (the district's secretariat, or the editors of
/// the visit it is given at); the certificate is at `/recognitions/{id}/certificate`.
async fn give_recognition(
    State(s): State<AppState>,
    ctx: Ctx,
    J(input): J<RecognitionInput>,
) -> Result<(StatusCode, Json<RecognitionGiven>), AppError> {
    let me = ctx.require_api_writer()?;
    let given = ops::give(&s.store, me, &input).await?;
    Ok((StatusCode::CREATED, Json(given)))
}
