//! Static files compiled into the binary: nothing is fetched from elsewhere at run time.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::http::extract::P;

const FILES: &[(&str, &str, &[u8])] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/app.js"),
    ),
    (
        "map.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/map.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../../static/favicon.svg"),
    ),
    (
        "fonts/vazirmatn-arabic-400-normal.woff2",
        "font/woff2",
        include_bytes!("../../static/fonts/vazirmatn-arabic-400-normal.woff2"),
    ),
    (
        "fonts/vazirmatn-arabic-700-normal.woff2",
        "font/woff2",
        include_bytes!("../../static/fonts/vazirmatn-arabic-700-normal.woff2"),
    ),
    (
        "fonts/vazirmatn-latin-400-normal.woff2",
        "font/woff2",
        include_bytes!("../../static/fonts/vazirmatn-latin-400-normal.woff2"),
    ),
    (
        "fonts/vazirmatn-latin-700-normal.woff2",
        "font/woff2",
        include_bytes!("../../static/fonts/vazirmatn-latin-700-normal.woff2"),
    ),
    (
        "fonts/OFL.txt",
        "text/plain; charset=utf-8",
        include_bytes!("../../static/fonts/OFL.txt"),
    ),
];

pub async fn serve(P(path): P<String>) -> Response {
    match FILES.iter().find(|(name, _, _)| *name == path) {
        Some((_, mime, body)) => (
            [
                (header::CONTENT_TYPE, *mime),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            *body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
