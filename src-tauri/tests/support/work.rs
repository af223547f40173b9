//! What the server's workers leave after giving up on a task: the task, dead
//! after its 8 attempts or at once when no retry can help, and the failure it
//! recorded, written into a database through the calls the workers make
//! (`tests/background_work.rs`, the E2E test).

use centermind_core::domain::error_class::ErrorClass;
use centermind_core::store::{Db, NewErrorEvent, NewTask, TaskState, now};

/// A `kind` task of `distributor` for photo 0 of `exhibition`, given up with
/// `error` (at once when `permanent`), and its recorded failure (`class`,
/// `message`). Returns the task's id.
#[allow(clippy::too_many_arguments)]
pub async fn give_up(
    db: &Db,
    distributor: i64,
    kind: &str,
    exhibition: &str,
    error: &str,
    class: ErrorClass,
    message: &str,
    permanent: bool,
) -> i64 {
    let payload = serde_json::json!({ "exhibition_id": exhibition, "position": 0 });
    let task = db
        .enqueue_task(
            &NewTask {
                kind: kind.into(),
                distributor_id: Some(distributor),
                payload: payload.clone(),
                dedupe_key: None,
                max_attempts: 8,
            },
            now(),
        )
        .await
        .unwrap();
    if permanent {
        db.bury_task(task, error, Some(class), now()).await.unwrap();
    } else {
        // The worker's eighth attempt failing.
        sqlx::query("UPDATE tasks SET state = 'running', attempts = 8 WHERE id = ?")
            .bind(task)
            .execute(db.pool())
            .await
            .unwrap();
        let state = db.fail_task(task, error, Some(class), now(), now()).await.unwrap();
        assert_eq!(state, TaskState::Dead);
    }
    db.record_error_event(
        &NewErrorEvent {
            distributor_id: Some(distributor),
            class,
            message: message.into(),
            context: Some(serde_json::json!({ "task_id": task, "kind": kind, "attempt": 8, "payload": payload })),
        },
        now(),
    )
    .await
    .unwrap();
    task
}
