use thiserror::Error;

/// What can go wrong in the store. Callers map these once to HTTP responses.
#[derive(Debug, Error)]
pub enum DbError {
    #[error("not found")]
    NotFound,
    /// A uniqueness rule was broken; carries the constraint or column that clashed.
    #[error("conflict on {0}")]
    Conflict(String),
    /// A row points at something that does not exist.
    #[error("reference to a missing row: {0}")]
    MissingReference(String),
    /// The database aborted the transaction for reasons of its own (PostgreSQL serialization
    /// failure or deadlock, SQLite busy or locked); trying again can succeed. `Store::write`
    /// does, with back-off.
    #[error("transaction aborted by the database, retryable: {0}")]
    Transient(String),
    #[error("unsupported database URL: {0}")]
    BadUrl(String),
    #[error(transparent)]
    Sqlx(sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for DbError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => DbError::NotFound,
            sqlx::Error::Database(ref d) if d.is_unique_violation() => DbError::Conflict(
                d.constraint()
                    .map(str::to_string)
                    .unwrap_or_else(|| d.message().to_string()),
            ),
            sqlx::Error::Database(ref d) if d.is_foreign_key_violation() => {
                DbError::MissingReference(
                    d.constraint()
                        .map(str::to_string)
                        .unwrap_or_else(|| d.message().to_string()),
                )
            }
            sqlx::Error::Database(ref d) if d.code().as_deref().is_some_and(transient_code) => {
                DbError::Transient(d.message().to_string())
            }
            other => DbError::Sqlx(other),
        }
    }
}

/// PostgreSQL's serialization_failure and deadlock_detected; SQLite's BUSY and LOCKED with their
/// extended codes (the low byte is the primary code). PostgreSQL codes are five characters, so
/// they never read as SQLite's numbers.
fn transient_code(code: &str) -> bool {
    match code {
        "40001" | "40P01" => true,
        _ if code.len() < 5 => code.parse::<u32>().is_ok_and(|n| matches!(n & 0xff, 5 | 6)),
        _ => false,
    }
}

/// What a write transaction can fail with. `Store::write` tries again when `transient` says so.
pub trait TxError: From<DbError> {
    fn transient(&self) -> bool;
}

impl TxError for DbError {
    fn transient(&self) -> bool {
        matches!(self, DbError::Transient(_))
    }
}

#[cfg(test)]
mod tests {
    use super::transient_code;

    #[test]
    fn retryable_codes() {
        for c in ["40001", "40P01", "5", "517", "261", "6", "262"] {
            assert!(transient_code(c), "{c}");
        }
        for c in ["23505", "23503", "42P01", "19", "2067", "787", "1", ""] {
            assert!(!transient_code(c), "{c}");
        }
    }
}
