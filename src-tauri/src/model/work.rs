//! A distributor's background work, the work given up on, and the recorded
//! failures (`/api/v1/work`, `/api/v1/work/given-up`, `/api/v1/error-events`):
//! the "Estado" section of the administration.

use serde::{Deserialize, Serialize};

/// What the server still has to do for the distributor, by kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Work {
    pub distributor_id: i64,
    /// Kinds with something queued, running or given up; empty: all done.
    pub kinds: Vec<WorkKind>,
    /// RFC 3339: when the server read it.
    pub read_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct WorkKind {
    /// `store_photo`, `archive_photo`, `edit_confirmation` or `import_photo`
    /// (another from a newer server is shown by name).
    pub kind: String,
    pub queued: i64,
    /// Of `queued`, those that failed before.
    pub retrying: i64,
    pub running: i64,
    /// Given up: nothing happens to them until someone retries or dismisses them.
    pub failed: i64,
    /// Of `failed`, those the server judged no retry can help.
    pub permanent: i64,
    pub oldest_queued_at: Option<String>,
    /// The newest failure (technical, English).
    pub last_error: Option<String>,
    pub last_error_at: Option<String>,
}

/// What a retry did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Retried {
    /// Queued again, due now.
    pub requeued: u32,
    /// Left alone: a newer task for the same thing already waits.
    pub kept: u32,
}

/// What a dismissal did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Dismissed {
    /// Set aside: no longer counted as failed nor retried.
    pub dismissed: u32,
}

/// One piece of work the server gave up on, and the exhibition it was for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct GivenUpWork {
    pub id: i64,
    /// See [`WorkKind::kind`].
    pub kind: String,
    /// Absent (with what follows) when the exhibition no longer exists.
    pub exhibition_id: Option<String>,
    pub customer_number: Option<String>,
    pub vendor_name: Option<String>,
    /// RFC 3339.
    pub submitted_at: Option<String>,
    /// Which photo of the exhibition, from 1, for photo work.
    pub photo_number: Option<i64>,
    pub attempts: i64,
    /// What failed last (technical, English).
    pub error: Option<String>,
    /// As in [`ErrorEvent::class`]; absent for work given up before classes were kept.
    pub class: Option<String>,
    /// The server judged that no retry can help.
    pub permanent: bool,
    /// RFC 3339: when it was given up.
    pub failed_at: String,
}

/// A failure the server recorded while working for the distributor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ErrorEvent {
    pub id: i64,
    /// `timeout`, `permission`, `missing_path`, `corrupt_file`, `disk_full`,
    /// `remote_down`, `invalid_input` or `internal`.
    pub class: String,
    /// Technical (English), without secrets.
    pub message: String,
    pub exhibition_id: Option<String>,
    pub kind: Option<String>,
    pub attempt: Option<i64>,
    /// RFC 3339.
    pub created_at: String,
}

/// How many failures (or given-up tasks) the screen asks for: 50 unless said, 1–200.
pub fn events_limit(limit: Option<u32>) -> u32 {
    limit.unwrap_or(50).clamp(1, 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_events_limit_stays_within_what_the_server_serves() {
        assert_eq!(events_limit(None), 50);
        assert_eq!(events_limit(Some(10)), 10);
        assert_eq!(events_limit(Some(0)), 1);
        assert_eq!(events_limit(Some(5_000)), 200);
    }
}
