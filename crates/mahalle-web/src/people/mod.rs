//! People: council members, pillars, staff.

pub mod api;
pub mod ops;
pub mod pages;
pub mod sheet;

use axum::routing::{get, post};

use crate::http::{Capability, Routes};

pub const CAPABILITY: Capability = Capability {
    routes: router,
    strings: pages::STRINGS,
};

pub fn router() -> Routes {
    Routes {
        pages: crate::http::Paths::new()
            .route("/people", get(pages::people).post(pages::create))
            .route("/people/new", get(pages::new_person))
            .route(
                "/people/import",
                get(pages::import_form).post(pages::import_upload).layer(
                    axum::extract::DefaultBodyLimit::max(
                        crate::http::sheet::MAX_UPLOAD + 256 * 1024,
                    ),
                ),
            )
            .route("/people/import/commit", post(pages::import_commit))
            .route("/people/import/template.csv", get(pages::import_template))
            .route("/people/{id}", get(pages::person))
            .route("/people/{id}/edit", get(pages::edit).post(pages::save))
            .route("/people/{id}/retire", post(pages::retire))
            .route("/people/{id}/reinstate", post(pages::reinstate)),
        api: api::router(),
        ..Routes::default()
    }
}
