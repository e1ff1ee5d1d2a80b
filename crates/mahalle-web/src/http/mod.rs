//! HTTP plumbing every capability shares: request context, CSRF, errors, extractors, static
//! assets, string look-up, page basics and the API's common types. Capabilities import from
//! here and never from each other.

pub mod api;
pub mod assets;
pub mod cells;
pub mod charts;
pub mod clock;
pub mod csrf;
pub mod ctx;
pub mod error;
pub mod extract;
pub mod form;
pub mod i18n;
pub mod overload;
pub mod page;
pub mod passwords;
pub mod sheet;
pub mod state;
pub mod texts;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, MethodRouter};
use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

/// The strings a capability's pages use: (key, Persian, English).
pub type Strings = &'static [(&'static str, &'static str, &'static str)];

/// One capability as `lib.rs` lists it: its routes and its strings.
pub struct Capability {
    pub routes: fn() -> Routes,
    pub strings: Strings,
}

/// A capability's routes, by how they answer.
pub struct Routes {
    /// HTML pages: errors come back as pages in the visitor's language, and the CSRF cookie is
    /// set.
    pub pages: Paths,
    /// JSON under /api/v1, each route registered with its OpenAPI description (`routes!`), so
    /// the two cannot drift apart.
    pub api: OpenApiRouter<AppState>,
    /// Other machine endpoints (Open311, calendar feeds), answered as they are.
    pub machine: Paths,
}

impl Default for Routes {
    fn default() -> Self {
        Routes {
            pages: Paths::new(),
            api: OpenApiRouter::new(),
            machine: Paths::new(),
        }
    }
}

/// A router that remembers the paths it was given, as the OpenAPI router remembers the API's:
/// the application can then list every route it answers (the access-matrix test walks them
/// all, so a new route cannot be left out of it).
pub struct Paths {
    router: Router<AppState>,
    paths: Vec<&'static str>,
}

impl Paths {
    pub fn new() -> Self {
        Paths {
            router: Router::new(),
            paths: Vec::new(),
        }
    }

    pub fn route(mut self, path: &'static str, methods: MethodRouter<AppState>) -> Self {
        self.router = self.router.route(path, methods);
        self.paths.push(path);
        self
    }

    pub fn merge(mut self, other: Paths) -> Self {
        self.router = self.router.merge(other.router);
        self.paths.extend(other.paths);
        self
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<&'static str>) {
        (self.router, self.paths)
    }
}

impl Default for Paths {
    fn default() -> Self {
        Paths::new()
    }
}

/// Health checks, static files and the favicon.
pub fn router() -> Paths {
    Paths::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/static/{*path}", get(assets::serve))
        .route(
            "/favicon.ico",
            get(|| async { axum::response::Redirect::permanent("/static/favicon.svg") }),
        )
}

/// Ready when the database answers.
async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "database not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
