//! Partner places of the neighborhoods' people's networks: mosques, schools, universities,
//! cultural centres, health houses…, model ones with their date; searchable, exported to .xlsx,
//! on each neighborhood's page and on a map of their district.

pub mod api;
pub mod ops;
pub mod pages;

use axum::routing::{get, post};

use crate::http::{Capability, Routes};

pub const CAPABILITY: Capability = Capability {
    routes: router,
    strings: pages::STRINGS,
};

pub fn router() -> Routes {
    Routes {
        pages: crate::http::Paths::new()
            .route("/partners", get(pages::list).post(pages::create))
            .route("/partners/new", get(pages::new_form))
            .route("/partners/export.xlsx", get(pages::export))
            .route("/partners/{id}", get(pages::show))
            .route("/partners/{id}/edit", get(pages::edit).post(pages::save))
            .route("/partners/{id}/retire", post(pages::retire))
            .route("/partners/{id}/reinstate", post(pages::reinstate)),
        api: api::router(),
        ..Routes::default()
    }
}
