//! The administration history (`/api/v1/audit`): the "Actividad" section.

use serde::{Deserialize, Serialize};

/// One page of the history, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct AuditPage {
    pub events: Vec<AuditEntry>,
    /// Ask with this as `before` for the older entries; `null`: there are none.
    pub next_before: Option<i64>,
}

/// Who did what, to what, and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct AuditEntry {
    pub id: i64,
    /// `null`: the whole service (a job, a superadmin account).
    pub distributor_id: Option<i64>,
    /// `null`: someone at the server's console.
    pub actor_id: Option<i64>,
    /// The actor's display name then.
    pub actor_name: Option<String>,
    /// e.g. `user_updated`, `tv_token_revoked` (one from a newer server is shown by name).
    pub action: String,
    /// What it was done to (a username, a group's title, a job's id).
    pub subject: String,
    pub changes: Vec<FieldChange>,
    /// RFC 3339.
    pub created_at: String,
}

/// One field that changed (`null` where there was no value, as before a creation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct FieldChange {
    /// Dotted for nested settings, e.g. `hibernation.start`.
    pub field: String,
    pub from: serde_json::Value,
    pub to: serde_json::Value,
}
