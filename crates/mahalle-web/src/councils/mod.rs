//! Council terms and elections: the city's neighborhood councils with their latest terms, one
//! council's terms with members and election results, and keeping them (open a term — for one
//! council or every council at once —, record results, officers, departures, close).

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
            .route("/councils", get(pages::councils))
            .route("/councils/terms", post(pages::open_everywhere))
            .route("/councils/{id}", get(pages::council))
            .route("/councils/{id}/terms", post(pages::open_term))
            .route("/terms/{id}/election", post(pages::record_election))
            .route("/terms/{id}/close", post(pages::close_term))
            .route("/memberships/{id}/role", post(pages::set_role))
            .route("/memberships/{id}/departure", post(pages::depart))
            .route("/memberships/{id}/thanks", post(pages::thank))
            .route("/terms/{id}/thanks", post(pages::thank_all))
            .route("/memberships/{id}/onboarding", post(pages::onboarding))
            .route("/memberships/{id}/account", post(pages::open_account))
            .route("/recognitions/{id}/certificate", get(pages::certificate))
            .route("/neighborhoods/{id}/pillars", post(pages::add_pillar))
            .route("/pillars/{id}/end", post(pages::end_pillar)),
        api: api::router(),
        ..Routes::default()
    }
}
