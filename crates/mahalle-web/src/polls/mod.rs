//! Residents' priority polls: a neighborhood's council or its district asks residents to choose
//! among challenges and projects; each resident votes once, by a one-time code; results are
//! published with turnout and answered.

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
            .route("/polls", get(pages::list).post(pages::create))
            .route("/polls/new", get(pages::new_form))
            .route("/polls/{id}", get(pages::show).post(pages::update))
            .route("/polls/{id}/edit", get(pages::edit_form))
            .route("/polls/{id}/code", post(pages::send_code))
            .route("/polls/{id}/vote", post(pages::vote))
            .route("/polls/{id}/in-person", post(pages::in_person))
            .route("/polls/{id}/publish", post(pages::publish))
            .route("/polls/{id}/answer", post(pages::answer)),
        api: api::router(),
        ..Routes::default()
    }
}
