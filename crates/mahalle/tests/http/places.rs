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
