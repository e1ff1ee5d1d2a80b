//! The web layer, one folder per capability (named as in core and db), each with its operations
//! (`ops`), pages, API handlers, strings and one `router()`; shared HTTP plumbing in `http`.
//! Data flows one way: HTTP → handler (parse) → operation (authorise, core rule, store) → view.

pub mod accounts;
pub mod calendar;
pub mod campaigns;
pub mod challenges;
pub mod councils;
pub mod delegations;
pub mod fuzzing;
pub mod home;
pub mod http;
pub mod indicators;
pub mod meetings;
pub mod notifications;
pub mod occasions;
pub mod org;
pub mod partners;
pub mod people;
pub mod places;
pub mod polls;
pub mod projects;
pub mod recognitions;
pub mod requests;
pub mod resolutions;
pub mod scorecards;
pub mod services;
pub mod visits;
pub mod vulnerable;

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
    campaigns::CAPABILITY,
    challenges::CAPABILITY,
    councils::CAPABILITY,
    delegations::CAPABILITY,
    home::CAPABILITY,
    indicators::CAPABILITY,
    meetings::CAPABILITY,
    notifications::CAPABILITY,
    occasions::CAPABILITY,
    org::CAPABILITY,
    partners::CAPABILITY,
    people::CAPABILITY,
    places::CAPABILITY,
    polls::CAPABILITY,
    projects::CAPABILITY,
    recognitions::CAPABILITY,
    requests::CAPABILITY,
    scorecards::CAPABILITY,
    resolutions::CAPABILITY,
    services::CAPABILITY,
    visits::CAPABILITY,
    vulnerable::CAPABILITY,
];

/// Every capability's routes put together: pages, API (with the OpenAPI document it describes)
/// and machine endpoints, with the paths of the pages and machine endpoints listed.
struct Assembled {
    pages: Router<AppState>,
    api: Router<AppState>,
    machine: Router<AppState>,
    doc: utoipa::openapi::OpenApi,
    paths: Vec<&'static str>,
}

fn assemble() -> Assembled {
    let mut pages = http::Paths::new();
    let mut api = OpenApiRouter::with_openapi(http::api::ApiDoc::openapi());
    let mut machine = http::Paths::new();
    for c in CAPABILITIES {
        let r = (c.routes)();
        pages = pages.merge(r.pages);
        api = api.merge(r.api);
        machine = machine.merge(r.machine);
    }
    let (api, mut doc) = api.split_for_parts();
    http::api::describe_common_errors(&mut doc);
    let served = Arc::new(doc.clone());
    let machine = machine
        .route("/api/v1", any(|| async { AppError::NotFound }))
        .route("/api/v1/{*rest}", any(|| async { AppError::NotFound }))
        .route(
            "/api/openapi.json",
            get(move || {
                let doc = served.clone();
                async move { Json(doc.as_ref().clone()) }
            }),
        )
        .merge(http::router());
    let (pages, mut paths) = pages.into_parts();
    let (machine, machine_paths) = machine.into_parts();
    paths.extend(machine_paths);
    Assembled {
        pages,
        api,
        machine,
        doc,
        paths,
    }
}

/// One route the application answers: its path as the router spells it, and its methods when
/// the OpenAPI document gives them (for pages and machine endpoints, ask the route).
#[derive(Debug, Clone)]
pub struct RouteInfo {
    pub path: String,
    pub methods: Option<Vec<String>>,
}

/// Every route the application answers, from the router itself.
pub fn routes() -> Vec<RouteInfo> {
    let a = assemble();
    let mut out: Vec<RouteInfo> = a
        .paths
        .iter()
        .map(|p| RouteInfo {
            path: (*p).to_string(),
            methods: None,
        })
        .collect();
    for (path, item) in &a.doc.paths.paths {
        let methods = [
            ("GET", item.get.is_some()),
            ("POST", item.post.is_some()),
            ("PUT", item.put.is_some()),
            ("PATCH", item.patch.is_some()),
            ("DELETE", item.delete.is_some()),
        ]
        .into_iter()
        .filter(|(_, on)| *on)
        .map(|(m, _)| m.to_string())
        .collect();
        out.push(RouteInfo {
            path: path.clone(),
            methods: Some(methods),
        });
    }
    out
}

/// The whole application: every capability's pages, API and machine endpoints, the OpenAPI
/// document they describe, health checks and static files, under one stack of tower layers.
pub fn app(state: AppState) -> Router {
    let gate = http::overload::Gate::new(state.config.max_in_flight, state.config.overload_wait);
    let Assembled {
        pages,
        api,
        machine,
        ..
    } = assemble();
    let signed_in =
        || axum::middleware::from_fn_with_state(state.clone(), http::ctx::writes_need_sign_in);
    // On the routes only, so that a path none of them answers stays a 404.
    let api = api.route_layer(signed_in());
    let pages = pages
        .route_layer(signed_in())
        .fallback(|| async { AppError::NotFound })
        .layer(axum::middleware::from_fn(http::error::html_errors))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::csrf::ensure_cookie,
        ));

    Router::new()
        .merge(api)
        .merge(machine)
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

#[cfg(test)]
mod tests {
    use super::*;

    /// utoipa keeps one schema per name and the last capability merged wins, so two request
    /// bodies called alike would describe one operation with the other's shape (it happened:
    /// two `StepInput`s). Each name may mean one thing in the whole document.
    #[test]
    fn schema_names_mean_one_thing_across_capabilities() {
        let mut seen: std::collections::BTreeMap<String, (usize, String)> = Default::default();
        for (i, c) in CAPABILITIES.iter().enumerate() {
            let (_, doc) = (c.routes)().api.split_for_parts();
            for (name, schema) in doc.components.map(|c| c.schemas).unwrap_or_default() {
                let json = serde_json::to_string(&schema).unwrap();
                if let Some((j, other)) = seen.get(&name) {
                    assert!(
                        *other == json,
                        "schema {name} differs between capabilities {j} and {i}"
                    );
                }
                seen.insert(name, (i, json));
            }
        }
        assert!(seen.len() > 50, "{} schemas", seen.len());
    }
}
