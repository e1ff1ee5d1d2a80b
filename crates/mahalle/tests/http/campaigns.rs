//! Campaigns: started by the city's secretariat for a headquarters with partners, a span and
//! indicators with targets; coverage is computed from the counts and measured against the
//! campaign's own target, drawn on a map of the city or a district from the stored
//! boundaries; counts outside the campaign's span are refused and change nothing.

use chrono::Duration;
use mahalle_core::indicators::{Period, PeriodKind};
use serde_json::{json, Value};

use crate::helpers::{api_token, org_id, TestApp};

async fn send(app: &TestApp, token: &str, method: &str, path: &str, body: Value) -> (u16, Value) {
    let req = match method {
        "PUT" => app.client.put(app.url(path)),
        _ => app.client.post(app.url(path)),
    };
    let r = req.bearer_auth(token).json(&body).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// District 14's id and two of its neighborhoods.
async fn district14(app: &TestApp) -> (i64, i64, i64) {
    let (_, d) = app.get_json("/api/v1/districts?per_page=50").await;
    let d14 = d["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["number"] == 14)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (_, n) = app
        .get_json(&format!("/api/v1/neighborhoods?district={d14}&per_page=5"))
        .await;
    let id = |i: usize| n["items"][i]["id"].as_i64().unwrap();
    (d14, id(0), id(1))
}

/// Defines FLU-DONE (monthly doses), FLU-POP (the population, its latest count) and FLU-COV.
async fn define(app: &TestApp, token: &str) {
    for (code, agg) in [("FLU-DONE", "sum"), ("FLU-POP", "last")] {
        let (s, b) = send(
            app,
            token,
            "POST",
            "/api/v1/data-elements",
            json!({"code": code, "name_fa": format!("داده {code}"), "period_kind": "month", "aggregation": agg}),
        )
        .await;
        assert_eq!(s, 201, "{b}");
    }
    let (s, b) = send(
        app,
        token,
        "POST",
        "/api/v1/indicators",
        json!({"code": "FLU-COV", "name_fa": "پوشش واکسن آنفلوآنزا", "name_en": "Flu vaccine coverage",
               "numerator": "FLU-DONE", "denominator": "FLU-POP", "factor": 100, "target": 95}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
}

fn month(days_ago: i64) -> Period {
    Period::containing(
        PeriodKind::Month,
        mahalle_web::today() - Duration::days(days_ago),
    )
}

#[tokio::test]
async fn a_campaign_measures_coverage_from_its_counts_against_its_own_target() {
    let app = TestApp::spawn().await;
    app.login_as("mayor").await;
    let token = api_token(&app).await;
    define(&app, &token).await;
    let health = org_id(&app, "HQ-HEALTH").await;
    let water = org_id(&app, "AG-WATER").await;
    let this = month(0);
    let last = Period::containing(PeriodKind::Month, this.start - Duration::days(1));
    let iso = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let good = json!({
        "code": "flu-1405", "name_fa": "پویش واکسن آنفلوآنزا", "name_en": "Flu drive",
        "owner_id": health, "partner_ids": [water, health],
        "starts_on": iso(last.start), "ends_on": iso(this.end() - Duration::days(1)),
        "indicators": [{"indicator": "FLU-COV", "target": 80}],
    });

    // Bad input: an owner that is not a headquarters, an end before the start, an indicator
    // that does not exist and a negative target — all named, in both languages; nothing saved.
    let (_, before) = app.get_json("/api/v1/campaigns").await;
    let mut bad = good.clone();
    bad["owner_id"] = json!(water);
    bad["ends_on"] = json!(iso(last.start - Duration::days(1)));
    let (s, b) = send(&app, &token, "POST", "/api/v1/campaigns", bad).await;
    assert_eq!(s, 422, "{b}");
    let text = b.to_string();
    for expected in [
        "owner_id",
        "ends_on",
        "headquarters",
        "cannot end before",
        "پیش از آغاز",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    let mut bad = good.clone();
    bad["indicators"] = json!([{"indicator": "NO-SUCH", "target": 80}]);
    let (s, b) = send(&app, &token, "POST", "/api/v1/campaigns", bad).await;
    assert_eq!(s, 422);
    assert!(b.to_string().contains("NO-SUCH"), "{b}");
    let mut bad = good.clone();
    bad["indicators"] = json!([{"indicator": "FLU-COV", "target": -1}]);
    let (s, b) = send(&app, &token, "POST", "/api/v1/campaigns", bad).await;
    assert_eq!(s, 422);
    assert!(b.to_string().contains("targets"), "{b}");
    let (_, after) = app.get_json("/api/v1/campaigns").await;
    assert_eq!(after, before, "nothing was started");

    let (s, b) = send(&app, &token, "POST", "/api/v1/campaigns", good.clone()).await;
    assert_eq!(s, 201, "{b}");
    let id = b["id"].as_i64().unwrap();
    assert_eq!(b["code"], "FLU-1405");
    let (s, c) = app.get_json(&format!("/api/v1/campaigns/{id}")).await;
    assert_eq!(s, 200);
    assert_eq!(c["stage"], "running");
    let partners = c["partners"].as_array().unwrap();
    assert_eq!(partners.len(), 1, "the owner is not its own partner: {c}");
    assert_eq!(c["indicators"][0]["target"].as_f64(), Some(80.0));

    // Counts: one neighborhood 85 of 100, another 10 of 900; a count for a month before the
    // campaign, or of an element it does not count, is refused with the batch.
    let (d14, n1, n2) = district14(&app).await;
    let v = |el: &str, n: i64, p: &Period, value: i64| json!({"element": el, "neighborhood_id": n, "period": p.code(), "value": value});
    let early = Period::containing(PeriodKind::Month, last.start - Duration::days(1));
    let path = format!("/api/v1/campaigns/{id}/values");
    let (s, b) = send(
        &app,
        &token,
        "PUT",
        &path,
        json!({"values": [v("FLU-DONE", n1, &this, 5), v("FLU-DONE", n1, &early, 5), v("VAX-DONE", n1, &this, 5)]}),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    let text = b.to_string();
    for expected in [
        "Item 2:",
        "outside the campaign",
        "Item 3:",
        "بیرون از بازه پویش",
    ] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    assert!(!text.contains("Item 1:"), "{text}");
    let (_, values) = app
        .get_json(&format!(
            "/api/v1/data-values?element=FLU-DONE&district={d14}"
        ))
        .await;
    assert!(values.as_array().unwrap().is_empty(), "nothing was saved");
    let (s, b) = send(
        &app,
        &token,
        "PUT",
        &path,
        json!({"values": [
            v("FLU-DONE", n1, &last, 45), v("FLU-DONE", n1, &this, 40), v("FLU-POP", n1, &this, 100),
            v("FLU-DONE", n2, &this, 10), v("FLU-POP", n2, &this, 900),
        ]}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["changed"], 5);

    // District 14: 95 of 1,000 (9.5%), not the mean of 85% and 1.1%. Against the campaign's
    // 80 the first neighborhood does not lag; against the indicator's own 95 it would.
    let (s, r) = app
        .get_json(&format!("/api/v1/campaigns/{id}/coverage?district={d14}"))
        .await;
    assert_eq!(s, 200, "{r}");
    let reading = &r["reading"];
    assert_eq!(reading["whole"]["numerator"], 95);
    assert_eq!(reading["whole"]["denominator"], 1000);
    assert_eq!(reading["whole"]["value"].as_f64(), Some(9.5));
    assert_eq!(r["summaries"][0]["whole"]["value"].as_f64(), Some(9.5));
    let part = |n: i64| {
        reading["parts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == n)
            .unwrap()
            .clone()
    };
    assert_eq!(part(n1)["value"].as_f64(), Some(85.0));
    assert_eq!(part(n1)["lags"], false);
    assert_eq!(part(n2)["lags"], true);
    let lagging: Vec<i64> = r["lagging"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(lagging[0], n2, "the furthest behind first: {lagging:?}");
    assert!(!lagging.contains(&n1));
    let series = reading["series"].as_array().unwrap();
    assert_eq!(series.len(), 2, "the campaign's two months");
    assert_eq!(series[1]["value"].as_f64(), Some(9.5));
    let (_, own) = app
        .get_json(&format!(
            "/api/v1/indicators/{}/reading?district={d14}",
            c["indicators"][0]["indicator_id"]
        ))
        .await;
    assert_eq!(
        own["parts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == n1)
            .unwrap()["lags"],
        true,
        "85 is more than a tenth short of the indicator's own 95"
    );

    // The page: a map of the city's districts from their stored boundaries, each leading to
    // its district's map, and the table beside it; a district's map of its neighborhoods.
    let (s, page) = app.get_text(&format!("/campaigns/{id}")).await;
    assert_eq!(s, 200);
    assert!(page.contains("class=\"map\""), "a map is drawn");
    assert_eq!(
        page.matches("<path d=\"M").count(),
        22,
        "one shape per district"
    );
    assert!(page.contains(&format!("/campaigns/{id}?district={d14}&amp;indicator=")));
    assert!(page.contains("پویش واکسن آنفلوآنزا") && page.contains("منطقه ۱۴"));
    let (s, page) = app
        .get_text(&format!("/campaigns/{id}?district={d14}"))
        .await;
    assert_eq!(s, 200);
    let (_, nbs) = app
        .get_json(&format!(
            "/api/v1/neighborhoods?district={d14}&per_page=100"
        ))
        .await;
    assert_eq!(
        page.matches("<path d=\"M").count(),
        nbs["items"].as_array().unwrap().len(),
        "one shape per neighborhood"
    );
    assert!(page.contains("۸۵") && page.contains("عقب از هدف"));

    // Editing: the target changes and both versions are audited.
    let mut changed = good.clone();
    changed["indicators"] = json!([{"indicator": "FLU-COV", "target": 90}]);
    let (s, b) = send(
        &app,
        &token,
        "PUT",
        &format!("/api/v1/campaigns/{id}"),
        changed,
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (_, c) = app.get_json(&format!("/api/v1/campaigns/{id}")).await;
    assert_eq!(c["indicators"][0]["target"].as_f64(), Some(90.0));
    let store = mahalle_db::Store::connect(&app.db_url).await.unwrap();
    let entries = mahalle_db::audit::recent(&store, 50).await.unwrap();
    for action in ["create", "update"] {
        assert_eq!(
            entries
                .iter()
                .filter(|e| e.entity == "campaign" && e.action == action)
                .count(),
            1,
            "{action}"
        );
    }

    // A liaison of another organisation starts nothing under the Health HQ; a viewer reads.
    let water_app = app.another_visitor();
    water_app.login_as("water").await;
    let water_token = api_token(&water_app).await;
    let mut other = good.clone();
    other["code"] = json!("OTHER");
    let (s, _) = send(&water_app, &water_token, "POST", "/api/v1/campaigns", other).await;
    assert_eq!(s, 403);
    let viewer = app.another_visitor();
    viewer.login_as("viewer").await;
    assert_eq!(viewer.get_text(&format!("/campaigns/{id}")).await.0, 200);
    assert_eq!(viewer.get_text("/campaigns/new").await.0, 403);
    assert_eq!(
        viewer.get_text(&format!("/campaigns/{id}/edit")).await.0,
        403
    );
}

#[tokio::test]
async fn the_form_keeps_what_was_typed_and_the_grid_holds_the_campaigns_periods_only() {
    let app = TestApp::spawn().await;
    app.login_as("mayor").await;
    let token = api_token(&app).await;
    define(&app, &token).await;
    let health = org_id(&app, "HQ-HEALTH").await.to_string();
    let this = month(0);

    // A form with an end before the start comes back with the message and what was typed.
    let starts = mahalle_core::jalali::format_numeric(this.start, true);
    let fields = |ends: &str| {
        vec![
            ("code", "FLU-FORM".to_string()),
            ("name_fa", "پویش آزمایشی".to_string()),
            ("owner_id", health.clone()),
            ("starts_on", starts.clone()),
            ("ends_on", ends.to_string()),
            ("indicator_0", "FLU-COV".to_string()),
            ("target_0", "۸۵٫۵".to_string()),
        ]
    };
    let post = |f: Vec<(&'static str, String)>| {
        let app = &app;
        async move {
            let f: Vec<(&str, &str)> = f.iter().map(|(a, b)| (*a, b.as_str())).collect();
            app.post_form("/campaigns", &f).await
        }
    };
    let r = post(fields("1300/01/01")).await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("پایان پویش نمی‌تواند پیش از آغاز آن باشد"),
        "{body}"
    );
    assert!(body.contains("value=\"پویش آزمایشی\"") && body.contains("value=\"۸۵٫۵\""));
    let ends = mahalle_core::jalali::format_numeric(this.end() - Duration::days(1), true);
    let r = post(fields(&ends)).await;
    assert_eq!(r.status().as_u16(), 303);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = to.trim_start_matches("/campaigns/").parse().unwrap();
    let (_, c) = app.get_json(&format!("/api/v1/campaigns/{id}")).await;
    assert_eq!(c["indicators"][0]["target"].as_f64(), Some(85.5));

    // The campaign's grid: its elements and this month only.
    let (_, elements) = app.get_json("/api/v1/data-elements").await;
    let done = elements
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == "FLU-DONE")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (d14, n1, _) = district14(&app).await;
    let year = &this.code()[..4];
    let (s, page) = app
        .get_text(&format!(
            "/indicators/values?campaign={id}&element={done}&district={d14}&year={year}"
        ))
        .await;
    assert_eq!(s, 200);
    assert!(page.contains(&format!("name=\"v_{n1}_{}\"", this.code())));
    // The month before the campaign is not offered, on the grid of its own year (this one's,
    // or last year's in Farvardin).
    let earlier = Period::containing(PeriodKind::Month, this.start - Duration::days(1));
    let (s, before) = app
        .get_text(&format!(
            "/indicators/values?campaign={id}&element={done}&district={d14}&year={}",
            &earlier.code()[..4]
        ))
        .await;
    assert_eq!(s, 200);
    assert!(!before.contains(&format!("name=\"v_{n1}_{}\"", earlier.code())));
    assert!(before.contains(&format!("name=\"v_{n1}_")) || earlier.code()[..4] != *year);
    assert!(
        !page.contains("VAX-DONE"),
        "only the campaign's elements are offered"
    );

    // A cell for a month outside the campaign slipped into the form is refused, nothing saved.
    let r = app
        .post_form(
            "/indicators/values",
            &[
                ("campaign", &id.to_string()),
                ("element", &done.to_string()),
                ("district", &d14.to_string()),
                ("year", year),
                (&format!("v_{n1}_{}", this.code()), "7"),
                (&format!("v_{n1}_{}", earlier.code()), "7"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("بیرون از بازه پویش"));
    let (_, values) = app
        .get_json(&format!(
            "/api/v1/data-values?element=FLU-DONE&district={d14}"
        ))
        .await;
    assert!(values.as_array().unwrap().is_empty());
}
