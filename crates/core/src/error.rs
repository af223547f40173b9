//! The crate's error type. Callers (HTTP service, CLI, desktop) map these to
//! status codes or user messages; internal details stay in the logs.

use crate::domain::customer_number::CustomerNumberError;
use crate::domain::exhibition::EvaluationError;
use crate::domain::roles::AccessError;
use crate::domain::schedule::ScheduleError;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{entity} not found")]
    NotFound { entity: &'static str },

    #[error("{entity} already exists: {detail}")]
    AlreadyExists { entity: &'static str, detail: String },

    #[error("invalid {field}: {reason}")]
    Invalid { field: &'static str, reason: String },

    #[error(transparent)]
    CustomerNumber(#[from] CustomerNumberError),

    #[error(transparent)]
    Evaluation(#[from] EvaluationError),

    #[error(transparent)]
    Access(#[from] AccessError),

    /// A job's schedule or time zone that cannot be used.
    #[error(transparent)]
    Schedule(#[from] ScheduleError),

    #[error("configuration error: {0}")]
    Config(String),

    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),

    /// A write whose shared COMMIT failed: nothing of it was saved.
    #[error("database error: the commit failed: {0}")]
    Commit(String),

    #[error("migration error: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),

    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),

    #[error("password hashing error: {0}")]
    PasswordHash(String),
}

impl Error {
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            reason: reason.into(),
        }
    }

    /// Map a UNIQUE constraint violation to `AlreadyExists`; keep other errors.
    pub(crate) fn unique_violation(err: impl Into<Self>, entity: &'static str, detail: impl Into<String>) -> Self {
        match err.into() {
            Self::Database(sqlx::Error::Database(db)) if db.is_unique_violation() => Self::AlreadyExists {
                entity,
                detail: detail.into(),
            },
            other => other,
        }
    }
}
