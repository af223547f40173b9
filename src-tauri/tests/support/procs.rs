//! Child processes that are always cleaned up, free ports, and what `/proc` says.
//!
//! Every [`Proc`] leads its own process group, and whatever it starts stays in that
//! group (tauri-driver → WebKitWebDriver → the app → its web processes and, in local
//! mode, its sidecar). Dropping a `Proc` sends SIGTERM to the whole group, waits a
//! little, then SIGKILLs what is left: no test leaves a process behind, even when it
//! panics halfway. A test process killed outright (a nextest timeout, Ctrl+C) runs no
//! `Drop`, so each group also has a watchdog that stops it once the test process is gone.

use std::fs::File;
use std::net::{Ipv4Addr, TcpListener};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rustix::process::{Pid, Signal, kill_process_group, test_kill_process_group};

/// How long a process group gets between SIGTERM and SIGKILL.
const GRACE: Duration = Duration::from_secs(5);

/// A started process (and its process group), its output going to a log file.
pub struct Proc {
    name: String,
    child: Child,
    log: PathBuf,
    watchdog: Option<Child>,
}

impl Proc {
    /// Starts `command` as the leader of a new process group, stdin closed and
    /// stdout/stderr appended to `<logs>/<name>.log`.
    pub fn spawn(name: &str, command: &mut Command, logs: &Path) -> Self {
        let log = logs.join(format!("{name}.log"));
        let out = File::options().create(true).append(true).open(&log).unwrap();
        let err = out.try_clone().unwrap();
        Self::spawn_with(name, command.stdin(Stdio::null()).stdout(out).stderr(err), log)
    }

    /// Like [`Proc::spawn`] but with stdout piped (for programs that print where they
    /// listen); stderr goes to the log.
    pub fn spawn_piped(name: &str, command: &mut Command, logs: &Path) -> (Self, std::process::ChildStdout) {
        let log = logs.join(format!("{name}.log"));
        let err = File::options().create(true).append(true).open(&log).unwrap();
        let mut proc = Self::spawn_with(
            name,
            command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(err),
            log,
        );
        let stdout = proc.child.stdout.take().unwrap();
        (proc, stdout)
    }

    /// Like [`Proc::spawn`] but writes `input` to its stdin, then closes it.
    pub fn spawn_with_input(name: &str, command: &mut Command, logs: &Path, input: &[u8]) -> Self {
        let log = logs.join(format!("{name}.log"));
        let out = File::options().create(true).append(true).open(&log).unwrap();
        let err = out.try_clone().unwrap();
        let mut proc = Self::spawn_with(name, command.stdin(Stdio::piped()).stdout(out).stderr(err), log);
        let mut stdin = proc.child.stdin.take().unwrap();
        std::io::Write::write_all(&mut stdin, input).unwrap();
        drop(stdin);
        proc
    }

    /// Starts `command` (stdin as configured by the caller, else closed) in a new group.
    fn spawn_with(name: &str, command: &mut Command, log: PathBuf) -> Self {
        Self::spawn_watched(name, command, log, std::process::id())
    }

    /// Like [`Proc::spawn_with`], the group stopped by a watchdog once `owner` is gone.
    fn spawn_watched(name: &str, command: &mut Command, log: PathBuf, owner: u32) -> Self {
        let child = command
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name} ({:?}): {e}", command.get_program()));
        let watchdog = start_watchdog(owner, child.id());
        Self {
            name: name.to_string(),
            child,
            log,
            watchdog,
        }
    }

    #[must_use]
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Panics with the log when the process has already exited.
    pub fn assert_running(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("{} exited ({status}):\n{}", self.name, tail(&self.log, 40));
        }
    }

    /// Stops the whole process group: SIGTERM, then SIGKILL after [`GRACE`].
    pub fn stop(&mut self) {
        let group = Pid::from_child(&self.child);
        let _ = kill_process_group(group, Signal::TERM);
        let deadline = Instant::now() + GRACE;
        loop {
            // Reap the leader first: a zombie still counts as a member of its group.
            let _ = self.child.try_wait();
            if test_kill_process_group(group).is_err() || Instant::now() >= deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = kill_process_group(group, Signal::KILL);
        let _ = self.child.wait();
        // Its group is gone: the watchdog must not signal that number once it is reused.
        if let Some(mut watchdog) = self.watchdog.take() {
            let _ = watchdog.kill();
            let _ = watchdog.wait();
        }
    }
}

/// A shell in its own process group (so whatever kills the owner's group spares it)
/// that polls `owner` and, once it has exited, stops process group `group` as
/// [`Proc::stop`] would. `None` (and a warning) if no shell can be started.
fn start_watchdog(owner: u32, group: u32) -> Option<Child> {
    // dash's kill takes no `--`: "-N" after the signal is the process group N.
    let script = r#"while kill -0 "$1" 2>/dev/null; do sleep 1; done
kill -TERM "-$2" 2>/dev/null || exit 0
for _ in 1 2 3 4 5; do sleep 1; kill -0 "-$2" 2>/dev/null || exit 0; done
kill -KILL "-$2" 2>/dev/null || true"#;
    Command::new("sh")
        .args(["-c", script, "centermind-e2e-watchdog"])
        .args([owner.to_string(), group.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .inspect_err(|e| eprintln!("no watchdog for process group {group}: {e}"))
        .ok()
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The last `lines` lines of a log file.
#[must_use]
pub fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

/// A loopback port nobody listens on right now.
#[must_use]
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Reads one line from a child's stdout within `timeout` (Xvfb's display number,
/// dbus-daemon's address).
pub fn read_line(stdout: std::process::ChildStdout, timeout: Duration, what: &str) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line);
        let _ = tx.send(line);
    });
    let line = rx
        .recv_timeout(timeout)
        .unwrap_or_else(|_| panic!("{what} printed nothing in {timeout:?}"));
    let line = line.trim().to_string();
    assert!(!line.is_empty(), "{what} exited without printing anything");
    line
}

/// Finds `name` on `PATH`, then in `extra` folders.
#[must_use]
pub fn find_program(name: &str, extra: &[PathBuf]) -> Option<PathBuf> {
    std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .chain(extra.iter().cloned())
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// One process as `/proc` shows it.
#[derive(Debug, Clone)]
pub struct ProcInfo {
    pub pid: u32,
    pub ppid: u32,
    /// The short name (`comm`, at most 15 bytes).
    pub name: String,
    /// Resident memory (`VmRSS`), in KiB.
    pub rss_kib: u64,
    /// Of which anonymous (heap, stacks), file-backed (libraries, mostly shared) and
    /// shared memory (`RssAnon`, `RssFile`, `RssShmem`), in KiB.
    pub rss_anon_kib: u64,
    pub rss_file_kib: u64,
    pub rss_shmem_kib: u64,
}

fn proc_info(pid: u32) -> Option<ProcInfo> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .map(|v| v.trim().to_string())
    };
    let kib = |key: &str| {
        field(key)
            .and_then(|v| v.split_whitespace().next().and_then(|n| n.parse().ok()))
            .unwrap_or(0)
    };
    Some(ProcInfo {
        pid,
        ppid: field("PPid:")?.parse().ok()?,
        name: field("Name:")?,
        rss_kib: kib("VmRSS:"),
        rss_anon_kib: kib("RssAnon:"),
        rss_file_kib: kib("RssFile:"),
        rss_shmem_kib: kib("RssShmem:"),
    })
}

/// What a process's memory costs, from `/proc/<pid>/smaps_rollup`, in KiB.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rollup {
    /// Proportional set size: each resident page divided by the number of processes
    /// mapping it (a library shared by three processes counts a third in each).
    pub pss_kib: u64,
    pub pss_anon_kib: u64,
    pub pss_file_kib: u64,
    /// Pages only this process maps (`Private_Clean` + `Private_Dirty`): what its end
    /// would give back.
    pub private_kib: u64,
}

/// `None` when the process is gone (or its smaps cannot be read).
#[must_use]
pub fn rollup(pid: u32) -> Option<Rollup> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    let kib = |key: &str| -> u64 {
        text.lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.split_whitespace().next().and_then(|n| n.parse().ok()))
            .unwrap_or(0)
    };
    Some(Rollup {
        pss_kib: kib("Pss:"),
        pss_anon_kib: kib("Pss_Anon:"),
        pss_file_kib: kib("Pss_File:"),
        private_kib: kib("Private_Clean:") + kib("Private_Dirty:"),
    })
}

/// Every live process on the machine.
#[must_use]
pub fn all() -> Vec<ProcInfo> {
    std::fs::read_dir("/proc")
        .map(|dir| {
            dir.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .filter_map(proc_info)
                .collect()
        })
        .unwrap_or_default()
}

/// Whether `pid` was started with `entry` (`NAME=value`) in its environment.
#[must_use]
pub fn has_env(pid: u32, entry: &str) -> bool {
    std::fs::read(format!("/proc/{pid}/environ")).is_ok_and(|env| env.split(|&b| b == 0).any(|v| v == entry.as_bytes()))
}

/// Every live process that descends from `root` (not `root` itself).
#[must_use]
pub fn descendants(root: u32) -> Vec<ProcInfo> {
    let all = all();
    let mut found: Vec<ProcInfo> = Vec::new();
    let mut parents = vec![root];
    while let Some(parent) = parents.pop() {
        for p in all.iter().filter(|p| p.ppid == parent) {
            parents.push(p.pid);
            found.push(p.clone());
        }
    }
    found
}

/// True while a process with this pid exists (and is not a zombie).
#[must_use]
pub fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| s.rsplit_once(')').map(|(_, rest)| !rest.trim_start().starts_with('Z')))
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_group_is_stopped_once_its_owner_is_gone() {
        let logs = tempfile::tempdir().unwrap();
        // Stands for the test process: killed outright, as a nextest timeout would.
        let mut owner = Command::new("sleep").arg("120").spawn().unwrap();
        // A leader with a child of its own, both in the group.
        let mut command = Command::new("sh");
        command.args(["-c", "sleep 120 & wait"]);
        let mut proc = Proc::spawn_watched("sleeper", &mut command, logs.path().join("sleeper.log"), owner.id());
        let group = Pid::from_child(&proc.child);
        std::thread::sleep(Duration::from_millis(300));
        assert!(
            test_kill_process_group(group).is_ok(),
            "the group runs while its owner does"
        );

        owner.kill().unwrap();
        owner.wait().unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        let mut watchdog = proc.watchdog.take().unwrap();
        loop {
            let _ = proc.child.try_wait(); // reap the leader: a zombie still counts in its group
            if test_kill_process_group(group).is_err() {
                break;
            }
            assert!(Instant::now() < deadline, "the group outlived its owner by 10 s");
            std::thread::sleep(Duration::from_millis(100));
        }
        assert!(
            watchdog.wait().unwrap().success(),
            "the watchdog ends once its work is done"
        );
    }
}
