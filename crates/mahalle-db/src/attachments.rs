//! Attachments of meetings and progress reports, stored in the database so that every server
//! process (and every backup) has them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{Result, Sql, Store, Tx};

#[derive(Debug, Clone, Serialize, sqlx::FromRow, ToSchema)]
pub struct Attachment {
    pub id: i64,
    pub meeting_id: Option<i64>,
    pub report_id: Option<i64>,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub created_at: DateTime<Utc>,
}

const SELECT: &str =
    "SELECT id, meeting_id, report_id, filename, content_type, size, created_at FROM attachments";

pub struct NewAttachment<'a> {
    pub meeting_id: Option<i64>,
    pub report_id: Option<i64>,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub sha256: &'a str,
    pub content: &'a [u8],
    pub uploaded_by: Option<i64>,
}

pub async fn add(tx: &mut Tx, a: &NewAttachment<'_>) -> Result<i64> {
    tx.scalar(
        &Sql::new(
            "INSERT INTO attachments (meeting_id, report_id, filename, content_type, size, sha256, content, uploaded_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(a.meeting_id)
        .bind(a.report_id)
        .bind(a.filename)
        .bind(a.content_type)
        .bind(a.content.len() as i64)
        .bind(a.sha256)
        .bind(a.content.to_vec())
        .bind(a.uploaded_by)
        .bind(Utc::now()),
    )
    .await
}

pub async fn of_meeting(store: &Store, meeting_id: i64) -> Result<Vec<Attachment>> {
    let mut sql = Sql::new(SELECT);
    sql.push(" WHERE meeting_id = ")
        .arg(meeting_id)
        .push(" ORDER BY id");
    store.fetch_all(&sql).await
}

/// Attachments of every report of a resolution.
pub async fn of_resolution_reports(store: &Store, resolution_id: i64) -> Result<Vec<Attachment>> {
    let mut sql = Sql::new(SELECT);
    sql.push(" WHERE report_id IN (SELECT id FROM progress_reports WHERE resolution_id = ")
        .arg(resolution_id)
        .push(") ORDER BY id");
    store.fetch_all(&sql).await
}

pub async fn get(store: &Store, id: i64) -> Result<Attachment> {
    let mut sql = Sql::new(SELECT);
    sql.push(" WHERE id = ").arg(id);
    store.fetch_one(&sql).await
}

pub async fn content(store: &Store, id: i64) -> Result<Vec<u8>> {
    let (bytes,): (Vec<u8>,) = store
        .fetch_one(&Sql::new("SELECT content FROM attachments WHERE id = $1").bind(id))
        .await?;
    Ok(bytes)
}

/// The resolution a report belongs to (for access checks on its attachments).
pub async fn resolution_of_report(store: &Store, report_id: i64) -> Result<i64> {
    let (id,): (i64,) = store
        .fetch_one(
            &Sql::new("SELECT resolution_id FROM progress_reports WHERE id = $1").bind(report_id),
        )
        .await?;
    Ok(id)
}
