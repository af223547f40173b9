//! HTTP client of the CenterMind API (`/api/v1`). One method per endpoint; every
//! failure becomes a [`CommandError`] with a stable code.

use std::fmt;
use std::time::Duration;

use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::error::{CommandError, CommandResult};
use crate::model::admin::{
    BotStatus, Distributor, DistributorSettings, Group, GroupChanges, Member, MemberChanges, NewDistributorInput,
    NewGroupInput, NewTvToken, NewUserInput, PdvType, PdvTypeChanges, PortalUser, TvToken, UserChanges,
};
use crate::model::audit::AuditPage;
use crate::model::jobs::{Backups, Job, JobChanges, JobRun};
use crate::model::legacy::LegacyImport;
use crate::model::work::{Dismissed, ErrorEvent, GivenUpWork, Retried, Work};
use crate::model::{
    EvaluationInput, ExhibitionCount, ExhibitionDetail, ExhibitionFilter, ExhibitionPage, ExportFormat,
    FirstSetupInput, Ranking, ReportGroupBy, ReportPeriod, ReportSummary, ServerInfo, User, wire_name,
};

/// How long to wait for a TCP/TLS connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a whole request may take (photos included).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
/// Importing years of the old system's exhibitions takes seconds to minutes.
const IMPORT_TIMEOUT: Duration = Duration::from_secs(15 * 60);
/// An export of a long period may take a while to write on the server.
const EXPORT_TIMEOUT: Duration = Duration::from_secs(600);
/// The event stream is reopened after this long even when healthy (a request needs a deadline).
pub const EVENTS_MAX_AGE: Duration = Duration::from_secs(3600);
/// The health probe must be quick: it runs while the person waits on the connect screen.
const HEALTH_TIMEOUT: Duration = Duration::from_secs(6);

/// A session token. Never printed, never serialised, never handed to the UI.
#[derive(Clone, PartialEq, Eq)]
pub struct Token(String);

impl Token {
    #[must_use]
    pub fn new(value: String) -> Self {
        Self(value)
    }

    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

/// Parses what a person typed as a server address into a base URL ending in `/`.
/// Without a scheme, `http://` is assumed (the sidecar serves plain HTTP on a LAN).
///
/// # Errors
/// [`CommandError::InvalidUrl`] when it is empty, not a URL, not http(s), or has
/// credentials, a query or a fragment.
pub fn parse_server_url(input: &str) -> CommandResult<Url> {
    let text = input.trim();
    let invalid = |message: &str| CommandError::InvalidUrl {
        message: message.to_string(),
    };
    if text.is_empty() {
        return Err(invalid("La dirección está vacía."));
    }
    let with_scheme = if text.contains("://") {
        text.to_string()
    } else {
        format!("http://{text}")
    };
    let mut url = Url::parse(&with_scheme).map_err(|e| CommandError::InvalidUrl {
        message: format!("«{text}» no es una dirección válida ({e})."),
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("Usá una dirección http:// o https://."));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("Falta el nombre o la IP del servidor."));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("La dirección no puede llevar usuario ni contraseña."));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(invalid("La dirección no puede llevar «?» ni «#»."));
    }
    // A base the API paths are joined onto, with or without a reverse-proxy prefix.
    let path = url.path().trim_end_matches('/').to_string();
    let path = path.strip_suffix("/api/v1").unwrap_or(&path).to_string();
    url.set_path(&format!("{path}/"));
    Ok(url)
}

/// Turns a transport failure into the error the person can act on.
fn transport_error(err: &reqwest::Error) -> CommandError {
    let chain = error_chain(err);
    if err.is_timeout() {
        return CommandError::Timeout { message: chain };
    }
    let lower = chain.to_lowercase();
    if ["certificate", "tls", "handshake", "rustls", "unknownissuer"]
        .iter()
        .any(|w| lower.contains(w))
    {
        return CommandError::Tls { message: chain };
    }
    if err.is_decode() {
        return CommandError::NotCenterMind { message: chain };
    }
    if err.is_connect() || err.is_request() {
        return CommandError::Unreachable { message: chain };
    }
    CommandError::Server { message: chain }
}

/// The error and its sources on one line ("a: b: c").
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

/// The API's error body.
#[derive(Deserialize)]
struct ApiErrorBody {
    code: String,
    message: String,
    current: Option<Box<ExhibitionDetail>>,
}

/// Maps a non-success response to a [`CommandError`] by the API's `code`, falling
/// back to the status when the body is not the API's.
async fn api_error(response: Response) -> CommandError {
    let status = response.status();
    let body = response.bytes().await.unwrap_or_default();
    match serde_json::from_slice::<ApiErrorBody>(&body) {
        Ok(b) => from_api_code(status, b),
        Err(_) => from_status(status),
    }
}

fn from_api_code(status: StatusCode, body: ApiErrorBody) -> CommandError {
    let message = body.message;
    match body.code.as_str() {
        "unauthenticated" => CommandError::Unauthenticated { message },
        "bad_credentials" => CommandError::BadCredentials { message },
        "wrong_password" => CommandError::WrongPassword { message },
        "too_many_attempts" => CommandError::TooManyAttempts { message },
        "forbidden" | "setup_not_local" => CommandError::Forbidden { message },
        "not_found" => CommandError::NotFound { message },
        "invalid" | "invalid_evaluation" | "already_set_up" => CommandError::Invalid { message },
        "already_exists" => CommandError::AlreadyExists { message },
        "telegram_unreachable" => CommandError::TelegramUnreachable { message },
        "conflict" => match body.current {
            Some(current) => CommandError::Conflict { message, current },
            None => CommandError::Invalid { message },
        },
        _ if status.is_server_error() => CommandError::Server { message },
        _ => from_status(status),
    }
}

fn from_status(status: StatusCode) -> CommandError {
    let message = format!("HTTP {status}");
    match status {
        StatusCode::UNAUTHORIZED => CommandError::Unauthenticated { message },
        StatusCode::FORBIDDEN => CommandError::Forbidden { message },
        StatusCode::NOT_FOUND => CommandError::NotFound { message },
        StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST => CommandError::Invalid { message },
        StatusCode::CONFLICT => CommandError::AlreadyExists { message },
        StatusCode::TOO_MANY_REQUESTS => CommandError::TooManyAttempts { message },
        _ => CommandError::Server { message },
    }
}

#[derive(Deserialize)]
struct Health {
    status: String,
    version: String,
    database: String,
    /// Absent from servers older than the field.
    #[serde(default)]
    started_at: Option<String>,
    #[serde(default)]
    restored_from: Option<String>,
}

/// What `POST /api/v1/backups/{file_name}/restore` answers.
#[derive(Debug, Deserialize)]
pub struct RestoreAccepted {
    pub distributors: i64,
    pub exhibitions: i64,
}

/// What `POST /api/v1/auth/login` answers.
#[derive(Deserialize)]
pub struct LoginReply {
    pub token: String,
    pub expires_at: String,
    pub user: User,
}

/// A client bound to one server.
#[derive(Clone)]
pub struct Backend {
    http: reqwest::Client,
    base: Url,
}

impl Backend {
    /// The shared HTTP client: rustls, timeouts, an identifying user agent.
    ///
    /// # Errors
    /// When the TLS backend cannot be initialised.
    pub fn http_client() -> CommandResult<reqwest::Client> {
        reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .user_agent(concat!("CenterMind-Desktop/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| CommandError::internal(error_chain(&e)))
    }

    #[must_use]
    pub fn new(http: reqwest::Client, base: Url) -> Self {
        Self { http, base }
    }

    #[must_use]
    pub fn base(&self) -> &Url {
        &self.base
    }

    fn request(&self, method: Method, path: &str, token: Option<&Token>) -> CommandResult<RequestBuilder> {
        let url = self
            .base
            .join(path)
            .map_err(|e| CommandError::InvalidUrl { message: e.to_string() })?;
        let builder = self.http.request(method, url);
        Ok(match token {
            Some(t) => builder.bearer_auth(t.expose()),
            None => builder,
        })
    }

    async fn send(builder: RequestBuilder) -> CommandResult<Response> {
        let response = builder.send().await.map_err(|e| transport_error(&e))?;
        if response.status().is_success() {
            Ok(response)
        } else {
            Err(api_error(response).await)
        }
    }

    async fn json<T: DeserializeOwned>(builder: RequestBuilder) -> CommandResult<T> {
        let response = Self::send(builder).await?;
        response.json::<T>().await.map_err(|e| CommandError::Server {
            message: format!("respuesta inesperada del servidor: {}", error_chain(&e)),
        })
    }

    /// Probes `GET /api/v1/health`: answers only if this is a CenterMind server.
    ///
    /// # Errors
    /// Transport errors by kind; [`CommandError::NotCenterMind`] for anything that
    /// answers but not with CenterMind's health document.
    pub async fn health(&self) -> CommandResult<ServerInfo> {
        let request = self
            .request(Method::GET, "api/v1/health", None)?
            .timeout(HEALTH_TIMEOUT);
        let response = request.send().await.map_err(|e| transport_error(&e))?;
        let status = response.status();
        let not_ours = |why: String| CommandError::NotCenterMind { message: why };
        if !status.is_success() {
            return Err(not_ours(format!("/api/v1/health respondió HTTP {status}")));
        }
        let body = response.bytes().await.map_err(|e| transport_error(&e))?;
        let health: Health = serde_json::from_slice(&body)
            .map_err(|_| not_ours("/api/v1/health no devolvió el documento de CenterMind".into()))?;
        Ok(ServerInfo {
            url: self.base.to_string(),
            version: health.version,
            status: health.status,
            database: health.database,
            started_at: health.started_at,
            restored_from: health.restored_from,
        })
    }

    pub async fn login(&self, username: &str, password: &str) -> CommandResult<LoginReply> {
        let body = serde_json::json!({ "username": username, "password": password });
        Self::json(self.request(Method::POST, "api/v1/auth/login", None)?.json(&body)).await
    }

    /// Whether the server still needs its first user (`GET /api/v1/setup`).
    pub async fn needs_setup(&self) -> CommandResult<bool> {
        #[derive(Deserialize)]
        struct Status {
            needs_setup: bool,
        }
        let status: Status = Self::json(self.request(Method::GET, "api/v1/setup", None)?).await?;
        Ok(status.needs_setup)
    }

    /// Creates the first distributor and superadmin, answering like a login.
    pub async fn first_setup(&self, input: &FirstSetupInput) -> CommandResult<LoginReply> {
        Self::json(self.request(Method::POST, "api/v1/setup", None)?.json(input)).await
    }

    pub async fn logout(&self, token: &Token) -> CommandResult<()> {
        Self::send(self.request(Method::POST, "api/v1/auth/logout", Some(token))?)
            .await
            .map(drop)
    }

    pub async fn me(&self, token: &Token) -> CommandResult<User> {
        Self::json(self.request(Method::GET, "api/v1/me", Some(token))?).await
    }

    /// Changes the signed-in user's own password; the server ends their other sessions.
    pub async fn change_password(&self, token: &Token, current: &str, new: &str) -> CommandResult<()> {
        let body = serde_json::json!({ "current_password": current, "new_password": new });
        Self::send(
            self.request(Method::POST, "api/v1/me/password", Some(token))?
                .json(&body),
        )
        .await
        .map(drop)
    }

    pub async fn exhibitions(&self, token: &Token, filter: &ExhibitionFilter) -> CommandResult<ExhibitionPage> {
        let request = self
            .request(Method::GET, "api/v1/exhibitions", Some(token))?
            .query(&filter.query());
        Self::json(request).await
    }

    /// How many match `filter` (its cursor and limit do not count).
    pub async fn count_exhibitions(&self, token: &Token, filter: &ExhibitionFilter) -> CommandResult<ExhibitionCount> {
        let request = self
            .request(Method::GET, "api/v1/exhibitions/count", Some(token))?
            .query(&filter.query());
        Self::json(request).await
    }

    pub async fn exhibition(&self, token: &Token, id: &str) -> CommandResult<ExhibitionDetail> {
        let path = format!("api/v1/exhibitions/{}", path_segment(id)?);
        Self::json(self.request(Method::GET, &path, Some(token))?).await
    }

    pub async fn evaluate(&self, token: &Token, id: &str, input: &EvaluationInput) -> CommandResult<ExhibitionDetail> {
        let path = format!("api/v1/exhibitions/{}/evaluation", path_segment(id)?);
        Self::json(self.request(Method::POST, &path, Some(token))?.json(input)).await
    }

    /// The bytes of one stored photo (JPEG or PNG).
    pub async fn photo(&self, token: &Token, id: &str, position: u32) -> CommandResult<Vec<u8>> {
        let path = format!("api/v1/exhibitions/{}/photos/{position}", path_segment(id)?);
        let response = Self::send(self.request(Method::GET, &path, Some(token))?).await?;
        let bytes = response.bytes().await.map_err(|e| transport_error(&e))?;
        Ok(bytes.to_vec())
    }

    pub async fn thumbnail(&self, token: &Token, id: &str, position: u32) -> CommandResult<Vec<u8>> {
        let path = format!("api/v1/exhibitions/{}/photos/{position}/thumbnail", path_segment(id)?);
        let response = Self::send(self.request(Method::GET, &path, Some(token))?).await?;
        let bytes = response.bytes().await.map_err(|e| transport_error(&e))?;
        Ok(bytes.to_vec())
    }

    /// A period's figures grouped by `group_by`.
    pub async fn report_summary(
        &self,
        token: &Token,
        distributor: Option<i64>,
        period: &ReportPeriod,
        group_by: ReportGroupBy,
    ) -> CommandResult<ReportSummary> {
        let request = self
            .request(Method::GET, "api/v1/reports/summary", Some(token))?
            .query(&scope(distributor))
            .query(&period.query())
            .query(&[("group_by", wire_name(&group_by))]);
        Self::json(request).await
    }

    /// Every exhibition of a period as a CSV or XLSX file; the body is read by the caller.
    pub async fn report_export(
        &self,
        token: &Token,
        distributor: Option<i64>,
        period: &ReportPeriod,
        format: ExportFormat,
    ) -> CommandResult<Response> {
        let path = format!("api/v1/reports/exhibitions.{}", format.extension());
        let request = self
            .request(Method::GET, &path, Some(token))?
            .query(&scope(distributor))
            .query(&period.query())
            .timeout(EXPORT_TIMEOUT);
        Self::send(request).await
    }

    /// Opens `GET /api/v1/events` (Server-Sent Events). The stream is open-ended, so
    /// this request's deadline is [`EVENTS_MAX_AGE`] instead of the usual one; the
    /// caller notices a dead connection by the missing keep-alives.
    ///
    /// # Errors
    /// Transport errors by kind; [`CommandError::Unauthenticated`] when the session ended.
    pub async fn events(&self, token: &Token, distributor: Option<i64>) -> CommandResult<Response> {
        self.event_stream("api/v1/events", token, distributor).await
    }

    /// Opens `GET /api/v1/tv/events` with a TV token: `ranking_changed` only.
    ///
    /// # Errors
    /// As [`Backend::events`]; [`CommandError::Unauthenticated`] once the token is revoked.
    pub async fn tv_events(&self, tv_token: &Token) -> CommandResult<Response> {
        self.event_stream("api/v1/tv/events", tv_token, None).await
    }

    async fn event_stream(&self, path: &str, token: &Token, distributor: Option<i64>) -> CommandResult<Response> {
        let request = self
            .request(Method::GET, path, Some(token))?
            .query(&scope(distributor))
            .header(reqwest::header::ACCEPT, "text/event-stream")
            .timeout(EVENTS_MAX_AGE);
        Self::send(request).await
    }

    /// The current month's ranking of the TV token's distributor.
    pub async fn tv_ranking(&self, tv_token: &Token) -> CommandResult<Ranking> {
        Self::json(self.request(Method::GET, "api/v1/tv/ranking", Some(tv_token))?).await
    }

    pub async fn ranking(
        &self,
        token: &Token,
        distributor: Option<i64>,
        month: Option<&str>,
    ) -> CommandResult<Ranking> {
        let mut request = self
            .request(Method::GET, "api/v1/ranking", Some(token))?
            .query(&scope(distributor));
        if let Some(m) = month {
            request = request.query(&[("month", m)]);
        }
        Self::json(request).await
    }
}

/// `?distributor=` for the superadmin; nothing for everyone else.
fn scope(distributor: Option<i64>) -> Vec<(&'static str, String)> {
    distributor
        .map(|d| vec![("distributor", d.to_string())])
        .unwrap_or_default()
}

/// A create request's body: the superadmin names the distributor in it, everyone
/// else acts on their own (no `distributor` key at all).
#[derive(Serialize)]
struct Scoped<'a, T: Serialize> {
    #[serde(skip_serializing_if = "Option::is_none")]
    distributor: Option<i64>,
    #[serde(flatten)]
    body: &'a T,
}

fn scoped<T: Serialize>(distributor: Option<i64>, body: &T) -> Scoped<'_, T> {
    Scoped { distributor, body }
}

/// Administration (`/api/v1/distributors`, `/groups`, `/members`, `/pdv-types`,
/// `/users`, `/tv-tokens`). The server checks role and tenant on every call: admins
/// act on their own distributor (`distributor` = `None`), the superadmin names one.
impl Backend {
    async fn list<T: DeserializeOwned>(&self, token: &Token, path: &str, distributor: Option<i64>) -> CommandResult<T> {
        Self::json(self.request(Method::GET, path, Some(token))?.query(&scope(distributor))).await
    }

    async fn create<B: Serialize, T: DeserializeOwned>(
        &self,
        token: &Token,
        path: &str,
        distributor: Option<i64>,
        body: &B,
    ) -> CommandResult<T> {
        Self::json(
            self.request(Method::POST, path, Some(token))?
                .json(&scoped(distributor, body)),
        )
        .await
    }

    async fn change<B: Serialize, T: DeserializeOwned>(
        &self,
        token: &Token,
        path: &str,
        distributor: Option<i64>,
        body: &B,
    ) -> CommandResult<T> {
        Self::json(
            self.request(Method::PATCH, path, Some(token))?
                .query(&scope(distributor))
                .json(body),
        )
        .await
    }

    /// Every distributor for the superadmin; an admin's own only.
    pub async fn distributors(&self, token: &Token) -> CommandResult<Vec<Distributor>> {
        self.list(token, "api/v1/distributors", None).await
    }

    pub async fn distributor(&self, token: &Token, id: i64) -> CommandResult<Distributor> {
        self.list(token, &format!("api/v1/distributors/{id}"), None).await
    }

    /// Superadmin only.
    pub async fn create_distributor(&self, token: &Token, input: &NewDistributorInput) -> CommandResult<Distributor> {
        self.create(token, "api/v1/distributors", None, input).await
    }

    pub async fn update_distributor(
        &self,
        token: &Token,
        id: i64,
        settings: &DistributorSettings,
    ) -> CommandResult<Distributor> {
        self.change(token, &format!("api/v1/distributors/{id}"), None, settings)
            .await
    }

    pub async fn bot_status(&self, token: &Token, id: i64) -> CommandResult<BotStatus> {
        self.list(token, &format!("api/v1/distributors/{id}/bot-status"), None)
            .await
    }

    /// The distributor's Telegram groups (admins only: others get `Forbidden`).
    pub async fn groups(&self, token: &Token, distributor: Option<i64>) -> CommandResult<Vec<Group>> {
        self.list(token, "api/v1/groups", distributor).await
    }

    pub async fn create_group(
        &self,
        token: &Token,
        distributor: Option<i64>,
        input: &NewGroupInput,
    ) -> CommandResult<Group> {
        self.create(token, "api/v1/groups", distributor, input).await
    }

    pub async fn update_group(
        &self,
        token: &Token,
        distributor: Option<i64>,
        id: i64,
        changes: &GroupChanges,
    ) -> CommandResult<Group> {
        self.change(token, &format!("api/v1/groups/{id}"), distributor, changes)
            .await
    }

    /// The distributor's Telegram members (admins only: others get `Forbidden`).
    pub async fn members(&self, token: &Token, distributor: Option<i64>) -> CommandResult<Vec<Member>> {
        self.list(token, "api/v1/members", distributor).await
    }

    pub async fn update_member(
        &self,
        token: &Token,
        distributor: Option<i64>,
        id: i64,
        changes: &MemberChanges,
    ) -> CommandResult<Member> {
        self.change(token, &format!("api/v1/members/{id}"), distributor, changes)
            .await
    }

    /// The distributor's PDV types in order, inactive ones too (read access is enough).
    pub async fn pdv_types(&self, token: &Token, distributor: Option<i64>) -> CommandResult<Vec<PdvType>> {
        self.list(token, "api/v1/pdv-types", distributor).await
    }

    pub async fn create_pdv_type(&self, token: &Token, distributor: Option<i64>, name: &str) -> CommandResult<PdvType> {
        let body = serde_json::json!({ "name": name });
        self.create(token, "api/v1/pdv-types", distributor, &body).await
    }

    pub async fn update_pdv_type(
        &self,
        token: &Token,
        distributor: Option<i64>,
        id: i64,
        changes: &PdvTypeChanges,
    ) -> CommandResult<PdvType> {
        self.change(token, &format!("api/v1/pdv-types/{id}"), distributor, changes)
            .await
    }

    pub async fn users(&self, token: &Token, distributor: Option<i64>) -> CommandResult<Vec<PortalUser>> {
        self.list(token, "api/v1/users", distributor).await
    }

    pub async fn create_user(
        &self,
        token: &Token,
        distributor: Option<i64>,
        input: &NewUserInput,
    ) -> CommandResult<PortalUser> {
        self.create(token, "api/v1/users", distributor, input).await
    }

    /// Users are addressed by id alone: the server finds them within the caller's reach.
    pub async fn update_user(&self, token: &Token, id: i64, changes: &UserChanges) -> CommandResult<PortalUser> {
        self.change(token, &format!("api/v1/users/{id}"), None, changes).await
    }

    pub async fn tv_tokens(&self, token: &Token, distributor: Option<i64>) -> CommandResult<Vec<TvToken>> {
        self.list(token, "api/v1/tv-tokens", distributor).await
    }

    pub async fn create_tv_token(
        &self,
        token: &Token,
        distributor: Option<i64>,
        label: &str,
    ) -> CommandResult<NewTvToken> {
        let body = serde_json::json!({ "label": label });
        self.create(token, "api/v1/tv-tokens", distributor, &body).await
    }

    pub async fn revoke_tv_token(&self, token: &Token, distributor: Option<i64>, id: i64) -> CommandResult<()> {
        let request = self
            .request(Method::DELETE, &format!("api/v1/tv-tokens/{id}"), Some(token))?
            .query(&scope(distributor));
        Self::send(request).await.map(drop)
    }
}

/// The distributor's background work and recorded failures (admins: their own
/// distributor; the superadmin names one; anyone else gets `Forbidden`).
impl Backend {
    pub async fn work(&self, token: &Token, distributor: Option<i64>) -> CommandResult<Work> {
        self.list(token, "api/v1/work", distributor).await
    }

    /// Queues the given-up work again, due now: the tasks in `task_ids`, or
    /// all (of `kind` only, when given) when it is empty.
    pub async fn retry_work(
        &self,
        token: &Token,
        distributor: Option<i64>,
        kind: Option<&str>,
        task_ids: &[i64],
    ) -> CommandResult<Retried> {
        self.on_given_up(token, "api/v1/work/retry", distributor, kind, task_ids)
            .await
    }

    /// Sets given-up work aside (selected as in [`Backend::retry_work`]).
    pub async fn dismiss_work(
        &self,
        token: &Token,
        distributor: Option<i64>,
        kind: Option<&str>,
        task_ids: &[i64],
    ) -> CommandResult<Dismissed> {
        self.on_given_up(token, "api/v1/work/dismiss", distributor, kind, task_ids)
            .await
    }

    async fn on_given_up<T: DeserializeOwned>(
        &self,
        token: &Token,
        path: &str,
        distributor: Option<i64>,
        kind: Option<&str>,
        task_ids: &[i64],
    ) -> CommandResult<T> {
        let mut body = serde_json::json!({ "kind": kind });
        // Only when named: a server older than this app refuses a field it does not know.
        if !task_ids.is_empty() {
            body["task_ids"] = serde_json::json!(task_ids);
        }
        Self::json(
            self.request(Method::POST, path, Some(token))?
                .query(&scope(distributor))
                .json(&body),
        )
        .await
    }

    /// The work given up on, one by one (of `kind` only, when given), the latest first.
    pub async fn given_up_work(
        &self,
        token: &Token,
        distributor: Option<i64>,
        kind: Option<&str>,
        limit: u32,
    ) -> CommandResult<Vec<GivenUpWork>> {
        let mut query = scope(distributor);
        if let Some(kind) = kind {
            query.push(("kind", kind.to_string()));
        }
        query.push(("limit", limit.to_string()));
        Self::json(
            self.request(Method::GET, "api/v1/work/given-up", Some(token))?
                .query(&query),
        )
        .await
    }

    /// The newest `limit` failures, newest first.
    pub async fn error_events(
        &self,
        token: &Token,
        distributor: Option<i64>,
        limit: u32,
    ) -> CommandResult<Vec<ErrorEvent>> {
        let mut query = scope(distributor);
        query.push(("limit", limit.to_string()));
        Self::json(
            self.request(Method::GET, "api/v1/error-events", Some(token))?
                .query(&query),
        )
        .await
    }
}

/// The administration history (`/api/v1/audit`): admins read their own
/// distributor's; the superadmin one distributor's, or everything with `None`.
impl Backend {
    pub async fn audit(
        &self,
        token: &Token,
        distributor: Option<i64>,
        action: Option<&str>,
        before: Option<i64>,
        limit: u32,
    ) -> CommandResult<AuditPage> {
        let mut query = scope(distributor);
        if let Some(action) = action {
            query.push(("action", action.to_string()));
        }
        if let Some(before) = before {
            query.push(("before", before.to_string()));
        }
        query.push(("limit", limit.to_string()));
        Self::json(self.request(Method::GET, "api/v1/audit", Some(token))?.query(&query)).await
    }
}

/// The server's scheduled jobs (`/api/v1/jobs`, superadmin only: anyone else gets
/// `Forbidden`). Jobs are named by their ids (`backup`, `housekeeping`…).
impl Backend {
    pub async fn jobs(&self, token: &Token) -> CommandResult<Vec<Job>> {
        Self::json(self.request(Method::GET, "api/v1/jobs", Some(token))?).await
    }

    /// The database copies in the server's backup folder, newest first (superadmin).
    pub async fn backups(&self, token: &Token) -> CommandResult<Backups> {
        Self::json(self.request(Method::GET, "api/v1/backups", Some(token))?).await
    }

    /// Asks the server to restore one of its backups (202: it restarts on it now).
    pub async fn restore_backup(&self, token: &Token, file_name: &str) -> CommandResult<RestoreAccepted> {
        let path = format!("api/v1/backups/{}/restore", backup_segment(file_name)?);
        Self::json(self.request(Method::POST, &path, Some(token))?).await
    }

    /// Sends the old system's database to be imported (or previewed): the
    /// file as the body; it can take a while on a large one.
    pub async fn import_legacy(
        &self,
        token: &Token,
        file: Vec<u8>,
        dry_run: bool,
        time_zone: Option<&str>,
        bot_tokens: bool,
    ) -> CommandResult<LegacyImport> {
        let mut query = vec![("dry_run", dry_run.to_string()), ("bot_tokens", bot_tokens.to_string())];
        if let Some(zone) = time_zone.map(str::trim).filter(|z| !z.is_empty()) {
            query.push(("time_zone", zone.to_string()));
        }
        let request = self
            .request(Method::POST, "api/v1/legacy-import", Some(token))?
            .query(&query)
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .timeout(IMPORT_TIMEOUT)
            .body(file);
        Self::json(request).await
    }

    /// Pauses or resumes a job, or changes its schedule or time zone (422 with the
    /// server's reason when it cannot use them).
    pub async fn update_job(&self, token: &Token, id: &str, changes: &JobChanges) -> CommandResult<Job> {
        let path = format!("api/v1/jobs/{}", job_segment(id)?);
        Self::json(self.request(Method::PATCH, &path, Some(token))?.json(changes)).await
    }

    /// Asks for a run now (202 with the job); the service starts it within seconds.
    pub async fn run_job(&self, token: &Token, id: &str) -> CommandResult<Job> {
        let path = format!("api/v1/jobs/{}/run", job_segment(id)?);
        Self::json(self.request(Method::POST, &path, Some(token))?).await
    }

    /// The job's runs, newest first, at most `limit`.
    pub async fn job_runs(&self, token: &Token, id: &str, limit: u32) -> CommandResult<Vec<JobRun>> {
        let path = format!("api/v1/jobs/{}/runs", job_segment(id)?);
        let request = self
            .request(Method::GET, &path, Some(token))?
            .query(&[("limit", limit)]);
        Self::json(request).await
    }
}

/// Job ids are short snake_case names: refuse anything else before it reaches a URL path.
/// A backup's file name as a path segment: the backup job's names only
/// (`centermind-<time>.db`), nothing that could leave the folder.
fn backup_segment(name: &str) -> CommandResult<&str> {
    let ok = name.starts_with("centermind-")
        && name.len() <= 80
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_');
    if ok {
        Ok(name)
    } else {
        Err(CommandError::Invalid {
            message: format!("nombre de copia inválido: {name:?}"),
        })
    }
}

fn job_segment(id: &str) -> CommandResult<&str> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if ok {
        Ok(id)
    } else {
        Err(CommandError::Invalid {
            message: format!("identificador de tarea inválido: {id:?}"),
        })
    }
}

/// Exhibition ids are UUIDs: refuse anything else before it reaches a URL path.
fn path_segment(id: &str) -> CommandResult<&str> {
    let ok = !id.is_empty() && id.len() <= 40 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    if ok {
        Ok(id)
    } else {
        Err(CommandError::Invalid {
            message: format!("identificador inválido: {id:?}"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_urls_are_normalised() {
        let cases = [
            ("192.168.0.10:8787", "http://192.168.0.10:8787/"),
            ("  http://localhost:8787/ ", "http://localhost:8787/"),
            ("https://cm.example.com", "https://cm.example.com/"),
            (
                "https://proxy.example.com/centermind/",
                "https://proxy.example.com/centermind/",
            ),
            ("http://127.0.0.1:8787/api/v1", "http://127.0.0.1:8787/"),
        ];
        for (input, want) in cases {
            assert_eq!(
                parse_server_url(input).map(|u| u.to_string()),
                Ok(want.to_string()),
                "{input}"
            );
        }
    }

    #[test]
    fn bad_server_urls_are_refused_with_invalid_url() {
        for input in [
            "",
            "   ",
            "ftp://host",
            "http://",
            "http://user:pw@host",
            "http://h/?a=1",
            "http://h:99999",
        ] {
            let err = parse_server_url(input).expect_err(input);
            assert_eq!(err.code(), "invalid_url", "{input}: {err}");
        }
    }

    #[test]
    fn token_debug_is_redacted() {
        assert_eq!(format!("{:?}", Token::new("secret".into())), "Token(***)");
    }

    #[test]
    fn api_error_codes_map_to_command_errors() {
        let body = |code: &str| ApiErrorBody {
            code: code.into(),
            message: "m".into(),
            current: None,
        };
        let cases = [
            (StatusCode::UNAUTHORIZED, "unauthenticated", "unauthenticated"),
            (StatusCode::UNAUTHORIZED, "bad_credentials", "bad_credentials"),
            (StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", "too_many_attempts"),
            (StatusCode::UNPROCESSABLE_ENTITY, "wrong_password", "wrong_password"),
            (StatusCode::FORBIDDEN, "forbidden", "forbidden"),
            (StatusCode::NOT_FOUND, "not_found", "not_found"),
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_evaluation", "invalid"),
            (StatusCode::INTERNAL_SERVER_ERROR, "internal", "server"),
            (StatusCode::CONFLICT, "conflict", "invalid"),
            (StatusCode::IM_A_TEAPOT, "whatever", "server"),
        ];
        for (status, code, want) in cases {
            assert_eq!(from_api_code(status, body(code)).code(), want, "{code}");
        }
        assert_eq!(from_status(StatusCode::UNAUTHORIZED).code(), "unauthenticated");
        assert_eq!(from_status(StatusCode::BAD_GATEWAY).code(), "server");
    }

    #[test]
    fn the_distributor_goes_in_the_query_or_the_body_only_for_the_superadmin() {
        assert_eq!(scope(Some(4)), vec![("distributor", "4".to_string())]);
        assert!(scope(None).is_empty());
        let input = NewGroupInput {
            chat_id: -100_123,
            title: "Ventas".into(),
        };
        assert_eq!(
            serde_json::to_value(scoped(Some(4), &input)).expect("serialises"),
            serde_json::json!({"distributor": 4, "chat_id": -100_123, "title": "Ventas"})
        );
        assert_eq!(
            serde_json::to_value(scoped(None, &input)).expect("serialises"),
            serde_json::json!({"chat_id": -100_123, "title": "Ventas"})
        );
    }

    #[test]
    fn duplicates_and_an_unreachable_telegram_have_their_own_codes() {
        let body = |code: &str| ApiErrorBody {
            code: code.into(),
            message: "Ya existe (user).".into(),
            current: None,
        };
        assert_eq!(
            from_api_code(StatusCode::CONFLICT, body("already_exists")),
            CommandError::AlreadyExists {
                message: "Ya existe (user).".into()
            }
        );
        assert_eq!(
            from_api_code(StatusCode::BAD_GATEWAY, body("telegram_unreachable")).code(),
            "telegram_unreachable"
        );
        // The first-run setup on a server that has users stays a refusal of the data.
        assert_eq!(
            from_api_code(StatusCode::CONFLICT, body("already_set_up")).code(),
            "invalid"
        );
        // A 409 without the API's body (a proxy) is still a duplicate.
        assert_eq!(from_status(StatusCode::CONFLICT).code(), "already_exists");
        // A 422 keeps the server's message (e.g. Telegram refused the bot token).
        let refused = ApiErrorBody {
            code: "invalid".into(),
            message: "Datos inválidos: bot_token: Telegram rechazó el token del bot".into(),
            current: None,
        };
        assert_eq!(
            from_api_code(StatusCode::UNPROCESSABLE_ENTITY, refused).to_string(),
            "invalid: Datos inválidos: bot_token: Telegram rechazó el token del bot"
        );
    }

    #[test]
    fn backup_names_are_checked_before_building_paths() {
        let good = "centermind-20261122T060000.123Z.db";
        assert_eq!(backup_segment(good), Ok(good));
        for bad in [
            "",
            "..",
            "../centermind.db",
            "centermind-x/../../etc/passwd",
            "centermind-%2e%2e",
            "notes.db",
            "centermind-a b.db",
        ] {
            assert_eq!(backup_segment(bad).map_err(|e| e.code()), Err("invalid"), "{bad}");
        }
    }

    #[test]
    fn job_ids_are_checked_before_building_paths() {
        for good in ["backup", "housekeeping", "daily_summary"] {
            assert_eq!(job_segment(good), Ok(good));
        }
        for bad in [
            "",
            "../jobs",
            "backup/run",
            "backup?x=1",
            "Backup",
            "copia de seguridad",
        ] {
            assert_eq!(job_segment(bad).map_err(|e| e.code()), Err("invalid"), "{bad}");
        }
        // A schedule the server cannot use keeps its Spanish reason.
        let refused = ApiErrorBody {
            code: "invalid".into(),
            message: "Datos inválidos: No entiendo la programación \"weekly\".".into(),
            current: None,
        };
        assert_eq!(
            from_api_code(StatusCode::UNPROCESSABLE_ENTITY, refused),
            CommandError::Invalid {
                message: "Datos inválidos: No entiendo la programación \"weekly\".".into()
            }
        );
    }

    #[test]
    fn ids_are_checked_before_building_paths() {
        assert!(path_segment("0195f0a0-0000-7000-8000-000000000001").is_ok());
        for bad in ["", "../../etc", "a/b", "x?y"] {
            assert_eq!(path_segment(bad).map_err(|e| e.code()), Err("invalid"), "{bad}");
        }
    }
}
