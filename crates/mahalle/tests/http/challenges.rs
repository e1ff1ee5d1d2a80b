//! Challenges grow up: a workflow decided in core with its history, priority with a reason, an
//! owner, and council endorsements that order a neighborhood's list.

use mahalle_db::{Sql, Store};
use serde_json::{json, Value};

use crate::helpers::{api_token, TestApp};

/// A challenge of the council member's neighborhood (پیروزی), made here: the test demo may
/// have none there.
async fn pirouzi_challenge(app: &TestApp, title: &str) -> i64 {
    let store = Store::connect(&app.db_url).await.unwrap();
    store
        .scalar(
            &Sql::new(
                "INSERT INTO challenges (district_id, neighborhood_id, domain, title, body, search_key, created_at, updated_at) \
                 SELECT n.district_id, n.id, 'urban_services', $1, '', $2, $3, $3 FROM neighborhoods n \
                 WHERE n.id = (SELECT neighborhood_id FROM user_roles WHERE role = 'council_member') RETURNING id",
            )
            .bind(title)
            .bind(mahalle_core::text::search_key(title))
            .bind(chrono::Utc::now()),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn a_challenge_goes_through_its_workflow_and_councils_endorse() {
    let app = TestApp::spawn().await;
    let first = pirouzi_challenge(&app, "آب‌گرفتگی معبر خیابان پیروزی").await;
    let second = pirouzi_challenge(&app, "کمبود روشنایی پارک محله").await;
    let twin = pirouzi_challenge(&app, "آبگرفتگی معبر در خیابان پیروزی").await;

    // The district's mayor decides its course, one step at a time.
    app.login_as("d14").await;
    let token = api_token(&app).await;
    let call = |method: reqwest::Method, path: String, body: Value| {
        app.client
            .request(method, app.url(&path))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let status = |to: &str, reason: &str| {
        call(
            reqwest::Method::POST,
            format!("/api/v1/challenges/{first}/status"),
            json!({"status": to, "reason": reason}),
        )
    };
    assert_eq!(
        status("planned", "").await.unwrap().status().as_u16(),
        422,
        "no skipping"
    );
    let r = status("accepted", "").await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "accepted");
    assert_eq!(
        status("rejected", "").await.unwrap().status().as_u16(),
        422,
        "a reason to reject"
    );
    let r = app
        .post_form(
            &format!("/challenges/{first}/status"),
            &[
                ("status", "rejected"),
                ("reason", "در حوزه وظایف شرکت آب و فاضلاب است"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = app.get_text(&format!("/challenges/{first}")).await;
    assert!(page.contains("ردشده") && page.contains("در حوزه وظایف شرکت آب و فاضلاب است"));
    assert!(
        page.contains(&format!("/challenges/{twin}")),
        "its likely duplicate is shown"
    );
    assert!(
        !page.contains(&format!("/challenges/{second}\"")),
        "not an unrelated one"
    );
    let (_, rejected) = app
        .get_json("/api/v1/challenges?status=rejected&district=14")
        .await;
    assert!(rejected["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["id"] == first));

    // Priority needs its reason above normal; the owner must be a current organisation.
    let details = |body: Value| {
        call(
            reqwest::Method::PUT,
            format!("/api/v1/challenges/{second}/details"),
            body,
        )
    };
    let r = details(json!({"source": "council", "priority": "urgent"}))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let water = crate::helpers::org_id(&app, "AG-WATER").await;
    let r = details(json!({"source": "council", "priority": "urgent", "priority_reason": "خطر برای کودکان", "owner_org_id": water}))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let c: Value = r.json().await.unwrap();
    assert_eq!(
        (
            c["priority"].as_str(),
            c["source"].as_str(),
            c["owner_org_id"].as_i64()
        ),
        (Some("urgent"), Some("council"), Some(water))
    );

    // The neighborhood's council member endorses, once; endorsed needs come first.
    let council = app.another_visitor();
    council.login_as("council").await;
    let r = council
        .post_form(&format!("/challenges/{second}/endorsement"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = council
        .post_form(&format!("/challenges/{second}/endorsement"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 422, "once");
    let (_, other) = council
        .get_json("/api/v1/challenges?district=6&per_page=1")
        .await;
    if let Some(c) = other["items"].as_array().unwrap().first() {
        let r = council
            .post_form(&format!("/challenges/{}/endorsement", c["id"]), &[])
            .await;
        assert_eq!(r.status().as_u16(), 403, "not another neighborhood's");
    }
    let neighborhood = c["neighborhood_id"].as_i64().unwrap();
    let (_, list) = app
        .get_json(&format!(
            "/api/v1/challenges?neighborhood={neighborhood}&sort=endorsements&dir=desc"
        ))
        .await;
    assert_eq!(list["items"][0]["id"], second);
    assert_eq!(list["items"][0]["endorsements"], 1);
    // Anyone sees the neighborhood's challenges and what became of them, without links to the
    // staff's pages.
    let anonymous = app.another_visitor();
    let (_, public) = anonymous
        .get_text(&format!("/neighborhoods/{neighborhood}"))
        .await;
    assert!(public.contains("کمبود روشنایی پارک محله") && public.contains("ردشده"));
    assert!(!public.contains(&format!("/challenges/{first}")));
    // Raising one: its likely duplicate is named first and nothing is saved until confirmed.
    let n = neighborhood.to_string();
    let form = |confirm: &'static str| {
        vec![
            ("neighborhood_id", n.clone()),
            ("domain", "urban_services".to_string()),
            ("title", "آبگرفتگی معبر خیابان پیروزی".to_string()),
            ("source", "council".to_string()),
            ("confirm", confirm.to_string()),
        ]
    };
    let council = &council;
    let raise = |confirm: &'static str| {
        let fields = form(confirm);
        async move {
            let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            council.post_form("/challenges", &refs).await
        }
    };
    let r = raise("").await;
    assert_eq!(r.status().as_u16(), 422);
    let body = r.text().await.unwrap();
    assert!(
        body.contains(&format!(
            "#{}",
            mahalle_core::text::to_persian_digits(&first.to_string())
        )),
        "names the duplicate"
    );
    assert!(body.contains("name=\"confirm\""), "offers to save anyway");
    let r = raise("1").await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, other) = council
        .get_json("/api/v1/neighborhoods?district=6&per_page=1")
        .await;
    let r = council
        .post_form(
            "/challenges",
            &[
                ("neighborhood_id", &other["items"][0]["id"].to_string()),
                ("domain", "social"),
                ("title", "کمبود فضای سبز"),
                ("source", "council"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403, "not another neighborhood");
    // Only the district's secretariat decides.
    let r = council
        .post_form(
            &format!("/challenges/{second}/status"),
            &[("status", "accepted")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
}

#[tokio::test]
async fn a_think_tank_records_its_outcomes_as_challenges_of_its_neighborhood() {
    let app = TestApp::spawn().await;
    let store = Store::connect(&app.db_url).await.unwrap();
    // The demo's think-tank session of پیروزی's pillars, and another neighborhood of district 14.
    let (meeting, pirouzi): (i64, i64) = store
        .fetch_one(&Sql::new(
            "SELECT id, neighborhood_id FROM meetings WHERE kind = 'think_tank' AND neighborhood_id = \
             (SELECT neighborhood_id FROM user_roles WHERE role = 'council_member')",
        ))
        .await
        .unwrap();
    let other = store
        .scalar(
            &Sql::new(
                "SELECT MIN(id) FROM neighborhoods WHERE district_id = (SELECT district_id FROM neighborhoods WHERE id = $1) AND id <> $1",
            )
            .bind(pirouzi),
        )
        .await
        .unwrap();

    app.login_as("council").await;
    let (status, page) = app.get_text(&format!("/meetings/{meeting}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("ثبت یک برآمد جلسه به‌عنوان چالش محله"));
    let (m, n) = (meeting.to_string(), pirouzi.to_string());
    let r = app
        .post_form(
            "/challenges",
            &[
                ("meeting_id", &m),
                ("neighborhood_id", &n),
                ("domain", "cultural"),
                ("title", "برگزاری جشنواره محله‌ای کتاب‌خوانی کودکان"),
                ("body", "پیشنهاد معتمدان در نشست هم‌اندیشی"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        r.headers()["location"],
        format!("/meetings/{meeting}#challenges").as_str()
    );
    let (_, page) = app.get_text(&format!("/meetings/{meeting}")).await;
    assert!(page.contains("برگزاری جشنواره محله‌ای کتاب‌خوانی کودکان"));
    let (_, list) = app
        .get_json(&format!(
            "/api/v1/challenges?neighborhood={pirouzi}&per_page=200"
        ))
        .await;
    let made = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["title"] == "برگزاری جشنواره محله‌ای کتاب‌خوانی کودکان")
        .expect("the challenge")
        .clone();
    assert_eq!(made["meeting_id"], meeting);
    assert_eq!(made["source"], "think_tank", "the meeting's kind");
    let (_, page) = app.get_text(&format!("/challenges/{}", made["id"])).await;
    assert!(page.contains(&format!("/meetings/{meeting}")));

    // A neighborhood's meeting records challenges of that neighborhood only; no such meeting.
    let d14 = app.another_visitor();
    d14.login_as("d14").await;
    let o = other.to_string();
    for (meeting_id, neighborhood) in [(m.as_str(), o.as_str()), ("999999", n.as_str())] {
        let r = d14
            .post_form(
                "/challenges",
                &[
                    ("meeting_id", meeting_id),
                    ("neighborhood_id", neighborhood),
                    ("domain", "social"),
                    ("title", "چالشی که نباید ثبت شود"),
                ],
            )
            .await;
        assert_eq!(r.status().as_u16(), 422, "{meeting_id} {neighborhood}");
    }
    assert_eq!(
        store
            .scalar(&Sql::new(
                "SELECT COUNT(*) FROM challenges WHERE title = 'چالشی که نباید ثبت شود'"
            ))
            .await
            .unwrap(),
        0
    );
}
