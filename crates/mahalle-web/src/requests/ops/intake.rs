//! Intake: a submission checked, located, routed to its handler and stored through one batching
//! writer, with its tracking code.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use mahalle_core::ratelimit::RateLimiter;
use mahalle_core::requests::{self as rules, Source};
use mahalle_core::text;
use mahalle_core::validate::{self, FieldError};
use mahalle_db::requests::{self as store_requests, Contact, NewRequest};
use mahalle_db::services::Service;
use mahalle_db::{DbError, Store};
use tokio::sync::OnceCell;

use crate::http::error::AppError;

/// Shared state of request intake: the tracking-code secret (kept in the database so every
/// server process agrees) and the abuse limits.
pub struct Intake {
    secret: OnceCell<u64>,
    /// Public web form and Open311 POSTs, per client IP.
    per_ip: Mutex<RateLimiter>,
    /// Open311 POSTs per API key (an app serving many citizens gets a larger budget).
    per_key: Mutex<RateLimiter>,
    /// Recently checked API keys (by hash): their id, or `None` for an unknown key, and when
    /// they were read. Saves a lookup per POST; a revoked key stops working within `KEY_TTL`.
    keys: Mutex<std::collections::HashMap<String, (Option<i64>, Instant)>>,
    /// The queue to the request writer, started on first use.
    writer: std::sync::OnceLock<tokio::sync::mpsc::Sender<Job>>,
}

const KEY_TTL: Duration = Duration::from_secs(10);

impl Default for Intake {
    fn default() -> Self {
        Intake {
            secret: OnceCell::new(),
            per_ip: Mutex::new(RateLimiter::new(30, 10, 100_000)),
            per_key: Mutex::new(RateLimiter::new(20_000, 300_000, 10_000)),
            keys: Default::default(),
            writer: Default::default(),
        }
    }
}

impl Intake {
    pub async fn secret(&self, store: &Store) -> Result<u64, AppError> {
        self.secret
            .get_or_try_init(|| async {
                const KEY: &str = "tracking_secret";
                if let Some(v) = mahalle_db::settings::get(store, KEY).await? {
                    if let Ok(s) = v.parse() {
                        return Ok(s);
                    }
                }
                let fresh: u64 = rand::random();
                // Another process may have won the race: use what was kept.
                let kept =
                    mahalle_db::settings::get_or_insert(store, KEY, &fresh.to_string()).await?;
                kept.parse::<u64>()
                    .map_err(|_| AppError::Internal(anyhow::anyhow!("bad tracking secret")))
            })
            .await
            .copied()
    }

    pub async fn code(&self, store: &Store, id: i64) -> Result<String, AppError> {
        Ok(mahalle_core::tracking::tracking_code(
            id,
            self.secret(store).await?,
        ))
    }

    /// Stores a checked request through the group-commit writer; returns its id once committed.
    async fn store_request(&self, store: &Store, request: Pending) -> Result<i64, AppError> {
        let queue = self.writer.get_or_init(|| {
            let (tx, rx) = tokio::sync::mpsc::channel(4 * BATCH);
            tokio::spawn(writer(store.clone(), rx));
            tx
        });
        let (done, answer) = tokio::sync::oneshot::channel();
        queue
            .send(Job { request, done })
            .await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("request writer stopped")))?;
        answer
            .await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("request writer stopped")))?
            .map_err(|e| AppError::Internal(anyhow::anyhow!(e)))
    }

    /// The request a tracking code names, if it is well-formed.
    pub async fn id_of(&self, store: &Store, code: &str) -> Result<Option<i64>, AppError> {
        Ok(mahalle_core::tracking::parse_tracking_code(
            code,
            self.secret(store).await?,
        ))
    }

    /// Counts one submission from this IP (and key); `Err` carries the seconds to wait.
    pub fn admit(&self, ip: &str, key: Option<i64>) -> Result<(), u64> {
        let now = Instant::now();
        let secs = |d: Duration| d.as_secs() + u64::from(d.subsec_nanos() > 0);
        if let Some(k) = key {
            self.per_key
                .lock()
                .expect("limiter lock")
                .check(&k.to_string(), now)
                .map_err(secs)?;
        } else {
            self.per_ip
                .lock()
                .expect("limiter lock")
                .check(ip, now)
                .map_err(secs)?;
        }
        Ok(())
    }
}

/// A request as submitted, from any channel.
#[derive(Debug, Default)]
pub struct Submission {
    pub service_code: String,
    pub description: String,
    pub address: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub neighborhood_id: Option<i64>,
    pub contact: Contact,
    pub media_url: String,
    pub attributes: Vec<(String, String)>,
    /// (file name, bytes)
    pub photo: Option<(String, Vec<u8>)>,
    pub source: Option<Source>,
    pub api_key_id: Option<i64>,
    pub entered_by: Option<i64>,
    /// Open311 accepts a request with only a category and a place; the web form asks for words.
    pub description_required: bool,
}

#[derive(Debug, Clone)]
pub struct Submitted {
    pub id: i64,
    pub tracking_code: String,
    pub due_at: DateTime<Utc>,
    pub organisation_id: Option<i64>,
}

pub(super) fn field(field: &'static str, fa: &str, en: &str) -> FieldError {
    FieldError::new(field, fa, en)
}

/// Checks, locates, routes and stores a request. Every problem is reported at once.
pub async fn submit(
    store: &Store,
    intake: &Intake,
    mut s: Submission,
) -> Result<Submitted, AppError> {
    // Free text is normalised below; the rest only loses control characters.
    for f in [
        &mut s.service_code,
        &mut s.media_url,
        &mut s.contact.first_name,
        &mut s.contact.last_name,
        &mut s.contact.email,
        &mut s.contact.phone,
        &mut s.contact.device_id,
        &mut s.contact.account_id,
    ] {
        text::strip_controls(f);
    }
    for (k, v) in &mut s.attributes {
        text::strip_controls(k);
        text::strip_controls(v);
    }
    let mut errors = Vec::new();
    let service = match mahalle_db::services::service_by_code(store, s.service_code.trim()).await? {
        Some(svc) if svc.active => Some(svc),
        _ => {
            errors.push(field(
                "service_code",
                "موضوع درخواست را از فهرست انتخاب کنید.",
                "service_code not found: choose a category from the service list.",
            ));
            None
        }
    };
    let description = text::normalize_multiline(&s.description);
    if description.chars().count() > rules::MAX_DESCRIPTION {
        errors.push(field(
            "description",
            "شرح درخواست بیش از ۴۰۰۰ نویسه است.",
            "The description is longer than 4000 characters.",
        ));
    } else if s.description_required && description.is_empty() {
        errors.push(field(
            "description",
            "شرح درخواست را بنویسید.",
            "Describe the request.",
        ));
    }
    let address = text::normalize(&s.address);
    if address.chars().count() > 500 {
        errors.push(field(
            "address",
            "نشانی بیش از ۵۰۰ نویسه است.",
            "The address is longer than 500 characters.",
        ));
    }
    let point = rules::check_point(s.lat, s.lon)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten();
    let email = validate::optional_email(&s.contact.email)
        .map_err(|e| errors.push(e))
        .ok();
    let phone = rules::optional_phone(&s.contact.phone)
        .map_err(|e| errors.push(e))
        .ok();
    let attributes = match &service {
        Some(svc) if svc.has_attributes => {
            let defs: Vec<_> = mahalle_db::services::attributes(store, svc.id)
                .await?
                .iter()
                .map(|a| a.def())
                .collect();
            rules::check_attributes(&defs, &s.attributes)
                .map_err(|mut e| errors.append(&mut e))
                .unwrap_or_default()
        }
        _ => Vec::new(),
    };
    let photo = match &s.photo {
        Some((_, bytes)) if !bytes.is_empty() => match clean_photo(bytes) {
            Ok(p) => Some(p),
            Err(e) => {
                errors.push(e);
                None
            }
        },
        _ => None,
    };
    // Where: a chosen neighborhood, else the district under the point.
    let (mut district_id, mut neighborhood_id) = (None, None);
    if let Some(n) = s.neighborhood_id {
        match mahalle_db::places::get_neighborhood(store, n).await {
            Ok(h) => {
                district_id = Some(h.district_id);
                neighborhood_id = Some(h.id);
            }
            Err(DbError::NotFound) => errors.push(field(
                "neighborhood_id",
                "محله انتخاب‌شده وجود ندارد.",
                "The chosen neighborhood does not exist.",
            )),
            Err(e) => return Err(e.into()),
        }
    }
    if district_id.is_none() {
        if let Some((lat, lon)) = point {
            if let Some(number) = mahalle_core::geo::district_at(lon, lat) {
                district_id = district_id_of(store, number).await?;
            }
        }
    }
    if point.is_none() && neighborhood_id.is_none() && address.is_empty() {
        errors.push(field(
            "location",
            "محل را مشخص کنید: محله، نقطه روی نقشه یا نشانی.",
            "A location is required: lat and long, address_string, or a neighborhood.",
        ));
    }
    let (Some(service), Some(email), Some(phone), true) =
        (service, email, phone, errors.is_empty())
    else {
        return Err(AppError::Invalid(errors));
    };
    let organisation_id = route(store, &service, district_id, neighborhood_id).await?;
    let contact = Contact {
        first_name: text::normalize(&s.contact.first_name)
            .chars()
            .take(100)
            .collect(),
        last_name: text::normalize(&s.contact.last_name)
            .chars()
            .take(100)
            .collect(),
        email,
        phone,
        device_id: s.contact.device_id.chars().take(200).collect(),
        account_id: s.contact.account_id.chars().take(200).collect(),
    };
    let now = Utc::now();
    let due_at = rules::due_at(now, service.sla_hours);
    let media_url: String = s.media_url.trim().chars().take(1000).collect();
    // Published as a link: only a web address, never javascript: or data:.
    let lower = media_url.to_ascii_lowercase();
    if !(media_url.is_empty() || lower.starts_with("https://") || lower.starts_with("http://")) {
        return Err(AppError::Invalid(vec![field(
            "media_url",
            "نشانی تصویر باید با http:// یا https:// آغاز شود.",
            "media_url must be an http:// or https:// address.",
        )]));
    }
    let pending = Pending {
        service_id: service.id,
        description,
        address,
        point,
        district_id,
        neighborhood_id,
        organisation_id,
        source: s.source.unwrap_or(Source::Web),
        api_key_id: s.api_key_id,
        contact,
        media_url,
        entered_by: s.entered_by,
        attributes,
        photo,
        requested_at: now,
        due_at,
    };
    let id = intake.store_request(store, pending).await?;
    Ok(Submitted {
        id,
        tracking_code: intake.code(store, id).await?,
        due_at,
        organisation_id,
    })
}

/// A checked request waiting for the writer.
struct Pending {
    service_id: i64,
    description: String,
    address: String,
    point: Option<(f64, f64)>,
    district_id: Option<i64>,
    neighborhood_id: Option<i64>,
    organisation_id: Option<i64>,
    source: Source,
    api_key_id: Option<i64>,
    contact: Contact,
    media_url: String,
    entered_by: Option<i64>,
    attributes: Vec<(String, String)>,
    photo: Option<(&'static str, Vec<u8>)>,
    requested_at: DateTime<Utc>,
    due_at: DateTime<Utc>,
}

impl Pending {
    fn row(&self) -> NewRequest<'_> {
        NewRequest {
            service_id: self.service_id,
            description: &self.description,
            address: &self.address,
            point: self.point,
            district_id: self.district_id,
            neighborhood_id: self.neighborhood_id,
            organisation_id: self.organisation_id,
            source: self.source,
            api_key_id: self.api_key_id,
            contact: &self.contact,
            media_url: &self.media_url,
            entered_by: self.entered_by,
            attributes: &self.attributes,
            photo: self.photo.as_ref().map(|(ct, b)| (*ct, b.as_slice())),
            requested_at: self.requested_at,
            due_at: self.due_at,
        }
    }
}

struct Job {
    request: Pending,
    done: tokio::sync::oneshot::Sender<Result<i64, String>>,
}

/// Most requests committed together by the writer.
const BATCH: usize = 256;

/// Group commit: one task writes every submitted request, taking whatever has queued up while
/// the previous transaction committed. Each request is still committed before it is answered,
/// but thousands a second share a few hundred fsyncs instead of needing one each.
async fn writer(store: Store, mut jobs: tokio::sync::mpsc::Receiver<Job>) {
    while let Some(first) = jobs.recv().await {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match jobs.try_recv() {
                Ok(j) => batch.push(j),
                Err(_) => break,
            }
        }
        match insert_all(&store, &batch).await {
            Ok(ids) => {
                for (job, id) in batch.into_iter().zip(ids) {
                    let _ = job.done.send(Ok(id));
                }
            }
            // One bad row must not sink its neighbours: retry them one by one.
            Err(_) if batch.len() > 1 => {
                for job in batch {
                    let r = insert_all(&store, std::slice::from_ref(&job))
                        .await
                        .map(|ids| ids[0])
                        .map_err(|e| e.to_string());
                    let _ = job.done.send(r);
                }
            }
            Err(e) => {
                for job in batch {
                    let _ = job.done.send(Err(e.to_string()));
                }
            }
        }
    }
}

async fn insert_all(store: &Store, batch: &[Job]) -> Result<Vec<i64>, DbError> {
    store
        .write(|tx, _| {
            Box::pin(async move {
                let mut ids = Vec::with_capacity(batch.len());
                for job in batch {
                    ids.push(store_requests::insert(tx, &job.request.row()).await?);
                }
                Ok(ids)
            })
        })
        .await
}

/// A photo as it will be stored: an image by its content, at most 5 MB, location removed.
fn clean_photo(bytes: &[u8]) -> Result<(&'static str, Vec<u8>), FieldError> {
    let bad = |fa: &str, en: &str| field("photo", fa, en);
    if bytes.len() > rules::MAX_PHOTO_BYTES {
        return Err(bad(
            "حجم عکس بیش از ۵ مگابایت است.",
            "The photo is larger than 5 MB.",
        ));
    }
    // Judged by content, not by the name a phone gave the file.
    let kind = if bytes.starts_with(b"\xFF\xD8\xFF") {
        "image/jpeg"
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        "image/webp"
    } else {
        return Err(bad(
            "تنها عکس (JPEG، PNG یا WebP) پذیرفته است.",
            "Only photos (JPEG, PNG or WebP) are accepted.",
        ));
    };
    let clean = mahalle_core::exif::strip_metadata(bytes)
        .map_err(|e| bad(e.message_fa(), &e.to_string()))?;
    Ok((kind, clean))
}

async fn district_id_of(store: &Store, number: u8) -> Result<Option<i64>, AppError> {
    Ok(mahalle_db::places::district_id_by_number(store, i64::from(number)).await?)
}

/// The organisation that handles a category here: the routing rules, else the district's
/// municipality office, else nobody yet (the city's queue of unrouted requests).
async fn route(
    store: &Store,
    service: &Service,
    district_id: Option<i64>,
    neighborhood_id: Option<i64>,
) -> Result<Option<i64>, AppError> {
    let rules_here = mahalle_db::services::route_rules(store, service.id).await?;
    if let Some(o) = rules::route(&rules_here, district_id, neighborhood_id) {
        return Ok(Some(o));
    }
    let Some(d) = district_id else {
        return Ok(None);
    };
    Ok(mahalle_db::org::district_office(store, d).await?)
}

impl Intake {
    /// The live API key a client presented, if any; records when it was last used.
    pub async fn api_key(&self, store: &Store, key: &str) -> Result<Option<i64>, AppError> {
        use sha2::Digest;
        let hash = hex::encode(sha2::Sha256::digest(key.trim().as_bytes()));
        let now = Instant::now();
        if let Some((id, at)) = self.keys.lock().expect("key cache").get(&hash) {
            if now.duration_since(*at) < KEY_TTL {
                return Ok(*id);
            }
        }
        let id = mahalle_db::api_keys::api_key_by_hash(store, &hash).await?;
        if let Some(id) = id {
            mahalle_db::api_keys::touch_api_key(store, id, Utc::now()).await?;
        }
        let mut cache = self.keys.lock().expect("key cache");
        if cache.len() > 10_000 {
            cache.clear();
        }
        cache.insert(hash, (id, now));
        Ok(id)
    }
}
