//! Citizens' requests for staff on the web: the work queue with its export, and one request with
//! its history and action forms; the interface strings and labels of every request page. The
//! citizen's side is in `public.rs`.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Utc;
use mahalle_core::paging::{ListQuery, Listing};
use mahalle_core::requests::{self as rules, RequestStatus, Source};
use mahalle_db::challenges::Challenge;
use mahalle_db::org::Organisation;
use mahalle_db::places::District;
use mahalle_db::requests::Request as ServiceRequest;
use mahalle_db::requests::{self as store_requests, Contact, Event, Filter};
use mahalle_db::services::Attribute;
use mahalle_db::services::Service;
use serde::Deserialize;

use crate::http::cells::{defuse_formula, push_csv_record};
use crate::http::csrf::CsrfForm;
use crate::http::ctx::Ctx;
use crate::http::error::AppError;
use crate::http::extract::{P as Path, Q as Query};
use crate::http::page::{all_districts, all_orgs, render, render_form, url_encode, ListView, Page};
use crate::requests::ops::{self};
use crate::AppState;

/// Interface strings of the request pages (also used by the catalogue and API-key pages).
pub const STRINGS: &[(&str, &str, &str)] = &[
    ("rq_new", "ثبت درخواست", "New request"),
    ("rq_track", "پیگیری", "Track"),
    ("rq_requests", "درخواست‌ها", "Requests"),
    ("rq_request", "درخواست", "Request"),
    ("rq_new_intro", "مشکل یا درخواست خود را برای شهرداری و دستگاه‌های شهر بنویسید. برای ثبت درخواست به حساب کاربری نیاز نیست.", "Tell the municipality and the city's agencies about a problem or a need. No account is needed."),
    ("rq_category", "موضوع", "Category"),
    ("rq_choose_category", "یک موضوع انتخاب کنید…", "Choose a category…"),
    ("rq_category_next", "نمایش پرسش‌های این موضوع", "Show this category's questions"),
    ("rq_description", "شرح درخواست", "Description"),
    ("rq_description_hint", "چه مشکلی هست و از کی؟ هرچه دقیق‌تر، رسیدگی سریع‌تر.", "What is the problem, and since when? The more precise, the faster."),
    ("rq_where", "محل", "Where"),
    ("rq_where_hint", "محله را انتخاب کنید یا روی نقشه کلیک کنید؛ اگر هر دو باشد، محله ملاک است.", "Choose the neighborhood or click the map; if both are given, the neighborhood wins."),
    ("rq_choose_neighborhood", "محله را انتخاب کنید…", "Choose the neighborhood…"),
    ("rq_map", "نقشه مناطق تهران (تقریبی)", "Map of Tehran's districts (approximate)"),
    ("rq_map_hint", "روی محل مشکل روی نقشه کلیک کنید.", "Click where the problem is."),
    ("rq_map_chosen", "نقطه انتخاب‌شده:", "Chosen point:"),
    ("rq_map_none", "نقطه‌ای انتخاب نشده است.", "No point chosen."),
    ("rq_map_clear", "حذف نقطه", "Remove the point"),
    ("rq_address_hint", "خیابان، کوچه، پلاک یا نشانه نزدیک", "Street, lane, number or a landmark nearby"),
    ("rq_contact", "اطلاعات تماس (اختیاری)", "Contact (optional)"),
    ("rq_contact_hint", "فقط کارکنان رسیدگی‌کننده آن را می‌بینند؛ در صفحه پیگیری نمایش داده نمی‌شود.", "Only the staff handling the request see it; it is never shown on the tracking page."),
    ("rq_first_name", "نام", "First name"),
    ("rq_last_name", "نام خانوادگی", "Last name"),
    ("rq_photo", "عکس (اختیاری، JPEG/PNG/WebP تا ۵ مگابایت)", "Photo (optional, JPEG/PNG/WebP up to 5 MB)"),
    ("rq_photo_hint", "اطلاعات مکان و دوربین از عکس حذف می‌شود.", "Location and camera data are removed from the photo."),
    ("rq_questions", "پرسش‌های این موضوع", "Questions for this category"),
    ("rq_required", "الزامی", "required"),
    ("rq_honeypot", "این بخش را خالی بگذارید", "Leave this empty"),
    ("rq_by_phone", "دریافت‌شده از تلفن (۱۳۷)؛ نام و تلفن تماس‌گیرنده را بنویسید.", "Received by phone (137); enter the caller's name and phone."),
    ("rq_submit", "ثبت درخواست", "Submit the request"),
    ("rq_too_many", "درخواست‌های زیادی از این نشانی رسیده است. لطفاً کمی بعد دوباره بفرستید؛ آنچه نوشته‌اید حفظ شده است.", "Too many requests have come from this address. Please send again in a little while; what you typed is kept."),
    ("rq_tracking_code", "کد پیگیری", "Tracking code"),
    ("rq_save_code", "این کد را نگه دارید: با آن می‌توانید وضعیت درخواست را در همین صفحه پیگیری کنید.", "Save this code: with it you can follow your request on this page."),
    ("rq_track_intro", "کد پیگیری‌ای را که پس از ثبت درخواست دریافت کرده‌اید وارد کنید.", "Enter the tracking code you received when you submitted your request."),
    ("rq_track_button", "نمایش وضعیت", "Show status"),
    ("rq_code_not_found", "درخواستی با این کد پیگیری پیدا نشد. کد را دوباره بررسی کنید.", "No request has this tracking code. Please check it."),
    ("rq_answer", "پاسخ", "Answer"),
    ("rq_due", "مهلت پاسخ", "Response due"),
    ("rq_late", "پاسخ با تأخیر", "Answer overdue"),
    ("rq_requested_at", "زمان ثبت", "Submitted"),
    ("rq_updated_at", "آخرین تغییر", "Updated"),
    ("rq_handled_by", "رسیدگی‌کننده", "Handled by"),
    ("rq_unrouted", "در انتظار ارجاع", "Awaiting routing"),
    ("rq_history", "سیر رسیدگی", "History"),
    ("rq_internal", "داخلی", "internal"),
    ("rq_source", "روش ثبت", "Received via"),
    ("rq_all_categories", "همه موضوع‌ها", "All categories"),
    ("rq_all_orgs", "همه دستگاه‌ها", "All organisations"),
    ("rq_open", "باز (ثبت‌شده یا در دست رسیدگی)", "Open (submitted or being handled)"),
    ("rq_queue_of", "کارتابل", "Queue of"),
    ("rq_open_count", "باز", "open"),
    ("rq_overdue_count", "با تأخیر", "overdue"),
    ("rq_no_place", "نامشخص", "Not given"),
    ("rq_answers", "پاسخ به پرسش‌ها", "Answers"),
    ("rq_accept", "پذیرش درخواست", "Accept"),
    ("rq_reassign", "ارجاع به دستگاه دیگر", "Reassign"),
    ("rq_choose_org", "دستگاه را انتخاب کنید…", "Choose an organisation…"),
    ("rq_respond", "پاسخ میانی (درخواست باز می‌ماند)", "Interim answer (stays open)"),
    ("rq_close", "بستن با پاسخ", "Close with an answer"),
    ("rq_reject", "رد درخواست", "Reject"),
    ("rq_reopen", "بازگشایی", "Reopen"),
    ("rq_note_public", "این متن در صفحه پیگیری به شهروند نشان داده می‌شود.", "The citizen sees this text on the tracking page."),
    ("rq_note_internal", "این دلیل فقط برای کارکنان ثبت می‌شود.", "This reason is recorded for staff only."),
    ("rq_challenge", "مسئله محله", "Neighborhood challenge"),
    ("rq_challenge_none", "بدون پیوند", "Not linked"),
    ("rq_challenge_link", "پیوند به مسئله", "Link"),
    ("rq_challenge_new", "ساخت مسئله تازه از این درخواست", "Make a new challenge from this request"),
    ("rq_challenge_title", "عنوان مسئله", "Challenge title"),
    ("rq_challenge_create", "ساخت و پیوند", "Create and link"),
    ("rq_challenge_requests", "درخواست", "requests"),
    ("rq_cannot_act", "شما رسیدگی‌کننده این درخواست نیستید.", "You are not handling this request."),
    ("rq_photo_alt", "عکس پیوست درخواست", "Photo attached to the request"),
    ("rq_entered_by", "ثبت‌کننده", "Entered by"),
    // Sort keys of the queue (column headers name them through `aria_sort`).
    ("due", "مهلت پاسخ", "Response due"),
    ("requested", "زمان ثبت", "Submitted"),
    ("updated", "آخرین تغییر", "Updated"),
    ("rq_ev_submitted", "ثبت درخواست", "Submitted"),
    ("rq_ev_accept", "پذیرش", "Accepted"),
    ("rq_ev_reassign", "ارجاع", "Reassigned"),
    ("rq_ev_respond", "پاسخ میانی", "Interim answer"),
    ("rq_ev_close", "پاسخ و بستن", "Answered and closed"),
    ("rq_ev_reject", "رد", "Rejected"),
    ("rq_ev_reopen", "بازگشایی", "Reopened"),
    ("rq_ev_escalated", "گزارش تأخیر به مقام بالاتر", "Escalated for being late"),
    ("rq_ev_cleared", "تأیید برای انتشار", "Cleared for publication"),
    ("rq_ev_withdrawn", "برداشتن از انتشار", "Withdrawn from publication"),
    ("rq_publication", "انتشار عمومی", "Publication"),
    ("rq_pub_private", "این موضوع منتشر نمی‌شود (حمایتی یا اجتماعی): هیچ چیز از این درخواست عمومی نیست.", "This category is not published (welfare or social): nothing of this request is public."),
    ("rq_pub_cleared", "شرح، نشانی، عکس و موقعیت دقیق این درخواست در Open311 منتشر می‌شود.", "This request's description, address, photo and exact location are published over Open311."),
    ("rq_pub_uncleared", "هنوز تأیید نشده است: مردم تنها موضوع، وضعیت و محله را می‌بینند؛ نه شرح، نشانی، عکس یا موقعیت دقیق.", "Not cleared yet: the public sees the category, status and neighborhood only, not the description, address, photo or exact location."),
    ("rq_pub_rejected", "شرح درخواست‌های ردشده هرگز منتشر نمی‌شود.", "The words of rejected requests are never published."),
    ("rq_clear", "تأیید برای انتشار", "Clear for publication"),
    ("rq_withdraw", "برداشتن از انتشار", "Withdraw from publication"),
    ("rq_services", "فهرست خدمات", "Service catalogue"),
    ("rq_services_intro", "موضوع‌هایی که می‌توانید درخواست کنید، مهلت پاسخ هر کدام و دستگاه رسیدگی‌کننده.", "What you can ask for, how soon each is answered, and who handles it."),
    ("rq_group", "گروه", "Group"),
    ("rq_sla", "مهلت پاسخ", "Response time"),
    ("rq_hours", "ساعت", "hours"),
    ("rq_default_org", "رسیدگی‌کننده پیش‌فرض", "Handled by default by"),
    ("rq_district_office", "شهرداری منطقه محل", "The district's municipal office"),
    ("rq_overrides", "استثنا در مناطق", "District exceptions"),
    ("rq_add_override", "افزودن رسیدگی‌کننده برای یک منطقه", "Add a handler for a district"),
    ("rq_no_services", "هنوز موضوعی در فهرست خدمات نیست.", "The catalogue has no categories yet."),
    ("rq_inactive", "غیرفعال", "inactive"),
    ("rq_all_districts_default", "همه مناطق (پیش‌فرض)", "All districts (default)"),
    ("rq_api_keys", "کلیدهای Open311", "Open311 API keys"),
    ("rq_api_keys_intro", "برنامه‌های همراه و سامانه‌های دیگر با این کلیدها درخواست ثبت می‌کنند (POST /open311/v2/requests.json).", "Mobile apps and other systems submit requests with these keys (POST /open311/v2/requests.json)."),
    ("rq_key_name", "نام برنامه یا سازمان", "App or organisation name"),
    ("rq_key_prefix", "آغاز کلید", "Key starts with"),
    ("rq_key_create", "ساخت کلید", "Create key"),
    ("rq_key_once", "این کلید را اکنون نگه دارید؛ دیگر نمایش داده نمی‌شود.", "Copy this key now; it will not be shown again."),
    ("rq_key_confirm", "آیا این کلید باطل شود؟ برنامه‌هایی که از آن استفاده می‌کنند دیگر نمی‌توانند درخواست ثبت کنند.", "Revoke this key? Apps using it will no longer be able to submit requests."),
    ("rq_key_confirm_yes", "بله، باطل شود", "Yes, revoke it"),
    ("rq_key_revoked", "کلید باطل شد.", "The key was revoked."),
    ("rq_no_keys", "هنوز کلیدی ساخته نشده است.", "No keys yet."),
];

// ---------------------------------------------------------------- labels

impl Page {
    /// A request status in the page's language.
    pub fn rq_status(&self, s: &str) -> &'static str {
        match RequestStatus::parse(s) {
            Some(s) if self.fa() => s.label_fa(),
            Some(s) => s.label_en(),
            None => "",
        }
    }

    pub fn rq_source(&self, s: &str) -> &'static str {
        match Source::parse(s) {
            Some(s) if self.fa() => s.label_fa(),
            Some(s) => s.label_en(),
            None => "",
        }
    }

    pub fn rq_event(&self, kind: &str) -> &'static str {
        crate::http::i18n::t(self.lang, &format!("rq_ev_{kind}"))
    }

    /// The place of a request as a citizen would name it.
    pub fn rq_place(&self, r: &ServiceRequest) -> String {
        let mut parts = Vec::new();
        if let Some(n) = &r.neighborhood_name_fa {
            parts.push(
                self.name(n, r.neighborhood_name_en.as_deref().unwrap_or(""))
                    .to_string(),
            );
        }
        if let Some(d) = r.district_number {
            parts.push(self.district_name(d));
        }
        if !r.address.is_empty() {
            parts.push(r.address.clone());
        }
        if parts.is_empty() {
            if let (Some(la), Some(lo)) = (r.lat, r.lon) {
                parts.push(self.digits(&format!("{la:.5}, {lo:.5}")));
            }
        }
        if parts.is_empty() {
            self.t("rq_no_place").to_string()
        } else {
            parts.join(if self.fa() { "، " } else { ", " })
        }
    }

    pub fn rq_org(&self, r: &ServiceRequest) -> String {
        match &r.organisation_name_fa {
            Some(fa) => self
                .name(fa, r.organisation_name_en.as_deref().unwrap_or(""))
                .to_string(),
            None => self.t("rq_unrouted").to_string(),
        }
    }

    pub fn rq_late(&self, r: &ServiceRequest) -> bool {
        rules::is_overdue(r.status(), r.due_at, Utc::now())
    }
}

// ---------------------------------------------------------------- staff queue

#[derive(Debug, Clone, Default, Deserialize)]
pub struct QueueQuery {
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    pub org: Option<i64>,
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    pub service: Option<i64>,
    #[serde(default, deserialize_with = "crate::http::extract::empty_as_none")]
    pub district: Option<i64>,
    /// A status, or "open".
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub overdue: String,
    /// Set by the filter form: the visitor chose the filters (even "all").
    #[serde(default)]
    pub f: String,
}

impl QueueQuery {
    fn keep(&self) -> String {
        let mut s = String::from("&f=1");
        let mut add = |k: &str, v: String| {
            if !v.is_empty() {
                s.push_str(&format!("&{k}={}", url_encode(&v)));
            }
        };
        add("org", self.org.map(|v| v.to_string()).unwrap_or_default());
        add(
            "service",
            self.service.map(|v| v.to_string()).unwrap_or_default(),
        );
        add(
            "district",
            self.district.map(|v| v.to_string()).unwrap_or_default(),
        );
        add("status", self.status.clone());
        add("overdue", self.overdue.clone());
        s
    }
}

/// One organisation's open and overdue counts.
pub struct QueueCount {
    pub org: Organisation,
    pub open: i64,
    pub overdue: i64,
}

#[derive(Template)]
#[template(path = "requests.html")]
struct QueueTemplate {
    p: Page,
    list: ListView,
    items: Vec<ServiceRequest>,
    qq: QueueQuery,
    q: String,
    orgs: Vec<Organisation>,
    services: Vec<Service>,
    districts: Vec<District>,
    counts: Vec<QueueCount>,
}

impl QueueTemplate {
    pub fn is_org(&self, id: &i64) -> bool {
        self.qq.org == Some(*id)
    }
    pub fn is_service(&self, id: &i64) -> bool {
        self.qq.service == Some(*id)
    }
    pub fn is_district(&self, id: &i64) -> bool {
        self.qq.district == Some(*id)
    }
    pub fn is_status(&self, code: &str) -> bool {
        self.qq.status == code
    }
    pub fn statuses(&self) -> Vec<(&'static str, &'static str)> {
        [
            RequestStatus::Submitted,
            RequestStatus::Accepted,
            RequestStatus::Closed,
            RequestStatus::Rejected,
        ]
        .into_iter()
        .map(|s| (s.as_str(), self.p.rq_status(s.as_str())))
        .collect()
    }
}

/// The staff work queue.
pub async fn list(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(mut qq): Query<QueueQuery>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let reach = me.principal.reach();
    // The queue starts on what is still to be answered (the filter form offers every status):
    // a liaison on their own organisation's, the city on all of them.
    if qq.f.is_empty() && qq.org.is_none() {
        if !reach.all {
            if let Some(o) = reach.organisations.first() {
                qq.org = Some(*o);
            }
        }
        if qq.status.is_empty() {
            qq.status = "open".into();
        }
    }
    let filter = ops::queue_filter(
        &me.principal,
        qq.org,
        qq.service,
        qq.district,
        &qq.status,
        qq.overdue == "1",
    );
    let l = Listing::from_query(&q, store_requests::QUEUE_SORTS);
    let now = Utc::now();
    let page = store_requests::list(&state.store, &filter, &l, now).await?;
    let orgs = all_orgs(&state).await?;
    let mut counts = Vec::new();
    for o in &reach.organisations {
        let (open, overdue) = store_requests::queue_counts(&state.store, *o, now).await?;
        if let Some(org) = orgs.iter().find(|x| x.id == *o) {
            counts.push(QueueCount {
                org: org.clone(),
                open,
                overdue,
            });
        }
    }
    render(&QueueTemplate {
        p: Page::new(
            &ctx,
            "requests",
            crate::http::i18n::t(ctx.lang, "rq_requests"),
        ),
        list: ListView::new("/requests", qq.keep(), &l, &page),
        items: page.items,
        q: l.q.clone(),
        qq,
        orgs,
        services: mahalle_db::services::services(&state.store, true).await?,
        districts: all_districts(&state).await?,
        counts,
    })
}

/// The filtered queue as CSV (UTF-8 with a BOM so spreadsheet programs read Persian), up to
/// 10,000 rows. Contact details are left out.
pub async fn export(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(qq): Query<QueueQuery>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let reach = me.principal.reach();
    let filter = Filter {
        organisation_id: qq.org,
        service_id: qq.service,
        district_id: qq.district,
        status: RequestStatus::parse(&qq.status),
        open_only: qq.status == "open",
        overdue: qq.overdue == "1",
        challenge_id: None,
        reach: (!reach.all).then(|| reach.clone()),
    };
    let now = Utc::now();
    let fa = ctx.lang == crate::http::ctx::Lang::Fa;
    let mut l = Listing::from_query(&q, store_requests::QUEUE_SORTS);
    l.per_page = mahalle_core::paging::MAX_PER_PAGE;
    let mut out = String::from("\u{feff}");
    let header = if fa {
        "شماره,کد پیگیری,موضوع,وضعیت,منطقه,محله,نشانی,رسیدگی‌کننده,زمان ثبت,مهلت پاسخ,با تأخیر,زمان بستن,پاسخ"
    } else {
        "id,tracking_code,category,status,district,neighborhood,address,organisation,requested_at,due_at,overdue,closed_at,answer"
    };
    out.push_str(header);
    out.push_str("\r\n");
    let secret_code = |id: i64| state.intake.code(&state.store, id);
    for page in 1..=50u32 {
        l.page = page;
        let p = store_requests::list(&state.store, &filter, &l, now).await?;
        let last = p.items.len() < l.per_page as usize;
        for r in p.items {
            let status = RequestStatus::parse(&r.status).unwrap_or(RequestStatus::Submitted);
            let cells = [
                r.id.to_string(),
                secret_code(r.id).await?,
                if fa {
                    r.service_name_fa.clone()
                } else {
                    r.service_name_en.clone()
                },
                if fa {
                    status.label_fa()
                } else {
                    status.label_en()
                }
                .to_string(),
                r.district_number.map(|d| d.to_string()).unwrap_or_default(),
                r.neighborhood_name_fa.clone().unwrap_or_default(),
                r.address.clone(),
                r.organisation_name_fa.clone().unwrap_or_default(),
                r.requested_at.to_rfc3339(),
                r.due_at.to_rfc3339(),
                if rules::is_overdue(status, r.due_at, now) {
                    "1"
                } else {
                    "0"
                }
                .to_string(),
                r.closed_at.map(|t| t.to_rfc3339()).unwrap_or_default(),
                r.status_notes.clone(),
            ];
            let cells: Vec<String> = cells.iter().map(|c| defuse_formula(c)).collect();
            let cells: Vec<&str> = cells.iter().map(String::as_str).collect();
            push_csv_record(&mut out, &cells);
        }
        if last {
            break;
        }
    }
    let disposition = format!("attachment; filename=\"requests-{}.csv\"", crate::today());
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "private, no-store".to_string()),
        ],
        out,
    )
        .into_response())
}

// ---------------------------------------------------------------- one request (staff)

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ActForm {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub organisation_id: String,
    #[serde(default)]
    pub challenge_id: String,
    #[serde(default)]
    pub title: String,
}

#[derive(Template)]
#[template(path = "request.html")]
struct RequestTemplate {
    p: Page,
    r: ServiceRequest,
    code: String,
    contact: Option<Contact>,
    answers: Vec<(String, String)>,
    attributes: Vec<Attribute>,
    events: Vec<Event>,
    can_act: bool,
    orgs: Vec<Organisation>,
    challenges: Vec<Challenge>,
    errors: Vec<String>,
    f: ActForm,
    late: bool,
    entered_by: Option<String>,
}

impl RequestTemplate {
    pub fn is_open(&self) -> bool {
        self.r.status().is_open()
    }
    pub fn is_submitted(&self) -> bool {
        self.r.status() == RequestStatus::Submitted
    }
    /// What of this request the public sees.
    pub fn publication(&self) -> mahalle_core::requests::Publication {
        mahalle_core::requests::publication(
            self.r.service_published,
            self.r.cleared_at.is_some(),
            self.r.status(),
        )
    }
    /// The question an answer belongs to, in the page's language.
    pub fn question(&self, code: &str) -> String {
        match self.attributes.iter().find(|a| a.code == code) {
            Some(a) => self
                .p
                .name(&a.description_fa, &a.description_en)
                .to_string(),
            None => code.to_string(),
        }
    }
    pub fn answer(&self, code: &str, value: &str) -> String {
        self.attributes
            .iter()
            .find(|a| a.code == code)
            .and_then(|a| a.values.iter().find(|v| v.key == value))
            .map(|v| self.p.name(&v.name_fa, &v.name_en).to_string())
            .unwrap_or_else(|| value.to_string())
    }
    pub fn is_challenge(&self, id: &i64) -> bool {
        self.r.challenge_id == Some(*id)
    }
    pub fn is_org(&self, id: &i64) -> bool {
        self.f.organisation_id.trim() == id.to_string()
    }
    pub fn note_for(&self, action: &str) -> &str {
        if self.f.action == action {
            &self.f.note
        } else {
            ""
        }
    }
    pub fn contact_name(&self) -> String {
        match &self.contact {
            Some(c) => format!("{} {}", c.first_name, c.last_name)
                .trim()
                .to_string(),
            None => String::new(),
        }
    }
}

async fn request_page(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    errors: Vec<String>,
    f: ActForm,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let who = &me.principal;
    let ops::StaffView {
        request: r,
        can_act,
        contact,
    } = ops::staff_view(&state.store, who, id).await?;
    let entered_by = store_requests::entered_by(&state.store, id).await?;
    let challenges = match r.neighborhood_id {
        Some(n) => mahalle_db::challenges::of_neighborhood(&state.store, n).await?,
        None => Vec::new(),
    };
    let attributes = mahalle_db::services::attributes(&state.store, r.service_id).await?;
    let invalid = !errors.is_empty();
    let code = state.intake.code(&state.store, r.id).await?;
    let p = Page::new(
        ctx,
        "requests",
        format!("{} {}", crate::http::i18n::t(ctx.lang, "rq_request"), code),
    );
    let late = p.rq_late(&r);
    render_form(
        &RequestTemplate {
            p,
            code,
            contact,
            answers: store_requests::answers(&state.store, id).await?,
            attributes,
            events: store_requests::events(&state.store, id, false).await?,
            can_act,
            orgs: if can_act {
                all_orgs(state).await?
            } else {
                Vec::new()
            },
            challenges,
            errors,
            f,
            late,
            entered_by,
            r,
        },
        invalid,
    )
}

pub async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    request_page(&state, &ctx, id, Vec::new(), ActForm::default()).await
}

/// Every staff step of the detail page; the form's `action` says which.
pub async fn act(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ActForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let org = mahalle_core::text::to_latin_digits(f.organisation_id.trim())
        .parse::<i64>()
        .ok();
    let result = match ops::parse_action(&f.action, &f.note, org) {
        Ok(action) => ops::act(&state.store, &me.principal, id, action)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/requests/{id}")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let msgs = ctx.messages(fields);
            request_page(&state, &ctx, id, msgs, f).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
pub struct PublicationForm {
    #[serde(default, deserialize_with = "crate::http::extract::flag")]
    cleared: bool,
}

/// Clears the request's own words for publication, or withdraws them.
pub async fn publication(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<PublicationForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    ops::set_cleared(&state.store, &me.principal, id, f.cleared).await?;
    Ok(Redirect::to(&format!("/requests/{id}#publication")).into_response())
}

/// Points the request at a challenge of its neighborhood, or makes a new one from it.
pub async fn challenge(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<ActForm>,
) -> Result<Response, AppError> {
    let me = ctx.require_user()?;
    let result = if !f.title.trim().is_empty() {
        ops::create_from_request(&state.store, &me.principal, id, &f.title)
            .await
            .map(|_| ())
    } else {
        let c = mahalle_core::text::to_latin_digits(f.challenge_id.trim())
            .parse::<i64>()
            .ok();
        ops::link_request(&state.store, &me.principal, id, c).await
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/requests/{id}#challenge")).into_response()),
        Err(AppError::Invalid(fields)) => {
            let msgs = ctx.messages(fields);
            request_page(&state, &ctx, id, msgs, f).await
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::ctx::Lang;

    #[test]
    fn strings_are_complete_and_do_not_clash() {
        for (k, fa, en) in STRINGS {
            assert!(!fa.is_empty() && !en.is_empty(), "{k}");
            assert_eq!(
                crate::http::i18n::t(Lang::Fa, k),
                *fa,
                "{k} is defined elsewhere too"
            );
        }
    }
}
