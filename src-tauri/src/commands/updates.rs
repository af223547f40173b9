//! "Buscar actualizaciones": the About screen's update check and install,
//! through tauri-plugin-updater (signed updates; the public key is in
//! `tauri.conf.json`). The endpoint can be changed in the settings.

use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_updater::UpdaterExt;
use url::{Host, Url};

use crate::error::{CommandError, CommandResult};
use crate::session::Shell;

/// What the About screen shows about updates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct UpdateSettings {
    pub current_version: String,
    /// The endpoint chosen in the settings (`null`: the built-in one).
    pub endpoint: Option<String>,
    /// The endpoint of `tauri.conf.json`.
    pub default_endpoint: Option<String>,
}

/// The result of a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct UpdateCheck {
    pub current_version: String,
    /// `null`: this is the newest version.
    pub available: Option<AvailableUpdate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct AvailableUpdate {
    pub version: String,
    /// RFC 3339, when published.
    pub date: Option<String>,
    pub notes: Option<String>,
}

/// How an install goes, for the About screen's progress bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum UpdateProgress {
    /// Bytes received so far; `total` when the server sent the size.
    Downloading { downloaded: u64, total: Option<u64> },
    /// Downloaded and its signature checked: the installer runs, then the app restarts.
    Installing,
}

/// How often the download's progress is reported at most: the plugin calls
/// back for every chunk (thousands for a package), the screen needs a few a second.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

/// Turns the plugin's per-chunk callbacks into a few progress messages.
struct ProgressReport {
    downloaded: u64,
    last_sent: Option<Instant>,
}

impl ProgressReport {
    fn new() -> Self {
        Self {
            downloaded: 0,
            last_sent: None,
        }
    }

    /// Counts a chunk; returns the message to send now, if one is due (the
    /// first chunk, the last one, or one every [`PROGRESS_EVERY`]).
    fn chunk(&mut self, len: usize, total: Option<u64>, now: Instant) -> Option<UpdateProgress> {
        self.downloaded += u64::try_from(len).unwrap_or(u64::MAX);
        let finished = total.is_some_and(|t| self.downloaded >= t);
        let due = self.last_sent.is_none_or(|at| now.duration_since(at) >= PROGRESS_EVERY);
        (finished || due).then(|| {
            self.last_sent = Some(now);
            UpdateProgress::Downloading {
                downloaded: self.downloaded,
                total,
            }
        })
    }
}

/// What went wrong, in the terms the About screen explains: the server, the
/// release (not for this system), its signature, the authorisation, the install.
fn update_error(e: tauri_plugin_updater::Error) -> CommandError {
    use tauri_plugin_updater::Error as E;
    let message = e.to_string();
    match e {
        E::Reqwest(_)
        | E::Network(_)
        | E::ReleaseNotFound
        | E::Serialization(_)
        | E::Semver(_)
        | E::Http(_)
        | E::UrlParse(_)
        | E::InsecureTransportProtocol => CommandError::UpdateCheck { message },
        E::TargetNotFound(_) | E::TargetsNotFound(_) | E::UnsupportedArch | E::UnsupportedOs => {
            CommandError::UpdateNotForThisSystem { message }
        }
        E::Minisign(_)
        | E::Base64(_)
        | E::SignatureUtf8(_)
        | E::SignedVersionMismatch { .. }
        | E::MissingSignedVersion => CommandError::UpdateSignature { message },
        E::AuthenticationFailed => CommandError::UpdateCancelled { message },
        E::Io(_)
        | E::InvalidUpdaterFormat
        | E::DebInstallFailed
        | E::PackageInstallFailed
        | E::TempDirNotFound
        | E::TempDirNotOnSameMountPoint
        | E::PreviousAppNotRestored(_)
        | E::BinaryNotFoundInArchive
        | E::FailedToDetermineExtractPath => CommandError::UpdateInstall { message },
        _ => CommandError::Update { message },
    }
}

fn default_endpoint(app: &AppHandle) -> Option<String> {
    app.config()
        .plugins
        .0
        .get("updater")
        .and_then(|u| u.get("endpoints"))
        .and_then(|e| e.get(0))
        .and_then(|e| e.as_str())
        .map(str::to_string)
}

/// Checks an update endpoint typed in the settings: an absolute https URL
/// (release builds refuse anything else), optionally with `{{target}}`,
/// `{{arch}}` and `{{current_version}}`.
///
/// # Errors
/// [`CommandError::InvalidUrl`].
pub fn parse_update_endpoint(text: &str) -> CommandResult<Url> {
    let invalid = |message: String| CommandError::InvalidUrl { message };
    let url = Url::parse(text.trim()).map_err(|e| invalid(format!("«{text}» no es una dirección válida ({e}).")))?;
    if url.scheme() != "https" && !(url.scheme() == "http" && loopback_allowed(&url)) {
        return Err(invalid("Las actualizaciones solo se descargan por https://.".into()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("Falta el nombre del servidor.".into()));
    }
    Ok(url)
}

/// Debug builds also take `http://` on this computer (a local update server
/// while testing a release), as the updater plugin itself does in debug
/// builds; release builds never do.
fn loopback_allowed(url: &Url) -> bool {
    cfg!(debug_assertions)
        && match url.host() {
            Some(Host::Domain(name)) => name == "localhost",
            Some(Host::Ipv4(ip)) => ip.is_loopback(),
            Some(Host::Ipv6(ip)) => ip.is_loopback(),
            None => false,
        }
}

fn settings(app: &AppHandle, shell: &Shell) -> UpdateSettings {
    UpdateSettings {
        current_version: app.package_info().version.to_string(),
        endpoint: shell.update_endpoint(),
        default_endpoint: default_endpoint(app),
    }
}

/// The version and the update endpoint in use.
#[tauri::command]
#[specta::specta]
pub fn update_settings(app: AppHandle, shell: State<'_, Shell>) -> UpdateSettings {
    settings(&app, &shell)
}

/// Saves the update endpoint (`null` or empty: back to the built-in one).
#[tauri::command]
#[specta::specta]
pub fn set_update_endpoint(
    app: AppHandle,
    shell: State<'_, Shell>,
    endpoint: Option<String>,
) -> CommandResult<UpdateSettings> {
    let endpoint = match endpoint.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        Some(text) => {
            parse_update_endpoint(text)?;
            Some(text.to_string())
        }
        None => None,
    };
    shell.set_update_endpoint(endpoint)?;
    Ok(settings(&app, &shell))
}

fn updater(app: &AppHandle, shell: &Shell) -> CommandResult<tauri_plugin_updater::Updater> {
    let mut builder = app.updater_builder();
    if let Some(endpoint) = shell.update_endpoint() {
        builder = builder
            .endpoints(vec![parse_update_endpoint(&endpoint)?])
            .map_err(update_error)?;
    }
    builder.build().map_err(update_error)
}

/// Asks the update endpoint whether a newer, signed version exists.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(app, shell))]
pub async fn check_for_updates(app: AppHandle, shell: State<'_, Shell>) -> CommandResult<UpdateCheck> {
    let update = updater(&app, &shell)?.check().await.map_err(update_error)?;
    Ok(UpdateCheck {
        current_version: app.package_info().version.to_string(),
        available: update.map(|u| AvailableUpdate {
            version: u.version,
            date: u.date.map(|d| d.to_string()),
            notes: u.body,
        }),
    })
}

/// Downloads the newer version (its progress on `on_progress`), checks its
/// signature, installs it and restarts. Nothing is installed unless the
/// package is signed by CenterMind's key for the announced version.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(app, shell, on_progress))]
pub async fn install_update(
    app: AppHandle,
    shell: State<'_, Shell>,
    on_progress: Channel<UpdateProgress>,
) -> CommandResult<()> {
    let Some(update) = updater(&app, &shell)?.check().await.map_err(update_error)? else {
        return Ok(());
    };
    let mut report = ProgressReport::new();
    // A closed screen only stops the progress messages, not the install.
    let bytes = update
        .download(
            |len, total| {
                if let Some(message) = report.chunk(len, total, Instant::now()) {
                    let _ = on_progress.send(message);
                }
            },
            || {},
        )
        .await
        .map_err(update_error)?;
    tracing::info!(version = %update.version, bytes = bytes.len(), "update downloaded and its signature checked");
    let _ = on_progress.send(UpdateProgress::Installing);
    update.install(&bytes).map_err(update_error)?;
    app.restart()
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::{ProgressReport, UpdateProgress, parse_update_endpoint, update_error};
    use tauri_plugin_updater::Error as E;

    #[test]
    fn download_progress_is_reported_a_few_times_a_second_and_at_the_end() {
        let start = Instant::now();
        let mut report = ProgressReport::new();
        let total = Some(300_000);
        let at = |ms| start + Duration::from_millis(ms);
        let sent = |downloaded| UpdateProgress::Downloading { downloaded, total };
        assert_eq!(
            report.chunk(100_000, total, at(0)),
            Some(sent(100_000)),
            "the first chunk"
        );
        assert_eq!(
            report.chunk(100_000, total, at(50)),
            None,
            "too soon after the last message"
        );
        assert_eq!(report.chunk(50_000, total, at(150)), Some(sent(250_000)));
        assert_eq!(
            report.chunk(50_000, total, at(160)),
            Some(sent(300_000)),
            "the last chunk"
        );
        // Without a size from the server the count still goes on.
        let mut no_size = ProgressReport::new();
        assert!(no_size.chunk(10, None, at(0)).is_some());
        assert_eq!(no_size.chunk(10, None, at(10)), None);
        assert_eq!(
            no_size.chunk(10, None, at(200)),
            Some(UpdateProgress::Downloading {
                downloaded: 30,
                total: None
            })
        );
    }

    #[test]
    fn updater_failures_are_told_apart() {
        let cases = [
            (E::Network("connection refused".into()), "update_check"),
            (E::ReleaseNotFound, "update_check"),
            (
                E::TargetsNotFound(vec!["linux-x86_64-deb".into()]),
                "update_not_for_this_system",
            ),
            (E::SignatureUtf8("x".into()), "update_signature"),
            (
                E::SignedVersionMismatch {
                    signed: "0.1.0".into(),
                    announced: "0.2.0".into(),
                },
                "update_signature",
            ),
            (E::MissingSignedVersion, "update_signature"),
            (E::AuthenticationFailed, "update_cancelled"),
            (E::PackageInstallFailed, "update_install"),
            (E::InvalidUpdaterFormat, "update_install"),
            (E::EmptyEndpoints, "update"),
        ];
        for (error, code) in cases {
            let shown = error.to_string();
            let mapped = update_error(error);
            assert_eq!(mapped.code(), code, "{shown}");
            assert!(mapped.to_string().ends_with(&shown), "the detail is kept: {mapped}");
        }
    }

    #[test]
    fn update_endpoints_must_be_https() {
        let ok = "https://updates.example.com/centermind/{{target}}/{{arch}}/{{current_version}}";
        assert!(parse_update_endpoint(ok).is_ok());
        // A local update server while testing: debug builds only, like the updater plugin.
        for local in [
            "http://127.0.0.1:8123/latest.json",
            "http://localhost:8123/x",
            "http://[::1]/x",
        ] {
            assert_eq!(parse_update_endpoint(local).is_ok(), cfg!(debug_assertions), "{local}");
        }
        for bad in [
            "http://updates.example.com/x",
            "http://192.168.0.10/x",
            "updates.example.com",
            "",
            "file:///tmp/x",
        ] {
            assert_eq!(
                parse_update_endpoint(bad).map_err(|e| e.code()).err(),
                Some("invalid_url"),
                "{bad}"
            );
        }
    }
}
