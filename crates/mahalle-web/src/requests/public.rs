//! The citizen's side of requests on the web: the public form (with an offline district map),
//! the status page reached by tracking code, and the request photo.

use askama::Template;
use axum::extract::{FromRequest, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use mahalle_core::requests::Source;
use mahalle_core::validate::FieldError;
use mahalle_db::places::{self, Neighborhood};
use mahalle_db::requests::Request as ServiceRequest;
use mahalle_db::requests::{self as store_requests, Contact, Event};
use mahalle_db::services::Attribute;
use mahalle_db::services::Service;
use serde::Deserialize;

use crate::http::csrf::CsrfForm;
use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::extract::{P as Path, Q as Query};
use crate::http::page::{render, url_encode, Page};
use crate::requests::ops::{self, Submission};
use crate::AppState;

// ---------------------------------------------------------------- the public form

/// The public form as typed, kept whole so a refused submission loses nothing.
#[derive(Debug, Clone, Default)]
pub struct NewForm {
    pub service_code: String,
    pub description: String,
    pub neighborhood_id: String,
    pub lat: String,
    pub lon: String,
    pub address: String,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    pub email: String,
    /// The honeypot: people never see it, simple bots fill it in.
    pub website: String,
    pub by_phone: bool,
    /// `attribute[CODE]` answers, repeated for several choices.
    pub answers: Vec<(String, String)>,
}

impl NewForm {
    fn from_pairs(pairs: &[(String, String)]) -> NewForm {
        let mut f = NewForm::default();
        for (k, v) in pairs {
            let v = v.clone();
            match k.as_str() {
                "service_code" => f.service_code = v,
                "description" => f.description = v,
                "neighborhood_id" => f.neighborhood_id = v,
                "lat" => f.lat = v,
                "lon" => f.lon = v,
                "address" => f.address = v,
                "first_name" => f.first_name = v,
                "last_name" => f.last_name = v,
                "phone" => f.phone = v,
                "email" => f.email = v,
                "website" => f.website = v,
                "by_phone" => f.by_phone = !v.is_empty(),
                other => {
                    if let Some(code) = other
                        .strip_prefix("attribute[")
                        .and_then(|c| c.strip_suffix(']'))
                    {
                        f.answers.push((code.to_string(), v));
                    }
                }
            }
        }
        f
    }

    pub fn answer(&self, code: &str) -> &str {
        self.answers
            .iter()
            .find(|(c, _)| c == code)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    pub fn chosen(&self, code: &str, key: &str) -> bool {
        self.answers.iter().any(|(c, v)| c == code && v == key)
    }

    pub fn neighborhood(&self) -> Option<i64> {
        mahalle_core::text::to_latin_digits(self.neighborhood_id.trim())
            .parse()
            .ok()
    }

    fn coord(s: &str) -> Option<f64> {
        let t = mahalle_core::text::to_latin_digits(s.trim()).replace('٫', ".");
        if t.is_empty() {
            None
        } else {
            // An unreadable number becomes NaN, which the core check reports as invalid.
            Some(t.parse().unwrap_or(f64::NAN))
        }
    }

    pub fn point(&self) -> (Option<f64>, Option<f64>) {
        (Self::coord(&self.lat), Self::coord(&self.lon))
    }
}

const MAP_W: f64 = 600.0;
const MAP_H: f64 = 480.0;

/// One district on the map.
pub struct MapDistrict {
    pub number: u8,
    pub path: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "request_new.html")]
struct NewTemplate {
    p: Page,
    f: NewForm,
    groups: Vec<(String, Vec<Service>)>,
    districts: Vec<(i64, Vec<Neighborhood>)>,
    service: Option<Service>,
    attributes: Vec<Attribute>,
    map: Vec<MapDistrict>,
    /// Longitude and latitude at the map's top-left and bottom-right corners.
    corners: (f64, f64, f64, f64),
    /// The same, as the map's data attributes.
    corner_attrs: [String; 4],
    errors: Vec<String>,
    staff: bool,
}

impl NewTemplate {
    pub fn map_w(&self) -> String {
        format!("{MAP_W}")
    }
    pub fn map_h(&self) -> String {
        format!("{MAP_H}")
    }
    /// Where a point already chosen sits on the map (after a refused submission).
    pub fn marker(&self) -> Option<(String, String)> {
        let (Some(lat), Some(lon)) = self.f.point() else {
            return None;
        };
        if !lat.is_finite() || !lon.is_finite() {
            return None;
        }
        let (lon0, lat0, lon1, lat1) = self.corners;
        let x = (lon - lon0) / (lon1 - lon0) * MAP_W;
        let y = (lat - lat0) / (lat1 - lat0) * MAP_H;
        Some((format!("{x:.1}"), format!("{y:.1}")))
    }
    pub fn chosen_district(&self) -> String {
        match self.f.point() {
            (Some(lat), Some(lon)) => match mahalle_core::geo::district_at(lon, lat) {
                Some(n) => self.p.district_name(i64::from(n)),
                None => String::new(),
            },
            _ => String::new(),
        }
    }
    pub fn is_service(&self, code: &str) -> bool {
        self.f.service_code.trim() == code
    }
    pub fn is_neighborhood(&self, id: &i64) -> bool {
        self.f.neighborhood() == Some(*id)
    }
    pub fn input_type(&self, datatype: &str) -> &'static str {
        match datatype {
            "number" => "number",
            "datetime" => "datetime-local",
            _ => "text",
        }
    }
}

async fn form_page(
    state: &AppState,
    ctx: &Ctx,
    f: NewForm,
    errors: Vec<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let services = mahalle_db::services::services(&state.store, false).await?;
    let service = services
        .iter()
        .find(|s| s.code == f.service_code.trim())
        .cloned();
    let attributes = match &service {
        Some(s) if s.has_attributes => mahalle_db::services::attributes(&state.store, s.id).await?,
        _ => Vec::new(),
    };
    let p = Page::new(ctx, "request_new", crate::http::i18n::t(ctx.lang, "rq_new"));
    let mut groups: Vec<(String, Vec<Service>)> = Vec::new();
    for s in services {
        let g = p.name(&s.group_fa, &s.group_en).to_string();
        match groups.iter_mut().find(|(name, _)| *name == g) {
            Some((_, list)) => list.push(s),
            None => groups.push((g, vec![s])),
        }
    }
    let mut districts: Vec<(i64, Vec<Neighborhood>)> = Vec::new();
    for n in places::all_neighborhoods(&state.store).await? {
        match districts.last_mut() {
            Some((d, list)) if *d == n.district_number => list.push(n),
            _ => districts.push((n.district_number, vec![n])),
        }
    }
    let map = mahalle_core::geo::svg_paths(MAP_W, MAP_H)
        .into_iter()
        .map(|(number, path)| MapDistrict {
            number,
            path,
            label: p.district_name(i64::from(number)),
        })
        .collect();
    let (lon0, lat0) = mahalle_core::geo::to_lon_lat(0.0, 0.0, MAP_W, MAP_H);
    let (lon1, lat1) = mahalle_core::geo::to_lon_lat(MAP_W, MAP_H, MAP_W, MAP_H);
    let mut resp = render(&NewTemplate {
        staff: ctx.user.is_some(),
        p,
        f,
        groups,
        districts,
        service,
        attributes,
        map,
        corners: (lon0, lat0, lon1, lat1),
        corner_attrs: [lon0, lat0, lon1, lat1].map(|v| format!("{v:.6}")),
        errors,
    })?;
    *resp.status_mut() = status;
    Ok(resp)
}

#[derive(Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    service: String,
}

/// The public form; `?service=CODE` preselects a category and shows its questions.
pub async fn new_form(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NewQuery>,
) -> Result<Response, AppError> {
    let f = NewForm {
        service_code: q.service,
        by_phone: ctx.user.is_some(),
        ..Default::default()
    };
    form_page(&state, &ctx, f, Vec::new(), StatusCode::OK).await
}

/// The text fields and photo of the form, sent as multipart (the page) or url-encoded (simple
/// clients), after checking the CSRF token.
async fn read_form(
    ctx: &Ctx,
    req: Request,
) -> Result<(Vec<(String, String)>, Option<(String, Vec<u8>)>), AppError> {
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    if multipart {
        let mp = axum::extract::Multipart::from_request(req, &())
            .await
            .map_err(|e| AppError::BadRequest(e.body_text()))?;
        let form = crate::http::csrf::multipart_form(ctx, mp).await?;
        Ok((form.pairs, form.file))
    } else {
        let body = axum::body::to_bytes(req.into_body(), 256 * 1024)
            .await
            .map_err(|_| AppError::BadRequest("form too large".into()))?;
        let CsrfForm(pairs) =
            crate::http::csrf::check_form_bytes::<Vec<(String, String)>>(ctx, &body)?;
        Ok((pairs, None))
    }
}

/// "Next" without JavaScript: the form comes back with the chosen category's questions.
pub async fn refresh_form(
    State(state): State<AppState>,
    ctx: Ctx,
    req: Request,
) -> Result<Response, AppError> {
    let (pairs, _) = read_form(&ctx, req).await?;
    let f = NewForm::from_pairs(&pairs);
    form_page(&state, &ctx, f, Vec::new(), StatusCode::OK).await
}

/// Receives a request from the public form (or from staff taking a phone call).
pub async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    req: Request,
) -> Result<Response, AppError> {
    let ip = crate::http::extract::client_key(&req, &state.config.trusted_proxies);
    let (pairs, photo) = read_form(&ctx, req).await?;
    let f = NewForm::from_pairs(&pairs);
    let staff = ctx.user.as_ref();
    // Staff entering calls share one office address; the limit is for the anonymous public.
    if staff.is_none() {
        if let Err(wait) = state.intake.admit(&ip, None) {
            let msg = crate::http::i18n::t(ctx.lang, "rq_too_many").to_string();
            let mut resp =
                form_page(&state, &ctx, f, vec![msg], StatusCode::TOO_MANY_REQUESTS).await?;
            if let Ok(v) = HeaderValue::from_str(&wait.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
            return Ok(resp);
        }
    }
    if !f.website.trim().is_empty() {
        // A bot: look like success, keep nothing.
        return Ok(Redirect::to("/track").into_response());
    }
    let (lat, lon) = f.point();
    let sub = Submission {
        service_code: f.service_code.clone(),
        description: f.description.clone(),
        address: f.address.clone(),
        lat,
        lon,
        neighborhood_id: f.neighborhood(),
        contact: Contact {
            first_name: f.first_name.clone(),
            last_name: f.last_name.clone(),
            email: f.email.clone(),
            phone: f.phone.clone(),
            ..Default::default()
        },
        attributes: f.answers.clone(),
        photo,
        source: Some(if staff.is_some() && f.by_phone {
            Source::Phone
        } else {
            Source::Web
        }),
        entered_by: staff.map(|u| u.user.id),
        description_required: true,
        ..Default::default()
    };
    let mut errors = Vec::new();
    if !f.neighborhood_id.trim().is_empty() && f.neighborhood().is_none() {
        errors.push(FieldError::new(
            "neighborhood_id",
            "محله انتخاب‌شده وجود ندارد.",
            "The chosen neighborhood does not exist.",
        ));
    }
    let result = if errors.is_empty() {
        ops::submit(&state.store, &state.intake, sub).await
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(s) => Ok(Redirect::to(&format!("/track/{}", s.tracking_code)).into_response()),
        Err(AppError::Invalid(fields)) => {
            let msgs = ctx.messages(fields);
            form_page(&state, &ctx, f, msgs, StatusCode::UNPROCESSABLE_ENTITY).await
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------- tracking

#[derive(Template)]
#[template(path = "track.html")]
struct TrackTemplate {
    p: Page,
    r: ServiceRequest,
    code: String,
    events: Vec<Event>,
    late: bool,
}

#[derive(Template)]
#[template(path = "track_lookup.html")]
struct LookupTemplate {
    p: Page,
    code: String,
    not_found: bool,
}

#[derive(Deserialize)]
pub struct TrackQuery {
    #[serde(default)]
    code: String,
}

/// The lookup form; with `?code=` it goes straight to that request's page.
pub async fn track_lookup(ctx: Ctx, Query(q): Query<TrackQuery>) -> Result<Response, AppError> {
    let code = q.code.trim();
    if !code.is_empty() {
        return Ok(Redirect::to(&format!("/track/{}", url_encode(code))).into_response());
    }
    render(&LookupTemplate {
        p: Page::new(&ctx, "track", crate::http::i18n::t(ctx.lang, "rq_track")),
        code: String::new(),
        not_found: false,
    })
}

/// The public status of one request: never who asked.
pub async fn track(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let found = match state.intake.id_of(&state.store, code.trim()).await? {
        Some(id) => match store_requests::get(&state.store, id).await {
            Ok(r) => Some(r),
            Err(mahalle_db::DbError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let Some(r) = found else {
        let mut resp = render(&LookupTemplate {
            p: Page::new(&ctx, "track", crate::http::i18n::t(ctx.lang, "rq_track")),
            code: code.trim().chars().take(40).collect(),
            not_found: true,
        })?;
        *resp.status_mut() = StatusCode::NOT_FOUND;
        return Ok(resp);
    };
    let canonical = state.intake.code(&state.store, r.id).await?;
    let events = store_requests::events(&state.store, r.id, true).await?;
    let p = Page::new(
        &ctx,
        "track",
        format!(
            "{} {}",
            crate::http::i18n::t(ctx.lang, "rq_tracking_code"),
            canonical
        ),
    );
    let late = p.rq_late(&r);
    let mut resp = render(&TrackTemplate {
        p,
        r,
        code: canonical,
        events,
        late,
    })?;
    resp.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(resp)
}

/// A request's photo: public when the request's own words are (it is the Open311 `media_url`:
/// a published category, cleared by staff, not rejected); otherwise only for those who handle it.
pub async fn photo(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let r = store_requests::get(&state.store, id).await?;
    let public = mahalle_core::requests::publication(
        r.service_published,
        r.cleared_at.is_some(),
        r.status(),
    )
    .citizens_words;
    if !public && !ctx.principal().is_some_and(|p| ops::may_handle(p, &r)) {
        return Err(AppError::NotFound);
    }
    let (content_type, bytes) = store_requests::photo(&state.store, id).await?;
    // Only images were accepted; anything else is served as bytes, never interpreted.
    let ct = if content_type.starts_with("image/") {
        content_type
    } else {
        "application/octet-stream".to_string()
    };
    Ok((
        [
            (header::CONTENT_TYPE, ct),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
            (
                header::CACHE_CONTROL,
                if public {
                    "public, max-age=86400"
                } else {
                    "private, no-store"
                }
                .to_string(),
            ),
            (header::CONTENT_DISPOSITION, "inline".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_reads_answers_and_points() {
        let pairs: Vec<(String, String)> = [
            ("service_code", "LEAK"),
            ("attribute[kind]", "pipe"),
            ("attribute[when]", "a"),
            ("attribute[when]", "b"),
            ("lat", "۳۵٫۷"),
            ("lon", "51.4"),
            ("neighborhood_id", "۱۲"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        let f = NewForm::from_pairs(&pairs);
        assert_eq!(f.answer("kind"), "pipe");
        assert!(f.chosen("when", "a") && f.chosen("when", "b"));
        assert_eq!(f.point(), (Some(35.7), Some(51.4)));
        assert_eq!(f.neighborhood(), Some(12));
        let bad = NewForm {
            lat: "north".into(),
            ..Default::default()
        };
        assert!(bad.point().0.unwrap().is_nan());
    }
}
