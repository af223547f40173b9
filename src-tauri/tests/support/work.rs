//! What the server's photo worker leaves after giving up on a photo: the task,
//! dead after its 8 attempts, and the failure it recorded, written into a
//! database as the worker would (`tests/background_work.rs`, the E2E test).

use centermind_core::domain::error_class::ErrorClass;
use centermind_core::store::{Db, NewErrorEvent, NewTask, now};

/// A `kind` task of `distributor` for photo 0 of `exhibition`, given up with
/// `error`, and its recorded failure (`class`, `message`). Returns the task's id.
pub async fn give_up(
    db: &Db,
    distributor: i64,
    kind: &str,
    exhibition: &str,
    error: &str,
    class: ErrorClass,
    message: &str,
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
    db.bury_task(task, error, None, now()).await.unwrap();
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
