//! The calendar: a month of meetings and deadlines, and iCalendar feeds.

pub mod pages;

use axum::routing::get;

use crate::http::{Capability, Routes};

pub const CAPABILITY: Capability = Capability {
    routes: router,
    strings: pages::STRINGS,
};

pub fn router() -> Routes {
    Routes {
        pages: axum::Router::new().route("/calendar", get(pages::month)),
        // Calendar clients authenticate with a token and must get 401, not the sign-in page.
        machine: axum::Router::new().route("/calendar/{file}", get(pages::feed)),
        ..Routes::default()
    }
}
