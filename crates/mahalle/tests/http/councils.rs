//! Council terms and elections: departures filled by alternates, officers, closing, a new term
//! and its election — refused whole when the votes do not add up — over the API and the page.

use serde_json::{json, Value};

use crate::helpers::{api_token, urlencode, TestApp};

struct Api<'a> {
    app: &'a TestApp,
    token: String,
}

impl Api<'_> {
    async fn send(&self, method: reqwest::Method, path: &str, body: Value) -> (u16, Value) {
        let r = self
            .app
            .client
            .request(method, self.app.url(path))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        (r.status().as_u16(), r.json().await.unwrap_or(Value::Null))
    }
    async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, body).await
    }
}

fn sitting(term: &Value) -> Vec<&Value> {
    term["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["ends_on"].is_null())
        .collect()
}

#[tokio::test]
async fn a_council_term_from_resignation_to_the_next_election() {
    let app = TestApp::spawn().await;
    app.login_as("d14").await;
    let api = Api {
        app: &app,
        token: api_token(&app).await,
    };
    let (_, list) = app
        .get_json(&format!("/api/v1/neighborhoods?q={}", urlencode("پیروزی")))
        .await;
    let (_, n) = app
        .get_json(&format!("/api/v1/neighborhoods/{}", list["items"][0]["id"]))
        .await;
    let council = n["council"]["id"].as_i64().unwrap();
    let (status, terms) = app.get_json(&format!("/api/v1/councils/{council}")).await;
    assert_eq!(status, 200);
    let current = &terms[0];
    assert_eq!(
        current["candidates"].as_array().unwrap().len(),
        8,
        "the demo's election"
    );
    assert!(
        terms[1]["closed_on"].is_string(),
        "the former term is closed"
    );
    let today = mahalle_web::today().to_string();

    // A member resigns: the first alternate takes the seat the same day.
    let members = sitting(current);
    let leaving = members.iter().find(|m| m["role"] == "member").unwrap();
    let alternate = members.iter().find(|m| m["role"] == "alternate").unwrap();
    let (status, e) = api
        .post(
            &format!("/api/v1/memberships/{}/departure", leaving["id"]),
            json!({"departure": "quit", "on": "", "reason": ""}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(e["error"]["fields"].as_array().unwrap().len(), 3, "{e}");
    let (status, terms) = api
        .post(
            &format!("/api/v1/memberships/{}/departure", leaving["id"]),
            json!({"departure": "resigned", "on": today, "reason": "نامه استعفا به تاریخ امروز"}),
        )
        .await;
    assert_eq!(status, 200, "{terms}");
    let now = sitting(&terms[0]);
    assert_eq!(now.len(), 7, "seven seats, no alternate left");
    assert!(now
        .iter()
        .any(|m| m["person_id"] == alternate["person_id"] && m["role"] == "member"));
    assert!(terms[0]["members"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["id"] == leaving["id"] && m["departure"] == "resigned"));

    // One chair at a time.
    let chair = now.iter().find(|m| m["role"] == "chair").unwrap();
    let other = now.iter().find(|m| m["role"] == "member").unwrap();
    let path = |m: &Value| format!("/api/v1/memberships/{}/role", m["id"]);
    let (status, _) = api
        .send(reqwest::Method::PUT, &path(other), json!({"role": "chair"}))
        .await;
    assert_eq!(status, 422);
    let (status, _) = api
        .send(
            reqwest::Method::PUT,
            &path(chair),
            json!({"role": "member"}),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = api
        .send(reqwest::Method::PUT, &path(other), json!({"role": "chair"}))
        .await;
    assert_eq!(status, 200);

    // Closed once; the next term may not overlap it.
    let term = current["id"].as_i64().unwrap();
    let (status, terms) = api
        .post(
            &format!("/api/v1/terms/{term}/close"),
            json!({"closed_on": today}),
        )
        .await;
    assert_eq!(status, 200);
    assert!(sitting(&terms[0]).is_empty(), "everyone moved to history");
    let (status, _) = api
        .post(
            &format!("/api/v1/terms/{term}/close"),
            json!({"closed_on": today}),
        )
        .await;
    assert_eq!(status, 422);
    let (status, _) = api
        .post(
            &format!("/api/v1/councils/{council}/terms"),
            json!({"starts_on": "2026-01-01"}),
        )
        .await;
    assert_eq!(status, 422, "overlaps the closed term");
    let (status, made) = api
        .post(
            &format!("/api/v1/councils/{council}/terms"),
            json!({"starts_on": today, "seats": "۳", "alternates": 1}),
        )
        .await;
    assert_eq!(status, 201);
    let next = made["id"].as_i64().unwrap();

    // The election: refused whole when it does not add up, on the page as in the API.
    let (_, people) = app.get_json("/api/v1/people?per_page=6&sort=id").await;
    let ids: Vec<i64> = people["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    let election = |votes: &[i64]| {
        json!({"election_on": today, "ballots": 100, "candidates":
            ids.iter().zip(votes).map(|(p, v)| json!({"person_id": p, "votes": v})).collect::<Vec<_>>()})
    };
    for (votes, says) in [
        (vec![101, 1, 1, 1, 1], "votes must be between"),
        (vec![90, 90, 90, 90, 1], "do not add up"),
        (vec![50, 40, 30, 30, 1], "lot"),
    ] {
        let (status, e) = api
            .post(&format!("/api/v1/terms/{next}/election"), election(&votes))
            .await;
        assert_eq!(status, 422, "{votes:?}");
        assert!(e.to_string().contains(says), "{says}: {e}");
    }
    let r = app
        .post_form(
            &format!("/terms/{next}/election"),
            &[
                (
                    "election_on",
                    &mahalle_core::jalali::format_numeric(mahalle_web::today(), true),
                ),
                ("ballots", "۱۰۰"),
                ("candidates", &format!("#{} | ۵۰\nکسی که نیست | ۴۰", ids[0])),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("کسی که نیست"));
    let lines = ids
        .iter()
        .zip([50, 40, 30, 30, 1])
        .enumerate()
        .map(|(i, (p, v))| format!("#{p} | {v} | {}", i + 1))
        .collect::<Vec<_>>()
        .join("\n");
    let r = app
        .post_form(
            &format!("/terms/{next}/election"),
            &[
                ("election_on", &today),
                ("ballots", "100"),
                ("candidates", &lines),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, terms) = app.get_json(&format!("/api/v1/councils/{council}")).await;
    let t = &terms[0];
    assert_eq!(t["ballots"], 100);
    let roles: Vec<(i64, &str)> = sitting(t)
        .iter()
        .map(|m| {
            (
                m["person_id"].as_i64().unwrap(),
                m["role"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        roles.iter().filter(|r| r.1 == "member").count(),
        3,
        "{roles:?}"
    );
    assert!(
        roles.contains(&(ids[3], "alternate")),
        "equal votes ordered by lot: the fourth is the alternate: {roles:?}"
    );
    let (status, _) = api
        .post(
            &format!("/api/v1/terms/{next}/election"),
            election(&[5, 4, 3, 2, 1]),
        )
        .await;
    assert_eq!(status, 422, "recorded once");
    let (_, page) = app.get_text(&format!("/councils/{council}")).await;
    assert!(page.contains("استعفا") && page.contains("نامه استعفا به تاریخ امروز"));

    // City-wide elections are all or none: with terms still running, none opens.
    let admin = app.another_visitor();
    admin.login_as("admin").await;
    let admin = Api {
        app: &admin,
        token: api_token(&admin).await,
    };
    let (status, e) = admin
        .post("/api/v1/councils/terms", json!({"starts_on": today}))
        .await;
    assert_eq!(status, 422);
    assert!(e.to_string().contains("no term was opened"), "{e}");
    let (_, again) = app.get_json(&format!("/api/v1/councils/{council}")).await;
    assert_eq!(again.as_array().unwrap().len(), 3);
    let (status, _) = api
        .post("/api/v1/councils/terms", json!({"starts_on": today}))
        .await;
    assert_eq!(
        status, 403,
        "a district mayor does not open the city's elections"
    );
}

#[tokio::test]
async fn a_change_of_term_thanks_the_former_and_onboards_the_new() {
    let app = TestApp::spawn().await;
    app.login_as("d14").await;
    let api = Api {
        app: &app,
        token: api_token(&app).await,
    };
    let (_, list) = app.get_json("/api/v1/councils?district=14").await;
    let council = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["awaiting_thanks"].as_i64().unwrap() >= 2)
        .expect("a council of district 14 with former members awaiting thanks")
        .clone();
    let id = council["body_id"].as_i64().unwrap();
    let (_, terms) = app.get_json(&format!("/api/v1/councils/{id}")).await;
    let former = &terms[1];
    let waiting: Vec<&Value> = former["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["thanked_on"].is_null())
        .collect();
    // One thanked from the page: a numbered certificate in Persian with a Jalali date.
    let one = waiting[0];
    let r = app
        .post_form(&format!("/memberships/{}/thanks", one["id"]), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (status, again) = api
        .post(
            &format!("/api/v1/memberships/{}/recognition", one["id"]),
            json!({}),
        )
        .await;
    assert_eq!(status, 422, "thanked once: {again}");
    let (_, page) = app.get_text(&format!("/councils/{id}")).await;
    let at = page.find("/recognitions/").expect("a certificate link");
    let rid: String = page[at + 14..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let (status, cert) = app
        .get_text(&format!("/recognitions/{rid}/certificate"))
        .await;
    assert_eq!(status, 200);
    assert!(cert.contains("تقدیرنامه"));
    assert!(cert.contains(one["full_name_fa"].as_str().unwrap()));
    assert!(cert.contains("دوره ۵"), "the term in Persian digits");
    let year = mahalle_core::text::to_persian_digits(
        &mahalle_core::jalali::JalaliDate::from_gregorian(mahalle_web::today())
            .year
            .to_string(),
    );
    assert!(
        cert.contains(&format!("{year}/۱۴/")),
        "certificate number: year/district/…"
    );
    // The rest at once.
    let (status, done) = api
        .post(
            &format!("/api/v1/terms/{}/recognitions", former["id"]),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        done["thanked"].as_u64().unwrap() as usize,
        waiting.len() - 1
    );
    let (_, list) = app.get_json("/api/v1/councils?district=14").await;
    let now = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["body_id"] == id)
        .unwrap();
    assert_eq!(now["awaiting_thanks"], 0);

    // A new member's onboarding: orientation, contact, and an account for the neighborhood.
    let member = terms[0]["members"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "member" && m["ends_on"].is_null())
        .unwrap()
        .clone();
    let mid = member["id"].as_i64().unwrap();
    let (status, _) = api
        .post(
            &format!("/api/v1/memberships/{mid}/onboarding"),
            json!({"step": "orientation"}),
        )
        .await;
    assert_eq!(status, 200);
    let r = app
        .post_form(
            &format!("/memberships/{mid}/onboarding"),
            &[("step", "contact")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (status, _) = api
        .post(
            &format!("/api/v1/memberships/{mid}/onboarding"),
            json!({"step": "orientation", "on": "2099-01-01"}),
        )
        .await;
    assert_eq!(status, 422, "not in the future");
    let (status, account) = api
        .post(&format!("/api/v1/memberships/{mid}/account"), json!({}))
        .await;
    assert_eq!(status, 201);
    let username = account["username"].as_str().unwrap().to_string();
    assert_eq!(username, format!("shura-{}", member["person_id"]));
    let newcomer = app.another_visitor();
    let r = newcomer
        .login(&username, account["password"].as_str().unwrap())
        .await;
    assert_eq!(r.status().as_u16(), 303, "the new member signs in");
    let (_, me) = newcomer.get_json("/api/v1/me").await;
    assert!(me.to_string().contains("council_member"), "{me}");
    let (_, terms) = app.get_json(&format!("/api/v1/councils/{id}")).await;
    let row = terms[0]["onboarding"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["membership_id"] == mid)
        .unwrap()
        .clone();
    assert!(row["orientation_on"].is_string() && row["contact_verified_on"].is_string());
    assert_eq!(row["username"], username.as_str());
    let (_, list) = app.get_json("/api/v1/councils?district=14").await;
    let now = list
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["body_id"] == id)
        .unwrap();
    assert!(now["onboarded"].as_i64().unwrap() >= 1);

    // When their service ends, their council account is closed.
    let (status, _) = api
        .post(
            &format!("/api/v1/memberships/{mid}/departure"),
            json!({"departure": "resigned", "on": mahalle_web::today().to_string(), "reason": "استعفا"}),
        )
        .await;
    assert_eq!(status, 200);
    let later = app.another_visitor();
    let r = later
        .login(&username, account["password"].as_str().unwrap())
        .await;
    assert_ne!(
        r.status().as_u16(),
        303,
        "the former member's account is closed"
    );
    let (status, _) = newcomer.get_json("/api/v1/me").await;
    assert_eq!(status, 401, "and their session ended");
}
