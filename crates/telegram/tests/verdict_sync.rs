//! The verdict worker against the fake Telegram server and a real SQLite
//! database: a verdict stored through `Db::evaluate_exhibition` must end up
//! in the group's confirmation message, whatever Telegram answers on the way.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on purpose

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use centermind_core::Secret;
use centermind_core::domain::customer_number::CustomerNumber;
use centermind_core::domain::error_class::ErrorClass;
use centermind_core::domain::exhibition::{ExhibitionStatus, SyncState, Verdict};
use centermind_core::domain::roles::{Actor, PortalRole};
use centermind_core::domain::{DistributorId, GroupId, MemberId, PdvTypeId};
use centermind_core::events::{EventBus, LiveEvent};
use centermind_core::store::{
    Db, DistributorUpdate, EvaluationRequest, Exhibition, NewDistributor, NewExhibition, NewGroup, NewMember, NewPhoto,
    NewPortalUser, Task, TaskState, now, task_kinds,
};
use centermind_fake_telegram::{FakeTelegram, Fault, RecordedRequest};
use centermind_telegram::{SyncHandle, SyncOptions, VerdictSync, confirmation_text};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

const EDIT: &str = "editMessageText";
const TOKEN: &str = "111111:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const CHAT: i64 = -1_001_000_000_001;
const WAIT: Duration = Duration::from_secs(5);

struct Tenant {
    distributor: DistributorId,
    group: GroupId,
    vendor: MemberId,
    pdv: PdvTypeId,
    supervisor: Actor,
    token: String,
    chat: i64,
}

struct World {
    db: Db,
    fake: FakeTelegram,
    tenant: Tenant,
    shutdown: CancellationToken,
    workers: Vec<tokio::task::JoinHandle<()>>,
    /// The bus the workers announce changes of work on (Estado screens follow it).
    events: EventBus,
    _dir: tempfile::TempDir,
}

/// Short timings for tests; the backoff keeps its production base (2 s) and
/// the chats their production pacing (1 message/s, 20/min per group).
fn test_options() -> SyncOptions {
    SyncOptions {
        lease: chrono::Duration::seconds(2),
        request_timeout: Duration::from_millis(800),
        token_recheck: Duration::from_millis(100),
        ..SyncOptions::default()
    }
}

async fn tenant(db: &Db, fake: &FakeTelegram, name: &str, token: &str, chat: i64) -> Tenant {
    fake.add_bot(token, &format!("{}_bot", name.to_lowercase()));
    let d = db
        .create_distributor(NewDistributor {
            name: name.into(),
            time_zone: None,
            bot_token: Some(Secret::new(token.to_string())),
            admin_telegram_id: None,
        })
        .await
        .unwrap();
    let g = db
        .create_group(NewGroup {
            distributor_id: d.id,
            chat_id: chat,
            title: "Ventas".into(),
        })
        .await
        .unwrap();
    let m = db
        .upsert_member(NewMember {
            distributor_id: d.id,
            telegram_user_id: 10,
            first_name: "Ana".into(),
            last_name: Some("Paz".into()),
            username: None,
        })
        .await
        .unwrap();
    let pdv = db.list_pdv_types(d.id, true).await.unwrap()[0].id;
    let u = db
        .create_portal_user(NewPortalUser {
            username: format!("sup-{name}"),
            display_name: Some("Sofía".into()),
            password: Secret::new("clave-segura".into()),
            role: PortalRole::Supervisor,
            distributor_id: Some(d.id),
        })
        .await
        .unwrap();
    Tenant {
        distributor: d.id,
        group: g.id,
        vendor: m.id,
        pdv,
        supervisor: Actor {
            user_id: u.id,
            role: u.role,
            distributor_id: u.distributor_id,
        },
        token: token.to_string(),
        chat,
    }
}

/// A database with one distributor, a fake Telegram, and no worker yet.
async fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&format!("sqlite://{}", dir.path().join("t.db").display()))
        .await
        .unwrap();
    let fake = FakeTelegram::start().await.unwrap();
    let tenant = tenant(&db, &fake, "Norte", TOKEN, CHAT).await;
    World {
        db,
        fake,
        tenant,
        shutdown: CancellationToken::new(),
        workers: Vec::new(),
        events: EventBus::default(),
        _dir: dir,
    }
}

/// The kinds of the `WorkChanged` events of `d` on `rx`: once `n` came, or
/// whatever came within `wait` (they follow the database writes tests wait for).
async fn work_changes(
    rx: &mut tokio::sync::broadcast::Receiver<LiveEvent>,
    d: DistributorId,
    n: usize,
    wait: Duration,
) -> Vec<Option<String>> {
    let mut kinds = Vec::new();
    let deadline = tokio::time::Instant::now() + wait;
    while kinds.len() < n {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Ok(LiveEvent::WorkChanged { distributor_id, kind })) if distributor_id == d => kinds.push(kind),
            Ok(Ok(_)) => {}
            Ok(Err(e)) => panic!("the bus: {e}"),
            Err(_) => break,
        }
    }
    kinds
}

impl World {
    fn start_worker_with(&mut self, api_url: &str, options: SyncOptions, shutdown: CancellationToken) -> SyncHandle {
        let sync = VerdictSync::new(self.db.clone(), api_url, shutdown)
            .unwrap()
            .with_options(options)
            .with_events(self.events.clone());
        let handle = sync.handle();
        self.workers.push(tokio::spawn(sync.run()));
        handle
    }

    fn start_worker(&mut self) -> SyncHandle {
        let url = self.fake.url().to_string();
        self.start_worker_with(&url, test_options(), self.shutdown.clone())
    }

    /// A pending exhibition whose confirmation message exists in the fake chat.
    async fn exhibition(&self, t: &Tenant, key: &str) -> (Uuid, i64) {
        self.exhibition_in(t, key, t.chat).await
    }

    /// The same, with the confirmation in another chat of the tenant's bot.
    async fn exhibition_in(&self, t: &Tenant, key: &str, chat: i64) -> (Uuid, i64) {
        let recorded = self
            .db
            .record_exhibition(NewExhibition {
                distributor_id: t.distributor,
                group_id: t.group,
                vendor_id: t.vendor,
                customer_number: CustomerNumber::parse("10452").unwrap(),
                pdv_type_id: t.pdv,
                submitted_at: now(),
                idempotency_key: key.into(),
                photos: vec![
                    NewPhoto {
                        telegram_file_unique_id: Some(format!("{key}-a")),
                        ..Default::default()
                    },
                    NewPhoto {
                        telegram_file_unique_id: Some(format!("{key}-b")),
                        ..Default::default()
                    },
                ],
            })
            .await
            .unwrap();
        let summary = self.db.exhibition(t.distributor, recorded.id).await.unwrap().summary;
        let message_id = self.fake.seed_message(&t.token, chat, &confirmation_text(&summary));
        self.db
            .set_confirmation_message(t.distributor, recorded.id, chat, message_id)
            .await
            .unwrap();
        (recorded.id, message_id)
    }

    async fn verdict(
        &self,
        t: &Tenant,
        id: Uuid,
        verdict: Verdict,
        expected: ExhibitionStatus,
        comment: Option<&str>,
    ) -> Exhibition {
        self.db
            .evaluate_exhibition(
                &t.supervisor,
                EvaluationRequest {
                    exhibition_id: id,
                    verdict,
                    expected_status: expected,
                    comment: comment.map(Into::into),
                    reason: (verdict == Verdict::Rejected).then(|| "Foto borrosa".to_string()),
                },
                now(),
            )
            .await
            .unwrap()
    }

    async fn sync_state(&self, id: Uuid) -> SyncState {
        self.db
            .exhibition(self.tenant.distributor, id)
            .await
            .unwrap()
            .summary
            .sync_state
    }

    /// Wait (briefly polling the database) until the exhibition's sync state is `want`.
    async fn wait_sync(&self, distributor: DistributorId, id: Uuid, want: SyncState) {
        let deadline = Instant::now() + WAIT;
        loop {
            let e = self.db.exhibition(distributor, id).await.unwrap().summary;
            // The worker records the sync state just before it settles the task
            // (so a crash in between re-runs the edit): wait for both.
            let settled = self.tasks(id).await.iter().all(|t| t.state != TaskState::Running);
            if e.sync_state == want && settled {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "sync state stayed {:?}, wanted {want:?}",
                e.sync_state
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Every edit task of an exhibition, oldest first.
    async fn tasks(&self, id: Uuid) -> Vec<Task> {
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM tasks WHERE dedupe_key = ? ORDER BY id")
            .bind(format!("edit:{id}"))
            .fetch_all(self.db.pool())
            .await
            .unwrap();
        let mut tasks = Vec::new();
        for task_id in ids {
            tasks.push(self.db.task(task_id).await.unwrap());
        }
        tasks
    }

    /// The admin sets the distributor's bot token (`None`: removes it), as the API or CLI does.
    async fn set_bot_token(&self, token: Option<&str>) {
        self.db
            .update_distributor(
                self.tenant.distributor,
                DistributorUpdate {
                    bot_token: Some(token.map(|t| Secret::new(t.to_string()))),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
    }

    /// What the group shows in the bot's message `message_id`.
    fn shown(&self, message_id: i64) -> String {
        self.fake.message(CHAT, message_id).unwrap().text
    }

    async fn stop(self) {
        self.shutdown.cancel();
        for w in self.workers {
            tokio::time::timeout(WAIT, w).await.unwrap().unwrap();
        }
    }
}

fn gap(a: &RecordedRequest, b: &RecordedRequest) -> Duration {
    b.received_at.duration_since(a.received_at)
}

#[tokio::test]
async fn a_verdict_edits_the_confirmation_once_with_the_spanish_text() {
    let mut w = world().await;
    let mut announced = w.events.subscribe();
    let handle = w.start_worker();
    let (id, message_id) = w.exhibition(&w.tenant, "-100:1").await;
    let pdv = w
        .verdict(
            &w.tenant,
            id,
            Verdict::Approved,
            ExhibitionStatus::Pending,
            Some("Muy buena"),
        )
        .await
        .summary
        .pdv_type_name;
    handle.notify();

    let edits = w.fake.wait_for_requests(EDIT, 1, WAIT).await;
    assert_eq!(edits.len(), 1);
    let edit = &edits[0];
    assert_eq!(edit.token, TOKEN);
    assert_eq!(edit.int("chat_id"), Some(CHAT));
    assert_eq!(edit.int("message_id"), Some(message_id));
    assert_eq!(
        edit.str("text").unwrap(),
        format!(
            "✅ Aprobada\nVendedor: Ana Paz\nCliente N°: 10452\nTipo de PDV: {pdv}\nFotos: 2\n\
             Evaluó: Sofía\nComentario: Muy buena"
        )
    );
    assert!(edit.params.get("parse_mode").is_none(), "plain text only");
    w.wait_sync(w.tenant.distributor, id, SyncState::Synced).await;
    assert_eq!(w.shown(message_id), edit.str("text").unwrap());
    let tasks = w.tasks(id).await;
    assert_eq!(tasks.len(), 1);
    assert_eq!((tasks[0].state, tasks[0].attempts), (TaskState::Done, 1));
    // Routine work is not announced to the admins' Estado screens.
    assert_eq!(
        work_changes(&mut announced, w.tenant.distributor, 1, Duration::from_millis(300)).await,
        Vec::<Option<String>>::new()
    );
    // Nothing more is sent, even when woken again.
    handle.notify();
    assert_eq!(
        w.fake
            .wait_for_requests(EDIT, 2, Duration::from_millis(300))
            .await
            .len(),
        1
    );
    w.stop().await;
}

#[tokio::test]
async fn flood_control_is_honoured_then_the_edit_goes_through() {
    let mut w = world().await;
    let handle = w.start_worker();
    let (id, _) = w.exhibition(&w.tenant, "-100:1").await;
    w.fake.fail_next(EDIT, 1, Fault::TooManyRequests { retry_after: 1 });
    w.verdict(&w.tenant, id, Verdict::Highlighted, ExhibitionStatus::Pending, None)
        .await;
    handle.notify();

    let edits = w.fake.wait_for_requests(EDIT, 2, WAIT).await;
    assert_eq!(edits.len(), 2);
    assert_eq!((edits[0].status, edits[1].status), (Some(429), Some(200)));
    let waited = gap(&edits[0], &edits[1]);
    assert!(waited >= Duration::from_secs(1), "retried after {waited:?}");
    assert!(
        waited < Duration::from_secs(3),
        "retry_after honoured, not overshot: {waited:?}"
    );
    w.wait_sync(w.tenant.distributor, id, SyncState::Synced).await;
    let task = &w.tasks(id).await[0];
    assert_eq!(
        (task.state, task.attempts),
        (TaskState::Done, 1),
        "waiting out the 429 is not an attempt"
    );
    assert!(edits[1].str("text").unwrap().starts_with("⭐ Destacada\n"));
    w.stop().await;
}

#[tokio::test]
async fn flood_waits_never_use_up_the_attempts() {
    let mut w = world().await;
    let handle = w.start_worker();
    let (id, _) = w.exhibition(&w.tenant, "-100:1").await;
    w.verdict(&w.tenant, id, Verdict::Approved, ExhibitionStatus::Pending, None)
        .await;
    // Allow two attempts only: three 429s in a row would kill it if they counted.
    sqlx::query("UPDATE tasks SET max_attempts = 2")
        .execute(w.db.pool())
        .await
        .unwrap();
    w.fake.fail_next(EDIT, 3, Fault::TooManyRequests { retry_after: 1 });
    handle.notify();

    let edits = w.fake.wait_for_requests(EDIT, 4, Duration::from_secs(10)).await;
    assert_eq!(edits.len(), 4);
    let statuses: Vec<Option<u16>> = edits.iter().map(|e| e.status).collect();
    assert_eq!(statuses, [Some(429), Some(429), Some(429), Some(200)]);
    for pair in edits.windows(2) {
        assert!(
            gap(&pair[0], &pair[1]) >= Duration::from_secs(1),
            "retry_after not honoured"
        );
    }
    w.wait_sync(w.tenant.distributor, id, SyncState::Synced).await;
    let task = &w.tasks(id).await[0];
    assert_eq!((task.state, task.attempts, task.max_attempts), (TaskState::Done, 1, 2));
    w.stop().await;
}

#[tokio::test]
async fn message_is_not_modified_counts_as_delivered() {
    let mut w = world().await;
    let handle = w.start_worker();
    let (id, _) = w.exhibition(&w.tenant, "-100:1").await;
    w.fake.fail_next(EDIT, 1, Fault::MessageNotModified);
    w.verdict(&w.tenant, id, Verdict::Approved, ExhibitionStatus::Pending, None)
        .await;
    handle.notify();

    w.wait_sync(w.tenant.distributor, id, SyncState::Synced).await;
    let edits = w.fake.requests_to(EDIT);
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].status, Some(400));
    let task = &w.tasks(id).await[0];
    assert_eq!((task.state, task.attempts), (TaskState::Done, 1));
    w.stop().await;
}

#[tokio::test]
async fn a_deleted_message_is_undeliverable_and_never_retried() {
    let mut w = world().await;
    let mut announced = w.events.subscribe();
    let handle = w.start_worker();
    let (id, message_id) = w.exhibition(&w.tenant, "-100:1").await;
    assert!(w.fake.delete_message(CHAT, message_id));
    w.verdict(&w.tenant, id, Verdict::Rejected, ExhibitionStatus::Pending, None)
        .await;
    handle.notify();

    w.wait_sync(w.tenant.distributor, id, SyncState::Undeliverable).await;
    let task = &w.tasks(id).await[0];
    assert_eq!(task.state, TaskState::Dead);
    assert!(
        task.last_error
            .as_deref()
            .unwrap()
            .contains("message to edit not found"),
        "{:?}",
        task.last_error
    );
    assert_eq!(
        w.db.next_task_due(&[task_kinds::EDIT_CONFIRMATION]).await.unwrap(),
        None
    );
    // The admin's Estado screen: a permanent failure of a missing message, recorded once.
    let given_up = w.db.given_up_tasks(w.tenant.distributor, None, 10).await.unwrap();
    assert_eq!(
        (given_up[0].id, given_up[0].permanent, given_up[0].last_error_class),
        (task.id, true, Some(ErrorClass::MissingPath))
    );
    let events = w.db.list_error_events(Some(w.tenant.distributor), 10).await.unwrap();
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].class, ErrorClass::MissingPath);
    assert_eq!(
        events[0].context.as_ref().unwrap()["kind"],
        task_kinds::EDIT_CONFIRMATION
    );
    // Announced live to the admins' Estado screens, once.
    assert_eq!(
        work_changes(&mut announced, w.tenant.distributor, 2, Duration::from_millis(500)).await,
        [Some(task_kinds::EDIT_CONFIRMATION.to_string())]
    );
    handle.notify();
    assert_eq!(
        w.fake
            .wait_for_requests(EDIT, 2, Duration::from_millis(300))
            .await
            .len(),
        1
    );
    w.stop().await;
}

#[tokio::test]
async fn a_kicked_bot_or_a_missing_token_is_undeliverable() {
    let mut w = world().await;
    let handle = w.start_worker();
    let (kicked, _) = w.exhibition(&w.tenant, "-100:1").await;
    w.fake.kick_bot(TOKEN, CHAT);
    w.verdict(&w.tenant, kicked, Verdict::Approved, ExhibitionStatus::Pending, None)
        .await;
    handle.notify();
    w.wait_sync(w.tenant.distributor, kicked, SyncState::Undeliverable)
        .await;
    assert_eq!(w.fake.requests_to(EDIT)[0].status, Some(403));
    let given_up = w.db.given_up_tasks(w.tenant.distributor, None, 10).await.unwrap();
    assert_eq!(
        (given_up[0].permanent, given_up[0].last_error_class),
        (true, Some(ErrorClass::Permission))
    );

    // No token at all: given up without calling Telegram.
    let (tokenless, _) = w.exhibition(&w.tenant, "-100:2").await;
    w.set_bot_token(None).await;
    w.verdict(&w.tenant, tokenless, Verdict::Approved, ExhibitionStatus::Pending, None)
        .await;
    handle.notify();
    w.wait_sync(w.tenant.distributor, tokenless, SyncState::Undeliverable)
        .await;
    assert_eq!(w.fake.requests_to(EDIT).len(), 1);
    let task = &w.tasks(tokenless).await[0];
    assert_eq!(task.state, TaskState::Dead);
    assert_eq!(
        task.last_error.as_deref(),
        Some("bot token: the distributor has no bot token")
    );
    w.stop().await;
}

#[tokio::test]
async fn an_edit_held_up_by_a_missing_token_goes_out_once_the_token_is_set() {
    let mut w = world().await;
    w.set_bot_token(None).await;
    let handle = w.start_worker();
    let (id, message_id) = w.exhibition(&w.tenant, "-100:1").await;
    let (kicked, _) = w.exhibition(&w.tenant, "-100:2").await;
    w.verdict(&w.tenant, id, Verdict::Approved, ExhibitionStatus::Pending, Some("ok"))
        .await;
    handle.notify();
    w.wait_sync(w.tenant.distributor, id, SyncState::Undeliverable).await;
    assert!(w.fake.requests_to(EDIT).is_empty());

    // The admin sets the token again (API or CLI): the edit goes out, no notify needed.
    w.set_bot_token(Some(TOKEN)).await;
    w.wait_sync(w.tenant.distributor, id, SyncState::Synced).await;
    let edits = w.fake.requests_to(EDIT);
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].int("message_id"), Some(message_id));
    assert!(w.shown(message_id).starts_with("✅ Aprobada"));
    let task = &w.tasks(id).await[0];
    assert_eq!((task.state, task.attempts), (TaskState::Done, 1));

    // An edit given up for another reason stays given up when the token changes.
    w.fake.kick_bot(TOKEN, CHAT);
    w.verdict(&w.tenant, kicked, Verdict::Approved, ExhibitionStatus::Pending, None)
        .await;
    handle.notify();
    w.wait_sync(w.tenant.distributor, kicked, SyncState::Undeliverable)
        .await;
    w.db.update_distributor(
        w.tenant.distributor,
        DistributorUpdate {
            name: Some("Norte SA".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(w.sync_state(kicked).await, SyncState::Undeliverable);
    assert_eq!(w.tasks(kicked).await[0].state, TaskState::Dead);
    assert_eq!(w.fake.requests_to(EDIT).len(), 2);
    w.stop().await;
}

#[tokio::test]
async fn an_edit_refused_for_a_revoked_token_goes_out_with_the_new_one() {
    let mut w = world().await;
    let handle = w.start_worker();
    let (id, message_id) = w.exhibition(&w.tenant, "-100:1").await;
    // The token is revoked in BotFather: Telegram answers 401.
    w.fake.remove_bot(TOKEN);
    w.verdict(&w.tenant, id, Verdict::Rejected, ExhibitionStatus::Pending, None)
        .await;
    handle.notify();
    w.wait_sync(w.tenant.distributor, id, SyncState::Undeliverable).await;
    let task = &w.tasks(id).await[0];
    assert_eq!(task.state, TaskState::Dead);
    assert!(
        task.last_error.as_deref().unwrap().starts_with("bot token: 401"),
        "{:?}",
        task.last_error
    );
    // Only after the token changes: nothing is retried with the refused one.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(w.fake.requests_to(EDIT).len(), 1);

    let new_token = "111111:NEWdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    w.fake.add_bot(new_token, "norte_bot");
    // Its first try with the new token meets a Telegram hiccup, so the delivery comes later.
    w.fake.fail_next(EDIT, 1, Fault::ServerError);
    let mut announced = w.events.subscribe();
    w.set_bot_token(Some(new_token)).await;
    // Estado counted the edit as given up: it hears at once that it is queued again,
    // not only once it is delivered.
    let first = work_changes(&mut announced, w.tenant.distributor, 1, Duration::from_secs(5)).await;
    assert_eq!(first, [Some(task_kinds::EDIT_CONFIRMATION.to_string())]);
    assert!(
        w.fake.requests_to(EDIT).iter().all(|e| e.status != Some(200)),
        "announced when queued again, before the delivery"
    );
    w.wait_sync(w.tenant.distributor, id, SyncState::Synced).await;
    let edits = w.fake.requests_to(EDIT);
    assert_eq!(edits.len(), 3);
    assert_eq!(
        (edits[0].status, edits[2].status),
        (Some(401), Some(200)),
        "refused, a hiccup, then delivered"
    );
    assert_eq!(edits[2].token, new_token);
    assert!(w.shown(message_id).starts_with("❌ Rechazada"));
    w.stop().await;
}

#[tokio::test]
async fn edits_in_one_chat_are_paced_and_another_chat_is_not_held_up() {
    const OTHER_CHAT: i64 = -1_001_000_000_009;
    let mut w = world().await;
    let handle = w.start_worker();
    let mut same_chat = Vec::new();
    for i in 0..3 {
        same_chat.push(w.exhibition(&w.tenant, &format!("-100:{i}")).await.0);
    }
    let (other, other_msg) = w.exhibition_in(&w.tenant, "-109:1", OTHER_CHAT).await;
    let t0 = Instant::now();
    for id in &same_chat {
        w.verdict(&w.tenant, *id, Verdict::Approved, ExhibitionStatus::Pending, None)
            .await;
    }
    w.verdict(&w.tenant, other, Verdict::Approved, ExhibitionStatus::Pending, None)
        .await;
    handle.notify();
    for id in &same_chat {
        w.wait_sync(w.tenant.distributor, *id, SyncState::Synced).await;
    }
    w.wait_sync(w.tenant.distributor, other, SyncState::Synced).await;

    let edits = w.fake.requests_to(EDIT);
    assert_eq!(edits.len(), 4, "each edit once, none refused");
    assert!(edits.iter().all(|e| e.status == Some(200)));
    let in_chat: Vec<&RecordedRequest> = edits.iter().filter(|e| e.int("chat_id") == Some(CHAT)).collect();
    for (k, e) in in_chat.iter().enumerate() {
        let since = e.received_at.duration_since(t0);
        assert!(since >= Duration::from_secs(k as u64), "edit {k} after {since:?}");
    }
    let to_other = edits.iter().find(|e| e.int("chat_id") == Some(OTHER_CHAT)).unwrap();
    assert_eq!(to_other.int("message_id"), Some(other_msg));
    assert!(
        to_other.received_at < in_chat[2].received_at,
        "the other chat waited for this one's turn"
    );
    // Waiting for the chat's turn is not a failed attempt.
    for id in same_chat.iter().chain([&other]) {
        let task = &w.tasks(*id).await[0];
        assert_eq!((task.state, task.attempts), (TaskState::Done, 1));
    }
    w.stop().await;
}

#[tokio::test]
async fn a_server_error_is_retried_with_backoff() {
    let mut w = world().await;
    let mut announced = w.events.subscribe();
    let handle = w.start_worker();
    let (id, message_id) = w.exhibition(&w.tenant, "-100:1").await;
    w.fake.fail_next(EDIT, 1, Fault::ServerError);
    w.verdict(&w.tenant, id, Verdict::Approved, ExhibitionStatus::Pending, None)
        .await;
    handle.notify();

    // The first failure waits the backoff base (2 s), and not teloxide's 10 s.
    let edits = w.fake.wait_for_requests(EDIT, 2, WAIT).await;
    assert_eq!(edits.len(), 2);
    assert_eq!((edits[0].status, edits[1].status), (Some(500), Some(200)));
    let waited = gap(&edits[0], &edits[1]);
    assert!(
        waited >= Duration::from_secs(2) && waited < Duration::from_secs(4),
        "retried after {waited:?}"
    );
    w.wait_sync(w.tenant.distributor, id, SyncState::Synced).await;
    let task = &w.tasks(id).await[0];
    assert_eq!((task.state, task.attempts), (TaskState::Done, 2));
    assert!(
        task.last_error.as_deref().unwrap().contains("500"),
        "{:?}",
        task.last_error
    );
    let events = w.db.list_error_events(Some(w.tenant.distributor), 10).await.unwrap();
    assert_eq!(
        events.iter().map(|e| e.class).collect::<Vec<_>>(),
        [ErrorClass::RemoteDown],
        "the first failure is recorded"
    );
    // Estado hears of the failure, then of the recovery (2 s later, past the 1 s window).
    let edit = Some(task_kinds::EDIT_CONFIRMATION.to_string());
    assert_eq!(
        work_changes(&mut announced, w.tenant.distributor, 3, Duration::from_millis(500)).await,
        [edit.clone(), edit]
    );
    assert!(w.shown(message_id).starts_with("✅ Aprobada"));
    w.stop().await;
}

#[tokio::test]
async fn a_task_left_by_a_dead_worker_is_delivered_after_its_lease() {
    let mut w = world().await;
    let (orphan, orphan_msg) = w.exhibition(&w.tenant, "-100:1").await;
    w.verdict(&w.tenant, orphan, Verdict::Approved, ExhibitionStatus::Pending, None)
        .await;
    // A worker claimed it and died: no completion, no failure, just a lease.
    let lease = chrono::Duration::seconds(1);
    let claimed_at = Instant::now();
    let claimed =
        w.db.claim_task(&[task_kinds::EDIT_CONFIRMATION], now(), lease)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(claimed.attempts, 1);

    // A new worker starts; another verdict meanwhile is not held up by the orphan.
    let handle = w.start_worker();
    let (fresh, _) = w.exhibition(&w.tenant, "-100:2").await;
    w.verdict(&w.tenant, fresh, Verdict::Highlighted, ExhibitionStatus::Pending, None)
        .await;
    handle.notify();
    let edits = w.fake.wait_for_requests(EDIT, 1, WAIT).await;
    assert!(edits[0].received_at.duration_since(claimed_at) < Duration::from_secs(1));
    assert!(edits[0].str("text").unwrap().starts_with("⭐ Destacada"));

    let edits = w.fake.wait_for_requests(EDIT, 2, WAIT).await;
    assert_eq!(edits.len(), 2, "the orphaned edit was lost");
    assert_eq!(edits[1].int("message_id"), Some(orphan_msg));
    assert!(
        edits[1].received_at.duration_since(claimed_at) >= Duration::from_secs(1),
        "claimed again before the lease ended"
    );
    w.wait_sync(w.tenant.distributor, orphan, SyncState::Synced).await;
    let task = &w.tasks(orphan).await[0];
    assert_eq!((task.id, task.state, task.attempts), (claimed.id, TaskState::Done, 2));
    w.stop().await;
}

#[tokio::test]
async fn a_worker_stopped_mid_request_loses_no_edit() {
    let mut w = world().await;
    let first_life = CancellationToken::new();
    let url = w.fake.url().to_string();
    let handle = w.start_worker_with(&url, test_options(), first_life.clone());
    let (id, message_id) = w.exhibition(&w.tenant, "-100:1").await;
    // Telegram hangs on the first edit; the process stops while it waits.
    w.fake.fail_next(EDIT, 1, Fault::Slow(Duration::from_secs(3)));
    w.verdict(&w.tenant, id, Verdict::Approved, ExhibitionStatus::Pending, Some("ok"))
        .await;
    handle.notify();
    assert_eq!(w.fake.wait_for_requests(EDIT, 1, WAIT).await.len(), 1);
    first_life.cancel();
    tokio::time::timeout(Duration::from_secs(1), w.workers.pop().unwrap())
        .await
        .expect("stops at once, even mid-request")
        .unwrap();
    assert_eq!(w.sync_state(id).await, SyncState::Pending);

    // The next life finds the task once its lease (2 s) has run out.
    w.start_worker();
    let edits = w.fake.wait_for_requests(EDIT, 2, WAIT).await;
    assert_eq!(edits.len(), 2);
    w.wait_sync(w.tenant.distributor, id, SyncState::Synced).await;
    assert!(w.shown(message_id).ends_with("Comentario: ok"));
    w.stop().await;
}

#[tokio::test]
async fn two_verdicts_in_a_row_leave_the_latest_in_telegram() {
    let mut w = world().await;
    // Two verdicts before the worker looks: one edit, with the latest.
    let (early, early_msg) = w.exhibition(&w.tenant, "-100:0").await;
    w.verdict(&w.tenant, early, Verdict::Approved, ExhibitionStatus::Pending, None)
        .await;
    w.verdict(&w.tenant, early, Verdict::Rejected, ExhibitionStatus::Approved, None)
        .await;
    let handle = w.start_worker();
    w.wait_sync(w.tenant.distributor, early, SyncState::Synced).await;
    let shown = w.shown(early_msg);
    assert!(shown.starts_with("❌ Rechazada\nMotivo: Foto borrosa\n"), "{shown}");
    assert_eq!(w.fake.requests_to(EDIT).len(), 1);

    // The first edit is slow, so the second verdict lands while it is in flight.
    let (id, message_id) = w.exhibition(&w.tenant, "-100:1").await;
    w.fake.fail_next(EDIT, 1, Fault::Slow(Duration::from_millis(300)));
    w.verdict(&w.tenant, id, Verdict::Approved, ExhibitionStatus::Pending, None)
        .await;
    handle.notify();
    assert_eq!(w.fake.wait_for_requests(EDIT, 2, WAIT).await.len(), 2);
    w.verdict(
        &w.tenant,
        id,
        Verdict::Highlighted,
        ExhibitionStatus::Approved,
        Some("¡Excelente!"),
    )
    .await;
    handle.notify();

    w.wait_sync(w.tenant.distributor, id, SyncState::Synced).await;
    let shown = w.shown(message_id);
    assert!(shown.starts_with("⭐ Destacada\n"), "{shown}");
    assert!(shown.ends_with("Comentario: ¡Excelente!"), "{shown}");
    let edits = w.fake.requests_to(EDIT);
    assert_eq!(edits.len(), 3);
    assert!(edits[1].str("text").unwrap().starts_with("✅ Aprobada"));
    assert!(edits[2].str("text").unwrap().starts_with("⭐ Destacada"));
    // The worker marks the exhibition synced just before it completes the task.
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut states: Vec<TaskState> = Vec::new();
    while tokio::time::Instant::now() < deadline {
        states = w.tasks(id).await.iter().map(|t| t.state).collect();
        if states.iter().all(|s| *s == TaskState::Done) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(states, [TaskState::Done, TaskState::Done]);
    w.stop().await;
}

#[tokio::test]
async fn a_corrected_rejection_reason_is_edited_into_telegram() {
    let mut w = world().await;
    let (id, message_id) = w.exhibition(&w.tenant, "-100:0").await;
    let handle = w.start_worker();
    w.verdict(&w.tenant, id, Verdict::Rejected, ExhibitionStatus::Pending, None)
        .await;
    handle.notify();
    w.wait_sync(w.tenant.distributor, id, SyncState::Synced).await;
    assert!(w.shown(message_id).contains("Motivo: Foto borrosa"));

    // Rejected again from the history, with the right reason.
    w.db.evaluate_exhibition(
        &w.tenant.supervisor,
        EvaluationRequest {
            exhibition_id: id,
            verdict: Verdict::Rejected,
            expected_status: ExhibitionStatus::Rejected,
            comment: None,
            reason: Some("Falta material POP".into()),
        },
        now(),
    )
    .await
    .unwrap();
    handle.notify();
    assert_eq!(w.fake.wait_for_requests(EDIT, 2, WAIT).await.len(), 2);
    w.wait_sync(w.tenant.distributor, id, SyncState::Synced).await;
    let shown = w.shown(message_id);
    assert!(shown.starts_with("❌ Rechazada\nMotivo: Falta material POP"), "{shown}");
    w.stop().await;
}

#[tokio::test]
async fn a_flood_wait_on_one_distributor_does_not_hold_another() {
    let mut w = world().await;
    let other = tenant(
        &w.db,
        &w.fake,
        "Sur",
        "222222:BBHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
        -1_001_000_000_002,
    )
    .await;
    let handle = w.start_worker();
    let (slow, _) = w.exhibition(&w.tenant, "-100:1").await;
    let (fast, fast_msg) = w.exhibition(&other, "-200:1").await;
    w.fake.fail_next(EDIT, 1, Fault::TooManyRequests { retry_after: 30 });
    w.verdict(&w.tenant, slow, Verdict::Approved, ExhibitionStatus::Pending, None)
        .await;
    handle.notify();
    assert_eq!(w.fake.wait_for_requests(EDIT, 1, WAIT).await[0].status, Some(429));

    let started = Instant::now();
    w.verdict(&other, fast, Verdict::Approved, ExhibitionStatus::Pending, None)
        .await;
    handle.notify();
    w.wait_sync(other.distributor, fast, SyncState::Synced).await;
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
    assert!(
        w.fake
            .message(other.chat, fast_msg)
            .unwrap()
            .text
            .starts_with("✅ Aprobada")
    );

    // The first one waits on its task, 30 s after the 429.
    let task = &w.tasks(slow).await[0];
    assert_eq!(task.state, TaskState::Queued);
    let wait = task.next_attempt_at - now();
    assert!(wait > chrono::Duration::seconds(28), "{wait:?}");
    assert_eq!(w.sync_state(slow).await, SyncState::Pending);
    w.stop().await;
}

#[tokio::test]
async fn a_new_bot_token_is_used_from_the_next_edit() {
    let mut w = world().await;
    let handle = w.start_worker();
    let (a, _) = w.exhibition(&w.tenant, "-100:1").await;
    w.verdict(&w.tenant, a, Verdict::Approved, ExhibitionStatus::Pending, None)
        .await;
    handle.notify();
    w.wait_sync(w.tenant.distributor, a, SyncState::Synced).await;

    let (b, _) = w.exhibition(&w.tenant, "-100:2").await;
    // The admin replaces the token (same bot identity, as after /revoke).
    let new_token = "111111:ZZHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    w.fake.add_bot(new_token, "norte_bot");
    w.fake.remove_bot(TOKEN);
    w.set_bot_token(Some(new_token)).await;
    w.verdict(&w.tenant, b, Verdict::Approved, ExhibitionStatus::Pending, None)
        .await;
    handle.notify();
    w.wait_sync(w.tenant.distributor, b, SyncState::Synced).await;
    let tokens: Vec<String> = w.fake.requests_to(EDIT).into_iter().map(|r| r.token).collect();
    assert_eq!(tokens, [TOKEN, new_token]);
    w.stop().await;
}

/// Everything logged in this test binary (all tests), to check that the token
/// never appears. A global subscriber, because callsite interest is cached
/// process-wide and a thread-local one misses spans while other tests run.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn captured_logs() -> &'static LogBuffer {
    static LOGS: OnceLock<LogBuffer> = OnceLock::new();
    LOGS.get_or_init(|| {
        let logs = LogBuffer::default();
        let writer = logs.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_ansi(false)
            .with_writer(move || writer.clone())
            .init();
        logs
    })
}

#[tokio::test]
async fn network_errors_are_retried_and_the_token_is_never_logged() {
    let logs = captured_logs();
    let mut w = world().await;
    // A port nobody listens on.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let handle = w.start_worker_with(&closed, test_options(), w.shutdown.clone());
    let (id, _) = w.exhibition(&w.tenant, "-100:1").await;
    w.verdict(&w.tenant, id, Verdict::Approved, ExhibitionStatus::Pending, None)
        .await;
    handle.notify();

    let deadline = Instant::now() + WAIT;
    let task = loop {
        let task = w.tasks(id).await.remove(0);
        if task.last_error.is_some() {
            break task;
        }
        assert!(Instant::now() < deadline, "no attempt recorded");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert_eq!((task.state, task.attempts), (TaskState::Queued, 1));
    let error = task.last_error.unwrap();
    assert!(error.contains("error sending request"), "{error}");
    assert!(!error.contains(TOKEN) && !error.contains("AAHdqTcv"), "{error}");
    let wait = task.next_attempt_at - now();
    assert!(wait > chrono::Duration::milliseconds(1500), "backoff of 2 s: {wait:?}");
    assert_eq!(w.sync_state(id).await, SyncState::Pending);
    w.stop().await;

    let logs = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("edit failed; will retry"), "{logs}");
    assert!(
        logs.contains(&format!("exhibition_id=\"{id}\"")) || logs.contains(&id.to_string()),
        "{logs}"
    );
    // The secret part shared by every token of these tests.
    assert!(
        !logs.contains("HdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"),
        "token in the logs:\n{logs}"
    );
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// One verdict after another, each in its own group (one group gets at most
/// a message a second and 20 a minute, which would measure the pacing).
#[tokio::test]
async fn verdict_to_telegram_latency() {
    const N: usize = 50;
    let mut w = world().await;
    let handle = w.start_worker();
    let mut ids = Vec::new();
    for i in 0..N {
        let chat = CHAT - 100 - i as i64;
        ids.push(w.exhibition_in(&w.tenant, &format!("{chat}:1"), chat).await.0);
    }
    let mut after_commit = Vec::new();
    let mut with_commit = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        let before = Instant::now();
        w.verdict(&w.tenant, *id, Verdict::Approved, ExhibitionStatus::Pending, None)
            .await;
        let committed = Instant::now();
        handle.notify();
        let edits = w.fake.wait_for_requests(EDIT, i + 1, WAIT).await;
        assert_eq!(edits.len(), i + 1, "edit {i} did not arrive");
        let arrived = edits[i].received_at;
        after_commit.push(arrived.duration_since(committed));
        with_commit.push(arrived.duration_since(before));
    }
    after_commit.sort();
    with_commit.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "verdict→editMessageText over {N} verdicts: after commit p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms; \
         including the commit p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        ms(percentile(&after_commit, 50.0)),
        ms(percentile(&after_commit, 95.0)),
        ms(*after_commit.last().unwrap()),
        ms(percentile(&with_commit, 50.0)),
        ms(percentile(&with_commit, 95.0)),
        ms(*with_commit.last().unwrap()),
    );
    assert!(percentile(&with_commit, 95.0) < Duration::from_secs(5));
    for id in &ids {
        w.wait_sync(w.tenant.distributor, *id, SyncState::Synced).await;
    }
    w.stop().await;
}
