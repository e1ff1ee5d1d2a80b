//! Meetings: sessions, their agenda, minutes, attachments and attendance.

pub mod api;
pub mod ops;
pub mod pages;

use axum::routing::{get, post};

use crate::http::{Capability, Routes};

pub const CAPABILITY: Capability = Capability {
    routes: router,
    strings: &[],
};

use axum::extract::DefaultBodyLimit;

use crate::http::extract::FILE_FORM_LIMIT;

pub fn router() -> Routes {
    Routes {
        pages: crate::http::Paths::new()
            .route("/meetings", get(pages::list).post(pages::create))
            .route("/meetings/new", get(pages::new_form))
            .route("/meetings/{id}", get(pages::show))
            .route("/meetings/{id}/resolutions", post(pages::add_resolution))
            .route(
                "/meetings/{id}/attachments",
                post(pages::attach).layer(DefaultBodyLimit::max(FILE_FORM_LIMIT)),
            )
            .route("/meetings/{id}/minutes", post(pages::minutes))
            .route("/meetings/{id}/details", post(pages::details))
            .route("/meetings/{id}/attendance", post(pages::attendance))
            .route("/attachments/{id}", get(pages::download)),
        api: api::router(),
        ..Routes::default()
    }
}
