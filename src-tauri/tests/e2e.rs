#![allow(clippy::unwrap_used)]
//! End-to-end tests of the real desktop binary: `target/<profile>/centermind-desktop`
//! (which embeds ui/dist) driven through tauri-driver + WebKitWebDriver, against a real
//! `centermind-sidecar` with a seeded database, on a throw-away X display, D-Bus session
//! and keyring (see `support`). They run one at a time (`.config/nextest.toml`).
//!
//! Elements are found as a person finds them: buttons by their names, fields by their
//! labels, messages by their ARIA roles; checks on what the app did are made on the
//! server, through its HTTP API.
#![cfg(target_os = "linux")]

mod support;

use std::time::{Duration, Instant};

use serde_json::Value;

use support::procs::{ProcInfo, alive, descendants};
use support::webdriver::{Session, WdResult, button, fact, field, heading, link, literal, role};
use support::{Api, App, Keyring, Machine, Sidecar, screenshots_dir};

/// Big enough that the "sur" distributor has a handful of pending exhibitions (the
/// demo leaves most of its last two days pending), small enough to seed in seconds.
const DEMO_EXHIBITIONS: usize = 150;
const SUPERVISOR: &str = "supervisor.sur";
/// Another user of the same distributor who may evaluate: "another session".
const OTHER: &str = "admin.sur";
/// How long the app sits idle before its memory is read.
const IDLE_BEFORE_MEASURING: Duration = Duration::from_secs(5);

/// The photo of the exhibition of `customer` on screen, once its image has loaded.
async fn wait_photo(session: &Session, customer: &str) {
    let xpath = format!(
        "//img[starts-with(@alt, 'Foto 1 de') and contains(@alt, {})]",
        literal(&format!("cliente {customer}"))
    );
    session
        .wait_until(&format!("the photo of {customer} loaded"), || async {
            for img in session.find_all(&xpath).await? {
                let width = session.property(&img, "naturalWidth").await?;
                if width.as_u64().unwrap_or(0) > 0 {
                    return Ok(Some(()));
                }
            }
            Ok(None)
        })
        .await;
}

/// The texts of every element matching `xpath`.
async fn texts(session: &Session, xpath: &str) -> WdResult<Vec<String>> {
    let mut texts = Vec::new();
    for element in session.find_all(xpath).await? {
        texts.push(session.text(&element).await?);
    }
    Ok(texts)
}

/// Waits until the visor shows `exhibition` (an API summary): its customer and its
/// submission time, since a customer may send more than one.
async fn wait_current(session: &Session, exhibition: &Value) {
    let customer = exhibition["customer_number"].as_str().unwrap();
    let submitted = exhibition["submitted_at_local"].as_str().unwrap();
    session
        .wait_until(&format!("the visor showing {customer} of {submitted}"), || async {
            let shown = texts(session, &fact("Cliente")).await? == [customer]
                && texts(session, &fact("Enviada")).await? == [submitted];
            Ok(shown.then_some(()))
        })
        .await;
}

async fn connect_to(session: &Session, url: &str) {
    session.wait_for(&heading("Conectar con el servidor")).await;
    session.fill(&field("Dirección del servidor"), url).await;
    session.click(&button("Probar y conectar")).await;
}

async fn log_in(session: &Session, username: &str, remember: bool) {
    session.wait_for(&heading("Iniciar sesión")).await;
    session.fill(&field("Usuario"), username).await;
    session.fill(&field("Contraseña"), support::PASSWORD).await;
    if remember {
        session.click(&field("Recordarme en esta computadora")).await;
    }
    session.click(&button("Ingresar")).await;
}

/// Idle memory of the app after login: the desktop process and its WebKit processes
/// (`VmRSS`), printed and saved in artifacts/e2e-memory.txt.
async fn report_memory(app: &App) {
    tokio::time::sleep(IDLE_BEFORE_MEASURING).await;
    let desktop = app.desktop().expect("the desktop process");
    let web: Vec<ProcInfo> = descendants(desktop.pid)
        .into_iter()
        .filter(|p| p.name.starts_with("WebKit"))
        .collect();
    let mib = |kib: u64| kib.div_ceil(1024);
    let line = |p: &ProcInfo| {
        format!(
            "{:<16} VmRSS {:>4} MiB (anon {}, file {}, shmem {})\n",
            p.name,
            mib(p.rss_kib),
            mib(p.rss_anon_kib),
            mib(p.rss_file_kib),
            mib(p.rss_shmem_kib)
        )
    };
    let mut report = format!(
        "idle RSS {IDLE_BEFORE_MEASURING:?} after the visor showed its first photo ({}):\n",
        support::desktop_bin().display()
    );
    report += &line(&desktop);
    for p in &web {
        report += &line(p);
    }
    let total = desktop.rss_kib + web.iter().map(|p| p.rss_kib).sum::<u64>();
    report += &format!(
        "total VmRSS {} MiB (file-backed pages of shared libraries counted in each)\n",
        mib(total)
    );
    eprint!("{report}");
    std::fs::create_dir_all(support::artifacts_dir()).unwrap();
    std::fs::write(support::artifacts_dir().join("e2e-memory.txt"), report).unwrap();
}

/// Connect to a server, log in ("Recordarme"), approve, reject with a reason, highlight,
/// meet a conflict, check the remembered session survives a restart, log out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_supervisor_reviews_the_queue_on_a_server() {
    let started = Instant::now();
    let machine = Machine::new(Keyring::SecretService);
    let data = machine.path().join("server-data");
    machine.seed(Some(&data), DEMO_EXHIBITIONS);
    let server = Sidecar::start(&machine, &data).await;
    let api = Api::new(&server.url);
    let supervisor = api.login(SUPERVISOR).await;
    let other = api.login(OTHER).await;
    let other_name = api.me(&other).await["display_name"].as_str().unwrap().to_string();
    let supervisor_name = api.me(&supervisor).await["display_name"].as_str().unwrap().to_string();
    let queue = api.pending(&supervisor).await;
    assert!(
        queue.len() >= 5,
        "the demo left only {} pending exhibitions",
        queue.len()
    );
    let customer = |i: usize| queue[i]["customer_number"].as_str().unwrap().to_string();
    let id = |i: usize| queue[i]["id"].as_str().unwrap().to_string();

    let mut app = App::start(&machine, "server").await;
    let s = &app.session;
    connect_to(s, server.url.trim_start_matches("http://")).await;
    s.wait_for(&heading("Iniciar sesión")).await;
    s.fill(&field("Usuario"), SUPERVISOR).await;
    s.save_screenshot(&screenshots_dir().join("login.png")).await;
    log_in(s, SUPERVISOR, true).await;

    // Home: who I am, and the token went to the OS keyring.
    s.wait_for(&heading(&format!("Hola, {supervisor_name}"))).await;
    s.wait_for_text("//p", "La sesión queda guardada en el llavero de esta computadora.")
        .await;
    s.click(&link("Abrir el visor")).await;

    // The oldest pending exhibition first, with its photo.
    wait_current(s, &queue[0]).await;
    wait_photo(s, &customer(0)).await;
    report_memory(&app).await;

    // Forward with J to the first exhibition with a burst of photos (for the screenshot),
    // and back with K.
    let burst = queue
        .iter()
        .position(|e| e["photo_count"].as_i64().unwrap_or(0) > 1)
        .unwrap_or(0);
    for next in &queue[1..=burst] {
        s.press("j").await;
        wait_current(s, next).await;
    }
    wait_photo(s, &customer(burst)).await;
    if burst > 0 {
        // The burst strip, every thumbnail loaded.
        let count = queue[burst]["photo_count"].as_u64().unwrap();
        s.wait_until("the burst thumbnails", || async {
            let mut loaded = 0;
            for img in s.find_all("//ul[@aria-label='Fotos']//button//img").await? {
                if s.property(&img, "naturalWidth").await?.as_u64().unwrap_or(0) > 0 {
                    loaded += 1;
                }
            }
            Ok((loaded == count).then_some(()))
        })
        .await;
    }
    s.save_screenshot(&screenshots_dir().join("visor.png")).await;
    for previous in queue[..burst].iter().rev() {
        s.press("k").await;
        wait_current(s, previous).await;
    }

    // Approve with the keyboard.
    s.press("a").await;
    wait_current(s, &queue[1]).await;
    let approved = api.wait_evaluated(&supervisor, &id(0)).await;
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["evaluator_name"], supervisor_name.as_str());

    // Reject with a reason from the list and a detail.
    s.click(&button("Rechazar")).await;
    let dialog = role("dialog");
    s.wait_for(&format!("{dialog}{}", heading("Motivo del rechazo"))).await;
    s.click(&format!(
        "{dialog}//label[contains(normalize-space(.), 'No se ve la exhibición completa')]/input"
    ))
    .await;
    s.fill(&field("Detalle (opcional)"), "falta la góndola de la izquierda")
        .await;
    s.click(&format!("{dialog}{}", button("Rechazar"))).await;
    s.wait_gone(&dialog).await;
    wait_current(s, &queue[2]).await;
    let rejected = api.wait_evaluated(&supervisor, &id(1)).await;
    assert_eq!(rejected["status"], "rejected");
    assert_eq!(
        rejected["rejection_reason"],
        "No se ve la exhibición completa: falta la góndola de la izquierda"
    );

    // Highlight with a comment, with the mouse.
    s.fill(&field("Comentario (opcional)"), "muy buena exhibición").await;
    s.click(&button("Destacar")).await;
    wait_current(s, &queue[3]).await;
    let highlighted = api.wait_evaluated(&supervisor, &id(2)).await;
    assert_eq!(highlighted["status"], "highlighted");
    assert_eq!(highlighted["comment"], "muy buena exhibición");

    // Someone else approves the exhibition on screen first: our verdict is refused
    // with a clear message naming who did what, and the server keeps their verdict.
    assert!(api.evaluate(&other, &id(3), "approved").await.is_success());
    s.press("d").await;
    let message = s.wait_for_text(&role("alert"), "ya fue evaluada por").await;
    assert!(message.contains(&customer(3)), "{message}");
    assert!(message.contains(&other_name), "{message}");
    assert!(message.contains("Aprobada"), "{message}");
    let kept = api.exhibition(&supervisor, &id(3)).await;
    assert_eq!(kept["status"], "approved");
    assert_eq!(kept["evaluator_name"], other_name.as_str());
    s.click(&button("Entendido")).await;
    wait_current(s, &queue[4]).await;

    // "Recordarme": a new start of the app restores the session from the keyring.
    app.quit().await;
    app = App::start(&machine, "server-again").await;
    let s = &app.session;
    s.wait_for(&heading(&format!("Hola, {supervisor_name}"))).await;

    // Log out: back to the login screen, and the remembered token is gone.
    s.click(&button("Cerrar sesión")).await;
    s.wait_for(&heading("Iniciar sesión")).await;
    app.quit().await;
    let app = App::start(&machine, "after-logout").await;
    app.session.wait_for(&heading("Iniciar sesión")).await;
    app.quit().await;
    eprintln!("e2e on a server: {:?}", started.elapsed());
}

/// "Este equipo": the app starts its own sidecar (found next to its executable) on
/// the per-user database and works with it. This machine has no keyring: "Recordarme"
/// fails with a message, nothing more.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_this_computer_the_app_runs_its_own_sidecar() {
    let started = Instant::now();
    let machine = Machine::new(Keyring::Missing);
    // The default per-user data folder under this machine's home, as the app's sidecar uses.
    machine.seed(None, DEMO_EXHIBITIONS);

    let app = App::start(&machine, "local").await;
    let s = &app.session;
    s.wait_for(&heading("Conectar con el servidor")).await;
    s.click(&button("Usar este equipo")).await;
    log_in(s, SUPERVISOR, true).await;
    s.wait_for_text(&role("status"), "No se pudo guardar la sesión en el llavero")
        .await;
    let url = s.wait_for_text(&fact("Servidor"), "http://127.0.0.1:").await;

    // What answers there is the app's own sidecar, started from next to the app.
    let sidecar = local_sidecar(&app);
    assert_eq!(
        std::fs::read_link(format!("/proc/{}/exe", sidecar.pid)).unwrap(),
        support::desktop_bin().with_file_name("centermind-sidecar")
    );
    let api = Api::new(&url);
    let token = api.login(SUPERVISOR).await;
    let queue = api.pending(&token).await;
    assert!(!queue.is_empty(), "no pending exhibitions in the local database");

    s.click(&link("Abrir el visor")).await;
    wait_current(s, &queue[0]).await;
    wait_photo(s, queue[0]["customer_number"].as_str().unwrap()).await;
    s.press("a").await;
    let approved = api.wait_evaluated(&token, queue[0]["id"].as_str().unwrap()).await;
    assert_eq!(approved["status"], "approved");
    app.quit().await;
    eprintln!("e2e on this computer: {:?}", started.elapsed());
}

/// A fresh "este equipo" install: the first-run form creates the first user and signs in.
/// Then, when the desktop session ends (logout, shutdown) every program gets SIGTERM: the
/// sidecar the app started must not outlive it (it would keep the port, the database
/// and the Telegram bots, and the next start would run a second one).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_local_install_creates_its_first_user_and_its_sidecar_stops_with_the_app() {
    let machine = Machine::new(Keyring::Missing);
    let app = App::start(&machine, "terminated").await;
    let s = &app.session;
    s.wait_for(&heading("Conectar con el servidor")).await;
    s.click(&button("Usar este equipo")).await;
    // A fresh install has no user: the first-run form comes instead of the login.
    s.wait_for(&heading("Configuración inicial")).await;
    s.fill(&field("Nombre de la distribuidora"), "Distribuidora Nueva")
        .await;
    s.fill(&field("Nombre y apellido"), "Ana Admin").await;
    s.fill(&field("Usuario"), "ana").await;
    s.fill(&field("Contraseña"), "una-clave-larga").await;
    s.fill(&field("Repetí la contraseña"), "una-clave-larga").await;
    s.click(&button("Crear y entrar")).await;
    s.wait_for(&heading("Hola, Ana Admin")).await;
    let sidecar = local_sidecar(&app);
    let desktop = app.desktop().unwrap();

    rustix::process::kill_process(
        rustix::process::Pid::from_raw(desktop.pid.try_into().unwrap()).unwrap(),
        rustix::process::Signal::TERM,
    )
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(15);
    while alive(desktop.pid) || alive(sidecar.pid) {
        assert!(
            Instant::now() < deadline,
            "15 s after SIGTERM: centermind-desktop {}, its sidecar {}",
            if alive(desktop.pid) { "still runs" } else { "exited" },
            if alive(sidecar.pid) { "still runs" } else { "exited" },
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// The `centermind-sidecar` the app started (its child).
fn local_sidecar(app: &App) -> ProcInfo {
    let desktop = app.desktop().expect("the desktop process");
    descendants(desktop.pid)
        .into_iter()
        .find(|p| p.name.starts_with("centermind-sid") && p.ppid == desktop.pid)
        .expect("a centermind-sidecar started by the app")
}
