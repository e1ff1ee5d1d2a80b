//! `mahalle backup` and `mahalle restore`: a consistent copy taken while the server runs, and
//! that copy put back in place of the database. SQLite is copied by SQLite itself (VACUUM INTO);
//! PostgreSQL by its own pg_dump and pg_restore, which must be on the PATH.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context};
use mahalle_db::{maintenance, redact_url, sqlite_file, Store};

pub async fn backup(url: &str, file: &Path) -> anyhow::Result<()> {
    if file.exists() {
        bail!("{} already exists; choose a new file", file.display());
    }
    match sqlite_file(url)? {
        Some(_) => {
            let store = crate::cli::open(url).await?;
            let path = file
                .to_str()
                .context("the backup path must be valid UTF-8")?;
            maintenance::sqlite_backup(&store, path).await?;
            store.close().await;
        }
        None => {
            let mut dump = pg_tool("pg_dump", url);
            dump.args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
                .arg(file);
            run(dump)?;
        }
    }
    println!("backup written to {}", file.display());
    Ok(())
}

/// Puts the backup `file` in place of the database. SQLite: the copy is checked and migrated
/// beside the database first, and a database already there is kept as `FILE.before-restore-…`
/// (only with `force`), so nothing is lost if the backup was the wrong one. PostgreSQL: the
/// dump's objects replace the database's, in one transaction. Stop the servers first.
pub async fn restore(url: &str, file: &Path, force: bool) -> anyhow::Result<()> {
    if !file.is_file() {
        bail!("{} is not a backup file", file.display());
    }
    let kept = match sqlite_file(url)? {
        Some(target) => restore_sqlite(Path::new(target), file, force).await?,
        None => {
            if !force && has_tables(url).await? {
                bail!(
                    "{} already holds a database; stop the servers and add --force to replace it",
                    redact_url(url)
                );
            }
            let mut load = pg_tool("pg_restore", url);
            load.args([
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
            ])
            .arg(file);
            run(load)?;
            None
        }
    };
    // A backup from an older version is brought up to this one's schema.
    let store = crate::cli::open(url).await?;
    let tables = maintenance::table_counts(&store).await?;
    store.close().await;
    let rows: i64 = tables.iter().map(|(_, n)| n).sum();
    println!(
        "restored {} into {}: {} tables, {rows} rows",
        file.display(),
        redact_url(url),
        tables.len()
    );
    if let Some(kept) = kept {
        println!("the database it replaced is kept as {}", kept.display());
    }
    Ok(())
}

async fn restore_sqlite(
    target: &Path,
    file: &Path,
    force: bool,
) -> anyhow::Result<Option<PathBuf>> {
    if target.exists() && !force {
        bail!(
            "{} already exists; stop the server and add --force to replace it (it is kept beside)",
            target.display()
        );
    }
    let staging = with_suffix(target, ".restoring");
    remove_with_journal(&staging)?;
    std::fs::copy(file, &staging)
        .with_context(|| format!("cannot copy {} beside the database", file.display()))?;
    let checked = check_copy(&staging).await;
    if let Err(e) = checked {
        remove_with_journal(&staging)?;
        return Err(e);
    }
    let kept = if target.exists() {
        let kept = with_suffix(
            target,
            &format!(
                ".before-restore-{}",
                chrono::Utc::now().format("%Y%m%dT%H%M%SZ")
            ),
        );
        for j in JOURNAL {
            let from = with_suffix(target, j);
            if from.exists() {
                std::fs::rename(&from, with_suffix(&kept, j))?;
            }
        }
        Some(kept)
    } else {
        None
    };
    std::fs::rename(&staging, target)?;
    Ok(kept)
}

/// Opens the copy: it must be a sound Mahalle database, which migrating brings up to date.
async fn check_copy(path: &Path) -> anyhow::Result<()> {
    let url = path
        .to_str()
        .context("the database path must be valid UTF-8")?;
    let store = Store::connect(url)
        .await
        .context("the backup is not a SQLite database")?;
    let health = maintenance::health(&store).await;
    let result = match health {
        Ok(maintenance::Health::Sqlite {
            integrity,
            broken_references,
        }) if integrity.is_empty() && broken_references == 0 => store
            .migrate()
            .await
            .context("the backup is not a Mahalle database this version can read"),
        Ok(_) => Err(anyhow::anyhow!(
            "the backup fails SQLite's integrity check; it was not restored"
        )),
        Err(e) => Err(anyhow::Error::new(e).context("the backup is not a SQLite database")),
    };
    store.close().await;
    result
}

/// SQLite's files beside a database, moved with it.
const JOURNAL: [&str; 3] = ["", "-wal", "-shm"];

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
}

fn remove_with_journal(path: &Path) -> std::io::Result<()> {
    for j in JOURNAL {
        match std::fs::remove_file(with_suffix(path, j)) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
            _ => {}
        }
    }
    Ok(())
}

async fn has_tables(url: &str) -> anyhow::Result<bool> {
    let store = Store::connect(url)
        .await
        .context("cannot open the database")?;
    let tables = maintenance::table_counts(&store).await?;
    store.close().await;
    Ok(!tables.is_empty())
}

/// A PostgreSQL client tool for `url`; the password, if the URL has one, goes by the environment
/// rather than on a command line others can read.
fn pg_tool(name: &str, url: &str) -> Command {
    let mut c = Command::new(name);
    let (url, password) = split_password(url);
    if let Some(p) = password {
        c.env("PGPASSWORD", p);
    }
    c.arg("--dbname").arg(url);
    c
}

fn run(mut c: Command) -> anyhow::Result<()> {
    let name = c.get_program().to_string_lossy().into_owned();
    let out = c.output().map_err(|e| {
        anyhow::anyhow!(
            "cannot run {name} ({e}); install PostgreSQL's client tools (postgresql-client)"
        )
    })?;
    if !out.status.success() {
        bail!(
            "{name} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// `postgres://user:secret@host/db` → (`postgres://user@host/db`, the decoded secret).
fn split_password(url: &str) -> (String, Option<String>) {
    if let (Some(s), Some(at)) = (url.find("://"), url.rfind('@')) {
        if at > s {
            if let Some((user, pass)) = url[s + 3..at].split_once(':') {
                let decoded = percent_encoding::percent_decode_str(pass)
                    .decode_utf8_lossy()
                    .into_owned();
                return (
                    format!("{}://{user}@{}", &url[..s], &url[at + 1..]),
                    Some(decoded),
                );
            }
        }
    }
    (url.to_string(), None)
}

#[cfg(test)]
mod tests {
    use super::split_password;

    #[test]
    fn passwords_leave_the_url() {
        assert_eq!(
            split_password("postgres://u:p%40ss@h:5432/db"),
            ("postgres://u@h:5432/db".into(), Some("p@ss".into()))
        );
        assert_eq!(
            split_password("postgres://u@h/db"),
            ("postgres://u@h/db".into(), None)
        );
    }
}
