//! Occasions: recorded by the city's secretariat (a district's own also by its mayor), held in
//! neighborhoods and partner places with the people counted at each, all or none, and compared
//! with the same occasion the year before, place by place and in total.

use serde_json::{json, Value};

use crate::helpers::{api_token, jalali_in, org_id, TestApp};

async fn send(app: &TestApp, token: &str, path: &str, method: &str, body: Value) -> (u16, Value) {
    let req = match method {
        "PUT" => app.client.put(app.url(path)),
        _ => app.client.post(app.url(path)),
    };
    let r = req.bearer_auth(token).json(&body).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn participation_is_counted_by_place_and_compared_with_the_year_before() {
    let app = TestApp::spawn().await;
    app.login_as("mayor").await;
    let token = api_token(&app).await;
    let social = org_id(&app, "HQ-SOCIAL").await;
    let occasion = |starts: &str, ends: &str| {
        json!({"code": "test-fest", "kind": "religious", "name_fa": "جشن آزمایشی", "name_en": "Test festival",
               "starts_on": starts, "ends_on": ends, "organiser_ids": [social]})
    };

    // Bad input is refused with the reasons in both languages; nothing is recorded.
    let (s, b) = send(
        &app,
        &token,
        "/api/v1/occasions",
        "POST",
        json!({"code": "X", "kind": "party", "name_fa": "x",
        "starts_on": jalali_in(-10), "ends_on": jalali_in(-20)}),
    )
    .await;
    assert_eq!(s, 422);
    let text = b.to_string();
    for f in ["kind", "ends_on", "پیش از آغاز", "cannot end before"] {
        assert!(text.contains(f), "{f} in {text}");
    }
    let (s, last) = send(
        &app,
        &token,
        "/api/v1/occasions",
        "POST",
        occasion(&jalali_in(-395), ""),
    )
    .await;
    assert_eq!(s, 201, "{last}");
    let (s, this) = send(
        &app,
        &token,
        "/api/v1/occasions",
        "POST",
        occasion(&jalali_in(-30), &jalali_in(-29)),
    )
    .await;
    assert_eq!(s, 201, "{this}");
    let (last, this) = (last["id"].as_i64().unwrap(), this["id"].as_i64().unwrap());

    // Places: two neighborhoods of district 14 and a partner place in one of them.
    let (_, n) = app
        .get_json("/api/v1/neighborhoods?district=14&per_page=2")
        .await;
    let (n1, n2) = (
        n["items"][0]["id"].as_i64().unwrap(),
        n["items"][1]["id"].as_i64().unwrap(),
    );
    let (_, pp) = app
        .get_json(&format!("/api/v1/partners?neighborhood={n1}"))
        .await;
    let partner = pp["items"][0]["id"]
        .as_i64()
        .expect("the demo's partner places");
    let (_, other) = app
        .get_json(&format!("/api/v1/partners?neighborhood={n2}"))
        .await;
    let elsewhere = other["items"][0]["id"].as_i64().unwrap();
    let place = |n: Option<i64>, p: Option<i64>, count: Value| json!({"neighborhood_id": n, "partner_place_id": p, "participants": count});
    let (s, _) = send(&app, &token, &format!("/api/v1/occasions/{last}/places"), "PUT",
        json!({"places": [place(Some(n1), None, json!(100)), place(None, Some(partner), json!(200))]})).await;
    assert_eq!(s, 200);

    // A wrong batch — a negative count, a partner place of another neighborhood, a place twice —
    // changes nothing.
    let path = format!("/api/v1/occasions/{this}/places");
    let (s, b) = send(
        &app,
        &token,
        &path,
        "PUT",
        json!({"places": [
            place(Some(n1), None, json!(150)),
            place(Some(n2), None, json!(-4)),
            place(Some(n1), Some(elsewhere), json!(5)),
            place(Some(n1), None, json!(7)),
        ]}),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    let text = b.to_string();
    for f in [
        "Item 2:",
        "negative",
        "Item 3:",
        "not in this neighborhood",
        "Item 4:",
        "twice",
        "منفی",
    ] {
        assert!(text.contains(f), "{f} in {text}");
    }
    // Counts beyond any city's, and a body without its list, are refused as well.
    let (s, b) = send(
        &app,
        &token,
        &path,
        "PUT",
        json!({"places": [place(Some(n1), None, json!(i64::MAX)), place(Some(n2), None, json!(1))]}),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    assert!(b.to_string().contains("at most 1,000,000,000,000"), "{b}");
    let (s, _) = send(&app, &token, &path, "PUT", json!({"cost": 1})).await;
    assert_eq!(s, 422, "a body without places is not an empty list");
    let (_, d) = app.get_json(&format!("/api/v1/occasions/{this}")).await;
    assert!(
        d["places"].as_array().unwrap().is_empty(),
        "nothing was saved"
    );

    let (s, b) = send(&app, &token, &path, "PUT", json!({"places": [
        place(Some(n1), None, json!("۱۵۰")), place(None, Some(partner), json!(300)), place(Some(n2), None, json!(null)),
    ]})).await;
    assert_eq!(s, 200, "{b}");
    let (_, d) = app.get_json(&format!("/api/v1/occasions/{this}")).await;
    assert_eq!(d["occasion"]["participants"], 450);
    assert_eq!(d["occasion"]["places"], 3);
    assert_eq!(d["year_before"]["id"], last);
    assert_eq!(d["change"].as_f64(), Some(0.5), "450 against 300");
    let at = |n: i64, p: Option<i64>| {
        d["places"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["neighborhood_id"] == n && x["partner_place_id"] == json!(p))
            .unwrap()
            .clone()
    };
    assert_eq!(at(n1, None)["year_before"], 100);
    assert_eq!(at(n1, Some(partner))["change"].as_f64(), Some(0.5));
    assert!(at(n2, None)["year_before"].is_null(), "not held last year");
    let (_, list) = app.get_json("/api/v1/occasions?q=test-fest").await;
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == this && o["year_before"]["id"] == last),
        "{list}"
    );
    let (s, page) = app.get_text(&format!("/occasions/{this}")).await;
    assert_eq!(s, 200);
    assert!(
        page.contains("۴۵۰") && page.contains("+۵۰٪"),
        "the total and its change"
    );

    // A district mayor keeps their district's own occasions, not the city's or another's.
    let d14 = app.another_visitor();
    d14.login_as("d14").await;
    let t14 = api_token(&d14).await;
    let mut local = occasion(&jalali_in(-3), "");
    local["code"] = json!("D14-DAY");
    local["kind"] = json!("local");
    let (s, _) = send(&d14, &t14, "/api/v1/occasions", "POST", local.clone()).await;
    assert_eq!(s, 403, "a city occasion");
    local["district_id"] = json!(6);
    assert_eq!(
        send(&d14, &t14, "/api/v1/occasions", "POST", local.clone())
            .await
            .0,
        403
    );
    local["district_id"] = json!(14);
    let (s, b) = send(&d14, &t14, "/api/v1/occasions", "POST", local).await;
    assert_eq!(s, 201, "{b}");
    let id = b["id"].as_i64().unwrap();
    let (_, n6) = app
        .get_json("/api/v1/neighborhoods?district=6&per_page=1")
        .await;
    let (s, b) = send(
        &d14,
        &t14,
        &format!("/api/v1/occasions/{id}/places"),
        "PUT",
        json!({"places": [place(Some(n6["items"][0]["id"].as_i64().unwrap()), None, json!(10))]}),
    )
    .await;
    assert_eq!(s, 422, "a place of another district: {b}");
    assert_eq!(
        send(
            &d14,
            &t14,
            &format!("/api/v1/occasions/{this}/places"),
            "PUT",
            json!({"places": []})
        )
        .await
        .0,
        403
    );

    let store = mahalle_db::Store::connect(&app.db_url).await.unwrap();
    let entries = mahalle_db::audit::recent(&store, 50).await.unwrap();
    let count = |action: &str| {
        entries
            .iter()
            .filter(|e| e.entity == "occasion" && e.action == action)
            .count()
    };
    assert_eq!((count("create"), count("set_places")), (3, 2));
}

#[tokio::test]
async fn the_places_form_keeps_what_was_typed() {
    let app = TestApp::spawn().await;
    app.login_as("d14").await;
    let starts = jalali_in(-2);
    let r = app
        .post_form(
            "/occasions",
            &[
                ("code", "D14-RUN"),
                ("kind", "local"),
                ("name_fa", "دوی همگانی"),
                ("district_id", "14"),
                ("starts_on", &starts),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let (_, n) = app
        .get_json("/api/v1/neighborhoods?district=14&per_page=1")
        .await;
    let choice = format!("n{}", n["items"][0]["id"]);
    let r = app
        .post_form(
            &format!("{to}/places"),
            &[
                ("place_0", &choice),
                ("count_0", "-۳"),
                ("place_1", ""),
                ("count_1", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("منفی") && body.contains("value=\"-۳\""),
        "{body}"
    );
    // A count without its place is not silently dropped.
    let r = app
        .post_form(
            &format!("{to}/places"),
            &[
                ("place_0", &choice),
                ("count_0", "5"),
                ("place_1", ""),
                ("count_1", "10"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("ردیف ۲"));
    let r = app
        .post_form(
            &format!("{to}/places"),
            &[
                ("place_0", &choice),
                ("count_0", "۱۲۰۰"),
                ("place_1", ""),
                ("count_1", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = app.get_text(&to).await;
    assert!(page.contains("۱٬۲۰۰"));
}
