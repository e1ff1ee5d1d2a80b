//! Indicators the DHIS2 way (issue 13): data elements counted per neighborhood and period, and
//! indicators over them (a numerator over a denominator times a factor), read at the city, a
//! district or its neighborhoods with totals computed from the counts; counts are entered in a
//! district's grid or over the API, all or none, each change audited.

pub mod api;
pub mod chart;
pub mod ops;
pub mod pages;
pub mod sheet;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;

use crate::http::extract::FILE_FORM_LIMIT;
use crate::http::{Capability, Routes};

pub const CAPABILITY: Capability = Capability {
    routes: router,
    strings: pages::STRINGS,
};

pub fn router() -> Routes {
    Routes {
        pages: crate::http::Paths::new()
            .route(
                "/indicators",
                get(pages::list).post(pages::create_indicator),
            )
            .route("/indicators/new", get(pages::new_indicator))
            .route(
                "/indicators/elements",
                axum::routing::post(pages::create_element),
            )
            .route("/indicators/elements/new", get(pages::new_element))
            .route(
                "/indicators/values",
                get(pages::values_form).post(pages::save_values),
            )
            .route(
                "/indicators/values/import",
                get(pages::import_form)
                    .post(pages::import_upload)
                    .layer(DefaultBodyLimit::max(FILE_FORM_LIMIT)),
            )
            .route(
                "/indicators/values/import/commit",
                axum::routing::post(pages::import_commit)
                    .layer(DefaultBodyLimit::max(FILE_FORM_LIMIT)),
            )
            .route("/indicators/{id}", get(pages::show))
            .route("/indicators/{id}/export.xlsx", get(pages::export)),
        api: api::router(),
        ..Routes::default()
    }
}
