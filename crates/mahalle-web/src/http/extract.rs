//! Reading input: query and path extractors whose rejections are our typed errors (JSON for the
//! API, a page for HTML), so malformed input is a 400 with a message, never a bare text body;
//! typed dates; uploaded files.

use std::net::SocketAddr;

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};

use crate::http::error::AppError;

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct Q<T>(pub T);

#[derive(FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct P<T>(pub T);

/// A JSON request body. Malformed JSON is a 400, JSON of the wrong shape a 422 naming what is
/// wrong, both in the API's error format (axum's own answer is plain text).
#[derive(FromRequest)]
#[from_request(via(axum::Json), rejection(AppError))]
pub struct J<T>(pub T);

impl From<JsonRejection> for AppError {
    fn from(e: JsonRejection) -> Self {
        match e {
            JsonRejection::JsonDataError(e) => AppError::invalid(
                "body",
                "داده‌های فرستاده‌شده با شکل خواسته‌شده نمی‌خواند.",
                e.body_text(),
            ),
            e => AppError::BadRequest(e.body_text()),
        }
    }
}

impl From<QueryRejection> for AppError {
    fn from(e: QueryRejection) -> Self {
        AppError::BadRequest(e.body_text())
    }
}

impl From<PathRejection> for AppError {
    fn from(e: PathRejection) -> Self {
        AppError::BadRequest(e.body_text())
    }
}

/// The key per-client limits count the caller by: the peer, or the client named by a trusted
/// proxy (see `mahalle_core::forwarded`), as an IPv4 address or an IPv6 /64. "unknown" when the
/// server runs without connection info.
pub fn client_key(req: &Request, trusted: &[mahalle_core::forwarded::Network]) -> String {
    key_of(req.extensions(), req.headers(), trusted)
}

fn key_of(
    extensions: &axum::http::Extensions,
    headers: &axum::http::HeaderMap,
    trusted: &[mahalle_core::forwarded::Network],
) -> String {
    let Some(ConnectInfo(peer)) = extensions.get::<ConnectInfo<SocketAddr>>() else {
        return "unknown".into();
    };
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    mahalle_core::forwarded::limit_key(mahalle_core::forwarded::client_address(
        peer.ip(),
        &forwarded,
        trusted,
    ))
}

/// [`client_key`] as an extractor, for handlers that read their body with another one.
pub struct ClientKey(pub String);

impl FromRequestParts<crate::AppState> for ClientKey {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &crate::AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientKey(key_of(
            &parts.extensions,
            &parts.headers,
            &state.config.trusted_proxies,
        )))
    }
}

/// A form with no fields but the CSRF token.
#[derive(serde::Deserialize)]
pub struct Empty {}

/// The most a form carrying a file may weigh: the file's own limit and room for the fields.
pub const FILE_FORM_LIMIT: usize = mahalle_core::attachments::MAX_BYTES + 256 * 1024;

/// A request body read in full once the handler has decided it may be (the extractors would
/// read it before any check), up to `limit` bytes: more is [`AppError::TooLarge`].
pub async fn read_body(body: axum::body::Body, limit: usize) -> Result<Vec<u8>, AppError> {
    axum::body::to_bytes(body, limit)
        .await
        .map(|b| b.to_vec())
        .map_err(|_| AppError::TooLarge)
}

/// A file as uploaded: its name and bytes.
pub type Upload = (String, Vec<u8>);

/// Checks an uploaded file and gives what to store: clean name, real MIME type, SHA-256.
pub fn check_upload(
    file: &Upload,
) -> Result<(String, &'static str, String), crate::http::error::AppError> {
    use mahalle_core::attachments::{clean_filename, sniff};
    let kind = sniff(&file.0, &file.1).map_err(|e| {
        crate::http::error::AppError::Invalid(vec![mahalle_core::validate::FieldError::new(
            "file",
            e.message_fa(),
            e.to_string(),
        )])
    })?;
    let hash = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&file.1))
    };
    Ok((clean_filename(&file.0), kind, hash))
}

/// A Jalali date typed by a user ("۱۴۰۴/۰۸/۳۰", "1404-8-30") or an ISO date from a machine.
pub fn parse_date(field: &'static str, input: &str) -> Result<chrono::NaiveDate, AppError> {
    let t = mahalle_core::text::to_latin_digits(input.trim());
    if let Ok(d) = chrono::NaiveDate::parse_from_str(&t, "%Y-%m-%d") {
        if chrono::Datelike::year_ce(&d).1 > 1700 {
            return Ok(d);
        }
    }
    mahalle_core::jalali::parse(&t)
        .map_err(|e| AppError::invalid(field, e.message_fa(), e.to_string()))
}

/// Treats `?x=` like an absent `x` (forms submit empty selects that way).
pub fn empty_as_none<'de, D: serde::Deserializer<'de>, T: std::str::FromStr>(
    d: D,
) -> Result<Option<T>, D::Error> {
    let s: Option<String> = serde::Deserialize::deserialize(d)?;
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => mahalle_core::text::to_latin_digits(v)
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("not a valid value: {v}"))),
    }
}

/// A checkbox from a form (`1` when ticked, absent when not) or a JSON boolean.
pub fn flag<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Flag {
        Bool(bool),
        Text(String),
    }
    Ok(match serde::Deserialize::deserialize(d)? {
        Flag::Bool(b) => b,
        Flag::Text(t) => !matches!(t.trim(), "" | "0" | "false"),
    })
}

/// A number as a form types it (text, Persian digits allowed) or as JSON sends it; checked later
/// with the form's other fields.
pub fn text_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Value {
        Number(i64),
        Text(String),
    }
    Ok(match serde::Deserialize::deserialize(d)? {
        Value::Number(n) => n.to_string(),
        Value::Text(t) => t,
    })
}
