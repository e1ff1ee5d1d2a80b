use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use mahalle::server::Application;
use mahalle_db::Store;
use mahalle_web::WebConfig;
use reqwest::cookie::{CookieStore, Jar};
use reqwest::redirect::Policy;
use reqwest::{Client, Response};
use tokio::sync::OnceCell;

/// The demo city is loaded once per test run into a template; each test gets a copy.
static TEMPLATE: OnceCell<String> = OnceCell::const_new();
static COUNTER: AtomicUsize = AtomicUsize::new(0);

pub fn pg_url() -> Option<String> {
    std::env::var("MAHALLE_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

/// `postgres://…/db` with another database name.
fn with_db(url: &str, db: &str) -> String {
    let (base, _) = url.rsplit_once('/').expect("database URL has a path");
    format!("{base}/{db}")
}

async fn admin_exec(url: &str, sql: &str) {
    let store = Store::connect(url).await.expect("connect to PostgreSQL");
    store.execute(&mahalle_db::Sql::new(sql)).await.expect(sql);
    store.close().await;
}

/// Removes databases left by earlier test runs (other process ids), so the server stays tidy.
async fn drop_stale_databases(url: &str) {
    let store = Store::connect(url).await.expect("connect to PostgreSQL");
    let names: Vec<(String,)> = store
        .fetch_all(&mahalle_db::Sql::new(
            "SELECT datname FROM pg_database WHERE datname LIKE 'mahalle\\_t%'",
        ))
        .await
        .unwrap_or_default();
    let mine = format!("_{}_", std::process::id());
    for (name,) in names.into_iter().filter(|(n,)| !n.contains(&mine)) {
        let _ = store
            .execute(&mahalle_db::Sql::new(&format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .await;
    }
    store.close().await;
}

/// The password every demo account of the test city gets (the product generates one per
/// account and installation).
pub const PASSWORD: &str = "a test password, not the product's";

/// Builds the template once: a migrated database with the demo city.
async fn template() -> &'static str {
    TEMPLATE
        .get_or_init(|| async {
            match pg_url() {
                Some(url) => {
                    drop_stale_databases(&url).await;
                    let name = unique("mahalle_tpl");
                    admin_exec(&url, &format!("CREATE DATABASE {name}")).await;
                    let store = Store::connect(&with_db(&url, &name)).await.unwrap();
                    store.migrate().await.unwrap();
                    mahalle::demo::load_sized(
                        &store,
                        mahalle::demo::requests::RequestScale::SMALL,
                        mahalle::demo::Passwords::Same(crate::helpers::PASSWORD),
                    )
                    .await
                    .unwrap();
                    store.close().await;
                    name
                }
                None => {
                    let dir = std::env::temp_dir().join(unique("mahalle_tpl"));
                    std::fs::create_dir_all(&dir).unwrap();
                    let path = dir.join("template.db");
                    let work = dir.join("work.db");
                    let store = Store::connect(work.to_str().unwrap()).await.unwrap();
                    store.migrate().await.unwrap();
                    mahalle::demo::load_sized(
                        &store,
                        mahalle::demo::requests::RequestScale::SMALL,
                        mahalle::demo::Passwords::Same(crate::helpers::PASSWORD),
                    )
                    .await
                    .unwrap();
                    // A self-contained copy (no WAL file beside it) that tests can copy.
                    store
                        .execute(
                            &mahalle_db::Sql::new("VACUUM INTO $1").bind(path.to_str().unwrap()),
                        )
                        .await
                        .unwrap();
                    store.close().await;
                    path.to_string_lossy().into_owned()
                }
            }
        })
        .await
}

/// A new, empty database (no schema); returns its URL.
pub async fn empty_database() -> String {
    match pg_url() {
        Some(url) => {
            let name = unique("mahalle_e");
            admin_exec(&url, &format!("CREATE DATABASE {name}")).await;
            with_db(&url, &name)
        }
        None => {
            let dir = std::env::temp_dir().join(unique("mahalle_e"));
            std::fs::create_dir_all(&dir).unwrap();
            format!("sqlite://{}", dir.join("test.db").display())
        }
    }
}

/// A fresh database holding the demo city; returns its URL.
pub async fn fresh_database() -> String {
    let tpl = template().await;
    match pg_url() {
        Some(url) => {
            let name = unique("mahalle_t");
            admin_exec(&url, &format!("CREATE DATABASE {name} TEMPLATE {tpl}")).await;
            with_db(&url, &name)
        }
        None => {
            let dir = std::env::temp_dir().join(unique("mahalle_t"));
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join("test.db");
            std::fs::copy(tpl, &path).unwrap();
            format!("sqlite://{}", path.display())
        }
    }
}

pub struct TestApp {
    pub addr: String,
    pub db_url: String,
    pub client: Client,
    /// The client's cookies, where the CSRF token is read from.
    jar: Arc<Jar>,
}

impl TestApp {
    /// A server over a fresh copy of the demo city.
    pub async fn spawn() -> TestApp {
        let db_url = fresh_database().await;
        TestApp::spawn_on(&db_url).await
    }

    /// Another server process over the same database (as when a city runs several).
    pub async fn spawn_on(db_url: &str) -> TestApp {
        TestApp::spawn_with(db_url, WebConfig::default()).await
    }

    /// A server over `db_url` with these settings.
    pub async fn spawn_with(db_url: &str, web: WebConfig) -> TestApp {
        let store = Store::connect(db_url).await.expect("open test database");
        store.migrate().await.expect("migrate");
        let app = Application::build(store, "127.0.0.1:0", web)
            .await
            .expect("bind");
        let addr = format!("http://{}", app.local_addr());
        tokio::spawn(app.run_until(std::future::pending()));
        let jar = Arc::new(Jar::default());
        TestApp {
            addr,
            db_url: db_url.to_string(),
            client: client_with(jar.clone()),
            jar,
        }
    }

    /// Someone else on the same server: a client with no cookies of its own yet.
    pub fn another_visitor(&self) -> TestApp {
        let jar = Arc::new(Jar::default());
        TestApp {
            addr: self.addr.clone(),
            db_url: self.db_url.clone(),
            client: client_with(jar.clone()),
            jar,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.addr, path)
    }

    pub async fn get(&self, path: &str) -> Response {
        self.client.get(self.url(path)).send().await.expect("GET")
    }

    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.text().await.unwrap())
    }

    pub async fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let r = self.get(path).await;
        let status = r.status().as_u16();
        (status, r.json().await.expect("JSON body"))
    }

    /// The CSRF token the server gave this client: its `mahalle_csrf` cookie, which the first
    /// page this client opens sets (double submission: forms carry the cookie's value).
    pub async fn csrf(&self) -> String {
        if let Some(token) = self.csrf_cookie() {
            return token;
        }
        let (_, body) = self.get_text("/login").await;
        let token = self
            .csrf_cookie()
            .expect("the first page sets the CSRF cookie");
        assert!(body.contains(&token), "the form carries the cookie's token");
        token
    }

    fn csrf_cookie(&self) -> Option<String> {
        let url: reqwest::Url = self.addr.parse().ok()?;
        let header = self.jar.cookies(&url)?;
        header.to_str().ok()?.split("; ").find_map(|c| {
            c.strip_prefix(&format!("{}=", mahalle_web::http::csrf::CSRF_COOKIE))
                .map(str::to_string)
        })
    }

    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Response {
        let token = self.csrf().await;
        let mut form: Vec<(&str, &str)> = vec![("csrf", token.as_str())];
        form.extend_from_slice(fields);
        self.client
            .post(self.url(path))
            .form(&form)
            .send()
            .await
            .expect("POST")
    }

    pub async fn login(&self, username: &str, password: &str) -> Response {
        self.post_form(
            "/login",
            &[
                ("username", username),
                ("password", password),
                ("next", "/"),
            ],
        )
        .await
    }

    pub async fn login_as(&self, username: &str) {
        let r = self.login(username, crate::helpers::PASSWORD).await;
        assert_eq!(r.status().as_u16(), 303, "login as {username}");
    }
}

pub fn new_client() -> Client {
    client_with(Arc::new(Jar::default()))
}

/// A client that keeps its cookies in `jar` and does not follow redirects.
pub fn client_with(jar: Arc<Jar>) -> Client {
    Client::builder()
        .cookie_provider(jar)
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// A date `days` from today in Tehran, as the forms take it (Jalali, Persian digits).
pub fn jalali_in(days: i64) -> String {
    let d = mahalle_web::today() + chrono::Duration::days(days);
    mahalle_core::jalali::format_numeric(d, true)
}

/// The id of the demo organisation with this code (through the API).
pub async fn org_id(app: &TestApp, code: &str) -> i64 {
    let (_, json) = app
        .get_json(&format!("/api/v1/organisations?q={code}&per_page=200"))
        .await;
    json["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["code"] == code)
        .unwrap_or_else(|| panic!("{code}"))["id"]
        .as_i64()
        .unwrap()
}

pub fn urlencode(s: &str) -> String {
    mahalle_web::http::page::url_encode(s)
}

/// A personal API token (read and write) of the signed-in user, made on the account page as a
/// person would.
pub async fn api_token(app: &TestApp) -> String {
    scoped_token(app, "write").await
}

/// A personal API token of the signed-in user with this scope (read or write).
pub async fn scoped_token(app: &TestApp, scope: &str) -> String {
    let r = app
        .post_form(
            "/account/tokens",
            &[
                ("name", "test"),
                ("scope", scope),
                ("expires_in_days", "30"),
            ],
        )
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let body = r.text().await.unwrap();
    shown_secret(&body, "mht_")
}

/// The secret key of a new calendar link to a body's feed, made as the calendar page makes it.
pub async fn feed_key(app: &TestApp, body_id: i64) -> String {
    let r = app
        .post_form("/account/feeds", &[("body_id", &body_id.to_string())])
        .await;
    assert_eq!(r.status().as_u16(), 200);
    let body = r.text().await.unwrap();
    assert!(
        body.contains(&format!("/calendar/{body_id}.ics?key=mhf_")),
        "the whole link is shown"
    );
    shown_secret(&body, "mhf_")
}

/// A secret shown once on the account page: its prefix and 64 hex digits.
fn shown_secret(body: &str, prefix: &str) -> String {
    let start = body.find(prefix).expect("secret shown once");
    body[start..start + prefix.len() + 64].to_string()
}
