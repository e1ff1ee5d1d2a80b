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
        pages: crate::http::Paths::new().route("/calendar", get(pages::month)),
        // Calendar clients authenticate with a token and must get 401, not the sign-in page:
        // the feed answers as the API does, and is described in its document.
        api: utoipa_axum::router::OpenApiRouter::new().routes(utoipa_axum::routes!(pages::feed)),
        ..Routes::default()
    }
}
