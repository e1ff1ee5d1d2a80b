//! Giving a staff or volunteer recognition: checked, numbered and audited in one transaction.

use mahalle_core::meetings::PersonRef;
use mahalle_core::recognitions as rules;
use mahalle_core::validate::FieldError;
use mahalle_core::{councils as council_rules, jalali};
use mahalle_db::{audit, councils, Store};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use crate::http::ctx::SignedIn;
use crate::http::error::AppError;
use crate::http::extract::parse_date;

/// A recognition as the form or the API sends it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default)]
pub struct RecognitionInput {
    /// The person recognised: `#12`, `12` or their full name.
    pub person: String,
    /// staff or volunteer
    pub kind: String,
    /// What for.
    pub reason: String,
    /// Who gives it, as the certificate names them (e.g. the deputy's title).
    pub giver: String,
    /// Jalali or ISO; today when empty.
    pub given_on: String,
    /// The district in whose name it is given (the visit's, when given at one).
    pub district_id: Option<i64>,
    /// The supervisory visit it is given at, if any.
    pub visit_id: Option<i64>,
}

/// A recognition given.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecognitionGiven {
    pub id: i64,
    pub certificate_no: String,
}

/// The supervisory visit a recognition is given at, as far as giving one needs it.
pub struct AtVisit {
    pub id: i64,
    pub title: String,
    pub district_id: i64,
    /// The visiting body's name, the certificate's giver by default.
    pub body_name_fa: String,
    /// Whether the user edits the visit (its visitors and the district's secretariat).
    pub edits: bool,
}

/// The visit `id`; not found unless it is a district's supervisory visit.
pub async fn at_visit(store: &Store, me: &SignedIn, id: i64) -> Result<AtVisit, AppError> {
    let m = mahalle_db::meetings::get(store, id, crate::today()).await?;
    let Some(district_id) = m.district_id.filter(|_| m.kind == "supervisory_visit") else {
        return Err(AppError::NotFound);
    };
    let visitors = mahalle_db::visits::visitor_people(store, id).await?;
    Ok(AtVisit {
        id,
        edits: mahalle_core::visits::may_edit(
            &me.principal,
            district_id,
            &visitors,
            me.user.person_id,
        ),
        title: m.title,
        district_id,
        body_name_fa: m.body_name_fa,
    })
}

/// Gives a recognition: the district's secretariat, or whoever edits the visit it is given at.
pub async fn give(
    store: &Store,
    me: &SignedIn,
    input: &RecognitionInput,
) -> Result<RecognitionGiven, AppError> {
    let mut errors: Vec<FieldError> = Vec::new();
    let (district, edits_visit) = match input.visit_id {
        Some(v) => {
            let visit = at_visit(store, me, v).await?;
            if input.district_id.is_some_and(|d| d != visit.district_id) {
                errors.push(FieldError::new(
                    "district_id",
                    "تقدیر در نشست نظارت به نام منطقه بازدیدشده است.",
                    "A recognition given at a visit is in the visited district's name.",
                ));
            }
            (Some(visit.district_id), visit.edits)
        }
        None => (input.district_id, false),
    };
    // Those who recognise no one are told so before anything they sent is judged.
    if !edits_visit && !me.principal.may_record_meetings() {
        return Err(AppError::Forbidden);
    }
    let Some(district) = district else {
        return Err(AppError::Invalid(
            vec![crate::http::form::choose_district()],
        ));
    };
    if !rules::may_give(&me.principal, district, edits_visit) {
        return Err(AppError::Forbidden);
    }
    match mahalle_db::places::get_district(store, district).await {
        Ok(_) => {}
        Err(mahalle_db::DbError::NotFound) => {
            return Err(AppError::Invalid(
                vec![crate::http::form::choose_district()],
            ))
        }
        Err(e) => return Err(e.into()),
    }
    let given_on = if input.given_on.trim().is_empty() {
        None
    } else {
        parse_date("given_on", &input.given_on)
            .map_err(|e| {
                if let AppError::Invalid(mut f) = e {
                    errors.append(&mut f);
                }
            })
            .ok()
    };
    let today = crate::today();
    let checked = rules::check(&input.kind, &input.reason, &input.giver, given_on, today)
        .map_err(|mut e| errors.append(&mut e))
        .ok();
    let person = match PersonRef::parse(&input.person) {
        None => {
            errors.push(FieldError::new(
                "person",
                "کسی را که از او قدردانی می‌شود با نام کامل یا شماره بنویسید.",
                "Name the person recognised, by full name or number.",
            ));
            None
        }
        Some(r) => {
            let mut found = Vec::new();
            let (p, _) =
                crate::http::form::chair_and_people(store, Some(&r), &[], &mut found).await;
            errors.extend(found.into_iter().map(|e| FieldError {
                field: "person",
                ..e
            }));
            p
        }
    };
    let (Some(c), Some(person), true) = (checked, person, errors.is_empty()) else {
        return Err(AppError::Invalid(errors));
    };
    let year = jalali::JalaliDate::from_gregorian(c.given_on).year;
    let (c, visit) = (&c, input.visit_id);
    store
        .write(|tx, _| {
            Box::pin(async move {
                let new = councils::NewRecognition {
                    person_id: person,
                    membership_id: None,
                    district_id: Some(district),
                    reason: &c.reason,
                    given_on: c.given_on,
                    given_by: Some(me.principal.user_id),
                    kind: c.kind.as_str(),
                    giver: &c.giver,
                    meeting_id: visit,
                };
                let (id, no) = councils::give_recognition(tx, &new, |id| {
                    council_rules::certificate_no(year, Some(district), id)
                })
                .await?
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("recognition not recorded")))?;
                audit::record(
                    tx,
                    audit::Change {
                        user_id: Some(me.principal.user_id),
                        action: "create",
                        entity: "recognition",
                        entity_id: Some(id),
                        before: None,
                        after: Some(json!({
                            "person_id": person, "kind": c.kind.as_str(), "reason": c.reason,
                            "giver": c.giver, "given_on": c.given_on, "district_id": district,
                            "visit_id": visit, "certificate_no": no,
                        })),
                    },
                )
                .await?;
                Ok(RecognitionGiven {
                    id,
                    certificate_no: no,
                })
            })
        })
        .await
}
