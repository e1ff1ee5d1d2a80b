//! Citizens' requests: submission, the staff queue and its actions, tracking, photos, exports,
//! Open311 GeoReport v2 and its API keys.

pub mod api;
pub mod api_keys;
pub mod open311;
pub mod ops;
pub mod pages;
pub mod public;

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::http::{Capability, Routes};

pub const CAPABILITY: Capability = Capability {
    routes: router,
    strings: pages::STRINGS,
};

/// Submissions carry photos.
const UPLOAD_LIMIT: usize = 8 * 1024 * 1024;

pub fn router() -> Routes {
    Routes {
        pages: crate::http::Paths::new()
            .route(
                "/requests",
                get(pages::list)
                    .post(public::submit)
                    .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
            )
            .route(
                "/requests/new",
                get(public::new_form)
                    .post(public::refresh_form)
                    .layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
            )
            .route("/requests/export.csv", get(pages::export))
            .route("/requests/{id}", get(pages::show))
            .route("/requests/{id}/act", post(pages::act))
            .route("/requests/{id}/challenge", post(pages::challenge))
            .route("/requests/{id}/publication", post(pages::publication))
            .route("/requests/{id}/photo", get(public::photo))
            .route("/track", get(public::track_lookup))
            .route("/track/{code}", get(public::track))
            .route(
                "/admin/api-keys",
                get(api_keys::list).post(api_keys::create),
            )
            .route("/admin/api-keys/{id}/revoke", post(api_keys::revoke)),
        api: api::router(),
        machine: open311::router(),
    }
}
