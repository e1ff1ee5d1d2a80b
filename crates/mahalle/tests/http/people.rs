//! Keeping the registry of people: contact details for staff only, each district its own.

use serde_json::{json, Value};

use crate::helpers::{api_token, urlencode, TestApp};

/// A member of پیروزی's council (district 14).
async fn pirouzi_member(app: &TestApp) -> i64 {
    let (_, list) = app
        .get_json(&format!("/api/v1/neighborhoods?q={}", urlencode("پیروزی")))
        .await;
    let (_, n) = app
        .get_json(&format!("/api/v1/neighborhoods/{}", list["items"][0]["id"]))
        .await;
    n["terms"][0]["members"][0]["person_id"].as_i64().unwrap()
}

#[tokio::test]
async fn contact_details_are_for_staff_and_people_for_their_registry() {
    let app = TestApp::spawn().await;
    let member = pirouzi_member(&app).await;
    // A viewer sees names, not phone numbers.
    app.login_as("viewer").await;
    let (_, p) = app.get_json(&format!("/api/v1/people/{member}")).await;
    assert!(!p["full_name_fa"].as_str().unwrap().is_empty());
    assert_eq!(p["phone"], "");
    let (_, page) = app.get_text(&format!("/people/{member}")).await;
    assert!(!page.contains("/edit\""), "no edit link for a viewer");
    // District 14's mayor sees them and keeps the council member's record.
    let mayor = app.another_visitor();
    mayor.login_as("d14").await;
    let (_, p) = mayor.get_json(&format!("/api/v1/people/{member}")).await;
    assert!(!p["phone"].as_str().unwrap().is_empty(), "{p}");
    let token = api_token(&mayor).await;
    let put = |id: i64, body: Value| {
        mayor
            .client
            .put(mayor.url(&format!("/api/v1/people/{id}")))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let r = put(
        member,
        json!({"full_name_fa": "", "phone": "x", "email": "a@b", "gender": "other"}),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let e: Value = r.json().await.unwrap();
    assert_eq!(e["error"]["fields"].as_array().unwrap().len(), 4, "{e}");
    let r = put(member, json!({"full_name_fa": "زهرا  كريمي", "full_name_en": "Zahra Karimi", "phone": "۰۹۱۲۱۲۳۴۵۶۷", "gender": "female"}))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let p: Value = r.json().await.unwrap();
    assert_eq!(
        (p["full_name_fa"].as_str(), p["phone"].as_str()),
        (Some("زهرا کریمی"), Some("09121234567"))
    );
    assert!(
        p["memberships"].as_array().is_some_and(|m| !m.is_empty()),
        "memberships kept"
    );
    // Not someone who serves only elsewhere, and not into another district's registry.
    let (_, list) = mayor
        .get_json("/api/v1/neighborhoods?district=6&per_page=1")
        .await;
    let (_, n6) = mayor
        .get_json(&format!("/api/v1/neighborhoods/{}", list["items"][0]["id"]))
        .await;
    let elsewhere = n6["terms"][0]["members"][0]["person_id"].as_i64().unwrap();
    let r = put(elsewhere, json!({"full_name_fa": "الف"}))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = put(
        member,
        json!({"full_name_fa": "زهرا کریمی", "district_id": 6}),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    // New people on the page land in the mayor's own district; retired ones stay findable.
    let r = mayor
        .post_form(
            "/people",
            &[
                ("full_name_fa", "کیانوش پرتوی‌نیا"),
                ("district_id", "14"),
                ("email", "REZA@Example.ir"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let at = r.headers()["location"].to_str().unwrap().to_string();
    let id: i64 = at.rsplit('/').next().unwrap().parse().unwrap();
    let (_, p) = mayor.get_json(&format!("/api/v1/people/{id}")).await;
    assert_eq!(
        (p["district_id"].as_i64(), p["email"].as_str()),
        (Some(14), Some("reza@example.ir"))
    );
    let r = mayor.post_form(&format!("/people/{id}/retire"), &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    let q = urlencode("کیانوش پرتوی‌نیا");
    let (_, list) = mayor.get_json(&format!("/api/v1/people?q={q}")).await;
    assert_eq!(list["total"], 0);
    let (_, list) = mayor
        .get_json(&format!("/api/v1/people?q={q}&retired=true"))
        .await;
    assert_eq!(list["total"], 1);
    // The viewer may not add anyone.
    let r = app.post_form("/people", &[("full_name_fa", "الف")]).await;
    assert_eq!(r.status().as_u16(), 403);
}

/// Uploads a sheet on the import page; returns the status and the page.
async fn upload(app: &TestApp, name: &str, bytes: Vec<u8>) -> (u16, String) {
    let csrf = app.csrf().await;
    let file = reqwest::multipart::Part::bytes(bytes).file_name(name.to_string());
    let r = app
        .client
        .post(app.url("/people/import"))
        .multipart(
            reqwest::multipart::Form::new()
                .text("csrf", csrf)
                .part("file", file),
        )
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

#[tokio::test]
async fn people_and_pillars_come_from_a_sheet_all_or_none() {
    let app = TestApp::spawn().await;
    app.login_as("d14").await;
    // A sheet with problems: nothing is recorded, every problem is named.
    let bad = "نام و نام خانوادگی,تلفن,منطقه,محله,نقش\r\n\
               مریم احمدی,09123334455,14,پیروزی,معتمد\r\n\
               ,abc,14,پیروزی,شهردار\r\n\
               رضا نوری,,6,,\r\n";
    let (status, page) = upload(&app, "people.csv", bad.as_bytes().to_vec()).await;
    assert_eq!(status, 422);
    assert!(page.contains("نام و نام خانوادگی لازم است"));
    assert!(page.contains("رکن «شهردار» شناخته نشد"));
    assert!(
        page.contains("در منطقه شما نیست"),
        "district 6 is not d14's"
    );
    assert!(!page.contains("name=\"payload\""), "no commit offered");
    let (_, list) = app
        .get_json(&format!("/api/v1/people?q={}", urlencode("مریم احمدی")))
        .await;
    assert_eq!(list["total"], 0);

    // A clean sheet is previewed, then recorded whole.
    let good = "\u{feff}نام و نام خانوادگی,تلفن,منطقه,محله,نقش,عنوان,از تاریخ\r\n\
                مریم احمدی,۰۹۱۲۳۳۳۴۴۵۵,14,پیروزی,معتمد,,۱۴۰۴/۰۷/۰۱\r\n\
                مهدی صالحی,,14,پیروزی,امام جماعت,مسجد الرضا,\r\n";
    let (status, page) = upload(&app, "people.csv", good.as_bytes().to_vec()).await;
    assert_eq!(status, 200, "{page}");
    assert!(page.contains("مسجد الرضا") && page.contains("name=\"payload\""));
    let payload = {
        let at = page.find("name=\"payload\" value=\"").unwrap() + 22;
        page[at..at + page[at..].find('"').unwrap()].to_string()
    };
    let r = app
        .post_form(
            "/people/import/commit",
            &[("filename", "people.csv"), ("payload", &payload)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, list) = app
        .get_json(&format!("/api/v1/people?q={}", urlencode("مریم احمدی")))
        .await;
    assert_eq!(list["total"], 1);
    let maryam = list["items"][0]["id"].as_i64().unwrap();
    let (_, page) = app.get_text(&format!("/people/{maryam}")).await;
    assert!(page.contains("معتمد محل") && page.contains("پیروزی"));

    // The same sheet through the API names the same people rather than adding them twice
    // (the one with a phone); a viewer may not import.
    let token = api_token(&app).await;
    let r = app
        .client
        .post(app.url("/api/v1/people/import?filename=people.csv"))
        .bearer_auth(&token)
        .body(good.as_bytes().to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let body: Value = r.json().await.unwrap();
    // مریم (with a phone) is named and her role left as it is; مهدی (no phone) is added again.
    assert_eq!(
        body["recorded"],
        json!({"people": 1, "existing": 1, "pillars": 1, "serving": 1})
    );
    let (_, list) = app
        .get_json(&format!("/api/v1/people?q={}", urlencode("مریم احمدی")))
        .await;
    assert_eq!(list["total"], 1, "not twice");
    let viewer = app.another_visitor();
    viewer.login_as("viewer").await;
    let (status, _) = upload(&viewer, "people.csv", good.as_bytes().to_vec()).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_large_checked_sheet_is_recorded_too() {
    // 4,000 rows: the commit form carries the file back, beyond an ordinary form's 256 KB.
    let app = TestApp::spawn().await;
    app.login_as("d14").await;
    let mut sheet = String::from("نام و نام خانوادگی,منطقه,تلفن\r\n");
    for i in 0..4000 {
        sheet.push_str(&format!("عضو گروه مردمی شماره {i} محله,14,0912{i:07}\r\n"));
    }
    let (status, page) = upload(&app, "many.csv", sheet.into_bytes()).await;
    assert_eq!(status, 200);
    let at = page.find("name=\"payload\" value=\"").unwrap() + 22;
    let payload = page[at..at + page[at..].find('"').unwrap()].to_string();
    assert!(payload.len() > 256 * 1024);
    let r = app
        .post_form(
            "/people/import/commit",
            &[("filename", "many.csv"), ("payload", &payload)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, list) = app
        .get_json(&format!(
            "/api/v1/people?q={}",
            urlencode("عضو گروه مردمی شماره")
        ))
        .await;
    assert_eq!(list["total"], 4000);
}
