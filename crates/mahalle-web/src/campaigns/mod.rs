//! Campaigns (issue 13): a drive owned by a headquarters with partners, a span and indicators
//! with targets; its page shows coverage by district and neighborhood against the targets, on
//! a map drawn by the server from the stored boundaries and in a table beside it, over time,
//! and names the places that lag. Its counts are entered in the indicators' grid, limited to
//! the campaign's periods.

pub mod api;
pub mod ops;
pub mod pages;

use axum::routing::get;

use crate::http::{Capability, Routes};

pub const CAPABILITY: Capability = Capability {
    routes: router,
    strings: pages::STRINGS,
};

pub fn router() -> Routes {
    Routes {
        pages: crate::http::Paths::new()
            .route("/campaigns", get(pages::list).post(pages::create))
            .route("/campaigns/new", get(pages::new))
            .route("/campaigns/{id}", get(pages::show).post(pages::update))
            .route("/campaigns/{id}/edit", get(pages::edit)),
        api: api::router(),
        ..Routes::default()
    }
}
