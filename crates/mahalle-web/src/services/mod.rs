//! The service catalogue: what citizens can ask for, its questions and its routing.

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
            .route("/services", get(pages::catalogue))
            .route("/services/new", get(pages::new_form).post(pages::create))
            .route("/services/{id}", post(pages::update))
            .route(
                "/services/{id}/edit",
                get(pages::edit_form).post(pages::save),
            )
            .route("/services/{id}/routes", post(pages::add_route))
            .route(
                "/services/{id}/routes/{route}/delete",
                post(pages::delete_route),
            )
            .route("/services/{id}/attributes", post(pages::add_attribute))
            .route(
                "/services/{id}/attributes/{attribute}/delete",
                post(pages::remove_attribute),
            ),
        api: api::router(),
        ..Routes::default()
    }
}
