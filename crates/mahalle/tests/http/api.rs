//! The JSON API: shapes, typed errors, OpenAPI document, health checks.

use crate::helpers::{urlencode, TestApp};

#[tokio::test]
async fn errors_are_typed_json_and_never_5xx_for_bad_input() {
    let app = TestApp::spawn().await;
    for (path, status, code) in [
        ("/api/v1/districts/999999", 404, "not_found"),
        ("/api/v1/districts/abc", 400, "bad_request"),
        ("/api/v1/districts?page=x", 400, "bad_request"),
        ("/api/v1/districts?per_page=-1", 400, "bad_request"),
        ("/api/v1/organisations?kind=club", 400, "bad_request"),
        ("/api/v1/nothing-here", 404, "not_found"),
        ("/api/v1/people", 401, "unauthorized"),
    ] {
        let (s, json) = app.get_json(path).await;
        assert_eq!(s, status, "{path}");
        assert_eq!(json["error"]["code"], code, "{path}");
        assert!(json["error"]["message"].as_str().unwrap().len() > 3);
        assert!(!json["error"]["message_fa"].as_str().unwrap().is_empty());
    }
    // Absurd paging is clamped, not an error.
    let (s, json) = app
        .get_json("/api/v1/districts?per_page=100000&page=999")
        .await;
    assert_eq!(s, 200);
    assert_eq!(json["per_page"], 200);
    assert_eq!(json["items"].as_array().unwrap().len(), 0);
}

#[tokio::test]
async fn openapi_document_describes_the_api() {
    let app = TestApp::spawn().await;
    let (s, doc) = app.get_json("/api/openapi.json").await;
    assert_eq!(s, 200);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for p in [
        "/api/v1/districts",
        "/api/v1/districts/{id}",
        "/api/v1/neighborhoods/{id}",
        "/api/v1/organisations",
        "/api/v1/people",
        "/api/v1/me",
    ] {
        assert!(doc["paths"].get(p).is_some(), "missing {p}");
    }
    assert!(doc["components"]["schemas"].get("District").is_some());
    assert!(doc["components"]["securitySchemes"].get("bearer").is_some());
}

#[tokio::test]
async fn health_and_readiness() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get_text("/healthz").await, (200, "ok".to_string()));
    assert_eq!(app.get_text("/readyz").await, (200, "ready".to_string()));
}

#[tokio::test]
async fn district_detail_and_neighborhood_filter() {
    let app = TestApp::spawn().await;
    let (_, list) = app.get_json("/api/v1/districts?per_page=22").await;
    let d14 = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["number"] == 14)
        .unwrap()
        .clone();
    let id = d14["id"].as_i64().unwrap();
    let (s, detail) = app.get_json(&format!("/api/v1/districts/{id}")).await;
    assert_eq!(s, 200);
    assert_eq!(detail["name_fa"], "منطقه ۱۴");
    let (_, ns) = app
        .get_json(&format!("/api/v1/neighborhoods?district={id}&per_page=200"))
        .await;
    assert_eq!(ns["total"], d14["neighborhoods"]);
    assert!(ns["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["district_number"] == 14));
    assert!(ns["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["name_fa"] == "پیروزی"));
}

#[tokio::test]
async fn challenges_and_the_outbox_over_the_api() {
    let app = TestApp::spawn().await;
    app.login_as("admin").await;
    let auth = format!("Bearer {}", crate::helpers::api_token(&app).await);
    let api = crate::helpers::new_client();
    let get = |path: &str| {
        api.get(app.url(path))
            .header("authorization", auth.clone())
            .send()
    };

    // The demo city's challenges: all of them, then the unanswered ones only.
    let r = get("/api/v1/challenges").await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let all: serde_json::Value = r.json().await.unwrap();
    let total = all["total"].as_i64().unwrap();
    assert!(total > 0, "the demo city has challenges: {all}");
    let r = get("/api/v1/challenges?answered=no&sort=requests&dir=desc")
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let open: serde_json::Value = r.json().await.unwrap();
    assert!(open["total"].as_i64().unwrap() <= total);
    for c in open["items"].as_array().unwrap() {
        assert!(c["resolution_id"].is_null(), "only unanswered ones: {c}");
    }
    let id = all["items"][0]["id"].as_i64().unwrap();
    let r = get(&format!("/api/v1/challenges/{id}")).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let one: serde_json::Value = r.json().await.unwrap();
    assert_eq!(one["id"], id);
    let r = get("/api/v1/challenges/999999999").await.unwrap();
    assert_eq!(r.status().as_u16(), 404);

    let r = get("/api/v1/notifications?state=pending").await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let outbox: serde_json::Value = r.json().await.unwrap();
    assert!(outbox["counts"]["pending"].is_i64(), "{outbox}");
    assert!(outbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["state"] == "pending"));
    let r = api
        .post(app.url("/api/v1/notifications/999999999/retry"))
        .header("authorization", auth.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);

    // The catalogue: what is offered, with its questions; routing for administrators only.
    let (status, services) = app.get_json("/api/v1/services").await;
    assert_eq!(status, 200);
    let first = services
        .as_array()
        .unwrap()
        .first()
        .expect("demo catalogue")
        .clone();
    let (status, one) = app
        .get_json(&format!("/api/v1/services/{}", first["id"]))
        .await;
    assert_eq!(status, 200, "{one}");
    assert!(one["attributes"].is_array() && one["routes"].is_array());
    let (status, public) = crate::helpers::new_client()
        .get(app.url(&format!("/api/v1/services/{}", first["id"])))
        .send()
        .await
        .map(|r| (r.status().as_u16(), r))
        .unwrap();
    assert_eq!(status, 200);
    let public: serde_json::Value = public.json().await.unwrap();
    assert_eq!(
        public["routes"],
        serde_json::json!([]),
        "routing is not public"
    );

    // The outbox is the city secretariat's: a liaison may not read it.
    let liaison = app.another_visitor();
    liaison.login_as("water").await;
    assert_eq!(
        liaison.get("/api/v1/notifications").await.status().as_u16(),
        403
    );

    let (_, doc) = app.get_json("/api/openapi.json").await;
    for p in [
        "/api/v1/challenges",
        "/api/v1/challenges/{id}",
        "/api/v1/challenges/{id}/resolution",
        "/api/v1/notifications",
        "/api/v1/notifications/{id}/retry",
        "/api/v1/services",
        "/api/v1/services/{id}",
        "/calendar/{file}",
    ] {
        assert!(doc["paths"].get(p).is_some(), "missing {p}");
    }
}

/// Hostile query strings get an answer, never a server error (they once did: a `due` of
/// 99999999999 days overflowed the calendar).
#[tokio::test]
async fn hostile_query_strings_never_answer_5xx() {
    let app = TestApp::spawn().await;
    app.login_as("mayor").await;
    let big = "99999999999";
    let huge = "999999999999999999999999";
    let mut paths = Vec::new();
    for list in [
        "/resolutions",
        "/overdue",
        "/inbox",
        "/accountability",
        "/meetings",
        "/requests",
        "/challenges",
        "/notifications",
        "/people",
        "/organisations",
        "/districts",
        "/neighborhoods",
        "/calendar",
        "/api/v1/resolutions",
        "/api/v1/meetings",
        "/api/v1/requests",
        "/api/v1/challenges",
        "/api/v1/people",
        "/api/v1/notifications",
        "/open311/v2/requests.json",
    ] {
        for q in [
            format!("due={big}"),
            format!("due=-{big}"),
            format!("page={big}"),
            format!("page={huge}"),
            "page=-1".into(),
            format!("per_page={big}"),
            "per_page=0".into(),
            "from=99999/99/99".into(),
            "from=9999999-01-01".into(),
            "to=0000-00-00".into(),
            format!("year={big}&month=99"),
            "month=13".into(),
            format!("district={big}"),
            "sort=%00&dir=sideways".into(),
            "q=%FF%FE".into(),
            format!("start_date=+{big}-01-01T00:00:00Z"),
            format!("lat={huge}&long=-{huge}"),
            format!("service_request_id={}", "1,".repeat(2000)),
        ] {
            paths.push(format!("{list}?{q}"));
        }
    }
    let mut failures = Vec::new();
    for p in &paths {
        let status = app.get(p).await.status().as_u16();
        if status >= 500 {
            failures.push(format!("{status} {p}"));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    // A 30 KB search is cut to what anyone types; a list of 150 categories is refused.
    let long = urlencode(&"آب ".repeat(2000));
    let (status, _) = app.get_json(&format!("/api/v1/resolutions?q={long}")).await;
    assert_eq!(status, 200);
    let codes: Vec<String> = (0..150).map(|i| format!("C{i}")).collect();
    let r = app
        .get(&format!(
            "/open311/v2/requests.json?service_code={}",
            codes.join(",")
        ))
        .await;
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
}

/// What the extractors refuse is answered in the API's error format, not axum's plain text.
#[tokio::test]
async fn malformed_api_input_gets_the_typed_error_format() {
    let app = TestApp::spawn().await;
    app.login_as("mayor").await;
    let token = crate::helpers::api_token(&app).await;
    let client = crate::helpers::new_client();
    let post = |body: &'static str, content_type: &'static str| {
        client
            .post(app.url("/api/v1/meetings"))
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(body)
            .send()
    };
    for (body, content_type, status) in [
        ("{\"kind\": 5}", "application/json", 422),
        ("{not json", "application/json", 400),
        ("{}", "text/plain", 400),
    ] {
        let r = post(body, content_type).await.unwrap();
        assert_eq!(r.status().as_u16(), status, "{body}");
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        let e: serde_json::Value = r.json().await.unwrap();
        assert!(
            e["error"]["code"].is_string() && e["error"]["message_fa"].is_string(),
            "{e}"
        );
    }
    let r = app.get("/api/v1/meetings/not-a-number").await;
    assert_eq!(r.status().as_u16(), 400);
    let e: serde_json::Value = r.json().await.unwrap();
    assert!(e["error"]["message"].is_string(), "{e}");
    // The document says so.
    let (_, doc) = app.get_json("/api/openapi.json").await;
    let get = &doc["paths"]["/api/v1/meetings/{id}"]["get"]["responses"];
    assert!(get["400"].is_object() && get["401"].is_object(), "{get}");
    let post = &doc["paths"]["/api/v1/meetings"]["post"]["responses"];
    assert!(post["400"].is_object() && post["422"].is_object(), "{post}");
}
