//! Connection to one of the two backends, migrations, and the executor every query goes through.

use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::str::FromStr;
use std::time::{Duration, Instant};

use mahalle_core::retry::Backoff;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use sqlx::{FromRow, PgPool, Postgres, Sqlite, SqlitePool, Transaction};

use crate::sql::{Arg, Sql};
use crate::{DbError, Result, TxError};

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone)]
pub enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The database, whichever backend the URL chose. Cheap to clone (pools are shared).
#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
}

/// The future a transaction body returns.
pub type BoxFuture<'t, T> = Pin<Box<dyn Future<Output = T> + Send + 't>>;

/// The second argument of a transaction body. It carries no data: its type tells the compiler
/// that the body's borrows of the caller (`'a`) outlive the transaction (`'t`), so a body can
/// use the caller's variables without cloning them.
pub type Scope<'t, 'a> = PhantomData<&'t &'a ()>;

/// How long a SQLite connection waits for another's write lock before reporting busy.
const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A row type that both backends can decode.
pub trait Row: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin {}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

/// Binds our `Arg`s to any sqlx query type; expanded once per backend.
macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
        for a in $args {
            q = match a {
                Arg::I64(v) => q.bind(*v),
                Arg::F64(v) => q.bind(*v),
                Arg::Bool(v) => q.bind(*v),
                Arg::Text(v) => q.bind(v.as_deref()),
                Arg::Date(v) => q.bind(*v),
                Arg::Time(v) => q.bind(*v),
                Arg::Bytes(v) => q.bind(v.as_deref()),
            };
        }
        q
    }};
}

/// The executor methods, the same over a pool or a transaction.
macro_rules! executor_methods {
    ($($m:ident)? ; $self:ident, $sqlite:pat => $s:expr, $pg:pat => $p:expr) => {
        /// Runs a statement; returns the number of rows it changed.
        pub async fn execute(&$($m)? $self, sql: &Sql) -> Result<u64> {
            Ok(match $self.conns() {
                $sqlite => bind_args!(sqlx::query(&sql.text), &sql.args).execute($s).await?.rows_affected(),
                $pg => bind_args!(sqlx::query(&sql.text), &sql.args).execute($p).await?.rows_affected(),
            })
        }
        pub async fn fetch_all<T: Row>(&$($m)? $self, sql: &Sql) -> Result<Vec<T>> {
            Ok(match $self.conns() {
                $sqlite => bind_args!(sqlx::query_as::<_, T>(&sql.text), &sql.args).fetch_all($s).await?,
                $pg => bind_args!(sqlx::query_as::<_, T>(&sql.text), &sql.args).fetch_all($p).await?,
            })
        }
        pub async fn fetch_optional<T: Row>(&$($m)? $self, sql: &Sql) -> Result<Option<T>> {
            Ok(match $self.conns() {
                $sqlite => bind_args!(sqlx::query_as::<_, T>(&sql.text), &sql.args).fetch_optional($s).await?,
                $pg => bind_args!(sqlx::query_as::<_, T>(&sql.text), &sql.args).fetch_optional($p).await?,
            })
        }
        /// One row or `DbError::NotFound`.
        pub async fn fetch_one<T: Row>(&$($m)? $self, sql: &Sql) -> Result<T> {
            $self.fetch_optional(sql).await?.ok_or(DbError::NotFound)
        }
        /// A single integer, e.g. `COUNT(*)` or `RETURNING id`.
        pub async fn scalar(&$($m)? $self, sql: &Sql) -> Result<i64> {
            Ok(match $self.conns() {
                $sqlite => bind_args!(sqlx::query_scalar::<_, i64>(&sql.text), &sql.args).fetch_one($s).await?,
                $pg => bind_args!(sqlx::query_scalar::<_, i64>(&sql.text), &sql.args).fetch_one($p).await?,
            })
        }
    };
}

enum PoolRef<'a> {
    Sqlite(&'a SqlitePool),
    Postgres(&'a PgPool),
}

impl Store {
    /// Opens the database named by `url`: `sqlite://path`, `sqlite:path`, a plain file path, or
    /// `postgres://…`/`postgresql://…`. SQLite files are created on first use.
    pub async fn connect(url: &str) -> Result<Store> {
        Self::connect_with_busy_timeout(url, SQLITE_BUSY_TIMEOUT).await
    }

    /// As `connect`, with SQLite's lock wait set (tests make it short to provoke busy errors).
    #[doc(hidden)]
    pub async fn connect_with_busy_timeout(url: &str, busy_timeout: Duration) -> Result<Store> {
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let opts = PgConnectOptions::from_str(url).map_err(|_| DbError::BadUrl(redact(url)))?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            Backend::Postgres(pool)
        } else {
            let path = sqlite_file(url)?.ok_or_else(|| DbError::BadUrl(redact(url)))?;
            // WAL lets readers run beside the writer; FULL makes every acknowledged commit survive
            // a power cut, not only a crash of the process (NORMAL would). See the README.
            let opts = SqliteConnectOptions::new()
                .filename(path)
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(busy_timeout);
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(opts)
                .await?;
            Backend::Sqlite(pool)
        };
        Ok(Store { backend })
    }

    pub fn backend(&self) -> &Backend {
        &self.backend
    }

    /// "sqlite" or "postgres".
    pub fn kind(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    /// Applies pending migrations; safe to run from several processes at once on PostgreSQL
    /// (sqlx takes its migration lock).
    pub async fn migrate(&self) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Backend::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    /// Applies the migrations up to `version` only, for tests that upgrade a database written by
    /// an older release.
    #[doc(hidden)]
    pub async fn migrate_to(&self, version: i64) -> Result<()> {
        let older = |all: &sqlx::migrate::Migrator| sqlx::migrate::Migrator {
            migrations: std::borrow::Cow::Owned(
                all.iter()
                    .filter(|m| m.version <= version)
                    .cloned()
                    .collect(),
            ),
            ignore_missing: false,
            locking: true,
            no_tx: false,
        };
        match &self.backend {
            Backend::Sqlite(p) => older(&SQLITE_MIGRATIONS).run(p).await?,
            Backend::Postgres(p) => older(&POSTGRES_MIGRATIONS).run(p).await?,
        }
        Ok(())
    }

    /// Migrations known to this binary and whether each is applied: (version, description, applied).
    pub async fn migration_status(&self) -> Result<Vec<(i64, String, bool)>> {
        let migrator = match self.backend {
            Backend::Sqlite(_) => &SQLITE_MIGRATIONS,
            Backend::Postgres(_) => &POSTGRES_MIGRATIONS,
        };
        let applied: Vec<i64> = self
            .fetch_all::<(i64,)>(&Sql::new(
                "SELECT version FROM _sqlx_migrations WHERE success = TRUE",
            ))
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|(v,)| v)
            .collect();
        Ok(migrator
            .iter()
            .map(|m| {
                (
                    m.version,
                    m.description.to_string(),
                    applied.contains(&m.version),
                )
            })
            .collect())
    }

    /// Whether the database answers a trivial query.
    pub async fn ping(&self) -> Result<()> {
        self.scalar(&Sql::new("SELECT CAST(1 AS BIGINT)"))
            .await
            .map(|_| ())
    }

    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(p) => p.close().await,
            Backend::Postgres(p) => p.close().await,
        }
    }

    /// Runs `body` in a write transaction and commits it. When the database aborts it for
    /// reasons of its own (`TxError::transient`: a PostgreSQL serialization failure or deadlock,
    /// SQLite busy), the work is rolled back and run again from the start, on the schedule of
    /// `Backoff::TRANSACTIONS`; any other error rolls back and is returned. Every write goes
    /// through here, so `body` must be safe to run more than once: no effects outside the
    /// transaction. Write it as `|tx, _| Box::pin(async move { … })`.
    pub async fn write<'a, T, E, F>(&self, mut body: F) -> std::result::Result<T, E>
    where
        E: TxError,
        F: for<'t> FnMut(&'t mut Tx, Scope<'t, 'a>) -> BoxFuture<'t, std::result::Result<T, E>>,
    {
        let started = Instant::now();
        let mut failed = 0;
        loop {
            let outcome = match self.begin().await {
                Ok(mut tx) => match body(&mut tx, PhantomData).await {
                    Ok(value) => tx.commit().await.map(|()| value).map_err(E::from),
                    Err(e) => Err(e),
                },
                Err(e) => Err(E::from(e)),
            };
            match outcome {
                Err(e) if e.transient() => {
                    failed += 1;
                    let wait =
                        Backoff::TRANSACTIONS.delay(failed, started.elapsed(), rand::random());
                    let Some(wait) = wait else { return Err(e) };
                    tracing::debug!(attempt = failed, ?wait, "transaction aborted; retrying");
                    tokio::time::sleep(wait).await;
                }
                other => return other,
            }
        }
    }

    /// Starts a write transaction; prefer `write`, which retries. On SQLite it is `BEGIN IMMEDIATE`: a deferred transaction
    /// that reads and then writes fails outright when another connection wrote in between.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match &self.backend {
            Backend::Sqlite(p) => Tx::Sqlite(p.begin_with("BEGIN IMMEDIATE").await?),
            Backend::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }

    fn conns(&self) -> PoolRef<'_> {
        match &self.backend {
            Backend::Sqlite(p) => PoolRef::Sqlite(p),
            Backend::Postgres(p) => PoolRef::Postgres(p),
        }
    }

    executor_methods!(; self, PoolRef::Sqlite(p) => p, PoolRef::Postgres(p) => p);
}

/// A write transaction on either backend. Dropped without `commit`, it rolls back.
pub enum Tx {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

enum ConnRef<'a> {
    Sqlite(&'a mut sqlx::SqliteConnection),
    Postgres(&'a mut sqlx::PgConnection),
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    /// Inserts many rows with few statements (bulk loads: the demo city, benchmarks). Rows must
    /// have one value per column.
    pub async fn insert_many(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: Vec<Vec<Arg>>,
    ) -> Result<()> {
        // Fewer, larger statements save PostgreSQL round trips; SQLite runs in-process and binds
        // many parameters slowly, so it gets small ones.
        let budget = if let Tx::Postgres(_) = self {
            8_000
        } else {
            500
        };
        let per = (budget / columns.len().max(1)).max(1);
        let mut rows = rows.into_iter().peekable();
        while rows.peek().is_some() {
            let mut sql = Sql::new(&format!(
                "INSERT INTO {table} ({}) VALUES ",
                columns.join(", ")
            ));
            for (i, row) in rows.by_ref().take(per).enumerate() {
                sql.push(if i == 0 { "(" } else { ", (" });
                for (j, v) in row.into_iter().enumerate() {
                    if j > 0 {
                        sql.push(", ");
                    }
                    sql.arg(v);
                }
                sql.push(")");
            }
            self.execute(&sql).await?;
        }
        Ok(())
    }

    /// The next free id of a table, for bulk loads that assign ids themselves; call
    /// `sync_identity` after inserting them.
    pub async fn next_id(&mut self, table: &str) -> Result<i64> {
        self.scalar(&Sql::new(&format!(
            "SELECT COALESCE(MAX(id), 0) + 1 FROM {table}"
        )))
        .await
    }

    /// After explicit ids were inserted, moves PostgreSQL's identity past them (SQLite's rowid
    /// needs nothing).
    pub async fn sync_identity(&mut self, table: &str) -> Result<()> {
        if let Tx::Postgres(_) = self {
            self.execute(&Sql::new(&format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )))
            .await?;
        }
        Ok(())
    }

    fn conns(&mut self) -> ConnRef<'_> {
        match self {
            Tx::Sqlite(t) => ConnRef::Sqlite(t),
            Tx::Postgres(t) => ConnRef::Postgres(t),
        }
    }

    executor_methods!(mut ; self, ConnRef::Sqlite(c) => c, ConnRef::Postgres(c) => c);
}

/// The file a SQLite URL names (`sqlite://path`, `sqlite:path` or a plain path); None for a
/// PostgreSQL URL.
pub fn sqlite_file(url: &str) -> Result<Option<&str>> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return Ok(None);
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() || path.contains("://") {
        return Err(DbError::BadUrl(redact(url)));
    }
    Ok(Some(path))
}

/// A database URL with any password replaced, for messages and logs.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}://{}:***@{}", &url[..s], user, &url[at + 1..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_leave() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://h/db"), "postgres://h/db");
        assert_eq!(redact("sqlite://x.db"), "sqlite://x.db");
    }
}
