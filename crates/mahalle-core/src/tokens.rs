//! Rules for the secrets programs hold on a user's behalf: API tokens with a scope and an optional
//! expiry, and calendar feed links that open one feed and nothing else.

use chrono::{DateTime, Duration, Utc};

use crate::coded::coded_enum;
use crate::validate::FieldError;

coded_enum!(
    /// What an API token may do. A read token only reads (GET, HEAD, OPTIONS); a write token may
    /// do everything its account may.
    TokenScope {
        Read = "read", "فقط خواندن", "Read only";
        Write = "write", "خواندن و نوشتن", "Read and write";
    }
);

impl TokenScope {
    /// Whether a request with this HTTP method is within the scope.
    pub fn allows(self, method: &str) -> bool {
        match self {
            TokenScope::Write => true,
            TokenScope::Read => matches!(method, "GET" | "HEAD" | "OPTIONS"),
        }
    }

    /// The scope a form or API call asked for; read when it said nothing, the safer default.
    pub fn from_input(input: Option<&str>) -> Result<TokenScope, FieldError> {
        match input.map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(TokenScope::Read),
            Some(s) => TokenScope::parse(s).ok_or_else(|| {
                FieldError::new(
                    "scope",
                    "دامنه توکن باید «read» یا «write» باشد.",
                    "A token's scope is read or write.",
                )
            }),
        }
    }
}

/// The longest a token may be issued for: ten years. Longer is "never" in all but name.
pub const MAX_TOKEN_DAYS: i64 = 3660;

/// When a token issued now for `days` expires; `None` (never) when no days were given.
pub fn expiry(now: DateTime<Utc>, days: Option<i64>) -> Result<Option<DateTime<Utc>>, FieldError> {
    match days {
        None => Ok(None),
        Some(d) if (1..=MAX_TOKEN_DAYS).contains(&d) => Ok(Some(now + Duration::days(d))),
        Some(_) => Err(FieldError::new(
            "expires_in_days",
            format!(
                "اعتبار توکن باید بین ۱ تا {} روز باشد.",
                crate::text::to_persian_digits(&MAX_TOKEN_DAYS.to_string())
            ),
            format!("A token lasts between 1 and {MAX_TOKEN_DAYS} days."),
        )),
    }
}

/// Days typed in a form ("30", "۳۰"; empty for never), checked like [`expiry`].
pub fn parse_days(input: &str) -> Result<Option<i64>, FieldError> {
    let t = crate::text::to_latin_digits(input.trim());
    if t.is_empty() {
        return Ok(None);
    }
    let days = t.parse::<i64>().unwrap_or(0);
    expiry(Utc::now(), Some(days)).map(|_| Some(days))
}

/// Whether a token with this expiry still opens the API at `now`.
pub fn is_live(expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    expires_at.is_none_or(|e| e > now)
}

/// How often a token's "last used" time is written: at most once a minute, so reads through the
/// API do not each become a write.
pub fn should_record_use(last_used: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    last_used.is_none_or(|t| now - t >= Duration::minutes(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 3, h, m, 0).unwrap()
    }

    #[test]
    fn read_tokens_only_read() {
        for m in ["GET", "HEAD", "OPTIONS"] {
            assert!(TokenScope::Read.allows(m));
        }
        for m in ["POST", "PUT", "PATCH", "DELETE", "get"] {
            assert!(!TokenScope::Read.allows(m), "{m}");
            assert!(TokenScope::Write.allows(m));
        }
    }

    #[test]
    fn scope_defaults_to_read() {
        assert_eq!(TokenScope::from_input(None), Ok(TokenScope::Read));
        assert_eq!(TokenScope::from_input(Some(" ")), Ok(TokenScope::Read));
        assert_eq!(TokenScope::from_input(Some("write")), Ok(TokenScope::Write));
        assert_eq!(
            TokenScope::from_input(Some("admin")).unwrap_err().field,
            "scope"
        );
    }

    #[test]
    fn expiry_is_bounded() {
        assert_eq!(expiry(at(10, 0), None), Ok(None));
        assert_eq!(
            expiry(at(10, 0), Some(30)),
            Ok(Some(at(10, 0) + Duration::days(30)))
        );
        for bad in [0, -1, MAX_TOKEN_DAYS + 1, i64::MAX] {
            assert_eq!(
                expiry(at(10, 0), Some(bad)).unwrap_err().field,
                "expires_in_days"
            );
        }
    }

    #[test]
    fn days_from_a_form() {
        assert_eq!(parse_days(""), Ok(None));
        assert_eq!(parse_days(" ۹۰ "), Ok(Some(90)));
        assert_eq!(parse_days("365"), Ok(Some(365)));
        for bad in ["0", "abc", "99999999999999999999", "-5"] {
            assert_eq!(
                parse_days(bad).unwrap_err().field,
                "expires_in_days",
                "{bad}"
            );
        }
    }

    #[test]
    fn a_token_dies_at_its_expiry() {
        assert!(is_live(None, at(10, 0)));
        assert!(is_live(Some(at(10, 1)), at(10, 0)));
        assert!(!is_live(Some(at(10, 0)), at(10, 0)));
        assert!(!is_live(Some(at(9, 0)), at(10, 0)));
    }

    #[test]
    fn use_is_recorded_once_a_minute() {
        assert!(should_record_use(None, at(10, 0)));
        assert!(!should_record_use(Some(at(10, 0)), at(10, 0)));
        assert!(!should_record_use(
            Some(at(9, 59)),
            at(9, 59) + Duration::seconds(59)
        ));
        assert!(should_record_use(Some(at(9, 59)), at(10, 0)));
    }
}
