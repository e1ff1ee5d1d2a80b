//! Reminders, escalations and the notification outbox (being written).

/// Interface strings of this module: (key, Persian, English).
pub const STRINGS: &[(&str, &str, &str)] = &[];
