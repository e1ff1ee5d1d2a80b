//! What every part of the JSON API under /api/v1 shares: the result type, list parameters, page
//! envelopes and the frame of the OpenAPI document served at /api/openapi.json. Machine clients
//! authenticate with `Authorization: Bearer <token>` (tokens from /account).

use axum::Json;
use mahalle_core::paging::ListQuery;
use serde::Deserialize;
use utoipa::{IntoParams, OpenApi};

use crate::http::error::{AppError, ErrorBody};

pub(crate) type ApiResult<T> = Result<Json<T>, AppError>;

/// What a `201 Created` answers, and an update when nothing more is worth sending: the
/// record's id.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
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

/// Whether a registry list includes retired records.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RetiredParams {
    /// `true`: retired records too (they are left out otherwise).
    pub retired: Option<bool>,
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

/// Adds the answers every operation can give though its own description leaves them out: 400
/// for input that cannot be read (a path id that is not a number, malformed JSON or query), 401
/// where a token is needed, and 422 where a body is checked — all in the one error format.
pub fn describe_common_errors(doc: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let error = |description: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build(),
        )
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        let names_a_record = path.contains('{');
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            let responses = &mut op.responses.responses;
            let takes_input =
                op.request_body.is_some() || op.parameters.as_ref().is_some_and(|p| !p.is_empty());
            if takes_input {
                responses
                    .entry("400".into())
                    .or_insert_with(|| error("The input could not be read."));
            }
            if op.security.is_some() {
                responses
                    .entry("401".into())
                    .or_insert_with(|| error("No valid session or token."));
            }
            if takes_input {
                responses
                    .entry("422".into())
                    .or_insert_with(|| error("The input was read but is not acceptable."));
            }
            if names_a_record {
                responses
                    .entry("404".into())
                    .or_insert_with(|| error("No such record, or not one the caller may see."));
            }
        }
    }
}
