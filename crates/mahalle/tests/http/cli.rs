//! The command line, run as a user would run it.

use std::process::{Command, Output};

fn mahalle(db: &str, args: &[&str], password: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mahalle"));
    c.args(args)
        .env("DATABASE_URL", db)
        .env("MAHALLE_LOG", "warn")
        .env_remove("MAHALLE_PASSWORD");
    if let Some(p) = password {
        c.env("MAHALLE_PASSWORD", p);
    }
    c.output().expect("run mahalle")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn temp_db() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("m.db").display());
    (dir, url)
}

#[test]
fn help_lists_the_commands() {
    let o = Command::new(env!("CARGO_BIN_EXE_mahalle"))
        .arg("--help")
        .output()
        .unwrap();
    let text = stdout(&o);
    for cmd in ["serve", "migrate", "demo", "user", "backup", "check"] {
        assert!(text.contains(cmd), "--help mentions {cmd}");
    }
    assert!(text.contains("DATABASE_URL"));
}

#[test]
fn demo_is_idempotent_and_prints_log_ins() {
    let (_dir, db) = temp_db();
    let first = mahalle(&db, &["demo", "--small"], None);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let again = mahalle(&db, &["demo", "--small"], None);
    assert!(again.status.success());
    let (a, b) = (stdout(&first), stdout(&again));
    assert_eq!(a.lines().next(), b.lines().next(), "same counts on reload");
    assert!(a.contains("22 districts") && a.contains("323 neighborhoods"));
    // Every account gets its own new password on each load; none is fixed.
    let password = |out: &str, user: &str| {
        out.lines()
            .find(|l| l.trim_start().starts_with(&format!("{user} ")))
            .and_then(|l| l.split_whitespace().nth(1))
            .map(str::to_string)
            .unwrap_or_else(|| panic!("{user} listed in {out}"))
    };
    assert_ne!(password(&a, "admin"), password(&b, "admin"));
    assert_ne!(password(&a, "admin"), password(&a, "mayor"));
    assert!(!a.contains("mahalle-demo"));
    let check = mahalle(&db, &["check"], None);
    assert!(check.status.success(), "{}", stdout(&check));
    assert!(stdout(&check).contains("neighborhoods: 323"));
}

#[test]
fn users_from_the_command_line() {
    let (_dir, db) = temp_db();
    let o = mahalle(
        &db,
        &[
            "user",
            "add",
            "Secretariat",
            "--name",
            "دبیرخانه قرارگاه",
            "--role",
            "mayor_office",
        ],
        Some("correct horse battery"),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = mahalle(
        &db,
        &["user", "add", "x1", "--name", "X", "--role", "viewer"],
        Some("short"),
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("at least 10 characters"));
    let o = mahalle(
        &db,
        &["user", "add", "liaison", "--name", "L", "--role", "liaison"],
        Some("correct horse battery"),
    );
    assert!(!o.status.success(), "a liaison needs an organisation");
    let list = stdout(&mahalle(&db, &["user", "list"], None));
    assert!(list.contains("secretariat") && list.contains("mayor_office"));
    assert!(!list.contains("x1"), "nothing half-created");
    let o = mahalle(
        &db,
        &["user", "passwd", "secretariat"],
        Some("another good password"),
    );
    assert!(o.status.success());
    let o = mahalle(&db, &["user", "token", "secretariat", "reporting"], None);
    assert!(o.status.success());
    assert!(
        stdout(&o).lines().last().unwrap().starts_with("mht_"),
        "token alone on the last line"
    );
    assert!(
        stdout(&o).contains("(reporting, read)"),
        "read-only unless asked"
    );
    let o = mahalle(
        &db,
        &[
            "user",
            "token",
            "secretariat",
            "sync",
            "--scope",
            "write",
            "--days",
            "30",
        ],
        None,
    );
    assert!(o.status.success() && stdout(&o).contains("(sync, write)"));
    for bad in [&["--scope", "admin"][..], &["--days", "0"][..]] {
        let mut args = vec!["user", "token", "secretariat", "x"];
        args.extend_from_slice(bad);
        let o = mahalle(&db, &args, None);
        assert!(!o.status.success(), "{bad:?}");
    }
    // Offboarding from the command line closes the account.
    let o = mahalle(&db, &["user", "deactivate", "secretariat"], None);
    assert!(o.status.success());
    let list = stdout(&mahalle(&db, &["user", "list"], None));
    let line = list.lines().find(|l| l.starts_with("secretariat")).unwrap();
    assert!(
        line.contains("inactive") && !line.contains("mayor_office"),
        "{line}"
    );
    // No administrator yet: check says so and fails.
    let check = mahalle(&db, &["check"], None);
    assert!(!check.status.success());
    assert!(stdout(&check).contains("no administrator"));
}

#[test]
fn online_backup_is_a_usable_database() {
    let (dir, db) = temp_db();
    assert!(mahalle(&db, &["demo", "--small"], None).status.success());
    let file = dir.path().join("backup.db");
    let o = mahalle(&db, &["backup", file.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let copy = format!("sqlite://{}", file.display());
    let check = mahalle(&copy, &["check"], None);
    assert!(check.status.success(), "{}", stdout(&check));
    assert!(stdout(&check).contains("people: "));
    // Never overwrites.
    assert!(!mahalle(&db, &["backup", file.to_str().unwrap()], None)
        .status
        .success());
}

#[test]
fn bad_database_urls_are_explained() {
    let o = mahalle("mysql://x/y", &["check"], None);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("cannot open the database"), "{err}");
    let o = mahalle("postgres://u:secret@127.0.0.1:1/none", &["check"], None);
    assert!(!o.status.success());
    assert!(
        !String::from_utf8_lossy(&o.stderr).contains("secret"),
        "passwords never printed"
    );
}

#[test]
fn counters_check_finds_a_corrupted_counter_and_rebuild_repairs_it() {
    let (_dir, db) = temp_db();
    assert!(mahalle(&db, &["demo", "--small"], None).status.success());
    let ok = mahalle(&db, &["counters", "check"], None);
    assert!(ok.status.success(), "{}", stdout(&ok));
    assert!(stdout(&ok).contains("all agree"));
    // Corrupt one counter row, as a bug or a hand edit might.
    let path = db.trim_start_matches("sqlite://");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = mahalle_db::Store::connect(path).await.unwrap();
        corrupt(&store).await;
        store.close().await;
    });
    let bad = mahalle(&db, &["counters", "check"], None);
    assert!(!bad.status.success(), "a corrupted counter is found");
    let report = stdout(&bad);
    assert!(
        report.contains("resolution_open_due: 1 rows missing or wrong, 1 rows"),
        "{report}"
    );
    assert!(
        !report.contains("resolution_tally"),
        "only the broken table: {report}"
    );
    let rebuilt = mahalle(&db, &["counters", "rebuild"], None);
    assert!(
        rebuilt.status.success(),
        "{}",
        String::from_utf8_lossy(&rebuilt.stderr)
    );
    assert!(stdout(&rebuilt).contains("counters rebuilt"));
    let again = mahalle(&db, &["counters", "check"], None);
    assert!(again.status.success(), "{}", stdout(&again));
}

/// Adds 7 to one counter row of the open work by deadline.
async fn corrupt(store: &mahalle_db::Store) {
    let n = store
        .execute(&mahalle_db::Sql::new(
            "UPDATE resolution_open_due SET n = n + 7 WHERE (grain, period, lead_org_id, domain, status) = \
             (SELECT grain, period, lead_org_id, domain, status FROM resolution_open_due WHERE n > 0 ORDER BY period LIMIT 1)",
        ))
        .await
        .unwrap();
    assert_eq!(n, 1);
}

/// The same as the command, on either backend (PostgreSQL when MAHALLE_TEST_DATABASE_URL is set).
#[tokio::test]
async fn counters_rebuild_repairs_the_counters_on_this_backend() {
    let url = crate::helpers::fresh_database().await;
    let store = mahalle_db::Store::connect(&url).await.unwrap();
    use mahalle_db::counters;
    assert_eq!(
        counters::check_rows(&store).await.unwrap(),
        Vec::<String>::new()
    );
    corrupt(&store).await;
    // A partner row of an open resolution lost from its counter too.
    store
        .execute(&mahalle_db::Sql::new(
            "DELETE FROM partner_open_due WHERE (organisation_id, grain, period, status, leads) = \
             (SELECT organisation_id, grain, period, status, leads FROM partner_open_due WHERE n > 0 ORDER BY period LIMIT 1)",
        ))
        .await
        .unwrap();
    let diff = counters::check_rows(&store).await.unwrap();
    assert_eq!(diff.len(), 2, "{diff:?}");
    assert!(
        diff[0].starts_with("resolution_open_due:") && diff[1].starts_with("partner_open_due:")
    );
    let today = mahalle_web::today();
    assert!(
        !counters::differences(&store, today)
            .await
            .unwrap()
            .is_empty(),
        "the views show it"
    );
    assert!(counters::rebuild(&store).await.unwrap() > 1000);
    assert_eq!(
        counters::check_rows(&store).await.unwrap(),
        Vec::<String>::new()
    );
    assert_eq!(
        counters::differences(&store, today).await.unwrap(),
        Vec::<String>::new()
    );
    store.close().await;
}

#[test]
fn demo_refuses_a_database_with_other_data_unless_forced() {
    let (_dir, db) = temp_db();
    let o = mahalle(
        &db,
        &[
            "user",
            "add",
            "secretariat",
            "--name",
            "دبیرخانه",
            "--role",
            "admin",
        ],
        Some("correct horse battery"),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = mahalle(&db, &["demo", "--small"], None);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--force"), "{err}");
    let list = stdout(&mahalle(&db, &["user", "list"], None));
    assert!(!list.contains("mayor"), "nothing loaded: {list}");
    let o = mahalle(&db, &["demo", "--small", "--force"], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&mahalle(&db, &["user", "list"], None)).contains("mayor"));
}

/// Citizens keep filing requests while `mahalle backup` runs; the copy restores (on this
/// backend) to a database a server runs on, with every table as it was at the copy; a second
/// restore replaces it only when forced, and on SQLite keeps what it replaced.
#[tokio::test]
async fn backups_taken_under_writes_restore_to_the_same_city() {
    use crate::helpers::{empty_database, TestApp};
    use mahalle_db::maintenance::table_counts;

    let app = TestApp::spawn().await;
    let store = mahalle_db::Store::connect(&app.db_url).await.unwrap();
    let (_, key) = mahalle_web::requests::ops::create_api_key(&store, "backup test", None)
        .await
        .unwrap();
    store.close().await;
    let writer = {
        let (client, url) = (app.client.clone(), app.url("/open311/v2/requests.json"));
        tokio::spawn(async move {
            let mut acked = 0;
            for i in 0..25 {
                let description = format!("چاله در پیاده‌رو، شمارهٔ {i}");
                let r = client
                    .post(&url)
                    .form(&[
                        ("api_key", key.as_str()),
                        ("service_code", "STREET-LIGHT"),
                        ("lat", "35.6892"),
                        ("long", "51.3890"),
                        ("attribute[LIGHTS]", "2"),
                        ("description", description.as_str()),
                    ])
                    .send()
                    .await
                    .unwrap();
                assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
                acked += 1;
            }
            acked
        })
    };
    let dir = tempfile::tempdir().unwrap();
    let during = dir.path().join("during.backup");
    let (db, file) = (app.db_url.clone(), during.clone());
    let o = tokio::task::spawn_blocking(move || {
        mahalle(&db, &["backup", file.to_str().unwrap()], None)
    })
    .await
    .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(writer.await.unwrap(), 25);

    let source = mahalle_db::Store::connect(&app.db_url).await.unwrap();
    let target = empty_database().await;
    let o = mahalle(&target, &["restore", during.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout(&o).contains("tables"), "{}", stdout(&o));
    let copy = mahalle_db::Store::connect(&target).await.unwrap();
    let (now, then) = (
        table_counts(&source).await.unwrap(),
        table_counts(&copy).await.unwrap(),
    );
    copy.close().await;
    assert_eq!(
        now.iter().map(|t| &t.0).collect::<Vec<_>>(),
        then.iter().map(|t| &t.0).collect::<Vec<_>>()
    );
    let requests = |c: &[(String, i64)]| c.iter().find(|t| t.0 == "service_requests").unwrap().1;
    assert!(requests(&then) <= requests(&now) && requests(&then) >= requests(&now) - 25);

    // Writes have stopped: a second copy is exact, and restoring it needs --force.
    let after = dir.path().join("after.backup");
    let o = mahalle(&app.db_url, &["backup", after.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let o = mahalle(&target, &["restore", after.to_str().unwrap()], None);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("--force"));
    let o = mahalle(
        &target,
        &["restore", "--force", after.to_str().unwrap()],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    if target.starts_with("sqlite:") {
        assert!(stdout(&o).contains("kept as"), "{}", stdout(&o));
    }
    let copy = mahalle_db::Store::connect(&target).await.unwrap();
    assert_eq!(
        table_counts(&copy).await.unwrap(),
        table_counts(&source).await.unwrap()
    );
    copy.close().await;
    let (last,): (i64,) = source
        .fetch_one(&mahalle_db::Sql::new(
            "SELECT MAX(id) FROM service_requests",
        ))
        .await
        .unwrap();
    source.close().await;

    // A server on the restored copy knows its accounts and shows the last request filed.
    let restored = TestApp::spawn_on(&target).await;
    restored.login_as("admin").await;
    let page = format!("/requests/{last}");
    let (s, html) = restored.get_text(&page).await;
    assert_eq!(s, 200);
    // (Stored normalised: «هٔ» is written «ۀ».)
    assert!(
        html.contains("پیاده‌رو، شمارۀ 24"),
        "the last request is there"
    );

    // Not a backup: refused, and the database is untouched.
    let junk = dir.path().join("junk.backup");
    std::fs::write(&junk, b"not a database").unwrap();
    let o = mahalle(
        &target,
        &["restore", "--force", junk.to_str().unwrap()],
        None,
    );
    assert!(!o.status.success());
    let (s, _) = restored.get_text(&page).await;
    assert_eq!(s, 200);
}
