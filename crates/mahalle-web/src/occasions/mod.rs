//! Occasions (issue 13): religious, national and local events with their days, organisers and
//! places (neighborhoods or partner places), people's participation counted per place and in
//! total, compared with the same occasion the year before.

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
            .route("/occasions", get(pages::list).post(pages::create))
            .route("/occasions/new", get(pages::new))
            .route("/occasions/{id}", get(pages::show).post(pages::update))
            .route("/occasions/{id}/edit", get(pages::edit))
            .route("/occasions/{id}/places", post(pages::save_places)),
        api: api::router(),
        ..Routes::default()
    }
}
