//! Notifications: the outbox page, and the jobs that fill it and deliver it.

pub mod api;
pub mod compose;
pub mod delivery;
pub mod jobs;
pub mod mail;
pub mod ops;
pub mod pages;
pub mod reminders;
#[cfg(test)]
mod tests;

pub use compose::*;
pub use delivery::*;
pub use jobs::spawn_reminders;
pub use mail::*;
pub use reminders::*;

use axum::routing::{get, post};

use crate::http::{Capability, Routes};

pub const CAPABILITY: Capability = Capability {
    routes: router,
    strings: pages::STRINGS,
};

pub fn router() -> Routes {
    Routes {
        pages: crate::http::Paths::new()
            .route("/notifications", get(pages::outbox))
            .route("/notifications/{id}/retry", post(pages::retry)),
        api: api::router(),
        ..Routes::default()
    }
}
