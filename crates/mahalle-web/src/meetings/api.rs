//! /api/v1 for meetings. Reads work with a session or a token; changes need a token.

use axum::extract::State;
use axum::Json;
use mahalle_core::paging::{Listing, Paged};
use mahalle_db::meetings::{self, AgendaItem, Attendee, Meeting, MeetingFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::api::{ApiResult, ListParams};
use crate::http::ctx::Ctx;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{P, Q};
use crate::meetings::ops::{self, AttendanceInput};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_meetings))
        .routes(routes!(get_meeting))
        .routes(routes!(set_attendance))
}

#[derive(Serialize, ToSchema)]
pub struct MeetingPage {
    pub items: Vec<Meeting>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingParams {
    /// hq_session, supervisory_visit, think_tank, council_meeting or peoples_meeting
    pub kind: Option<String>,
    /// Id of the body holding the meetings.
    pub body: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/meetings", tag = "follow-up", params(MeetingParams, ListParams), security(("bearer" = [])),
    responses((status = 200, body = MeetingPage), (status = 401, body = ErrorBody)))]
/// Meetings, newest first; sort by `date`, `number` or `overdue`.
async fn list_meetings(
    State(s): State<AppState>,
    ctx: Ctx,
    Q(m): Q<MeetingParams>,
    Q(p): Q<ListParams>,
) -> ApiResult<MeetingPage> {
    ctx.require_user()?;
    let l = Listing::from_query(&p.query(), meetings::MEETING_SORTS);
    let f = MeetingFilter {
        kind: m.kind.filter(|k| !k.is_empty()),
        body_id: m.body,
        ..Default::default()
    };
    let Paged {
        items,
        total,
        page,
        per_page,
    } = meetings::list(&s.store, &f, &l, crate::today()).await?;
    Ok(Json(MeetingPage {
        items,
        total,
        page,
        per_page,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct MeetingDetail {
    #[serde(flatten)]
    pub meeting: Meeting,
    pub agenda: Vec<AgendaItem>,
    /// Everyone invited, people and organisations, in the order they were invited; `present`
    /// says who was there.
    pub attendees: Vec<Attendee>,
}

async fn meeting_detail(s: &AppState, id: i64) -> Result<MeetingDetail, AppError> {
    Ok(MeetingDetail {
        meeting: meetings::get(&s.store, id, crate::today()).await?,
        agenda: meetings::agenda(&s.store, id).await?,
        attendees: meetings::attendees(&s.store, id).await?,
    })
}

#[utoipa::path(get, path = "/api/v1/meetings/{id}", tag = "follow-up", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = MeetingDetail), (status = 404, body = ErrorBody)))]
async fn get_meeting(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
) -> ApiResult<MeetingDetail> {
    ctx.require_user()?;
    Ok(Json(meeting_detail(&s, id).await?))
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/attendance", tag = "follow-up", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = AttendanceInput,
    responses((status = 200, body = MeetingDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
/// Sets the meeting's chair, invites more people and organisations (invitations are only added),
/// and records exactly which invitees were present (its secretariat only).
async fn set_attendance(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    Json(input): Json<AttendanceInput>,
) -> ApiResult<MeetingDetail> {
    let me = ctx.require_api_writer()?;
    ops::set_attendance(&s.store, &me.principal, id, &input).await?;
    Ok(Json(meeting_detail(&s, id).await?))
}
