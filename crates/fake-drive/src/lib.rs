//! A fake Google Drive for tests: the Drive v3 files API and Google's OAuth
//! 2.0 token endpoint, on `127.0.0.1:<random port>`, speaking the real wire
//! protocol so that a real client (reqwest, or any Drive client) can use it.
//!
//! - `POST /token` (form): `grant_type=refresh_token` with `client_id`,
//!   `client_secret` and `refresh_token`; answers an access token that expires
//!   after [`FakeDrive::set_token_lifetime`] (default 3599 s), or Google's
//!   `invalid_client` / `invalid_grant` errors.
//! - `POST /upload/drive/v3/files?uploadType=multipart`: a `multipart/related`
//!   body (JSON metadata part, then the media part), parsed strictly.
//! - `POST /drive/v3/files`: create from metadata only (folders).
//! - `GET /drive/v3/files?q=…`: `name = '…'`, `'<id>' in parents`,
//!   `mimeType =|!= '…'` and `trashed = false|true` joined by `and`.
//! - `GET /drive/v3/files/{id}` (metadata) and `?alt=media` (content).
//!
//! Every Drive call needs `Authorization: Bearer <access token>`: a missing,
//! unknown or expired token gets Google's 401. Responses honour `fields=`.
//! A parent that does not exist answers 404 `File not found`, as Drive does.
//!
//! What it offers tests: folders to upload into ([`FakeDrive::add_folder`]),
//! the files as stored ([`FakeDrive::files_in`]), scripted faults per endpoint
//! ([`FakeDrive::fail_next`]: 500, 503, 429, 401 expired token, 403, quota,
//! a 500 *after* the file was created, a slow answer), forced expiry of the
//! access tokens issued so far, and a request log.

pub mod wire;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};
use tokio::sync::watch;

/// The OAuth client and refresh token the fake accepts by default.
pub const CLIENT_ID: &str = "123456789-fake.apps.googleusercontent.com";
pub const CLIENT_SECRET: &str = "GOCSPX-fake-client-secret";
pub const REFRESH_TOKEN: &str = "1//fake-refresh-token";
/// Drive's MIME type for folders.
pub const FOLDER_MIME: &str = "application/vnd.google-apps.folder";

/// Which API a request went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `POST /token`.
    Token,
    /// `POST /upload/drive/v3/files`.
    Upload,
    /// `POST /drive/v3/files` (metadata only).
    Create,
    /// `GET /drive/v3/files`.
    List,
    /// `GET /drive/v3/files/{id}`.
    Get,
    /// `GET /drive/v3/files/{id}?alt=media`.
    Download,
}

/// A scripted answer for the next call of an endpoint (see [`FakeDrive::fail_next`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// 500 `backendError`.
    ServerError,
    /// 503 `backendError` ("Service Unavailable").
    Unavailable,
    /// 429 `rateLimitExceeded`.
    TooManyRequests,
    /// 401 `authError`, as for an access token that has just expired.
    ExpiredToken,
    /// 403 `insufficientFilePermissions` (the folder is not shared with the account).
    Forbidden,
    /// 403 `storageQuotaExceeded` (the account's Drive is full).
    StorageQuotaExceeded,
    /// Do the work (the file is created), then answer 500: the client cannot
    /// know it succeeded, as when a connection drops after the upload.
    ServerErrorAfterCommit,
    /// Wait this long, then answer normally.
    Slow(Duration),
}

/// One request as the fake received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub endpoint: Endpoint,
    /// Query string pairs.
    pub query: Vec<(String, String)>,
    /// The bearer token sent, if any.
    pub access_token: Option<String>,
    /// The form fields of a token request (`grant_type`, `client_id`, …).
    pub form: Vec<(String, String)>,
    pub received_at: Instant,
    /// The status answered; `None` while the answer is being prepared.
    pub status: Option<u16>,
}

impl RecordedRequest {
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// A file or folder as the fake stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriveFile {
    pub id: String,
    pub name: String,
    pub mime_type: String,
    pub parents: Vec<String>,
    pub bytes: Bytes,
    pub trashed: bool,
}

impl DriveFile {
    pub fn is_folder(&self) -> bool {
        self.mime_type == FOLDER_MIME
    }

    fn web_view_link(&self) -> String {
        if self.is_folder() {
            format!("https://drive.google.com/drive/folders/{}", self.id)
        } else {
            format!("https://drive.google.com/file/d/{}/view?usp=drivesdk", self.id)
        }
    }

    fn to_json(&self, fields: &[String]) -> Value {
        let default = ["kind", "id", "name", "mimeType"].map(String::from);
        let fields = if fields.is_empty() { &default[..] } else { fields };
        let mut out = Map::new();
        for f in fields {
            let value = match f.as_str() {
                "kind" => json!("drive#file"),
                "id" => json!(self.id),
                "name" => json!(self.name),
                "mimeType" => json!(self.mime_type),
                "parents" => json!(self.parents),
                "webViewLink" => json!(self.web_view_link()),
                "trashed" => json!(self.trashed),
                // Drive sends sizes as strings (int64 in JSON), and none for folders.
                "size" if !self.is_folder() => json!(self.bytes.len().to_string()),
                _ => continue,
            };
            out.insert(f.clone(), value);
        }
        Value::Object(out)
    }
}

#[derive(Debug)]
struct FakeState {
    client_id: String,
    client_secret: String,
    refresh_token: String,
    refresh_token_valid: bool,
    token_lifetime: Duration,
    /// Access token → when it expires.
    access_tokens: HashMap<String, Instant>,
    tokens_issued: usize,
    next_id: u64,
    /// In creation order.
    files: Vec<DriveFile>,
    faults: HashMap<Endpoint, VecDeque<Fault>>,
    log: Vec<RecordedRequest>,
}

impl FakeState {
    fn file(&self, id: &str) -> Option<&DriveFile> {
        self.files.iter().find(|f| f.id == id)
    }

    fn new_id(&mut self) -> String {
        self.next_id += 1;
        format!("fake-{:06}", self.next_id)
    }
}

struct Shared {
    state: Mutex<FakeState>,
    logged: watch::Sender<usize>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, FakeState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn record(&self, request: RecordedRequest) -> usize {
        let n = {
            let mut state = self.lock();
            state.log.push(request);
            state.log.len()
        };
        self.logged.send_replace(n);
        n - 1
    }

    fn answered(&self, index: usize, status: u16) {
        if let Some(r) = self.lock().log.get_mut(index) {
            r.status = Some(status);
        }
        self.logged.send_modify(|_| {});
    }

    fn next_fault(&self, endpoint: Endpoint) -> Option<Fault> {
        self.lock().faults.get_mut(&endpoint).and_then(VecDeque::pop_front)
    }
}

/// A running fake Google Drive. Stops when dropped.
pub struct FakeDrive {
    url: String,
    addr: SocketAddr,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for FakeDrive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeDrive")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Drop for FakeDrive {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl FakeDrive {
    /// Start a server on `127.0.0.1` with a free port, accepting [`CLIENT_ID`],
    /// [`CLIENT_SECRET`] and [`REFRESH_TOKEN`]. Needs a Tokio runtime.
    pub async fn start() -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let (logged, _) = watch::channel(0);
        let shared = Arc::new(Shared {
            state: Mutex::new(FakeState {
                client_id: CLIENT_ID.into(),
                client_secret: CLIENT_SECRET.into(),
                refresh_token: REFRESH_TOKEN.into(),
                refresh_token_valid: true,
                token_lifetime: Duration::from_secs(3599),
                access_tokens: HashMap::new(),
                tokens_issued: 0,
                next_id: 0,
                files: Vec::new(),
                faults: HashMap::new(),
                log: Vec::new(),
            }),
            logged,
        });
        let app = Router::new()
            .route("/token", post(token))
            .route("/upload/drive/v3/files", post(upload))
            .route("/drive/v3/files", get(list).post(create))
            .route("/drive/v3/files/{id}", get(get_file))
            .with_state(shared.clone());
        let server = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!(error = %e, "fake Drive server stopped");
            }
        });
        Ok(Self {
            url: format!("http://{addr}"),
            addr,
            shared,
            server,
        })
    }

    /// Base URL of the Drive API and of uploads (`http://127.0.0.1:<port>`).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The OAuth token endpoint.
    pub fn token_url(&self) -> String {
        format!("{}/token", self.url)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Create a folder (in "My Drive" if `parent` is `None`); returns its id.
    pub fn add_folder(&self, name: &str, parent: Option<&str>) -> String {
        self.add_file(name, parent, FOLDER_MIME, &[])
    }

    /// Put a file in Drive as another program uploaded it (the old system's
    /// photos, for the import); returns its id.
    pub fn add_file(&self, name: &str, parent: Option<&str>, mime: &str, bytes: &[u8]) -> String {
        let mut state = self.shared.lock();
        let id = state.new_id();
        state.files.push(DriveFile {
            id: id.clone(),
            name: name.to_string(),
            mime_type: mime.to_string(),
            parents: vec![parent.unwrap_or("root").to_string()],
            bytes: Bytes::copy_from_slice(bytes),
            trashed: false,
        });
        id
    }

    /// Move a file or folder to the trash (queries with `trashed = false` skip it).
    pub fn trash(&self, id: &str) {
        if let Some(f) = self.shared.lock().files.iter_mut().find(|f| f.id == id) {
            f.trashed = true;
        }
    }

    /// Everything not trashed directly inside `parent`, in creation order.
    pub fn files_in(&self, parent: &str) -> Vec<DriveFile> {
        self.shared
            .lock()
            .files
            .iter()
            .filter(|f| !f.trashed && f.parents.iter().any(|p| p == parent))
            .cloned()
            .collect()
    }

    /// Follow folder names from `root`: `find(root, &["g", "2026-05-01", "a.jpg"])`.
    pub fn find(&self, root: &str, path: &[&str]) -> Option<DriveFile> {
        let mut current: Option<DriveFile> = None;
        let mut parent = root.to_string();
        for name in path {
            let next = self.files_in(&parent).into_iter().find(|f| f.name == *name)?;
            parent = next.id.clone();
            current = Some(next);
        }
        current
    }

    pub fn file(&self, id: &str) -> Option<DriveFile> {
        self.shared.lock().file(id).cloned()
    }

    /// Every file and folder, in creation order.
    pub fn all_files(&self) -> Vec<DriveFile> {
        self.shared.lock().files.clone()
    }

    /// How long the access tokens issued from now on are valid (`expires_in`).
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.shared.lock().token_lifetime = lifetime;
    }

    /// Expire every access token issued so far (the next call with one gets 401).
    pub fn expire_access_tokens(&self) {
        let now = Instant::now();
        for expiry in self.shared.lock().access_tokens.values_mut() {
            *expiry = now;
        }
    }

    /// Revoke the refresh token: token requests get 400 `invalid_grant`.
    pub fn revoke_refresh_token(&self) {
        self.shared.lock().refresh_token_valid = false;
    }

    /// Access tokens issued so far.
    pub fn tokens_issued(&self) -> usize {
        self.shared.lock().tokens_issued
    }

    /// Answer the next `times` calls of `endpoint` with `fault`; faults queue in order.
    pub fn fail_next(&self, endpoint: Endpoint, times: usize, fault: Fault) {
        let mut state = self.shared.lock();
        state
            .faults
            .entry(endpoint)
            .or_default()
            .extend(std::iter::repeat_n(fault, times));
    }

    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().log.clone()
    }

    pub fn requests_to(&self, endpoint: Endpoint) -> Vec<RecordedRequest> {
        self.shared
            .lock()
            .log
            .iter()
            .filter(|r| r.endpoint == endpoint)
            .cloned()
            .collect()
    }

    /// Wait until at least `count` requests of `endpoint` arrived, or `timeout`
    /// passed; returns those seen by then (check the length).
    pub async fn wait_for_requests(&self, endpoint: Endpoint, count: usize, timeout: Duration) -> Vec<RecordedRequest> {
        let mut logged = self.shared.logged.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            logged.mark_unchanged();
            let seen = self.requests_to(endpoint);
            if seen.len() >= count {
                return seen;
            }
            match tokio::time::timeout_at(deadline, logged.changed()).await {
                Ok(Ok(())) => continue,
                _ => return self.requests_to(endpoint),
            }
        }
    }
}

/// An answer before it is sent.
enum Answer {
    Json(u16, Value),
    Media(String, Bytes),
}

impl Answer {
    fn status(&self) -> u16 {
        match self {
            Self::Json(s, _) => *s,
            Self::Media(..) => 200,
        }
    }

    /// Google's error shape: `{"error": {"code", "message", "errors": [{"reason", …}], "status"}}`.
    fn google(status: u16, reason: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        let status_text = match status {
            400 => "INVALID_ARGUMENT",
            401 => "UNAUTHENTICATED",
            403 => "PERMISSION_DENIED",
            404 => "NOT_FOUND",
            429 => "RESOURCE_EXHAUSTED",
            503 => "UNAVAILABLE",
            _ => "INTERNAL",
        };
        Self::Json(
            status,
            json!({ "error": {
                "code": status,
                "message": message,
                "errors": [{ "message": message, "domain": "global", "reason": reason }],
                "status": status_text,
            }}),
        )
    }

    fn not_found(id: &str) -> Self {
        Self::google(404, "notFound", format!("File not found: {id}."))
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Self::google(400, "badRequest", message)
    }

    fn from_fault(fault: &Fault, endpoint: Endpoint) -> Option<Self> {
        if endpoint == Endpoint::Token {
            // The token endpoint answers OAuth-style errors.
            return match fault {
                Fault::ServerError | Fault::ServerErrorAfterCommit => {
                    Some(Self::Json(500, json!({ "error": "internal_failure" })))
                }
                Fault::Unavailable => Some(Self::Json(503, json!({ "error": "temporarily_unavailable" }))),
                Fault::TooManyRequests => Some(Self::Json(429, json!({ "error": "rate_limit_exceeded" }))),
                Fault::ExpiredToken | Fault::Forbidden | Fault::StorageQuotaExceeded => Some(Self::Json(
                    400,
                    json!({ "error": "invalid_grant", "error_description": "Token has been expired or revoked." }),
                )),
                Fault::Slow(_) => None,
            };
        }
        Some(match fault {
            Fault::ServerError => Self::google(500, "backendError", "Internal Error"),
            Fault::Unavailable => Self::google(503, "backendError", "Service Unavailable"),
            Fault::TooManyRequests => Self::google(429, "rateLimitExceeded", "Rate Limit Exceeded"),
            Fault::ExpiredToken => unauthenticated(),
            Fault::Forbidden => Self::google(
                403,
                "insufficientFilePermissions",
                "The user does not have sufficient permissions for this file.",
            ),
            Fault::StorageQuotaExceeded => Self::google(
                403,
                "storageQuotaExceeded",
                "The user's Drive storage quota has been exceeded.",
            ),
            Fault::ServerErrorAfterCommit | Fault::Slow(_) => return None,
        })
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        match self {
            Self::Json(status, body) => {
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                (status, axum::Json(body)).into_response()
            }
            Self::Media(mime, bytes) => ([(header::CONTENT_TYPE, mime)], bytes).into_response(),
        }
    }
}

fn unauthenticated() -> Answer {
    Answer::google(
        401,
        "authError",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other \
         valid authentication credential.",
    )
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
}

fn query_value<'a>(query: &'a [(String, String)], name: &str) -> Option<&'a str> {
    query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// The fields a file response should carry (`fields=id,name` or `files(id,name)`).
fn file_fields(query: &[(String, String)], list: bool) -> Vec<String> {
    let Some(fields) = query_value(query, "fields") else {
        return Vec::new();
    };
    wire::split_fields(fields)
        .into_iter()
        .filter_map(|f| {
            if list {
                f.strip_prefix("files(")
                    .and_then(|f| f.strip_suffix(')'))
                    .map(wire::split_fields)
            } else {
                Some(vec![f])
            }
        })
        .flatten()
        .collect()
}

/// Log the request, apply a scripted fault, check the access token (Drive
/// endpoints), run `work`, and log the status.
async fn serve(
    shared: &Shared,
    endpoint: Endpoint,
    query: Vec<(String, String)>,
    headers: &HeaderMap,
    form: Vec<(String, String)>,
    work: impl FnOnce(&mut FakeState) -> Answer,
) -> Answer {
    let access_token = bearer(headers);
    let index = shared.record(RecordedRequest {
        endpoint,
        query,
        access_token: access_token.clone(),
        form,
        received_at: Instant::now(),
        status: None,
    });
    let mut fault = shared.next_fault(endpoint);
    if let Some(Fault::Slow(delay)) = fault {
        tokio::time::sleep(delay).await;
        fault = None;
    }
    let answer = if let Some(answer) = fault.as_ref().and_then(|f| Answer::from_fault(f, endpoint)) {
        answer
    } else {
        let mut state = shared.lock();
        let authorised = endpoint == Endpoint::Token
            || access_token
                .as_ref()
                .and_then(|t| state.access_tokens.get(t))
                .is_some_and(|expiry| Instant::now() < *expiry);
        if authorised {
            let answer = work(&mut state);
            if fault == Some(Fault::ServerErrorAfterCommit) && answer.status() == 200 {
                Answer::google(500, "backendError", "Internal Error")
            } else {
                answer
            }
        } else {
            unauthenticated()
        }
    };
    shared.answered(index, answer.status());
    answer
}

/// `POST /token`: the refresh-token grant.
async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    form: Result<axum::Form<Vec<(String, String)>>, axum::extract::rejection::FormRejection>,
) -> Answer {
    let (form, parse_error) = match form {
        Ok(axum::Form(pairs)) => (pairs, None),
        Err(e) => (Vec::new(), Some(e.body_text())),
    };
    let fields = form.clone();
    serve(&shared, Endpoint::Token, Vec::new(), &headers, form, move |state| {
        if let Some(e) = parse_error {
            return Answer::Json(400, json!({ "error": "invalid_request", "error_description": e }));
        }
        let get = |k: &str| query_value(&fields, k).unwrap_or("");
        if get("grant_type") != "refresh_token" {
            return Answer::Json(400, json!({ "error": "unsupported_grant_type" }));
        }
        if get("client_id") != state.client_id || get("client_secret") != state.client_secret {
            return Answer::Json(
                401,
                json!({ "error": "invalid_client", "error_description": "The OAuth client was not found." }),
            );
        }
        if get("refresh_token") != state.refresh_token || !state.refresh_token_valid {
            return Answer::Json(
                400,
                json!({ "error": "invalid_grant", "error_description": "Token has been expired or revoked." }),
            );
        }
        state.tokens_issued += 1;
        let token = format!("ya29.fake-{}", state.tokens_issued);
        let lifetime = state.token_lifetime;
        state.access_tokens.insert(token.clone(), Instant::now() + lifetime);
        Answer::Json(
            200,
            json!({
                "access_token": token,
                "expires_in": lifetime.as_secs(),
                "scope": "https://www.googleapis.com/auth/drive",
                "token_type": "Bearer",
            }),
        )
    })
    .await
}

/// Validate metadata and create the file in `state`.
fn create_file(state: &mut FakeState, metadata: &Value, media: Option<(String, Bytes)>) -> Result<DriveFile, Answer> {
    let Some(name) = metadata.get("name").and_then(Value::as_str) else {
        return Err(Answer::bad_request("The file needs a name."));
    };
    let parents: Vec<String> = match metadata.get("parents") {
        None => vec!["root".to_string()],
        Some(Value::Array(ps)) => ps.iter().filter_map(Value::as_str).map(String::from).collect(),
        Some(_) => return Err(Answer::bad_request("parents must be a list of ids.")),
    };
    if parents.len() != 1 {
        return Err(Answer::google(
            403,
            "cannotAddParent",
            "A shared drive item must have exactly one parent.",
        ));
    }
    for p in &parents {
        let exists = p == "root" || state.file(p).is_some_and(|f| f.is_folder() && !f.trashed);
        if !exists {
            return Err(Answer::not_found(p));
        }
    }
    let mime_type = metadata
        .get("mimeType")
        .and_then(Value::as_str)
        .map(String::from)
        .or_else(|| media.as_ref().map(|(m, _)| m.clone()))
        .unwrap_or_else(|| "application/octet-stream".to_string());
    let id = state.new_id();
    let file = DriveFile {
        id,
        name: name.to_string(),
        mime_type,
        parents,
        bytes: media.map(|(_, b)| b).unwrap_or_default(),
        trashed: false,
    };
    state.files.push(file.clone());
    Ok(file)
}

/// `POST /upload/drive/v3/files?uploadType=multipart`.
async fn upload(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let fields = file_fields(&query, false);
    let upload_type = query_value(&query, "uploadType").map(String::from);
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    serve(&shared, Endpoint::Upload, query, &headers, Vec::new(), move |state| {
        if upload_type.as_deref() != Some("multipart") {
            return Answer::bad_request("The fake supports uploadType=multipart only.");
        }
        let parts = match wire::parse_multipart_related(&content_type, &body) {
            Ok(p) => p,
            Err(e) => return Answer::bad_request(format!("Malformed multipart body: {e}")),
        };
        let [meta, media] = parts.as_slice() else {
            return Answer::bad_request(format!("Expected 2 parts (metadata, media), got {}.", parts.len()));
        };
        if !meta
            .header("content-type")
            .is_some_and(|c| c.to_ascii_lowercase().starts_with("application/json"))
        {
            return Answer::bad_request("The first part must be application/json metadata.");
        }
        let metadata: Value = match serde_json::from_slice(&meta.body) {
            Ok(v) => v,
            Err(e) => return Answer::bad_request(format!("Invalid metadata JSON: {e}")),
        };
        let media_type = media
            .header("content-type")
            .unwrap_or("application/octet-stream")
            .to_string();
        match create_file(state, &metadata, Some((media_type, Bytes::from(media.body.clone())))) {
            Ok(file) => Answer::Json(200, file.to_json(&fields)),
            Err(answer) => answer,
        }
    })
    .await
}

/// `POST /drive/v3/files` with JSON metadata (no content: folders).
async fn create(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
    body: Bytes,
) -> Answer {
    let fields = file_fields(&query, false);
    serve(&shared, Endpoint::Create, query, &headers, Vec::new(), move |state| {
        let metadata: Value = match serde_json::from_slice(&body) {
            Ok(v) => v,
            Err(e) => return Answer::bad_request(format!("Invalid metadata JSON: {e}")),
        };
        match create_file(state, &metadata, None) {
            Ok(file) => Answer::Json(200, file.to_json(&fields)),
            Err(answer) => answer,
        }
    })
    .await
}

/// `GET /drive/v3/files?q=…`.
async fn list(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Answer {
    let fields = file_fields(&query, true);
    let q = query_value(&query, "q").unwrap_or("").to_string();
    serve(&shared, Endpoint::List, query, &headers, Vec::new(), move |state| {
        let terms = match wire::parse_query(&q) {
            Ok(t) => t,
            Err(e) => return Answer::google(400, "invalid", format!("Invalid Value: {e}")),
        };
        let files: Vec<Value> = state
            .files
            .iter()
            .filter(|f| {
                terms.iter().all(|t| match t {
                    wire::Term::Name(n) => &f.name == n,
                    wire::Term::InParents(p) => f.parents.contains(p),
                    wire::Term::Trashed(t) => f.trashed == *t,
                    wire::Term::MimeType(m) => &f.mime_type == m,
                    wire::Term::NotMimeType(m) => &f.mime_type != m,
                })
            })
            .map(|f| f.to_json(&fields))
            .collect();
        Answer::Json(
            200,
            json!({ "kind": "drive#fileList", "incompleteSearch": false, "files": files }),
        )
    })
    .await
}

/// `GET /drive/v3/files/{id}` (metadata) or `?alt=media` (content).
async fn get_file(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
) -> Answer {
    let media = query_value(&query, "alt") == Some("media");
    let fields = file_fields(&query, false);
    let endpoint = if media { Endpoint::Download } else { Endpoint::Get };
    serve(&shared, endpoint, query, &headers, Vec::new(), move |state| {
        let Some(file) = state.file(&id) else {
            return Answer::not_found(&id);
        };
        if !media {
            return Answer::Json(200, file.to_json(&fields));
        }
        if file.is_folder() {
            return Answer::google(
                403,
                "fileNotDownloadable",
                "Only files with binary content can be downloaded.",
            );
        }
        Answer::Media(file.mime_type.clone(), file.bytes.clone())
    })
    .await
}

#[cfg(test)]
mod tests;
