//! A fake Telegram Bot API server for tests.
//!
//! It listens on `127.0.0.1:<random port>` and speaks the wire protocol a real
//! client (teloxide, or plain HTTP) uses: `POST /bot<token>/<method>` with a
//! JSON, form or query-string body, answered with `{"ok":true,"result":…}` or
//! `{"ok":false,"error_code":…,"description":…,"parameters":{…}}`. Point a
//! teloxide bot at it with `Bot::new(token).set_api_url(fake.url().parse()?)`.
//!
//! What it offers tests:
//! - registered bots ([`FakeTelegram::add_bot`]); any other token gets 401;
//! - stateful chats: `sendMessage` stores a message, `editMessageText` changes
//!   it and answers "message is not modified" when the text is the same,
//!   "message to edit not found" once [`FakeTelegram::delete_message`] removed it,
//!   403 once [`FakeTelegram::kick_bot`] removed the bot from the chat;
//! - a request log ([`FakeTelegram::requests`]) with the method, token, parsed
//!   parameters, the instant each request arrived and the status answered,
//!   plus [`FakeTelegram::wait_for_requests`] to wait without polling;
//! - scripted faults per method ([`FakeTelegram::fail_next`]): 429 with
//!   `retry_after`, the usual 400/403 errors, 500, 401, or a slow answer;
//! - `getUpdates` (long polling) fed by [`FakeTelegram::push_update`] (a second
//!   program polling the same token ends the first one's wait with 409), and
//!   `getFile` plus file downloads (`/file/bot<token>/<path>`) for files added
//!   with [`FakeTelegram::add_file`];
//! - inline keyboards kept on messages (`reply_markup` of sendMessage,
//!   editMessageReplyMarkup; an editMessageText without one drops it),
//!   `answerCallbackQuery` and `setMyCommands` (validated like Telegram);
//! - [`updates`]: builders for the updates a group sends (photos, albums,
//!   files, texts, button presses);
//! - for load tests: a stream of the bots' posts as they arrive
//!   ([`FakeTelegram::subscribe_posts`]), and a switch to stop logging
//!   requests ([`FakeTelegram::set_request_log`]). Long polls wait on their
//!   own bot's updates, so a thousand idle bots cost nothing but their sockets.

use std::collections::{HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde_json::{Map, Value, json};
use tokio::sync::{Notify, mpsc, watch};

/// Telegram's exact wording for an edit that changes nothing.
pub const NOT_MODIFIED: &str = "Bad Request: message is not modified: specified new message content and reply \
                                markup are exactly the same as a current content and reply markup of the message";
pub const MESSAGE_TO_EDIT_NOT_FOUND: &str = "Bad Request: message to edit not found";
pub const MESSAGE_CANT_BE_EDITED: &str = "Bad Request: message can't be edited";
pub const CHAT_NOT_FOUND: &str = "Bad Request: chat not found";
pub const BOT_KICKED: &str = "Forbidden: bot was kicked from the group chat";

/// Longest a `getUpdates` long poll is held, whatever `timeout` the client asks for.
const MAX_LONG_POLL: Duration = Duration::from_secs(30);

/// A scripted answer for the next call of a method (see [`FakeTelegram::fail_next`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// 429 "Too Many Requests: retry after N" with `parameters.retry_after = N`.
    TooManyRequests { retry_after: u32 },
    /// 400 "Bad Request: message is not modified: …".
    MessageNotModified,
    /// 400 "Bad Request: message to edit not found".
    MessageToEditNotFound,
    /// 400 "Bad Request: message can't be edited".
    MessageCantBeEdited,
    /// 400 "Bad Request: chat not found".
    ChatNotFound,
    /// 403 "Forbidden: bot was kicked from the group chat".
    BotKicked,
    /// 500 "Internal Server Error".
    ServerError,
    /// 401 "Unauthorized" (as for a revoked token).
    Unauthorized,
    /// Any other error answer.
    Error { status: u16, description: String },
    /// Wait this long, then answer normally (to test timeouts and races).
    Slow(Duration),
}

impl Fault {
    fn status_and_description(&self) -> Option<(u16, String)> {
        Some(match self {
            Self::TooManyRequests { retry_after } => (429, format!("Too Many Requests: retry after {retry_after}")),
            Self::MessageNotModified => (400, NOT_MODIFIED.into()),
            Self::MessageToEditNotFound => (400, MESSAGE_TO_EDIT_NOT_FOUND.into()),
            Self::MessageCantBeEdited => (400, MESSAGE_CANT_BE_EDITED.into()),
            Self::ChatNotFound => (400, CHAT_NOT_FOUND.into()),
            Self::BotKicked => (403, BOT_KICKED.into()),
            Self::ServerError => (500, "Internal Server Error".into()),
            Self::Unauthorized => (401, "Unauthorized".into()),
            Self::Error { status, description } => (*status, description.clone()),
            Self::Slow(_) => return None,
        })
    }
}

/// One request as the fake received it.
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    /// The method name as sent (Telegram treats it case-insensitively).
    pub method: String,
    /// The token from the URL, registered or not.
    pub token: String,
    /// The parameters, from a JSON body, a form body or the query string
    /// (form and query values that parse as JSON are stored as JSON).
    pub params: Value,
    /// When the request arrived (for latency measurements).
    pub received_at: Instant,
    /// The same instant on the wall clock.
    pub received_at_system: SystemTime,
    /// The HTTP status the fake answered; `None` while the answer is being
    /// prepared (requests are logged as they arrive, e.g. a long poll).
    pub status: Option<u16>,
}

impl RecordedRequest {
    /// A parameter as an integer (`chat_id`, `message_id`, …).
    pub fn int(&self, name: &str) -> Option<i64> {
        self.params.get(name).and_then(Value::as_i64)
    }

    /// A parameter as a string (`text`, …).
    pub fn str(&self, name: &str) -> Option<&str> {
        self.params.get(name).and_then(Value::as_str)
    }
}

/// A message a bot posted or edited, as it arrived (see [`FakeTelegram::subscribe_posts`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Post {
    /// The token of the bot that posted.
    pub token: String,
    /// `false` for `sendMessage`, `true` for `editMessageText`.
    pub edit: bool,
    /// The message as it is after this request.
    pub message: StoredMessage,
    /// When the request arrived.
    pub received_at: Instant,
}

/// A message as the fake stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    pub chat_id: i64,
    pub message_id: i64,
    /// The Telegram user id of the bot that sent it.
    pub from_bot: i64,
    pub text: String,
    pub date: i64,
    pub edit_date: Option<i64>,
    /// The inline keyboard (`{"inline_keyboard": [[…]]}`) the message shows now.
    pub reply_markup: Option<Value>,
    /// The message it replies to (`reply_parameters.message_id`).
    pub reply_to: Option<i64>,
}

#[derive(Debug, Clone)]
struct BotAccount {
    id: i64,
    username: String,
    first_name: String,
}

#[derive(Debug, Default)]
struct ChatState {
    title: Option<String>,
    next_message_id: i64,
    messages: HashMap<i64, StoredMessage>,
}

#[derive(Debug, Default)]
struct BotUpdates {
    next_update_id: i64,
    queue: VecDeque<Value>,
    /// Woken when an update is pushed for this bot (its long polls wait on it).
    pushed: Arc<Notify>,
    /// The newest `getUpdates` call; an older one still waiting is ended with 409, as
    /// Telegram does when two programs poll one token.
    polls: Arc<AtomicU64>,
    /// Woken when a newer `getUpdates` call arrives.
    superseded: Arc<Notify>,
}

#[derive(Debug, Clone)]
struct StoredFile {
    file_id: String,
    file_unique_id: String,
    file_path: String,
    bytes: Bytes,
}

#[derive(Debug, Default)]
struct FakeState {
    bots: HashMap<String, BotAccount>,
    /// Scripted faults, by lower-case method name.
    faults: HashMap<String, VecDeque<Fault>>,
    chats: HashMap<i64, ChatState>,
    kicked: HashSet<(i64, i64)>,
    updates: HashMap<String, BotUpdates>,
    files: HashMap<String, StoredFile>,
    /// `file_path` → `file_id`, for downloads.
    file_paths: HashMap<String, String>,
    log: Vec<RecordedRequest>,
    /// Whether requests are logged (on unless a load test turns it off).
    no_log: bool,
    /// Where posts are reported ([`FakeTelegram::subscribe_posts`]).
    post_subscribers: Vec<mpsc::UnboundedSender<Post>>,
}

struct Shared {
    state: Mutex<FakeState>,
    /// Number of logged requests; waiters watch it instead of polling.
    logged: watch::Sender<usize>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, FakeState> {
        // A panicking test thread must not hide the log from the others.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Log a request as it arrives; returns its index for [`Shared::answered`]
    /// (`None` while logging is off).
    fn record(&self, request: RecordedRequest) -> Option<usize> {
        let n = {
            let mut state = self.lock();
            if state.no_log {
                return None;
            }
            state.log.push(request);
            state.log.len()
        };
        self.logged.send_replace(n);
        Some(n - 1)
    }

    fn answered(&self, index: Option<usize>, status: u16) {
        let Some(index) = index else { return };
        if let Some(r) = self.lock().log.get_mut(index) {
            r.status = Some(status);
        }
        self.logged.send_modify(|_| {});
    }
}

/// Tell the subscribers about a post (drops those that went away).
fn report_post(state: &mut FakeState, token: &str, edit: bool, message: &StoredMessage, received_at: Instant) {
    if state.post_subscribers.is_empty() {
        return;
    }
    let post = Post {
        token: token.to_string(),
        edit,
        message: message.clone(),
        received_at,
    };
    state.post_subscribers.retain(|s| s.send(post.clone()).is_ok());
}

/// A running fake Bot API server. Stops when dropped.
pub struct FakeTelegram {
    url: String,
    addr: SocketAddr,
    shared: Arc<Shared>,
    server: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for FakeTelegram {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeTelegram")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Drop for FakeTelegram {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl FakeTelegram {
    /// Start a server on `127.0.0.1` with a free port. Needs a Tokio runtime.
    pub async fn start() -> std::io::Result<Self> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        let (logged, _) = watch::channel(0);
        let shared = Arc::new(Shared {
            state: Mutex::new(FakeState::default()),
            logged,
        });
        let app = Router::new()
            .route("/file/{bot}/{*path}", get(download))
            .route("/{bot}/{method}", any(call))
            .with_state(shared.clone());
        let server = tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, app).await {
                tracing::error!(error = %e, "fake Telegram server stopped");
            }
        });
        Ok(Self {
            url: format!("http://{addr}"),
            addr,
            shared,
            server,
        })
    }

    /// The API base URL to give a client (`http://127.0.0.1:<port>`, no trailing slash).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Register a bot token; requests with any other token get 401 Unauthorized.
    /// The bot's user id is the number before the colon (as with real tokens).
    /// Returns that id.
    pub fn add_bot(&self, token: &str, username: &str) -> i64 {
        let id = token
            .split_once(':')
            .and_then(|(id, _)| id.parse().ok())
            .unwrap_or_else(|| 1_000_000 + self.shared.lock().bots.len() as i64);
        self.shared.lock().bots.insert(
            token.to_string(),
            BotAccount {
                id,
                username: username.to_string(),
                first_name: username.trim_end_matches("_bot").to_string(),
            },
        );
        id
    }

    /// Unregister a token (as if it was revoked with BotFather).
    pub fn remove_bot(&self, token: &str) {
        self.shared.lock().bots.remove(token);
    }

    /// Answer the next `times` calls of `method` (any token) with `fault`.
    /// Scripted faults queue up in the order given.
    pub fn fail_next(&self, method: &str, times: usize, fault: Fault) {
        let mut state = self.shared.lock();
        let queue = state.faults.entry(method.to_ascii_lowercase()).or_default();
        queue.extend(std::iter::repeat_n(fault, times));
    }

    /// Drop every scripted fault not used yet.
    pub fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Give a chat a title (used in the `chat` object of messages).
    pub fn set_chat_title(&self, chat_id: i64, title: &str) {
        self.shared.lock().chats.entry(chat_id).or_default().title = Some(title.to_string());
    }

    /// Put a message from a registered bot into a chat without a request (test
    /// set-up, e.g. the confirmation a verdict will edit). Returns its id.
    /// Panics if the token was not registered.
    pub fn seed_message(&self, token: &str, chat_id: i64, text: &str) -> i64 {
        let mut state = self.shared.lock();
        let bot = state
            .bots
            .get(token)
            .map(|b| b.id)
            .unwrap_or_else(|| panic!("seed_message: register the bot token first"));
        store_message(&mut state, bot, chat_id, text).message_id
    }

    /// A message as it is now (after edits), if it exists.
    pub fn message(&self, chat_id: i64, message_id: i64) -> Option<StoredMessage> {
        self.shared
            .lock()
            .chats
            .get(&chat_id)
            .and_then(|c| c.messages.get(&message_id))
            .cloned()
    }

    /// A fresh message id in a chat, for a message a test pushes as sent by a
    /// person (so that it never collides with the bot's own messages).
    pub fn next_message_id(&self, chat_id: i64) -> i64 {
        let mut state = self.shared.lock();
        let chat = state.chats.entry(chat_id).or_default();
        chat.next_message_id += 1;
        chat.next_message_id
    }

    /// The bot messages of a chat as they are now, oldest first.
    pub fn messages_in(&self, chat_id: i64) -> Vec<StoredMessage> {
        let state = self.shared.lock();
        let mut all: Vec<StoredMessage> = state
            .chats
            .get(&chat_id)
            .map(|c| c.messages.values().cloned().collect())
            .unwrap_or_default();
        all.sort_by_key(|m| m.message_id);
        all
    }

    /// Updates pushed for a bot and not yet confirmed by a `getUpdates` offset.
    pub fn pending_updates(&self, token: &str) -> usize {
        self.shared.lock().updates.get(token).map_or(0, |u| u.queue.len())
    }

    /// Delete a message (as a group admin would). Returns whether it existed.
    pub fn delete_message(&self, chat_id: i64, message_id: i64) -> bool {
        self.shared
            .lock()
            .chats
            .get_mut(&chat_id)
            .is_some_and(|c| c.messages.remove(&message_id).is_some())
    }

    /// Remove a bot from a chat: its later calls there get 403.
    pub fn kick_bot(&self, token: &str, chat_id: i64) {
        let mut state = self.shared.lock();
        if let Some(id) = state.bots.get(token).map(|b| b.id) {
            state.kicked.insert((id, chat_id));
        }
    }

    /// Queue an update for a bot's `getUpdates`. `update` is the update object
    /// without `update_id` (the fake numbers updates itself). Returns the id given.
    pub fn push_update(&self, token: &str, mut update: Value) -> i64 {
        let (id, pushed) = {
            let mut state = self.shared.lock();
            let updates = state.updates.entry(token.to_string()).or_default();
            updates.next_update_id += 1;
            let id = updates.next_update_id;
            if let Some(obj) = update.as_object_mut() {
                obj.insert("update_id".into(), json!(id));
            }
            updates.queue.push_back(update);
            (id, updates.pushed.clone())
        };
        pushed.notify_waiters();
        id
    }

    /// Every post (`sendMessage`, `editMessageText`) that succeeds from now
    /// on, as it arrives, until the receiver is dropped.
    pub fn subscribe_posts(&self) -> mpsc::UnboundedReceiver<Post> {
        let (tx, rx) = mpsc::unbounded_channel();
        self.shared.lock().post_subscribers.push(tx);
        rx
    }

    /// Log requests (the default) or not: a load test that sends hundreds of
    /// thousands of requests turns the log off ([`FakeTelegram::requests`]
    /// and [`FakeTelegram::wait_for_requests`] then see nothing new).
    pub fn set_request_log(&self, on: bool) {
        self.shared.lock().no_log = !on;
    }

    /// Make a file available to `getFile` and the download URL.
    /// Returns the `file_path` that `getFile` reports.
    pub fn add_file(&self, file_id: &str, file_unique_id: &str, bytes: impl Into<Bytes>) -> String {
        let mut state = self.shared.lock();
        let file_path = format!("photos/file_{}.jpg", state.files.len());
        state.file_paths.insert(file_path.clone(), file_id.to_string());
        state.files.insert(
            file_id.to_string(),
            StoredFile {
                file_id: file_id.to_string(),
                file_unique_id: file_unique_id.to_string(),
                file_path: file_path.clone(),
                bytes: bytes.into(),
            },
        );
        file_path
    }

    /// Every request received so far, oldest first.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().log.clone()
    }

    /// The requests of one method (case-insensitive), oldest first.
    pub fn requests_to(&self, method: &str) -> Vec<RecordedRequest> {
        self.shared
            .lock()
            .log
            .iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method))
            .cloned()
            .collect()
    }

    /// Wait until at least `count` requests of `method` arrived, or `timeout`
    /// passed; returns the requests of that method seen by then (check the length).
    pub async fn wait_for_requests(&self, method: &str, count: usize, timeout: Duration) -> Vec<RecordedRequest> {
        let mut logged = self.shared.logged.subscribe();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            logged.mark_unchanged();
            let seen = self.requests_to(method);
            if seen.len() >= count {
                return seen;
            }
            match tokio::time::timeout_at(deadline, logged.changed()).await {
                Ok(Ok(())) => continue,
                _ => return self.requests_to(method),
            }
        }
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

fn store_message(state: &mut FakeState, bot: i64, chat_id: i64, text: &str) -> StoredMessage {
    let chat = state.chats.entry(chat_id).or_default();
    chat.next_message_id += 1;
    let message = StoredMessage {
        chat_id,
        message_id: chat.next_message_id,
        from_bot: bot,
        text: text.to_string(),
        date: unix_now(),
        edit_date: None,
        reply_markup: None,
        reply_to: None,
    };
    chat.messages.insert(message.message_id, message.clone());
    message
}

fn chat_json(state: &FakeState, chat_id: i64) -> Value {
    let title = state
        .chats
        .get(&chat_id)
        .and_then(|c| c.title.clone())
        .unwrap_or_else(|| format!("Grupo {chat_id}"));
    if chat_id <= -1_000_000_000_000 {
        json!({ "id": chat_id, "type": "supergroup", "title": title })
    } else if chat_id < 0 {
        json!({ "id": chat_id, "type": "group", "title": title })
    } else {
        json!({ "id": chat_id, "type": "private", "first_name": "Usuario" })
    }
}

fn bot_user_json(bot: &BotAccount) -> Value {
    json!({ "id": bot.id, "is_bot": true, "first_name": bot.first_name, "username": bot.username })
}

fn message_json(state: &FakeState, bot: &BotAccount, m: &StoredMessage) -> Value {
    let mut v = json!({
        "message_id": m.message_id,
        "from": bot_user_json(bot),
        "chat": chat_json(state, m.chat_id),
        "date": m.date,
        "text": m.text,
    });
    if let (Some(edit), Some(obj)) = (m.edit_date, v.as_object_mut()) {
        obj.insert("edit_date".into(), json!(edit));
    }
    if let (Some(markup), Some(obj)) = (&m.reply_markup, v.as_object_mut()) {
        obj.insert("reply_markup".into(), markup.clone());
    }
    v
}

/// An answer before it is sent: HTTP status and JSON body.
struct Answer {
    status: u16,
    body: Value,
}

impl Answer {
    fn ok(result: Value) -> Self {
        Self {
            status: 200,
            body: json!({ "ok": true, "result": result }),
        }
    }

    fn error(status: u16, description: impl Into<String>) -> Self {
        Self {
            status,
            body: json!({ "ok": false, "error_code": status, "description": description.into() }),
        }
    }

    fn bad_request(what: &str) -> Self {
        Self::error(400, format!("Bad Request: {what}"))
    }

    fn from_fault(fault: &Fault) -> Option<Self> {
        let (status, description) = fault.status_and_description()?;
        let mut answer = Self::error(status, description);
        if let (Fault::TooManyRequests { retry_after }, Some(obj)) = (fault, answer.body.as_object_mut()) {
            obj.insert("parameters".into(), json!({ "retry_after": retry_after }));
        }
        Some(answer)
    }
}

impl IntoResponse for Answer {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, axum::Json(self.body)).into_response()
    }
}

/// Turn form or query pairs into a JSON object, as the Bot API reads them
/// (`chat_id=5` is the number 5, `reply_markup={…}` is an object).
fn pairs_to_object(pairs: Vec<(String, String)>) -> Value {
    let map: Map<String, Value> = pairs
        .into_iter()
        .map(|(k, v)| {
            let value = serde_json::from_str(&v).unwrap_or(Value::String(v));
            (k, value)
        })
        .collect();
    Value::Object(map)
}

async fn parse_params(request: Request) -> Result<Value, String> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut params = match request.uri().query() {
        Some(_) => axum::extract::Query::<Vec<(String, String)>>::try_from_uri(request.uri())
            .map(|q| pairs_to_object(q.0))
            .map_err(|e| e.body_text())?,
        None => Value::Object(Map::new()),
    };
    let body = if content_type.starts_with("application/json") {
        let bytes = Bytes::from_request(request, &()).await.map_err(|e| e.body_text())?;
        if bytes.is_empty() {
            Value::Object(Map::new())
        } else {
            serde_json::from_slice(&bytes).map_err(|e| format!("can't parse JSON: {e}"))?
        }
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        let axum::Form(pairs) = axum::Form::<Vec<(String, String)>>::from_request(request, &())
            .await
            .map_err(|e| e.body_text())?;
        pairs_to_object(pairs)
    } else if content_type.starts_with("multipart/form-data") {
        return Err("multipart bodies are not supported by the fake yet".into());
    } else {
        Value::Object(Map::new())
    };
    if let (Some(target), Value::Object(extra)) = (params.as_object_mut(), body) {
        target.extend(extra);
    }
    Ok(params)
}

/// `POST|GET /bot<token>/<method>`.
async fn call(
    State(shared): State<Arc<Shared>>,
    Path((bot, method)): Path<(String, String)>,
    request: Request,
) -> Answer {
    let received_at = Instant::now();
    let received_at_system = SystemTime::now();
    let token = bot.strip_prefix("bot").unwrap_or_default().to_string();
    let parsed = parse_params(request).await;
    let params = parsed.as_ref().cloned().unwrap_or_else(|_| Value::Object(Map::new()));
    let index = shared.record(RecordedRequest {
        method: method.clone(),
        token: token.clone(),
        params: params.clone(),
        received_at,
        received_at_system,
        status: None,
    });
    let answer = answer(&shared, &token, &method, parsed, &params, received_at).await;
    shared.answered(index, answer.status);
    answer
}

async fn answer(
    shared: &Shared,
    token: &str,
    method: &str,
    parsed: Result<Value, String>,
    params: &Value,
    received_at: Instant,
) -> Answer {
    if !shared.lock().bots.contains_key(token) {
        return Answer::error(401, "Unauthorized");
    }
    let key = method.to_ascii_lowercase();
    // Scripted faults come first; a slow answer then carries on normally.
    loop {
        let fault = shared.lock().faults.get_mut(&key).and_then(VecDeque::pop_front);
        match fault {
            Some(Fault::Slow(delay)) => tokio::time::sleep(delay).await,
            Some(fault) => {
                if let Some(answer) = Answer::from_fault(&fault) {
                    return answer;
                }
            }
            None => break,
        }
    }
    if let Err(e) = parsed {
        return Answer::bad_request(&e);
    }
    match key.as_str() {
        "getme" => get_me(shared, token),
        "sendmessage" => send_message(shared, token, params, received_at),
        "editmessagetext" => edit_message_text(shared, token, params, received_at),
        "deletemessage" => delete_message(shared, token, params),
        "getupdates" => get_updates(shared, token, params).await,
        "getfile" => get_file(shared, params),
        "editmessagereplymarkup" => edit_message_reply_markup(shared, token, params),
        "answercallbackquery" => answer_callback_query(params),
        "setmycommands" => set_my_commands(params),
        "deletewebhook" | "deletemycommands" => Answer::ok(json!(true)),
        _ => Answer::error(404, "Not Found"),
    }
}

fn get_me(shared: &Shared, token: &str) -> Answer {
    let state = shared.lock();
    let Some(bot) = state.bots.get(token) else {
        return Answer::error(401, "Unauthorized");
    };
    let mut me = bot_user_json(bot);
    if let Some(obj) = me.as_object_mut() {
        obj.insert("can_join_groups".into(), json!(true));
        obj.insert("can_read_all_group_messages".into(), json!(false));
        obj.insert("supports_inline_queries".into(), json!(false));
        obj.insert("can_connect_to_business".into(), json!(false));
        obj.insert("has_main_web_app".into(), json!(false));
    }
    Answer::ok(me)
}

/// The chat id parameter: an integer, or a string holding one.
fn chat_id_param(params: &Value) -> Result<i64, Answer> {
    match params.get("chat_id") {
        Some(Value::Number(n)) => n.as_i64().ok_or_else(|| Answer::error(400, CHAT_NOT_FOUND)),
        Some(Value::String(s)) => s.parse().map_err(|_| Answer::error(400, CHAT_NOT_FOUND)),
        _ => Err(Answer::bad_request("chat_id is empty")),
    }
}

fn text_param(params: &Value) -> Result<String, Answer> {
    match params.get("text") {
        Some(Value::String(s)) if !s.trim().is_empty() => {
            if s.chars().count() > 4096 {
                Err(Answer::bad_request("message is too long"))
            } else {
                Ok(s.clone())
            }
        }
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err(Answer::bad_request("message text is empty")),
    }
}

fn send_message(shared: &Shared, token: &str, params: &Value, received_at: Instant) -> Answer {
    let chat_id = match chat_id_param(params) {
        Ok(c) => c,
        Err(a) => return a,
    };
    let text = match text_param(params) {
        Ok(t) => t,
        Err(a) => return a,
    };
    let mut state = shared.lock();
    let Some(bot) = state.bots.get(token).cloned() else {
        return Answer::error(401, "Unauthorized");
    };
    if state.kicked.contains(&(bot.id, chat_id)) {
        return Answer::error(403, BOT_KICKED);
    }
    let mut message = store_message(&mut state, bot.id, chat_id, &text);
    message.reply_markup = params.get("reply_markup").cloned();
    message.reply_to = params
        .get("reply_parameters")
        .and_then(|r| r.get("message_id"))
        .and_then(Value::as_i64)
        .or_else(|| params.get("reply_to_message_id").and_then(Value::as_i64));
    if let Some(stored) = state
        .chats
        .get_mut(&chat_id)
        .and_then(|c| c.messages.get_mut(&message.message_id))
    {
        stored.reply_markup = message.reply_markup.clone();
        stored.reply_to = message.reply_to;
    }
    report_post(&mut state, token, false, &message, received_at);
    Answer::ok(message_json(&state, &bot, &message))
}

fn edit_message_text(shared: &Shared, token: &str, params: &Value, received_at: Instant) -> Answer {
    if params.get("inline_message_id").is_some() {
        return Answer::bad_request("inline messages are not supported by the fake");
    }
    let chat_id = match chat_id_param(params) {
        Ok(c) => c,
        Err(a) => return a,
    };
    let Some(message_id) = params.get("message_id").and_then(|v| match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    }) else {
        return Answer::bad_request("message identifier is not specified");
    };
    let text = match text_param(params) {
        Ok(t) => t,
        Err(a) => return a,
    };
    let mut state = shared.lock();
    let Some(bot) = state.bots.get(token).cloned() else {
        return Answer::error(401, "Unauthorized");
    };
    if state.kicked.contains(&(bot.id, chat_id)) {
        return Answer::error(403, BOT_KICKED);
    }
    let Some(message) = state
        .chats
        .get_mut(&chat_id)
        .and_then(|c| c.messages.get_mut(&message_id))
    else {
        return Answer::error(400, MESSAGE_TO_EDIT_NOT_FOUND);
    };
    if message.from_bot != bot.id {
        return Answer::error(400, MESSAGE_CANT_BE_EDITED);
    }
    let markup = params.get("reply_markup").cloned();
    if message.text == text && message.reply_markup == markup {
        return Answer::error(400, NOT_MODIFIED);
    }
    message.text = text;
    // As in Telegram: an edit without reply_markup removes the inline keyboard.
    message.reply_markup = markup;
    message.edit_date = Some(unix_now());
    let message = message.clone();
    report_post(&mut state, token, true, &message, received_at);
    Answer::ok(message_json(&state, &bot, &message))
}

fn edit_message_reply_markup(shared: &Shared, token: &str, params: &Value) -> Answer {
    let chat_id = match chat_id_param(params) {
        Ok(c) => c,
        Err(a) => return a,
    };
    let message_id = params.get("message_id").and_then(Value::as_i64).unwrap_or_default();
    let mut state = shared.lock();
    let Some(bot) = state.bots.get(token).cloned() else {
        return Answer::error(401, "Unauthorized");
    };
    let Some(message) = state
        .chats
        .get_mut(&chat_id)
        .and_then(|c| c.messages.get_mut(&message_id))
    else {
        return Answer::error(400, MESSAGE_TO_EDIT_NOT_FOUND);
    };
    if message.from_bot != bot.id {
        return Answer::error(400, MESSAGE_CANT_BE_EDITED);
    }
    let markup = params.get("reply_markup").cloned();
    if message.reply_markup == markup {
        return Answer::error(400, NOT_MODIFIED);
    }
    message.reply_markup = markup;
    message.edit_date = Some(unix_now());
    let message = message.clone();
    Answer::ok(message_json(&state, &bot, &message))
}

fn answer_callback_query(params: &Value) -> Answer {
    match params.get("callback_query_id") {
        Some(Value::String(s)) if !s.is_empty() => Answer::ok(json!(true)),
        _ => Answer::bad_request("query is too old and response timeout expired or query ID is invalid"),
    }
}

fn set_my_commands(params: &Value) -> Answer {
    let valid = params.get("commands").and_then(Value::as_array).is_some_and(|cmds| {
        cmds.iter().all(|c| {
            let name = c.get("command").and_then(Value::as_str).unwrap_or_default();
            let description = c.get("description").and_then(Value::as_str).unwrap_or_default();
            (1..=32).contains(&name.len())
                && name
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
                && (1..=256).contains(&description.chars().count())
        })
    });
    if valid {
        Answer::ok(json!(true))
    } else {
        Answer::bad_request("BOT_COMMAND_INVALID")
    }
}

fn delete_message(shared: &Shared, token: &str, params: &Value) -> Answer {
    let chat_id = match chat_id_param(params) {
        Ok(c) => c,
        Err(a) => return a,
    };
    let message_id = params.get("message_id").and_then(Value::as_i64).unwrap_or_default();
    let mut state = shared.lock();
    let bot = state.bots.get(token).map(|b| b.id).unwrap_or_default();
    let Some(chat) = state.chats.get_mut(&chat_id) else {
        return Answer::bad_request("message to delete not found");
    };
    match chat.messages.get(&message_id) {
        Some(m) if m.from_bot == bot => {
            chat.messages.remove(&message_id);
            Answer::ok(json!(true))
        }
        Some(_) => Answer::bad_request("message can't be deleted"),
        None => Answer::bad_request("message to delete not found"),
    }
}

async fn get_updates(shared: &Shared, token: &str, params: &Value) -> Answer {
    let offset = params.get("offset").and_then(Value::as_i64).unwrap_or(0);
    let limit = params.get("limit").and_then(Value::as_u64).unwrap_or(100).clamp(1, 100) as usize;
    let timeout = params.get("timeout").and_then(Value::as_u64).unwrap_or(0);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout).min(MAX_LONG_POLL);
    let (pushed, polls, superseded) = {
        let mut state = shared.lock();
        let u = state.updates.entry(token.to_string()).or_default();
        (u.pushed.clone(), u.polls.clone(), u.superseded.clone())
    };
    let this_poll = polls.fetch_add(1, Ordering::SeqCst) + 1;
    superseded.notify_waiters();
    loop {
        // Register interest before looking, so a push between the two is not missed.
        let notified = pushed.notified();
        let newer = superseded.notified();
        if polls.load(Ordering::SeqCst) != this_poll {
            return Answer::error(
                409,
                "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
            );
        }
        let batch: Vec<Value> = {
            let mut state = shared.lock();
            let updates = state.updates.entry(token.to_string()).or_default();
            // An offset confirms every update before it (Telegram forgets them).
            if offset > 0 {
                while updates
                    .queue
                    .front()
                    .is_some_and(|u| u.get("update_id").and_then(Value::as_i64).unwrap_or(0) < offset)
                {
                    updates.queue.pop_front();
                }
            }
            updates.queue.iter().take(limit).cloned().collect()
        };
        if !batch.is_empty() || tokio::time::Instant::now() >= deadline {
            return Answer::ok(Value::Array(batch));
        }
        tokio::select! {
            () = notified => {}
            () = newer => {}
            () = tokio::time::sleep_until(deadline) => return Answer::ok(json!([])),
        }
    }
}

fn get_file(shared: &Shared, params: &Value) -> Answer {
    let Some(file_id) = params.get("file_id").and_then(Value::as_str) else {
        return Answer::bad_request("file_id is empty");
    };
    let state = shared.lock();
    match state.files.get(file_id) {
        Some(f) => Answer::ok(json!({
            "file_id": f.file_id,
            "file_unique_id": f.file_unique_id,
            "file_size": f.bytes.len(),
            "file_path": f.file_path,
        })),
        None => Answer::bad_request("invalid file_id"),
    }
}

/// `GET /file/bot<token>/<file_path>`.
async fn download(State(shared): State<Arc<Shared>>, Path((bot, path)): Path<(String, String)>) -> Response {
    let received_at = Instant::now();
    let received_at_system = SystemTime::now();
    let token = bot.strip_prefix("bot").unwrap_or_default().to_string();
    let (status, response) = {
        let state = shared.lock();
        if !state.bots.contains_key(&token) {
            (401, Answer::error(401, "Unauthorized").into_response())
        } else {
            match state.file_paths.get(&path).and_then(|id| state.files.get(id)) {
                Some(f) => (200, (StatusCode::OK, f.bytes.clone()).into_response()),
                None => (404, Answer::error(404, "Not Found").into_response()),
            }
        }
    };
    shared.record(RecordedRequest {
        method: "file".into(),
        token,
        params: json!({ "file_path": path }),
        received_at,
        received_at_system,
        status: Some(status),
    });
    response
}

pub mod updates;

#[cfg(test)]
mod tests;
