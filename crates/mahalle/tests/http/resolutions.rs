//! Social HQ follow-up, as the secretariat and a liaison use it: a meeting, a resolution, reports,
//! a deadline extension, completion, reopening; overdue lists, accountability, import and export.

use crate::helpers::TestApp;
use crate::helpers::{jalali_in, org_id, urlencode};

/// A Jalali date `days` from today in Persian digits, as typed into a form.
/// Creates a meeting as the signed-in secretariat; returns its id.
async fn new_meeting(app: &TestApp, title: &str) -> i64 {
    let hq = org_id(app, "HQ-SOCIAL").await;
    let r = app
        .post_form(
            "/meetings",
            &[
                ("kind", "hq_session"),
                ("body_id", &hq.to_string()),
                ("title", title),
                ("date", &jalali_in(0)),
                ("time", "۰۹:۳۰"),
                ("place", "سالن جلسات"),
                ("agenda", "گزارش مصوبات\nموارد جدید"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "meeting created");
    let loc = r.headers()["location"].to_str().unwrap().to_string();
    loc.trim_start_matches("/meetings/").parse().unwrap()
}

async fn add_resolution(
    app: &TestApp,
    meeting: i64,
    title: &str,
    lead: i64,
    deadline: &str,
) -> reqwest::Response {
    app.post_form(
        &format!("/meetings/{meeting}/resolutions"),
        &[
            ("title", title),
            ("domain", "urban_services"),
            ("lead_org_id", &lead.to_string()),
            ("deadline", deadline),
            ("priority", "high"),
        ],
    )
    .await
}

fn id_from(r: &reqwest::Response) -> i64 {
    r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/resolutions/")
        .parse()
        .unwrap()
}

async fn act(app: &TestApp, id: i64, fields: &[(&str, &str)]) -> (u16, String) {
    let r = app
        .post_form(&format!("/resolutions/{id}/act"), fields)
        .await;
    let s = r.status().as_u16();
    (s, r.text().await.unwrap())
}

#[tokio::test]
async fn a_resolution_is_traced_from_approval_to_done() {
    let sec = TestApp::spawn().await;
    sec.login_as("mayor").await;
    let meeting = new_meeting(&sec, "جلسه آزمایشی قرارگاه").await;
    let water = org_id(&sec, "AG-WATER").await;
    let r = add_resolution(
        &sec,
        meeting,
        "رفع آب‌گرفتگی زیرگذر محله پیروزی",
        water,
        &jalali_in(20),
    )
    .await;
    assert_eq!(r.status().as_u16(), 303);
    let id = id_from(&r);
    let (_, page) = sec.get_text(&format!("/resolutions/{id}")).await;
    assert!(
        page.contains("رفع آب‌گرفتگی") && page.contains("مصوب"),
        "approved"
    );
    assert!(
        page.contains("/۱<"),
        "numbered year/session/1 in Persian digits"
    );

    // The water company's liaison reports progress; the first report starts the work.
    let liaison = TestApp::spawn_on(&sec.db_url).await;
    liaison.login_as("water").await;
    let (s, body) = act(
        &liaison,
        id,
        &[
            ("action", "report"),
            ("percent", "150"),
            ("body", "بازدید شد"),
        ],
    )
    .await;
    assert_eq!(s, 422, "percent out of range");
    assert!(
        body.contains("بین ۰ و ۱۰۰") && body.contains("بازدید شد"),
        "message, and the typed text kept"
    );
    let (s, _) = act(
        &liaison,
        id,
        &[
            ("action", "report"),
            ("percent", "۴۰"),
            ("body", "لوله‌گذاری آغاز شد"),
        ],
    )
    .await;
    assert_eq!(s, 303);
    // Asking for more time: a deadline earlier than the current one is refused.
    let (s, body) = act(
        &liaison,
        id,
        &[
            ("action", "extend"),
            ("new_deadline", &jalali_in(5)),
            ("reason", "تأمین لوله"),
        ],
    )
    .await;
    assert_eq!(s, 422);
    assert!(body.contains("مهلت جدید باید دیرتر"));
    let (s, _) = act(
        &liaison,
        id,
        &[
            ("action", "extend"),
            ("new_deadline", &jalali_in(40)),
            ("reason", "تأخیر در تأمین لوله"),
        ],
    )
    .await;
    assert_eq!(s, 303);
    let (_, page) = sec.get_text(&format!("/resolutions/{id}")).await;
    assert!(
        page.contains("در انتظار تصمیم") && !page.contains("<td>?"),
        "a pending request is labelled"
    );
    // Only the secretariat decides it, and cancels.
    assert_eq!(
        act(
            &liaison,
            id,
            &[("action", "approve_extension"), ("note", "")]
        )
        .await
        .0,
        403
    );
    assert_eq!(
        act(&liaison, id, &[("action", "cancel"), ("note", "x")])
            .await
            .0,
        403
    );
    assert_eq!(
        act(
            &sec,
            id,
            &[
                ("action", "approve_extension"),
                ("note", "با توجه به گزارش")
            ]
        )
        .await
        .0,
        303
    );

    // Done needs evidence; then the secretariat can reopen with a reason.
    let (s, body) = act(&liaison, id, &[("action", "complete"), ("note", "  ")]).await;
    assert_eq!(s, 422);
    assert!(body.contains("مستند"));
    assert_eq!(
        act(
            &liaison,
            id,
            &[("action", "complete"), ("note", "صورت‌جلسه تحویل پیوست شد")]
        )
        .await
        .0,
        303
    );
    assert_eq!(
        act(&liaison, id, &[("action", "start")]).await.0,
        422,
        "done cannot start again"
    );
    assert_eq!(
        act(
            &sec,
            id,
            &[("action", "reopen"), ("note", "آب‌گرفتگی تکرار شد")]
        )
        .await
        .0,
        303
    );

    // The whole story is in the timeline, in order, with who did it; and in the JSON API.
    let (_, page) = sec.get_text(&format!("/resolutions/{id}")).await;
    for step in [
        "تصویب و ثبت",
        "گزارش پیشرفت",
        "درخواست تمدید مهلت",
        "تمدید مهلت تأیید شد",
        "انجام شد",
        "بازگشایی شد",
    ] {
        assert!(page.contains(step), "timeline has {step}");
    }
    let (s, json) = sec.get_json(&format!("/api/v1/resolutions/{id}")).await;
    assert_eq!(s, 200);
    assert_eq!(json["status"], "in_progress");
    let kinds: Vec<&str> = json["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "created",
            "report",
            "extension_requested",
            "extension_approved",
            "complete",
            "reopen"
        ]
    );
    let ext = &json["extensions"][0];
    assert_eq!(ext["state"], "approved");
    assert_eq!(json["deadline"], ext["new_deadline"], "the deadline moved");
    assert_ne!(
        ext["old_deadline"], ext["new_deadline"],
        "the old one is kept"
    );
}

#[tokio::test]
async fn liaisons_act_only_on_their_own_resolutions() {
    let sec = TestApp::spawn().await;
    sec.login_as("mayor").await;
    let meeting = new_meeting(&sec, "جلسه دسترسی").await;
    let power = org_id(&sec, "AG-POWER").await;
    let id = id_from(&add_resolution(&sec, meeting, "روشنایی معابر", power, &jalali_in(10)).await);
    let water = TestApp::spawn_on(&sec.db_url).await;
    water.login_as("water").await;
    assert_eq!(
        water
            .get(&format!("/resolutions/{id}"))
            .await
            .status()
            .as_u16(),
        403,
        "not theirs to see"
    );
    assert_eq!(
        act(
            &water,
            id,
            &[("action", "report"), ("percent", "10"), ("body", "x")]
        )
        .await
        .0,
        403
    );
    // A liaison cannot create resolutions either.
    assert_eq!(
        add_resolution(&water, meeting, "x", power, &jalali_in(10))
            .await
            .status()
            .as_u16(),
        403
    );
}

#[tokio::test]
async fn bad_resolution_input_is_explained_and_kept() {
    let sec = TestApp::spawn().await;
    sec.login_as("mayor").await;
    let meeting = new_meeting(&sec, "جلسه اعتبارسنجی").await;
    let water = org_id(&sec, "AG-WATER").await;
    let r = add_resolution(&sec, meeting, "لایروبی انهار", water, "1404/13/40").await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("لایروبی انهار"), "typed title kept");
    assert!(body.contains("1404/13/40"), "typed date kept");
    // The same item number twice in a meeting is refused.
    let ok = sec
        .post_form(
            &format!("/meetings/{meeting}/resolutions"),
            &[
                ("item_number", "۷"),
                ("title", "الف"),
                ("domain", "social"),
                ("lead_org_id", &water.to_string()),
                ("deadline", &jalali_in(9)),
            ],
        )
        .await;
    assert_eq!(ok.status().as_u16(), 303);
    let dup = sec
        .post_form(
            &format!("/meetings/{meeting}/resolutions"),
            &[
                ("item_number", "7"),
                ("title", "ب"),
                ("domain", "social"),
                ("lead_org_id", &water.to_string()),
                ("deadline", &jalali_in(9)),
            ],
        )
        .await;
    assert_eq!(dup.status().as_u16(), 422);
    assert!(dup
        .text()
        .await
        .unwrap()
        .contains("این شماره بند در این جلسه پیش‌تر ثبت شده است"));
}

#[tokio::test]
async fn overdue_is_derived_from_the_deadline() {
    let sec = TestApp::spawn().await;
    sec.login_as("mayor").await;
    let meeting = new_meeting(&sec, "جلسه معوقات").await;
    let water = org_id(&sec, "AG-WATER").await;
    let title = "مصوبه‌ای که دیروز مهلتش گذشت";
    let id = id_from(&add_resolution(&sec, meeting, title, water, &jalali_in(-1)).await);
    let (_, page) = sec
        .get_text(&format!("/overdue?q={}", urlencode(title)))
        .await;
    assert!(page.contains(title) && page.contains("۱ روز تأخیر"));
    let (_, json) = sec.get_json(&format!("/api/v1/resolutions/{id}")).await;
    assert_eq!(json["overdue_days"], 1);
    // Done work is never overdue, whatever its deadline.
    act(&sec, id, &[("action", "complete"), ("note", "انجام شد")]).await;
    let (_, page) = sec
        .get_text(&format!("/overdue?q={}", urlencode(title)))
        .await;
    assert!(!page.contains(&format!(">{title}<")));
    let (_, json) = sec.get_json(&format!("/api/v1/resolutions/{id}")).await;
    assert_eq!(json["overdue_days"], 0);
}

#[tokio::test]
async fn accountability_adds_up_and_district_mayors_see_their_district() {
    let app = TestApp::spawn().await;
    app.login_as("mayor").await;
    let (s, rows) = app.get_json("/api/v1/accountability").await;
    assert_eq!(s, 200);
    let rows = rows.as_array().unwrap();
    let sum = |k: &str| rows.iter().map(|r| r[k].as_i64().unwrap()).sum::<i64>();
    let (_, all) = app.get_json("/api/v1/resolutions?per_page=1").await;
    assert_eq!(sum("assigned"), all["total"].as_i64().unwrap());
    assert!(
        sum("overdue") > 0 && sum("done_late") > 0 && sum("done_on_time") > 0,
        "a realistic mix"
    );
    for r in rows {
        let parts = r["open"].as_i64().unwrap()
            + r["done_on_time"].as_i64().unwrap()
            + r["done_late"].as_i64().unwrap()
            + r["cancelled"].as_i64().unwrap();
        assert_eq!(parts, r["assigned"].as_i64().unwrap());
        assert!(r["overdue"].as_i64().unwrap() <= r["open"].as_i64().unwrap());
    }
    let (_, page) = app.get_text("/accountability").await;
    assert!(page.contains("میانه روز تا انجام"));

    let d14 = TestApp::spawn_on(&app.db_url).await;
    d14.login_as("d14").await;
    let (_, mine) = d14.get_json("/api/v1/resolutions?per_page=200").await;
    assert!(mine["total"].as_i64().unwrap() > 0);
    assert!(mine["total"].as_i64().unwrap() < all["total"].as_i64().unwrap());
    assert!(mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["district_number"] == 14));
}

#[tokio::test]
async fn inbox_and_exports() {
    let app = TestApp::spawn().await;
    app.login_as("water").await;
    let (s, page) = app.get_text("/inbox").await;
    assert_eq!(s, 200);
    assert!(page.contains("کارتابل") && page.contains("شرکت آب و فاضلاب"));
    let (_, overdue) = app.get_text("/inbox?tab=overdue").await;
    assert!(overdue.contains("روز تأخیر"));
    // The badges count what the lists hold.
    let water = org_id(&app, "AG-WATER").await;
    let badge = |page: &str, tab: &str| -> i64 {
        let at = page.find(&format!("tab={tab}\"")).unwrap();
        let rest = &page[at..];
        let start = rest.find("class=\"badge").unwrap();
        let text: String = rest[start..]
            .split('>')
            .nth(1)
            .unwrap()
            .chars()
            .take_while(|c| *c != '<')
            .collect();
        mahalle_core::text::to_latin_digits(&text)
            .replace('٬', "")
            .parse()
            .unwrap()
    };
    let (_, api_overdue) = app
        .get_json(&format!(
            "/api/v1/resolutions?org={water}&overdue=1&per_page=1"
        ))
        .await;
    assert_eq!(
        badge(&overdue, "overdue"),
        api_overdue["total"].as_i64().unwrap()
    );
    let (_, api_soon) = app
        .get_json(&format!("/api/v1/resolutions?org={water}&due=7&per_page=1"))
        .await;
    assert_eq!(badge(&overdue, "soon"), api_soon["total"].as_i64().unwrap());
    let (_, api_open) = app
        .get_json(&format!(
            "/api/v1/resolutions?lead={water}&status=in_progress&per_page=1"
        ))
        .await;
    let (_, api_new) = app
        .get_json(&format!(
            "/api/v1/resolutions?lead={water}&status=approved&per_page=1"
        ))
        .await;
    assert_eq!(
        badge(&overdue, "lead"),
        api_open["total"].as_i64().unwrap() + api_new["total"].as_i64().unwrap()
    );
    let r = app.get("/resolutions/export?format=csv&overdue=1").await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(".csv"));
    let bytes = r.bytes().await.unwrap();
    assert!(
        bytes.starts_with(&[0xEF, 0xBB, 0xBF]),
        "Excel-friendly UTF-8 BOM"
    );
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.lines().count() > 1);
    let x = app
        .get("/resolutions/export?format=xlsx")
        .await
        .bytes()
        .await
        .unwrap();
    assert!(x.starts_with(b"PK"), "an .xlsx is a zip");
}

#[tokio::test]
async fn import_previews_every_error_then_commits_all_or_nothing() {
    let sec = TestApp::spawn().await;
    sec.login_as("mayor").await;
    let meeting = new_meeting(&sec, "جلسه ورود از اکسل").await;
    let token = sec.csrf().await;
    let send = |csv: String| {
        let form = reqwest::multipart::Form::new()
            .text("csrf", token.clone())
            .part(
                "file",
                reqwest::multipart::Part::bytes(csv.into_bytes()).file_name("session.csv"),
            );
        sec.client
            .post(sec.url(&format!("/meetings/{meeting}/import")))
            .multipart(form)
            .send()
    };
    let bad = "ردیف,عنوان,حوزه,دستگاه مسئول,مهلت\n۱,لایروبی,خدمات شهری,شرکت آب و فاضلاب استان تهران,۱۴۰۵/۰۲/۱۰\n۲,روشنایی,خدمات شهری,دستگاه ناموجود,۱۴۰۵/۰۲/۱۰\n۳,جشن,فرهنگی,AG-ERSHAD,۱۴۰۵/۱۳/۱۰\n";
    let r = send(bad.to_string()).await.unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("دستگاه ناموجود") && page.contains("هیچ ردیفی ثبت نشد"),
        "every problem listed"
    );
    let (_, before) = sec
        .get_json(&format!("/api/v1/resolutions?meeting={meeting}"))
        .await;
    assert_eq!(before["total"], 0, "nothing committed");

    let good: String =
        std::iter::once("ردیف,عنوان,حوزه,دستگاه مسئول,دستگاه‌های همکار,منطقه,مهلت\n".to_string())
            .chain((1..=450).map(|i| {
                format!("{i},بند آزمایشی {i},اجتماعی,AG-WATER,IN-IKRF،AG-POWER,۱۴,۱۴۰۵/۰۳/۱۵\n")
            }))
            .collect();
    let r = send(good).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let page = r.text().await.unwrap();
    assert!(page.contains("ثبت همه مصوبات"));
    let payload = page
        .split("name=\"payload\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r = sec
        .post_form(
            &format!("/meetings/{meeting}/import/commit"),
            &[("filename", "session.csv"), ("payload", &payload)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, after) = sec
        .get_json(&format!("/api/v1/resolutions?meeting={meeting}&per_page=1"))
        .await;
    assert_eq!(after["total"], 450);
    // Committing the same file again would duplicate item numbers: refused as a whole.
    let r = sec
        .post_form(
            &format!("/meetings/{meeting}/import/commit"),
            &[("filename", "session.csv"), ("payload", &payload)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("در این جلسه پیش‌تر ثبت شده است"));
    let (_, again) = sec
        .get_json(&format!("/api/v1/resolutions?meeting={meeting}&per_page=1"))
        .await;
    assert_eq!(again["total"], 450);
    // The inbox and accountability counters took in the 450 new resolutions exactly.
    let store = mahalle_db::Store::connect(&sec.db_url).await.unwrap();
    let diff = mahalle_db::counters::differences(&store, mahalle_web::today())
        .await
        .unwrap();
    assert!(diff.is_empty(), "{}", diff.join("\n"));
    // The template downloads.
    let t = sec.get("/import/template.xlsx").await;
    assert_eq!(t.status().as_u16(), 200);
    assert!(t.bytes().await.unwrap().starts_with(b"PK"));
}

#[tokio::test]
async fn the_api_changes_things_only_with_a_token() {
    let sec = TestApp::spawn().await;
    sec.login_as("mayor").await;
    let meeting = new_meeting(&sec, "جلسه API").await;
    let water = org_id(&sec, "AG-WATER").await;
    let body = serde_json::json!({ "title": "ساماندهی پسماند", "domain": "urban_services", "lead_org_id": water, "deadline": "1405/02/10" });
    // A browser session alone cannot write through the API (no CSRF token there).
    let r = sec
        .client
        .post(sec.url(&format!("/api/v1/meetings/{meeting}/resolutions")))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let token = crate::helpers::api_token(&sec).await;
    let api = crate::helpers::new_client();
    let r = api
        .post(sec.url(&format!("/api/v1/meetings/{meeting}/resolutions")))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let id = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = api
        .post(sec.url(&format!("/api/v1/resolutions/{id}/transitions")))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "action": "reopen", "note": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status().as_u16(),
        422,
        "an approved resolution cannot be reopened"
    );
    let err: serde_json::Value = r.json().await.unwrap();
    assert_eq!(err["error"]["code"], "invalid");
    assert!(err["error"]["fields"][0]["fa"]
        .as_str()
        .unwrap()
        .contains("بازگشایی"));
    let r = api
        .post(sec.url(&format!("/api/v1/resolutions/{id}/transitions")))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "action": "start" }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["status"],
        "in_progress"
    );
    // A dry-run import reports per-row problems without recording anything.
    let csv = "item,title,domain,lead,deadline\n5,a,social,AG-WATER,1405-02-10\n6,b,nonsense,AG-WATER,1405-02-10\n";
    let r = api
        .post(sec.url(&format!(
            "/api/v1/meetings/{meeting}/import?filename=s.csv&dry_run=true"
        )))
        .bearer_auth(&token)
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let out: serde_json::Value = r.json().await.unwrap();
    assert_eq!(out["errors"].as_array().unwrap().len(), 1, "{out}");
    assert_eq!(out["errors"][0]["line"], 3);
    assert_eq!(out["created"], 0);
}

#[tokio::test]
async fn evidence_files_are_checked_stored_and_served_to_those_who_may_see_them() {
    let sec = TestApp::spawn().await;
    sec.login_as("mayor").await;
    let meeting = new_meeting(&sec, "جلسه پیوست").await;
    let water = org_id(&sec, "AG-WATER").await;
    let id =
        id_from(&add_resolution(&sec, meeting, "بازسازی شبکه آب", water, &jalali_in(30)).await);
    let liaison = TestApp::spawn_on(&sec.db_url).await;
    liaison.login_as("water").await;
    let token = liaison.csrf().await;
    let send = |name: &'static str, bytes: Vec<u8>| {
        let form = reqwest::multipart::Form::new()
            .text("csrf", token.clone())
            .text("percent", "30")
            .text("body", "گزارش با مستند")
            .part(
                "file",
                reqwest::multipart::Part::bytes(bytes).file_name(name),
            );
        liaison
            .client
            .post(liaison.url(&format!("/resolutions/{id}/report")))
            .multipart(form)
            .send()
    };
    // A program renamed to .pdf is refused, and the report with it: nothing half-saved.
    let r = send("scan.pdf", b"MZ\x90\x00 not a pdf".to_vec())
        .await
        .unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    assert_eq!(status, 422, "{text}");
    assert!(text.contains("این نوع فایل پذیرفته نیست"));
    let (_, json) = sec.get_json(&format!("/api/v1/resolutions/{id}")).await;
    assert_eq!(json["reports"].as_array().unwrap().len(), 0);
    let pdf = b"%PDF-1.4 evidence".to_vec();
    let r = send("صورت‌جلسه تحویل.pdf", pdf.clone()).await.unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = sec.get_text(&format!("/resolutions/{id}")).await;
    let at = page.find("/attachments/").expect("listed under the report");
    let aid: String = page[at + 13..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let r = sec.get(&format!("/attachments/{aid}")).await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment;"));
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);
    // Another agency's liaison may not fetch it.
    let other = TestApp::spawn_on(&sec.db_url).await;
    other.login_as("council").await;
    assert_eq!(
        other
            .get(&format!("/attachments/{aid}"))
            .await
            .status()
            .as_u16(),
        403
    );
}

#[tokio::test]
async fn minutes_are_recorded_after_the_meeting_and_the_old_text_is_kept() {
    let sec = TestApp::spawn().await;
    sec.login_as("mayor").await;
    let meeting = new_meeting(&sec, "جلسه صورت‌جلسه").await;
    for text in [
        "پیش‌نویس صورت‌جلسه",
        "صورت‌جلسه نهایی با امضای حاضران\r\n\r\n۱. بند نخست\r\n۲. بند دوم",
    ] {
        let r = sec
            .post_form(
                &format!("/meetings/{meeting}/minutes"),
                &[("minutes", text)],
            )
            .await;
        assert_eq!(r.status().as_u16(), 303);
    }
    let (_, page) = sec.get_text(&format!("/meetings/{meeting}")).await;
    assert!(
        page.contains("صورت‌جلسه نهایی با امضای حاضران\n\n۱. بند نخست\n۲. بند دوم"),
        "paragraphs and numbered lines are kept"
    );
    // A liaison cannot change them.
    let water = TestApp::spawn_on(&sec.db_url).await;
    water.login_as("water").await;
    let r = water
        .post_form(&format!("/meetings/{meeting}/minutes"), &[("minutes", "x")])
        .await;
    assert_eq!(r.status().as_u16(), 403);
    // The previous text is in the audit log.
    let store = mahalle_db::Store::connect(&sec.db_url).await.unwrap();
    let entries = mahalle_db::audit::recent(&store, 50).await.unwrap();
    let edit = entries
        .iter()
        .find(|e| {
            e.action == "edit_minutes"
                && e.entity_id == Some(meeting)
                && e.after.as_deref().unwrap_or("").contains("نهایی")
        })
        .unwrap();
    assert!(edit.before.as_deref().unwrap().contains("پیش‌نویس"));
}

#[tokio::test]
async fn a_meetings_title_place_and_time_can_be_corrected_and_the_old_ones_are_kept() {
    let sec = TestApp::spawn().await;
    sec.login_as("mayor").await;
    let meeting = new_meeting(&sec, "جلسه با عنوان اشتباه").await;
    let url = format!("/meetings/{meeting}/details");
    let (_, page) = sec.get_text(&format!("/meetings/{meeting}")).await;
    assert!(
        page.contains("value=\"09:30\""),
        "the form starts from the meeting's time"
    );
    // A bad time is refused with a message; nothing changes.
    let r = sec
        .post_form(
            &url,
            &[
                ("title", "جلسه درست"),
                ("place", "تالار"),
                ("date", &jalali_in(1)),
                ("time", "۲۵:۰۰"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("ساعت را به صورت"));
    let r = sec
        .post_form(
            &url,
            &[
                ("title", "جلسه درست"),
                ("place", "تالار شهر"),
                ("date", &jalali_in(1)),
                ("time", "۱۴:۰۰"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, m) = sec.get_json(&format!("/api/v1/meetings/{meeting}")).await;
    assert_eq!(m["title"], "جلسه درست");
    assert_eq!(m["place"], "تالار شهر");
    assert!(
        m["starts_at"].as_str().unwrap().contains("T10:30:00"),
        "14:00 in Tehran is 10:30 UTC: {m}"
    );
    // Found by its new title; the old one is in the audit log.
    let (_, list) = sec
        .get_json(&format!("/api/v1/meetings?q={}", urlencode("جلسه درست")))
        .await;
    assert_eq!(list["total"], 1);
    let store = mahalle_db::Store::connect(&sec.db_url).await.unwrap();
    let entries = mahalle_db::audit::recent(&store, 20).await.unwrap();
    let edit = entries
        .iter()
        .find(|e| e.action == "edit_details" && e.entity_id == Some(meeting))
        .unwrap();
    assert!(edit
        .before
        .as_deref()
        .unwrap()
        .contains("جلسه با عنوان اشتباه"));
    // Only the secretariat may.
    let water = TestApp::spawn_on(&sec.db_url).await;
    water.login_as("water").await;
    let r = water
        .post_form(
            &url,
            &[("title", "x"), ("date", &jalali_in(1)), ("time", "10:00")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
}

#[tokio::test]
async fn a_neighborhood_resolution_belongs_to_its_district() {
    let sec = TestApp::spawn().await;
    sec.login_as("mayor").await;
    let meeting = new_meeting(&sec, "جلسه محله‌ای").await;
    let water = org_id(&sec, "AG-WATER").await;
    let (_, hood) = sec
        .get_json(&format!("/api/v1/neighborhoods?q={}", urlencode("پیروزی")))
        .await;
    let hood = &hood["items"][0];
    let (hood_id, d14) = (
        hood["id"].as_i64().unwrap().to_string(),
        hood["district_id"].as_i64().unwrap(),
    );
    let (_, districts) = sec.get_json("/api/v1/districts?per_page=22").await;
    let other = districts["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] != d14)
        .unwrap()["id"]
        .to_string();
    let (lead, deadline) = (water.to_string(), jalali_in(15));
    let post = |district: String| {
        let fields = [
            ("title", "نورپردازی بوستان محله".to_string()),
            ("domain", "urban_services".to_string()),
            ("lead_org_id", lead.clone()),
            ("deadline", deadline.clone()),
            ("neighborhood_id", hood_id.clone()),
            ("district_id", district),
        ];
        let url = format!("/meetings/{meeting}/resolutions");
        let sec = &sec;
        async move {
            let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            sec.post_form(&url, &refs).await
        }
    };
    let r = post(other).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("این محله در منطقه انتخاب‌شده نیست"));
    let r = post(String::new()).await;
    assert_eq!(r.status().as_u16(), 303);
    let id = id_from(&r);
    let (_, json) = sec.get_json(&format!("/api/v1/resolutions/{id}")).await;
    assert_eq!(json["scope"], "neighborhood");
    assert_eq!(json["district_id"], d14);
    // District 14's mayor sees it.
    let mayor14 = TestApp::spawn_on(&sec.db_url).await;
    mayor14.login_as("d14").await;
    assert_eq!(
        mayor14
            .get(&format!("/resolutions/{id}"))
            .await
            .status()
            .as_u16(),
        200
    );
}

#[tokio::test]
async fn a_district_mayor_files_for_their_district_only_and_hostile_sheets_are_refused() {
    let app = TestApp::spawn().await;
    app.login_as("d14").await;
    let token = crate::helpers::api_token(&app).await;
    let (_, me) = app.get_json("/api/v1/me").await;
    let own = me["grants"][0]["scope"]["id"].as_i64().unwrap();
    let (_, districts) = app.get_json("/api/v1/districts?per_page=30").await;
    let number_of = |id: i64| {
        districts["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["id"] == id)
            .map(|d| d["number"].as_i64().unwrap())
    };
    let other = districts["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["id"] != own)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (_, hoods) = app
        .get_json(&format!(
            "/api/v1/neighborhoods?district={other}&per_page=1"
        ))
        .await;
    let foreign_hood = hoods["items"][0]["id"].as_i64().unwrap();
    assert_eq!(hoods["items"][0]["district_id"], other);
    let hq = org_id(&app, "HQ-SOCIAL").await;
    let r = crate::helpers::new_client()
        .post(app.url("/api/v1/meetings"))
        .bearer_auth(&token)
        .json(&serde_json::json!({
            "kind": "supervisory_visit", "body_id": hq, "title": "بازدید منطقه",
            "date": jalali_in(0), "time": "10:00", "district_id": own
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let meeting = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();

    // The form: another district, or a neighborhood of one, is refused with a message.
    let water = org_id(&app, "AG-WATER").await.to_string();
    let deadline = jalali_in(20);
    for (field, value) in [("district_id", other), ("neighborhood_id", foreign_hood)] {
        let r = app
            .post_form(
                &format!("/meetings/{meeting}/resolutions"),
                &[
                    ("title", "بهسازی معبر"),
                    ("domain", "civil_works"),
                    ("lead_org_id", &water),
                    ("deadline", &deadline),
                    (field, &value.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422, "{field}");
        assert!(
            r.text().await.unwrap().contains("در حوزه شما نیست"),
            "{field}"
        );
    }
    let (_, listed) = app
        .get_json(&format!("/api/v1/resolutions?meeting={meeting}"))
        .await;
    assert_eq!(listed["total"], 0);

    // The import: a row for another district is an error of its row; a city row is the
    // district's own, as on the form.
    let csrf = app.csrf().await;
    let upload = |name: &'static str, bytes: Vec<u8>, client: &reqwest::Client, csrf: String| {
        let form = reqwest::multipart::Form::new().text("csrf", csrf).part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name),
        );
        client
            .post(app.url(&format!("/meetings/{meeting}/import")))
            .multipart(form)
            .send()
    };
    let csv = format!(
        "item,title,domain,district,lead,deadline\n1,لایروبی,urban_services,{},AG-WATER,{deadline}\n2,روشنایی,urban_services,,AG-WATER,{deadline}\n",
        number_of(other).unwrap()
    );
    let r = upload("s.csv", csv.into_bytes(), &app.client, csrf.clone())
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("در حوزه شما نیست"));
    let csv =
        format!("item,title,domain,lead,deadline\n2,روشنایی,urban_services,AG-WATER,{deadline}\n");
    let r = crate::helpers::new_client()
        .post(app.url(&format!("/api/v1/meetings/{meeting}/import?filename=s.csv")))
        .bearer_auth(&token)
        .body(csv)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{}", r.text().await.unwrap());
    let (_, listed) = app
        .get_json(&format!("/api/v1/resolutions?meeting={meeting}"))
        .await;
    assert_eq!(listed["items"][0]["district_id"], own, "{listed}");

    // A 5 KB workbook with cells in A1 and XFD1048576 is refused with a message, and the
    // server is still there; someone not of the secretariat is refused before it is read.
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.write_string(0, 0, "item").unwrap();
    sheet.write_string(1_048_575, 16_383, "x").unwrap();
    let far = workbook.save_to_buffer().unwrap();
    let r = upload("far.xlsx", far.clone(), &app.client, csrf.clone())
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("بزرگ‌تر از آن است"));
    assert_eq!(app.get("/healthz").await.status().as_u16(), 200);

    // A challenge of the district is answered only by a resolution its mayor may see.
    let (_, queue) = app
        .get_json(&format!("/api/v1/requests?district={own}&per_page=1"))
        .await;
    let request = queue["items"][0]["id"]
        .as_i64()
        .expect("a request in district 14");
    let r = crate::helpers::new_client()
        .post(app.url(&format!("/api/v1/requests/{request}/challenge")))
        .bearer_auth(&token)
        .json(&serde_json::json!({ "title": "آب‌گرفتگی معابر" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let challenge = r.json::<serde_json::Value>().await.unwrap()["challenge_id"]
        .as_i64()
        .unwrap();
    let mayor = app.another_visitor();
    mayor.login_as("mayor").await;
    let (_, theirs) = mayor
        .get_json(&format!("/api/v1/resolutions?district={other}&per_page=50"))
        .await;
    let mut hidden = None;
    for r in theirs["items"].as_array().unwrap() {
        let id = r["id"].as_i64().unwrap();
        if app
            .get(&format!("/api/v1/resolutions/{id}"))
            .await
            .status()
            .as_u16()
            == 403
        {
            hidden = Some(id);
            break;
        }
    }
    let hidden = hidden.expect("a resolution district 14 cannot see");
    let answer = |rid: String| {
        crate::helpers::new_client()
            .post(app.url(&format!("/api/v1/challenges/{challenge}/resolution")))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "resolution": rid }))
            .send()
    };
    let r = answer(hidden.to_string()).await.unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let own_resolution = listed["items"][0]["id"].as_i64().unwrap();
    let r = answer(own_resolution.to_string()).await.unwrap();
    assert_eq!(r.status().as_u16(), 200, "{}", r.text().await.unwrap());

    let liaison = app.another_visitor();
    liaison.login_as("water").await;
    let r = upload("far.xlsx", far, &liaison.client, liaison.csrf().await)
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
}
