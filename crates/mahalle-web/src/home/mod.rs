//! The start page: what needs the visitor's attention.

pub mod pages;

use axum::routing::get;

use crate::http::{Capability, Routes};

pub const CAPABILITY: Capability = Capability {
    routes: router,
    strings: &[],
};

pub fn router() -> Routes {
    Routes {
        pages: crate::http::Paths::new().route("/", get(pages::home)),
        ..Routes::default()
    }
}
