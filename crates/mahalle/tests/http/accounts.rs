//! Accounts: sign-in enforced, sessions in the database (shared by several servers), CSRF on every
//! form, scoped roles, API tokens.

use crate::helpers::{new_client, TestApp};

#[tokio::test]
async fn anonymous_visitors_see_only_public_pages() {
    let app = TestApp::spawn().await;
    let r = app.get("/people").await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/login?next=/people");
    assert_eq!(app.get("/account").await.status().as_u16(), 303);
    let (s, json) = app.get_json("/api/v1/me").await;
    assert_eq!(s, 401);
    assert_eq!(json["error"]["code"], "unauthorized");
    assert_eq!(app.get("/districts").await.status().as_u16(), 200);
    // Contact details of people are not on public pages.
    let (_, home) = app.get_text("/").await;
    assert!(!home.contains("href=\"/people\""));
}

#[tokio::test]
async fn sign_in_sign_out() {
    let app = TestApp::spawn().await;
    let r = app.login("admin", "wrong password!").await;
    assert_eq!(r.status().as_u16(), 401);
    assert!(r
        .text()
        .await
        .unwrap()
        .contains("نام کاربری یا گذرواژه نادرست است"));
    assert_eq!(app.get("/people").await.status().as_u16(), 303);

    let r = app
        .post_form(
            "/login",
            &[
                ("username", "Admin"),
                ("password", crate::helpers::PASSWORD),
                ("next", "/people?page=2"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/people?page=2");
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("mahalle_session="))
        .unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let (s, body) = app.get_text("/people").await;
    assert_eq!(s, 200);
    assert!(body.contains("مدیر سامانه"), "signed-in name in the header");

    let r = app.post_form("/logout", &[]).await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(
        app.get("/people").await.status().as_u16(),
        303,
        "signed out"
    );
}

#[tokio::test]
async fn sessions_are_shared_by_servers_on_one_database() {
    let a = TestApp::spawn().await;
    let b = TestApp::spawn_on(&a.db_url).await;
    // Sign in on server A, then present A's session cookie to server B.
    let r = a.login("mayor", crate::helpers::PASSWORD).await;
    assert_eq!(r.status().as_u16(), 303);
    let session = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("mahalle_session="))
        .unwrap();
    let pair = session.split(';').next().unwrap().to_string();
    let r = new_client()
        .get(b.url("/api/v1/me"))
        .header("cookie", pair)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let me: serde_json::Value = r.json().await.unwrap();
    assert_eq!(me["user"]["username"], "mayor");
    assert_eq!(me["grants"][0]["role"], "mayor_office");
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    let app = TestApp::spawn().await;
    app.csrf().await; // the client now holds the cookie, but will not send the field
    let r = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("username", "admin"),
            ("password", crate::helpers::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = app
        .client
        .post(app.url("/login"))
        .form(&[
            ("csrf", "0".repeat(64).as_str()),
            ("username", "admin"),
            ("password", crate::helpers::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    assert!(r.text().await.unwrap().contains("فرم منقضی شده است"));
    assert_eq!(
        app.get("/people").await.status().as_u16(),
        303,
        "still signed out"
    );
}

#[tokio::test]
async fn repeated_failures_are_throttled() {
    let app = TestApp::spawn().await;
    for _ in 0..mahalle_web::accounts::ops::MAX_FAILURES {
        assert_eq!(
            app.login("viewer", "not the password")
                .await
                .status()
                .as_u16(),
            401
        );
    }
    // Even the right password waits now.
    assert_eq!(
        app.login("viewer", crate::helpers::PASSWORD)
            .await
            .status()
            .as_u16(),
        429
    );
    // Other accounts are unaffected.
    assert_eq!(
        app.login("admin", crate::helpers::PASSWORD)
            .await
            .status()
            .as_u16(),
        303
    );
}

#[tokio::test]
async fn only_admins_manage_users_and_scopes_are_checked() {
    let app = TestApp::spawn().await;
    app.login_as("d14").await;
    assert_eq!(app.get("/admin/users").await.status().as_u16(), 403);

    let admin = TestApp::spawn_on(&app.db_url).await;
    admin.login_as("admin").await;
    let (s, body) = admin.get_text("/admin/users").await;
    assert_eq!(s, 200);
    assert!(body.contains("d14") && body.contains("شهردار منطقه"));
    // A district mayor without a district is refused with a message, and nothing is created.
    let r = admin
        .post_form(
            "/admin/users",
            &[
                ("username", "mayor7"),
                ("display_name", "شهردار منطقه ۷"),
                ("password", "a good long password"),
                ("role", "district_mayor"),
                ("scope_id", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("این نقش به شناسه منطقه"));
    let r = admin
        .post_form(
            "/admin/users",
            &[
                ("username", "mayor7"),
                ("display_name", "شهردار منطقه ۷"),
                ("password", "short"),
                ("role", "viewer"),
                ("scope_id", ""),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("گذرواژه باید دست‌کم ۱۰"));
    let r = admin
        .post_form(
            "/admin/users",
            &[
                ("username", "mayor7"),
                ("display_name", "شهردار منطقه ۷"),
                ("password", "a good long password"),
                ("role", "district_mayor"),
                ("scope_id", "۷"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let body = r.text().await.unwrap();
    assert!(
        body.contains("ذخیره شد") && body.contains("create user"),
        "saved, and in the audit log"
    );
    let newcomer = TestApp::spawn_on(&app.db_url).await;
    newcomer.login("mayor7", "a good long password").await;
    let (_, me) = newcomer.get_json("/api/v1/me").await;
    assert_eq!(me["grants"][0]["scope"]["kind"], "district");
    assert_eq!(me["grants"][0]["scope"]["id"], 7);
    // Usernames are unique.
    let r = admin
        .post_form(
            "/admin/users",
            &[
                ("username", "Mayor7"),
                ("display_name", "x"),
                ("password", "a good long password"),
                ("role", "viewer"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("پیش‌تر گرفته شده"));
}

#[tokio::test]
async fn api_tokens_for_machine_clients() {
    let app = TestApp::spawn().await;
    app.login_as("water").await;
    let r = app
        .post_form("/account/tokens", &[("name", "GIS sync")])
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(r.headers()["cache-control"], "no-store");
    let body = r.text().await.unwrap();
    let start = body.find("mht_").expect("token shown once");
    let token = body[start..start + 68].to_string();

    let machine = new_client();
    let me = |t: String| machine.get(app.url("/api/v1/me")).bearer_auth(t).send();
    let r = me(token.clone()).await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let json: serde_json::Value = r.json().await.unwrap();
    assert_eq!(json["user"]["username"], "water");
    let r = machine
        .get(app.url("/api/v1/people?per_page=1"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(me("mht_wrong".into()).await.unwrap().status().as_u16(), 401);

    // The token page no longer shows the secret; revoking ends its use.
    let (_, page) = app.get_text("/account").await;
    assert!(!page.contains(&token) && page.contains("GIS sync"));
    let id_marker = "/account/tokens/";
    let id_start = page.find(id_marker).unwrap() + id_marker.len();
    let id: String = page[id_start..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let r = app
        .post_form(&format!("/account/tokens/{id}/revoke"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(me(token).await.unwrap().status().as_u16(), 401);
}

#[tokio::test]
async fn administrators_list_and_create_accounts_through_the_api() {
    let admin = TestApp::spawn().await;
    admin.login_as("admin").await;
    let token = crate::helpers::api_token(&admin).await;
    let api = new_client();
    let create = |body: serde_json::Value| {
        api.post(admin.url("/api/v1/users"))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let r = create(serde_json::json!({
        "username": "liaison9", "display_name": "رابط", "password": "short", "role": "district_mayor"
    }))
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let err: serde_json::Value = r.json().await.unwrap();
    assert_eq!(err["error"]["fields"][0]["field"], "scope_id", "{err}");
    let r = create(serde_json::json!({
        "username": "mayor9", "display_name": "شهردار منطقه ۹", "password": "a good long password",
        "role": "district_mayor", "scope_id": 9
    }))
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let id = r.json::<serde_json::Value>().await.unwrap()["id"].clone();
    let (status, users) = admin.get_json("/api/v1/users").await;
    assert_eq!(status, 200);
    let d9 = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["user"]["id"] == id)
        .expect("listed");
    assert_eq!(d9["grants"][0]["scope"]["id"], 9);
    let (_, page) = admin.get_text("/admin/users").await;
    assert!(page.contains("شهردار منطقه ۹"), "on the users page too");
    let newcomer = TestApp::spawn_on(&admin.db_url).await;
    assert_eq!(
        newcomer
            .login("mayor9", "a good long password")
            .await
            .status()
            .as_u16(),
        303
    );

    // Nobody else lists or creates accounts.
    let mayor = TestApp::spawn_on(&admin.db_url).await;
    mayor.login_as("mayor").await;
    assert_eq!(mayor.get("/api/v1/users").await.status().as_u16(), 403);
    let mayor_token = crate::helpers::api_token(&mayor).await;
    let r = api
        .post(admin.url("/api/v1/users"))
        .bearer_auth(&mayor_token)
        .json(&serde_json::json!({
            "username": "x1", "display_name": "x", "password": "a good long password", "role": "admin"
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
}

#[tokio::test]
async fn redirects_after_sign_in_and_language_switch_stay_on_the_site() {
    let app = TestApp::spawn().await;
    for hostile in [
        "/%09/evil.example",
        "/%0A/evil.example",
        "//evil.example",
        "/%5Cevil.example",
        "https://evil.example",
    ] {
        let r = app.get(&format!("/settings/lang/en?next={hostile}")).await;
        assert_eq!(r.status().as_u16(), 303, "{hostile}");
        assert_eq!(r.headers()["location"], "/", "{hostile}");
    }
    // A Persian search survives the switch, encoded.
    let r = app
        .get("/settings/lang/fa?next=/resolutions%3Fq%3D%D8%A2%D8%A8%20%D8%B4%D8%B1%D8%A8")
        .await;
    assert_eq!(
        r.headers()["location"],
        "/resolutions?q=%D8%A2%D8%A8%20%D8%B4%D8%B1%D8%A8"
    );
    let r = app
        .post_form(
            "/login",
            &[
                ("username", "mayor"),
                ("password", crate::helpers::PASSWORD),
                ("next", "/\t/evil.example"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(r.headers()["location"], "/");
}

/// Throttling counts an account from one address, and one address over all accounts; nobody
/// else's failures lock a user out. Addresses come from a trusted proxy's X-Forwarded-For.
#[tokio::test]
async fn throttling_is_per_address_so_others_cannot_lock_a_user_out() {
    let db = crate::helpers::fresh_database().await;
    let web = mahalle_web::WebConfig {
        trusted_proxies: mahalle_core::forwarded::parse_list("127.0.0.1/32,::1/128").unwrap(),
        ..Default::default()
    };
    let app = TestApp::spawn_with(&db, web).await;
    let csrf = app.csrf().await;
    let login = |from: &'static str, user: String, password: &'static str| {
        let csrf = csrf.clone();
        let app = &app;
        async move {
            app.client
                .post(app.url("/login"))
                .header("x-forwarded-for", from)
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("username", user.as_str()),
                    ("password", password),
                    ("next", "/"),
                ])
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let wrong = "not the password";
    for _ in 0..mahalle_web::accounts::ops::MAX_FAILURES {
        assert_eq!(login("203.0.113.5", "viewer".into(), wrong).await, 401);
    }
    assert_eq!(
        login("203.0.113.5", "viewer".into(), crate::helpers::PASSWORD).await,
        429
    );
    // The real user, elsewhere, still signs in.
    assert_eq!(
        login("198.51.100.7", "viewer".into(), crate::helpers::PASSWORD).await,
        303
    );

    // Spraying one password over many (unknown) usernames from one address is stopped too, and
    // an IPv6 subscriber's /64 counts as one address.
    let per_address = mahalle_web::accounts::ops::MAX_FAILURES_PER_ADDRESS;
    for i in 0..per_address {
        let from = if i % 2 == 0 {
            "2001:db8:5:6::1"
        } else {
            "2001:db8:5:6::ffff"
        };
        assert_eq!(
            login(from, format!("nobody{i}"), wrong).await,
            401,
            "attempt {i}"
        );
    }
    assert_eq!(
        login("2001:db8:5:6::42", "admin".into(), crate::helpers::PASSWORD).await,
        429
    );
    assert_eq!(
        login("2001:db8:5:7::1", "admin".into(), crate::helpers::PASSWORD).await,
        303
    );
}

/// Behind HTTPS (`--secure-cookies`) both cookies are Secure and pages send HSTS; without it,
/// neither (plain-HTTP development must keep working).
#[tokio::test]
async fn secure_cookies_and_hsts_behind_https() {
    let db = crate::helpers::fresh_database().await;
    let secure = TestApp::spawn_with(
        &db,
        mahalle_web::WebConfig {
            secure_cookies: true,
            ..Default::default()
        },
    )
    .await;
    let r = secure.get("/login").await;
    assert_eq!(r.headers()["strict-transport-security"], "max-age=31536000");
    let csrf_cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("mahalle_csrf") || c.to_lowercase().contains("csrf"))
        .expect("a CSRF cookie");
    assert!(csrf_cookie.contains("Secure"), "{csrf_cookie}");
    let r = secure.login("admin", crate::helpers::PASSWORD).await;
    let session = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| !c.to_lowercase().contains("csrf"))
        .expect("a session cookie");
    assert!(
        session.contains("Secure") && session.contains("HttpOnly"),
        "{session}"
    );

    let plain = TestApp::spawn_on(&db).await;
    let r = plain.get("/login").await;
    assert!(r.headers().get("strict-transport-security").is_none());
    assert!(r
        .headers()
        .get_all("set-cookie")
        .iter()
        .all(|v| !v.to_str().unwrap().contains("Secure")));
}

#[tokio::test]
async fn read_tokens_only_read_and_tokens_can_expire() {
    let app = TestApp::spawn().await;
    app.login_as("mayor").await;
    let read = crate::helpers::scoped_token(&app, "read").await;
    let write = crate::helpers::scoped_token(&app, "write").await;
    let api = new_client();
    let r = api
        .get(app.url("/api/v1/resolutions?per_page=1"))
        .bearer_auth(&read)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200, "a read token reads");
    let meeting = serde_json::json!({"body_id": 1, "title": "x"});
    let r = api
        .post(app.url("/api/v1/meetings"))
        .bearer_auth(&read)
        .json(&meeting)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let err: serde_json::Value = r.json().await.unwrap();
    assert_eq!(err["error"]["code"], "read_only_token");
    assert!(err["error"]["message_fa"]
        .as_str()
        .unwrap()
        .contains("فقط اجازه خواندن"));
    // Not through a page either: a read token is refused any change wherever it is shown.
    let r = api
        .post(app.url("/logout"))
        .bearer_auth(&read)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    // A write token may change things (this one is refused for its input, not its scope).
    let r = api
        .post(app.url("/api/v1/meetings"))
        .bearer_auth(&write)
        .json(&meeting)
        .send()
        .await
        .unwrap();
    assert_ne!(r.status().as_u16(), 403);

    // Tokens are listed with their scope and expiry, never their secret.
    let r = api
        .get(app.url("/api/v1/tokens"))
        .bearer_auth(&read)
        .send()
        .await
        .unwrap();
    let list: serde_json::Value = r.json().await.unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert!(
        list.iter().any(|t| t["scope"] == "read") && list.iter().any(|t| t["scope"] == "write")
    );
    assert!(
        list.iter().all(|t| t["expires_at"].is_string()),
        "30 days from the form"
    );
    assert!(!serde_json::to_string(list).unwrap().contains(&read[4..]));

    // Tokens made through the API: read unless asked, bounded expiry, secret once.
    let new = |body: serde_json::Value| {
        api.post(app.url("/api/v1/tokens"))
            .bearer_auth(&write)
            .json(&body)
            .send()
    };
    let r = new(serde_json::json!({"name": "gis", "expires_in_days": 0}))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let r = new(serde_json::json!({"name": "gis", "scope": "root"}))
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 422);
    let r = new(serde_json::json!({"name": "gis"})).await.unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let made: serde_json::Value = r.json().await.unwrap();
    let gis = made["secret"].as_str().unwrap().to_string();
    let r = api
        .delete(app.url(&format!("/api/v1/tokens/{}", made["id"])))
        .bearer_auth(&gis)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403, "a read token cannot even revoke");
    let r = api
        .delete(app.url(&format!("/api/v1/tokens/{}", made["id"])))
        .bearer_auth(&write)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    let r = api
        .get(app.url("/api/v1/me"))
        .bearer_auth(&gis)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);

    // The account page's form refuses a bad expiry with a message, keeping the other tokens.
    let r = app
        .post_form(
            "/account/tokens",
            &[
                ("name", "x"),
                ("scope", "read"),
                ("expires_in_days", "۹۹۹۹۹"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let page = r.text().await.unwrap();
    assert!(page.contains("اعتبار توکن باید بین"), "Persian message");
    assert!(
        page.contains("<td>gis</td>"),
        "the revoked token is still listed"
    );
    assert_eq!(
        page.matches("action=\"/account/tokens/").count(),
        2,
        "two live tokens"
    );
}

#[tokio::test]
async fn administrators_offboard_an_account_and_revoke_its_secrets() {
    let admin = TestApp::spawn().await;
    admin.login_as("admin").await;
    let water = TestApp::spawn_on(&admin.db_url).await;
    water.login_as("water").await;
    let water_token = crate::helpers::api_token(&water).await;
    let api = new_client();
    let me = |t: &str| {
        api.get(admin.url("/api/v1/me"))
            .bearer_auth(t.to_string())
            .send()
    };
    let (_, users) = admin.get_json("/api/v1/users").await;
    let uid = |name: &str| {
        users
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["user"]["username"] == name)
            .unwrap()["user"]["id"]
            .as_i64()
            .unwrap()
    };
    let (water_id, admin_id) = (uid("water"), uid("admin"));

    // Others' tokens: administrators see them, nobody else does.
    let admin_token = crate::helpers::api_token(&admin).await;
    let r = api
        .get(admin.url(&format!("/api/v1/tokens?user_id={water_id}")))
        .bearer_auth(&admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let listed: serde_json::Value = r.json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let r = api
        .get(admin.url(&format!("/api/v1/tokens?user_id={admin_id}")))
        .bearer_auth(&water_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 403);
    let r = api
        .delete(admin.url(&format!(
            "/api/v1/tokens/{}",
            listed[0]["id"].as_i64().unwrap() + 1
        )))
        .bearer_auth(&water_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404, "another's token is not found");
    assert_eq!(me(&admin_token).await.unwrap().status().as_u16(), 200);

    // The user's page shows roles, tokens and the way out.
    let (status, page) = admin.get_text(&format!("/admin/users/{water_id}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("@water") && page.contains("/deactivate"));
    assert!(page.contains(&format!("/admin/users/{water_id}/tokens/")));
    assert_eq!(
        water
            .get(&format!("/admin/users/{water_id}"))
            .await
            .status()
            .as_u16(),
        403
    );
    // Roles are added and removed there, each audited; scopes are checked.
    let r = admin
        .post_form(
            &format!("/admin/users/{water_id}/roles"),
            &[("role", "district_mayor")],
        )
        .await;
    assert_eq!(
        r.status().as_u16(),
        422,
        "a district mayor needs a district"
    );
    let r = admin
        .post_form(
            &format!("/admin/users/{water_id}/roles"),
            &[("role", "viewer")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 303);
    let (_, page) = admin.get_text(&format!("/admin/users/{water_id}")).await;
    assert!(page.contains("name=\"role\" value=\"viewer\""));
    // Administrators cannot close their own account or drop their own role.
    let r = admin
        .post_form(&format!("/admin/users/{admin_id}/deactivate"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 422);
    let r = admin
        .post_form(
            &format!("/admin/users/{admin_id}/roles/remove"),
            &[("role", "admin")],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);

    // Offboarding: roles gone, sessions ended, tokens revoked, sign-in refused, audited.
    let r = admin
        .post_form(&format!("/admin/users/{water_id}/deactivate"), &[])
        .await;
    assert_eq!(r.status().as_u16(), 303);
    assert_eq!(me(&water_token).await.unwrap().status().as_u16(), 401);
    let r = water.get("/account").await;
    assert_eq!(r.status().as_u16(), 303, "the session ended");
    let again = water.another_visitor();
    assert_eq!(
        again
            .login("water", crate::helpers::PASSWORD)
            .await
            .status()
            .as_u16(),
        401
    );
    let (_, page) = admin.get_text(&format!("/admin/users/{water_id}")).await;
    assert!(page.contains("/reactivate") && page.contains("این حساب غیرفعال است"));
    let (_, users) = admin.get_json("/api/v1/users").await;
    let w = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["user"]["id"] == water_id)
        .unwrap();
    assert_eq!(w["user"]["active"], false);
    assert_eq!(w["grants"].as_array().unwrap().len(), 0);
    let (_, page) = admin.get_text("/admin/users").await;
    assert!(
        page.contains(&format!("deactivate user #{water_id}")),
        "in the audit log"
    );

    // Reactivated through the API, with no roles until given.
    let r = api
        .post(admin.url(&format!("/api/v1/users/{water_id}/reactivate")))
        .bearer_auth(&admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    assert_eq!(
        again
            .login("water", crate::helpers::PASSWORD)
            .await
            .status()
            .as_u16(),
        303
    );
    assert_eq!(
        me(&water_token).await.unwrap().status().as_u16(),
        401,
        "old tokens stay revoked"
    );
    let r = api
        .post(admin.url(&format!("/api/v1/users/{water_id}/roles")))
        .bearer_auth(&admin_token)
        .json(&serde_json::json!({"role": "viewer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    let r = api
        .delete(admin.url(&format!("/api/v1/users/{water_id}/roles?role=viewer")))
        .bearer_auth(&admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    let r = api
        .delete(admin.url(&format!("/api/v1/users/{water_id}/roles?role=viewer")))
        .bearer_auth(&admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404, "no such role any more");
    let r = api
        .post(admin.url("/api/v1/users/987654/deactivate"))
        .bearer_auth(&admin_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test]
async fn users_change_their_own_password() {
    let app = TestApp::spawn().await;
    app.login_as("water").await;
    let elsewhere = TestApp::spawn_on(&app.db_url).await;
    elsewhere.login_as("water").await;
    let token = crate::helpers::api_token(&app).await;
    let api = new_client();
    let me = || api.get(app.url("/api/v1/me")).bearer_auth(&token).send();

    let r = app
        .post_form(
            "/account/password",
            &[
                ("current_password", "wrong one!!"),
                ("new_password", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    assert!(r.text().await.unwrap().contains("گذرواژه کنونی درست نیست"));
    let r = app
        .post_form(
            "/account/password",
            &[
                ("current_password", crate::helpers::PASSWORD),
                ("new_password", "short"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 422);
    // Changed: this browser stays signed in, the other session ends, the token lives on.
    let r = app
        .post_form(
            "/account/password",
            &[
                ("current_password", crate::helpers::PASSWORD),
                ("new_password", "a brand new password"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    assert!(r.text().await.unwrap().contains("گذرواژه تغییر کرد"));
    assert_eq!(app.get("/account").await.status().as_u16(), 200);
    assert_eq!(elsewhere.get("/account").await.status().as_u16(), 303);
    assert_eq!(me().await.unwrap().status().as_u16(), 200);
    // Changed again through the API, ending the tokens too.
    let r = api
        .put(app.url("/api/v1/me/password"))
        .bearer_auth(&token)
        .json(&serde_json::json!({"current_password": "a brand new password", "new_password": "and another password", "end_secrets": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 204);
    assert_eq!(me().await.unwrap().status().as_u16(), 401);
    let fresh = app.another_visitor();
    assert_eq!(
        fresh
            .login("water", "and another password")
            .await
            .status()
            .as_u16(),
        303
    );
}

/// Found by schemathesis: a role for an account or a district that does not exist was a 500.
#[tokio::test]
async fn roles_for_missing_accounts_or_scopes_are_refused_not_failed() {
    let app = TestApp::spawn().await;
    app.login_as("admin").await;
    let token = crate::helpers::api_token(&app).await;
    let api = crate::helpers::new_client();
    let send = |user: i64, body: serde_json::Value| {
        api.post(app.url(&format!("/api/v1/users/{user}/roles")))
            .bearer_auth(&token)
            .json(&body)
            .send()
    };
    let r = send(
        9_223_372_036_854_775_806,
        serde_json::json!({ "role": "admin", "scope_id": 0 }),
    )
    .await
    .unwrap();
    assert_eq!(r.status().as_u16(), 404);
    let store = mahalle_db::Store::connect(&app.db_url).await.unwrap();
    let (viewer,): (i64,) = store
        .fetch_one(&mahalle_db::Sql::new(
            "SELECT id FROM users WHERE username = 'viewer'",
        ))
        .await
        .unwrap();
    let r = send(
        viewer,
        serde_json::json!({ "role": "district_mayor", "scope_id": 987_654 }),
    )
    .await
    .unwrap();
    let status = r.status().as_u16();
    let body: serde_json::Value = r.json().await.unwrap();
    assert!(matches!(status, 404 | 422), "{status} {body}");
    assert!(body["error"]["message_fa"].is_string());
}
