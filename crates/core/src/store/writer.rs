//! One writer per process, with group commit.
//!
//! SQLite has a single write lock per database. Before this, every write
//! transaction took it from its own pooled connection: the others slept in
//! SQLite's busy handler (1, 2, 5, 10… ms naps, long after the lock was free)
//! and every commit paid its own fsync (`synchronous = FULL`). Now the writers
//! of this process queue, first come first served, for one dedicated
//! connection. Each runs inside a savepoint of a shared transaction; when a
//! writer finishes while others are queued, its COMMIT is deferred so that one
//! COMMIT (one fsync) makes the whole batch durable. [`WriteTx::commit`]
//! returns only after that COMMIT, so "committed" still means "on disk", and a
//! writer that fails or is dropped rolls back its own savepoint only.
//! Other processes (the CLI next to a running sidecar) still meet the write
//! lock through the busy timeout, as before.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use sqlx::sqlite::SqliteQueryResult;
use sqlx::{Connection, Executor, Sqlite, SqliteConnection};
use tokio::sync::{Mutex, OwnedMutexGuard, watch};

use super::Db;
use crate::{Error, Result};

/// Most writers one COMMIT makes durable; bounds how long the first of them
/// waits for its acknowledgement.
const MAX_BATCH: usize = 64;

/// How a batch ended: `None` while open, then the COMMIT's outcome.
type Outcome = Option<std::result::Result<(), String>>;

pub(super) struct WriteGate {
    writer: Arc<Mutex<Writer>>,
    /// Writers waiting for the connection (not counting batch closers).
    queued: AtomicUsize,
    stats: Arc<Counters>,
}

#[derive(Default)]
struct Counters {
    commits: AtomicU64,
    writes: AtomicU64,
}

/// What the writer did since the database was opened.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// COMMITs that succeeded (one fsync of the WAL each).
    pub commits: u64,
    /// Write transactions they made durable.
    pub writes: u64,
}

struct Writer {
    /// `None` once the database was closed.
    conn: Option<SqliteConnection>,
    stats: Arc<Counters>,
    batch: Option<Batch>,
    batches: u64,
    /// A writer was dropped where no runtime could roll its savepoint back.
    abandoned: bool,
}

struct Batch {
    id: u64,
    /// Writers whose savepoint was released into this batch.
    members: usize,
    outcome: watch::Sender<Outcome>,
    closer_spawned: bool,
}

impl std::fmt::Debug for WriteGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WriteGate")
            .field("queued", &self.queued.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl WriteGate {
    pub(super) fn new(conn: SqliteConnection) -> Arc<Self> {
        let stats = Arc::new(Counters::default());
        Arc::new(Self {
            stats: stats.clone(),
            writer: Arc::new(Mutex::new(Writer {
                stats,
                conn: Some(conn),
                batch: None,
                batches: 0,
                abandoned: false,
            })),
            queued: AtomicUsize::new(0),
        })
    }

    /// Wait for the writer's turn and open this writer's savepoint.
    pub(super) async fn begin(self: &Arc<Self>) -> Result<WriteTx> {
        let mut guard = {
            let _queued = Queued::enter(&self.queued);
            self.writer.clone().lock_owned().await
        };
        if guard.conn.is_none() {
            return Err(Error::Database(sqlx::Error::PoolClosed));
        }
        if guard.abandoned {
            guard.abandoned = false;
            if rollback_savepoint(guard.conn()).await.is_err() {
                fail_batch(&mut guard, "an abandoned write could not be rolled back").await;
            }
        }
        // One round trip to the connection's thread for both statements.
        if guard.batch.is_none() {
            if let Err(e) = guard.conn().execute("BEGIN IMMEDIATE; SAVEPOINT member").await {
                let _ = guard.conn().execute("ROLLBACK").await;
                return Err(e.into());
            }
            guard.batches += 1;
            let id = guard.batches;
            guard.batch = Some(Batch {
                id,
                members: 0,
                outcome: watch::channel(None).0,
                closer_spawned: false,
            });
        } else if let Err(e) = guard.conn().execute("SAVEPOINT member").await {
            self.settle(guard).await;
            return Err(e.into());
        }
        Ok(WriteTx {
            gate: self.clone(),
            guard: Some(guard),
        })
    }

    /// A writer is done with the connection: commit the batch now, or leave it
    /// open for the writers queued behind (with a closer queued after them,
    /// so the batch is committed even if they all go away).
    async fn settle(self: &Arc<Self>, mut guard: OwnedMutexGuard<Writer>) {
        let Some(batch) = guard.batch.as_mut() else {
            return;
        };
        if batch.members == 0 {
            // Nothing to keep: release the lock instead of holding it open.
            guard.batch = None;
            let _ = guard.conn().execute("ROLLBACK").await;
            return;
        }
        if self.should_wait(batch.members) {
            if !batch.closer_spawned {
                batch.closer_spawned = true;
                let (gate, id) = (self.clone(), batch.id);
                tokio::spawn(async move {
                    let mut guard = gate.writer.clone().lock_owned().await;
                    if guard.batch.as_ref().is_some_and(|b| b.id == id) {
                        let _ = commit_batch(&mut guard, "COMMIT").await;
                    }
                });
            }
            return;
        }
        let _ = commit_batch(&mut guard, "COMMIT").await;
    }

    /// Leave the batch open for the writers queued behind, up to `MAX_BATCH`.
    fn should_wait(&self, members: usize) -> bool {
        self.queued.load(Ordering::Acquire) > 0 && members < MAX_BATCH
    }

    async fn abandon(self: Arc<Self>, mut guard: OwnedMutexGuard<Writer>) {
        guard.abandoned = false;
        if rollback_savepoint(guard.conn()).await.is_err() {
            fail_batch(&mut guard, "a failed write could not be rolled back").await;
        }
        self.settle(guard).await;
    }

    pub(super) fn stats(&self) -> WriteStats {
        WriteStats {
            commits: self.stats.commits.load(Ordering::Relaxed),
            writes: self.stats.writes.load(Ordering::Relaxed),
        }
    }

    /// Commit what is pending and close the connection; later writes fail.
    pub(super) async fn close(&self) {
        let mut guard = self.writer.lock().await;
        let _ = commit_batch(&mut guard, "COMMIT").await;
        if let Some(conn) = guard.conn.take() {
            let _ = conn.close().await;
        }
    }
}

impl Writer {
    /// The connection; only called while it is open (`begin` checks).
    fn conn(&mut self) -> &mut SqliteConnection {
        self.conn.as_mut().expect("the writer connection is open")
    }

    /// The open batch; only called by a live `WriteTx` (`begin` opened it).
    fn batch(&mut self) -> &mut Batch {
        self.batch.as_mut().expect("a live write transaction has an open batch")
    }
}

async fn rollback_savepoint(conn: &mut SqliteConnection) -> std::result::Result<(), sqlx::Error> {
    conn.execute("ROLLBACK TO member").await?;
    conn.execute("RELEASE member").await?;
    Ok(())
}

/// COMMIT the open batch (`sql` is "COMMIT", or "RELEASE member; COMMIT" when
/// its last writer commits too) and tell every writer in it how that went.
async fn commit_batch(writer: &mut Writer, sql: &'static str) -> std::result::Result<(), sqlx::Error> {
    let Some(batch) = writer.batch.take() else {
        return Ok(());
    };
    let result = writer.conn().execute(sql).await.map(|_| ());
    match &result {
        Ok(()) => {
            writer.stats.commits.fetch_add(1, Ordering::Relaxed);
            writer.stats.writes.fetch_add(batch.members as u64, Ordering::Relaxed);
            batch.outcome.send_replace(Some(Ok(())));
        }
        Err(e) => {
            let _ = writer.conn().execute("ROLLBACK").await;
            batch.outcome.send_replace(Some(Err(e.to_string())));
        }
    }
    result
}

/// The shared transaction is gone (SQLite rolled it back on an I/O error, or a
/// savepoint vanished): every writer in it learns that nothing was committed.
async fn fail_batch(writer: &mut Writer, why: &str) {
    if let Some(batch) = writer.batch.take() {
        let _ = writer.conn().execute("ROLLBACK").await;
        batch.outcome.send_replace(Some(Err(why.to_string())));
    }
}

/// Counts a writer as queued while it waits for the connection (also when its
/// future is dropped while waiting).
struct Queued<'a>(&'a AtomicUsize);

impl<'a> Queued<'a> {
    fn enter(count: &'a AtomicUsize) -> Self {
        count.fetch_add(1, Ordering::AcqRel);
        Self(count)
    }
}

impl Drop for Queued<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A write transaction: run statements on `&mut *tx`, then [`WriteTx::commit`].
/// Dropped without committing, its writes are rolled back.
pub struct WriteTx {
    gate: Arc<WriteGate>,
    guard: Option<OwnedMutexGuard<Writer>>,
}

impl WriteTx {
    /// Make this transaction's writes durable; returns once they are on disk.
    pub async fn commit(mut self) -> Result<()> {
        let mut guard = self.guard.take().expect("a live write transaction");
        if !self.gate.should_wait(guard.batch().members + 1) {
            // Nobody queued behind: release and commit in one round trip.
            guard.batch().members += 1;
            return Ok(commit_batch(&mut guard, "RELEASE member; COMMIT").await?);
        }
        if let Err(e) = guard.conn().execute("RELEASE member").await {
            fail_batch(&mut guard, "the transaction was rolled back by SQLite").await;
            return Err(e.into());
        }
        let batch = guard.batch();
        batch.members += 1;
        let mut outcome = batch.outcome.subscribe();
        self.gate.settle(guard).await;
        let result = outcome
            .wait_for(Option::is_some)
            .await
            .map_err(|_| Error::Commit("the writer stopped before committing".into()))?
            .clone();
        match result {
            Some(Ok(())) => Ok(()),
            Some(Err(e)) => Err(Error::Commit(e)),
            None => Err(Error::Commit("the writer stopped before committing".into())),
        }
    }

    /// Undo this transaction's writes (the same as dropping it, but awaited).
    pub async fn rollback(mut self) -> Result<()> {
        if let Some(guard) = self.guard.take() {
            self.gate.clone().abandon(guard).await;
        }
        Ok(())
    }
}

impl Deref for WriteTx {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        let writer = self.guard.as_ref().expect("a live write transaction");
        writer.conn.as_ref().expect("the writer connection is open")
    }
}

impl DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        self.guard.as_mut().expect("a live write transaction").conn()
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        let Some(mut guard) = self.guard.take() else {
            return;
        };
        // Marked first: should the rollback task never run (no runtime, or
        // one shutting down), the next writer rolls the savepoint back.
        guard.abandoned = true;
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(self.gate.clone().abandon(guard));
        }
    }
}

type Args = <Sqlite as sqlx::Database>::Arguments;

/// One statement as its own write transaction through the writer:
/// `sqlx::query(…).bind(…).execute_write(db)` instead of `.execute(db.pool())`.
pub(crate) trait ExecuteWrite {
    async fn execute_write(self, db: &Db) -> Result<SqliteQueryResult>;
}

impl ExecuteWrite for sqlx::query::Query<'_, Sqlite, Args> {
    async fn execute_write(self, db: &Db) -> Result<SqliteQueryResult> {
        let mut tx = db.begin_write().await?;
        let done = self.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(done)
    }
}

/// The same for statements that return rows (`INSERT … RETURNING`,
/// `UPDATE … RETURNING`), typed or scalar.
pub(crate) trait FetchWrite<O> {
    async fn fetch_one_write(self, db: &Db) -> Result<O>;
    async fn fetch_optional_write(self, db: &Db) -> Result<Option<O>>;
    async fn fetch_all_write(self, db: &Db) -> Result<Vec<O>>;
}

macro_rules! fetch_write {
    ($query:ty, $row:ty) => {
        impl<'q, O> FetchWrite<O> for $query
        where
            O: Send + Unpin,
            $row: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>,
        {
            async fn fetch_one_write(self, db: &Db) -> Result<O> {
                let mut tx = db.begin_write().await?;
                let row = self.fetch_one(&mut *tx).await?;
                tx.commit().await?;
                Ok(row)
            }

            async fn fetch_optional_write(self, db: &Db) -> Result<Option<O>> {
                let mut tx = db.begin_write().await?;
                let row = self.fetch_optional(&mut *tx).await?;
                tx.commit().await?;
                Ok(row)
            }

            async fn fetch_all_write(self, db: &Db) -> Result<Vec<O>> {
                let mut tx = db.begin_write().await?;
                let rows = self.fetch_all(&mut *tx).await?;
                tx.commit().await?;
                Ok(rows)
            }
        }
    };
}

fetch_write!(sqlx::query::QueryAs<'q, Sqlite, O, Args>, O);
fetch_write!(sqlx::query::QueryScalar<'q, Sqlite, O, Args>, (O,));

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use sqlx::{Connection, SqliteConnection};

    use super::super::test_support::temp_db;
    use super::*;

    async fn make_table(db: &Db) {
        let mut tx = db.begin_write().await.unwrap();
        sqlx::query("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)")
            .execute(&mut *tx)
            .await
            .unwrap();
        tx.commit().await.unwrap();
    }

    async fn keys(db: &Db) -> Vec<i64> {
        sqlx::query_scalar("SELECT k FROM t ORDER BY k")
            .fetch_all(db.pool())
            .await
            .unwrap()
    }

    async fn insert(db: &Db, k: i64) -> Result<()> {
        sqlx::query("INSERT INTO t (k, v) VALUES (?, 'x')")
            .bind(k)
            .execute_write(db)
            .await
            .map(|_| ())
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn concurrent_writers_all_commit_and_share_commits() {
        let (db, _dir) = temp_db().await;
        make_table(&db).await;
        let before = db.write_stats();
        let writers: Vec<_> = (0..200)
            .map(|k| {
                let db = db.clone();
                tokio::spawn(async move { insert(&db, k).await })
            })
            .collect();
        for w in writers {
            w.await.unwrap().unwrap();
        }
        assert_eq!(keys(&db).await, (0..200).collect::<Vec<_>>());
        let after = db.write_stats();
        assert_eq!(after.writes - before.writes, 200);
        let commits = after.commits - before.commits;
        assert!(commits < 200, "200 writers at once took {commits} commits");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_failing_writer_loses_only_its_own_writes() {
        let (db, _dir) = temp_db().await;
        make_table(&db).await;
        insert(&db, 7).await.unwrap();
        // Key 7 again fails (primary key); the others in the same batches commit.
        let writers: Vec<_> = (0..50)
            .map(|i| {
                let db = db.clone();
                tokio::spawn(async move { insert(&db, if i % 10 == 0 { 7 } else { 100 + i }).await })
            })
            .collect();
        let mut failed = 0;
        for w in writers {
            if let Err(e) = w.await.unwrap() {
                assert!(e.to_string().contains("UNIQUE"), "{e}");
                failed += 1;
            }
        }
        assert_eq!(failed, 5);
        let expected: Vec<i64> = std::iter::once(7)
            .chain((0..50).filter(|i| i % 10 != 0).map(|i| 100 + i))
            .collect();
        assert_eq!(keys(&db).await, expected);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_dropped_writer_rolls_back_while_the_next_one_commits() {
        let (db, _dir) = temp_db().await;
        make_table(&db).await;
        let mut first = db.begin_write().await.unwrap();
        sqlx::query("INSERT INTO t (k, v) VALUES (1, 'dropped')")
            .execute(&mut *first)
            .await
            .unwrap();
        let second = tokio::spawn({
            let db = db.clone();
            async move { insert(&db, 2).await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!second.is_finished(), "the second writer waits for the first");
        drop(first);
        second.await.unwrap().unwrap();
        assert_eq!(keys(&db).await, vec![2]);
        // And an explicit rollback, alone in its batch.
        let mut third = db.begin_write().await.unwrap();
        sqlx::query("INSERT INTO t (k, v) VALUES (3, 'x')")
            .execute(&mut *third)
            .await
            .unwrap();
        third.rollback().await.unwrap();
        insert(&db, 4).await.unwrap();
        assert_eq!(keys(&db).await, vec![2, 4]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_committed_write_is_visible_to_another_connection_at_once() {
        let (db, dir) = temp_db().await;
        make_table(&db).await;
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let mut other = SqliteConnection::connect(&url).await.unwrap();
        for k in 0..20 {
            insert(&db, k).await.unwrap();
            let seen: i64 = sqlx::query_scalar("SELECT count(*) FROM t WHERE k = ?")
                .bind(k)
                .fetch_one(&mut other)
                .await
                .unwrap();
            assert_eq!(seen, 1, "write {k} not visible after its commit returned");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn another_process_writing_meets_the_busy_timeout_not_an_error() {
        let (db, dir) = temp_db().await;
        make_table(&db).await;
        // A second Db on the same file stands for another process (its own writer).
        let url = format!("sqlite://{}", dir.path().join("test.db").display());
        let other = Db::open(&url).await.unwrap();
        let mut tasks = Vec::new();
        for k in 0..100 {
            let (a, b) = (db.clone(), other.clone());
            tasks.push(tokio::spawn(async move { insert(&a, k).await }));
            tasks.push(tokio::spawn(async move { insert(&b, 1000 + k).await }));
        }
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        assert_eq!(keys(&db).await.len(), 200);
    }

    #[tokio::test]
    async fn writes_after_close_fail_cleanly() {
        let (db, _dir) = temp_db().await;
        make_table(&db).await;
        db.close().await;
        assert!(insert(&db, 1).await.is_err());
    }

    #[test]
    fn a_writer_dropped_outside_any_runtime_is_rolled_back_by_the_next_one() {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let (db, _dir) = runtime.block_on(temp_db());
        runtime.block_on(make_table(&db));
        let mut lost = runtime.block_on(db.begin_write()).unwrap();
        runtime
            .block_on(sqlx::query("INSERT INTO t (k, v) VALUES (1, 'lost')").execute(&mut *lost))
            .unwrap();
        std::thread::spawn(move || drop(lost)).join().unwrap();
        runtime.block_on(insert(&db, 2)).unwrap();
        assert_eq!(runtime.block_on(keys(&db)), vec![2]);
    }
}
