//! Meetings: the list, a new-meeting form, and a meeting's page with its resolutions.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use mahalle_core::delegations::{self, Power};
use mahalle_core::domain::Domain;
use mahalle_core::jalali;
use mahalle_core::meetings::MeetingKind;
use mahalle_core::meetings::{Party, PersonRef};
use mahalle_core::org::OrgKind;
use mahalle_core::paging::{ListQuery, Listing};
use mahalle_core::resolutions::Priority;
use mahalle_core::validate::FieldError;
use mahalle_db::meetings::{self, AgendaItem, Attendee, Meeting, MeetingFilter};
use mahalle_db::org::{self, Organisation};
use mahalle_db::places::{self, District};
use mahalle_db::resolutions::{self, Filter, Resolution, StatusCounts};
use mahalle_db::Store;
use serde::Deserialize;

use crate::http::csrf::CsrfForm;
use crate::http::ctx::{Ctx, Lang};
use crate::http::error::AppError;
use crate::http::extract::{P as Path, Q as Query};
use crate::http::page::{render, render_form, ListView, Page};
use crate::meetings::ops;
use crate::resolutions::ops::ResolutionInput;
use crate::AppState;

#[derive(Template)]
#[template(path = "meetings.html")]
struct MeetingsTemplate {
    p: Page,
    list: ListView,
    items: Vec<Meeting>,
    kind: String,
    kinds: Vec<MeetingKind>,
    can_create: bool,
}

#[derive(Deserialize)]
pub struct KindQuery {
    #[serde(default)]
    kind: String,
}

pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(k): Query<KindQuery>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let l = Listing::from_query(&q, meetings::MEETING_SORTS);
    let kind = MeetingKind::parse(&k.kind);
    let f = MeetingFilter {
        kind: kind.map(|k| k.as_str().to_string()),
        ..Default::default()
    };
    let page = meetings::list(&state.store, &f, &l, crate::today()).await?;
    let keep = kind
        .map(|k| format!("&kind={}", k.as_str()))
        .unwrap_or_default();
    render(&MeetingsTemplate {
        p: Page::new(&ctx, "meetings", crate::http::i18n::t(ctx.lang, "meetings")),
        list: ListView::new("/meetings", keep, &l, &page),
        items: page.items,
        kind: k.kind,
        kinds: MeetingKind::ALL.to_vec(),
        can_create: me.principal.is_secretariat_for(None)
            || !me.principal.reach().districts.is_empty(),
    })
}

/// The choices a meeting form offers.
pub struct MeetingChoices {
    pub neighborhoods: Vec<mahalle_db::places::Neighborhood>,
    pub bodies: Vec<Organisation>,
    pub districts: Vec<District>,
    pub orgs: Vec<Organisation>,
}

async fn choices(store: &Store) -> Result<MeetingChoices, AppError> {
    let all = Listing::from_query(
        &ListQuery {
            per_page: Some(200),
            ..Default::default()
        },
        org::ORG_SORTS,
    );
    let mut bodies = Vec::new();
    for k in [
        OrgKind::Headquarters,
        OrgKind::Council,
        OrgKind::Municipality,
        OrgKind::Deputy,
        OrgKind::DistrictOffice,
    ] {
        bodies.extend(
            org::list(
                store,
                org::OrgFilter {
                    kind: Some(k),
                    ..Default::default()
                },
                &all,
            )
            .await?
            .items,
        );
    }
    let orgs = org::list(store, org::OrgFilter::default(), &all)
        .await?
        .items;
    let districts = places::list_districts(
        store,
        false,
        &Listing::from_query(
            &ListQuery {
                per_page: Some(200),
                ..Default::default()
            },
            places::DISTRICT_SORTS,
        ),
    )
    .await?
    .items;
    let neighborhoods = places::all_neighborhoods(store).await?;
    Ok(MeetingChoices {
        neighborhoods,
        bodies,
        districts,
        orgs,
    })
}

#[derive(Template)]
#[template(path = "meeting_form.html")]
struct MeetingFormTemplate {
    p: Page,
    c: MeetingChoices,
    kinds: Vec<MeetingKind>,
    f: MeetingForm,
    errors: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MeetingForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub body_id: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub date: String,
    #[serde(default)]
    pub time: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub district_id: String,
    #[serde(default)]
    pub agenda: String,
    #[serde(default)]
    pub minutes: String,
    /// The chair: a person's number or full name.
    #[serde(default)]
    pub chair: String,
    /// Invited people, one a line, by number or full name.
    #[serde(default)]
    pub invite_people: String,
    /// Invited organisation ids, comma-separated or repeated.
    #[serde(default)]
    pub invited_orgs: String,
}

impl MeetingForm {
    pub fn invites(&self, id: &i64) -> bool {
        self.invited_orgs
            .split([',', ' '])
            .any(|s| s.trim() == id.to_string())
    }
}

fn ids(list: &str) -> Vec<i64> {
    list.split([',', ' ']).filter_map(parse_id).collect()
}

pub async fn new_form(State(state): State<AppState>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require_user()?;
    let today = jalali::format_numeric(crate::today(), ctx.lang == Lang::Fa);
    let f = MeetingForm {
        date: today,
        time: "10:00".into(),
        ..Default::default()
    };
    render(&MeetingFormTemplate {
        p: Page::new(
            &ctx,
            "meetings",
            crate::http::i18n::t(ctx.lang, "new_meeting"),
        ),
        c: choices(&state.store).await?,
        kinds: MeetingKind::ALL.to_vec(),
        f,
        errors: Vec::new(),
    })
}

fn parse_id(s: &str) -> Option<i64> {
    mahalle_core::text::to_latin_digits(s.trim()).parse().ok()
}

pub async fn create(
    State(state): State<AppState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    // Repeated checkbox fields (attending=1&attending=2) are joined before parsing the form.
    let CsrfForm(f) = crate::http::csrf::check_form_bytes::<MeetingForm>(
        &ctx,
        &crate::http::form::join_repeated(&body, "invited_orgs"),
    )?;
    let input = ops::MeetingInput {
        kind: f.kind.clone(),
        body_id: parse_id(&f.body_id),
        title: f.title.clone(),
        date: f.date.clone(),
        time: f.time.clone(),
        place: f.place.clone(),
        district_id: parse_id(&f.district_id),
        agenda: f.agenda.lines().map(str::to_string).collect(),
        minutes: f.minutes.clone(),
        chair: PersonRef::parse(&f.chair),
        invite_people: PersonRef::parse_list(&f.invite_people),
        invite_organisations: ids(&f.invited_orgs),
        sides: Vec::new(),
    };
    match ops::create(&state.store, &me.principal, &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/meetings/{id}")).into_response()),
        Err(AppError::Invalid(errors)) => render_form(
            &MeetingFormTemplate {
                p: Page::new(
                    &ctx,
                    "meetings",
                    crate::http::i18n::t(ctx.lang, "new_meeting"),
                ),
                c: choices(&state.store).await?,
                kinds: MeetingKind::ALL.to_vec(),
                errors: ctx.messages(errors),
                f,
            },
            true,
        ),
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "meeting.html")]
struct MeetingTemplate {
    p: Page,
    m: Meeting,
    agenda: Vec<AgendaItem>,
    attendees: Vec<Attendee>,
    /// The chair as the attendance form writes it: "#12 name".
    chair_ref: String,
    counts: StatusCounts,
    list: ListView,
    items: Vec<Resolution>,
    can_edit: bool,
    /// May add resolutions (by role, or by a delegation in force).
    can_add: bool,
    c: Option<MeetingChoices>,
    domains: Vec<Domain>,
    priorities: Vec<Priority>,
    f: NewResolutionForm,
    errors: Vec<String>,
    /// Which form `errors` belong to: "add" (a resolution), "attendance" or "details".
    errors_for: &'static str,
    files: Vec<mahalle_db::attachments::Attachment>,
    /// Challenges recorded as this meeting's outcomes.
    challenges: Vec<mahalle_db::challenges::Challenge>,
    /// Neighborhoods whose challenges `p`'s user may record here: (id, label).
    outcome_places: Vec<(i64, String)>,
    raises_challenges: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NewResolutionForm {
    #[serde(default)]
    pub item_number: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub domain: String,
    #[serde(default)]
    pub lead_org_id: String,
    #[serde(default)]
    pub partners: String,
    #[serde(default)]
    pub district_id: String,
    #[serde(default)]
    pub neighborhood_id: String,
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub priority: String,
}

async fn meeting_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    q: &ListQuery,
    f: NewResolutionForm,
    errors: Vec<String>,
    errors_for: &'static str,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let today = crate::today();
    let m = meetings::get(&state.store, id, today).await?;
    let l = Listing::from_query(q, resolutions::RESOLUTION_SORTS);
    let filter = Filter {
        meeting_id: Some(id),
        reach: Some(me.principal.follow_up_reach()),
        ..Default::default()
    };
    let page = resolutions::list(&state.store, &filter, &l, today).await?;
    let counts = resolutions::status_counts(&state.store, &filter, today).await?;
    let can_edit = me.principal.is_secretariat_for(m.district_id);
    let can_add = me.principal.holds(
        Power::CreateResolutions,
        delegations::district_scope(m.district_id),
    );
    let p = Page::new(ctx, "meetings", m.title.clone());
    // A Social HQ session's outcomes are its resolutions; the meetings of a district or a
    // neighborhood (think-tanks, visits, councils) also raise challenges.
    let raises_challenges = m.kind != "hq_session";
    let outcome_places = if raises_challenges {
        outcome_places(state, &me.principal, &m, &p).await?
    } else {
        Vec::new()
    };
    let invalid = !errors.is_empty();
    render_form(
        &MeetingTemplate {
            p,
            agenda: meetings::agenda(&state.store, id).await?,
            attendees: meetings::attendees(&state.store, id).await?,
            chair_ref: match (m.chair_person_id, &m.chair_name_fa) {
                (Some(id), Some(name)) => format!("#{id} {name}"),
                _ => String::new(),
            },
            counts,
            list: ListView::new(&format!("/meetings/{id}"), String::new(), &l, &page),
            items: page.items,
            can_edit,
            can_add,
            c: if can_edit || can_add {
                Some(choices(&state.store).await?)
            } else {
                None
            },
            domains: Domain::ALL.to_vec(),
            priorities: Priority::ALL.to_vec(),
            f,
            errors,
            errors_for,
            files: mahalle_db::attachments::of_meeting(&state.store, id).await?,
            challenges: if raises_challenges {
                mahalle_db::challenges::of_meeting(&state.store, id).await?
            } else {
                Vec::new()
            },
            raises_challenges,
            outcome_places,
            m,
        },
        invalid,
    )
}

/// The neighborhoods a meeting's outcome may be a challenge of (its own, its district's, or
/// any) that `who` may raise one in: its council members, its district's secretariat.
async fn outcome_places(
    state: &AppState,
    who: &mahalle_core::access::Principal,
    m: &Meeting,
    p: &Page,
) -> Result<Vec<(i64, String)>, AppError> {
    let council = |n: i64| who.on_council(n);
    if !(who.may_record_meetings() || m.neighborhood_id.is_some_and(council)) {
        return Ok(Vec::new());
    }
    // Only the meeting's district's neighborhoods are read (a city has hundreds).
    Ok(
        mahalle_db::places::current_neighborhoods(&state.store, m.district_id)
            .await?
            .into_iter()
            .filter(|n| {
                mahalle_core::challenges::meeting_covers(
                    m.district_id,
                    m.neighborhood_id,
                    n.district_id,
                    n.id,
                ) && (council(n.id) || who.is_secretariat_for(Some(n.district_id)))
            })
            .map(|n| {
                (
                    n.id,
                    format!(
                        "{} — {}",
                        p.name(&n.name_fa, &n.name_en),
                        p.district_name(n.district_number)
                    ),
                )
            })
            .collect(),
    )
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let f = NewResolutionForm {
        priority: "normal".into(),
        ..Default::default()
    };
    meeting_page(&state, &ctx, id, &q, f, Vec::new(), "add").await
}

pub async fn add_resolution(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let CsrfForm(f) = crate::http::csrf::check_form_bytes::<NewResolutionForm>(
        &ctx,
        &crate::http::form::join_repeated(&body, "partners"),
    )?;
    let input = ResolutionInput {
        item_number: parse_id(&f.item_number),
        title: f.title.clone(),
        body: f.body.clone(),
        domain: f.domain.clone(),
        lead_org_id: parse_id(&f.lead_org_id).unwrap_or(0),
        partner_org_ids: f.partners.split(',').filter_map(parse_id).collect(),
        district_id: parse_id(&f.district_id),
        neighborhood_id: parse_id(&f.neighborhood_id),
        deadline: f.deadline.clone(),
        priority: Some(f.priority.clone()),
    };
    match crate::resolutions::ops::create_resolution(&state.store, &me.principal, id, &input).await
    {
        Ok(rid) => Ok(Redirect::to(&format!("/resolutions/{rid}")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let msgs = ctx.messages(fields);
            meeting_page(&state, &ctx, id, &ListQuery::default(), f, msgs, "add").await
        }
        Err(e) => Err(e),
    }
}

impl MeetingTemplate {
    /// The start as the details form writes it: Jalali date and Tehran time.
    pub fn start_date(&self) -> String {
        let local = self.m.starts_at.with_timezone(&crate::tehran_offset());
        jalali::format_numeric(local.date_naive(), self.p.fa())
    }
    pub fn start_time(&self) -> String {
        let local = self.m.starts_at.with_timezone(&crate::tehran_offset());
        local.format("%H:%M").to_string()
    }

    pub fn invited(&self) -> Vec<&Attendee> {
        self.attendees.iter().collect()
    }

    pub fn present(&self) -> Vec<&Attendee> {
        self.attendees.iter().filter(|a| a.present).collect()
    }

    pub fn party_key(&self, a: &Attendee) -> String {
        match (a.person_id, a.organisation_id) {
            (Some(p), _) => Party::Person(p).key(),
            (None, Some(o)) => Party::Organisation(o).key(),
            _ => String::new(),
        }
    }

    pub fn is_partner(&self, id: &i64) -> bool {
        self.f
            .partners
            .split(',')
            .any(|s| s.trim() == id.to_string())
    }
}

/// The meeting's page again with why a form on it was refused; `open` names the form to show.
async fn refused(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    msgs: Vec<String>,
    open: &'static str,
) -> Result<Response, AppError> {
    let (q, f) = (ListQuery::default(), NewResolutionForm::default());
    meeting_page(state, ctx, id, &q, f, msgs, open).await
}

/// What a form on the meeting's page answers: back to the page at `anchor` when the change was
/// made, the page with the form's errors when it was refused.
async fn after_form(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    result: Result<(), AppError>,
    anchor: &str,
    open: &'static str,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/meetings/{id}{anchor}")).into_response()),
        Err(AppError::Invalid(fields)) => refused(state, ctx, id, ctx.messages(fields), open).await,
        Err(e) => Err(e),
    }
}

/// Attaches a file (minutes, a presentation) to a meeting.
pub async fn attach(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    mp: axum::extract::Multipart,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    // Whether the upload may be made is settled before a byte of it is read.
    ops::require_secretariat(&state.store, &me.principal, id).await?;
    let form = crate::http::csrf::multipart_form(&ctx, mp).await?;
    let Some(file) = form.file else {
        let msg = if ctx.lang == Lang::Fa {
            "فایلی انتخاب نشده است."
        } else {
            "No file was chosen."
        };
        return refused(&state, &ctx, id, vec![msg.into()], "add").await;
    };
    let result = ops::attach_to_meeting(&state.store, &me.principal, id, &file).await;
    after_form(&state, &ctx, id, result.map(|_| ()), "#files", "add").await
}

/// Downloads an attachment, for those who may see what it is attached to.
pub async fn download(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let a = mahalle_db::attachments::get(&state.store, id).await?;
    if let Some(report) = a.report_id {
        let rid = mahalle_db::attachments::resolution_of_report(&state.store, report).await?;
        let r = resolutions::get(&state.store, rid).await?;
        let (mut involved, _) = resolutions::parties(&state.store, &r).await?;
        involved.push(r.lead_org_id);
        if !me
            .principal
            .follow_up_reach()
            .sees(r.district_id, r.neighborhood_id, &involved)
        {
            return Err(AppError::Forbidden);
        }
    }
    let bytes = mahalle_db::attachments::content(&state.store, id).await?;
    // Always a download, never rendered in our origin; the name is RFC 5987-encoded for Persian.
    let disposition = format!(
        "attachment; filename=\"file\"; filename*=UTF-8''{}",
        crate::http::page::url_encode(&a.filename)
    );
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, a.content_type.clone()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
            (
                axum::http::header::CACHE_CONTROL,
                "private, no-store".to_string(),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct MinutesForm {
    #[serde(default)]
    minutes: String,
}

/// Records the minutes after the meeting; the previous text stays in the audit log.
pub async fn minutes(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<MinutesForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    ops::set_minutes(&state.store, &me.principal, id, &f.minutes).await?;
    Ok(Redirect::to(&format!("/meetings/{id}#minutes")).into_response())
}

/// Corrects a meeting's title, place, date or time (its body and number stay); audited.
pub async fn details(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ops::MeetingCorrection>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let result = ops::set_details(&state.store, &me.principal, id, &f).await;
    after_form(&state, &ctx, id, result, "", "details").await
}

#[derive(Debug, Default, Deserialize)]
pub struct AttendanceForm {
    #[serde(default)]
    chair: String,
    #[serde(default)]
    invite_people: String,
    #[serde(default)]
    invited_orgs: String,
    /// Party keys (`p12`, `o5`) of those present, comma-separated or repeated.
    #[serde(default)]
    present: String,
}

/// Sets the chair, adds invitees and marks who was present, from the meeting's page.
pub async fn attendance(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let joined = crate::http::form::join_repeated(
        &crate::http::form::join_repeated(&body, "present"),
        "invited_orgs",
    );
    let CsrfForm(f) = crate::http::csrf::check_form_bytes::<AttendanceForm>(&ctx, &joined)?;
    let mut errors = Vec::new();
    let (chair, people) = ops::chair_and_people(
        &state.store,
        PersonRef::parse(&f.chair).as_ref(),
        &PersonRef::parse_list(&f.invite_people),
        &mut errors,
    )
    .await;
    let present: Vec<Party> = f
        .present
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .filter_map(|s| {
            let p = Party::parse(s);
            if p.is_none() {
                errors.push(FieldError::new(
                    "present",
                    "فهرست حاضران نامعتبر است.",
                    "The list of those present is not valid.",
                ));
            }
            p
        })
        .collect();
    // The form shows every field: what it sends is the whole new state.
    let mut input = ops::AttendanceInput {
        chair_person_id: Some(chair),
        invite_people: people,
        invite_organisations: ids(&f.invited_orgs),
        present_people: Some(Vec::new()),
        present_organisations: Some(Vec::new()),
    };
    for p in present {
        match p {
            Party::Person(p) => input.present_people.get_or_insert_default().push(p),
            Party::Organisation(o) => input.present_organisations.get_or_insert_default().push(o),
        }
    }
    let result = if errors.is_empty() {
        ops::set_attendance(&state.store, &me.principal, id, &input).await
    } else {
        Err(AppError::Invalid(errors))
    };
    after_form(&state, &ctx, id, result, "#attendance", "attendance").await
}
