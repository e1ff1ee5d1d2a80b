//! Delegation of authority (issue 13): a person hands a named power — deciding extensions,
//! creating resolutions, acting for an organisation — to another for a scope and a span of
//! Jalali days; the permission checks honour it while it is in force, the actions taken through
//! it name it, and it can be revoked with everything delegated onward from it.

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
            .route("/delegations", get(pages::list).post(pages::create))
            .route("/delegations/new", get(pages::new))
            .route("/delegations/{id}", get(pages::show))
            .route("/delegations/{id}/revoke", post(pages::revoke)),
        api: api::router(),
        ..Routes::default()
    }
}
