//! Google Drive (v3) as a photo store: the archive copy of `google_drive`
//! distributors, in their folder under `<group chat id>/<YYYY-MM-DD>/`.
//!
//! - **Authentication**: an OAuth 2.0 access token obtained from the refresh
//!   token (`POST {token_url}`, `grant_type=refresh_token`), kept in memory
//!   until a minute before it expires. A 401 from Drive (revoked or expired
//!   early) drops it, refreshes once and repeats the call once.
//! - **Upload**: one `multipart/related` request (`uploadType=multipart`:
//!   JSON metadata with `name` and `parents`, then the bytes). Photos are
//!   small (Telegram's are ~0.1–0.5 MB, 20 MB at most from the cloud Bot
//!   API), so a failed upload is simply sent again by the retried task; a
//!   resumable upload would cost a second round trip per photo and a session
//!   URI to keep across restarts to gain nothing at these sizes.
//! - **Idempotency**: file names are unique per photo (exhibition id and
//!   position), and a put first looks the name up in the folder
//!   (`files.list`, `q = name = '…' and '<folder>' in parents`), so a task
//!   retried after a lost answer (the upload happened but the response did
//!   not arrive) finds the file instead of uploading a second one. Folders
//!   are found or created the same way and their ids cached.
//! - **Errors** are classified like every storage failure: 401 after a
//!   refresh and 403 → permission, 403 quota → disk full, 403 rate limit and
//!   429 and 5xx → remote down, 404 (folder gone or not shared) → missing
//!   path, timeouts → timeout. The task queue retries them with backoff.
//!
//! Secrets (client secret, refresh token, access tokens) live in [`Secret`]s
//! and never reach an error text or a log line.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use centermind_core::Secret;
use centermind_core::config::GoogleDriveConfig;
use centermind_core::domain::error_class::ErrorClass;
use serde::Deserialize;
use serde_json::{Value, json};
use tracing::{debug, info};

use crate::photos::{GetFuture, PhotoStore, Placement, PutFuture, StoreError};

/// Drive's MIME type for folders.
pub const FOLDER_MIME: &str = "application/vnd.google-apps.folder";

/// Refresh an access token this long before Google says it expires (at most
/// a quarter of its lifetime), so a call never starts with a dying token.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// A file as Drive describes it (the fields this module asks for).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DriveFile {
    pub id: String,
    #[serde(default)]
    pub name: String,
    pub web_view_link: Option<String>,
}

#[derive(Deserialize)]
struct FileList {
    #[serde(default)]
    files: Vec<DriveFile>,
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: Secret<String>,
    expires_in: u64,
}

struct AccessToken {
    value: Secret<String>,
    refresh_at: Instant,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    File,
    Folder,
}

/// One Google account's Drive: credentials, the cached access token and the
/// folder ids found so far. Share it (`Arc`) between the stores of all distributors.
pub struct GoogleDrive {
    http: reqwest::Client,
    client_id: String,
    client_secret: Secret<String>,
    refresh_token: Secret<String>,
    token_url: reqwest::Url,
    files_url: reqwest::Url,
    upload_url: reqwest::Url,
    timeout: Duration,
    token: tokio::sync::Mutex<Option<AccessToken>>,
    folders: Mutex<HashMap<(String, String), String>>,
    /// Held while a folder missing from `folders` is looked up or created.
    folder_gate: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for GoogleDrive {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleDrive")
            .field("client_id", &self.client_id)
            .field("files_url", &self.files_url.as_str())
            .finish_non_exhaustive()
    }
}

fn endpoint(base: &str, path: &str, name: &str) -> Result<reqwest::Url, StoreError> {
    let text = format!("{}{path}", base.trim_end_matches('/'));
    reqwest::Url::parse(&text)
        .map_err(|e| StoreError::new(ErrorClass::InvalidInput, format!("google_drive.{name}: {e}")))
}

/// A string literal of the Drive query language.
fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

/// An error and its causes on one line.
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let _ = write!(text, ": {cause}");
        source = cause.source();
    }
    text
}

fn transport(what: &str, e: &reqwest::Error) -> StoreError {
    let class = if e.is_timeout() {
        ErrorClass::Timeout
    } else {
        ErrorClass::RemoteDown
    };
    StoreError::new(class, format!("Google Drive {what}: {}", describe(e)))
}

/// The class of a Drive error answer (`reason` from `error.errors[0].reason`).
pub(crate) fn classify(status: u16, reason: Option<&str>) -> ErrorClass {
    match (status, reason) {
        (401, _) => ErrorClass::Permission,
        (403, Some("rateLimitExceeded" | "userRateLimitExceeded" | "sharingRateLimitExceeded")) => {
            ErrorClass::RemoteDown
        }
        (403, Some("storageQuotaExceeded" | "teamDriveFileLimitExceeded")) => ErrorClass::DiskFull,
        (403, _) => ErrorClass::Permission,
        (404, _) => ErrorClass::MissingPath,
        (408, _) => ErrorClass::Timeout,
        (429, _) | (500..=599, _) => ErrorClass::RemoteDown,
        (400..=499, _) => ErrorClass::InvalidInput,
        _ => ErrorClass::Internal,
    }
}

fn short(text: &str) -> String {
    let mut s: String = text.chars().take(200).collect();
    if s.len() < text.len() {
        s.push('…');
    }
    s
}

async fn api_error(what: &str, response: reqwest::Response) -> StoreError {
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let error = &body["error"];
    let reason = error["errors"][0]["reason"].as_str();
    let message = error["message"].as_str().unwrap_or("");
    StoreError::new(
        classify(status, reason),
        format!(
            "Google Drive {what}: HTTP {status}{}{}",
            reason.map(|r| format!(" {r}")).unwrap_or_default(),
            if message.is_empty() {
                String::new()
            } else {
                format!(": {}", short(message))
            }
        ),
    )
}

/// The body of a `multipart/related` upload: the JSON metadata part, then
/// the media part (RFC 2387, as Drive's `uploadType=multipart` expects).
pub(crate) fn multipart_related(boundary: &str, metadata: &Value, mime: &str, media: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(media.len() + 256);
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n{metadata}\r\n").as_bytes(),
    );
    body.extend_from_slice(format!("--{boundary}\r\nContent-Type: {mime}\r\n\r\n").as_bytes());
    body.extend_from_slice(media);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    body
}

/// A boundary that does not occur in `media` (a random one practically
/// never does; checking makes it certain).
fn boundary_for(media: &[u8]) -> String {
    loop {
        let boundary = format!("centermind_{}", uuid::Uuid::new_v4().simple());
        if !media.windows(boundary.len()).any(|w| w == boundary.as_bytes()) {
            return boundary;
        }
    }
}

/// The MIME type of a stored photo, from its key's extension.
fn mime_of(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).as_deref() {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        _ => "application/octet-stream",
    }
}

impl GoogleDrive {
    /// `timeout` bounds each HTTP call (an upload included).
    pub fn new(config: &GoogleDriveConfig, http: reqwest::Client, timeout: Duration) -> Result<Self, StoreError> {
        Ok(Self {
            http,
            client_id: config.client_id.clone(),
            client_secret: config.client_secret.clone(),
            refresh_token: config.refresh_token.clone(),
            token_url: endpoint(&config.token_url, "", "token_url")?,
            files_url: endpoint(&config.api_url, "/drive/v3/files", "api_url")?,
            upload_url: endpoint(&config.upload_url, "/upload/drive/v3/files", "upload_url")?,
            timeout,
            token: tokio::sync::Mutex::new(None),
            folders: Mutex::new(HashMap::new()),
            folder_gate: tokio::sync::Mutex::new(()),
        })
    }

    /// A valid access token: the cached one, or a fresh one from the refresh token.
    async fn access_token(&self) -> Result<Secret<String>, StoreError> {
        let mut slot = self.token.lock().await;
        if let Some(t) = slot.as_ref()
            && Instant::now() < t.refresh_at
        {
            return Ok(t.value.clone());
        }
        let fresh = self.refresh().await?;
        let value = fresh.value.clone();
        *slot = Some(fresh);
        Ok(value)
    }

    /// Forget `used` if it is still the cached token (Drive refused it).
    async fn forget_token(&self, used: &Secret<String>) {
        let mut slot = self.token.lock().await;
        if slot.as_ref().is_some_and(|t| t.value == *used) {
            *slot = None;
        }
    }

    async fn refresh(&self) -> Result<AccessToken, StoreError> {
        let sent = self
            .http
            .post(self.token_url.clone())
            .timeout(self.timeout)
            .form(&[
                ("grant_type", "refresh_token"),
                ("client_id", self.client_id.as_str()),
                ("client_secret", self.client_secret.expose().as_str()),
                ("refresh_token", self.refresh_token.expose().as_str()),
            ])
            .send()
            .await
            .map_err(|e| transport("token refresh", &e))?;
        let status = sent.status().as_u16();
        if status != 200 {
            let body: Value = sent.json().await.unwrap_or(Value::Null);
            let code = body["error"].as_str().unwrap_or("unknown");
            let class = match status {
                400 | 401 | 403 => ErrorClass::Permission,
                429 | 500..=599 => ErrorClass::RemoteDown,
                _ => ErrorClass::Internal,
            };
            let hint = if class == ErrorClass::Permission {
                ": check google_drive.client_id and client_secret, or authorize again for a new refresh_token"
            } else {
                ""
            };
            return Err(StoreError::new(
                class,
                format!("Google OAuth token refresh: HTTP {status} {code}{hint}"),
            ));
        }
        let answer: TokenAnswer = sent
            .json()
            .await
            .map_err(|e| StoreError::new(ErrorClass::RemoteDown, format!("Google OAuth token answer: {e}")))?;
        let lifetime = Duration::from_secs(answer.expires_in);
        info!(expires_in = answer.expires_in, "Google Drive access token refreshed");
        Ok(AccessToken {
            value: answer.access_token,
            refresh_at: Instant::now() + lifetime - REFRESH_MARGIN.min(lifetime / 4),
        })
    }

    /// Send an authorised request built by `build` (called again for the one
    /// retry after a 401). Non-2xx answers become classified errors.
    async fn send(
        &self,
        what: &str,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, StoreError> {
        let mut token = self.access_token().await?;
        let mut refreshed = false;
        loop {
            let response = build(&self.http)
                .bearer_auth(token.expose())
                .timeout(self.timeout)
                .send()
                .await
                .map_err(|e| transport(what, &e))?;
            let status = response.status();
            if status.is_success() {
                return Ok(response);
            }
            if status == reqwest::StatusCode::UNAUTHORIZED && !refreshed {
                debug!(what, "Google Drive refused the access token; refreshing once");
                self.forget_token(&token).await;
                token = self.access_token().await?;
                refreshed = true;
                continue;
            }
            let mut error = api_error(what, response).await;
            if status == reqwest::StatusCode::UNAUTHORIZED {
                error.message.push_str(" (refused a freshly refreshed access token)");
            }
            return Err(error);
        }
    }

    /// The first file (or folder) called `name` directly in `parent`, if any.
    async fn find(&self, parent: &str, name: &str, kind: Kind) -> Result<Option<DriveFile>, StoreError> {
        let op = if kind == Kind::Folder { "=" } else { "!=" };
        let q = format!(
            "name = {} and {} in parents and trashed = false and mimeType {op} {}",
            literal(name),
            literal(parent),
            literal(FOLDER_MIME)
        );
        let response = self
            .send("files.list", |http| {
                http.get(self.files_url.clone()).query(&[
                    ("q", q.as_str()),
                    ("fields", "files(id,name,webViewLink)"),
                    ("pageSize", "10"),
                    ("spaces", "drive"),
                    ("supportsAllDrives", "true"),
                    ("includeItemsFromAllDrives", "true"),
                ])
            })
            .await?;
        let list: FileList = response
            .json()
            .await
            .map_err(|e| StoreError::new(ErrorClass::RemoteDown, format!("Google Drive files.list answer: {e}")))?;
        Ok(list.files.into_iter().next())
    }

    async fn create_folder(&self, parent: &str, name: &str) -> Result<DriveFile, StoreError> {
        let metadata = json!({ "name": name, "mimeType": FOLDER_MIME, "parents": [parent] });
        let response = self
            .send("folder create", |http| {
                http.post(self.files_url.clone())
                    .query(&[("fields", "id,name,webViewLink"), ("supportsAllDrives", "true")])
                    .json(&metadata)
            })
            .await?;
        response.json().await.map_err(|e| {
            StoreError::new(
                ErrorClass::RemoteDown,
                format!("Google Drive folder create answer: {e}"),
            )
        })
    }

    /// The id of folder `name` in `parent`, created if missing and `create`.
    async fn folder(&self, parent: &str, name: &str, create: bool) -> Result<Option<String>, StoreError> {
        let key = (parent.to_string(), name.to_string());
        if let Some(id) = self.cached_folder(&key) {
            return Ok(Some(id));
        }
        // One look-up at a time: two copies into a new folder would otherwise both
        // miss it and both create it (Drive allows two folders with one name).
        let _gate = self.folder_gate.lock().await;
        if let Some(id) = self.cached_folder(&key) {
            return Ok(Some(id));
        }
        let found = match self.find(parent, name, Kind::Folder).await? {
            Some(f) => f,
            None if create => self.create_folder(parent, name).await?,
            None => return Ok(None),
        };
        self.folders
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, found.id.clone());
        Ok(Some(found.id))
    }

    fn cached_folder(&self, key: &(String, String)) -> Option<String> {
        self.folders
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(key)
            .cloned()
    }

    /// Drop the cached folder ids (one may have been deleted in Drive).
    fn forget_folders(&self) {
        self.folders.lock().unwrap_or_else(PoisonError::into_inner).clear();
    }

    /// Upload `media` as `name` into folder `parent` (one multipart request).
    pub async fn upload(&self, parent: &str, name: &str, mime: &str, media: &[u8]) -> Result<DriveFile, StoreError> {
        let metadata = json!({ "name": name, "parents": [parent], "mimeType": mime });
        let boundary = boundary_for(media);
        let body = multipart_related(&boundary, &metadata, mime, media);
        let content_type = format!("multipart/related; boundary={boundary}");
        let response = self
            .send("upload", |http| {
                http.post(self.upload_url.clone())
                    .query(&[
                        ("uploadType", "multipart"),
                        ("fields", "id,name,webViewLink"),
                        ("supportsAllDrives", "true"),
                    ])
                    .header(reqwest::header::CONTENT_TYPE, content_type.as_str())
                    .body(body.clone())
            })
            .await?;
        response
            .json()
            .await
            .map_err(|e| StoreError::new(ErrorClass::RemoteDown, format!("Google Drive upload answer: {e}")))
    }

    /// A file's content (`files.get?alt=media`).
    pub async fn download(&self, file_id: &str) -> Result<Vec<u8>, StoreError> {
        let mut url = self.files_url.clone();
        url.path_segments_mut()
            .map_err(|()| StoreError::new(ErrorClass::InvalidInput, "google_drive.api_url cannot take a path"))?
            .push(file_id);
        let response = self
            .send("download", |http| {
                http.get(url.clone())
                    .query(&[("alt", "media"), ("supportsAllDrives", "true")])
            })
            .await?;
        let bytes = response.bytes().await.map_err(|e| transport("download", &e))?;
        Ok(bytes.to_vec())
    }
}

/// Split a storage key into its folders and file name, refusing empty,
/// `.` and `..` components.
fn split_key(key: &str) -> Result<(Vec<&str>, &str), StoreError> {
    let parts: Vec<&str> = key.split('/').collect();
    if parts.iter().any(|p| p.is_empty() || *p == "." || *p == "..") {
        return Err(StoreError::new(
            ErrorClass::InvalidInput,
            format!("bad storage key '{key}'"),
        ));
    }
    let (name, folders) = parts
        .split_last()
        .ok_or_else(|| StoreError::new(ErrorClass::InvalidInput, "empty storage key"))?;
    Ok((folders.to_vec(), name))
}

/// One Drive folder (a distributor's archive) as a [`PhotoStore`]: a key's
/// folders become subfolders (found or created), its last part the file name.
#[derive(Debug, Clone)]
pub struct GoogleDriveStore {
    drive: Arc<GoogleDrive>,
    folder_id: String,
}

impl GoogleDriveStore {
    pub fn new(drive: Arc<GoogleDrive>, folder_id: impl Into<String>) -> Self {
        Self {
            drive,
            folder_id: folder_id.into(),
        }
    }

    pub fn folder_id(&self) -> &str {
        &self.folder_id
    }

    async fn put_inner(&self, key: &str, bytes: &[u8]) -> Result<Placement, StoreError> {
        let (folders, name) = split_key(key)?;
        let mut parent = self.folder_id.clone();
        for folder in folders {
            parent = self
                .drive
                .folder(&parent, folder, true)
                .await?
                .ok_or_else(|| StoreError::new(ErrorClass::Internal, "folder not created"))?;
        }
        let file = match self.drive.find(&parent, name, Kind::File).await? {
            Some(existing) => {
                info!(file_id = %existing.id, "already in Google Drive (an earlier attempt uploaded it)");
                existing
            }
            None => self.drive.upload(&parent, name, mime_of(name), bytes).await?,
        };
        Ok(Placement {
            link: file.web_view_link,
            remote_id: Some(file.id),
        })
    }

    async fn get_inner(&self, key: &str) -> Result<Vec<u8>, StoreError> {
        let (folders, name) = split_key(key)?;
        let missing = || StoreError::new(ErrorClass::MissingPath, format!("'{key}' is not in the Drive folder"));
        let mut parent = self.folder_id.clone();
        for folder in folders {
            parent = self.drive.folder(&parent, folder, false).await?.ok_or_else(missing)?;
        }
        let file = self.drive.find(&parent, name, Kind::File).await?.ok_or_else(missing)?;
        self.drive.download(&file.id).await
    }
}

impl PhotoStore for GoogleDriveStore {
    fn put<'a>(&'a self, key: &'a str, bytes: &'a [u8]) -> PutFuture<'a> {
        Box::pin(async move {
            let result = self.put_inner(key, bytes).await;
            if result.as_ref().is_err_and(|e| e.class == ErrorClass::MissingPath) {
                // A cached subfolder may have been deleted: look them up again next time.
                self.drive.forget_folders();
            }
            result
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> GetFuture<'a> {
        Box::pin(self.get_inner(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use centermind_fake_drive::wire;

    #[test]
    fn the_multipart_body_is_metadata_then_media_and_parses_back() {
        let metadata = json!({ "name": "a.jpg", "parents": ["F"] });
        let media = b"\xff\xd8\r\n--not-the-boundary\r\n\xff\xd9";
        let body = multipart_related("b0und", &metadata, "image/jpeg", media);
        let expected = [
            &b"--b0und\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n"[..],
            br#"{"name":"a.jpg","parents":["F"]}"#,
            b"\r\n--b0und\r\nContent-Type: image/jpeg\r\n\r\n",
            media,
            b"\r\n--b0und--\r\n",
        ]
        .concat();
        assert_eq!(body, expected);
        // The fake Drive's strict parser (RFC 2046) reads it back.
        let parts = wire::parse_multipart_related("multipart/related; boundary=b0und", &body).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(serde_json::from_slice::<Value>(&parts[0].body).unwrap(), metadata);
        assert_eq!(parts[1].header("content-type"), Some("image/jpeg"));
        assert_eq!(parts[1].body, media);
    }

    #[test]
    fn the_boundary_never_occurs_in_the_media() {
        let b = boundary_for(b"anything");
        assert!(b.starts_with("centermind_") && b.len() <= 70, "{b}");
        assert_ne!(boundary_for(b""), b, "random per upload");
    }

    #[test]
    fn query_literals_escape_quotes_and_backslashes() {
        assert_eq!(literal(r"it's a\b"), r"'it\'s a\\b'");
        let q = format!("name = {} and {} in parents", literal(r"it's"), literal("F1"));
        assert_eq!(
            wire::parse_query(&q).unwrap(),
            vec![wire::Term::Name("it's".into()), wire::Term::InParents("F1".into())]
        );
    }

    #[test]
    fn drive_answers_map_to_the_operational_classes() {
        assert_eq!(classify(401, Some("authError")), ErrorClass::Permission);
        assert_eq!(
            classify(403, Some("insufficientFilePermissions")),
            ErrorClass::Permission
        );
        assert_eq!(classify(403, Some("storageQuotaExceeded")), ErrorClass::DiskFull);
        assert_eq!(classify(403, Some("userRateLimitExceeded")), ErrorClass::RemoteDown);
        assert_eq!(classify(404, Some("notFound")), ErrorClass::MissingPath);
        assert_eq!(classify(429, None), ErrorClass::RemoteDown);
        assert_eq!(classify(503, None), ErrorClass::RemoteDown);
        assert_eq!(classify(408, None), ErrorClass::Timeout);
        assert_eq!(classify(400, Some("badRequest")), ErrorClass::InvalidInput);
    }

    #[test]
    fn keys_split_into_folders_and_a_name() {
        let (folders, name) = split_key("-100/2026-05-01/x_0.jpg").unwrap();
        assert_eq!((folders, name), (vec!["-100", "2026-05-01"], "x_0.jpg"));
        assert!(split_key("a//b").is_err());
        assert!(split_key("../b").is_err());
        assert_eq!(mime_of("x.PNG"), "image/png");
        assert_eq!(mime_of("x.jpg"), "image/jpeg");
    }

    #[test]
    fn secrets_stay_out_of_debug_output() {
        let config = GoogleDriveConfig::new(
            "id",
            Secret::new("the-client-secret".into()),
            Secret::new("the-refresh-token".into()),
        );
        let drive = GoogleDrive::new(&config, reqwest::Client::new(), Duration::from_secs(1)).unwrap();
        let shown = format!("{drive:?} {config:?}");
        assert!(
            !shown.contains("the-client-secret") && !shown.contains("the-refresh-token"),
            "{shown}"
        );
    }
}
