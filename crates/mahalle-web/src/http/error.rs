//! One error type for the web layer, mapped once to an HTTP status, a stable machine code and a
//! message in Persian and English. API clients get `{"error": {"code", "message", …}}`; pages get
//! the same error rendered as HTML by [`html_errors`]. Internal causes are logged, never shown.

use axum::extract::Request;
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use mahalle_core::validate::FieldError;
use mahalle_db::DbError;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    Unauthorized,
    #[error("forbidden")]
    Forbidden,
    #[error("invalid CSRF token")]
    Csrf,
    /// A read-only API token was used for a change.
    #[error("read-only token")]
    ReadOnlyToken,
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("too many attempts")]
    TooManyRequests,
    /// What was sent (a file, a form) is over the limit of where it was sent.
    #[error("payload too large")]
    TooLarge,
    /// The database kept aborting the write (conflicts with other writers) after the store's
    /// retries; nothing was saved and the same request may be sent again.
    #[error("busy")]
    Busy,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => AppError::NotFound,
            DbError::Conflict(what) => AppError::Conflict(what),
            DbError::Transient(_) => AppError::Busy,
            // An id that was sent (and passed the checks) names nothing: the input's fault.
            DbError::MissingReference(_) => AppError::invalid(
                "id",
                "یکی از شناسه‌های فرستاده‌شده به چیزی که وجود دارد اشاره نمی‌کند.",
                "One of the ids sent refers to nothing that exists.",
            ),
            other => AppError::Internal(other.into()),
        }
    }
}

impl mahalle_db::TxError for AppError {
    fn transient(&self) -> bool {
        matches!(self, AppError::Busy)
    }
}

impl From<FieldError> for AppError {
    fn from(e: FieldError) -> Self {
        AppError::Invalid(vec![e])
    }
}

/// The JSON body of every API error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `not_found`, `invalid`, `unauthorized`.
    pub code: &'static str,
    /// English message.
    pub message: String,
    /// Persian message.
    pub message_fa: String,
    /// Per-field problems for `invalid`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(value_type = Vec<Object>)]
    pub fields: Vec<FieldError>,
}

impl AppError {
    /// The field errors of an `Invalid` (none for any other error).
    pub fn fields(self) -> Vec<FieldError> {
        match self {
            AppError::Invalid(f) => f,
            _ => Vec::new(),
        }
    }

    /// Refuses (`Forbidden`) unless the caller is allowed.
    pub fn unless(allowed: bool) -> Result<(), AppError> {
        if allowed {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// One field's problem, in both languages.
    pub fn invalid(field: &'static str, fa: impl Into<String>, en: impl Into<String>) -> AppError {
        AppError::Invalid(vec![FieldError::new(field, fa, en)])
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::Csrf | AppError::ReadOnlyToken => StatusCode::FORBIDDEN,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn detail(&self) -> ErrorDetail {
        let (code, en, fa): (&'static str, String, String) = match self {
            AppError::NotFound => (
                "not_found",
                "Not found.".into(),
                "مورد درخواستی پیدا نشد.".into(),
            ),
            AppError::Unauthorized => (
                "unauthorized",
                "Please sign in.".into(),
                "لطفاً وارد سامانه شوید.".into(),
            ),
            AppError::Forbidden => (
                "forbidden",
                "You do not have permission for this.".into(),
                "شما اجازه دسترسی به این بخش را ندارید.".into(),
            ),
            AppError::ReadOnlyToken => (
                "read_only_token",
                "This API token may only read. Create a token with the write scope for changes."
                    .into(),
                "این توکن API فقط اجازه خواندن دارد. برای تغییرات، توکنی با دامنه نوشتن بسازید."
                    .into(),
            ),
            AppError::Csrf => (
                "csrf",
                "The form has expired. Reload the page and try again.".into(),
                "فرم منقضی شده است. صفحه را دوباره بارگذاری کنید و دوباره بفرستید.".into(),
            ),
            AppError::Invalid(_) => (
                "invalid",
                "Some fields need correcting.".into(),
                "برخی از بخش‌ها نیاز به اصلاح دارند.".into(),
            ),
            AppError::BadRequest(m) => (
                "bad_request",
                format!("Bad request: {m}"),
                format!("درخواست نادرست: {m}"),
            ),
            AppError::Conflict(m) => (
                "conflict",
                format!("This already exists ({m})."),
                format!("این مورد از پیش وجود دارد ({m})."),
            ),
            AppError::TooManyRequests => (
                "too_many_requests",
                "Too many attempts. Wait a few minutes and try again.".into(),
                "تلاش‌ها بیش از حد مجاز است. چند دقیقه بعد دوباره تلاش کنید.".into(),
            ),
            AppError::TooLarge => (
                "too_large",
                "What was sent is larger than allowed here (files: 10 MB; photos: 8 MB; spreadsheets: 2 MB). Nothing was saved.".into(),
                "حجم آنچه فرستاده شد بیش از حد مجاز است (پرونده: ۱۰ مگابایت؛ عکس: ۸ مگابایت؛ صفحه‌گسترده: ۲ مگابایت). چیزی ذخیره نشد.".into(),
            ),
            AppError::Busy => (
                "busy",
                "The system is busy and nothing was saved. Try again in a moment.".into(),
                "سامانه لحظه‌ای شلوغ است و چیزی ذخیره نشد. چند لحظه دیگر دوباره تلاش کنید.".into(),
            ),
            AppError::Internal(_) => (
                "internal",
                "Something went wrong on our side. It has been logged.".into(),
                "خطایی در سامانه رخ داد و ثبت شد.".into(),
            ),
        };
        let fields = match self {
            AppError::Invalid(f) => f.clone(),
            _ => Vec::new(),
        };
        ErrorDetail {
            code,
            message: en,
            message_fa: fa,
            fields,
        }
    }
}

/// Marker put in the response extensions so [`html_errors`] can re-render it as a page.
#[derive(Clone)]
pub struct ErrorMark(pub ErrorDetail, pub StatusCode);

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        if let AppError::Internal(cause) = &self {
            tracing::error!(error = ?cause, "internal error");
        }
        let detail = self.detail();
        let mut resp = (
            status,
            Json(ErrorBody {
                error: detail.clone(),
            }),
        )
            .into_response();
        if status == StatusCode::UNAUTHORIZED {
            resp.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
        }
        resp.extensions_mut().insert(ErrorMark(detail, status));
        resp
    }
}

/// For HTML routes: turns error responses into pages in the visitor's language, and sends
/// anonymous visitors of protected pages to the sign-in form.
pub async fn html_errors(req: Request, next: Next) -> Response {
    let lang = crate::http::ctx::Lang::from_headers(req.headers());
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let resp = next.run(req).await;
    let Some(ErrorMark(detail, status)) = resp.extensions().get::<ErrorMark>().cloned() else {
        return resp;
    };
    if status == StatusCode::UNAUTHORIZED {
        let to = format!("/login?next={}", crate::http::page::url_encode(&path));
        return axum::response::Redirect::to(&to).into_response();
    }
    crate::http::page::error_page(lang, status, &detail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_the_store_could_not_retry_away_asks_the_client_to_try_again() {
        let e = AppError::from(DbError::Transient("deadlock detected".into()));
        assert!(mahalle_db::TxError::transient(&e));
        let resp = e.into_response();
        assert_eq!(resp.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(resp.headers()[header::RETRY_AFTER], "1");
        let ErrorMark(detail, _) = resp.extensions().get::<ErrorMark>().unwrap().clone();
        assert_eq!(detail.code, "busy");
        assert!(detail.message_fa.contains("ذخیره نشد"));
        assert!(!mahalle_db::TxError::transient(&AppError::NotFound));
    }
}
