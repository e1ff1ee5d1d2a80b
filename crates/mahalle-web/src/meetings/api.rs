//! /api/v1 for meetings. Reads work with a session or a token; changes need a token.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use mahalle_core::meetings::PersonRef;
use mahalle_core::paging::{Listing, Paged};
use mahalle_db::attachments::{self, Attachment};
use mahalle_db::meetings::{self, AgendaItem, Attendee, Meeting, MeetingFilter};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::http::api::{ApiResult, Created, ListParams};
use crate::http::ctx::Ctx;
use crate::http::error::{AppError, ErrorBody};
use crate::http::extract::{J, P, Q};
use crate::meetings::ops::{self, AttendanceInput, MeetingCorrection, MeetingInput};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_meetings, create_meeting))
        .routes(routes!(get_meeting))
        .routes(routes!(set_attendance))
        .routes(routes!(set_minutes))
        .routes(routes!(set_details))
        .routes(routes!(attach))
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
    pub attachments: Vec<Attachment>,
}

async fn meeting_detail(s: &AppState, id: i64) -> Result<MeetingDetail, AppError> {
    Ok(MeetingDetail {
        meeting: meetings::get(&s.store, id, crate::today()).await?,
        agenda: meetings::agenda(&s.store, id).await?,
        attendees: meetings::attendees(&s.store, id).await?,
        attachments: attachments::of_meeting(&s.store, id).await?,
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
    J(input): J<AttendanceInput>,
) -> ApiResult<MeetingDetail> {
    let me = ctx.require_api_writer()?;
    ops::set_attendance(&s.store, &me.principal, id, &input).await?;
    Ok(Json(meeting_detail(&s, id).await?))
}

/// A new meeting; it is numbered next in its body's Jalali year.
#[derive(Deserialize, ToSchema)]
pub struct NewMeetingRequest {
    /// hq_session, supervisory_visit, think_tank, council_meeting or peoples_meeting
    pub kind: String,
    /// Id of the organisation holding the meeting.
    pub body_id: i64,
    pub title: String,
    /// Jalali (`1403/07/15`) or ISO (`2024-10-06`).
    pub date: String,
    /// `10:30`, Tehran time.
    pub time: String,
    #[serde(default)]
    pub place: String,
    /// The district whose meeting it is; left out for a city-wide one.
    pub district_id: Option<i64>,
    /// Agenda items in order.
    #[serde(default)]
    pub agenda: Vec<String>,
    #[serde(default)]
    pub minutes: String,
    pub chair_person_id: Option<i64>,
    #[serde(default)]
    pub invite_people: Vec<i64>,
    #[serde(default)]
    pub invite_organisations: Vec<i64>,
}

#[utoipa::path(post, path = "/api/v1/meetings", tag = "follow-up", security(("bearer" = [])),
    request_body = NewMeetingRequest,
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
/// Records a meeting with its agenda and invitations (its secretariat only: city-wide, or a
/// district mayor for their district); the same checks as the new-meeting form.
async fn create_meeting(
    State(s): State<AppState>,
    ctx: Ctx,
    J(r): J<NewMeetingRequest>,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    let input = MeetingInput {
        kind: r.kind,
        body_id: Some(r.body_id),
        title: r.title,
        date: r.date,
        time: r.time,
        place: r.place,
        district_id: r.district_id,
        agenda: r.agenda,
        minutes: r.minutes,
        chair: r.chair_person_id.map(PersonRef::Id),
        invite_people: r.invite_people.into_iter().map(PersonRef::Id).collect(),
        invite_organisations: r.invite_organisations,
        sides: Vec::new(),
    };
    let id = ops::create(&s.store, &me.principal, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Deserialize, ToSchema)]
pub struct MinutesInput {
    pub minutes: String,
}

#[utoipa::path(put, path = "/api/v1/meetings/{id}/minutes", tag = "follow-up", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = MinutesInput,
    responses((status = 200, body = MeetingDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
/// Replaces the minutes (its secretariat only); the previous text stays in the audit log.
async fn set_minutes(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<MinutesInput>,
) -> ApiResult<MeetingDetail> {
    let me = ctx.require_api_writer()?;
    ops::set_minutes(&s.store, &me.principal, id, &input.minutes).await?;
    Ok(Json(meeting_detail(&s, id).await?))
}

#[utoipa::path(put, path = "/api/v1/meetings/{id}/details", tag = "follow-up", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body = MeetingCorrection,
    responses((status = 200, body = MeetingDetail), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
/// Corrects the title, place, date and time (its secretariat only); its body and number stay.
async fn set_details(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    J(input): J<MeetingCorrection>,
) -> ApiResult<MeetingDetail> {
    let me = ctx.require_api_writer()?;
    ops::set_details(&s.store, &me.principal, id, &input).await?;
    Ok(Json(meeting_detail(&s, id).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttachParams {
    /// The file's name; its content, not the name, decides its type.
    pub filename: String,
}

#[utoipa::path(post, path = "/api/v1/meetings/{id}/attachments", tag = "follow-up", params(("id" = i64, Path), AttachParams), security(("bearer" = [])),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file (PDF, image, office document)"),
    responses((status = 201, body = Created), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
/// Attaches a file to a meeting (its secretariat only); download it from `/attachments/{id}`.
async fn attach(
    State(s): State<AppState>,
    ctx: Ctx,
    P(id): P<i64>,
    Q(q): Q<AttachParams>,
    body: axum::body::Body,
) -> Result<(StatusCode, Json<Created>), AppError> {
    let me = ctx.require_api_writer()?;
    // Who may attach is settled before the file is read.
    ops::require_secretariat(&s.store, &me.principal, id).await?;
    let body = crate::http::extract::read_body(body, mahalle_core::attachments::MAX_BYTES).await?;
    let file = (q.filename, body);
    let id = ops::attach_to_meeting(&s.store, &me.principal, id, &file).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}
