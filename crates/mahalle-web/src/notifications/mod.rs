//! Notifications: the outbox page, and the jobs that fill it and deliver it.

pub mod jobs;
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
        pages: axum::Router::new()
            .route("/notifications", get(pages::outbox))
            .route("/notifications/{id}/retry", post(pages::retry)),
        ..Routes::default()
    }
}
