//! Vulnerable areas: marked by the city's secretariat or the district's mayor (a neighborhood,
//! or an outline drawn within the district, refused unless it is a valid polygon), with
//! interventions and the public space they return; the public sees only the public areas.

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

const BOW_TIE: &str = r#"{"type":"Polygon","coordinates":[[[51.50,35.69],[51.51,35.70],[51.51,35.69],[51.50,35.70],[51.50,35.69]]]}"#;
/// A small square (GeoJSON) around a point.
fn square((x, y): (f64, f64)) -> String {
    let d = 0.002;
    format!(
        r#"{{"type":"Polygon","coordinates":[[[{a},{b}],[{c},{b}],[{c},{e}],[{a},{e}],[{a},{b}]]]}}"#,
        a = x - d,
        b = y - d,
        c = x + d,
        e = y + d
    )
}

/// A neighborhood of district 14 and one of district 6.
async fn neighborhoods(app: &TestApp) -> (i64, i64) {
    let first = |d: i64| async move {
        let (_, n) = app
            .get_json(&format!("/api/v1/neighborhoods?district={d}&per_page=1"))
            .await;
        n["items"][0]["id"].as_i64().unwrap()
    };
    (first(14).await, first(6).await)
}

#[tokio::test]
async fn areas_are_marked_in_ones_district_and_interventions_add_up() {
    let app = TestApp::spawn().await;

    // The public sees the public areas only; a hidden one is not found.
    let (s, public) = app.get_json("/api/v1/vulnerable-areas").await;
    assert_eq!(s, 200);
    let names: Vec<&str> = public["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name_fa"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"اوراقچی‌ها"), "{names:?}");
    assert!(
        !names.contains(&"محدوده هرندی"),
        "a hidden area is not listed"
    );
    assert!(public["space_returned_m2"].as_i64().unwrap() >= 30_500);
    let (s, page) = app.get_text("/vulnerable-areas").await;
    assert_eq!(s, 200);
    assert!(page.contains("اوراقچی‌ها") && !page.contains("محدوده هرندی"));
    app.login_as("viewer").await;
    let (_, all) = app.get_json("/api/v1/vulnerable-areas").await;
    let hidden = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name_fa"] == "محدوده هرندی")
        .expect("staff see every area")["id"]
        .as_i64()
        .unwrap();
    let anonymous = app.another_visitor();
    assert_eq!(
        anonymous
            .get_text(&format!("/vulnerable-areas/{hidden}"))
            .await
            .0,
        404
    );
    assert_eq!(
        anonymous
            .get_json(&format!("/api/v1/vulnerable-areas/{hidden}"))
            .await
            .0,
        404
    );

    // District 14's mayor marks areas of district 14 only; bad input changes nothing.
    let d14 = app.another_visitor();
    d14.login_as("d14").await;
    let token = api_token(&d14).await;
    let (n14, n6) = neighborhoods(&d14).await;
    let area = |district: i64, neighborhood: Option<i64>, boundary: &str| {
        json!({"name_fa": "محدوده آزمایشی", "district_id": district, "neighborhood_id": neighborhood,
               "boundary": boundary, "reason": "پاتوق شبانه", "public": true})
    };
    let path = "/api/v1/vulnerable-areas";
    let (s, _) = send(&d14, &token, path, "POST", area(6, Some(n6), "")).await;
    assert_eq!(s, 403, "another district's");
    let (_, before) = d14.get_json(path).await;
    for (body, says) in [
        (area(14, None, BOW_TIE), "not a valid polygon"),
        (area(14, Some(n6), ""), "one of this district's"),
        (
            area(14, None, ""),
            "Choose the neighborhood, or draw the area",
        ),
        (
            {
                let mut a = area(14, Some(n14), "");
                a["marked_on"] = json!(jalali_in(3));
                a
            },
            "cannot be in the future",
        ),
    ] {
        let (s, b) = send(&d14, &token, path, "POST", body).await;
        assert_eq!(s, 422, "{b}");
        assert!(b.to_string().contains(says), "{says} in {b}");
    }
    let (_, after) = d14.get_json(path).await;
    assert_eq!(before["items"], after["items"], "nothing was marked");

    let (s, b) = send(&d14, &token, path, "POST", area(14, Some(n14), "")).await;
    assert_eq!(s, 201, "{b}");
    let id = b["id"].as_i64().unwrap();
    // An outline far from the city, or in another district, is refused.
    let in14 = square(mahalle_core::geo::centroid(14).unwrap());
    let in6 = square(mahalle_core::geo::centroid(6).unwrap());
    let far = square((61.0, 45.0));
    for (outline, says) in [(&far, "outside the city"), (&in6, "not in this district")] {
        let (s, b) = send(&d14, &token, path, "POST", area(14, None, outline)).await;
        assert_eq!(s, 422, "{b}");
        assert!(b.to_string().contains(says), "{says} in {b}");
    }
    let (s, b) = send(&d14, &token, path, "POST", area(14, None, &in14)).await;
    assert_eq!(s, 201, "{b}");
    let (_, drawn) = d14
        .get_json(&format!("/api/v1/vulnerable-areas/{}", b["id"]))
        .await;
    assert_eq!(drawn["boundary"]["type"], "Polygon");
    assert_eq!(drawn["area"]["drawn"], true);

    // Interventions: a bad one is refused whole; good ones add up in the city's total.
    let lead = org_id(&d14, "MUN-D14").await;
    let police = org_id(&d14, "AG-POLICE").await;
    let ipath = format!("/api/v1/vulnerable-areas/{id}/interventions");
    let (s, b) = send(
        &d14,
        &token,
        &ipath,
        "POST",
        json!({"title": "پاک‌سازی", "lead_org_id": lead, "starts_on": jalali_in(-10), "ends_on": jalali_in(-20),
               "cost": -1, "space_m2": -5}),
    )
    .await;
    assert_eq!(s, 422);
    let text = b.to_string();
    for f in ["ends_on", "cost", "space_m2", "منفی"] {
        assert!(text.contains(f), "{f} in {text}");
    }
    // Figures beyond any city's, and a date of another century, are refused too (their sums
    // could not be kept).
    let (s, b) = send(
        &d14,
        &token,
        &ipath,
        "POST",
        json!({"title": "سرریز", "lead_org_id": lead, "starts_on": jalali_in(-10), "ends_on": "9378/12/29",
               "cost": i64::MAX, "space_m2": i64::MAX}),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    let text = b.to_string();
    for f in [
        "1300 and 1500",
        "at most 10,000,000,000,000,000 rials",
        "at most 1,000,000,000 m²",
    ] {
        assert!(text.contains(f), "{f} in {text}");
    }
    let (s, b) = d14.get_json("/api/v1/vulnerable-areas/abc").await;
    assert_eq!(s, 400);
    assert!(b["error"]["message_fa"].is_string(), "{b}");
    let (s, b) = send(
        &d14,
        &token,
        &ipath,
        "POST",
        json!({"title": "بازگشایی پیاده‌رو", "lead_org_id": lead, "partner_ids": [police, lead],
               "starts_on": jalali_in(-60), "ends_on": jalali_in(-30), "cost": 5_000_000_000i64, "space_m2": 1500}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    let (_, now) = d14.get_json(path).await;
    assert_eq!(
        now["space_returned_m2"].as_i64().unwrap(),
        after["space_returned_m2"].as_i64().unwrap() + 1500
    );
    let (_, d) = d14
        .get_json(&format!("/api/v1/vulnerable-areas/{id}"))
        .await;
    assert_eq!(d["area"]["interventions"], 1);
    assert_eq!(d["area"]["space_m2"], 1500);
    assert_eq!(
        d["partners"].as_array().unwrap().len(),
        1,
        "the lead is not its own partner"
    );
    // The neighborhood's indicators a year before the intervention and since: the demo's
    // vaccination counts are there.
    let vax = d["before_after"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["code"] == "VAX-COV")
        .unwrap_or_else(|| panic!("{d}"));
    assert!(vax["after"].as_f64().is_some(), "{vax}");
    let (s, page) = d14.get_text(&format!("/vulnerable-areas/{id}")).await;
    assert_eq!(s, 200);
    assert!(
        page.contains("بازگشایی پیاده‌رو")
            && page.contains("۱٬۵۰۰")
            && page.contains("class=\"map\"")
    );

    // Audited; and a viewer changes nothing.
    let store = mahalle_db::Store::connect(&app.db_url).await.unwrap();
    let entries = mahalle_db::audit::recent(&store, 50).await.unwrap();
    let count = |action: &str| {
        entries
            .iter()
            .filter(|e| e.entity == "vulnerable_area" && e.action == action)
            .count()
    };
    assert_eq!((count("create"), count("add_intervention")), (2, 1));
    let viewer_token = api_token(&app).await;
    let (s, _) = send(&app, &viewer_token, &ipath, "POST", json!({"title": "x"})).await;
    assert_eq!(s, 403);
    assert_eq!(app.get_text("/vulnerable-areas/new").await.0, 403);
}

#[tokio::test]
async fn the_forms_keep_what_was_typed() {
    let app = TestApp::spawn().await;
    app.login_as("d14").await;
    let (n14, _) = neighborhoods(&app).await;
    let r = app
        .post_form(
            "/vulnerable-areas",
            &[
                ("name_fa", "حاشیه بزرگراه"),
                ("district_id", "14"),
                ("reason", "زباله و نخاله"),
                ("boundary", BOW_TIE),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("چندضلعی معتبر نیست"), "{body}");
    assert!(body.contains("حاشیه بزرگراه") && body.contains("زباله و نخاله"));
    let r = app
        .post_form(
            "/vulnerable-areas",
            &[
                ("name_fa", "حاشیه بزرگراه"),
                ("district_id", "14"),
                ("neighborhood_id", &n14.to_string()),
                ("reason", "زباله و نخاله"),
                ("public", "1"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let lead = org_id(&app, "MUN-D14").await.to_string();
    let starts = jalali_in(-5);
    let r = app
        .post_form(
            &format!("{to}/interventions"),
            &[
                ("title", "جمع‌آوری نخاله"),
                ("lead_org_id", &lead),
                ("starts_on", &starts),
                ("cost", "زیاد"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("عدد صحیح نیست") && body.contains("value=\"جمع‌آوری نخاله\""));
    let r = app
        .post_form(
            &format!("{to}/interventions"),
            &[
                ("title", "جمع‌آوری نخاله"),
                ("lead_org_id", &lead),
                ("starts_on", &starts),
                ("space_m2", "۲٬۰۰۰"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = app.get_text(&to).await;
    assert!(page.contains("جمع‌آوری نخاله") && page.contains("۲٬۰۰۰"));
}
