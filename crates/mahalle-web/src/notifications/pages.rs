//! Reminders, escalations and the notification outbox: what the reminder job recorded, where
//! each message is in its delivery, and a way to send a failed one again. For the city
//! secretariat only (the messages name organisations' addresses and every late resolution).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use mahalle_core::paging::{ListQuery, Listing};
use mahalle_db::notifications::{self, Kind, Notification, OutboxFilter, RequestKind, StateCounts};
use serde::Deserialize;

use crate::http::csrf::CsrfForm;
use crate::http::ctx::{Ctx, SignedIn};
use crate::http::error::AppError;
use crate::http::extract::{P as Path, Q as Query};
use crate::http::page::{render, safe_next, ListView, Page};
use crate::notifications::ops;
use crate::AppState;

/// Interface strings of this module: (key, Persian, English).
pub const STRINGS: &[(&str, &str, &str)] = &[
    ("nt_outbox", "صندوق ارسال اعلان‌ها", "Notification outbox"),
    ("nt_intro", "یادآوری مهلت‌ها و ارجاع مصوبات معوق به دفتر رئیس جلسه به‌طور خودکار ثبت و فرستاده می‌شوند. ارسال ناموفق دوباره تلاش می‌شود و هیچ اعلانی از میان نمی‌رود.", "Deadline reminders and escalations of overdue resolutions to the chair's office are recorded and sent automatically. Failed sends are retried and no notification is ever lost."),
    ("nt_all_states", "همه وضعیت‌ها", "All states"),
    ("nt_all_kinds", "همه انواع", "All kinds"),
    ("nt_state_pending", "در صف ارسال", "Pending"),
    ("nt_state_sending", "در حال ارسال", "Sending"),
    ("nt_state_sent", "فرستاده شد", "Sent"),
    ("nt_state_failed", "ناموفق", "Failed"),
    ("nt_state_no_address", "بدون نشانی ایمیل", "No address"),
    ("nt_state_dropped", "کنار گذاشته شد", "Dropped"),
    ("nt_kind_due_in_7_days", "یادآوری ۷ روز مانده", "Due within 7 days"),
    ("nt_kind_due_today", "مهلت امروز", "Due today"),
    ("nt_kind_overdue", "گذشتن از مهلت", "Overdue"),
    ("nt_kind_escalation", "ارجاع به رئیس جلسه", "Escalation"),
    ("nt_kind_request_overdue", "درخواست‌های شهروندان با مهلت گذشته", "Citizens' requests overdue"),
    ("nt_kind_request_escalation", "درخواست‌های بی‌پاسخ، گزارش به مقام بالاتر", "Unanswered requests escalated"),
    ("nt_kind_visit_memo", "صورت تعهدات نشست نظارت ستادی", "Supervisory visit's commitments memo"),
    ("nt_created", "زمان ثبت", "Recorded"),
    ("nt_kind", "نوع اعلان", "Kind"),
    ("nt_items", "مورد در این خلاصه", "items in this digest"),
    ("nt_recipient", "گیرنده", "Recipient"),
    ("nt_subject", "موضوع", "Subject"),
    ("nt_state", "وضعیت ارسال", "State"),
    ("nt_attempts", "تلاش‌ها", "Attempts"),
    ("nt_last_error", "آخرین خطا", "Last error"),
    ("nt_next_attempt", "تلاش بعدی", "Next attempt"),
    ("nt_retry", "ارسال دوباره", "Send again"),
    ("nt_no_address_hint", "نشانی ایمیل دستگاه را در اطلاعات آن ثبت کنید؛ اعلان در اجرای بعدی فرستاده می‌شود.", "Add the organisation's e-mail address; the notification goes out at the next run."),
];

/// Filters of the outbox, as they arrive from the query string.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OutboxQuery {
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub kind: String,
}

impl OutboxQuery {
    fn filter(&self) -> OutboxFilter {
        ops::outbox_filter(&self.state, &self.kind)
    }

    fn keep(&self) -> String {
        let f = self.filter();
        let mut s = String::new();
        if let Some(st) = f.state {
            s.push_str(&format!("&state={}", st.as_str()));
        }
        if let Some(k) = f.kind {
            s.push_str(&format!("&kind={k}"));
        }
        s
    }
}

#[derive(Template)]
#[template(path = "notifications.html")]
struct OutboxTemplate {
    p: Page,
    list: ListView,
    items: Vec<Notification>,
    counts: StateCounts,
    oq: OutboxQuery,
    /// This page's address with its filters and page, to come back to after a retry.
    here: String,
}

impl OutboxTemplate {
    fn states(&self) -> Vec<(&'static str, i64)> {
        notifications::State::ALL
            .iter()
            .map(|s| (s.as_str(), self.counts.get(*s)))
            .collect()
    }

    fn kinds(&self) -> Vec<&'static str> {
        Kind::ALL
            .iter()
            .map(|k| k.as_str())
            .chain(RequestKind::ALL.iter().map(|k| k.as_str()))
            .chain([notifications::VISIT_MEMO])
            .collect()
    }

    fn state_label(&self, s: &str) -> &'static str {
        self.p.t(match s {
            "pending" => "nt_state_pending",
            "sending" => "nt_state_sending",
            "sent" => "nt_state_sent",
            "failed" => "nt_state_failed",
            "no_address" => "nt_state_no_address",
            _ => "nt_state_dropped",
        })
    }

    fn kind_label(&self, k: &str) -> &'static str {
        self.p.t(match k {
            "due_in_7_days" => "nt_kind_due_in_7_days",
            "due_today" => "nt_kind_due_today",
            "overdue" => "nt_kind_overdue",
            "request_overdue" => "nt_kind_request_overdue",
            "request_escalation" => "nt_kind_request_escalation",
            "visit_memo" => "nt_kind_visit_memo",
            _ => "nt_kind_escalation",
        })
    }

    /// Where a notification's subject leads: its resolution, or the recipient's queue of late
    /// requests for a digest about citizens' requests.
    fn link(&self, n: &mahalle_db::notifications::Notification) -> String {
        match (n.resolution_id, n.recipient_org_id) {
            (Some(r), _) => format!("/resolutions/{r}"),
            (None, Some(o)) if n.kind == "request_overdue" => {
                format!("/requests?f=1&org={o}&overdue=1")
            }
            _ => "/requests?f=1&overdue=1".to_string(),
        }
    }

    /// A warning badge for states that need a person's attention.
    fn needs_attention(&self, s: &str) -> bool {
        matches!(s, "failed" | "no_address")
    }

    fn recipient(&self, n: &Notification) -> String {
        match (&n.recipient_name_fa, &n.recipient_name_en) {
            (Some(fa), en) => self
                .p
                .name(fa, en.as_deref().unwrap_or_default())
                .to_string(),
            (None, _) => String::new(),
        }
    }
}

fn require_secretariat(ctx: &Ctx) -> Result<&SignedIn, AppError> {
    let me = ctx.require_user()?;
    ops::require_secretariat(me)?;
    Ok(me)
}

/// `GET /notifications`: counts by state and the paged outbox, newest first.
pub async fn outbox(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(oq): Query<OutboxQuery>,
    Query(q): Query<ListQuery>,
) -> Result<Response, AppError> {
    require_secretariat(&ctx)?;
    let l = Listing::from_query(&q, notifications::OUTBOX_SORTS);
    let page = notifications::list(&state.store, &oq.filter(), &l).await?;
    let counts = notifications::counts(&state.store).await?;
    let list = ListView::new("/notifications", oq.keep(), &l, &page);
    let here = list.page_href(list.page);
    render(&OutboxTemplate {
        p: Page::new(
            &ctx,
            "notifications",
            crate::http::i18n::t(ctx.lang, "nt_outbox"),
        ),
        list,
        items: page.items,
        counts,
        oq,
        here,
    })
}

#[derive(Deserialize)]
pub struct RetryForm {
    next: Option<String>,
}

/// `POST /notifications/{id}/retry`: puts a failed or address-less notification back in the
/// queue (with the organisation's current address); the job sends it at its next run.
pub async fn retry(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    CsrfForm(f): CsrfForm<RetryForm>,
) -> Result<Response, AppError> {
    let me = require_secretariat(&ctx)?;
    ops::retry(&state.store, me.user.id, id).await?;
    let next = safe_next(f.next.as_deref());
    let next = if next.starts_with("/notifications") {
        next
    } else {
        "/notifications".to_string()
    };
    Ok(Redirect::to(&next).into_response())
}
