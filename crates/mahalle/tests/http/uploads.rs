//! Every way a file comes in — a meeting's attachment (page and API), a progress report's
//! evidence, a session's spreadsheet (page and API), a citizen's photo (web form and Open311) —
//! refuses a file that is not what it claims to be and one over its size limit with a 4xx and a
//! message, saves nothing of the refused submission, and leaves the server answering.

use mahalle_db::{Sql, Store};
use reqwest::multipart::{Form, Part};

use crate::helpers::{api_token, new_client, TestApp};

/// What a program looks like (a Windows executable's first bytes).
const PROGRAM: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run";

/// `head` followed by `size` bytes in all: a real file's first bytes, padded past a limit.
fn padded(head: &[u8], size: usize) -> Vec<u8> {
    let mut v = head.to_vec();
    v.resize(size, b'0');
    v
}

async fn count(store: &Store, table: &str) -> i64 {
    store
        .scalar(&Sql::new(&format!("SELECT COUNT(*) FROM {table}")))
        .await
        .unwrap()
}

#[tokio::test]
async fn every_upload_refuses_disguised_and_oversized_files() {
    let app = TestApp::spawn().await;
    app.login_as("mayor").await;
    let token = api_token(&app).await;
    let csrf = app.csrf().await;
    let store = Store::connect(&app.db_url).await.unwrap();
    let (meeting,): (i64,) = store
        .fetch_one(&Sql::new("SELECT MAX(id) FROM meetings"))
        .await
        .unwrap();
    let (resolution,): (i64,) = store
        .fetch_one(&Sql::new(
            "SELECT MAX(id) FROM resolutions WHERE status IN ('approved', 'in_progress')",
        ))
        .await
        .unwrap();
    let (neighborhood,): (i64,) = store
        .fetch_one(&Sql::new("SELECT MIN(id) FROM neighborhoods"))
        .await
        .unwrap();
    let (_, key) = mahalle_web::requests::ops::create_api_key(&store, "uploads", None)
        .await
        .unwrap();
    let api = new_client();
    let citizen = app.another_visitor();
    let citizen_csrf = citizen.csrf().await;

    const MB: usize = 1024 * 1024;
    let pdf = |size| padded(b"%PDF-1.4\n", size);
    let png = |size| padded(b"\x89PNG\r\n\x1a\n", size);
    let xlsx = |size| padded(b"PK\x03\x04", size);
    // (what, file name, bytes, the table that must not grow)
    let cases: Vec<(&str, &str, Vec<u8>, &str)> = vec![
        (
            "meeting attachment: program",
            "minutes.pdf",
            PROGRAM.to_vec(),
            "attachments",
        ),
        (
            "meeting attachment: 10 MB + 1",
            "minutes.pdf",
            pdf(10 * MB + 1),
            "attachments",
        ),
        (
            "api attachment: program",
            "minutes.pdf",
            PROGRAM.to_vec(),
            "attachments",
        ),
        (
            "api attachment: 10 MB + 1",
            "minutes.pdf",
            pdf(10 * MB + 1),
            "attachments",
        ),
        (
            "report evidence: program",
            "scan.pdf",
            PROGRAM.to_vec(),
            "progress_reports",
        ),
        (
            "report evidence: 10 MB + 1",
            "scan.pdf",
            pdf(10 * MB + 1),
            "progress_reports",
        ),
        (
            "import: program",
            "session.xlsx",
            PROGRAM.to_vec(),
            "resolutions",
        ),
        (
            "import: 2 MB + 1",
            "session.xlsx",
            xlsx(2 * MB + 1),
            "resolutions",
        ),
        (
            "api import: program",
            "session.xlsx",
            PROGRAM.to_vec(),
            "resolutions",
        ),
        (
            "api import: 2 MB + 1",
            "session.xlsx",
            xlsx(2 * MB + 1),
            "resolutions",
        ),
        (
            "citizen photo: program",
            "leak.png",
            PROGRAM.to_vec(),
            "service_requests",
        ),
        (
            "citizen photo: 8 MB + 1",
            "leak.png",
            png(8 * MB + 1),
            "service_requests",
        ),
        (
            "open311 photo: program",
            "leak.png",
            PROGRAM.to_vec(),
            "service_requests",
        ),
        (
            "open311 photo: 8 MB + 1",
            "leak.png",
            png(8 * MB + 1),
            "service_requests",
        ),
        // Within the limits they state, files are taken (not only those under a default 2 MB).
        (
            "meeting attachment: 6 MB, taken",
            "minutes.pdf",
            pdf(6 * MB),
            "attachments",
        ),
        (
            "api attachment: 6 MB, taken",
            "minutes.pdf",
            pdf(6 * MB),
            "attachments",
        ),
        (
            "report evidence: 6 MB, taken",
            "scan.pdf",
            pdf(6 * MB),
            "progress_reports",
        ),
    ];
    for (what, name, bytes, table) in cases {
        let before = count(&store, table).await;
        let file = || Part::bytes(bytes.clone()).file_name(name.to_string());
        let r = if what.starts_with("meeting attachment") {
            app.client
                .post(app.url(&format!("/meetings/{meeting}/attachments")))
                .multipart(Form::new().text("csrf", csrf.clone()).part("file", file()))
        } else if what.starts_with("api attachment") {
            api.post(app.url(&format!(
                "/api/v1/meetings/{meeting}/attachments?filename={name}"
            )))
            .bearer_auth(&token)
            .body(bytes.clone())
        } else if what.starts_with("report") {
            app.client
                .post(app.url(&format!("/resolutions/{resolution}/report")))
                .multipart(
                    Form::new()
                        .text("csrf", csrf.clone())
                        .text("percent", "30")
                        .text("body", "گزارش با مستند")
                        .part("file", file()),
                )
        } else if what.starts_with("import") {
            app.client
                .post(app.url(&format!("/meetings/{meeting}/import")))
                .multipart(Form::new().text("csrf", csrf.clone()).part("file", file()))
        } else if what.starts_with("api import") {
            api.post(app.url(&format!(
                "/api/v1/meetings/{meeting}/import?filename={name}"
            )))
            .bearer_auth(&token)
            .body(bytes.clone())
        } else if what.starts_with("citizen") {
            citizen.client.post(citizen.url("/requests")).multipart(
                Form::new()
                    .text("csrf", citizen_csrf.clone())
                    .text("service_code", "POTHOLE")
                    .text("description", "چاله بزرگ در خیابان")
                    .text("neighborhood_id", neighborhood.to_string())
                    .part("photo", file()),
            )
        } else {
            new_client()
                .post(app.url("/open311/v2/requests.json"))
                .multipart(
                    Form::new()
                        .text("api_key", key.clone())
                        .text("service_code", "STREET-LIGHT")
                        .text("lat", "35.6892")
                        .text("long", "51.3890")
                        .text("attribute[LIGHTS]", "1")
                        .part("media", file()),
                )
        };
        let r = r.send().await.expect(what);
        let status = r.status().as_u16();
        let body = r.text().await.unwrap_or_default();
        if what.ends_with("taken") {
            assert!(status == 201 || status == 303, "{what}: {status} {body}");
            assert_eq!(count(&store, table).await, before + 1, "{what}: saved");
            continue;
        }
        // A page that shows the form again with its message answers 200 or 422; the API and
        // Open311 answer 4xx. Never 5xx, never a redirect to what was "made".
        assert!(
            (400..500).contains(&status) || (status == 200 && what.starts_with("import")),
            "{what}: {status} {}",
            body.chars().take(300).collect::<String>()
        );
        if !what.starts_with("open311") && !what.contains("program") {
            // Too large: 413, or the form again with its message; either way the limit is said.
            assert!(matches!(status, 200 | 413 | 422), "{what}: {status}");
            assert!(
                body.contains(" MB") || body.contains("مگابایت"),
                "{what}: says the limit: {body}"
            );
        }
        assert!(!body.is_empty(), "{what}: the refusal says why");
        assert_eq!(count(&store, table).await, before, "{what}: nothing saved");
    }
    assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
}
