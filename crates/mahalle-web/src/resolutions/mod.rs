//! Resolutions and their follow-up: lists, inboxes, reports, extensions, accountability, and
//! import and export of a session's resolutions (`transfer`).

pub mod api;
pub mod ops;
pub mod pages;
pub mod transfer;

use axum::routing::{get, post};

use crate::http::{Capability, Routes};

pub const CAPABILITY: Capability = Capability {
    routes: router,
    strings: &[],
};

use axum::extract::DefaultBodyLimit;

use crate::http::extract::FILE_FORM_LIMIT;

pub fn router() -> Routes {
    use transfer::pages as import;
    Routes {
        pages: crate::http::Paths::new()
            .route(
                "/meetings/{id}/import",
                get(import::form)
                    .post(import::upload)
                    .layer(DefaultBodyLimit::max(transfer::MAX_UPLOAD + 256 * 1024)),
            )
            .route("/meetings/{id}/import/commit", post(import::commit))
            .route("/import/{file}", get(import::template))
            .route("/resolutions", get(pages::list))
            .route("/resolutions/export", get(pages::export))
            .route("/resolutions/{id}", get(pages::show))
            .route("/resolutions/{id}/act", post(pages::act))
            .route(
                "/resolutions/{id}/report",
                post(pages::report).layer(DefaultBodyLimit::max(FILE_FORM_LIMIT)),
            )
            .route("/inbox", get(pages::inbox))
            .route("/overdue", get(pages::overdue))
            .route("/accountability", get(pages::accountability)),
        api: api::router(),
        ..Routes::default()
    }
}
