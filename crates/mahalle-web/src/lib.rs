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

pub use accounts::jobs::spawn_housekeeping;
pub use http::clock::{tehran_offset, today};
pub use http::state::{AppState, WebConfig};

use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::routing::{any, get};
use axum::{Json, Router};
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
    let gate = http::overload::Gate::new(state.config.max_in_flight, state.config.overload_wait);
    let mut pages = Router::new();
    let mut api = OpenApiRouter::with_openapi(http::api::ApiDoc::openapi());
    let mut machine = Router::new();
    for c in CAPABILITIES {
        let r = (c.routes)();
        pages = pages.merge(r.pages);
        api = api.merge(r.api);
        machine = machine.merge(r.machine);
    }
    let (api, mut doc) = api.split_for_parts();
    http::api::describe_common_errors(&mut doc);
    let doc = Arc::new(doc);
    let pages = pages
        .fallback(|| async { AppError::NotFound })
        .layer(axum::middleware::from_fn(http::error::html_errors))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::csrf::ensure_cookie,
        ));

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
                .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(30))),
        )
        .layer(axum::middleware::from_fn_with_state(gate, http::overload::admit))
        .with_state(state)
}
