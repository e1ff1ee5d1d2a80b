//! Residents' priority polls: a council opens one, residents get a code by text message or in
//! person and vote once, the counts stay hidden until the results are published with turnout,
//! and the council and the district answer. No stored row ties a vote to a voter.

use std::sync::Arc;

use mahalle_db::{Sql, Store};
use mahalle_web::http::texts::Texts;
use mahalle_web::notifications::Mailbox;
use mahalle_web::WebConfig;
use serde_json::{json, Value};

use crate::helpers::{api_token, fresh_database, jalali_in, urlencode, TestApp};

async fn with_texts() -> (TestApp, Mailbox) {
    let mailbox = Mailbox::new();
    let web = WebConfig {
        texts: Texts::new(Arc::new(mailbox.clone()), Some("sms.test".into())),
        ..WebConfig::default()
    };
    let app = TestApp::spawn_with(&fresh_database().await, web).await;
    (app, mailbox)
}

async fn pirouzi(app: &TestApp) -> i64 {
    let (_, list) = app
        .get_json(&format!("/api/v1/neighborhoods?q={}", urlencode("پیروزی")))
        .await;
    list["items"][0]["id"].as_i64().unwrap()
}

/// The code in the last text message to this number, in Latin digits.
fn code_sent_to(mailbox: &Mailbox, mobile: &str) -> String {
    let m = mailbox
        .messages()
        .into_iter()
        .rev()
        .find(|m| m.to == format!("{mobile}@sms.test"))
        .expect("a text to the number");
    let latin = mahalle_core::text::to_latin_digits(&m.body);
    let digits: String = latin
        .split(|c: char| !c.is_ascii_digit())
        .find(|w| w.len() == 6)
        .expect("a six-digit code")
        .into();
    digits
}

fn poll_id(r: &reqwest::Response) -> i64 {
    let loc = r.headers()["location"].to_str().unwrap();
    loc.trim_start_matches("/polls/").parse().unwrap()
}

#[tokio::test]
async fn a_neighborhood_poll_from_opening_to_answered_results() {
    let (app, mailbox) = with_texts().await;
    let n = pirouzi(&app).await;
    app.login_as("council").await;
    let place = format!("n{n}");

    // Bad input changes nothing: a period backwards, one option.
    let r = app
        .post_form(
            "/polls",
            &[
                ("place", &place),
                ("title", "اولویت محله"),
                ("opens_on", &jalali_in(3)),
                ("closes_on", &jalali_in(1)),
                ("options", "فقط یک گزینه"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("روز پایان نظرسنجی پیش از روز آغاز آن است"));
    assert!(page.contains("نظرسنجی ۲ تا ۳۰ گزینه دارد"));

    let r = app
        .post_form(
            "/polls",
            &[
                ("place", &place),
                ("title", "اولویت‌های محله پیروزی"),
                ("question", "کدام کار زودتر انجام شود؟"),
                ("opens_on", &jalali_in(0)),
                ("closes_on", &jalali_in(10)),
                ("max_choices", "۲"),
                (
                    "options",
                    "زمین بازی کودکان\nپیاده‌روسازی خیابان اصلی\nروشنایی کوچه‌ها",
                ),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let id = poll_id(&r);

    // A resident, not signed in, asks for a code and votes with it.
    let resident = app.another_visitor();
    let (status, page) = resident.get_text(&format!("/polls/{id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("پیاده‌روسازی خیابان اصلی") && page.contains("/vote"));
    let (_, detail) = resident.get_json(&format!("/api/v1/polls/{id}")).await;
    assert_eq!(detail["phase"], "open");
    let opts: Vec<i64> = detail["options"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_i64().unwrap())
        .collect();
    assert_eq!(opts.len(), 3);

    let r = resident
        .post_form(&format!("/polls/{id}/code"), &[("mobile", "۰۹۱۲ ۱۲۳ ۴۵۶۷")])
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains("۰۹۱۲***۴۵۶۷"));
    let code = code_sent_to(&mailbox, "09121234567");
    let r = resident
        .post_form(&format!("/polls/{id}/code"), &[("mobile", "09121234567")])
        .await;
    assert_eq!(r.status().as_u16(), 422, "one code a minute");

    let wrong = if code == "000000" { "111111" } else { "000000" };
    let o = |i: usize| opts[i].to_string();
    let r = resident
        .post_form(
            &format!("/polls/{id}/vote"),
            &[
                ("mobile", "09121234567"),
                ("code", wrong),
                ("option", &o(0)),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("کد درست نیست"));
    let r = resident
        .post_form(
            &format!("/polls/{id}/vote"),
            &[
                ("mobile", "09121234567"),
                ("code", &code),
                ("option", &o(0)),
                ("option", &o(1)),
                ("option", &o(2)),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422, "at most two");
    let r = resident
        .post_form(
            &format!("/polls/{id}/vote"),
            &[
                ("mobile", "09121234567"),
                ("code", &code),
                ("option", &o(0)),
                ("option", &o(1)),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = resident
        .post_form(
            &format!("/polls/{id}/vote"),
            &[
                ("mobile", "09121234567"),
                ("code", &code),
                ("option", &o(2)),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422, "a second vote");
    // Whoever types a number that voted is told nothing: the page looks the same, no text goes.
    let sent = mailbox.messages().len();
    let r = resident
        .post_form(
            &format!("/polls/{id}/code"),
            &[("mobile", "+98 912 123 4567")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains("۰۹۱۲***۴۵۶۷"));
    assert_eq!(mailbox.messages().len(), sent, "no code after voting");

    // Another resident through the API, as a resident's app would.
    let api = reqwest::Client::new();
    let r = api
        .post(app.url(&format!("/api/v1/polls/{id}/codes")))
        .json(&json!({"mobile": "09351112233"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 202);
    let code = code_sent_to(&mailbox, "09351112233");
    let r = api
        .post(app.url(&format!("/api/v1/polls/{id}/votes")))
        .json(&json!({"mobile": "09351112233", "code": code, "options": [opts[0]]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);

    // Five wrong tries spend a code, even sent at once.
    let r = api
        .post(app.url(&format!("/api/v1/polls/{id}/codes")))
        .json(&json!({"mobile": "09357778899"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 202);
    let right = code_sent_to(&mailbox, "09357778899");
    let guesses: Vec<_> = (0..6)
        .map(|i| {
            let guess = format!("{:06}", (right.parse::<u32>().unwrap() + 1 + i) % 1_000_000);
            let send = api
                .post(app.url(&format!("/api/v1/polls/{id}/votes")))
                .json(&json!({"mobile": "09357778899", "code": guess, "options": [opts[0]]}))
                .send();
            tokio::spawn(send)
        })
        .collect();
    for g in guesses {
        assert_eq!(g.await.unwrap().unwrap().status().as_u16(), 422);
    }
    let r = api
        .post(app.url(&format!("/api/v1/polls/{id}/votes")))
        .json(&json!({"mobile": "09357778899", "code": right, "options": [opts[0]]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422, "the code is spent");

    // A third at the neighborhood house, by national code, with a code the council hands over.
    let r = app
        .post_form(
            &format!("/polls/{id}/in-person"),
            &[("identity", "0013542418")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422, "a wrong check digit");
    let r = app
        .post_form(
            &format!("/polls/{id}/in-person"),
            &[("identity", "۰۰۱۳۵۴۲۴۱۹")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let page = mahalle_core::text::to_latin_digits(&r.text().await.unwrap());
    let at = page.find("class=\"code\">").expect("the code is shown") + 13;
    let code: String = page[at..at + 6].into();
    let r = resident
        .post_form(
            &format!("/polls/{id}/vote"),
            &[("mobile", "0013542419"), ("code", &code), ("option", &o(2))],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);

    // While open nobody sees counts, the council neither; publishing waits for the end.
    let (_, detail) = app.get_json(&format!("/api/v1/polls/{id}")).await;
    assert_eq!(detail["poll"]["voters"], 3);
    assert!(detail["results"].is_null());
    let r = app.post_form(&format!("/polls/{id}/publish"), &[]).await;
    assert_eq!(r.status().as_u16(), 422);

    // The poll ends.
    let store = Store::connect(&app.db_url).await.unwrap();
    let past = mahalle_web::today() - chrono::Duration::days(1);
    store
        .execute(
            &Sql::new("UPDATE polls SET opens_on = $2, closes_on = $2 WHERE id = $1")
                .bind(id)
                .bind(past),
        )
        .await
        .unwrap();
    let r = api
        .post(app.url(&format!("/api/v1/polls/{id}/votes")))
        .json(&json!({"mobile": "09351112234", "code": "123456", "options": [opts[0]]}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422, "voting has ended");
    let (_, detail) = resident.get_json(&format!("/api/v1/polls/{id}")).await;
    assert!(detail["results"].is_null(), "not public before publishing");
    let (_, detail) = app.get_json(&format!("/api/v1/polls/{id}")).await;
    assert_eq!(detail["results"]["voters"], 3, "the council sees them");

    let r = app.post_form(&format!("/polls/{id}/publish"), &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, detail) = resident.get_json(&format!("/api/v1/polls/{id}")).await;
    let res = &detail["results"];
    assert_eq!(detail["phase"], "published");
    assert_eq!(
        (res["by_text"].as_i64(), res["in_person"].as_i64()),
        (Some(2), Some(1))
    );
    let ranked: Vec<(i64, i64, i64)> = res["ranked"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_i64().unwrap(),
                r["votes"].as_i64().unwrap(),
                r["share_permille"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        ranked,
        vec![(opts[0], 2, 667), (opts[1], 1, 333), (opts[2], 1, 333)]
    );
    // Turnout: the three voters per mille of the place's population, rounded.
    let population = detail["poll"]["population"]
        .as_i64()
        .expect("the demo's neighborhoods have a population");
    assert!(population > 0);
    assert_eq!(
        res["turnout_permille"].as_i64(),
        Some((3 * 1000 + population / 2) / population)
    );

    // The council answers; the district's answer is the district's.
    let r = app
        .post_form(
            &format!("/polls/{id}/answer"),
            &[
                ("by", "council"),
                ("answer", "زمین بازی در بودجه سال آینده پیشنهاد شد."),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let r = app
        .post_form(
            &format!("/polls/{id}/answer"),
            &[("by", "district"), ("answer", "پاسخ منطقه")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 403);
    let (_, page) = resident.get_text(&format!("/polls/{id}")).await;
    assert!(page.contains("زمین بازی در بودجه سال آینده پیشنهاد شد."));
    assert!(page.contains("<progress"));

    // Secrecy: voters are keyed hashes with a day; votes are counts; the audit names neither.
    let keys: Vec<(String,)> = store
        .fetch_all(&Sql::new("SELECT voter_key FROM poll_voters WHERE poll_id = $1").bind(id))
        .await
        .unwrap();
    assert_eq!(keys.len(), 3);
    assert!(keys
        .iter()
        .all(|(k,)| k.len() == 64 && !k.contains("4567") && !k.contains("2419")));
    let audit: Vec<(Option<i64>, Option<String>)> = store
        .fetch_all(&Sql::new(
            "SELECT user_id, after FROM audit_log WHERE entity = 'poll' AND action = 'vote'",
        ))
        .await
        .unwrap();
    assert_eq!(audit.len(), 3);
    assert!(audit.iter().all(|(u, a)| u.is_none() && a.is_none()));
}

#[tokio::test]
async fn who_opens_and_edits_polls() {
    let app = TestApp::spawn().await;
    let n = pirouzi(&app).await;
    let poll = |place: String, opens: i64| {
        json!({
            "neighborhood_id": place,
            "title": "نظرسنجی آزمایشی",
            "opens_on": jalali_in(opens),
            "closes_on": jalali_in(opens + 7),
            "options": "گزینه یک\nگزینه دو",
        })
    };
    let send = |token: String, method: reqwest::Method, path: String, body: Value| {
        let client = app.client.clone();
        let url = app.url(&path);
        async move {
            let r = client
                .request(method, url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap();
            (
                r.status().as_u16(),
                r.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    app.login_as("viewer").await;
    let token = api_token(&app).await;
    let (status, _) = send(
        token,
        reqwest::Method::POST,
        "/api/v1/polls".into(),
        poll(n.to_string(), 1),
    )
    .await;
    assert_eq!(status, 403, "a viewer opens no poll");

    let council = app.another_visitor();
    council.login_as("council").await;
    let token = api_token(&council).await;
    let (_, other) = app.get_json("/api/v1/neighborhoods?district=1").await;
    let elsewhere = other["items"][0]["id"].as_i64().unwrap();
    let (status, _) = send(
        token.clone(),
        reqwest::Method::POST,
        "/api/v1/polls".into(),
        poll(elsewhere.to_string(), 1),
    )
    .await;
    assert_eq!(status, 403, "a council member only in their neighborhood");
    let (status, made) = send(
        token.clone(),
        reqwest::Method::POST,
        "/api/v1/polls".into(),
        poll(n.to_string(), 1),
    )
    .await;
    assert_eq!(status, 201);
    let id = made["id"].as_i64().unwrap();

    // Before its first day it is edited; once open it is not.
    let mut changed = poll(n.to_string(), 2);
    changed["title"] = json!("نظرسنجی ویرایش‌شده");
    let (status, detail) = send(
        token.clone(),
        reqwest::Method::PUT,
        format!("/api/v1/polls/{id}"),
        changed.clone(),
    )
    .await;
    assert_eq!(status, 200, "{detail}");
    assert_eq!(detail["poll"]["title"], "نظرسنجی ویرایش‌شده");
    assert_eq!(detail["phase"], "scheduled");
    let (status, made) = send(
        token.clone(),
        reqwest::Method::POST,
        "/api/v1/polls".into(),
        poll(n.to_string(), 0),
    )
    .await;
    assert_eq!(status, 201);
    let open = made["id"].as_i64().unwrap();
    let (status, body) = send(
        token.clone(),
        reqwest::Method::PUT,
        format!("/api/v1/polls/{open}"),
        changed,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["error"]["fields"][0]["field"], "opens_on", "{body}");

    // Without a text gateway a resident is sent to the neighborhood house.
    let r = reqwest::Client::new()
        .post(app.url(&format!("/api/v1/polls/{open}/codes")))
        .json(&json!({"mobile": "09121234567"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("neighborhood house"));

    // The district's mayor opens a poll of the whole district; the list shows both kinds.
    let d14 = app.another_visitor();
    d14.login_as("d14").await;
    let token = api_token(&d14).await;
    let (_, d) = app.get_json("/api/v1/districts?q=14").await;
    let district = d["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["number"] == 14)
        .unwrap()["id"]
        .clone();
    let body = json!({"district_id": district, "title": "اولویت منطقه", "opens_on": jalali_in(0),
        "closes_on": jalali_in(30), "options": "الف\nب"});
    let (status, _) = send(token, reqwest::Method::POST, "/api/v1/polls".into(), body).await;
    assert_eq!(status, 201);
    let (status, page) = app.get_text("/polls?phase=open").await;
    assert_eq!(status, 200);
    assert!(page.contains("اولویت منطقه") && page.contains("/polls/"));
}
