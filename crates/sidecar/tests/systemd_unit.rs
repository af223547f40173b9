//! The systemd unit shipped in `packaging/systemd/` configures the binary the
//! way its comments say, and systemd accepts it.

#![allow(clippy::unwrap_used)] // test code panics on purpose

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_centermind-sidecar");
const UNIT: &str = include_str!("../../../packaging/systemd/centermind-sidecar.service");

/// The unit's `Environment=` assignments, in order.
fn environment() -> Vec<(String, String)> {
    UNIT.lines()
        .filter_map(|line| line.strip_prefix("Environment="))
        .map(|kv| {
            let (k, v) = kv.split_once('=').unwrap();
            (k.to_string(), v.to_string())
        })
        .collect()
}

#[test]
fn the_unit_puts_data_in_its_state_directory_and_listens_only_for_the_local_proxy() {
    let env = environment();
    assert!(UNIT.contains("StateDirectory=centermind\n"), "{UNIT}");
    let out = Command::new(BIN)
        .arg("config")
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let config = String::from_utf8(out.stdout).unwrap();
    for expected in [
        "data_dir = \"/var/lib/centermind\"",
        "database_url = \"sqlite:///var/lib/centermind/centermind.db\"",
        "photo_dir = \"/var/lib/centermind/photos\"",
        "listen_addr = \"127.0.0.1:8787\"",
    ] {
        assert!(config.contains(expected), "missing {expected} in:\n{config}");
    }
}

#[test]
fn the_unit_does_not_restart_a_second_server_and_stops_it_with_sigterm() {
    // Exit status 3 is `instance::ALREADY_RUNNING_EXIT`: another server owns the database.
    assert!(UNIT.contains("RestartPreventExitStatus=3\n"));
    assert!(UNIT.contains("KillSignal=SIGTERM\n"));
    assert!(UNIT.contains("ExecStart=/usr/local/bin/centermind-sidecar run\n"));
}

#[test]
fn systemd_accepts_the_unit() {
    let Ok(probe) = Command::new("systemd-analyze").arg("--version").output() else {
        eprintln!("systemd-analyze is not installed: the unit's syntax is not checked here");
        return;
    };
    assert!(probe.status.success());
    let dir = tempfile::tempdir().unwrap();
    let unit = dir.path().join("centermind-sidecar.service");
    // `verify` wants the executable to exist: point it at the binary under test.
    let text = UNIT.replace("/usr/local/bin/centermind-sidecar", BIN);
    std::fs::write(&unit, text).unwrap();
    let out = Command::new("systemd-analyze")
        .arg("verify")
        .arg(&unit)
        .output()
        .unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success() && said.trim().is_empty(), "{said}");
}
