//! Districts and neighborhoods: lists, a neighborhood's council, pillars and challenges, and
//! keeping them (create, edit, boundary, retire).

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
                "/districts",
                get(pages::districts).post(pages::create_district),
            )
            .route("/districts/new", get(pages::new_district))
            .route("/districts/{id}", get(pages::district))
            .route(
                "/districts/{id}/edit",
                get(pages::edit_district).post(pages::save_district),
            )
            .route("/districts/{id}/boundary", post(pages::district_boundary))
            .route("/districts/{id}/retire", post(pages::retire_district))
            .route("/districts/{id}/reinstate", post(pages::reinstate_district))
            .route(
                "/neighborhoods",
                get(pages::neighborhoods).post(pages::create_neighborhood),
            )
            .route("/neighborhoods/new", get(pages::new_neighborhood))
            .route("/neighborhoods/{id}", get(pages::neighborhood))
            .route(
                "/neighborhoods/{id}/edit",
                get(pages::edit_neighborhood).post(pages::save_neighborhood),
            )
            .route(
                "/neighborhoods/{id}/boundary",
                post(pages::neighborhood_boundary),
            )
            .route(
                "/neighborhoods/{id}/retire",
                post(pages::retire_neighborhood),
            )
            .route(
                "/neighborhoods/{id}/reinstate",
                post(pages::reinstate_neighborhood),
            ),
        api: api::router(),
        ..Routes::default()
    }
}
