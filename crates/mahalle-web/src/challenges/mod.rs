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
            .route("/challenges", get(pages::list))
            .route("/challenges/{id}", get(pages::show))
            .route("/challenges/{id}/resolution", post(pages::answer)),
        api: api::router(),
        ..Routes::default()
    }
}
