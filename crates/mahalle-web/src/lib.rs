//! The web layer, one folder per capability (named as in core and db), each with its operations
//! (`ops`), pages, API handlers, strings and one `router()`; shared HTTP plumbing in `http`.
//! Data flows one way: HTTP → handler (parse) → operation (authorise, core rule, store) → view.

pub mod accounts;
pub mod calendar;
pub mod challenges;
pub mod home;
pub mod http;
pub mod meetings;
pub mod notifications;
pub mod org;
pub mod people;
pub mod places;
pub mod requests;
pub mod resolutions;
pub mod services;

use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use axum::http::{header, HeaderValue, StatusCode};
use axum::routing::{any, get};
use axum::{Json, Router};
use chrono::{FixedOffset, NaiveDate, Utc};
use mahalle_db::Store;
use serde::{Deserialize, Deserializer};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::http::error::AppError;
use crate::http::Capability;

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
    pub intake: Arc<requests::ops::Intake>,
}

impl AppState {
    pub fn new(store: Store, config: WebConfig) -> AppState {
        AppState {
            store,
            config: Arc::new(config),
            intake: Arc::new(requests::ops::Intake::default()),
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

/// Every capability, once: its routes and its strings. Adding a capability is one line here.
pub const CAPABILITIES: &[Capability] = &[
    accounts::CAPABILITY,
    calendar::CAPABILITY,
    challenges::CAPABILITY,
    home::CAPABILITY,
    meetings::CAPABILITY,
    notifications::CAPABILITY,
    org::CAPABILITY,
    people::CAPABILITY,
    places::CAPABILITY,
    requests::CAPABILITY,
    resolutions::CAPABILITY,
    services::CAPABILITY,
];

/// The whole application: every capability's pages, API and machine endpoints, the OpenAPI
/// document they describe, health checks and static files, under one stack of tower layers.
pub fn app(state: AppState) -> Router {
    let mut pages = Router::new();
    let mut api = OpenApiRouter::with_openapi(http::api::ApiDoc::openapi());
    let mut machine = Router::new();
    for c in CAPABILITIES {
        let r = (c.routes)();
        pages = pages.merge(r.pages);
        api = api.merge(r.api);
        machine = machine.merge(r.machine);
    }
    let (api, doc) = api.split_for_parts();
    let doc = Arc::new(doc);
    let pages = pages
        .fallback(|| async { AppError::NotFound })
        .layer(axum::middleware::from_fn(http::error::html_errors))
        .layer(axum::middleware::from_fn(http::csrf::ensure_cookie));

    Router::new()
        .merge(api)
        .route("/api/v1", any(|| async { AppError::NotFound }))
        .route("/api/v1/{*rest}", any(|| async { AppError::NotFound }))
        .route(
            "/api/openapi.json",
            get(move || {
                let doc = doc.clone();
                async move { Json(doc.as_ref().clone()) }
            }),
        )
        .merge(machine)
        .merge(http::router())
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
