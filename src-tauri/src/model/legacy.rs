//! Importing the old Python system's database (`/api/v1/legacy-import`).

use serde::{Deserialize, Serialize};

/// What the superadmin asks for: the old `centermind.db` on this computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct LegacyImportInput {
    /// Path of the old database file on this computer.
    pub path: String,
    /// Only say what the import would do.
    pub dry_run: bool,
    /// Zone of the old times written without one; the server's default when absent.
    pub time_zone: Option<String>,
    /// Carry the old bots' tokens over.
    pub bot_tokens: bool,
}

/// What the import did (or would do).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct LegacyImport {
    pub distributors: Vec<ImportedDistributor>,
    /// Old rows left out, with the reason.
    pub skipped: Vec<SkippedRow>,
    /// Columns read from old tables the old system's document does not describe.
    pub recognised: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum TokenOutcome {
    Imported,
    KeptExisting,
    NotCarried,
    Invalid,
    None,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ImportedDistributor {
    pub legacy_id: String,
    pub id: i64,
    pub name: String,
    pub created: bool,
    pub bot_token: TokenOutcome,
    pub groups_created: u64,
    pub members_created: u64,
    /// Created inactive.
    pub pdv_types_created: Vec<String>,
    /// Inactive supervisor accounts for the old evaluators.
    pub users_created: Vec<String>,
    pub exhibitions_imported: u64,
    pub exhibitions_already_imported: u64,
    /// Of those, how many got the verdict the old system gave since (absent from older servers).
    #[serde(default)]
    pub verdicts_updated: u64,
    /// Of those, evaluated here with another verdict there: CenterMind's was kept.
    #[serde(default)]
    pub verdicts_kept: u64,
    pub pending: u64,
    pub approved: u64,
    pub rejected: u64,
    pub highlighted: u64,
    pub photos_queued: u64,
    pub photos_not_in_drive: u64,
    pub edits_queued: u64,
    pub evaluation_times_assumed: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct SkippedRow {
    pub table: String,
    pub key: String,
    pub problem: String,
}
