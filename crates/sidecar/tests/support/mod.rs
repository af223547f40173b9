//! One machine for the tests that drive the real `centermind-sidecar` binary
//! through backups and restores: its own data folder and, as an administrator
//! would configure it, a backup folder on "another disk".

// Each test binary uses part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_centermind-sidecar");

/// Run the CLI on data folder `data`, with nothing else from the environment.
pub fn cli(data: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_clear()
        .env("CENTERMIND_DATA_DIR", data)
        .env("HOME", data)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// What a command that must succeed printed on stdout.
pub fn ok(out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

pub struct Machine {
    _dir: tempfile::TempDir,
    pub data: PathBuf,
    /// Another disk, as an administrator would configure it.
    pub backups: PathBuf,
}

impl Machine {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let backups = dir.path().join("usb/centermind");
        Self {
            _dir: dir,
            data,
            backups,
        }
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.args(args)
            .env_clear()
            .env("HOME", &self.data)
            .env("CENTERMIND_DATA_DIR", &self.data)
            .env("CENTERMIND_BACKUP_DIR", &self.backups)
            .env("CENTERMIND_LISTEN_ADDR", "127.0.0.1:0")
            .env("CENTERMIND_TELEGRAM_API_URL", "http://127.0.0.1:9");
        c
    }

    pub fn cli(&self, args: &[&str]) -> Output {
        self.command(args).stdin(Stdio::null()).output().unwrap()
    }

    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.cli(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn distributors(&self) -> Vec<String> {
        let list: serde_json::Value = serde_json::from_str(&self.ok(&["distributor", "list", "--json"])).unwrap();
        let mut names: Vec<String> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["name"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        names
    }

    /// The photo files under the data folder (not the store's hidden folders), sorted.
    pub fn photos(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut pending = vec![self.data.join("photos")];
        while let Some(dir) = pending.pop() {
            for e in std::fs::read_dir(dir).unwrap() {
                let e = e.unwrap();
                if e.file_name().to_string_lossy().starts_with('.') {
                    continue;
                }
                if e.file_type().unwrap().is_dir() {
                    pending.push(e.path());
                } else {
                    out.push(e.path());
                }
            }
        }
        out.sort();
        out
    }

    /// `centermind-sidecar run`, once it serves, and the address it serves on.
    pub fn serve(&self) -> (Child, String) {
        let mut child = self
            .command(&["run"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let addr = listening_address(child.stdout.take().unwrap());
        (child, format!("http://{addr}"))
    }
}

/// The address `run` says it listens on (its first line of output): `127.0.0.1:port`.
pub fn listening_address(stdout: ChildStdout) -> String {
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    line.split("http://")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_string()
}

/// A session token of `username`, through the API at `base`.
pub async fn login(client: &reqwest::Client, base: &str, username: &str, password: &str) -> String {
    let reply: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    reply["token"].as_str().unwrap_or_else(|| panic!("{reply}")).to_string()
}

/// The databases a restore set aside in `data` (`centermind.db.before-restore-…`).
pub fn kept_databases(data: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("centermind.db.before-restore-")
        })
        .collect()
}

/// The service's health answer, if it answers within 2 s.
pub async fn health(client: &reqwest::Client, base: &str) -> Option<serde_json::Value> {
    client
        .get(format!("{base}/api/v1/health"))
        .timeout(Duration::from_secs(2))
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()
}

/// The health of the service's next start after `previous` (another `started_at`);
/// panics if none answers within 60 s.
pub async fn next_start(client: &reqwest::Client, base: &str, previous: &serde_json::Value) -> serde_json::Value {
    let asked = Instant::now();
    loop {
        if let Some(h) = health(client, base).await
            && h["started_at"] != previous["started_at"]
        {
            return h;
        }
        assert!(asked.elapsed() < Duration::from_secs(60), "no new start within 60 s");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// `GET base+path` with `token`, as JSON.
pub async fn get_json(client: &reqwest::Client, base: &str, path: &str, token: &str) -> serde_json::Value {
    client
        .get(format!("{base}{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The database copies in `dir`, by name.
pub fn backups_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".db"))
        .collect();
    names.sort();
    names
}

/// Stops a service the way a service manager does (SIGTERM) and waits for it.
pub fn terminate(child: &mut Child) {
    #[cfg(unix)]
    {
        let status = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }
    #[cfg(not(unix))]
    child.kill().unwrap();
    child.wait().unwrap();
}

/// What the intake bot leaves for a distributor with a bot: its group and one
/// vendor, the ids an exhibition needs.
pub struct Shop {
    pub distributor: centermind_core::domain::DistributorId,
    pub group: i64,
    pub vendor: i64,
    pub pdv_type: i64,
}

/// A distributor named `name` with bot `token` (and Telegram admin `admin`), its
/// group `chat` and vendor `vendor` (first and last name, Telegram user 77).
pub async fn shop(
    db: &centermind_core::store::Db,
    name: &str,
    token: &str,
    admin: Option<i64>,
    chat: i64,
    vendor: (&str, Option<&str>),
) -> Shop {
    use centermind_core::Secret;
    use centermind_core::store::{NewDistributor, NewGroup, NewMember};
    let d = db
        .create_distributor(NewDistributor {
            name: name.into(),
            time_zone: None,
            bot_token: Some(Secret::new(token.into())),
            admin_telegram_id: admin,
        })
        .await
        .unwrap();
    let group = db
        .create_group(NewGroup {
            distributor_id: d.id,
            chat_id: chat,
            title: "Ventas".into(),
        })
        .await
        .unwrap();
    let member = db
        .upsert_member(NewMember {
            distributor_id: d.id,
            telegram_user_id: 77,
            first_name: vendor.0.into(),
            last_name: vendor.1.map(Into::into),
            username: None,
        })
        .await
        .unwrap();
    let pdv_type = db.list_pdv_types(d.id, true).await.unwrap()[0].id;
    Shop {
        distributor: d.id,
        group: group.id,
        vendor: member.id,
        pdv_type,
    }
}

/// `run` on data folder `data` with the Bot API at `telegram`, and its API's base
/// URL once it says it listens.
pub fn start_run(data: &Path, telegram: &str) -> (Child, String) {
    let mut child = Command::new(BIN)
        .arg("run")
        .env_clear()
        .env("CENTERMIND_DATA_DIR", data)
        .env("CENTERMIND_LISTEN_ADDR", "127.0.0.1:0")
        .env("CENTERMIND_TELEGRAM_API_URL", telegram)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let addr = listening_address(child.stdout.take().unwrap());
    (child, format!("http://{addr}"))
}
