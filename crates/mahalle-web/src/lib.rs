//! The web layer: HTML pages, the JSON API, sign-in, static assets.
//! Data flows one way: HTTP → handler (parse, authorise) → core rule → store → view.

pub mod accounts;
pub mod api;
mod assets;
pub mod challenges;
pub mod citizen;
pub mod csrf;
pub mod ctx;
pub mod error;
mod extract;
pub mod followup;
pub mod i18n;
pub mod notify;
pub mod open311;
pub mod transfer;
pub mod views;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{FromRef, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::Router;
use chrono::{FixedOffset, NaiveDate, Utc};
use mahalle_db::Store;
use serde::{Deserialize, Deserializer};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Settings the web layer needs.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// How long a sign-in lasts.
    pub session_hours: i64,
    /// Mark cookies `Secure` (set when served over HTTPS, e.g. behind a TLS proxy).
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client (for per-IP limits).
    pub trusted_proxies: Vec<mahalle_core::forwarded::Network>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            session_hours: 12,
            secure_cookies: false,
            trusted_proxies: Vec::new(),
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<WebConfig>,
    pub intake: Arc<citizen::Intake>,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> AppState {
        AppState {
            store,
            config: Arc::new(config),
            intake: Arc::new(citizen::Intake::default()),
        }
    }
}

impl FromRef<AppState> for Store {
    fn from_ref(s: &AppState) -> Store {
        s.store.clone()
    }
}

/// Tehran time. Iran has kept UTC+03:30 all year since 2022.
pub fn tehran_offset() -> FixedOffset {
    FixedOffset::east_opt(3 * 3600 + 1800).expect("valid offset")
}

/// Today's date in Tehran.
pub fn today() -> NaiveDate {
    Utc::now().with_timezone(&tehran_offset()).date_naive()
}

/// Treats `?x=` like an absent `x` (forms submit empty selects that way).
pub fn empty_as_none<'de, D: Deserializer<'de>, T: std::str::FromStr>(
    d: D,
) -> Result<Option<T>, D::Error> {
    let s: Option<String> = Option::deserialize(d)?;
    match s.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => mahalle_core::text::to_latin_digits(v)
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("not a valid value: {v}"))),
    }
}

/// The whole application: pages, API, health checks, static files.
pub fn app(state: AppState) -> Router {
    use views::{account, home, import, meetings, org, people, places, resolutions};
    let pages = Router::new()
        .route("/", get(home::home))
        .route("/districts", get(places::districts))
        .route("/districts/{id}", get(places::district))
        .route("/neighborhoods", get(places::neighborhoods))
        .route("/neighborhoods/{id}", get(places::neighborhood))
        .route("/organisations", get(org::organisations))
        .route("/organisations/{id}", get(org::organisation))
        .route("/people", get(people::people))
        .route("/people/{id}", get(people::person))
        .route("/meetings", get(meetings::list).post(meetings::create))
        .route("/meetings/new", get(meetings::new_form))
        .route("/meetings/{id}", get(meetings::show))
        .route("/meetings/{id}/resolutions", post(meetings::add_resolution))
        .route(
            "/meetings/{id}/import",
            get(import::form).post(import::upload),
        )
        .route("/meetings/{id}/import/commit", post(import::commit))
        .route("/import/{file}", get(import::template))
        .route("/meetings/{id}/attachments", post(meetings::attach))
        .route("/meetings/{id}/minutes", post(meetings::minutes))
        .route("/meetings/{id}/details", post(meetings::details))
        .route("/meetings/{id}/attendance", post(meetings::attendance))
        .route("/attachments/{id}", get(meetings::download))
        .route("/resolutions/{id}/report", post(resolutions::report))
        .route("/resolutions", get(resolutions::list))
        .route("/resolutions/export", get(resolutions::export))
        .route("/resolutions/{id}", get(resolutions::show))
        .route("/resolutions/{id}/act", post(resolutions::act))
        .route("/inbox", get(resolutions::inbox))
        .route("/overdue", get(resolutions::overdue))
        .route("/accountability", get(resolutions::accountability))
        .route("/login", get(account::login_form).post(account::login))
        .route("/logout", post(account::logout))
        .route("/account", get(account::account))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route(
            "/admin/users",
            get(account::users).post(account::create_user),
        )
        .route("/settings/lang/{lang}", get(account::set_lang))
        .route("/settings/calendar/{cal}", get(account::set_calendar))
        .route("/calendar", get(views::calendar::month))
        .route("/notifications", get(views::notifications::outbox))
        .route(
            "/notifications/{id}/retry",
            post(views::notifications::retry),
        )
        .route(
            "/requests",
            get(views::requests::list)
                .post(views::requests::submit)
                .layer(axum::extract::DefaultBodyLimit::max(8 * 1024 * 1024)),
        )
        .route(
            "/requests/new",
            get(views::requests::new_form)
                .post(views::requests::refresh_form)
                .layer(axum::extract::DefaultBodyLimit::max(8 * 1024 * 1024)),
        )
        .route("/requests/export.csv", get(views::requests::export))
        .route("/requests/{id}", get(views::requests::show))
        .route("/requests/{id}/act", post(views::requests::act))
        .route("/requests/{id}/challenge", post(views::requests::challenge))
        .route("/challenges", get(views::challenges::list))
        .route("/challenges/{id}", get(views::challenges::show))
        .route(
            "/challenges/{id}/resolution",
            post(views::challenges::answer),
        )
        .route("/requests/{id}/photo", get(views::requests::photo))
        .route("/track", get(views::requests::track_lookup))
        .route("/track/{code}", get(views::requests::track))
        .route("/services", get(views::services::catalogue))
        .route("/services/{id}", post(views::services::update))
        .route("/services/{id}/routes", post(views::services::add_route))
        .route(
            "/services/new",
            get(views::services::new_form).post(views::services::create),
        )
        .route(
            "/services/{id}/edit",
            get(views::services::edit_form).post(views::services::save),
        )
        .route(
            "/services/{id}/routes/{route}/delete",
            post(views::services::delete_route),
        )
        .route(
            "/services/{id}/attributes",
            post(views::services::add_attribute),
        )
        .route(
            "/services/{id}/attributes/{attribute}/delete",
            post(views::services::remove_attribute),
        )
        .route(
            "/admin/api-keys",
            get(views::api_keys::list).post(views::api_keys::create),
        )
        .route("/admin/api-keys/{id}/revoke", post(views::api_keys::revoke))
        .fallback(|| async { error::AppError::NotFound })
        .layer(axum::middleware::from_fn(error::html_errors))
        .layer(axum::middleware::from_fn(csrf::ensure_cookie));

    Router::new()
        .nest("/api/v1", api::router())
        .merge(open311::router())
        .route("/api/openapi.json", get(api::openapi_json))
        // Calendar clients authenticate with a token and must get 401, not the sign-in page.
        .route("/calendar/{file}", get(views::calendar::feed))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/static/{*path}", get(assets::serve))
        .route("/favicon.ico", get(|| async { axum::response::Redirect::permanent("/static/favicon.svg") }))
        .merge(pages)
        .layer(
            tower::ServiceBuilder::new()
                .layer(TraceLayer::new_for_http())
                .layer(CatchPanicLayer::new())
                .layer(RequestBodyLimitLayer::new(12 * 1024 * 1024))
                .layer(CompressionLayer::new())
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::REFERRER_POLICY,
                    HeaderValue::from_static("same-origin"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(
                        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'",
                    ),
                ))
                .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(30))),
        )
        .with_state(state)
}

/// Ready when the database answers.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state
        .store
        .scalar(&mahalle_db::Sql::new("SELECT CAST(1 AS BIGINT)"))
        .await
    {
        Ok(_) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "database not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}

/// Housekeeping that is safe to run in every server process at once: each step is an idempotent
/// delete, so no lock is needed.
pub fn spawn_housekeeping(store: Store) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            if let Err(e) = mahalle_db::auth::purge_expired(&store, Utc::now().timestamp()).await {
                tracing::warn!(error = %e, "housekeeping failed");
            }
        }
    });
}
