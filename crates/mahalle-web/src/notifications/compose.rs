//! The text of reminders, escalations and digests, in Persian with Jalali dates, and the links
//! they carry.

use chrono::{DateTime, NaiveDate, Utc};
use mahalle_core::resolutions::number;
use mahalle_core::{jalali, reminders, text};
use mahalle_db::notifications::{self as store_n, Candidate, Kind, NewNotification, RequestKind};

/// Persian number with Persian digits and grouping.
fn fa(n: i64) -> String {
    text::format_int(n, true)
}

fn clip(s: &str, max: usize) -> String {
    let s = s.trim();
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", s[..i].trim_end()),
        None => s.to_string(),
    }
}

/// The link to a resolution, absolute when the public address is known.
pub fn resolution_link(public_url: &str, resolution_id: i64) -> String {
    format!(
        "{}/resolutions/{resolution_id}",
        public_url.trim().trim_end_matches('/')
    )
}

/// The text of a notification: (subject, body, note of the timeline event for escalations).
pub fn compose(
    kind: Kind,
    c: &Candidate,
    today: NaiveDate,
    public_url: &str,
) -> (String, String, String) {
    let no = number(c.jalali_year, c.session_number, c.item_number, true);
    let date = jalali::format_long_fa(c.deadline);
    let title = clip(&c.title, 80);
    let late = (today - c.deadline).num_days();
    let left = (c.deadline - today).num_days();
    let subject = match kind {
        Kind::DueIn7Days => format!("یادآوری مهلت مصوبه {no}: {title}"),
        Kind::DueToday => format!("مهلت مصوبه {no} امروز به پایان می‌رسد: {title}"),
        Kind::Overdue => format!("مهلت مصوبه {no} گذشته است: {title}"),
        Kind::Escalation => format!("ارجاع مصوبه معوق {no} به دفتر رئیس جلسه: {title}"),
    };
    let opening = match kind {
        Kind::DueIn7Days if left == 1 => {
            format!("مهلت انجام مصوبه‌ی زیر فردا، {date}، به پایان می‌رسد.")
        }
        Kind::DueIn7Days => format!(
            "مهلت انجام مصوبه‌ی زیر {} روز دیگر، {date}، به پایان می‌رسد.",
            fa(left)
        ),
        Kind::DueToday => format!("مهلت انجام مصوبه‌ی زیر امروز، {date}، به پایان می‌رسد."),
        Kind::Overdue => format!(
            "مهلت انجام مصوبه‌ی زیر {date} بوده و {} روز از آن گذشته است. لطفاً گزارش پیشرفت را ثبت کنید یا درخواست تمدید مهلت بدهید.",
            fa(late)
        ),
        Kind::Escalation => format!(
            "مصوبه‌ی زیر {} روز از مهلت خود ({date}) عقب است و طبق روال پیگیری به دفتر رئیس جلسه ارجاع می‌شود.",
            fa(late)
        ),
    };
    let mut body = String::new();
    if !c.recipient_name_fa.trim().is_empty() {
        body.push_str(&format!("به: {}\n\n", c.recipient_name_fa.trim()));
    }
    body.push_str(&opening);
    body.push_str("\n\n");
    body.push_str(&format!("شماره مصوبه: {no}\n"));
    body.push_str(&format!("عنوان: {}\n", c.title.trim()));
    body.push_str(&format!("دستگاه مسئول: {}\n", c.lead_name_fa.trim()));
    body.push_str(&format!("مهلت: {date}\n"));
    if matches!(kind, Kind::Overdue | Kind::Escalation) {
        body.push_str(&format!("تأخیر: {} روز\n", fa(late)));
    }
    body.push_str(&format!(
        "\nپیگیری: {}\n\nاین پیام را سامانه‌ی محله به‌طور خودکار فرستاده است.\n",
        resolution_link(public_url, c.resolution_id)
    ));
    let note = if kind == Kind::Escalation {
        format!(
            "ارجاع خودکار به {} پس از {} روز تأخیر",
            c.recipient_name_fa.trim(),
            fa(late)
        )
    } else {
        String::new()
    };
    (subject, body, note)
}

/// The text of a digest to one organisation: (subject, body, and for each resolution the note
/// of its timeline event for escalations). `items` are all of `kind` and one recipient.
pub fn compose_digest(
    kind: Kind,
    items: &[&Candidate],
    today: NaiveDate,
    public_url: &str,
) -> (String, String, Vec<String>) {
    let n = fa(items.len() as i64);
    let recipient = items.first().map_or("", |c| c.recipient_name_fa.trim());
    let subject = match kind {
        Kind::DueIn7Days => format!("یادآوری مهلت {n} مصوبه در هفت روز آینده"),
        Kind::DueToday => format!("مهلت {n} مصوبه امروز به پایان می‌رسد"),
        Kind::Overdue => format!("مهلت {n} مصوبه گذشته است"),
        Kind::Escalation => format!("ارجاع {n} مصوبه معوق به دفتر رئیس جلسه"),
    };
    let opening = match kind {
        Kind::DueIn7Days => "مهلت انجام مصوبه‌های زیر در هفت روز آینده به پایان می‌رسد.".to_string(),
        Kind::DueToday => "مهلت انجام مصوبه‌های زیر امروز به پایان می‌رسد.".to_string(),
        Kind::Overdue => "مهلت انجام مصوبه‌های زیر گذشته است. لطفاً گزارش پیشرفت را ثبت کنید یا درخواست تمدید مهلت بدهید.".to_string(),
        Kind::Escalation => format!(
            "مصوبه‌های زیر بیش از مهلت مقرر عقب مانده‌اند و طبق روال پیگیری به دفتر رئیس جلسه ارجاع می‌شوند ({n} مورد)."
        ),
    };
    let mut body = String::new();
    if !recipient.is_empty() {
        body.push_str(&format!("به: {recipient}\n\n"));
    }
    body.push_str(&opening);
    body.push_str("\n\n");
    let mut notes = Vec::with_capacity(items.len());
    for c in items {
        let no = number(c.jalali_year, c.session_number, c.item_number, true);
        let late = (today - c.deadline).num_days();
        body.push_str(&format!(
            "• {no} — {} — {} — مهلت: {}",
            clip(&c.title, 80),
            c.lead_name_fa.trim(),
            jalali::format_long_fa(c.deadline)
        ));
        if matches!(kind, Kind::Overdue | Kind::Escalation) {
            body.push_str(&format!(" — تأخیر: {} روز", fa(late)));
        }
        body.push_str(&format!(
            "\n  {}\n",
            resolution_link(public_url, c.resolution_id)
        ));
        notes.push(if kind == Kind::Escalation {
            format!(
                "ارجاع خودکار به {} پس از {} روز تأخیر",
                c.recipient_name_fa.trim(),
                fa(late)
            )
        } else {
            String::new()
        });
    }
    body.push_str("\nاین پیام را سامانه‌ی محله به‌طور خودکار فرستاده است.\n");
    (subject, body, notes)
}

/// The link to a request's staff page, absolute when the public address is known.
pub fn request_link(public_url: &str, request_id: i64) -> String {
    format!(
        "{}/requests/{request_id}",
        public_url.trim().trim_end_matches('/')
    )
}

/// The text of a digest about citizens' requests to one organisation: (subject, body).
pub fn compose_request_digest(
    kind: RequestKind,
    recipient_name: &str,
    items: &[store_n::RequestCandidate],
    now: DateTime<Utc>,
    public_url: &str,
) -> (String, String) {
    let n = fa(items.len() as i64);
    let subject = match kind {
        RequestKind::Overdue => format!("مهلت پاسخ {n} درخواست شهروندان گذشته است"),
        RequestKind::Escalation => format!("{n} درخواست شهروندان بی‌پاسخ مانده است"),
    };
    let mut body = String::new();
    if !recipient_name.trim().is_empty() {
        body.push_str(&format!("به: {}\n\n", recipient_name.trim()));
    }
    body.push_str(match kind {
        RequestKind::Overdue => "مهلت پاسخ به درخواست‌های زیر گذشته است. لطفاً پاسخ دهید یا درخواست را به دستگاه مسئول ارجاع کنید.",
        RequestKind::Escalation => "درخواست‌های زیر پس از گذشت مهلت پاسخ هنوز بی‌پاسخ مانده‌اند و طبق روال پیگیری به شما گزارش می‌شوند.",
    });
    body.push_str("\n\n");
    for c in items {
        let hours = (now - c.due_at).num_hours().max(0);
        body.push_str(&format!(
            "• #{} — {}",
            fa(c.request_id),
            c.service_name_fa.trim()
        ));
        if let Some(d) = c.district_number {
            body.push_str(&format!(" — منطقه {}", fa(d)));
        }
        if let Some(nb) = &c.neighborhood_name_fa {
            body.push_str(&format!("، {}", nb.trim()));
        }
        if kind == RequestKind::Escalation {
            if let Some(h) = &c.handler_name_fa {
                body.push_str(&format!(" — رسیدگی‌کننده: {}", h.trim()));
            }
        }
        let late = if hours >= 48 {
            format!("{} روز", fa(hours / 24))
        } else {
            format!("{} ساعت", fa(hours))
        };
        body.push_str(&format!(
            " — تأخیر: {late}\n  {}\n",
            request_link(public_url, c.request_id)
        ));
    }
    body.push_str("\nاین پیام را سامانه‌ی محله به‌طور خودکار فرستاده است.\n");
    (subject, body)
}

/// The notification for one group of [`reminders::group`]: a group of one has the reminder's
/// own text and key (as without digests), a larger one is a digest.
pub(super) fn notification(
    kind: Kind,
    group: &[reminders::Due<&Candidate>],
    today: NaiveDate,
    public_url: &str,
) -> NewNotification {
    let first = group[0].item;
    let (dedupe_key, subject, body, notes) = if group.len() == 1 {
        let (subject, body, note) = compose(kind, first, today, public_url);
        (
            store_n::dedupe_key(kind, first.resolution_id, first.deadline),
            subject,
            body,
            vec![note],
        )
    } else {
        let cands: Vec<&Candidate> = group.iter().map(|d| d.item).collect();
        let (subject, body, notes) = compose_digest(kind, &cands, today, public_url);
        (
            store_n::digest_key(
                kind.as_str(),
                first.recipient_org_id,
                today,
                first.resolution_id,
                first.deadline,
            ),
            subject,
            body,
            notes,
        )
    };
    NewNotification {
        kind,
        dedupe_key,
        recipient_org_id: Some(first.recipient_org_id),
        recipient_email: first.recipient_email.clone(),
        subject,
        body,
        items: group
            .iter()
            .zip(notes)
            .map(|(d, event_note)| store_n::NewItem {
                resolution_id: d.item.resolution_id,
                deadline: d.item.deadline,
                event_note,
            })
            .collect(),
    }
}
