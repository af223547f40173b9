//! The shell's state: which server, who is signed in, and the remembered token.
//!
//! The session token lives here, in Rust, and nowhere in the web view. With
//! "Recordarme" it is also kept in the OS credential store ([`TokenStore`]),
//! keyed by server address; logging out or a 401 from the server deletes it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use url::Url;

use crate::client::{Backend, Token, parse_server_url};
use crate::error::{CommandError, CommandResult};
use crate::model::{KioskInfo, SessionInfo, User};

/// Service name under which tokens are stored in the OS credential store.
pub const KEYRING_SERVICE: &str = "ar.com.centermind.desktop";

/// Where remembered tokens are kept. Calls may block (D-Bus, Keychain): run them
/// off the async runtime.
pub trait TokenStore: Send + Sync {
    fn load(&self, server: &str) -> Result<Option<Token>, String>;
    fn save(&self, server: &str, token: &Token) -> Result<(), String>;
    fn delete(&self, server: &str) -> Result<(), String>;
}

/// The OS credential store: Secret Service on Linux, Credential Manager on
/// Windows, Keychain on macOS.
pub struct KeyringStore;

impl KeyringStore {
    fn entry(server: &str) -> Result<keyring::Entry, String> {
        keyring::Entry::new(KEYRING_SERVICE, server).map_err(|e| e.to_string())
    }
}

impl TokenStore for KeyringStore {
    fn load(&self, server: &str) -> Result<Option<Token>, String> {
        match Self::entry(server)?.get_password() {
            Ok(t) => Ok(Some(Token::new(t))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }

    fn save(&self, server: &str, token: &Token) -> Result<(), String> {
        Self::entry(server)?
            .set_password(token.expose())
            .map_err(|e| e.to_string())
    }

    fn delete(&self, server: &str) -> Result<(), String> {
        match Self::entry(server)?.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// An in-memory store, for tests and when no OS store is wanted.
#[derive(Default)]
pub struct MemoryStore(Mutex<HashMap<String, Token>>);

impl MemoryStore {
    fn map(&self) -> MutexGuard<'_, HashMap<String, Token>> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl TokenStore for MemoryStore {
    fn load(&self, server: &str) -> Result<Option<Token>, String> {
        Ok(self.map().get(server).cloned())
    }

    fn save(&self, server: &str, token: &Token) -> Result<(), String> {
        self.map().insert(server.to_string(), token.clone());
        Ok(())
    }

    fn delete(&self, server: &str) -> Result<(), String> {
        self.map().remove(server);
        Ok(())
    }
}

/// What is kept on disk between runs: not secret (the token is not here).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
struct Settings {
    server_url: Option<String>,
    /// "Este equipo": the app starts its own sidecar.
    local: bool,
    /// The local sidecar's port last time (kept, so the address and the
    /// remembered session stay the same from run to run).
    local_port: Option<u16>,
    /// Where to look for updates instead of the one in `tauri.conf.json`.
    update_endpoint: Option<String>,
    /// "Este equipo": where the local server's backup job writes (another disk,
    /// a share); `None`: the server's default, in its data folder.
    local_backup_dir: Option<String>,
}

struct Session {
    token: Token,
    info: SessionInfo,
}

/// This computer as the office TV, with its TV token.
struct Kiosk {
    token: Token,
    info: KioskInfo,
}

#[derive(Default)]
struct Inner {
    server: Option<Url>,
    session: Option<Session>,
    kiosk: Option<Kiosk>,
    settings: Settings,
}

/// The credential-store key of a server's TV token (sessions are keyed by the bare address).
#[must_use]
pub fn kiosk_key(server: &Url) -> String {
    format!("tv:{server}")
}

/// The desktop shell's managed state.
pub struct Shell {
    http: reqwest::Client,
    settings_file: Option<PathBuf>,
    tokens: Arc<dyn TokenStore>,
    inner: Mutex<Inner>,
    /// The task following the server's live events for the UI, if any, with its id.
    live: Mutex<Option<(u32, tauri::async_runtime::JoinHandle<()>)>>,
    /// The id of the last follower started.
    live_ids: std::sync::atomic::AtomicU32,
}

impl Shell {
    /// Loads the saved server address from `settings_file` (if any).
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(settings_file: Option<PathBuf>, tokens: Arc<dyn TokenStore>) -> CommandResult<Self> {
        let settings: Settings = settings_file
            .as_ref()
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        let server = settings.server_url.as_deref().and_then(|u| parse_server_url(u).ok());
        Ok(Self {
            http: Backend::http_client()?,
            settings_file,
            tokens,
            inner: Mutex::new(Inner {
                server,
                session: None,
                kiosk: None,
                settings,
            }),
            live: Mutex::new(None),
            live_ids: std::sync::atomic::AtomicU32::new(0),
        })
    }

    /// True when the app runs its own sidecar ("este equipo").
    #[must_use]
    pub fn local(&self) -> bool {
        self.inner().settings.local
    }

    /// The port the local sidecar used last time.
    #[must_use]
    pub fn local_port(&self) -> Option<u16> {
        self.inner().settings.local_port
    }

    /// The local server's backup folder chosen in the settings, if any.
    #[must_use]
    pub fn local_backup_dir(&self) -> Option<PathBuf> {
        self.inner().settings.local_backup_dir.as_ref().map(PathBuf::from)
    }

    /// Saves (or, with `None`, forgets) the local server's backup folder.
    ///
    /// # Errors
    /// When the settings file cannot be written.
    pub fn set_local_backup_dir(&self, dir: Option<&Path>) -> CommandResult<()> {
        let settings = {
            let mut inner = self.inner();
            inner.settings.local_backup_dir = dir.map(|d| d.to_string_lossy().into_owned());
            inner.settings.clone()
        };
        self.write_settings(&settings)
    }

    /// The update endpoint chosen in the settings, if any.
    #[must_use]
    pub fn update_endpoint(&self) -> Option<String> {
        self.inner().settings.update_endpoint.clone()
    }

    /// Saves (or, with `None`, forgets) the update endpoint.
    ///
    /// # Errors
    /// When the settings file cannot be written.
    pub fn set_update_endpoint(&self, endpoint: Option<String>) -> CommandResult<()> {
        let settings = {
            let mut inner = self.inner();
            inner.settings.update_endpoint = endpoint;
            inner.settings.clone()
        };
        self.write_settings(&settings)
    }

    fn write_settings(&self, settings: &Settings) -> CommandResult<()> {
        if let Some(path) = &self.settings_file {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(CommandError::internal)?;
            }
            let json = serde_json::to_vec_pretty(settings).map_err(CommandError::internal)?;
            std::fs::write(path, json).map_err(CommandError::internal)?;
        }
        Ok(())
    }

    fn inner(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// A client for `url` (not yet saved).
    #[must_use]
    pub fn backend_for(&self, url: Url) -> Backend {
        Backend::new(self.http.clone(), url)
    }

    /// The configured server address, if any.
    #[must_use]
    pub fn server(&self) -> Option<Url> {
        self.inner().server.clone()
    }

    /// A client for the configured server.
    ///
    /// # Errors
    /// [`CommandError::NotConnected`] when no server is configured.
    pub fn backend(&self) -> CommandResult<Backend> {
        self.server()
            .map(|u| self.backend_for(u))
            .ok_or_else(CommandError::not_connected)
    }

    /// Saves `url` as the (remote) server. A different server ends the current session.
    ///
    /// # Errors
    /// When the settings file cannot be written.
    pub fn set_server(&self, url: Url) -> CommandResult<()> {
        self.save_server(url, None)
    }

    /// Saves the local sidecar at `url` (port `port`) as the server: "este equipo".
    ///
    /// # Errors
    /// When the settings file cannot be written.
    pub fn set_local_server(&self, url: Url, port: u16) -> CommandResult<()> {
        self.save_server(url, Some(port))
    }

    fn save_server(&self, url: Url, local_port: Option<u16>) -> CommandResult<()> {
        let settings = {
            let mut inner = self.inner();
            if inner.server.as_ref() != Some(&url) {
                inner.session = None;
                inner.kiosk = None;
            }
            inner.server = Some(url.clone());
            inner.settings.server_url = Some(url.to_string());
            inner.settings.local = local_port.is_some();
            if local_port.is_some() {
                inner.settings.local_port = local_port;
            }
            inner.settings.clone()
        };
        self.write_settings(&settings)
    }

    /// The client and token of the signed-in session.
    ///
    /// # Errors
    /// [`CommandError::NotConnected`] or [`CommandError::Unauthenticated`].
    pub fn authed(&self) -> CommandResult<(Backend, Token)> {
        let backend = self.backend()?;
        let inner = self.inner();
        let token = inner
            .session
            .as_ref()
            .map(|s| s.token.clone())
            .ok_or_else(CommandError::signed_out)?;
        Ok((backend, token))
    }

    /// The signed-in session, if any (no network).
    #[must_use]
    pub fn session_info(&self) -> Option<SessionInfo> {
        self.inner().session.as_ref().map(|s| s.info.clone())
    }

    /// Keeps a new session in memory.
    pub fn start_session(&self, token: Token, info: SessionInfo) {
        self.inner().session = Some(Session { token, info });
    }

    /// Makes this computer the TV of the token's distributor.
    pub fn start_kiosk(&self, token: Token, info: KioskInfo) {
        self.inner().kiosk = Some(Kiosk { token, info });
    }

    /// The TV mode in memory, if any (no network).
    #[must_use]
    pub fn kiosk_info(&self) -> Option<KioskInfo> {
        self.inner().kiosk.as_ref().map(|k| k.info.clone())
    }

    /// Keeps the distributor's name learnt from a later read (a restore while offline has none).
    pub fn set_kiosk_name(&self, name: &str) {
        if let Some(kiosk) = self.inner().kiosk.as_mut()
            && !name.is_empty()
        {
            kiosk.info.distributor_name = name.to_string();
        }
    }

    /// The client and TV token of the TV mode.
    ///
    /// # Errors
    /// [`CommandError::NotConnected`], or [`CommandError::Unauthenticated`] outside TV mode.
    pub fn kiosk(&self) -> CommandResult<(Backend, Token)> {
        let backend = self.backend()?;
        let token =
            self.inner()
                .kiosk
                .as_ref()
                .map(|k| k.token.clone())
                .ok_or_else(|| CommandError::Unauthenticated {
                    message: "Este equipo no está configurado como pantalla TV.".into(),
                })?;
        Ok((backend, token))
    }

    /// Leaves TV mode and forgets the TV token here and in the credential store.
    pub async fn end_kiosk(&self) -> CommandResult<()> {
        self.stop_live(None);
        let server = {
            let mut inner = self.inner();
            inner.kiosk = None;
            inner.server.clone()
        };
        match server {
            Some(server) => self.delete_token(&kiosk_key(&server)).await,
            None => Ok(()),
        }
    }

    /// Forgets `token` when it is still this computer's TV code: the server said it
    /// was revoked (the TV stream ended with `session_ended`). A code entered since
    /// is left alone, and the live follower is not stopped: it is the caller.
    pub async fn forget_revoked_kiosk(&self, token: &Token) -> CommandResult<bool> {
        let server = {
            let mut inner = self.inner();
            if inner.kiosk.as_ref().is_none_or(|k| &k.token != token) {
                return Ok(false);
            }
            inner.kiosk = None;
            inner.server.clone()
        };
        if let Some(server) = server {
            self.delete_token(&kiosk_key(&server)).await?;
        }
        Ok(true)
    }

    /// Passes `result` through; a 401 (the TV token was revoked) leaves TV mode.
    pub async fn check_kiosk<T>(&self, result: CommandResult<T>) -> CommandResult<T> {
        if let Err(CommandError::Unauthenticated { .. }) = &result
            && let Err(e) = self.end_kiosk().await
        {
            tracing::warn!(error = %e, "could not forget the TV token");
        }
        result
    }

    /// Makes `task` the one following live events, stopping the previous one, and
    /// returns its id (for [`Shell::stop_live`]).
    pub fn start_live(&self, task: tauri::async_runtime::JoinHandle<()>) -> u32 {
        let id = self.live_ids.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if let Some((_, previous)) = self.live_slot().replace((id, task)) {
            previous.abort();
        }
        id
    }

    /// Stops the follower `id` (any follower with `None`). A stop that arrives after a
    /// newer follower started leaves that one running: the UI's calls may be handled
    /// out of order.
    pub fn stop_live(&self, id: Option<u32>) {
        let mut slot = self.live_slot();
        if slot
            .as_ref()
            .is_some_and(|(current, _)| id.is_none_or(|id| id == *current))
            && let Some((_, task)) = slot.take()
        {
            task.abort();
        }
    }

    fn live_slot(&self) -> MutexGuard<'_, Option<(u32, tauri::async_runtime::JoinHandle<()>)>> {
        self.live.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Forgets the session in memory; with `forget_stored`, also the remembered token.
    pub async fn end_session(&self, forget_stored: bool) -> CommandResult<()> {
        // Its events are not the next session's.
        self.stop_live(None);
        let server = {
            let mut inner = self.inner();
            inner.session = None;
            inner.server.clone()
        };
        match (forget_stored, server) {
            (true, Some(server)) => self.delete_token(server.as_str()).await,
            _ => Ok(()),
        }
    }

    /// Ends the session and forgets the remembered token; a credential store that
    /// cannot forget it (none on this system) is logged, not an error: the person is
    /// signed out all the same.
    pub async fn sign_out(&self) {
        if let Err(e) = self.end_session(true).await {
            tracing::warn!(error = %e, "could not forget the remembered token");
        }
    }

    /// Passes `result` through; a 401 from the server ends the session and forgets
    /// the remembered token first.
    pub async fn check<T>(&self, result: CommandResult<T>) -> CommandResult<T> {
        if let Err(CommandError::Unauthenticated { .. }) = &result {
            self.sign_out().await;
        }
        result
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(Arc<dyn TokenStore>) -> Result<T, String> + Send + 'static,
    ) -> CommandResult<T> {
        let tokens = Arc::clone(&self.tokens);
        tauri::async_runtime::spawn_blocking(move || f(tokens))
            .await
            .map_err(CommandError::internal)?
            .map_err(|message| CommandError::Keyring { message })
    }

    pub async fn load_token(&self, server: &str) -> CommandResult<Option<Token>> {
        let server = server.to_string();
        self.blocking(move |t| t.load(&server)).await
    }

    pub async fn save_token(&self, server: &str, token: &Token) -> CommandResult<()> {
        let (server, token) = (server.to_string(), token.clone());
        self.blocking(move |t| t.save(&server, &token)).await
    }

    pub async fn delete_token(&self, server: &str) -> CommandResult<()> {
        let server = server.to_string();
        self.blocking(move |t| t.delete(&server)).await
    }
}

/// Builds the UI's view of a session.
#[must_use]
pub fn session_info(
    user: User,
    server: &Url,
    expires_at: Option<String>,
    remembered: bool,
    remember_failed: bool,
) -> SessionInfo {
    SessionInfo {
        user,
        server_url: server.to_string(),
        expires_at,
        remembered,
        remember_failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;

    fn live_id(shell: &Shell) -> Option<u32> {
        shell.live_slot().as_ref().map(|(id, _)| *id)
    }

    #[test]
    fn a_late_stop_of_an_older_follower_leaves_the_newer_one_running() {
        let shell = Shell::new(None, Arc::new(MemoryStore::default())).unwrap();
        let forever = || tauri::async_runtime::spawn(std::future::pending::<()>());
        let first = shell.start_live(forever());
        let second = shell.start_live(forever());
        assert_ne!(first, second);
        // The screen that left asked to stop its follower after the next screen started one.
        shell.stop_live(Some(first));
        assert_eq!(live_id(&shell), Some(second));
        shell.stop_live(Some(second));
        assert_eq!(live_id(&shell), None);
        // The end of a session stops whichever runs.
        shell.start_live(forever());
        shell.stop_live(None);
        assert_eq!(live_id(&shell), None);
    }

    fn user() -> User {
        User {
            id: 1,
            username: "supervisor.sur".into(),
            display_name: "Supervisor Sur".into(),
            role: Role::Supervisor,
            distributor_id: Some(1),
            distributor_name: None,
        }
    }

    #[tokio::test]
    async fn server_is_saved_and_a_new_server_ends_the_session() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("settings.json");
        let shell = Shell::new(Some(file.clone()), Arc::new(MemoryStore::default())).expect("shell");
        assert_eq!(shell.backend().map(|_| ()).map_err(|e| e.code()), Err("not_connected"));

        let a = parse_server_url("127.0.0.1:8787").expect("url");
        shell.set_server(a.clone()).expect("saved");
        shell.start_session(Token::new("t".into()), session_info(user(), &a, None, false, false));
        assert!(shell.authed().is_ok());

        // Same server: the session stays.
        shell.set_server(a.clone()).expect("saved");
        assert!(shell.session_info().is_some());

        // Reloaded from disk.
        let again = Shell::new(Some(file), Arc::new(MemoryStore::default())).expect("shell");
        assert_eq!(again.server(), Some(a));

        let b = parse_server_url("https://other.example").expect("url");
        shell.set_server(b).expect("saved");
        assert!(shell.session_info().is_none());
        assert_eq!(shell.authed().map(|_| ()).map_err(|e| e.code()), Err("unauthenticated"));
    }

    #[test]
    fn local_mode_and_update_endpoint_are_kept_together() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("settings.json");
        // A settings file of an older version (server only) still loads.
        std::fs::write(&file, br#"{"server_url":"http://10.0.0.2:8787/"}"#).expect("old file");
        let shell = Shell::new(Some(file.clone()), Arc::new(MemoryStore::default())).expect("shell");
        assert!(!shell.local());
        assert_eq!(
            shell.server().map(|u| u.to_string()).as_deref(),
            Some("http://10.0.0.2:8787/")
        );

        shell
            .set_update_endpoint(Some("https://updates.example/{{target}}".into()))
            .expect("saved");
        let local = parse_server_url("127.0.0.1:41234").expect("url");
        shell.set_local_server(local.clone(), 41234).expect("saved");
        let again = Shell::new(Some(file.clone()), Arc::new(MemoryStore::default())).expect("shell");
        assert!(again.local());
        assert_eq!(again.local_port(), Some(41234));
        assert_eq!(again.server(), Some(local));
        assert_eq!(
            again.update_endpoint().as_deref(),
            Some("https://updates.example/{{target}}")
        );

        // Back to a remote server: local mode off, the port remembered for later.
        again
            .set_server(parse_server_url("https://cm.example").expect("url"))
            .expect("saved");
        let third = Shell::new(Some(file), Arc::new(MemoryStore::default())).expect("shell");
        assert!(!third.local());
        assert_eq!(third.local_port(), Some(41234));
        assert_eq!(
            third.update_endpoint().as_deref(),
            Some("https://updates.example/{{target}}")
        );
    }

    #[tokio::test]
    async fn a_401_forgets_the_session_and_the_remembered_token() {
        let store = Arc::new(MemoryStore::default());
        let shell = Shell::new(None, store.clone()).expect("shell");
        let url = parse_server_url("127.0.0.1:8787").expect("url");
        shell.set_server(url.clone()).expect("set");
        let token = Token::new("secret".into());
        shell.save_token(url.as_str(), &token).await.expect("saved");
        shell.start_session(token.clone(), session_info(user(), &url, None, true, false));

        // Other errors leave everything alone.
        let other: CommandResult<()> = Err(CommandError::Timeout { message: "t".into() });
        assert!(shell.check(other).await.is_err());
        assert!(shell.session_info().is_some());

        let unauthenticated: CommandResult<()> = Err(CommandError::signed_out());
        assert!(shell.check(unauthenticated).await.is_err());
        assert!(shell.session_info().is_none());
        assert_eq!(store.load(url.as_str()), Ok(None));
    }

    #[tokio::test]
    async fn a_revoked_tv_token_leaves_tv_mode_and_is_forgotten_but_a_session_token_is_kept() {
        let store = Arc::new(MemoryStore::default());
        let shell = Shell::new(None, store.clone()).expect("shell");
        let url = parse_server_url("127.0.0.1:8787").expect("url");
        shell.set_server(url.clone()).expect("set");
        let (tv, person) = (Token::new("tv-secret".into()), Token::new("session".into()));
        shell.save_token(&kiosk_key(&url), &tv).await.expect("saved");
        shell.save_token(url.as_str(), &person).await.expect("saved");
        let info = KioskInfo {
            server_url: url.to_string(),
            distributor_name: String::new(),
        };
        shell.start_kiosk(tv.clone(), info);
        shell.set_kiosk_name("Distribuidora Sur");
        assert_eq!(
            shell.kiosk_info().map(|k| k.distributor_name).as_deref(),
            Some("Distribuidora Sur")
        );
        assert_eq!(shell.kiosk().map(|(_, t)| t), Ok(tv.clone()));

        // Offline is not revoked.
        let offline: CommandResult<()> = Err(CommandError::Unreachable { message: "m".into() });
        assert!(shell.check_kiosk(offline).await.is_err());
        assert!(shell.kiosk_info().is_some());

        let revoked: CommandResult<()> = Err(CommandError::signed_out());
        assert!(shell.check_kiosk(revoked).await.is_err());
        assert!(shell.kiosk_info().is_none());
        assert_eq!(shell.kiosk().map(|_| ()).map_err(|e| e.code()), Err("unauthenticated"));
        assert_eq!(store.load(&kiosk_key(&url)), Ok(None));
        assert_eq!(
            store.load(url.as_str()),
            Ok(Some(person)),
            "a person's remembered session is another key"
        );
    }

    #[tokio::test]
    async fn a_code_revoked_while_showing_is_forgotten_but_not_a_newer_one() {
        let store = Arc::new(MemoryStore::default());
        let shell = Shell::new(None, store.clone()).expect("shell");
        let url = parse_server_url("127.0.0.1:8787").expect("url");
        shell.set_server(url.clone()).expect("set");
        let info = KioskInfo {
            server_url: url.to_string(),
            distributor_name: "Sur".into(),
        };
        let (old, new) = (Token::new("tv-old".into()), Token::new("tv-new".into()));
        // The stream of the old code ends after a new code was entered: nothing is lost.
        shell.save_token(&kiosk_key(&url), &new).await.expect("saved");
        shell.start_kiosk(new.clone(), info.clone());
        assert_eq!(shell.forget_revoked_kiosk(&old).await, Ok(false));
        assert_eq!(store.load(&kiosk_key(&url)), Ok(Some(new.clone())));
        assert!(shell.kiosk_info().is_some());
        // Its own stream ends: forgotten in memory and in the credential store, so a
        // restart while the server is down does not come back as a TV with a dead code.
        assert_eq!(shell.forget_revoked_kiosk(&new).await, Ok(true));
        assert_eq!(store.load(&kiosk_key(&url)), Ok(None));
        assert!(shell.kiosk_info().is_none());
    }

    #[tokio::test]
    async fn logout_forgets_the_stored_token() {
        let store = Arc::new(MemoryStore::default());
        let shell = Shell::new(None, store.clone()).expect("shell");
        let url = parse_server_url("localhost:8787").expect("url");
        shell.set_server(url.clone()).expect("set");
        shell
            .save_token(url.as_str(), &Token::new("x".into()))
            .await
            .expect("saved");
        assert!(shell.load_token(url.as_str()).await.expect("loads").is_some());
        shell.end_session(true).await.expect("ended");
        assert!(shell.load_token(url.as_str()).await.expect("loads").is_none());
    }
}

/// "Recordarme" on Windows: the token in the Credential Manager. `./x test`
/// runs these under Wine (its Credential Manager keeps the same API).
#[cfg(all(test, windows))]
mod windows_tests {
    use super::*;

    #[test]
    fn remembered_tokens_live_in_the_credential_manager_one_per_server() {
        let store = KeyringStore;
        // Unique per run: the Credential Manager outlives the test.
        let run = std::process::id();
        let (sur, norte) = (
            format!("https://sur-{run}.example.com/"),
            format!("https://norte-{run}.example.com/"),
        );
        assert!(store.load(&sur).expect("reads").is_none());
        // A session token as the server makes them (64 characters), and a longer one.
        let first = Token::new("a".repeat(64));
        store.save(&sur, &first).expect("saves");
        store.save(&norte, &Token::new("n".repeat(512))).expect("saves");
        assert_eq!(
            store.load(&sur).expect("reads").map(|t| t.expose().to_string()),
            Some("a".repeat(64))
        );
        // A new login replaces the remembered token.
        store.save(&sur, &Token::new("b".repeat(64))).expect("saves");
        assert_eq!(
            store.load(&sur).expect("reads").map(|t| t.expose().to_string()),
            Some("b".repeat(64))
        );
        // Logging out of one server forgets only its token, and twice is no error.
        store.delete(&sur).expect("deletes");
        store.delete(&sur).expect("deleting again is fine");
        assert!(store.load(&sur).expect("reads").is_none());
        assert_eq!(store.load(&norte).expect("reads").map(|t| t.expose().len()), Some(512));
        store.delete(&norte).expect("deletes");
    }
}
