//! Housekeeping: delete rows no flow needs any more, so that the database
//! does not grow forever. Run by the `housekeeping` job.
//!
//! What is kept, and why:
//! - sessions: a session expired or revoked more than a day ago can never
//!   authenticate again (`session_actor` wants it open and unexpired);
//! - tasks: `done` ones go 30 days after they finished, and dead ones an
//!   admin dismissed 30 days after the dismissal. Queued and running tasks
//!   are work in progress and other dead ones wait for an admin's retry or
//!   dismissal. A done task is also kept while an older *dead* task with the same
//!   dedupe key exists: it is what marks that dead one as superseded (a token
//!   change would otherwise requeue the old edit, see
//!   `requeue_edits_after_token_change`);
//! - pending submissions: finished conversations (done, expired, cancelled)
//!   7 days after they closed. Telegram redelivers an update for 24 h at most,
//!   and a button pressed on an old keyboard answers "no longer open" either
//!   way; open and `committed` ones (a confirmation still to send) stay;
//! - error events after 180 days;
//! - job runs after 90 days, except running ones and each job's latest run
//!   (what the admin screen shows as "last run").
//!
//! Deletes go in batches through the writer, so it is never held for long.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::Db;
use super::writer::ExecuteWrite;
use crate::Result;

/// A closed session stays this long after it expired or was revoked.
pub const SESSION_GRACE: Duration = Duration::days(1);
/// A done task stays this long after it finished.
pub const DONE_TASKS_KEPT: Duration = Duration::days(30);
/// A finished conversation stays this long after it closed.
pub const CLOSED_SUBMISSIONS_KEPT: Duration = Duration::days(7);
pub const ERROR_EVENTS_KEPT: Duration = Duration::days(180);
pub const JOB_RUNS_KEPT: Duration = Duration::days(90);

/// Rows per delete statement (one write transaction each).
const BATCH: i64 = 500;

/// How many rows one housekeeping pass deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Housekeeping {
    pub sessions: u64,
    pub tasks: u64,
    pub submissions: u64,
    pub error_events: u64,
    pub job_runs: u64,
}

impl Housekeeping {
    pub fn total(&self) -> u64 {
        self.sessions + self.tasks + self.submissions + self.error_events + self.job_runs
    }
}

impl Db {
    /// Delete what is no longer needed as of `at` (see the module docs).
    pub async fn housekeeping(&self, at: DateTime<Utc>) -> Result<Housekeeping> {
        let sessions = self
            .delete_in_batches(
                "DELETE FROM sessions WHERE id IN (SELECT id FROM sessions \
                   WHERE expires_at < ?1 OR (revoked_at IS NOT NULL AND revoked_at < ?1) LIMIT ?2)",
                at - SESSION_GRACE,
            )
            .await?;
        let tasks = self
            .delete_in_batches(
                "DELETE FROM tasks WHERE id IN (SELECT t.id FROM tasks t \
                   WHERE (t.state = 'done' AND t.updated_at < ?1 \
                     AND NOT (t.dedupe_key IS NOT NULL AND EXISTS (SELECT 1 FROM tasks d \
                       WHERE d.dedupe_key = t.dedupe_key AND d.state = 'dead' AND d.id < t.id))) \
                     OR (t.state = 'dead' AND t.dismissed_at < ?1) \
                   LIMIT ?2)",
                at - DONE_TASKS_KEPT,
            )
            .await?;
        let submissions = self.prune_submissions(at - CLOSED_SUBMISSIONS_KEPT).await?;
        let error_events = self
            .delete_in_batches(
                "DELETE FROM error_events WHERE id IN (SELECT id FROM error_events WHERE created_at < ?1 LIMIT ?2)",
                at - ERROR_EVENTS_KEPT,
            )
            .await?;
        let job_runs = self
            .delete_in_batches(
                "DELETE FROM job_runs WHERE id IN (SELECT r.id FROM job_runs r \
                   WHERE r.started_at < ?1 AND r.outcome != 'running' \
                     AND r.id != (SELECT l.id FROM job_runs l WHERE l.job_id = r.job_id \
                                  ORDER BY l.started_at DESC, l.id DESC LIMIT 1) \
                   LIMIT ?2)",
                at - JOB_RUNS_KEPT,
            )
            .await?;
        Ok(Housekeeping {
            sessions,
            tasks,
            submissions,
            error_events,
            job_runs,
        })
    }

    /// Run `sql` (parameters: the cut-off, the batch size) until it deletes
    /// less than a batch. Returns the rows deleted.
    async fn delete_in_batches(&self, sql: &'static str, before: DateTime<Utc>) -> Result<u64> {
        let mut deleted = 0;
        loop {
            let n = sqlx::query(sql)
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::error_class::ErrorClass;
    use crate::store::exhibitions::test_fixtures::tenant;
    use crate::store::test_support::temp_db;
    use crate::store::{NewErrorEvent, NewSubmission, NewTask, PendingPhoto, RunOutcome, job_ids, now};

    async fn ids(db: &Db, table: &str) -> Vec<i64> {
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT id FROM {table} ORDER BY id")))
            .fetch_all(db.pool())
            .await
            .unwrap()
    }

    /// Old and recent rows of every kind, then one pass: exactly the old,
    /// finished ones go; a second pass finds nothing.
    #[tokio::test]
    async fn deletes_only_what_no_flow_needs() {
        let (db, _d) = temp_db().await;
        let now = now();
        let old = now - Duration::days(400);
        let t = tenant(&db, "A").await;
        let user = db.portal_user_by_username("sup-A").await.unwrap().unwrap().id;

        // Sessions: one expired long ago, one revoked long ago, one revoked an
        // hour ago, one expired 2 h ago (inside the grace day), one open.
        let session = |created: DateTime<Utc>, expires: DateTime<Utc>, revoked: Option<DateTime<Utc>>| {
            let db = db.clone();
            async move {
                sqlx::query_scalar::<_, i64>(
                    "INSERT INTO sessions (user_id, token_hash, created_at, expires_at, revoked_at) \
                     VALUES (?, lower(hex(randomblob(16))), ?, ?, ?) RETURNING id",
                )
                .bind(user)
                .bind(created)
                .bind(expires)
                .bind(revoked)
                .fetch_one(db.pool())
                .await
                .unwrap()
            }
        };
        let _expired_long_ago = session(old, old + Duration::days(30), None).await;
        let _revoked_long_ago = session(
            now - Duration::days(3),
            now + Duration::days(20),
            Some(now - Duration::days(2)),
        )
        .await;
        let revoked_recently = session(
            now - Duration::days(3),
            now + Duration::days(20),
            Some(now - Duration::hours(1)),
        )
        .await;
        let expired_recently = session(now - Duration::days(30), now - Duration::hours(2), None).await;
        let (token, _) = db.create_session(user, now).await.unwrap();
        assert!(db.session_actor(&token, now).await.unwrap().is_some());

        // Tasks: done long ago (goes), done recently, queued/running/dead long ago
        // (stay), and a done task that supersedes an older dead one (stays).
        let task = |key: Option<&str>| NewTask {
            kind: "edit_confirmation".into(),
            distributor_id: Some(t.distributor),
            payload: serde_json::json!({"exhibition_id": "x"}),
            dedupe_key: key.map(str::to_string),
            max_attempts: 3,
        };
        let set = |id: i64, state: &'static str, at: DateTime<Utc>| {
            let db = db.clone();
            async move {
                sqlx::query("UPDATE tasks SET state = ?, updated_at = ? WHERE id = ?")
                    .bind(state)
                    .bind(at)
                    .bind(id)
                    .execute(db.pool())
                    .await
                    .unwrap();
            }
        };
        let done_old = db.enqueue_task(&task(None), old).await.unwrap();
        set(done_old, "done", old).await;
        let done_recent = db.enqueue_task(&task(None), old).await.unwrap();
        set(done_recent, "done", now - Duration::days(29)).await;
        let mut kept_tasks = vec![done_recent];
        for state in ["queued", "running", "dead"] {
            let id = db.enqueue_task(&task(None), old).await.unwrap();
            set(id, state, old).await;
            kept_tasks.push(id);
        }
        let dead_edit = db.enqueue_task(&task(Some("edit:e1")), old).await.unwrap();
        set(dead_edit, "dead", old).await;
        let later_done_edit = db.enqueue_task(&task(Some("edit:e1")), old).await.unwrap();
        set(later_done_edit, "done", old).await;
        kept_tasks.extend([dead_edit, later_done_edit]);
        // A done task with a key and no dead sibling goes.
        let done_keyed = db.enqueue_task(&task(Some("edit:e2")), old).await.unwrap();
        set(done_keyed, "done", old).await;

        // Pending submissions: closed 8 days ago (go), closed 6 days ago,
        // open and committed long ago (stay).
        let g = db.list_groups(Some(t.distributor)).await.unwrap()[0].clone();
        let m = db.list_members(t.distributor).await.unwrap()[0].clone();
        let mut message_id = 0;
        let mut submission = |state: &'static str, updated: DateTime<Utc>| {
            message_id += 1;
            let new = NewSubmission {
                distributor_id: g.distributor_id,
                group_id: g.id,
                chat_id: g.chat_id,
                vendor_id: m.id,
                vendor_telegram_id: m.telegram_user_id + message_id,
                first_photo: PendingPhoto {
                    message_id,
                    file_id: format!("f{message_id}"),
                    file_unique_id: format!("u{message_id}"),
                    file_size: None,
                },
                media_group_id: None,
                burst_started_at: old,
                expires_at: old + Duration::minutes(10),
            };
            let db = db.clone();
            async move {
                let id = db.start_submission(&new, old).await.unwrap().0.id;
                sqlx::query("UPDATE pending_submissions SET state = ?, updated_at = ? WHERE id = ?")
                    .bind(state)
                    .bind(updated)
                    .bind(id)
                    .execute(db.pool())
                    .await
                    .unwrap();
                id
            }
        };
        for state in ["done", "expired", "cancelled"] {
            submission(state, now - Duration::days(8)).await;
        }
        let mut kept_submissions = Vec::new();
        kept_submissions.push(submission("done", now - Duration::days(6)).await);
        for state in ["awaiting_number", "awaiting_pdv", "committed"] {
            kept_submissions.push(submission(state, old).await);
        }

        // Error events: 181 days old (goes), 179 (stays).
        for age in [181, 179] {
            db.record_error_event(
                &NewErrorEvent {
                    distributor_id: None,
                    class: ErrorClass::Timeout,
                    message: format!("{age} días"),
                    context: None,
                },
                now - Duration::days(age),
            )
            .await
            .unwrap();
        }

        // Job runs: backup ran 200 and 100 days ago and yesterday; housekeeping
        // only 120 days ago (its latest run stays however old); daily_summary
        // has a run stuck as running for 100 days (stays).
        let run = |job: &'static str, age: i64, outcome: RunOutcome| {
            let db = db.clone();
            async move {
                let r = db.start_job_run(job, now - Duration::days(age)).await.unwrap().unwrap();
                if outcome != RunOutcome::Running {
                    db.finish_job_run(r.id, outcome, "x", now - Duration::days(age))
                        .await
                        .unwrap();
                }
                r.id
            }
        };
        let _b200 = run(job_ids::BACKUP, 200, RunOutcome::Succeeded).await;
        let _b100 = run(job_ids::BACKUP, 100, RunOutcome::Failed).await;
        let b1 = run(job_ids::BACKUP, 1, RunOutcome::Succeeded).await;
        let h120 = run(job_ids::HOUSEKEEPING, 120, RunOutcome::Succeeded).await;
        let d100 = run(job_ids::DAILY_SUMMARY, 100, RunOutcome::Running).await;

        let done = db.housekeeping(now).await.unwrap();
        assert_eq!(
            done,
            Housekeeping {
                sessions: 2,
                tasks: 2,
                submissions: 3,
                error_events: 1,
                job_runs: 2,
            }
        );
        assert_eq!(done.total(), 10);

        let open: Vec<i64> = sqlx::query_scalar("SELECT id FROM sessions WHERE revoked_at IS NULL AND expires_at > ?")
            .bind(now)
            .fetch_all(db.pool())
            .await
            .unwrap();
        assert_eq!(open.len(), 1);
        let mut kept_sessions = vec![revoked_recently, expired_recently, open[0]];
        kept_sessions.sort_unstable();
        assert_eq!(ids(&db, "sessions").await, kept_sessions);
        assert!(
            db.session_actor(&token, now).await.unwrap().is_some(),
            "the open session still works"
        );

        kept_tasks.sort_unstable();
        assert_eq!(ids(&db, "tasks").await, kept_tasks);
        kept_submissions.sort_unstable();
        assert_eq!(ids(&db, "pending_submissions").await, kept_submissions);
        let messages: Vec<String> = sqlx::query_scalar("SELECT message FROM error_events")
            .fetch_all(db.pool())
            .await
            .unwrap();
        assert_eq!(messages, ["179 días"]);
        let mut kept_runs = vec![b1, h120, d100];
        kept_runs.sort_unstable();
        assert_eq!(ids(&db, "job_runs").await, kept_runs);

        // Nothing more to do.
        assert_eq!(db.housekeeping(now).await.unwrap(), Housekeeping::default());
    }

    #[tokio::test]
    async fn large_backlogs_go_in_batches() {
        let (db, _d) = temp_db().await;
        let now = now();
        for i in 0..1_203 {
            db.record_error_event(
                &NewErrorEvent {
                    distributor_id: None,
                    class: ErrorClass::Internal,
                    message: format!("e{i}"),
                    context: None,
                },
                now - Duration::days(200),
            )
            .await
            .unwrap();
        }
        let before = db.write_stats();
        assert_eq!(db.housekeeping(now).await.unwrap().error_events, 1_203);
        let writes = db.write_stats().writes - before.writes;
        // Three batches of error events plus one pass over every other table.
        assert!(writes >= 3, "{writes} write transactions");
        assert!(ids(&db, "error_events").await.is_empty());
    }
}
