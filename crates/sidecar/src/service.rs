//! `service`: the server as a Windows service, for a distributor whose server
//! is a Windows PC. It starts with the machine (no one needs to log in), is
//! restarted by Windows if it crashes, and is stopped through the service
//! control manager the way `run` is stopped by Ctrl+C (in-flight work finishes).
//!
//! Everything of the service lives in one machine-wide folder, [`Home`]
//! (`%ProgramData%\CenterMind`): its configuration file, its log folder (it has
//! no console to write to) and, unless the configuration says otherwise, its
//! data. A per-user folder would not do: the service runs as LocalSystem,
//! whose profile is not the administrator's.
//!
//! On Linux and macOS the command says where to look instead (systemd's unit in
//! `packaging/systemd`); the texts and paths below are plain logic, tested on
//! every system, and the part that talks to Windows is in `windows.rs`, tested
//! under Wine (`tests/windows_build.rs`).

// Elsewhere only the tests below use most of this.
#![cfg_attr(not(windows), allow(dead_code))]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[cfg(windows)]
mod windows;

use crate::cli::ServiceCommand;
use crate::instance::ALREADY_RUNNING_EXIT;

/// The service's name for Windows (`sc query CenterMind`).
pub const NAME: &str = "CenterMind";
/// What the Services console shows.
pub const DISPLAY_NAME: &str = "CenterMind (servidor)";
pub const DESCRIPTION: &str = "Bots de Telegram de las distribuidoras, tareas programadas y API de CenterMind para las aplicaciones de escritorio.";
/// Log files are `centermind-sidecar.<date>.log`, one a day.
pub const LOG_PREFIX: &str = "centermind-sidecar";
/// Days of log kept.
pub const LOG_DAYS: usize = 30;

/// Why the service stopped on its own, as it tells Windows (a service-specific
/// exit code; 0 when asked to stop).
pub mod exit {
    /// Any other error (the log says which).
    pub const FAILED: u32 = 1;
    /// Its configuration file cannot be read.
    pub const CONFIG: u32 = 2;
    /// Another server holds the database.
    pub const ALREADY_RUNNING: u32 = super::ALREADY_RUNNING_EXIT as u32;
}

/// What a service exit code means, for the administrator.
pub fn exit_reason(code: u32) -> &'static str {
    match code {
        exit::CONFIG => "no pudo leer su configuración",
        exit::ALREADY_RUNNING => "ya hay otro servidor de CenterMind sobre la misma base de datos",
        _ => "se detuvo por un error",
    }
}

/// What `service` can tell its user.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(
        "el modo servicio es de Windows. En Linux, la unidad de systemd de packaging/systemd/centermind-sidecar.service hace lo mismo (ver «Running it on a server» en el README)"
    )]
    #[cfg_attr(windows, allow(dead_code))] // what other systems answer
    NotWindows,
    #[error(
        "hace falta una consola de administrador: abrila con clic derecho → «Ejecutar como administrador» y repetí el comando"
    )]
    NeedsAdmin,
    #[error("el servicio {NAME} no está instalado (se instala con `centermind-sidecar service install`)")]
    NotInstalled,
    #[error(
        "«service run» lo usa Windows para iniciar el servicio; para atender desde una consola, usá `centermind-sidecar run`"
    )]
    NotFromConsole,
    #[error("la configuración del servicio ({}) no sirve: {reason}", file.display())]
    BadConfig { file: PathBuf, reason: String },
    #[error("el servicio no arrancó: {reason}. Su registro está en {}", log.display())]
    DidNotStart { reason: String, log: PathBuf },
    #[error("el servicio sigue «{state}» después de {seconds} s; mirá su registro en {}", log.display())]
    Timeout {
        state: &'static str,
        seconds: u64,
        log: PathBuf,
    },
    #[error("{what}: {detail}")]
    Failed { what: String, detail: String },
}

/// The service's folder: `%ProgramData%\CenterMind`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Home(PathBuf);

impl Home {
    /// Under `program_data` (Windows' `%ProgramData%`; `C:\ProgramData` if unset).
    pub fn under(program_data: Option<PathBuf>) -> Self {
        Self(
            program_data
                .unwrap_or_else(|| PathBuf::from(r"C:\ProgramData"))
                .join("CenterMind"),
        )
    }

    /// A folder given by whoever installed the service.
    pub fn at(path: PathBuf) -> Self {
        Self(path)
    }

    /// This machine's.
    pub fn current() -> Self {
        Self::under(std::env::var_os("ProgramData").map(PathBuf::from))
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// The service's configuration file (it reads no other).
    pub fn config_file(&self) -> PathBuf {
        self.0.join("centermind.toml")
    }

    pub fn logs(&self) -> PathBuf {
        self.0.join("logs")
    }

    /// The program the service runs: a copy, so that it does not depend on
    /// where it was installed from (a download, the desktop app's folder,
    /// which the app's updates must be able to replace) and only an
    /// administrator can change it.
    pub fn program(&self) -> PathBuf {
        self.0.join("bin").join("centermind-sidecar.exe")
    }

    /// The data folder of a new configuration.
    pub fn default_data_dir(&self) -> PathBuf {
        self.0.join("data")
    }
}

/// The configuration file `service install` writes when there is none.
pub fn initial_config(data_dir: &Path, listen: SocketAddr) -> String {
    format!(
        "# Configuración del servicio CenterMind (centermind-sidecar service install).\n\
         # Todas las claves están en centermind.sample.toml. Después de cambiarla:\n\
         #   centermind-sidecar service stop\n\
         #   centermind-sidecar service start\n\
         \n\
         # La base de datos, las fotos y las copias de seguridad.\n\
         data_dir = {}\n\
         \n\
         # 127.0.0.1: solo este equipo. Para las otras PC, un proxy con TLS delante\n\
         # (ver «Running it on a server» en el README); nunca HTTP sin cifrar en la red.\n\
         listen_addr = \"{listen}\"\n\
         \n\
         log = \"info\"\n",
        toml_string(&data_dir.display().to_string())
    )
}

/// A TOML basic string: Windows paths are full of backslashes.
fn toml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The last `n` error lines of the newest log file in `logs`: why a service
/// that did not start stopped, shown right in the administrator's console.
pub fn recent_errors(logs: &Path, n: usize) -> Vec<String> {
    let newest = std::fs::read_dir(logs)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(LOG_PREFIX) && n.ends_with(".log"))
        })
        // Daily names sort by date.
        .max();
    let Some(text) = newest.and_then(|p| std::fs::read_to_string(p).ok()) else {
        return Vec::new();
    };
    let errors: Vec<&str> = text.lines().filter(|l| l.contains(" ERROR ")).collect();
    errors[errors.len().saturating_sub(n)..]
        .iter()
        .map(|l| (*l).to_string())
        .collect()
}

/// Runs a `service` command; the process's exit status.
pub fn main(command: ServiceCommand) -> ExitCode {
    #[cfg(windows)]
    let done = windows::execute(command, &Home::current());
    #[cfg(not(windows))]
    let done = {
        let _ = command;
        Err::<(), _>(ServiceError::NotWindows)
    };
    match done {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::from(match err {
                ServiceError::NotWindows | ServiceError::NotFromConsole => 2,
                _ => 1,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use centermind_core::config::Config;

    use super::*;

    #[test]
    fn the_service_keeps_everything_in_program_data() {
        let home = Home::under(Some(PathBuf::from("/pd")));
        assert_eq!(home.config_file(), Path::new("/pd/CenterMind/centermind.toml"));
        assert_eq!(home.logs(), Path::new("/pd/CenterMind/logs"));
        assert_eq!(home.program(), Path::new("/pd/CenterMind/bin/centermind-sidecar.exe"));
        assert_eq!(home.default_data_dir(), Path::new("/pd/CenterMind/data"));
        assert_eq!(
            Home::under(None).path(),
            Path::new(r"C:\ProgramData").join("CenterMind")
        );
    }

    #[test]
    fn the_configuration_it_writes_reads_back_with_windows_paths() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("centermind.toml");
        let data = PathBuf::from(r#"D:\Datos "CenterMind"\2026"#);
        let listen: SocketAddr = "0.0.0.0:9443".parse().unwrap();
        std::fs::write(&file, initial_config(&data, listen)).unwrap();
        let config = Config::load(Some(&file)).unwrap();
        assert_eq!(config.data_dir, data);
        assert_eq!(config.listen_addr, listen);
        assert_eq!(config.log, "info");
    }

    #[test]
    fn a_failed_start_shows_the_last_errors_of_the_newest_log() {
        let dir = tempfile::tempdir().unwrap();
        assert!(recent_errors(dir.path(), 3).is_empty(), "no log yet");
        std::fs::write(
            dir.path().join("centermind-sidecar.2026-11-23.log"),
            "2026-11-23T10:00:00Z ERROR centermind: old failure\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("centermind-sidecar.2026-11-24.log"),
            "2026-11-24T10:00:00Z  INFO centermind: starting\n\
             2026-11-24T10:00:01Z ERROR centermind: first\n\
             2026-11-24T10:00:02Z ERROR centermind: second\n\
             2026-11-24T10:00:03Z ERROR centermind: third\n\
             2026-11-24T10:00:04Z  INFO centermind: service stopped\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("other.log"), "2026-11-25 ERROR x: not ours\n").unwrap();
        let errors = recent_errors(dir.path(), 2);
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors[0].ends_with("second") && errors[1].ends_with("third"),
            "{errors:?}"
        );
    }

    #[test]
    fn exit_codes_say_why_it_stopped() {
        assert_eq!(exit::ALREADY_RUNNING, 3);
        assert!(exit_reason(exit::ALREADY_RUNNING).contains("otro servidor"));
        assert!(exit_reason(exit::CONFIG).contains("configuración"));
        assert!(exit_reason(exit::FAILED).contains("error"));
    }
}
