//! Solar Hijri (Jalali) calendar: the civil calendar of Iran.
//!
//! Storage and arithmetic stay Gregorian (`chrono::NaiveDate`); Jalali is a
//! presentation and input concern, so this module only converts, validates,
//! parses and formats. The conversion itself is delegated to `icu_calendar`'s
//! `Persian` calendar (33-year arithmetic rule plus ICU's correction table,
//! which matches the astronomical calendar used by Iran for 1178–3000 AP).
//!
//! # Supported range
//!
//! Conversions are exact for Jalali years −9999..=9999 (ICU's constructor
//! range). The tests round-trip every day of Gregorian 1900-01-01..=2100-12-31
//! (1278-10-11..=1479-10-10 AP) and check each year's 1 Farvardin and leap
//! status there against an independent port of jalaali-js's algorithm, so
//! that is the range to rely on.

use std::fmt;

use chrono::{Datelike, NaiveDate, Weekday};
use icu_calendar::cal::Persian;
use icu_calendar::types::RataDie;
use icu_calendar::Date;
use serde::{Deserialize, Serialize};

use crate::text::{to_latin_digits, to_persian_digits};

/// Smallest Jalali year accepted by [`JalaliDate::new`] (ICU's constructor limit).
pub const MIN_YEAR: i32 = -9999;
/// Largest Jalali year accepted by [`JalaliDate::new`] (ICU's constructor limit).
pub const MAX_YEAR: i32 = 9999;

/// A valid date of the Jalali calendar.
///
/// Field order makes the derived `Ord` chronological. Deserialisation goes
/// through [`JalaliDate::new`], so a deserialised value is always valid; a
/// value built with a struct literal is not checked, and [`JalaliDate::to_gregorian`]
/// clamps its fields instead of panicking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawJalaliDate")]
pub struct JalaliDate {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// Unvalidated wire form, so that serde cannot bypass [`JalaliDate::new`].
#[derive(Deserialize)]
struct RawJalaliDate {
    year: i32,
    month: u8,
    day: u8,
}

impl TryFrom<RawJalaliDate> for JalaliDate {
    type Error = JalaliError;

    fn try_from(raw: RawJalaliDate) -> Result<Self, Self::Error> {
        JalaliDate::new(raw.year, raw.month, raw.day)
    }
}

/// Why a Jalali date could not be built or parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JalaliError {
    /// The input was empty or only whitespace.
    #[error("no date was given")]
    Empty,
    /// The input is not shaped like `year/month/day`; holds the (trimmed,
    /// shortened) input for the error message.
    #[error("malformed Jalali date {0:?}: expected year/month/day, e.g. 1404/07/09")]
    Malformed(String),
    /// Well-formed, but no such day exists (month 13, 30 Esfand of a common year, ...).
    #[error("{year}/{month}/{day} is not a valid Jalali date")]
    OutOfRange { year: i32, month: u8, day: u8 },
}

impl JalaliError {
    /// The same error, worded for Persian-speaking users.
    pub fn message_fa(&self) -> String {
        match self {
            JalaliError::Empty => "تاریخ وارد نشده است.".to_owned(),
            JalaliError::Malformed(input) => {
                format!("تاریخ «{input}» قابل فهم نیست؛ آن را به شکل ۱۴۰۴/۰۷/۰۹ وارد کنید.")
            }
            JalaliError::OutOfRange { year, month, day } => format!(
                "تاریخ {} در تقویم وجود ندارد.",
                to_persian_digits(&format!("{year}/{month:02}/{day:02}"))
            ),
        }
    }
}

impl JalaliDate {
    /// Builds a date after checking the month (1..=12), the day against the
    /// month's length (31, 30, or 29/30 for Esfand) and the year range.
    pub fn new(year: i32, month: u8, day: u8) -> Result<Self, JalaliError> {
        let valid = (MIN_YEAR..=MAX_YEAR).contains(&year)
            && (1..=12).contains(&month)
            && (1..=days_in_month(year, month)).contains(&day);
        if valid {
            Ok(JalaliDate { year, month, day })
        } else {
            Err(JalaliError::OutOfRange { year, month, day })
        }
    }

    /// Converts any `NaiveDate`; exact within the documented range.
    pub fn from_gregorian(d: NaiveDate) -> Self {
        // Rata Die and chrono's day count share the epoch (0001-01-01 = day 1),
        // and ICU clamps instead of failing, so this cannot panic.
        let rd = RataDie::new(i64::from(d.num_days_from_ce()));
        let p = Date::from_rata_die(rd, Persian::new());
        JalaliDate {
            year: p.era_year().extended_year,
            month: p.month().ordinal,
            day: p.day_of_month().0,
        }
    }

    /// Converts back to Gregorian. Fields out of range (only possible with a
    /// struct literal) are clamped to the nearest valid date.
    pub fn to_gregorian(self) -> NaiveDate {
        let year = self.year.clamp(MIN_YEAR, MAX_YEAR);
        let month = self.month.clamp(1, 12);
        let day = self.day.clamp(1, days_in_month(year, month));
        Date::try_new_persian(year, month, day)
            .ok()
            .and_then(|p| i32::try_from(p.to_rata_die().to_i64_date()).ok())
            .and_then(NaiveDate::from_num_days_from_ce_opt)
            // Unreachable: clamped fields are valid and ±9999 AP fits chrono.
            .unwrap_or(NaiveDate::MIN)
    }

    /// Persian weekday name; the Iranian week starts on Saturday (شنبه).
    pub fn weekday_fa(self) -> &'static str {
        match self.to_gregorian().weekday() {
            Weekday::Sat => "شنبه",
            Weekday::Sun => "یکشنبه",
            Weekday::Mon => "دوشنبه",
            Weekday::Tue => "سه‌شنبه",
            Weekday::Wed => "چهارشنبه",
            Weekday::Thu => "پنجشنبه",
            Weekday::Fri => "جمعه",
        }
    }
}

/// `1404/07/09`, ASCII digits; the canonical machine-readable form.
impl fmt::Display for JalaliDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{:02}/{:02}", self.year, self.month, self.day)
    }
}

/// Whether Esfand of `year` has 30 days. Years outside the supported range
/// report `false`.
pub fn is_leap_year(year: i32) -> bool {
    Date::try_new_persian(year, 1, 1).is_ok_and(|d| d.is_in_leap_year())
}

/// Length of a month: 31 for Farvardin–Shahrivar, 30 for Mehr–Bahman,
/// 29 or 30 for Esfand; 0 for a month number outside 1..=12.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1..=6 => 31,
        7..=11 => 30,
        12 if is_leap_year(year) => 30,
        12 => 29,
        _ => 0,
    }
}

const MONTHS_FA: [&str; 12] = [
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
];

const MONTHS_EN: [&str; 12] = [
    "Farvardin",
    "Ordibehesht",
    "Khordad",
    "Tir",
    "Mordad",
    "Shahrivar",
    "Mehr",
    "Aban",
    "Azar",
    "Dey",
    "Bahman",
    "Esfand",
];

fn month_name(names: &[&'static str; 12], month: u8) -> &'static str {
    usize::from(month)
        .checked_sub(1)
        .and_then(|i| names.get(i))
        .copied()
        .unwrap_or("")
}

/// Persian month name (فروردین ... اسفند); empty for a month outside 1..=12.
pub fn month_name_fa(month: u8) -> &'static str {
    month_name(&MONTHS_FA, month)
}

/// Romanised month name (Farvardin ... Esfand); empty for a month outside 1..=12.
pub fn month_name_en(month: u8) -> &'static str {
    month_name(&MONTHS_EN, month)
}

/// Longest slice of user input echoed back inside [`JalaliError::Malformed`].
const ECHO_LIMIT: usize = 40;

/// Parses a Jalali date typed by a user and returns the Gregorian date.
///
/// Accepts Persian (`۱۴۰۴/۰۷/۰۹`), Arabic-Indic (`١٤٠٤/٧/٩`) or ASCII digits;
/// one separator out of `/ - .` (or the Arabic decimal separator `٫`), or just
/// spaces, between the parts, with optional spaces around it; one or two digit
/// month and day. The year must have four digits: guessing the century of
/// `04/7/9` is how wrong dates get stored.
pub fn parse(input: &str) -> Result<NaiveDate, JalaliError> {
    let trimmed = input.trim();
    if trimmed.is_empty() {
        return Err(JalaliError::Empty);
    }
    let malformed = || JalaliError::Malformed(trimmed.chars().take(ECHO_LIMIT).collect());
    let latin = to_latin_digits(trimmed);

    let mut parts: Vec<&str> = Vec::with_capacity(3);
    let mut rest = latin.as_str();
    loop {
        let digits_len = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (digits, after) = rest.split_at(digits_len);
        if digits.is_empty() || parts.len() == 3 {
            return Err(malformed());
        }
        parts.push(digits);
        if after.is_empty() {
            break;
        }
        // Between two numbers: spaces, at most one separator, spaces.
        let spaced = after.trim_start();
        let separator = spaced.strip_prefix(['/', '-', '.', '٫']);
        if separator.is_none() && spaced.len() == after.len() {
            return Err(malformed());
        }
        rest = separator.unwrap_or(spaced).trim_start();
    }

    let [y, m, d] = parts.as_slice() else {
        return Err(malformed());
    };
    // `0404` has four digits but is no year anyone means (the fuzzer found it took it for 404).
    if y.len() != 4
        || y.starts_with('0')
        || !(1..=2).contains(&m.len())
        || !(1..=2).contains(&d.len())
    {
        return Err(malformed());
    }
    // Lengths are bounded above, so these parses cannot overflow.
    let (Ok(year), Ok(month), Ok(day)) = (y.parse::<i32>(), m.parse::<u8>(), d.parse::<u8>())
    else {
        return Err(malformed());
    };
    JalaliDate::new(year, month, day).map(JalaliDate::to_gregorian)
}

/// `1404/07/09`, or `۱۴۰۴/۰۷/۰۹` with `persian_digits`; zero-padded so that
/// columns line up in tables.
pub fn format_numeric(d: NaiveDate, persian_digits: bool) -> String {
    let s = JalaliDate::from_gregorian(d).to_string();
    if persian_digits {
        to_persian_digits(&s)
    } else {
        s
    }
}

/// `۹ مهر ۱۴۰۴`: the form used in Persian prose and letters.
pub fn format_long_fa(d: NaiveDate) -> String {
    let j = JalaliDate::from_gregorian(d);
    to_persian_digits(&format!("{} {} {}", j.day, month_name_fa(j.month), j.year))
}

/// `9 Mehr 1404`: for English-language pages.
pub fn format_long_en(d: NaiveDate) -> String {
    let j = JalaliDate::from_gregorian(d);
    format!("{} {} {}", j.day, month_name_en(j.month), j.year)
}

/// The first day of every Jalali month that overlaps `from..=to`, in order, and the first day of
/// the month after the last: month `i` spans `starts[i]..starts[i + 1]`. Empty if `to < from`.
pub fn month_starts(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    if to < from {
        return Vec::new();
    }
    let first = JalaliDate::from_gregorian(from);
    let (mut year, mut month) = (first.year, first.month);
    let mut out = Vec::new();
    loop {
        let start = JalaliDate {
            year,
            month,
            day: 1,
        }
        .to_gregorian();
        out.push(start);
        if start > to || year >= MAX_YEAR {
            break;
        }
        (year, month) = if month == 12 {
            (year + 1, 1)
        } else {
            (year, month + 1)
        };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_with_a_leading_zero_is_refused() {
        assert!(matches!(
            parse("۰۴۰۴/۰۷/۰۹"),
            Err(JalaliError::Malformed(_))
        ));
        assert!(matches!(parse("0999/1/1"), Err(JalaliError::Malformed(_))));
        assert!(parse("1404/7/9").is_ok());
    }

    fn g(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    fn j(y: i32, m: u8, d: u8) -> JalaliDate {
        JalaliDate::new(y, m, d).expect("valid test Jalali date")
    }

    /// Independent reference: the `jalCal` routine of jalaali-js (Borkowski's
    /// breaks table). Returns (Gregorian March day of 1 Farvardin, is leap).
    fn reference_jal_cal(jy: i32) -> (u32, bool) {
        const BREAKS: [i32; 20] = [
            -61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262,
            2324, 2394, 2456, 3178,
        ];
        assert!(jy >= BREAKS[0] && jy < BREAKS[19]);
        let gy = jy + 621;
        let mut leap_j = -14;
        let mut jp = BREAKS[0];
        let mut jump = 0;
        for &jm in &BREAKS[1..] {
            jump = jm - jp;
            if jy < jm {
                break;
            }
            leap_j += jump / 33 * 8 + jump % 33 / 4;
            jp = jm;
        }
        let mut n = jy - jp;
        leap_j += n / 33 * 8 + (n % 33 + 3) / 4;
        if jump % 33 == 4 && jump - n == 4 {
            leap_j += 1;
        }
        let leap_g = gy / 4 - (gy / 100 + 1) * 3 / 4 - 150;
        let march = 20 + leap_j - leap_g;
        if jump - n < 6 {
            n = n - jump + (jump + 4) / 33 * 33;
        }
        let mut leap = ((n + 1) % 33 - 1) % 4;
        if leap == -1 {
            leap = 4;
        }
        (u32::try_from(march).expect("march day"), leap == 0)
    }

    #[test]
    fn agrees_with_jalaali_js_reference() {
        for jy in 1278..=1480 {
            let (march, leap) = reference_jal_cal(jy);
            assert_eq!(j(jy, 1, 1).to_gregorian(), g(jy + 621, 3, march), "{jy}");
            assert_eq!(is_leap_year(jy), leap, "leap {jy}");
        }
    }

    #[test]
    fn round_trip_every_day_1900_to_2100() {
        let mut day = g(1900, 1, 1);
        let last = g(2100, 12, 31);
        let mut prev: Option<JalaliDate> = None;
        let mut count = 0;
        while day <= last {
            let jd = JalaliDate::from_gregorian(day);
            assert_eq!(JalaliDate::new(jd.year, jd.month, jd.day), Ok(jd));
            assert_eq!(jd.to_gregorian(), day, "{jd} from {day}");
            if let Some(p) = prev {
                assert!(p < jd, "{p} !< {jd}");
                let next_expected = if p.day < days_in_month(p.year, p.month) {
                    JalaliDate {
                        day: p.day + 1,
                        ..p
                    }
                } else if p.month < 12 {
                    JalaliDate {
                        month: p.month + 1,
                        day: 1,
                        ..p
                    }
                } else {
                    JalaliDate {
                        year: p.year + 1,
                        month: 1,
                        day: 1,
                    }
                };
                assert_eq!(jd, next_expected);
            }
            prev = Some(jd);
            day = day.succ_opt().expect("within chrono range");
            count += 1;
        }
        assert_eq!(count, 73_414);
        assert_eq!(JalaliDate::from_gregorian(g(1900, 1, 1)), j(1278, 10, 11));
        assert_eq!(JalaliDate::from_gregorian(last), j(1479, 10, 10));
    }

    #[test]
    fn anchors() {
        assert_eq!(j(1404, 1, 1).to_gregorian(), g(2025, 3, 21));
        assert_eq!(j(1403, 1, 1).to_gregorian(), g(2024, 3, 20));
        assert_eq!(j(1400, 1, 1).to_gregorian(), g(2021, 3, 21));
        assert_eq!(j(1300, 1, 1).to_gregorian(), g(1921, 3, 21));
        assert_eq!(j(1279, 1, 1).to_gregorian(), g(1900, 3, 21));
        // 2025-01-01 is 12 Dey 1403, not 11: 1403 began a day early (2024-03-20).
        assert_eq!(JalaliDate::from_gregorian(g(2025, 1, 1)), j(1403, 10, 12));
        assert_eq!(j(1403, 10, 11).to_gregorian(), g(2024, 12, 31));
        assert_eq!(JalaliDate::from_gregorian(g(2025, 10, 1)), j(1404, 7, 9));
    }

    #[test]
    fn leap_years_and_esfand() {
        assert!(is_leap_year(1403));
        assert!(is_leap_year(1399));
        assert!(!is_leap_year(1404));
        assert!(!is_leap_year(1400));
        assert_eq!(j(1403, 12, 30).to_gregorian(), g(2025, 3, 20));
        assert_eq!(j(1399, 12, 30).to_gregorian(), g(2021, 3, 20));
        assert_eq!(
            JalaliDate::new(1404, 12, 30),
            Err(JalaliError::OutOfRange {
                year: 1404,
                month: 12,
                day: 30
            })
        );
        assert_eq!(days_in_month(1404, 12), 29);
        assert_eq!(days_in_month(1403, 12), 30);
        assert_eq!(days_in_month(1404, 6), 31);
        assert_eq!(days_in_month(1404, 7), 30);
        assert_eq!(days_in_month(1404, 0), 0);
        assert_eq!(days_in_month(1404, 13), 0);
    }

    #[test]
    fn new_validates() {
        assert!(JalaliDate::new(1404, 0, 1).is_err());
        assert!(JalaliDate::new(1404, 13, 1).is_err());
        assert!(JalaliDate::new(1404, 1, 0).is_err());
        assert!(JalaliDate::new(1404, 1, 32).is_err());
        assert!(JalaliDate::new(1404, 7, 31).is_err());
        assert!(JalaliDate::new(1404, 6, 31).is_ok());
        assert!(JalaliDate::new(MAX_YEAR + 1, 1, 1).is_err());
    }

    #[test]
    fn literal_out_of_range_fields_are_clamped() {
        let bogus = JalaliDate {
            year: 1404,
            month: 12,
            day: 31,
        };
        assert_eq!(bogus.to_gregorian(), j(1404, 12, 29).to_gregorian());
        let bogus = JalaliDate {
            year: 1404,
            month: 0,
            day: 0,
        };
        assert_eq!(bogus.to_gregorian(), g(2025, 3, 21));
    }

    #[test]
    fn serde_validates() {
        let ok: JalaliDate = serde_plain_roundtrip(j(1403, 12, 30));
        assert_eq!(ok, j(1403, 12, 30));
        let bad = RawJalaliDate {
            year: 1404,
            month: 12,
            day: 30,
        };
        assert!(JalaliDate::try_from(bad).is_err());
    }

    /// Round trip through serde's derived impls without a format crate, via
    /// the `IntoDeserializer` value deserialiser.
    fn serde_plain_roundtrip(d: JalaliDate) -> JalaliDate {
        use serde::de::value::{Error, MapDeserializer};
        let fields = [
            ("year", d.year),
            ("month", i32::from(d.month)),
            ("day", i32::from(d.day)),
        ];
        let de = MapDeserializer::<_, Error>::new(fields.into_iter());
        JalaliDate::deserialize(de).expect("deserialises")
    }

    #[test]
    fn weekdays() {
        // 2025-03-21 was a Friday.
        assert_eq!(j(1404, 1, 1).weekday_fa(), "جمعه");
        assert_eq!(j(1404, 1, 2).weekday_fa(), "شنبه");
        assert_eq!(j(1404, 7, 9).weekday_fa(), "چهارشنبه");
    }

    #[test]
    fn month_names() {
        assert_eq!(month_name_fa(1), "فروردین");
        assert_eq!(month_name_fa(7), "مهر");
        assert_eq!(month_name_fa(12), "اسفند");
        assert_eq!(month_name_en(1), "Farvardin");
        assert_eq!(month_name_en(12), "Esfand");
        assert_eq!(month_name_fa(0), "");
        assert_eq!(month_name_en(13), "");
    }

    #[test]
    fn parse_accepts_common_inputs() {
        let want = g(2025, 10, 1);
        for input in [
            "۱۴۰۴/۰۷/۰۹",
            "1404-7-9",
            "١٤٠٤/٧/٩",
            "1404/07/09",
            "1404.7.9",
            "1404 7 9",
            "  1404 / 07 / 09  ",
            "۱۴۰۴-۷-۹",
            "1404٫07٫09",
            "\t1404/7/09\n",
        ] {
            assert_eq!(parse(input), Ok(want), "{input:?}");
        }
        assert_eq!(parse("1403/12/30"), Ok(g(2025, 3, 20)));
    }

    #[test]
    fn parse_rejects_bad_inputs() {
        assert_eq!(parse(""), Err(JalaliError::Empty));
        assert_eq!(parse("   "), Err(JalaliError::Empty));
        assert_eq!(
            parse("1404/13/01"),
            Err(JalaliError::OutOfRange {
                year: 1404,
                month: 13,
                day: 1
            })
        );
        assert_eq!(
            parse("1404/12/30"),
            Err(JalaliError::OutOfRange {
                year: 1404,
                month: 12,
                day: 30
            })
        );
        assert_eq!(parse("abc"), Err(JalaliError::Malformed("abc".into())));
        assert_eq!(
            parse("1404/07"),
            Err(JalaliError::Malformed("1404/07".into()))
        );
        for input in [
            "1404/07/09/01",
            "04/07/09",
            "1404/007/09",
            "1404//07/09",
            "1404/07/09x",
            "1404/07/",
            "/1404/07/09",
            "1404,07,09",
            "1404 - - 07 09",
            "99999999999/1/1",
        ] {
            assert!(
                matches!(parse(input), Err(JalaliError::Malformed(_))),
                "{input:?}"
            );
        }
        let long = "x".repeat(500);
        match parse(&long) {
            Err(JalaliError::Malformed(s)) => assert_eq!(s.chars().count(), ECHO_LIMIT),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn error_messages() {
        let e = JalaliError::OutOfRange {
            year: 1404,
            month: 12,
            day: 30,
        };
        assert_eq!(e.to_string(), "1404/12/30 is not a valid Jalali date");
        assert_eq!(e.message_fa(), "تاریخ ۱۴۰۴/۱۲/۳۰ در تقویم وجود ندارد.");
        assert_eq!(JalaliError::Empty.message_fa(), "تاریخ وارد نشده است.");
        assert!(JalaliError::Malformed("abc".into())
            .message_fa()
            .contains("«abc»"));
        assert!(JalaliError::Malformed("abc".into())
            .to_string()
            .contains("\"abc\""));
    }

    #[test]
    fn formatting() {
        let d = g(2025, 10, 1);
        assert_eq!(format_numeric(d, true), "۱۴۰۴/۰۷/۰۹");
        assert_eq!(format_numeric(d, false), "1404/07/09");
        assert_eq!(format_long_fa(d), "۹ مهر ۱۴۰۴");
        assert_eq!(format_long_en(d), "9 Mehr 1404");
        let nowruz = g(2025, 3, 21);
        assert_eq!(format_numeric(nowruz, false), "1404/01/01");
        assert_eq!(format_long_fa(nowruz), "۱ فروردین ۱۴۰۴");
        assert_eq!(format_long_en(g(2025, 3, 20)), "30 Esfand 1403");
        assert_eq!(j(1404, 7, 9).to_string(), "1404/07/09");
    }

    #[test]
    fn parse_and_format_round_trip() {
        let mut day = g(2020, 1, 1);
        while day <= g(2030, 12, 31) {
            assert_eq!(parse(&format_numeric(day, true)), Ok(day));
            assert_eq!(parse(&format_numeric(day, false)), Ok(day));
            day = day.succ_opt().expect("within chrono range");
        }
    }

    #[test]
    fn month_starts_cover_the_range_with_the_next_month_last() {
        let d = |y, m, day| JalaliDate::new(y, m, day).unwrap().to_gregorian();
        let m = month_starts(d(1404, 11, 20), d(1405, 1, 3));
        assert_eq!(
            m,
            vec![d(1404, 11, 1), d(1404, 12, 1), d(1405, 1, 1), d(1405, 2, 1)]
        );
        // Esfand 1404 has 29 days; 1403, a leap year, had 30.
        assert_eq!((m[2] - m[1]).num_days(), 29);
        let leap = month_starts(d(1403, 12, 1), d(1403, 12, 1));
        assert_eq!((leap[1] - leap[0]).num_days(), 30);
        assert_eq!(month_starts(d(1404, 1, 1), d(1404, 1, 1)).len(), 2);
        assert!(month_starts(d(1404, 2, 1), d(1404, 1, 1)).is_empty());
    }
}
