//! Open311 API keys: issued once, stored as a hash, looked up through a short cache, revoked.

use chrono::Utc;
use mahalle_core::validate::{self};
use mahalle_db::{audit, Store};
use serde_json::json;

use crate::http::error::AppError;

/// A new API key: (id, the key itself, shown once). Only its SHA-256 is stored.
pub async fn create_api_key(
    store: &Store,
    name: &str,
    created_by: Option<i64>,
) -> Result<(i64, String), AppError> {
    use sha2::Digest;
    let name = validate::required_text("name", name, 100)?;
    let key = format!("mk_{}", hex::encode(rand::random::<[u8; 20]>()));
    let hash = hex::encode(sha2::Sha256::digest(key.as_bytes()));
    store
        .write(|tx, _| {
            let (hash, key, name) = (&hash, &key, &name);
            Box::pin(async move {
                let id = mahalle_db::api_keys::create_api_key(
                    tx,
                    name,
                    hash,
                    &key[..7],
                    created_by,
                    Utc::now(),
                )
                .await?;
                audit::record(
                    tx,
                    audit::Change {
                        user_id: created_by,
                        action: "create",
                        entity: "api_key",
                        entity_id: Some(id),
                        before: None,
                        after: Some(json!({"name": name})),
                    },
                )
                .await?;
                Ok((id, key.clone()))
            })
        })
        .await
}

pub async fn revoke_api_key(store: &Store, id: i64, by: Option<i64>) -> Result<bool, AppError> {
    store
        .write(|tx, _| {
            Box::pin(async move {
                let done = mahalle_db::api_keys::revoke_api_key(tx, id, Utc::now()).await?;
                if done {
                    audit::record(
                        tx,
                        audit::Change {
                            user_id: by,
                            action: "revoke",
                            entity: "api_key",
                            entity_id: Some(id),
                            before: None,
                            after: None,
                        },
                    )
                    .await?;
                }
                Ok(done)
            })
        })
        .await
}
