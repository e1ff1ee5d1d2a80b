//! Supervisory visits (نشست نظارت ستادی), the CitiStat way: a district visited by a deputy and
//! general managers, domain reports filed before it, a briefing pack gathered from the city's
//! data, findings and decisions turned into the district's resolutions, and the memo of
//! commitments sent to their owners; the next visit opens with how much of it is done.

pub mod api;
pub mod briefing;
pub mod ops;
pub mod pages;
pub mod sheet;

use axum::routing::{get, post};

use axum::extract::DefaultBodyLimit;

use crate::http::extract::FILE_FORM_LIMIT;
use crate::http::{Capability, Routes};

pub const CAPABILITY: Capability = Capability {
    routes: router,
    strings: pages::STRINGS,
};

pub fn router() -> Routes {
    Routes {
        pages: crate::http::Paths::new()
            .route("/visits", get(pages::list).post(pages::create))
            .route("/visits/new", get(pages::new_form))
            .route("/visits/{id}", get(pages::show))
            .route(
                "/visits/{id}/reports",
                get(pages::report_page).post(pages::file_report),
            )
            .route(
                "/visits/{id}/reports/import",
                get(pages::import_form)
                    .post(pages::import_upload)
                    .layer(DefaultBodyLimit::max(FILE_FORM_LIMIT)),
            )
            .route(
                "/visits/{id}/reports/import/commit",
                post(pages::import_commit).layer(DefaultBodyLimit::max(FILE_FORM_LIMIT)),
            )
            .route("/visits/{id}/findings", post(pages::add_finding))
            .route("/visits/{id}/decisions", post(pages::add_decision))
            .route("/visits/{id}/briefing", get(pages::briefing_page))
            .route("/visits/{id}/briefing.xlsx", get(pages::briefing_xlsx))
            .route(
                "/visits/{id}/memo",
                get(pages::memo_page).post(pages::send_memo),
            ),
        api: api::router(),
        ..Routes::default()
    }
}
