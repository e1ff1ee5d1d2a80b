//! Open311 GeoReport v2 under `/open311/v2`, JSON and XML, with the discovery document at
//! `/open311/discovery.{json,xml}`. Errors are the spec's error arrays with the same HTTP
//! status in the body; nothing a client sends can make it answer 5xx except a real outage.

pub mod format;

use axum::extract::{FromRequest, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use mahalle_core::requests::{self as rules, Source};
use mahalle_db::requests::{self as store_requests, Contact, Request as ServiceRequest, Search};

use crate::http::error::AppError;
use crate::requests::ops::{self, Submission};
use crate::AppState;
use format::{respond, Format, V};

/// Our jurisdiction_id (the city's web root, as the spec suggests). Clients may omit it.
pub const JURISDICTION: &str = "tehran.ir";
/// Most requests one search returns (the spec's "first 1000 requests").
pub const MAX_RESULTS: i64 = 1000;

pub fn router() -> crate::http::Paths {
    crate::http::Paths::new()
        .route("/open311/discovery.{ext}", get(discovery))
        .route("/open311/v2/{file}", get(root_get).post(post_request))
        .route("/open311/v2/services/{file}", get(service_definition))
        .route("/open311/v2/requests/{file}", get(one_request))
        .route("/open311/v2/tokens/{file}", get(token))
}

/// An error the client gets as the spec's error array.
pub(crate) struct Error311 {
    status: StatusCode,
    format: Format,
    descriptions: Vec<String>,
    retry_after: Option<u64>,
}

impl Error311 {
    fn new(status: StatusCode, format: Format, description: impl Into<String>) -> Self {
        Error311 {
            status,
            format,
            descriptions: vec![description.into()],
            retry_after: None,
        }
    }

    /// Maps an application error; field errors become one entry each.
    fn from_app(e: AppError, format: Format, lang: Lang) -> Self {
        let (status, descriptions) = match e {
            AppError::Invalid(fields) => {
                let not_found = fields.iter().any(|f| f.field == "service_code");
                let status = if not_found {
                    StatusCode::NOT_FOUND
                } else {
                    StatusCode::BAD_REQUEST
                };
                (
                    status,
                    fields
                        .into_iter()
                        .map(|f| match lang {
                            // Developers read the English; apps may show the Persian.
                            Lang::Fa => format!("{} — {}", f.en, f.fa),
                            Lang::En => f.en,
                        })
                        .collect(),
                )
            }
            AppError::NotFound => (StatusCode::NOT_FOUND, vec!["not found".into()]),
            AppError::BadRequest(m) => (StatusCode::BAD_REQUEST, vec![m]),
            AppError::TooManyRequests => (
                StatusCode::TOO_MANY_REQUESTS,
                vec!["too many requests".into()],
            ),
            AppError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                vec!["the request is larger than 8 MB (a photo must be smaller)".into()],
            ),
            other => {
                tracing::error!(error = %other, "open311 failure");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    vec!["the service is temporarily unavailable; try again".into()],
                )
            }
        };
        Error311 {
            status,
            format,
            descriptions,
            retry_after: None,
        }
    }
}

impl IntoResponse for Error311 {
    fn into_response(self) -> Response {
        let code = i64::from(self.status.as_u16());
        let v = V::L(
            "error",
            self.descriptions
                .into_iter()
                .map(|d| V::O(vec![("code", V::I(code)), ("description", d.into())]))
                .collect(),
        );
        let mut r = respond(self.format, self.status, "errors", &v);
        if let Some(s) = self.retry_after {
            r.headers_mut().insert(header::RETRY_AFTER, s.into());
        }
        r
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    Fa,
    En,
}

/// Names in Persian unless the client prefers English (`Accept-Language: en…` or `locale=en`).
fn lang(headers: &HeaderMap, params: &[(String, String)]) -> Lang {
    let wanted = param(params, "locale")
        .map(str::to_string)
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(|s| s.trim().to_ascii_lowercase())
        })
        .unwrap_or_default();
    if wanted.starts_with("en") {
        Lang::En
    } else {
        Lang::Fa
    }
}

fn param<'a>(params: &'a [(String, String)], name: &str) -> Option<&'a str> {
    params
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .filter(|v| !v.is_empty())
}

/// A POST requests form's fields as a submission (no photo, no key yet): what Open311 clients
/// send is read here, and only here, before anything touches the database.
pub(crate) fn read_submission(
    params: &[(String, String)],
    format: Format,
) -> Result<Submission, Error311> {
    let Some(service_code) = param(params, "service_code") else {
        return Err(Error311::new(
            StatusCode::BAD_REQUEST,
            format,
            "service_code is required",
        ));
    };
    let number = |name: &str| -> Result<Option<f64>, Error311> {
        param(params, name)
            .map(|v| {
                mahalle_core::text::to_latin_digits(v)
                    .parse::<f64>()
                    .map_err(|_| {
                        Error311::new(
                            StatusCode::BAD_REQUEST,
                            format,
                            format!("{name} must be a number"),
                        )
                    })
            })
            .transpose()
    };
    let text = |name: &str| param(params, name).unwrap_or("").to_string();
    // attribute[CODE]=v and attribute[CODE][]=v (several values).
    let attributes = params
        .iter()
        .filter_map(|(k, v)| {
            let code = k.strip_prefix("attribute[")?;
            let code = code
                .strip_suffix("][]")
                .or_else(|| code.strip_suffix(']'))?;
            Some((code.to_string(), v.clone()))
        })
        .collect();
    let mut address = text("address_string");
    if address.is_empty() {
        address = text("address_id");
    }
    Ok(Submission {
        service_code: service_code.to_string(),
        description: text("description"),
        address,
        lat: number("lat")?,
        lon: number("long")?,
        neighborhood_id: None,
        contact: Contact {
            first_name: text("first_name"),
            last_name: text("last_name"),
            email: text("email"),
            phone: text("phone"),
            device_id: text("device_id"),
            account_id: text("account_id"),
        },
        media_url: text("media_url"),
        attributes,
        photo: None,
        source: Some(Source::Open311),
        api_key_id: None,
        entered_by: None,
        description_required: false,
    })
}

fn parse_query(format: Format, raw: Option<&str>) -> Result<Vec<(String, String)>, Error311> {
    let mut pairs: Vec<(String, String)> = serde_urlencoded::from_str(raw.unwrap_or(""))
        .map_err(|_| Error311::new(StatusCode::BAD_REQUEST, format, "malformed query string"))?;
    // Control characters mean nothing in any parameter (and PostgreSQL refuses NUL).
    for (_, v) in &mut pairs {
        mahalle_core::text::strip_controls(v);
    }
    Ok(pairs)
}

fn split_file(file: &str) -> Result<(&str, Format), Error311> {
    Format::split(file)
        .filter(|(name, _)| !name.contains(char::is_control))
        .ok_or_else(|| {
            Error311::new(
                StatusCode::NOT_FOUND,
                Format::Json,
                "unknown resource or format; use .json or .xml",
            )
        })
}

fn check_jurisdiction(format: Format, params: &[(String, String)]) -> Result<(), Error311> {
    match param(params, "jurisdiction_id") {
        None => Ok(()),
        Some(j)
            if j.eq_ignore_ascii_case(JURISDICTION) || j.eq_ignore_ascii_case("www.tehran.ir") =>
        {
            Ok(())
        }
        Some(j) => Err(Error311::new(
            StatusCode::NOT_FOUND,
            format,
            format!("jurisdiction_id not found: {j} (this server serves {JURISDICTION})"),
        )),
    }
}

fn base_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("localhost");
    let proto = headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("http");
    format!("{proto}://{host}")
}

/// What every Open311 GET starts with: the resource and format from the file name
/// (`requests.json`, `STREET-LIGHT.xml`), the query's parameters with `jurisdiction_id`
/// checked, the language of names and messages, and the server's address for links.
struct Call {
    name: String,
    format: Format,
    params: Vec<(String, String)>,
    lang: Lang,
    base: String,
}

impl<S: Send + Sync> FromRequestParts<S> for Call {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Call, Response> {
        let Path(file) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let (name, format) = split_file(&file).map_err(IntoResponse::into_response)?;
        let params = parse_query(format, parts.uri.query()).map_err(IntoResponse::into_response)?;
        check_jurisdiction(format, &params).map_err(IntoResponse::into_response)?;
        Ok(Call {
            name: name.to_string(),
            format,
            lang: lang(&parts.headers, &params),
            base: base_url(&parts.headers),
            params,
        })
    }
}

async fn discovery(Path(ext): Path<String>, headers: HeaderMap) -> Response {
    let format = match Format::split(&format!("discovery.{ext}")) {
        Some((_, f)) => f,
        None => {
            return Error311::new(StatusCode::NOT_FOUND, Format::Json, "use .json or .xml")
                .into_response()
        }
    };
    let base = base_url(&headers);
    let changeset = "2026-11-25T00:00:00Z";
    let v = V::O(vec![
        ("changeset", changeset.into()),
        (
            "contact",
            "سامانه محله — شهرداری تهران (137@tehran.ir)".into(),
        ),
        ("key_service", format!("{base}/admin/api-keys").into()),
        (
            "endpoints",
            V::L(
                "endpoint",
                vec![V::O(vec![
                    (
                        "specification",
                        "http://wiki.open311.org/GeoReport_v2".into(),
                    ),
                    ("url", format!("{base}/open311/v2").into()),
                    ("changeset", changeset.into()),
                    ("type", "production".into()),
                    (
                        "formats",
                        V::L("format", vec!["text/xml".into(), "application/json".into()]),
                    ),
                ])],
            ),
        ),
    ]);
    // Discovery is one object, not an array, in both formats.
    respond(format, StatusCode::OK, "discovery", &v)
}

/// `services.{fmt}` and `requests.{fmt}` share a path pattern.
async fn root_get(State(state): State<AppState>, call: Call) -> Result<Response, Error311> {
    match call.name.as_str() {
        "services" => services(&state, &call).await,
        "requests" => requests(&state, &call).await,
        _ => Err(Error311::new(
            StatusCode::NOT_FOUND,
            call.format,
            "unknown resource",
        )),
    }
}

async fn services(state: &AppState, call: &Call) -> Result<Response, Error311> {
    let (format, lang) = (call.format, call.lang);
    let list = mahalle_db::services::services(&state.store, false)
        .await
        .map_err(|e| Error311::from_app(e.into(), format, lang))?;
    let items = list
        .into_iter()
        .map(|s| {
            let (name, description, group) = match lang {
                Lang::Fa => (s.name_fa, s.description_fa, s.group_fa),
                Lang::En => (s.name_en, s.description_en, s.group_en),
            };
            V::O(vec![
                ("service_code", s.code.into()),
                ("service_name", name.into()),
                ("description", description.into()),
                ("metadata", V::B(s.has_attributes)),
                ("type", "realtime".into()),
                ("keywords", s.keywords.into()),
                ("group", group.into()),
            ])
        })
        .collect();
    Ok(respond(
        format,
        StatusCode::OK,
        "services",
        &V::L("service", items),
    ))
}

async fn service_definition(
    State(state): State<AppState>,
    call: Call,
) -> Result<Response, Error311> {
    let (code, format, lang) = (call.name.as_str(), call.format, call.lang);
    let fail = |e: mahalle_db::DbError| Error311::from_app(e.into(), format, lang);
    let service = mahalle_db::services::service_by_code(&state.store, code)
        .await
        .map_err(fail)?
        .filter(|s| s.active)
        .ok_or_else(|| {
            Error311::new(
                StatusCode::NOT_FOUND,
                format,
                format!("service_code not found: {code}"),
            )
        })?;
    let attrs = mahalle_db::services::attributes(&state.store, service.id)
        .await
        .map_err(fail)?;
    let attributes = attrs
        .into_iter()
        .map(|a| {
            let values = a
                .values
                .into_iter()
                .map(|v| {
                    V::O(vec![
                        ("key", v.key.into()),
                        (
                            "name",
                            if lang == Lang::Fa {
                                v.name_fa
                            } else {
                                v.name_en
                            }
                            .into(),
                        ),
                    ])
                })
                .collect();
            let description = if lang == Lang::Fa || a.description_en.is_empty() {
                a.description_fa
            } else {
                a.description_en
            };
            V::O(vec![
                ("variable", V::B(a.variable)),
                ("code", a.code.into()),
                ("datatype", a.datatype.into()),
                ("required", V::B(a.required)),
                (
                    "datatype_description",
                    Some(a.datatype_description)
                        .filter(|d| !d.is_empty())
                        .into(),
                ),
                ("order", V::I(a.sort_order)),
                ("description", description.into()),
                ("values", V::L("value", values)),
            ])
        })
        .collect();
    let v = V::O(vec![
        ("service_code", service.code.into()),
        ("attributes", V::L("attribute", attributes)),
    ]);
    Ok(respond(format, StatusCode::OK, "service_definition", &v))
}

fn request_value(r: ServiceRequest, lang: Lang, base: &str) -> V {
    let offset = crate::tehran_offset();
    let status = r.status();
    let (service_name, agency) = match lang {
        Lang::Fa => (r.service_name_fa, r.organisation_name_fa),
        Lang::En => (r.service_name_en, r.organisation_name_en),
    };
    // Until staff clear them, the citizen's own words, photo and exact point stay inside.
    let shown =
        mahalle_core::requests::publication(r.service_published, r.cleared_at.is_some(), status)
            .citizens_words;
    let address = if r.address.is_empty() || !shown {
        let place = match lang {
            Lang::Fa => r.neighborhood_name_fa,
            Lang::En => r.neighborhood_name_en,
        };
        place.unwrap_or_default()
    } else {
        r.address
    };
    let media = match (shown, r.has_photo) {
        (false, _) => String::new(),
        (true, true) => format!("{base}/requests/{}/photo", r.id),
        (true, false) => r.media_url,
    };
    let description = if shown { r.description } else { String::new() };
    let place = |x: Option<f64>| {
        x.map(|x| {
            if shown {
                x
            } else {
                mahalle_core::requests::coarse(x)
            }
        })
    };
    let (lat, lon) = (place(r.lat), place(r.lon));
    let opt = |s: String| if s.is_empty() { V::Null } else { V::S(s) };
    V::O(vec![
        ("service_request_id", V::I(r.id)),
        ("status", status.open311().into()),
        ("status_notes", opt(r.status_notes)),
        ("service_name", service_name.into()),
        ("service_code", r.service_code.into()),
        ("description", opt(description)),
        ("agency_responsible", agency.into()),
        ("service_notice", V::Null),
        (
            "requested_datetime",
            rules::w3c(r.requested_at, offset).into(),
        ),
        ("updated_datetime", rules::w3c(r.updated_at, offset).into()),
        ("expected_datetime", rules::w3c(r.due_at, offset).into()),
        ("address", address.into()),
        ("address_id", V::Null),
        ("zipcode", V::Null),
        ("lat", lat.into()),
        ("long", lon.into()),
        ("media_url", opt(media)),
    ])
}

/// Service codes one search may name.
const MAX_SERVICE_CODES: usize = 100;

fn ids(format: Format, list: &str, what: &str) -> Result<Vec<i64>, Error311> {
    list.split(',')
        .take(MAX_RESULTS as usize)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<i64>().map_err(|_| {
                Error311::new(
                    StatusCode::BAD_REQUEST,
                    format,
                    format!("{what} must be numbers: {s}"),
                )
            })
        })
        .collect()
}

async fn requests(state: &AppState, call: &Call) -> Result<Response, Error311> {
    let (format, lang, params) = (call.format, call.lang, &call.params);
    let bad = |m: String| Error311::new(StatusCode::BAD_REQUEST, format, m);
    let date = |name: &str| -> Result<Option<DateTime<Utc>>, Error311> {
        param(params, name)
            .map(|v| {
                rules::parse_w3c(v).ok_or_else(|| {
                    bad(format!(
                        "{name} must be a W3C date-time, e.g. 2026-01-01T00:00:00Z"
                    ))
                })
            })
            .transpose()
    };
    let mut search = Search {
        limit: MAX_RESULTS,
        published_only: true,
        ..Search::default()
    };
    if let Some(list) = param(params, "service_request_id") {
        search.ids = ids(format, list, "service_request_id")?;
        search.ids.truncate(MAX_RESULTS as usize);
    } else {
        let (start, end) = (date("start_date")?, date("end_date")?);
        let window = rules::search_window(start, end, Utc::now())
            .ok_or_else(|| bad("start_date must be before end_date".into()))?;
        if window.1 - window.0 > chrono::Duration::days(rules::DEFAULT_WINDOW_DAYS) {
            return Err(bad(
                "start_date and end_date may not span more than 90 days".into(),
            ));
        }
        search.window = Some(window);
        if let Some(codes) = param(params, "service_code") {
            for c in codes.split(',').map(str::trim).filter(|c| !c.is_empty()) {
                if !search.service_codes.iter().any(|s| s == c) {
                    search.service_codes.push(c.to_string());
                }
                // Each code is a bound parameter; no catalogue has this many.
                if search.service_codes.len() > MAX_SERVICE_CODES {
                    return Err(bad(format!(
                        "at most {MAX_SERVICE_CODES} service codes at a time"
                    )));
                }
            }
        }
        if let Some(st) = param(params, "status") {
            let (mut open, mut closed) = (false, false);
            for s in st.split(',').map(|s| s.trim().to_ascii_lowercase()) {
                match s.as_str() {
                    "open" => open = true,
                    "closed" => closed = true,
                    "" => {}
                    other => {
                        return Err(bad(format!("status must be open or closed, not {other}")))
                    }
                }
            }
            search.open = match (open, closed) {
                (true, false) => Some(true),
                (false, true) => Some(false),
                _ => None,
            };
        }
        // Extensions: a district (1–22) and paging within the window.
        if let Some(d) = param(params, "district") {
            search.district_number = Some(
                mahalle_core::text::to_latin_digits(d)
                    .parse()
                    .map_err(|_| bad("district must be a district number".into()))?,
            );
        }
        let num = |name: &str, default: i64, max: i64| -> Result<i64, Error311> {
            match param(params, name) {
                None => Ok(default),
                Some(v) => match v.parse::<i64>() {
                    Ok(n) if (1..=max).contains(&n) => Ok(n),
                    _ => Err(bad(format!("{name} must be a number from 1 to {max}"))),
                },
            }
        };
        search.limit = num("page_size", MAX_RESULTS, MAX_RESULTS)?;
        search.offset = (num("page", 1, 100_000)? - 1) * search.limit;
    }
    let found = store_requests::search(&state.store, &search)
        .await
        .map_err(|e| Error311::from_app(e.into(), format, lang))?;
    let items = found
        .into_iter()
        .map(|r| request_value(r, lang, &call.base))
        .collect();
    Ok(respond(
        format,
        StatusCode::OK,
        "service_requests",
        &V::L("request", items),
    ))
}

async fn one_request(State(state): State<AppState>, call: Call) -> Result<Response, Error311> {
    let (id, format, lang) = (call.name.as_str(), call.format, call.lang);
    let not_found = || {
        Error311::new(
            StatusCode::NOT_FOUND,
            format,
            format!("service_request_id not found: {id}"),
        )
    };
    let id: i64 = id.trim().parse().map_err(|_| not_found())?;
    let r = match store_requests::get(&state.store, id).await {
        // Requests of unpublished (welfare, social) categories are not there for the public.
        Ok(r) if r.service_published => r,
        Ok(_) | Err(mahalle_db::DbError::NotFound) => return Err(not_found()),
        Err(e) => return Err(Error311::from_app(e.into(), format, lang)),
    };
    let v = V::L("request", vec![request_value(r, lang, &call.base)]);
    Ok(respond(format, StatusCode::OK, "service_requests", &v))
}

/// Tokens are the tracking codes citizens are given; this maps one back to the request.
async fn token(State(state): State<AppState>, call: Call) -> Result<Response, Error311> {
    let (token, format, lang) = (call.name.as_str(), call.format, call.lang);
    let not_found = || {
        Error311::new(
            StatusCode::NOT_FOUND,
            format,
            format!("token not found: {token}"),
        )
    };
    let id = state
        .intake
        .id_of(&state.store, token)
        .await
        .map_err(|e| Error311::from_app(e, format, lang))?
        .ok_or_else(not_found)?;
    match store_requests::get(&state.store, id).await {
        Ok(_) => {}
        Err(mahalle_db::DbError::NotFound) => return Err(not_found()),
        Err(e) => return Err(Error311::from_app(e.into(), format, lang)),
    }
    let v = V::L(
        "request",
        vec![V::O(vec![
            ("service_request_id", V::I(id)),
            ("token", token.into()),
        ])],
    );
    Ok(respond(format, StatusCode::OK, "service_requests", &v))
}

async fn post_request(
    State(state): State<AppState>,
    Path(file): Path<String>,
    req: Request,
) -> Response {
    async fn inner(state: &AppState, file: &str, req: Request) -> Result<Response, Error311> {
        let (name, format) = split_file(file)?;
        if name != "requests" {
            return Err(Error311::new(
                StatusCode::METHOD_NOT_ALLOWED,
                format,
                "only requests can be posted",
            ));
        }
        let headers = req.headers().clone();
        let ip = crate::http::extract::client_key(&req, &state.config.trusted_proxies);
        let query = parse_query(format, req.uri().query())?;
        let is_multipart = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("multipart/form-data"));
        let (mut params, photo) = if is_multipart {
            let mp = axum::extract::Multipart::from_request(req, &())
                .await
                .map_err(|e| Error311::new(StatusCode::BAD_REQUEST, format, e.body_text()))?;
            let form = crate::http::csrf::read_multipart(mp)
                .await
                .map_err(|e| Error311::from_app(e, format, Lang::En))?;
            (form.pairs, form.file)
        } else {
            let body = axum::body::to_bytes(req.into_body(), 64 * 1024)
                .await
                .map_err(|_| {
                    Error311::new(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        format,
                        "the form is larger than 64 KB",
                    )
                })?;
            let pairs: Vec<(String, String)> =
                serde_urlencoded::from_bytes(&body).map_err(|_| {
                    Error311::new(StatusCode::BAD_REQUEST, format, "malformed form body")
                })?;
            (pairs, None)
        };
        // Parameters may come in the query string too (some clients send api_key there).
        params.extend(query);
        let lang = lang(&headers, &params);
        check_jurisdiction(format, &params)?;
        let key = match param(&params, "api_key") {
            None => {
                return Err(Error311::new(
                    StatusCode::FORBIDDEN,
                    format,
                    "api_key is required to create a request",
                ))
            }
            Some(k) => state
                .intake
                .api_key(&state.store, k)
                .await
                .map_err(|e| Error311::from_app(e, format, lang))?
                .ok_or_else(|| Error311::new(StatusCode::FORBIDDEN, format, "invalid api_key"))?,
        };
        if let Err(wait) = state.intake.admit(&ip, Some(key)) {
            let mut e = Error311::new(
                StatusCode::TOO_MANY_REQUESTS,
                format,
                "too many requests; slow down",
            );
            e.retry_after = Some(wait);
            return Err(e);
        }
        let mut submission = read_submission(&params, format)?;
        submission.photo = photo;
        submission.api_key_id = Some(key);
        let done = ops::submit(&state.store, &state.intake, submission)
            .await
            .map_err(|e| Error311::from_app(e, format, lang))?;
        let local = done.due_at.with_timezone(&crate::tehran_offset());
        let due = format!(
            "{} ساعت {}",
            mahalle_core::jalali::format_numeric(local.date_naive(), true),
            mahalle_core::text::to_persian_digits(&local.format("%H:%M").to_string())
        );
        let notice = match lang {
            Lang::Fa => format!(
                "کد پیگیری: {}؛ پاسخ تا {} داده می‌شود.",
                done.tracking_code, due
            ),
            Lang::En => format!(
                "Tracking code {}; an answer is due by {}.",
                done.tracking_code,
                rules::w3c(done.due_at, crate::tehran_offset())
            ),
        };
        let account = param(&params, "account_id").map(str::to_string);
        let v = V::L(
            "request",
            vec![V::O(vec![
                ("service_request_id", V::I(done.id)),
                ("service_notice", notice.into()),
                ("account_id", account.into()),
            ])],
        );
        Ok(respond(format, StatusCode::OK, "service_requests", &v))
    }
    inner(&state, &file, req)
        .await
        .unwrap_or_else(IntoResponse::into_response)
}
