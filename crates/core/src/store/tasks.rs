//! The durable task queue: work that must survive a restart (Telegram edits,
//! photo uploads, alerts). A task is claimed with a lease; if the process dies
//! while working on it, the lease expires and another claim picks it up.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use sqlx::SqliteConnection;

use super::Db;
use super::writer::ExecuteWrite;
use crate::domain::error_class::ErrorClass;
use crate::domain::{DistributorId, PortalUserId};
use crate::{Error, Result};

/// Task kinds known to the product.
pub mod kinds {
    /// Edit the bot's confirmation message of an exhibition to show its verdict.
    /// Payload: `{"exhibition_id": "<uuid>"}`.
    pub const EDIT_CONFIRMATION: &str = "edit_confirmation";
    /// Download one photo of an exhibition from Telegram and store it in the
    /// local photo folder (hashes, dimensions, duplicate check).
    /// Payload: `{"exhibition_id", "position", "chat_id", "message_id"}`.
    pub const STORE_PHOTO: &str = "store_photo";
    /// Copy one stored photo to the distributor's Google Drive folder (its
    /// archive); enqueued when the photo is stored, for `google_drive`
    /// distributors only. Payload: `{"exhibition_id", "position"}`.
    pub const ARCHIVE_PHOTO: &str = "archive_photo";
    /// Download one photo of an exhibition imported from the old system from
    /// Google Drive (where the old bot put it) into the local photo folder,
    /// as `store_photo` does for Telegram. Claimed only when no
    /// `store_photo` or `archive_photo` task is due, so that a large import
    /// never delays today's photos. Payload: `{"exhibition_id", "position"}`.
    pub const IMPORT_PHOTO: &str = "import_photo";

    /// Every kind above.
    pub const ALL: [&str; 4] = [EDIT_CONFIRMATION, STORE_PHOTO, ARCHIVE_PHOTO, IMPORT_PHOTO];
}

#[derive(Debug, Clone)]
pub struct NewTask {
    pub kind: String,
    pub distributor_id: Option<DistributorId>,
    pub payload: serde_json::Value,
    /// At most one *queued* task per key: enqueuing again while one waits is a no-op.
    pub dedupe_key: Option<String>,
    pub max_attempts: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "TEXT", rename_all = "lowercase")]
pub enum TaskState {
    Queued,
    Running,
    Done,
    Dead,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Task {
    pub id: i64,
    pub kind: String,
    pub distributor_id: Option<DistributorId>,
    #[sqlx(json)]
    pub payload: serde_json::Value,
    pub state: TaskState,
    /// Attempts started so far, including the current one once claimed.
    pub attempts: i64,
    pub max_attempts: i64,
    pub next_attempt_at: DateTime<Utc>,
    pub last_error: Option<String>,
    pub dedupe_key: Option<String>,
    /// A dead task an admin set aside ([`Db::dismiss_dead_tasks`]).
    pub dismissed: bool,
}

/// One distributor's unfinished background work of one kind, for its admins.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct WorkSummary {
    pub kind: String,
    /// Waiting to run, first attempts and retries alike.
    pub queued: i64,
    /// Of `queued`, those that already failed at least once.
    pub retrying: i64,
    pub running: i64,
    /// Out of attempts (or given up): nothing happens until someone retries
    /// them. Those an admin dismissed are not counted.
    pub dead: i64,
    /// Of `dead`, those given up at once because no retry could help.
    pub permanent: i64,
    /// When the oldest queued one was enqueued.
    pub oldest_queued_at: Option<DateTime<Utc>>,
    /// The newest failure among the queued and dead ones, and when it was recorded.
    pub last_error: Option<String>,
    pub last_error_at: Option<DateTime<Utc>>,
}

/// A task given up on (dead, not dismissed), with the exhibition it was for,
/// so that an admin can tell which vendor's photo or verdict it concerns.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct GivenUpTask {
    pub id: i64,
    pub kind: String,
    /// From the task's payload; the exhibition may since have been deleted.
    pub exhibition_id: Option<String>,
    /// Which photo of the exhibition (0 = the first), for photo tasks.
    pub photo_position: Option<i64>,
    pub customer_number: Option<String>,
    pub vendor_name: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub last_error_class: Option<ErrorClass>,
    /// Its worker judged that no retry can help (see [`Db::bury_task`]).
    pub permanent: bool,
    /// When it was given up.
    pub failed_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT id, kind, distributor_id, payload, state, attempts, max_attempts, next_attempt_at, \
                      last_error, dedupe_key, dismissed_at IS NOT NULL AS dismissed FROM tasks";

/// `Db::work_summary`; its `WHERE` terms repeat the `tasks_unfinished` index's.
const WORK_SUMMARY: &str = "SELECT kind, \
       sum(state = 'queued') AS queued, \
       sum(state = 'queued' AND last_error IS NOT NULL) AS retrying, \
       sum(state = 'running') AS running, \
       sum(state = 'dead') AS dead, \
       sum(state = 'dead' AND permanent = 1) AS permanent, \
       min(CASE WHEN state = 'queued' THEN created_at END) AS oldest_queued_at, \
       (SELECT f.last_error FROM tasks f WHERE f.distributor_id = ?1 AND f.kind = t.kind \
          AND f.state IN ('queued', 'running', 'dead') AND f.dismissed_at IS NULL \
          AND f.state != 'running' AND f.last_error IS NOT NULL \
          ORDER BY f.updated_at DESC, f.id DESC LIMIT 1) AS last_error, \
       max(CASE WHEN state IN ('queued', 'dead') AND last_error IS NOT NULL THEN updated_at END) \
         AS last_error_at \
     FROM tasks t WHERE distributor_id = ?1 AND state IN ('queued', 'running', 'dead') \
       AND dismissed_at IS NULL \
     GROUP BY kind ORDER BY kind";

/// `Db::given_up_tasks`; its `WHERE` terms repeat the `tasks_unfinished` index's.
const GIVEN_UP: &str = "SELECT t.id, t.kind, json_extract(t.payload, '$.exhibition_id') AS exhibition_id, \
       json_extract(t.payload, '$.position') AS photo_position, e.customer_number, \
       CASE WHEN m.id IS NOT NULL THEN trim(m.first_name || ' ' || coalesce(m.last_name, '')) END \
         AS vendor_name, \
       e.submitted_at, t.attempts, t.last_error, t.last_error_class, t.permanent, t.updated_at AS failed_at \
     FROM tasks t \
     LEFT JOIN exhibitions e ON e.id = json_extract(t.payload, '$.exhibition_id') \
       AND e.distributor_id = t.distributor_id \
     LEFT JOIN members m ON m.id = e.vendor_id \
     WHERE t.distributor_id = ?1 AND t.state IN ('queued', 'running', 'dead') AND t.dismissed_at IS NULL \
       AND t.state = 'dead' AND (?2 IS NULL OR t.kind = ?2) \
     ORDER BY t.updated_at DESC, t.id DESC LIMIT ?3";

/// Enqueue inside the caller's transaction, so the task exists if and only if
/// the change that needs it was committed. Returns the queued task's id.
pub async fn enqueue_in(conn: &mut SqliteConnection, task: &NewTask, at: DateTime<Utc>) -> Result<i64> {
    if let Some(key) = &task.dedupe_key {
        let existing: Option<i64> =
            sqlx::query_scalar("SELECT id FROM tasks WHERE dedupe_key = ? AND state = 'queued'")
                .bind(key)
                .fetch_optional(&mut *conn)
                .await?;
        if let Some(id) = existing {
            return Ok(id);
        }
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO tasks (kind, distributor_id, payload, max_attempts, next_attempt_at, dedupe_key, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(&task.kind)
    .bind(task.distributor_id)
    .bind(task.payload.to_string())
    .bind(task.max_attempts.max(1))
    .bind(at)
    .bind(&task.dedupe_key)
    .bind(at)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?)
}

/// Mark a task done inside a caller's transaction (the work it did is
/// committed with it).
pub(super) async fn complete_task_in(conn: &mut SqliteConnection, id: i64, at: DateTime<Utc>) -> Result<()> {
    set_task_state_in(conn, id, TaskState::Done, None, None, at).await
}

async fn set_task_state_in(
    conn: &mut SqliteConnection,
    id: i64,
    state: TaskState,
    error: Option<&str>,
    next: Option<DateTime<Utc>>,
    at: DateTime<Utc>,
) -> Result<()> {
    let n = sqlx::query(
        "UPDATE tasks SET state = ?, last_error = coalesce(?, last_error), \
           next_attempt_at = coalesce(?, next_attempt_at), updated_at = ? WHERE id = ?",
    )
    .bind(state)
    .bind(error)
    .bind(next)
    .bind(at)
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected();
    if n == 0 {
        Err(Error::NotFound { entity: "task" })
    } else {
        Ok(())
    }
}

impl Db {
    pub async fn enqueue_task(&self, task: &NewTask, at: DateTime<Utc>) -> Result<i64> {
        let mut tx = self.begin_write().await?;
        let id = enqueue_in(&mut tx, task, at).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Claim the oldest due task of one of `kinds`: queued and due, or running
    /// with an expired lease (its worker died). The claim lasts `lease`.
    pub async fn claim_task(&self, kinds: &[&str], at: DateTime<Utc>, lease: Duration) -> Result<Option<Task>> {
        let kinds_json = serde_json::to_string(kinds).map_err(|e| Error::invalid("kinds", e.to_string()))?;
        let mut tx = self.begin_write().await?;
        let task: Option<Task> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE state IN ('queued', 'running') AND next_attempt_at <= ? \
               AND kind IN (SELECT value FROM json_each(?)) ORDER BY next_attempt_at, id LIMIT 1"
        )))
        .bind(at)
        .bind(&kinds_json)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(mut task) = task else { return Ok(None) };
        task.attempts += 1;
        task.state = TaskState::Running;
        task.next_attempt_at = at + lease;
        sqlx::query(
            "UPDATE tasks SET state = 'running', attempts = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?",
        )
        .bind(task.attempts)
        .bind(task.next_attempt_at)
        .bind(at)
        .bind(task.id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(task))
    }

    pub async fn complete_task(&self, id: i64, at: DateTime<Utc>) -> Result<()> {
        self.set_task_state(id, TaskState::Done, None, None, at).await
    }

    /// Record a failure (of `class`, when the worker knows it): retry at
    /// `retry_at`, or give up (dead) once the attempts are used up. Returns
    /// the task's new state.
    pub async fn fail_task(
        &self,
        id: i64,
        error: &str,
        class: Option<ErrorClass>,
        retry_at: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<TaskState> {
        let (attempts, max): (i64, i64) = sqlx::query_as("SELECT attempts, max_attempts FROM tasks WHERE id = ?")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(Error::NotFound { entity: "task" })?;
        // A newer task with the same dedupe key already waits: it carries the
        // latest data, so this one retires instead of queueing beside it.
        let superseded: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM tasks o, tasks t WHERE t.id = ?1 AND o.id != t.id \
               AND o.dedupe_key = t.dedupe_key AND o.state = 'queued')",
        )
        .bind(id)
        .fetch_one(self.pool())
        .await?;
        let state = if superseded {
            TaskState::Done
        } else if attempts >= max {
            TaskState::Dead
        } else {
            TaskState::Queued
        };
        self.record_failure(id, state, error, class, false, Some(retry_at), at)
            .await?;
        Ok(state)
    }

    /// Give up on a task at once (a permanent failure: no retry can help).
    pub async fn bury_task(&self, id: i64, error: &str, class: Option<ErrorClass>, at: DateTime<Utc>) -> Result<()> {
        self.record_failure(id, TaskState::Dead, error, class, true, None, at)
            .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn record_failure(
        &self,
        id: i64,
        state: TaskState,
        error: &str,
        class: Option<ErrorClass>,
        permanent: bool,
        next: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let n = sqlx::query(
            "UPDATE tasks SET state = ?, last_error = ?, last_error_class = ?, permanent = ?, \
               next_attempt_at = coalesce(?, next_attempt_at), updated_at = ? WHERE id = ?",
        )
        .bind(state)
        .bind(error)
        .bind(class)
        .bind(permanent)
        .bind(next)
        .bind(at)
        .bind(id)
        .execute_write(self)
        .await?
        .rows_affected();
        if n == 0 {
            Err(Error::NotFound { entity: "task" })
        } else {
            Ok(())
        }
    }

    async fn set_task_state(
        &self,
        id: i64,
        state: TaskState,
        error: Option<&str>,
        next: Option<DateTime<Utc>>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        set_task_state_in(&mut tx, id, state, error, next, at).await?;
        tx.commit().await
    }

    /// Tasks newest first, optionally of one state and kind (for the admin).
    pub async fn list_tasks(
        &self,
        state: Option<TaskState>,
        kind: Option<&str>,
        distributor: Option<DistributorId>,
        limit: i64,
    ) -> Result<Vec<Task>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR kind = ?2) \
               AND (?4 IS NULL OR distributor_id = ?4) ORDER BY id DESC LIMIT ?3"
        )))
        .bind(state)
        .bind(kind)
        .bind(limit)
        .bind(distributor)
        .fetch_all(self.pool())
        .await?)
    }

    /// Give dead tasks a new round of attempts, due at `at`: those in `ids`,
    /// or every dead one (of `kind` and of `distributor`, if given) when `ids`
    /// is empty; dismissed ones stay as they are. A task whose dedupe key
    /// already has a queued task stays dead (the queued one carries newer
    /// data). Returns (requeued, left dead).
    pub async fn retry_dead_tasks(
        &self,
        ids: &[i64],
        kind: Option<&str>,
        distributor: Option<DistributorId>,
        at: DateTime<Utc>,
    ) -> Result<(u64, u64)> {
        let ids_json = serde_json::to_string(ids).map_err(|e| Error::invalid("ids", e.to_string()))?;
        let mut tx = self.begin_write().await?;
        let dead: Vec<(i64, Option<String>)> = sqlx::query_as(
            "SELECT id, dedupe_key FROM tasks WHERE state = 'dead' AND dismissed_at IS NULL \
               AND (?1 IS NULL OR kind = ?1) \
               AND (?3 IS NULL OR distributor_id = ?3) \
               AND (json_array_length(?2) = 0 OR id IN (SELECT value FROM json_each(?2))) ORDER BY id DESC",
        )
        .bind(kind)
        .bind(&ids_json)
        .bind(distributor)
        .fetch_all(&mut *tx)
        .await?;
        let (mut requeued, mut kept) = (0, 0);
        for (id, key) in dead {
            let n = sqlx::query(
                "UPDATE tasks SET state = 'queued', attempts = 0, permanent = 0, next_attempt_at = ?1, \
                   updated_at = ?1 WHERE id = ?2 AND (?3 IS NULL OR NOT EXISTS \
                   (SELECT 1 FROM tasks o WHERE o.dedupe_key = ?3 AND o.state = 'queued'))",
            )
            .bind(at)
            .bind(id)
            .bind(&key)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 {
                requeued += 1;
            } else {
                kept += 1;
            }
        }
        tx.commit().await?;
        Ok((requeued, kept))
    }

    /// The distributor's unfinished work (queued, running or dead and not
    /// dismissed), by kind; kinds with none are left out. The statements
    /// here repeat the `WHERE` of the `tasks_unfinished` index word for word,
    /// so that SQLite uses it.
    pub async fn work_summary(&self, distributor: DistributorId) -> Result<Vec<WorkSummary>> {
        Ok(sqlx::query_as(WORK_SUMMARY)
            .bind(distributor)
            .fetch_all(self.pool())
            .await?)
    }

    /// The distributor's given-up tasks (of `kind`, if given), the latest
    /// given up first, with the exhibition each was for.
    pub async fn given_up_tasks(
        &self,
        distributor: DistributorId,
        kind: Option<&str>,
        limit: u32,
    ) -> Result<Vec<GivenUpTask>> {
        Ok(sqlx::query_as(GIVEN_UP)
            .bind(distributor)
            .bind(kind)
            .bind(i64::from(limit.clamp(1, 1000)))
            .fetch_all(self.pool())
            .await?)
    }

    /// Set given-up tasks of `distributor` aside, as done by `by` at `at`:
    /// those in `ids`, or every one (of `kind`, if given) when `ids` is empty.
    /// They stay dead, for the record, but no longer count as unresolved nor
    /// are retried. Returns how many were dismissed.
    pub async fn dismiss_dead_tasks(
        &self,
        ids: &[i64],
        kind: Option<&str>,
        distributor: DistributorId,
        by: PortalUserId,
        at: DateTime<Utc>,
    ) -> Result<u64> {
        let ids_json = serde_json::to_string(ids).map_err(|e| Error::invalid("ids", e.to_string()))?;
        Ok(sqlx::query(
            "UPDATE tasks SET dismissed_at = ?1, dismissed_by = ?2 \
             WHERE state = 'dead' AND dismissed_at IS NULL AND distributor_id = ?3 AND (?4 IS NULL OR kind = ?4) \
               AND (json_array_length(?5) = 0 OR id IN (SELECT value FROM json_each(?5)))",
        )
        .bind(at)
        .bind(by)
        .bind(distributor)
        .bind(kind)
        .bind(ids_json)
        .execute_write(self)
        .await?
        .rows_affected())
    }

    pub async fn task(&self, id: i64) -> Result<Task> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = ?")))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(Error::NotFound { entity: "task" })
    }

    /// When the next queued or leased task of `kinds` becomes due, if any (to sleep until then).
    pub async fn next_task_due(&self, kinds: &[&str]) -> Result<Option<DateTime<Utc>>> {
        let kinds_json = serde_json::to_string(kinds).map_err(|e| Error::invalid("kinds", e.to_string()))?;
        Ok(sqlx::query_scalar(
            "SELECT min(next_attempt_at) FROM tasks WHERE state IN ('queued', 'running') \
               AND kind IN (SELECT value FROM json_each(?))",
        )
        .bind(kinds_json)
        .fetch_one(self.pool())
        .await?)
    }
}

impl Db {
    /// Put a claimed task back in the queue until `until` without counting
    /// the attempt: a wait Telegram asked for (429 `retry_after`) or our own
    /// pacing is not a failure. `note` becomes the task's `last_error`. A task
    /// a newer queued one (same dedupe key) supersedes retires instead, as in
    /// [`Db::fail_task`]. Returns the task's new state.
    pub async fn postpone_task(
        &self,
        id: i64,
        note: &str,
        until: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<TaskState> {
        let mut tx = self.begin_write().await?;
        let superseded: Option<bool> = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM tasks o WHERE o.id != t.id AND o.dedupe_key = t.dedupe_key \
               AND o.state = 'queued') FROM tasks t WHERE t.id = ?",
        )
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let state = match superseded {
            None => return Err(Error::NotFound { entity: "task" }),
            Some(true) => TaskState::Done,
            Some(false) => TaskState::Queued,
        };
        sqlx::query(
            "UPDATE tasks SET state = ?, attempts = max(attempts - 1, 0), next_attempt_at = ?, last_error = ?, \
               updated_at = ? WHERE id = ?",
        )
        .bind(state)
        .bind(until)
        .bind(note)
        .bind(at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(state)
    }

    /// Queue again the confirmation edits given up because of the bot token,
    /// once the distributor's token changed: dead `edit_confirmation` tasks
    /// whose `last_error` starts with `error_prefix`, whose distributor has a
    /// token and was updated after the task died (and after `changed_since`,
    /// which keeps the usual call to one read), and that are the latest task
    /// of their exhibition. They get fresh attempts, and their exhibitions go
    /// from `undeliverable` back to `pending`, in one transaction. Returns the
    /// tasks queued again: their ids and distributors.
    pub async fn requeue_edits_after_token_change(
        &self,
        error_prefix: &str,
        changed_since: DateTime<Utc>,
        at: DateTime<Utc>,
    ) -> Result<Vec<(i64, DistributorId)>> {
        let changed: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM distributors WHERE updated_at > ? AND bot_token IS NOT NULL)",
        )
        .bind(changed_since)
        .fetch_one(self.pool())
        .await?;
        if !changed {
            return Ok(Vec::new());
        }
        let mut tx = self.begin_write().await?;
        let requeued: Vec<(i64, DistributorId)> = sqlx::query_as(
            "SELECT t.id, t.distributor_id FROM tasks t JOIN distributors d ON d.id = t.distributor_id \
             WHERE t.state = 'dead' AND t.dismissed_at IS NULL AND t.kind = ?1 \
               AND substr(t.last_error, 1, length(?2)) = ?2 \
               AND d.bot_token IS NOT NULL AND d.updated_at > t.updated_at AND d.updated_at > ?3 \
               AND NOT EXISTS (SELECT 1 FROM tasks o WHERE o.dedupe_key = t.dedupe_key AND o.id > t.id) \
             ORDER BY t.id",
        )
        .bind(kinds::EDIT_CONFIRMATION)
        .bind(error_prefix)
        .bind(changed_since)
        .fetch_all(&mut *tx)
        .await?;
        for (id, _) in &requeued {
            sqlx::query(
                "UPDATE exhibitions SET sync_state = 'pending', updated_at = ?1 \
                 WHERE id = (SELECT json_extract(payload, '$.exhibition_id') FROM tasks WHERE id = ?2) \
                   AND sync_state = 'undeliverable'",
            )
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "UPDATE tasks SET state = 'queued', attempts = 0, next_attempt_at = ?1, updated_at = ?1 WHERE id = ?2",
            )
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(requeued)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::exhibitions::test_fixtures::{new_exhibition, tenant};
    use crate::store::now;
    use crate::store::test_support::temp_db;

    fn task(kind: &str, key: Option<&str>, max_attempts: i64) -> NewTask {
        NewTask {
            kind: kind.into(),
            distributor_id: None,
            payload: serde_json::json!({"n": 1}),
            dedupe_key: key.map(Into::into),
            max_attempts,
        }
    }

    #[tokio::test]
    async fn claim_complete_and_dedupe() {
        let (db, _d) = temp_db().await;
        let t0 = now();
        let a = db.enqueue_task(&task("edit", Some("edit:1"), 5), t0).await.unwrap();
        assert_eq!(
            db.enqueue_task(&task("edit", Some("edit:1"), 5), t0).await.unwrap(),
            a,
            "deduped while queued"
        );
        db.enqueue_task(&task("upload", None, 5), t0).await.unwrap();
        let claimed = db
            .claim_task(&["edit"], t0, Duration::seconds(30))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (claimed.id, claimed.attempts, claimed.state),
            (a, 1, TaskState::Running)
        );
        assert_eq!(claimed.payload["n"], 1);
        // While it runs, a new change enqueues a fresh task (the running one may hold stale data).
        let b = db.enqueue_task(&task("edit", Some("edit:1"), 5), t0).await.unwrap();
        assert_ne!(a, b);
        // If the running one fails now, it retires: the queued one has the newer data.
        assert_eq!(db.fail_task(a, "timeout", None, t0, t0).await.unwrap(), TaskState::Done);
        assert_eq!(
            db.claim_task(&["edit"], t0, Duration::seconds(30))
                .await
                .unwrap()
                .unwrap()
                .id,
            b
        );
        assert!(
            db.claim_task(&["edit"], t0, Duration::seconds(30))
                .await
                .unwrap()
                .is_none()
        );
    }

    #[tokio::test]
    async fn failures_retry_later_then_die() {
        let (db, _d) = temp_db().await;
        let t0 = now();
        let id = db.enqueue_task(&task("edit", None, 2), t0).await.unwrap();
        db.claim_task(&["edit"], t0, Duration::seconds(30))
            .await
            .unwrap()
            .unwrap();
        let later = t0 + Duration::seconds(10);
        assert_eq!(
            db.fail_task(id, "timeout", None, later, t0).await.unwrap(),
            TaskState::Queued
        );
        assert!(
            db.claim_task(&["edit"], t0, Duration::seconds(30))
                .await
                .unwrap()
                .is_none(),
            "not due yet"
        );
        assert_eq!(db.next_task_due(&["edit"]).await.unwrap(), Some(later));
        let again = db
            .claim_task(&["edit"], later, Duration::seconds(30))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(again.attempts, 2);
        assert_eq!(
            db.fail_task(id, "timeout again", None, later, later).await.unwrap(),
            TaskState::Dead
        );
        let dead = db.task(id).await.unwrap();
        assert_eq!(dead.last_error.as_deref(), Some("timeout again"));
        assert!(
            db.claim_task(&["edit"], later + Duration::hours(1), Duration::seconds(30))
                .await
                .unwrap()
                .is_none()
        );
    }

    #[tokio::test]
    async fn an_expired_lease_is_claimed_again_after_a_crash() {
        let (db, _d) = temp_db().await;
        let t0 = now();
        let id = db.enqueue_task(&task("edit", None, 5), t0).await.unwrap();
        db.claim_task(&["edit"], t0, Duration::seconds(30))
            .await
            .unwrap()
            .unwrap();
        // The worker died without reporting: nothing until the lease ends, then it is back.
        assert!(
            db.claim_task(&["edit"], t0 + Duration::seconds(29), Duration::seconds(30))
                .await
                .unwrap()
                .is_none()
        );
        let again = db
            .claim_task(&["edit"], t0 + Duration::seconds(31), Duration::seconds(30))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((again.id, again.attempts), (id, 2));
    }

    #[tokio::test]
    async fn a_postponed_task_keeps_its_attempts_and_waits() {
        let (db, _d) = temp_db().await;
        let t0 = now();
        let id = db.enqueue_task(&task("edit", Some("edit:1"), 2), t0).await.unwrap();
        let later = t0 + Duration::seconds(30);
        for _ in 0..5 {
            let claimed = db
                .claim_task(&["edit"], later, Duration::seconds(30))
                .await
                .unwrap()
                .unwrap();
            assert_eq!(claimed.attempts, 1, "a wait is not an attempt");
            assert_eq!(
                db.postpone_task(id, "flood control", later, later).await.unwrap(),
                TaskState::Queued
            );
        }
        let t = db.task(id).await.unwrap();
        assert_eq!((t.state, t.attempts, t.next_attempt_at), (TaskState::Queued, 0, later));
        assert_eq!(t.last_error.as_deref(), Some("flood control"));
        assert!(
            db.claim_task(&["edit"], t0, Duration::seconds(30))
                .await
                .unwrap()
                .is_none(),
            "not before the wait ends"
        );
        // Superseded by a newer verdict's task while it was claimed: it retires.
        db.claim_task(&["edit"], later, Duration::seconds(30))
            .await
            .unwrap()
            .unwrap();
        let newer = db.enqueue_task(&task("edit", Some("edit:1"), 2), later).await.unwrap();
        assert_ne!(newer, id);
        assert_eq!(
            db.postpone_task(id, "flood control", later, later).await.unwrap(),
            TaskState::Done
        );
        assert!(matches!(
            db.postpone_task(999, "x", later, later).await,
            Err(Error::NotFound { .. })
        ));
    }

    #[tokio::test]
    async fn edits_given_up_for_the_token_are_queued_again_once_it_changes() {
        use crate::Secret;
        use crate::store::{DistributorUpdate, NewDistributor};
        let (db, _d) = temp_db().await;
        let d = db
            .create_distributor(NewDistributor {
                name: "Norte".into(),
                time_zone: None,
                bot_token: None,
                admin_telegram_id: None,
            })
            .await
            .unwrap();
        let edit = |n: u32| NewTask {
            kind: kinds::EDIT_CONFIRMATION.into(),
            distributor_id: Some(d.id),
            payload: serde_json::json!({ "exhibition_id": format!("00000000-0000-0000-0000-00000000000{n}") }),
            dedupe_key: Some(format!("edit:{n}")),
            max_attempts: 20,
        };
        let t0 = now() - Duration::seconds(10);
        let token_dead = db.enqueue_task(&edit(1), t0).await.unwrap();
        let other_dead = db.enqueue_task(&edit(2), t0).await.unwrap();
        let old_then_newer = db.enqueue_task(&edit(3), t0).await.unwrap();
        db.bury_task(token_dead, "bot token: the distributor has no bot token", None, t0)
            .await
            .unwrap();
        db.bury_task(other_dead, "400 Bad Request: message to edit not found", None, t0)
            .await
            .unwrap();
        db.bury_task(old_then_newer, "bot token: 401 Unauthorized", None, t0)
            .await
            .unwrap();
        let newer = db.enqueue_task(&edit(3), t0).await.unwrap();
        db.complete_task(newer, t0).await.unwrap();
        let since = t0 - Duration::seconds(1);

        // Nothing changed yet: nothing to do.
        assert!(
            db.requeue_edits_after_token_change("bot token: ", since, now())
                .await
                .unwrap()
                .is_empty()
        );
        db.update_distributor(
            d.id,
            DistributorUpdate {
                bot_token: Some(Some(Secret::new("123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw".into()))),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let at = now();
        assert_eq!(
            db.requeue_edits_after_token_change("bot token: ", since, at)
                .await
                .unwrap(),
            [(token_dead, d.id)]
        );
        let t = db.task(token_dead).await.unwrap();
        assert_eq!((t.state, t.attempts, t.next_attempt_at), (TaskState::Queued, 0, at));
        assert_eq!(db.task(other_dead).await.unwrap().state, TaskState::Dead);
        assert_eq!(db.task(old_then_newer).await.unwrap().state, TaskState::Dead);
        // Done once: it is queued now, and a later call finds nothing new.
        assert!(
            db.requeue_edits_after_token_change("bot token: ", since, now())
                .await
                .unwrap()
                .is_empty()
        );
        // A distributor changed before `changed_since` is not looked at.
        assert!(
            db.requeue_edits_after_token_change("bot token: ", now(), now())
                .await
                .unwrap()
                .is_empty()
        );
    }

    #[tokio::test]
    async fn dead_tasks_are_retried_on_request_without_breaking_dedupe() {
        let (db, _d) = temp_db().await;
        let at = now();
        let task = |kind: &str, key: Option<&str>| NewTask {
            kind: kind.into(),
            distributor_id: None,
            payload: serde_json::json!({}),
            dedupe_key: key.map(str::to_string),
            max_attempts: 1,
        };
        let mut ids = Vec::new();
        for t in [
            task("archive_photo", None),
            task("archive_photo", Some("k")),
            task("edit_verdict", None),
        ] {
            let id = db.enqueue_task(&t, at).await.unwrap();
            db.bury_task(id, "gave up", None, at).await.unwrap();
            ids.push(id);
        }
        // A newer task with key "k" waits already: the dead one stays dead.
        let newer = db.enqueue_task(&task("archive_photo", Some("k")), at).await.unwrap();
        let dead = db.list_tasks(Some(TaskState::Dead), None, None, 10).await.unwrap();
        assert_eq!(
            dead.iter().map(|t| t.id).collect::<Vec<_>>(),
            vec![ids[2], ids[1], ids[0]]
        );

        let later = at + Duration::minutes(1);
        assert_eq!(
            db.retry_dead_tasks(&[], Some("archive_photo"), None, later)
                .await
                .unwrap(),
            (1, 1)
        );
        let first = db.task(ids[0]).await.unwrap();
        assert_eq!(
            (first.state, first.attempts, first.next_attempt_at),
            (TaskState::Queued, 0, later)
        );
        assert_eq!(db.task(ids[1]).await.unwrap().state, TaskState::Dead);
        assert_eq!(db.task(ids[2]).await.unwrap().state, TaskState::Dead, "another kind");
        assert_eq!(db.task(newer).await.unwrap().state, TaskState::Queued);

        assert_eq!(db.retry_dead_tasks(&[ids[2]], None, None, later).await.unwrap(), (1, 0));
        assert_eq!(db.task(ids[2]).await.unwrap().state, TaskState::Queued);
        assert_eq!(
            db.retry_dead_tasks(&[ids[2]], None, None, later).await.unwrap(),
            (0, 0),
            "not dead any more"
        );
    }

    #[tokio::test]
    async fn each_distributor_sees_and_retries_only_its_own_unfinished_work() {
        use crate::store::NewDistributor;
        let (db, _d) = temp_db().await;
        let mut tenants = Vec::new();
        for name in ["Norte", "Sur"] {
            let d = db
                .create_distributor(NewDistributor {
                    name: name.into(),
                    time_zone: None,
                    bot_token: None,
                    admin_telegram_id: None,
                })
                .await
                .unwrap();
            tenants.push(d.id);
        }
        let (norte, sur) = (tenants[0], tenants[1]);
        let task = |kind: &str, d: DistributorId| NewTask {
            kind: kind.into(),
            distributor_id: Some(d),
            payload: serde_json::json!({}),
            dedupe_key: None,
            max_attempts: 3,
        };
        let t0 = now() - Duration::minutes(30);
        let t1 = t0 + Duration::minutes(10);
        // Norte: two photos wait (one of them failed once), one is dead; one edit runs.
        db.enqueue_task(&task(kinds::STORE_PHOTO, norte), t0).await.unwrap();
        let failed_once = db.enqueue_task(&task(kinds::STORE_PHOTO, norte), t1).await.unwrap();
        let dead = db.enqueue_task(&task(kinds::STORE_PHOTO, norte), t1).await.unwrap();
        let done = db.enqueue_task(&task(kinds::STORE_PHOTO, norte), t1).await.unwrap();
        db.enqueue_task(&task(kinds::EDIT_CONFIRMATION, norte), t1)
            .await
            .unwrap();
        let claimed = db
            .claim_task(&[kinds::EDIT_CONFIRMATION], t1, Duration::seconds(30))
            .await
            .unwrap();
        assert!(claimed.is_some());
        db.fail_task(
            failed_once,
            "timeout: Telegram did not answer",
            Some(ErrorClass::Timeout),
            t1 + Duration::minutes(1),
            t1,
        )
        .await
        .unwrap();
        db.bury_task(
            dead,
            "corrupt_file: not a JPEG",
            Some(ErrorClass::CorruptFile),
            t1 + Duration::seconds(5),
        )
        .await
        .unwrap();
        db.complete_task(done, t1).await.unwrap();
        // Sur: one dead archive copy.
        let sur_dead = db.enqueue_task(&task(kinds::ARCHIVE_PHOTO, sur), t0).await.unwrap();
        db.bury_task(
            sur_dead,
            "disk_full: Drive quota exceeded",
            Some(ErrorClass::DiskFull),
            t0,
        )
        .await
        .unwrap();

        let summary = db.work_summary(norte).await.unwrap();
        assert_eq!(
            summary,
            vec![
                WorkSummary {
                    kind: kinds::EDIT_CONFIRMATION.into(),
                    queued: 0,
                    retrying: 0,
                    running: 1,
                    dead: 0,
                    permanent: 0,
                    oldest_queued_at: None,
                    last_error: None,
                    last_error_at: None,
                },
                WorkSummary {
                    kind: kinds::STORE_PHOTO.into(),
                    queued: 2,
                    retrying: 1,
                    running: 0,
                    dead: 1,
                    permanent: 1,
                    oldest_queued_at: Some(t0),
                    last_error: Some("corrupt_file: not a JPEG".into()),
                    last_error_at: Some(t1 + Duration::seconds(5)),
                },
            ]
        );
        let sur_summary = db.work_summary(sur).await.unwrap();
        assert_eq!(sur_summary.len(), 1);
        assert_eq!(
            (sur_summary[0].kind.as_str(), sur_summary[0].dead),
            (kinds::ARCHIVE_PHOTO, 1)
        );

        // Retrying Norte's dead work leaves Sur's dead where it is.
        let later = now();
        assert_eq!(
            db.retry_dead_tasks(&[], None, Some(norte), later).await.unwrap(),
            (1, 0)
        );
        assert_eq!(db.task(dead).await.unwrap().state, TaskState::Queued);
        assert_eq!(db.task(sur_dead).await.unwrap().state, TaskState::Dead);
        // Naming the other tenant's task by id does not reach it either.
        assert_eq!(
            db.retry_dead_tasks(&[sur_dead], None, Some(norte), later)
                .await
                .unwrap(),
            (0, 0)
        );
        assert_eq!(db.task(sur_dead).await.unwrap().state, TaskState::Dead);
        let after = db.work_summary(norte).await.unwrap();
        let photos = after.iter().find(|w| w.kind == kinds::STORE_PHOTO).unwrap();
        assert_eq!((photos.queued, photos.retrying, photos.dead), (3, 2, 0));
    }

    #[tokio::test]
    async fn given_up_work_names_its_exhibition_and_can_be_dismissed_by_its_own_admin_only() {
        let (db, _d) = temp_db().await;
        let norte = tenant(&db, "Norte").await;
        let sur = tenant(&db, "Sur").await;
        let shown = db
            .record_exhibition(new_exhibition(&norte, "-100:7", "2026-05-01T12:00:00Z", "u1"))
            .await
            .unwrap()
            .id;
        let task = |kind: &str, d: DistributorId, payload: serde_json::Value| NewTask {
            kind: kind.into(),
            distributor_id: Some(d),
            payload,
            dedupe_key: None,
            max_attempts: 1,
        };
        let t0 = now() - Duration::minutes(10);
        // Norte: a photo out of attempts (Telegram down) and an edit Telegram
        // refused for good (the message was deleted), which is the newest.
        let photo = db
            .enqueue_task(
                &task(
                    kinds::STORE_PHOTO,
                    norte.distributor,
                    serde_json::json!({"exhibition_id": shown, "position": 1}),
                ),
                t0,
            )
            .await
            .unwrap();
        db.claim_task(&[kinds::STORE_PHOTO], t0, Duration::seconds(30))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            db.fail_task(photo, "remote_down: getFile: 502", Some(ErrorClass::RemoteDown), t0, t0)
                .await
                .unwrap(),
            TaskState::Dead
        );
        let edit = db
            .enqueue_task(
                &task(
                    kinds::EDIT_CONFIRMATION,
                    norte.distributor,
                    serde_json::json!({"exhibition_id": shown}),
                ),
                t0,
            )
            .await
            .unwrap();
        let t1 = t0 + Duration::minutes(1);
        db.bury_task(
            edit,
            "400 Bad Request: message to edit not found",
            Some(ErrorClass::MissingPath),
            t1,
        )
        .await
        .unwrap();
        // Sur: an edit of an exhibition that no longer exists.
        let gone = db
            .enqueue_task(
                &task(
                    kinds::EDIT_CONFIRMATION,
                    sur.distributor,
                    serde_json::json!({"exhibition_id": "nope"}),
                ),
                t0,
            )
            .await
            .unwrap();
        db.bury_task(gone, "exhibition not found", Some(ErrorClass::MissingPath), t0)
            .await
            .unwrap();

        let listed = db.given_up_tasks(norte.distributor, None, 50).await.unwrap();
        assert_eq!(
            listed.iter().map(|t| t.id).collect::<Vec<_>>(),
            [edit, photo],
            "newest given up first, Norte's only"
        );
        let (e, p) = (&listed[0], &listed[1]);
        assert_eq!(
            (e.kind.as_str(), e.permanent, e.last_error_class, e.photo_position),
            (kinds::EDIT_CONFIRMATION, true, Some(ErrorClass::MissingPath), None)
        );
        assert_eq!(e.failed_at, t1);
        assert_eq!(
            (
                p.kind.as_str(),
                p.permanent,
                p.last_error_class,
                p.photo_position,
                p.attempts
            ),
            (kinds::STORE_PHOTO, false, Some(ErrorClass::RemoteDown), Some(1), 1)
        );
        assert_eq!(p.exhibition_id.as_deref(), Some(shown.to_string().as_str()));
        assert_eq!(
            (p.customer_number.as_deref(), p.vendor_name.as_deref(), p.submitted_at),
            (
                Some("10452"),
                Some("Ana Paz"),
                Some("2026-05-01T12:00:00Z".parse().unwrap())
            )
        );
        assert_eq!(
            db.given_up_tasks(norte.distributor, Some(kinds::STORE_PHOTO), 50)
                .await
                .unwrap()
                .len(),
            1
        );
        let sur_listed = db.given_up_tasks(sur.distributor, None, 50).await.unwrap();
        assert_eq!(sur_listed.len(), 1);
        assert_eq!(
            (
                sur_listed[0].customer_number.as_deref(),
                sur_listed[0].vendor_name.as_deref()
            ),
            (None, None),
            "an exhibition that no longer exists"
        );

        // Norte's admin dismisses the edit; naming Sur's task does nothing.
        let admin = norte.supervisor.user_id;
        let at = now();
        assert_eq!(
            db.dismiss_dead_tasks(&[edit, gone], None, norte.distributor, admin, at)
                .await
                .unwrap(),
            1
        );
        assert_eq!(db.given_up_tasks(sur.distributor, None, 50).await.unwrap().len(), 1);
        let summary = db.work_summary(norte.distributor).await.unwrap();
        assert_eq!(
            summary
                .iter()
                .map(|w| (w.kind.as_str(), w.dead, w.permanent))
                .collect::<Vec<_>>(),
            [(kinds::STORE_PHOTO, 1, 0)],
            "the dismissed edit no longer counts"
        );
        let kept = db.task(edit).await.unwrap();
        assert_eq!(
            (kept.state, kept.dismissed),
            (TaskState::Dead, true),
            "kept for the record"
        );
        assert!(!db.task(photo).await.unwrap().dismissed);
        // A retry of everything leaves the dismissed one alone, and gives the
        // retried one back its chance of being judged anew.
        assert_eq!(
            db.retry_dead_tasks(&[], None, Some(norte.distributor), at)
                .await
                .unwrap(),
            (1, 0)
        );
        assert_eq!(db.task(edit).await.unwrap().state, TaskState::Dead);
        assert!(db.given_up_tasks(norte.distributor, None, 50).await.unwrap().is_empty());
        // Housekeeping deletes a dismissed task 30 days after its dismissal.
        assert_eq!(db.housekeeping(at + Duration::days(29)).await.unwrap().tasks, 0);
        assert_eq!(db.housekeeping(at + Duration::days(31)).await.unwrap().tasks, 1);
        assert!(matches!(db.task(edit).await, Err(Error::NotFound { .. })));
        assert_eq!(
            db.task(gone).await.unwrap().state,
            TaskState::Dead,
            "not dismissed: kept"
        );
    }

    #[tokio::test]
    async fn the_estado_reads_use_the_unfinished_tasks_index_even_with_statistics() {
        let (db, _d) = temp_db().await;
        // With statistics, SQLite once preferred a full scan to `tasks_due`.
        sqlx::query("ANALYZE").execute(db.pool()).await.unwrap();
        for statement in [WORK_SUMMARY, GIVEN_UP] {
            let plan = explain(&db, statement).await;
            assert!(
                plan.iter().any(|d| d.contains("tasks_unfinished")),
                "{statement}\n{plan:?}"
            );
            assert!(!plan.iter().any(|d| d == "SCAN t"), "{plan:?}");
        }
    }

    /// The `detail` column of `EXPLAIN QUERY PLAN` (parameters bound as a
    /// distributor, no kind and a limit).
    async fn explain(db: &Db, statement: &str) -> Vec<String> {
        use sqlx::Row;
        sqlx::query(sqlx::AssertSqlSafe(format!("EXPLAIN QUERY PLAN {statement}")))
            .bind(1)
            .bind(None::<String>)
            .bind(50)
            .fetch_all(db.pool())
            .await
            .unwrap()
            .iter()
            .map(|row| row.get::<String, _>("detail"))
            .collect()
    }
}
