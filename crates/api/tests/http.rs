//! The API through real HTTP against a server on 127.0.0.1:0, with a real
//! SQLite database and two tenants holding users of every role.

#![allow(clippy::unwrap_used)] // test fixtures panic on purpose

use std::net::SocketAddr;
use std::path::PathBuf;

use centermind_api::{AppState, router};
use centermind_core::Secret;
use centermind_core::domain::customer_number::CustomerNumber;
use centermind_core::domain::roles::PortalRole;
use centermind_core::store::{Db, NewDistributor, NewExhibition, NewGroup, NewMember, NewPhoto, NewPortalUser};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

const PASSWORD: &str = "clave-de-prueba";

struct Tenant {
    id: i64,
    exhibitions: Vec<Uuid>,
    customer: String,
}

struct Server {
    base: String,
    /// Cancel to stop the server the way the service stops (then `served` ends).
    stopping: tokio_util::sync::CancellationToken,
    served: tokio::task::JoinHandle<()>,
    telegram: centermind_fake_telegram::FakeTelegram,
    client: reqwest::Client,
    tenants: Vec<Tenant>,
    _dir: tempfile::TempDir,
}

impl Server {
    async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&format!("sqlite://{}", dir.path().join("api.db").display()))
            .await
            .unwrap();
        let photo_dir: PathBuf = dir.path().join("photos");
        let mut tenants = Vec::new();
        for (n, name) in ["sur", "norte"].iter().enumerate() {
            tenants.push(seed_tenant(&db, &photo_dir, name, n as i64).await);
        }
        db.create_portal_user(NewPortalUser {
            username: "root".into(),
            display_name: None,
            password: Secret::new(PASSWORD.into()),
            role: PortalRole::Superadmin,
            distributor_id: None,
        })
        .await
        .unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let telegram = centermind_fake_telegram::FakeTelegram::start().await.unwrap();
        let stopping = tokio_util::sync::CancellationToken::new();
        let app = router(
            AppState::new(db, photo_dir)
                .with_telegram_api_url(telegram.url())
                .with_stopping(stopping.clone()),
        );
        let stop = stopping.clone();
        let served = tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
                .with_graceful_shutdown(async move { stop.cancelled().await })
                .await
                .unwrap();
        });
        Self {
            base: format!("http://{addr}"),
            stopping,
            served,
            telegram,
            client: reqwest::Client::new(),
            tenants,
            _dir: dir,
        }
    }

    async fn login(&self, username: &str) -> String {
        let r = self.try_login(username, PASSWORD).await;
        assert_eq!(r.0, StatusCode::OK, "{username}: {}", r.1);
        r.1["token"].as_str().unwrap().to_string()
    }

    /// `POST /api/v1/me/password`, whatever it answers.
    async fn change_password(&self, token: Option<&str>, current: &str, new: &str) -> (StatusCode, Value) {
        self.post(
            token,
            "/api/v1/me/password",
            json!({"current_password": current, "new_password": new}),
        )
        .await
    }

    /// A login attempt, whatever it answers.
    async fn try_login(&self, username: &str, password: &str) -> (StatusCode, Value) {
        self.post(
            None,
            "/api/v1/auth/login",
            json!({"username": username, "password": password}),
        )
        .await
    }

    async fn get(&self, token: Option<&str>, path: &str) -> (StatusCode, Value) {
        let mut req = self.client.get(format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    async fn post(&self, token: Option<&str>, path: &str, body: Value) -> (StatusCode, Value) {
        let mut req = self.client.post(format!("{}{path}", self.base)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }
}

async fn seed_tenant(db: &Db, photo_dir: &std::path::Path, name: &str, n: i64) -> Tenant {
    let d = db
        .create_distributor(NewDistributor {
            name: format!("Dist {name}"),
            time_zone: None,
            bot_token: None,
            admin_telegram_id: None,
        })
        .await
        .unwrap();
    let g = db
        .create_group(NewGroup {
            distributor_id: d.id,
            chat_id: -100 - n,
            title: format!("Grupo {name}"),
        })
        .await
        .unwrap();
    let m = db
        .upsert_member(NewMember {
            distributor_id: d.id,
            telegram_user_id: 10 + n,
            first_name: format!("Vendedor-{name}"),
            last_name: None,
            username: None,
        })
        .await
        .unwrap();
    let pdv = db.list_pdv_types(d.id, true).await.unwrap()[0].id;
    for role in [PortalRole::Admin, PortalRole::Supervisor, PortalRole::Viewer] {
        db.create_portal_user(NewPortalUser {
            username: format!("{}.{name}", role.as_str()),
            display_name: Some(format!("{} {name}", role.as_str())),
            password: Secret::new(PASSWORD.into()),
            role,
            distributor_id: Some(d.id),
        })
        .await
        .unwrap();
    }
    let customer = format!("7{n}7{n}7");
    let mut exhibitions = Vec::new();
    for i in 0..3 {
        let key = format!("{name}/{i}.jpg");
        let bytes = format!("jpeg-bytes-{name}-{i}").into_bytes();
        std::fs::create_dir_all(photo_dir.join(name)).unwrap();
        std::fs::write(photo_dir.join(&key), &bytes).unwrap();
        let r = db
            .record_exhibition(NewExhibition {
                distributor_id: d.id,
                group_id: g.id,
                vendor_id: m.id,
                customer_number: CustomerNumber::parse(&customer).unwrap(),
                pdv_type_id: pdv,
                submitted_at: format!("2026-05-0{}T12:00:00Z", i + 1).parse().unwrap(),
                idempotency_key: format!("k{i}"),
                photos: vec![NewPhoto {
                    storage_key: Some(key),
                    sha256: Some(format!("sha-{name}-{i}")),
                    ..Default::default()
                }],
            })
            .await
            .unwrap();
        exhibitions.push(r.id);
    }
    Tenant {
        id: d.id,
        exhibitions,
        customer,
    }
}

#[tokio::test]
async fn health_answers_without_login() {
    let s = Server::start().await;
    let (status, body) = s.get(None, "/api/v1/health").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
}

#[tokio::test]
async fn login_me_and_logout() {
    let s = Server::start().await;
    let wrong = s
        .post(
            None,
            "/api/v1/auth/login",
            json!({"username": "supervisor.sur", "password": "nope-nope"}),
        )
        .await;
    let unknown = s
        .post(
            None,
            "/api/v1/auth/login",
            json!({"username": "nobody", "password": PASSWORD}),
        )
        .await;
    assert_eq!(wrong.0, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong, unknown, "unknown user and wrong password look the same");

    let token = s.login("supervisor.sur").await;
    let (status, me) = s.get(Some(&token), "/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["username"], "supervisor.sur");
    assert_eq!(me["role"], "supervisor");
    assert_eq!(me["distributor_id"], s.tenants[0].id);
    assert_eq!(me["distributor_name"], "Dist sur");
    assert!(me.get("password_hash").is_none());
    let root = s.login("root").await;
    let (_, root_me) = s.get(Some(&root), "/api/v1/me").await;
    assert_eq!(
        root_me["distributor_name"],
        Value::Null,
        "the superadmin belongs to none"
    );

    let (status, _) = s.post(Some(&token), "/api/v1/auth/logout", json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(s.get(Some(&token), "/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        s.get(Some("forged-token"), "/api/v1/me").await.0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_user_changes_their_own_password_with_the_current_one_and_their_other_sessions_end() {
    let s = Server::start().await;
    let here = s.login("supervisor.sur").await;
    let elsewhere = s.login("supervisor.sur").await;
    let colleague = s.login("admin.sur").await;

    assert_eq!(
        s.change_password(None, PASSWORD, "otra-clave-1").await.0,
        StatusCode::UNAUTHORIZED
    );
    let (status, body) = s.change_password(Some(&here), "no-es-esta", "otra-clave-1").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "wrong_password");
    assert_eq!(body["message"], "La contraseña actual no es correcta.");
    let (status, body) = s.change_password(Some(&here), PASSWORD, "corta").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid"))
    );
    assert!(
        body["message"].as_str().unwrap().contains("al menos 8 caracteres"),
        "{body}"
    );
    assert_eq!(
        s.get(Some(&elsewhere), "/api/v1/me").await.0,
        StatusCode::OK,
        "a refusal ends nothing"
    );

    let (status, _) = s.change_password(Some(&here), PASSWORD, "otra-clave-1").await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(
        s.get(Some(&here), "/api/v1/me").await.0,
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        s.get(Some(&elsewhere), "/api/v1/me").await.0,
        StatusCode::UNAUTHORIZED,
        "the other sessions end"
    );
    assert_eq!(
        s.get(Some(&colleague), "/api/v1/me").await.0,
        StatusCode::OK,
        "nobody else's"
    );
    assert_eq!(
        s.try_login("supervisor.sur", PASSWORD).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(s.try_login("supervisor.sur", "otra-clave-1").await.0, StatusCode::OK);
}

#[tokio::test]
async fn guessing_the_current_password_from_an_open_session_is_rate_limited_like_the_login() {
    let s = Server::start().await;
    let token = s.login("viewer.sur").await;
    for _ in 0..5 {
        let (status, body) = s.change_password(Some(&token), "adivinanza", "otra-clave-1").await;
        assert_eq!(body["code"], "wrong_password", "{status}");
    }
    let (status, body) = s.change_password(Some(&token), PASSWORD, "otra-clave-1").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("too_many_attempts")),
        "even the right password waits"
    );
    assert_eq!(
        s.try_login("viewer.sur", PASSWORD).await.0,
        StatusCode::TOO_MANY_REQUESTS,
        "the same count as the login's"
    );
}

#[tokio::test]
async fn repeated_login_failures_are_rate_limited() {
    let s = Server::start().await;
    for _ in 0..5 {
        let r = s
            .post(
                None,
                "/api/v1/auth/login",
                json!({"username": "viewer.sur", "password": "wrong-pass"}),
            )
            .await;
        assert_eq!(r.0, StatusCode::UNAUTHORIZED);
    }
    let resp = s
        .client
        .post(format!("{}/api/v1/auth/login", s.base))
        .json(&json!({"username": "viewer.sur", "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert!(resp.headers().get("retry-after").is_some());
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["code"], "too_many_attempts");
}

#[tokio::test]
async fn supervisor_reviews_the_queue_oldest_first_with_paging() {
    let s = Server::start().await;
    let token = s.login("supervisor.sur").await;
    let (status, page) = s.get(Some(&token), "/api/v1/exhibitions?status=pending&limit=2").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["id"], s.tenants[0].exhibitions[0].to_string());
    assert_eq!(
        items[0]["submitted_at_local"], "2026-05-01 09:00",
        "Buenos Aires is UTC-3"
    );
    let cursor = page["next_cursor"].as_str().unwrap();
    let (_, rest) = s
        .get(
            Some(&token),
            &format!("/api/v1/exhibitions?status=pending&limit=2&cursor={cursor}"),
        )
        .await;
    let rest = rest["items"].as_array().unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0]["id"], s.tenants[0].exhibitions[2].to_string());
    assert_eq!(
        s.get(Some(&token), "/api/v1/exhibitions?cursor=garbage").await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn a_customer_number_lists_that_shop_within_the_own_distributor_and_letters_are_refused() {
    let s = Server::start().await;
    let token = s.login("supervisor.sur").await;
    let own = &s.tenants[0].customer;
    // Typed as people copy it: with a dot and a dash.
    let typed = format!("{}.{}-{}", &own[..1], &own[1..3], &own[3..]);
    let (status, page) = s
        .get(Some(&token), &format!("/api/v1/exhibitions?customer={typed}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert!(items.iter().all(|i| i["customer_number"] == own.as_str()));
    assert_eq!(items[0]["id"], s.tenants[0].exhibitions[2].to_string(), "newest first");

    let foreign = &s.tenants[1].customer;
    let (status, page) = s
        .get(Some(&token), &format!("/api/v1/exhibitions?customer={foreign}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["items"], json!([]), "the other distributor's shop is not listed");

    let (status, body) = s.get(Some(&token), "/api/v1/exhibitions?customer=abc").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["message"].as_str().unwrap().contains("dígitos"), "{body}");
}

#[tokio::test]
async fn verdicts_conflicts_and_history() {
    let s = Server::start().await;
    let sup = s.login("supervisor.sur").await;
    let admin = s.login("admin.sur").await;
    let id = s.tenants[0].exhibitions[0];
    let path = format!("/api/v1/exhibitions/{id}/evaluation");

    let (status, body) = s
        .post(
            Some(&sup),
            &path,
            json!({"verdict": "rejected", "expected_status": "pending"}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a rejection needs a reason: {body}"
    );

    let (status, body) = s
        .post(
            Some(&sup),
            &path,
            json!({"verdict": "approved", "expected_status": "pending", "comment": "Muy bien"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["status"], "approved");
    assert_eq!(body["evaluator_name"], "supervisor sur");

    // The admin still saw it pending: 409 with the current state.
    let (status, body) = s
        .post(
            Some(&admin),
            &path,
            json!({"verdict": "highlighted", "expected_status": "pending"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["code"], "conflict");
    assert_eq!(body["current"]["status"], "approved");
    assert!(body["message"].as_str().unwrap().contains("Aprobada"));

    // Re-evaluation with the right expectation is allowed and appended to the history.
    let (status, body) = s
        .post(
            Some(&admin),
            &path,
            json!({"verdict": "highlighted", "expected_status": "approved"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, detail) = s.get(Some(&sup), &format!("/api/v1/exhibitions/{id}")).await;
    let history = detail["history"].as_array().unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[1]["from_status"], "approved");
    assert_eq!(history[1]["to_status"], "highlighted");
    assert_eq!(detail["time_zone"], "America/Argentina/Buenos_Aires");
    assert_eq!(body["status"], "highlighted");

    // Highlighting it again changes nothing: refused.
    let (status, body) = s
        .post(
            Some(&admin),
            &path,
            json!({"verdict": "highlighted", "expected_status": "highlighted"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");

    // A rejection's reason is corrected by rejecting it again (from the history).
    for reason in ["Foto borrosa", "Falta material POP"] {
        let (_, before) = s.get(Some(&sup), &format!("/api/v1/exhibitions/{id}")).await;
        let (status, body) = s
            .post(
                Some(&sup),
                &path,
                json!({"verdict": "rejected", "expected_status": before["status"], "reason": reason}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["status"], "rejected");
        assert_eq!(body["rejection_reason"], reason);
    }
    let (_, detail) = s.get(Some(&sup), &format!("/api/v1/exhibitions/{id}")).await;
    let history = detail["history"].as_array().unwrap();
    assert_eq!(history.len(), 4);
    assert_eq!(
        (&history[3]["from_status"], &history[3]["to_status"]),
        (&json!("rejected"), &json!("rejected"))
    );
}

#[tokio::test]
async fn photos_are_served_with_caching_headers() {
    let s = Server::start().await;
    let token = s.login("viewer.sur").await;
    let id = s.tenants[0].exhibitions[1];
    let url = format!("{}/api/v1/exhibitions/{id}/photos/0", s.base);
    let resp = s.client.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(resp.headers()["content-type"], "image/jpeg");
    assert!(resp.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    let etag = resp.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(resp.bytes().await.unwrap().as_ref(), b"jpeg-bytes-sur-1");
    let again = s
        .client
        .get(&url)
        .bearer_auth(&token)
        .header("if-none-match", etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(
        s.client.get(&url).send().await.unwrap().status(),
        StatusCode::UNAUTHORIZED
    );
    let missing = format!("{}/api/v1/exhibitions/{id}/photos/9", s.base);
    assert_eq!(
        s.client
            .get(&missing)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn ranking_for_viewers_by_month() {
    let s = Server::start().await;
    let sup = s.login("supervisor.sur").await;
    let id = s.tenants[0].exhibitions[0];
    s.post(
        Some(&sup),
        &format!("/api/v1/exhibitions/{id}/evaluation"),
        json!({"verdict": "highlighted", "expected_status": "pending"}),
    )
    .await;
    let viewer = s.login("viewer.sur").await;
    let (status, r) = s.get(Some(&viewer), "/api/v1/ranking?month=2026-05").await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["month"], "2026-05");
    let entries = r["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["points"], 2);
    assert_eq!(entries[0]["sent"], 3);
    assert_eq!(
        s.get(Some(&viewer), "/api/v1/ranking?month=2026-13").await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

/// Every endpoint, with every role of tenant "sur", aimed at tenant "norte":
/// the answer is 403 or 404 and never contains norte's data.
#[tokio::test]
async fn tenant_isolation_across_every_endpoint_and_role() {
    let s = Server::start().await;
    let other = &s.tenants[1];
    let foreign = other.exhibitions[0];
    for username in ["admin.sur", "supervisor.sur", "viewer.sur"] {
        let token = s.login(username).await;
        let probes = [
            format!("/api/v1/exhibitions/{foreign}"),
            format!("/api/v1/exhibitions/{foreign}/photos/0"),
            format!("/api/v1/exhibitions?distributor={}", other.id),
            format!("/api/v1/exhibitions?distributor={}&status=pending", other.id),
            format!("/api/v1/exhibitions/count?distributor={}&status=pending", other.id),
            format!("/api/v1/ranking?distributor={}", other.id),
            format!("/api/v1/work?distributor={}", other.id),
            format!("/api/v1/work/given-up?distributor={}", other.id),
            format!("/api/v1/error-events?distributor={}", other.id),
        ];
        for path in &probes {
            let resp = s
                .client
                .get(format!("{}{path}", s.base))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            let status = resp.status();
            let text = resp.text().await.unwrap();
            assert!(
                matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
                "{username} GET {path}: {status} {text}"
            );
            assert!(
                !text.contains(&other.customer) && !text.contains("Vendedor-norte"),
                "{username} saw norte's data: {text}"
            );
        }
        let (status, body) = s
            .post(
                Some(&token),
                &format!("/api/v1/exhibitions/{foreign}/evaluation"),
                json!({"verdict": "approved", "expected_status": "pending"}),
            )
            .await;
        assert!(
            matches!(status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{username}: {status} {body}"
        );
        // Their own listing never includes the other tenant's rows.
        let (_, own) = s.get(Some(&token), "/api/v1/exhibitions").await;
        assert!(!own.to_string().contains(&other.customer));
    }
    // The foreign exhibition is untouched.
    let root = s.login("root").await;
    let (status, detail) = s.get(Some(&root), &format!("/api/v1/exhibitions/{foreign}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(detail["status"], "pending");
}

#[tokio::test]
async fn roles_too_low_are_refused() {
    let s = Server::start().await;
    let viewer = s.login("viewer.sur").await;
    let id = s.tenants[0].exhibitions[0];
    let (status, body) = s
        .post(
            Some(&viewer),
            &format!("/api/v1/exhibitions/{id}/evaluation"),
            json!({"verdict": "approved", "expected_status": "pending"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    assert_eq!(body["code"], "forbidden");
    let (_, detail) = s.get(Some(&viewer), &format!("/api/v1/exhibitions/{id}")).await;
    assert_eq!(detail["status"], "pending", "a viewer never writes");
}

#[tokio::test]
async fn the_count_says_how_many_wait_and_since_when_for_the_own_distributor() {
    let s = Server::start().await;
    let token = s.login("supervisor.sur").await;
    let (status, page) = s.get(Some(&token), "/api/v1/exhibitions?status=pending").await;
    assert_eq!(status, StatusCode::OK);
    let items = page["items"].as_array().unwrap().clone();
    let (status, count) = s.get(Some(&token), "/api/v1/exhibitions/count?status=pending").await;
    assert_eq!(status, StatusCode::OK, "{count}");
    assert_eq!(count["count"], items.len());
    assert_eq!(count["oldest_submitted_at"], items[0]["submitted_at"]);
    assert_eq!(count["oldest_submitted_at_local"], items[0]["submitted_at_local"]);

    // A verdict: one fewer waits.
    let id = items[0]["id"].as_str().unwrap();
    let (status, _) = s
        .post(
            Some(&token),
            &format!("/api/v1/exhibitions/{id}/evaluation"),
            json!({"verdict": "approved", "expected_status": "pending"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, after) = s.get(Some(&token), "/api/v1/exhibitions/count?status=pending").await;
    assert_eq!(after["count"], items.len() - 1);
    let (_, approved) = s.get(Some(&token), "/api/v1/exhibitions/count?status=approved").await;
    assert_eq!(approved["count"], 1);

    // The listing's other conditions apply; none matching has no oldest.
    let (_, none) = s
        .get(
            Some(&token),
            "/api/v1/exhibitions/count?status=pending&customer=999999999",
        )
        .await;
    assert_eq!(none["count"], 0);
    assert!(none["oldest_submitted_at"].is_null());
    let (status, body) = s.get(Some(&token), "/api/v1/exhibitions/count?customer=12ab").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
}

#[tokio::test]
async fn superadmin_names_the_distributor_and_reaches_both() {
    let s = Server::start().await;
    let root = s.login("root").await;
    assert_eq!(
        s.get(Some(&root), "/api/v1/exhibitions").await.0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    for t in &s.tenants {
        let (status, page) = s
            .get(Some(&root), &format!("/api/v1/exhibitions?distributor={}", t.id))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(page["items"].as_array().unwrap().len(), 3);
    }
}

#[tokio::test]
async fn every_endpoint_requires_a_session() {
    let s = Server::start().await;
    let id = s.tenants[0].exhibitions[0];
    for path in [
        "/api/v1/me".to_string(),
        "/api/v1/exhibitions".to_string(),
        "/api/v1/exhibitions/count".to_string(),
        format!("/api/v1/exhibitions/{id}"),
        format!("/api/v1/exhibitions/{id}/photos/0"),
        "/api/v1/ranking".to_string(),
    ] {
        let (status, body) = s.get(None, &path).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(body["code"], "unauthenticated");
    }
    let (status, _) = s
        .post(
            None,
            &format!("/api/v1/exhibitions/{id}/evaluation"),
            json!({"verdict": "approved", "expected_status": "pending"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn event_stream_carries_only_the_callers_tenant() {
    let s = Server::start().await;
    let sur = s.login("viewer.sur").await;
    let mut stream = s
        .client
        .get(format!("{}/api/v1/events", s.base))
        .bearer_auth(&sur)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);
    assert_eq!(stream.headers()["content-type"], "text/event-stream");

    // A verdict in the other tenant first, then one in ours.
    let norte = s.login("supervisor.norte").await;
    let foreign = s.tenants[1].exhibitions[0];
    let own = s.tenants[0].exhibitions[0];
    let body = json!({"verdict": "approved", "expected_status": "pending"});
    assert_eq!(
        s.post(
            Some(&norte),
            &format!("/api/v1/exhibitions/{foreign}/evaluation"),
            body.clone()
        )
        .await
        .0,
        StatusCode::OK
    );
    let sup = s.login("supervisor.sur").await;
    assert_eq!(
        s.post(Some(&sup), &format!("/api/v1/exhibitions/{own}/evaluation"), body)
            .await
            .0,
        StatusCode::OK
    );

    let mut received = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while !received.contains("exhibition_evaluated") {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk())
            .await
            .expect("no event within 5 s")
            .unwrap()
            .unwrap();
        received.push_str(&String::from_utf8_lossy(&chunk));
    }
    assert!(received.contains(&own.to_string()), "{received}");
    assert!(
        !received.contains(&foreign.to_string()),
        "other tenant's event leaked: {received}"
    );
    assert!(received.contains("\"status\":\"approved\""));

    let other = s.tenants[1].id;
    let resp = s
        .client
        .get(format!("{}/api/v1/events?distributor={other}", s.base))
        .bearer_auth(&sur)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_event_stream_ends_when_its_session_is_revoked_and_carries_no_later_event() {
    let s = Server::start().await;
    let viewer = s.login("viewer.sur").await;
    let mut stream = s
        .client
        .get(format!("{}/api/v1/events", s.base))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), StatusCode::OK);

    // The viewer logs out; the stream it opened before is still connected.
    let (status, _) = s.post(Some(&viewer), "/api/v1/auth/logout", json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    let own = s.tenants[0].exhibitions[0];
    let sup = s.login("supervisor.sur").await;
    let body = json!({"verdict": "approved", "expected_status": "pending"});
    let (status, _) = s
        .post(Some(&sup), &format!("/api/v1/exhibitions/{own}/evaluation"), body)
        .await;
    assert_eq!(status, StatusCode::OK);

    let mut received = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk())
            .await
            .expect("the stream neither ended nor spoke within 5 s")
            .unwrap();
        match chunk {
            Some(bytes) => received.push_str(&String::from_utf8_lossy(&bytes)),
            None => break,
        }
    }
    assert!(received.contains("event: session_ended"), "{received}");
    assert!(
        !received.contains(&own.to_string()),
        "an event reached a revoked session: {received}"
    );
}

#[tokio::test]
async fn a_stopping_service_ends_its_open_event_streams_so_the_stop_does_not_wait_for_them() {
    let s = Server::start().await;
    let viewer = s.login("viewer.sur").await;
    let admin = s.login("admin.sur").await;
    let (status, created) = s.post(Some(&admin), "/api/v1/tv-tokens", json!({"label": "TV"})).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let tv_code = created["token"].as_str().unwrap().to_string();
    let mut person = s
        .client
        .get(format!("{}/api/v1/events", s.base))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    let mut tv = s
        .client
        .get(format!("{}/api/v1/tv/events", s.base))
        .bearer_auth(&tv_code)
        .send()
        .await
        .unwrap();
    assert_eq!((person.status(), tv.status()), (StatusCode::OK, StatusCode::OK));

    s.stopping.cancel();
    for stream in [&mut person, &mut tv] {
        let (received, ended) = read_stream(stream, |_| false).await;
        assert!(ended, "the stream must end when the service stops: {received}");
        assert!(
            !received.contains("session_ended"),
            "the session did not end: {received}"
        );
    }
    tokio::time::timeout(std::time::Duration::from_secs(5), s.served)
        .await
        .expect("the graceful stop finishes within 5 s")
        .unwrap();
}

#[tokio::test]
async fn report_summary_and_exports_for_a_period() {
    let s = Server::start().await;
    let viewer = s.login("viewer.sur").await;
    let period = "from=2026-05-01&to=2026-05-31";
    let (status, summary) = s
        .get(
            Some(&viewer),
            &format!("/api/v1/reports/summary?{period}&group_by=vendor"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{summary}");
    let rows = summary["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["label"], "Vendedor-sur");
    assert_eq!(rows[0]["sent"], 3);
    assert_eq!(rows[0]["approval_rate"], Value::Null, "nothing evaluated yet");
    let (status, _) = s
        .get(Some(&viewer), "/api/v1/reports/summary?from=2026-05-31&to=2026-05-01")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    let csv = s
        .client
        .get(format!("{}/api/v1/reports/exhibitions.csv?{period}", s.base))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("exhibiciones_2026-05-01_2026-05-31.csv")
    );
    let bytes = csv.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM for Excel");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(
        lines[0].starts_with("ID;Enviada;Evaluada;Grupo;Vendedor;Nº de cliente"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].contains(";2026-05-01 09:00;") && lines[1].contains("Pendiente de evaluación"),
        "{}",
        lines[1]
    );
    assert!(
        !text.contains(&s.tenants[1].customer),
        "other tenant's rows in the export"
    );

    let xlsx = s
        .client
        .get(format!("{}/api/v1/reports/exhibitions.xlsx?{period}", s.base))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), StatusCode::OK);
    let bytes = xlsx.bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut sheet = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("xl/worksheets/sheet1.xml").unwrap(), &mut sheet).unwrap();
    assert_eq!(sheet.matches(&s.tenants[0].customer).count(), 3, "three data rows");
    assert!(sheet.contains("Vendedor-sur"));

    let foreign = format!(
        "/api/v1/reports/exhibitions.csv?{period}&distributor={}",
        s.tenants[1].id
    );
    assert_eq!(
        s.client
            .get(format!("{}{foreign}", s.base))
            .bearer_auth(&viewer)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn openapi_documents_every_endpoint_and_resolves_every_schema() {
    let s = Server::start().await;
    let (status, doc) = s.get(None, "/api/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let expected = [
        ("get", "/api/v1/health"),
        ("post", "/api/v1/auth/login"),
        ("post", "/api/v1/auth/logout"),
        ("get", "/api/v1/me"),
        ("get", "/api/v1/setup"),
        ("post", "/api/v1/setup"),
        ("get", "/api/v1/exhibitions"),
        ("get", "/api/v1/exhibitions/count"),
        ("get", "/api/v1/exhibitions/{id}"),
        ("post", "/api/v1/exhibitions/{id}/evaluation"),
        ("get", "/api/v1/exhibitions/{id}/photos/{position}"),
        ("get", "/api/v1/exhibitions/{id}/photos/{position}/thumbnail"),
        ("get", "/api/v1/ranking"),
        ("get", "/api/v1/reports/summary"),
        ("get", "/api/v1/reports/exhibitions.csv"),
        ("get", "/api/v1/reports/exhibitions.xlsx"),
        ("get", "/api/v1/events"),
        ("get", "/api/v1/tv/ranking"),
        ("get", "/api/v1/tv/events"),
        ("get", "/api/v1/distributors"),
        ("post", "/api/v1/distributors"),
        ("get", "/api/v1/distributors/{id}"),
        ("patch", "/api/v1/distributors/{id}"),
        ("get", "/api/v1/distributors/{id}/bot-status"),
        ("get", "/api/v1/groups"),
        ("post", "/api/v1/groups"),
        ("patch", "/api/v1/groups/{id}"),
        ("get", "/api/v1/members"),
        ("patch", "/api/v1/members/{id}"),
        ("get", "/api/v1/pdv-types"),
        ("post", "/api/v1/pdv-types"),
        ("patch", "/api/v1/pdv-types/{id}"),
        ("get", "/api/v1/users"),
        ("post", "/api/v1/users"),
        ("patch", "/api/v1/users/{id}"),
        ("get", "/api/v1/tv-tokens"),
        ("post", "/api/v1/tv-tokens"),
        ("delete", "/api/v1/tv-tokens/{id}"),
        ("get", "/api/v1/jobs"),
        ("get", "/api/v1/jobs/{id}"),
        ("patch", "/api/v1/jobs/{id}"),
        ("post", "/api/v1/jobs/{id}/run"),
        ("get", "/api/v1/jobs/{id}/runs"),
        ("get", "/api/v1/backups"),
        ("post", "/api/v1/backups/{file_name}/restore"),
        ("post", "/api/v1/legacy-import"),
        ("post", "/api/v1/me/password"),
        ("get", "/api/v1/work"),
        ("get", "/api/v1/work/given-up"),
        ("post", "/api/v1/work/retry"),
        ("post", "/api/v1/work/dismiss"),
        ("get", "/api/v1/error-events"),
        ("get", "/api/v1/audit"),
    ];
    let paths = doc["paths"].as_object().unwrap();
    for (method, path) in expected {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} is not documented"
        );
    }
    let documented: usize = paths.values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(
        documented,
        expected.len(),
        "an endpoint is documented but not listed here"
    );
    // Every reference points at a schema that exists.
    let text = doc.to_string();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for reference in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = reference.split('"').next().unwrap();
        assert!(schemas.contains_key(name), "dangling schema reference {name}");
    }
    assert!(schemas.contains_key("ExhibitionSummary") && schemas.contains_key("ErrorBody"));
    // Every documented endpoint answers (is routed) rather than 404/405 for a bad method.
    for (method, path) in expected.iter().filter(|(m, _)| *m == "get") {
        let concrete = path
            .replace("{id}", &s.tenants[0].exhibitions[0].to_string())
            .replace("{position}", "0");
        let status = s
            .client
            .get(format!("{}{concrete}", s.base))
            .send()
            .await
            .unwrap()
            .status();
        assert!(
            status != StatusCode::NOT_FOUND && status != StatusCode::METHOD_NOT_ALLOWED,
            "{method} {path}: {status}"
        );
    }
}

async fn send(
    s: &Server,
    method: reqwest::Method,
    token: &str,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let mut req = s.client.request(method, format!("{}{path}", s.base)).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status();
    (status, resp.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn thumbnails_are_made_once_and_small() {
    let s = Server::start().await;
    // Replace one fixture photo with a real 1200x900 JPEG.
    let path = s._dir.path().join("photos/sur/2.jpg");
    let big = image::RgbImage::from_fn(1200, 900, |x, y| image::Rgb([(x % 255) as u8, (y % 255) as u8, 90]));
    big.save(&path).unwrap();
    let token = s.login("viewer.sur").await;
    let id = s.tenants[0].exhibitions[2];
    let url = format!("{}/api/v1/exhibitions/{id}/photos/0/thumbnail", s.base);
    let first = s.client.get(&url).bearer_auth(&token).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert_eq!(first.headers()["content-type"], "image/jpeg");
    let bytes = first.bytes().await.unwrap();
    let thumb = image::load_from_memory(&bytes).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (320, 240));
    let cached = s._dir.path().join("photos/.thumbnails/sur/2.jpg");
    let modified = std::fs::metadata(&cached).unwrap().modified().unwrap();
    let second = s
        .client
        .get(&url)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(second, bytes);
    assert_eq!(
        std::fs::metadata(&cached).unwrap().modified().unwrap(),
        modified,
        "generated once"
    );
    // A file that is not an image is a clear error, not a crash.
    let broken = format!(
        "{}/api/v1/exhibitions/{}/photos/0/thumbnail",
        s.base, s.tenants[0].exhibitions[0]
    );
    assert_eq!(
        s.client.get(&broken).bearer_auth(&token).send().await.unwrap().status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let foreign = format!(
        "{}/api/v1/exhibitions/{}/photos/0/thumbnail",
        s.base, s.tenants[1].exhibitions[0]
    );
    assert_eq!(
        s.client
            .get(&foreign)
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}

const VALID_TOKEN: &str = "5555555555:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

#[tokio::test]
async fn distributors_are_created_by_the_superadmin_with_a_token_checked_by_telegram() {
    let s = Server::start().await;
    s.telegram.add_bot(VALID_TOKEN, "nuevo_bot");
    let root = s.login("root").await;
    let admin = s.login("admin.sur").await;
    let new = json!({"name": "Distribuidora Nueva", "bot_token": VALID_TOKEN, "admin_telegram_id": 99});
    assert_eq!(
        send(
            &s,
            reqwest::Method::POST,
            &admin,
            "/api/v1/distributors",
            Some(new.clone())
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    let (status, d) = send(&s, reqwest::Method::POST, &root, "/api/v1/distributors", Some(new)).await;
    assert_eq!(status, StatusCode::CREATED, "{d}");
    assert_eq!(d["has_bot_token"], true);
    assert!(!d.to_string().contains("AAHdqTcv"), "the token is write-only: {d}");
    assert_eq!(s.telegram.requests_to("getMe").len(), 1, "validated with getMe");

    let unknown = json!({"name": "Con token falso", "bot_token": "1234567:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"});
    let (status, body) = send(&s, reqwest::Method::POST, &root, "/api/v1/distributors", Some(unknown)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["message"].as_str().unwrap().contains("BotFather"));

    let (_, list) = send(&s, reqwest::Method::GET, &admin, "/api/v1/distributors", None).await;
    assert_eq!(
        list.as_array().unwrap().len(),
        1,
        "an admin sees only their distributor"
    );
    let (_, list) = send(&s, reqwest::Method::GET, &root, "/api/v1/distributors", None).await;
    assert_eq!(list.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn admins_change_their_settings_but_not_another_tenants() {
    let s = Server::start().await;
    let admin = s.login("admin.sur").await;
    let own = s.tenants[0].id;
    let other = s.tenants[1].id;
    let settings = json!({"hibernation_start": "23:00", "hibernation_enabled": true, "points_highlighted": 3});
    let (status, d) = send(
        &s,
        reqwest::Method::PATCH,
        &admin,
        &format!("/api/v1/distributors/{own}"),
        Some(settings.clone()),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["hibernation"]["start"], "23:00:00");
    assert_eq!(d["scoring"]["highlighted"], 3);
    // The Drive archive: refused without a folder, kept with one.
    let path = format!("/api/v1/distributors/{own}");
    let drive = json!({"photo_storage": "google_drive"});
    let (status, err) = send(&s, reqwest::Method::PATCH, &admin, &path, Some(drive)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert!(err["message"].as_str().unwrap().contains("drive_folder_id"), "{err}");
    let drive = json!({"photo_storage": "google_drive", "drive_folder_id": " 1AbCdEfFolder "});
    let (status, d) = send(&s, reqwest::Method::PATCH, &admin, &path, Some(drive)).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["photo_storage"], "google_drive");
    assert_eq!(d["drive_folder_id"], "1AbCdEfFolder");
    assert_eq!(
        send(
            &s,
            reqwest::Method::PATCH,
            &admin,
            &format!("/api/v1/distributors/{other}"),
            Some(settings)
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let rename = json!({"name": "Otro nombre"});
    assert_eq!(
        send(
            &s,
            reqwest::Method::PATCH,
            &admin,
            &format!("/api/v1/distributors/{own}"),
            Some(rename)
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    let sup = s.login("supervisor.sur").await;
    let (status, _) = send(
        &s,
        reqwest::Method::PATCH,
        &sup,
        &format!("/api/v1/distributors/{own}"),
        Some(json!({"points_approved": 5})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, bot) = send(
        &s,
        reqwest::Method::GET,
        &admin,
        &format!("/api/v1/distributors/{own}/bot-status"),
        None,
    )
    .await;
    assert_eq!(
        (status, bot["state"].clone()),
        (StatusCode::OK, json!("stopped")),
        "{bot}"
    );
    let (status, _) = send(
        &s,
        reqwest::Method::GET,
        &admin,
        &format!("/api/v1/distributors/{other}/bot-status"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let bad = json!({"hibernation_end": "25:99"});
    assert_eq!(
        send(
            &s,
            reqwest::Method::PATCH,
            &admin,
            &format!("/api/v1/distributors/{own}"),
            Some(bad)
        )
        .await
        .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}

#[tokio::test]
async fn the_alerts_recipient_is_set_kept_when_absent_and_removed_with_null() {
    let s = Server::start().await;
    let admin = s.login("admin.sur").await;
    let foreign = s.login("admin.norte").await;
    let path = format!("/api/v1/distributors/{}", s.tenants[0].id);
    let (server, at) = (&s, path.as_str());
    let patch = move |token: &str, body: Value| {
        let token = token.to_string();
        async move { send(server, reqwest::Method::PATCH, &token, at, Some(body)).await }
    };

    let (status, d) = patch(&admin, json!({"admin_telegram_id": 123_456_789})).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["admin_telegram_id"], 123_456_789);

    // Absent: left as it is while something else changes.
    let (status, d) = patch(&admin, json!({"points_approved": 4})).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["admin_telegram_id"], 123_456_789, "{d}");
    assert_eq!(d["scoring"]["approved"], 4);

    // Another tenant's admin can neither clear nor change it.
    for body in [json!({"admin_telegram_id": null}), json!({"admin_telegram_id": 5})] {
        let (status, _) = patch(&foreign, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (_, d) = send(&s, reqwest::Method::GET, &admin, &path, None).await;
    assert_eq!(d["admin_telegram_id"], 123_456_789, "{d}");

    // An explicit null removes it.
    let (status, d) = patch(&admin, json!({"admin_telegram_id": null})).await;
    assert_eq!(status, StatusCode::OK, "{d}");
    assert_eq!(d["admin_telegram_id"], Value::Null, "{d}");
    assert_eq!(d["scoring"]["approved"], 4, "the rest is untouched");
    let (_, d) = send(&s, reqwest::Method::GET, &admin, &path, None).await;
    assert!(d.get("admin_telegram_id").is_some_and(Value::is_null), "{d}");

    // Anything but a number or null is refused.
    let (status, _) = patch(&admin, json!({"admin_telegram_id": "nadie"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // The OpenAPI document says the same.
    let (_, doc) = s.get(None, "/api/v1/openapi.json").await;
    let field = &doc["components"]["schemas"]["DistributorSettings"]["properties"]["admin_telegram_id"];
    assert!(field.to_string().contains("null"), "nullable: {field}");
    assert!(field["description"].as_str().unwrap().contains("`null`"), "{field}");
    let required = doc["components"]["schemas"]["DistributorSettings"]["required"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        !required.contains(&json!("admin_telegram_id")),
        "optional: {required:?}"
    );
}

#[tokio::test]
async fn invalid_data_is_explained_in_spanish_with_the_field() {
    let s = Server::start().await;
    let admin = s.login("admin.sur").await;
    let root = s.login("root").await;
    let viewer = s.login("viewer.sur").await;
    let own = format!("/api/v1/distributors/{}", s.tenants[0].id);
    let cases = [
        (
            reqwest::Method::POST,
            &admin,
            "/api/v1/users".to_string(),
            Some(json!({"username": "con espacio", "password": "clave-nueva-123", "role": "viewer"})),
            "username: de 3 a 40 caracteres, solo letras, números o . _ - @ (sin espacios)",
        ),
        (
            reqwest::Method::POST,
            &admin,
            "/api/v1/users".to_string(),
            Some(json!({"username": "corta", "password": "1234567", "role": "viewer"})),
            "password: debe tener al menos 8 caracteres",
        ),
        (
            reqwest::Method::PATCH,
            &admin,
            own.clone(),
            Some(json!({"points_approved": 1001})),
            "points_approved: debe estar entre 0 y 1000",
        ),
        (
            reqwest::Method::PATCH,
            &admin,
            own.clone(),
            Some(json!({"hibernation_end": "25:99"})),
            "hibernation_end: se esperaba HH:MM (24 h), no \"25:99\"",
        ),
        (
            reqwest::Method::PATCH,
            &admin,
            own.clone(),
            Some(json!({"time_zone": "Mars/Olympus"})),
            "time_zone: \"Mars/Olympus\" no es una zona horaria IANA conocida (por ejemplo America/Argentina/Buenos_Aires)",
        ),
        (
            reqwest::Method::POST,
            &admin,
            "/api/v1/pdv-types".to_string(),
            Some(json!({"name": " "})),
            "name: debe tener de 1 a 60 caracteres",
        ),
        (
            reqwest::Method::POST,
            &admin,
            "/api/v1/groups".to_string(),
            Some(json!({"chat_id": -100_999, "title": " "})),
            "title: no puede quedar vacío",
        ),
        (
            reqwest::Method::GET,
            &root,
            "/api/v1/groups".to_string(),
            None,
            "distributor: es obligatorio para el superadmin",
        ),
        (
            reqwest::Method::GET,
            &viewer,
            "/api/v1/ranking?month=2026-13".to_string(),
            None,
            "month: el mes va de 1 a 12, no 13",
        ),
        (
            reqwest::Method::GET,
            &viewer,
            "/api/v1/reports/summary?from=2026-05-01".to_string(),
            None,
            "from y to van juntos: indicá los dos o ninguno",
        ),
        (
            reqwest::Method::GET,
            &viewer,
            "/api/v1/reports/summary?from=2026-05-31&to=2026-05-01".to_string(),
            None,
            "el período termina (2026-05-01) antes de empezar (2026-05-31)",
        ),
    ];
    for (method, token, path, body, why) in cases {
        let (status, err) = send(&s, method.clone(), token, &path, body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{method} {path}: {err}");
        assert_eq!(err["code"], "invalid", "{method} {path}: {err}");
        assert_eq!(err["message"], format!("Datos inválidos: {why}"), "{method} {path}");
    }
}

#[tokio::test]
async fn admin_manages_groups_members_pdv_types_and_users_of_their_tenant_only() {
    let s = Server::start().await;
    let admin = s.login("admin.sur").await;
    let norte_admin = s.login("admin.norte").await;
    use reqwest::Method;

    let (status, g) = send(
        &s,
        Method::POST,
        &admin,
        "/api/v1/groups",
        Some(json!({"chat_id": -100999, "title": "Nuevo grupo"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{g}");
    let gid = g["id"].as_i64().unwrap();
    let (status, g) = send(
        &s,
        Method::PATCH,
        &admin,
        &format!("/api/v1/groups/{gid}"),
        Some(json!({"active": false})),
    )
    .await;
    assert_eq!((status, g["active"].clone()), (StatusCode::OK, json!(false)));
    assert_eq!(
        send(
            &s,
            Method::PATCH,
            &norte_admin,
            &format!("/api/v1/groups/{gid}"),
            Some(json!({"title": "x"}))
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );

    let (_, members) = send(&s, Method::GET, &admin, "/api/v1/members", None).await;
    let mid = members[0]["id"].as_i64().unwrap();
    let (status, m) = send(
        &s,
        Method::PATCH,
        &admin,
        &format!("/api/v1/members/{mid}"),
        Some(json!({"role": "supervisor"})),
    )
    .await;
    assert_eq!((status, m["role"].clone()), (StatusCode::OK, json!("supervisor")));
    assert_eq!(
        send(
            &s,
            Method::PATCH,
            &norte_admin,
            &format!("/api/v1/members/{mid}"),
            Some(json!({"role": "admin"}))
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let (_, norte_members) = send(&s, Method::GET, &norte_admin, "/api/v1/members", None).await;
    assert!(!norte_members.to_string().contains("Vendedor-sur"));

    let (status, p) = send(
        &s,
        Method::POST,
        &admin,
        "/api/v1/pdv-types",
        Some(json!({"name": "Farmacia"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let pid = p["id"].as_i64().unwrap();
    let (status, _) = send(
        &s,
        Method::PATCH,
        &admin,
        &format!("/api/v1/pdv-types/{pid}"),
        Some(json!({"position": 0})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, dup) = send(
        &s,
        Method::POST,
        &admin,
        "/api/v1/pdv-types",
        Some(json!({"name": "farmacia"})),
    )
    .await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(dup["code"], "already_exists");
    assert_eq!(
        dup["message"],
        "Ya existe el tipo de PDV «farmacia» en esta distribuidora."
    );

    let new_user = json!({"username": "nuevo.sur", "password": "clave-nueva-123", "role": "supervisor"});
    let (status, u) = send(&s, Method::POST, &admin, "/api/v1/users", Some(new_user.clone())).await;
    assert_eq!(status, StatusCode::CREATED, "{u}");
    let (status, dup) = send(&s, Method::POST, &admin, "/api/v1/users", Some(new_user)).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        dup["message"],
        "Ya existe el usuario «nuevo.sur»: elegí otro nombre de usuario."
    );
    assert!(u.get("password_hash").is_none());
    assert_eq!(u["distributor_id"], s.tenants[0].id);
    let root_user = json!({"username": "otro.root", "password": "clave-nueva-123", "role": "superadmin"});
    assert_eq!(
        send(&s, Method::POST, &admin, "/api/v1/users", Some(root_user)).await.0,
        StatusCode::FORBIDDEN
    );
    let uid = u["id"].as_i64().unwrap();
    let token = {
        let r = s
            .post(
                None,
                "/api/v1/auth/login",
                json!({"username": "nuevo.sur", "password": "clave-nueva-123"}),
            )
            .await;
        r.1["token"].as_str().unwrap().to_string()
    };
    assert_eq!(
        send(
            &s,
            Method::PATCH,
            &norte_admin,
            &format!("/api/v1/users/{uid}"),
            Some(json!({"active": false}))
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    let (status, _) = send(
        &s,
        Method::PATCH,
        &admin,
        &format!("/api/v1/users/{uid}"),
        Some(json!({"active": false})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        s.get(Some(&token), "/api/v1/me").await.0,
        StatusCode::UNAUTHORIZED,
        "deactivation ends sessions"
    );

    // An admin cannot lock themself out: not deactivate, not demote (a name change is fine).
    let (_, me) = s.get(Some(&admin), "/api/v1/me").await;
    let me = format!("/api/v1/users/{}", me["id"].as_i64().unwrap());
    for change in [json!({"active": false}), json!({"role": "viewer"})] {
        let (status, body) = send(&s, Method::PATCH, &admin, &me, Some(change.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{change}: {body}");
        assert!(body["message"].as_str().unwrap().contains("propia cuenta"), "{body}");
    }
    let (status, body) = send(
        &s,
        Method::PATCH,
        &admin,
        &me,
        Some(json!({"role": "admin", "display_name": "Ana"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        s.get(Some(&admin), "/api/v1/me").await.0,
        StatusCode::OK,
        "still signed in"
    );

    for who in ["supervisor.sur", "viewer.sur"] {
        let t = s.login(who).await;
        for path in [
            "/api/v1/groups",
            "/api/v1/members",
            "/api/v1/users",
            "/api/v1/tv-tokens",
        ] {
            assert_eq!(
                send(&s, Method::GET, &t, path, None).await.0,
                StatusCode::FORBIDDEN,
                "{who} GET {path}"
            );
        }
        assert_eq!(
            send(&s, Method::POST, &t, "/api/v1/pdv-types", Some(json!({"name": "X"})))
                .await
                .0,
            StatusCode::FORBIDDEN
        );
    }
}

#[tokio::test]
async fn a_tv_token_shows_one_ranking_and_nothing_else_until_revoked() {
    let s = Server::start().await;
    let admin = s.login("admin.sur").await;
    let (status, created) = send(
        &s,
        reqwest::Method::POST,
        &admin,
        "/api/v1/tv-tokens",
        Some(json!({"label": "TV del salón"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let tv = created["token"].as_str().unwrap().to_string();
    let (status, ranking) = s.get(Some(&tv), "/api/v1/tv/ranking").await;
    assert_eq!(status, StatusCode::OK, "{ranking}");
    assert_eq!(ranking["distributor_id"], s.tenants[0].id);
    for path in ["/api/v1/me", "/api/v1/exhibitions", "/api/v1/ranking"] {
        assert_eq!(
            s.get(Some(&tv), path).await.0,
            StatusCode::UNAUTHORIZED,
            "a TV token opens only the TV ranking: {path}"
        );
    }
    let session = s.login("viewer.sur").await;
    assert_eq!(
        s.get(Some(&session), "/api/v1/tv/ranking").await.0,
        StatusCode::UNAUTHORIZED,
        "a session is not a TV token"
    );
    let id = created["tv_token"]["id"].as_i64().unwrap();
    let norte = s.login("admin.norte").await;
    assert_eq!(
        send(
            &s,
            reqwest::Method::DELETE,
            &norte,
            &format!("/api/v1/tv-tokens/{id}"),
            None
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(
            &s,
            reqwest::Method::DELETE,
            &admin,
            &format!("/api/v1/tv-tokens/{id}"),
            None
        )
        .await
        .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(s.get(Some(&tv), "/api/v1/tv/ranking").await.0, StatusCode::UNAUTHORIZED);
}

/// Reads a server-sent event stream until `done` holds for what arrived, or it ends.
async fn read_stream(stream: &mut reqwest::Response, done: impl Fn(&str) -> bool) -> (String, bool) {
    let mut received = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
    while !done(&received) {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk())
            .await
            .unwrap_or_else(|_| panic!("nothing more within 5 s; so far: {received}"))
            .unwrap();
        match chunk {
            Some(bytes) => received.push_str(&String::from_utf8_lossy(&bytes)),
            None => return (received, true),
        }
    }
    (received, false)
}

#[tokio::test]
async fn a_tv_token_hears_when_its_ranking_changes_and_nothing_else_until_revoked() {
    let s = Server::start().await;
    let admin = s.login("admin.sur").await;
    let (status, created) = send(
        &s,
        reqwest::Method::POST,
        &admin,
        "/api/v1/tv-tokens",
        Some(json!({"label": "TV del depósito"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let tv = created["token"].as_str().unwrap().to_string();
    let (_, ranking) = s.get(Some(&tv), "/api/v1/tv/ranking").await;
    assert_eq!(ranking["distributor_name"], "Dist sur", "the kiosk's title: {ranking}");

    let open = |token: &str| {
        s.client
            .get(format!("{}/api/v1/tv/events", s.base))
            .bearer_auth(token)
            .send()
    };
    let session = s.login("viewer.sur").await;
    assert_eq!(
        open(&session).await.unwrap().status(),
        StatusCode::UNAUTHORIZED,
        "a session is not a TV token"
    );
    let mut stream = open(&tv).await.unwrap();
    assert_eq!(stream.status(), StatusCode::OK);

    // A verdict in the other tenant, then one in the TV's own.
    let body = json!({"verdict": "approved", "expected_status": "pending"});
    let norte = s.login("supervisor.norte").await;
    let foreign = s.tenants[1].exhibitions[0];
    let (status, _) = s
        .post(
            Some(&norte),
            &format!("/api/v1/exhibitions/{foreign}/evaluation"),
            body.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let own = s.tenants[0].exhibitions[0];
    let sup = s.login("supervisor.sur").await;
    let (status, _) = s
        .post(
            Some(&sup),
            &format!("/api/v1/exhibitions/{own}/evaluation"),
            body.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (received, ended) = read_stream(&mut stream, |r| r.contains("ranking_changed")).await;
    assert!(!ended, "{received}");
    assert_eq!(received.matches("event: ranking_changed").count(), 1, "{received}");
    for id in [own, foreign] {
        assert!(
            !received.contains(&id.to_string()),
            "the kiosk learns no exhibition: {received}"
        );
    }

    // Revoked: the next change ends the stream instead of reaching the TV.
    let id = created["tv_token"]["id"].as_i64().unwrap();
    let (status, _) = send(
        &s,
        reqwest::Method::DELETE,
        &admin,
        &format!("/api/v1/tv-tokens/{id}"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let next = s.tenants[0].exhibitions[1];
    let (status, _) = s
        .post(Some(&sup), &format!("/api/v1/exhibitions/{next}/evaluation"), body)
        .await;
    assert_eq!(status, StatusCode::OK);
    let (received, ended) = read_stream(&mut stream, |_| false).await;
    assert!(ended, "{received}");
    assert!(received.contains("event: session_ended"), "{received}");
    assert!(!received.contains("ranking_changed"), "{received}");
    assert_eq!(open(&tv).await.unwrap().status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_time_zone_change_shows_at_once_in_local_times() {
    let s = Server::start().await;
    let sup = s.login("supervisor.sur").await;
    let (_, before) = s.get(Some(&sup), "/api/v1/exhibitions?status=pending&limit=1").await;
    assert_eq!(before["items"][0]["submitted_at_local"], "2026-05-01 09:00");
    let admin = s.login("admin.sur").await;
    let own = s.tenants[0].id;
    let (status, _) = send(
        &s,
        reqwest::Method::PATCH,
        &admin,
        &format!("/api/v1/distributors/{own}"),
        Some(json!({"time_zone": "UTC"})),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, after) = s.get(Some(&sup), "/api/v1/exhibitions?status=pending&limit=1").await;
    assert_eq!(after["items"][0]["submitted_at_local"], "2026-05-01 12:00");
}

#[tokio::test]
async fn a_request_that_does_not_fit_gets_the_usual_json_error_not_plain_text() {
    let s = Server::start().await;
    let admin = s.login("admin.sur").await;
    let own = format!("/api/v1/distributors/{}", s.tenants[0].id);
    let url = |path: &str| format!("{}{path}", s.base);

    // A field of the wrong type.
    let (status, body) = send(
        &s,
        reqwest::Method::PATCH,
        &admin,
        &own,
        Some(json!({"admin_telegram_id": "nadie"})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["code"], "invalid");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.starts_with("Datos inválidos: el cuerpo no tiene la forma esperada: admin_telegram_id: invalid type"),
        "{message}"
    );

    // Not JSON at all, and JSON without its content type.
    for (content_type, text, says) in [
        ("application/json", "{\"name\": ", "el cuerpo no es JSON válido"),
        (
            "text/plain",
            "{\"name\": \"Farmacia\"}",
            "Content-Type: application/json",
        ),
    ] {
        let resp = s
            .client
            .post(url("/api/v1/pdv-types"))
            .bearer_auth(&admin)
            .header("content-type", content_type)
            .body(text)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["code"], "invalid");
        assert!(body["message"].as_str().unwrap().contains(says), "{body}");
    }

    // A query parameter that does not parse.
    let (status, body) = send(
        &s,
        reqwest::Method::GET,
        &admin,
        "/api/v1/exhibitions?status=maybe",
        None,
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("Datos inválidos: parámetros de la consulta: "),
        "{body}"
    );

    // A path that names nothing is not found, in JSON.
    let (status, body) = send(&s, reqwest::Method::GET, &admin, "/api/v1/exhibitions/not-a-uuid", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["code"], "not_found");
}
