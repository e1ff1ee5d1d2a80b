//! Keeping the registry of organisations: who may, what is checked, retiring.

use serde_json::{json, Value};

use crate::helpers::{api_token, TestApp};

async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Value,
) -> (u16, Value) {
    let r = app
        .client
        .request(method, app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn organisations_are_kept_in_their_districts_registry() {
    let app = TestApp::spawn().await;
    app.login_as("d14").await;
    let d14 = api_token(&app).await;
    let post = reqwest::Method::POST;
    // A local institution of district 14, with its contacts checked.
    let (status, e) = call(&app, post.clone(), "/api/v1/organisations", &d14,
        json!({"code": "d14 house", "kind": "institution", "name_fa": "", "district_id": 14, "phone": "abc", "website": "ftp://x"})).await;
    assert_eq!(status, 422);
    let fields: Vec<&str> = e["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for f in ["code", "name_fa", "phone", "website"] {
        assert!(fields.contains(&f), "{f} in {fields:?}");
    }
    let (status, made) = call(&app, post.clone(), "/api/v1/organisations", &d14,
        json!({"code": "d14-house", "kind": "institution", "name_fa": "خانه فرهنگ منطقه ۱۴", "district_id": "۱۴", "phone": "۰۲۱-۳۳۴۴۵۵۶۶"})).await;
    assert_eq!(status, 201, "{made}");
    let id = made["id"].as_i64().unwrap();
    let (_, o) = app.get_json(&format!("/api/v1/organisations/{id}")).await;
    assert_eq!(
        (o["code"].as_str(), o["phone"].as_str()),
        (Some("D14-HOUSE"), Some("021-33445566"))
    );
    // Not in another district, not a city body, not under itself.
    let (status, _) = call(
        &app,
        post.clone(),
        "/api/v1/organisations",
        &d14,
        json!({"code": "D6-X", "kind": "institution", "name_fa": "الف", "district_id": 6}),
    )
    .await;
    assert_eq!(status, 403);
    let (status, e) = call(
        &app,
        post.clone(),
        "/api/v1/organisations",
        &d14,
        json!({"code": "DEP-X", "kind": "deputy", "name_fa": "معاونت", "district_id": 14}),
    )
    .await;
    assert_eq!(status, 422);
    assert!(e["error"]["message_fa"].is_string());
    let (status, _) = call(&app, reqwest::Method::PUT, &format!("/api/v1/organisations/{id}"), &d14,
        json!({"code": "D14-HOUSE", "kind": "institution", "name_fa": "خانه فرهنگ", "district_id": 14, "parent_id": id})).await;
    assert_eq!(status, 422);
    // A neighborhood has one council.
    let (_, n) = app
        .get_json("/api/v1/neighborhoods?district=14&per_page=1")
        .await;
    let (status, e) = call(&app, post.clone(), "/api/v1/organisations", &d14,
        json!({"code": "NC-DUP", "kind": "neighborhood_council", "name_fa": "شورایاری دوم", "neighborhood_id": n["items"][0]["id"]})).await;
    assert_eq!(status, 422);
    assert!(
        e.to_string()
            .contains("This neighborhood has its council already"),
        "{e}"
    );
    // Retired: no longer offered, still found.
    let (status, o) = call(
        &app,
        post.clone(),
        &format!("/api/v1/organisations/{id}/retire"),
        &d14,
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    assert!(o["retired_on"].is_string());
    let (_, list) = app.get_json("/api/v1/organisations?q=D14-HOUSE").await;
    assert_eq!(list["total"], 0);
    let (_, list) = app
        .get_json("/api/v1/organisations?q=D14-HOUSE&retired=true")
        .await;
    assert_eq!(list["total"], 1);
    let (_, form) = app.get_text("/organisations/new").await;
    assert!(
        !form.contains("D14-HOUSE") && !form.contains("خانه فرهنگ منطقه ۱۴"),
        "not offered as a parent"
    );
    // The water company is the city's: its liaison and district 14's mayor may not change it.
    let water = crate::helpers::org_id(&app, "AG-WATER").await;
    let (status, _) = call(
        &app,
        reqwest::Method::PUT,
        &format!("/api/v1/organisations/{water}"),
        &d14,
        json!({"code": "AG-WATER", "kind": "agency", "name_fa": "آب"}),
    )
    .await;
    assert_eq!(status, 403);
    let page = app.get(&format!("/organisations/{water}/edit")).await;
    assert_eq!(page.status().as_u16(), 403);
}
