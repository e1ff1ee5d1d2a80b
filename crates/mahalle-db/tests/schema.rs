//! Schema parity: the SQLite and PostgreSQL migrations must build the same schema. Both are
//! migrated and read back from their catalogues into one neutral description (tables, columns
//! with mapped types and nullability, primary keys, unique keys, foreign keys, indexes, and which
//! table events carry triggers); every difference not in `ALLOWED` fails the test.
//!
//! Needs PostgreSQL: it runs when MAHALLE_TEST_DATABASE_URL is set, as `.ci/run` does.

mod common;

use std::collections::BTreeSet;

use mahalle_db::{Sql, Store};

/// Differences we accept, each with its reason. Keep this short: a new entry needs a reason a
/// reviewer would accept, otherwise fix the migration.
const ALLOWED: &[&str] = &[
    // Booleans declared INTEGER in SQLite's first migrations. SQLite has no boolean type (BOOLEAN
    // only names NUMERIC affinity) and sqlx stores a bool as 0/1 either way; changing the
    // declaration would need a table rebuild for no change in behaviour.
    "only in SQLite: column meeting_attendees.present int not null",
    "only in PostgreSQL: column meeting_attendees.present bool not null",
    "only in SQLite: column resolutions.done_late int null",
    "only in PostgreSQL: column resolutions.done_late bool null",
    "only in SQLite: column users.active int not null",
    "only in PostgreSQL: column users.active bool not null",
    // On purpose (migration 0004): SQLite covers n so a lead's counters never touch the table;
    // PostgreSQL leaves n out so a count change is a HOT update that rewrites no index.
    "only in SQLite: index resolution_open_due_lead on resolution_open_due(lead_org_id, grain, period, status, n)",
    "only in PostgreSQL: index resolution_open_due_lead on resolution_open_due(lead_org_id, grain, period)",
];

/// How a column's type is stored, in terms both backends share. SQLite keeps dates and times as
/// ISO-8601 text (sqlx reads them back into chrono types), so PostgreSQL's date and time types
/// map to `text`.
fn sqlite_type(declared: &str) -> &'static str {
    let t = declared.to_ascii_uppercase();
    if t.contains("INT") {
        "int"
    } else if t.contains("BOOL") {
        "bool"
    } else if t.contains("REAL") || t.contains("DOUB") || t.contains("FLOA") {
        "real"
    } else if t.contains("TEXT") || t.contains("CHAR") || t.contains("CLOB") {
        "text"
    } else if t.contains("BLOB") {
        "blob"
    } else {
        "untyped"
    }
}

fn postgres_type(data_type: &str) -> &'static str {
    match data_type {
        "bigint" | "integer" | "smallint" => "int",
        "boolean" => "bool",
        "double precision" | "real" | "numeric" => "real",
        "text"
        | "character varying"
        | "character"
        | "timestamp with time zone"
        | "date"
        | "time without time zone" => "text",
        "bytea" => "blob",
        _ => "other",
    }
}

/// PostgreSQL's `confdeltype` letters in SQLite's words.
fn postgres_on_delete(code: &str) -> &'static str {
    match code {
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        "r" => "RESTRICT",
        _ => "NO ACTION",
    }
}

/// One fact per line, e.g. `column notifications.kind text not null`; two schemas are equal when
/// their sets are.
type Facts = BTreeSet<String>;

/// One foreign key as SQLite lists it: target table, from-columns, to-columns (none when it
/// names the target's primary key implicitly), on-delete action.
type SqliteFk = (String, Vec<String>, Vec<Option<String>>, String);

async fn sqlite_facts(store: &Store) -> Facts {
    let mut facts = Facts::new();
    let tables: Vec<(String,)> = store
        .fetch_all(&Sql::new(
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> '_sqlx_migrations' ORDER BY name",
        ))
        .await
        .unwrap();
    for (table,) in &tables {
        facts.insert(format!("table {table}"));
        let columns: Vec<(String, String, i64, i64)> = store
            .fetch_all(
                &Sql::new(
                    r#"SELECT name, type, "notnull", pk FROM pragma_table_info($1) ORDER BY cid"#,
                )
                .bind(table.as_str()),
            )
            .await
            .unwrap();
        let mut pk: Vec<(i64, String)> = Vec::new();
        let mut order = Vec::new();
        for (name, declared, not_null, pk_pos) in columns {
            // A primary key column is never null on either backend, whatever SQLite reports.
            let null = if not_null == 1 || pk_pos > 0 {
                "not null"
            } else {
                "null"
            };
            facts.insert(format!(
                "column {table}.{name} {} {null}",
                sqlite_type(&declared)
            ));
            if pk_pos > 0 {
                pk.push((pk_pos, name.clone()));
            }
            order.push(name);
        }
        facts.insert(format!("column order {table}: {}", order.join(", ")));
        pk.sort();
        let pk: Vec<String> = pk.into_iter().map(|(_, n)| n).collect();
        if !pk.is_empty() {
            facts.insert(format!("primary key {table}({})", pk.join(", ")));
        }

        let indexes: Vec<(String, i64, String, i64)> = store
            .fetch_all(
                &Sql::new(r#"SELECT name, "unique", origin, partial FROM pragma_index_list($1)"#)
                    .bind(table.as_str()),
            )
            .await
            .unwrap();
        for (index, unique, origin, partial) in indexes {
            if origin == "pk" {
                continue;
            }
            let cols: Vec<(Option<String>,)> = store
                .fetch_all(
                    &Sql::new("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                        .bind(index.as_str()),
                )
                .await
                .unwrap();
            let cols = join_columns(cols.into_iter().map(|(c,)| c));
            facts.insert(index_fact(
                table,
                &index,
                &cols,
                unique == 1,
                partial == 1,
                origin == "u",
            ));
        }

        let fks: Vec<(i64, i64, String, String, Option<String>, String)> = store
            .fetch_all(
                &Sql::new(
                    r#"SELECT id, seq, "table", "from", "to", on_delete FROM pragma_foreign_key_list($1) ORDER BY id, seq"#,
                )
                .bind(table.as_str()),
            )
            .await
            .unwrap();
        let mut by_id: std::collections::BTreeMap<i64, SqliteFk> = Default::default();
        for (id, _, target, from, to, on_delete) in fks {
            let e = by_id
                .entry(id)
                .or_insert_with(|| (target, Vec::new(), Vec::new(), on_delete));
            e.1.push(from);
            e.2.push(to);
        }
        for (_, (target, from, to, on_delete)) in by_id {
            // `REFERENCES t` without a column means t's primary key.
            let to = if to.iter().all(Option::is_none) {
                sqlite_primary_key(store, &target).await
            } else {
                to.into_iter().map(Option::unwrap_or_default).collect()
            };
            facts.insert(fk_fact(table, &from, &target, &to, &on_delete));
        }
    }

    let triggers: Vec<(String, String)> = store
        .fetch_all(&Sql::new(
            "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'",
        ))
        .await
        .unwrap();
    for (table, sql) in triggers {
        let sql = sql.to_ascii_uppercase();
        for event in ["INSERT", "UPDATE", "DELETE"] {
            if sql.contains(&format!(" {event} ON ")) || sql.contains(&format!(" {event} OF ")) {
                facts.insert(format!("trigger on {table} {}", event.to_lowercase()));
            }
        }
    }
    facts
}

async fn sqlite_primary_key(store: &Store, table: &str) -> Vec<String> {
    let cols: Vec<(String,)> = store
        .fetch_all(
            &Sql::new("SELECT name FROM pragma_table_info($1) WHERE pk > 0 ORDER BY pk")
                .bind(table),
        )
        .await
        .unwrap();
    cols.into_iter().map(|(c,)| c).collect()
}

async fn postgres_facts(store: &Store) -> Facts {
    let mut facts = Facts::new();
    let tables: Vec<(String,)> = store
        .fetch_all(&Sql::new(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' \
             AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations' ORDER BY 1",
        ))
        .await
        .unwrap();
    for (table,) in &tables {
        facts.insert(format!("table {table}"));
        let columns: Vec<(String, String, String)> = store
            .fetch_all(
                &Sql::new(
                    "SELECT column_name::text, data_type::text, is_nullable::text FROM information_schema.columns \
                     WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
                )
                .bind(table.as_str()),
            )
            .await
            .unwrap();
        let mut order = Vec::new();
        for (name, data_type, nullable) in columns {
            let null = if nullable == "NO" { "not null" } else { "null" };
            facts.insert(format!(
                "column {table}.{name} {} {null}",
                postgres_type(&data_type)
            ));
            order.push(name);
        }
        facts.insert(format!("column order {table}: {}", order.join(", ")));

        // Columns of an index or constraint, in key order, named; expressions come back as NULL.
        const KEY_COLUMNS: &str =
            "(SELECT string_agg(COALESCE(a.attname::text, '?'), ', ' ORDER BY k.ord) \
             FROM unnest({keys}) WITH ORDINALITY AS k(attnum, ord) \
             LEFT JOIN pg_attribute a ON a.attrelid = {rel} AND a.attnum = k.attnum)";
        let index_cols = KEY_COLUMNS
            .replace("{keys}", "ix.indkey::int2[]")
            .replace("{rel}", "ix.indrelid");
        let indexes: Vec<(String, bool, bool, bool, bool, String)> = store
            .fetch_all(
                &Sql::new(&format!(
                    "SELECT ic.relname::text, ix.indisprimary, ix.indisunique, ix.indpred IS NOT NULL, \
                     EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ix.indexrelid AND c.contype = 'u'), \
                     {index_cols} \
                     FROM pg_index ix JOIN pg_class ic ON ic.oid = ix.indexrelid \
                     JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace \
                     WHERE n.nspname = 'public' AND t.relname = $1"
                ))
                .bind(table.as_str()),
            )
            .await
            .unwrap();
        for (index, primary, unique, partial, constraint, cols) in indexes {
            if primary {
                facts.insert(format!("primary key {table}({cols})"));
            } else {
                facts.insert(index_fact(
                    table, &index, &cols, unique, partial, constraint,
                ));
            }
        }

        let from_cols = KEY_COLUMNS
            .replace("{keys}", "c.conkey")
            .replace("{rel}", "c.conrelid");
        let to_cols = KEY_COLUMNS
            .replace("{keys}", "c.confkey")
            .replace("{rel}", "c.confrelid");
        let fks: Vec<(String, String, String, String)> = store
            .fetch_all(
                &Sql::new(&format!(
                    "SELECT {from_cols}, rt.relname::text, {to_cols}, c.confdeltype::text \
                     FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid \
                     JOIN pg_class rt ON rt.oid = c.confrelid JOIN pg_namespace n ON n.oid = t.relnamespace \
                     WHERE c.contype = 'f' AND n.nspname = 'public' AND t.relname = $1"
                ))
                .bind(table.as_str()),
            )
            .await
            .unwrap();
        for (from, target, to, on_delete) in fks {
            let split = |s: &str| s.split(", ").map(str::to_string).collect::<Vec<_>>();
            facts.insert(fk_fact(
                table,
                &split(&from),
                &target,
                &split(&to),
                postgres_on_delete(&on_delete),
            ));
        }
    }

    let triggers: Vec<(String, String)> = store
        .fetch_all(&Sql::new(
            "SELECT DISTINCT event_object_table::text, lower(event_manipulation::text) \
             FROM information_schema.triggers WHERE trigger_schema = 'public'",
        ))
        .await
        .unwrap();
    for (table, event) in triggers {
        facts.insert(format!("trigger on {table} {event}"));
    }
    facts
}

fn join_columns(cols: impl Iterator<Item = Option<String>>) -> String {
    cols.map(|c| c.unwrap_or_else(|| "?".into()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A unique constraint is known by its columns (each backend names it its own way); an index
/// someone created is known by its name too.
fn index_fact(
    table: &str,
    name: &str,
    cols: &str,
    unique: bool,
    partial: bool,
    constraint: bool,
) -> String {
    let partial = if partial { " partial" } else { "" };
    if constraint {
        format!("unique key {table}({cols}){partial}")
    } else {
        let unique = if unique { "unique " } else { "" };
        format!("{unique}index {name} on {table}({cols}){partial}")
    }
}

fn fk_fact(table: &str, from: &[String], target: &str, to: &[String], on_delete: &str) -> String {
    format!(
        "foreign key {table}({}) -> {target}({}) on delete {on_delete}",
        from.join(", "),
        to.join(", ")
    )
}

#[tokio::test]
async fn sqlite_and_postgres_migrations_build_the_same_schema() {
    let Some(url) = common::pg_url() else {
        eprintln!("schema parity needs PostgreSQL: set MAHALLE_TEST_DATABASE_URL (CI does)");
        return;
    };
    let (lite, _dir) = common::sqlite().await;
    let (pg, name) = common::postgres(&url, "schema").await;
    let lite_facts = sqlite_facts(&lite).await;
    let pg_facts = postgres_facts(&pg).await;
    common::drop_pg(&url, pg, &name).await;

    // The reader must see the schema, or an empty pair would pass.
    assert!(lite_facts.contains("table resolutions"), "{lite_facts:#?}");
    assert!(pg_facts.contains("table resolutions"), "{pg_facts:#?}");

    let mut unexplained = Vec::new();
    for f in lite_facts.difference(&pg_facts) {
        let line = format!("only in SQLite: {f}");
        if !ALLOWED.contains(&line.as_str()) {
            unexplained.push(line);
        }
    }
    for f in pg_facts.difference(&lite_facts) {
        let line = format!("only in PostgreSQL: {f}");
        if !ALLOWED.contains(&line.as_str()) {
            unexplained.push(line);
        }
    }
    let stale: Vec<&&str> = ALLOWED
        .iter()
        .filter(|a| {
            let (side, fact) = a.split_once(": ").unwrap();
            let (here, there) = if side == "only in SQLite" {
                (&lite_facts, &pg_facts)
            } else {
                (&pg_facts, &lite_facts)
            };
            !here.contains(fact) || there.contains(fact)
        })
        .collect();
    assert!(
        unexplained.is_empty() && stale.is_empty(),
        "the two migrations disagree:\n{}\nallow-list entries that no longer apply:\n{stale:#?}",
        unexplained.join("\n")
    );
}
