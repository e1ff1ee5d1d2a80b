//! Delegation of authority: a power handed over works for the person it went to only while it
//! is in force — from its first day to its last, until revoked, while its giver still holds it —
//! the actions taken through it name it, and nobody delegates more than they hold or passes a
//! power on unless allowed.

use serde_json::{json, Value};

use crate::helpers::{api_token, jalali_in, TestApp};

async fn post(app: &TestApp, token: &str, path: &str, body: Value) -> (u16, Value) {
    let r = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn get(app: &TestApp, token: &str, path: &str) -> (u16, Value) {
    let r = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

async fn scalar(app: &TestApp, sql: &str) -> i64 {
    let store = mahalle_db::Store::connect(&app.db_url).await.unwrap();
    store.scalar(&mahalle_db::Sql::new(sql)).await.unwrap()
}

async fn execute(app: &TestApp, sql: &str) {
    let store = mahalle_db::Store::connect(&app.db_url).await.unwrap();
    store.execute(&mahalle_db::Sql::new(sql)).await.unwrap();
}

/// A signed-in visitor's write token.
async fn token_of(app: &TestApp, user: &str) -> String {
    let v = app.another_visitor();
    v.login_as(user).await;
    api_token(&v).await
}

#[tokio::test]
async fn a_delegated_power_works_until_revoked_and_names_itself_on_what_it_did() {
    let app = TestApp::spawn().await;
    let (d14, deputy, mayor) = (
        token_of(&app, "d14").await,
        token_of(&app, "d14deputy").await,
        token_of(&app, "mayor").await,
    );
    let deputy_id = scalar(&app, "SELECT id FROM users WHERE username = 'd14deputy'").await;
    let expert_id = scalar(&app, "SELECT id FROM users WHERE username = 'water14'").await;
    let d14_id = scalar(&app, "SELECT id FROM users WHERE username = 'd14'").await;
    let meeting = scalar(&app, "SELECT MIN(id) FROM meetings WHERE district_id = 14").await;
    let resolution = |n: i64| {
        json!({"title": format!("بند آزمایشی {n}"), "domain": "social", "lead_org_id": null,
               "district_id": 14, "deadline": jalali_in(60), "item_number": 900 + n})
    };
    let lead = scalar(&app, "SELECT id FROM organisations WHERE code = 'AG-WATER'").await;
    let resolution = |n: i64| {
        let mut r = resolution(n);
        r["lead_org_id"] = json!(lead);
        r
    };
    let path = format!("/api/v1/meetings/{meeting}/resolutions");

    // The deputy (a viewer) cannot file the district's resolutions on their own.
    let (s, _) = post(&app, &deputy, &path, resolution(1)).await;
    assert_eq!(s, 403);

    // Nobody delegates more than they hold; every refusal says why, in both languages.
    let delegation = |power: &str, district: Option<i64>, org: Option<i64>, to: i64| {
        json!({"to_user_id": to, "power": power, "district_id": district, "organisation_id": org,
               "ends_on": jalali_in(30), "note": "ابلاغ آزمایشی"})
    };
    for (body, words) in [
        (
            delegation("create_resolutions", Some(6), None, deputy_id),
            ["do not hold", "ندارید"],
        ),
        (
            delegation("create_resolutions", None, None, deputy_id),
            ["do not hold", "ندارید"],
        ),
        (
            delegation("act_for_organisation", None, Some(lead), deputy_id),
            ["do not hold", "ندارید"],
        ),
        (
            delegation("create_resolutions", Some(14), None, d14_id),
            ["someone else", "کس دیگری"],
        ),
        (
            json!({"to_user_id": deputy_id, "power": "create_resolutions", "district_id": 14,
                   "starts_on": jalali_in(5), "ends_on": jalali_in(2)}),
            ["end before", "پیش از آغاز"],
        ),
        (
            json!({"to_user_id": deputy_id, "power": "create_resolutions", "district_id": 14,
                   "starts_on": jalali_in(-9), "ends_on": jalali_in(-2)}),
            ["already ended", "گذشته"],
        ),
        (
            json!({"to_user_id": 999999, "power": "rule_the_city", "ends_on": "1405/13/40"}),
            ["to_user_id", "power"],
        ),
    ] {
        let (s, b) = post(&app, &d14, "/api/v1/delegations", body).await;
        assert_eq!(s, 422, "{b}");
        for w in words {
            assert!(b.to_string().contains(w), "{w} in {b}");
        }
    }

    // The district mayor hands over the filing of district 14's resolutions for a month.
    let (s, made) = post(
        &app,
        &d14,
        "/api/v1/delegations",
        delegation("create_resolutions", Some(14), None, deputy_id),
    )
    .await;
    assert_eq!(s, 201, "{made}");
    let id = made["id"].as_i64().unwrap();
    let (s, r) = post(&app, &deputy, &path, resolution(2)).await;
    assert_eq!(s, 201, "{r}");
    let filed = r["id"].as_i64().unwrap();
    // Only within its scope: a resolution of another district is still refused.
    let mut elsewhere = resolution(3);
    elsewhere["district_id"] = json!(6);
    let (s, b) = post(&app, &deputy, &path, elsewhere).await;
    assert_eq!(s, 422, "{b}");

    // What was done through it is on its page and its audit row names it.
    let (s, d) = get(&app, &deputy, &format!("/api/v1/delegations/{id}")).await;
    assert_eq!(s, 200);
    assert_eq!(d["state"], "active");
    assert!(
        d["actions"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["entity"] == "resolution"
                && a["entity_id"] == filed
                && a["action"] == "create"),
        "{d}"
    );
    let r = app.another_visitor().get("/delegations").await;
    assert!(
        r.status().is_redirection() || r.status().as_u16() == 401,
        "the list needs signing in: {}",
        r.status()
    );
    // The district mayor's own filing names no delegation.
    let (s, own) = post(&app, &d14, &path, resolution(4)).await;
    assert_eq!(s, 201);
    let named = scalar(
        &app,
        &format!(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'resolution' AND entity_id = {} AND delegation_id IS NOT NULL",
            own["id"]
        ),
    )
    .await;
    assert_eq!(named, 0);

    // Not delegated onward unless allowed; outsiders do not see it.
    let (s, b) = post(
        &app,
        &deputy,
        "/api/v1/delegations",
        delegation("create_resolutions", Some(14), None, expert_id),
    )
    .await;
    assert_eq!(s, 422);
    assert!(b.to_string().contains("onward"), "{b}");
    let (s, _) = get(
        &app,
        &token_of(&app, "water").await,
        &format!("/api/v1/delegations/{id}"),
    )
    .await;
    assert_eq!(s, 404);
    let (_, mine) = get(&app, &deputy, "/api/v1/delegations?state=active").await;
    assert!(mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|x| x["id"] == id));
    let (s, _) = get(&app, &deputy, "/api/v1/delegations?state=forever").await;
    assert_eq!(s, 400);

    // Revoked — by the giver or the mayor's office, not by the one who received it — it stops.
    let revoke = format!("/api/v1/delegations/{id}/revoke");
    let (s, _) = post(&app, &deputy, &revoke, json!({"reason": "x"})).await;
    assert_eq!(s, 403);
    let (s, _) = post(&app, &mayor, &revoke, json!({"reason": "پایان مأموریت"})).await;
    assert_eq!(s, 200);
    let (s, b) = post(&app, &d14, &revoke, json!({})).await;
    assert_eq!(s, 422, "once: {b}");
    let (s, _) = post(&app, &deputy, &path, resolution(5)).await;
    assert_eq!(s, 403);
    let (_, d) = get(&app, &d14, &format!("/api/v1/delegations/{id}")).await;
    assert_eq!(d["state"], "revoked");
    assert_eq!(d["delegation"]["revoke_reason"], "پایان مأموریت");
}

#[tokio::test]
async fn acting_for_an_organisation_stops_at_expiry_and_when_the_giver_loses_the_role() {
    let app = TestApp::spawn().await;
    let expert = token_of(&app, "water14").await;
    let water = scalar(&app, "SELECT id FROM organisations WHERE code = 'AG-WATER'").await;
    let request = scalar(
        &app,
        &format!("SELECT MIN(id) FROM service_requests WHERE organisation_id = {water} AND status = 'submitted'"),
    )
    .await;
    let steps = format!("/api/v1/requests/{request}/steps");
    // The demo's delegation in force lets the company's district expert take its requests.
    let (s, b) = post(&app, &expert, &steps, json!({"action": "accept"})).await;
    assert_eq!(s, 200, "{b}");
    let used = scalar(
        &app,
        &format!(
            "SELECT COUNT(*) FROM audit_log a JOIN delegations d ON d.id = a.delegation_id \
             WHERE a.entity = 'service_request' AND a.entity_id = {request} AND a.action = 'accept' \
             AND d.power = 'act_for_organisation'"
        ),
    )
    .await;
    assert_eq!(used, 1, "the audit row names the delegation");

    // The page shows it with what was done, and the form offers only the powers one holds.
    let (_, listed) = get(&app, &expert, "/api/v1/delegations?state=active").await;
    let demo = listed["items"][0]["id"]
        .as_i64()
        .expect("the demo's delegation in force");
    let (_, me) = get(&app, &expert, "/api/v1/me").await;
    assert_eq!(me["delegated"][0]["id"], demo, "{me}");
    assert_eq!(me["delegated"][0]["power"], "act_for_organisation");
    assert_eq!(
        listed["total"], 1,
        "the revoked one is not in force: {listed}"
    );
    let page = app.another_visitor();
    page.login_as("water14").await;
    let (s, html) = page.get_text("/delegations?state=active").await;
    assert_eq!(s, 200);
    assert!(
        html.contains(&format!("href=\"/delegations/{demo}\"")),
        "{html}"
    );
    let (s, _) = page.get_text("/delegations/new").await;
    assert_eq!(s, 403, "nothing to delegate onward");
    let giver = app.another_visitor();
    giver.login_as("water").await;
    let (s, form) = giver.get_text("/delegations/new").await;
    assert_eq!(s, 200);
    assert!(form.contains("act_for_organisation") && !form.contains("create_resolutions"));

    // Once its last day has passed it no longer counts.
    let submitted = |n: usize| {
        let app = &app;
        async move {
            let store = mahalle_db::Store::connect(&app.db_url).await.unwrap();
            let ids: Vec<(i64,)> = store
                .fetch_all(&mahalle_db::Sql::new(&format!(
                    "SELECT id FROM service_requests WHERE organisation_id = {water} AND status = 'submitted' ORDER BY id"
                )))
                .await
                .unwrap();
            ids[n].0
        }
    };
    let steps = format!("/api/v1/requests/{}/steps", submitted(0).await);
    let yesterday = mahalle_web::today() - chrono::Duration::days(1);
    execute(
        &app,
        &format!("UPDATE delegations SET ends_on = '{yesterday}' WHERE id = {demo}"),
    )
    .await;
    let (s, _) = post(&app, &expert, &steps, json!({"action": "accept"})).await;
    assert_eq!(s, 403);
    let (_, l) = get(&app, &expert, "/api/v1/delegations?state=ended").await;
    assert!(
        l["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == demo),
        "{l}"
    );

    // In force again, it stops when the giver no longer holds the power…
    execute(
        &app,
        &format!(
            "UPDATE delegations SET ends_on = '{}' WHERE id = {demo}",
            mahalle_web::today() + chrono::Duration::days(10)
        ),
    )
    .await;
    let liaison = scalar(&app, "SELECT id FROM users WHERE username = 'water'").await;
    execute(
        &app,
        &format!("UPDATE user_roles SET role = 'viewer', organisation_id = NULL WHERE user_id = {liaison}"),
    )
    .await;
    let (s, _) = post(&app, &expert, &steps, json!({"action": "accept"})).await;
    assert_eq!(s, 403, "the liaison's role was taken away");
    let (_, d) = get(&app, &expert, &format!("/api/v1/delegations/{demo}")).await;
    assert_eq!(d["state"], "suspended", "{d}");
    // …counts again when the role is given back…
    execute(
        &app,
        &format!("UPDATE user_roles SET role = 'liaison', organisation_id = {water} WHERE user_id = {liaison}"),
    )
    .await;
    let (s, b) = post(&app, &expert, &steps, json!({"action": "accept"})).await;
    assert_eq!(s, 200, "{b}");
    // …and stops when the giver's account is closed.
    execute(
        &app,
        &format!("UPDATE users SET active = FALSE WHERE id = {liaison}"),
    )
    .await;
    let steps = format!("/api/v1/requests/{}/steps", submitted(0).await);
    let (s, _) = post(&app, &expert, &steps, json!({"action": "accept"})).await;
    assert_eq!(s, 403);
}

#[tokio::test]
async fn passed_on_it_decides_extensions_names_itself_and_falls_with_its_parent() {
    let app = TestApp::spawn().await;
    let (d14, deputy, expert, water) = (
        token_of(&app, "d14").await,
        token_of(&app, "d14deputy").await,
        token_of(&app, "water14").await,
        token_of(&app, "water").await,
    );
    let expert_id = scalar(&app, "SELECT id FROM users WHERE username = 'water14'").await;
    let water_org = scalar(&app, "SELECT id FROM organisations WHERE code = 'AG-WATER'").await;
    let open_resolution = |n: i64| {
        let app = &app;
        async move {
            scalar(
                app,
                &format!(
                    "SELECT id FROM resolutions WHERE district_id = 14 AND lead_org_id = {water_org} \
                     AND status = 'in_progress' ORDER BY id LIMIT 1 OFFSET {n}"
                ),
            )
            .await
        }
    };
    let (_, mine) = get(
        &app,
        &deputy,
        "/api/v1/delegations?state=active&power=decide_extensions",
    )
    .await;
    let parent = mine["items"][0]["id"]
        .as_i64()
        .expect("the demo's delegation to the deputy");
    assert_eq!(mine["items"][0]["may_redelegate"], true);

    // The deputy may pass it on (the demo's allows it), never for longer than it lasts; the
    // form offers only that power.
    let page = app.another_visitor();
    page.login_as("d14deputy").await;
    let (s, form) = page.get_text("/delegations/new").await;
    assert_eq!(s, 200);
    assert!(form.contains("decide_extensions") && !form.contains("create_resolutions"));
    let onward = |ends: String| {
        json!({"to_user_id": expert_id, "power": "decide_extensions", "district_id": 14,
               "ends_on": ends})
    };
    let (s, b) = post(&app, &deputy, "/api/v1/delegations", onward(jalali_in(400))).await;
    assert_eq!(s, 422);
    assert!(b.to_string().contains("outlast"), "{b}");
    let (s, made) = post(&app, &deputy, "/api/v1/delegations", onward(jalali_in(30))).await;
    assert_eq!(s, 201, "{made}");
    let child = made["id"].as_i64().unwrap();
    let (_, d) = get(&app, &expert, &format!("/api/v1/delegations/{child}")).await;
    assert_eq!(d["delegation"]["parent_id"], parent);

    // The expert asks for time for the company (by its delegation) but may not decide their
    // own request; one the liaison asked for, they decide, and the row names the delegation.
    let ask = json!({"new_deadline": "1420/01/01", "reason": "کمبود لوله در انبار"});
    let own = open_resolution(0).await;
    let (s, e) = post(
        &app,
        &expert,
        &format!("/api/v1/resolutions/{own}/extensions"),
        ask.clone(),
    )
    .await;
    assert_eq!(s, 201, "{e}");
    let decide = |id: &Value| format!("/api/v1/extensions/{id}/decision");
    let (s, b) = post(&app, &expert, &decide(&e["id"]), json!({"approve": true})).await;
    assert_eq!(s, 422);
    assert!(b.to_string().contains("asked for yourself"), "{b}");
    let other = open_resolution(1).await;
    let (s, e2) = post(
        &app,
        &water,
        &format!("/api/v1/resolutions/{other}/extensions"),
        ask,
    )
    .await;
    assert_eq!(s, 201, "{e2}");
    let (s, b) = post(&app, &expert, &decide(&e2["id"]), json!({"approve": true})).await;
    assert_eq!(s, 204, "{b}");
    let named = scalar(
        &app,
        &format!(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'resolution' AND entity_id = {other} \
             AND action = 'approve_extension' AND delegation_id = {child}"
        ),
    )
    .await;
    assert_eq!(named, 1);
    let (_, d) = get(&app, &deputy, &format!("/api/v1/delegations/{parent}")).await;
    assert!(
        d["onward"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == child),
        "{d}"
    );

    // Revoking the deputy's delegation revokes the one passed on from it.
    let (s, _) = post(
        &app,
        &d14,
        &format!("/api/v1/delegations/{parent}/revoke"),
        json!({"reason": "بازگشت شهردار"}),
    )
    .await;
    assert_eq!(s, 200);
    let (_, d) = get(&app, &expert, &format!("/api/v1/delegations/{child}")).await;
    assert_eq!(d["state"], "revoked", "{d}");
    let (s, _) = post(&app, &expert, &decide(&e["id"]), json!({"approve": true})).await;
    assert_eq!(s, 403);
}
