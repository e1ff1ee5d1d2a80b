//! The city's clock: Tehran time and today's date there.

use chrono::{FixedOffset, NaiveDate, Utc};

/// Tehran time. Iran has kept UTC+03:30 all year since 2022.
pub fn tehran_offset() -> FixedOffset {
    FixedOffset::east_opt(3 * 3600 + 1800).expect("valid offset")
}

/// Today's date in Tehran.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&tehran_offset()).date_naive()
}
