//! The background work and recorded failures of a distributor through real
//! HTTP (the admin's "Estado" screen): an admin sees and retries their own
//! distributor's only, with two tenants in one database; lower roles are
//! refused; a retry wakes the workers; given-up work is listed, retried and
//! dismissed one by one.

#![allow(clippy::unwrap_used)] // test fixtures panic on purpose

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use centermind_api::{AppState, router};
use centermind_core::Secret;
use centermind_core::domain::error_class::ErrorClass;
use centermind_core::domain::roles::PortalRole;
use centermind_core::events::{EventBus, LiveEvent};
use centermind_core::store::{Db, NewDistributor, NewErrorEvent, NewPortalUser, NewTask, TaskState, now, task_kinds};
use chrono::Duration;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[path = "support/client.rs"]
mod support;
use support::{Client, PASSWORD};

struct Tenant {
    id: i64,
    /// Given up: one photo download, one Drive copy.
    dead_photo: i64,
    dead_copy: i64,
}

struct Server {
    api: Client,
    db: Db,
    sur: Tenant,
    norte: Tenant,
    /// How many times the API woke the workers.
    woken: Arc<AtomicUsize>,
    /// The live events the API published.
    events: EventBus,
    _dir: tempfile::TempDir,
}

async fn seed(db: &Db, name: &str) -> Tenant {
    let d = db
        .create_distributor(NewDistributor {
            name: format!("Dist {name}"),
            time_zone: None,
            bot_token: None,
            admin_telegram_id: None,
        })
        .await
        .unwrap();
    for role in [PortalRole::Admin, PortalRole::Supervisor, PortalRole::Viewer] {
        db.create_portal_user(NewPortalUser {
            username: format!("{}.{name}", role.as_str()),
            display_name: None,
            password: Secret::new(PASSWORD.into()),
            role,
            distributor_id: Some(d.id),
        })
        .await
        .unwrap();
    }
    let exhibition = format!("00000000-0000-0000-0000-0000000000{:02}", d.id);
    let task = |kind: &str| NewTask {
        kind: kind.into(),
        distributor_id: Some(d.id),
        payload: json!({ "exhibition_id": exhibition, "position": 0 }),
        dedupe_key: None,
        max_attempts: 5,
    };
    let t0 = now() - Duration::hours(2);
    // One download waits for its first attempt, one waits after failing.
    db.enqueue_task(&task(task_kinds::STORE_PHOTO), t0).await.unwrap();
    let failing = db
        .enqueue_task(&task(task_kinds::STORE_PHOTO), t0 + Duration::minutes(5))
        .await
        .unwrap();
    db.fail_task(
        failing,
        &format!("timeout: {name} download timed out"),
        Some(ErrorClass::Timeout),
        now(),
        t0,
    )
    .await
    .unwrap();
    let dead_photo = db.enqueue_task(&task(task_kinds::STORE_PHOTO), t0).await.unwrap();
    db.bury_task(
        dead_photo,
        &format!("corrupt_file: {name} photo unreadable"),
        Some(ErrorClass::CorruptFile),
        t0,
    )
    .await
    .unwrap();
    let dead_copy = db.enqueue_task(&task(task_kinds::ARCHIVE_PHOTO), t0).await.unwrap();
    db.bury_task(
        dead_copy,
        &format!("disk_full: {name} Drive is full"),
        Some(ErrorClass::DiskFull),
        t0 + Duration::minutes(1),
    )
    .await
    .unwrap();
    for (minutes, class, message) in [
        (10, ErrorClass::Timeout, format!("{name}: Telegram did not answer")),
        (
            20,
            ErrorClass::DiskFull,
            format!("{name}: the Drive storage quota is exceeded"),
        ),
    ] {
        db.record_error_event(
            &NewErrorEvent {
                distributor_id: Some(d.id),
                class,
                message,
                context: Some(json!({
                    "task_id": dead_copy,
                    "kind": task_kinds::ARCHIVE_PHOTO,
                    "attempt": 3,
                    "payload": { "exhibition_id": exhibition, "position": 0 },
                })),
            },
            t0 + Duration::minutes(minutes),
        )
        .await
        .unwrap();
    }
    Tenant {
        id: d.id,
        dead_photo,
        dead_copy,
    }
}

impl Server {
    async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&format!("sqlite://{}", dir.path().join("api.db").display()))
            .await
            .unwrap();
        let sur = seed(&db, "sur").await;
        let norte = seed(&db, "norte").await;
        db.create_portal_user(NewPortalUser {
            username: "root".into(),
            display_name: None,
            password: Secret::new(PASSWORD.into()),
            role: PortalRole::Superadmin,
            distributor_id: None,
        })
        .await
        .unwrap();
        let woken = Arc::new(AtomicUsize::new(0));
        let hook = {
            let woken = woken.clone();
            Arc::new(move || {
                woken.fetch_add(1, Ordering::SeqCst);
            })
        };
        let events = EventBus::default();
        let app = router(
            AppState::new(db.clone(), dir.path().join("photos"))
                .with_work_hook(hook)
                .with_events(events.clone()),
        );
        Self {
            api: Client::serve(app).await,
            db,
            sur,
            norte,
            woken,
            events,
            _dir: dir,
        }
    }

    async fn retry(&self, token: &str, query: &str, body: Value) -> (StatusCode, Value) {
        self.send(
            Method::POST,
            Some(token),
            &format!("/api/v1/work/retry{query}"),
            Some(body),
        )
        .await
    }

    async fn dismiss(&self, token: &str, query: &str, body: Value) -> (StatusCode, Value) {
        self.send(
            Method::POST,
            Some(token),
            &format!("/api/v1/work/dismiss{query}"),
            Some(body),
        )
        .await
    }

    async fn state(&self, task: i64) -> TaskState {
        self.db.task(task).await.unwrap().state
    }
}

/// The client's `login`, `send` and `get` on the server itself.
impl std::ops::Deref for Server {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.api
    }
}

fn kind<'a>(work: &'a Value, name: &str) -> &'a Value {
    work["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kind"] == name)
        .unwrap_or_else(|| panic!("no {name} in {work}"))
}

#[tokio::test]
async fn an_admin_sees_the_unfinished_work_and_the_failures_of_their_own_distributor() {
    let s = Server::start().await;
    let admin = s.login("admin.sur").await;
    let (status, work) = s.get(&admin, "/api/v1/work").await;
    assert_eq!(status, StatusCode::OK, "{work}");
    assert_eq!(work["distributor_id"], s.sur.id);
    assert_eq!(work["kinds"].as_array().unwrap().len(), 2, "{work}");
    let photos = kind(&work, "store_photo");
    assert_eq!(
        (
            &photos["queued"],
            &photos["retrying"],
            &photos["running"],
            &photos["failed"]
        ),
        (&json!(2), &json!(1), &json!(0), &json!(1))
    );
    assert_eq!(photos["last_error"], "corrupt_file: sur photo unreadable");
    assert!(photos["oldest_queued_at"].is_string());
    let copies = kind(&work, "archive_photo");
    assert_eq!((&copies["queued"], &copies["failed"]), (&json!(0), &json!(1)));
    assert_eq!(copies["last_error"], "disk_full: sur Drive is full");
    assert!(!work.to_string().contains("norte"), "{work}");

    let (status, events) = s.get(&admin, "/api/v1/error-events").await;
    assert_eq!(status, StatusCode::OK, "{events}");
    let events = events.as_array().unwrap();
    assert_eq!(events.len(), 2);
    // Newest first, with what the context says in plain fields.
    assert_eq!(events[0]["class"], "disk_full");
    assert_eq!(events[0]["message"], "sur: the Drive storage quota is exceeded");
    assert_eq!(events[0]["kind"], "archive_photo");
    assert_eq!(events[0]["attempt"], 3);
    assert_eq!(
        events[0]["exhibition_id"],
        format!("00000000-0000-0000-0000-0000000000{:02}", s.sur.id)
    );
    assert_eq!(events[1]["class"], "timeout");
    assert!(!Value::from(events.clone()).to_string().contains("norte"));
    let (_, one) = s.get(&admin, "/api/v1/error-events?limit=1").await;
    assert_eq!(one.as_array().unwrap().len(), 1);
    assert_eq!(one[0]["class"], "disk_full");
}

#[tokio::test]
async fn a_retry_queues_the_failed_work_again_now_and_wakes_the_workers() {
    let s = Server::start().await;
    let admin = s.login("admin.sur").await;
    let (status, body) = s.retry(&admin, "", json!({"kind": "archive_photo"})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!((&body["requeued"], &body["kept"]), (&json!(1), &json!(0)));
    assert_eq!(s.woken.load(Ordering::SeqCst), 1);
    let copy = s.db.task(s.sur.dead_copy).await.unwrap();
    assert_eq!((copy.state, copy.attempts), (TaskState::Queued, 0));
    assert!(copy.next_attempt_at <= now(), "due now");
    assert_eq!(s.state(s.sur.dead_photo).await, TaskState::Dead, "another kind");

    // Every kind; then nothing is left to retry, and the workers are not woken for nothing.
    let (_, body) = s.retry(&admin, "", json!({})).await;
    assert_eq!(body["requeued"], 1);
    assert_eq!(s.state(s.sur.dead_photo).await, TaskState::Queued);
    let (_, body) = s.retry(&admin, "", json!({})).await;
    assert_eq!(body["requeued"], 0);
    assert_eq!(s.woken.load(Ordering::SeqCst), 2);
    let (_, work) = s.get(&admin, "/api/v1/work").await;
    assert_eq!(kind(&work, "store_photo")["failed"], 0);

    // Norte's failed work was never touched.
    assert_eq!(s.state(s.norte.dead_photo).await, TaskState::Dead);
    assert_eq!(s.state(s.norte.dead_copy).await, TaskState::Dead);

    let (status, body) = s.retry(&admin, "", json!({"kind": "send_everything"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["message"].as_str().unwrap().contains("store_photo"), "{body}");
}

#[tokio::test]
async fn only_the_distributors_admins_and_the_superadmin_reach_it() {
    let s = Server::start().await;
    let other = s.norte.id;
    for username in ["supervisor.sur", "viewer.sur"] {
        let token = s.login(username).await;
        for path in ["/api/v1/work", "/api/v1/work/given-up", "/api/v1/error-events"] {
            let (status, body) = s.get(&token, path).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{username} {path}: {body}");
        }
        let (status, _) = s.retry(&token, "", json!({})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{username}");
        let (status, _) = s.dismiss(&token, "", json!({})).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{username}");
    }
    // Sur's admin naming Norte: not found, and nothing of Norte's in the answer or changed.
    let admin = s.login("admin.sur").await;
    for path in [
        format!("/api/v1/work?distributor={other}"),
        format!("/api/v1/work/given-up?distributor={other}"),
        format!("/api/v1/error-events?distributor={other}"),
    ] {
        let (status, body) = s.get(&admin, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert!(!body.to_string().contains("norte"), "{body}");
    }
    let (status, _) = s.retry(&admin, &format!("?distributor={other}"), json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = s.dismiss(&admin, &format!("?distributor={other}"), json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(s.state(s.norte.dead_copy).await, TaskState::Dead);
    assert_eq!(
        s.db.given_up_tasks(other, None, 10).await.unwrap().len(),
        2,
        "none dismissed"
    );
    assert_eq!(s.woken.load(Ordering::SeqCst), 0);

    // The superadmin names the distributor; an unknown one is not found.
    let root = s.login("root").await;
    assert_eq!(s.get(&root, "/api/v1/work").await.0, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        s.get(&root, "/api/v1/work?distributor=999").await.0,
        StatusCode::NOT_FOUND
    );
    let (status, work) = s.get(&root, &format!("/api/v1/work?distributor={other}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        kind(&work, "store_photo")["last_error"],
        "corrupt_file: norte photo unreadable"
    );
    let (_, body) = s.retry(&root, &format!("?distributor={other}"), json!({})).await;
    assert_eq!(body["requeued"], 2);
    assert_eq!(s.state(s.norte.dead_copy).await, TaskState::Queued);
    assert_eq!(s.state(s.sur.dead_copy).await, TaskState::Dead);

    // No session, no answer.
    for path in ["/api/v1/work", "/api/v1/work/given-up", "/api/v1/error-events"] {
        let (status, body) = s.send(Method::GET, None, path, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(body["code"], "unauthenticated");
    }
    for path in ["/api/v1/work/retry", "/api/v1/work/dismiss"] {
        let (status, _) = s.send(Method::POST, None, path, Some(json!({}))).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
    }
}

#[tokio::test]
async fn given_up_work_is_listed_one_by_one_and_retried_or_dismissed_by_id() {
    let s = Server::start().await;
    let admin = s.login("admin.sur").await;
    let (status, list) = s.get(&admin, "/api/v1/work/given-up").await;
    assert_eq!(status, StatusCode::OK, "{list}");
    let list = list.as_array().unwrap();
    // The latest given up first: the Drive copy died a minute after the download.
    assert_eq!(
        list.iter().map(|t| t["id"].as_i64().unwrap()).collect::<Vec<_>>(),
        [s.sur.dead_copy, s.sur.dead_photo]
    );
    let copy = &list[0];
    assert_eq!(
        (&copy["kind"], &copy["class"], &copy["permanent"], &copy["photo_number"]),
        (&json!("archive_photo"), &json!("disk_full"), &json!(true), &json!(1))
    );
    assert_eq!(copy["error"], "disk_full: sur Drive is full");
    // The seeded exhibition does not exist: what it was is unknown, and said so.
    assert_eq!(
        copy["exhibition_id"],
        format!("00000000-0000-0000-0000-0000000000{:02}", s.sur.id)
    );
    assert!(copy["customer_number"].is_null() && copy["vendor_name"].is_null());
    let (_, only_photos) = s.get(&admin, "/api/v1/work/given-up?kind=store_photo&limit=5").await;
    assert_eq!(only_photos.as_array().unwrap().len(), 1);
    assert_eq!(only_photos[0]["id"], s.sur.dead_photo);
    let (status, body) = s.get(&admin, "/api/v1/work/given-up?kind=nope").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // The counts say one of each kind is permanent.
    let (_, work) = s.get(&admin, "/api/v1/work").await;
    assert_eq!(kind(&work, "archive_photo")["permanent"], 1);

    // Retry one by id (naming Norte's too, which is ignored), dismiss the other.
    let (_, body) = s
        .retry(&admin, "", json!({"task_ids": [s.sur.dead_photo, s.norte.dead_photo]}))
        .await;
    assert_eq!(body["requeued"], 1, "{body}");
    assert_eq!(s.state(s.sur.dead_photo).await, TaskState::Queued);
    assert_eq!(s.state(s.norte.dead_photo).await, TaskState::Dead);
    let (status, body) = s
        .dismiss(&admin, "", json!({"task_ids": [s.sur.dead_copy, s.norte.dead_copy]}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["dismissed"], 1);
    let (_, list) = s.get(&admin, "/api/v1/work/given-up").await;
    assert_eq!(list, json!([]));
    let (_, work) = s.get(&admin, "/api/v1/work").await;
    assert!(
        work["kinds"]
            .as_array()
            .unwrap()
            .iter()
            .all(|k| k["kind"] != "archive_photo"),
        "nothing of that kind is left unfinished: {work}"
    );
    // A dismissed task is not brought back by a retry of everything.
    let (_, body) = s.retry(&admin, "", json!({})).await;
    assert_eq!(body["requeued"], 0);
    assert_eq!(s.state(s.sur.dead_copy).await, TaskState::Dead);
    assert_eq!(s.db.given_up_tasks(s.norte.id, None, 10).await.unwrap().len(), 2);
    let (status, _) = s.dismiss(&admin, "", json!({"kind": "nope"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn retries_and_dismissals_are_announced_live_to_their_distributor_only_when_they_change_something() {
    let s = Server::start().await;
    let mut rx = s.events.subscribe();
    // What the workers' screens hear (the history's own announcements aside).
    let mut work_events = move || {
        std::iter::from_fn(|| rx.try_recv().ok())
            .filter(|e| !matches!(e, LiveEvent::AuditRecorded { .. }))
            .collect::<Vec<_>>()
    };
    let admin = s.login("admin.sur").await;
    let changed = |kind: Option<&str>| LiveEvent::WorkChanged {
        distributor_id: s.sur.id,
        kind: kind.map(String::from),
    };

    // Norte's task named by Sur's admin changes nothing: nothing is announced.
    let (_, body) = s.retry(&admin, "", json!({"task_ids": [s.norte.dead_photo]})).await;
    assert_eq!(body["requeued"], 0, "{body}");
    let (_, body) = s.dismiss(&admin, "", json!({"task_ids": [s.norte.dead_copy]})).await;
    assert_eq!(body["dismissed"], 0, "{body}");
    assert_eq!(work_events(), [], "nothing changed, nothing announced");

    let (_, body) = s.retry(&admin, "", json!({"kind": "store_photo"})).await;
    assert_eq!(body["requeued"], 1, "{body}");
    assert_eq!(work_events(), [changed(Some("store_photo"))]);
    let (_, body) = s.dismiss(&admin, "", json!({"task_ids": [s.sur.dead_copy]})).await;
    assert_eq!(body["dismissed"], 1, "{body}");
    assert_eq!(work_events(), [changed(None)], "one event per change");

    // The superadmin acting on Norte announces it to Norte.
    let root = s.login("root").await;
    let (_, body) = s.retry(&root, &format!("?distributor={}", s.norte.id), json!({})).await;
    assert_eq!(body["requeued"], 2, "{body}");
    assert_eq!(
        work_events(),
        [LiveEvent::WorkChanged {
            distributor_id: s.norte.id,
            kind: None
        }]
    );
}
