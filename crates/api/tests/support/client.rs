//! The API served on a free port of 127.0.0.1, and a JSON client of it that
//! logs in with the tests' password (`tests/jobs.rs`, `tests/work.rs`).

use std::net::SocketAddr;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Every test user's password.
pub const PASSWORD: &str = "clave-de-prueba";

pub struct Client {
    pub base: String,
    pub http: reqwest::Client,
}

impl Client {
    /// Serves `app` and returns its client.
    pub async fn serve(app: axum::Router) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
                .await
                .unwrap();
        });
        Self {
            base: format!("http://{addr}"),
            http: reqwest::Client::new(),
        }
    }

    /// A session token of `username` (who must exist with [`PASSWORD`]).
    pub async fn login(&self, username: &str) -> String {
        let (status, body) = self
            .send(
                Method::POST,
                None,
                "/api/v1/auth/login",
                Some(json!({"username": username, "password": PASSWORD})),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{username}: {body}");
        body["token"].as_str().unwrap().to_string()
    }

    /// The status and JSON body (`null` when there is none) of one request.
    pub async fn send(
        &self,
        method: Method,
        token: Option<&str>,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn get(&self, token: &str, path: &str) -> (StatusCode, Value) {
        self.send(Method::GET, Some(token), path, None).await
    }
}
