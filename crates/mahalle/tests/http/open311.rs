//! Open311 GeoReport v2 as a 311 client sees it: discovery, services, service definitions,
//! posting requests with an API key, searching them, tokens, and the spec's error arrays.

use mahalle_db::Store;
use serde_json::Value;

use crate::helpers::TestApp;

async fn api_key(app: &TestApp) -> String {
    let store = Store::connect(&app.db_url).await.unwrap();
    let (_, key) = mahalle_web::requests::ops::create_api_key(&store, "test client", None)
        .await
        .unwrap();
    key
}

async fn post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let r = app
        .client
        .post(app.url(path))
        .form(form)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

fn error_description(body: &str) -> String {
    let v: Value = serde_json::from_str(body).expect("error array");
    assert!(v[0]["code"].is_i64(), "{body}");
    v.as_array()
        .unwrap()
        .iter()
        .map(|e| e["description"].as_str().unwrap().to_string())
        .collect::<Vec<_>>()
        .join(" | ")
}

#[tokio::test]
async fn discovery_services_and_definitions_in_json_and_xml() {
    let app = TestApp::spawn().await;
    let (s, d) = app.get_json("/open311/discovery.json").await;
    assert_eq!(s, 200);
    assert_eq!(
        d["endpoints"][0]["specification"],
        "http://wiki.open311.org/GeoReport_v2"
    );
    assert!(d["endpoints"][0]["url"]
        .as_str()
        .unwrap()
        .ends_with("/open311/v2"));

    let (s, list) = app.get_json("/open311/v2/services.json").await;
    assert_eq!(s, 200);
    let list = list.as_array().unwrap();
    assert!(list.len() >= 30, "a real catalogue: {}", list.len());
    let pothole = list
        .iter()
        .find(|x| x["service_code"] == "POTHOLE")
        .unwrap();
    assert_eq!(pothole["metadata"], true);
    assert_eq!(pothole["type"], "realtime");
    assert_eq!(pothole["service_name"], "چاله و خرابی آسفالت");
    let r = app
        .client
        .get(app.url("/open311/v2/services.json"))
        .header("Accept-Language", "en-US,en;q=0.8")
        .send()
        .await
        .unwrap();
    let en: Value = r.json().await.unwrap();
    assert!(en
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["service_name"] == "Pothole or broken asphalt"));

    let r = app
        .get("/open311/v2/services.xml?jurisdiction_id=tehran.ir")
        .await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "text/xml; charset=utf-8");
    let xml = r.text().await.unwrap();
    assert!(xml.starts_with(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<services><service><service_code>"
    ));
    assert!(xml.contains("<service_code>POTHOLE</service_code>"));

    let (s, def) = app.get_json("/open311/v2/services/POTHOLE.json").await;
    assert_eq!(s, 200);
    assert_eq!(def["service_code"], "POTHOLE");
    let size = &def["attributes"][0];
    assert_eq!(size["code"], "SIZE");
    assert_eq!(size["datatype"], "singlevaluelist");
    assert_eq!(size["required"], true);
    assert_eq!(size["values"].as_array().unwrap().len(), 3);
    let (_, xml) = app.get_text("/open311/v2/services/POTHOLE.xml").await;
    assert!(xml.contains("<service_definition><service_code>POTHOLE</service_code><attributes><attribute><variable>true</variable><code>SIZE</code>"));

    let (s, body) = app.get_text("/open311/v2/services/NOPE.json").await;
    assert_eq!(s, 404);
    assert!(error_description(&body).contains("service_code"));
    let (s, body) = app
        .get_text("/open311/v2/services.json?jurisdiction_id=sfgov.org")
        .await;
    assert_eq!(s, 404);
    assert!(error_description(&body).contains("jurisdiction_id"));
    let (s, xml) = app.get_text("/open311/v2/services/NOPE.xml").await;
    assert_eq!(s, 404);
    assert!(xml.contains("<errors><error><code>404</code><description>"));
}

#[tokio::test]
async fn a_client_posts_a_request_and_follows_it() {
    let app = TestApp::spawn().await;
    let key = api_key(&app).await;

    let (s, body) = post(
        &app,
        "/open311/v2/requests.json",
        &[
            ("service_code", "STREET-LIGHT"),
            ("lat", "35.70"),
            ("long", "51.40"),
        ],
    )
    .await;
    assert_eq!(s, 403, "{body}");
    assert!(error_description(&body).contains("api_key"));
    let (s, _) = post(
        &app,
        "/open311/v2/requests.json",
        &[("api_key", "mk_wrong"), ("service_code", "STREET-LIGHT")],
    )
    .await;
    assert_eq!(s, 403);

    let form = [
        ("api_key", key.as_str()),
        ("jurisdiction_id", "tehran.ir"),
        ("service_code", "STREET-LIGHT"),
        ("lat", "35.6892"),
        ("long", "51.3890"),
        ("address_string", "خیابان آزادی، نبش کوچه ۱۲"),
        ("description", "چراغ‌های كوچه خاموش است\r\n\r\n\r\nاز دیشب"),
        ("first_name", "مریم"),
        ("phone", "09121234567"),
        ("email", "maryam@example.com"),
        ("attribute[LIGHTS]", "3"),
        ("attribute[POLE]", "T-114"),
    ];
    let (s, body) = post(&app, "/open311/v2/requests.json", &form).await;
    assert_eq!(s, 200, "{body}");
    let created: Value = serde_json::from_str(&body).unwrap();
    let id = created[0]["service_request_id"]
        .as_i64()
        .expect("a request id");
    assert!(
        created[0].get("token").is_none(),
        "id and token are never both returned"
    );
    let notice = created[0]["service_notice"].as_str().unwrap();
    let code: String = notice
        .split(['：', ':', '؛', ' '])
        .find(|w| w.matches('-').count() >= 2)
        .expect("tracking code in the notice")
        .to_string();

    let (s, one) = app
        .get_json(&format!("/open311/v2/requests/{id}.json"))
        .await;
    assert_eq!(s, 200);
    let r = &one[0];
    assert_eq!(r["service_request_id"], id);
    assert_eq!(r["status"], "open");
    assert_eq!(r["service_code"], "STREET-LIGHT");
    // Until staff clear it, the citizen's words and exact point are not published.
    assert!(r["description"].is_null(), "{r}");
    assert!(
        !one.to_string().contains("آزادی"),
        "the typed address stays inside"
    );
    assert_eq!(r["lat"], 35.689, "rounded to the block");
    assert_eq!(r["long"], 51.389);
    let staff = app.another_visitor();
    staff.login_as("mayor").await;
    let (_, page) = staff.get_text(&format!("/requests/{id}")).await;
    assert!(
        page.contains("هنوز تأیید نشده است"),
        "the page says what is public"
    );
    let r = staff
        .post_form(&format!("/requests/{id}/publication"), &[("cleared", "1")])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, one) = app
        .get_json(&format!("/open311/v2/requests/{id}.json"))
        .await;
    let r = &one[0];
    assert_eq!(
        r["description"], "چراغ‌های کوچه خاموش است\n\nاز دیشب",
        "Arabic kaf normalised, paragraphs kept"
    );
    assert_eq!(r["lat"], 35.6892);
    assert_eq!(r["long"], 51.389);
    assert_eq!(r["address"], "خیابان آزادی، نبش کوچه ۱۲");
    assert!(
        r["agency_responsible"]
            .as_str()
            .is_some_and(|a| !a.is_empty()),
        "routed: {r}"
    );
    assert!(r["requested_datetime"]
        .as_str()
        .unwrap()
        .ends_with("+03:30"));
    assert!(r["expected_datetime"].as_str().is_some());
    assert!(
        !one.to_string().contains("09121234567") && !one.to_string().contains("maryam@"),
        "no personal data in public output"
    );

    let (_, xml) = app
        .get_text(&format!("/open311/v2/requests/{id}.xml"))
        .await;
    assert!(xml.contains(&format!("<service_requests><request><service_request_id>{id}</service_request_id><status>open</status>")));

    let (s, tok) = app
        .get_json(&format!("/open311/v2/tokens/{code}.json"))
        .await;
    assert_eq!(s, 200, "{tok}");
    assert_eq!(tok[0]["service_request_id"], id);
    let (s, _) = app.get_text("/open311/v2/tokens/AAA-AAA-AAA-A.json").await;
    assert_eq!(s, 404);

    // The new request is in the default 90-day search, open, for its code.
    let (_, found) = app
        .get_json("/open311/v2/requests.json?service_code=STREET-LIGHT&status=open")
        .await;
    let found = found.as_array().unwrap();
    assert!(found.iter().any(|x| x["service_request_id"] == id));
    assert!(found
        .iter()
        .all(|x| x["status"] == "open" && x["service_code"] == "STREET-LIGHT"));
    let (_, by_id) = app
        .get_json(&format!(
            "/open311/v2/requests.json?service_request_id={id},999999999&status=closed"
        ))
        .await;
    assert_eq!(
        by_id.as_array().unwrap().len(),
        1,
        "ids override every other filter"
    );
}

#[tokio::test]
async fn bad_input_gets_the_spec_errors_never_a_5xx() {
    let app = TestApp::spawn().await;
    let key = api_key(&app).await;
    let k = key.as_str();
    type Case<'a> = (&'a [(&'a str, &'a str)], u16, &'a str);
    let cases: &[Case] = &[
        (&[("api_key", k)], 400, "service_code"),
        (
            &[
                ("api_key", k),
                ("service_code", "NOPE"),
                ("lat", "35.7"),
                ("long", "51.4"),
            ],
            404,
            "service_code",
        ),
        (
            &[
                ("api_key", k),
                ("service_code", "STREET-LIGHT"),
                ("attribute[LIGHTS]", "2"),
            ],
            400,
            "location",
        ),
        (
            &[
                ("api_key", k),
                ("service_code", "STREET-LIGHT"),
                ("lat", "35.7"),
                ("attribute[LIGHTS]", "2"),
            ],
            400,
            "lat",
        ),
        (
            &[
                ("api_key", k),
                ("service_code", "STREET-LIGHT"),
                ("lat", "north"),
                ("long", "51.4"),
            ],
            400,
            "lat",
        ),
        (
            &[
                ("api_key", k),
                ("service_code", "POTHOLE"),
                ("lat", "35.7"),
                ("long", "51.4"),
            ],
            400,
            "attribute[SIZE]",
        ),
        (
            &[
                ("api_key", k),
                ("service_code", "POTHOLE"),
                ("lat", "35.7"),
                ("long", "51.4"),
                ("attribute[SIZE]", "huge"),
            ],
            400,
            "attribute[SIZE]",
        ),
        (
            &[
                ("api_key", k),
                ("service_code", "WATER-LEAK"),
                ("address_string", "x"),
                ("email", "not-an-email"),
            ],
            400,
            "e-mail",
        ),
        (
            &[
                ("api_key", k),
                ("service_code", "WATER-LEAK"),
                ("address_string", "x"),
                ("jurisdiction_id", "nyc.gov"),
            ],
            404,
            "jurisdiction_id",
        ),
    ];
    for (form, status, needle) in cases {
        let (s, body) = post(&app, "/open311/v2/requests.json", form).await;
        assert_eq!(s, *status, "{form:?}: {body}");
        let d = error_description(&body);
        assert!(d.contains(needle), "{form:?}: {d}");
    }
    let long = "ب".repeat(4001);
    let (s, _) = post(
        &app,
        "/open311/v2/requests.json",
        &[
            ("api_key", k),
            ("service_code", "WATER-LEAK"),
            ("address_string", "x"),
            ("description", &long),
        ],
    )
    .await;
    assert_eq!(s, 400);

    // A malformed body, an unknown format, bad searches.
    let r = app
        .client
        .post(app.url("/open311/v2/requests.json"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("api_key=%ZZ&&=&service_code=%FF%FE")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_client_error(), "{}", r.status());
    let (s, body) = post(
        &app,
        "/open311/v2/requests.json",
        &[
            ("api_key", k),
            ("service_code", "\u{0}<x>"),
            ("lat", "1e999"),
            ("long", "NaN"),
        ],
    )
    .await;
    assert!((400..500).contains(&s), "{s} {body}");
    assert_eq!(app.get("/open311/v2/services.html").await.status(), 404);
    for (q, needle) in [
        ("start_date=yesterday", "start_date"),
        (
            "start_date=2026-01-01T00:00:00Z&end_date=2026-06-01T00:00:00Z",
            "90 days",
        ),
        (
            "start_date=2026-06-01T00:00:00Z&end_date=2026-01-01T00:00:00Z",
            "before",
        ),
        ("status=pending", "status"),
        ("service_request_id=12,abc", "service_request_id"),
        ("page_size=0", "page_size"),
    ] {
        let (s, body) = app
            .get_text(&format!("/open311/v2/requests.json?{q}"))
            .await;
        assert_eq!(s, 400, "{q}: {body}");
        assert!(error_description(&body).contains(needle), "{q}: {body}");
    }
    for path in [
        "/open311/v2/requests/abc.json",
        "/open311/v2/services/%00.json",
        "/open311/v2/tokens/%00x.xml",
    ] {
        let (s, body) = app.get_text(path).await;
        assert_eq!(s, 404, "{path}: {body}");
    }
    let (s, _) = app
        .get_text("/open311/v2/requests.json?service_code=%00")
        .await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn searches_filter_by_window_status_code_and_district() {
    let app = TestApp::spawn().await;
    let (s, all) = app.get_json("/open311/v2/requests.json").await;
    assert_eq!(s, 200);
    let all = all.as_array().unwrap();
    assert!(!all.is_empty(), "the demo has recent requests");
    let newest =
        chrono::DateTime::parse_from_rfc3339(all[0]["requested_datetime"].as_str().unwrap())
            .unwrap();
    for w in all.windows(2) {
        let a = chrono::DateTime::parse_from_rfc3339(w[0]["requested_datetime"].as_str().unwrap())
            .unwrap();
        let b = chrono::DateTime::parse_from_rfc3339(w[1]["requested_datetime"].as_str().unwrap())
            .unwrap();
        assert!(a >= b, "newest first");
    }
    let oldest = chrono::Utc::now() - chrono::Duration::days(90);
    assert!(all.iter().all(|r| chrono::DateTime::parse_from_rfc3339(
        r["requested_datetime"].as_str().unwrap()
    )
    .unwrap()
        >= oldest));
    // The default window ends now: the newest published request comes first.
    let store = mahalle_db::Store::connect(&app.db_url).await.unwrap();
    let (latest,): (chrono::DateTime<chrono::Utc>,) = store
        .fetch_one(&mahalle_db::Sql::new(
            "SELECT r.requested_at FROM service_requests r JOIN services s ON s.id = r.service_id \
             WHERE s.published ORDER BY r.requested_at DESC, r.id DESC LIMIT 1",
        ))
        .await
        .unwrap();
    assert_eq!(newest.timestamp(), latest.timestamp());

    let (_, closed) = app
        .get_json("/open311/v2/requests.json?status=closed")
        .await;
    let closed = closed.as_array().unwrap();
    assert!(!closed.is_empty() && closed.iter().all(|r| r["status"] == "closed"));
    assert!(
        closed
            .iter()
            .any(|r| r["status_notes"].as_str().is_some_and(|n| !n.is_empty())),
        "answers are public"
    );

    let (_, two) = app
        .get_json("/open311/v2/requests.json?service_code=WATER-LEAK,GAS-SMELL&page_size=50")
        .await;
    let two = two.as_array().unwrap();
    assert!(two.len() <= 50);
    assert!(two
        .iter()
        .all(|r| r["service_code"] == "WATER-LEAK" || r["service_code"] == "GAS-SMELL"));

    // An old window holds other requests than the default one.
    let end = (chrono::Utc::now() - chrono::Duration::days(40))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let (s, older) = app
        .get_json(&format!("/open311/v2/requests.json?end_date={end}"))
        .await;
    assert_eq!(s, 200);
    let end_t = chrono::DateTime::parse_from_rfc3339(&end).unwrap();
    let older = older.as_array().unwrap();
    assert!(!older.is_empty());
    assert!(older.iter().all(|r| {
        chrono::DateTime::parse_from_rfc3339(r["requested_datetime"].as_str().unwrap()).unwrap()
            <= end_t
    }));

    // District extension: every answer lies in district 14's neighborhoods.
    let (_, d14) = app.get_json("/open311/v2/requests.json?district=14").await;
    let d14 = d14.as_array().unwrap();
    assert!(!d14.is_empty());
    let (_, everything) = app
        .get_json("/open311/v2/requests.json?district=۱۴&page_size=1000")
        .await;
    assert_eq!(
        d14.len(),
        everything.as_array().unwrap().len(),
        "Persian digits accepted"
    );
}

/// Welfare and social categories are not published: their requests are for those who handle
/// them; a media_url is only ever a web address.
#[tokio::test]
async fn unpublished_categories_and_unsafe_links_stay_out_of_open311() {
    let app = TestApp::spawn().await;
    let store = Store::connect(&app.db_url).await.unwrap();
    let (private, public): (i64, i64) = store
        .fetch_one(&mahalle_db::Sql::new(
            "SELECT (SELECT MIN(q.id) FROM service_requests q JOIN services s ON s.id = q.service_id WHERE s.published = FALSE), \
                    (SELECT MIN(q.id) FROM service_requests q JOIN services s ON s.id = q.service_id WHERE s.published = TRUE)",
        ))
        .await
        .unwrap();
    let (status, _) = app
        .get_json(&format!("/open311/v2/requests/{private}.json"))
        .await;
    assert_eq!(status, 404);
    let (status, _) = app
        .get_json(&format!("/open311/v2/requests/{public}.json"))
        .await;
    assert_eq!(status, 200);
    let (_, list) = app
        .get_json(&format!(
            "/open311/v2/requests.json?service_request_id={private},{public}"
        ))
        .await;
    let ids: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["service_request_id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![public]);
    let (_, services) = app.get_json("/api/v1/services").await;
    let hidden = services
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["published"] == false)
        .count();
    assert!(hidden >= 1, "the demo keeps welfare categories unpublished");

    let key = api_key(&app).await;
    let (status, body) = post(
        &app,
        "/open311/v2/requests.json",
        &[
            ("api_key", key.as_str()),
            ("service_code", "STREET-LIGHT"),
            ("lat", "35.7009"),
            ("long", "51.4012"),
            ("attribute[LIGHTS]", "2"),
            ("media_url", "javascript:alert(1)"),
        ],
    )
    .await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("media_url"), "{body}");
}
