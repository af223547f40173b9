//! Shared pieces of the integration tests.

use serde::{Deserialize, Serialize};

/// What a stress worker reports on stdout when it finishes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkerReport {
    pub worker: String,
    pub created: u64,
    pub replays: u64,
    pub evaluations: u64,
    pub conflicts: u64,
    pub reads: u64,
}
