//! The end-to-end harness: a throw-away "supervisor's computer" ([`Machine`]: its own
//! home folder, X display, D-Bus session and Secret Service keyring), a real
//! `centermind-sidecar` with a seeded database ([`Sidecar`]), the real desktop binary
//! driven through tauri-driver + WebKitWebDriver ([`App`]) and a plain HTTP client of
//! the sidecar's API to set up and check what the app did ([`Api`]).
//!
//! Tools the tests need (installed by `./x setup`): Xvfb, `dbus-daemon`/`dbus-send`, `gnome-keyring-daemon`, `WebKitWebDriver`
//! (Debian: webkit2gtk-driver) and `tauri-driver` (on `PATH` or in
//! `~/.cache/centermind/tools/bin`, where `./x setup` installs it).

pub mod a11y;
pub mod intake;
pub mod notices;
pub mod procs;
pub mod screen;
pub mod updates;
pub mod webdriver;
pub mod work;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tempfile::TempDir;

use procs::{Proc, ProcInfo, descendants, find_program, free_port, read_line, tail};
use webdriver::Session;

/// The password of every demo user (`centermind-sidecar demo`).
pub const PASSWORD: &str = "demo-centermind";
/// Bound for one step of a test (a screen to appear, a verdict to reach the server):
/// generous, WebKit is slow on a busy 2-core machine, but a stuck test still ends.
pub const STEP_TIMEOUT: Duration = Duration::from_secs(60);
/// Bound for starting a program and for it to answer.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// The repository's root folder.
#[must_use]
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// What the tests leave for people to look at (git-ignored; CI keeps it).
#[must_use]
pub fn artifacts_dir() -> PathBuf {
    repo_root().join("artifacts")
}

/// Prints a measurement report and saves it as `artifacts/<file>`.
pub fn save_report(file: &str, report: &str) {
    eprint!("{report}");
    std::fs::create_dir_all(artifacts_dir()).unwrap();
    std::fs::write(artifacts_dir().join(file), report).unwrap();
}

/// Where screenshots are saved.
#[must_use]
pub fn screenshots_dir() -> PathBuf {
    artifacts_dir().join("screenshots")
}

/// The desktop binary cargo built for this test run (with the embedded UI), or the one
/// named by `CENTERMIND_E2E_DESKTOP` (e.g. a release build, to measure it).
#[must_use]
pub fn desktop_bin() -> PathBuf {
    std::env::var_os("CENTERMIND_E2E_DESKTOP").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_centermind-desktop")),
        PathBuf::from,
    )
}

/// `centermind-sidecar` from the same target folder as this test (another package's
/// binary: `cargo nextest run --workspace` builds it in the same run, with the same
/// features). The app itself finds it there too, next to `centermind-desktop`.
#[must_use]
pub fn sidecar_bin() -> PathBuf {
    // This test runs from target/<profile>/deps/.
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().and_then(Path::parent).unwrap();
    let sidecar = dir.join(format!("centermind-sidecar{}", std::env::consts::EXE_SUFFIX));
    assert!(
        sidecar.is_file(),
        "centermind-sidecar is not built in {}: run the tests of the whole workspace \
         (`cargo nextest run --workspace`, as ./x test does) or `cargo build -p centermind-sidecar` first",
        dir.display()
    );
    sidecar
}

fn tool(name: &str) -> PathBuf {
    let home = std::env::var_os("HOME").map(PathBuf::from).unwrap_or_default();
    let cached = home.join(".cache/centermind/tools/bin");
    find_program(name, &[cached]).unwrap_or_else(|| panic!("{name} is not installed: run ./x setup"))
}

/// Is there a Secret Service (the OS keyring) on this machine's D-Bus session?
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyring {
    /// gnome-keyring-daemon on a private session bus, its login keyring unlocked.
    SecretService,
    /// No session bus at all, as on a bare server: the app must cope.
    Missing,
}

/// A throw-away computer: home folder, display, session bus and keyring. Processes
/// started with [`Machine::command`] see only these, never the real user's.
pub struct Machine {
    // Dropped in this order: keyring, bus, X server, then the folder.
    keyring: Option<Proc>,
    bus: Option<Proc>,
    xvfb: Option<Proc>,
    dir: TempDir,
    display: OsString,
    bus_address: String,
}

impl Machine {
    #[must_use]
    pub fn new(keyring: Keyring) -> Self {
        let dir = tempfile::Builder::new().prefix("centermind-e2e-").tempdir().unwrap();
        for sub in ["home", "logs", "run"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        std::fs::set_permissions(
            dir.path().join("run"),
            std::os::unix::fs::PermissionsExt::from_mode(0o700),
        )
        .unwrap();
        let mut machine = Self {
            keyring: None,
            bus: None,
            xvfb: None,
            display: OsString::new(),
            // Nothing listens there: no session bus (see `Keyring::Missing`).
            bus_address: format!("unix:path={}", dir.path().join("no-bus").display()),
            dir,
        };
        machine.start_display();
        if keyring == Keyring::SecretService {
            machine.start_bus_and_keyring();
        }
        machine
    }

    #[must_use]
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    #[must_use]
    pub fn home(&self) -> PathBuf {
        self.path().join("home")
    }

    #[must_use]
    pub fn logs(&self) -> PathBuf {
        self.path().join("logs")
    }

    /// The file where Xvfb keeps what the screen shows (XWD), for screenshots.
    #[must_use]
    pub fn framebuffer(&self) -> PathBuf {
        self.path().join("screen").join("Xvfb_screen0")
    }

    /// A new Xvfb on a free display, also on a developer's desktop: the app's windows
    /// stay off the real screen, and screenshots come from Xvfb's framebuffer file.
    fn start_display(&mut self) {
        let screen = self.path().join("screen");
        std::fs::create_dir_all(&screen).unwrap();
        // -displayfd: Xvfb picks a free display itself and prints its number when ready.
        let (xvfb, stdout) = Proc::spawn_piped(
            "xvfb",
            Command::new(tool("Xvfb"))
                .args([
                    "-displayfd",
                    "1",
                    "-screen",
                    "0",
                    "1600x1000x24",
                    "-nolisten",
                    "tcp",
                    "-nocursor",
                    "-fbdir",
                ])
                .arg(&screen),
            &self.logs(),
        );
        self.xvfb = Some(xvfb);
        let number = read_line(stdout, START_TIMEOUT, "Xvfb");
        self.display = format!(":{number}").into();
    }

    /// A private session bus and gnome-keyring on it, its login keyring created and
    /// unlocked with a password (as a desktop login does).
    fn start_bus_and_keyring(&mut self) {
        let (bus, stdout) = Proc::spawn_piped(
            "dbus",
            Command::new(tool("dbus-daemon")).args([
                "--session".into(),
                "--nofork".into(),
                "--print-address=1".into(),
                format!("--address=unix:dir={}", self.path().join("run").display()),
            ]),
            &self.logs(),
        );
        self.bus = Some(bus);
        self.bus_address = read_line(stdout, START_TIMEOUT, "dbus-daemon");

        let keyring = Proc::spawn_with_input(
            "keyring",
            self.command(tool("gnome-keyring-daemon"))
                .args(["--foreground", "--unlock", "--components=secrets"]),
            &self.logs(),
            b"e2e-keyring-password",
        );
        self.keyring = Some(keyring);
        let started = Instant::now();
        loop {
            let owned = self
                .command(tool("dbus-send"))
                .args([
                    "--session",
                    "--print-reply",
                    "--dest=org.freedesktop.DBus",
                    "/org/freedesktop/DBus",
                    "org.freedesktop.DBus.NameHasOwner",
                    "string:org.freedesktop.secrets",
                ])
                .output()
                .unwrap();
            if String::from_utf8_lossy(&owned.stdout).contains("boolean true") {
                break;
            }
            self.keyring.as_mut().unwrap().assert_running();
            assert!(
                started.elapsed() < START_TIMEOUT,
                "the keyring never appeared on the bus"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The address of this machine's session bus (`unix:path=…`).
    #[must_use]
    pub fn bus_address(&self) -> &str {
        &self.bus_address
    }

    /// The titles of the windows on this machine's display, as a taskbar reads them
    /// (`xwininfo` of x11-utils); windows without a name are left out.
    #[must_use]
    pub fn window_titles(&self) -> Vec<String> {
        let output = self
            .command("xwininfo")
            .args(["-root", "-tree"])
            .output()
            .expect("run xwininfo (x11-utils)");
        assert!(
            output.status.success(),
            "xwininfo: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        // `     0x1400003 "CenterMind (2)": ("centermind-desktop" "Centermind-desktop")  1280x800+0+0  +0+0`
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| {
                let (_, named) = line.trim_start().split_once(" \"")?;
                let (title, _) = named.split_once("\": (")?;
                Some(title.to_owned())
            })
            .collect()
    }

    /// `program` with this machine's environment: its home and XDG folders, display and
    /// session bus; no `CENTERMIND_*` setting of the caller leaks in.
    #[must_use]
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut command = Command::new(program);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("CENTERMIND_") {
                command.env_remove(key);
            }
        }
        let home = self.home();
        command
            .current_dir(self.path())
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("XDG_DATA_HOME", home.join(".local/share"))
            .env("XDG_CACHE_HOME", home.join(".cache"))
            .env("XDG_RUNTIME_DIR", self.path().join("run"))
            .env("DISPLAY", &self.display)
            .env("DBUS_SESSION_BUS_ADDRESS", &self.bus_address)
            // No accessibility bus to look for on this bare session.
            .env("NO_AT_BRIDGE", "1");
        if self.xvfb.is_some() {
            command.env_remove("WAYLAND_DISPLAY").env("GDK_BACKEND", "x11");
        }
        command
    }

    /// Runs `centermind-sidecar <args>` to completion (with `data_dir`, or the default
    /// per-user folder under this machine's home), panicking with its output on failure.
    pub fn sidecar_cli(&self, data_dir: Option<&Path>, args: &[&str]) -> String {
        let mut command = self.command(sidecar_bin());
        if let Some(dir) = data_dir {
            command.env("CENTERMIND_DATA_DIR", dir);
        }
        let output = command.args(args).output().unwrap();
        check_cli(args, &output)
    }

    /// [`Machine::sidecar_cli`] with `input` on standard input (a bot token, a password).
    pub fn sidecar_cli_with_input(&self, data_dir: &Path, args: &[&str], input: &str) -> String {
        let mut command = self.command(sidecar_bin());
        command
            .env("CENTERMIND_DATA_DIR", data_dir)
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = command.spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        std::io::Write::write_all(&mut stdin, format!("{input}\n").as_bytes()).unwrap();
        drop(stdin);
        check_cli(args, &child.wait_with_output().unwrap())
    }

    /// Fills a database with a small demo: 2 distributors, their users (password
    /// [`PASSWORD`]) and `exhibitions` exhibitions with photos, the newest mostly pending.
    /// The same seed gives the same demo.
    pub fn seed(&self, data_dir: Option<&Path>, exhibitions: usize) {
        self.sidecar_cli(
            data_dir,
            &["demo", "--exhibitions", &exhibitions.to_string(), "--seed", "2026"],
        );
    }
}

/// The output of a sidecar CLI command that must have succeeded.
fn check_cli(args: &[&str], output: &std::process::Output) -> String {
    assert!(
        output.status.success(),
        "centermind-sidecar {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

impl Drop for Machine {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // The logs of everything this test started, to see why it failed.
            let mut logs: Vec<PathBuf> = std::fs::read_dir(self.logs())
                .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            logs.sort();
            for log in logs {
                eprintln!("----- {} (last lines) -----\n{}", log.display(), tail(&log, 60));
            }
        }
    }
}

/// `centermind-sidecar run` on a free loopback port, stopped (SIGTERM) on drop.
pub struct Sidecar {
    process: Proc,
    /// `http://127.0.0.1:<port>`
    pub url: String,
}

impl Sidecar {
    pub async fn start(machine: &Machine, data_dir: &Path) -> Self {
        Self::start_with(machine, data_dir, &[]).await
    }

    /// [`Sidecar::start`] with more settings in its environment (e.g.
    /// `CENTERMIND_TELEGRAM_API_URL`: the fake Bot API).
    pub async fn start_with(machine: &Machine, data_dir: &Path, env: &[(&str, &str)]) -> Self {
        let port = free_port();
        let mut command = machine.command(sidecar_bin());
        command
            .arg("run")
            .env("CENTERMIND_DATA_DIR", data_dir)
            .env("CENTERMIND_LISTEN_ADDR", format!("127.0.0.1:{port}"))
            .envs(env.iter().copied());
        let mut proc = Proc::spawn("sidecar", &mut command, &machine.logs());
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while !http_ok(&format!("{url}/api/v1/health")).await {
            proc.assert_running();
            assert!(
                started.elapsed() < START_TIMEOUT,
                "the sidecar did not answer in {START_TIMEOUT:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Self { process: proc, url }
    }

    /// The service's process id (a restore from the app keeps it).
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }
}

async fn http_ok(url: &str) -> bool {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap();
    matches!(client.get(url).send().await, Ok(r) if r.status().is_success())
}

/// The desktop app under tauri-driver (which runs WebKitWebDriver, which starts the
/// app). Dropping it stops the driver's whole process group, app included.
pub struct App {
    pub session: Session,
    driver: Proc,
    name: String,
    framebuffer: PathBuf,
    /// When the WebDriver session (so the app's process) was asked for.
    launched: Instant,
}

impl App {
    /// Starts tauri-driver on free ports and opens a session: the app starts.
    pub async fn start(machine: &Machine, name: &str) -> Self {
        let (port, native_port) = (free_port(), free_port());
        let mut command = machine.command(tool("tauri-driver"));
        command.args([
            "--port".into(),
            port.to_string().into(),
            "--native-port".into(),
            native_port.to_string().into(),
            "--native-driver".into(),
            tool("WebKitWebDriver").into_os_string(),
        ]);
        let mut driver = Proc::spawn(&format!("tauri-driver-{name}"), &mut command, &machine.logs());
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while !http_ok(&format!("{url}/status")).await {
            driver.assert_running();
            assert!(
                started.elapsed() < START_TIMEOUT,
                "tauri-driver did not answer in {START_TIMEOUT:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let launched = Instant::now();
        let session = Session::start(&url, &desktop_bin(), STEP_TIMEOUT)
            .await
            .unwrap_or_else(|e| panic!("no WebDriver session (is the app starting?): {e}"));
        Self {
            session,
            driver,
            name: name.to_string(),
            framebuffer: machine.framebuffer(),
            launched,
        }
    }

    /// Time since the app was launched (WebKitWebDriver's session set-up included).
    #[must_use]
    pub fn since_launch(&self) -> Duration {
        self.launched.elapsed()
    }

    /// A PNG of the app's window as the screen shows it.
    pub async fn screenshot(&self) -> Result<Vec<u8>, String> {
        let rect = self
            .session
            .window_rect()
            .await
            .map_err(|e| format!("window rect: {e}"))?;
        screen::capture(&self.framebuffer, Some(rect))
    }

    /// Saves a screenshot as `path` (a PNG) once the page has painted, creating its folder.
    pub async fn save_screenshot(&self, path: &Path) {
        self.session
            .settle()
            .await
            .unwrap_or_else(|e| panic!("waiting for a paint: {e}"));
        let png = self.screenshot().await.unwrap_or_else(|e| panic!("screenshot: {e}"));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(path, png).unwrap();
    }

    /// The desktop process and everything it runs (web processes, a local sidecar).
    #[must_use]
    pub fn desktop(&self) -> Option<ProcInfo> {
        descendants(self.driver.pid())
            .into_iter()
            .find(|p| p.name.starts_with("centermind-des"))
    }

    /// Ends the WebDriver session: the driver closes the app, as a person closing its
    /// window would. The driver keeps running until [`App::quit`] or drop.
    pub async fn close(&mut self) {
        self.session
            .close()
            .await
            .unwrap_or_else(|e| panic!("closing the session: {e}"));
    }

    /// Closes the app, then stops the driver.
    pub async fn quit(mut self) {
        self.close().await;
        self.driver.stop();
    }
}

impl Drop for App {
    fn drop(&mut self) {
        if std::thread::panicking() && !self.session.is_closed() {
            // What the app showed when the test failed: a screenshot next to the others.
            let path = screenshots_dir().join(format!("failed-{}-{}.png", test_name(), self.name));
            let session = self.session.clone();
            let rect = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                runtime.block_on(async { session.window_rect().await.ok() })
            })
            .join()
            .ok()
            .flatten();
            // The whole screen when the window cannot be found.
            let saved = screen::capture(&self.framebuffer, rect).ok();
            if let Some(png) = saved {
                let _ = std::fs::create_dir_all(screenshots_dir());
                if std::fs::write(&path, png).is_ok() {
                    eprintln!("screenshot of the failure: {}", path.display());
                }
            }
        }
    }
}

/// The running test's name (libtest names the test's thread after it).
#[must_use]
pub fn test_name() -> String {
    std::thread::current()
        .name()
        .unwrap_or("e2e")
        .rsplit("::")
        .next()
        .unwrap_or("e2e")
        .to_string()
}

/// A plain client of the sidecar's HTTP API, for setting up and checking (not the app's).
pub struct Api {
    http: reqwest::Client,
    base: String,
}

impl Api {
    #[must_use]
    pub fn new(base: &str) -> Self {
        Self {
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
            base: base.trim_end_matches('/').to_string(),
        }
    }

    async fn call(&self, request: reqwest::RequestBuilder) -> (reqwest::StatusCode, Value) {
        let response = request.send().await.unwrap();
        let status = response.status();
        let body = response.json().await.unwrap_or(Value::Null);
        (status, body)
    }

    /// Logs in and returns the session token.
    pub async fn login(&self, username: &str) -> String {
        let (status, body) = self
            .call(
                self.http
                    .post(format!("{}/api/v1/auth/login", self.base))
                    .json(&json!({ "username": username, "password": PASSWORD })),
            )
            .await;
        assert!(status.is_success(), "login of {username}: {status} {body}");
        body["token"].as_str().unwrap().to_string()
    }

    /// The caller's user (`GET /api/v1/me`).
    pub async fn me(&self, token: &str) -> Value {
        let (status, body) = self
            .call(self.http.get(format!("{}/api/v1/me", self.base)).bearer_auth(token))
            .await;
        assert!(status.is_success(), "me: {status} {body}");
        body
    }

    /// `GET path?query` as the caller; panics unless it succeeds.
    pub async fn get(&self, token: &str, path: &str, query: &[(&str, &str)]) -> Value {
        let (status, body) = self
            .call(
                self.http
                    .get(format!("{}{path}", self.base))
                    .query(query)
                    .bearer_auth(token),
            )
            .await;
        assert!(status.is_success(), "{path}: {status} {body}");
        body
    }

    /// `POST path` with a JSON body as the caller; panics unless it succeeds.
    pub async fn post(&self, token: &str, path: &str, body: &Value) -> Value {
        let (status, answer) = self
            .call(
                self.http
                    .post(format!("{}{path}", self.base))
                    .json(body)
                    .bearer_auth(token),
            )
            .await;
        assert!(status.is_success(), "{path}: {status} {answer}");
        answer
    }

    /// The first page of the caller's pending queue, oldest first.
    pub async fn pending(&self, token: &str) -> Vec<Value> {
        let (status, body) = self
            .call(
                self.http
                    .get(format!("{}/api/v1/exhibitions", self.base))
                    .query(&[("status", "pending"), ("limit", "50")])
                    .bearer_auth(token),
            )
            .await;
        assert!(status.is_success(), "pending: {status} {body}");
        body["items"].as_array().cloned().unwrap_or_default()
    }

    /// The caller's whole pending queue, oldest first (every page).
    pub async fn all_pending(&self, token: &str) -> Vec<Value> {
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let mut query = vec![("status", "pending".to_string()), ("limit", "100".to_string())];
            if let Some(c) = &cursor {
                query.push(("cursor", c.clone()));
            }
            let (status, body) = self
                .call(
                    self.http
                        .get(format!("{}/api/v1/exhibitions", self.base))
                        .query(&query)
                        .bearer_auth(token),
                )
                .await;
            assert!(status.is_success(), "pending: {status} {body}");
            all.extend(body["items"].as_array().cloned().unwrap_or_default());
            match body["next_cursor"].as_str() {
                Some(next) => cursor = Some(next.to_string()),
                None => return all,
            }
        }
    }

    pub async fn exhibition(&self, token: &str, id: &str) -> Value {
        let (status, body) = self
            .call(
                self.http
                    .get(format!("{}/api/v1/exhibitions/{id}", self.base))
                    .bearer_auth(token),
            )
            .await;
        assert!(status.is_success(), "exhibition {id}: {status} {body}");
        body
    }

    /// Waits until every photo of exhibition `id` is stored on the server.
    pub async fn wait_photo_stored(&self, token: &str, id: &str) {
        let started = Instant::now();
        loop {
            let photos = self.exhibition(token, id).await["photos"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            if !photos.is_empty() && photos.iter().all(|p| !p["storage_key"].is_null()) {
                return;
            }
            assert!(
                started.elapsed() < STEP_TIMEOUT,
                "the photos of {id} not stored after {STEP_TIMEOUT:?}: {photos:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Gives a verdict as `token`'s user; returns the HTTP status.
    pub async fn evaluate(&self, token: &str, id: &str, verdict: &str) -> reqwest::StatusCode {
        let (status, _) = self
            .call(
                self.http
                    .post(format!("{}/api/v1/exhibitions/{id}/evaluation", self.base))
                    .bearer_auth(token)
                    .json(&json!({ "verdict": verdict, "expected_status": "pending" })),
            )
            .await;
        status
    }

    /// Waits until exhibition `id` is no longer pending and returns it.
    pub async fn wait_evaluated(&self, token: &str, id: &str) -> Value {
        self.wait_exhibition(token, id, "evaluated", |e| e["status"] != "pending")
            .await
    }

    /// Waits until exhibition `id` has status `status` and returns it.
    pub async fn wait_status(&self, token: &str, id: &str, status: &str) -> Value {
        self.wait_exhibition(token, id, status, |e| e["status"] == status).await
    }

    async fn wait_exhibition(&self, token: &str, id: &str, what: &str, done: impl Fn(&Value) -> bool) -> Value {
        let started = Instant::now();
        loop {
            let exhibition = self.exhibition(token, id).await;
            if done(&exhibition) {
                return exhibition;
            }
            assert!(
                started.elapsed() < STEP_TIMEOUT,
                "exhibition {id} not {what} after {STEP_TIMEOUT:?}: {}",
                exhibition["status"]
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
