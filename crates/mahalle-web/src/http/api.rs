//! What every part of the JSON API under /api/v1 shares: the result type, list parameters, page
//! envelopes and the frame of the OpenAPI document served at /api/openapi.json. Machine clients
//! authenticate with `Authorization: Bearer <token>` (tokens from /account).

use axum::Json;
use mahalle_core::paging::ListQuery;
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};

use crate::http::error::{AppError, ErrorBody};

pub(crate) type ApiResult<T> = Result<Json<T>, AppError>;

/// What a `201 Created` answers: the new record's id.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Created {
    pub id: i64,
}

/// Declares the JSON envelope of one page of `$item`s.
macro_rules! page_type {
    ($name:ident, $item:ty) => {
        /// One page of results.
        #[derive(serde::Serialize, utoipa::ToSchema)]
        pub struct $name {
            pub items: Vec<$item>,
            /// Number of matching items over all pages.
            pub total: i64,
            pub page: u32,
            pub per_page: u32,
        }
        impl From<mahalle_core::paging::Paged<$item>> for $name {
            fn from(p: mahalle_core::paging::Paged<$item>) -> Self {
                $name {
                    items: p.items,
                    total: p.total,
                    page: p.page,
                    per_page: p.per_page,
                }
            }
        }
    };
}
pub(crate) use page_type;

/// Search, sort and paging parameters shared by list endpoints.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Search text; Persian spelling variants (ي/ی, ك/ک, ZWNJ, diacritics, digit scripts) match.
    pub q: Option<String>,
    /// Sort key (see each endpoint).
    pub sort: Option<String>,
    /// `asc` (default) or `desc`.
    pub dir: Option<String>,
    /// Page number from 1.
    pub page: Option<u32>,
    /// Items per page, 1–200 (default 25).
    pub per_page: Option<u32>,
}

impl ListParams {
    pub(crate) fn query(&self) -> ListQuery {
        ListQuery {
            q: self.q.clone(),
            sort: self.sort.clone(),
            dir: self.dir.clone(),
            page: self.page,
            per_page: self.per_page,
        }
    }
}

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document's frame: title, description, the error body and bearer authentication. Each
/// capability's `api::router()` adds its operations and their schemas.
#[derive(OpenApi)]
#[openapi(
    info(title = "Mahalle API", description = "Neighborhood-centred city governance. Dates are ISO 8601 (Gregorian); names come in Persian (`_fa`) and Latin (`_en`)."),
    components(schemas(ErrorBody, crate::http::error::ErrorDetail)),
    modifiers(&BearerAuth),
)]
pub struct ApiDoc;
