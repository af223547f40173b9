//! The Windows build of the sidecar (`x86_64-pc-windows-gnu`), run under Wine:
//! the server a Windows supervisor's "este equipo" starts, with Windows' paths,
//! file locks and process model. `./x test` builds it and names it in
//! `WINDOWS_SIDECAR_EXE`; without that variable there is nothing to run.
//!
//! A vendor's exhibition goes through the bot (a fake Telegram Bot API on
//! 127.0.0.1, reached through the configured base URL), its photo is stored
//! under a Windows path and served back, a supervisor's verdict is edited into
//! Telegram, a second service on the same database is refused, a backup is
//! made while it serves, and closing its standard input (how the app stops it:
//! Windows has no SIGTERM) ends it cleanly.

#![allow(clippy::unwrap_used)] // test fixtures panic on purpose

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

#[path = "../../core/tests/fixtures/legacy.rs"]
mod legacy;
mod support;

use centermind_fake_telegram::updates::{self, Person};
use centermind_fake_telegram::{FakeTelegram, StoredMessage};
use serde_json::{Value, json};

const TOKEN: &str = "7300300:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const CHAT: i64 = -1_004_000_000_000;
const PASSWORD: &str = "clave-de-prueba";
/// Wine is slower than Windows, and starts its own services the first time.
const STEP: Duration = Duration::from_secs(90);

/// Wine with a prefix (its `C:` drive) of its own, removed afterwards.
struct Wine {
    loader: PathBuf,
    server: Option<PathBuf>,
    prefix: tempfile::TempDir,
    exe: PathBuf,
}

impl Wine {
    /// `None` when no Windows build was named.
    fn new() -> Option<Self> {
        let exe = PathBuf::from(std::env::var_os("WINDOWS_SIDECAR_EXE")?);
        assert!(exe.is_file(), "WINDOWS_SIDECAR_EXE: no file at {}", exe.display());
        let loader = ["/usr/lib/wine/wine64", "/usr/bin/wine64", "/usr/bin/wine"]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_file())
            .expect("a Windows build to test but no Wine: apt-get install wine64");
        let server = ["/usr/lib/wine/wineserver64", "/usr/bin/wineserver"]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_file());
        let wine = Self {
            loader,
            server,
            prefix: tempfile::tempdir().unwrap(),
            exe,
        };
        let started = Instant::now();
        let boot = wine.command("cmd").args(["/c", "exit"]).output().unwrap();
        assert!(boot.status.success(), "wine could not start: {}", text(&boot.stderr));
        let system32 = wine.prefix.path().join("drive_c/windows/system32");
        if !system32.join("bcryptprimitives.dll").exists() {
            let shim = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/wine/bcryptprimitives.c");
            let built = Command::new("x86_64-w64-mingw32-gcc")
                .args(["-shared", "-O2", "-o"])
                .arg(system32.join("bcryptprimitives.dll"))
                .arg(&shim)
                .arg("-ladvapi32")
                .output()
                .expect("x86_64-w64-mingw32-gcc (apt-get install gcc-mingw-w64-x86-64)");
            assert!(built.status.success(), "{}", text(&built.stderr));
        }
        eprintln!("wine prefix ready in {:?}", started.elapsed());
        Some(wine)
    }

    /// `program` (a Windows command or path) under Wine, with no CENTERMIND_
    /// setting from this environment.
    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(&self.loader);
        c.arg(program)
            .env("WINEPREFIX", self.prefix.path())
            .env("WINEDEBUG", "-all")
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY");
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("CENTERMIND_") {
                c.env_remove(key);
            }
        }
        c
    }

    /// The sidecar on data folder `data` (given as Windows sees it).
    fn sidecar(&self, data: &Path, telegram: &str, args: &[&str]) -> Command {
        let mut c = self.command(&self.exe);
        c.args(args)
            .env("CENTERMIND_DATA_DIR", windows_path(data))
            .env("CENTERMIND_LISTEN_ADDR", "127.0.0.1:0")
            .env("CENTERMIND_TELEGRAM_API_URL", telegram);
        c
    }

    /// The sidecar with `args` and nothing from our environment, `input` on its
    /// standard input; its output, whatever its status.
    fn exe(&self, args: &[&str], input: &str) -> Output {
        let mut command = self.command(&self.exe);
        command.args(args);
        output_of(command, input)
    }

    /// A CLI command that must succeed; `input` on its standard input.
    fn ok(&self, data: &Path, telegram: &str, args: &[&str], input: &str) -> String {
        let mut child = self
            .sidecar(data, telegram, args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        succeeded(args, &child.wait_with_output().unwrap())
    }
}

/// What `args` printed, after checking it succeeded.
fn succeeded(args: &[&str], out: &Output) -> String {
    assert!(
        out.status.success(),
        "{args:?}: {}\n{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

impl Drop for Wine {
    fn drop(&mut self) {
        // Its server lingers a few seconds after the last program; the prefix goes with it.
        if let Some(server) = &self.server {
            let _ = Command::new(server)
                .arg("-k")
                .env("WINEPREFIX", self.prefix.path())
                .status();
        }
    }
}

/// `/tmp/x` as Windows programs under Wine see it: `Z:\tmp\x`.
fn windows_path(path: &Path) -> String {
    format!("Z:{}", path.display().to_string().replace('/', "\\"))
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A 640×480 JPEG, different for each `seed`.
fn jpeg(seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(640, 480, |x, y| {
        image::Rgb([(x / 3) as u8 ^ seed, (y / 2) as u8, seed.wrapping_mul(7)])
    });
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

async fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + STEP;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(Instant::now() < deadline, "{what}: not after {STEP:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn bot_message(fake: &FakeTelegram, f: impl Fn(&StoredMessage) -> bool) -> Option<StoredMessage> {
    fake.messages_in(CHAT).into_iter().find(f)
}

/// A session token of `username` (password [`PASSWORD`]).
async fn login(client: &reqwest::Client, base: &str, username: &str) -> String {
    support::login(client, base, username, PASSWORD).await
}

/// `run --stop-when-stdin-closes` as the desktop app starts it (its standard
/// input is our pipe), its log to `log`; it and its address once it listens.
async fn start_for_the_app(wine: &Wine, data: &Path, url: &str, log: &Path) -> (Child, String) {
    let mut child = wine
        .sidecar(data, url, &["run", "--stop-when-stdin-closes"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(log).unwrap())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let addr = tokio::task::spawn_blocking(move || support::listening_address(stdout))
        .await
        .unwrap();
    (child, addr)
}

/// Waits until `child` ends by itself; its output.
fn wait_exit(mut child: Child) -> Output {
    let deadline = Instant::now() + STEP;
    while child.try_wait().unwrap().is_none() {
        if Instant::now() > deadline {
            child.kill().unwrap();
            panic!("still running after {STEP:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_windows_sidecar_takes_an_exhibition_serves_its_photo_and_stops_when_the_app_closes_its_input() {
    let Some(wine) = Wine::new() else {
        eprintln!("skipped: no WINDOWS_SIDECAR_EXE (./x test builds it and sets it)");
        return;
    };
    let version = wine.ok(Path::new("/nonexistent"), "http://127.0.0.1:9", &["--version"], "");
    assert!(version.starts_with("centermind-sidecar "), "{version}");

    let fake = FakeTelegram::start().await.unwrap();
    fake.add_bot(TOKEN, "windows_ventas_bot");
    fake.set_chat_title(CHAT, "Ventas Windows");
    let data_dir = tempfile::tempdir().unwrap();
    let data = data_dir.path();
    let url = fake.url().to_string();
    // What an administrator does on the server, as in the README.
    wine.ok(
        data,
        &url,
        &["distributor", "add", "--name", "Distribuidora Windows", "--token-stdin"],
        TOKEN,
    );
    wine.ok(data, &url, &["distributor", "set", "1", "--hibernation", "off"], "");
    wine.ok(
        data,
        &url,
        &[
            "group",
            "add",
            "--distributor",
            "1",
            "--chat-id",
            &CHAT.to_string(),
            "--title",
            "Ventas Windows",
        ],
        "",
    );
    wine.ok(
        data,
        &url,
        &[
            "user",
            "add",
            "--username",
            "sofia",
            "--role",
            "supervisor",
            "--distributor",
            "1",
            "--display-name",
            "Sofía Paz",
        ],
        PASSWORD,
    );
    wine.ok(
        data,
        &url,
        &["user", "add", "--username", "root", "--role", "superadmin"],
        PASSWORD,
    );

    // A distributor moving from the old Python system brings its database: the
    // dry run works on a copy next to ours and leaves nothing behind (Windows
    // does not delete a file still open).
    let old_dir = tempfile::tempdir().unwrap();
    let old_db = old_dir.path().join("centermind.db");
    legacy::write_old_database(
        &old_db,
        "INSERT INTO distribuidores VALUES (1, 'Distribuidora del Sur', NULL, NULL, 'carpeta1', 'activo', '555');
         INSERT INTO exhibiciones VALUES ('0a1b2c3d-0000-4000-8000-000000000001', 1, -1001, 11, '100', 'Kiosco',
           NULL, 'Aprobado', 'Sofía Gómez', 'Bien', 70, -1001, 1, '2025-03-01 10:00:00', '2025-03-01 11:00:00');",
    )
    .await;
    let old_db = windows_path(&old_db);
    let preview = wine.ok(data, &url, &["import-legacy", &old_db, "--dry-run"], "");
    assert!(
        preview.starts_with("Prueba (--dry-run): no se guardó nada."),
        "{preview}"
    );
    let leftovers: Vec<String> = std::fs::read_dir(data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("import-preview"))
        .collect();
    assert!(leftovers.is_empty(), "the dry run's copy is deleted: {leftovers:?}");
    let imported = wine.ok(data, &url, &["import-legacy", &old_db], "");
    assert!(imported.starts_with("Importado de "), "{imported}");
    let distributors: Value =
        serde_json::from_str(&wine.ok(data, &url, &["distributor", "list", "--json"], "")).unwrap();
    assert_eq!(distributors.as_array().map(Vec::len), Some(2), "{distributors}");

    // The service as the desktop app starts it. Its log goes to a file, read
    // when a step fails and at the end.
    let log_path = data_dir.path().join("service.log");
    let (mut service, addr) = start_for_the_app(&wine, data, &url, &log_path).await;
    let log = || std::fs::read_to_string(&log_path).unwrap_or_default();
    let base = format!("http://{addr}");

    // A vendor's exhibition, through the bot.
    let vendor = Person {
        last_name: Some("Ríos".into()),
        ..Person::new(7301, "Marta")
    };
    let photo = jpeg(42);
    fake.add_file("win-photo-1", "win-photo-1-u", photo.clone());
    let sent = fake.next_message_id(CHAT);
    fake.push_update(
        TOKEN,
        updates::message(
            CHAT,
            &vendor,
            sent,
            updates::photo("win-photo-1", "win-photo-1-u", None),
        ),
    );
    wait_for("the bot asks for the customer number", || {
        bot_message(&fake, |m| {
            m.reply_to == Some(sent) && m.text.contains("número de cliente")
        })
    })
    .await;
    let id = fake.next_message_id(CHAT);
    fake.push_update(TOKEN, updates::message(CHAT, &vendor, id, updates::text("10452")));
    let keyboard = wait_for("the bot offers the PDV types", || {
        bot_message(&fake, |m| {
            m.text.contains("Cliente N° 10452") && m.reply_markup.is_some()
        })
    })
    .await;
    let button = keyboard.reply_markup.as_ref().unwrap()["inline_keyboard"][0][0]["callback_data"]
        .as_str()
        .unwrap()
        .to_string();
    fake.push_update(
        TOKEN,
        updates::callback("q1", &vendor, CHAT, keyboard.message_id, &button),
    );
    let confirmation = wait_for("the bot confirms the exhibition", || {
        bot_message(&fake, |m| {
            m.text.starts_with("⏳ Pendiente de evaluación") && m.text.contains("10452")
        })
    })
    .await;

    // The supervisor sees it, with its photo stored under the Windows data folder.
    let client = reqwest::Client::new();
    let token = login(&client, &base, "sofia").await;
    let page = support::get_json(&client, &base, "/api/v1/exhibitions?status=pending", &token).await;
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{page}");
    assert_eq!(items[0]["customer_number"], "10452");
    assert_eq!(items[0]["vendor_name"], "Marta Ríos");
    let exhibition = items[0]["id"].as_str().unwrap().to_string();
    let mut served = None;
    let deadline = Instant::now() + STEP;
    while served.is_none() {
        let resp = client
            .get(format!("{base}/api/v1/exhibitions/{exhibition}/photos/0"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        if resp.status() == reqwest::StatusCode::OK {
            served = Some(resp.bytes().await.unwrap());
        } else {
            assert!(
                Instant::now() < deadline,
                "photo never stored: {}\n{}",
                resp.status(),
                log()
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    assert_eq!(served.unwrap().as_ref(), photo.as_slice(), "the bytes Telegram had");
    let stored = walk(&data.join("photos"));
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(std::fs::read(&stored[0]).unwrap(), photo);

    // The verdict reaches the group.
    let resp = client
        .post(format!("{base}/api/v1/exhibitions/{exhibition}/evaluation"))
        .bearer_auth(&token)
        .json(&json!({"verdict": "approved", "expected_status": "pending", "comment": "Muy buena"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), reqwest::StatusCode::OK);
    wait_for("the verdict is edited into Telegram", || {
        fake.message(CHAT, confirmation.message_id)
            .filter(|m| m.text.contains("Aprobada") && m.text.contains("Sofía Paz"))
    })
    .await;

    // A second service on the same database: refused (Windows file locks), exit 3.
    let second = wine
        .sidecar(data, &url, &["run"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let second = wait_exit(second);
    assert_eq!(second.status.code(), Some(3), "{}", text(&second.stderr));
    assert!(
        text(&second.stderr).contains(&format!("http://{addr}")),
        "names the first: {}",
        text(&second.stderr)
    );

    // A backup while it serves: the CLI asks the service and waits for the run.
    let backup = wine.ok(data, &url, &["job", "run", "backup", "--wait"], "");
    assert!(backup.contains("de backup: terminó bien"), "{backup}");
    let listed: Value = serde_json::from_str(&wine.ok(data, &url, &["backup", "list", "--json"], "")).unwrap();
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(
        walk(&data.join("backups/photos")).len(),
        1,
        "the photo is in the backup"
    );

    // A change after the backup, then the restore an administrator asks from the
    // app: the service closes the database, sets it aside (Windows cannot rename
    // an open file), puts the copy in place and serves again in the same process.
    let resp = client
        .post(format!("{base}/api/v1/exhibitions/{exhibition}/evaluation"))
        .bearer_auth(&token)
        .json(&json!({"verdict": "highlighted", "expected_status": "approved"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), reqwest::StatusCode::OK);
    // A Windows path: its last part after a backslash.
    let backup_name = listed[0]["path"]
        .as_str()
        .unwrap()
        .rsplit('\\')
        .next()
        .unwrap()
        .to_string();
    let before = support::health(&client, &base).await.unwrap();
    let root = login(&client, &base, "root").await;
    let resp = client
        .post(format!("{base}/api/v1/backups/{backup_name}/restore"))
        .bearer_auth(&root)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.status(),
        reqwest::StatusCode::ACCEPTED,
        "{}",
        resp.text().await.unwrap()
    );
    let after = support::next_start(&client, &base, &before).await;
    assert_eq!(after["restored_from"], backup_name.as_str(), "{after}");
    let token = login(&client, &base, "sofia").await;
    let detail = support::get_json(&client, &base, &format!("/api/v1/exhibitions/{exhibition}"), &token).await;
    assert_eq!(
        detail["status"], "approved",
        "the verdict as it was in the copy: {detail}"
    );
    let set_aside = support::kept_databases(data).len();
    assert_eq!(set_aside, 1, "the database it replaced is kept");

    // The app quits: it closes the pipe, and the service stops by itself.
    let stopping = Instant::now();
    drop(service.stdin.take());
    let out = wait_exit(service);
    let log = log();
    assert!(out.status.success(), "a clean stop exits 0: {} {log}", out.status);
    assert!(
        log.contains("standard input closed") && log.contains("service stopped"),
        "{log}"
    );
    eprintln!("stopped {:?} after its input closed", stopping.elapsed());
    // Nothing left holding the database: the next one starts (and stops) the same way.
    let (mut next, _) = start_for_the_app(&wine, data, &url, &data_dir.path().join("next.log")).await;
    drop(next.stdin.take());
    assert!(wait_exit(next).status.success());
}

/// `command`'s status and output, its output through files: the first program
/// that calls Wine's service manager starts it (services.exe, and the services
/// it starts) with its standard handles, so pipes would stay open after it ends.
fn output_of(mut command: Command, input: &str) -> Output {
    let dir = tempfile::tempdir().unwrap();
    let (out, err) = (dir.path().join("out"), dir.path().join("err"));
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let status = child.wait().unwrap();
    Output {
        status,
        stdout: std::fs::read(out).unwrap(),
        stderr: std::fs::read(err).unwrap(),
    }
}

/// Windows' own `sc query CenterMind`: what it says, `None` when it fails (no
/// such service; Windows' sc exits with 1060 then, Wine's with 1).
fn sc_query(wine: &Wine) -> Option<String> {
    let mut sc = wine.command("sc");
    sc.args(["query", "CenterMind"]);
    let out = output_of(sc, "");
    out.status.success().then(|| text(&out.stdout))
}

/// A free port below Linux's ephemeral range (32768–60999): a port bound to 0
/// and released could meanwhile become the source port of any outgoing
/// connection (the other Wine test makes many), and the service could not
/// listen on it.
fn quiet_port() -> u16 {
    let start = 20_000 + (std::process::id() % 10_000) as u16;
    (start..start + 2_000)
        .find(|port| std::net::TcpListener::bind(("127.0.0.1", *port)).is_ok())
        .unwrap()
}

/// A service command that must succeed; what it printed.
fn service_ok(wine: &Wine, args: &[&str]) -> String {
    succeeded(args, &wine.exe(args, ""))
}

/// The server as a Windows service, driven through Wine's own service control
/// manager (services.exe, as on Windows): `service install` writes its
/// configuration in %ProgramData%\CenterMind and starts it; an administrator
/// adds a user with `--config` while it serves; Windows' stop ends it cleanly
/// (the same stop as Ctrl+C, written to its log file); a start refused because
/// another server holds the database says why, from the exit code the service
/// gave Windows and its log; `uninstall` stops and removes it and keeps the data.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_windows_sidecar_runs_as_a_service_that_windows_starts_and_stops() {
    let Some(wine) = Wine::new() else {
        eprintln!("skipped: no WINDOWS_SIDECAR_EXE (./x test builds it and sets it)");
        return;
    };
    // Wine ends its services a few seconds after its last ordinary program (Windows
    // keeps them until shutdown): a console waiting on our pipe keeps this prefix up.
    let mut keeper = wine
        .command("cmd")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let listen = format!("127.0.0.1:{}", quiet_port());
    let base = format!("http://{listen}");
    let data_dir = tempfile::tempdir().unwrap();
    let data = data_dir.path();
    let home = wine.prefix.path().join("drive_c/ProgramData/CenterMind");
    let config_file = r"C:\ProgramData\CenterMind\centermind.toml";
    let client = reqwest::Client::new();

    let installed = service_ok(
        &wine,
        &[
            "service",
            "install",
            "--data-dir",
            &windows_path(data),
            "--listen",
            &listen,
        ],
    );
    assert!(
        installed.contains(&format!("está en marcha y atiende en {base}")) && installed.contains(config_file),
        "{installed}"
    );
    let sc = sc_query(&wine).unwrap();
    assert!(sc.contains("RUNNING"), "{sc}");
    let service_log = || {
        walk(&home.join("logs"))
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap())
            .collect::<String>()
    };
    let deadline = Instant::now() + STEP;
    let health = loop {
        if let Some(health) = support::health(&client, &base).await {
            break health;
        }
        assert!(Instant::now() < deadline, "the service answers: {}", service_log());
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(health["database"], "ok", "{health}");
    let config = std::fs::read_to_string(home.join("centermind.toml")).unwrap();
    assert!(config.contains(&format!("listen_addr = \"{listen}\"")), "{config}");
    assert!(
        data.join("centermind.db").is_file(),
        "the database is in the data folder it was given"
    );
    let status = service_ok(&wine, &["service", "status"]);
    assert!(
        status.contains("en marcha (proceso ") && status.contains(&base) && status.contains(&windows_path(data)),
        "{status}"
    );
    // Administered while it serves, on its configuration (the README's way).
    let added = wine.exe(
        &[
            "--config",
            config_file,
            "user",
            "add",
            "--username",
            "root",
            "--role",
            "superadmin",
        ],
        PASSWORD,
    );
    assert!(added.status.success(), "{}", text(&added.stderr));
    let token = login(&client, &base, "root").await;

    // Stopped by Windows: it finishes and logs why, and the port closes.
    let stopped = service_ok(&wine, &["service", "stop"]);
    assert!(stopped.contains("está detenido"), "{stopped}");
    let sc = sc_query(&wine).unwrap();
    assert!(sc.contains("STOPPED"), "{sc}");
    assert!(
        support::health(&client, &base).await.is_none(),
        "still answering after stop"
    );
    let logs = walk(&home.join("logs"));
    assert_eq!(logs.len(), 1, "one file a day: {logs:?}");
    let log = std::fs::read_to_string(&logs[0]).unwrap();
    assert!(
        log.contains("service running")
            && log.contains("Windows asked the service to stop")
            && log.contains("service stopped"),
        "{log}"
    );
    assert!(!log.contains(&token) && !log.contains(PASSWORD), "no secret in the log");

    // Another server on the same database: the service does not start, and says why.
    let console_log = data.join("console.log");
    let (mut console, _) = start_for_the_app(&wine, data, "http://127.0.0.1:9", &console_log).await;
    let refused = wine.exe(&["service", "start"], "");
    assert_eq!(refused.status.code(), Some(1), "{}", text(&refused.stdout));
    let why = text(&refused.stderr);
    assert!(
        why.contains("el servicio no arrancó: ya hay otro servidor de CenterMind sobre la misma base de datos")
            && why.contains("ya hay otro centermind-sidecar corriendo"),
        "the reason and the log's line: {why}"
    );
    let status = service_ok(&wine, &["service", "status"]);
    assert!(status.contains("detenido: ya hay otro servidor"), "{status}");
    drop(console.stdin.take());
    assert!(wait_exit(console).status.success());

    // Started again on the same data: the session made before is still valid.
    let started = service_ok(&wine, &["service", "start"]);
    assert!(started.contains("está en marcha"), "{started}");
    let me = support::get_json(&client, &base, "/api/v1/me", &token).await;
    assert_eq!(me["username"], "root", "{me}");

    // Installed again (a new version, as an administrator updates it): stopped,
    // its program replaced, started again; the configuration kept.
    let updated = service_ok(&wine, &["service", "install", "--listen", "127.0.0.1:1"]);
    assert!(
        updated.contains("actualizado a la versión") && updated.contains("ya existe y queda como está"),
        "{updated}"
    );
    let version = text(&wine.exe(&["--version"], "").stdout);
    let version = version.trim().strip_prefix("centermind-sidecar ").unwrap();
    assert!(
        updated.contains(&format!("a la versión {version} (tenía la {version})")),
        "the version it ran before, asked to its program: {updated}"
    );
    assert!(updated.contains(&format!("atiende en {base}")), "{updated}");
    let me = support::get_json(&client, &base, "/api/v1/me", &token).await;
    assert_eq!(me["username"], "root", "{me}");

    // Removed: stopped first, gone from Windows, the data kept.
    let removed = service_ok(&wine, &["service", "uninstall"]);
    assert!(removed.contains("Servicio CenterMind quitado"), "{removed}");
    assert!(support::health(&client, &base).await.is_none(), "uninstall stops it");
    assert_eq!(sc_query(&wine), None, "no such service any more");
    assert!(data.join("centermind.db").is_file() && home.join("centermind.toml").is_file());
    assert!(
        !home.join("bin/centermind-sidecar.exe").exists(),
        "its copy of the program goes"
    );
    let gone = wine.exe(&["service", "status"], "");
    assert!(
        text(&gone.stderr).contains("no está instalado"),
        "{}",
        text(&gone.stderr)
    );

    // What Windows runs, started by hand: a clear pointer to `run`.
    let by_hand = wine.exe(&["service", "run", "--home", r"C:\ProgramData\CenterMind"], "");
    assert_eq!(by_hand.status.code(), Some(2));
    assert!(
        text(&by_hand.stderr).contains("centermind-sidecar run"),
        "{}",
        text(&by_hand.stderr)
    );
    drop(keeper.stdin.take());
    let _ = keeper.wait();
}

/// The files under `dir`, recursively, but for hidden folders (the thumbnails).
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.unwrap().path();
            if path.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')) {
                continue;
            }
            if path.is_dir() {
                todo.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}
