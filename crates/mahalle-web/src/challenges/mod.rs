//! Neighborhood challenges: needs raised from requests, answered by resolutions.

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
            .route("/challenges", get(pages::list).post(pages::raise))
            .route("/challenges/new", get(pages::raise_form))
            .route("/challenges/{id}", get(pages::show))
            .route("/challenges/{id}/resolution", post(pages::answer))
            .route("/challenges/{id}/status", post(pages::set_status))
            .route("/challenges/{id}/details", post(pages::set_details))
            .route("/challenges/{id}/endorsement", post(pages::endorse)),
        api: api::router(),
        ..Routes::default()
    }
}
