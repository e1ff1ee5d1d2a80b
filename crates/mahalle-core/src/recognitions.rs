//! Recognition (تقدیر و تشویق): former council members thanked at a term change, and staff and
//! volunteers recognised by their district or at a supervisory visit. The rules of a new
//! recognition and who may give one.

use chrono::NaiveDate;

use crate::access::Principal;
use crate::coded::coded_enum;
use crate::validate::{self, FieldError};

coded_enum!(
    /// Why someone is recognised.
    RecognitionKind {
        CouncilService = "council_service", "خدمت در شورایاری", "Council service";
        Staff = "staff", "تشویق کارکنان", "Staff recognition";
        Volunteer = "volunteer", "قدردانی از داوطلبان", "Volunteer recognition";
    }
);

/// A recognition as checked: its kind, reason, giver and day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checked {
    pub kind: RecognitionKind,
    pub reason: String,
    pub giver: String,
    pub given_on: NaiveDate,
}

/// Checks a staff or volunteer recognition: the kind (council service is given at a term
/// change only), why, by whom (as the certificate names the giver) and a day neither in the
/// future nor more than a year past. Every field's error at once.
pub fn check(
    kind: &str,
    reason: &str,
    giver: &str,
    given_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<Checked, Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = match RecognitionKind::parse(kind.trim()) {
        Some(k @ (RecognitionKind::Staff | RecognitionKind::Volunteer)) => Some(k),
        _ => {
            errors.push(FieldError::new(
                "kind",
                "نوع تقدیر را انتخاب کنید: کارکنان یا داوطلبان.",
                "Choose the kind: staff or volunteers.",
            ));
            None
        }
    };
    let reason = validate::required_paragraphs("reason", reason, 1_000)
        .map_err(|e| errors.push(e))
        .ok();
    let giver = validate::required_text("giver", giver, 300)
        .map_err(|e| errors.push(e))
        .ok();
    let given_on = given_on.unwrap_or(today);
    if given_on > today {
        errors.push(FieldError::new(
            "given_on",
            "تاریخ تقدیر نمی‌تواند در آینده باشد.",
            "A recognition cannot be dated in the future.",
        ));
    } else if (today - given_on).num_days() > 366 {
        errors.push(FieldError::new(
            "given_on",
            "تقدیر بیش از یک سال پس از تاریخش ثبت نمی‌شود.",
            "A recognition is recorded within a year of its date.",
        ));
    }
    match (kind, reason, giver, errors.is_empty()) {
        (Some(kind), Some(reason), Some(giver), true) => Ok(Checked {
            kind,
            reason,
            giver,
            given_on,
        }),
        _ => Err(errors),
    }
}

/// Who recognises staff and volunteers of a district: its secretariat (the city's, or its
/// district mayor), or — at a supervisory visit — whoever may edit that visit.
pub fn may_give(who: &Principal, district: i64, edits_visit: bool) -> bool {
    edits_visit || who.is_secretariat_for(Some(district))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::{Grant, Role, Scope};

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_recognition_says_why_by_whom_and_when() {
        let today = d("2026-12-07");
        let ok = check(
            "staff",
            " پاسخ‌گویی شبانه‌روزی در بارندگی ",
            "معاون هماهنگی",
            None,
            today,
        )
        .unwrap();
        assert_eq!(ok.kind, RecognitionKind::Staff);
        assert_eq!(ok.given_on, today, "today when no day is given");
        assert_eq!(ok.reason, "پاسخ‌گویی شبانه‌روزی در بارندگی");
        let e = check("council_service", "", "", Some(d("2026-12-08")), today).unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["kind", "reason", "giver", "given_on"]);
        assert!(
            check("volunteer", "x", "y", Some(d("2025-11-01")), today).is_err(),
            "over a year ago"
        );
        assert!(check("volunteer", "x", "y", Some(d("2026-01-01")), today).is_ok());
    }

    #[test]
    fn the_district_or_a_visit_recognises() {
        let who = |role, scope| Principal {
            user_id: 1,
            grants: vec![Grant { role, scope }],
            delegated: Vec::new(),
        };
        let d14 = who(Role::DistrictMayor, Scope::District(14));
        assert!(may_give(&d14, 14, false) && !may_give(&d14, 6, false));
        let liaison = who(Role::Liaison, Scope::Organisation(3));
        assert!(!may_give(&liaison, 14, false) && may_give(&liaison, 14, true));
        assert!(may_give(&who(Role::MayorOffice, Scope::City), 6, false));
    }
}
