//! Supervisory visits: planned by the district's secretariat, domain reports filed before them,
//! the briefing pack, decisions turned into the district's resolutions in one step, the
//! commitments memo through the outbox, and the next visit opening with those commitments.

use serde_json::{json, Value};

use crate::helpers::{api_token, jalali_in, org_id, TestApp};

/// The id of the district numbered `number`.
async fn district(app: &TestApp, number: i64) -> i64 {
    let (_, d) = app.get_json("/api/v1/districts?per_page=50").await;
    d["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["number"] == number)
        .unwrap()["id"]
        .as_i64()
        .unwrap()
}

/// Plans a visit to district 14 through the form; its id.
async fn plan(app: &TestApp, district: i64, days: i64, title: &str) -> i64 {
    let deputy = org_id(app, "DEP-COORD").await;
    let office = org_id(app, "MUN-D14").await;
    let r = app
        .post_form(
            "/visits",
            &[
                ("district_id", &district.to_string()),
                ("body_id", &deputy.to_string()),
                ("title", title),
                ("date", &jalali_in(days)),
                ("time", "۱۰:۳۰"),
                ("visitor_orgs", &deputy.to_string()),
                ("host_orgs", &format!("{office}")),
                ("agenda", "گزارش حوزه‌ها\nچالش‌های محله‌ها"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303, "{}", r.text().await.unwrap());
    r.headers()["location"]
        .to_str()
        .unwrap()
        .trim_start_matches("/visits/")
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_visit_is_briefed_decided_memoed_and_followed_up_at_the_next_one() {
    let app = TestApp::spawn().await;
    app.login_as("d14").await;
    let token = api_token(&app).await;
    let district = district(&app, 14).await;

    // Planning: without a district, nothing is recorded and the form says why.
    let (_, before) = app
        .get_json(&format!("/api/v1/visits?district={district}&per_page=1"))
        .await;
    let r = app
        .post_form(
            "/visits",
            &[
                ("title", "بازدید"),
                ("date", &jalali_in(2)),
                ("time", "10:00"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("منطقه‌ای را که بازدید می‌شود انتخاب کنید"));
    let first = plan(&app, district, 2, "بازدید معاون هماهنگی از منطقه ۱۴").await;
    let (_, after) = app
        .get_json(&format!("/api/v1/visits?district={district}&per_page=1"))
        .await;
    assert_eq!(
        after["total"].as_i64(),
        before["total"].as_i64().map(|n| n + 1)
    );
    let (_, v) = app.get_json(&format!("/api/v1/visits/{first}")).await;
    assert_eq!(v["kind"], "supervisory_visit");
    assert_eq!(v["visitors"].as_array().unwrap().len(), 1, "{v}");
    assert_eq!(v["hosts"][0]["organisation_name_fa"], "شهرداری منطقه ۱۴");

    // A domain report: a challenge of another district is refused and nothing is saved.
    let (_, mine) = app
        .get_json(&format!(
            "/api/v1/challenges?district={district}&per_page=1"
        ))
        .await;
    let mine = mine["items"][0]["id"].as_i64().unwrap();
    let (_, all) = app.get_json("/api/v1/challenges?per_page=200").await;
    let foreign = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["district_id"].as_i64() != Some(district))
        .expect("a challenge of another district")["id"]
        .as_i64()
        .unwrap();
    let report = |challenges: String| {
        let app = &app;
        async move {
            app.post_form(
                &format!("/visits/{first}/reports"),
                &[
                    ("domain", "civil_works"),
                    ("manager", "مهندس رضا احمدی"),
                    ("actions", "آسفالت ۱۲ کوچه و بازگشایی دو معبر"),
                    ("figures", "کوچه‌های آسفالت‌شده: ۱۲\nمعابر بازگشایی‌شده: ۲"),
                    ("challenges", &challenges),
                ],
            )
            .await
        }
    };
    let r = report(format!("{mine}، {foreign}")).await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("از این منطقه نیست"));
    let (_, v) = app.get_json(&format!("/api/v1/visits/{first}")).await;
    assert!(v["reports"].as_array().unwrap().is_empty());
    let r = report(format!("#{mine}")).await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, v) = app.get_json(&format!("/api/v1/visits/{first}")).await;
    assert_eq!(v["reports"][0]["manager"], "مهندس رضا احمدی");
    assert_eq!(v["raised_challenges"][0]["challenge_id"], mine);
    // Filed again for the same domain: replaced, not doubled.
    assert_eq!(report(String::new()).await.status().as_u16(), 303);
    let (_, v) = app.get_json(&format!("/api/v1/visits/{first}")).await;
    assert_eq!(v["reports"].as_array().unwrap().len(), 1);
    assert!(v["raised_challenges"].as_array().unwrap().is_empty());

    // A liaison of a city agency is no domain manager of the district.
    let water_app = app.another_visitor();
    water_app.login_as("water").await;
    let r = water_app
        .post_form(
            &format!("/visits/{first}/reports"),
            &[("domain", "social"), ("manager", "x"), ("actions", "y")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);

    // Decisions: without an owner or a deadline they are refused; then one step makes a
    // tracked resolution of the district.
    let water = org_id(&app, "AG-WATER").await;
    let decide = |body: Value| {
        app.client
            .post(app.url(&format!("/api/v1/visits/{first}/decisions")))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let r = decide(
        json!({"title": "لایروبی کانال", "domain": "civil_works", "lead_org_id": 0, "deadline": ""}),
    )
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
    assert_eq!(fields, ["lead_org_id", "deadline"]);
    assert!(e["error"]["fields"][0]["fa"]
        .as_str()
        .unwrap()
        .contains("مسئول"));
    let r = decide(
        json!({"title": "لایروبی کانال آب‌های سطحی", "domain": "civil_works",
        "lead_org_id": water, "deadline": jalali_in(30)}),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let decision = r.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    let (_, res) = app
        .get_json(&format!("/api/v1/resolutions/{decision}"))
        .await;
    assert_eq!(
        (res["district_id"].as_i64(), res["scope"].as_str()),
        (Some(district), Some("district"))
    );

    // A finding, and the visit's page with all of it.
    let r = app
        .post_form(
            &format!("/visits/{first}/findings"),
            &[
                ("body", "جمع‌آوری آب‌های سطحی در محله پیروزی کند است."),
                ("domain", "urban_services"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (status, page) = app.get_text(&format!("/visits/{first}")).await;
    assert_eq!(status, 200);
    for s in [
        "مهندس رضا احمدی",
        "کوچه‌های آسفالت‌شده",
        "لایروبی کانال آب‌های سطحی",
        "جمع‌آوری آب‌های سطحی",
    ] {
        assert!(page.contains(s), "{s}");
    }

    // The memo goes to the owner through the outbox, once.
    let r = app.post_form(&format!("/visits/{first}/memo"), &[]).await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains("صورت تعهدات فرستاده شد"));
    let store = mahalle_db::Store::connect(&app.db_url).await.unwrap();
    let f = mahalle_db::notifications::OutboxFilter {
        kind: Some(mahalle_db::notifications::VISIT_MEMO),
        ..Default::default()
    };
    let l = mahalle_core::paging::Listing::from_query(&Default::default(), &["id"]);
    let memos = mahalle_db::notifications::list(&store, &f, &l)
        .await
        .unwrap();
    assert_eq!(memos.total, 1);
    let memo = &memos.items[0];
    assert_eq!(memo.recipient_org_id, Some(water));
    assert!(
        memo.body.contains("لایروبی کانال آب‌های سطحی")
            && memo.body.contains(&format!("/resolutions/{decision}"))
    );
    let r = app.post_form(&format!("/visits/{first}/memo"), &[]).await;
    assert_eq!(r.status().as_u16(), 422, "nothing new to send");
    assert_eq!(
        mahalle_db::notifications::list(&store, &f, &l)
            .await
            .unwrap()
            .total,
        1
    );
    let entries = mahalle_db::audit::recent(&store, 50).await.unwrap();
    for entity in ["visit_report", "visit_finding", "visit_memo", "resolution"] {
        assert!(
            entries.iter().any(|e| e.entity == entity),
            "{entity} audited"
        );
    }

    // The briefing pack of the next visit: the previous visit's commitments and their state.
    let next = plan(&app, district, 40, "بازدید دوم از منطقه ۱۴").await;
    let (_, b) = app
        .get_json(&format!("/api/v1/visits/{next}/briefing"))
        .await;
    assert_eq!(b["previous"]["visit_id"], first);
    assert_eq!(b["previous"]["tally"]["total"], 1);
    assert_eq!(b["previous"]["tally"]["done_permille"], 0);
    assert_eq!(b["scorecard"]["district_id"], district);
    assert!(b["open_challenges"]
        .as_array()
        .unwrap()
        .iter()
        .all(|c| c["open"].as_i64() > Some(0)));
    // The owner finishes it: the next visit's page says so.
    for action in ["start", "complete"] {
        let r = app
            .client
            .post(app.url(&format!("/api/v1/resolutions/{decision}/transitions")))
            .bearer_auth(&token)
            .json(&json!({"action": action, "note": "انجام شد"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 200, "{action}");
    }
    let (_, v) = app.get_json(&format!("/api/v1/visits/{next}")).await;
    assert_eq!(v["previous"]["tally"]["done_permille"], 1000);
    assert_eq!(v["previous"]["items"][0]["standing"], "done_on_time");
    let (_, page) = app.get_text(&format!("/visits/{next}")).await;
    assert!(page.contains("انجام‌شده در مهلت"));

    // The pack prints and exports; the memo prints.
    let (status, page) = app.get_text(&format!("/visits/{next}/briefing")).await;
    assert_eq!(status, 200);
    assert!(page.contains("معوقات به تفکیک دستگاه") && page.contains("<svg"));
    let r = app.get(&format!("/visits/{next}/briefing.xlsx")).await;
    assert_eq!(r.status().as_u16(), 200);
    let bytes = r.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK");
    let (status, page) = app.get_text(&format!("/visits/{first}/memo")).await;
    assert_eq!(status, 200);
    assert!(page.contains("لایروبی کانال آب‌های سطحی"));

    // Another district's mayor neither sees nor edits it; a council member sees no list.
    let council = app.another_visitor();
    council.login_as("council").await;
    assert_eq!(
        council
            .get(&format!("/visits/{first}"))
            .await
            .status()
            .as_u16(),
        403
    );
    assert_eq!(council.get("/visits").await.status().as_u16(), 403);
    // The owner's liaison opens the visit that decided its work, but may not edit it.
    assert_eq!(
        water_app
            .get(&format!("/visits/{first}"))
            .await
            .status()
            .as_u16(),
        200
    );
    let r = water_app
        .post_form(&format!("/visits/{first}/findings"), &[("body", "x")])
        .await;
    assert_eq!(r.status().as_u16(), 403);
    assert_eq!(app.get("/visits/999999").await.status().as_u16(), 404);
}

#[tokio::test]
async fn staff_and_volunteers_are_recognised_with_a_certificate() {
    let app = TestApp::spawn().await;
    app.login_as("d14").await;
    let token = api_token(&app).await;
    let (d14, d6) = (district(&app, 14).await, district(&app, 6).await);
    let (_, people) = app.get_json("/api/v1/people?per_page=1").await;
    let person = people["items"][0]["id"].as_i64().unwrap();
    let name = people["items"][0]["full_name_fa"]
        .as_str()
        .unwrap()
        .to_string();
    let give = |body: Value| {
        app.client
            .post(app.url("/api/v1/recognitions"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    // Every field's error at once, and nothing recorded; another district's name is refused.
    let (_, before) = app
        .get_json(&format!("/api/v1/recognitions?district={d14}"))
        .await;
    let r = give(json!({"person": "", "kind": "council_service", "reason": "", "giver": "", "district_id": d14}))
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
    assert_eq!(fields, ["kind", "reason", "giver", "person"]);
    let r = give(json!({"person": format!("#{person}"), "kind": "staff", "reason": "x", "giver": "y", "district_id": d6}))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403, "district 6 is not d14's");
    let (_, after) = app
        .get_json(&format!("/api/v1/recognitions?district={d14}"))
        .await;
    assert_eq!(after["total"], before["total"]);

    // Given through the form: the certificate names the giver and the reason.
    let r = app
        .post_form(
            "/recognitions",
            &[
                ("person", &format!("#{person}")),
                ("kind", "staff"),
                ("reason", "پاسخ‌گویی شبانه‌روزی در روزهای بارندگی"),
                ("giver", "شهردار منطقه ۱۴"),
                ("given_on", &jalali_in(-2)),
                ("district_id", &d14.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let certificate = r.headers()["location"].to_str().unwrap().to_string();
    let (status, page) = app.get_text(&certificate).await;
    assert_eq!(status, 200);
    assert!(page.contains("پاسخ‌گویی شبانه‌روزی") && page.contains("شهردار منطقه ۱۴"));
    assert!(
        page.contains("در خدمت به شهروندان"),
        "the staff wording, not the council's"
    );
    // On the person's page and the district's.
    let (_, page) = app.get_text(&format!("/people/{person}")).await;
    assert!(page.contains(&certificate));
    let (_, page) = app.get_text(&format!("/districts/{d14}")).await;
    assert!(page.contains(&certificate));
    let (_, list) = app
        .get_json(&format!("/api/v1/recognitions?person={person}&kind=staff"))
        .await;
    assert_eq!(list["items"][0]["giver"], "شهردار منطقه ۱۴");
    assert!(list["items"][0]["certificate_no"]
        .as_str()
        .unwrap()
        .contains(&format!("/{d14:02}/")));

    // At a visit: in the visited district's name, listed on the visit's page.
    let visit = plan(&app, d14, 1, "بازدید برای قدردانی").await;
    let r = give(
        json!({"person": name, "kind": "volunteer", "reason": "همراهی در طرح همسایه مهربان",
        "giver": "معاون هماهنگی و امور مناطق", "visit_id": visit}),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 201, "{}", r.text().await.unwrap());
    let (_, page) = app.get_text(&format!("/visits/{visit}")).await;
    assert!(page.contains("همراهی در طرح همسایه مهربان"));
    let (_, list) = app
        .get_json(&format!("/api/v1/recognitions?visit={visit}"))
        .await;
    assert_eq!(list["total"], 1);
    let store = mahalle_db::Store::connect(&app.db_url).await.unwrap();
    let entries = mahalle_db::audit::recent(&store, 20).await.unwrap();
    assert_eq!(
        entries.iter().filter(|e| e.entity == "recognition").count(),
        2
    );

    // A council member recognises no one.
    let council = app.another_visitor();
    council.login_as("council").await;
    let r = council
        .post_form(
            "/recognitions",
            &[
                ("person", "#1"),
                ("kind", "staff"),
                ("reason", "x"),
                ("giver", "y"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
}

#[tokio::test]
async fn domain_reports_are_imported_from_a_sheet_after_a_preview() {
    let app = TestApp::spawn().await;
    app.login_as("d14").await;
    let token = api_token(&app).await;
    let district = district(&app, 14).await;
    let visit = plan(&app, district, 3, "بازدید با گزارش‌های اکسل").await;
    let (_, mine) = app
        .get_json(&format!(
            "/api/v1/challenges?district={district}&per_page=1"
        ))
        .await;
    let mine = mine["items"][0]["id"].as_i64().unwrap();
    let (_, all) = app.get_json("/api/v1/challenges?per_page=200").await;
    let foreign = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["district_id"].as_i64() != Some(district))
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let sheet = |second: String| {
        format!(
            "حوزه,مدیر حوزه,اقدامات,شاخص‌ها,چالش‌ها\r\nعمرانی,مهندس رضا احمدی,آسفالت ۱۲ کوچه,\"کوچه‌های آسفالت‌شده: ۱۲\nمعابر: ۲\",{mine}\r\nخدمات شهری,خانم مریم رضایی,لایروبی جوی‌ها,,{second}\r\n"
        )
        .into_bytes()
    };
    let import = |bytes: Vec<u8>, dry: bool| {
        app.client
            .post(app.url(&format!(
                "/api/v1/visits/{visit}/reports/import?filename=r.csv&dry_run={dry}"
            )))
            .bearer_auth(&token)
            .body(bytes)
            .send()
    };
    // Another district's challenge on row 3: nothing is recorded, the row and column are named.
    let r = import(sheet(foreign.to_string()), false).await.unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let out: Value = r.json().await.unwrap();
    assert_eq!(
        (
            out["errors"][0]["line"].as_i64(),
            out["errors"][0]["column"].as_str()
        ),
        (Some(3), Some("challenges"))
    );
    assert_eq!(out["valid"], 1);
    let (_, v) = app.get_json(&format!("/api/v1/visits/{visit}")).await;
    assert!(v["reports"].as_array().unwrap().is_empty());
    // A dry run records nothing; then both reports are recorded.
    let r = import(sheet(String::new()), true).await.unwrap();
    let out: Value = r.json().await.unwrap();
    assert_eq!(
        (out["valid"].as_i64(), out["recorded"].as_i64()),
        (Some(2), Some(0))
    );
    let r = import(sheet(String::new()), false).await.unwrap();
    assert_eq!(r.json::<Value>().await.unwrap()["recorded"], 2);
    let (_, v) = app.get_json(&format!("/api/v1/visits/{visit}")).await;
    assert_eq!(v["reports"].as_array().unwrap().len(), 2);
    assert_eq!(v["raised_challenges"][0]["challenge_id"], mine);

    // The page shows the preview first; recording replaces each domain's report.
    let csrf = app.csrf().await;
    let file = reqwest::multipart::Part::bytes(
        "حوزه,مدیر حوزه,اقدامات\r\nعمرانی,مهندس علی کاظمی,بهسازی پیاده‌روها\r\n"
            .as_bytes()
            .to_vec(),
    )
    .file_name("reports.csv");
    let r = app
        .client
        .post(app.url(&format!("/visits/{visit}/reports/import")))
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
    assert!(page.contains("ثبت همه گزارش‌ها") && page.contains("مهندس علی کاظمی"));
    let (_, v) = app.get_json(&format!("/api/v1/visits/{visit}")).await;
    assert_eq!(
        v["reports"][0]["manager"], "مهندس رضا احمدی",
        "nothing recorded before the commit"
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
            &format!("/visits/{visit}/reports/import/commit"),
            &[("filename", "reports.csv"), ("payload", &payload)],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, v) = app.get_json(&format!("/api/v1/visits/{visit}")).await;
    let civil = v["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["domain"] == "civil_works")
        .unwrap();
    assert_eq!(civil["manager"], "مهندس علی کاظمی");
}
