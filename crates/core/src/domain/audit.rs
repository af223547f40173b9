//! The administration history ("Actividad"): who changed what in a
//! distributor's set-up, and when. Pure: what an entry says and how the
//! changed fields are worked out; `store::audit` keeps the entries, append-only.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What was done. Stored and sent as its snake_case name; the UI words each
/// one through its catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "TEXT", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AuditAction {
    DistributorCreated,
    DistributorUpdated,
    GroupCreated,
    GroupUpdated,
    MemberUpdated,
    PdvTypeCreated,
    PdvTypeUpdated,
    UserCreated,
    UserUpdated,
    /// A new password was set for the user (the password itself is never kept).
    PasswordChanged,
    TvTokenCreated,
    TvTokenRevoked,
    JobUpdated,
    JobRunRequested,
    WorkRetried,
    WorkDismissed,
    LegacyImported,
}

impl AuditAction {
    pub const ALL: [Self; 17] = [
        Self::DistributorCreated,
        Self::DistributorUpdated,
        Self::GroupCreated,
        Self::GroupUpdated,
        Self::MemberUpdated,
        Self::PdvTypeCreated,
        Self::PdvTypeUpdated,
        Self::UserCreated,
        Self::UserUpdated,
        Self::PasswordChanged,
        Self::TvTokenCreated,
        Self::TvTokenRevoked,
        Self::JobUpdated,
        Self::JobRunRequested,
        Self::WorkRetried,
        Self::WorkDismissed,
        Self::LegacyImported,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::DistributorCreated => "distributor_created",
            Self::DistributorUpdated => "distributor_updated",
            Self::GroupCreated => "group_created",
            Self::GroupUpdated => "group_updated",
            Self::MemberUpdated => "member_updated",
            Self::PdvTypeCreated => "pdv_type_created",
            Self::PdvTypeUpdated => "pdv_type_updated",
            Self::UserCreated => "user_created",
            Self::UserUpdated => "user_updated",
            Self::PasswordChanged => "password_changed",
            Self::TvTokenCreated => "tv_token_created",
            Self::TvTokenRevoked => "tv_token_revoked",
            Self::JobUpdated => "job_updated",
            Self::JobRunRequested => "job_run_requested",
            Self::WorkRetried => "work_retried",
            Self::WorkDismissed => "work_dismissed",
            Self::LegacyImported => "legacy_imported",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// A change to something that exists: without changed fields it is no news.
    pub fn is_update(self) -> bool {
        matches!(
            self,
            Self::DistributorUpdated
                | Self::GroupUpdated
                | Self::MemberUpdated
                | Self::PdvTypeUpdated
                | Self::UserUpdated
                | Self::JobUpdated
        )
    }
}

/// Bookkeeping the history leaves out of a thing's fields: it says who
/// changed what, not when a row was last touched.
pub const BOOKKEEPING: &[&str] = &[
    "id",
    "distributor_id",
    "created_at",
    "updated_at",
    "last_login_at",
    "last_used_at",
];

/// What people set on a scheduled job (the rest of it is its runs).
pub const JOB_SETTINGS: &[&str] = &["active", "schedule", "time_zone"];

/// Who did it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditActor {
    /// A portal user, through the API (the desktop app).
    User(super::PortalUserId),
    /// Someone at the server's console (`centermind-sidecar` commands), who
    /// the service cannot name.
    Console,
}

/// One field that changed: its value before and after (`null` where there
/// was none, e.g. everything before a creation). Nested objects are flattened
/// into dotted names (`hibernation.start`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldChange {
    pub field: String,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub from: Value,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub to: Value,
}

impl FieldChange {
    pub fn new(field: impl Into<String>, from: impl Into<Value>, to: impl Into<Value>) -> Self {
        Self {
            field: field.into(),
            from: from.into(),
            to: to.into(),
        }
    }
}

/// The fields whose values differ between two serialisations of the same
/// thing, by field name, leaving out `ignore` (bookkeeping
/// such as `updated_at`). A value that does not serialise to an object has no
/// fields, hence no changes.
pub fn changes<T: Serialize>(before: &T, after: &T, ignore: &[&str]) -> Vec<FieldChange> {
    let before = flatten(serde_json::to_value(before).unwrap_or(Value::Null));
    let after = flatten(serde_json::to_value(after).unwrap_or(Value::Null));
    let mut out: Vec<FieldChange> = after
        .iter()
        .filter(|(field, _)| !ignored(field, ignore))
        .filter(|(field, to)| before.get(*field) != Some(to))
        .map(|(field, to)| {
            FieldChange::new(
                field.clone(),
                before.get(field).cloned().unwrap_or(Value::Null),
                to.clone(),
            )
        })
        .collect();
    // A field the new value no longer has (never, for our types; kept honest).
    out.extend(
        before
            .iter()
            .filter(|(field, _)| !ignored(field, ignore) && !after.contains_key(*field))
            .map(|(field, from)| FieldChange::new(field.clone(), from.clone(), Value::Null)),
    );
    out
}

/// [`changes`] among `fields` only.
pub fn changes_among<T: Serialize>(before: &T, after: &T, fields: &[&str]) -> Vec<FieldChange> {
    let mut out = changes(before, after, &[]);
    out.retain(|c| fields.contains(&c.field.as_str()));
    out
}

/// Every field of something just created, as changes from nothing.
pub fn created<T: Serialize>(value: &T, ignore: &[&str]) -> Vec<FieldChange> {
    flatten(serde_json::to_value(value).unwrap_or(Value::Null))
        .into_iter()
        .filter(|(field, to)| !ignored(field, ignore) && !to.is_null())
        .map(|(field, to)| FieldChange::new(field, Value::Null, to))
        .collect()
}

fn ignored(field: &str, ignore: &[&str]) -> bool {
    ignore
        .iter()
        .any(|i| field == *i || field.strip_prefix(i).is_some_and(|rest| rest.starts_with('.')))
}

/// `{"a": {"b": 1}, "c": 2}` → `a.b = 1, c = 2`.
fn flatten(value: Value) -> Map<String, Value> {
    fn walk(prefix: &str, value: Value, out: &mut Map<String, Value>) {
        match value {
            Value::Object(fields) => {
                for (name, v) in fields {
                    let path = if prefix.is_empty() {
                        name
                    } else {
                        format!("{prefix}.{name}")
                    };
                    walk(&path, v, out);
                }
            }
            v if !prefix.is_empty() => {
                out.insert(prefix.to_string(), v);
            }
            _ => {}
        }
    }
    let mut out = Map::new();
    walk("", value, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_the_fields_that_differ_are_changes_with_nested_ones_dotted() {
        let before = json!({"name": "Norte", "active": true, "hibernation": {"enabled": false, "start": "22:00"}, "updated_at": "a"});
        let after = json!({"name": "Norte", "active": false, "hibernation": {"enabled": false, "start": "23:30"}, "updated_at": "b"});
        assert_eq!(
            changes(&before, &after, &["updated_at"]),
            vec![
                FieldChange::new("active", true, false),
                FieldChange::new("hibernation.start", "22:00", "23:30"),
            ]
        );
    }

    #[test]
    fn nothing_changed_is_no_changes_and_ignoring_a_parent_ignores_its_fields() {
        let v = json!({"a": 1, "scoring": {"approved": 1}});
        assert!(changes(&v, &v, &[]).is_empty());
        let after = json!({"a": 1, "scoring": {"approved": 2}});
        assert!(changes(&v, &after, &["scoring"]).is_empty());
        assert_eq!(
            changes(&v, &after, &["scor"]).len(),
            1,
            "a prefix of a name is not its parent"
        );
    }

    #[test]
    fn a_created_thing_lists_its_set_fields_from_nothing() {
        let v = json!({"id": 7, "title": "Ventas Norte", "chat": null, "created_at": "x"});
        assert_eq!(
            created(&v, &["id", "created_at"]),
            vec![FieldChange::new("title", Value::Null, "Ventas Norte")]
        );
    }

    #[test]
    fn every_action_reads_back_from_its_name() {
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::parse(action.as_str()), Some(action));
            assert_eq!(serde_json::to_value(action).unwrap(), json!(action.as_str()));
        }
        assert_eq!(AuditAction::parse("dropped_table"), None);
    }
}
