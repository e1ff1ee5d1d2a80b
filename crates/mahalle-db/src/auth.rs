//! Accounts, their scoped roles, server-side sessions, API tokens and log-in throttling.
//! Only hashes of session and API tokens are stored; the secrets live with their holders.

use chrono::{DateTime, Utc};
use mahalle_core::access::{Grant, Scope};
use mahalle_core::tokens::{self, TokenScope};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Result, Sql, Store, Tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub person_id: Option<i64>,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Credentials {
    pub id: i64,
    pub password_hash: String,
    pub active: bool,
}

const USER_SELECT: &str =
    "SELECT id, username, display_name, person_id, active, created_at FROM users";

pub async fn credentials(store: &Store, username: &str) -> Result<Option<Credentials>> {
    store
        .fetch_optional(
            &Sql::new("SELECT id, password_hash, active FROM users WHERE username = $1")
                .bind(username),
        )
        .await
}

pub async fn user_by_name(store: &Store, username: &str) -> Result<Option<User>> {
    let mut sql = Sql::new(USER_SELECT);
    sql.push(" WHERE username = ").arg(username);
    store.fetch_optional(&sql).await
}

pub async fn list_users(store: &Store) -> Result<Vec<User>> {
    store
        .fetch_all(&Sql::new(&format!(
            "{USER_SELECT} ORDER BY username LIMIT 1000"
        )))
        .await
}

/// Creates an account; `DbError::Conflict` when the username is taken.
pub async fn create_user(
    tx: &mut Tx,
    username: &str,
    display_name: &str,
    password_hash: &str,
) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO users (username, display_name, password_hash, active, created_at) VALUES ($1, $2, $3, TRUE, $4) RETURNING id",
        )
        .bind(username)
        .bind(display_name)
        .bind(password_hash)
        .bind(Utc::now()),
    )
    .await
}

/// Creates or resets an account by username (used by the demo loader); returns its id.
pub async fn upsert_user(
    tx: &mut Tx,
    username: &str,
    display_name: &str,
    password_hash: &str,
) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO users (username, display_name, password_hash, active, created_at) VALUES ($1, $2, $3, TRUE, $4) \
             ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name, password_hash = excluded.password_hash, \
             active = TRUE RETURNING id",
        )
        .bind(username)
        .bind(display_name)
        .bind(password_hash)
        .bind(Utc::now()),
    )
    .await
}

/// Sets a new password and ends every session of the account.
pub async fn set_password(tx: &mut Tx, user_id: i64, password_hash: &str) -> Result<()> {
    let n = tx
        .execute(
            &Sql::new("UPDATE users SET password_hash = $1 WHERE id = $2")
                .bind(password_hash)
                .bind(user_id),
        )
        .await?;
    if n == 0 {
        return Err(crate::DbError::NotFound);
    }
    end_sessions(tx, user_id).await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct GrantRow {
    role: String,
    district_id: Option<i64>,
    organisation_id: Option<i64>,
    neighborhood_id: Option<i64>,
}

pub async fn grants_of(store: &Store, user_id: i64) -> Result<Vec<Grant>> {
    let rows: Vec<GrantRow> = store.fetch_all(&Sql::new(GRANTS_OF).bind(user_id)).await?;
    Ok(to_grants(rows))
}

const GRANTS_OF: &str =
    "SELECT role, district_id, organisation_id, neighborhood_id FROM user_roles WHERE user_id = $1 ORDER BY id";

/// The grants the rows name (rows naming no valid grant are left out).
fn to_grants(rows: Vec<GrantRow>) -> Vec<Grant> {
    rows.into_iter()
        .filter_map(|r| {
            Grant::from_columns(&r.role, r.district_id, r.organisation_id, r.neighborhood_id)
        })
        .collect()
}

/// Replaces the roles of an account.
pub async fn set_grants(tx: &mut Tx, user_id: i64, grants: &[Grant]) -> Result<()> {
    tx.execute(&Sql::new("DELETE FROM user_roles WHERE user_id = $1").bind(user_id))
        .await?;
    for g in grants {
        let (d, o, n) = match g.scope {
            Scope::City => (None, None, None),
            Scope::District(d) => (Some(d), None, None),
            Scope::Organisation(o) => (None, Some(o), None),
            Scope::Neighborhood(n) => (None, None, Some(n)),
        };
        tx.execute(
            &Sql::new(
                "INSERT INTO user_roles (user_id, role, district_id, organisation_id, neighborhood_id) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(user_id)
            .bind(g.role.as_str())
            .bind(d)
            .bind(o)
            .bind(n),
        )
        .await?;
    }
    Ok(())
}

pub async fn create_session(
    store: &Store,
    token_hash: &str,
    user_id: i64,
    now: i64,
    expires_at: i64,
) -> Result<()> {
    store
        .execute(
            &Sql::new("INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
                .bind(token_hash)
                .bind(user_id)
                .bind(now)
                .bind(expires_at),
        )
        .await?;
    Ok(())
}

/// The active user a live session belongs to.
pub async fn session_user(store: &Store, token_hash: &str, now: i64) -> Result<Option<User>> {
    store
        .fetch_optional(
            &Sql::new(
                "SELECT u.id, u.username, u.display_name, u.person_id, u.active, u.created_at FROM sessions s \
                 JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = TRUE",
            )
            .bind(token_hash)
            .bind(now),
        )
        .await
}

pub async fn delete_session(store: &Store, token_hash: &str) -> Result<()> {
    store
        .execute(&Sql::new("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash))
        .await?;
    Ok(())
}

/// Removes expired sessions and old log-in failures; returns how many sessions went.
pub async fn purge_expired(store: &Store, now: i64) -> Result<u64> {
    let n = store
        .execute(&Sql::new("DELETE FROM sessions WHERE expires_at <= $1").bind(now))
        .await?;
    store
        .execute(&Sql::new("DELETE FROM login_failures WHERE at < $1").bind(now - 86_400))
        .await?;
    Ok(n)
}

pub async fn record_login_failure(store: &Store, username: &str, now: i64) -> Result<()> {
    store
        .execute(
            &Sql::new("INSERT INTO login_failures (username, at) VALUES ($1, $2)")
                .bind(username)
                .bind(now),
        )
        .await?;
    Ok(())
}

pub async fn login_failures_since(store: &Store, username: &str, since: i64) -> Result<i64> {
    store
        .scalar(
            &Sql::new("SELECT COUNT(*) FROM login_failures WHERE username = $1 AND at > $2")
                .bind(username)
                .bind(since),
        )
        .await
}

pub async fn clear_login_failures(store: &Store, username: &str) -> Result<()> {
    store
        .execute(&Sql::new("DELETE FROM login_failures WHERE username = $1").bind(username))
        .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    /// read or write
    pub scope: String,
    pub created_at: DateTime<Utc>,
    /// None: it does not expire.
    pub expires_at: Option<DateTime<Utc>>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const TOKEN_SELECT: &str = "SELECT id, user_id, name, scope, created_at, expires_at, last_used_at, revoked_at FROM api_tokens";

pub async fn create_api_token(
    tx: &mut Tx,
    user_id: i64,
    name: &str,
    token_hash: &str,
    scope: TokenScope,
    expires_at: Option<DateTime<Utc>>,
) -> Result<i64> {
    tx.scalar(
        &Sql::new("INSERT INTO api_tokens (user_id, name, token_hash, scope, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id")
            .bind(user_id)
            .bind(name)
            .bind(token_hash)
            .bind(scope.as_str())
            .bind(Utc::now())
            .bind(expires_at),
    )
    .await
}

#[derive(sqlx::FromRow)]
struct TokenUse {
    token_id: i64,
    scope: String,
    expires_at: Option<DateTime<Utc>>,
    last_used_at: Option<DateTime<Utc>>,
    #[sqlx(flatten)]
    user: User,
}

/// The active user a live (unrevoked, unexpired) API token belongs to, with the token's scope.
/// Its use is recorded at most once a minute, so reading through the API is not a write each time.
pub async fn api_token_user(store: &Store, token_hash: &str) -> Result<Option<(User, TokenScope)>> {
    let mut sql = Sql::new(
        "SELECT t.id AS token_id, t.scope, t.expires_at, t.last_used_at, u.id, u.username, u.display_name, u.person_id, u.active, u.created_at \
         FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.revoked_at IS NULL AND u.active = TRUE AND t.token_hash = ",
    );
    sql.arg(token_hash);
    let Some(token) = store.fetch_optional::<TokenUse>(&sql).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    if !tokens::is_live(token.expires_at, now) {
        return Ok(None);
    }
    if tokens::should_record_use(token.last_used_at, now) {
        store
            .execute(
                &Sql::new("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(token.token_id),
            )
            .await?;
    }
    // An unknown scope in the table (it has a CHECK) would be read as the narrower one.
    let scope = TokenScope::parse(&token.scope).unwrap_or(TokenScope::Read);
    Ok(Some((token.user, scope)))
}

/// Tokens of one account, or of every account (administrators), newest first.
pub async fn api_tokens(store: &Store, user_id: Option<i64>) -> Result<Vec<ApiToken>> {
    let mut sql = Sql::new(TOKEN_SELECT);
    if let Some(u) = user_id {
        sql.push(" WHERE user_id = ").arg(u);
    }
    sql.push(" ORDER BY id DESC LIMIT 1000");
    store.fetch_all(&sql).await
}

pub async fn api_token(tx: &mut Tx, id: i64) -> Result<ApiToken> {
    let mut sql = Sql::new(TOKEN_SELECT);
    sql.push(" WHERE id = ").arg(id);
    tx.fetch_optional(&sql)
        .await?
        .ok_or(crate::DbError::NotFound)
}

/// Revokes one token; `NotFound` when it is unknown or already revoked.
pub async fn revoke_api_token(tx: &mut Tx, token_id: i64) -> Result<()> {
    let n = tx
        .execute(
            &Sql::new("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(Utc::now())
                .bind(token_id),
        )
        .await?;
    if n == 0 {
        return Err(crate::DbError::NotFound);
    }
    Ok(())
}

/// Ends every API token and calendar feed link of an account; returns how many were live.
pub async fn revoke_secrets_of(tx: &mut Tx, user_id: i64) -> Result<u64> {
    let now = Utc::now();
    let mut n = 0;
    for table in ["api_tokens", "feed_links"] {
        n += tx
            .execute(
                &Sql::new(&format!(
                    "UPDATE {table} SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL"
                ))
                .bind(now)
                .bind(user_id),
            )
            .await?;
    }
    Ok(n)
}

/// Signs an account out everywhere: every session ends.
pub async fn end_sessions(tx: &mut Tx, user_id: i64) -> Result<u64> {
    tx.execute(&Sql::new("DELETE FROM sessions WHERE user_id = $1").bind(user_id))
        .await
}

/// Marks an account active or not; `NotFound` for an unknown id.
pub async fn set_active(tx: &mut Tx, user_id: i64, active: bool) -> Result<()> {
    let n = tx
        .execute(
            &Sql::new("UPDATE users SET active = $1 WHERE id = $2")
                .bind(active)
                .bind(user_id),
        )
        .await?;
    if n == 0 {
        return Err(crate::DbError::NotFound);
    }
    Ok(())
}

pub async fn user(store: &Store, id: i64) -> Result<User> {
    let mut sql = Sql::new(USER_SELECT);
    sql.push(" WHERE id = ").arg(id);
    store
        .fetch_optional(&sql)
        .await?
        .ok_or(crate::DbError::NotFound)
}

/// A calendar feed's secret link, as its owner and administrators see it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct FeedLink {
    pub id: i64,
    pub user_id: i64,
    pub body_id: i64,
    pub body_name_fa: String,
    pub body_name_en: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

const FEED_LINK_SELECT: &str = "SELECT f.id, f.user_id, f.body_id, o.name_fa AS body_name_fa, o.name_en AS body_name_en, \
    f.created_at, f.last_used_at, f.revoked_at FROM feed_links f JOIN organisations o ON o.id = f.body_id";

pub async fn create_feed_link(
    tx: &mut Tx,
    user_id: i64,
    body_id: i64,
    secret_hash: &str,
) -> Result<i64> {
    tx.scalar(
        &Sql::new("INSERT INTO feed_links (user_id, body_id, secret_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id")
            .bind(user_id)
            .bind(body_id)
            .bind(secret_hash)
            .bind(Utc::now()),
    )
    .await
}

#[derive(sqlx::FromRow)]
struct LinkUse {
    link_id: i64,
    last_used_at: Option<DateTime<Utc>>,
    #[sqlx(flatten)]
    user: User,
}

/// The active user whose unrevoked link opens this body's feed; a link of another body opens
/// nothing.
pub async fn feed_link_user(
    store: &Store,
    secret_hash: &str,
    body_id: i64,
) -> Result<Option<User>> {
    let mut sql = Sql::new(
        "SELECT f.id AS link_id, f.last_used_at, u.id, u.username, u.display_name, u.person_id, u.active, u.created_at \
         FROM feed_links f JOIN users u ON u.id = f.user_id WHERE f.revoked_at IS NULL AND u.active = TRUE AND f.secret_hash = ",
    );
    sql.arg(secret_hash).push(" AND f.body_id = ").arg(body_id);
    let Some(link) = store.fetch_optional::<LinkUse>(&sql).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    if tokens::should_record_use(link.last_used_at, now) {
        store
            .execute(
                &Sql::new("UPDATE feed_links SET last_used_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(link.link_id),
            )
            .await?;
    }
    Ok(Some(link.user))
}

/// Feed links of one account, or of all (administrators), newest first.
pub async fn feed_links(store: &Store, user_id: Option<i64>) -> Result<Vec<FeedLink>> {
    let mut sql = Sql::new(FEED_LINK_SELECT);
    if let Some(u) = user_id {
        sql.push(" WHERE f.user_id = ").arg(u);
    }
    sql.push(" ORDER BY f.id DESC LIMIT 1000");
    store.fetch_all(&sql).await
}

pub async fn feed_link(tx: &mut Tx, id: i64) -> Result<FeedLink> {
    let mut sql = Sql::new(FEED_LINK_SELECT);
    sql.push(" WHERE f.id = ").arg(id);
    tx.fetch_optional(&sql)
        .await?
        .ok_or(crate::DbError::NotFound)
}

pub async fn revoke_feed_link(tx: &mut Tx, id: i64) -> Result<()> {
    let n = tx
        .execute(
            &Sql::new("UPDATE feed_links SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(Utc::now())
                .bind(id),
        )
        .await?;
    if n == 0 {
        return Err(crate::DbError::NotFound);
    }
    Ok(())
}

/// The account of a person, if they have one (the newest, should there be several).
pub async fn user_of_person(store: &Store, person_id: i64) -> Result<Option<User>> {
    let mut sql = Sql::new(USER_SELECT);
    sql.push(" WHERE person_id = ")
        .arg(person_id)
        .push(" ORDER BY id DESC LIMIT 1");
    store.fetch_optional(&sql).await
}

/// Ties an account to the person it belongs to.
pub async fn link_person(tx: &mut Tx, user_id: i64, person_id: i64) -> Result<()> {
    tx.execute(
        &Sql::new("UPDATE users SET person_id = $2 WHERE id = $1")
            .bind(user_id)
            .bind(person_id),
    )
    .await?;
    Ok(())
}

/// Whether an account name is taken.
pub async fn username_taken(store: &Store, username: &str) -> Result<bool> {
    Ok(store
        .scalar(&Sql::new("SELECT COUNT(*) FROM users WHERE username = $1").bind(username))
        .await?
        > 0)
}

/// Takes a person's council-member role for a neighborhood away from their accounts; an account
/// left with no role is closed (sessions ended, tokens and links revoked). Returns the accounts
/// closed.
pub async fn withdraw_council_role(
    tx: &mut Tx,
    person_id: i64,
    neighborhood_id: i64,
) -> Result<Vec<i64>> {
    let users: Vec<(i64,)> = tx
        .fetch_all(
            &Sql::new(
                "SELECT DISTINCT u.id FROM users u JOIN user_roles r ON r.user_id = u.id WHERE u.person_id = $1 \
                 AND r.role = 'council_member' AND r.neighborhood_id = $2",
            )
            .bind(person_id)
            .bind(neighborhood_id),
        )
        .await?;
    let mut closed = Vec::new();
    for (user_id,) in users {
        tx.execute(
            &Sql::new("DELETE FROM user_roles WHERE user_id = $1 AND role = 'council_member' AND neighborhood_id = $2")
                .bind(user_id)
                .bind(neighborhood_id),
        )
        .await?;
        let left = tx
            .scalar(&Sql::new("SELECT COUNT(*) FROM user_roles WHERE user_id = $1").bind(user_id))
            .await?;
        if left == 0 {
            set_active(tx, user_id, false).await?;
            end_sessions(tx, user_id).await?;
            revoke_secrets_of(tx, user_id).await?;
            closed.push(user_id);
        }
    }
    Ok(closed)
}

/// An account's grants, read inside a transaction that is about to change them.
pub async fn grants_of_tx(tx: &mut Tx, user_id: i64) -> Result<Vec<Grant>> {
    let rows: Vec<GrantRow> = tx.fetch_all(&Sql::new(GRANTS_OF).bind(user_id)).await?;
    Ok(to_grants(rows))
}
