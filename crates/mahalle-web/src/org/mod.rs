//! Organisations: the city's bodies, departments and agencies.

pub mod api;
pub mod ops;
pub mod pages;

use axum::routing::{get, post};

use crate::http::{Capability, Routes};

pub const CAPABILITY: Capability = Capability {
    routes: router,
    strings: &[],
};

pub fn router() -> Routes {
    Routes {
        pages: crate::http::Paths::new()
            .route(
                "/organisations",
                get(pages::organisations).post(pages::create),
            )
            .route("/organisations/new", get(pages::new_org))
            .route("/organisations/{id}", get(pages::organisation))
            .route(
                "/organisations/{id}/edit",
                get(pages::edit).post(pages::save),
            )
            .route("/organisations/{id}/retire", post(pages::retire))
            .route("/organisations/{id}/reinstate", post(pages::reinstate)),
        api: api::router(),
        ..Routes::default()
    }
}
