//! Account operations shared by the web UI, the API and the CLI: password hashing, creating
//! users, changing passwords, issuing API tokens. Each change is written with its audit row.

use argon2::password_hash::{rand_core::OsRng, PasswordHasher, SaltString};
use argon2::Argon2;
use mahalle_core::access::{Grant, Principal, Role};
use mahalle_core::tokens::{self, TokenScope};
use mahalle_core::validate;
use mahalle_db::auth::User;
use mahalle_db::{audit, auth, org, DbError, Store};
use serde_json::json;

use crate::http::csrf::{hash_token, new_token};
use crate::http::error::AppError;

pub use crate::http::passwords::{hash_password, verify_password};

/// A hash of a random password, to spend the same time on unknown usernames as on known ones.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(b"not a real password", &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
});

/// Failed attempts allowed, in the throttling window, for one account from one client address,
/// and for one address over all accounts (password spraying, unknown usernames). There is no
/// limit per account alone: it would let anyone lock the real user out for good.
pub const MAX_FAILURES: i64 = 10;
pub const MAX_FAILURES_PER_ADDRESS: i64 = 30;
pub const FAILURE_WINDOW_SECS: i64 = 15 * 60;

/// Argon2 verifications at once: each takes tens of milliseconds of a core, and sign-in must
/// not starve every other request.
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(4);

/// Checks a username and password from a client (its [`crate::http::extract::ClientKey`]);
/// returns the user id. Throttled per account and address, and per address, in the database,
/// so the limits hold across every server process.
pub async fn authenticate(
    store: &Store,
    client: &str,
    username: &str,
    password: &str,
) -> Result<Option<i64>, AppError> {
    let username = username.trim().to_lowercase();
    let now = chrono::Utc::now().timestamp();
    let since = now - FAILURE_WINDOW_SECS;
    // Usernames have no ':', so these keys cannot be anyone's name.
    let pair = format!("pair:{client}:{username}");
    let address = format!("addr:{client}");
    if auth::login_failures_since(store, &pair, since).await? >= MAX_FAILURES
        || auth::login_failures_since(store, &address, since).await? >= MAX_FAILURES_PER_ADDRESS
    {
        return Err(AppError::TooManyRequests);
    }
    let creds = auth::credentials(store, &username).await?;
    let (hash, id) = match &creds {
        Some(c) if c.active => (c.password_hash.clone(), Some(c.id)),
        _ => (DUMMY_HASH.clone(), None),
    };
    let ok = {
        let _permit = HASHING.acquire().await.map_err(|_| AppError::Busy)?;
        verify_password(password.to_string(), hash).await
    };
    match (ok, id) {
        (true, Some(id)) => {
            auth::clear_login_failures(store, &pair).await?;
            Ok(Some(id))
        }
        _ => {
            auth::record_login_failure(store, &pair, now).await?;
            auth::record_login_failure(store, &address, now).await?;
            Ok(None)
        }
    }
}

/// Creates an account with its roles. `actor` is who did it (None from the CLI).
pub async fn create_user(
    store: &Store,
    actor: Option<i64>,
    username: &str,
    display_name: &str,
    password: &str,
    grants: &[Grant],
) -> Result<i64, AppError> {
    let mut errors = Vec::new();
    let username = validate::username(username)
        .map_err(|e| errors.push(e))
        .ok();
    let display = validate::required_text("display_name", display_name, 100)
        .map_err(|e| errors.push(e))
        .ok();
    let password = validate::password(password)
        .map_err(|e| errors.push(e))
        .ok();
    let (Some(username), Some(display), Some(password)) = (username, display, password) else {
        return Err(AppError::Invalid(errors));
    };
    let hash = hash_password(password).await?;
    store
        .write(|tx, _| {
            let (display, hash, username) = (&display, &hash, &username);
            Box::pin(async move {
                let id = match auth::create_user(tx, username, display, hash).await {
                    Ok(id) => id,
                    Err(DbError::Conflict(_)) => {
                        return Err(AppError::Invalid(vec![validate::FieldError::new(
                            "username",
                            "این نام کاربری پیش‌تر گرفته شده است.",
                            "This username is already taken.",
                        )]))
                    }
                    Err(e) => return Err(e.into()),
                };
                auth::set_grants(tx, id, grants).await?;
                audit::record(
        tx,
        audit::Change {
            user_id: actor,
            action: "create",
            entity: "user",
            entity_id: Some(id),
            before: None,
            after: Some(json!({ "username": username, "display_name": display, "grants": grants })),
        },
    )
    .await?;
                Ok(id)
            })
        })
        .await
}

/// Sets a new password; every session of the account ends, and with `end_secrets` its API
/// tokens and calendar links too (a password that leaked may have been used to make them).
pub async fn change_password(
    store: &Store,
    actor: Option<i64>,
    username: &str,
    password: &str,
    end_secrets: bool,
) -> Result<(), AppError> {
    let password = validate::password(password)?;
    let user = auth::user_by_name(store, &username.trim().to_lowercase())
        .await?
        .ok_or(AppError::NotFound)?;
    let hash = hash_password(password).await?;
    store
        .write(|tx, _| {
            let hash = &hash;
            Box::pin(async move {
                auth::set_password(tx, user.id, hash).await?;
                let ended = if end_secrets {
                    auth::revoke_secrets_of(tx, user.id).await?
                } else {
                    0
                };
                audit::record(
                    tx,
                    audit::Change {
                        user_id: actor,
                        action: "change_password",
                        entity: "user",
                        entity_id: Some(user.id),
                        before: None,
                        after: Some(json!({ "secrets_revoked": ended })),
                    },
                )
                .await?;
                Ok(())
            })
        })
        .await
}

/// A user changes their own password, proving the current one (throttled like signing in, so a
/// stolen session cannot guess it).
pub async fn change_own_password(
    store: &Store,
    client: &str,
    who: &User,
    current: &str,
    new: &str,
    end_secrets: bool,
) -> Result<(), AppError> {
    if authenticate(store, client, &who.username, current).await? != Some(who.id) {
        return Err(AppError::invalid(
            "current_password",
            "گذرواژه کنونی درست نیست.",
            "The current password is not right.",
        ));
    }
    change_password(store, Some(who.id), &who.username, new, end_secrets).await
}

/// Issues an API token for a user; returns (id, the secret token). Only its hash is stored.
pub async fn issue_api_token(
    store: &Store,
    actor: Option<i64>,
    user_id: i64,
    name: &str,
    scope: TokenScope,
    expires_in_days: Option<i64>,
) -> Result<(i64, String), AppError> {
    let mut errors = Vec::new();
    let name = validate::required_text("name", name, 80)
        .map_err(|e| errors.push(e))
        .ok();
    let expires_at = tokens::expiry(chrono::Utc::now(), expires_in_days)
        .map_err(|e| errors.push(e))
        .ok();
    let (Some(name), Some(expires_at)) = (name, expires_at) else {
        return Err(AppError::Invalid(errors));
    };
    let token = format!("mht_{}", new_token());
    store
        .write(|tx, _| {
            let (name, token) = (&name, &token);
            Box::pin(async move {
                let id =
                    auth::create_api_token(tx, user_id, name, &hash_token(token), scope, expires_at)
                        .await?;
                audit::record(
                    tx,
                    audit::Change {
                        user_id: actor,
                        action: "create",
                        entity: "api_token",
                        entity_id: Some(id),
                        before: None,
                        after: Some(json!({ "user_id": user_id, "name": name, "scope": scope.as_str(), "expires_at": expires_at })),
                    },
                )
                .await?;
                Ok((id, token.clone()))
            })
        })
        .await
}

/// Revokes a token: its holder's own, or anyone's for an administrator. Another's token is "not
/// found", so ids cannot be probed.
pub async fn revoke_api_token(
    store: &Store,
    who: &Principal,
    token_id: i64,
) -> Result<(), AppError> {
    store
        .write(|tx, _| {
            Box::pin(async move {
                let token = auth::api_token(tx, token_id).await?;
                if token.user_id != who.user_id && !who.can_manage_users() {
                    return Err(AppError::NotFound);
                }
                auth::revoke_api_token(tx, token_id).await?;
                audit::record(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: "revoke",
                        entity: "api_token",
                        entity_id: Some(token_id),
                        before: Some(json!({ "user_id": token.user_id, "name": token.name })),
                        after: None,
                    },
                )
                .await?;
                Ok(())
            })
        })
        .await
}

/// Makes a secret link to one body's calendar feed for a user; returns (id, secret). The link
/// opens that feed alone, read-only, until revoked.
pub async fn create_feed_link(
    store: &Store,
    who: &Principal,
    body_id: i64,
) -> Result<(i64, String), AppError> {
    org::get(store, body_id).await?;
    let secret = format!("mhf_{}", new_token());
    store
        .write(|tx, _| {
            let secret = &secret;
            Box::pin(async move {
                let id =
                    auth::create_feed_link(tx, who.user_id, body_id, &hash_token(secret)).await?;
                audit::record(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: "create",
                        entity: "feed_link",
                        entity_id: Some(id),
                        before: None,
                        after: Some(json!({ "body_id": body_id })),
                    },
                )
                .await?;
                Ok((id, secret.clone()))
            })
        })
        .await
}

/// Revokes a feed link: its holder's own, or anyone's for an administrator.
pub async fn revoke_feed_link(store: &Store, who: &Principal, id: i64) -> Result<(), AppError> {
    store
        .write(|tx, _| {
            Box::pin(async move {
                let link = auth::feed_link(tx, id).await?;
                if link.user_id != who.user_id && !who.can_manage_users() {
                    return Err(AppError::NotFound);
                }
                auth::revoke_feed_link(tx, id).await?;
                audit::record(
                    tx,
                    audit::Change {
                        user_id: Some(who.user_id),
                        action: "revoke",
                        entity: "feed_link",
                        entity_id: Some(id),
                        before: Some(json!({ "user_id": link.user_id, "body_id": link.body_id })),
                        after: None,
                    },
                )
                .await?;
                Ok(())
            })
        })
        .await
}

/// Offboarding: the account is closed, its roles removed, its sessions ended and its tokens and
/// feed links revoked, in one audited change. Administrators cannot close their own account
/// (the city would risk having none).
pub async fn deactivate_user(
    store: &Store,
    admin: &Principal,
    user_id: i64,
) -> Result<(), AppError> {
    if !admin.can_manage_users() {
        return Err(AppError::Forbidden);
    }
    if admin.user_id == user_id {
        return Err(AppError::invalid(
            "user",
            "نمی‌توانید حساب خودتان را غیرفعال کنید.",
            "You cannot deactivate your own account.",
        ));
    }
    close_account(store, Some(admin.user_id), user_id).await
}

/// Closes an account as [`deactivate_user`] does, for the CLI (`actor` None) and after the
/// administrator's checks.
pub async fn close_account(
    store: &Store,
    actor: Option<i64>,
    user_id: i64,
) -> Result<(), AppError> {
    let before = auth::grants_of(store, user_id).await?;
    store
        .write(|tx, _| {
            let before = &before;
            Box::pin(async move {
                auth::set_active(tx, user_id, false).await?;
                auth::set_grants(tx, user_id, &[]).await?;
                let sessions = auth::end_sessions(tx, user_id).await?;
                let secrets = auth::revoke_secrets_of(tx, user_id).await?;
                audit::record(
                    tx,
                    audit::Change {
                        user_id: actor,
                        action: "deactivate",
                        entity: "user",
                        entity_id: Some(user_id),
                        before: Some(json!({ "active": true, "grants": before })),
                        after: Some(json!({ "active": false, "grants": [], "sessions_ended": sessions, "secrets_revoked": secrets })),
                    },
                )
                .await?;
                Ok(())
            })
        })
        .await
}

/// Opens a closed account again, with no roles: the administrator gives them anew.
pub async fn reactivate_user(
    store: &Store,
    admin: &Principal,
    user_id: i64,
) -> Result<(), AppError> {
    if !admin.can_manage_users() {
        return Err(AppError::Forbidden);
    }
    store
        .write(|tx, _| {
            Box::pin(async move {
                auth::set_active(tx, user_id, true).await?;
                audit::record(
                    tx,
                    audit::Change {
                        user_id: Some(admin.user_id),
                        action: "reactivate",
                        entity: "user",
                        entity_id: Some(user_id),
                        before: Some(json!({ "active": false })),
                        after: Some(json!({ "active": true })),
                    },
                )
                .await?;
                Ok(())
            })
        })
        .await
}

/// Gives an account one more role (administrators).
pub async fn add_grant(
    store: &Store,
    admin: &Principal,
    user_id: i64,
    grant: Grant,
) -> Result<(), AppError> {
    if !admin.can_manage_users() {
        return Err(AppError::Forbidden);
    }
    auth::user(store, user_id).await?;
    let before = auth::grants_of(store, user_id).await?;
    if before.contains(&grant) {
        return Ok(());
    }
    let mut after = before.clone();
    after.push(grant);
    set_grants(store, admin, user_id, before, after).await
}

/// Takes one role away from an account (administrators).
pub async fn remove_grant(
    store: &Store,
    admin: &Principal,
    user_id: i64,
    grant: Grant,
) -> Result<(), AppError> {
    if !admin.can_manage_users() {
        return Err(AppError::Forbidden);
    }
    auth::user(store, user_id).await?;
    let before = auth::grants_of(store, user_id).await?;
    let after: Vec<Grant> = before.iter().filter(|g| **g != grant).cloned().collect();
    if after.len() == before.len() {
        return Err(AppError::NotFound);
    }
    if admin.user_id == user_id && !after.iter().any(|g| g.role == Role::Admin) {
        return Err(AppError::invalid(
            "role",
            "نمی‌توانید نقش مدیر سامانه را از خودتان بگیرید.",
            "You cannot take the administrator role from yourself.",
        ));
    }
    set_grants(store, admin, user_id, before, after).await
}

async fn set_grants(
    store: &Store,
    admin: &Principal,
    user_id: i64,
    before: Vec<Grant>,
    after: Vec<Grant>,
) -> Result<(), AppError> {
    store
        .write(|tx, _| {
            let (before, after) = (&before, &after);
            Box::pin(async move {
                auth::set_grants(tx, user_id, after).await?;
                audit::record(
                    tx,
                    audit::Change {
                        user_id: Some(admin.user_id),
                        action: "set_roles",
                        entity: "user",
                        entity_id: Some(user_id),
                        before: Some(json!({ "grants": before })),
                        after: Some(json!({ "grants": after })),
                    },
                )
                .await?;
                Ok(())
            })
        })
        .await
}

/// A role from the form, with the scope id its kind needs.
pub fn parse_grant(role: &str, scope_id: &str) -> Result<mahalle_core::access::Grant, AppError> {
    let bad_role = || {
        AppError::Invalid(vec![mahalle_core::validate::FieldError::new(
            "role",
            "نقش نامعتبر است.",
            "Unknown role.",
        )])
    };
    let role = mahalle_core::access::Role::parse(role).ok_or_else(bad_role)?;
    let id: Option<i64> = mahalle_core::text::to_latin_digits(scope_id.trim())
        .parse()
        .ok();
    let scope = match (role.scope_kind(), id) {
        (mahalle_core::access::ScopeKind::City, _) => mahalle_core::access::Scope::City,
        (mahalle_core::access::ScopeKind::District, Some(id)) => {
            mahalle_core::access::Scope::District(id)
        }
        (mahalle_core::access::ScopeKind::Organisation, Some(id)) => {
            mahalle_core::access::Scope::Organisation(id)
        }
        (mahalle_core::access::ScopeKind::Neighborhood, Some(id)) => {
            mahalle_core::access::Scope::Neighborhood(id)
        }
        (_, None) => {
            return Err(AppError::Invalid(vec![
                mahalle_core::validate::FieldError::new(
                    "scope_id",
                    "این نقش به شناسه منطقه، دستگاه یا محله نیاز دارد.",
                    "This role needs the id of its district, organisation or neighborhood.",
                ),
            ]))
        }
    };
    mahalle_core::access::Grant::new(role, scope).map_err(|_| bad_role())
}
