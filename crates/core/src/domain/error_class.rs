//! Classes of operational failures (downloads, photo storage, Telegram), as
//! recorded in `error_events`. The old system's download monitor knew these
//! six (timeout, permission, missing path, corrupt file, disk full, remote
//! down); `invalid_input` and `internal` cover the rest.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "TEXT", rename_all = "snake_case")]
pub enum ErrorClass {
    Timeout,
    Permission,
    MissingPath,
    CorruptFile,
    DiskFull,
    RemoteDown,
    InvalidInput,
    Internal,
}

impl ErrorClass {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Timeout => "timeout",
            Self::Permission => "permission",
            Self::MissingPath => "missing_path",
            Self::CorruptFile => "corrupt_file",
            Self::DiskFull => "disk_full",
            Self::RemoteDown => "remote_down",
            Self::InvalidInput => "invalid_input",
            Self::Internal => "internal",
        }
    }

    /// Whether trying again later can help (a corrupt file or a bad input stays bad).
    pub fn is_retryable(self) -> bool {
        !matches!(self, Self::CorruptFile | Self::InvalidInput)
    }

    /// Classify a file-system error.
    pub fn of_io(kind: std::io::ErrorKind) -> Self {
        use std::io::ErrorKind as K;
        match kind {
            K::TimedOut | K::WouldBlock => Self::Timeout,
            K::PermissionDenied | K::ReadOnlyFilesystem => Self::Permission,
            K::NotFound | K::NotADirectory => Self::MissingPath,
            K::StorageFull | K::QuotaExceeded | K::FileTooLarge => Self::DiskFull,
            K::InvalidData | K::UnexpectedEof => Self::CorruptFile,
            K::ConnectionRefused
            | K::ConnectionReset
            | K::ConnectionAborted
            | K::NotConnected
            | K::HostUnreachable
            | K::NetworkUnreachable
            | K::NetworkDown
            | K::BrokenPipe => Self::RemoteDown,
            _ => Self::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::ErrorKind as K;

    #[test]
    fn io_errors_map_to_the_six_operational_classes() {
        assert_eq!(ErrorClass::of_io(K::TimedOut), ErrorClass::Timeout);
        assert_eq!(ErrorClass::of_io(K::PermissionDenied), ErrorClass::Permission);
        assert_eq!(ErrorClass::of_io(K::NotFound), ErrorClass::MissingPath);
        assert_eq!(ErrorClass::of_io(K::InvalidData), ErrorClass::CorruptFile);
        assert_eq!(ErrorClass::of_io(K::StorageFull), ErrorClass::DiskFull);
        assert_eq!(ErrorClass::of_io(K::ConnectionRefused), ErrorClass::RemoteDown);
        assert_eq!(ErrorClass::of_io(K::Other), ErrorClass::Internal);
    }

    #[test]
    fn names_match_the_database_check_and_retry_rule() {
        assert_eq!(ErrorClass::DiskFull.as_str(), "disk_full");
        assert_eq!(serde_json::to_value(ErrorClass::MissingPath).unwrap(), "missing_path");
        assert!(ErrorClass::Timeout.is_retryable());
        assert!(!ErrorClass::CorruptFile.is_retryable());
    }
}
