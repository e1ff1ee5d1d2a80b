//! Parsing of user input into checked values, with messages in Persian and English.

use serde::Serialize;

/// A field the user got wrong, with the message in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: &'static str,
    pub fa: String,
    pub en: String,
}

impl FieldError {
    pub fn new(field: &'static str, fa: impl Into<String>, en: impl Into<String>) -> Self {
        FieldError {
            field,
            fa: fa.into(),
            en: en.into(),
        }
    }
}

pub const MIN_PASSWORD_LEN: usize = 10;

/// Usernames: 3–32 characters of a–z, 0–9, dot, dash, underscore; stored lower-case.
pub fn username(input: &str) -> Result<String, FieldError> {
    let u = input.trim().to_lowercase();
    let ok_chars = u
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-' | '_'));
    if (3..=32).contains(&u.chars().count()) && ok_chars {
        Ok(u)
    } else {
        Err(FieldError::new(
            "username",
            "نام کاربری باید ۳ تا ۳۲ نویسه از حروف لاتین کوچک، رقم، نقطه، خط تیره یا زیرخط باشد.",
            "Username must be 3–32 characters of lower-case Latin letters, digits, '.', '-' or '_'.",
        ))
    }
}

/// Passwords: at least 10 characters and not one character repeated.
pub fn password(input: &str) -> Result<String, FieldError> {
    let n = input.chars().count();
    let mut chars = input.chars();
    let first = chars.next();
    let all_same = first.is_some_and(|f| chars.all(|c| c == f));
    if n < MIN_PASSWORD_LEN || all_same {
        return Err(FieldError::new(
            "password",
            format!("گذرواژه باید دست‌کم {} نویسه و غیرتکراری باشد.", crate::text::to_persian_digits(&MIN_PASSWORD_LEN.to_string())),
            format!("Password must be at least {MIN_PASSWORD_LEN} characters and not a single repeated character."),
        ));
    }
    Ok(input.to_string())
}

/// A required one-line text field, normalised (Arabic letters to Persian, spacing).
pub fn required_text(
    field: &'static str,
    input: &str,
    max_chars: usize,
) -> Result<String, FieldError> {
    required(field, crate::text::normalize(input), max_chars)
}

/// A required free text whose writer's line breaks and paragraphs are kept (a report, a body).
pub fn required_paragraphs(
    field: &'static str,
    input: &str,
    max_chars: usize,
) -> Result<String, FieldError> {
    required(field, crate::text::normalize_multiline(input), max_chars)
}

fn required(field: &'static str, t: String, max_chars: usize) -> Result<String, FieldError> {
    if t.is_empty() {
        return Err(FieldError::new(
            field,
            "این بخش نباید خالی باشد.",
            "This field is required.",
        ));
    }
    if t.chars().count() > max_chars {
        return Err(FieldError::new(
            field,
            format!(
                "حداکثر {} نویسه مجاز است.",
                crate::text::to_persian_digits(&max_chars.to_string())
            ),
            format!("At most {max_chars} characters are allowed."),
        ));
    }
    Ok(t)
}

/// An optional e-mail address: empty is fine, otherwise it must look like one.
pub fn optional_email(input: &str) -> Result<String, FieldError> {
    let e = input.trim();
    if e.is_empty() {
        return Ok(String::new());
    }
    let valid = e.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
    }) && !e.contains(char::is_whitespace);
    if valid {
        Ok(e.to_lowercase())
    } else {
        Err(FieldError::new(
            "email",
            "نشانی ایمیل معتبر نیست.",
            "This is not a valid e-mail address.",
        ))
    }
}

/// An optional whole number from 0 to `max`, typed with Persian, Arabic or Latin digits and
/// thousands separators (٬ , or ZWNJ-free spaces); empty is `None`.
pub fn optional_count(
    field: &'static str,
    input: &str,
    max: i64,
) -> Result<Option<i64>, FieldError> {
    let t: String = crate::text::to_latin_digits(input.trim())
        .chars()
        .filter(|c| !matches!(c, ',' | '٬' | ' '))
        .collect();
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<i64>() {
        Ok(n) if (0..=max).contains(&n) => Ok(Some(n)),
        _ => Err(FieldError::new(
            field,
            format!(
                "عددی درست از ۰ تا {} بنویسید.",
                crate::text::to_persian_digits(&max.to_string())
            ),
            format!("Give a whole number from 0 to {max}."),
        )),
    }
}

/// An optional positive decimal up to `max` (Persian decimal separator «٫» or «/» accepted).
pub fn optional_decimal(
    field: &'static str,
    input: &str,
    max: f64,
) -> Result<Option<f64>, FieldError> {
    let t = crate::text::to_latin_digits(input.trim()).replace(['٫', '/'], ".");
    if t.is_empty() {
        return Ok(None);
    }
    match t.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 && x <= max => Ok(Some(x)),
        _ => Err(FieldError::new(
            field,
            format!(
                "عددی مثبت تا {} بنویسید (مانند ۱۲٫۵).",
                crate::text::to_persian_digits(&max.to_string())
            ),
            format!("Give a positive number up to {max} (like 12.5)."),
        )),
    }
}

/// An optional phone number: digits (any script), spaces, '+', '-', '(' and ')', 3–20 digits;
/// stored with Latin digits.
pub fn optional_phone(input: &str) -> Result<String, FieldError> {
    let t = crate::text::to_latin_digits(input.trim());
    if t.is_empty() {
        return Ok(t);
    }
    let digits = t.chars().filter(char::is_ascii_digit).count();
    let ok = t
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'))
        && (3..=20).contains(&digits);
    if ok {
        Ok(t)
    } else {
        Err(FieldError::new(
            "phone",
            "شماره تلفن تنها رقم، فاصله، + و - دارد (۳ تا ۲۰ رقم).",
            "A phone number has only digits, spaces, '+' and '-' (3–20 digits).",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_keeps_paragraphs_one_line_text_does_not() {
        assert_eq!(
            required_paragraphs("body", " الف\r\n\r\nب ", 100).unwrap(),
            "الف\n\nب"
        );
        assert_eq!(required_text("title", " الف\r\nب ", 100).unwrap(), "الف ب");
        assert_eq!(
            required_paragraphs("body", "\n \n", 100).unwrap_err().field,
            "body"
        );
        assert!(required_paragraphs("body", "خیلی بلند", 3).is_err());
    }

    #[test]
    fn usernames() {
        assert_eq!(username("  Mayor.Office ").unwrap(), "mayor.office");
        assert!(username("ab").is_err());
        assert!(username("علی").is_err());
        assert!(username("a b c").is_err());
    }

    #[test]
    fn passwords() {
        assert!(password("short").is_err());
        assert!(password("aaaaaaaaaaaa").is_err());
        assert!(password("correct horse").is_ok());
        let e = password("x").unwrap_err();
        assert!(e.fa.contains("۱۰") && e.en.contains("10"));
    }

    #[test]
    fn texts_and_emails() {
        assert_eq!(
            required_text("name", "  علي  رضايي ", 50).unwrap(),
            "علی رضایی"
        );
        assert!(required_text("name", "   ", 50).is_err());
        assert!(required_text("name", "abcdef", 5).is_err());
        assert_eq!(optional_email("").unwrap(), "");
        assert_eq!(optional_email(" A@Tehran.ir ").unwrap(), "a@tehran.ir");
        assert!(optional_email("a@b").is_err());
        assert!(optional_email("@b.ir").is_err());
    }

    #[test]
    fn numbers_and_phones_in_any_script() {
        assert_eq!(
            optional_count("population", " ۱۲٬۵۰۰ ", 1_000_000).unwrap(),
            Some(12500)
        );
        assert_eq!(optional_count("population", "", 10).unwrap(), None);
        assert!(optional_count("population", "-3", 10).is_err());
        assert!(optional_count("population", "11", 10).is_err());
        assert!(optional_count("population", "۱۲a", 100).is_err());
        assert_eq!(
            optional_decimal("area_km2", "۱۲٫۵", 100.0).unwrap(),
            Some(12.5)
        );
        assert!(optional_decimal("area_km2", "0", 100.0).is_err());
        assert!(optional_decimal("area_km2", "NaN", 100.0).is_err());
        assert_eq!(optional_phone(" ۰۲۱-۵۵۱۲۳۴۵۶ ").unwrap(), "021-55123456");
        assert!(optional_phone("call me").is_err());
        assert!(optional_phone("12").is_err());
    }
}
