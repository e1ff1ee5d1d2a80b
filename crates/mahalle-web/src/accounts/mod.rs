//! Accounts: sign-in, sessions, API tokens, users and their roles, language and calendar.

pub mod api;
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
        pages: crate::http::Paths::new()
            .route("/login", get(pages::login_form).post(pages::login))
            .route("/logout", post(pages::logout))
            .route("/account", get(pages::account))
            .route("/account/tokens", post(pages::create_token))
            .route("/account/tokens/{id}/revoke", post(pages::revoke_token))
            .route("/account/feeds", post(pages::create_feed_link))
            .route("/account/feeds/{id}/revoke", post(pages::revoke_feed_link))
            .route("/account/password", post(pages::change_password))
            .route("/admin/users", get(pages::users).post(pages::create_user))
            .route("/admin/users/{id}", get(pages::user))
            .route("/admin/users/{id}/deactivate", post(pages::deactivate_user))
            .route("/admin/users/{id}/reactivate", post(pages::reactivate_user))
            .route("/admin/users/{id}/roles", post(pages::add_role))
            .route("/admin/users/{id}/roles/remove", post(pages::remove_role))
            .route(
                "/admin/users/{id}/tokens/{token}/revoke",
                post(pages::admin_revoke_token),
            )
            .route(
                "/admin/users/{id}/feeds/{link}/revoke",
                post(pages::admin_revoke_feed_link),
            )
            .route("/settings/lang/{lang}", get(pages::set_lang))
            .route("/settings/calendar/{cal}", get(pages::set_calendar)),
        api: api::router(),
        ..Routes::default()
    }
}
