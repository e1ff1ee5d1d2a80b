//! Meetings calendar by Jalali month and iCalendar feeds (being written).

/// Interface strings of this module: (key, Persian, English).
pub const STRINGS: &[(&str, &str, &str)] = &[];
