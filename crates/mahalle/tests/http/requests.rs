//! Citizens' requests on the web: the public form, tracking, the staff queue and detail page,
//! the catalogue and Open311 API keys.

use chrono::Utc;
use mahalle_db::requests::{self as store_requests};
use mahalle_db::services::NewService;
use mahalle_db::{Sql, Store};

use crate::helpers::{api_token, new_client, TestApp};

/// A category handled by `org_code` everywhere; returns the store for further checks.
async fn service(app: &TestApp, code: &str, org_code: &str) -> Store {
    let store = Store::connect(&app.db_url).await.unwrap();
    let org: i64 = store
        .scalar(&Sql::new("SELECT id FROM organisations WHERE code = $1").bind(org_code))
        .await
        .unwrap();
    let mut tx = store.begin().await.unwrap();
    let id = mahalle_db::services::create_service(
        &mut tx,
        &NewService {
            code,
            name_fa: "نشت آب",
            name_en: "Water leak",
            group_fa: "آب و فاضلاب",
            group_en: "Water",
            description_fa: "",
            description_en: "",
            keywords: "آب,نشت",
            domain: "urban_services",
            sla_hours: 48,
            sort_order: 1,
            published: true,
        },
        Utc::now(),
    )
    .await
    .unwrap();
    mahalle_db::services::set_route(&mut tx, id, None, None, org)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    store
}

async fn a_neighborhood(store: &Store) -> String {
    let id: i64 = store
        .scalar(&Sql::new("SELECT MIN(id) FROM neighborhoods"))
        .await
        .unwrap();
    id.to_string()
}

async fn count_requests(store: &Store) -> i64 {
    store
        .scalar(&Sql::new("SELECT COUNT(*) FROM service_requests"))
        .await
        .unwrap()
}

/// Submits a request anonymously; returns the tracking page's path.
async fn submit(app: &TestApp, service_code: &str, neighborhood: &str) -> String {
    let r = app
        .post_form(
            "/requests",
            &[
                ("service_code", service_code),
                ("description", "لوله آب در کوچه ترکیده است"),
                ("neighborhood_id", neighborhood),
                ("address", "کوچه بهار، پلاک ۱۲"),
                ("first_name", "مریم"),
                ("phone", "09121234567"),
                ("website", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let to = r.headers()["location"].to_str().unwrap().to_string();
    assert!(to.starts_with("/track/"), "{to}");
    to
}

async fn request_id(store: &Store) -> i64 {
    store
        .scalar(&Sql::new("SELECT MAX(id) FROM service_requests"))
        .await
        .unwrap()
}

#[tokio::test]
async fn anonymous_submit_then_track_without_contact() {
    let app = TestApp::spawn().await;
    let store = service(&app, "T-LEAK", "AG-WATER").await;
    let n = a_neighborhood(&store).await;
    let (status, form) = app.get_text("/requests/new").await;
    assert_eq!(status, 200);
    assert!(form.contains("T-LEAK") && form.contains("id=\"district-map\""));
    assert!(form.contains("/static/map.js"));
    let track = submit(&app, "T-LEAK", &n).await;
    let (status, body) = app.get_text(&track).await;
    assert_eq!(status, 200);
    let code = track.trim_start_matches("/track/");
    assert!(body.contains(code), "the code is shown");
    assert!(body.contains("ثبت‌شده"), "status shown");
    assert!(body.contains("نشت آب"));
    assert!(!body.contains("09121234567") && !body.contains("۰۹۱۲۱۲۳۴۵۶۷"));
    assert!(!body.contains("مریم"), "no contact details");
    // The lookup form leads to the same page; a wrong code is a friendly 404.
    let r = app.get(&format!("/track?code={code}")).await;
    assert_eq!(r.status().as_u16(), 303);
    let (status, body) = app.get_text("/track/ZZZ-ZZZ-ZZZ-Z").await;
    assert_eq!(status, 404);
    assert!(body.contains("پیدا نشد"));
}

#[tokio::test]
async fn missing_description_is_422_and_keeps_the_text() {
    let app = TestApp::spawn().await;
    let store = service(&app, "T-LEAK", "AG-WATER").await;
    let n = a_neighborhood(&store).await;
    let before = count_requests(&store).await;
    let r = app
        .post_form(
            "/requests",
            &[
                ("service_code", "T-LEAK"),
                ("description", "  "),
                ("neighborhood_id", &n),
                ("address", "خیابان آزادی، نبش کوچه یاس"),
                ("phone", "09350000000"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("شرح درخواست را بنویسید."), "Persian message");
    assert!(body.contains("خیابان آزادی، نبش کوچه یاس"), "address kept");
    assert!(body.contains("09350000000"), "phone kept");
    assert!(
        body.contains(&format!("value=\"{n}\" selected")),
        "neighborhood kept"
    );
    assert_eq!(count_requests(&store).await, before, "nothing stored");
}

#[tokio::test]
async fn honeypot_stores_nothing() {
    let app = TestApp::spawn().await;
    let store = service(&app, "T-LEAK", "AG-WATER").await;
    let n = a_neighborhood(&store).await;
    let before = count_requests(&store).await;
    let r = app
        .post_form(
            "/requests",
            &[
                ("service_code", "T-LEAK"),
                ("description", "buy cheap pills"),
                ("neighborhood_id", &n),
                ("website", "http://spam.example"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "looks like success");
    assert_eq!(count_requests(&store).await, before, "nothing stored");
}

#[tokio::test]
async fn map_point_routes_without_neighborhood() {
    let app = TestApp::spawn().await;
    let store = service(&app, "T-LEAK", "AG-WATER").await;
    let r = app
        .post_form(
            "/requests",
            &[
                ("service_code", "T-LEAK"),
                ("description", "چاله بزرگ"),
                ("lat", "35.70"),
                ("lon", "51.40"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let id = request_id(&store).await;
    let r = store_requests::get(&store, id).await.unwrap();
    assert!(r.district_id.is_some(), "district found from the point");
    assert_eq!(r.lat, Some(35.70));
}

#[tokio::test]
async fn staff_accept_close_and_the_citizen_sees_the_answer() {
    let app = TestApp::spawn().await;
    let store = service(&app, "T-LEAK", "AG-WATER").await;
    let n = a_neighborhood(&store).await;
    let track = submit(&app, "T-LEAK", &n).await;
    let id = request_id(&store).await;

    app.login_as("water").await;
    // The liaison's queue starts on their organisation's open requests.
    let (status, queue) = app.get_text("/requests").await;
    assert_eq!(status, 200);
    assert!(queue.contains(&format!("/requests/{id}")), "in the queue");
    let (status, detail) = app.get_text(&format!("/requests/{id}")).await;
    assert_eq!(status, 200);
    assert!(
        detail.contains("09121234567"),
        "the handler sees the contact"
    );
    let r = app
        .post_form(&format!("/requests/{id}/act"), &[("action", "accept")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    // Closing needs an answer.
    let r = app
        .post_form(
            &format!("/requests/{id}/act"),
            &[("action", "close"), ("note", "")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let r = app
        .post_form(
            &format!("/requests/{id}/act"),
            &[("action", "close"), ("note", "لوله تعویض شد.")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);

    let public = crate::helpers::new_client();
    let body = public
        .get(app.url(&track))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(body.contains("لوله تعویض شد."), "the answer is public");
    assert!(body.contains("پاسخ داده‌شده"), "closed status");
    assert!(!body.contains("09121234567"));

    // Filters and sorting keep working on the closed request.
    let (status, queue) = app
        .get_text("/requests?f=1&status=closed&sort=updated&dir=desc")
        .await;
    assert_eq!(status, 200);
    assert!(queue.contains(&format!("/requests/{id}")));
    // The same filters as CSV, without contact details.
    let r = app.get("/requests/export.csv?f=1&status=closed").await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = r.text().await.unwrap();
    let code = track.trim_start_matches("/track/");
    assert!(
        csv.contains(code) && csv.contains("لوله تعویض شد."),
        "{csv}"
    );
    assert!(!csv.contains("09121234567"));
}

#[tokio::test]
async fn a_liaison_of_another_organisation_may_not_act() {
    let app = TestApp::spawn().await;
    let store = service(&app, "T-POWER", "AG-POWER").await;
    let n = a_neighborhood(&store).await;
    submit(&app, "T-POWER", &n).await;
    let id = request_id(&store).await;
    app.login_as("water").await;
    let r = app
        .post_form(&format!("/requests/{id}/act"), &[("action", "accept")])
        .await;
    assert_eq!(r.status().as_u16(), 403);
    // The city admin may: reassign it to the water company with a reason.
    let admin = app.another_visitor();
    admin.login_as("admin").await;
    let water: i64 = store
        .scalar(&Sql::new(
            "SELECT id FROM organisations WHERE code = 'AG-WATER'",
        ))
        .await
        .unwrap();
    let r = admin
        .post_form(
            &format!("/requests/{id}/act"),
            &[
                ("action", "reassign"),
                ("organisation_id", &water.to_string()),
                ("note", "مربوط به شبکه آب است"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = app
        .post_form(&format!("/requests/{id}/act"), &[("action", "accept")])
        .await;
    assert_eq!(r.status().as_u16(), 303, "now it is theirs");
    // A challenge made from the request is linked to it.
    let r = admin
        .post_form(
            &format!("/requests/{id}/challenge"),
            &[("title", "فرسودگی شبکه آب محله")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let req = store_requests::get(&store, id).await.unwrap();
    assert!(req.challenge_id.is_some());
}

#[tokio::test]
async fn api_key_page_creates_a_working_open311_key() {
    let app = TestApp::spawn().await;
    service(&app, "T-LEAK", "AG-WATER").await;
    app.login_as("admin").await;
    let (status, _) = app.get_text("/admin/api-keys").await;
    assert_eq!(status, 200);
    let r = app
        .post_form("/admin/api-keys", &[("name", "برنامه همراه شهر")])
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let body = r.text().await.unwrap();
    let start = body.find("mk_").expect("the new key is shown");
    let key = &body[start..start + 43];
    assert!(key[3..].chars().all(|c| c.is_ascii_hexdigit()), "{key}");

    let r = crate::helpers::new_client()
        .post(app.url("/open311/v2/requests.json"))
        .form(&[
            ("api_key", key),
            ("service_code", "T-LEAK"),
            ("lat", "35.70"),
            ("long", "51.40"),
            ("description", "آب‌گرفتگی"),
        ])
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    assert!(status == 200 || status == 201, "{status} {text}");
    assert!(text.contains("service_request_id"), "{text}");

    // Revoking asks first.
    let store = Store::connect(&app.db_url).await.unwrap();
    let kid: i64 = store
        .scalar(&Sql::new("SELECT MAX(id) FROM api_keys"))
        .await
        .unwrap();
    let r = app
        .post_form(&format!("/admin/api-keys/{kid}/revoke"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .contains("confirm="));
    let (_, page) = app
        .get_text(&format!("/admin/api-keys?confirm={kid}"))
        .await;
    assert!(page.contains("name=\"confirm\" value=\"yes\""));
    let r = app
        .post_form(
            &format!("/admin/api-keys/{kid}/revoke"),
            &[("confirm", "yes")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let revoked: i64 = store
        .scalar(&Sql::new(
            "SELECT COUNT(*) FROM api_keys WHERE revoked_at IS NOT NULL",
        ))
        .await
        .unwrap();
    assert_eq!(revoked, 1);
}

#[tokio::test]
async fn pages_need_the_right_people() {
    let app = TestApp::spawn().await;
    service(&app, "T-LEAK", "AG-WATER").await;
    // Staff pages send visitors to sign in; the catalogue is public.
    let r = app.get("/requests").await;
    assert_eq!(r.status().as_u16(), 303);
    let (status, body) = app.get_text("/services").await;
    assert_eq!(status, 200);
    assert!(body.contains("نشت آب") && body.contains("شرکت آب و فاضلاب"));
    app.login_as("water").await;
    let (status, _) = app.get_text("/admin/api-keys").await;
    assert_eq!(status, 403);
    let r = app
        .post_form("/services/1", &[("sla_hours", "24"), ("active", "1")])
        .await;
    assert_eq!(r.status().as_u16(), 403);
}

#[tokio::test]
async fn photo_is_served_with_its_type() {
    let app = TestApp::spawn().await;
    let store = service(&app, "T-LEAK", "AG-WATER").await;
    let n = a_neighborhood(&store).await;
    let token = app.csrf().await;
    // A minimal PNG: signature, IHDR, IEND.
    let png: Vec<u8> = vec![
        0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44,
        0x52, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F,
        0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
    ];
    let form = reqwest::multipart::Form::new()
        .text("csrf", token)
        .text("service_code", "T-LEAK")
        .text("description", "شیر آتش‌نشانی شکسته")
        .text("neighborhood_id", n)
        .part(
            "photo",
            reqwest::multipart::Part::bytes(png).file_name("leak.png"),
        );
    let r = app
        .client
        .post(app.url("/requests"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    assert_eq!(status, 303, "{}", r.text().await.unwrap());
    let id = request_id(&store).await;
    let photo = format!("/requests/{id}/photo");
    // Not public until staff clear it; those who handle it see it, kept out of shared caches.
    assert_eq!(app.get(&photo).await.status().as_u16(), 404);
    let (_, o311) = app
        .get_json(&format!("/open311/v2/requests/{id}.json"))
        .await;
    assert!(o311[0]["media_url"].is_null(), "{o311}");
    let liaison = app.another_visitor();
    liaison.login_as("water").await;
    let r = liaison.get(&photo).await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.headers()["cache-control"], "private, no-store");
    // Cleared through the API: public, photo and all.
    let token = crate::helpers::api_token(&liaison).await;
    let api = crate::helpers::new_client();
    let clear = |cleared: bool| {
        api.put(app.url(&format!("/api/v1/requests/{id}/publication")))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "cleared": cleared }))
            .send()
    };
    let r = clear(true).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let detail: serde_json::Value = r.json().await.unwrap();
    assert!(
        detail.to_string().contains("\"cleared\""),
        "in the history: {detail}"
    );
    let r = app.get(&photo).await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.headers()["cache-control"]
        .to_str()
        .unwrap()
        .starts_with("public"));
    let (_, o311) = app
        .get_json(&format!("/open311/v2/requests/{id}.json"))
        .await;
    assert!(o311[0]["media_url"].as_str().unwrap().ends_with(&photo));
    // A rejected request's words and photo are never published, cleared or not.
    let r = liaison
        .post_form(
            &format!("/requests/{id}/act"),
            &[("action", "reject"), ("note", "تکراری است")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(app.get(&photo).await.status().as_u16(), 404);
    let (_, o311) = app
        .get_json(&format!("/open311/v2/requests/{id}.json"))
        .await;
    assert!(o311[0]["description"].is_null() && o311[0]["media_url"].is_null());
    assert_eq!(
        o311[0]["status_notes"], "تکراری است",
        "the answer is public"
    );
    // Nobody outside may clear it.
    let other = app.another_visitor();
    other.login_as("council").await;
    let t = crate::helpers::api_token(&other).await;
    let r = api
        .put(app.url(&format!("/api/v1/requests/{id}/publication")))
        .bearer_auth(&t)
        .json(&serde_json::json!({ "cleared": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(clear(false).await.unwrap().status().as_u16(), 200);
}

#[tokio::test]
async fn too_many_submissions_from_one_address_get_a_friendly_429() {
    let app = TestApp::spawn().await;
    service(&app, "T-LEAK", "AG-WATER").await;
    let token = app.csrf().await;
    let post = |desc: &'static str| {
        app.client
            .post(app.url("/requests"))
            // Not from a trusted proxy: a made-up X-Forwarded-For changes nothing.
            .header("x-forwarded-for", format!("203.0.113.{}", desc.len() % 250))
            .form(&[
                ("csrf", token.as_str()),
                ("service_code", "T-LEAK"),
                ("description", desc),
                ("website", "bot"),
            ])
            .send()
    };
    // The burst allowance is 30 per address.
    for desc in ["x", "xx", "xxx"].iter().cycle().take(30) {
        assert_eq!(post(desc).await.unwrap().status().as_u16(), 303);
    }
    let r = post("آنچه نوشته بودم").await.unwrap();
    assert_eq!(r.status().as_u16(), 429);
    assert!(r.headers().contains_key("retry-after"));
    let body = r.text().await.unwrap();
    assert!(body.contains("کمی بعد دوباره بفرستید"));
    assert!(body.contains("آنچه نوشته بودم"), "the text is kept");
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_citizen_has_their_own_allowance() {
    let db = crate::helpers::fresh_database().await;
    let app = TestApp::spawn_with(
        &db,
        mahalle_web::WebConfig {
            trusted_proxies: mahalle_core::forwarded::parse_list("127.0.0.1").unwrap(),
            ..Default::default()
        },
    )
    .await;
    service(&app, "T-LEAK", "AG-WATER").await;
    let token = app.csrf().await;
    let post = |citizen: &'static str| {
        app.client
            .post(app.url("/requests"))
            .header("x-forwarded-for", citizen)
            .form(&[
                ("csrf", token.as_str()),
                ("service_code", "T-LEAK"),
                ("description", "x"),
                ("website", "bot"),
            ])
            .send()
    };
    for _ in 0..30 {
        assert_eq!(post("93.1.2.3").await.unwrap().status().as_u16(), 303);
    }
    assert_eq!(post("93.1.2.3").await.unwrap().status().as_u16(), 429);
    assert_eq!(
        post("93.1.2.4").await.unwrap().status().as_u16(),
        303,
        "a neighbour behind the same proxy is not blocked"
    );
    // A forged first entry does not buy a fresh allowance: the proxy's own entry counts.
    assert_eq!(
        post("198.51.100.1, 93.1.2.3")
            .await
            .unwrap()
            .status()
            .as_u16(),
        429
    );
}

#[tokio::test]
async fn a_category_with_questions_asks_them() {
    use mahalle_core::requests::Datatype;
    let app = TestApp::spawn().await;
    let store = service(&app, "T-TREE", "AG-WATER").await;
    let sid: i64 = store
        .scalar(&Sql::new("SELECT id FROM services WHERE code = 'T-TREE'"))
        .await
        .unwrap();
    let mut tx = store.begin().await.unwrap();
    mahalle_db::services::add_attribute(
        &mut tx,
        sid,
        &mahalle_db::services::NewAttribute {
            code: "size",
            datatype: Datatype::SingleValueList,
            required: true,
            description_fa: "اندازه درخت",
            description_en: "Size of the tree",
            sort_order: 1,
            values: &[("small", "کوچک", "Small"), ("big", "بزرگ", "Big")],
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let n = a_neighborhood(&store).await;

    let (status, body) = app.get_text("/requests/new?service=T-TREE").await;
    assert_eq!(status, 200);
    assert!(body.contains("اندازه درخت") && body.contains("name=\"attribute[size]\""));
    // "Next" without JavaScript: the form comes back with the questions and the typed text.
    let r = app
        .post_form(
            "/requests/new",
            &[("service_code", "T-TREE"), ("description", "درخت افتاده")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let body = r.text().await.unwrap();
    assert!(body.contains("اندازه درخت") && body.contains("درخت افتاده"));

    let fields = [
        ("service_code", "T-TREE"),
        ("description", "درخت افتاده"),
        ("neighborhood_id", n.as_str()),
    ];
    let r = app.post_form("/requests", &fields).await;
    assert_eq!(r.status().as_u16(), 422, "the question is required");
    assert!(r.text().await.unwrap().contains("size"));
    let mut with_answer = fields.to_vec();
    with_answer.push(("attribute[size]", "big"));
    let r = app.post_form("/requests", &with_answer).await;
    assert_eq!(r.status().as_u16(), 303);
    let id = request_id(&store).await;
    app.login_as("admin").await;
    let (_, detail) = app.get_text(&format!("/requests/{id}")).await;
    assert!(
        detail.contains("اندازه درخت") && detail.contains("بزرگ"),
        "answer shown"
    );
}

#[tokio::test]
async fn staff_enter_a_phone_call() {
    let app = TestApp::spawn().await;
    let store = service(&app, "T-LEAK", "AG-WATER").await;
    let n = a_neighborhood(&store).await;
    app.login_as("admin").await;
    let (_, form) = app.get_text("/requests/new").await;
    assert!(form.contains("name=\"by_phone\""));
    let r = app
        .post_form(
            "/requests",
            &[
                ("service_code", "T-LEAK"),
                ("description", "تماس تلفنی: نشت آب"),
                ("neighborhood_id", &n),
                ("first_name", "علی"),
                ("phone", "۰۹۱۲۰۰۰۱۱۱۱"),
                ("by_phone", "1"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let id = request_id(&store).await;
    let (source, entered_by): (String, Option<i64>) = store
        .fetch_one(
            &Sql::new("SELECT source, entered_by FROM service_requests WHERE id = $1").bind(id),
        )
        .await
        .unwrap();
    assert_eq!(source, "phone");
    assert!(entered_by.is_some());
    let (_, detail) = app.get_text(&format!("/requests/{id}")).await;
    assert!(detail.contains("09120001111") && detail.contains("علی"));
}

#[tokio::test]
async fn tracking_page_in_english() {
    let app = TestApp::spawn().await;
    let store = service(&app, "T-LEAK", "AG-WATER").await;
    let n = a_neighborhood(&store).await;
    let track = submit(&app, "T-LEAK", &n).await;
    app.get("/settings/lang/en?next=/").await;
    let (status, body) = app.get_text(&track).await;
    assert_eq!(status, 200);
    assert!(body.contains(r#"<html lang="en" dir="ltr">"#));
    assert!(body.contains("Water leak") && body.contains("Submitted"));
    assert!(body.contains("Save this code"));
}

#[tokio::test]
async fn a_challenge_lists_its_requests_and_the_resolution_that_answers_it() {
    let app = TestApp::spawn().await;
    let store = service(&app, "T-LEAK", "AG-WATER").await;
    let n = a_neighborhood(&store).await;
    submit(&app, "T-LEAK", &n).await;
    let first = request_id(&store).await;
    submit(&app, "T-LEAK", &n).await;
    let second = request_id(&store).await;
    app.login_as("admin").await;
    let r = app
        .post_form(
            &format!("/requests/{first}/challenge"),
            &[("title", "فرسودگی شبکه آب محله")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let challenge = store_requests::get(&store, first)
        .await
        .unwrap()
        .challenge_id
        .unwrap();
    let r = app
        .post_form(
            &format!("/requests/{second}/challenge"),
            &[("challenge_id", &challenge.to_string())],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);

    let page = format!("/challenges/{challenge}");
    let (status, body) = app.get_text(&page).await;
    assert_eq!(status, 200);
    assert!(body.contains("فرسودگی شبکه آب محله"));
    for id in [first, second] {
        assert!(
            body.contains(&format!("/requests/{id}\"")),
            "request {id} listed"
        );
    }
    assert!(body.contains("هنوز مصوبه‌ای ندارد"), "not answered yet");
    let (_, list) = app
        .get_text("/challenges?answered=no&q=%D9%81%D8%B1%D8%B3%D9%88%D8%AF%DA%AF%DB%8C")
        .await;
    assert!(list.contains(&page), "found by search among the unanswered");

    // A malformed number is refused with a message and changes nothing.
    let r = app
        .post_form(
            &format!("{page}/resolution"),
            &[("resolution", "۱۴۰۴/دوازده")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("سال/جلسه/بند"));

    // A number that only one resolution carries answers the challenge.
    let (rid, year, session, item): (i64, i64, i64, i64) = store
        .fetch_one(&Sql::new(
            "SELECT MIN(r.id), m.jalali_year, m.session_number, r.item_number \
             FROM resolutions r JOIN meetings m ON m.id = r.meeting_id \
             GROUP BY m.jalali_year, m.session_number, r.item_number HAVING COUNT(*) = 1 \
             ORDER BY 1 LIMIT 1",
        ))
        .await
        .unwrap();
    let number = mahalle_core::resolutions::number(year, session, item, true);
    let r = app
        .post_form(&format!("{page}/resolution"), &[("resolution", &number)])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, body) = app.get_text(&page).await;
    assert!(body.contains(&format!("/resolutions/{rid}\"")), "linked");
    assert!(body.contains(&number), "shown by its number");
    let (_, list) = app
        .get_text("/challenges?answered=yes&sort=created&dir=desc")
        .await;
    assert!(list.contains(&page));

    // A liaison sees the challenge but may not decide what answers it.
    let liaison = app.another_visitor();
    liaison.login_as("water").await;
    let (status, body) = liaison.get_text(&page).await;
    assert_eq!(status, 200);
    assert!(!body.contains("name=\"resolution\""), "no form for them");
    let r = liaison
        .post_form(&format!("{page}/resolution"), &[("resolution", "")])
        .await;
    assert_eq!(r.status().as_u16(), 403);

    // Clearing it (by the secretariat) is recorded too.
    let r = app
        .post_form(&format!("{page}/resolution"), &[("resolution", "")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let audits: i64 = store
        .scalar(
            &Sql::new(
                "SELECT COUNT(*) FROM audit_log WHERE entity = 'challenge' AND entity_id = $1",
            )
            .bind(challenge),
        )
        .await
        .unwrap();
    assert_eq!(audits, 3, "created, answered, cleared");
    // Anonymous visitors are sent to sign in.
    let r = app.another_visitor().get(&page).await;
    assert_eq!(r.status().as_u16(), 303);
    assert!(r.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("/login"));
}

#[tokio::test]
async fn an_administrator_builds_a_category_with_questions_and_routes() {
    let app = TestApp::spawn().await;
    let store = Store::connect(&app.db_url).await.unwrap();
    app.login_as("admin").await;
    let (status, form) = app.get_text("/services/new").await;
    assert_eq!(status, 200);
    assert!(form.contains("name=\"code\""));
    let details = |code: &'static str, sla: &'static str| {
        vec![
            ("code", code),
            ("name_fa", "آب‌گرفتگی معبر"),
            ("name_en", "Flooded street"),
            ("group_fa", "آب و فاضلاب"),
            ("domain", "urban_services"),
            ("sla_hours", sla),
            ("active", "1"),
        ]
    };
    // A code with spaces and a response time of zero are refused together; nothing is stored.
    let r = app
        .post_form("/services/new", &details("FLOOD ST", "۰"))
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("کد موضوع") && body.contains("مهلت پاسخ"));
    assert!(body.contains("آب‌گرفتگی معبر"), "what was typed is kept");
    let r = app
        .post_form("/services/new", &details("FLOOD", "۲۴"))
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let edit = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = edit.split('/').nth(2).unwrap().parse().unwrap();
    let r = app
        .post_form("/services/new", &details("FLOOD", "24"))
        .await;
    assert_eq!(r.status().as_u16(), 422, "the code is taken");

    // A list question without choices is refused; with them it is added.
    let q = |choices: &'static str| {
        vec![
            ("code", "depth"),
            ("description_fa", "عمق آب چقدر است؟"),
            ("description_en", "How deep is the water?"),
            ("datatype", "singlevaluelist"),
            ("required", "1"),
            ("choices", choices),
        ]
    };
    let r = app
        .post_form(&format!("/services/{id}/attributes"), &q(""))
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let r = app
        .post_form(
            &format!("/services/{id}/attributes"),
            &q("ankle = تا قوزک | Ankle\nknee = تا زانو | Knee"),
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (status, def) = app.get_json("/open311/v2/services/FLOOD.json").await;
    assert_eq!(status, 200);
    let attr = &def["attributes"][0];
    assert_eq!(attr["code"], "depth");
    assert_eq!(attr["required"], true);
    assert_eq!(attr["values"][1]["key"], "knee");

    // A neighborhood rule routes that neighborhood's requests to the water company.
    let (n, water): (i64, i64) = store
        .fetch_one(&Sql::new(
            "SELECT (SELECT MIN(id) FROM neighborhoods), (SELECT id FROM organisations WHERE code = 'AG-WATER')",
        ))
        .await
        .unwrap();
    let r = app
        .post_form(
            &format!("/services/{id}/routes"),
            &[
                ("back", "edit"),
                ("neighborhood_id", &n.to_string()),
                ("organisation_id", &water.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let citizen = app.another_visitor();
    let r = citizen
        .post_form(
            "/requests",
            &[
                ("service_code", "FLOOD"),
                ("description", "آب کوچه را گرفته"),
                ("neighborhood_id", &n.to_string()),
                ("attribute[depth]", "knee"),
                ("website", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    let req = store_requests::get(&store, request_id(&store).await)
        .await
        .unwrap();
    assert_eq!(req.organisation_id, Some(water));
    assert_eq!(req.due_at - req.requested_at, chrono::Duration::hours(24));

    // Removing the rule and the question shows on the page and in the service definition.
    let route: i64 = store
        .scalar(&Sql::new("SELECT id FROM service_routes WHERE service_id = $1").bind(id))
        .await
        .unwrap();
    let r = app
        .post_form(&format!("/services/{id}/routes/{route}/delete"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let attribute: i64 = store
        .scalar(&Sql::new("SELECT id FROM service_attributes WHERE service_id = $1").bind(id))
        .await
        .unwrap();
    let r = app
        .post_form(
            &format!("/services/{id}/attributes/{attribute}/delete"),
            &[],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, def) = app.get_json("/open311/v2/services/FLOOD.json").await;
    assert_eq!(def["attributes"].as_array().map_or(0, Vec::len), 0);
    // The audit log keeps what was removed, choices included.
    let (before,): (String,) = store
        .fetch_one(
            &Sql::new(
                "SELECT before FROM audit_log WHERE entity = 'service' AND entity_id = $1 AND action = 'remove_attribute'",
            )
            .bind(id),
        )
        .await
        .unwrap();
    assert!(
        before.contains("depth") && before.contains("knee"),
        "{before}"
    );
    let (_, page) = app.get_text(&edit).await;
    assert!(page.contains("پرسش اضافه‌ای ندارد"));
    assert_eq!(
        store_requests::answers(&store, req.id).await.unwrap(),
        vec![("depth".to_string(), "knee".to_string())],
        "answers given earlier are kept"
    );

    // Renaming keeps the code; others may not edit.
    let mut renamed = details("IGNORED", "48");
    renamed[1] = ("name_fa", "آب‌گرفتگی خیابان");
    let r = app.post_form(&edit, &renamed).await;
    assert_eq!(r.status().as_u16(), 303);
    let s = mahalle_db::services::service(&store, id).await.unwrap();
    assert_eq!(
        (s.code.as_str(), s.name_fa.as_str(), s.sla_hours),
        ("FLOOD", "آب‌گرفتگی خیابان", 48)
    );
    citizen.login_as("water").await;
    let (status, _) = citizen.get_text(&edit).await;
    assert_eq!(status, 403);
    let r = citizen.post_form(&edit, &renamed).await;
    assert_eq!(r.status().as_u16(), 403);
}

#[tokio::test]
async fn the_queue_and_its_steps_over_the_api() {
    let app = TestApp::spawn().await;
    let store = service(&app, "T-LEAK", "AG-WATER").await;
    let n = a_neighborhood(&store).await;
    submit(&app, "T-LEAK", &n).await;
    let id = request_id(&store).await;
    app.login_as("water").await;
    let auth = format!("Bearer {}", api_token(&app).await);
    let api = new_client();
    let get = |path: String| {
        let (api, auth) = (api.clone(), auth.clone());
        let url = app.url(&path);
        async move {
            let r = api
                .get(url)
                .header("authorization", auth)
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            (status, r.json::<serde_json::Value>().await.unwrap())
        }
    };
    let step = |body: serde_json::Value| {
        let (api, auth) = (api.clone(), auth.clone());
        let url = app.url(&format!("/api/v1/requests/{id}/steps"));
        async move {
            let r = api
                .post(url)
                .header("authorization", auth)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            (status, r.json::<serde_json::Value>().await.unwrap())
        }
    };

    // The liaison's queue holds the request; the detail has the contact and the history.
    let (status, queue) = get("/api/v1/requests?status=open&sort=due".into()).await;
    assert_eq!(status, 200, "{queue}");
    assert!(
        queue["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == id),
        "{queue}"
    );
    let (status, detail) = get(format!("/api/v1/requests/{id}")).await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["can_act"], true);
    assert_eq!(detail["contact"]["phone"], "09121234567", "{detail}");
    assert!(!detail["events"].as_array().unwrap().is_empty());

    // The page's rules: closing needs an answer, an unknown step is a 400, accepting works.
    let (status, body) = step(serde_json::json!({"action": "close", "note": ""})).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = step(serde_json::json!({"action": "fly"})).await;
    assert_eq!(status, 400, "{body}");
    let (status, body) = step(serde_json::json!({"action": "accept"})).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "accepted");
    let audits = store
        .scalar(
            &Sql::new(
                "SELECT COUNT(*) FROM audit_log WHERE entity = 'service_request' AND entity_id = $1 AND action = 'accept'",
            )
            .bind(id),
        )
        .await
        .unwrap();
    assert_eq!(audits, 1, "the API step is audited like the page's");

    // A browser session may read but not take steps (no CSRF over JSON); strangers get 401.
    let r = app
        .client
        .post(app.url(&format!("/api/v1/requests/{id}/steps")))
        .json(&serde_json::json!({"action": "close", "note": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = new_client()
        .get(app.url(&format!("/api/v1/requests/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    // A district mayor elsewhere does not see it.
    let other = app.another_visitor();
    other.login_as("d14").await;
    let here = store_requests::get(&store, id).await.unwrap().district_id;
    let d14: Option<i64> = store
        .scalar(&Sql::new("SELECT id FROM districts WHERE number = 14"))
        .await
        .ok();
    let r = other.get(&format!("/api/v1/requests/{id}")).await;
    let expected = if here == d14 { 200 } else { 403 };
    assert_eq!(
        r.status().as_u16(),
        expected,
        "district {here:?}, mayor of {d14:?}"
    );

    // The request becomes a neighborhood challenge, as from its page; a blank title and no
    // challenge unlink it again.
    let raise = |body: serde_json::Value| {
        let (api, auth) = (api.clone(), auth.clone());
        let url = app.url(&format!("/api/v1/requests/{id}/challenge"));
        async move {
            let r = api
                .post(url)
                .header("authorization", auth)
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = r.status().as_u16();
            (status, r.json::<serde_json::Value>().await.unwrap())
        }
    };
    let (status, body) = raise(serde_json::json!({"title": "نشت مکرر آب در کوچه"})).await;
    assert_eq!(status, 200, "{body}");
    let challenge = body["challenge_id"].as_i64().expect("linked");
    let (status, c) = get(format!("/api/v1/challenges/{challenge}")).await;
    assert_eq!(
        (status, c["title"].as_str()),
        (200, Some("نشت مکرر آب در کوچه")),
        "{c}"
    );
    let (status, body) = raise(serde_json::json!({"challenge_id": challenge + 1_000})).await;
    assert_eq!(status, 404, "{body}");
    let (status, body) = raise(serde_json::json!({})).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["challenge_id"].is_null(), "{body}");

    // The document describes what the routes do.
    let (_, doc) = app.get_json("/api/openapi.json").await;
    for p in [
        "/api/v1/requests",
        "/api/v1/requests/{id}",
        "/api/v1/requests/{id}/steps",
        "/api/v1/requests/{id}/challenge",
    ] {
        assert!(doc["paths"].get(p).is_some(), "missing {p}");
    }
}
