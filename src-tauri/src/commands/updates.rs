//! "Buscar actualizaciones": the About screen's update check and install,
//! through tauri-plugin-updater (signed updates; the public key is in
//! `tauri.conf.json`). The endpoint can be changed in the settings.

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};
use tauri_plugin_updater::UpdaterExt;
use url::Url;

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
    if url.scheme() != "https" {
        return Err(invalid("Las actualizaciones solo se descargan por https://.".into()));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("Falta el nombre del servidor.".into()));
    }
    Ok(url)
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

/// Downloads the newer version, checks its signature, installs it and restarts.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(app, shell))]
pub async fn install_update(app: AppHandle, shell: State<'_, Shell>) -> CommandResult<()> {
    let Some(update) = updater(&app, &shell)?.check().await.map_err(update_error)? else {
        return Ok(());
    };
    update
        .download_and_install(|_, _| {}, || {})
        .await
        .map_err(update_error)?;
    app.restart()
}

#[cfg(test)]
mod tests {
    use super::{parse_update_endpoint, update_error};
    use tauri_plugin_updater::Error as E;

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
        for bad in [
            "http://updates.example.com/x",
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
