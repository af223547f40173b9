//! The desktop's live-event follower against the real API (axum on 127.0.0.1, a
//! real SQLite database, two tenants): what reaches the UI, in order, and how it
//! recovers when the server goes away and comes back.

#![allow(clippy::unwrap_used)] // test fixtures panic on purpose

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use centermind_api::{AppState, router};
use centermind_core::Secret;
use centermind_core::domain::exhibition::ExhibitionStatus as CoreStatus;
use centermind_core::domain::roles::PortalRole;
use centermind_core::events::{EventBus, LiveEvent};
use centermind_core::store::{Db, NewDistributor, NewPortalUser};
use centermind_desktop::client::{Backend, Token};
use centermind_desktop::live::{self, LiveMessage};
use centermind_desktop::model::ExhibitionStatus;
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use uuid::Uuid;

const PASSWORD: &str = "clave-de-prueba";
const ANY_PORT: SocketAddr = SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 0);

struct World {
    db: Db,
    events: EventBus,
    photo_dir: std::path::PathBuf,
    ours: i64,
    theirs: i64,
    _dir: tempfile::TempDir,
}

impl World {
    async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&format!("sqlite://{}", dir.path().join("live.db").display()))
            .await
            .unwrap();
        let mut ids = Vec::new();
        for name in ["Distribuidora Sur", "Distribuidora Norte"] {
            let d = db
                .create_distributor(NewDistributor {
                    name: name.into(),
                    time_zone: None,
                    bot_token: None,
                    admin_telegram_id: None,
                })
                .await
                .unwrap();
            ids.push(d.id);
        }
        db.create_portal_user(NewPortalUser {
            username: "supervisora".into(),
            display_name: None,
            password: Secret::new(PASSWORD.into()),
            role: PortalRole::Supervisor,
            distributor_id: Some(ids[0]),
        })
        .await
        .unwrap();
        Self {
            db,
            events: EventBus::default(),
            photo_dir: dir.path().join("photos"),
            ours: ids[0],
            theirs: ids[1],
            _dir: dir,
        }
    }

    /// Serves the API on `addr` (port 0: any) until the server is dropped.
    fn serve(&self, addr: SocketAddr) -> Server {
        let app = router(AppState::new(self.db.clone(), self.photo_dir.clone()).with_events(self.events.clone()));
        // Its own runtime: shutting it down drops the open connections too (aborting
        // `axum::serve` alone would leave them streaming), like a server that stopped.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        // The stopped server's runtime closes its socket in the background: retry a while.
        let mut tries = 0;
        let listener = loop {
            match std::net::TcpListener::bind(addr) {
                Ok(l) => break l,
                Err(e) if tries < 50 => {
                    tries += 1;
                    eprintln!("bind {addr}: {e}; again");
                    std::thread::sleep(Duration::from_millis(100));
                }
                Err(e) => panic!("bind {addr}: {e}"),
            }
        };
        listener.set_nonblocking(true).unwrap();
        let addr = listener.local_addr().unwrap();
        runtime.spawn(async move {
            let listener = TcpListener::from_std(listener).unwrap();
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
                .await
                .unwrap();
        });
        Server {
            runtime: Some(runtime),
            base: format!("http://{addr}"),
            addr,
        }
    }
}

struct Server {
    runtime: Option<tokio::runtime::Runtime>,
    base: String,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}

async fn login(base: &str) -> Token {
    Token::new(session(base).await)
}

/// A new session's bearer token, as the server returns it.
async fn session(base: &str) -> String {
    let reply: serde_json::Value = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": "supervisora", "password": PASSWORD}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    reply["token"].as_str().unwrap().to_string()
}

/// Follows `base`'s events in the background; what the UI would receive arrives on the receiver.
fn follow(base: &str, token: Token) -> (mpsc::UnboundedReceiver<LiveMessage>, tokio::task::JoinHandle<()>) {
    let backend = Backend::new(Backend::http_client().unwrap(), format!("{base}/").parse().unwrap());
    let (tx, rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(async move {
        live::follow(&backend, &token, None, |m| tx.send(m).is_ok()).await;
    });
    (rx, task)
}

async fn next(rx: &mut mpsc::UnboundedReceiver<LiveMessage>) -> LiveMessage {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("a live message within 10 s")
        .expect("the follower is still running")
}

#[tokio::test]
async fn the_ui_gets_its_own_distributors_events_in_order_and_a_reload_after_a_reconnection() {
    let world = World::new().await;
    let server = world.serve(ANY_PORT);
    let base = server.base.clone();
    let token = login(&base).await;
    let (mut rx, follower) = follow(&base, token);

    assert_eq!(next(&mut rx).await, LiveMessage::Connected { reconnected: false });

    // The other tenant's events never reach this session; its own arrive in order.
    let (created, evaluated) = (Uuid::now_v7(), Uuid::now_v7());
    world.events.publish(LiveEvent::ExhibitionCreated {
        distributor_id: world.theirs,
        exhibition_id: Uuid::now_v7(),
    });
    world.events.publish(LiveEvent::ExhibitionCreated {
        distributor_id: world.ours,
        exhibition_id: created,
    });
    world.events.publish(LiveEvent::ExhibitionEvaluated {
        distributor_id: world.theirs,
        exhibition_id: Uuid::now_v7(),
        status: CoreStatus::Approved,
    });
    world.events.publish(LiveEvent::ExhibitionEvaluated {
        distributor_id: world.ours,
        exhibition_id: evaluated,
        status: CoreStatus::Rejected,
    });
    world.events.publish(LiveEvent::BotStatusChanged {
        distributor_id: world.ours,
        state: "token_in_use".into(),
    });
    assert_eq!(
        next(&mut rx).await,
        LiveMessage::ExhibitionCreated {
            exhibition_id: created.to_string()
        }
    );
    assert_eq!(
        next(&mut rx).await,
        LiveMessage::ExhibitionEvaluated {
            exhibition_id: evaluated.to_string(),
            status: ExhibitionStatus::Rejected
        }
    );
    assert_eq!(
        next(&mut rx).await,
        LiveMessage::BotStatusChanged {
            state: "token_in_use".into()
        }
    );

    // The server goes away: the UI hears so, with when the next attempt is.
    let addr = server.addr;
    drop(server);
    match next(&mut rx).await {
        LiveMessage::Disconnected { retry_in_ms, .. } => assert_eq!(retry_in_ms, 1000),
        other => panic!("expected Disconnected, got {other:?}"),
    }

    // It comes back on the same address: the stream reopens by itself and says it
    // was reopened (the screens reload what they show), then events flow again.
    let server = world.serve(addr);
    let reopened = loop {
        match next(&mut rx).await {
            LiveMessage::Disconnected { .. } => {}
            other => break other,
        }
    };
    assert_eq!(reopened, LiveMessage::Connected { reconnected: true });
    let later = Uuid::now_v7();
    world.events.publish(LiveEvent::ExhibitionCreated {
        distributor_id: world.ours,
        exhibition_id: later,
    });
    assert_eq!(
        next(&mut rx).await,
        LiveMessage::ExhibitionCreated {
            exhibition_id: later.to_string()
        }
    );
    follower.abort();
    drop(server);
}

#[tokio::test]
async fn an_import_into_its_distributor_makes_the_ui_reload() {
    let world = World::new().await;
    let server = world.serve(ANY_PORT);
    let base = server.base.clone();
    let (mut rx, follower) = follow(&base, login(&base).await);
    assert_eq!(next(&mut rx).await, LiveMessage::Connected { reconnected: false });

    world.events.publish(LiveEvent::ExhibitionsImported {
        distributor_id: world.theirs,
    });
    world.events.publish(LiveEvent::ExhibitionsImported {
        distributor_id: world.ours,
    });
    // A marker after both: had the other tenant's import come through, it would be first.
    world.events.publish(LiveEvent::BotStatusChanged {
        distributor_id: world.ours,
        state: "running".into(),
    });
    assert_eq!(next(&mut rx).await, LiveMessage::Resync);
    assert_eq!(
        next(&mut rx).await,
        LiveMessage::BotStatusChanged {
            state: "running".into()
        }
    );
    follower.abort();
    drop(server);
}

#[tokio::test]
async fn news_of_its_distributors_background_work_reaches_the_ui() {
    let world = World::new().await;
    let server = world.serve(ANY_PORT);
    let base = server.base.clone();
    let (mut rx, follower) = follow(&base, login(&base).await);
    assert_eq!(next(&mut rx).await, LiveMessage::Connected { reconnected: false });

    world.events.publish(LiveEvent::WorkChanged {
        distributor_id: world.theirs,
        kind: Some("store_photo".into()),
    });
    world.events.publish(LiveEvent::WorkChanged {
        distributor_id: world.ours,
        kind: Some("edit_confirmation".into()),
    });
    world.events.publish(LiveEvent::WorkChanged {
        distributor_id: world.ours,
        kind: None,
    });
    // The other tenant's came first: had it come through, it would be the first here.
    assert_eq!(
        next(&mut rx).await,
        LiveMessage::WorkChanged {
            task_kind: Some("edit_confirmation".into())
        }
    );
    assert_eq!(next(&mut rx).await, LiveMessage::WorkChanged { task_kind: None });
    follower.abort();
    drop(server);
}

#[tokio::test]
async fn an_ended_session_stops_following_with_signed_out() {
    let world = World::new().await;
    let server = world.serve(ANY_PORT);
    let base = server.base.clone();
    let (mut rx, follower) = follow(&base, Token::new("not-a-session".into()));

    assert_eq!(next(&mut rx).await, LiveMessage::SignedOut);
    // And nothing more: the follower has ended instead of retrying.
    tokio::time::timeout(Duration::from_secs(5), follower)
        .await
        .expect("the follower ends")
        .unwrap();
    assert_eq!(rx.recv().await, None);
    drop(server);
}

#[tokio::test]
async fn a_logout_elsewhere_ends_an_open_stream_with_signed_out_and_no_retry() {
    let world = World::new().await;
    let server = world.serve(ANY_PORT);
    let base = server.base.clone();
    let raw = session(&base).await;
    let (mut rx, follower) = follow(&base, Token::new(raw.clone()));
    assert_eq!(next(&mut rx).await, LiveMessage::Connected { reconnected: false });

    let status = reqwest::Client::new()
        .post(format!("{base}/api/v1/auth/logout"))
        .bearer_auth(&raw)
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, reqwest::StatusCode::NO_CONTENT);
    // The next event of its distributor finds the session gone: the server ends the
    // stream, and the UI hears "signed out" at once rather than "disconnected".
    world.events.publish(LiveEvent::ExhibitionCreated {
        distributor_id: world.ours,
        exhibition_id: Uuid::now_v7(),
    });
    assert_eq!(next(&mut rx).await, LiveMessage::SignedOut);
    tokio::time::timeout(Duration::from_secs(5), follower)
        .await
        .expect("the follower ends")
        .unwrap();
    assert_eq!(rx.recv().await, None);
    drop(server);
}

#[tokio::test]
async fn a_password_changed_from_the_app_keeps_its_stream_and_ends_the_other_sessions() {
    let world = World::new().await;
    let server = world.serve(ANY_PORT);
    let base = server.base.clone();
    let backend = Backend::new(Backend::http_client().unwrap(), format!("{base}/").parse().unwrap());
    let here = session(&base).await;
    let elsewhere = session(&base).await;
    let (mut ours, _f1) = follow(&base, Token::new(here.clone()));
    let (mut theirs, _f2) = follow(&base, Token::new(elsewhere.clone()));
    for rx in [&mut ours, &mut theirs] {
        assert_eq!(next(rx).await, LiveMessage::Connected { reconnected: false });
    }

    let wrong = backend
        .change_password(&Token::new(here.clone()), "adivinanza", "clave-nueva-1")
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), "wrong_password", "{wrong:?}");
    assert_eq!(
        wrong.to_string(),
        "wrong current password: La contraseña actual no es correcta."
    );
    backend
        .change_password(&Token::new(here.clone()), PASSWORD, "clave-nueva-1")
        .await
        .unwrap();

    world.events.publish(LiveEvent::ExhibitionCreated {
        distributor_id: world.ours,
        exhibition_id: Uuid::now_v7(),
    });
    assert_eq!(
        next(&mut theirs).await,
        LiveMessage::SignedOut,
        "the other session ends"
    );
    assert!(
        matches!(next(&mut ours).await, LiveMessage::ExhibitionCreated { .. }),
        "this one goes on following"
    );
    assert_eq!(backend.me(&Token::new(here)).await.unwrap().username, "supervisora");
    let me = backend.me(&Token::new(elsewhere)).await.unwrap_err();
    assert_eq!(me.code(), "unauthenticated");
    drop(server);
}

#[tokio::test]
async fn the_tv_follows_only_its_distributors_ranking_until_its_code_is_revoked() {
    let world = World::new().await;
    let server = world.serve(ANY_PORT);
    let admin = world.db.list_portal_users(Some(world.ours)).await.unwrap()[0].id;
    let (tv, code) = world
        .db
        .create_tv_token(world.ours, "TV del salón", admin, centermind_core::store::now())
        .await
        .unwrap();
    let backend = Backend::new(
        Backend::http_client().unwrap(),
        format!("{}/", server.base).parse().unwrap(),
    );
    let token = Token::new(code.into_inner());
    let ranking = backend.tv_ranking(&token).await.unwrap();
    assert_eq!(ranking.distributor_name, "Distribuidora Sur");

    let (tx, mut rx) = mpsc::unbounded_channel();
    let follower = tokio::spawn(async move {
        live::follow_source(&backend, &token, live::Source::Tv, |m| tx.send(m).is_ok()).await;
    });
    assert_eq!(next(&mut rx).await, LiveMessage::Connected { reconnected: false });
    world.events.publish(LiveEvent::ExhibitionEvaluated {
        distributor_id: world.theirs,
        exhibition_id: Uuid::now_v7(),
        status: CoreStatus::Approved,
    });
    world.events.publish(LiveEvent::ExhibitionEvaluated {
        distributor_id: world.ours,
        exhibition_id: Uuid::now_v7(),
        status: CoreStatus::Approved,
    });
    assert_eq!(next(&mut rx).await, LiveMessage::RankingChanged);

    world
        .db
        .revoke_tv_token(world.ours, tv.id, centermind_core::store::now())
        .await
        .unwrap();
    world.events.publish(LiveEvent::ExhibitionCreated {
        distributor_id: world.ours,
        exhibition_id: Uuid::now_v7(),
    });
    assert_eq!(next(&mut rx).await, LiveMessage::SignedOut);
    tokio::time::timeout(Duration::from_secs(5), follower)
        .await
        .expect("the follower ends")
        .unwrap();
    assert_eq!(rx.recv().await, None);
    drop(server);
}

#[tokio::test]
async fn a_receiver_that_went_away_ends_the_follower() {
    let world = World::new().await;
    let server = world.serve(ANY_PORT);
    let base = server.base.clone();
    let token = login(&base).await;
    let received = Arc::new(Mutex::new(0));
    let backend = Backend::new(Backend::http_client().unwrap(), format!("{base}/").parse().unwrap());
    let counter = Arc::clone(&received);
    // The UI listens to the first message only (a closed window, a reloaded page).
    let follower = tokio::spawn(async move {
        live::follow(&backend, &token, None, |_| {
            let mut n = counter.lock().unwrap();
            *n += 1;
            *n < 2
        })
        .await;
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    world.events.publish(LiveEvent::ExhibitionCreated {
        distributor_id: world.ours,
        exhibition_id: Uuid::now_v7(),
    });
    tokio::time::timeout(Duration::from_secs(5), follower)
        .await
        .expect("the follower ends once nobody listens")
        .unwrap();
    assert_eq!(*received.lock().unwrap(), 2);
    drop(server);
}
