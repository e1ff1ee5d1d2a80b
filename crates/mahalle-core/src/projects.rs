//! Priority projects (پروژه‌های اولویت‌دار) of a district or neighborhood: their status, progress
//! derived from weighted milestones (or reported when a project has none), the first day a
//! project falls behind its plan, and the checks on what is typed.
//!
//! Whether a project is behind depends on the day, so it cannot be kept as a flag; but the day
//! it falls behind depends only on its plan and its progress, which change by writes. That day
//! is kept with the project, and "behind today" is a comparison an index answers.

use chrono::NaiveDate;

use crate::coded::coded_enum;
use crate::validate::FieldError;

coded_enum!(
    /// Where a project stands.
    ProjectStatus {
        Planned = "planned", "در برنامه", "Planned";
        UnderWay = "under_way", "در حال اجرا", "Under way";
        Suspended = "suspended", "متوقف", "Suspended";
        Done = "done", "پایان‌یافته", "Done";
        Cancelled = "cancelled", "لغوشده", "Cancelled";
    }
);

impl ProjectStatus {
    /// Still expected to move forward on plan (so it can fall behind).
    pub fn is_open(self) -> bool {
        matches!(self, ProjectStatus::Planned | ProjectStatus::UnderWay)
    }
}

/// A milestone as the rules need it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Milestone {
    pub weight: i64,
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
}

pub const MAX_MILESTONES: usize = 40;
pub const MAX_WEIGHT: i64 = 1000;
/// Ten thousand trillion rials: above any city's yearly budget, well inside an i64.
pub const MAX_BUDGET_RIALS: i64 = 10_000_000_000_000_000;
/// A project's planned period is at most this many days (ten years).
pub const MAX_SPAN_DAYS: i64 = 3653;
/// Reported progress is an estimate: a project without milestones is behind only once the time
/// elapsed exceeds it by more than this many per mille of its period.
pub const REPORTED_TOLERANCE: i64 = 100;

/// Progress in per mille: the done milestones' share of all the weight, or, without milestones,
/// what was last reported (0 if nothing was).
pub fn progress(milestones: &[Milestone], reported: Option<i64>) -> i64 {
    let total: i64 = milestones.iter().map(|m| m.weight.max(0)).sum();
    if total == 0 {
        return reported.unwrap_or(0).clamp(0, 1000);
    }
    let done: i64 = milestones
        .iter()
        .filter(|m| m.done_on.is_some())
        .map(|m| m.weight.max(0))
        .sum();
    done * 1000 / total
}

/// A project's progress with its status: a done project without milestones is whole.
pub fn progress_of(status: ProjectStatus, milestones: &[Milestone], reported: Option<i64>) -> i64 {
    if status == ProjectStatus::Done && milestones.is_empty() {
        1000
    } else {
        progress(milestones, reported)
    }
}

/// The first day the project is behind its plan, or `None` if it never will be with the progress
/// it has. With milestones: the first due date by which more weight is due than is done. Without:
/// the day the share of its period elapsed exceeds its reported progress by the tolerance.
pub fn behind_since(
    milestones: &[Milestone],
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    reported: Option<i64>,
) -> Option<NaiveDate> {
    if milestones.iter().any(|m| m.weight > 0) {
        let done: i64 = milestones
            .iter()
            .filter(|m| m.done_on.is_some())
            .map(|m| m.weight.max(0))
            .sum();
        let mut due: Vec<(NaiveDate, i64)> = milestones
            .iter()
            .map(|m| (m.due_on, m.weight.max(0)))
            .collect();
        due.sort();
        let mut cumulative = 0;
        for (on, weight) in due {
            cumulative += weight;
            if cumulative > done {
                // Behind the day after a milestone's due date passes undone.
                return on.succ_opt();
            }
        }
        return None;
    }
    let progress = reported.unwrap_or(0).clamp(0, 1000);
    let allowed = progress + REPORTED_TOLERANCE;
    if allowed >= 1000 {
        // Within the tolerance at the planned end: behind only after it passes unfinished.
        return (progress < 1000).then(|| ends_on.succ_opt()).flatten();
    }
    let span = (ends_on - starts_on).num_days().max(1);
    // Behind on the first day d with (d - start) / span > allowed / 1000.
    let elapsed = allowed * span / 1000 + 1;
    starts_on.checked_add_signed(chrono::Duration::days(elapsed))
}

/// How a project stands on a day, for lists and badges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    Done,
    Cancelled,
    Suspended,
    /// Behind plan by this many days.
    Behind(i64),
    OnPlan,
}

impl Standing {
    pub fn of(status: ProjectStatus, behind_since: Option<NaiveDate>, today: NaiveDate) -> Self {
        match status {
            ProjectStatus::Done => Standing::Done,
            ProjectStatus::Cancelled => Standing::Cancelled,
            ProjectStatus::Suspended => Standing::Suspended,
            ProjectStatus::Planned | ProjectStatus::UnderWay => match behind_since {
                Some(d) if d <= today => Standing::Behind((today - d).num_days() + 1),
                _ => Standing::OnPlan,
            },
        }
    }
}

/// The planned period: it ends on or after its start, within ten years.
pub fn check_period(starts_on: NaiveDate, ends_on: NaiveDate) -> Result<(), FieldError> {
    if ends_on < starts_on {
        return Err(FieldError::new(
            "ends_on",
            "پایان برنامه‌ریزی‌شده نمی‌تواند پیش از آغاز باشد.",
            "The planned end cannot be before the start.",
        ));
    }
    if (ends_on - starts_on).num_days() > MAX_SPAN_DAYS {
        return Err(FieldError::new(
            "ends_on",
            "دوره پروژه بیش از ده سال نمی‌تواند باشد.",
            "A project's period cannot exceed ten years.",
        ));
    }
    Ok(())
}

/// Milestones: at most [`MAX_MILESTONES`], each with a positive weight up to [`MAX_WEIGHT`], due
/// within the project's period, and not done in the future.
pub fn check_milestones(
    milestones: &[Milestone],
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    today: NaiveDate,
) -> Result<(), FieldError> {
    if milestones.len() > MAX_MILESTONES {
        return Err(FieldError::new(
            "milestones",
            format!(
                "یک پروژه حداکثر {} گام دارد.",
                crate::text::to_persian_digits(&MAX_MILESTONES.to_string())
            ),
            format!("A project has at most {MAX_MILESTONES} milestones."),
        ));
    }
    for m in milestones {
        if !(1..=MAX_WEIGHT).contains(&m.weight) {
            return Err(FieldError::new(
                "milestones",
                "وزن هر گام عددی مثبت تا ۱۰۰۰ است.",
                "Each milestone's weight is a positive number up to 1000.",
            ));
        }
        if m.due_on < starts_on || m.due_on > ends_on {
            return Err(FieldError::new(
                "milestones",
                "موعد هر گام باید میان آغاز و پایان برنامه‌ریزی‌شده پروژه باشد.",
                "Each milestone must fall due between the project's start and planned end.",
            ));
        }
        if m.done_on.is_some_and(|d| d > today) {
            return Err(FieldError::new(
                "milestones",
                "تاریخ انجام گام نمی‌تواند در آینده باشد.",
                "A milestone cannot be done on a future day.",
            ));
        }
    }
    Ok(())
}

/// A project is done only once its milestones are.
pub fn check_done(status: ProjectStatus, milestones: &[Milestone]) -> Result<(), FieldError> {
    if status == ProjectStatus::Done && milestones.iter().any(|m| m.done_on.is_none()) {
        return Err(FieldError::new(
            "status",
            "پیش از پایان پروژه، انجام همه گام‌هایش را ثبت کنید.",
            "Record every milestone as done before the project is done.",
        ));
    }
    Ok(())
}

/// A budget in rials, typed with any digits and thousands separators; empty is none.
pub fn budget(input: &str) -> Result<Option<i64>, FieldError> {
    crate::validate::optional_count("budget_rials", input, MAX_BUDGET_RIALS).map_err(|_| {
        FieldError::new(
            "budget_rials",
            "اعتبار را به ریال و با رقم بنویسید (مانند ۱۲٬۵۰۰٬۰۰۰٬۰۰۰).",
            "Give the budget in rials, in figures (like 12,500,000,000).",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn ms(list: &[(i64, NaiveDate, Option<NaiveDate>)]) -> Vec<Milestone> {
        list.iter()
            .map(|&(weight, due_on, done_on)| Milestone {
                weight,
                due_on,
                done_on,
            })
            .collect()
    }

    #[test]
    fn progress_is_the_done_weight_or_what_was_reported() {
        let m = ms(&[
            (1, d(2026, 3, 1), Some(d(2026, 2, 20))),
            (3, d(2026, 6, 1), None),
        ]);
        assert_eq!(progress(&m, Some(900)), 250, "milestones win over a report");
        assert_eq!(progress(&[], Some(420)), 420);
        assert_eq!(progress(&[], None), 0);
        assert_eq!(progress(&[], Some(5000)), 1000);
        assert_eq!(progress_of(ProjectStatus::Done, &[], Some(300)), 1000);
        assert_eq!(progress_of(ProjectStatus::UnderWay, &[], Some(300)), 300);
        assert_eq!(progress_of(ProjectStatus::Done, &m, None), 250);
    }

    #[test]
    fn behind_from_the_day_after_a_milestone_passes_undone() {
        let (start, end) = (d(2026, 1, 1), d(2026, 12, 31));
        let m = ms(&[
            (1, d(2026, 3, 1), Some(d(2026, 2, 20))),
            (2, d(2026, 6, 1), None),
            (1, d(2026, 9, 1), None),
        ]);
        assert_eq!(behind_since(&m, start, end, None), Some(d(2026, 6, 2)));
        // Done out of order: a later, heavier milestone done early covers the weight of the
        // first two until the third falls due.
        let m = ms(&[
            (1, d(2026, 3, 1), None),
            (2, d(2026, 6, 1), None),
            (3, d(2026, 9, 1), Some(d(2026, 2, 1))),
        ]);
        assert_eq!(behind_since(&m, start, end, None), Some(d(2026, 9, 2)));
        let all = ms(&[(5, d(2026, 3, 1), Some(d(2026, 3, 1)))]);
        assert_eq!(behind_since(&all, start, end, None), None);
        assert_eq!(
            Standing::of(ProjectStatus::UnderWay, Some(d(2026, 6, 2)), d(2026, 6, 11)),
            Standing::Behind(10)
        );
        assert_eq!(
            Standing::of(ProjectStatus::UnderWay, Some(d(2026, 6, 2)), d(2026, 6, 1)),
            Standing::OnPlan
        );
        assert_eq!(
            Standing::of(ProjectStatus::Suspended, Some(d(2026, 1, 2)), d(2026, 6, 1)),
            Standing::Suspended
        );
    }

    #[test]
    fn without_milestones_behind_once_time_outruns_the_report() {
        let (start, end) = (d(2026, 1, 1), d(2026, 1, 1) + chrono::Duration::days(1000));
        // 30% reported, 10% tolerance: behind once more than 40% of 1000 days passed.
        assert_eq!(
            behind_since(&[], start, end, Some(300)),
            Some(start + chrono::Duration::days(401))
        );
        assert_eq!(
            behind_since(&[], start, end, None),
            Some(start + chrono::Duration::days(101))
        );
        // Nearly finished: behind only once the planned end passes.
        assert_eq!(behind_since(&[], start, end, Some(950)), end.succ_opt());
        assert_eq!(behind_since(&[], start, end, Some(1000)), None);
        // A one-day project.
        assert_eq!(
            behind_since(&[], start, start, Some(0)),
            Some(start + chrono::Duration::days(1))
        );
    }

    #[test]
    fn bad_plans_are_refused_with_messages() {
        let (start, end) = (d(2026, 1, 1), d(2026, 12, 31));
        assert!(check_period(start, end).is_ok());
        let e = check_period(end, start).unwrap_err();
        assert_eq!(e.field, "ends_on");
        assert!(check_period(start, start + chrono::Duration::days(4000)).is_err());
        let today = d(2026, 5, 1);
        let ok = ms(&[(10, d(2026, 2, 1), Some(d(2026, 4, 1)))]);
        assert!(check_milestones(&ok, start, end, today).is_ok());
        for bad in [
            ms(&[(0, d(2026, 2, 1), None)]),
            ms(&[(-3, d(2026, 2, 1), None)]),
            ms(&[(1001, d(2026, 2, 1), None)]),
            ms(&[(1, d(2025, 12, 31), None)]),
            ms(&[(1, d(2027, 1, 1), None)]),
            ms(&[(1, d(2026, 2, 1), Some(d(2026, 5, 2)))]),
        ] {
            assert_eq!(
                check_milestones(&bad, start, end, today).unwrap_err().field,
                "milestones",
                "{bad:?}"
            );
        }
        let many = vec![ok[0]; MAX_MILESTONES + 1];
        assert!(check_milestones(&many, start, end, today).is_err());
        let open = ms(&[(1, d(2026, 2, 1), None)]);
        assert!(check_done(ProjectStatus::Done, &open).is_err());
        assert!(check_done(ProjectStatus::UnderWay, &open).is_ok());
        assert!(check_done(ProjectStatus::Done, &ok).is_ok());
    }

    #[test]
    fn budgets_read_any_digits_and_separators() {
        assert_eq!(budget("۱۲٬۵۰۰٬۰۰۰٬۰۰۰").unwrap(), Some(12_500_000_000));
        assert_eq!(budget("12,500,000,000").unwrap(), Some(12_500_000_000));
        assert_eq!(budget(" ").unwrap(), None);
        assert!(budget("-5").is_err());
        assert!(budget("twelve").is_err());
        assert!(budget("99999999999999999999").is_err());
        assert_eq!(
            ProjectStatus::parse_loose("در حال اجرا"),
            Some(ProjectStatus::UnderWay)
        );
    }
}
