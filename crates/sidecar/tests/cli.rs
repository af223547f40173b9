//! The `centermind-sidecar` binary, driven as an administrator would.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on purpose

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

mod support;

const BIN: &str = env!("CARGO_BIN_EXE_centermind-sidecar");
const TOKEN: &str = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

fn sidecar(data: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env_clear()
        .env("CENTERMIND_DATA_DIR", data)
        .env("HOME", data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).unwrap();
    }
    drop(input);
    child.wait_with_output().unwrap()
}

fn ok(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn administration_round_trip_never_reveals_the_token_or_password() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&sidecar(d, &["migrate"], None));
    assert!(d.join("centermind.db").is_file());

    let out = sidecar(
        d,
        &[
            "distributor",
            "add",
            "--name",
            "Distribuidora Test",
            "--admin-telegram-id",
            "42",
            "--token-stdin",
        ],
        Some(&format!("{TOKEN}\n")),
    );
    let stdout = ok(&out);
    assert!(stdout.contains("token del bot configurado"), "{stdout}");
    let everything = format!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(!everything.contains("AAHdqTcv"), "token echoed: {everything}");

    let list = ok(&sidecar(d, &["distributor", "list"], None));
    assert!(
        list.contains("Distribuidora Test") && list.contains("configurado"),
        "{list}"
    );
    assert!(!list.contains("AAHdqTcv"));
    let json = ok(&sidecar(d, &["distributor", "list", "--json"], None));
    assert!(
        json.contains("\"has_bot_token\": true") && !json.contains("AAHdqTcv"),
        "{json}"
    );

    // The alerts recipient can be removed (and set again).
    let admin_of = |d: &std::path::Path| -> serde_json::Value {
        let json = ok(&sidecar(d, &["distributor", "list", "--json"], None));
        serde_json::from_str::<serde_json::Value>(&json).unwrap()[0]["admin_telegram_id"].clone()
    };
    assert_eq!(admin_of(d), 42);
    ok(&sidecar(
        d,
        &["distributor", "set", "1", "--clear-admin-telegram-id"],
        None,
    ));
    assert!(admin_of(d).is_null());
    ok(&sidecar(
        d,
        &["distributor", "set", "1", "--admin-telegram-id", "43"],
        None,
    ));
    assert_eq!(admin_of(d), 43);
    assert!(
        !sidecar(
            d,
            &[
                "distributor",
                "set",
                "1",
                "--admin-telegram-id",
                "44",
                "--clear-admin-telegram-id"
            ],
            None
        )
        .status
        .success()
    );

    ok(&sidecar(
        d,
        &[
            "group",
            "add",
            "--distributor",
            "1",
            "--chat-id",
            "-1001234567890",
            "--title",
            "Ventas",
        ],
        None,
    ));
    let groups = ok(&sidecar(d, &["group", "list", "--distributor", "1"], None));
    assert!(
        groups.contains("-1001234567890") && groups.contains("Ventas"),
        "{groups}"
    );

    ok(&sidecar(
        d,
        &["pdv-type", "add", "--distributor", "1", "--name", "Farmacia"],
        None,
    ));
    let types = ok(&sidecar(d, &["pdv-type", "list", "--distributor", "1"], None));
    for name in [
        "Kiosco",
        "Almacén",
        "Autoservicio",
        "Supermercado",
        "Mayorista",
        "Otro",
        "Farmacia",
    ] {
        assert!(types.contains(name), "{name} missing in {types}");
    }

    let out = sidecar(
        d,
        &[
            "user",
            "add",
            "--username",
            "sofia",
            "--role",
            "supervisor",
            "--distributor",
            "1",
        ],
        Some("clave-muy-secreta\n"),
    );
    let all = format!("{}{}", ok(&out), String::from_utf8_lossy(&out.stderr));
    assert!(!all.contains("clave-muy-secreta"));
    let users = ok(&sidecar(d, &["user", "list"], None));
    assert!(users.contains("sofia") && users.contains("supervisor"), "{users}");
    ok(&sidecar(
        d,
        &["user", "set-password", "sofia"],
        Some("otra-clave-secreta\n"),
    ));

    // Clear errors, non-zero exit, nothing half-written.
    let bad = sidecar(
        d,
        &[
            "user",
            "add",
            "--username",
            "beto",
            "--role",
            "viewer",
            "--distributor",
            "1",
        ],
        Some("corta\n"),
    );
    assert!(!bad.status.success());
    assert!(
        String::from_utf8_lossy(&bad.stderr)
            .contains("error: Datos inválidos: password: debe tener al menos 8 caracteres"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    let dup = sidecar(d, &["distributor", "add", "--name", "distribuidora test"], None);
    assert!(!dup.status.success());
    assert!(
        String::from_utf8_lossy(&dup.stderr).contains("Ya existe una distribuidora con ese nombre."),
        "{}",
        String::from_utf8_lossy(&dup.stderr)
    );
    assert!(!ok(&sidecar(d, &["user", "list"], None)).contains("beto"));

    let updated = ok(&sidecar(
        d,
        &[
            "distributor",
            "set",
            "1",
            "--active",
            "off",
            "--clear-token",
            "--hibernation-start",
            "23:00",
        ],
        None,
    ));
    assert!(
        updated.contains("inactiva") && updated.contains("no configurado"),
        "{updated}"
    );
    let list = ok(&sidecar(d, &["distributor", "list"], None));
    assert!(list.contains("23:00-06:00") && list.contains("inactiva"), "{list}");
    assert!(list.starts_with("ID  NOMBRE"), "{list}");

    // Google Drive needs a folder: refused without one, kept with one.
    let no_folder = sidecar(d, &["distributor", "set", "1", "--photo-storage", "google-drive"], None);
    assert!(!no_folder.status.success());
    assert!(
        String::from_utf8_lossy(&no_folder.stderr).contains("drive_folder_id"),
        "{}",
        String::from_utf8_lossy(&no_folder.stderr)
    );
    ok(&sidecar(
        d,
        &[
            "distributor",
            "set",
            "1",
            "--photo-storage",
            "google-drive",
            "--drive-folder",
            "1AbCdEfFolder",
        ],
        None,
    ));
    let json: serde_json::Value =
        serde_json::from_str(&ok(&sidecar(d, &["distributor", "list", "--json"], None))).unwrap();
    assert_eq!(json[0]["photo_storage"], "google_drive", "{json}");
    assert_eq!(json[0]["drive_folder_id"], "1AbCdEfFolder", "{json}");

    // All of it is in the administration history, as done at the console,
    // without the token or a password.
    let history: serde_json::Value = serde_json::from_str(&ok(&sidecar(d, &["activity", "--json"], None))).unwrap();
    let actions: Vec<&str> = history
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "distributor_updated",
            "distributor_updated",
            "password_changed",
            "user_created",
            "pdv_type_created",
            "group_created",
            "distributor_updated",
            "distributor_updated",
            "distributor_created"
        ],
        "newest first; a refused change is not there: {history}"
    );
    assert!(
        history
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["actor_id"].is_null() && e["actor_name"].is_null())
    );
    let deactivated = &history[1];
    let fields: Vec<&str> = deactivated["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["active", "has_bot_token", "hibernation.start"],
        "{deactivated}"
    );
    assert_eq!(history[3]["subject"], "sofia");
    let text = history.to_string();
    assert!(!text.contains("AAHdqTcv") && !text.contains("clave-muy-secreta") && !text.contains("otra-clave"));
    let table = ok(&sidecar(d, &["activity", "--distributor", "1"], None));
    assert!(
        table.contains("(consola)") && table.contains("user_created") && table.contains("sofia"),
        "{table}"
    );
}

#[test]
fn demo_fills_an_empty_database_once() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = ok(&sidecar(d, &["demo", "--exhibitions", "120"], None));
    assert!(
        out.contains("2 distribuidoras, 30 vendedores, 120 exhibiciones"),
        "{out}"
    );
    let list = ok(&sidecar(d, &["distributor", "list"], None));
    assert!(
        list.contains("Distribuidora del Sur") && list.contains("Mayorista Norte"),
        "{list}"
    );
    let photos = walk_count(&d.join("photos"));
    assert!(photos >= 100, "only {photos} photo files written");
    let members = ok(&sidecar(d, &["member", "list", "--distributor", "1"], None));
    assert!(
        members.contains("supervisor") && members.contains("vendor"),
        "{members}"
    );
    let again = sidecar(d, &["demo"], None);
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("la demo solo llena una base de datos vacía"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}

fn walk_count(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| if e.path().is_dir() { walk_count(&e.path()) } else { 1 })
                .sum()
        })
        .unwrap_or(0)
}

#[cfg(unix)] // its tests stop it with SIGTERM
/// `centermind-sidecar run` on `data` and a free port; returns it and its address
/// once it says it listens.
fn start_run(data: &Path) -> (Child, String) {
    let mut child = Command::new(BIN)
        .arg("run")
        .env_clear()
        .env("CENTERMIND_DATA_DIR", data)
        .env("CENTERMIND_LISTEN_ADDR", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let addr = support::listening_address(child.stdout.take().unwrap());
    (child, addr)
}

/// The health endpoint's answer (status line, headers and body).
fn health(addr: &str) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(
        stream,
        "GET /api/v1/health HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[cfg(unix)] // SIGTERM is how service managers stop it on Linux and macOS
fn terminate(mut child: Child) -> std::process::ExitStatus {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    child.wait().unwrap()
}

#[cfg(unix)]
#[test]
fn run_serves_health_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let (child, addr) = start_run(dir.path());
    let response = health(&addr);
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(
        response.contains("\"status\":\"ok\"") && response.contains("\"database\":\"ok\""),
        "{response}"
    );
    let exit = terminate(child);
    assert!(exit.success(), "graceful stop must exit 0, got {exit}");
}

/// `run --stop-when-stdin-closes` on `data`, as the desktop app starts it: its
/// standard input is a pipe from us. Returns it and its address once it listens.
fn start_run_for_the_app(data: &Path) -> (Child, String) {
    let mut child = Command::new(BIN)
        .args(["run", "--stop-when-stdin-closes"])
        .env_clear()
        .env("CENTERMIND_DATA_DIR", data)
        .env("CENTERMIND_LISTEN_ADDR", "127.0.0.1:0")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let addr = support::listening_address(child.stdout.take().unwrap());
    (child, addr)
}

/// Closes its input and waits (at most 10 s) for it to end by itself; its output.
fn close_input_and_wait(mut child: Child) -> Output {
    drop(child.stdin.take());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while child.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("still running 10 s after its input closed");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// How the desktop app runs it on "este equipo": the app holds the other end of
/// its standard input, and closing it (the app quits, or dies and the OS closes
/// it) stops the service cleanly, on every platform, with no signal.
#[test]
fn run_started_by_the_app_stops_when_its_standard_input_closes() {
    let dir = tempfile::tempdir().unwrap();
    let (mut child, addr) = start_run_for_the_app(dir.path());
    assert!(health(&addr).starts_with("HTTP/1.1 200"));
    // Input that arrives is not a request to stop.
    child.stdin.as_mut().unwrap().write_all(b"anything\n").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(child.try_wait().unwrap().is_none(), "still serving");
    assert!(health(&addr).starts_with("HTTP/1.1 200"));

    let out = close_input_and_wait(child);
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "a clean stop exits 0: {} {log}", out.status);
    assert!(
        log.contains("standard input closed") && log.contains("service stopped"),
        "{log}"
    );
    // The database was closed and the lock released: the next run starts at once.
    let (next, addr) = start_run_for_the_app(dir.path());
    assert!(health(&addr).starts_with("HTTP/1.1 200"));
    assert!(close_input_and_wait(next).status.success());
}

#[cfg(unix)]
#[test]
fn a_second_run_on_the_same_database_refuses_to_start_and_names_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let (first, addr) = start_run(dir.path());

    let mut second = Command::new(BIN)
        .arg("run")
        .env_clear()
        .env("CENTERMIND_DATA_DIR", dir.path())
        .env("CENTERMIND_LISTEN_ADDR", "127.0.0.1:0")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // It must give up by itself; one that serves is stopped and fails the test.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while second.try_wait().unwrap().is_none() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let _ = second.kill();
    let second = second.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert_eq!(second.status.code(), Some(3), "exit status 3: {stderr}");
    assert!(
        stderr.starts_with("error: ya hay otro centermind-sidecar corriendo"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("(pid {}, http://{addr})", first.id())),
        "names the first: {stderr}"
    );
    assert!(
        !String::from_utf8_lossy(&second.stdout).contains("listening"),
        "the second never served"
    );
    assert!(health(&addr).starts_with("HTTP/1.1 200"), "the first still serves");

    // A crash releases the lock: the next run starts without any clean-up.
    let mut first = first;
    first.kill().unwrap();
    first.wait().unwrap();
    let (third, addr) = start_run(dir.path());
    assert!(health(&addr).starts_with("HTTP/1.1 200"));
    assert!(terminate(third).success());

    // Other databases are not affected.
    let other = tempfile::tempdir().unwrap();
    let (a, _) = start_run(dir.path());
    let (b, _) = start_run(other.path());
    assert!(terminate(a).success() && terminate(b).success());
}

#[test]
fn help_documents_every_command() {
    let help = ok(&sidecar(Path::new("/nonexistent"), &["--help"], None));
    for cmd in [
        "run",
        "migrate",
        "demo",
        "distributor",
        "group",
        "member",
        "pdv-type",
        "user",
        "task",
        "job",
        "backup",
        "import-legacy",
        "service",
        "activity",
        "config",
    ] {
        assert!(help.contains(cmd), "{cmd} missing from --help:\n{help}");
    }
    assert!(
        help.contains("Uso: centermind-sidecar [OPCIONES] <COMANDO>") && help.contains("Comandos:"),
        "{help}"
    );
}

#[test]
fn a_mistyped_command_line_is_explained_in_spanish_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = sidecar(dir.path(), &["distributor", "lst"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: no existe el comando «lst»") && err.contains("¿Quisiste decir «list»?"),
        "{err}"
    );
    assert!(
        err.contains("Uso: centermind-sidecar distributor") && err.contains("probá «--help»"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    // Help is not a mistake: standard output, status 0.
    let help = sidecar(dir.path(), &["distributor", "--help"], None);
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("Uso: centermind-sidecar distributor"));
}

/// The Windows service mode, asked for elsewhere, points to what does the same
/// (the Windows side is `windows_build.rs`, under Wine).
#[cfg(not(windows))]
#[test]
fn the_windows_service_commands_elsewhere_point_to_systemd() {
    let dir = tempfile::tempdir().unwrap();
    for args in [&["service", "install"][..], &["service", "status"]] {
        let out = sidecar(dir.path(), args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("error: el modo servicio es de Windows") && err.contains("packaging/systemd"),
            "{err}"
        );
    }
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "it touched nothing");
}

#[test]
fn config_shows_google_drive_without_its_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let plain = ok(&sidecar(dir.path(), &["config"], None));
    assert!(plain.contains("[google_drive] sin configurar"), "{plain}");
    let out = Command::new(BIN)
        .arg("config")
        .env_clear()
        .env("CENTERMIND_DATA_DIR", dir.path())
        .env("HOME", dir.path())
        .env(
            "CENTERMIND_GOOGLE_DRIVE__CLIENT_ID",
            "client-123.apps.googleusercontent.com",
        )
        .env("CENTERMIND_GOOGLE_DRIVE__CLIENT_SECRET", "very-secret-value")
        .env("CENTERMIND_GOOGLE_DRIVE__REFRESH_TOKEN", "1//refresh-secret")
        .output()
        .unwrap();
    let shown = ok(&out);
    assert!(shown.contains("client-123.apps.googleusercontent.com"), "{shown}");
    assert!(shown.contains("client_secret = \"(configurado)\""), "{shown}");
    assert!(
        !shown.contains("very-secret-value") && !shown.contains("refresh-secret"),
        "{shown}"
    );
}

/// A task Telegram or Drive gave up on is listed and queued again once the
/// administrator fixed the cause.
#[test]
fn dead_tasks_are_listed_and_retried() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&sidecar(d, &["migrate"], None));
    let ids: Vec<i64> = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let db = centermind_core::store::Db::open(&format!("sqlite://{}", d.join("centermind.db").display()))
            .await
            .unwrap();
        let mut ids = Vec::new();
        for kind in ["archive_photo", "archive_photo", "edit_verdict"] {
            ids.push(dead_task(&db, kind, None, "Drive: permission denied on the folder").await);
        }
        // One more that a distributor's admin dismissed in the app.
        let dist = distributor(&db, "Sur").await;
        let admin = db
            .create_portal_user(centermind_core::store::NewPortalUser {
                username: "admin.sur".into(),
                display_name: None,
                password: centermind_core::Secret::new("clave-de-prueba".into()),
                role: centermind_core::domain::roles::PortalRole::Admin,
                distributor_id: Some(dist.id),
            })
            .await
            .unwrap();
        let id = dead_task(&db, "store_photo", Some(dist.id), "photo not found").await;
        let at = centermind_core::store::now();
        db.dismiss_dead_tasks(&[id], None, dist.id, admin.id, at).await.unwrap();
        ids.push(id);
        db.close().await;
        ids
    });
    let list = ok(&sidecar(d, &["task", "list", "--state", "dead"], None));
    assert!(list.contains("permission denied"), "{list}");
    assert_eq!(list.matches("archive_photo").count(), 2, "{list}");
    assert!(list.contains("dead (descartada)"), "{list}");
    // A dismissed task stays as it is, and the operator is told why.
    let dismissed = ids[3].to_string();
    let out = ok(&sidecar(d, &["task", "retry", &dismissed], None));
    assert!(out.contains("0 tarea(s) encolada(s) de nuevo"), "{out}");
    assert!(out.contains("un administrador las descartó"), "{out}");

    let refused = sidecar(d, &["task", "retry"], None);
    assert!(!refused.status.success(), "retry without ids or --all-dead must refuse");

    let out = ok(&sidecar(
        d,
        &["task", "retry", "--all-dead", "--kind", "archive_photo"],
        None,
    ));
    assert!(out.contains("2 tarea(s) encolada(s) de nuevo"), "{out}");
    let queued = ok(&sidecar(d, &["task", "list", "--state", "queued"], None));
    assert_eq!(queued.matches("archive_photo").count(), 2, "{queued}");
    assert!(queued.contains("0/1"), "attempts start over: {queued}");
    let id = ids[2].to_string();
    let out = ok(&sidecar(d, &["task", "retry", &id], None));
    assert!(out.contains("1 tarea(s) encolada(s) de nuevo"), "{out}");
    let dead = ok(&sidecar(d, &["task", "list", "--state", "dead"], None));
    assert!(
        !dead.contains("edit_verdict") && !dead.contains("archive_photo"),
        "{dead}"
    );
    assert!(
        dead.contains("dead (descartada)"),
        "the dismissed one is left alone: {dead}"
    );
}

/// On a server with many distributors, the operator lists and retries one
/// distributor's given-up work; its admins see the retry in its Actividad.
#[test]
fn dead_tasks_of_one_distributor_are_listed_and_retried_in_its_history() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&sidecar(d, &["migrate"], None));
    let (sur, norte) = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let db = centermind_core::store::Db::open(&format!("sqlite://{}", d.join("centermind.db").display()))
            .await
            .unwrap();
        let mut ids = Vec::new();
        for name in ["Sur", "Norte"] {
            let dist = distributor(&db, name).await;
            for error in ["Drive: quota exceeded", "Drive: permission denied"] {
                dead_task(&db, "archive_photo", Some(dist.id), &format!("{error} ({name})")).await;
            }
            ids.push(dist.id);
        }
        db.close().await;
        (ids[0].to_string(), ids[1].to_string())
    });

    let listed = ok(&sidecar(
        d,
        &["task", "list", "--state", "dead", "--distributor", &sur],
        None,
    ));
    assert_eq!(listed.matches("(Sur)").count(), 2, "{listed}");
    assert!(!listed.contains("(Norte)"), "another distributor's: {listed}");

    let out = ok(&sidecar(
        d,
        &["task", "retry", "--all-dead", "--distributor", &sur],
        None,
    ));
    assert!(out.contains("2 tarea(s) encolada(s) de nuevo"), "{out}");
    let dead = ok(&sidecar(d, &["task", "list", "--state", "dead"], None));
    assert_eq!(dead.matches("(Norte)").count(), 2, "Norte's stay given up: {dead}");
    assert!(!dead.contains("(Sur)"), "{dead}");

    let history = ok(&sidecar(d, &["activity", "--distributor", &sur, "--json"], None));
    let entries: serde_json::Value = serde_json::from_str(&history).unwrap();
    assert_eq!(entries[0]["action"], "work_retried", "{history}");
    assert_eq!(entries[0]["changes"][0]["to"], 2, "{history}");
    let history = ok(&sidecar(d, &["activity", "--distributor", &norte, "--json"], None));
    assert!(!history.contains("work_retried"), "{history}");

    let unknown = sidecar(d, &["task", "retry", "--all-dead", "--distributor", "999"], None);
    assert!(!unknown.status.success(), "an unknown distributor must refuse");
}

/// A task of `kind` that was given up on with `error`; its id.
async fn dead_task(db: &centermind_core::store::Db, kind: &str, distributor_id: Option<i64>, error: &str) -> i64 {
    let task = centermind_core::store::NewTask {
        kind: kind.into(),
        distributor_id,
        payload: serde_json::json!({}),
        dedupe_key: None,
        max_attempts: 1,
    };
    let at = centermind_core::store::now();
    let id = db.enqueue_task(&task, at).await.unwrap();
    db.bury_task(id, error, None, at).await.unwrap();
    id
}

/// A distributor named `name`, without a bot.
async fn distributor(db: &centermind_core::store::Db, name: &str) -> centermind_core::store::Distributor {
    db.create_distributor(centermind_core::store::NewDistributor {
        name: name.into(),
        time_zone: None,
        bot_token: None,
        admin_telegram_id: None,
    })
    .await
    .unwrap()
}
