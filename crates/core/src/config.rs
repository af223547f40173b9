//! Configuration: built-in defaults, then a TOML file, then `CENTERMIND_*`
//! environment variables (later sources win). See `centermind.sample.toml`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

use crate::{Error, Result, Secret};

/// Public Telegram Bot API. A local Bot API server lifts the 20 MB download cap.
pub const DEFAULT_TELEGRAM_API_URL: &str = "https://api.telegram.org";
pub const DEFAULT_LISTEN_ADDR: &str = "127.0.0.1:8787";
pub const ENV_PREFIX: &str = "CENTERMIND_";
/// Google's OAuth 2.0 token endpoint (refresh-token grant).
pub const DEFAULT_GOOGLE_TOKEN_URL: &str = "https://oauth2.googleapis.com/token";
/// Base of the Drive v3 API (`{api_url}/drive/v3/files`).
pub const DEFAULT_GOOGLE_API_URL: &str = "https://www.googleapis.com";
/// Base of Drive v3 uploads (`{upload_url}/upload/drive/v3/files`).
pub const DEFAULT_GOOGLE_UPLOAD_URL: &str = "https://www.googleapis.com";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Folder for the database, photos and logs.
    pub data_dir: PathBuf,
    /// `sqlite://…` URL. Defaults to `<data_dir>/centermind.db`.
    pub database_url: Option<String>,
    /// Where the local photo store writes. Defaults to `<data_dir>/photos`.
    pub photo_dir: Option<PathBuf>,
    /// Where the `backup` job keeps its copies of the database and of the
    /// photos. Defaults to `<data_dir>/backups`; another disk or a network
    /// share survives the loss of this one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_dir: Option<PathBuf>,
    /// Base URL of the Telegram Bot API, used for every call and file download.
    pub telegram_api_url: String,
    /// Address the network service listens on.
    pub listen_addr: SocketAddr,
    /// `tracing` filter, e.g. `info` or `centermind=debug`.
    pub log: String,
    /// Google Drive account for distributors whose `photo_storage` is
    /// `google_drive` (each gives its folder id). Absent: no Drive archive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub google_drive: Option<GoogleDriveConfig>,
}

/// One Google account's OAuth 2.0 client and refresh token (user flow: a
/// service account has no Drive storage of its own). The access tokens made
/// from them are kept in memory only. Environment overrides use a double
/// underscore: `CENTERMIND_GOOGLE_DRIVE__REFRESH_TOKEN`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoogleDriveConfig {
    pub client_id: String,
    pub client_secret: Secret<String>,
    pub refresh_token: Secret<String>,
    #[serde(default = "default_google_token_url")]
    pub token_url: String,
    #[serde(default = "default_google_api_url")]
    pub api_url: String,
    #[serde(default = "default_google_upload_url")]
    pub upload_url: String,
}

fn default_google_token_url() -> String {
    DEFAULT_GOOGLE_TOKEN_URL.to_string()
}

fn default_google_api_url() -> String {
    DEFAULT_GOOGLE_API_URL.to_string()
}

fn default_google_upload_url() -> String {
    DEFAULT_GOOGLE_UPLOAD_URL.to_string()
}

impl GoogleDriveConfig {
    /// Credentials with Google's public endpoints.
    pub fn new(client_id: impl Into<String>, client_secret: Secret<String>, refresh_token: Secret<String>) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret,
            refresh_token,
            token_url: default_google_token_url(),
            api_url: default_google_api_url(),
            upload_url: default_google_upload_url(),
        }
    }

    fn validate(&self) -> Result<()> {
        if self.client_id.trim().is_empty() || self.client_secret.expose().trim().is_empty() {
            return Err(Error::Config(
                "google_drive.client_id and google_drive.client_secret must not be empty".into(),
            ));
        }
        if self.refresh_token.expose().trim().is_empty() {
            return Err(Error::Config("google_drive.refresh_token must not be empty".into()));
        }
        for (name, url) in [
            ("token_url", &self.token_url),
            ("api_url", &self.api_url),
            ("upload_url", &self.upload_url),
        ] {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(Error::Config(format!(
                    "google_drive.{name} must start with http:// or https://, got '{url}'"
                )));
            }
        }
        Ok(())
    }
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: default_data_dir(),
            database_url: None,
            photo_dir: None,
            backup_dir: None,
            telegram_api_url: DEFAULT_TELEGRAM_API_URL.to_string(),
            listen_addr: DEFAULT_LISTEN_ADDR
                .parse()
                .unwrap_or_else(|_| SocketAddr::from(([127, 0, 0, 1], 8787))),
            log: "info".to_string(),
            google_drive: None,
        }
    }
}

/// The per-user data folder (`~/.local/share/centermind` on Linux,
/// `%APPDATA%\CenterMind\data` on Windows), or `./.data` if none exists.
pub fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("ar.com", "CenterMind", "CenterMind")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".data"))
}

/// The config file read when none is given: `<config dir>/centermind.toml`.
pub fn default_config_file() -> Option<PathBuf> {
    directories::ProjectDirs::from("ar.com", "CenterMind", "CenterMind").map(|d| d.config_dir().join("centermind.toml"))
}

impl Config {
    /// Load defaults ← `file` (must exist if given; otherwise the default file if present) ← environment.
    pub fn load(file: Option<&Path>) -> Result<Self> {
        Self::load_from(file, Env::prefixed(ENV_PREFIX))
    }

    fn load_from(file: Option<&Path>, env: Env) -> Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => {
                if !path.is_file() {
                    return Err(Error::Config(format!("config file {} does not exist", path.display())));
                }
                figment = figment.merge(Toml::file_exact(path));
            }
            None => {
                if let Some(default) = default_config_file().filter(|p| p.is_file()) {
                    figment = figment.merge(Toml::file_exact(default));
                }
            }
        }
        // CENTERMIND_CONFIG names the file itself; it is not a setting.
        // `__` reaches into a section: CENTERMIND_GOOGLE_DRIVE__CLIENT_ID.
        let config: Config = figment
            .merge(env.ignore(&["config"]).split("__"))
            .extract()
            .map_err(|e| Error::Config(e.to_string()))?;
        config.validate()?;
        Ok(config)
    }

    fn validate(&self) -> Result<()> {
        let url = &self.telegram_api_url;
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(Error::Config(format!(
                "telegram_api_url must start with http:// or https://, got '{url}'"
            )));
        }
        if let Some(db) = &self.database_url
            && !db.starts_with("sqlite:")
        {
            return Err(Error::Config(format!("database_url must be a sqlite: URL, got '{db}'")));
        }
        if let Some(drive) = &self.google_drive {
            drive.validate()?;
        }
        Ok(())
    }

    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("centermind.db").display()))
    }

    pub fn photo_dir(&self) -> PathBuf {
        self.photo_dir.clone().unwrap_or_else(|| self.data_dir.join("photos"))
    }

    pub fn backup_dir(&self) -> PathBuf {
        self.backup_dir.clone().unwrap_or_else(|| self.data_dir.join("backups"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_complete_and_local() {
        let c = Config::default();
        assert_eq!(c.listen_addr.ip().to_string(), "127.0.0.1");
        assert_eq!(c.telegram_api_url, DEFAULT_TELEGRAM_API_URL);
        assert!(c.database_url().starts_with("sqlite://"));
        assert!(c.database_url().ends_with("centermind.db"));
        assert_eq!(c.photo_dir(), c.data_dir.join("photos"));
        assert_eq!(c.backup_dir(), c.data_dir.join("backups"));
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail closure returns its own error type
    fn file_then_environment_override_defaults() {
        // Jail serialises tests that touch the environment and restores it afterwards.
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "c.toml",
                "data_dir = \"/srv/cm\"\nlisten_addr = \"0.0.0.0:9000\"\nlog = \"debug\"\n",
            )?;
            jail.set_env("CENTERMIND_LOG", "warn");
            jail.set_env("CENTERMIND_TELEGRAM_API_URL", "http://127.0.0.1:9999");
            jail.set_env("CENTERMIND_CONFIG", "ignored-by-the-loader.toml");
            let c = Config::load(Some(Path::new("c.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(c.data_dir, PathBuf::from("/srv/cm"));
            assert_eq!(c.listen_addr.port(), 9000);
            assert_eq!(c.log, "warn");
            assert_eq!(c.telegram_api_url, "http://127.0.0.1:9999");
            assert_eq!(c.database_url(), "sqlite:///srv/cm/centermind.db");
            Ok(())
        });
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail closure returns its own error type
    fn google_drive_credentials_come_from_the_file_and_the_environment() {
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "c.toml",
                "[google_drive]\nclient_id = \"id.apps.googleusercontent.com\"\nclient_secret = \"file-secret\"\n\
                 refresh_token = \"1//file-refresh\"\n",
            )?;
            let c = Config::load(Some(Path::new("c.toml"))).map_err(|e| e.to_string())?;
            let drive = c.google_drive.clone().ok_or("no [google_drive]")?;
            assert_eq!(drive.client_id, "id.apps.googleusercontent.com");
            assert_eq!(drive.client_secret.expose(), "file-secret");
            assert_eq!(drive.token_url, DEFAULT_GOOGLE_TOKEN_URL);
            assert_eq!(drive.api_url, DEFAULT_GOOGLE_API_URL);
            assert_eq!(drive.upload_url, DEFAULT_GOOGLE_UPLOAD_URL);
            // The secrets never reach a log line.
            let shown = format!("{c:?}");
            assert!(
                !shown.contains("file-secret") && !shown.contains("file-refresh"),
                "{shown}"
            );

            jail.set_env("CENTERMIND_GOOGLE_DRIVE__REFRESH_TOKEN", "1//env-refresh");
            jail.set_env("CENTERMIND_GOOGLE_DRIVE__TOKEN_URL", "http://127.0.0.1:9/token");
            let c = Config::load(Some(Path::new("c.toml"))).map_err(|e| e.to_string())?;
            let drive = c.google_drive.ok_or("no [google_drive]")?;
            assert_eq!(drive.refresh_token.expose(), "1//env-refresh");
            assert_eq!(drive.token_url, "http://127.0.0.1:9/token");
            assert_eq!(drive.client_secret.expose(), "file-secret");
            Ok(())
        });
    }

    #[test]
    fn google_drive_settings_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        let none = || Env::prefixed("CMTEST_NONE_");
        std::fs::write(&file, "[google_drive]\nclient_id = \"x\"\nclient_secret = \"y\"\n").unwrap();
        let err = Config::load_from(Some(&file), none()).unwrap_err();
        assert!(err.to_string().contains("refresh_token"), "{err}");
        std::fs::write(
            &file,
            "[google_drive]\nclient_id = \"x\"\nclient_secret = \"y\"\nrefresh_token = \"z\"\napi_url = \"ftp://x\"\n",
        )
        .unwrap();
        let err = Config::load_from(Some(&file), none()).unwrap_err();
        assert!(err.to_string().contains("google_drive.api_url"), "{err}");
        std::fs::write(
            &file,
            "[google_drive]\nclient_id = \"x\"\nclient_secret = \"y\"\nrefresh_token = \"z\"\nfolder = \"f\"\n",
        )
        .unwrap();
        let err = Config::load_from(Some(&file), none()).unwrap_err();
        assert!(err.to_string().contains("folder"), "{err}");
        assert_eq!(Config::default().google_drive, None);
    }

    #[test]
    fn unknown_keys_and_bad_values_are_clear_errors() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "databse_url = \"x\"\n").unwrap();
        let err = Config::load_from(Some(&file), Env::prefixed("CMTEST_NONE_")).unwrap_err();
        assert!(err.to_string().contains("databse_url"), "{err}");

        std::fs::write(&file, "telegram_api_url = \"ftp://x\"\n").unwrap();
        assert!(Config::load_from(Some(&file), Env::prefixed("CMTEST_NONE_")).is_err());

        let missing = dir.path().join("missing.toml");
        assert!(Config::load_from(Some(&missing), Env::prefixed("CMTEST_NONE_")).is_err());
    }

    #[test]
    fn the_committed_sample_file_is_valid() {
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../centermind.sample.toml");
        let c = Config::load_from(Some(&sample), Env::prefixed("CMTEST_NONE_")).unwrap();
        assert_eq!(c.telegram_api_url, DEFAULT_TELEGRAM_API_URL);
        // The sample documents [google_drive] commented out: no Drive unless configured.
        assert_eq!(c.google_drive, None);
        let text = std::fs::read_to_string(&sample).unwrap();
        assert!(
            text.contains("# [google_drive]"),
            "the sample documents the Drive section"
        );
    }
}
