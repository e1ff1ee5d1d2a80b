//! Residents' priority polls: a neighborhood or district asks its residents to choose among
//! candidate challenges or projects over a period. A resident proves a mobile number (a one-time
//! code by text message) or is checked in person at the neighborhood house, and votes once per
//! poll. The ballot is secret: what is kept of a vote is a count per option.

use chrono::NaiveDate;
use serde::Serialize;

use crate::validate::FieldError;

/// Where a poll is in its life, by the city's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Before its first day: still editable.
    Scheduled,
    Open,
    /// After its last day, results not yet published (only staff see them).
    Closed,
    Published,
}

impl Phase {
    pub fn of(opens: NaiveDate, closes: NaiveDate, published: bool, today: NaiveDate) -> Phase {
        if published {
            Phase::Published
        } else if today < opens {
            Phase::Scheduled
        } else if today <= closes {
            Phase::Open
        } else {
            Phase::Closed
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Scheduled => "scheduled",
            Phase::Open => "open",
            Phase::Closed => "closed",
            Phase::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<Phase> {
        [
            Phase::Scheduled,
            Phase::Open,
            Phase::Closed,
            Phase::Published,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

/// A poll runs at most this many days.
pub const MAX_DAYS: i64 = 92;
/// Options a poll offers.
pub const MIN_OPTIONS: usize = 2;
pub const MAX_OPTIONS: usize = 30;

/// The period a poll is opened (or edited) for: its last day not before its first, at most
/// [`MAX_DAYS`] long, and not begun already.
pub fn check_period(
    opens: NaiveDate,
    closes: NaiveDate,
    today: NaiveDate,
) -> Result<(), FieldError> {
    if closes < opens {
        return Err(FieldError::new(
            "closes_on",
            "روز پایان نظرسنجی پیش از روز آغاز آن است.",
            "The poll's last day is before its first.",
        ));
    }
    if (closes - opens).num_days() + 1 > MAX_DAYS {
        return Err(FieldError::new(
            "closes_on",
            format!(
                "نظرسنجی حداکثر {} روز باز می‌ماند.",
                crate::text::to_persian_digits(&MAX_DAYS.to_string())
            ),
            format!("A poll runs at most {MAX_DAYS} days."),
        ));
    }
    if opens < today {
        return Err(FieldError::new(
            "opens_on",
            "روز آغاز نظرسنجی گذشته است؛ امروز یا روزی پس از آن را بنویسید.",
            "The poll's first day has passed; give today or a later day.",
        ));
    }
    Ok(())
}

/// The options' titles as typed: between [`MIN_OPTIONS`] and [`MAX_OPTIONS`], none empty or
/// longer than 300 characters, no two the same (after Persian normalisation).
pub fn check_options(titles: &[String]) -> Result<(), FieldError> {
    if titles.len() < MIN_OPTIONS || titles.len() > MAX_OPTIONS {
        return Err(FieldError::new(
            "options",
            format!(
                "نظرسنجی {} تا {} گزینه دارد.",
                crate::text::to_persian_digits(&MIN_OPTIONS.to_string()),
                crate::text::to_persian_digits(&MAX_OPTIONS.to_string())
            ),
            format!("A poll has {MIN_OPTIONS} to {MAX_OPTIONS} options."),
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for t in titles {
        let n = t.chars().count();
        if n == 0 || n > 300 {
            return Err(FieldError::new(
                "options",
                "عنوان هر گزینه ۱ تا ۳۰۰ نویسه است.",
                "Each option's title has 1 to 300 characters.",
            ));
        }
        if !seen.insert(crate::text::search_key(t)) {
            return Err(FieldError::new(
                "options",
                format!("گزینه «{t}» دو بار آمده است."),
                format!("The option «{t}» is there twice."),
            ));
        }
    }
    Ok(())
}

/// A ballot: at least one option, at most `max_choices`, each an option of the poll, none
/// twice. Returns the chosen options in the poll's order.
pub fn check_ballot(
    chosen: &[i64],
    options: &[i64],
    max_choices: i64,
) -> Result<Vec<i64>, FieldError> {
    if chosen.is_empty() {
        return Err(FieldError::new(
            "options",
            "دست‌کم یک گزینه را انتخاب کنید.",
            "Choose at least one option.",
        ));
    }
    if chosen.iter().any(|c| !options.contains(c)) {
        return Err(FieldError::new(
            "options",
            "گزینه‌ای که انتخاب کرده‌اید در این نظرسنجی نیست.",
            "An option you chose is not in this poll.",
        ));
    }
    let picked: Vec<i64> = options
        .iter()
        .copied()
        .filter(|o| chosen.contains(o))
        .collect();
    if picked.len() != chosen.len() {
        return Err(FieldError::new(
            "options",
            "هر گزینه را یک بار انتخاب کنید.",
            "Choose each option once.",
        ));
    }
    if picked.len() as i64 > max_choices {
        return Err(FieldError::new(
            "options",
            format!(
                "حداکثر {} گزینه را انتخاب کنید.",
                crate::text::to_persian_digits(&max_choices.to_string())
            ),
            format!("Choose at most {max_choices} options."),
        ));
    }
    Ok(picked)
}

/// An Iranian mobile number in its national form (`09xxxxxxxxx`) from what a resident typed:
/// Persian or Arabic digits, spaces and dashes, `+98`, `0098` or `98` before it.
pub fn normalize_mobile(input: &str) -> Option<String> {
    let t = crate::text::to_latin_digits(input.trim());
    if !t
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | '(' | ')'))
    {
        return None;
    }
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    let rest = if let Some(r) = digits.strip_prefix("0098") {
        r
    } else if let Some(r) = digits.strip_prefix("98").filter(|r| r.len() == 10) {
        r
    } else if let Some(r) = digits.strip_prefix('0') {
        r
    } else {
        &digits
    };
    (rest.len() == 10 && rest.starts_with('9')).then(|| format!("0{rest}"))
}

/// An Iranian national code (کد ملی): ten digits whose last is the check digit.
pub fn normalize_national_code(input: &str) -> Option<String> {
    let t: String = crate::text::to_latin_digits(input.trim())
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    if t.len() != 10 || !t.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let d: Vec<u32> = t.chars().filter_map(|c| c.to_digit(10)).collect();
    if d.iter().all(|x| *x == d[0]) {
        return None;
    }
    let sum: u32 = (0..9).map(|i| d[i] * (10 - i as u32)).sum();
    let r = sum % 11;
    let check = if r < 2 { r } else { 11 - r };
    (d[9] == check).then_some(t)
}

/// Who votes: the identifier a resident proved. The kind is part of the key, so that a number
/// cannot pose as a national code.
pub fn voter_identity(mobile_or_code: &str) -> Option<String> {
    if let Some(m) = normalize_mobile(mobile_or_code) {
        return Some(format!("mobile:{m}"));
    }
    normalize_national_code(mobile_or_code).map(|c| format!("national:{c}"))
}

/// One-time codes: six digits, good for this long and this many wrong tries; a number gets at
/// most [`MAX_CODES`] codes per poll, one a minute.
pub const CODE_MINUTES: i64 = 15;
pub const MAX_ATTEMPTS: i64 = 5;
pub const MAX_CODES: i64 = 5;
pub const RESEND_SECONDS: i64 = 60;

/// Whether a resident may be sent another code now: `issued` codes so far for this poll, the
/// last `seconds_since` ago.
pub fn may_issue_code(issued: i64, seconds_since: Option<i64>) -> Result<(), FieldError> {
    if issued >= MAX_CODES {
        return Err(FieldError::new(
            "mobile",
            "برای این شماره در این نظرسنجی کد کافی فرستاده شده است؛ در خانه محله رأی دهید.",
            "Enough codes were sent to this number for this poll; vote at the neighborhood house.",
        ));
    }
    if let Some(s) = seconds_since.filter(|s| *s < RESEND_SECONDS) {
        let wait = RESEND_SECONDS - s;
        return Err(FieldError::new(
            "mobile",
            format!(
                "کد پیش‌تر فرستاده شد؛ {} ثانیه دیگر دوباره بخواهید.",
                crate::text::to_persian_digits(&wait.to_string())
            ),
            format!("A code was sent already; ask again in {wait} seconds."),
        ));
    }
    Ok(())
}

/// Turnout in tenths of a percent of the population it was asked of, when that is known.
pub fn turnout_permille(voters: i64, population: Option<i64>) -> Option<i64> {
    population
        .filter(|p| *p > 0)
        .map(|p| (voters * 1000 + p / 2) / p)
}

/// Options `(id, position, votes)` ranked for publishing as `(id, votes, share)`: most votes first, ties in the poll's order; each with its
/// share of the voters in tenths of a percent (a voter may choose several).
pub fn rank(options: &[(i64, i64, i64)], voters: i64) -> Vec<(i64, i64, i64)> {
    let mut v = options.to_vec();
    v.sort_by(|a, b| b.2.cmp(&a.2).then(a.1.cmp(&b.1)));
    v.into_iter()
        .map(|(id, _, votes)| {
            let share = if voters > 0 {
                (votes * 1000 + voters / 2) / voters
            } else {
                0
            };
            (id, votes, share)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn phase_follows_the_citys_date_and_publishing() {
        let (o, c) = (d(2026, 12, 10), d(2026, 12, 20));
        assert_eq!(Phase::of(o, c, false, d(2026, 12, 9)), Phase::Scheduled);
        assert_eq!(Phase::of(o, c, false, o), Phase::Open);
        assert_eq!(Phase::of(o, c, false, c), Phase::Open);
        assert_eq!(Phase::of(o, c, false, d(2026, 12, 21)), Phase::Closed);
        assert_eq!(Phase::of(o, c, true, d(2026, 12, 21)), Phase::Published);
        assert_eq!(Phase::parse("open"), Some(Phase::Open));
    }

    #[test]
    fn periods_are_checked() {
        let today = d(2026, 12, 7);
        assert!(check_period(today, today, today).is_ok());
        assert_eq!(
            check_period(d(2026, 12, 9), d(2026, 12, 8), today)
                .unwrap_err()
                .field,
            "closes_on"
        );
        assert!(check_period(today, today + chrono::Duration::days(91), today).is_ok());
        assert!(check_period(today, today + chrono::Duration::days(92), today).is_err());
        assert_eq!(
            check_period(d(2026, 12, 6), d(2026, 12, 8), today)
                .unwrap_err()
                .field,
            "opens_on"
        );
    }

    #[test]
    fn options_are_two_to_thirty_and_distinct() {
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(check_options(&s(&["پارک", "روشنایی"])).is_ok());
        assert!(check_options(&s(&["پارک"])).is_err());
        // Arabic yeh and kaf are the same letters as Persian ones.
        assert!(check_options(&s(&["پارکینگ محله", "پاركينگ محله"])).is_err());
        assert!(check_options(&s(&["الف", ""])).is_err());
    }

    #[test]
    fn ballots_are_within_the_poll_and_its_limit() {
        let opts = [11, 12, 13];
        assert_eq!(check_ballot(&[13, 11], &opts, 2).unwrap(), vec![11, 13]);
        assert!(check_ballot(&[], &opts, 2).is_err());
        assert!(check_ballot(&[14], &opts, 2).is_err());
        assert!(check_ballot(&[11, 11], &opts, 2).is_err());
        assert!(check_ballot(&[11, 12, 13], &opts, 2).is_err());
    }

    #[test]
    fn mobile_numbers_in_every_common_spelling() {
        for typed in [
            "09121234567",
            "۰۹۱۲۱۲۳۴۵۶۷",
            "+98 912 123 4567",
            "00989121234567",
            "989121234567",
            "9121234567",
            "0912-123-4567",
        ] {
            assert_eq!(
                normalize_mobile(typed).as_deref(),
                Some("09121234567"),
                "{typed}"
            );
        }
        for bad in [
            "02188776655",
            "0912123456",
            "09121234567x",
            "",
            "+1 415 555 0100",
        ] {
            assert_eq!(normalize_mobile(bad), None, "{bad}");
        }
    }

    #[test]
    fn national_codes_carry_their_check_digit() {
        assert_eq!(
            normalize_national_code("۰۰۱۳۵۴۲۴۱۹").as_deref(),
            Some("0013542419")
        );
        assert_eq!(normalize_national_code("0013542418"), None);
        assert_eq!(normalize_national_code("1111111111"), None);
        assert_eq!(
            voter_identity("0013542419").as_deref(),
            Some("national:0013542419")
        );
        assert_eq!(
            voter_identity("0912 123 4567").as_deref(),
            Some("mobile:09121234567")
        );
    }

    #[test]
    fn codes_are_rationed() {
        assert!(may_issue_code(0, None).is_ok());
        assert!(may_issue_code(1, Some(30)).is_err());
        assert!(may_issue_code(1, Some(60)).is_ok());
        assert!(may_issue_code(MAX_CODES, Some(3600)).is_err());
    }

    #[test]
    fn results_rank_and_share() {
        assert_eq!(turnout_permille(25, Some(1000)), Some(25));
        assert_eq!(turnout_permille(25, None), None);
        assert_eq!(turnout_permille(25, Some(0)), None);
        let ranked = rank(&[(1, 1, 5), (2, 2, 9), (3, 3, 5)], 12);
        assert_eq!(ranked, vec![(2, 9, 750), (1, 5, 417), (3, 5, 417)]);
        assert_eq!(rank(&[(1, 1, 0)], 0), vec![(1, 0, 0)]);
    }
}
