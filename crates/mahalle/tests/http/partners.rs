//! Partner places: kept by their district's registry, found, exported, on the district's map.

use serde_json::{json, Value};

use crate::helpers::{api_token, urlencode, TestApp};

#[tokio::test]
async fn partner_places_are_kept_found_exported_and_mapped() {
    let app = TestApp::spawn().await;
    // The demo's places: mosques where imams serve, some model ones.
    let (_, all) = app.get_json("/api/v1/partners?per_page=1").await;
    assert!(all["total"].as_i64().unwrap() > 300, "{all}");
    let (_, mosques) = app
        .get_json("/api/v1/partners?kind=mosque&model=true&per_page=5")
        .await;
    assert!(mosques["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["kind"] == "mosque" && p["model_since"].is_string()));

    app.login_as("d14").await;
    let token = api_token(&app).await;
    let (_, list) = app
        .get_json(&format!("/api/v1/neighborhoods?q={}", urlencode("پیروزی")))
        .await;
    let pirouzi = list["items"][0]["id"].as_i64().unwrap();
    let post = |body: Value| {
        app.client
            .post(app.url("/api/v1/partners"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    // Everything wrong at once; a swapped location is caught.
    let r = post(json!({"neighborhood_id": pirouzi, "kind": "bar", "name_fa": "", "lat": "51.4", "lon": "35.7", "model_since": "2999-01-01"}))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let e: Value = r.json().await.unwrap();
    let fields: Vec<&str> = e["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for f in ["kind", "name_fa", "lat", "model_since"] {
        assert!(fields.contains(&f), "{f}: {fields:?}");
    }
    let r = post(
        json!({"neighborhood_id": pirouzi, "kind": "health_house", "name_fa": "خانه سلامت پیروزی",
                        "lat": "۳۵٫۶۹۵", "lon": "51.47", "model_since": "۱۴۰۳/۰۶/۰۱"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let id = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let (_, p) = app.get_json(&format!("/api/v1/partners/{id}")).await;
    assert_eq!(
        (p["lat"].as_f64(), p["model_since"].as_str()),
        (Some(35.695), Some("2024-08-22"))
    );
    // Not in another district.
    let (_, other) = app
        .get_json("/api/v1/neighborhoods?district=6&per_page=1")
        .await;
    let r = post(
        json!({"neighborhood_id": other["items"][0]["id"], "kind": "school", "name_fa": "مدرسه"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    // On the neighborhood's page, found by search, on district 14's map, in the export.
    let (_, page) = app.get_text(&format!("/neighborhoods/{pirouzi}")).await;
    assert!(page.contains("خانه سلامت پیروزی"));
    let (_, page) = app
        .get_text(&format!(
            "/partners?district=14&q={}",
            urlencode("خانه سلامت پيروزي")
        ))
        .await;
    assert!(page.contains(&format!("href=\"/partners/{id}\"")));
    assert!(
        page.contains("<svg") && page.contains("<circle"),
        "the district's map"
    );
    let r = app
        .get("/partners/export.xlsx?district=14&kind=health_house")
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an .xlsx (zip) file");
    // Retired: out of the list, still found with ?retired.
    let r = app.post_form(&format!("/partners/{id}/retire"), &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    let q = urlencode("خانه سلامت پیروزی");
    let (_, l) = app.get_json(&format!("/api/v1/partners?q={q}")).await;
    assert_eq!(l["total"], 0);
    let (_, l) = app
        .get_json(&format!("/api/v1/partners?q={q}&retired=true"))
        .await;
    assert_eq!(l["total"], 1);
}

#[tokio::test]
async fn pillars_serve_from_a_day_until_a_day() {
    let app = TestApp::spawn().await;
    app.login_as("d14").await;
    let (_, list) = app
        .get_json(&format!("/api/v1/neighborhoods?q={}", urlencode("پیروزی")))
        .await;
    let n = list["items"][0]["id"].as_i64().unwrap();
    let (_, places) = app
        .get_json(&format!("/api/v1/partners?neighborhood={n}&kind=mosque"))
        .await;
    let mosque = &places["items"][0];
    let (_, people) = app
        .get_json("/api/v1/people?per_page=1&sort=id&dir=desc")
        .await;
    let person = people["items"][0]["id"].as_i64().unwrap();
    // An imam, named by number, serving at the neighborhood's mosque; its name is the title.
    let r = app
        .post_form(
            &format!("/neighborhoods/{n}/pillars"),
            &[
                ("kind", "imam"),
                ("person", &format!("#{person}")),
                ("partner_place_id", &mosque["id"].to_string()),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, detail) = app.get_json(&format!("/api/v1/neighborhoods/{n}")).await;
    let pillar = detail["pillars"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["person_id"] == person && p["kind"] == "imam")
        .unwrap()
        .clone();
    assert_eq!(pillar["title"], mosque["name_fa"]);
    assert_eq!(pillar["partner_place_id"], mosque["id"]);
    // Not twice at once, not at another neighborhood's place, not by an unknown name.
    let token = api_token(&app).await;
    let post = |body: Value| {
        app.client
            .post(app.url(&format!("/api/v1/neighborhoods/{n}/pillars")))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let r = post(json!({"kind": "imam", "person": person}))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let (_, other) = app.get_json("/api/v1/partners?district=6&per_page=1").await;
    let r = post(json!({"kind": "trustee", "person": format!("#{person}"), "partner_place_id": other["items"][0]["id"]}))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let r = post(json!({"kind": "elite", "person": "کسی که نیست"}))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    // Ended: stays in the neighborhood's history with its dates.
    let r = app
        .post_form(&format!("/pillars/{}/end", pillar["id"]), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, detail) = app.get_json(&format!("/api/v1/neighborhoods/{n}")).await;
    assert!(detail["pillars"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["id"] == pillar["id"] && p["until"].is_string()));
    let r = app
        .post_form(&format!("/pillars/{}/end", pillar["id"]), &[])
        .await;
    assert_eq!(r.status().as_u16(), 422, "ended once");
}
