//! "Actividad", the administration history, through real HTTP with two
//! tenants in one database: every change an admin makes is written down with
//! who made it and what changed (never a password or a bot token); admins
//! read only their distributor's history, supervisors none, the superadmin
//! all of it, page by page.

#![allow(clippy::unwrap_used)] // test fixtures panic on purpose

use std::path::PathBuf;

use centermind_api::{AppState, router};
use centermind_core::Secret;
use centermind_core::domain::roles::PortalRole;
use centermind_core::events::{EventBus, LiveEvent};
use centermind_core::store::{Db, NewDistributor, NewPortalUser};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[path = "support/client.rs"]
mod support;
use support::{Client, PASSWORD};

const BOT_TOKEN: &str = "123456:AAH-the-new-secret-token";
const NEW_PASSWORD: &str = "una-clave-nueva-larga";

struct Server {
    api: Client,
    /// The live events' bus, to publish a marker after what is under test.
    events: EventBus,
    norte: i64,
    sur: i64,
    _telegram: centermind_fake_telegram::FakeTelegram,
    _dir: tempfile::TempDir,
}

async fn tenant(db: &Db, name: &str) -> i64 {
    let d = db
        .create_distributor(NewDistributor {
            name: format!("Dist {name}"),
            time_zone: None,
            bot_token: Some(Secret::new("111:AAold-token-of-the-old-bot".into())),
            admin_telegram_id: None,
        })
        .await
        .unwrap();
    for role in [PortalRole::Admin, PortalRole::Supervisor] {
        db.create_portal_user(NewPortalUser {
            username: format!("{}.{name}", role.as_str()),
            display_name: Some(format!("{} de {name}", role.as_str())),
            password: Secret::new(PASSWORD.into()),
            role,
            distributor_id: Some(d.id),
        })
        .await
        .unwrap();
    }
    d.id
}

impl Server {
    async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&format!("sqlite://{}", dir.path().join("api.db").display()))
            .await
            .unwrap();
        let (norte, sur) = (tenant(&db, "norte").await, tenant(&db, "sur").await);
        db.create_portal_user(NewPortalUser {
            username: "root".into(),
            display_name: None,
            password: Secret::new(PASSWORD.into()),
            role: PortalRole::Superadmin,
            distributor_id: None,
        })
        .await
        .unwrap();
        let telegram = centermind_fake_telegram::FakeTelegram::start().await.unwrap();
        // The new token is a bot Telegram knows (the API checks with getMe).
        telegram.add_bot(BOT_TOKEN, "norte_bot");
        let photo_dir: PathBuf = dir.path().join("photos");
        let state = AppState::new(db, photo_dir).with_telegram_api_url(telegram.url());
        let events = state.events.clone();
        Self {
            api: Client::serve(router(state)).await,
            events,
            norte,
            sur,
            _telegram: telegram,
            _dir: dir,
        }
    }

    async fn ok(&self, token: &str, method: Method, path: &str, body: Option<Value>) -> Value {
        let (status, body) = self.api.send(method, Some(token), path, body).await;
        assert!(status.is_success(), "{path}: {status} {body}");
        body
    }

    /// The history `token` reads with `query`, as (status, body).
    async fn history(&self, token: &str, query: &str) -> (StatusCode, Value) {
        self.api.get(token, &format!("/api/v1/audit{query}")).await
    }
}

fn actions(page: &Value) -> Vec<&str> {
    page["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect()
}

/// `{field: [from, to]}` of one entry's changes.
fn changed(event: &Value) -> serde_json::Map<String, Value> {
    event["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["field"].as_str().unwrap().to_string(), json!([c["from"], c["to"]])))
        .collect()
}

#[tokio::test]
async fn an_admins_changes_are_written_down_for_their_distributor_only_and_never_with_a_secret() {
    let s = Server::start().await;
    let admin = s.api.login("admin.norte").await;

    let user = s
        .ok(
            &admin,
            Method::POST,
            "/api/v1/users",
            Some(json!({"username": "vero", "display_name": "Verónica", "password": PASSWORD, "role": "viewer"})),
        )
        .await;
    let user_path = format!("/api/v1/users/{}", user["id"]);
    s.ok(
        &admin,
        Method::PATCH,
        &user_path,
        Some(json!({"role": "supervisor", "active": false, "password": NEW_PASSWORD})),
    )
    .await;
    let settings = format!("/api/v1/distributors/{}", s.norte);
    s.ok(
        &admin,
        Method::PATCH,
        &settings,
        Some(json!({"bot_token": BOT_TOKEN, "hibernation_start": "23:30", "points_highlighted": 3})),
    )
    .await;
    // Saved again as it is: nothing changed, nothing to write down.
    s.ok(&admin, Method::PATCH, &settings, Some(json!({"points_highlighted": 3})))
        .await;
    let tv = s
        .ok(
            &admin,
            Method::POST,
            "/api/v1/tv-tokens",
            Some(json!({"label": "TV del salón"})),
        )
        .await;
    let tv_path = format!("/api/v1/tv-tokens/{}", tv["tv_token"]["id"]);
    for _ in 0..2 {
        let (status, _) = s.api.send(Method::DELETE, Some(&admin), &tv_path, None).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    }
    let other = s.api.login("admin.sur").await;
    s.ok(
        &other,
        Method::POST,
        "/api/v1/pdv-types",
        Some(json!({"name": "Kiosco 24 h"})),
    )
    .await;

    let (status, page) = s.history(&admin, "").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert_eq!(
        actions(&page),
        [
            "tv_token_revoked",
            "tv_token_created",
            "distributor_updated",
            "user_updated",
            "password_changed",
            "user_created"
        ],
        "newest first; a second revocation and an unchanged save are not news"
    );
    let events = page["events"].as_array().unwrap();
    for e in events {
        assert_eq!(e["distributor_id"], json!(s.norte));
        assert_eq!(e["actor_name"], "admin de norte", "{e}");
    }
    assert_eq!(events[0]["subject"], "TV del salón");
    let created = changed(&events[5]);
    assert_eq!(events[5]["subject"], "vero");
    assert_eq!(created["role"], json!([null, "viewer"]));
    assert_eq!(created["display_name"], json!([null, "Verónica"]));
    assert_eq!(events[4]["subject"], "vero");
    let updated = changed(&events[3]);
    assert_eq!(
        updated.keys().collect::<Vec<_>>(),
        ["active", "role"],
        "only what changed: {updated:?}"
    );
    assert_eq!(updated["role"], json!(["viewer", "supervisor"]));
    assert_eq!(updated["active"], json!([true, false]));
    let settings_changed = changed(&events[2]);
    assert_eq!(settings_changed["hibernation.start"][1], "23:30:00");
    assert_eq!(settings_changed["scoring.highlighted"], json!([2, 3]));
    assert_eq!(settings_changed["bot_token_replaced"], json!([false, true]));
    let text = page.to_string();
    for secret in [BOT_TOKEN, NEW_PASSWORD, PASSWORD, "old-token-of"] {
        assert!(!text.contains(secret), "{secret} is in the history");
    }
    assert_eq!(page["next_before"], Value::Null, "one page holds it all");

    // Another tenant's history is not there for this admin, nor theirs for them.
    let (status, _) = s.history(&admin, &format!("?distributor={}", s.sur)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, sur_page) = s.history(&other, "").await;
    assert_eq!(actions(&sur_page), ["pdv_type_created"]);
    assert_eq!(sur_page["events"][0]["subject"], "Kiosco 24 h");
    let supervisor = s.api.login("supervisor.norte").await;
    let (status, _) = s.history(&supervisor, "").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = s.api.send(Method::GET, None, "/api/v1/audit", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_superadmin_reads_everything_by_distributor_by_action_and_page_by_page() {
    let s = Server::start().await;
    let root = s.api.login("root").await;
    for (name, d) in [("uno", s.norte), ("dos", s.sur), ("tres", s.norte)] {
        let body = json!({"distributor": d, "name": format!("Tipo {name}")});
        s.ok(&root, Method::POST, "/api/v1/pdv-types", Some(body)).await;
    }
    // The service's own set-up: in no distributor's history.
    let job = s
        .ok(
            &root,
            Method::PATCH,
            "/api/v1/jobs/backup",
            Some(json!({"schedule": "daily 04:15"})),
        )
        .await;
    assert_eq!(job["schedule"], "daily 04:15");
    s.ok(&root, Method::POST, "/api/v1/jobs/backup/run", None).await;

    let (_, all) = s.history(&root, "").await;
    assert_eq!(
        actions(&all),
        [
            "job_run_requested",
            "job_updated",
            "pdv_type_created",
            "pdv_type_created",
            "pdv_type_created"
        ]
    );
    assert_eq!(all["events"][1]["distributor_id"], Value::Null);
    let job_changes = changed(&all["events"][1]);
    assert_eq!(
        job_changes.keys().collect::<Vec<_>>(),
        ["schedule"],
        "not its next run: {job_changes:?}"
    );
    assert_eq!(all["events"][1]["actor_name"], "root");

    let (_, norte) = s.history(&root, &format!("?distributor={}", s.norte)).await;
    assert_eq!(actions(&norte), ["pdv_type_created", "pdv_type_created"]);
    let admin = s.api.login("admin.norte").await;
    let (_, own) = s.history(&admin, "").await;
    assert_eq!(
        own["events"], norte["events"],
        "what the admin sees of their distributor"
    );

    let (_, jobs) = s.history(&root, "?action=job_updated").await;
    assert_eq!(actions(&jobs), ["job_updated"]);
    let (status, body) = s.history(&root, "?action=drop_table").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // Page by page, two at a time: every entry once, in order.
    let mut seen = Vec::new();
    let mut query = "?limit=2".to_string();
    loop {
        let (status, page) = s.history(&root, &query).await;
        assert_eq!(status, StatusCode::OK);
        let events = page["events"].as_array().unwrap();
        assert!(events.len() <= 2);
        seen.extend(events.iter().map(|e| e["id"].as_i64().unwrap()));
        match page["next_before"].as_i64() {
            Some(before) => query = format!("?limit=2&before={before}"),
            None => break,
        }
    }
    let every: Vec<i64> = all["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert_eq!(seen, every);
}

/// Opens `token`'s live event stream (`GET /api/v1/events`), of `distributor`
/// when given (the superadmin names one).
async fn follow(s: &Server, token: &str, distributor: Option<i64>) -> reqwest::Response {
    let mut request = s.api.http.get(format!("{}/api/v1/events", s.api.base));
    if let Some(d) = distributor {
        request = request.query(&[("distributor", d)]);
    }
    let stream = request.bearer_auth(token).send().await.unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    stream
}

/// What a stream carried up to the bot status `marker` (published after the events under test).
async fn heard_until(stream: &mut reqwest::Response, marker: &str) -> String {
    let mut received = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while !received.contains(marker) {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk())
            .await
            .unwrap_or_else(|_| panic!("no {marker} within 5 s: {received}"))
            .unwrap()
            .unwrap();
        received.push_str(&String::from_utf8_lossy(&chunk));
    }
    received
}

#[tokio::test]
async fn admins_following_live_events_hear_of_a_new_history_entry_and_nobody_else_does() {
    let s = Server::start().await;
    let admin = s.api.login("admin.norte").await;
    let supervisor = s.api.login("supervisor.norte").await;
    let other_admin = s.api.login("admin.sur").await;
    let mut admins = follow(&s, &admin, None).await;
    let mut supervisors = follow(&s, &supervisor, None).await;
    let mut others = follow(&s, &other_admin, None).await;

    s.ok(
        &admin,
        Method::POST,
        "/api/v1/pdv-types",
        Some(json!({"name": "Farmacia"})),
    )
    .await;
    // Saved again as it is: nothing written down, nothing announced.
    let settings = format!("/api/v1/distributors/{}", s.norte);
    s.ok(&admin, Method::PATCH, &settings, Some(json!({"points_highlighted": 2})))
        .await;
    for d in [s.norte, s.sur] {
        s.events.publish(LiveEvent::BotStatusChanged {
            distributor_id: d,
            state: "marker".into(),
        });
    }

    let heard = heard_until(&mut admins, "marker").await;
    assert_eq!(
        heard.matches("event: audit_recorded").count(),
        1,
        "one entry, one announcement: {heard}"
    );
    assert!(
        heard.contains(&format!(
            "{{\"type\":\"audit_recorded\",\"distributor_id\":{}}}",
            s.norte
        )),
        "{heard}"
    );
    let heard = heard_until(&mut supervisors, "marker").await;
    assert!(
        !heard.contains("audit_recorded"),
        "a supervisor reads no history: {heard}"
    );
    let heard = heard_until(&mut others, "marker").await;
    assert!(
        !heard.contains("audit_recorded"),
        "another distributor's history: {heard}"
    );
}

/// The superadmin's "Actividad" may show every distributor's history at once: their
/// stream, opened on one distributor, hears of entries in the others too, and
/// still nothing else of those others.
#[tokio::test]
async fn the_superadmin_following_one_distributor_hears_of_every_distributors_history() {
    let s = Server::start().await;
    let root = s.api.login("root").await;
    let admin = s.api.login("admin.norte").await;
    let other_admin = s.api.login("admin.sur").await;
    let mut superadmins = follow(&s, &root, Some(s.norte)).await;
    let mut admins = follow(&s, &admin, None).await;

    s.ok(
        &other_admin,
        Method::POST,
        "/api/v1/pdv-types",
        Some(json!({"name": "Farmacia de turno"})),
    )
    .await;
    s.ok(
        &admin,
        Method::POST,
        "/api/v1/pdv-types",
        Some(json!({"name": "Vivero"})),
    )
    .await;
    // The service's own set-up: a scheduled job paused.
    s.ok(
        &root,
        Method::PATCH,
        "/api/v1/jobs/backup",
        Some(json!({"active": false})),
    )
    .await;
    s.events.publish(LiveEvent::BotStatusChanged {
        distributor_id: s.sur,
        state: "not for the superadmin's stream".into(),
    });
    s.events.publish(LiveEvent::BotStatusChanged {
        distributor_id: s.norte,
        state: "marker".into(),
    });

    let heard = heard_until(&mut superadmins, "marker").await;
    for d in [s.sur, s.norte] {
        assert!(
            heard.contains(&format!("{{\"type\":\"audit_recorded\",\"distributor_id\":{d}}}")),
            "the history of distributor {d}: {heard}"
        );
    }
    assert!(
        heard.contains("{\"type\":\"audit_recorded\",\"distributor_id\":null}"),
        "the service's history: {heard}"
    );
    assert!(
        !heard.contains("not for the superadmin"),
        "only the history of the others: {heard}"
    );
    let heard = heard_until(&mut admins, "marker").await;
    assert_eq!(
        heard.matches("event: audit_recorded").count(),
        1,
        "an admin hears of their own distributor's history only: {heard}"
    );
}
