//! The one error type every command returns. It crosses to the UI as
//! `{ code, message }` (plus `current` on a conflict): `code` is stable and the UI
//! picks its own translated text by it; `message` is the detail (the server's
//! Spanish message, or what went wrong locally) shown under it.

use serde::Serialize;

use crate::model::ExhibitionDetail;

#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize, specta::Type)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum CommandError {
    /// The server address cannot be used (not a URL, not http/https).
    #[error("invalid server address: {message}")]
    InvalidUrl { message: String },
    /// Nothing answered at that address (DNS, connection refused, network down).
    #[error("server unreachable: {message}")]
    Unreachable { message: String },
    /// The TLS handshake failed (untrusted or expired certificate, not TLS).
    #[error("TLS error: {message}")]
    Tls { message: String },
    /// The server did not answer in time.
    #[error("timed out: {message}")]
    Timeout { message: String },
    /// Something answered, but it is not a CenterMind server.
    #[error("not a CenterMind server: {message}")]
    NotCenterMind { message: String },
    /// No server is configured yet.
    #[error("no server configured")]
    NotConnected { message: String },
    /// No session, or the server ended it (the local session is cleared).
    #[error("not signed in: {message}")]
    Unauthenticated { message: String },
    #[error("wrong credentials: {message}")]
    BadCredentials { message: String },
    /// The current password typed to change one's own is not the right one (the
    /// session itself is fine).
    #[error("wrong current password: {message}")]
    WrongPassword { message: String },
    /// The server does not know the TV code (mistyped, or revoked by an admin).
    #[error("invalid TV code: {message}")]
    InvalidTvToken { message: String },
    #[error("too many attempts: {message}")]
    TooManyAttempts { message: String },
    #[error("forbidden: {message}")]
    Forbidden { message: String },
    #[error("not found: {message}")]
    NotFound { message: String },
    /// The server refused the data (422): e.g. a rejection without a reason.
    #[error("invalid: {message}")]
    Invalid { message: String },
    /// The server already has one with that name, username or chat id (409).
    #[error("already exists: {message}")]
    AlreadyExists { message: String },
    /// The server could not reach Telegram to check something (a bot token): try later.
    #[error("Telegram unreachable: {message}")]
    TelegramUnreachable { message: String },
    /// Refused here before reaching the server: the change would take the signed-in
    /// person's own access away (deactivate themself, drop their own admin role).
    #[error("own account: {message}")]
    OwnAccount { message: String },
    /// Someone evaluated first; `current` is the exhibition as it is now.
    #[error("conflict: {message}")]
    Conflict {
        message: String,
        current: Box<ExhibitionDetail>,
    },
    /// The server failed (5xx) or answered something unexpected.
    #[error("server error: {message}")]
    Server { message: String },
    /// The OS credential store failed.
    #[error("credential store: {message}")]
    Keyring { message: String },
    /// The local server ("este equipo") is missing, cannot start, keeps dying or
    /// does not answer in time.
    #[error("local server: {message}")]
    LocalServer { message: String },
    /// Another CenterMind server already serves this computer's data (another copy
    /// of the app in another session, or a `centermind-sidecar run` started by hand).
    #[error("local server data in use: {message}")]
    LocalServerInUse { message: String },
    /// The update server could not be reached, or did not answer a valid manifest.
    #[error("update check: {message}")]
    UpdateCheck { message: String },
    /// A newer version is announced but not for this system (OS, architecture, installer).
    #[error("update not published for this system: {message}")]
    UpdateNotForThisSystem { message: String },
    /// The downloaded update's signature is missing, wrong, or for another version:
    /// nothing was installed.
    #[error("update signature: {message}")]
    UpdateSignature { message: String },
    /// The administrator's authorisation to install (Linux packages) was refused.
    #[error("update cancelled: {message}")]
    UpdateCancelled { message: String },
    /// The verified update could not be installed.
    #[error("update install: {message}")]
    UpdateInstall { message: String },
    /// Any other failure of the updater.
    #[error("update: {message}")]
    Update { message: String },
    /// Local failure of the app itself (settings file, task).
    #[error("internal: {message}")]
    Internal { message: String },
}

impl CommandError {
    /// The stable machine code, as serialised.
    #[must_use]
    pub fn code(&self) -> &'static str {
        match self {
            Self::InvalidUrl { .. } => "invalid_url",
            Self::Unreachable { .. } => "unreachable",
            Self::Tls { .. } => "tls",
            Self::Timeout { .. } => "timeout",
            Self::NotCenterMind { .. } => "not_center_mind",
            Self::NotConnected { .. } => "not_connected",
            Self::Unauthenticated { .. } => "unauthenticated",
            Self::BadCredentials { .. } => "bad_credentials",
            Self::WrongPassword { .. } => "wrong_password",
            Self::InvalidTvToken { .. } => "invalid_tv_token",
            Self::TooManyAttempts { .. } => "too_many_attempts",
            Self::Forbidden { .. } => "forbidden",
            Self::NotFound { .. } => "not_found",
            Self::Invalid { .. } => "invalid",
            Self::AlreadyExists { .. } => "already_exists",
            Self::TelegramUnreachable { .. } => "telegram_unreachable",
            Self::OwnAccount { .. } => "own_account",
            Self::Conflict { .. } => "conflict",
            Self::Server { .. } => "server",
            Self::Keyring { .. } => "keyring",
            Self::LocalServer { .. } => "local_server",
            Self::LocalServerInUse { .. } => "local_server_in_use",
            Self::UpdateCheck { .. } => "update_check",
            Self::UpdateNotForThisSystem { .. } => "update_not_for_this_system",
            Self::UpdateSignature { .. } => "update_signature",
            Self::UpdateCancelled { .. } => "update_cancelled",
            Self::UpdateInstall { .. } => "update_install",
            Self::Update { .. } => "update",
            Self::Internal { .. } => "internal",
        }
    }

    pub(crate) fn internal(message: impl std::fmt::Display) -> Self {
        Self::Internal {
            message: message.to_string(),
        }
    }

    pub(crate) fn not_connected() -> Self {
        Self::NotConnected {
            message: "Configurá la dirección del servidor.".into(),
        }
    }

    pub(crate) fn signed_out() -> Self {
        Self::Unauthenticated {
            message: "Iniciá sesión para continuar.".into(),
        }
    }
}

pub type CommandResult<T> = Result<T, CommandError>;

#[cfg(test)]
mod tests {
    use super::CommandError;

    #[test]
    fn serialises_as_code_and_message() {
        let error = CommandError::Timeout { message: "5 s".into() };
        let json = serde_json::to_value(&error).expect("serialises");
        assert_eq!(json, serde_json::json!({"code": "timeout", "message": "5 s"}));
        assert_eq!(error.code(), "timeout");
    }

    #[test]
    fn code_matches_the_serialised_tag() {
        let all = [
            CommandError::InvalidUrl { message: "m".into() },
            CommandError::NotCenterMind { message: "m".into() },
            CommandError::TooManyAttempts { message: "m".into() },
            CommandError::Keyring { message: "m".into() },
            CommandError::AlreadyExists { message: "m".into() },
            CommandError::TelegramUnreachable { message: "m".into() },
            CommandError::OwnAccount { message: "m".into() },
            CommandError::InvalidTvToken { message: "m".into() },
            CommandError::LocalServer { message: "m".into() },
            CommandError::LocalServerInUse { message: "m".into() },
            CommandError::UpdateCheck { message: "m".into() },
            CommandError::UpdateNotForThisSystem { message: "m".into() },
            CommandError::UpdateSignature { message: "m".into() },
            CommandError::UpdateCancelled { message: "m".into() },
            CommandError::UpdateInstall { message: "m".into() },
            CommandError::Update { message: "m".into() },
        ];
        for error in all {
            let json = serde_json::to_value(&error).expect("serialises");
            assert_eq!(json["code"], error.code());
        }
    }
}
