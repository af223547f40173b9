//! `pending_submissions`: a vendor's exhibition while the bot is still asking
//! for its customer number and PDV type. Kept in the database so that the
//! conversation survives a restart, and so that a replayed Telegram update
//! finds what the first delivery already did.
//!
//! Life of a submission: `awaiting_number` → `awaiting_pdv` → `committed`
//! (the exhibition row exists) → `done` (the confirmation is in the group);
//! or `expired` (no answer in time) / `cancelled` (replaced by a new burst).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use sqlx::SqliteConnection;

use super::exhibitions::{record_exhibition_in, set_confirmation_message_in};
use super::tasks::{NewTask, enqueue_in};
use super::writer::{ExecuteWrite, FetchWrite};
use super::{Db, NewExhibition, NewPhoto, Recorded};
use crate::domain::{ChatId, DistributorId, GroupId, MemberId, TelegramUserId};
use crate::{Error, Result};

/// How many of a chat's latest submissions `submission_with_photo` searches.
const PHOTO_LOOKBACK: i64 = 64;

/// Parameters: distributor, chat, photo message id.
fn submission_with_photo_sql() -> String {
    format!(
        "{SELECT} WHERE id IN (SELECT id FROM pending_submissions \
           WHERE distributor_id = ?1 AND chat_id = ?2 AND first_message_id <= ?3 \
           ORDER BY first_message_id DESC LIMIT {PHOTO_LOOKBACK}) \
         AND EXISTS (SELECT 1 FROM json_each(photos) WHERE json_extract(value, '$.message_id') = ?3) \
         ORDER BY id DESC LIMIT 1"
    )
}

/// A photo received for a submission (a compressed photo or an image file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingPhoto {
    pub message_id: i64,
    pub file_id: String,
    pub file_unique_id: String,
    pub file_size: Option<i64>,
}

impl PendingPhoto {
    pub fn to_new_photo(&self) -> NewPhoto {
        NewPhoto {
            telegram_file_id: Some(self.file_id.clone()),
            telegram_file_unique_id: Some(self.file_unique_id.clone()),
            size_bytes: self.file_size,
            ..NewPhoto::default()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "TEXT", rename_all = "snake_case")]
pub enum SubmissionState {
    AwaitingNumber,
    AwaitingPdv,
    Committed,
    Done,
    Expired,
    Cancelled,
}

impl SubmissionState {
    /// Still talking with the vendor (may expire or be replaced).
    pub fn is_open(self) -> bool {
        matches!(self, Self::AwaitingNumber | Self::AwaitingPdv)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PendingSubmission {
    pub id: i64,
    pub distributor_id: DistributorId,
    pub group_id: GroupId,
    pub chat_id: ChatId,
    pub vendor_id: MemberId,
    pub vendor_telegram_id: TelegramUserId,
    pub first_message_id: i64,
    pub media_group_id: Option<String>,
    #[sqlx(json)]
    pub photos: Vec<PendingPhoto>,
    pub state: SubmissionState,
    pub customer_number: Option<String>,
    pub prompt_message_id: Option<i64>,
    pub last_text_message_id: Option<i64>,
    pub exhibition_id: Option<String>,
    pub burst_started_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl PendingSubmission {
    pub fn exhibition_uuid(&self) -> Option<Uuid> {
        self.exhibition_id.as_deref().and_then(|s| Uuid::parse_str(s).ok())
    }
}

#[derive(Debug, Clone)]
pub struct NewSubmission {
    pub distributor_id: DistributorId,
    pub group_id: GroupId,
    pub chat_id: ChatId,
    pub vendor_id: MemberId,
    pub vendor_telegram_id: TelegramUserId,
    pub first_photo: PendingPhoto,
    pub media_group_id: Option<String>,
    pub burst_started_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT id, distributor_id, group_id, chat_id, vendor_id, vendor_telegram_id, first_message_id, \
     media_group_id, photos, state, customer_number, prompt_message_id, last_text_message_id, exhibition_id, \
     burst_started_at, expires_at, created_at, updated_at FROM pending_submissions";
const RETURNING: &str = "RETURNING id, distributor_id, group_id, chat_id, vendor_id, vendor_telegram_id, \
     first_message_id, media_group_id, photos, state, customer_number, prompt_message_id, last_text_message_id, \
     exhibition_id, burst_started_at, expires_at, created_at, updated_at";

fn json(value: &impl Serialize) -> Result<String> {
    serde_json::to_string(value).map_err(|e| Error::invalid("photos", e.to_string()))
}

impl Db {
    /// Start a submission with its first photo. Returns it and whether this
    /// call created it (a replayed photo finds the one it started before).
    pub async fn start_submission(&self, new: &NewSubmission, at: DateTime<Utc>) -> Result<(PendingSubmission, bool)> {
        let inserted = sqlx::query(
            "INSERT INTO pending_submissions (distributor_id, group_id, chat_id, vendor_id, vendor_telegram_id, \
               first_message_id, media_group_id, photos, burst_started_at, expires_at, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (distributor_id, chat_id, first_message_id) DO NOTHING",
        )
        .bind(new.distributor_id)
        .bind(new.group_id)
        .bind(new.chat_id)
        .bind(new.vendor_id)
        .bind(new.vendor_telegram_id)
        .bind(new.first_photo.message_id)
        .bind(&new.media_group_id)
        .bind(json(&vec![new.first_photo.clone()])?)
        .bind(new.burst_started_at)
        .bind(new.expires_at)
        .bind(at)
        .bind(at)
        .execute_write(self)
        .await?
        .rows_affected()
            == 1;
        let s: PendingSubmission = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE distributor_id = ? AND chat_id = ? AND first_message_id = ?"
        )))
        .bind(new.distributor_id)
        .bind(new.chat_id)
        .bind(new.first_photo.message_id)
        .fetch_one(self.pool())
        .await?;
        Ok((s, inserted))
    }

    pub async fn submission(&self, distributor_id: DistributorId, id: i64) -> Result<Option<PendingSubmission>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE distributor_id = ? AND id = ?"
        )))
        .bind(distributor_id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?)
    }

    /// The vendor's open submission in a chat (at most one is kept open).
    pub async fn open_submission(
        &self,
        distributor_id: DistributorId,
        chat_id: ChatId,
        vendor: TelegramUserId,
    ) -> Result<Option<PendingSubmission>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE distributor_id = ? AND chat_id = ? AND vendor_telegram_id = ? \
               AND state IN ('awaiting_number', 'awaiting_pdv') ORDER BY id DESC LIMIT 1"
        )))
        .bind(distributor_id)
        .bind(chat_id)
        .bind(vendor)
        .fetch_optional(self.pool())
        .await?)
    }

    /// The submission that already holds this photo message, if any. Only
    /// the chat's newest `PHOTO_LOOKBACK` submissions started at or before
    /// the message are searched (through the unique index), not its history:
    /// a photo joins a burst a few seconds old, and a redelivered update comes
    /// before anything newer is handled.
    pub async fn submission_with_photo(
        &self,
        distributor_id: DistributorId,
        chat_id: ChatId,
        message_id: i64,
    ) -> Result<Option<PendingSubmission>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(submission_with_photo_sql()))
            .bind(distributor_id)
            .bind(chat_id)
            .bind(message_id)
            .fetch_optional(self.pool())
            .await?)
    }

    /// Add a photo to a submission still waiting for its number. Adding the
    /// same message twice is a no-op. Returns the submission as it is now.
    pub async fn add_submission_photo(
        &self,
        distributor_id: DistributorId,
        id: i64,
        photo: &PendingPhoto,
        at: DateTime<Utc>,
    ) -> Result<PendingSubmission> {
        sqlx::query(
            "UPDATE pending_submissions SET photos = json_insert(photos, '$[#]', json(?3)), updated_at = ?4 \
             WHERE distributor_id = ?1 AND id = ?2 AND state = 'awaiting_number' AND NOT EXISTS \
               (SELECT 1 FROM json_each(photos) WHERE json_extract(value, '$.message_id') = ?5)",
        )
        .bind(distributor_id)
        .bind(id)
        .bind(json(photo)?)
        .bind(at)
        .bind(photo.message_id)
        .execute_write(self)
        .await?;
        self.submission(distributor_id, id)
            .await?
            .ok_or(Error::NotFound { entity: "submission" })
    }

    /// Remember the bot's latest question (the keyboard message, later edited).
    pub async fn set_submission_prompt(
        &self,
        distributor_id: DistributorId,
        id: i64,
        prompt_message_id: i64,
        at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE pending_submissions SET prompt_message_id = ?, updated_at = ? WHERE distributor_id = ? AND id = ?",
        )
        .bind(prompt_message_id)
        .bind(at)
        .bind(distributor_id)
        .bind(id)
        .execute_write(self)
        .await?;
        Ok(())
    }

    /// Note that the vendor's text `message_id` was read as an answer.
    /// Returns false if it (or a later one) was read before: a replay.
    pub async fn note_submission_text(
        &self,
        distributor_id: DistributorId,
        id: i64,
        message_id: i64,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        Ok(sqlx::query(
            "UPDATE pending_submissions SET last_text_message_id = ?1, updated_at = ?2 \
             WHERE distributor_id = ?3 AND id = ?4 AND coalesce(last_text_message_id, 0) < ?1",
        )
        .bind(message_id)
        .bind(at)
        .bind(distributor_id)
        .bind(id)
        .execute_write(self)
        .await?
        .rows_affected()
            == 1)
    }

    /// Store the customer number and move on to the PDV question (the PDV
    /// keyboard is still to be sent: `prompt_message_id` is cleared).
    /// Returns false if the submission was no longer waiting for a number.
    pub async fn set_submission_number(
        &self,
        distributor_id: DistributorId,
        id: i64,
        customer_number: &str,
        expires_at: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        Ok(sqlx::query(
            "UPDATE pending_submissions SET customer_number = ?1, state = 'awaiting_pdv', expires_at = ?2, \
               prompt_message_id = NULL, updated_at = ?3 \
             WHERE distributor_id = ?4 AND id = ?5 AND state = 'awaiting_number'",
        )
        .bind(customer_number)
        .bind(expires_at)
        .bind(at)
        .bind(distributor_id)
        .bind(id)
        .execute_write(self)
        .await?
        .rows_affected()
            == 1)
    }

    /// Cancel an open submission (a new burst replaced it). False if it was not open.
    pub async fn cancel_submission(&self, distributor_id: DistributorId, id: i64, at: DateTime<Utc>) -> Result<bool> {
        Ok(sqlx::query(
            "UPDATE pending_submissions SET state = 'cancelled', updated_at = ? \
             WHERE distributor_id = ? AND id = ? AND state IN ('awaiting_number', 'awaiting_pdv')",
        )
        .bind(at)
        .bind(distributor_id)
        .bind(id)
        .execute_write(self)
        .await?
        .rows_affected()
            == 1)
    }

    /// The PDV type was chosen: record the exhibition (as `record_exhibition`),
    /// mark the submission committed to it and enqueue `tasks(exhibition id)`
    /// (photo storage), all in one transaction. A replayed press finds the
    /// exhibition by its idempotency key and enqueues nothing: the boolean is
    /// false when the submission was no longer waiting for its PDV type.
    pub async fn commit_submission(
        &self,
        id: i64,
        exhibition: NewExhibition,
        tasks: impl FnOnce(Uuid) -> Vec<NewTask> + Send,
        at: DateTime<Utc>,
    ) -> Result<(Recorded, bool)> {
        let distributor_id = exhibition.distributor_id;
        let mut tx = self.begin_write().await?;
        let recorded = record_exhibition_in(&mut tx, exhibition).await?;
        let n = sqlx::query(
            "UPDATE pending_submissions SET state = 'committed', exhibition_id = ?, updated_at = ? \
             WHERE distributor_id = ? AND id = ? AND state = 'awaiting_pdv'",
        )
        .bind(recorded.id.hyphenated())
        .bind(at)
        .bind(distributor_id)
        .bind(id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if n == 1 {
            for task in tasks(recorded.id) {
                enqueue_in(&mut tx, &task, at).await?;
            }
        }
        tx.commit().await?;
        Ok((recorded, n == 1))
    }

    /// The confirmation was sent as `message_id`: remember it on the
    /// exhibition (verdicts edit it) and close the submission, together.
    pub async fn finish_submission_confirmed(
        &self,
        distributor_id: DistributorId,
        id: i64,
        exhibition_id: Uuid,
        chat_id: ChatId,
        message_id: i64,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        set_confirmation_message_in(&mut tx, distributor_id, exhibition_id, chat_id, message_id, at).await?;
        finish_submission_in(&mut tx, distributor_id, id, at).await?;
        tx.commit().await
    }

    /// The confirmation is in the group: the conversation is over.
    pub async fn finish_submission(&self, distributor_id: DistributorId, id: i64, at: DateTime<Utc>) -> Result<()> {
        let mut tx = self.begin_write().await?;
        finish_submission_in(&mut tx, distributor_id, id, at).await?;
        tx.commit().await
    }

    /// Close every open submission whose time ran out by `at`, returning them
    /// (each is returned once: the caller tells its vendor).
    pub async fn expire_submissions(
        &self,
        distributor_id: DistributorId,
        at: DateTime<Utc>,
    ) -> Result<Vec<PendingSubmission>> {
        // Every bot sweeps every few seconds and almost always finds nothing:
        // a read through the expiry index first keeps that off the writer.
        let due: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM pending_submissions WHERE distributor_id = ?2 \
               AND state IN ('awaiting_number', 'awaiting_pdv') AND expires_at <= ?1)",
        )
        .bind(at)
        .bind(distributor_id)
        .fetch_one(self.pool())
        .await?;
        if !due {
            return Ok(Vec::new());
        }
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "UPDATE pending_submissions SET state = 'expired', updated_at = ?1 \
             WHERE distributor_id = ?2 AND state IN ('awaiting_number', 'awaiting_pdv') AND expires_at <= ?1 {RETURNING}"
        )))
        .bind(at)
        .bind(distributor_id)
        .fetch_all_write(self)
        .await
    }

    /// Delete finished conversations (done, expired, cancelled) last touched
    /// before `before`, a few hundred per transaction so that the writer is
    /// never held for long. Returns how many were deleted.
    pub async fn prune_submissions(&self, before: DateTime<Utc>) -> Result<u64> {
        const BATCH: i64 = 500;
        let mut deleted = 0;
        loop {
            let n = sqlx::query(
                "DELETE FROM pending_submissions WHERE id IN (SELECT id FROM pending_submissions \
                   WHERE state IN ('done', 'expired', 'cancelled') AND updated_at < ? LIMIT ?)",
            )
            .bind(before)
            .bind(BATCH)
            .execute_write(self)
            .await?
            .rows_affected();
            deleted += n;
            if n < BATCH as u64 {
                return Ok(deleted);
            }
        }
    }

    /// Submissions whose exhibition is recorded but whose confirmation may not
    /// have been sent (the process stopped in between).
    pub async fn committed_submissions(&self, distributor_id: DistributorId) -> Result<Vec<PendingSubmission>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE distributor_id = ? AND state = 'committed' ORDER BY id"
        )))
        .bind(distributor_id)
        .fetch_all(self.pool())
        .await?)
    }
}

async fn finish_submission_in(
    conn: &mut SqliteConnection,
    distributor_id: DistributorId,
    id: i64,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE pending_submissions SET state = 'done', updated_at = ? \
         WHERE distributor_id = ? AND id = ? AND state = 'committed'",
    )
    .bind(at)
    .bind(distributor_id)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::exhibitions::test_fixtures::{Tenant, tenant};
    use crate::store::now;
    use crate::store::test_support::temp_db;
    use crate::store::{Group, Member};
    use chrono::Duration;

    fn photo(message_id: i64) -> PendingPhoto {
        PendingPhoto {
            message_id,
            file_id: format!("f{message_id}"),
            file_unique_id: format!("u{message_id}"),
            file_size: Some(1000),
        }
    }

    /// The tenant's first group and member: where the test's vendor sends photos.
    async fn chat_of(db: &Db, t: &Tenant) -> (Group, Member) {
        let g = db.list_groups(Some(t.distributor)).await.unwrap()[0].clone();
        let m = db.list_members(t.distributor).await.unwrap()[0].clone();
        (g, m)
    }

    /// A burst starting with photo `message_id` at `at`, answered within 10 minutes.
    fn burst(g: &Group, m: &Member, message_id: i64, at: DateTime<Utc>) -> NewSubmission {
        NewSubmission {
            distributor_id: g.distributor_id,
            group_id: g.id,
            chat_id: g.chat_id,
            vendor_id: m.id,
            vendor_telegram_id: m.telegram_user_id,
            first_photo: photo(message_id),
            media_group_id: None,
            burst_started_at: at,
            expires_at: at + Duration::minutes(10),
        }
    }

    #[tokio::test]
    async fn a_submission_goes_from_photo_to_commit_and_replays_are_no_ops() {
        let (db, _d) = temp_db().await;
        let t = tenant(&db, "A").await;
        let (group, vendor) = chat_of(&db, &t).await;
        let d = t.distributor;
        let at = now();
        let new = burst(&group, &vendor, 5, at);
        let (s, created) = db.start_submission(&new, at).await.unwrap();
        assert!(created);
        let (again, created) = db.start_submission(&new, at).await.unwrap();
        assert!(!created);
        assert_eq!(again.id, s.id);
        let s = db.add_submission_photo(d, s.id, &photo(6), at).await.unwrap();
        let s = db.add_submission_photo(d, s.id, &photo(6), at).await.unwrap();
        assert_eq!(s.photos, vec![photo(5), photo(6)]);
        assert_eq!(
            db.submission_with_photo(d, group.chat_id, 6)
                .await
                .unwrap()
                .map(|s| s.id),
            Some(s.id)
        );
        assert!(db.submission_with_photo(d, group.chat_id, 7).await.unwrap().is_none());
        assert_eq!(
            db.open_submission(d, group.chat_id, vendor.telegram_user_id)
                .await
                .unwrap()
                .map(|s| s.id),
            Some(s.id)
        );
        assert!(db.note_submission_text(d, s.id, 8, at).await.unwrap());
        assert!(!db.note_submission_text(d, s.id, 8, at).await.unwrap(), "replay");
        assert!(db.set_submission_number(d, s.id, "10452", at, at).await.unwrap());
        assert!(!db.set_submission_number(d, s.id, "10452", at, at).await.unwrap());
        let s = db.submission(d, s.id).await.unwrap().unwrap();
        let exhibition = NewExhibition {
            distributor_id: d,
            group_id: group.id,
            vendor_id: vendor.id,
            customer_number: crate::domain::customer_number::CustomerNumber::parse("10452").unwrap(),
            pdv_type_id: t.pdv,
            submitted_at: s.burst_started_at,
            idempotency_key: NewExhibition::idempotency_key(s.chat_id, s.first_message_id),
            photos: s.photos.iter().map(PendingPhoto::to_new_photo).collect(),
        };
        let task = |id: Uuid| {
            vec![NewTask {
                kind: "store_photo".into(),
                distributor_id: Some(d),
                payload: serde_json::json!({ "exhibition_id": id.hyphenated().to_string() }),
                dedupe_key: None,
                max_attempts: 3,
            }]
        };
        let (recorded, committed) = db.commit_submission(s.id, exhibition.clone(), task, at).await.unwrap();
        assert!(recorded.created && committed);
        let (replayed, committed) = db.commit_submission(s.id, exhibition, task, at).await.unwrap();
        assert_eq!(replayed.id, recorded.id);
        assert!(!replayed.created && !committed, "a replayed press records nothing");
        let queued: Vec<String> =
            sqlx::query_scalar("SELECT json_extract(payload, '$.exhibition_id') FROM tasks WHERE kind = 'store_photo'")
                .fetch_all(db.pool())
                .await
                .unwrap();
        assert_eq!(
            queued,
            vec![recorded.id.hyphenated().to_string()],
            "tasks enqueued once"
        );
        let c = db.committed_submissions(d).await.unwrap();
        assert_eq!(c[0].exhibition_uuid(), Some(recorded.id));
        db.finish_submission_confirmed(d, s.id, recorded.id, s.chat_id, 77, at)
            .await
            .unwrap();
        assert!(db.committed_submissions(d).await.unwrap().is_empty());
        let e = db.exhibition(d, recorded.id).await.unwrap();
        assert_eq!(e.summary.confirmation_message_id, Some(77));
        assert!(
            db.open_submission(d, group.chat_id, vendor.telegram_user_id)
                .await
                .unwrap()
                .is_none()
        );
    }

    #[tokio::test]
    async fn open_submissions_expire_once() {
        let (db, _d) = temp_db().await;
        let t = tenant(&db, "A").await;
        let (g, m) = chat_of(&db, &t).await;
        let at = now();
        let (s, _) = db
            .start_submission(
                &NewSubmission {
                    media_group_id: Some("album".into()),
                    expires_at: at + Duration::seconds(1),
                    ..burst(&g, &m, 1, at)
                },
                at,
            )
            .await
            .unwrap();
        assert!(db.expire_submissions(t.distributor, at).await.unwrap().is_empty());
        let expired = db
            .expire_submissions(t.distributor, at + Duration::seconds(1))
            .await
            .unwrap();
        assert_eq!(expired.len(), 1);
        assert_eq!(expired[0].state, SubmissionState::Expired);
        assert_eq!(expired[0].id, s.id);
        assert!(
            db.expire_submissions(t.distributor, at + Duration::seconds(5))
                .await
                .unwrap()
                .is_empty()
        );
        assert!(!db.cancel_submission(t.distributor, s.id, at).await.unwrap());
    }

    #[tokio::test]
    async fn the_photo_lookup_uses_the_chat_index() {
        let (db, _d) = temp_db().await;
        let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "EXPLAIN QUERY PLAN {}",
            submission_with_photo_sql()
        )))
        .bind(1)
        .bind(-100)
        .bind(5)
        .fetch_all(db.pool())
        .await
        .unwrap();
        let text: Vec<&str> = plan.iter().map(|r| r.3.as_str()).collect();
        assert!(
            text.iter().all(|d| !d.starts_with("SCAN pending_submissions")),
            "a full scan: {text:?}"
        );
        assert!(
            text.iter()
                .any(|d| d.contains("sqlite_autoindex_pending_submissions") && d.contains("first_message_id<")),
            "plan: {text:?}"
        );
    }

    #[tokio::test]
    async fn finished_conversations_are_pruned_after_a_while_and_open_ones_kept() {
        let (db, _d) = temp_db().await;
        let t = tenant(&db, "A").await;
        let (g, m) = chat_of(&db, &t).await;
        let now = now();
        let long_ago = now - Duration::days(40);
        let start = |message_id: i64, at| {
            let new = burst(&g, &m, message_id, at);
            let db = db.clone();
            async move { db.start_submission(&new, at).await.unwrap().0.id }
        };
        // 600 old cancelled ones (more than one batch), one recent, one still open.
        for message_id in 1..=600 {
            let id = start(message_id, long_ago).await;
            assert!(db.cancel_submission(t.distributor, id, long_ago).await.unwrap());
        }
        let recent = start(1000, now).await;
        db.cancel_submission(t.distributor, recent, now - Duration::days(1))
            .await
            .unwrap();
        let open = start(1001, long_ago).await;
        assert_eq!(db.prune_submissions(now - Duration::days(30)).await.unwrap(), 600);
        let left: Vec<i64> = sqlx::query_scalar("SELECT id FROM pending_submissions ORDER BY id")
            .fetch_all(db.pool())
            .await
            .unwrap();
        assert_eq!(left, vec![recent, open]);
        assert_eq!(db.prune_submissions(now - Duration::days(30)).await.unwrap(), 0);
    }

    #[tokio::test]
    async fn the_photo_lookup_searches_only_the_chats_latest_submissions() {
        let (db, _d) = temp_db().await;
        let t = tenant(&db, "A").await;
        let (g, m) = chat_of(&db, &t).await;
        let at = now();
        let start = |message_id: i64| {
            let new = burst(&g, &m, message_id, at);
            let db = db.clone();
            async move { db.start_submission(&new, at).await.unwrap().0 }
        };
        let found = |message_id| {
            let db = db.clone();
            async move {
                db.submission_with_photo(t.distributor, g.chat_id, message_id)
                    .await
                    .unwrap()
                    .map(|s| s.id)
            }
        };
        // A burst whose second photo (message 1000) comes after the first
        // photos of PHOTO_LOOKBACK - 1 other bursts in the chat: still found.
        let first = start(1).await;
        for message_id in 2..=PHOTO_LOOKBACK {
            start(message_id).await;
        }
        db.add_submission_photo(t.distributor, first.id, &photo(1000), at)
            .await
            .unwrap();
        assert_eq!(found(1000).await, Some(first.id));
        assert_eq!(found(1).await, Some(first.id));
        // One burst more in between and it is beyond the lookback.
        start(PHOTO_LOOKBACK + 1).await;
        assert_eq!(found(1000).await, None, "beyond the lookback");
        assert_eq!(found(1).await, Some(first.id), "its first photo is still found");
    }
}
