//! Districts and neighborhoods: lists, a neighborhood's council, pillars and challenges.

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
            .route("/districts", get(pages::districts))
            .route("/districts/{id}", get(pages::district))
            .route("/neighborhoods", get(pages::neighborhoods))
            .route("/neighborhoods/{id}", get(pages::neighborhood)),
        api: api::router(),
        ..Routes::default()
    }
}
