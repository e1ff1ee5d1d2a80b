//! Staff and volunteer recognition (تشویق کارکنان): who, by whom, for what and when, given by a
//! district's secretariat or at a supervisory visit, with a numbered certificate (printed by the
//! councils' certificate page, shared with the thanks of former council members); listed by
//! district and shown on the person's, the district's and the visit's pages.

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
            .route("/recognitions", get(pages::list).post(pages::create))
            .route("/recognitions/new", get(pages::new_form)),
        api: api::router(),
        ..Routes::default()
    }
}
