//! Vulnerable areas (issue 13): a neighborhood or an area drawn within a district, marked with
//! the reason and the day; interventions there with their lead, partners, span, cost and the
//! public space returned; the neighborhood's indicators before and after; the list and map
//! public where the city chooses.

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
            .route("/vulnerable-areas", get(pages::list).post(pages::create))
            .route("/vulnerable-areas/new", get(pages::new))
            .route(
                "/vulnerable-areas/{id}",
                get(pages::show).post(pages::update),
            )
            .route("/vulnerable-areas/{id}/edit", get(pages::edit))
            .route(
                "/vulnerable-areas/{id}/interventions",
                post(pages::add_intervention),
            ),
        api: api::router(),
        ..Routes::default()
    }
}
