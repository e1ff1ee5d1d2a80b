//! Citizens' requests (درخواست‌های شهروندی): the workflow, response deadlines, routing, the
//! attributes a service category asks for, and the Open311 GeoReport v2 vocabulary. Plain
//! functions, unit-tested here; the store and the web layer only carry data to and from them.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::coded::coded_enum;
use crate::validate::FieldError;

coded_enum!(
    /// Where a request stands. "Overdue" is derived from the response deadline.
    RequestStatus {
        Submitted = "submitted", "ثبت‌شده", "Submitted";
        Accepted = "accepted", "در دست رسیدگی", "Being handled";
        Closed = "closed", "پاسخ داده‌شده", "Answered";
        Rejected = "rejected", "ردشده", "Rejected";
    }
);

coded_enum!(
    /// How a request reached the city.
    Source {
        Web = "web", "وبگاه", "Web form";
        Phone = "phone", "تلفن (۱۳۷)", "Phone (137)";
        Open311 = "open311", "برنامه‌های Open311", "Open311 app";
    }
);

coded_enum!(
    /// The value types of a category's extra questions (Open311 service definitions).
    Datatype {
        String = "string", "متن کوتاه", "Short text";
        Number = "number", "عدد", "Number";
        Datetime = "datetime", "تاریخ و زمان", "Date and time";
        Text = "text", "متن بلند", "Long text";
        SingleValueList = "singlevaluelist", "یک گزینه از فهرست", "One choice";
        MultiValueList = "multivaluelist", "چند گزینه از فهرست", "Several choices";
    }
);

impl RequestStatus {
    /// Open requests still need an answer; only they can be late.
    pub fn is_open(self) -> bool {
        matches!(self, RequestStatus::Submitted | RequestStatus::Accepted)
    }

    /// Open311 knows two states.
    pub fn open311(self) -> &'static str {
        if self.is_open() {
            "open"
        } else {
            "closed"
        }
    }
}

/// Longest description a citizen may send.
pub const MAX_DESCRIPTION: usize = 4000;
/// Longest photo a citizen may attach.
pub const MAX_PHOTO_BYTES: usize = 5 * 1024 * 1024;

/// Something staff do to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The organisation takes the request on.
    Accept,
    /// Hand it to another organisation, with a reason.
    Reassign { organisation: i64, reason: String },
    /// An interim answer the citizen sees; the request stays open.
    Respond { text: String },
    /// Close with the answer the citizen sees.
    Close { answer: String },
    /// Refuse (duplicate, not the city's business…), with a reason the citizen sees.
    Reject { reason: String },
    /// Open a closed or rejected request again, with a reason.
    Reopen { reason: String },
}

impl Action {
    /// The action a form or API call names, with its note.
    pub fn from_form(action: &str, note: &str, organisation: Option<i64>) -> Option<Action> {
        let note = note.to_string();
        Some(match action {
            "accept" => Action::Accept,
            "reassign" => Action::Reassign {
                organisation: organisation?,
                reason: note,
            },
            "respond" => Action::Respond { text: note },
            "close" => Action::Close { answer: note },
            "reject" => Action::Reject { reason: note },
            "reopen" => Action::Reopen { reason: note },
            _ => return None,
        })
    }

    pub fn name(&self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Reassign { .. } => "reassign",
            Action::Respond { .. } => "respond",
            Action::Close { .. } => "close",
            Action::Reject { .. } => "reject",
            Action::Reopen { .. } => "reopen",
        }
    }

    pub fn note(&self) -> &str {
        match self {
            Action::Accept => "",
            Action::Reassign { reason, .. }
            | Action::Reject { reason }
            | Action::Reopen { reason } => reason,
            Action::Respond { text } => text,
            Action::Close { answer } => answer,
        }
    }

    /// Whether the citizen sees this step and its note on the public status page.
    pub fn is_public(&self) -> bool {
        !matches!(self, Action::Reassign { .. })
    }

    fn label_fa(&self) -> &'static str {
        match self {
            Action::Accept => "پذیرش",
            Action::Reassign { .. } => "ارجاع",
            Action::Respond { .. } => "پاسخ میانی به",
            Action::Close { .. } => "بستن",
            Action::Reject { .. } => "رد",
            Action::Reopen { .. } => "بازگشایی",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error("cannot {action} a request that is {}", from.as_str())]
    Illegal {
        from: RequestStatus,
        action: &'static str,
    },
    #[error("a note is required for this step")]
    MissingNote,
    #[error("the request is already with that organisation")]
    SameOrganisation,
}

impl RequestError {
    pub fn message_fa(&self) -> String {
        match self {
            RequestError::Illegal { from, action } => {
                let verb =
                    Action::from_form(action, "", Some(0)).map_or("تغییر", |a| a.label_fa());
                format!("{verb} درخواستی که «{}» است ممکن نیست.", from.label_fa())
            }
            RequestError::MissingNote => "برای این کار نوشتن توضیح لازم است.".into(),
            RequestError::SameOrganisation => "درخواست هم‌اکنون نزد همین سازمان است.".into(),
        }
    }
}

/// The one place that decides what a step does to a request's status:
/// submitted → accepted → closed | rejected; reassigning sends it back to «submitted» at the new
/// organisation; closed or rejected requests can be reopened. Every step but accepting needs a note.
pub fn apply(
    from: RequestStatus,
    current_org: Option<i64>,
    action: &Action,
) -> Result<RequestStatus, RequestError> {
    use RequestStatus::*;
    let illegal = || RequestError::Illegal {
        from,
        action: action.name(),
    };
    if !matches!(action, Action::Accept) && action.note().trim().is_empty() {
        return Err(RequestError::MissingNote);
    }
    match action {
        Action::Accept if from == Submitted => Ok(Accepted),
        Action::Reassign { organisation, .. } if from.is_open() => {
            if current_org == Some(*organisation) {
                Err(RequestError::SameOrganisation)
            } else {
                Ok(Submitted)
            }
        }
        Action::Respond { .. } if from.is_open() => {
            Ok(if from == Submitted { Accepted } else { from })
        }
        Action::Close { .. } | Action::Reject { .. } if from.is_open() => Ok(match action {
            Action::Close { .. } => Closed,
            _ => Rejected,
        }),
        Action::Reopen { .. } if !from.is_open() => Ok(Accepted),
        _ => Err(illegal()),
    }
}

/// When the answer is due: the category's response time after the request arrived.
pub fn due_at(requested_at: DateTime<Utc>, sla_hours: i64) -> DateTime<Utc> {
    requested_at + Duration::hours(sla_hours.max(1))
}

/// Late: still open after its response deadline.
pub fn is_overdue(status: RequestStatus, due: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    status.is_open() && now > due
}

/// One routing rule of a category: who handles it, everywhere (no district), in a district, or
/// in one neighborhood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    pub district: Option<i64>,
    pub neighborhood: Option<i64>,
    pub organisation: i64,
}

/// The organisation a request goes to: the neighborhood's rule, else the district's, else the
/// category's default. `None` when the category has no rule that applies.
pub fn route(rules: &[Route], district: Option<i64>, neighborhood: Option<i64>) -> Option<i64> {
    let by_neighborhood =
        neighborhood.and_then(|n| rules.iter().find(|r| r.neighborhood == Some(n)));
    let by_district = || {
        district.and_then(|d| {
            rules
                .iter()
                .find(|r| r.neighborhood.is_none() && r.district == Some(d))
        })
    };
    let default = || {
        rules
            .iter()
            .find(|r| r.neighborhood.is_none() && r.district.is_none())
    };
    by_neighborhood
        .or_else(by_district)
        .or_else(default)
        .map(|r| r.organisation)
}

/// Codes that clients put in URLs and form names (`service_code`, attribute codes): 1–40 ASCII
/// letters, digits, `_`, `-` or `.`, so they survive any URL, XML element and spreadsheet.
pub fn is_valid_code(code: &str) -> bool {
    (1..=40).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// One choice of a list question: (key, Persian name, English name).
pub type Choice = (String, String, String);

/// The choices of a list question as an administrator types them, one per line:
/// `key = Persian name | English name` (the English name, or both names, may be left out and
/// default to what is given). Blank lines are skipped. On a bad line, its 1-based number.
pub fn parse_choice_lines(text: &str) -> Result<Vec<Choice>, usize> {
    let mut out: Vec<Choice> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (key, names) = line.split_once('=').unwrap_or((line, ""));
        let key = key.trim();
        let (fa, en) = names.split_once('|').unwrap_or((names, ""));
        let fa = crate::text::normalize(fa);
        let en = crate::text::normalize(en);
        if !is_valid_code(key) || out.iter().any(|(k, _, _)| k == key) {
            return Err(i + 1);
        }
        let fa = if fa.is_empty() { key.to_string() } else { fa };
        let en = if en.is_empty() { fa.clone() } else { en };
        out.push((key.to_string(), fa, en));
    }
    Ok(out)
}

/// One extra question of a category.
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeDef {
    pub code: String,
    pub datatype: Datatype,
    pub required: bool,
    /// `false` for information-only attributes, which take no answer.
    pub variable: bool,
    /// Allowed keys for list types.
    pub values: Vec<String>,
}

/// Checks the answers to a category's questions: required ones present, numbers numeric,
/// date-times in W3C form, list answers among the allowed keys (several only for multi-value
/// lists). Unknown codes are ignored, as Open311 allows. Returns (code, value) pairs to store.
pub fn check_attributes(
    defs: &[AttributeDef],
    given: &[(String, String)],
) -> Result<Vec<(String, String)>, Vec<FieldError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for def in defs.iter().filter(|d| d.variable) {
        let values: Vec<String> = given
            .iter()
            .filter(|(c, v)| *c == def.code && !v.trim().is_empty())
            .map(|(_, v)| crate::text::normalize(v))
            .collect();
        let err = |fa: String, en: String| FieldError::new("attribute", fa, en);
        if values.is_empty() {
            if def.required {
                errors.push(err(
                    format!("پاسخ به «{}» لازم است.", def.code),
                    format!("attribute[{}] is required.", def.code),
                ));
            }
            continue;
        }
        if values.len() > 1 && def.datatype != Datatype::MultiValueList {
            errors.push(err(
                format!("برای «{}» تنها یک پاسخ پذیرفته است.", def.code),
                format!("attribute[{}] takes one value.", def.code),
            ));
            continue;
        }
        for v in values {
            let ok = match def.datatype {
                Datatype::Number => crate::text::to_latin_digits(&v)
                    .trim()
                    .parse::<f64>()
                    .is_ok(),
                Datatype::Datetime => parse_w3c(&v).is_some(),
                Datatype::SingleValueList | Datatype::MultiValueList => def.values.contains(&v),
                Datatype::String | Datatype::Text => v.chars().count() <= MAX_DESCRIPTION,
            };
            if ok {
                out.push((def.code.clone(), v));
            } else {
                errors.push(err(
                    format!("پاسخ «{}» معتبر نیست.", def.code),
                    format!("attribute[{}] has an invalid value: {v}", def.code),
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Parses the W3C date-time forms Open311 clients send: `2010-01-01T00:00:00Z`,
/// `2010-01-01T00:00:00-08:00`, with or without seconds or fractions, or a bare date (midnight
/// UTC). A time without a zone is read as UTC.
pub fn parse_w3c(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    for f in ["%Y-%m-%dT%H:%M%:z", "%Y-%m-%dT%H:%M%#z"] {
        if let Ok(t) = DateTime::parse_from_str(s, f) {
            return Some(t.with_timezone(&Utc));
        }
    }
    let s = s.strip_suffix('Z').unwrap_or(s);
    for f in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(s, f) {
            return Some(Utc.from_utc_datetime(&t));
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| Utc.from_utc_datetime(&t))
}

/// A W3C date-time in the city's offset, as Open311 responses carry them: `2026-11-25T10:00:00+03:30`.
pub fn w3c(t: DateTime<Utc>, offset: FixedOffset) -> String {
    t.with_timezone(&offset)
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// Open311 searches cover 90 days unless the client asks for less.
pub const DEFAULT_WINDOW_DAYS: i64 = 90;

/// The window a request search covers: both ends given → as given; one end → 90 days from it;
/// none → the last 90 days. `None` when the start is after the end.
pub fn search_window(
    start: Option<DateTime<Utc>>,
    end: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let w = Duration::days(DEFAULT_WINDOW_DAYS);
    let (s, e) = match (start, end) {
        (Some(s), Some(e)) => (s, e),
        (Some(s), None) => (s, s + w),
        (None, Some(e)) => (e - w, e),
        (None, None) => (now - w, now),
    };
    (s <= e).then_some((s, e))
}

/// A latitude/longitude pair, both given and on Earth, or neither.
pub fn check_point(lat: Option<f64>, lon: Option<f64>) -> Result<Option<(f64, f64)>, FieldError> {
    match (lat, lon) {
        (None, None) => Ok(None),
        (Some(la), Some(lo))
            if la.is_finite() && lo.is_finite() && la.abs() <= 90.0 && lo.abs() <= 180.0 =>
        {
            Ok(Some((la, lo)))
        }
        _ => Err(FieldError::new(
            "lat",
            "مختصات مکان معتبر نیست (عرض و طول جغرافیایی هر دو لازم است).",
            "Invalid location: give both lat and long, in degrees.",
        )),
    }
}

/// An optional phone number: digits in any script, spaces, dashes and a leading +; 7–15 digits.
pub fn optional_phone(input: &str) -> Result<String, FieldError> {
    let t = crate::text::to_latin_digits(input.trim());
    if t.is_empty() {
        return Ok(String::new());
    }
    let digits = t.chars().filter(char::is_ascii_digit).count();
    let ok = t
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || matches!(c, ' ' | '-') || (c == '+' && i == 0));
    if ok && (7..=15).contains(&digits) {
        Ok(t.chars()
            .filter(|c| c.is_ascii_digit() || *c == '+')
            .collect())
    } else {
        Err(FieldError::new(
            "phone",
            "شماره تلفن معتبر نیست.",
            "This is not a valid phone number.",
        ))
    }
}

/// What of a request the public sees (Open311 and the photo address). Welfare and social
/// categories are not published at all (FixMyStreet's private categories). Of the others,
/// nothing the citizen wrote or sent — description, address, photo — and no exact point is
/// published until staff have cleared it, and never for a rejected request; until then the
/// point is rounded to about a hundred metres and the place named by its neighborhood.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Publication {
    /// The request is listed and shown at all.
    pub listed: bool,
    /// Its description, address, photo and exact location are shown.
    pub citizens_words: bool,
}

pub fn publication(category_published: bool, cleared: bool, status: RequestStatus) -> Publication {
    Publication {
        listed: category_published,
        citizens_words: category_published && cleared && status != RequestStatus::Rejected,
    }
}

/// A coordinate rounded to three decimals (about 110 m of latitude): the block, not the door.
pub fn coarse(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {

    #[test]
    fn codes_are_url_safe() {
        assert!(is_valid_code("STREET-LIGHT"));
        assert!(is_valid_code("tree_2.a"));
        assert!(!is_valid_code(""));
        assert!(!is_valid_code("چراغ"));
        assert!(!is_valid_code("a b"));
        assert!(!is_valid_code(&"x".repeat(41)));
    }

    #[test]
    fn choices_are_read_one_per_line() {
        let got = parse_choice_lines("pipe = لوله | Pipe\n\n  valve=شیر\nother").unwrap();
        assert_eq!(
            got,
            vec![
                ("pipe".into(), "لوله".into(), "Pipe".into()),
                ("valve".into(), "شیر".into(), "شیر".into()),
                ("other".into(), "other".into(), "other".into()),
            ]
        );
        assert_eq!(parse_choice_lines("a = x\nبد = y"), Err(2));
        assert_eq!(parse_choice_lines("a = x\na = y"), Err(2), "duplicate key");
        assert_eq!(parse_choice_lines("  \n"), Ok(vec![]));
    }

    use super::*;
    use RequestStatus::*;

    fn note(action: &str, n: &str) -> Action {
        Action::from_form(action, n, Some(7)).unwrap()
    }

    #[test]
    fn workflow() {
        assert_eq!(apply(Submitted, Some(1), &Action::Accept), Ok(Accepted));
        assert!(matches!(
            apply(Accepted, Some(1), &Action::Accept),
            Err(RequestError::Illegal { .. })
        ));
        assert_eq!(
            apply(Accepted, Some(1), &note("reassign", "مربوط به آب")),
            Ok(Submitted)
        );
        assert_eq!(
            apply(Accepted, Some(7), &note("reassign", "x")),
            Err(RequestError::SameOrganisation)
        );
        assert_eq!(
            apply(Submitted, Some(1), &note("respond", "در دست بررسی")),
            Ok(Accepted)
        );
        assert_eq!(
            apply(Accepted, Some(1), &note("respond", "اکیپ اعزام شد")),
            Ok(Accepted)
        );
        assert_eq!(
            apply(Accepted, Some(1), &note("close", "لامپ تعویض شد")),
            Ok(Closed)
        );
        assert_eq!(
            apply(Submitted, Some(1), &note("reject", "تکراری")),
            Ok(Rejected)
        );
        assert_eq!(
            apply(Closed, Some(1), &note("reopen", "دوباره خاموش است")),
            Ok(Accepted)
        );
        for closed in [Closed, Rejected] {
            for a in ["close", "reject", "respond", "reassign"] {
                assert!(
                    matches!(
                        apply(closed, Some(1), &note(a, "x")),
                        Err(RequestError::Illegal { .. })
                    ),
                    "{a} on {closed:?}"
                );
            }
        }
        assert!(matches!(
            apply(Submitted, Some(1), &note("reopen", "x")),
            Err(RequestError::Illegal { .. })
        ));
        for a in ["respond", "close", "reject", "reassign"] {
            assert_eq!(
                apply(Accepted, Some(1), &note(a, "  ")),
                Err(RequestError::MissingNote)
            );
        }
        let e = apply(Closed, Some(1), &note("close", "x")).unwrap_err();
        assert!(e.message_fa().contains("پاسخ داده‌شده"));
        assert!(Action::from_form("reassign", "x", None).is_none());
        assert!(Action::from_form("delete", "x", None).is_none());
        assert!(!note("reassign", "x").is_public() && note("close", "x").is_public());
    }

    #[test]
    fn deadlines() {
        let t = Utc.with_ymd_and_hms(2026, 11, 1, 8, 0, 0).unwrap();
        let due = due_at(t, 48);
        assert_eq!(due, Utc.with_ymd_and_hms(2026, 11, 3, 8, 0, 0).unwrap());
        assert!(!is_overdue(Submitted, due, due));
        assert!(is_overdue(Accepted, due, due + Duration::seconds(1)));
        assert!(!is_overdue(Closed, due, due + Duration::days(9)));
        assert_eq!(Submitted.open311(), "open");
        assert_eq!(Rejected.open311(), "closed");
    }

    #[test]
    fn routing_prefers_the_narrowest_rule() {
        let rules = [
            Route {
                district: None,
                neighborhood: None,
                organisation: 1,
            },
            Route {
                district: Some(14),
                neighborhood: None,
                organisation: 2,
            },
            Route {
                district: Some(14),
                neighborhood: Some(140),
                organisation: 3,
            },
        ];
        assert_eq!(route(&rules, Some(14), Some(140)), Some(3));
        assert_eq!(route(&rules, Some(14), Some(141)), Some(2));
        assert_eq!(route(&rules, Some(3), None), Some(1));
        assert_eq!(route(&rules, None, None), Some(1));
        assert_eq!(route(&rules[1..], Some(5), None), None);
    }

    fn def(code: &str, datatype: Datatype, required: bool, values: &[&str]) -> AttributeDef {
        AttributeDef {
            code: code.into(),
            datatype,
            required,
            variable: true,
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    #[test]
    fn attributes() {
        let defs = [
            def("POLE", Datatype::String, true, &[]),
            def("COUNT", Datatype::Number, false, &[]),
            def("KIND", Datatype::SingleValueList, false, &["led", "sodium"]),
            def("SIDES", Datatype::MultiValueList, false, &["n", "s"]),
            AttributeDef {
                variable: false,
                ..def("NOTE", Datatype::Text, true, &[])
            },
        ];
        let given = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .map(|(c, v)| (c.to_string(), v.to_string()))
                .collect()
        };
        let ok = check_attributes(
            &defs,
            &given(&[
                ("POLE", "۱۲۳"),
                ("COUNT", "۳"),
                ("KIND", "led"),
                ("SIDES", "n"),
                ("SIDES", "s"),
                ("OTHER", "x"),
            ]),
        )
        .unwrap();
        assert_eq!(ok.len(), 5);
        let errs = check_attributes(
            &defs,
            &given(&[("COUNT", "سه"), ("KIND", "neon"), ("KIND", "led")]),
        )
        .unwrap_err();
        assert_eq!(errs.len(), 3, "{errs:?}"); // POLE missing, COUNT not a number, KIND twice
        assert!(errs[0].en.contains("attribute[POLE] is required"));
    }

    #[test]
    fn w3c_dates() {
        let want = Utc.with_ymd_and_hms(2010, 1, 1, 8, 0, 0).unwrap();
        assert_eq!(parse_w3c("2010-01-01T08:00:00Z"), Some(want));
        assert_eq!(parse_w3c("2010-01-01T00:00:00-08:00"), Some(want));
        assert_eq!(parse_w3c("2010-01-01T11:30+03:30"), Some(want));
        assert_eq!(parse_w3c("2010-01-01T08:00:00"), Some(want));
        assert_eq!(parse_w3c("2010-01-01T08:00:00.000Z"), Some(want));
        assert_eq!(parse_w3c("2010-01-01"), Some(want - Duration::hours(8)));
        assert_eq!(parse_w3c("yesterday"), None);
        assert_eq!(parse_w3c("2010-13-01"), None);
        let tehran = FixedOffset::east_opt(12600).unwrap();
        assert_eq!(w3c(want, tehran), "2010-01-01T11:30:00+03:30");
    }

    #[test]
    fn windows() {
        let now = Utc.with_ymd_and_hms(2026, 11, 25, 0, 0, 0).unwrap();
        let d = Duration::days(90);
        assert_eq!(search_window(None, None, now), Some((now - d, now)));
        assert_eq!(
            search_window(Some(now - d - d), None, now),
            Some((now - d - d, now - d))
        );
        assert_eq!(
            search_window(None, Some(now - d), now),
            Some((now - d - d, now - d))
        );
        assert_eq!(search_window(Some(now), Some(now - d), now), None);
    }

    #[test]
    fn points_and_phones() {
        assert_eq!(check_point(None, None), Ok(None));
        assert_eq!(check_point(Some(35.7), Some(51.4)), Ok(Some((35.7, 51.4))));
        assert!(check_point(Some(35.7), None).is_err());
        assert!(check_point(Some(135.7), Some(51.4)).is_err());
        assert!(check_point(Some(f64::NAN), Some(51.4)).is_err());
        assert_eq!(optional_phone("۰۹۱۲ ۳۴۵-۶۷۸۹").unwrap(), "09123456789");
        assert_eq!(optional_phone("+98 21 8888 0000").unwrap(), "+982188880000");
        assert_eq!(optional_phone("").unwrap(), "");
        assert!(optional_phone("12ab").is_err());
        assert!(optional_phone("123").is_err());
    }

    #[test]
    fn only_cleared_words_of_public_categories_are_published() {
        use RequestStatus::*;
        assert_eq!(
            publication(false, true, Accepted),
            Publication {
                listed: false,
                citizens_words: false
            }
        );
        assert_eq!(
            publication(true, false, Accepted),
            Publication {
                listed: true,
                citizens_words: false
            }
        );
        assert!(publication(true, true, Accepted).citizens_words);
        assert!(publication(true, true, Closed).citizens_words);
        assert!(
            !publication(true, true, Rejected).citizens_words,
            "rejected: never"
        );
        assert_eq!(coarse(35.689_249), 35.689);
        assert_eq!(coarse(51.389_6), 51.39);
        assert!((coarse(-0.000_4)).abs() < 1e-9);
    }
}
