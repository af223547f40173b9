//! The desktop's client of the "Estado" section through the real API (axum on
//! 127.0.0.1, a real SQLite database with two distributors): the server's
//! background work, the work given up on, its retry and dismissal, and its
//! recorded failures reach the app field by field (the desktop keeps its own
//! copy of the types), within the admin's own distributor only; a retry is
//! in the administration history the app reads.

#![allow(clippy::unwrap_used)] // test fixtures panic on purpose

use centermind_core::domain::error_class::ErrorClass;
use centermind_core::domain::roles::PortalRole;
use centermind_core::store::{Db, TaskState, now, task_kinds};
use centermind_desktop::client::Token;
use centermind_desktop::error::CommandError;

#[path = "support/api.rs"]
mod api;
#[path = "support/work.rs"]
mod work;
use api::{PASSWORD, serve, user};

const EXHIBITION: &str = "0a1b2c3d-0000-4000-8000-000000000001";

/// A distributor with an admin and a supervisor, one Drive copy given up and its failure.
async fn distributor(db: &Db, name: &str) -> (i64, i64) {
    let d = api::distributor(db, name).await;
    for role in [PortalRole::Admin, PortalRole::Supervisor] {
        user(db, &format!("{}.{name}", role.as_str()), role, Some(d)).await;
    }
    let message = format!("{name}: the Drive storage quota is exceeded");
    let task = work::give_up(
        db,
        d,
        task_kinds::ARCHIVE_PHOTO,
        EXHIBITION,
        "Drive: storageQuotaExceeded",
        ErrorClass::DiskFull,
        &message,
        false,
    )
    .await;
    (d, task)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_reads_and_retries_the_background_work_of_their_own_distributor() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&format!("sqlite://{}", dir.path().join("centermind.db").display()))
        .await
        .unwrap();
    let (sur, sur_task) = distributor(&db, "sur").await;
    let (norte, norte_task) = distributor(&db, "norte").await;
    let backend = serve(&db, dir.path().join("photos")).await;
    let admin = Token::new(backend.login("admin.sur", PASSWORD).await.unwrap().token);

    let work = backend.work(&admin, None).await.unwrap();
    assert_eq!(work.distributor_id, sur);
    assert_eq!(work.kinds.len(), 1);
    let copies = &work.kinds[0];
    assert_eq!(copies.kind, "archive_photo");
    assert_eq!(
        (copies.queued, copies.retrying, copies.running, copies.failed),
        (0, 0, 0, 1)
    );
    assert_eq!(copies.last_error.as_deref(), Some("Drive: storageQuotaExceeded"));
    assert!(copies.last_error_at.is_some() && copies.oldest_queued_at.is_none());
    assert!(
        work.read_at.starts_with(&now().format("%Y-%m-%dT").to_string()),
        "{}",
        work.read_at
    );

    let events = backend.error_events(&admin, None, 50).await.unwrap();
    assert_eq!(events.len(), 1);
    let event = &events[0];
    assert_eq!(event.class, "disk_full");
    assert_eq!(event.message, "sur: the Drive storage quota is exceeded");
    assert_eq!(event.exhibition_id.as_deref(), Some(EXHIBITION));
    assert_eq!((event.kind.as_deref(), event.attempt), (Some("archive_photo"), Some(8)));
    let recorded = db.list_error_events(Some(sur), 1).await.unwrap()[0].created_at;
    assert!(
        event
            .created_at
            .starts_with(&recorded.format("%Y-%m-%dT%H:%M:%S").to_string()),
        "{} vs {recorded}",
        event.created_at
    );

    // One by one, with what the admin needs to tell them apart.
    let given_up = backend.given_up_work(&admin, None, None, 50).await.unwrap();
    assert_eq!(given_up.len(), 1);
    let copy = &given_up[0];
    assert_eq!(copy.id, sur_task);
    assert_eq!(
        (
            copy.kind.as_str(),
            copy.class.as_deref(),
            copy.permanent,
            copy.photo_number
        ),
        ("archive_photo", Some("disk_full"), false, Some(1))
    );
    assert_eq!(
        (copy.exhibition_id.as_deref(), copy.attempts, copy.error.as_deref()),
        (Some(EXHIBITION), 8, Some("Drive: storageQuotaExceeded"))
    );
    assert!(copy.customer_number.is_none() && copy.vendor_name.is_none() && copy.submitted_at.is_none());
    assert!(copy.failed_at.starts_with(&now().format("%Y-%m-%dT").to_string()));
    assert!(
        backend
            .given_up_work(&admin, None, Some("store_photo"), 50)
            .await
            .unwrap()
            .is_empty()
    );

    let retried = backend
        .retry_work(&admin, None, Some("archive_photo"), &[])
        .await
        .unwrap();
    assert_eq!((retried.requeued, retried.kept), (1, 0));
    assert_eq!(db.task(sur_task).await.unwrap().state, TaskState::Queued);
    let after = backend.work(&admin, None).await.unwrap();
    assert_eq!(
        (after.kinds[0].queued, after.kinds[0].retrying, after.kinds[0].failed),
        (1, 1, 0)
    );

    // The retry is in the distributor's administration history ("Actividad"), with who did it.
    let history = backend.audit(&admin, None, None, None, 50).await.unwrap();
    assert_eq!(history.events.len(), 1, "{history:?}");
    let entry = &history.events[0];
    assert_eq!(
        (entry.action.as_str(), entry.subject.as_str(), entry.distributor_id),
        ("work_retried", "archive_photo", Some(sur))
    );
    assert_eq!(entry.actor_name.as_deref(), Some("admin.sur"));
    assert_eq!(entry.changes.len(), 1);
    assert_eq!(
        (entry.changes[0].field.as_str(), &entry.changes[0].to),
        ("tasks", &serde_json::json!(1))
    );
    assert!(entry.created_at.starts_with(&now().format("%Y-%m-%dT").to_string()));
    assert_eq!(history.next_before, None);
    assert!(matches!(
        backend.audit(&admin, Some(norte), None, None, 50).await,
        Err(CommandError::NotFound { .. })
    ));

    // Another distributor's: not found, and left alone; a supervisor: forbidden.
    assert!(matches!(
        backend.work(&admin, Some(norte)).await,
        Err(CommandError::NotFound { .. })
    ));
    assert!(matches!(
        backend.retry_work(&admin, Some(norte), None, &[]).await,
        Err(CommandError::NotFound { .. })
    ));
    assert!(matches!(
        backend.dismiss_work(&admin, Some(norte), None, &[]).await,
        Err(CommandError::NotFound { .. })
    ));
    // Naming Norte's task in Sur's scope dismisses nothing.
    let none = backend.dismiss_work(&admin, None, None, &[norte_task]).await.unwrap();
    assert_eq!(none.dismissed, 0);
    assert_eq!(db.task(norte_task).await.unwrap().state, TaskState::Dead);
    let supervisor = Token::new(backend.login("supervisor.sur", PASSWORD).await.unwrap().token);
    assert!(matches!(
        backend.error_events(&supervisor, None, 50).await,
        Err(CommandError::Forbidden { .. })
    ));
    // An unknown kind is refused with the server's reason.
    match backend.retry_work(&admin, None, Some("everything"), &[]).await {
        Err(CommandError::Invalid { message }) => assert!(message.contains("store_photo"), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_dismisses_work_no_retry_can_mend() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&format!("sqlite://{}", dir.path().join("centermind.db").display()))
        .await
        .unwrap();
    let (sur, mendable) = distributor(&db, "sur").await;
    let gone = work::give_up(
        &db,
        sur,
        task_kinds::EDIT_CONFIRMATION,
        EXHIBITION,
        "400 Bad Request: message to edit not found",
        ErrorClass::MissingPath,
        "400 Bad Request: message to edit not found",
        true,
    )
    .await;
    let backend = serve(&db, dir.path().join("photos")).await;
    let admin = Token::new(backend.login("admin.sur", PASSWORD).await.unwrap().token);

    let work = backend.work(&admin, None).await.unwrap();
    let edits = work.kinds.iter().find(|k| k.kind == "edit_confirmation").unwrap();
    assert_eq!((edits.failed, edits.permanent), (1, 1));
    let given_up = backend.given_up_work(&admin, None, None, 50).await.unwrap();
    assert_eq!(
        given_up.iter().map(|t| (t.id, t.permanent)).collect::<Vec<_>>(),
        [(gone, true), (mendable, false)],
        "the latest given up first"
    );

    let dismissed = backend.dismiss_work(&admin, None, None, &[gone]).await.unwrap();
    assert_eq!(dismissed.dismissed, 1);
    let left = backend.given_up_work(&admin, None, None, 50).await.unwrap();
    assert_eq!(left.iter().map(|t| t.id).collect::<Vec<_>>(), [mendable]);
    let work = backend.work(&admin, None).await.unwrap();
    assert!(work.kinds.iter().all(|k| k.kind != "edit_confirmation"), "{work:?}");
    // Dismissing all of a kind.
    let all = backend
        .dismiss_work(&admin, None, Some("archive_photo"), &[])
        .await
        .unwrap();
    assert_eq!(all.dismissed, 1);
    assert!(backend.work(&admin, None).await.unwrap().kinds.is_empty());
    assert_eq!(
        db.task(mendable).await.unwrap().state,
        TaskState::Dead,
        "kept for the record"
    );
}

/// A server of the previous release knew only `{"kind"}` in a retry and refused
/// any other field (422): the app sends `task_ids` only when it names tasks,
/// so that "Reintentar" by kind still works against it while it is not updated.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_by_kind_still_reaches_a_server_from_before_task_ids() {
    use axum::Json;
    use axum::http::StatusCode;
    use axum::routing::post;
    use serde_json::{Value, json};

    async fn old_retry(Json(body): Json<Value>) -> (StatusCode, Json<Value>) {
        let known = body.as_object().is_some_and(|o| o.keys().all(|k| k == "kind"));
        if known {
            (StatusCode::OK, Json(json!({ "requeued": 2, "kept": 0 })))
        } else {
            let refusal = json!({ "code": "invalid", "message": format!("unknown field in {body}") });
            (StatusCode::UNPROCESSABLE_ENTITY, Json(refusal))
        }
    }
    let app = axum::Router::new().route("/api/v1/work/retry", post(old_retry));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let backend = centermind_desktop::client::Backend::new(
        centermind_desktop::client::Backend::http_client().unwrap(),
        base.parse().unwrap(),
    );
    let token = Token::new("t".into());
    let retried = backend
        .retry_work(&token, None, Some("store_photo"), &[])
        .await
        .unwrap();
    assert_eq!(retried.requeued, 2);
    // Naming tasks needs the newer server: the old one's refusal comes through as such.
    assert!(matches!(
        backend.retry_work(&token, None, None, &[7]).await,
        Err(CommandError::Invalid { .. })
    ));
}
