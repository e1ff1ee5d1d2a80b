//! The access matrix: every route the router holds (`mahalle_web::routes()`, so a new route
//! cannot be left out) called with every method it answers by seven principals, on an object
//! inside and one outside their scopes. What each may do is written down in [`MATRIX`]; any
//! difference fails, and the failure prints the whole observed matrix in the same form.
//!
//! Each principal works on its own copy of the demo city, so what one's calls change (a token
//! revoked, a user deactivated) cannot change what another sees. Pages are called with a
//! session, a valid CSRF token and the few fields a form cannot do without; the API with a
//! write token and the smallest body its schema accepts: an allowed call is then done or
//! refused for what was sent (400/422), never 401/403.
//! `MATRIX_TRACE=1` prints every call with its status.

use std::collections::{BTreeMap, HashMap};

use mahalle_db::{Sql, Store};
use mahalle_web::accounts::ops::issue_api_token;
use mahalle_web::requests::ops::create_api_key;
use reqwest::Method;
use serde_json::Value;

use crate::helpers::{new_client, TestApp};

/// Who calls, in the order of the matrix's columns: the demo's accounts (council: a council
/// member of پیروزی in district 14; water: the water company's liaison; d14: district 14's
/// mayor; mayor: the mayor's office, the Social HQ secretariat).
const WHO: [&str; 7] = [
    "anonymous",
    "viewer",
    "council",
    "water",
    "d14",
    "mayor",
    "admin",
];

/// `METHOD PATH INSIDE [OUTSIDE]`: one mark per principal in [`WHO`] order — `+` allowed, `-`
/// refused (401, 403, or a page's redirect to the log-in), `0` not found (404: an object one may
/// not see is not shown to exist), `v` a page form refused as incomplete (400) before telling
/// (an empty form lacks a field the form cannot do without). OUTSIDE, for routes that take ids, is the same call on an
/// object outside the scopes of council, water and d14 (for accounts' own things: another
/// person's).
const MATRIX: &str = include_str!("access_matrix.txt");

#[derive(Clone, Copy)]
enum Side {
    Inside,
    Outside,
}

/// The ids the routes take, found in this database (the same in every copy of it).
struct Objects {
    inside: HashMap<&'static str, String>,
    outside: HashMap<&'static str, String>,
    /// Per principal and family of routes: its user id and a token and feed link of its own
    /// that only those routes revoke (its first token signs its API calls and is never revoked).
    own: HashMap<(&'static str, &'static str), (i64, i64, i64)>,
    /// The same of someone none of the principals is: the deputy.
    other: HashMap<&'static str, (i64, i64, i64)>,
}

/// Routes that revoke or delete, by family, so that one family's call cannot take away the
/// object another's is to be called on.
const FAMILIES: [&str; 3] = ["account", "api", "admin"];

fn family(path: &str) -> &'static str {
    if path.starts_with("/api/") {
        "api"
    } else if path.starts_with("/admin/") {
        "admin"
    } else {
        "account"
    }
}

async fn one(store: &Store, sql: &str) -> String {
    let (id,): (Option<i64>,) = store.fetch_one(&Sql::new(sql)).await.unwrap();
    id.unwrap_or_else(|| panic!("the demo city has {sql}"))
        .to_string()
}

async fn user_id(store: &Store, name: &str) -> i64 {
    store
        .fetch_one::<(i64,)>(&Sql::new("SELECT id FROM users WHERE username = $1").bind(name))
        .await
        .unwrap()
        .0
}

/// Makes the rows the demo lacks (tokens, feed links, an API key, a pending extension, an
/// attachment) identically in a copy, and returns its API tokens by principal.
async fn prepare(store: &Store) -> HashMap<&'static str, String> {
    let body = one(store, "SELECT MIN(body_id) FROM meetings").await;
    let mut tokens = HashMap::new();
    for who in WHO[1..].iter().copied().chain(["deputy"]) {
        let uid = user_id(store, who).await;
        let scope = mahalle_core::tokens::TokenScope::Write;
        let (_, secret) = issue_api_token(store, None, uid, "matrix", scope, None)
            .await
            .unwrap();
        for fam in FAMILIES {
            issue_api_token(store, None, uid, fam, scope, None)
                .await
                .unwrap();
            let mut tx = store.begin().await.unwrap();
            let hash = format!("h{uid}-{fam}");
            mahalle_db::auth::create_feed_link(&mut tx, uid, body.parse().unwrap(), &hash)
                .await
                .unwrap();
            tx.commit().await.unwrap();
        }
        tokens.insert(who, secret);
    }
    create_api_key(store, "matrix", None).await.unwrap();
    // Attributes and routes to delete: one per family and side.
    let service = one(store, "SELECT MIN(id) FROM services").await;
    let service: i64 = service.parse().unwrap();
    let water = one(
        store,
        "SELECT organisation_id FROM user_roles WHERE role = 'liaison'",
    )
    .await;
    for (i, name) in ["account-in", "account-out", "api-in", "api-out"]
        .iter()
        .enumerate()
    {
        store
            .execute(
                &Sql::new(
                    "INSERT INTO service_attributes (service_id, code, datatype, description_fa) \
                     VALUES ($1, $2, 'string', 'ماتریس')",
                )
                .bind(service)
                .bind(format!("MATRIX-{name}")),
            )
            .await
            .unwrap();
        store
            .execute(
                &Sql::new(
                    "INSERT INTO service_routes (service_id, district_id, organisation_id) \
                     VALUES ($1, $2, $3)",
                )
                .bind(service)
                .bind(i as i64 + 1)
                .bind(water.parse::<i64>().unwrap()),
            )
            .await
            .unwrap();
    }
    let now = chrono::Utc::now();
    for side in [Side::Inside, Side::Outside] {
        let resolution: i64 = one(store, &resolution_sql(side)).await.parse().unwrap();
        store
            .execute(
                &Sql::new(
                    "INSERT INTO deadline_extensions (resolution_id, requested_by, requested_at, old_deadline, new_deadline, reason, state, decision_note) \
                     SELECT id, 1, $2, deadline, deadline, 'matrix', 'pending', '' FROM resolutions WHERE id = $1",
                )
                .bind(resolution)
                .bind(now),
            )
            .await
            .unwrap();
    }
    // Two failed messages in the outbox (the small demo has sent none).
    for (i, side) in [Side::Inside, Side::Outside].into_iter().enumerate() {
        store
            .execute(
                &Sql::new(&format!(
                    "INSERT INTO notifications (resolution_id, kind, deadline, recipient_org_id, subject, body, dedupe_key, state, next_attempt_at, created_at) \
                     SELECT id, 'overdue', deadline, lead_org_id, 'سررسید گذشته', '', $2, 'failed', $1, $1 FROM resolutions WHERE id = ({})",
                    resolution_sql(side)
                ))
                .bind(now)
                .bind(format!("matrix-{i}")),
            )
            .await
            .unwrap();
    }
    // A challenge of the council member's neighborhood (the small demo may have none there).
    store
        .execute(
            &Sql::new(
                "INSERT INTO challenges (district_id, neighborhood_id, domain, title, body, search_key, created_by, created_at, updated_at) \
                 SELECT n.district_id, n.id, c.domain, 'آب‌گرفتگی معبر', '', '', 1, $1, $1 FROM neighborhoods n, \
                 (SELECT MIN(domain) AS domain FROM challenges) c \
                 WHERE n.id = (SELECT neighborhood_id FROM user_roles WHERE role = 'council_member')",
            )
            .bind(now),
        )
        .await
        .unwrap();
    let meeting: i64 = one(store, "SELECT MIN(id) FROM meetings")
        .await
        .parse()
        .unwrap();
    let mut tx = store.begin().await.unwrap();
    mahalle_db::attachments::add(
        &mut tx,
        &mahalle_db::attachments::NewAttachment {
            meeting_id: Some(meeting),
            report_id: None,
            filename: "agenda.pdf",
            content_type: "application/pdf",
            sha256: "0",
            content: b"%PDF-1.4 matrix",
            uploaded_by: Some(1),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    tokens
}

fn resolution_sql(side: Side) -> String {
    match side {
        // In the council member's neighborhood when there is one there.
        Side::Inside => "SELECT COALESCE(MIN(CASE WHEN neighborhood_id = \
             (SELECT neighborhood_id FROM user_roles WHERE role = 'council_member') THEN id END), MIN(id)) \
             FROM resolutions WHERE district_id = 14 AND lead_org_id = \
             (SELECT organisation_id FROM user_roles WHERE role = 'liaison')"
            .into(),
        Side::Outside => "SELECT MIN(r.id) FROM resolutions r WHERE r.district_id <> 14 \
             AND r.lead_org_id <> (SELECT organisation_id FROM user_roles WHERE role = 'liaison') \
             AND NOT EXISTS (SELECT 1 FROM resolution_partners p WHERE p.resolution_id = r.id \
             AND p.organisation_id = (SELECT organisation_id FROM user_roles WHERE role = 'liaison'))"
            .into(),
    }
}

fn project_sql(side: Side) -> String {
    match side {
        Side::Inside => "SELECT COALESCE(MIN(CASE WHEN neighborhood_id = \
             (SELECT neighborhood_id FROM user_roles WHERE role = 'council_member') THEN id END), MIN(id)) \
             FROM projects WHERE district_id = 14 AND EXISTS (SELECT 1 FROM project_milestones m WHERE m.project_id = projects.id)"
            .into(),
        Side::Outside => "SELECT MIN(id) FROM projects WHERE district_id <> 14 \
             AND EXISTS (SELECT 1 FROM project_milestones m WHERE m.project_id = projects.id)"
            .into(),
    }
}

async fn objects(store: &Store) -> Objects {
    const WATER: &str = "(SELECT organisation_id FROM user_roles WHERE role = 'liaison')";
    const PIROOZI: &str = "(SELECT neighborhood_id FROM user_roles WHERE role = 'council_member')";
    let mut inside = HashMap::new();
    let mut outside = HashMap::new();
    let pairs: Vec<(&'static str, String, String)> = vec![
        ("meetings", "SELECT MIN(id) FROM meetings".into(), "SELECT MAX(id) FROM meetings WHERE kind = 'hq_session'".into()),
        ("resolutions", resolution_sql(Side::Inside), resolution_sql(Side::Outside)),
        (
            "extensions",
            format!("SELECT MIN(id) FROM deadline_extensions WHERE resolution_id = ({})", resolution_sql(Side::Inside)),
            format!("SELECT MIN(id) FROM deadline_extensions WHERE resolution_id = ({})", resolution_sql(Side::Outside)),
        ),
        (
            "requests",
            format!("SELECT MIN(id) FROM service_requests WHERE neighborhood_id = {PIROOZI} AND organisation_id = {WATER}"),
            format!("SELECT MIN(id) FROM service_requests WHERE district_id <> 14 AND organisation_id <> {WATER}"),
        ),
        (
            "challenges",
            format!(
                "SELECT COALESCE(MIN(CASE WHEN neighborhood_id = {PIROOZI} THEN id END), MIN(id)) \
                 FROM challenges WHERE district_id = 14"
            ),
            "SELECT MIN(id) FROM challenges WHERE district_id <> 14".into(),
        ),
        ("body", "SELECT MIN(body_id) FROM meetings".into(), "SELECT MIN(body_id) FROM meetings".into()),
        // The demo's open poll of پیروزی; the ended one of district 6.
        (
            "polls",
            format!("SELECT MIN(id) FROM polls WHERE neighborhood_id = {PIROOZI}"),
            "SELECT MIN(id) FROM polls WHERE district_id <> 14".into(),
        ),
        // A district 14 project (پیروزی's when there is one) and one of another district,
        // each with its first milestone.
        (
            "projects",
            project_sql(Side::Inside),
            project_sql(Side::Outside),
        ),
        (
            "milestones",
            format!("SELECT MIN(id) FROM project_milestones WHERE project_id = ({})", project_sql(Side::Inside)),
            format!("SELECT MIN(id) FROM project_milestones WHERE project_id = ({})", project_sql(Side::Outside)),
        ),
        // District 14's first visit of the demo; one to another district.
        (
            "visits",
            "SELECT MIN(id) FROM meetings WHERE kind = 'supervisory_visit' AND district_id = 14".into(),
            "SELECT MIN(id) FROM meetings WHERE kind = 'supervisory_visit' AND district_id <> 14".into(),
        ),
        // Indicators are the city's: the same one on both sides.
        ("indicators", "SELECT MIN(id) FROM indicators".into(), "SELECT MIN(id) FROM indicators".into()),
        // District 14's vulnerable area of the demo; one of another district.
        (
            "vulnerable-areas",
            "SELECT MIN(id) FROM vulnerable_areas WHERE district_id = 14".into(),
            "SELECT MIN(id) FROM vulnerable_areas WHERE district_id <> 14".into(),
        ),
        // District 14's festival of the demo (its own occasion); the city's Ghadir.
        (
            "occasions",
            "SELECT MAX(id) FROM occasions WHERE district_id = 14".into(),
            "SELECT MAX(id) FROM occasions WHERE district_id IS NULL".into(),
        ),
        // District 14's delegation to its deputy mayor (in force); the water company's to its
        // district expert.
        (
            "delegations",
            "SELECT MIN(id) FROM delegations WHERE district_id = 14".into(),
            "SELECT MAX(id) FROM delegations WHERE organisation_id IS NOT NULL".into(),
        ),
        // Campaigns are the city's too: the Health HQ's vaccination drive on both sides.
        ("campaigns", "SELECT MIN(id) FROM campaigns".into(), "SELECT MIN(id) FROM campaigns".into()),
        ("districts", "SELECT MIN(id) FROM districts WHERE id = 14".into(), "SELECT MIN(id) FROM districts WHERE id <> 14".into()),
        (
            "neighborhoods",
            format!("SELECT {PIROOZI}"),
            "SELECT MIN(id) FROM neighborhoods WHERE district_id <> 14".into(),
        ),
        // District 14's municipality (kept by d14's registry); an agency the city keeps.
        (
            "organisations",
            "SELECT MIN(id) FROM organisations WHERE kind = 'district_office' AND district_id = 14".into(),
            format!("SELECT MIN(id) FROM organisations WHERE id <> {WATER} AND kind = 'agency'"),
        ),
        // A member of پیروزی's council (district 14); someone serving nowhere in district 14.
        (
            "people",
            format!(
                "SELECT MIN(m.person_id) FROM memberships m JOIN organisations o ON o.id = m.body_id \
                 WHERE o.neighborhood_id = {PIROOZI}"
            ),
            "SELECT MAX(p.id) FROM people p WHERE NOT EXISTS (SELECT 1 FROM memberships m JOIN organisations o \
             ON o.id = m.body_id JOIN neighborhoods n ON n.id = o.neighborhood_id WHERE m.person_id = p.id AND n.district_id = 14) \
             AND NOT EXISTS (SELECT 1 FROM pillars pl JOIN neighborhoods n ON n.id = pl.neighborhood_id \
             WHERE pl.person_id = p.id AND n.district_id = 14)".into(),
        ),
        // پیروزی's council, its current term and a sitting member; another district's.
        (
            "councils",
            format!("SELECT MIN(id) FROM organisations WHERE kind = 'neighborhood_council' AND neighborhood_id = {PIROOZI}"),
            "SELECT MIN(o.id) FROM organisations o JOIN neighborhoods n ON n.id = o.neighborhood_id \
             WHERE o.kind = 'neighborhood_council' AND n.district_id <> 14".into(),
        ),
        (
            "terms",
            format!(
                "SELECT MAX(t.id) FROM terms t JOIN organisations o ON o.id = t.body_id WHERE o.neighborhood_id = {PIROOZI}"
            ),
            "SELECT MAX(t.id) FROM terms t JOIN organisations o ON o.id = t.body_id JOIN neighborhoods n \
             ON n.id = o.neighborhood_id WHERE n.district_id <> 14".into(),
        ),
        (
            "memberships",
            format!(
                "SELECT MIN(m.id) FROM memberships m JOIN organisations o ON o.id = m.body_id \
                 WHERE o.neighborhood_id = {PIROOZI} AND m.ends_on IS NULL"
            ),
            "SELECT MIN(m.id) FROM memberships m JOIN organisations o ON o.id = m.body_id JOIN neighborhoods n \
             ON n.id = o.neighborhood_id WHERE n.district_id <> 14 AND m.ends_on IS NULL".into(),
        ),
        (
            "recognitions",
            format!(
                "SELECT MIN(r.id) FROM recognitions r JOIN memberships m ON m.id = r.membership_id \
                 JOIN organisations o ON o.id = m.body_id WHERE o.neighborhood_id = {PIROOZI}"
            ),
            "SELECT MIN(id) FROM recognitions WHERE district_id <> 14".into(),
        ),
        (
            "partners",
            format!("SELECT MIN(id) FROM partner_places WHERE neighborhood_id = {PIROOZI}"),
            "SELECT MIN(id) FROM partner_places WHERE district_id <> 14".into(),
        ),
        (
            "pillars",
            format!("SELECT MIN(id) FROM pillars WHERE neighborhood_id = {PIROOZI} AND until IS NULL"),
            "SELECT MIN(pl.id) FROM pillars pl JOIN neighborhoods n ON n.id = pl.neighborhood_id WHERE n.district_id <> 14".into(),
        ),
        // The outbox is the secretariat's, whoever a message is to.
        ("notifications", "SELECT MIN(id) FROM notifications".into(), "SELECT MAX(id) FROM notifications".into()),
        ("services", "SELECT MIN(id) FROM services".into(), "SELECT MIN(id) FROM services".into()),
        ("api-keys", "SELECT MIN(id) FROM api_keys".into(), "SELECT MIN(id) FROM api_keys".into()),
        ("attachments", "SELECT MIN(id) FROM attachments".into(), "SELECT MIN(id) FROM attachments".into()),
    ];
    for (kind, i, o) in pairs {
        inside.insert(kind, one(store, &i).await);
        outside.insert(kind, one(store, &o).await);
    }
    for fam in ["account", "api"] {
        for (side, map) in [("in", &mut inside), ("out", &mut outside)] {
            let name = format!("MATRIX-{fam}-{side}");
            let attribute = one(
                store,
                &format!("SELECT MIN(id) FROM service_attributes WHERE code = '{name}'"),
            )
            .await;
            map.insert(
                if fam == "api" {
                    "attribute-api"
                } else {
                    "attribute-account"
                },
                attribute,
            );
        }
    }
    // The routes made in `prepare`, in its order.
    let routes = store
        .fetch_all::<(i64,)>(&Sql::new(
            "SELECT id FROM service_routes ORDER BY id DESC LIMIT 4",
        ))
        .await
        .unwrap();
    let route = |i: usize| routes[3 - i].0.to_string();
    inside.insert("route-account", route(0));
    outside.insert("route-account", route(1));
    inside.insert("route-api", route(2));
    outside.insert("route-api", route(3));
    let mut own = HashMap::new();
    for who in WHO[1..].iter().copied().chain(["deputy"]) {
        let uid = user_id(store, who).await;
        for fam in FAMILIES {
            let token = one(
                store,
                &format!("SELECT MAX(id) FROM api_tokens WHERE user_id = {uid} AND name = '{fam}'"),
            )
            .await;
            let link = one(
                store,
                &format!("SELECT MAX(id) FROM feed_links WHERE secret_hash = 'h{uid}-{fam}'"),
            )
            .await;
            own.insert(
                (who, fam),
                (uid, token.parse().unwrap(), link.parse().unwrap()),
            );
        }
    }
    let other = FAMILIES
        .map(|f| (f, own.remove(&("deputy", f)).unwrap()))
        .into_iter()
        .collect();
    for fam in FAMILIES {
        own.insert(("anonymous", fam), own[&("viewer", fam)]);
    }
    Objects {
        inside,
        outside,
        own,
        other,
    }
}

/// The path with its placeholders filled for `who` on `side`.
fn fill(path: &str, who: &str, side: Side, o: &Objects) -> String {
    let fam = family(path);
    let (user, token, link) = match side {
        Side::Inside => o.own[&(who, fam)],
        Side::Outside => o.other[fam],
    };
    let fam_key = |kind: &str| format!("{kind}-{}", if fam == "api" { "api" } else { "account" });
    let ids = match side {
        Side::Inside => &o.inside,
        Side::Outside => &o.outside,
    };
    let mut out = String::new();
    let mut prev = "";
    for seg in path.split('/').skip(1) {
        out.push('/');
        let value = match seg {
            "{id}" => match prev {
                "users" => user.to_string(),
                "tokens" => token.to_string(),
                "feeds" | "feed-links" => link.to_string(),
                kind => ids
                    .get(kind)
                    .unwrap_or_else(|| panic!("no object for {{id}} after /{kind}/ in {path}"))
                    .clone(),
            },
            "{token}" => token.to_string(),
            "{link}" => link.to_string(),
            "{attribute}" => ids[fam_key("attribute").as_str()].clone(),
            "{route}" => ids[fam_key("route").as_str()].clone(),
            "{file}" => match prev {
                "import" => "template.xlsx".into(),
                "calendar" => format!("{}.ics", ids["body"]),
                "requests" => format!("{}.json", ids["requests"]),
                "services" => "STREET-LIGHT.json".into(),
                "tokens" => "x.json".into(),
                _ => "requests.json".into(),
            },
            "discovery.{ext}" => "discovery.json".into(),
            "{lang}" => "en".into(),
            "{cal}" => "gregorian".into(),
            "{*path}" => "app.css".into(),
            "{*rest}" => "nothing".into(),
            "{code}" => "QQQ-QQQ-QQQ".into(),
            "{milestone}" => ids["milestones"].clone(),
            s if s.contains('{') => panic!("a placeholder the matrix does not know: {s} in {path}"),
            s => s.into(),
        };
        out.push_str(&value);
        prev = seg;
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

/// The smallest value `schema` (OpenAPI 3.1, with `$ref`s into `doc`) accepts: required
/// properties only, the first of any choice. An API call with it gets past parsing, so what
/// answers is the handler's own check of who is calling.
fn example(doc: &Value, schema: &Value) -> Value {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap();
        return example(doc, &doc["components"]["schemas"][name]);
    }
    for choice in ["oneOf", "anyOf", "allOf"] {
        if let Some(first) = schema.get(choice).and_then(|c| c.get(0)) {
            return example(doc, first);
        }
    }
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return first.clone();
    }
    let ty = match &schema["type"] {
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null")
            .to_string(),
        Value::String(t) => t.clone(),
        _ if schema.get("properties").is_some() => "object".into(),
        _ => "null".into(),
    };
    match ty.as_str() {
        "object" => {
            let mut out = serde_json::Map::new();
            for name in schema["required"].as_array().into_iter().flatten() {
                let name = name.as_str().unwrap();
                out.insert(name.into(), example(doc, &schema["properties"][name]));
            }
            Value::Object(out)
        }
        "string" => match schema["format"].as_str() {
            Some("date") => "2027-01-30".into(),
            Some("date-time") => "2027-01-30T10:00:00Z".into(),
            _ => "x".into(),
        },
        "integer" | "number" => 1.into(),
        "boolean" => false.into(),
        "array" => Value::Array(Vec::new()),
        _ => Value::Null,
    }
}

/// What a page's form cannot do without (so that what answers is its check of who is calling).
/// Values that would change something lasting are wrong on purpose: the current password.
fn page_form(route: &str, body: &str) -> Vec<(String, String)> {
    let fields: &[(&str, &str)] = match route {
        "/account/feeds" => &[("body_id", body)],
        "/account/password" => &[("current_password", "not it"), ("new_password", "x")],
        "/account/tokens" => &[("name", "matrix"), ("scope", "read")],
        "/admin/users" => &[
            ("username", ""),
            ("display_name", ""),
            ("password", ""),
            ("role", "viewer"),
        ],
        "/admin/users/{id}/roles" | "/admin/users/{id}/roles/remove" => &[("role", "nobody")],
        "/login" => &[("username", "nobody"), ("password", "not it")],
        "/meetings/{id}/import/commit" | "/people/import/commit" => {
            &[("filename", "x.csv"), ("payload", "")]
        }
        "/requests/{id}/act" => &[("action", "accept")],
        "/resolutions/{id}/act" => &[("action", "start")],
        _ => &[],
    };
    fields
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

struct Caller {
    app: TestApp,
    /// The body whose calendar feed links are made.
    body: String,
    who: &'static str,
    api: reqwest::Client,
    token: Option<String>,
    csrf: String,
    doc: std::sync::Arc<Value>,
}

impl Caller {
    async fn call(&self, method: &Method, route: &str, path: &str) -> char {
        let url = self.app.url(path);
        let req = if route.starts_with("/api/") {
            let mut r = self.api.request(method.clone(), &url);
            if let Some(t) = &self.token {
                r = r.bearer_auth(t);
            }
            let op = &self.doc["paths"][route][method.as_str().to_lowercase()];
            let content = &op["requestBody"]["content"];
            if let Some(schema) = content["application/json"].get("schema") {
                r = r.json(&example(&self.doc, schema));
            } else if content.get("multipart/form-data").is_some() {
                r = r.multipart(reqwest::multipart::Form::new());
            }
            let query: Vec<(String, String)> = op["parameters"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|p| p["in"] == "query" && p["required"] == true)
                .map(|p| {
                    let v = example(&self.doc, &p["schema"]);
                    let v = v.as_str().map(str::to_string).unwrap_or(v.to_string());
                    (p["name"].as_str().unwrap().to_string(), v)
                })
                .collect();
            r.query(&query)
        } else if *method == Method::GET {
            self.app.client.request(method.clone(), &url)
        } else {
            let mut form = vec![("csrf".to_string(), self.csrf.clone())];
            form.extend(page_form(route, &self.body));
            self.app.client.request(method.clone(), &url).form(&form)
        };
        let mut resp = req.send().await.expect("the server answers");
        if resp.status() == 400 && !route.starts_with("/api/") {
            let text = resp.text().await.unwrap_or_default();
            if !text.contains("multipart") {
                return 'v';
            }
            // A form with a file: the same token, sent as multipart.
            let form = reqwest::multipart::Form::new().text("csrf", self.csrf.clone());
            resp = self
                .app
                .client
                .request(method.clone(), &url)
                .multipart(form)
                .send()
                .await
                .unwrap();
        }
        let status = resp.status().as_u16();
        if std::env::var_os("MATRIX_TRACE").is_some() {
            eprintln!("{} {method} {path} {status}", self.who);
        }
        let location = resp
            .headers()
            .get("location")
            .and_then(|l| l.to_str().ok())
            .unwrap_or("")
            .to_string();
        match status {
            401 | 403 => '-',
            404 => '0',
            302 | 303 | 307 if location.starts_with("/login") => '-',
            429 => panic!(
                "{} {method} {path}: rate limited; the matrix must not be",
                self.who
            ),
            500..=599 => panic!(
                "{} {method} {path} answered {status}: {}",
                self.who,
                resp.text().await.unwrap_or_default()
            ),
            _ => '+',
        }
    }
}

const METHODS: [Method; 5] = [
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
];

/// Every route and method the application answers. Pages and machine endpoints are asked, by a
/// signed-in viewer with neither CSRF token nor API token (so that nothing is changed): a method
/// a route does not answer is 405 before any handler runs.
async fn routes(prober: &TestApp, o: &Objects) -> Vec<(Method, String)> {
    let mut out = Vec::new();
    for r in mahalle_web::routes() {
        match r.methods {
            Some(methods) => {
                out.extend(methods.iter().map(|m| (m.parse().unwrap(), r.path.clone())));
            }
            None => {
                let url = prober.url(&fill(&r.path, "viewer", Side::Inside, o));
                for m in METHODS {
                    let s = prober.client.request(m.clone(), &url).send().await.unwrap();
                    if s.status().as_u16() != 405 {
                        out.push((m, r.path.clone()));
                    }
                }
            }
        }
    }
    out.sort_by(|a, b| (&a.1, a.0.as_str()).cmp(&(&b.1, b.0.as_str())));
    out.dedup();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_route_answers_each_principal_as_the_matrix_says() {
    // One copy of the city per principal, prepared alike.
    let mut callers = Vec::new();
    let mut objs = None;
    for who in WHO {
        let app = TestApp::spawn().await;
        let store = Store::connect(&app.db_url).await.unwrap();
        let tokens = prepare(&store).await;
        if objs.is_none() {
            objs = Some(objects(&store).await);
        }
        store.close().await;
        if who != "anonymous" {
            app.login_as(who).await;
        }
        let csrf = app.csrf().await;
        callers.push(Caller {
            who,
            api: new_client(),
            token: tokens.get(who).cloned(),
            csrf,
            app,
            body: String::new(),
            doc: Default::default(),
        });
    }
    let objs = std::sync::Arc::new(objs.unwrap());
    let prober = callers[1].app.another_visitor();
    prober.login_as("viewer").await;
    let routes = routes(&prober, &objs).await;
    let (_, doc) = callers[0].app.get_json("/api/openapi.json").await;
    let doc = std::sync::Arc::new(doc);
    for c in &mut callers {
        c.doc = doc.clone();
        c.body = objs.inside["body"].clone();
    }

    // Offboarding revokes the outside user's secrets and roles, and signing out ends the session
    // the other calls use: they come last, in this order.
    let rank = |p: &str| {
        if p.ends_with("/deactivate") {
            1
        } else if p.ends_with("/reactivate") {
            2
        } else if p == "/logout" {
            3
        } else {
            0
        }
    };
    let mut order = routes.clone();
    order.sort_by_key(|(_, p)| rank(p));
    let has_ids = |p: &str| p.contains("{id}") || p.contains("{token}") || p.contains("{link}");

    let mut tasks = tokio::task::JoinSet::new();
    for (col, caller) in callers.into_iter().enumerate() {
        let (order, objs) = (order.clone(), objs.clone());
        tasks.spawn(async move {
            let mut marks = Vec::new();
            for (m, p) in &order {
                let inside = caller
                    .call(m, p, &fill(p, caller.who, Side::Inside, &objs))
                    .await;
                let outside = if has_ids(p) {
                    Some(
                        caller
                            .call(m, p, &fill(p, caller.who, Side::Outside, &objs))
                            .await,
                    )
                } else {
                    None
                };
                marks.push((inside, outside));
            }
            (col, marks)
        });
    }
    let mut columns = vec![Vec::new(); WHO.len()];
    while let Some(done) = tasks.join_next().await {
        let (col, marks) = done.unwrap();
        columns[col] = marks;
    }

    let mut observed = BTreeMap::new();
    for (i, (m, p)) in order.iter().enumerate() {
        let inside: String = columns.iter().map(|c| c[i].0).collect();
        let outside: Option<String> =
            has_ids(p).then(|| columns.iter().map(|c| c[i].1.unwrap()).collect());
        observed.insert((p.clone(), m.to_string()), (inside, outside));
    }
    let expected: BTreeMap<(String, String), (String, Option<String>)> = MATRIX
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            assert!(f.len() == 3 || f.len() == 4, "a matrix line: {l}");
            (
                (f[1].to_string(), f[0].to_string()),
                (f[2].to_string(), f.get(3).map(|s| s.to_string())),
            )
        })
        .collect();
    let mut problems = Vec::new();
    for (key, got) in &observed {
        match expected.get(key) {
            None => problems.push(format!("not in the matrix: {} {}", key.1, key.0)),
            Some(want) if want != got => problems.push(format!(
                "{} {}: expected {} {}, observed {} {}",
                key.1,
                key.0,
                want.0,
                want.1.as_deref().unwrap_or(""),
                got.0,
                got.1.as_deref().unwrap_or("")
            )),
            _ => {}
        }
    }
    for key in expected.keys().filter(|k| !observed.contains_key(*k)) {
        problems.push(format!(
            "in the matrix but not a route: {} {}",
            key.1, key.0
        ));
    }
    if !problems.is_empty() {
        let table: String = observed
            .iter()
            .map(|((p, m), (i, o))| format!("{m:<7}{p:<52}{i} {}\n", o.as_deref().unwrap_or("")))
            .collect();
        panic!(
            "the access matrix differs ({} lines):\n{}\n\nobserved ({}):\n{table}",
            problems.len(),
            problems.join("\n"),
            WHO.join(" ")
        );
    }
}
