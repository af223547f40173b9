//! "Este equipo": the app runs `centermind-sidecar run` itself.
//!
//! A [`Supervisor`] owns exactly one child process (a [`std::process::Child`]):
//! it starts it, watches it from a thread, starts it again with a bounded backoff
//! when it dies, and [`Supervisor::stop`] ends that child through its handle (its
//! own pid, never a process name). Dropping the supervisor stops it too, and the
//! app stops it explicitly when it exits.

use std::ffi::OsString;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// The sidecar's executable name on this platform.
pub const SIDECAR_NAME: &str = "centermind-sidecar";

/// `centermind-sidecar run` exits with this when another `run` already serves its
/// database (the sidecar's `instance::ALREADY_RUNNING_EXIT`).
pub const ALREADY_RUNNING_EXIT: i32 = 3;

/// How often the watcher looks at the child.
const POLL: Duration = Duration::from_millis(100);
/// How long a stopping child gets to finish before it is killed.
const GRACE: Duration = Duration::from_secs(3);
/// Windows' `CREATE_NO_WINDOW`: the sidecar is a console program, and without
/// this flag Windows opens a console window for it next to the app.
#[cfg(windows)]
const CREATE_NO_WINDOW: u32 = 0x0800_0000;

/// Where the sidecar is installed: next to the app's own executable. Tauri's
/// `bundle.externalBin` puts it there (without the target-triple suffix), and so
/// does cargo in `target/<profile>/` for a workspace build.
///
/// # Errors
/// When the app's own path is unknown or no sidecar is there.
pub fn sidecar_path() -> Result<PathBuf, String> {
    let exe = std::env::current_exe().map_err(|e| format!("no se conoce la ruta de la aplicación: {e}"))?;
    let dir = exe
        .parent()
        .ok_or_else(|| format!("{} no tiene carpeta", exe.display()))?;
    find_next_to(dir).ok_or_else(|| {
        format!(
            "no se encontró {SIDECAR_NAME}{} en {}: reinstalá la aplicación",
            std::env::consts::EXE_SUFFIX,
            dir.display()
        )
    })
}

/// `dir/centermind-sidecar[.exe]`, or (for test binaries in `target/debug/deps`)
/// the one in the parent folder.
#[must_use]
pub fn find_next_to(dir: &Path) -> Option<PathBuf> {
    let name = format!("{SIDECAR_NAME}{}", std::env::consts::EXE_SUFFIX);
    std::iter::once(dir)
        .chain(dir.parent().filter(|_| dir.ends_with("deps")))
        .map(|d| d.join(&name))
        .find(|p| p.is_file())
}

/// A loopback port nobody listens on right now (the OS picks it).
///
/// # Errors
/// When no socket can be bound at all.
pub fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?.port())
}

/// `port` if it can be bound on the loopback now (to keep the address of an
/// earlier run, under which "Recordarme" stored the session), else a free one.
///
/// # Errors
/// When no socket can be bound at all.
pub fn reuse_or_free_port(port: Option<u16>) -> std::io::Result<u16> {
    match port.filter(|&p| p != 0 && TcpListener::bind((Ipv4Addr::LOCALHOST, p)).is_ok()) {
        Some(p) => Ok(p),
        None => free_port(),
    }
}

/// What to run: a program, its arguments and extra environment.
#[derive(Debug, Clone)]
pub struct Spec {
    pub program: PathBuf,
    pub args: Vec<OsString>,
    pub envs: Vec<(OsString, OsString)>,
    /// The file its output (standard output and error) is appended to; without
    /// one, standard error is the app's own.
    pub log: Option<PathBuf>,
    /// Its standard input is a pipe from the app, and closing it is how the app
    /// asks it to stop (`run --stop-when-stdin-closes`). The same on every
    /// platform (Windows has no SIGTERM), and the OS closes it when the app dies,
    /// so the child never outlives the app. Otherwise (Unix only) SIGTERM asks.
    pub stop_by_closing_stdin: bool,
}

impl Spec {
    /// `centermind-sidecar run` listening on `127.0.0.1:port`, with the default
    /// per-user data folder (the sidecar's own default).
    #[must_use]
    pub fn sidecar(program: PathBuf, port: u16) -> Self {
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        Self {
            program,
            args: vec!["run".into(), "--stop-when-stdin-closes".into()],
            envs: vec![("CENTERMIND_LISTEN_ADDR".into(), addr.to_string().into())],
            log: None,
            stop_by_closing_stdin: true,
        }
    }

    fn spawn(&self) -> std::io::Result<Child> {
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .envs(self.envs.iter().map(|(k, v)| (k, v)))
            .stdin(if self.stop_by_closing_stdin {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::null());
        #[cfg(windows)]
        std::os::windows::process::CommandExt::creation_flags(&mut command, CREATE_NO_WINDOW);
        // Each start opens it again: a long-lived server's file is set aside when large.
        match self.log.as_deref().map(crate::logging::open) {
            Some(Ok(file)) => {
                command.stdout(file.try_clone()?).stderr(file);
            }
            Some(Err(e)) => tracing::warn!(error = %e, "cannot open the local server's log file"),
            None => {}
        }
        command.spawn()
    }
}

/// Waits between restarts: doubling from `first` up to `max`; after `attempts`
/// quick deaths in a row the supervisor gives up. A run that lasted `stable`
/// resets the count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub first: Duration,
    pub max: Duration,
    pub attempts: u32,
    pub stable: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            first: Duration::from_millis(500),
            max: Duration::from_secs(15),
            attempts: 6,
            stable: Duration::from_secs(60),
        }
    }
}

impl Backoff {
    /// The wait before restart number `n` (0-based), or `None` to give up.
    #[must_use]
    pub fn delay(&self, n: u32) -> Option<Duration> {
        (n < self.attempts).then(|| self.first.saturating_mul(2u32.saturating_pow(n)).min(self.max))
    }
}

/// What the supervisor is doing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// The child runs (this pid).
    Running { pid: u32 },
    /// The child died; it starts again after a wait.
    Restarting { restarts: u32, last_exit: String },
    /// It died too often (or cannot start): no more attempts.
    Failed { reason: String },
    /// It found another server on its data and ended: starting it again would not help.
    InUse { last_exit: String },
    /// Stopped on purpose.
    Stopped,
}

struct State {
    child: Option<Child>,
    status: Status,
    stopping: bool,
    /// Restarts in a row without a stable run.
    quick_deaths: u32,
    restarts_total: u32,
    started_at: Instant,
}

struct Shared {
    spec: Spec,
    backoff: Backoff,
    state: Mutex<State>,
    wake: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Runs one child process and keeps it running until [`Supervisor::stop`].
pub struct Supervisor {
    shared: Arc<Shared>,
    watcher: Mutex<Option<JoinHandle<()>>>,
}

impl Supervisor {
    /// Starts the child and its watcher.
    ///
    /// # Errors
    /// When the program cannot be started at all (missing, not executable).
    pub fn start(spec: Spec, backoff: Backoff) -> std::io::Result<Self> {
        let child = spec.spawn()?;
        let pid = child.id();
        tracing::info!(pid, program = %spec.program.display(), "local server started");
        let shared = Arc::new(Shared {
            spec,
            backoff,
            state: Mutex::new(State {
                child: Some(child),
                status: Status::Running { pid },
                stopping: false,
                quick_deaths: 0,
                restarts_total: 0,
                started_at: Instant::now(),
            }),
            wake: Condvar::new(),
        });
        let for_thread = Arc::clone(&shared);
        let watcher = std::thread::Builder::new()
            .name("centermind-sidecar-watch".into())
            .spawn(move || watch(&for_thread))?;
        Ok(Self {
            shared,
            watcher: Mutex::new(Some(watcher)),
        })
    }

    /// The pid of the running child, if one runs.
    #[must_use]
    pub fn pid(&self) -> Option<u32> {
        match self.shared.lock().status {
            Status::Running { pid } => Some(pid),
            _ => None,
        }
    }

    #[must_use]
    pub fn status(&self) -> Status {
        self.shared.lock().status.clone()
    }

    /// How many times the child was started again after dying.
    #[must_use]
    pub fn restarts(&self) -> u32 {
        self.shared.lock().restarts_total
    }

    /// Stops the child this supervisor started (asks it to finish, then kills it
    /// through its handle) and the watcher, and says how the child ended (`None`:
    /// no child was running). Idempotent.
    pub fn stop(&self) -> Option<Ended> {
        let child = {
            let mut state = self.shared.lock();
            state.stopping = true;
            state.status = Status::Stopped;
            state.child.take()
        };
        self.shared.wake.notify_all();
        let ended = child.map(|child| end(child, self.shared.spec.stop_by_closing_stdin));
        let watcher = self.watcher.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(handle) = watcher
            && handle.join().is_err()
        {
            tracing::warn!("the local server watcher panicked");
        }
        ended
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// How a stopped child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// It had already exited.
    Exited,
    /// It finished by itself once asked (its database closed cleanly).
    Stopped,
    /// It did not finish within [`GRACE`] (or could not be asked) and was killed.
    Killed,
}

/// Ends one child: a polite request first (its standard input closed, or on
/// Unix SIGTERM to its own pid), then `Child::kill`; always reaped.
fn end(mut child: Child, by_closing_stdin: bool) -> Ended {
    let pid = child.id();
    if matches!(child.try_wait(), Ok(Some(_))) {
        return Ended::Exited;
    }
    let asked = if by_closing_stdin {
        // Dropping the app's end of the pipe closes it: the child reads its end.
        child.stdin.take().is_some()
    } else {
        ask_to_terminate(pid)
    };
    if asked {
        let deadline = Instant::now() + GRACE;
        while Instant::now() < deadline {
            if matches!(child.try_wait(), Ok(Some(_))) {
                tracing::info!(pid, "local server stopped");
                return Ended::Stopped;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }
    if let Err(e) = child.kill() {
        tracing::warn!(pid, error = %e, "cannot kill the local server");
    }
    let _ = child.wait();
    tracing::info!(pid, "local server killed");
    Ended::Killed
}

/// SIGTERM to `pid`, our own unreaped child (so the pid cannot have been reused).
#[cfg(unix)]
fn ask_to_terminate(pid: u32) -> bool {
    Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Windows has no SIGTERM: a child without a stdin pipe can only be killed.
#[cfg(not(unix))]
fn ask_to_terminate(_pid: u32) -> bool {
    false
}

/// The watcher thread: restarts the child when it dies, until stopped or the
/// backoff gives up.
fn watch(shared: &Shared) {
    let mut state = shared.lock();
    loop {
        if state.stopping {
            return;
        }
        let exited = match state.child.as_mut().map(Child::try_wait) {
            Some(Ok(Some(status))) => Some((status.to_string(), status.code())),
            Some(Ok(None)) | None => None,
            Some(Err(e)) => Some((e.to_string(), None)),
        };
        let Some((last_exit, code)) = exited else {
            state = shared
                .wake
                .wait_timeout(state, POLL)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
            continue;
        };
        state.child = None;
        if code == Some(ALREADY_RUNNING_EXIT) {
            // Starting it again would meet the same server: say so at once.
            tracing::error!(%last_exit, "another local server already uses this computer's data");
            state.status = Status::InUse { last_exit };
            return;
        }
        if state.started_at.elapsed() >= shared.backoff.stable {
            state.quick_deaths = 0;
        }
        let Some(delay) = shared.backoff.delay(state.quick_deaths) else {
            tracing::error!(%last_exit, "the local server keeps dying: giving up");
            state.status = Status::Failed {
                reason: format!("el servidor local terminó ({last_exit}) demasiadas veces seguidas"),
            };
            return;
        };
        state.quick_deaths += 1;
        tracing::warn!(%last_exit, ?delay, "the local server died: starting it again");
        state.status = Status::Restarting {
            restarts: state.restarts_total + 1,
            last_exit,
        };
        // Sleep, but wake at once for stop().
        let deadline = Instant::now() + delay;
        while !state.stopping && Instant::now() < deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            state = shared
                .wake
                .wait_timeout(state, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        if state.stopping {
            return;
        }
        match shared.spec.spawn() {
            Ok(child) => {
                state.status = Status::Running { pid: child.id() };
                state.child = Some(child);
                state.restarts_total += 1;
                state.started_at = Instant::now();
            }
            Err(e) => {
                state.status = Status::Failed {
                    reason: format!("no se pudo iniciar el servidor local: {e}"),
                };
                return;
            }
        }
    }
}

/// The app's local server ("este equipo"): at most one supervised sidecar.
#[derive(Default)]
pub struct LocalServer {
    running: Mutex<Option<(Supervisor, u16)>>,
    log: Option<PathBuf>,
    /// Where its backup job writes (`CENTERMIND_BACKUP_DIR`); `None`: the sidecar's default.
    backup_dir: Mutex<Option<PathBuf>>,
}

impl LocalServer {
    /// A local server whose output goes to `log` (appended).
    #[must_use]
    pub fn logging_to(log: Option<PathBuf>) -> Self {
        Self {
            running: Mutex::default(),
            log,
            backup_dir: Mutex::default(),
        }
    }

    /// The backup folder the next start (and a restore) uses; the running one keeps its own.
    pub fn set_backup_dir(&self, dir: Option<PathBuf>) {
        *self.backup_dir.lock().unwrap_or_else(PoisonError::into_inner) = dir;
    }

    /// The backup folder given to the sidecar, if one was chosen here.
    #[must_use]
    pub fn backup_dir(&self) -> Option<PathBuf> {
        self.backup_dir.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// The environment that tells a sidecar command what this app chose.
    #[must_use]
    pub fn envs(&self) -> Vec<(OsString, OsString)> {
        self.backup_dir()
            .map(|dir| ("CENTERMIND_BACKUP_DIR".into(), dir.into_os_string()))
            .into_iter()
            .collect()
    }

    /// Starts the sidecar unless it already runs (or is being restarted), and
    /// answers its port. `preferred` is tried first (the port of the last run).
    ///
    /// # Errors
    /// The reason, in Spanish, when the sidecar is missing or cannot start.
    pub fn ensure(&self, preferred: Option<u16>) -> Result<u16, String> {
        self.ensure_with(preferred, sidecar_path, Backoff::default())
    }

    /// [`Self::ensure`] with another program (tests) and backoff.
    ///
    /// # Errors
    /// As [`Self::ensure`].
    pub fn ensure_with(
        &self,
        preferred: Option<u16>,
        program: impl FnOnce() -> Result<PathBuf, String>,
        backoff: Backoff,
    ) -> Result<u16, String> {
        let mut running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((supervisor, port)) = running.as_ref()
            && !matches!(
                supervisor.status(),
                Status::Failed { .. } | Status::InUse { .. } | Status::Stopped
            )
        {
            return Ok(*port);
        }
        if let Some((old, port)) = running.take() {
            let _ = old.stop();
            return self.spawn_into(&mut running, Some(port), program, backoff);
        }
        self.spawn_into(&mut running, preferred, program, backoff)
    }

    fn spawn_into(
        &self,
        slot: &mut Option<(Supervisor, u16)>,
        preferred: Option<u16>,
        program: impl FnOnce() -> Result<PathBuf, String>,
        backoff: Backoff,
    ) -> Result<u16, String> {
        let program = program()?;
        let port = reuse_or_free_port(preferred).map_err(|e| format!("no hay un puerto libre: {e}"))?;
        let mut spec = Spec {
            log: self.log.clone(),
            ..Spec::sidecar(program.clone(), port)
        };
        spec.envs.extend(self.envs());
        let supervisor =
            Supervisor::start(spec, backoff).map_err(|e| format!("no se pudo iniciar {}: {e}", program.display()))?;
        *slot = Some((supervisor, port));
        Ok(port)
    }

    /// What the supervisor is doing, if one was started.
    #[must_use]
    pub fn status(&self) -> Option<Status> {
        let running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        running.as_ref().map(|(s, _)| s.status())
    }

    /// The pid of the running sidecar.
    #[must_use]
    pub fn pid(&self) -> Option<u32> {
        let running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        running.as_ref().and_then(|(s, _)| s.pid())
    }

    /// Stops the sidecar this app started, if any (app exit, or a remote server chosen).
    pub fn stop(&self) {
        let taken = self.running.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some((supervisor, _)) = taken {
            let _ = supervisor.stop();
        }
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn sh(script: &str) -> Spec {
        Spec {
            program: "/bin/sh".into(),
            args: vec!["-c".into(), script.into()],
            envs: vec![],
            log: None,
            stop_by_closing_stdin: false,
        }
    }

    fn quick() -> Backoff {
        Backoff {
            first: Duration::from_millis(20),
            max: Duration::from_millis(80),
            attempts: 3,
            stable: Duration::from_secs(60),
        }
    }

    /// True while `pid` exists (and is not a zombie we forgot to reap).
    fn alive(pid: u32) -> bool {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| !s.rsplit(')').next().unwrap_or_default().trim_start().starts_with('Z'))
            .unwrap_or(false)
    }

    fn wait_until(mut f: impl FnMut() -> bool) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if f() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        false
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_then_gives_up() {
        let b = Backoff {
            first: Duration::from_millis(500),
            max: Duration::from_secs(3),
            attempts: 5,
            stable: Duration::from_secs(60),
        };
        let delays: Vec<_> = (0..6).map(|n| b.delay(n)).collect();
        assert_eq!(
            delays,
            vec![
                Some(Duration::from_millis(500)),
                Some(Duration::from_secs(1)),
                Some(Duration::from_secs(2)),
                Some(Duration::from_secs(3)),
                Some(Duration::from_secs(3)),
                None
            ]
        );
    }

    #[test]
    fn stop_kills_exactly_the_child_it_started() {
        // A bystander running the same program must survive.
        let mut bystander = Command::new("sleep").arg("30").spawn().expect("bystander");
        let spec = Spec {
            program: "sleep".into(),
            args: vec!["30".into()],
            envs: vec![],
            log: None,
            stop_by_closing_stdin: false,
        };
        let supervisor = Supervisor::start(spec, quick()).expect("starts");
        let pid = supervisor.pid().expect("running");
        assert!(alive(pid));
        assert_ne!(pid, bystander.id());

        assert_eq!(supervisor.stop(), Some(Ended::Stopped), "sleep ends on SIGTERM");
        assert!(!alive(pid), "the child is gone (and reaped)");
        assert_eq!(supervisor.status(), Status::Stopped);
        assert!(alive(bystander.id()), "stop() must not touch other processes");
        assert_eq!(supervisor.stop(), None, "idempotent");

        bystander.kill().expect("kill bystander");
        bystander.wait().expect("reap bystander");
    }

    #[test]
    fn a_child_with_a_stdin_pipe_is_asked_to_stop_by_closing_it() {
        let dir = tempfile::tempdir().expect("dir");
        let marker = dir.path().join("closed");
        // SIGTERM is ignored: only the end of its input can make it finish.
        let mut spec = sh(&format!(
            "trap '' TERM; cat >/dev/null; echo eof > '{}'",
            marker.display()
        ));
        spec.stop_by_closing_stdin = true;
        let supervisor = Supervisor::start(spec, quick()).expect("starts");
        let pid = supervisor.pid().expect("running");
        std::thread::sleep(Duration::from_millis(200));
        assert!(alive(pid) && !marker.exists(), "it waits while the pipe is open");

        let asked = Instant::now();
        assert_eq!(supervisor.stop(), Some(Ended::Stopped));
        assert!(asked.elapsed() < GRACE, "finished by itself: {:?}", asked.elapsed());
        assert_eq!(std::fs::read_to_string(&marker).expect("marker"), "eof\n");
        assert!(!alive(pid));
    }

    #[test]
    fn a_child_that_ignores_the_request_is_killed_after_the_grace_period() {
        // `exec`: sleep inherits the ignored SIGTERM and is the child itself.
        let supervisor = Supervisor::start(sh("trap '' TERM; exec sleep 30"), quick()).expect("starts");
        let pid = supervisor.pid().expect("running");
        std::thread::sleep(Duration::from_millis(100));
        let asked = Instant::now();
        assert_eq!(supervisor.stop(), Some(Ended::Killed));
        assert!(asked.elapsed() >= GRACE, "{:?}", asked.elapsed());
        assert!(!alive(pid), "killed and reaped");
    }

    #[test]
    // `exec` so the pid is sleep itself: killing it leaves no orphan holding the test's output.
    fn a_dead_child_is_started_again_with_a_new_pid() {
        let supervisor = Supervisor::start(sh("exec sleep 30"), quick()).expect("starts");
        let first = supervisor.pid().expect("running");
        // Simulate a crash from outside.
        Command::new("kill")
            .args(["-KILL", &first.to_string()])
            .status()
            .expect("kill");
        assert!(
            wait_until(|| supervisor.pid().is_some_and(|p| p != first)),
            "{:?}",
            supervisor.status()
        );
        assert_eq!(supervisor.restarts(), 1);
        let second = supervisor.pid().expect("running again");
        drop(supervisor); // Drop stops it too.
        assert!(!alive(second));
    }

    #[test]
    fn a_child_that_keeps_dying_is_given_up_after_the_backoff() {
        let supervisor = Supervisor::start(sh("exit 1"), quick()).expect("starts");
        assert!(
            wait_until(|| matches!(supervisor.status(), Status::Failed { .. })),
            "{:?}",
            supervisor.status()
        );
        assert_eq!(supervisor.restarts(), 3);
        supervisor.stop();
    }

    #[test]
    fn the_childs_output_is_appended_to_its_log_file_at_each_start() {
        let dir = tempfile::tempdir().expect("dir");
        let log = dir.path().join("logs").join("centermind-sidecar.log");
        let spec = Spec {
            log: Some(log.clone()),
            ..sh("echo out; echo err >&2; exit 1")
        };
        let supervisor = Supervisor::start(spec, quick()).expect("starts");
        assert!(wait_until(|| matches!(supervisor.status(), Status::Failed { .. })));
        // The first start and three restarts, each appended.
        let text = std::fs::read_to_string(&log).expect("log file");
        assert_eq!(text.matches("out\n").count(), 4, "{text}");
        assert_eq!(text.matches("err\n").count(), 4, "{text}");
    }

    #[test]
    fn a_sidecar_that_finds_another_one_running_is_not_restarted() {
        let supervisor = Supervisor::start(sh("exit 3"), quick()).expect("starts");
        assert!(
            wait_until(|| matches!(supervisor.status(), Status::InUse { .. })),
            "{:?}",
            supervisor.status()
        );
        assert_eq!(supervisor.restarts(), 0);
    }

    #[test]
    fn stop_interrupts_a_restart_wait() {
        let slow = Backoff {
            first: Duration::from_secs(30),
            ..quick()
        };
        let supervisor = Supervisor::start(sh("exit 1"), slow).expect("starts");
        assert!(wait_until(|| matches!(supervisor.status(), Status::Restarting { .. })));
        let started = Instant::now();
        supervisor.stop();
        assert!(started.elapsed() < Duration::from_secs(2));
        assert_eq!(supervisor.status(), Status::Stopped);
    }

    #[test]
    fn a_missing_program_is_an_error_at_start() {
        let spec = Spec {
            program: "/nonexistent/centermind-sidecar".into(),
            args: vec![],
            envs: vec![],
            log: None,
            stop_by_closing_stdin: false,
        };
        assert!(Supervisor::start(spec, quick()).is_err());
    }

    #[test]
    fn ports_and_paths() {
        let port = free_port().expect("port");
        assert_ne!(port, 0);
        assert_eq!(reuse_or_free_port(Some(port)).expect("port"), port);
        let held = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
        let busy = held.local_addr().expect("addr").port();
        assert_ne!(reuse_or_free_port(Some(busy)).expect("port"), busy);

        let spec = Spec::sidecar("/x/centermind-sidecar".into(), 4242);
        assert_eq!(
            spec.args,
            vec![OsString::from("run"), OsString::from("--stop-when-stdin-closes")]
        );
        assert!(spec.stop_by_closing_stdin);
        assert_eq!(
            spec.envs,
            vec![(
                OsString::from("CENTERMIND_LISTEN_ADDR"),
                OsString::from("127.0.0.1:4242")
            )]
        );

        let dir = tempfile::tempdir().expect("dir");
        let deps = dir.path().join("deps");
        std::fs::create_dir(&deps).expect("deps");
        assert_eq!(find_next_to(&deps), None);
        let bin = dir
            .path()
            .join(format!("{SIDECAR_NAME}{}", std::env::consts::EXE_SUFFIX));
        std::fs::write(&bin, b"").expect("bin");
        assert_eq!(find_next_to(&deps), Some(bin.clone()));
        assert_eq!(find_next_to(dir.path()), Some(bin));
    }

    #[test]
    fn local_server_starts_once_and_stops_its_child() {
        let local = LocalServer::default();
        let sleeper = || Ok(PathBuf::from("/bin/sleep"));
        // `sleep run` fails at once: it stands for a sidecar that keeps dying.
        let port = local.ensure_with(None, sleeper, quick()).expect("starts");
        assert!(wait_until(|| matches!(local.status(), Some(Status::Failed { .. }))));
        // A failed supervisor is replaced, on the same port.
        assert_eq!(local.ensure_with(None, sleeper, quick()), Ok(port));
        local.stop();
        assert_eq!(local.status(), None);

        let missing = local.ensure_with(None, || Err("no está".into()), quick());
        assert_eq!(missing, Err("no está".to_string()));
    }

    /// The real sidecar, when the workspace has built it (`cargo build -p centermind-sidecar`):
    /// it answers the health endpoint on the chosen port, and stop() ends exactly it.
    #[test]
    fn the_real_sidecar_when_built() {
        let Some(program) = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().and_then(find_next_to))
        else {
            eprintln!("skipped: no {SIDECAR_NAME} next to the test binary");
            return;
        };
        let data = tempfile::tempdir().expect("data dir");
        let port = free_port().expect("port");
        let mut spec = Spec::sidecar(program, port);
        spec.envs.push(("CENTERMIND_DATA_DIR".into(), data.path().into()));
        spec.envs
            .push(("CENTERMIND_CONFIG".into(), data.path().join("none.toml").into()));
        std::fs::write(data.path().join("none.toml"), b"").expect("config");
        let supervisor = Supervisor::start(spec.clone(), quick()).expect("starts");
        let pid = supervisor.pid().expect("running");
        let answered = wait_until(|| {
            use std::io::{Read, Write};
            let Ok(mut s) = std::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port)) else {
                return false;
            };
            let _ = s.write_all(b"GET /api/v1/health HTTP/1.0\r\nHost: localhost\r\n\r\n");
            let mut body = String::new();
            let _ = s.read_to_string(&mut body);
            body.starts_with("HTTP/1.1 200") || body.starts_with("HTTP/1.0 200")
        });
        assert!(answered, "{:?}", supervisor.status());

        // A second one on the same data (another window of the app, `./x run`) refuses
        // to start and is not restarted; the first keeps its database and bots.
        let mut second = spec;
        second.envs[0].1 = format!("127.0.0.1:{}", free_port().expect("port")).into();
        let second = Supervisor::start(second, quick()).expect("starts");
        assert!(
            wait_until(|| matches!(second.status(), Status::InUse { .. })),
            "{:?}",
            second.status()
        );
        assert_eq!(second.restarts(), 0);
        assert_eq!(supervisor.pid(), Some(pid));

        // Its input closed, the real sidecar stops by itself: no signal is sent,
        // exactly as on Windows.
        assert_eq!(supervisor.stop(), Some(Ended::Stopped));
        assert!(!alive(pid));
    }
}

/// "Este equipo" on Windows, the app's first platform: the supervisor with the
/// Windows build of the sidecar. `./x test` runs these under Wine, with that
/// build next to the test binary (`check_windows`); elsewhere, without one,
/// they say so and pass unless `WINDOWS_SIDECAR_REQUIRED` is set.
#[cfg(all(test, windows))]
mod windows_tests {
    use super::*;

    fn quick() -> Backoff {
        Backoff {
            first: Duration::from_millis(100),
            max: Duration::from_millis(400),
            attempts: 3,
            stable: Duration::from_secs(60),
        }
    }

    fn wait_until(mut f: impl FnMut() -> bool) -> bool {
        let deadline = Instant::now() + Duration::from_secs(60);
        while Instant::now() < deadline {
            if f() {
                return true;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        false
    }

    /// Whether Windows still lists `pid` (`tasklist`, as a support person would look).
    fn alive(pid: u32) -> bool {
        let out = Command::new("tasklist")
            .args(["/FI", &format!("PID eq {pid}"), "/NH"])
            .output()
            .expect("tasklist");
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .any(|w| w == pid.to_string())
    }

    fn answers(port: u16) -> bool {
        use std::io::{Read, Write};
        let Ok(mut s) = std::net::TcpStream::connect((Ipv4Addr::LOCALHOST, port)) else {
            return false;
        };
        let _ = s.write_all(b"GET /api/v1/health HTTP/1.0\r\nHost: localhost\r\n\r\n");
        let mut body = String::new();
        let _ = s.read_to_string(&mut body);
        body.starts_with("HTTP/1.1 200") || body.starts_with("HTTP/1.0 200")
    }

    fn sidecar() -> Option<PathBuf> {
        let found = std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().and_then(find_next_to));
        if found.is_none() {
            assert!(
                std::env::var_os("WINDOWS_SIDECAR_REQUIRED").is_none(),
                "no {SIDECAR_NAME}.exe next to the test binary: build it for Windows first"
            );
            eprintln!("skipped: no {SIDECAR_NAME}.exe next to the test binary");
        }
        found
    }

    #[test]
    fn the_local_server_is_restarted_after_a_crash_refuses_a_twin_and_stops_when_its_input_closes() {
        let Some(program) = sidecar() else { return };
        let data = tempfile::tempdir().expect("data dir");
        let port = free_port().expect("port");
        let mut spec = Spec::sidecar(program, port);
        spec.envs.push(("CENTERMIND_DATA_DIR".into(), data.path().into()));
        spec.envs
            .push(("CENTERMIND_CONFIG".into(), data.path().join("none.toml").into()));
        std::fs::write(data.path().join("none.toml"), b"").expect("config");
        // Its output goes to the log file, as the app's "este equipo" does.
        spec.log = Some(data.path().join("server.log"));
        let supervisor = Supervisor::start(spec.clone(), quick()).expect("starts");
        let first = supervisor.pid().expect("running");
        assert!(wait_until(|| answers(port)), "{:?}", supervisor.status());

        // A second one on the same data refuses to start and is not restarted.
        let mut twin = spec.clone();
        twin.envs[0].1 = format!("127.0.0.1:{}", free_port().expect("port")).into();
        twin.log = None;
        let twin = Supervisor::start(twin, quick()).expect("starts");
        assert!(
            wait_until(|| matches!(twin.status(), Status::InUse { .. })),
            "{:?}",
            twin.status()
        );
        assert_eq!(twin.restarts(), 0);

        // Killed from outside (a crash, the Task Manager): started again, on the same port.
        let killed = Command::new("taskkill")
            .args(["/F", "/PID", &first.to_string()])
            .output()
            .expect("taskkill");
        assert!(killed.status.success(), "{}", String::from_utf8_lossy(&killed.stderr));
        assert!(
            wait_until(|| supervisor.pid().is_some_and(|pid| pid != first)),
            "{:?}",
            supervisor.status()
        );
        assert_eq!(supervisor.restarts(), 1);
        assert!(wait_until(|| answers(port)), "{:?}", supervisor.status());
        let second = supervisor.pid().expect("running again");

        // Windows has no SIGTERM: closing its input asks it to finish, and it does.
        assert_eq!(supervisor.stop(), Some(Ended::Stopped));
        assert!(!alive(second), "the local server is still running");
        assert!(!answers(port));
        let log = std::fs::read_to_string(data.path().join("server.log")).expect("log");
        assert!(log.contains("service listening"), "{log}");
    }
}
