//! Indicators: data elements and indicators defined by the city's secretariat, counts entered by
//! neighborhood and period (all or none, audited), and totals of districts and the city computed
//! from the counts, never from averaged percentages.

use chrono::Duration;
use mahalle_core::indicators::{Period, PeriodKind};
use serde_json::{json, Value};

use crate::helpers::{api_token, TestApp};

/// This month's and last month's Jalali codes (both have begun).
fn months() -> (String, String) {
    let today = mahalle_web::today();
    let this = Period::containing(PeriodKind::Month, today);
    let last = Period::containing(PeriodKind::Month, this.start - Duration::days(1));
    (this.code(), last.code())
}

/// Two neighborhoods of district 14 and one of district 6: (district 14's id, [n1, n2], other).
async fn places(app: &TestApp) -> (i64, [i64; 2], i64) {
    let (_, d) = app.get_json("/api/v1/districts?per_page=50").await;
    let id = |n: i64| {
        d["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["number"] == n)
            .unwrap()["id"]
            .as_i64()
            .unwrap()
    };
    let (d14, d6) = (id(14), id(6));
    let (_, n) = app
        .get_json(&format!("/api/v1/neighborhoods?district={d14}&per_page=5"))
        .await;
    let (_, o) = app
        .get_json(&format!("/api/v1/neighborhoods?district={d6}&per_page=1"))
        .await;
    let n = n["items"].as_array().unwrap();
    (
        d14,
        [n[0]["id"].as_i64().unwrap(), n[1]["id"].as_i64().unwrap()],
        o["items"][0]["id"].as_i64().unwrap(),
    )
}

async fn send(app: &TestApp, token: &str, method: &str, path: &str, body: Value) -> (u16, Value) {
    let req = match method {
        "PUT" => app.client.put(app.url(path)),
        _ => app.client.post(app.url(path)),
    };
    let r = req.bearer_auth(token).json(&body).send().await.unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// Defines MMR-DONE (monthly, summed), MMR-POP (monthly, latest) and MMR-COV over them; the
/// indicator's id.
async fn define_vaccination(app: &TestApp, token: &str) -> i64 {
    for (code, name, agg) in [
        ("mmr-done", "واکسینه‌شدگان سرخک", "sum"),
        ("MMR-POP", "جمعیت هدف واکسن سرخک", "last"),
    ] {
        let (s, b) = send(
            app,
            token,
            "POST",
            "/api/v1/data-elements",
            json!({"code": code, "name_fa": name, "period_kind": "month", "aggregation": agg}),
        )
        .await;
        assert_eq!(s, 201, "{b}");
    }
    let (s, b) = send(
        app,
        token,
        "POST",
        "/api/v1/indicators",
        json!({"code": "MMR-COV", "name_fa": "پوشش واکسن سرخک", "name_en": "Measles vaccine coverage",
               "numerator": "MMR-DONE", "denominator": "MMR-POP", "factor": 100, "direction": "higher", "target": 95}),
    )
    .await;
    assert_eq!(s, 201, "{b}");
    b["id"].as_i64().unwrap()
}

#[tokio::test]
async fn totals_are_computed_from_the_counts_and_bad_counts_change_nothing() {
    let app = TestApp::spawn().await;
    app.login_as("mayor").await;
    let token = api_token(&app).await;

    // Definitions: a code used twice, an indicator over an element that does not exist, or
    // with a factor of zero, are refused with a message in both languages.
    let (_, before) = app.get_json("/api/v1/indicators").await;
    let id = define_vaccination(&app, &token).await;
    let (s, b) = send(
        &app,
        &token,
        "POST",
        "/api/v1/data-elements",
        json!({"code": "MMR-DONE", "name_fa": "دوباره", "period_kind": "month", "aggregation": "sum"}),
    )
    .await;
    assert_eq!(s, 422);
    assert!(b.to_string().contains("already in use"), "{b}");
    let (s, b) = send(
        &app,
        &token,
        "POST",
        "/api/v1/indicators",
        json!({"code": "BAD", "name_fa": "نادرست", "numerator": "NO-SUCH", "denominator": "MMR-POP", "factor": 0}),
    )
    .await;
    assert_eq!(s, 422);
    let text = b.to_string();
    assert!(text.contains("numerator") && text.contains("factor"), "{b}");
    assert!(text.contains("صورت شاخص"), "{b}");
    let (_, list) = app.get_json("/api/v1/indicators").await;
    assert_eq!(
        list.as_array().unwrap().len(),
        before.as_array().unwrap().len() + 1,
        "nothing more was defined"
    );

    // Counts: two neighborhoods of district 14, 90 of 100 and 10 of 900 vaccinated.
    let (d14, [n1, n2], other) = places(&app).await;
    let (this, last) = months();
    let v = |el: &str, n: i64, period: &str, value: Value| json!({"element": el, "neighborhood_id": n, "period": period, "value": value});
    let (s, b) = send(
        &app,
        &token,
        "PUT",
        "/api/v1/data-values",
        json!({"values": [
            v("MMR-DONE", n1, &last, json!(50)), v("MMR-DONE", n1, &this, json!("۴۰")),
            v("MMR-DONE", n2, &this, json!(10)),
            v("MMR-POP", n1, &last, json!(80)), v("MMR-POP", n1, &this, json!("100")),
            v("MMR-POP", n2, &this, json!("۹۰۰")),
        ]}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["changed"], 6);

    // District 14's coverage is 100 of 1,000 vaccinated: 10%, not the mean of 90% and 1.1%.
    let (s, r) = app
        .get_json(&format!("/api/v1/indicators/{id}/reading?district={d14}"))
        .await;
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["whole"]["numerator"], 100);
    assert_eq!(
        r["whole"]["denominator"], 1000,
        "the latest population, not the sum of months"
    );
    assert_eq!(r["whole"]["value"].as_f64(), Some(10.0));
    let part = |n: i64| {
        r["parts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == n)
            .unwrap()
            .clone()
    };
    assert_eq!(part(n1)["value"].as_f64(), Some(90.0));
    // The same reading as a workbook: the whole first, then each neighborhood, numbers kept
    // as numbers; the trend on a second sheet.
    let r2 = app
        .get(&format!("/indicators/{id}/export.xlsx?district={d14}"))
        .await;
    assert_eq!(r2.status().as_u16(), 200);
    let bytes = r2.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    use calamine::Reader;
    let names = book.sheet_names();
    assert_eq!(names.len(), 2);
    let places = book.worksheet_range(&names[0]).unwrap();
    assert_eq!(places.get((1, 1)), Some(&calamine::Data::Float(100.0)));
    assert_eq!(places.get((1, 2)), Some(&calamine::Data::Float(1000.0)));
    assert_eq!(places.get((1, 3)), Some(&calamine::Data::Float(10.0)));
    // The trend runs from the range's start, so its last point is the range's value.
    let series = r["series"].as_array().unwrap();
    assert_eq!(series.last().unwrap()["value"], r["whole"]["value"]);
    assert_eq!(part(n1)["lags"], false, "90 is within a tenth of 95");
    assert_eq!(part(n2)["lags"], true);
    let (_, city) = app
        .get_json(&format!("/api/v1/indicators/{id}/reading"))
        .await;
    assert_eq!(city["whole"]["value"].as_f64(), Some(10.0));
    let d = city["parts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == d14)
        .unwrap();
    assert_eq!(d["value"].as_f64(), Some(10.0));

    // A batch with a negative count, a period of the wrong kind and a period not yet begun is
    // refused whole: every problem named by its item, and the good count in it not saved.
    let future =
        Period::containing(PeriodKind::Month, mahalle_web::today() + Duration::days(40)).code();
    let (s, b) = send(
        &app,
        &token,
        "PUT",
        "/api/v1/data-values",
        json!({"values": [
            v("MMR-DONE", n2, &last, json!(7)),
            v("MMR-DONE", n1, &this, json!(-5)),
            v("MMR-DONE", n1, &this[..4], json!(5)),
            v("MMR-DONE", n1, &future, json!(5)),
        ]}),
    )
    .await;
    assert_eq!(s, 422, "{b}");
    let text = b.to_string();
    for expected in ["Item 2:", "negative", "Item 3:", "Item 4:", "منفی"] {
        assert!(text.contains(expected), "{expected} in {text}");
    }
    let (_, values) = app
        .get_json(&format!(
            "/api/v1/data-values?element=MMR-DONE&district={d14}"
        ))
        .await;
    assert_eq!(
        values.as_array().unwrap().len(),
        3,
        "nothing was saved: {values}"
    );

    // Removing a count (an empty value) is a change too, and every change is audited.
    let (s, b) = send(
        &app,
        &token,
        "PUT",
        "/api/v1/data-values",
        json!({"values": [v("MMR-DONE", n1, &last, json!("")), v("MMR-DONE", n2, &this, json!(10))]}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(
        (b["changed"].as_i64(), b["unchanged"].as_i64()),
        (Some(1), Some(1))
    );
    let store = mahalle_db::Store::connect(&app.db_url).await.unwrap();
    let entries = mahalle_db::audit::recent(&store, 50).await.unwrap();
    let count = |entity: &str, action: &str| {
        entries
            .iter()
            .filter(|e| e.entity == entity && e.action == action)
            .count()
    };
    assert_eq!(count("data_value", "set"), 6);
    assert_eq!(count("data_value", "remove"), 1);
    assert_eq!(count("data_element", "create"), 2);
    assert_eq!(count("indicator", "create"), 1);

    // A district mayor enters their own district's counts, not another's, and defines nothing.
    let d14_app = app.another_visitor();
    d14_app.login_as("d14").await;
    let d14_token = api_token(&d14_app).await;
    let (s, _) = send(
        &d14_app,
        &d14_token,
        "PUT",
        "/api/v1/data-values",
        json!({"values": [v("MMR-DONE", other, &this, json!(3))]}),
    )
    .await;
    assert_eq!(s, 403);
    let (s, b) = send(
        &d14_app,
        &d14_token,
        "PUT",
        "/api/v1/data-values",
        json!({"values": [v("MMR-DONE", n2, &last, json!(3))]}),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let (s, _) = send(
        &d14_app,
        &d14_token,
        "POST",
        "/api/v1/data-elements",
        json!({"code": "X", "name_fa": "ایکس", "period_kind": "month", "aggregation": "sum"}),
    )
    .await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn a_district_enters_its_counts_in_a_grid_and_reads_the_indicator() {
    let app = TestApp::spawn().await;
    app.login_as("mayor").await;
    let token = api_token(&app).await;
    let id = define_vaccination(&app, &token).await;
    let (d14, [n1, _], other) = places(&app).await;
    let (this, _) = months();
    let (_, elements) = app.get_json("/api/v1/data-elements").await;
    let done = elements
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == "MMR-DONE")
        .unwrap()["id"]
        .as_i64()
        .unwrap();

    let d14_app = app.another_visitor();
    d14_app.login_as("d14").await;
    let year = &this[..4];
    let grid = format!("/indicators/values?element={done}&district={d14}&year={year}");
    let (s, page) = d14_app.get_text(&grid).await;
    assert_eq!(s, 200);
    let cell = format!("v_{n1}_{this}");
    assert!(
        page.contains(&format!("name=\"{cell}\"")),
        "a cell per neighborhood and month"
    );
    // Another district's grid is not theirs.
    let (s, _) = d14_app
        .get_text(&format!(
            "/indicators/values?element={done}&district=6&year={year}"
        ))
        .await;
    assert_eq!(s, 403);

    // A wrong cell: the grid comes back with what was typed and the cell marked; nothing saved.
    let form = |value: &str| {
        vec![
            ("element".to_string(), done.to_string()),
            ("district".to_string(), d14.to_string()),
            ("year".to_string(), year.to_string()),
            (format!("o_{n1}_{this}"), String::new()),
            (cell.clone(), value.to_string()),
        ]
    };
    let post = |fields: Vec<(String, String)>| {
        let app = &d14_app;
        async move {
            let f: Vec<(&str, &str)> = fields
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect();
            app.post_form("/indicators/values", &f).await
        }
    };
    let r = post(form("-۵")).await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(body.contains("منفی"), "the reason in Persian");
    assert!(body.contains("aria-invalid=\"true\""), "the cell is marked");
    assert!(body.contains("value=\"-۵\""), "what was typed is kept");
    let (_, values) = app
        .get_json(&format!(
            "/api/v1/data-values?element=MMR-DONE&district={d14}"
        ))
        .await;
    assert!(values.as_array().unwrap().is_empty());

    // A cell of another district slipped into this grid is refused.
    let mut sneaky = form("5");
    sneaky.push((format!("v_{other}_{this}"), "9".into()));
    assert_eq!(post(sneaky).await.status().as_u16(), 403);

    // Saved with Persian digits and grouping; the page reads it back.
    let r = post(form("۱٬۲۰۰")).await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = d14_app.get_text(&format!("{grid}&saved=1")).await;
    assert!(
        page.contains("value=\"۱۲۰۰\""),
        "the count is shown in its cell"
    );
    let (_, values) = app
        .get_json(&format!(
            "/api/v1/data-values?element=MMR-DONE&district={d14}"
        ))
        .await;
    assert_eq!(values[0]["value"], 1200);

    // The indicator's page: no population yet, so no value, shown as such; in English too.
    let (s, page) = d14_app
        .get_text(&format!("/indicators/{id}?district={d14}"))
        .await;
    assert_eq!(s, 200);
    assert!(
        page.contains("پوشش واکسن سرخک") && page.contains("۱٬۲۰۰"),
        "{page}"
    );
    let (s, list) = d14_app.get_text("/indicators").await;
    assert_eq!(s, 200);
    assert!(list.contains("MMR-COV") && list.contains("ورود شمارها"));
    assert!(
        !list.contains("/indicators/new"),
        "a district mayor defines nothing"
    );
    assert_eq!(d14_app.get_text("/indicators/new").await.0, 403);
}

#[tokio::test]
async fn counts_come_from_a_spreadsheet_checked_row_by_row_all_or_none() {
    let app = TestApp::spawn().await;
    app.login_as("mayor").await;
    let token = api_token(&app).await;
    define_vaccination(&app, &token).await;
    let (_, [n1, _], _) = places(&app).await;
    let (_, n) = app.get_json(&format!("/api/v1/neighborhoods/{n1}")).await;
    let (code, name) = (
        n["code"].as_str().unwrap().to_string(),
        n["name_fa"].as_str().unwrap().to_string(),
    );
    let (this, last) = months();
    let import = |csv: String, dry: bool| {
        app.client
            .post(app.url(&format!(
                "/api/v1/data-values/import?filename=counts.csv&dry_run={dry}"
            )))
            .bearer_auth(&token)
            .body(csv.into_bytes())
            .send()
    };
    // Row 3 names no neighborhood, row 4 a negative count, row 5 repeats row 2: every problem
    // named with its row and column, nothing recorded.
    let bad = format!(
        "داده,محله,دوره,مقدار\r\nMMR-DONE,{code},{this},12\r\nMMR-DONE,ناکجاآباد,{this},3\r\nMMR-DONE,{name},{last},-4\r\nmmr-done,{code},{this},13\r\n"
    );
    let r = import(bad, false).await.unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let b: Value = r.json().await.unwrap();
    let lines: Vec<(i64, &str)> = b["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_i64().unwrap(), e["column"].as_str().unwrap()))
        .collect();
    assert_eq!(
        lines,
        [(3, "neighborhood"), (4, "value"), (5, "period")],
        "{b}"
    );
    let (_, values) = app.get_json("/api/v1/data-values?element=MMR-DONE").await;
    assert!(
        values.as_array().unwrap().is_empty(),
        "nothing was recorded"
    );

    // A good sheet (the neighborhood by code or by its Persian name, Persian digits): checked
    // by a dry run, then recorded.
    let good = format!(
        "element,neighborhood,period,value\r\nMMR-DONE,{code},{this},۱۲\r\nMMR-POP,{name},{last},۲۰۰\r\n"
    );
    let r = import(good.clone(), true).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let b: Value = r.json().await.unwrap();
    assert_eq!(
        (b["valid"].as_i64(), b["changed"].as_i64()),
        (Some(2), Some(0))
    );
    let r = import(good, false).await.unwrap();
    let b: Value = r.json().await.unwrap();
    assert_eq!(b["changed"], 2, "{b}");
    let (_, values) = app.get_json("/api/v1/data-values?element=MMR-DONE").await;
    assert_eq!(values[0]["value"], 12);

    // The page: the sheet previewed with the neighborhood's name, recorded on commit.
    let csrf = app.csrf().await;
    let file = reqwest::multipart::Part::bytes(
        format!("داده,محله,دوره,مقدار\r\nMMR-DONE,{code},{last},۷\r\n").into_bytes(),
    )
    .file_name("counts.csv");
    let r = app
        .client
        .post(app.url("/indicators/values/import"))
        .multipart(
            reqwest::multipart::Form::new()
                .text("csrf", csrf)
                .part("file", file),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("ثبت شمارها") && page.contains(&name),
        "preview"
    );
    let payload = page
        .split("name=\"payload\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r = app
        .post_form(
            "/indicators/values/import/commit",
            &[("filename", "counts.csv"), ("payload", &payload)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, values) = app.get_json("/api/v1/data-values?element=MMR-DONE").await;
    assert_eq!(values.as_array().unwrap().len(), 2);
}
