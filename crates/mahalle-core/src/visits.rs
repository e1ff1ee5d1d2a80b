//! Supervisory visits (نشست نظارت ستادی), the CitiStat way: the rules behind a domain manager's
//! report, the briefing pack's timing, the state of a visit's commitments, and who may do what.
//!
//! A visit is a district's meeting of kind `supervisory_visit`; its decisions are that meeting's
//! resolutions. Baltimore's CitiStat code asks for the briefing memo 48 hours before the meeting
//! and for the memo of commitments right after it; Mahalle writes both from its data.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;

use crate::access::{Principal, Role, Scope};
use crate::coded::coded_enum;
use crate::domain::Domain;
use crate::resolutions::Status;
use crate::text::{normalize, to_latin_digits, to_persian_digits};
use crate::validate::{self, FieldError};

coded_enum!(
    /// Which side of a visit someone is on.
    Side {
        Visitor = "visitor", "هیئت بازدیدکننده", "Visiting";
        Host = "host", "میزبان", "Hosting";
    }
);

/// The briefing pack is due this long before the visit starts.
pub const BRIEFING_LEAD_HOURS: i64 = 48;

/// When the briefing pack is due: 48 hours before the visit.
pub fn briefing_due(starts_at: DateTime<Utc>) -> DateTime<Utc> {
    starts_at - Duration::hours(BRIEFING_LEAD_HOURS)
}

/// A report's figures are short: a few dozen lines.
pub const MAX_FIGURES: usize = 40;

/// A figure of a domain report: "number of alleys asphalted: 12".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Figure {
    pub label: String,
    pub value: String,
}

/// Reads a report's figures, one `label: value` a line (`:`, `：` or `=`; Persian digits kept as
/// typed). Blank lines are skipped; a line with no value, or more than [`MAX_FIGURES`] lines, is
/// an error naming the line.
pub fn parse_figures(text: &str) -> Result<Vec<Figure>, FieldError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = normalize(line);
        if line.is_empty() {
            continue;
        }
        let split = line
            .char_indices()
            .find(|(_, c)| matches!(c, ':' | '：' | '='))
            .map(|(at, c)| (line[..at].trim(), line[at + c.len_utf8()..].trim()));
        let n = i + 1;
        match split {
            Some((label, value)) if !label.is_empty() && !value.is_empty() => {
                if label.chars().count() > 200 || value.chars().count() > 100 {
                    return Err(FieldError::new(
                        "figures",
                        format!(
                            "سطر {} شاخص‌ها بیش از حد بلند است.",
                            to_persian_digits(&n.to_string())
                        ),
                        format!("Line {n} of the figures is too long."),
                    ));
                }
                out.push(Figure {
                    label: label.to_string(),
                    value: value.to_string(),
                });
            }
            _ => {
                return Err(FieldError::new(
                    "figures",
                    format!(
                        "سطر {} شاخص‌ها را به صورت «عنوان: مقدار» بنویسید.",
                        to_persian_digits(&n.to_string())
                    ),
                    format!("Write line {n} of the figures as “label: value”."),
                ))
            }
        }
    }
    if out.len() > MAX_FIGURES {
        return Err(FieldError::new(
            "figures",
            format!(
                "حداکثر {} شاخص در هر گزارش.",
                to_persian_digits(&MAX_FIGURES.to_string())
            ),
            format!("At most {MAX_FIGURES} figures a report."),
        ));
    }
    Ok(out)
}

/// The figures as they are stored: one `label: value` a line.
pub fn figures_text(figures: &[Figure]) -> String {
    figures
        .iter()
        .map(|f| format!("{}: {}", f.label, f.value))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A domain manager's report, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub domain: Domain,
    pub manager: String,
    pub actions: String,
    pub figures: Vec<Figure>,
    /// Existing challenges the report raises, by number.
    pub challenges: Vec<i64>,
}

/// Checks a report as typed: its domain, the manager's name, what was done since the last visit,
/// its figures and the numbers of the challenges it raises (`12، ۱۳ 14`). Every field's error at
/// once.
pub fn check_report(
    domain: &str,
    manager: &str,
    actions: &str,
    figures: &str,
    challenges: &str,
) -> Result<Report, Vec<FieldError>> {
    let mut errors = Vec::new();
    let domain = Domain::parse(domain.trim())
        .or_else(|| Domain::parse_loose(domain))
        .ok_or_else(|| {
            errors.push(FieldError::new(
                "domain",
                "حوزه گزارش را انتخاب کنید.",
                "Choose the report's domain.",
            ))
        })
        .ok();
    let manager = validate::required_text("manager", manager, 200)
        .map_err(|e| errors.push(e))
        .ok();
    let actions = validate::required_paragraphs("actions", actions, 20_000)
        .map_err(|e| errors.push(e))
        .ok();
    let figures = parse_figures(figures).map_err(|e| errors.push(e)).ok();
    let challenges = parse_numbers("challenges", challenges)
        .map_err(|e| errors.push(e))
        .ok();
    match (domain, manager, actions, figures, challenges) {
        (Some(domain), Some(manager), Some(actions), Some(figures), Some(challenges))
            if errors.is_empty() =>
        {
            Ok(Report {
                domain,
                manager,
                actions,
                figures,
                challenges,
            })
        }
        _ => Err(errors),
    }
}

/// Numbers separated by commas, spaces or `،` (Persian digits and `#` allowed), without repeats;
/// at most 200.
pub fn parse_numbers(field: &'static str, s: &str) -> Result<Vec<i64>, FieldError> {
    let mut out: Vec<i64> = Vec::new();
    for part in to_latin_digits(s).split([',', '،', ' ', '\n', '\t', ';']) {
        let part = part.trim().trim_start_matches('#');
        if part.is_empty() {
            continue;
        }
        match part.parse::<i64>() {
            Ok(n) if n > 0 => {
                if !out.contains(&n) {
                    out.push(n);
                }
            }
            _ => {
                return Err(FieldError::new(
                    field,
                    format!("«{part}» شماره نیست؛ شماره‌ها را با ویرگول جدا کنید."),
                    format!("“{part}” is not a number; separate the numbers with commas."),
                ))
            }
        }
    }
    if out.len() > 200 {
        return Err(FieldError::new(
            field,
            "حداکثر ۲۰۰ شماره پذیرفته می‌شود.",
            "At most 200 numbers are accepted.",
        ));
    }
    Ok(out)
}

/// A finding recorded during a visit.
pub fn check_finding(body: &str) -> Result<String, FieldError> {
    validate::required_paragraphs("body", body, 4_000)
}

/// Where a commitment stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    DoneOnTime,
    DoneLate,
    Open,
    Overdue,
    Cancelled,
}

impl Standing {
    pub fn of(
        status: Status,
        deadline: NaiveDate,
        done_late: Option<bool>,
        today: NaiveDate,
    ) -> Standing {
        match status {
            Status::Done if done_late == Some(true) => Standing::DoneLate,
            Status::Done => Standing::DoneOnTime,
            Status::Cancelled => Standing::Cancelled,
            _ if deadline < today => Standing::Overdue,
            _ => Standing::Open,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Standing::DoneOnTime => "done_on_time",
            Standing::DoneLate => "done_late",
            Standing::Open => "open",
            Standing::Overdue => "overdue",
            Standing::Cancelled => "cancelled",
        }
    }

    pub fn label_fa(self) -> &'static str {
        match self {
            Standing::DoneOnTime => "انجام‌شده در مهلت",
            Standing::DoneLate => "انجام‌شده با تأخیر",
            Standing::Open => "در جریان",
            Standing::Overdue => "معوق",
            Standing::Cancelled => "لغوشده",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Standing::DoneOnTime => "Done on time",
            Standing::DoneLate => "Done late",
            Standing::Open => "Under way",
            Standing::Overdue => "Overdue",
            Standing::Cancelled => "Cancelled",
        }
    }
}

/// How much of a visit's commitments is done: what the next visit opens with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub total: i64,
    pub done_on_time: i64,
    pub done_late: i64,
    pub open: i64,
    pub overdue: i64,
    pub cancelled: i64,
}

impl Tally {
    pub fn of(standings: impl IntoIterator<Item = Standing>) -> Tally {
        let mut t = Tally::default();
        for s in standings {
            t.total += 1;
            match s {
                Standing::DoneOnTime => t.done_on_time += 1,
                Standing::DoneLate => t.done_late += 1,
                Standing::Open => t.open += 1,
                Standing::Overdue => t.overdue += 1,
                Standing::Cancelled => t.cancelled += 1,
            }
        }
        t
    }

    pub fn done(&self) -> i64 {
        self.done_on_time + self.done_late
    }

    /// Done, per mille of the commitments that still stand (cancelled ones do not count);
    /// `None` when there are none.
    pub fn done_permille(&self) -> Option<i64> {
        let standing = self.total - self.cancelled;
        (standing > 0).then(|| (self.done() * 1000 + standing / 2) / standing)
    }
}

/// Who plans a visit and edits it: the district's secretariat (the city's, or its district
/// mayor) and, once it is planned, its visitors — the deputy and general managers, whose
/// accounts name their person.
pub fn may_edit(
    who: &Principal,
    district: i64,
    visitor_people: &[i64],
    person: Option<i64>,
) -> bool {
    who.is_secretariat_for(Some(district)) || person.is_some_and(|p| visitor_people.contains(&p))
}

/// Who files a domain report for a visit: whoever edits the visit, and the district's domain
/// managers — liaisons of an organisation based in the district (its municipal office and its
/// departments), given as `district_orgs`.
pub fn may_report(
    who: &Principal,
    district: i64,
    visitor_people: &[i64],
    person: Option<i64>,
    district_orgs: &[i64],
) -> bool {
    may_edit(who, district, visitor_people, person)
        || who.grants.iter().any(|g| {
            g.role == Role::Liaison
                && matches!(g.scope, Scope::Organisation(o) if district_orgs.contains(&o))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::access::Grant;

    #[test]
    fn figures_are_read_a_line_each() {
        let f = parse_figures("کوچه‌های آسفالت‌شده: ۱۲\n\n Trees planted = 340 \nبودجه：۵۰۰ میلیون")
            .unwrap();
        assert_eq!(f.len(), 3);
        assert_eq!(f[0].label, "کوچه‌های آسفالت‌شده");
        assert_eq!(f[0].value, "۱۲");
        assert_eq!(f[1].label, "Trees planted");
        assert_eq!(f[2].value, "۵۰۰ میلیون");
        assert_eq!(
            parse_figures(&figures_text(&f)).unwrap(),
            f,
            "stored text reads back"
        );
        let e = parse_figures("خوب\nx: 1").unwrap_err();
        assert!(
            e.fa.contains("سطر ۱") && e.en.contains("line 1"),
            "{}",
            e.en
        );
        let e = parse_figures("a: 1\nb:").unwrap_err();
        assert!(e.en.contains("line 2"));
        let many: String = (0..=MAX_FIGURES).map(|i| format!("f{i}: {i}\n")).collect();
        assert!(parse_figures(&many).is_err());
        assert!(parse_figures("").unwrap().is_empty());
    }

    #[test]
    fn a_report_needs_its_domain_manager_and_actions() {
        let r = check_report(
            "civil_works",
            " مهندس احمدی ",
            "آسفالت ۱۲ کوچه",
            "کوچه: ۱۲",
            "۱۲، 13 #14 12",
        )
        .unwrap();
        assert_eq!(r.domain, Domain::CivilWorks);
        assert_eq!(r.manager, "مهندس احمدی");
        assert_eq!(r.challenges, vec![12, 13, 14]);
        let e = check_report("", "", "  ", "bad line", "x").unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["domain", "manager", "actions", "figures", "challenges"]
        );
        assert!(
            check_report("خدمات شهری", "الف", "ب", "", "").is_ok(),
            "Persian label of a domain"
        );
    }

    #[test]
    fn commitments_are_tallied_by_standing() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let today = d("2026-12-07");
        let s = [
            Standing::of(Status::Done, d("2026-11-01"), Some(false), today),
            Standing::of(Status::Done, d("2026-11-01"), Some(true), today),
            Standing::of(Status::InProgress, d("2026-12-06"), None, today),
            Standing::of(Status::Approved, d("2026-12-07"), None, today),
            Standing::of(Status::Cancelled, d("2026-10-01"), None, today),
        ];
        assert_eq!(
            s,
            [
                Standing::DoneOnTime,
                Standing::DoneLate,
                Standing::Overdue,
                Standing::Open,
                Standing::Cancelled
            ]
        );
        let t = Tally::of(s);
        assert_eq!((t.total, t.done(), t.overdue, t.open), (5, 2, 1, 1));
        assert_eq!(
            t.done_permille(),
            Some(500),
            "cancelled commitments do not count"
        );
        assert_eq!(Tally::default().done_permille(), None);
    }

    #[test]
    fn the_briefing_is_due_two_days_before() {
        let at = DateTime::parse_from_rfc3339("2026-12-09T06:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(briefing_due(at).to_rfc3339(), "2026-12-07T06:30:00+00:00");
    }

    #[test]
    fn visitors_and_the_district_edit_a_visit_and_its_managers_report() {
        let who = |role, scope| Principal {
            user_id: 1,
            grants: vec![Grant { role, scope }],
            delegated: Vec::new(),
        };
        let d14 = who(Role::DistrictMayor, Scope::District(14));
        assert!(may_edit(&d14, 14, &[], None) && !may_edit(&d14, 6, &[], None));
        let manager = who(Role::Liaison, Scope::Organisation(30));
        assert!(!may_edit(&manager, 14, &[7], Some(8)));
        assert!(
            may_edit(&manager, 14, &[7], Some(7)),
            "a visitor edits the visit"
        );
        assert!(may_report(&manager, 14, &[], None, &[30, 31]));
        assert!(
            !may_report(&manager, 14, &[], None, &[31]),
            "another district's manager"
        );
        let viewer = who(Role::Viewer, Scope::City);
        assert!(!may_report(&viewer, 14, &[], None, &[30]));
        assert!(may_edit(&who(Role::Deputy, Scope::City), 14, &[], None));
    }

    #[test]
    fn numbers_are_read_loosely_but_not_guessed() {
        assert_eq!(parse_numbers("f", "").unwrap(), Vec::<i64>::new());
        assert_eq!(parse_numbers("f", "#۷,8").unwrap(), vec![7, 8]);
        assert!(parse_numbers("f", "7, هفت").is_err());
        assert!(parse_numbers("f", "0").is_err());
    }
}
