//! The service catalogue changed through the API, under the rules and audit of its pages.

use crate::helpers::{api_token, new_client, org_id, TestApp};
use serde_json::{json, Value};

#[tokio::test]
async fn an_administrator_keeps_the_catalogue_through_the_api() {
    let app = TestApp::spawn().await;
    app.login_as("admin").await;
    let token = api_token(&app).await;
    let api = new_client();
    let send = |method: reqwest::Method, path: &str, body: Option<Value>| {
        let mut r = api.request(method, app.url(path)).bearer_auth(&token);
        if let Some(b) = body {
            r = r.json(&b);
        }
        r.send()
    };
    let category = |code: &str, sla: Value| {
        json!({ "code": code, "name_fa": "آب‌گرفتگی معبر", "name_en": "Flooded street",
                "domain": "urban_services", "sla_hours": sla, "active": true })
    };

    // Every field's error at once; numbers may come as JSON numbers or typed text.
    let r = send(
        reqwest::Method::POST,
        "/api/v1/services",
        Some(category("FLOOD ST", json!(0))),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let err: Value = r.json().await.unwrap();
    let fields: Vec<&str> = err["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["code", "sla_hours"], "{err}");
    let r = send(
        reqwest::Method::POST,
        "/api/v1/services",
        Some(category("FLOOD", json!("۲۴"))),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = send(
        reqwest::Method::POST,
        "/api/v1/services",
        Some(category("FLOOD", json!(24))),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 422, "the code is taken");

    // Saved details keep the code; the catalogue page shows the new response time.
    let mut changed = category("RENAMED", json!(48));
    changed["name_fa"] = json!("آب‌گرفتگی کوچه");
    let r = send(
        reqwest::Method::PUT,
        &format!("/api/v1/services/{id}"),
        Some(changed),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let s: Value = r.json().await.unwrap();
    assert_eq!(
        (s["code"].as_str(), s["sla_hours"].as_i64()),
        (Some("FLOOD"), Some(48))
    );
    let (_, page) = app.get_text("/services").await;
    assert!(page.contains("آب‌گرفتگی کوچه"));

    // A question and a routing rule, then their removal.
    let r = send(
        reqwest::Method::POST,
        &format!("/api/v1/services/{id}/attributes"),
        Some(
            json!({ "code": "depth", "datatype": "singlevaluelist", "required": true,
                     "description_fa": "عمق آب چقدر است؟", "choices": "" }),
        ),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 422, "a list needs choices");
    let r = send(
        reqwest::Method::POST,
        &format!("/api/v1/services/{id}/attributes"),
        Some(
            json!({ "code": "depth", "datatype": "singlevaluelist", "required": true,
                     "description_fa": "عمق آب چقدر است؟",
                     "choices": "ankle = تا قوزک | Ankle\nknee = تا زانو | Knee" }),
        ),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let (_, def) = app.get_json("/open311/v2/services/FLOOD.json").await;
    assert_eq!(def["attributes"][0]["values"][1]["key"], "knee");
    let water = org_id(&app, "AG-WATER").await;
    let r = send(
        reqwest::Method::POST,
        &format!("/api/v1/services/{id}/routes"),
        Some(json!({ "district_id": 999_999, "organisation_id": water })),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 422, "no such district");
    let r = send(
        reqwest::Method::POST,
        &format!("/api/v1/services/{id}/routes"),
        Some(json!({ "organisation_id": water })),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let s: Value = r.json().await.unwrap();
    assert_eq!(s["routes"][0]["organisation_id"], water, "{s}");
    let (route, attribute) = (
        s["routes"][0]["id"].clone(),
        s["attributes"][0]["id"].clone(),
    );
    let r = send(
        reqwest::Method::DELETE,
        &format!("/api/v1/services/{id}/routes/{route}"),
        None,
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let r = send(
        reqwest::Method::DELETE,
        &format!("/api/v1/services/{id}/attributes/{attribute}"),
        None,
    )
    .await
    .unwrap();
    let s: Value = r.json().await.unwrap();
    assert!(
        s["routes"].as_array().unwrap().is_empty()
            && s["attributes"].as_array().unwrap().is_empty()
    );
    let r = send(
        reqwest::Method::DELETE,
        &format!("/api/v1/services/{id}/routes/{route}"),
        None,
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 404, "already gone");

    // Every change is audited, as from the pages.
    let store = mahalle_db::Store::connect(&app.db_url).await.unwrap();
    let entries = mahalle_db::audit::recent(&store, 20).await.unwrap();
    for action in [
        "create",
        "update",
        "add_attribute",
        "set_route",
        "delete_route",
        "remove_attribute",
    ] {
        assert!(
            entries
                .iter()
                .any(|e| e.entity == "service" && e.entity_id == Some(id) && e.action == action),
            "{action} audited"
        );
    }

    // Others may read the catalogue but not change it.
    let mayor = TestApp::spawn_on(&app.db_url).await;
    mayor.login_as("mayor").await;
    let mayor_token = api_token(&mayor).await;
    let r = api
        .put(app.url(&format!("/api/v1/services/{id}")))
        .bearer_auth(&mayor_token)
        .json(&category("FLOOD", json!(1)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);

    let (_, doc) = app.get_json("/api/openapi.json").await;
    assert!(doc["paths"]["/api/v1/services"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/services/{id}"]["put"].is_object());
    assert!(doc["paths"]["/api/v1/services/{id}/routes/{route}"]["delete"].is_object());
    assert!(doc["components"]["schemas"]["ServiceInput"].is_object());
}
