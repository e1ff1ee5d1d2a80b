//! District and neighborhood scorecards (کارنامه), computed from what was recorded and never typed
//! in: resolutions done on time, late and overdue; requests answered within their deadline and
//! how fast; challenges by domain; projects on plan and behind; each with its trend over the last
//! twelve Jalali months as SVG charts, an .xlsx export and a print stylesheet.

pub mod api;
pub mod card;
pub mod charts;
pub mod pages;
pub mod sheet;

use axum::routing::get;

use crate::http::{Capability, Routes};

pub const CAPABILITY: Capability = Capability {
    routes: router,
    strings: pages::STRINGS,
};

pub fn router() -> Routes {
    Routes {
        pages: crate::http::Paths::new()
            .route("/scorecards", get(pages::index))
            .route("/scorecards/districts/{id}", get(pages::district))
            .route(
                "/scorecards/districts/{id}/export.xlsx",
                get(pages::district_xlsx),
            )
            .route("/scorecards/neighborhoods/{id}", get(pages::neighborhood))
            .route(
                "/scorecards/neighborhoods/{id}/export.xlsx",
                get(pages::neighborhood_xlsx),
            ),
        api: api::router(),
        ..Routes::default()
    }
}
