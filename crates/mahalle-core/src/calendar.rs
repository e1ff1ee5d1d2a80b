//! Calendars: the weeks of a Jalali month as a grid (the Iranian week runs from Saturday,
//! شنبه, to Friday, جمعه), and an iCalendar (RFC 5545) writer for meeting feeds that
//! Outlook, Thunderbird and phone calendars can subscribe to.
//!
//! Times in feeds are written in UTC (`20251126T053000Z`), so no VTIMEZONE block is needed and
//! every client shows them in its own zone; `X-WR-TIMEZONE` only hints the zone to display.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc, Weekday};

use crate::jalali::{days_in_month, JalaliDate};

/// One row of a month grid: seven days from Saturday to Friday; `None` outside the month.
pub type Week = [Option<JalaliDate>; 7];

/// Weekday names in grid order (Saturday first).
pub const WEEKDAYS_FA: [&str; 7] = [
    "شنبه",
    "یکشنبه",
    "دوشنبه",
    "سه‌شنبه",
    "چهارشنبه",
    "پنجشنبه",
    "جمعه",
];

/// Weekday names in grid order (Saturday first), for English pages.
pub const WEEKDAYS_EN: [&str; 7] = [
    "Saturday",
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
];

/// Column of a weekday in an Iranian week: Saturday 0, Sunday 1, … Friday 6.
pub fn weekday_column(w: Weekday) -> usize {
    // Monday is 0 from Monday, and sits two places after Saturday.
    (w.num_days_from_monday() as usize + 2) % 7
}

/// The weeks of a Jalali month, Saturday first. Days before the 1st and after the last day of
/// the month are `None`. A month spans four to six weeks; an invalid month gives no weeks.
pub fn month_grid(year: i32, month: u8) -> Vec<Week> {
    let Ok(first) = JalaliDate::new(year, month, 1) else {
        return Vec::new();
    };
    let mut col = weekday_column(first.to_gregorian().weekday());
    let mut weeks = Vec::with_capacity(6);
    let mut week: Week = [None; 7];
    for day in 1..=days_in_month(year, month) {
        week[col] = Some(JalaliDate { year, month, day });
        col += 1;
        if col == 7 {
            weeks.push(week);
            week = [None; 7];
            col = 0;
        }
    }
    if col > 0 {
        weeks.push(week);
    }
    weeks
}

/// The month before: `(1404, 1)` → `(1403, 12)`.
pub fn prev_month(year: i32, month: u8) -> (i32, u8) {
    if month <= 1 {
        (year - 1, 12)
    } else {
        (year, month - 1)
    }
}

/// The month after: `(1403, 12)` → `(1404, 1)`.
pub fn next_month(year: i32, month: u8) -> (i32, u8) {
    if month >= 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    }
}

/// The Gregorian dates of the 1st of a Jalali month and of the 1st of the next month, i.e. the
/// half-open range `[first, first_of_next)` a query for the month uses. Callers validate the
/// month; out-of-range fields are clamped like [`JalaliDate::to_gregorian`] does.
pub fn month_bounds(year: i32, month: u8) -> (NaiveDate, NaiveDate) {
    let first = JalaliDate {
        year,
        month,
        day: 1,
    }
    .to_gregorian();
    let month = month.clamp(1, 12);
    let len = u64::from(days_in_month(year, month));
    let next = first.checked_add_days(Days::new(len)).unwrap_or(first);
    (first, next)
}

/// One event of an iCalendar feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IcsEvent {
    /// Globally unique and stable across feed refreshes, e.g. `meeting-42@mahalle`.
    pub uid: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub summary: String,
    /// Omitted when empty.
    pub location: String,
    /// Omitted when empty; may hold several lines.
    pub description: String,
    /// Link to the event's page; omitted when `None`.
    pub url: Option<String>,
    pub last_modified: Option<DateTime<Utc>>,
}

/// Identifies the program that wrote a feed (RFC 5545 §3.7.3).
pub const PRODID: &str = "-//Mahalle//Mahalle meetings 1.0//FA";

/// Longest physical line of an iCalendar file, in octets, not counting the CRLF.
pub const MAX_LINE_OCTETS: usize = 75;

/// A whole `VCALENDAR` with the given events, stamped now. See [`ics_at`].
pub fn ics(calendar_name: &str, events: &[IcsEvent]) -> String {
    ics_at(calendar_name, events, Utc::now())
}

/// A whole `VCALENDAR` (`METHOD:PUBLISH`, Gregorian scale) with CRLF line endings, every line
/// folded to at most 75 octets; `now` is written as each event's `DTSTAMP`.
pub fn ics_at(calendar_name: &str, events: &[IcsEvent], now: DateTime<Utc>) -> String {
    let mut w = Writer::default();
    w.line("BEGIN:VCALENDAR");
    w.line("VERSION:2.0");
    w.line(&format!("PRODID:{PRODID}"));
    w.line("CALSCALE:GREGORIAN");
    w.line("METHOD:PUBLISH");
    w.text("X-WR-CALNAME", calendar_name);
    w.line("X-WR-TIMEZONE:Asia/Tehran");
    // How often subscribers should fetch the feed again (RFC 7986, and Outlook's older name).
    w.line("REFRESH-INTERVAL;VALUE=DURATION:PT1H");
    w.line("X-PUBLISHED-TTL:PT1H");
    let stamp = utc_stamp(now);
    for e in events {
        w.line("BEGIN:VEVENT");
        w.text("UID", &e.uid);
        w.line(&format!("DTSTAMP:{stamp}"));
        w.line(&format!("DTSTART:{}", utc_stamp(e.starts_at)));
        w.line(&format!("DTEND:{}", utc_stamp(e.ends_at)));
        w.text("SUMMARY", &e.summary);
        if !e.location.is_empty() {
            w.text("LOCATION", &e.location);
        }
        if !e.description.is_empty() {
            w.text("DESCRIPTION", &e.description);
        }
        if let Some(url) = e.url.as_deref().filter(|u| is_uri_safe(u)) {
            w.line(&format!("URL:{url}"));
        }
        if let Some(t) = e.last_modified {
            w.line(&format!("LAST-MODIFIED:{}", utc_stamp(t)));
        }
        w.line("STATUS:CONFIRMED");
        w.line("TRANSP:OPAQUE");
        w.line("END:VEVENT");
    }
    w.line("END:VCALENDAR");
    w.out
}

#[derive(Default)]
struct Writer {
    out: String,
}

impl Writer {
    /// A content line, folded, with its CRLF.
    fn line(&mut self, line: &str) {
        self.out.push_str(&fold(line));
        self.out.push_str("\r\n");
    }

    /// A property whose value is TEXT (escaped).
    fn text(&mut self, name: &str, value: &str) {
        self.line(&format!("{name}:{}", escape_text(value)));
    }
}

/// `YYYYMMDDTHHMMSSZ`: a DATE-TIME in UTC (RFC 5545 §3.3.5, form #2).
pub fn utc_stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A URI value is written as is, so it must not be able to break the line structure.
fn is_uri_safe(u: &str) -> bool {
    !u.is_empty() && !u.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma get a backslash,
/// line breaks (CRLF, CR or LF) become `\n`, and other control characters, which TEXT does not
/// allow, are dropped (tab is kept).
pub fn escape_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Folds a content line (RFC 5545 §3.1): no physical line is longer than 75 octets, each
/// continuation starts with one space, and a UTF-8 character is never split across lines.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut width = 0;
    for c in line.chars() {
        let n = c.len_utf8();
        if width + n > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += n;
    }
    out
}

/// Undoes [`fold`]: removes every CRLF followed by one space or tab.
pub fn unfold(text: &str) -> String {
    text.replace("\r\n ", "").replace("\r\n\t", "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn g(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    fn days(week: &Week) -> Vec<Option<u8>> {
        week.iter().map(|d| d.map(|d| d.day)).collect()
    }

    #[test]
    fn weekday_columns_start_on_saturday() {
        assert_eq!(weekday_column(Weekday::Sat), 0);
        assert_eq!(weekday_column(Weekday::Sun), 1);
        assert_eq!(weekday_column(Weekday::Mon), 2);
        assert_eq!(weekday_column(Weekday::Tue), 3);
        assert_eq!(weekday_column(Weekday::Thu), 5);
        assert_eq!(weekday_column(Weekday::Fri), 6);
        let d = JalaliDate::new(1404, 9, 1).unwrap();
        assert_eq!(
            WEEKDAYS_FA[weekday_column(d.to_gregorian().weekday())],
            d.weekday_fa()
        );
    }

    #[test]
    fn esfand_1403_has_thirty_days_from_a_wednesday() {
        assert!(crate::jalali::is_leap_year(1403));
        let first = JalaliDate::new(1403, 12, 1).unwrap();
        assert_eq!(first.to_gregorian(), g(2025, 2, 19));
        assert_eq!(first.to_gregorian().weekday(), Weekday::Wed);
        assert_eq!(first.weekday_fa(), "چهارشنبه");
        let grid = month_grid(1403, 12);
        assert_eq!(grid.len(), 5);
        assert_eq!(
            days(&grid[0]),
            [None, None, None, None, Some(1), Some(2), Some(3)]
        );
        assert_eq!(days(&grid[1])[0], Some(4));
        assert_eq!(
            days(&grid[4]),
            [
                Some(25),
                Some(26),
                Some(27),
                Some(28),
                Some(29),
                Some(30),
                None
            ]
        );
        let last = grid[4][5].unwrap();
        assert_eq!(last.to_gregorian(), g(2025, 3, 20), "30 Esfand 1403");
        // A common year's Esfand stops at 29.
        assert!(!crate::jalali::is_leap_year(1404));
        let flat: Vec<_> = month_grid(1404, 12)
            .into_iter()
            .flatten()
            .flatten()
            .collect();
        assert_eq!(flat.len(), 29);
    }

    #[test]
    fn mehr_1404_starts_on_a_tuesday() {
        let first = JalaliDate::new(1404, 7, 1).unwrap();
        assert_eq!(first.to_gregorian(), g(2025, 9, 23));
        assert_eq!(first.to_gregorian().weekday(), Weekday::Tue);
        assert_eq!(first.weekday_fa(), "سه‌شنبه");
        let grid = month_grid(1404, 7);
        assert_eq!(grid.len(), 5);
        assert_eq!(
            days(&grid[0]),
            [None, None, None, Some(1), Some(2), Some(3), Some(4)]
        );
        assert_eq!(
            days(&grid[4]),
            [Some(26), Some(27), Some(28), Some(29), Some(30), None, None]
        );
    }

    #[test]
    fn every_grid_is_complete_and_in_weekday_columns() {
        for year in 1390..=1420 {
            for month in 1..=12 {
                let grid = month_grid(year, month);
                assert!((4..=6).contains(&grid.len()), "{year}/{month}");
                let mut expected = 1;
                for week in &grid {
                    for (col, d) in week.iter().enumerate() {
                        if let Some(d) = d {
                            assert_eq!((d.year, d.month, d.day), (year, month, expected));
                            assert_eq!(weekday_column(d.to_gregorian().weekday()), col);
                            expected += 1;
                        }
                    }
                }
                assert_eq!(expected - 1, days_in_month(year, month), "{year}/{month}");
                assert!(grid[0].iter().any(Option::is_some));
            }
        }
        assert!(month_grid(1404, 13).is_empty());
        assert!(month_grid(1404, 0).is_empty());
    }

    #[test]
    fn bounds_and_neighbours() {
        assert_eq!(month_bounds(1404, 9), (g(2025, 11, 22), g(2025, 12, 22)));
        assert_eq!(month_bounds(1403, 12), (g(2025, 2, 19), g(2025, 3, 21)));
        assert_eq!(month_bounds(1404, 12), (g(2026, 2, 20), g(2026, 3, 21)));
        assert_eq!(month_bounds(1404, 1), (g(2025, 3, 21), g(2025, 4, 21)));
        for year in 1395..=1410 {
            for month in 1..=12 {
                let (_, next) = month_bounds(year, month);
                let (ny, nm) = next_month(year, month);
                assert_eq!(month_bounds(ny, nm).0, next, "{year}/{month}");
                assert_eq!(prev_month(ny, nm), (year, month));
            }
        }
        assert_eq!(prev_month(1404, 1), (1403, 12));
        assert_eq!(next_month(1403, 12), (1404, 1));
        assert_eq!(prev_month(1404, 9), (1404, 8));
        assert_eq!(next_month(1404, 9), (1404, 10));
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(escape_text(r"a\b"), r"a\\b");
        assert_eq!(escape_text("a,b;c"), r"a\,b\;c");
        assert_eq!(
            escape_text("one\ntwo\r\nthree\rfour"),
            r"one\ntwo\nthree\nfour"
        );
        assert_eq!(escape_text("bell\u{7}\ttab"), "bell\ttab");
        // Persian punctuation needs no escaping.
        assert_eq!(
            escape_text("جلسه ۱۲، سالن «شهید بهشتی»؛"),
            "جلسه ۱۲، سالن «شهید بهشتی»؛"
        );
        assert_eq!(escape_text(r"\,"), r"\\\,");
    }

    fn assert_short_lines(text: &str) {
        for line in text.split("\r\n") {
            assert!(
                line.len() <= MAX_LINE_OCTETS,
                "{} octets: {line:?}",
                line.len()
            );
        }
    }

    /// One folded content line: short lines, each continuation starting with a space.
    fn assert_folded(folded: &str) {
        assert_short_lines(folded);
        for line in folded.split("\r\n").skip(1) {
            assert!(line.starts_with(' '), "continuation {line:?}");
        }
    }

    #[test]
    fn folding_keeps_lines_short_and_characters_whole() {
        let ascii = "X".repeat(75);
        assert_eq!(fold(&ascii), ascii, "75 octets fit");
        let long = "X".repeat(76);
        assert_eq!(fold(&long), format!("{}\r\n X", "X".repeat(75)));
        // Persian letters are two octets, Persian digits two, ZWNJ three, an emoji four: try
        // every alignment of them against the 75-octet limit.
        let persian = "SUMMARY:جلسه ۱۲ قرارگاه اجتماعی شهر تهران — بررسی چالش‌های محله‌ها 🏙️ ";
        for pad in 0..8 {
            let line = format!("{}{}", "a".repeat(pad), persian.repeat(4));
            let folded = fold(&line);
            assert_folded(&folded);
            assert!(folded.contains("\r\n "));
            assert_eq!(unfold(&folded), line);
        }
        assert_eq!(fold(""), "");
    }

    fn event(id: i64) -> IcsEvent {
        let starts_at = Utc.with_ymd_and_hms(2025, 11, 26, 5, 30, 0).unwrap();
        IcsEvent {
            uid: format!("meeting-{id}@mahalle"),
            starts_at,
            ends_at: starts_at + chrono::Duration::hours(2),
            summary: "جلسه ۳۶ قرارگاه اجتماعی شهر تهران".into(),
            location: "ساختمان مرکزی شهرداری تهران، سالن شهید بهشتی".into(),
            description: "۱. گزارش پیشرفت مصوبات; جلسات پیشین\n۲. بررسی چالش‌های محله‌های آسیب‌پذیر"
                .into(),
            url: Some(format!("http://127.0.0.1:8080/meetings/{id}")),
            last_modified: Some(Utc.with_ymd_and_hms(2025, 11, 1, 8, 0, 0).unwrap()),
        }
    }

    #[test]
    fn calendar_is_well_formed() {
        let now = Utc.with_ymd_and_hms(2025, 12, 1, 12, 0, 0).unwrap();
        let text = ics_at("قرارگاه اجتماعی شهر تهران", &[event(1), event(2)], now);
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
        assert!(text.ends_with("END:VEVENT\r\nEND:VCALENDAR\r\n"));
        assert!(
            text.match_indices('\n')
                .all(|(i, _)| text[..i].ends_with('\r')),
            "CRLF only"
        );
        assert_short_lines(&text);
        assert!(text.contains("\r\n "), "the long lines were folded");
        let lines: Vec<String> = unfold(&text).split("\r\n").map(str::to_string).collect();
        for needed in [
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "X-WR-CALNAME:قرارگاه اجتماعی شهر تهران",
            "X-WR-TIMEZONE:Asia/Tehran",
            "UID:meeting-1@mahalle",
            "UID:meeting-2@mahalle",
            "DTSTAMP:20251201T120000Z",
            "DTSTART:20251126T053000Z",
            "DTEND:20251126T073000Z",
            "LAST-MODIFIED:20251101T080000Z",
            "SUMMARY:جلسه ۳۶ قرارگاه اجتماعی شهر تهران",
            "LOCATION:ساختمان مرکزی شهرداری تهران، سالن شهید بهشتی",
            "DESCRIPTION:۱. گزارش پیشرفت مصوبات\\; جلسات پیشین\\n۲. بررسی چالش‌های محله‌های آسیب‌پذیر",
            "URL:http://127.0.0.1:8080/meetings/1",
        ] {
            assert!(
                lines.iter().any(|l| l == needed),
                "missing {needed}\n{text}"
            );
        }
        assert_eq!(lines.iter().filter(|l| *l == "BEGIN:VEVENT").count(), 2);
        assert_eq!(lines.iter().filter(|l| *l == "END:VEVENT").count(), 2);
    }

    #[test]
    fn optional_fields_are_left_out() {
        let e = IcsEvent {
            location: String::new(),
            description: String::new(),
            url: Some("http://x/a b".into()),
            last_modified: None,
            ..event(3)
        };
        let text = ics_at("x", &[e], Utc::now());
        for absent in ["LOCATION", "DESCRIPTION", "URL", "LAST-MODIFIED"] {
            assert!(!text.contains(&format!("\r\n{absent}")), "{absent}");
        }
        let empty = ics_at("empty", &[], Utc::now());
        assert!(!empty.contains("VEVENT"));
        assert!(empty.ends_with("END:VCALENDAR\r\n"));
    }
}
