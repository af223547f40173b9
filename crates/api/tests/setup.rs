//! First run of a fresh install through real HTTP: the first user is created
//! once, from the server's machine only, and can log in at once.

#![allow(clippy::unwrap_used)] // test fixtures panic on purpose

use std::net::SocketAddr;

use centermind_api::{AppState, router};
use centermind_core::store::Db;
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn start() -> (String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&format!("sqlite://{}", dir.path().join("fresh.db").display()))
        .await
        .unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = router(AppState::new(db, dir.path().join("photos")));
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .await
            .unwrap();
    });
    (format!("http://{addr}"), dir)
}

fn form(username: &str) -> Value {
    json!({
        "distributor_name": "Distribuidora Nueva",
        "time_zone": "America/Argentina/Cordoba",
        "username": username,
        "display_name": "Ana Admin",
        "password": "una-clave-larga",
    })
}

async fn get_json(client: &reqwest::Client, url: String, token: Option<&str>) -> Value {
    let mut request = client.get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap().json().await.unwrap()
}

async fn needs_setup(client: &reqwest::Client, base: &str) -> bool {
    get_json(client, format!("{base}/api/v1/setup"), None).await["needs_setup"]
        .as_bool()
        .unwrap()
}

#[tokio::test]
async fn a_fresh_install_creates_its_first_user_once_and_logs_in() {
    let (base, _dir) = start().await;
    let client = reqwest::Client::new();
    assert!(needs_setup(&client, &base).await);

    let created = client
        .post(format!("{base}/api/v1/setup"))
        .json(&form("ana"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::OK);
    let body: Value = created.json().await.unwrap();
    assert_eq!(body["user"]["role"], "superadmin");
    let token = body["token"].as_str().unwrap();
    let me = get_json(&client, format!("{base}/api/v1/me"), Some(token)).await;
    assert_eq!(me["username"], "ana");
    let distributors = get_json(&client, format!("{base}/api/v1/distributors"), Some(token)).await;
    assert_eq!(distributors.as_array().unwrap().len(), 1, "{distributors}");
    assert_eq!(distributors[0]["time_zone"], "America/Argentina/Cordoba");
    assert!(!needs_setup(&client, &base).await);

    // A second attempt (another window, an intruder) is refused and creates nothing.
    let again = client
        .post(format!("{base}/api/v1/setup"))
        .json(&form("intruso"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let err: Value = again.json().await.unwrap();
    assert_eq!(err["code"], "already_set_up");
    let login = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"username": "intruso", "password": "una-clave-larga"}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_proxied_request_cannot_claim_a_fresh_install() {
    let (base, _dir) = start().await;
    let client = reqwest::Client::new();
    let r = client
        .post(format!("{base}/api/v1/setup"))
        .header("X-Forwarded-For", "203.0.113.9")
        .json(&form("ana"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let err: Value = r.json().await.unwrap();
    assert_eq!(err["code"], "setup_not_local");
    assert!(needs_setup(&client, &base).await, "nothing was created");
}

#[tokio::test]
async fn invalid_first_user_data_is_explained_and_nothing_is_created() {
    let (base, _dir) = start().await;
    let client = reqwest::Client::new();
    let mut weak = form("ana");
    weak["password"] = json!("corta");
    let r = client
        .post(format!("{base}/api/v1/setup"))
        .json(&weak)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: Value = r.json().await.unwrap();
    assert_eq!(err["code"], "invalid");
    assert!(err["message"].as_str().unwrap().contains("password"), "{err}");
    assert!(needs_setup(&client, &base).await);
}
