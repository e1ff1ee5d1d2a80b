//! Organisations: the city's bodies, departments and agencies.

pub mod api;
pub mod pages;

use axum::routing::get;

use crate::http::{Capability, Routes};

pub const CAPABILITY: Capability = Capability {
    routes: router,
    strings: &[],
};

pub fn router() -> Routes {
    Routes {
        pages: crate::http::Paths::new()
            .route("/organisations", get(pages::organisations))
            .route("/organisations/{id}", get(pages::organisation)),
        api: api::router(),
        ..Routes::default()
    }
}
