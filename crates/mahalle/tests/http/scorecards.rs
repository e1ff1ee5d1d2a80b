//! Scorecards are computed from what was recorded: a request answered in time and a project
//! finished move the district's and the neighborhood's figures and this month's trend; the
//! pages draw the charts in both languages and export a workbook.

use serde_json::{json, Value};

use crate::helpers::{api_token, jalali_in, org_id, urlencode, TestApp};

async fn card(app: &TestApp, path: &str) -> Value {
    let (status, c) = app.get_json(path).await;
    assert_eq!(status, 200, "{c}");
    c
}

fn this_month(c: &Value, key: &str) -> i64 {
    c["months"].as_array().unwrap().last().unwrap()[key]
        .as_i64()
        .unwrap()
}

#[tokio::test]
async fn scorecards_follow_what_was_recorded() {
    let app = TestApp::spawn().await;
    let (_, list) = app
        .get_json(&format!("/api/v1/neighborhoods?q={}", urlencode("پیروزی")))
        .await;
    let n = list["items"][0]["id"].as_i64().unwrap();
    let d = list["items"][0]["district_id"].as_i64().unwrap();
    let district = format!("/api/v1/scorecards/districts/{d}");
    let neighborhood = format!("/api/v1/scorecards/neighborhoods/{n}");
    let before = card(&app, &district).await;
    let before_n = card(&app, &neighborhood).await;
    // The demo's year shows in the figures, and the months are the last twelve.
    assert_eq!(before["months"].as_array().unwrap().len(), 12);
    assert!(
        before["requests"]["received"].as_i64().unwrap() > 0,
        "{before}"
    );
    assert!(before["resolutions"]["open"].as_i64().unwrap() > 0);
    let domains = before["challenges"]["by_domain"].as_array().unwrap();
    let open: i64 = domains.iter().map(|x| x["open"].as_i64().unwrap()).sum();
    assert_eq!(open, before["challenges"]["open"].as_i64().unwrap());

    // A citizen's request in پیروزی, answered at once: received and answered in time.
    let (_, services) = app.get_json("/open311/v2/services.json").await;
    // One without extra questions.
    let code = services
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["metadata"] == false)
        .expect("a service without extra questions")["service_code"]
        .as_str()
        .unwrap()
        .to_string();
    let r = app
        .post_form(
            "/requests",
            &[
                ("service_code", code.as_str()),
                ("description", "چراغ کوچه خاموش است"),
                ("neighborhood_id", &n.to_string()),
                ("address", "کوچه بهار"),
                ("website", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    app.login_as("admin").await;
    let token = api_token(&app).await;
    let (_, queue) = app
        .get_json(&format!(
            "/api/v1/requests?district={d}&sort=requested&dir=desc&per_page=1"
        ))
        .await;
    let id = queue["items"][0]["id"]
        .as_i64()
        .expect("the new request in the queue");
    let r = app
        .client
        .post(app.url(&format!("/api/v1/requests/{id}/steps")))
        .bearer_auth(&token)
        .json(&json!({"action": "close", "note": "چراغ تعویض شد"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{}", r.text().await.unwrap());

    // A project of پیروزی finished today.
    let water = org_id(&app, "AG-WATER").await;
    let r = app
        .client
        .post(app.url("/api/v1/projects"))
        .bearer_auth(&token)
        .json(&json!({"district_id": d, "neighborhood_id": n, "title": "نورپردازی کوچه بهار",
                      "domain": "urban_services", "lead_org_id": water,
                      "starts_on": jalali_in(-10), "ends_on": jalali_in(10), "progress_percent": "100"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let project = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let r = app
        .client
        .put(app.url(&format!("/api/v1/projects/{project}")))
        .bearer_auth(&token)
        .json(
            &json!({"district_id": d, "neighborhood_id": n, "title": "نورپردازی کوچه بهار",
                      "domain": "urban_services", "lead_org_id": water, "status": "done",
                      "starts_on": jalali_in(-10), "ends_on": jalali_in(10)}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "{}", r.text().await.unwrap());

    for (path, was) in [(&district, &before), (&neighborhood, &before_n)] {
        let now = card(&app, path).await;
        let moved = |section: &str, key: &str| {
            now[section][key].as_i64().unwrap() - was[section][key].as_i64().unwrap()
        };
        assert_eq!(moved("requests", "received"), 1, "{path}");
        assert_eq!(moved("requests", "answered"), 1, "{path}");
        assert_eq!(moved("requests", "answered_in_time"), 1, "{path}");
        assert_eq!(
            moved("requests", "due"),
            1,
            "{path}: answered, so its timeliness is known"
        );
        assert_eq!(moved("projects", "done"), 1, "{path}");
        assert_eq!(moved("projects", "done_in_months"), 1, "{path}");
        assert_eq!(
            this_month(&now, "requests_answered_in_time")
                - this_month(was, "requests_answered_in_time"),
            1
        );
        assert_eq!(
            this_month(&now, "projects_done") - this_month(was, "projects_done"),
            1
        );
    }
}

#[tokio::test]
async fn scorecard_pages_draw_charts_in_both_languages_and_export() {
    let app = TestApp::spawn().await;
    let (_, list) = app
        .get_json("/api/v1/neighborhoods?district=14&per_page=1")
        .await;
    let n = list["items"][0]["id"].as_i64().unwrap();
    for lang in ["fa", "en"] {
        let r = app.get(&format!("/settings/lang/{lang}?next=/")).await;
        assert!(r.status().is_redirection());
        for path in [
            "/scorecards/districts/14".to_string(),
            format!("/scorecards/neighborhoods/{n}"),
        ] {
            let (status, page) = app.get_text(&path).await;
            assert_eq!(status, 200, "{lang} {path}");
            assert_eq!(
                page.matches("<svg").count(),
                4,
                "{lang} {path}: four charts"
            );
            assert!(!page.contains("<style"), "no inline style");
            let m = mahalle_core::jalali::JalaliDate::from_gregorian(mahalle_web::today()).month;
            let month = if lang == "fa" {
                mahalle_core::jalali::month_name_fa(m)
            } else {
                mahalle_core::jalali::month_name_en(m)
            };
            assert!(
                page.contains(month),
                "{lang}: the current Jalali month on the axis"
            );
        }
        let (status, page) = app.get_text("/scorecards").await;
        assert_eq!(status, 200);
        assert!(page.contains("/scorecards/districts/14"));
    }
    let r = app.get("/scorecards/districts/14/export.xlsx").await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.bytes().await.unwrap().starts_with(b"PK"));
    for path in [
        "/scorecards/districts/999999",
        "/api/v1/scorecards/neighborhoods/999999",
        "/scorecards/districts/abc",
    ] {
        let r = app.get(path).await;
        assert!(
            [400, 404].contains(&r.status().as_u16()),
            "{path}: {}",
            r.status()
        );
    }
}

/// The daily request tallies agree with a recount of the requests, after the demo's load and
/// after changes written straight to the table (bulk loaders do), on either backend.
#[tokio::test]
async fn request_tallies_agree_with_a_recount() {
    use mahalle_db::{Sql, Store};
    let app = TestApp::spawn().await;
    let store = Store::connect(&app.db_url).await.unwrap();
    for change in [
        "UPDATE service_requests SET status = 'closed', closed_at = due_at \
         WHERE id IN (SELECT id FROM service_requests WHERE status IN ('submitted','accepted') ORDER BY id LIMIT 40)",
        "UPDATE service_requests SET status = 'accepted', closed_at = NULL \
         WHERE id IN (SELECT id FROM service_requests WHERE status = 'closed' ORDER BY id DESC LIMIT 30)",
        "UPDATE service_requests SET neighborhood_id = (SELECT MIN(id) FROM neighborhoods), \
         district_id = (SELECT district_id FROM neighborhoods WHERE id = (SELECT MIN(id) FROM neighborhoods)) \
         WHERE id IN (SELECT id FROM service_requests ORDER BY id LIMIT 25)",
    ] {
        assert!(store.execute(&Sql::new(change)).await.unwrap() > 0, "{change}");
    }
    let tallied: Vec<(i64, i64, i64, i64, i64)> = store
        .fetch_all(&Sql::new(
            "SELECT district_id, neighborhood_id, CAST(SUM(received) AS BIGINT), CAST(SUM(answered) AS BIGINT), \
             CAST(SUM(answered_in_time) AS BIGINT) FROM request_days GROUP BY district_id, neighborhood_id \
             HAVING SUM(received) <> 0 ORDER BY 1, 2",
        ))
        .await
        .unwrap();
    let counted: Vec<(i64, i64, i64, i64, i64)> = store
        .fetch_all(&Sql::new(
            "SELECT COALESCE(district_id, 0), COALESCE(neighborhood_id, 0), COUNT(*), COUNT(closed_at), \
             CAST(SUM(CASE WHEN closed_at <= due_at THEN 1 ELSE 0 END) AS BIGINT) FROM service_requests \
             GROUP BY 1, 2 ORDER BY 1, 2",
        ))
        .await
        .unwrap();
    assert!(counted.len() > 20);
    assert_eq!(tallied, counted);
    let histogram: Vec<(i64, i64)> = store
        .fetch_all(&Sql::new(
            "SELECT district_id, CAST(SUM(n) AS BIGINT) FROM request_response_district GROUP BY district_id \
             HAVING SUM(n) <> 0 ORDER BY 1",
        ))
        .await
        .unwrap();
    let answered: Vec<(i64, i64)> = store
        .fetch_all(&Sql::new(
            "SELECT COALESCE(district_id, 0), COUNT(*) FROM service_requests WHERE closed_at IS NOT NULL \
             GROUP BY 1 ORDER BY 1",
        ))
        .await
        .unwrap();
    assert_eq!(histogram, answered);
}
