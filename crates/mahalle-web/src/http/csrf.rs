//! CSRF protection by double submission: every visitor gets a random token in an HttpOnly,
//! SameSite=Strict cookie, every form carries the same token in a hidden field, and every POST
//! must present both, equal. A foreign site can neither read the cookie nor forge the field.
//! Also: token generation and hashing shared with sessions and API tokens.

use axum::extract::{FromRequest, Request};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use rand::RngCore;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::http::error::AppError;

pub const CSRF_COOKIE: &str = "mahalle_csrf";
/// Forms are small; uploads have their own limits.
const FORM_LIMIT: usize = 256 * 1024;

/// 32 random bytes, hex-encoded.
pub fn new_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// What the database keeps of a secret token.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

pub fn token_from(jar: &CookieJar) -> Option<String> {
    jar.get(CSRF_COOKIE)
        .map(|c| c.value().to_string())
        .filter(|v| v.len() == 64)
}

/// Gives every visitor a CSRF cookie before the first form is drawn.
pub async fn ensure_cookie(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let secure = state.config.secure_cookies;
    let jar = CookieJar::from_headers(req.headers());
    if token_from(&jar).is_some() {
        return with_hsts(next.run(req).await, secure);
    }
    let token = new_token();
    // Make the new token visible to this request's handlers as if the cookie had been sent.
    let cookie_header = match req
        .headers()
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
    {
        Some(existing) => format!("{existing}; {CSRF_COOKIE}={token}"),
        None => format!("{CSRF_COOKIE}={token}"),
    };
    if let Ok(v) = header::HeaderValue::from_str(&cookie_header) {
        req.headers_mut().insert(header::COOKIE, v);
    }
    let mut resp = next.run(req).await;
    let cookie = Cookie::build((CSRF_COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(secure)
        .build();
    if let Ok(v) = header::HeaderValue::from_str(&cookie.to_string()) {
        resp.headers_mut().append(header::SET_COOKIE, v);
    }
    with_hsts(resp, secure)
}

/// Served over HTTPS (`--secure-cookies`), pages tell browsers to use nothing else for a year.
fn with_hsts(mut resp: Response, secure: bool) -> Response {
    if secure {
        resp.headers_mut().insert(
            header::STRICT_TRANSPORT_SECURITY,
            header::HeaderValue::from_static("max-age=31536000"),
        );
    }
    resp
}

#[derive(Deserialize)]
struct TokenField {
    #[serde(default)]
    csrf: String,
}

/// A url-encoded form whose CSRF token has been checked. Use it for every HTML POST.
pub struct CsrfForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for CsrfForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(req.headers());
        let expected = token_from(&jar).ok_or(AppError::Csrf)?;
        let body = axum::body::to_bytes(req.into_body(), FORM_LIMIT)
            .await
            .map_err(|_| AppError::BadRequest("form too large".into()))?;
        parse_checked(&expected, &body)
    }
}

/// [`CsrfForm`] for the form that commits a checked spreadsheet: it carries the file back
/// (base64, url-encoded), so it may be as large as an upload allows.
pub struct CsrfUploadForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for CsrfUploadForm<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, _state: &S) -> Result<Self, Self::Rejection> {
        let jar = CookieJar::from_headers(req.headers());
        let expected = token_from(&jar).ok_or(AppError::Csrf)?;
        let limit = crate::http::sheet::MAX_UPLOAD * 2 + FORM_LIMIT;
        let body = axum::body::to_bytes(req.into_body(), limit)
            .await
            .map_err(|_| AppError::TooLarge)?;
        parse_checked(&expected, &body).map(|CsrfForm(v)| CsrfUploadForm(v))
    }
}

/// Checks the token in an already-read url-encoded body, then parses it.
pub fn check_form_bytes<T: DeserializeOwned>(
    ctx: &crate::http::ctx::Ctx,
    body: &[u8],
) -> Result<CsrfForm<T>, AppError> {
    parse_checked(&ctx.csrf, body)
}

fn parse_checked<T: DeserializeOwned>(
    expected: &str,
    body: &[u8],
) -> Result<CsrfForm<T>, AppError> {
    let field: TokenField = serde_urlencoded::from_bytes(body).map_err(|_| AppError::Csrf)?;
    if expected.len() != 64 || !constant_time_eq(field.csrf.as_bytes(), expected.as_bytes()) {
        return Err(AppError::Csrf);
    }
    let value =
        serde_urlencoded::from_bytes(body).map_err(|e| AppError::BadRequest(e.to_string()))?;
    Ok(CsrfForm(value))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The text fields and the (first) file of a multipart form, after checking its CSRF token.
pub struct MultipartForm {
    pub fields: std::collections::HashMap<String, String>,
    /// Every text field in order, repeated names included (multi-value answers).
    pub pairs: Vec<(String, String)>,
    pub file: Option<(String, Vec<u8>)>,
}

impl MultipartForm {
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or("")
    }
}

/// Reads a multipart body: its text fields and its first non-empty file. No CSRF check (the
/// Open311 endpoint authenticates with an API key instead).
pub async fn read_multipart(mut mp: axum::extract::Multipart) -> Result<MultipartForm, AppError> {
    let bad = |e: axum::extract::multipart::MultipartError| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::TooLarge
        } else {
            AppError::BadRequest(e.body_text())
        }
    };
    let mut out = MultipartForm {
        fields: Default::default(),
        pairs: Vec::new(),
        file: None,
    };
    while let Some(field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_string();
        match field.file_name().map(str::to_string) {
            Some(filename) => {
                let bytes = field.bytes().await.map_err(bad)?;
                if out.file.is_none() && !bytes.is_empty() {
                    out.file = Some((filename, bytes.to_vec()));
                }
            }
            None => {
                let text = field.text().await.map_err(bad)?;
                out.pairs.push((name.clone(), text.clone()));
                out.fields.insert(name, text);
            }
        }
    }
    Ok(out)
}

/// A multipart form from our own pages: read, then its CSRF token checked.
pub async fn multipart_form(
    ctx: &crate::http::ctx::Ctx,
    mp: axum::extract::Multipart,
) -> Result<MultipartForm, AppError> {
    let out = read_multipart(mp).await?;
    let token = out.field("csrf");
    if ctx.csrf.len() != 64 || !constant_time_eq(token.as_bytes(), ctx.csrf.as_bytes()) {
        return Err(AppError::Csrf);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = new_token();
        let b = new_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), a);
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
