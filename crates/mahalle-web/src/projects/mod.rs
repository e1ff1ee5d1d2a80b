//! Priority projects (پروژه‌های اولویت‌دار) of districts and neighborhoods: weighted milestones,
//! progress and standing against plan, links to challenges and resolutions, residents asking
//! that a project continue; a filtered list, an .xlsx export and a timeline by Jalali month.

pub mod api;
pub mod ops;
pub mod pages;
pub mod timeline;

use axum::routing::{get, post};

use crate::http::{Capability, Routes};

pub const CAPABILITY: Capability = Capability {
    routes: router,
    strings: pages::STRINGS,
};

pub fn router() -> Routes {
    Routes {
        pages: crate::http::Paths::new()
            .route("/projects", get(pages::list).post(pages::create))
            .route("/projects/new", get(pages::new_form))
            .route("/projects/export.xlsx", get(pages::export))
            .route("/projects/timeline", get(pages::timeline_page))
            .route("/projects/timeline.svg", get(pages::timeline_svg))
            .route("/projects/{id}", get(pages::show))
            .route("/projects/{id}/edit", get(pages::edit).post(pages::save))
            .route("/projects/{id}/milestones", post(pages::add_milestone))
            .route(
                "/projects/{id}/milestones/{milestone}/done",
                post(pages::milestone_done),
            )
            .route(
                "/projects/{id}/milestones/{milestone}/undone",
                post(pages::milestone_undone),
            )
            .route(
                "/projects/{id}/milestones/{milestone}/remove",
                post(pages::milestone_remove),
            )
            .route(
                "/projects/{id}/continuations",
                post(pages::add_continuation),
            ),
        api: api::router(),
        ..Routes::default()
    }
}
