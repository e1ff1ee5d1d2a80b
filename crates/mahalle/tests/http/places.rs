//! What a visitor sees: Persian RTL pages, Jalali dates, Persian digits, search, sort, paging.

use crate::helpers::{urlencode, TestApp};

#[tokio::test]
async fn home_is_persian_rtl_with_real_counts() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get_text("/").await;
    assert_eq!(status, 200);
    assert!(body.contains(r#"<html lang="fa" dir="rtl">"#));
    // 22 districts and 323 neighborhoods, in Persian digits.
    assert!(body.contains("<strong>۲۲</strong>"), "district count");
    assert!(body.contains("<strong>۳۲۳</strong>"), "neighborhood count");
    assert!(body.contains("/static/app.css"));
    // The font is served by the binary itself.
    let font = app
        .get("/static/fonts/vazirmatn-arabic-400-normal.woff2")
        .await;
    assert_eq!(font.status().as_u16(), 200);
    assert_eq!(font.headers()["content-type"], "font/woff2");
    assert!(
        !body.contains("http://") || !body.contains("cdn"),
        "no remote assets"
    );
}

#[tokio::test]
async fn districts_sort_by_population() {
    let app = TestApp::spawn().await;
    let (_, json) = app
        .get_json("/api/v1/districts?sort=population&dir=desc&per_page=3")
        .await;
    let pops: Vec<i64> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["population"].as_i64().unwrap())
        .collect();
    assert!(pops.windows(2).all(|w| w[0] >= w[1]), "{pops:?}");
    let (_, body) = app.get_text("/districts?sort=population&dir=desc").await;
    let first = json["items"][0]["number"].as_i64().unwrap();
    let first_fa = mahalle_core::text::to_persian_digits(&first.to_string());
    let row = body.find("<tbody>").unwrap();
    assert!(
        body[row..].find(&format!("منطقه {first_fa}<")).unwrap() < 300,
        "most populous district first"
    );
    assert!(body.contains(r#"aria-sort="descending""#));
}

#[tokio::test]
async fn persian_search_matches_spelling_variants() {
    let app = TestApp::spawn().await;
    // Arabic kaf, ZWNJ written as a space, and Latin digits all find their Persian forms.
    for (q, expect) in [
        ("نارمك", "نارمک"),
        ("يوسف آباد", "یوسف‌آباد"),
        ("یوسفآباد", "یوسف‌آباد"),
    ] {
        let (status, body) = app
            .get_text(&format!("/neighborhoods?q={}", urlencode(q)))
            .await;
        assert_eq!(status, 200);
        assert!(body.contains(expect), "{q} should find {expect}");
    }
    let (_, json) = app
        .get_json(&format!(
            "/api/v1/organisations?q={}",
            urlencode("شهرداري منطقه 14")
        ))
        .await;
    let names: Vec<&str> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name_fa"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["شهرداری منطقه ۱۴"]);
    let (_, body) = app
        .get_text(&format!("/neighborhoods?q={}", urlencode("ناموجود")))
        .await;
    assert!(body.contains("موردی پیدا نشد"), "empty state");
}

#[tokio::test]
async fn lists_paginate() {
    let app = TestApp::spawn().await;
    let (_, body) = app.get_text("/neighborhoods?per_page=10&page=2").await;
    assert!(body.contains("صفحه ۲ از ۳۳"), "page 2 of 33");
    assert!(
        body.contains("page=3") && body.contains("rel=\"next\"") && body.contains("rel=\"prev\"")
    );
    let (_, p1) = app
        .get_json("/api/v1/neighborhoods?per_page=10&page=1")
        .await;
    let (_, p2) = app
        .get_json("/api/v1/neighborhoods?per_page=10&page=2")
        .await;
    assert_eq!(p1["total"], 323);
    let ids = |v: &serde_json::Value| -> Vec<i64> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_i64().unwrap())
            .collect()
    };
    assert!(
        ids(&p1).iter().all(|i| !ids(&p2).contains(i)),
        "pages do not overlap"
    );
}

#[tokio::test]
async fn neighborhood_page_shows_council_terms_in_jalali() {
    let app = TestApp::spawn().await;
    let (_, list) = app
        .get_json("/api/v1/neighborhoods?q=%D9%BE%DB%8C%D8%B1%D9%88%D8%B2%DB%8C")
        .await; // پیروزی
    let id = list["items"][0]["id"].as_i64().unwrap();
    let (status, body) = app.get_text(&format!("/neighborhoods/{id}")).await;
    assert_eq!(status, 200);
    assert!(body.contains("شورایاری محله پیروزی"));
    assert!(
        body.contains("دوره ۶") && body.contains("دوره ۵"),
        "both terms"
    );
    assert!(body.contains("۱ شهریور ۱۴۰۴"), "term start in Jalali");
    assert!(
        body.contains("رئیس") && body.contains("امام جماعت"),
        "council and pillars"
    );
    let (_, json) = app.get_json(&format!("/api/v1/neighborhoods/{id}")).await;
    let terms = json["terms"].as_array().unwrap();
    assert_eq!(terms.len(), 2);
    assert_eq!(terms[0]["number"], 6);
    assert_eq!(terms[0]["current"], true);
    assert_eq!(terms[1]["current"], false);
    assert_eq!(
        terms[0]["starts_on"], "2025-08-23",
        "API dates are ISO 8601"
    );
}

#[tokio::test]
async fn english_and_gregorian_on_request() {
    let app = TestApp::spawn().await;
    let r = app.get("/settings/lang/en?next=/districts").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/districts");
    let (_, body) = app.get_text("/districts").await;
    assert!(body.contains(r#"<html lang="en" dir="ltr">"#));
    assert!(body.contains("District 14"));
    let (_, list) = app.get_json("/api/v1/neighborhoods?per_page=1").await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    let (_, body) = app.get_text(&format!("/neighborhoods/{id}")).await;
    assert!(body.contains("23 Aug 2025"), "Gregorian dates in English");
    // Jalali can be chosen in English too.
    app.get("/settings/calendar/jalali?next=/").await;
    let (_, body) = app.get_text(&format!("/neighborhoods/{id}")).await;
    assert!(body.contains("1 Shahrivar 1404"));
    // An outside address is never followed.
    let r = app
        .get("/settings/lang/fa?next=https://evil.example/")
        .await;
    assert_eq!(r.headers()["location"], "/");
}

#[tokio::test]
async fn missing_things_are_404_pages_in_persian() {
    let app = TestApp::spawn().await;
    let (status, body) = app.get_text("/neighborhoods/999999").await;
    assert_eq!(status, 404);
    assert!(body.contains("پیدا نشد") && body.contains(r#"dir="rtl""#));
    let (status, body) = app.get_text("/neighborhoods/abc").await;
    assert_eq!(status, 400);
    assert!(body.contains("درخواست نادرست"));
    let (status, _) = app.get_text("/no/such/page").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn organisations_filter_by_kind() {
    let app = TestApp::spawn().await;
    let (_, agencies) = app
        .get_json("/api/v1/organisations?kind=agency&per_page=200")
        .await;
    assert!(agencies["total"].as_i64().unwrap() >= 20);
    assert!(agencies["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["kind"] == "agency"));
    let (_, inst) = app.get_json("/api/v1/organisations?kind=institution").await;
    assert!(inst["total"].as_i64().unwrap() >= 15);
    let (_, all) = app.get_json("/api/v1/organisations?per_page=200").await;
    assert!(all["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|o| o["kind"] != "neighborhood_council"));
    let (status, body) = app.get_text("/organisations?kind=agency").await;
    assert_eq!(status, 200);
    assert!(body.contains("شرکت آب و فاضلاب"));
    let (status, body) = app
        .get_text("/organisations?kind=agency&per_page=10&page=2&sort=code&dir=desc")
        .await;
    assert_eq!(status, 200);
    assert!(body.contains("صفحه ۲ از ۳"), "agencies paginate");
    let mun = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == "MUN")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (_, detail) = app.get_json(&format!("/api/v1/organisations/{mun}")).await;
    assert!(
        detail["children"].as_array().unwrap().len() >= 30,
        "deputies, departments and 22 district offices"
    );
}

// ---------------------------------------------------------------- keeping the registry

/// پیروزی (district 14) and a neighborhood of another district, by the API.
async fn pirouzi_and_elsewhere(app: &TestApp) -> (serde_json::Value, serde_json::Value) {
    let (_, list) = app
        .get_json(&format!("/api/v1/neighborhoods?q={}", urlencode("پیروزی")))
        .await;
    let pirouzi = list["items"][0].clone();
    let (_, list) = app.get_json("/api/v1/neighborhoods?district=6").await;
    (pirouzi, list["items"][0].clone())
}

async fn audit_count(app: &TestApp, entity: &str, id: i64, action: &str) -> i64 {
    let store = mahalle_db::Store::connect(&app.db_url).await.unwrap();
    store
        .scalar(
            &mahalle_db::Sql::new(
                "SELECT COUNT(*) FROM audit_log WHERE entity = $1 AND entity_id = $2 AND action = $3",
            )
            .bind(entity)
            .bind(id)
            .bind(action),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn a_district_mayor_keeps_their_districts_neighborhoods_and_no_others() {
    let app = TestApp::spawn().await;
    app.login_as("d14").await;
    let (pirouzi, elsewhere) = pirouzi_and_elsewhere(&app).await;
    let d14 = pirouzi["district_id"].as_i64().unwrap().to_string();
    // Refused as a whole, every field's problem named, nothing saved.
    let r = app
        .post_form(
            "/neighborhoods",
            &[
                ("district_id", &d14),
                ("code", "محله"),
                ("name_fa", " "),
                ("population", "-5"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    for msg in ["کد ۱ تا ۲۰ حرف لاتین", "نام فارسی را", "عددی درست از ۰"]
    {
        assert!(body.contains(msg), "{msg}");
    }
    let taken = pirouzi["code"].as_str().unwrap();
    let r = app
        .post_form(
            "/neighborhoods",
            &[
                ("district_id", &d14),
                ("code", taken),
                ("name_fa", "شهرک تازه"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("محله‌ای دیگر این کد را دارد"));
    // Made in their own district, with Persian digits and an Arabic yeh typed.
    let r = app
        .post_form(
            "/neighborhoods",
            &[
                ("district_id", &d14),
                ("code", "d14-n99"),
                ("name_fa", "شهرك نمونه"),
                ("population", "۱۲٬۴۰۰"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let at = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = at.rsplit('/').next().unwrap().parse().unwrap();
    let (_, n) = app.get_json(&format!("/api/v1/neighborhoods/{id}")).await;
    assert_eq!(n["code"], "D14-N99");
    assert_eq!(n["name_fa"], "شهرک نمونه");
    assert_eq!(n["population"], 12400);
    assert_eq!(audit_count(&app, "neighborhood", id, "create").await, 1);
    // Not in another district, not even by moving one there.
    let other = elsewhere["district_id"].as_i64().unwrap().to_string();
    let r = app
        .post_form(
            "/neighborhoods",
            &[("district_id", &other), ("code", "X-1"), ("name_fa", "الف")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let r = app
        .post_form(
            &format!("/neighborhoods/{id}/edit"),
            &[
                ("district_id", &other),
                ("code", "D14-N99"),
                ("name_fa", "شهرک نمونه"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let r = app
        .get(&format!("/neighborhoods/{}/edit", elsewhere["id"]))
        .await;
    assert_eq!(r.status().as_u16(), 403);
    // Retired: out of the lists and choosers, still found with its history.
    let r = app
        .post_form(&format!("/neighborhoods/{id}/retire"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, list) = app.get_json("/api/v1/neighborhoods?q=D14-N99").await;
    assert_eq!(list["total"], 0);
    let (_, list) = app
        .get_json("/api/v1/neighborhoods?q=D14-N99&retired=true")
        .await;
    assert_eq!(list["total"], 1);
    let (status, page) = app.get_text(&format!("/neighborhoods/{id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("بایگانی‌شده از"));
    let (_, html) = app.get_text("/neighborhoods?q=D14-N99&retired=1").await;
    assert!(html.contains("شهرک نمونه"));
    assert_eq!(audit_count(&app, "neighborhood", id, "retire").await, 1);
    let r = app
        .post_form(&format!("/neighborhoods/{id}/reinstate"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, list) = app.get_json("/api/v1/neighborhoods?q=D14-N99").await;
    assert_eq!(list["total"], 1);
}

#[tokio::test]
async fn boundaries_are_valid_polygons_or_refused() {
    let app = TestApp::spawn().await;
    app.login_as("d14").await;
    let token = crate::helpers::api_token(&app).await;
    let (pirouzi, elsewhere) = pirouzi_and_elsewhere(&app).await;
    let put = |id: &serde_json::Value, body: &'static str| {
        app.client
            .put(app.url(&format!("/api/v1/neighborhoods/{id}/boundary")))
            .bearer_auth(&token)
            .header("content-type", "application/geo+json")
            .body(body)
            .send()
    };
    let id = &pirouzi["id"];
    let (_, before) = app.get_json(&format!("/api/v1/neighborhoods/{id}")).await;
    assert_eq!(
        before["boundary"]["type"], "Polygon",
        "the demo's rough outline"
    );
    for (body, says) in [
        // A bow tie: two edges cross.
        (
            r#"{"type":"Polygon","coordinates":[[[51.50,35.69],[51.51,35.70],[51.51,35.69],[51.50,35.70],[51.50,35.69]]]}"#,
            "قطع می‌کنند",
        ),
        // Latitude first.
        (
            r#"{"type":"Polygon","coordinates":[[[35.69,51.50],[35.69,51.51],[35.70,51.51],[35.70,51.50],[35.69,51.50]]]}"#,
            "طول جغرافیایی نخست",
        ),
        (
            r#"{"type":"Polygon","coordinates":[[[51.50,35.69],[51.51,35.69],[51.51,35.70]]]}"#,
            "آخرین نقطه‌اش همان نخستین",
        ),
        (
            r#"{"type":"Point","coordinates":[51.5,35.7]}"#,
            "Polygon یا MultiPolygon",
        ),
        ("not json", "JSON خوانا نیست"),
    ] {
        let r = put(id, body).await.unwrap();
        assert_eq!(r.status().as_u16(), 422, "{body}");
        let e: serde_json::Value = r.json().await.unwrap();
        assert!(
            e["error"]["fields"][0]["fa"]
                .as_str()
                .unwrap()
                .contains(says),
            "{e}"
        );
    }
    let (_, n) = app.get_json(&format!("/api/v1/neighborhoods/{id}")).await;
    assert_eq!(
        n["boundary"], before["boundary"],
        "nothing stored by a refusal"
    );
    let feature = r#"{"type":"Feature","properties":{"name":"پیروزی"},"geometry":{"type":"Polygon","coordinates":[[[51.50,35.69],[51.51,35.69],[51.51,35.70],[51.50,35.70],[51.50,35.69]]]}}"#;
    let r = put(id, feature).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let n: serde_json::Value = r.json().await.unwrap();
    assert_eq!(n["boundary"]["type"], "Polygon");
    assert_eq!(n["boundary"]["coordinates"][0][2][1], 35.70);
    // Another district's neighborhood is not theirs to draw.
    let r = put(&elsewhere["id"], feature).await.unwrap();
    assert_eq!(r.status().as_u16(), 403);
    // The page takes a file; an empty removal form removes it.
    let csrf = app.csrf().await;
    let file = reqwest::multipart::Part::bytes(feature.as_bytes().to_vec())
        .file_name("pirouzi.geojson")
        .mime_str("application/geo+json")
        .unwrap();
    let r = app
        .client
        .post(app.url(&format!("/neighborhoods/{id}/boundary")))
        .multipart(
            reqwest::multipart::Form::new()
                .text("csrf", csrf.clone())
                .part("boundary_file", file),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let r = app
        .client
        .post(app.url(&format!("/neighborhoods/{id}/boundary")))
        .multipart(
            reqwest::multipart::Form::new()
                .text("csrf", csrf.clone())
                .text(
                    "boundary",
                    r#"{"type":"Polygon","coordinates":[[[1,1],[2,2],[1,1]]]}"#,
                ),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422, "the form again with its error");
    assert!(r.text().await.unwrap().contains("دست‌کم چهار نقطه"));
    let r = app
        .client
        .post(app.url(&format!("/neighborhoods/{id}/boundary")))
        .multipart(
            reqwest::multipart::Form::new()
                .text("csrf", csrf)
                .text("remove", "1"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 303);
    let (_, n) = app.get_json(&format!("/api/v1/neighborhoods/{id}")).await;
    assert!(n["boundary"].is_null());
    let id = id.as_i64().unwrap();
    assert_eq!(
        audit_count(&app, "neighborhood", id, "set_boundary").await,
        2
    );
    assert_eq!(
        audit_count(&app, "neighborhood", id, "remove_boundary").await,
        1
    );
}

#[tokio::test]
async fn districts_are_kept_by_administrators_and_described_by_their_mayor() {
    let app = TestApp::spawn().await;
    app.login_as("admin").await;
    let admin = crate::helpers::api_token(&app).await;
    let call = |method: reqwest::Method, path: &str, token: &str, body: serde_json::Value| {
        app.client
            .request(method, app.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    let r = call(
        reqwest::Method::POST,
        "/api/v1/districts",
        &admin,
        serde_json::json!({"code": "D23", "number": "۲۳", "name_fa": "منطقه ۲۳", "population": 1000}),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let id = r.json::<serde_json::Value>().await.unwrap()["id"]
        .as_i64()
        .unwrap();
    let r = call(
        reqwest::Method::POST,
        "/api/v1/districts",
        &admin,
        serde_json::json!({"code": "D24", "number": 23, "name_fa": "تکراری"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("Another district has this number"));
    // A district with current neighborhoods is not retired; an empty one is, and comes back.
    let r = call(
        reqwest::Method::POST,
        "/api/v1/districts/14/retire",
        &admin,
        serde_json::json!({}),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let r = call(
        reqwest::Method::POST,
        &format!("/api/v1/districts/{id}/retire"),
        &admin,
        serde_json::json!({}),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.json::<serde_json::Value>().await.unwrap()["retired_on"].is_string());
    let (_, list) = app.get_json("/api/v1/districts?per_page=200").await;
    assert_eq!(list["total"], 22, "retired districts are left out");
    let r = call(
        reqwest::Method::POST,
        &format!("/api/v1/districts/{id}/reinstate"),
        &admin,
        serde_json::json!({}),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // District 14's mayor describes it, but its code and number are the city's.
    let mayor = app.another_visitor();
    mayor.login_as("d14").await;
    let d14 = crate::helpers::api_token(&mayor).await;
    let r = call(
        reqwest::Method::PUT,
        "/api/v1/districts/14",
        &d14,
        serde_json::json!({"code": "X", "number": 99, "name_fa": "منطقه چهارده", "name_en": "District 14", "population": "۵۰۰۰۰۰", "area_km2": "۹٫۸"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let d: serde_json::Value = r.json().await.unwrap();
    assert_eq!(
        (d["number"].as_i64(), d["code"].as_str()),
        (Some(14), Some("D14"))
    );
    assert_eq!(d["population"], 500000);
    assert_eq!(d["area_km2"], 9.8);
    let r = call(
        reqwest::Method::PUT,
        "/api/v1/districts/6",
        &d14,
        serde_json::json!({"name_fa": "x"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = call(
        reqwest::Method::POST,
        "/api/v1/districts",
        &d14,
        serde_json::json!({}),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(audit_count(&app, "district", 14, "update").await, 1);
}
