//! People: council members, pillars, staff.

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
            .route("/people", get(pages::people))
            .route("/people/{id}", get(pages::person)),
        api: api::router(),
        ..Routes::default()
    }
}
