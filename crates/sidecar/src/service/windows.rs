//! The service control manager's side: installing, starting, stopping and
//! removing the service, and running as one (`service run`, which only Windows
//! calls: it connects to the dispatcher, reports its state, and turns "stop"
//! and "the machine is shutting down" into the same stop as Ctrl+C).

use std::ffi::OsString;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use centermind_core::config::Config;
use centermind_core::store::Db;
use tokio_util::sync::CancellationToken;
use tracing_subscriber::EnvFilter;
use windows_service::service::{
    Service, ServiceAccess, ServiceAction, ServiceActionType, ServiceControl, ServiceControlAccept,
    ServiceErrorControl, ServiceExitCode, ServiceFailureActions, ServiceFailureResetPeriod, ServiceInfo,
    ServiceStartType, ServiceState, ServiceStatus, ServiceType,
};
use windows_service::service_control_handler::{self, ServiceControlHandlerResult, ServiceStatusHandle};
use windows_service::service_manager::{ServiceManager, ServiceManagerAccess};
use windows_service::{define_windows_service, service_dispatcher};

use super::{
    DESCRIPTION, DISPLAY_NAME, Home, LOG_DAYS, LOG_PREFIX, NAME, ServiceError, exit, exit_reason, initial_config,
    recent_errors,
};
use crate::cli::{ServiceCommand, ServiceInstallArgs};
use crate::instance::AlreadyRunning;
use crate::{serve, texts};

const ERROR_ACCESS_DENIED: i32 = 5;
const ERROR_SERVICE_ALREADY_RUNNING: i32 = 1056;
const ERROR_SERVICE_DOES_NOT_EXIST: i32 = 1060;
const ERROR_SERVICE_NOT_ACTIVE: i32 = 1062;
const ERROR_FAILED_SERVICE_CONTROLLER_CONNECT: i32 = 1063;

/// How long `start`, `stop` and `uninstall` wait for the service.
const WAIT: Duration = Duration::from_secs(60);
/// What the service tells Windows it may need to start (migrations) and to stop
/// (a job run gets a few seconds, the bots and the verdict sync less).
const START_HINT: Duration = Duration::from_secs(60);
const STOP_HINT: Duration = Duration::from_secs(30);
/// Windows waits this long for the service at shutdown, before it stops it hard.
const PRESHUTDOWN: Duration = Duration::from_secs(30);

pub fn execute(command: ServiceCommand, home: &Home) -> Result<(), ServiceError> {
    match command {
        ServiceCommand::Install(args) => install(&args, home),
        ServiceCommand::Uninstall => uninstall(home),
        ServiceCommand::Start => {
            let service = open(ServiceAccess::START | ServiceAccess::QUERY_STATUS)?;
            start(&service, home)
        }
        ServiceCommand::Stop => {
            let service = open(ServiceAccess::STOP | ServiceAccess::QUERY_STATUS)?;
            if stop(&service, home)? {
                println!("El servicio {NAME} está detenido.");
            } else {
                println!("El servicio {NAME} ya estaba detenido.");
            }
            Ok(())
        }
        ServiceCommand::Status => status(home),
        // The folder install chose: a service's environment may say otherwise (Wine's does).
        ServiceCommand::Run { home } => run_as_service(Home::at(home)),
    }
}

// ---- managing it -------------------------------------------------------------

fn install(args: &ServiceInstallArgs, home: &Home) -> Result<(), ServiceError> {
    let exe = std::env::current_exe().map_err(|e| failed("no se sabe dónde está este programa", e))?;
    private_dir(home.path())?;
    let config_file = home.config_file();
    if config_file.exists() {
        if args.data_dir.is_some() || args.listen.is_some() {
            println!(
                "La configuración {} ya existe y queda como está (sin --data-dir ni --listen): editala para cambiarla.",
                config_file.display()
            );
        }
    } else {
        let data_dir = args.data_dir.clone().unwrap_or_else(|| home.default_data_dir());
        let listen = args.listen.unwrap_or_else(|| Config::default().listen_addr);
        std::fs::write(&config_file, initial_config(&data_dir, listen))
            .map_err(|e| failed(format!("no se pudo escribir {}", config_file.display()), e))?;
    }
    let config = load_config(home)?;
    private_dir(&config.data_dir)?;

    let manager = ServiceManager::local_computer(
        None::<&str>,
        ServiceManagerAccess::CONNECT | ServiceManagerAccess::CREATE_SERVICE,
    )
    .map_err(classify("no se pudo abrir el administrador de servicios"))?;
    let access =
        ServiceAccess::CHANGE_CONFIG | ServiceAccess::START | ServiceAccess::STOP | ServiceAccess::QUERY_STATUS;
    let installed = match manager.open_service(NAME, access) {
        Ok(service) => Some(service),
        Err(err) if os_error(&err) == Some(ERROR_SERVICE_DOES_NOT_EXIST) => None,
        Err(err) => return Err(classify("no se pudo abrir el servicio")(err)),
    };
    let program = home.program();
    let updating = installed.is_some();
    let previous = updating.then(|| version_of(&program)).flatten();
    if let Some(service) = &installed {
        // Its program cannot be replaced while it runs.
        stop(service, home)?;
    }
    copy_program(&exe, &program)?;
    let info = ServiceInfo {
        name: NAME.into(),
        display_name: DISPLAY_NAME.into(),
        service_type: ServiceType::OWN_PROCESS,
        start_type: ServiceStartType::AutoStart,
        error_control: ServiceErrorControl::Normal,
        executable_path: program.clone(),
        // The folder chosen here: a service's environment may say otherwise (Wine's does).
        launch_arguments: vec![
            "service".into(),
            "run".into(),
            "--home".into(),
            home.path().as_os_str().to_owned(),
        ],
        dependencies: vec![],
        // LocalSystem; its folder is closed to other users.
        account_name: None,
        account_password: None,
    };
    let service = match installed {
        Some(service) => {
            service
                .change_config(&info)
                .map_err(classify("no se pudo actualizar el servicio"))?;
            service
        }
        None => manager
            .create_service(&info, access)
            .map_err(classify("no se pudo instalar el servicio"))?,
    };
    service
        .set_description(DESCRIPTION)
        .map_err(classify("no se pudo describir el servicio"))?;
    // Restarted after a crash (not after an error it reported: a bad configuration or
    // a database another server holds do not mend by themselves); the count resets daily.
    let restart = |seconds| ServiceAction {
        action_type: ServiceActionType::Restart,
        delay: Duration::from_secs(seconds),
    };
    service
        .update_failure_actions(ServiceFailureActions {
            reset_period: ServiceFailureResetPeriod::After(Duration::from_secs(24 * 3600)),
            reboot_msg: None,
            command: None,
            actions: Some(vec![restart(10), restart(30), restart(60)]),
        })
        .map_err(classify("no se pudo pedir que se reinicie si se cae"))?;
    // After the network and the other automatic services: Telegram must be reachable.
    if let Err(err) = service.set_delayed_auto_start(true) {
        eprintln!("aviso: arrancará sin esperar a los otros servicios ({})", detail(&err));
    }
    if let Err(err) = service.set_preshutdown_timeout(PRESHUTDOWN) {
        eprintln!(
            "aviso: al apagar el equipo, Windows esperará lo de siempre ({})",
            detail(&err)
        );
    }
    let version = env!("CARGO_PKG_VERSION");
    if updating {
        let before = previous.unwrap_or_else(|| "desconocida".into());
        println!("Servicio {NAME} actualizado a la versión {version} (tenía la {before}).");
    } else {
        println!("Servicio {NAME} {version} instalado: arranca con el equipo.");
    }
    println!("  Programa:       {}", program.display());
    println!("  Configuración:  {}", config_file.display());
    println!("  Datos:          {}", config.data_dir.display());
    println!("  Registro:       {}", home.logs().display());
    println!(
        "Para administrarlo (usuarios, distribuidoras, copias), en una consola de administrador:\n  centermind-sidecar --config \"{}\" <comando>",
        config_file.display()
    );
    if args.no_start {
        println!("Ponelo en marcha con `centermind-sidecar service start`.");
        return Ok(());
    }
    start(&service, home)
}

/// Puts this program where the service runs it from (unless it is that one).
fn copy_program(exe: &std::path::Path, program: &std::path::Path) -> Result<(), ServiceError> {
    if is_this_program(program) {
        return Ok(());
    }
    if let Some(bin) = program.parent() {
        std::fs::create_dir_all(bin).map_err(|e| failed(format!("no se pudo crear {}", bin.display()), e))?;
    }
    retry_while_held(|| std::fs::copy(exe, program))
        .map(drop)
        .map_err(|e| failed(format!("no se pudo copiar el programa a {}", program.display()), e))
}

/// Whether `path` is the program running this command.
fn is_this_program(path: &std::path::Path) -> bool {
    let running = std::env::current_exe().and_then(|e| e.canonicalize());
    matches!((running, path.canonicalize()), (Ok(a), Ok(b)) if a == b)
}

/// `op` on a file of a service that just stopped, retried for a few seconds:
/// its process may take a moment to let go of the file.
fn retry_while_held<T>(mut op: impl FnMut() -> std::io::Result<T>) -> std::io::Result<T> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match op() {
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(250)),
            done => return done,
        }
    }
}

/// `centermind-sidecar --version` of `program`: the version the service ran.
fn version_of(program: &std::path::Path) -> Option<String> {
    let out = std::process::Command::new(program).arg("--version").output().ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim().strip_prefix("centermind-sidecar ").map(str::to_string)
}

fn start(service: &Service, home: &Home) -> Result<(), ServiceError> {
    match service.start::<&str>(&[]) {
        Ok(()) => {}
        Err(err) if os_error(&err) == Some(ERROR_SERVICE_ALREADY_RUNNING) => {}
        Err(err) => return Err(classify("no se pudo poner en marcha el servicio")(err)),
    }
    let status = wait_until(service, home, |state| state != ServiceState::StartPending)?;
    if status.current_state != ServiceState::Running {
        let reason = match status.exit_code {
            ServiceExitCode::ServiceSpecific(code) => exit_reason(code).to_string(),
            ServiceExitCode::Win32(0) => "se detuvo al arrancar".to_string(),
            ServiceExitCode::Win32(code) => std::io::Error::from_raw_os_error(code as i32).to_string(),
        };
        for line in recent_errors(&home.logs(), 5) {
            eprintln!("  {line}");
        }
        return Err(ServiceError::DidNotStart {
            reason,
            log: home.logs(),
        });
    }
    let listen = load_config(home).map(|c| c.listen_addr.to_string());
    match listen {
        Ok(addr) => println!("El servicio {NAME} está en marcha y atiende en http://{addr}"),
        Err(_) => println!("El servicio {NAME} está en marcha."),
    }
    Ok(())
}

/// Stops the service and waits for it; `false` when it was not running.
fn stop(service: &Service, home: &Home) -> Result<bool, ServiceError> {
    if status_of(service)?.current_state == ServiceState::Stopped {
        return Ok(false);
    }
    match service.stop() {
        Ok(_) => {}
        Err(err) if os_error(&err) == Some(ERROR_SERVICE_NOT_ACTIVE) => {}
        Err(err) => return Err(classify("no se pudo detener el servicio")(err)),
    }
    wait_until(service, home, |state| state == ServiceState::Stopped)?;
    Ok(true)
}

fn uninstall(home: &Home) -> Result<(), ServiceError> {
    let service = open(ServiceAccess::STOP | ServiceAccess::QUERY_STATUS | ServiceAccess::DELETE)?;
    stop(&service, home)?;
    service.delete().map_err(classify("no se pudo quitar el servicio"))?;
    drop(service);
    println!(
        "Servicio {NAME} quitado. Su configuración, sus datos y su registro quedan en {}.",
        home.path().display()
    );
    // Its copy of the program goes, unless that is what runs this command.
    let program = home.program();
    if program.is_file()
        && !is_this_program(&program)
        && let Err(err) = retry_while_held(|| std::fs::remove_file(&program))
    {
        eprintln!("aviso: no se pudo borrar {} ({err})", program.display());
    }
    Ok(())
}

fn status(home: &Home) -> Result<(), ServiceError> {
    let service = open(ServiceAccess::QUERY_STATUS | ServiceAccess::QUERY_CONFIG)?;
    let now = status_of(&service)?;
    let installed = service
        .query_config()
        .map_err(classify("no se pudo consultar el servicio"))?;
    let mut state = state_name(now.current_state).to_string();
    if let Some(pid) = now.process_id {
        state.push_str(&format!(" (proceso {pid})"));
    }
    if now.current_state == ServiceState::Stopped
        && let ServiceExitCode::ServiceSpecific(code) = now.exit_code
    {
        state.push_str(&format!(": {}", exit_reason(code)));
    }
    println!("Servicio {NAME}: {state}");
    let start = match installed.start_type {
        ServiceStartType::AutoStart => "automático, con el equipo",
        ServiceStartType::OnDemand => "manual",
        ServiceStartType::Disabled => "deshabilitado",
        _ => "del sistema",
    };
    println!("  Inicio:         {start}");
    // The whole command line Windows runs.
    println!("  Comando:        {}", installed.executable_path.display());
    println!("  Configuración:  {}", home.config_file().display());
    match load_config(home) {
        Ok(config) => {
            println!("  Datos:          {}", config.data_dir.display());
            println!("  Atiende en:     http://{}", config.listen_addr);
        }
        Err(err) => println!("  {err}"),
    }
    println!("  Registro:       {}", home.logs().display());
    if now.current_state == ServiceState::Stopped {
        for line in recent_errors(&home.logs(), 5) {
            println!("  {line}");
        }
    }
    Ok(())
}

fn open(access: ServiceAccess) -> Result<Service, ServiceError> {
    let manager = ServiceManager::local_computer(None::<&str>, ServiceManagerAccess::CONNECT)
        .map_err(classify("no se pudo abrir el administrador de servicios"))?;
    manager
        .open_service(NAME, access)
        .map_err(classify("no se pudo abrir el servicio"))
}

fn status_of(service: &Service) -> Result<ServiceStatus, ServiceError> {
    service
        .query_status()
        .map_err(classify("no se pudo consultar el servicio"))
}

/// Polls the service until its state is `done`, for at most [`WAIT`].
fn wait_until(
    service: &Service,
    home: &Home,
    done: impl Fn(ServiceState) -> bool,
) -> Result<ServiceStatus, ServiceError> {
    let deadline = Instant::now() + WAIT;
    loop {
        let now = status_of(service)?;
        if done(now.current_state) {
            return Ok(now);
        }
        if Instant::now() > deadline {
            return Err(ServiceError::Timeout {
                state: state_name(now.current_state),
                seconds: WAIT.as_secs(),
                log: home.logs(),
            });
        }
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn state_name(state: ServiceState) -> &'static str {
    match state {
        ServiceState::Stopped => "detenido",
        ServiceState::StartPending => "arrancando",
        ServiceState::StopPending => "deteniéndose",
        ServiceState::Running => "en marcha",
        ServiceState::ContinuePending | ServiceState::PausePending | ServiceState::Paused => "en pausa",
    }
}

fn load_config(home: &Home) -> Result<Config, ServiceError> {
    Config::load(Some(&home.config_file())).map_err(|err| ServiceError::BadConfig {
        file: home.config_file(),
        reason: texts::core_error(&err),
    })
}

/// Creates `dir` if missing and then lets only SYSTEM and the Administrators in:
/// the database holds the bots' tokens, and `%ProgramData%` is readable by
/// every user. A folder that already existed keeps its permissions.
fn private_dir(dir: &std::path::Path) -> Result<(), ServiceError> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| failed(format!("no se pudo crear {}", dir.display()), e))?;
    let icacls = std::env::var_os("SystemRoot")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| r"C:\Windows".into())
        .join(r"System32\icacls.exe");
    // Well-known SIDs, so it works in every language of Windows.
    let out = std::process::Command::new(&icacls)
        .arg(dir)
        .args([
            "/inheritance:r",
            "/grant:r",
            "*S-1-5-18:(OI)(CI)F",
            "*S-1-5-32-544:(OI)(CI)F",
        ])
        .output()
        .map_err(|e| failed(format!("no se pudo ejecutar {}", icacls.display()), e))?;
    if !out.status.success() {
        return Err(ServiceError::Failed {
            what: format!("no se pudieron restringir los permisos de {}", dir.display()),
            detail: String::from_utf8_lossy(&out.stdout).trim().to_string(),
        });
    }
    Ok(())
}

fn os_error(err: &windows_service::Error) -> Option<i32> {
    match err {
        windows_service::Error::Winapi(io) => io.raw_os_error(),
        _ => None,
    }
}

fn classify(what: &'static str) -> impl Fn(windows_service::Error) -> ServiceError {
    move |err| match os_error(&err) {
        Some(ERROR_ACCESS_DENIED) => ServiceError::NeedsAdmin,
        Some(ERROR_SERVICE_DOES_NOT_EXIST) => ServiceError::NotInstalled,
        _ => ServiceError::Failed {
            what: what.to_string(),
            detail: detail(&err),
        },
    }
}

/// Windows' own words (in its language), not the crate's "IO error in winapi call".
fn detail(err: &windows_service::Error) -> String {
    match err {
        windows_service::Error::Winapi(io) => io.to_string(),
        other => other.to_string(),
    }
}

fn failed(what: impl Into<String>, err: std::io::Error) -> ServiceError {
    ServiceError::Failed {
        what: what.into(),
        detail: err.to_string(),
    }
}

// ---- running as the service ----------------------------------------------------

/// What the dispatcher's thread needs: the entry point Windows calls takes no context.
struct Launch {
    home: Home,
    config: Result<Config, String>,
}

static LAUNCH: OnceLock<Launch> = OnceLock::new();

define_windows_service!(ffi_service_main, service_main);

/// Connects to Windows' service dispatcher and serves until it says stop
/// (nothing is printed: a service has no console; its status says how it ended).
///
/// # Errors
/// [`ServiceError::NotFromConsole`] when this was not started by Windows.
fn run_as_service(home: Home) -> Result<(), ServiceError> {
    let config = Config::load(Some(&home.config_file())).map_err(|e| texts::core_error(&e));
    let filter = config.as_ref().map(|c| c.log.clone()).unwrap_or_else(|_| "info".into());
    log_to_files(&home, &filter);
    let _ = LAUNCH.set(Launch { home, config });
    service_dispatcher::start(NAME, ffi_service_main).map_err(|err| {
        if os_error(&err) == Some(ERROR_FAILED_SERVICE_CONTROLLER_CONNECT) {
            ServiceError::NotFromConsole
        } else {
            classify("no se pudo hablar con el administrador de servicios")(err)
        }
    })
}

/// Daily files in the service's log folder; panics are written there too.
fn log_to_files(home: &Home, filter: &str) {
    if std::fs::create_dir_all(home.logs()).is_err() {
        // Nowhere to write; the service still reports its state to Windows.
        return;
    }
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(LOG_PREFIX)
        .filename_suffix("log")
        .max_log_files(LOG_DAYS)
        .build(home.logs());
    let Ok(appender) = appender else {
        return;
    };
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info")))
        .with_ansi(false)
        .with_writer(appender)
        .init();
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!(%info, "panic");
        default(info);
    }));
}

fn service_main(_arguments: Vec<OsString>) {
    let Some(launch) = LAUNCH.get() else {
        return;
    };
    if let Err(err) = serve_for_windows(launch) {
        tracing::error!(error = %err, "cannot report to Windows' service manager");
    }
}

fn serve_for_windows(launch: &Launch) -> windows_service::Result<()> {
    let stop = CancellationToken::new();
    let on_control = {
        let stop = stop.clone();
        move |control| match control {
            ServiceControl::Stop | ServiceControl::Preshutdown | ServiceControl::Shutdown => {
                stop.cancel();
                ServiceControlHandlerResult::NoError
            }
            ServiceControl::Interrogate => ServiceControlHandlerResult::NoError,
            _ => ServiceControlHandlerResult::NotImplemented,
        }
    };
    let status = service_control_handler::register(NAME, on_control)?;
    report(
        status,
        ServiceState::StartPending,
        ServiceExitCode::NO_ERROR,
        START_HINT,
    )?;
    tracing::info!(version = env!("CARGO_PKG_VERSION"), config = %launch.home.config_file().display(), "service starting");
    let code = match &launch.config {
        Ok(config) => serve_until_stopped(config, status, stop),
        Err(err) => {
            tracing::error!(error = %err, file = %launch.home.config_file().display(), "the service's configuration cannot be read");
            exit::CONFIG
        }
    };
    let exit_code = match code {
        0 => ServiceExitCode::NO_ERROR,
        code => ServiceExitCode::ServiceSpecific(code),
    };
    report(status, ServiceState::Stopped, exit_code, Duration::ZERO)
}

/// `run`, stopped by Windows; the service-specific exit code (0: asked to stop).
fn serve_until_stopped(config: &Config, status: ServiceStatusHandle, stop: CancellationToken) -> u32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(err) => {
            tracing::error!(%err, "cannot start the async runtime");
            return exit::FAILED;
        }
    };
    let served = runtime.block_on(async {
        tokio::spawn({
            let stop = stop.clone();
            async move {
                stop.cancelled().await;
                tracing::info!("Windows asked the service to stop");
                if let Err(err) = report(status, ServiceState::StopPending, ServiceExitCode::NO_ERROR, STOP_HINT) {
                    tracing::warn!(error = %err, "cannot tell Windows the service is stopping");
                }
            }
        });
        let db = Db::open(&config.database_url()).await?;
        serve::run(db, config, stop, |local| {
            tracing::info!(%local, "service running");
            if let Err(err) = report(status, ServiceState::Running, ServiceExitCode::NO_ERROR, Duration::ZERO) {
                tracing::error!(error = %err, "cannot tell Windows the service is running");
            }
        })
        .await
    });
    match served {
        Ok(()) => 0,
        Err(err) => {
            tracing::error!(error = texts::error_message(&err), "the service stopped on an error");
            if err.downcast_ref::<AlreadyRunning>().is_some() {
                exit::ALREADY_RUNNING
            } else {
                exit::FAILED
            }
        }
    }
}

fn report(
    status: ServiceStatusHandle,
    state: ServiceState,
    exit_code: ServiceExitCode,
    wait_hint: Duration,
) -> windows_service::Result<()> {
    let controls_accepted = if state == ServiceState::Running {
        ServiceControlAccept::STOP | ServiceControlAccept::PRESHUTDOWN
    } else {
        ServiceControlAccept::empty()
    };
    status.set_service_status(ServiceStatus {
        service_type: ServiceType::OWN_PROCESS,
        current_state: state,
        controls_accepted,
        exit_code,
        checkpoint: 0,
        wait_hint,
        process_id: None,
    })
}
