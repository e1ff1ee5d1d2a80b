//! Meeting operations shared by pages and the API: creation, minutes, details, attachments and
//! attendance. Each writes its change with an audit row in one transaction; those given a
//! principal check the secretariat's authority themselves.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use mahalle_core::access::Principal;
use mahalle_core::meetings::MeetingKind;
use mahalle_core::meetings::{decide_attendance, Party, PersonRef};
use mahalle_core::validate::{self, FieldError};
use mahalle_core::{jalali, text};
use mahalle_db::{audit, meetings, DbError, Store};

pub use crate::http::form::chair_and_people;
use crate::http::form::resolve_people;
use serde_json::json;

use crate::http::error::AppError;
use crate::http::extract::{check_upload, parse_date, Upload};

/// A new meeting as the form or the API describes it, before it is checked.
#[derive(Debug, Clone, Default)]
pub struct MeetingInput {
    /// hq_session, supervisory_visit, think_tank, council_meeting or peoples_meeting.
    pub kind: String,
    pub body_id: Option<i64>,
    pub title: String,
    /// Jalali (۱۴۰۳/۰۷/۱۵) or ISO (2024-10-06).
    pub date: String,
    /// "10:30", Persian digits allowed.
    pub time: String,
    pub place: String,
    pub district_id: Option<i64>,
    pub agenda: Vec<String>,
    pub minutes: String,
    pub chair: Option<PersonRef>,
    pub invite_people: Vec<PersonRef>,
    pub invite_organisations: Vec<i64>,
    /// At a supervisory visit: which invitees visit and which host.
    pub sides: Vec<(Party, mahalle_core::visits::Side)>,
}

/// Checks a new meeting (every field's error at once) and records it with its agenda and
/// invitations, numbered next in its body's year; returns its id.
pub async fn create(store: &Store, who: &Principal, input: &MeetingInput) -> Result<i64, AppError> {
    // Those who may record no meeting are told so before anything they sent is judged.
    if !who.may_record_meetings() {
        return Err(AppError::Forbidden);
    }
    let mut errors: Vec<FieldError> = Vec::new();
    let kind = MeetingKind::parse(&input.kind);
    if kind.is_none() {
        errors.push(FieldError::new(
            "kind",
            "نوع جلسه را انتخاب کنید.",
            "Choose the kind of meeting.",
        ));
    }
    if input.body_id.is_none() {
        errors.push(FieldError::new(
            "body_id",
            "برگزارکننده را انتخاب کنید.",
            "Choose who holds the meeting.",
        ));
    }
    let title = validate::required_text("title", &input.title, 300)
        .map_err(|e| errors.push(e))
        .ok();
    let starts_at = starts_at(&input.date, &input.time, &mut errors);
    if !who.is_secretariat_for(input.district_id) {
        errors.push(FieldError::new(
            "district_id",
            "شما دبیرخانه این جلسه نیستید؛ شهردار منطقه تنها برای منطقه خود جلسه ثبت می‌کند.",
            "You are not this meeting's secretariat; a district mayor records meetings of their own district only.",
        ));
    }
    let (chair, people) = chair_and_people(
        store,
        input.chair.as_ref(),
        &input.invite_people,
        &mut errors,
    )
    .await;
    let invites = AttendanceInput::parties(&people, &input.invite_organisations);
    // Invited, not yet present: presence is marked on the meeting's page after it.
    let attendance = decide_attendance(&[], chair, &invites, &[])
        .map_err(|mut e| errors.append(&mut e))
        .ok();
    let (Some(kind), Some(body_id), Some(title), Some((date, starts_at)), Some(attendance), true) = (
        kind,
        input.body_id,
        title,
        starts_at,
        attendance,
        errors.is_empty(),
    ) else {
        return Err(AppError::Invalid(errors));
    };
    let year = i64::from(jalali::JalaliDate::from_gregorian(date).year);
    let agenda: Vec<String> = input
        .agenda
        .iter()
        .map(|l| text::normalize(l))
        .filter(|l| !l.is_empty())
        .collect();
    let mut orgs: Vec<(i64, bool)> = Vec::new();
    let mut people: Vec<(i64, bool)> = Vec::new();
    for p in &attendance.invited {
        match *p {
            Party::Person(id) => people.push((id, false)),
            Party::Organisation(id) => orgs.push((id, false)),
        }
    }
    let minutes = text::normalize_multiline(&input.minutes);
    let place = text::normalize(&input.place);
    let session = meetings::next_session_number(store, body_id, year).await?;
    let new = meetings::NewMeeting {
        kind: kind.as_str(),
        body_id,
        jalali_year: year,
        session_number: session,
        title: &title,
        chair_person_id: attendance.chair_person_id,
        place: &place,
        starts_at,
        district_id: input.district_id,
        neighborhood_id: None,
        minutes: &minutes,
        agenda: &agenda,
        organisations: &orgs,
        people: &people,
        created_by: Some(who.user_id),
    };
    let (new, invited, sides) = (&new, &attendance.invited, &input.sides);
    store
        .write(|tx, _| {
            Box::pin(async move {
                let id = meetings::create(tx, new).await.map_err(|e| match e {
                    // An organisation id that is not in the list (a hand-made request).
                    DbError::MissingReference(_) => AppError::invalid(
                        "invited_orgs",
                        "دستگاه دعوت‌شده پیدا نشد.",
                        "An invited organisation does not exist.",
                    ),
                    e => e.into(),
                })?;
                if !sides.is_empty() {
                    mahalle_db::visits::set_sides(tx, id, sides).await?;
                }
                audit::record(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: "create",
                        entity: "meeting",
                        entity_id: Some(id),
                        before: None,
                        after: Some(json!({
                            "kind": new.kind, "title": new.title, "year": new.jalali_year,
                            "session": new.session_number, "chair_person_id": new.chair_person_id,
                            "invited": invited, "sides": sides,
                        })),
                    },
                )
                .await?;
                Ok(id)
            })
        })
        .await
}

/// The time of day as a form writes it ("10:30", Persian digits allowed).
fn parse_time(s: &str) -> Result<NaiveTime, FieldError> {
    NaiveTime::parse_from_str(&text::to_latin_digits(s.trim()), "%H:%M").map_err(|_| {
        FieldError::new(
            "time",
            "ساعت را به صورت ۱۰:۳۰ بنویسید.",
            "Write the time as 10:30.",
        )
    })
}

/// A date and a time of day in Tehran as a start instant; errors go to `errors`.
fn starts_at(
    date: &str,
    time: &str,
    errors: &mut Vec<FieldError>,
) -> Option<(NaiveDate, DateTime<Utc>)> {
    let date = match parse_date("date", date) {
        Ok(d) => Some(d),
        Err(AppError::Invalid(mut f)) => {
            errors.append(&mut f);
            None
        }
        Err(_) => None,
    };
    let time = parse_time(time).map_err(|e| errors.push(e)).ok();
    let (date, time) = date.zip(time)?;
    let at = crate::tehran_offset()
        .from_local_datetime(&date.and_time(time))
        .single()?
        .with_timezone(&Utc);
    Some((date, at))
}

/// Replaces the minutes (the meeting's secretariat only); the previous text goes to the audit
/// log.
pub async fn set_minutes(
    store: &Store,
    who: &Principal,
    id: i64,
    minutes: &str,
) -> Result<(), AppError> {
    require_secretariat(store, who, id).await?;
    let text = &text::normalize_multiline(minutes);
    store
        .write(|tx, _| {
            Box::pin(async move {
                let old = meetings::set_minutes(tx, id, text).await?;
                audit::record(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: "edit_minutes",
                        entity: "meeting",
                        entity_id: Some(id),
                        before: Some(json!({ "minutes": old })),
                        after: Some(json!({ "minutes": text })),
                    },
                )
                .await?;
                Ok(())
            })
        })
        .await
}

/// A correction of a meeting's title, place, date or time; its body and number stay.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct MeetingCorrection {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub place: String,
    /// Jalali (۱۴۰۳/۰۷/۱۵) or ISO (2024-10-06).
    #[serde(default)]
    pub date: String,
    /// "10:30" in Tehran.
    #[serde(default)]
    pub time: String,
}

/// Checks and records a correction of title, place and start (the meeting's secretariat only);
/// the old ones go to the audit log.
pub async fn set_details(
    store: &Store,
    who: &Principal,
    id: i64,
    input: &MeetingCorrection,
) -> Result<(), AppError> {
    require_secretariat(store, who, id).await?;
    let mut errors = Vec::new();
    let title = validate::required_text("title", &input.title, 300)
        .map_err(|e| errors.push(e))
        .ok();
    let starts_at = starts_at(&input.date, &input.time, &mut errors);
    let (Some(title), Some((_, starts_at)), true) = (title, starts_at, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let new = &meetings::Details {
        title,
        place: text::normalize(&input.place),
        starts_at,
    };
    store
        .write(|tx, _| {
            Box::pin(async move {
                let old = meetings::set_details(tx, id, new).await?;
                audit::record(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: "edit_details",
                        entity: "meeting",
                        entity_id: Some(id),
                        before: Some(json!(old)),
                        after: Some(json!(new)),
                    },
                )
                .await?;
                Ok(())
            })
        })
        .await
}

/// Those who may change a meeting: its secretariat (city-wide, or its district's mayor).
pub async fn require_secretariat(store: &Store, who: &Principal, id: i64) -> Result<(), AppError> {
    let m = meetings::get(store, id, crate::today()).await?;
    if who.is_secretariat_for(m.district_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Attaches a file to a meeting (its secretariat only).
pub async fn attach_to_meeting(
    store: &Store,
    who: &Principal,
    meeting_id: i64,
    file: &Upload,
) -> Result<i64, AppError> {
    require_secretariat(store, who, meeting_id).await?;
    let (name, kind, hash) = check_upload(file)?;
    store
        .write(|tx, _| {
            let (hash, name) = (&hash, &name);
            Box::pin(async move {
                let id = mahalle_db::attachments::add(
                    tx,
                    &mahalle_db::attachments::NewAttachment {
                        meeting_id: Some(meeting_id),
                        report_id: None,
                        filename: name,
                        content_type: kind,
                        sha256: hash,
                        content: &file.1,
                        uploaded_by: Some(who.user_id),
                    },
                )
                .await?;
                audit::record(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: "attach",
                        entity: "meeting",
                        entity_id: Some(meeting_id),
                        before: None,
                        after: Some(
                            json!({ "attachment_id": id, "filename": name, "sha256": hash }),
                        ),
                    },
                )
                .await?;
                Ok(id)
            })
        })
        .await
}

/// A change of a meeting's chair and attendance, from the meeting page or the API.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct AttendanceInput {
    /// The chair (a person's id); `null` for none; left out, the chair stays.
    #[serde(default, deserialize_with = "present_field")]
    #[schema(value_type = Option<i64>)]
    pub chair_person_id: Option<Option<i64>>,
    /// People to invite in addition to those invited already.
    #[serde(default)]
    pub invite_people: Vec<i64>,
    /// Organisations to invite in addition to those invited already.
    #[serde(default)]
    pub invite_organisations: Vec<i64>,
    /// Exactly the invited people who were present (others are recorded absent); left out,
    /// the people's presence stays as it was.
    #[serde(default)]
    pub present_people: Option<Vec<i64>>,
    /// Exactly the invited organisations that were present; left out, as it was.
    #[serde(default)]
    pub present_organisations: Option<Vec<i64>>,
}

/// A field that was sent, even as `null` (`Some(None)`), as opposed to one left out (`None`).
fn present_field<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(d).map(Some)
}

impl AttendanceInput {
    fn parties(people: &[i64], orgs: &[i64]) -> Vec<Party> {
        people
            .iter()
            .map(|p| Party::Person(*p))
            .chain(orgs.iter().map(|o| Party::Organisation(*o)))
            .collect()
    }
}

/// Organisation ids that do not exist, as a field error.
async fn check_organisations(store: &Store, ids: &[i64]) -> Result<(), AppError> {
    for id in ids {
        match mahalle_db::org::get(store, *id).await {
            Ok(_) => {}
            Err(DbError::NotFound) => {
                return Err(AppError::invalid(
                    "invited_orgs",
                    format!(
                        "دستگاهی با شماره {} نیست.",
                        mahalle_core::text::to_persian_digits(&id.to_string())
                    ),
                    format!("There is no organisation number {id}."),
                ))
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

/// Sets a meeting's chair, adds invitees and records who was present (the meeting's secretariat
/// only), in one transaction with its audit row.
pub async fn set_attendance(
    store: &Store,
    who: &Principal,
    meeting_id: i64,
    input: &AttendanceInput,
) -> Result<(), AppError> {
    require_secretariat(store, who, meeting_id).await?;
    let mut people: Vec<PersonRef> = input
        .invite_people
        .iter()
        .map(|p| PersonRef::Id(*p))
        .collect();
    if let Some(Some(c)) = input.chair_person_id {
        people.push(PersonRef::Id(c));
    }
    resolve_people(store, "invite_people", &people)
        .await
        .map_err(AppError::Invalid)?;
    check_organisations(store, &input.invite_organisations).await?;
    store
        .write(|tx, _| {
            Box::pin(async move {
                let old = meetings::attendance(tx, meeting_id).await?;
                // What the input leaves out stays as it is.
                let was_present = |person: bool| -> Vec<i64> {
                    old.present
                        .iter()
                        .filter_map(|p| match (p, person) {
                            (Party::Person(id), true) | (Party::Organisation(id), false) => {
                                Some(*id)
                            }
                            _ => None,
                        })
                        .collect()
                };
                let present_people = input
                    .present_people
                    .clone()
                    .unwrap_or_else(|| was_present(true));
                let present_orgs = input
                    .present_organisations
                    .clone()
                    .unwrap_or_else(|| was_present(false));
                let new = decide_attendance(
                    &old.invited,
                    input.chair_person_id.unwrap_or(old.chair_person_id),
                    &AttendanceInput::parties(&input.invite_people, &input.invite_organisations),
                    &AttendanceInput::parties(&present_people, &present_orgs),
                )
                .map_err(AppError::Invalid)?;
                if new == old {
                    return Ok(());
                }
                meetings::set_attendance(tx, meeting_id, &old, &new).await?;
                audit::record(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: "edit_attendance",
                        entity: "meeting",
                        entity_id: Some(meeting_id),
                        before: Some(json!(old)),
                        after: Some(json!(new)),
                    },
                )
                .await?;
                Ok(())
            })
        })
        .await
}
