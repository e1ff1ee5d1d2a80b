//! Unit tests of the messages and transports.

use crate::notifications::*;
use std::sync::Arc;

use chrono::NaiveDate;
use mahalle_core::jalali;
use mahalle_db::notifications::{Candidate, Kind};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

fn candidate(deadline: NaiveDate) -> Candidate {
    Candidate {
        resolution_id: 42,
        jalali_year: 1404,
        session_number: 23,
        item_number: 12,
        title: "لایروبی کانال‌های آب‌های سطحی محله نارمک".into(),
        deadline,
        lead_org_id: 5,
        lead_name_fa: "شرکت آب و فاضلاب".into(),
        recipient_org_id: 5,
        recipient_name_fa: "شرکت آب و فاضلاب".into(),
        recipient_email: "info@abfa.example.ir".into(),
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn reminder_text_is_persian_with_number_date_and_link() {
    let dl = d(2026, 3, 1);
    let (subject, body, note) = compose(
        Kind::DueIn7Days,
        &candidate(dl),
        d(2026, 2, 22),
        "https://mahalle.example.ir/",
    );
    assert_eq!(
        subject,
        "یادآوری مهلت مصوبه ۱۴۰۴/۲۳/۱۲: لایروبی کانال‌های آب‌های سطحی محله نارمک"
    );
    assert!(body.starts_with("به: شرکت آب و فاضلاب\n"), "{body}");
    assert!(body.contains("۷ روز دیگر"), "{body}");
    assert!(body.contains(&jalali::format_long_fa(dl)), "{body}");
    assert!(
        body.contains("https://mahalle.example.ir/resolutions/42"),
        "{body}"
    );
    assert!(!body.contains("تأخیر"), "{body}");
    assert!(note.is_empty());

    let (_, body, _) = compose(Kind::DueIn7Days, &candidate(dl), d(2026, 2, 28), "");
    assert!(body.contains("فردا"), "{body}");
    assert!(body.contains("پیگیری: /resolutions/42"), "{body}");
}

#[test]
fn overdue_and_escalation_say_how_late() {
    let dl = d(2026, 3, 1);
    let today = d(2026, 3, 24);
    let (subject, body, _) = compose(Kind::Overdue, &candidate(dl), today, "");
    assert!(
        subject.starts_with("مهلت مصوبه ۱۴۰۴/۲۳/۱۲ گذشته است"),
        "{subject}"
    );
    assert!(body.contains("تأخیر: ۲۳ روز"), "{body}");
    let mut c = candidate(dl);
    c.recipient_name_fa = "قرارگاه اجتماعی شهر تهران".into();
    let (subject, body, note) = compose(Kind::Escalation, &c, today, "");
    assert!(subject.contains("دفتر رئیس جلسه"), "{subject}");
    assert!(body.starts_with("به: قرارگاه اجتماعی شهر تهران"), "{body}");
    assert!(body.contains("دستگاه مسئول: شرکت آب و فاضلاب"), "{body}");
    assert_eq!(
        note,
        "ارجاع خودکار به قرارگاه اجتماعی شهر تهران پس از ۲۳ روز تأخیر"
    );
    let (subject, _, _) = compose(Kind::DueToday, &candidate(dl), dl, "");
    assert!(subject.contains("امروز"), "{subject}");
}

#[test]
fn long_titles_are_clipped_in_the_subject_only() {
    let mut c = candidate(d(2026, 3, 1));
    c.title = "الف ".repeat(60);
    let (subject, body, _) = compose(Kind::Overdue, &c, d(2026, 3, 2), "");
    assert!(subject.ends_with('…'));
    assert!(subject.chars().count() < 130);
    assert!(body.contains(c.title.trim()));
}

#[test]
fn smtp_urls_and_senders() {
    for url in [
        "smtp://127.0.0.1:2525",
        "smtp://user:pass@mail.example.ir:587?tls=starttls",
        "smtp://mail.example.ir?tls=opportunistic",
        "smtps://user:pass@mail.example.ir",
    ] {
        assert!(
            SmtpNotifier::new(url, "noreply@example.ir").is_ok(),
            "{url}"
        );
    }
    assert!(SmtpNotifier::new("http://mail.example.ir", "noreply@example.ir").is_err());
    let err = SmtpNotifier::new("smtp://u:secret@h?tls=bogus", "a@b.ir")
        .err()
        .unwrap();
    assert!(!err.contains("secret"), "{err}");
    assert!(SmtpNotifier::new("smtp://h", "not an address").is_err());
    assert!(from_config(None, "whatever")
        .unwrap()
        .unavailable()
        .is_some());
    assert!(from_config(Some(" "), "x").unwrap().unavailable().is_some());
    assert!(
        from_config(Some("smtp://h:25"), "سامانه محله <noreply@example.ir>")
            .unwrap()
            .unavailable()
            .is_none()
    );
}

fn message(to: &str) -> Message {
    Message {
        id: 1,
        resolution_id: Some(42),
        to: to.into(),
        to_name: "شرکت آب و فاضلاب".into(),
        subject: "یادآوری مهلت مصوبه ۱۴۰۴/۲۳/۱۲".into(),
        body: "مهلت انجام مصوبه‌ی زیر ۷ روز دیگر به پایان می‌رسد.".into(),
    }
}

#[test]
fn emails_are_utf8_and_marked_automatic() {
    let n = SmtpNotifier::new("smtp://127.0.0.1:2525", "سامانه محله <noreply@example.ir>").unwrap();
    let raw = String::from_utf8(
        n.build(&message("info@abfa.example.ir"))
            .unwrap()
            .formatted(),
    )
    .unwrap();
    assert!(raw.contains("Subject: =?utf-8?"), "{raw}");
    assert!(
        raw.contains("Content-Type: text/plain; charset=utf-8"),
        "{raw}"
    );
    assert!(raw.contains("Auto-Submitted: auto-generated"), "{raw}");
    assert!(raw.contains("<info@abfa.example.ir>"), "{raw}");
    let e = n.build(&message("not-an-address")).unwrap_err();
    assert!(e.permanent);
}

/// A minimal SMTP server: answers every command, refusing RCPT with `rcpt_reply`, and
/// returns what it received in DATA.
async fn fake_smtp(rcpt_reply: &'static str) -> (String, tokio::task::JoinHandle<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", listener.local_addr().unwrap());
    let server = tokio::spawn(async move {
        let (sock, _) = listener.accept().await.unwrap();
        let (r, mut w) = sock.into_split();
        let mut lines = BufReader::new(r).lines();
        w.write_all(b"220 fake ESMTP\r\n").await.unwrap();
        let mut data = String::new();
        let mut in_data = false;
        while let Ok(Some(line)) = lines.next_line().await {
            if in_data {
                if line == "." {
                    in_data = false;
                    w.write_all(b"250 queued\r\n").await.unwrap();
                } else {
                    data.push_str(&line);
                    data.push('\n');
                }
                continue;
            }
            let cmd = line.to_ascii_uppercase();
            let reply: &[u8] = if cmd.starts_with("EHLO") || cmd.starts_with("HELO") {
                b"250 fake\r\n"
            } else if cmd.starts_with("RCPT") {
                rcpt_reply.as_bytes()
            } else if cmd.starts_with("DATA") {
                in_data = true;
                b"354 go ahead\r\n"
            } else if cmd.starts_with("QUIT") {
                w.write_all(b"221 bye\r\n").await.unwrap();
                break;
            } else {
                b"250 ok\r\n"
            };
            w.write_all(reply).await.unwrap();
        }
        data
    });
    (url, server)
}

#[tokio::test]
async fn smtp_delivers_to_a_server() {
    let (url, server) = fake_smtp("250 ok\r\n").await;
    let n = SmtpNotifier::new(&url, "noreply@example.ir").unwrap();
    n.send(&message("info@abfa.example.ir")).await.unwrap();
    drop(n);
    let data = server.await.unwrap();
    assert!(data.contains("Subject: =?utf-8?"), "{data}");
    assert!(data.contains("To: =?utf-8?"), "{data}");
}

#[tokio::test]
async fn smtp_refusals_are_permanent_or_transient() {
    let (url, _server) = fake_smtp("550 no such user\r\n").await;
    let n = SmtpNotifier::new(&url, "noreply@example.ir").unwrap();
    let e = n.send(&message("nobody@example.ir")).await.unwrap_err();
    assert!(e.permanent, "{e}");

    let (url, _server) = fake_smtp("451 try again later\r\n").await;
    let n = SmtpNotifier::new(&url, "noreply@example.ir").unwrap();
    let e = n.send(&message("busy@example.ir")).await.unwrap_err();
    assert!(!e.permanent, "{e}");

    // Nobody listening: a connection failure is worth retrying.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("smtp://{}", closed.local_addr().unwrap());
    drop(closed);
    let n = SmtpNotifier::new(&url, "noreply@example.ir").unwrap();
    let e = n.send(&message("x@example.ir")).await.unwrap_err();
    assert!(!e.permanent, "{e}");
}

#[tokio::test]
async fn mailbox_records_fails_and_outbox_only_is_unavailable() {
    let m = Mailbox::new();
    m.send(&message("a@b.ir")).await.unwrap();
    m.fail_with(Some(SendError::transient("down")));
    assert!(m.send(&message("a@b.ir")).await.is_err());
    m.fail_with(None);
    m.send(&message("c@d.ir")).await.unwrap();
    let got: Vec<String> = m.messages().into_iter().map(|x| x.to).collect();
    assert_eq!(got, ["a@b.ir", "c@d.ir"]);
    assert_eq!(OutboxOnly.unavailable(), Some(NO_MAIL_SERVER));
    assert!(OutboxOnly.send(&message("a@b.ir")).await.is_err());
    // Usable as a shared trait object.
    let shared: Arc<dyn Notifier> = Arc::new(m.clone());
    shared.send(&message("e@f.ir")).await.unwrap();
    assert_eq!(m.messages().len(), 3);
}

#[test]
fn the_job_writes_in_short_transactions_without_splitting_a_digest() {
    use super::reminders::batches;
    let sizes = [150, 40, 30, 500, 1, 199, 1, 1];
    let runs: Vec<Vec<usize>> = batches(&sizes, |n| *n)
        .into_iter()
        .map(<[usize]>::to_vec)
        .collect();
    assert_eq!(
        runs,
        vec![vec![150, 40], vec![30], vec![500], vec![1, 199], vec![1, 1]]
    );
    assert!(batches(&[] as &[usize], |n| *n).is_empty());
    // Everything is written once, in order.
    assert_eq!(runs.concat(), sizes);
}
