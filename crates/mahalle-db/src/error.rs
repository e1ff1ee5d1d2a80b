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
            other => DbError::Sqlx(other),
        }
    }
}
