//! Resolutions (مصوبات) and their follow-up: the status workflow, derived lateness, numbering,
//! deadline extensions and the accountability figures. Plain functions, unit-tested here.

use chrono::NaiveDate;

use crate::text::to_persian_digits;

use crate::coded::coded_enum;

coded_enum!(
    /// Where a resolution's follow-up stands. "Overdue" is not a status: it is derived.
    Status {
        Approved = "approved", "مصوب", "Approved";
        InProgress = "in_progress", "در حال اجرا", "In progress";
        Done = "done", "انجام‌شده", "Done";
        Cancelled = "cancelled", "لغوشده", "Cancelled";
    }
);

coded_enum!(
    /// How urgent a resolution is.
    Priority {
        Low = "low", "کم", "Low";
        Normal = "normal", "عادی", "Normal";
        High = "high", "زیاد", "High";
        Urgent = "urgent", "فوری", "Urgent";
    }
);

impl Status {
    /// Open resolutions still need work; only they can be late.
    pub fn is_open(self) -> bool {
        matches!(self, Status::Approved | Status::InProgress)
    }
}

/// A requested change of status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    Start,
    Complete { evidence: String },
    Cancel { reason: String },
    Reopen { reason: String },
}

impl Transition {
    /// The transition a form or API call names (`start`, `complete`, `cancel`, `reopen`), with
    /// its note as evidence or reason.
    pub fn from_action(action: &str, note: &str) -> Option<Transition> {
        let note = note.to_string();
        match action {
            "start" => Some(Transition::Start),
            "complete" => Some(Transition::Complete { evidence: note }),
            "cancel" => Some(Transition::Cancel { reason: note }),
            "reopen" => Some(Transition::Reopen { reason: note }),
            _ => None,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Transition::Start => "start",
            Transition::Complete { .. } => "complete",
            Transition::Cancel { .. } => "cancel",
            Transition::Reopen { .. } => "reopen",
        }
    }
    /// The text the transition carries (evidence or reason).
    pub fn note(&self) -> &str {
        match self {
            Transition::Start => "",
            Transition::Complete { evidence } => evidence,
            Transition::Cancel { reason } | Transition::Reopen { reason } => reason,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("cannot {action} a resolution that is {from}")]
    Illegal {
        from: &'static str,
        action: &'static str,
    },
    #[error("{0} is required")]
    Missing(&'static str),
}

impl WorkflowError {
    pub fn message_fa(&self) -> String {
        match self {
            WorkflowError::Illegal { from, action } => {
                let from_fa = Status::parse(from).map_or(*from, Status::label_fa);
                let action_fa = match *action {
                    "start" => "شروع اجرای",
                    "complete" => "ثبت انجام",
                    "cancel" => "لغو",
                    "reopen" => "بازگشایی",
                    "report" => "ثبت گزارش پیشرفت برای",
                    other => other,
                };
                format!("{action_fa} مصوبه‌ای که «{from_fa}» است ممکن نیست.")
            }
            WorkflowError::Missing("evidence") => {
                "برای ثبت انجام، مستند یا شرح انجام کار لازم است.".into()
            }
            WorkflowError::Missing(_) => "ذکر دلیل لازم است.".into(),
        }
    }
}

/// The one place that decides status changes:
/// approved → in progress → done (with evidence) | cancelled (with reason); done or cancelled
/// → in progress again by reopening (with reason).
pub fn transition(from: Status, t: &Transition) -> Result<Status, WorkflowError> {
    let illegal = || WorkflowError::Illegal {
        from: from.as_str(),
        action: t.name(),
    };
    match t {
        Transition::Start if from == Status::Approved => Ok(Status::InProgress),
        Transition::Complete { evidence } if from.is_open() => {
            if evidence.trim().is_empty() {
                Err(WorkflowError::Missing("evidence"))
            } else {
                Ok(Status::Done)
            }
        }
        Transition::Cancel { reason } if from.is_open() => {
            if reason.trim().is_empty() {
                Err(WorkflowError::Missing("reason"))
            } else {
                Ok(Status::Cancelled)
            }
        }
        Transition::Reopen { reason } if !from.is_open() => {
            if reason.trim().is_empty() {
                Err(WorkflowError::Missing("reason"))
            } else {
                Ok(Status::InProgress)
            }
        }
        _ => Err(illegal()),
    }
}

/// A progress report may be filed on open resolutions only; the first one starts the work.
pub fn status_after_report(from: Status) -> Result<Status, WorkflowError> {
    match from {
        Status::Approved | Status::InProgress => Ok(Status::InProgress),
        _ => Err(WorkflowError::Illegal {
            from: from.as_str(),
            action: "report",
        }),
    }
}

/// Late: open and past its deadline (the deadline day itself is still on time).
pub fn is_overdue(status: Status, deadline: NaiveDate, today: NaiveDate) -> bool {
    status.is_open() && deadline < today
}

/// Days past the deadline (0 when not overdue).
pub fn days_overdue(status: Status, deadline: NaiveDate, today: NaiveDate) -> i64 {
    if is_overdue(status, deadline, today) {
        (today - deadline).num_days()
    } else {
        0
    }
}

/// Open and due within `days` days from today (today included), not yet late.
pub fn is_due_soon(status: Status, deadline: NaiveDate, today: NaiveDate, days: i64) -> bool {
    status.is_open() && deadline >= today && (deadline - today).num_days() <= days
}

/// Whether a completed resolution was done after its (final) deadline.
pub fn done_late(done_on: NaiveDate, deadline: NaiveDate) -> bool {
    done_on > deadline
}

/// «۱۴۰۴/۲۳/۱۲»: Jalali year / session / item.
pub fn number(year: i64, session: i64, item: i64, persian_digits: bool) -> String {
    let s = format!("{year}/{session}/{item}");
    if persian_digits {
        to_persian_digits(&s)
    } else {
        s
    }
}

/// Reads a number written as [`number`] shows it («۱۴۰۴/۲۳/۱۲», `1404-23-12`, right-to-left
/// pasted `12/23/1404` is not guessed at): (year, session, item), each positive.
pub fn parse_number(s: &str) -> Option<(i64, i64, i64)> {
    let latin = crate::text::to_latin_digits(s.trim());
    let parts: Vec<&str> = latin
        .split(['/', '-', '.', '\u{066B}', '\u{060C}', '\\'])
        .map(str::trim)
        .collect();
    let [y, se, it] = parts.as_slice() else {
        return None;
    };
    let num = |p: &str| p.parse::<i64>().ok().filter(|n| *n > 0 && p.len() <= 6);
    let (y, se, it) = (num(y)?, num(se)?, num(it)?);
    (1300..=1600).contains(&y).then_some((y, se, it))
}

/// A deadline extension must move the deadline later, with a reason.
pub fn check_extension(
    current: NaiveDate,
    requested: NaiveDate,
    reason: &str,
) -> Result<(), ExtensionError> {
    if requested <= current {
        return Err(ExtensionError::NotLater);
    }
    if reason.trim().is_empty() {
        return Err(ExtensionError::NoReason);
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ExtensionError {
    #[error("the new deadline must be later than the current one")]
    NotLater,
    #[error("a reason is required")]
    NoReason,
    #[error("this request was already decided")]
    AlreadyDecided,
    #[error("only open resolutions can have their deadline extended")]
    Closed,
}

impl ExtensionError {
    pub fn message_fa(self) -> &'static str {
        match self {
            ExtensionError::NotLater => "مهلت جدید باید دیرتر از مهلت فعلی باشد.",
            ExtensionError::NoReason => "ذکر دلیل تمدید لازم است.",
            ExtensionError::AlreadyDecided => "درباره این درخواست پیش‌تر تصمیم گرفته شده است.",
            ExtensionError::Closed => "مهلت تنها برای مصوبات باز قابل تمدید است.",
        }
    }
}

/// The median of a sorted list (mean of the middle two for even lengths), rounded to one decimal.
pub fn median_sorted(values: &[i64]) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let m = if n % 2 == 1 {
        values[n / 2] as f64
    } else {
        (values[n / 2 - 1] + values[n / 2]) as f64 / 2.0
    };
    Some((m * 10.0).round() / 10.0)
}

/// Percent of `part` in `whole`, rounded; 0 when there is nothing.
pub fn percent(part: i64, whole: i64) -> i64 {
    if whole <= 0 {
        0
    } else {
        ((part as f64) * 100.0 / (whole as f64)).round() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_back() {
        assert_eq!(parse_number("۱۴۰۴/۲۳/۱۲"), Some((1404, 23, 12)));
        assert_eq!(parse_number(" 1404-23-12 "), Some((1404, 23, 12)));
        assert_eq!(
            parse_number(&number(1403, 5, 400, true)),
            Some((1403, 5, 400))
        );
        assert_eq!(parse_number("1404/23"), None);
        assert_eq!(parse_number("12/23/1404"), None);
        assert_eq!(parse_number("1404/0/3"), None);
        assert_eq!(parse_number("1404/x/3"), None);
        assert_eq!(parse_number(""), None);
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn legal_transitions() {
        use Status::*;
        assert_eq!(transition(Approved, &Transition::Start), Ok(InProgress));
        let done = Transition::Complete {
            evidence: "گزارش بازدید".into(),
        };
        assert_eq!(transition(Approved, &done), Ok(Done));
        assert_eq!(transition(InProgress, &done), Ok(Done));
        let cancel = Transition::Cancel {
            reason: "ادغام با مصوبه دیگر".into(),
        };
        assert_eq!(transition(InProgress, &cancel), Ok(Cancelled));
        let reopen = Transition::Reopen {
            reason: "کار ناقص بود".into(),
        };
        assert_eq!(transition(Done, &reopen), Ok(InProgress));
        assert_eq!(transition(Cancelled, &reopen), Ok(InProgress));
    }

    #[test]
    fn illegal_transitions_say_why() {
        use Status::*;
        assert!(matches!(
            transition(InProgress, &Transition::Start),
            Err(WorkflowError::Illegal { .. })
        ));
        assert!(matches!(
            transition(Done, &Transition::Start),
            Err(WorkflowError::Illegal { .. })
        ));
        let done = Transition::Complete {
            evidence: "x".into(),
        };
        assert!(matches!(
            transition(Done, &done),
            Err(WorkflowError::Illegal { .. })
        ));
        assert!(matches!(
            transition(Cancelled, &done),
            Err(WorkflowError::Illegal { .. })
        ));
        let reopen = Transition::Reopen { reason: "x".into() };
        let e = transition(Approved, &reopen).unwrap_err();
        assert!(e.to_string().contains("reopen") && e.message_fa().contains("بازگشایی"));
        assert_eq!(
            transition(
                Approved,
                &Transition::Complete {
                    evidence: "  ".into()
                }
            ),
            Err(WorkflowError::Missing("evidence"))
        );
        assert_eq!(
            transition(Approved, &Transition::Cancel { reason: "".into() }),
            Err(WorkflowError::Missing("reason"))
        );
        assert_eq!(
            transition(Done, &Transition::Reopen { reason: "".into() }),
            Err(WorkflowError::Missing("reason"))
        );
    }

    #[test]
    fn every_pair_is_decided_by_the_table() {
        // Exhaustive: from every status, every transition either succeeds into an allowed
        // status or fails; nothing else.
        let ts = [
            Transition::Start,
            Transition::Complete {
                evidence: "e".into(),
            },
            Transition::Cancel { reason: "r".into() },
            Transition::Reopen { reason: "r".into() },
        ];
        let mut ok = 0;
        for &s in Status::ALL {
            for t in &ts {
                if transition(s, t).is_ok() {
                    ok += 1;
                }
            }
        }
        // start(1) + complete(2) + cancel(2) + reopen(2)
        assert_eq!(ok, 7);
    }

    #[test]
    fn actions_name_transitions() {
        for t in [
            Transition::Start,
            Transition::Complete {
                evidence: "e".into(),
            },
            Transition::Cancel { reason: "e".into() },
            Transition::Reopen { reason: "e".into() },
        ] {
            let note = if t == Transition::Start { "" } else { "e" };
            assert_eq!(Transition::from_action(t.name(), note), Some(t));
        }
        assert_eq!(Transition::from_action("delete", ""), None);
    }

    #[test]
    fn reports_start_work_and_need_an_open_resolution() {
        assert_eq!(
            status_after_report(Status::Approved),
            Ok(Status::InProgress)
        );
        assert_eq!(
            status_after_report(Status::InProgress),
            Ok(Status::InProgress)
        );
        assert!(status_after_report(Status::Done).is_err());
        assert!(status_after_report(Status::Cancelled).is_err());
    }

    #[test]
    fn lateness_is_derived() {
        let deadline = d(2025, 10, 1);
        assert!(
            !is_overdue(Status::Approved, deadline, d(2025, 10, 1)),
            "the deadline day is on time"
        );
        assert!(is_overdue(Status::Approved, deadline, d(2025, 10, 2)));
        assert!(is_overdue(Status::InProgress, deadline, d(2025, 12, 2)));
        assert!(!is_overdue(Status::Done, deadline, d(2026, 1, 1)));
        assert!(!is_overdue(Status::Cancelled, deadline, d(2026, 1, 1)));
        assert_eq!(
            days_overdue(Status::InProgress, deadline, d(2025, 10, 11)),
            10
        );
        assert_eq!(days_overdue(Status::Done, deadline, d(2025, 10, 11)), 0);
        assert!(is_due_soon(Status::Approved, deadline, d(2025, 9, 24), 7));
        assert!(!is_due_soon(Status::Approved, deadline, d(2025, 9, 23), 7));
        assert!(
            is_due_soon(Status::Approved, deadline, d(2025, 10, 1), 0),
            "due today"
        );
        assert!(
            !is_due_soon(Status::Approved, deadline, d(2025, 10, 2), 7),
            "late is not due soon"
        );
        assert!(done_late(d(2025, 10, 2), deadline));
        assert!(!done_late(d(2025, 10, 1), deadline));
    }

    #[test]
    fn numbers_and_labels() {
        assert_eq!(number(1404, 23, 12, true), "۱۴۰۴/۲۳/۱۲");
        assert_eq!(number(1404, 23, 12, false), "1404/23/12");
        assert_eq!(Priority::parse_loose("فوری"), Some(Priority::Urgent));
        assert_eq!(Priority::parse_loose("?"), None);
        for &s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn extensions_move_deadlines_later() {
        let now = d(2025, 10, 1);
        assert_eq!(
            check_extension(now, d(2025, 9, 30), "x"),
            Err(ExtensionError::NotLater)
        );
        assert_eq!(
            check_extension(now, now, "x"),
            Err(ExtensionError::NotLater)
        );
        assert_eq!(
            check_extension(now, d(2025, 11, 1), " "),
            Err(ExtensionError::NoReason)
        );
        assert_eq!(check_extension(now, d(2025, 11, 1), "تأمین اعتبار"), Ok(()));
    }

    #[test]
    fn medians_and_percents() {
        assert_eq!(median_sorted(&[]), None);
        assert_eq!(median_sorted(&[5]), Some(5.0));
        assert_eq!(median_sorted(&[1, 2, 3, 10]), Some(2.5));
        assert_eq!(median_sorted(&[1, 2, 30]), Some(2.0));
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(5, 0), 0);
    }
}

/// The median of values given as (value, count) pairs sorted by value, rounded to one decimal.
pub fn median_of_histogram(sorted: &[(i64, i64)]) -> Option<f64> {
    let n: i64 = sorted.iter().map(|(_, c)| c).sum();
    if n <= 0 {
        return None;
    }
    // The value at 0-based position k.
    let at = |k: i64| {
        let mut seen = 0;
        for &(v, c) in sorted {
            seen += c;
            if k < seen {
                return v;
            }
        }
        sorted.last().map_or(0, |x| x.0)
    };
    let m = if n % 2 == 1 {
        at(n / 2) as f64
    } else {
        (at(n / 2 - 1) + at(n / 2)) as f64 / 2.0
    };
    Some((m * 10.0).round() / 10.0)
}

#[cfg(test)]
mod histogram_tests {
    use super::*;

    #[test]
    fn histogram_median_matches_the_list_median() {
        assert_eq!(median_of_histogram(&[]), None);
        assert_eq!(median_of_histogram(&[(5, 1)]), Some(5.0));
        // 1,2,3,10 → 2.5 ; 1,2,2,30 → 2
        assert_eq!(
            median_of_histogram(&[(1, 1), (2, 1), (3, 1), (10, 1)]),
            Some(2.5)
        );
        assert_eq!(median_of_histogram(&[(1, 1), (2, 2), (30, 1)]), Some(2.0));
        let values = [3, 9, 9, 14, 14, 14, 20, 41, 41];
        let mut h: Vec<(i64, i64)> = Vec::new();
        for v in values {
            match h.last_mut() {
                Some((x, c)) if *x == v => *c += 1,
                _ => h.push((v, 1)),
            }
        }
        assert_eq!(median_of_histogram(&h), median_sorted(&values));
    }
}
