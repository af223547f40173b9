//! Administration: the shapes of `/api/v1/distributors`, `/groups`, `/members`,
//! `/pdv-types`, `/users` and `/tv-tokens`, mirrored from the API (the desktop does
//! not link `centermind-core`).
//!
//! Secrets cross these types in one direction only: a bot token and passwords go
//! to the server (write-only, never read back), a new TV token comes back once.
//! Their `Debug` is written by hand so that no log line can carry them.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Role, Scoring};

/// Shown instead of a secret in `Debug`.
const REDACTED: &str = "<redacted>";

/// Where a distributor's photos are kept besides the server's own copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum PhotoStorage {
    Local,
    GoogleDrive,
}

/// The nightly window in which the bot registers nothing (local `HH:MM`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Hibernation {
    pub enabled: bool,
    /// `HH:MM`, inclusive.
    #[serde(deserialize_with = "hhmm")]
    #[specta(type = String)]
    pub start: String,
    /// `HH:MM`, exclusive: when the bot opens again.
    #[serde(deserialize_with = "hhmm")]
    #[specta(type = String)]
    pub end: String,
}

/// The server writes times of day as `HH:MM:SS` and reads `HH:MM`: the UI gets `HH:MM`.
fn hhmm<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let text = String::deserialize(deserializer)?;
    Ok(short_time(&text))
}

/// `22:00:00` → `22:00` (anything else unchanged).
#[must_use]
pub fn short_time(text: &str) -> String {
    let bytes = text.as_bytes();
    if bytes.len() == 8 && bytes[2] == b':' && bytes[5] == b':' {
        text[..5].to_string()
    } else {
        text.to_string()
    }
}

/// A distributor as the API shows it: whether a bot token is set, never the token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Distributor {
    pub id: i64,
    pub name: String,
    pub active: bool,
    /// IANA name.
    pub time_zone: String,
    pub has_bot_token: bool,
    /// Who gets the bot's alerts in Telegram.
    pub admin_telegram_id: Option<i64>,
    pub hibernation: Hibernation,
    pub photo_storage: PhotoStorage,
    pub drive_folder_id: Option<String>,
    pub scoring: Scoring,
    pub created_at: String,
    pub updated_at: String,
}

/// A new distributor (superadmin only).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct NewDistributorInput {
    pub name: String,
    /// IANA zone; the server's default (Buenos Aires) when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin_telegram_id: Option<i64>,
    /// Checked with Telegram by the server before it is saved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bot_token: Option<String>,
}

impl fmt::Debug for NewDistributorInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewDistributorInput")
            .field("name", &self.name)
            .field("time_zone", &self.time_zone)
            .field("admin_telegram_id", &self.admin_telegram_id)
            .field("bot_token", &self.bot_token.as_ref().map(|_| REDACTED))
            .finish()
    }
}

/// A change to a distributor's settings: only the fields that are set are sent.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct DistributorSettings {
    /// Superadmin only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Superadmin only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    /// Who gets the bot's alerts in Telegram. Absent (`undefined`): unchanged;
    /// `null`: removed (nobody gets them); a number: that person.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    #[specta(type = Option<i64>)]
    pub admin_telegram_id: Option<Option<i64>>,
    /// Write-only: a new token (checked with Telegram by the server), or `""` to remove it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bot_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hibernation_enabled: Option<bool>,
    /// `HH:MM`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hibernation_start: Option<String>,
    /// `HH:MM`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hibernation_end: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points_approved: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub points_highlighted: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photo_storage: Option<PhotoStorage>,
    /// Google Drive folder id; `""` clears it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drive_folder_id: Option<String>,
}

impl fmt::Debug for DistributorSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DistributorSettings")
            .field("name", &self.name)
            .field("active", &self.active)
            .field("time_zone", &self.time_zone)
            .field("admin_telegram_id", &self.admin_telegram_id)
            .field("bot_token", &self.bot_token.as_ref().map(|_| REDACTED))
            .field("hibernation_enabled", &self.hibernation_enabled)
            .field("hibernation_start", &self.hibernation_start)
            .field("hibernation_end", &self.hibernation_end)
            .field("points_approved", &self.points_approved)
            .field("points_highlighted", &self.points_highlighted)
            .field("photo_storage", &self.photo_storage)
            .field("drive_folder_id", &self.drive_folder_id)
            .finish()
    }
}

/// For a field where `null` means "remove it": `Some(value)` when the field is
/// present, `null` included (`#[serde(default)]` leaves an absent one `None`).
/// Serialised back, `Some(None)` is `null` and `None` is skipped: the three
/// states reach the API as they came from the UI.
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// What the distributor's Telegram bot is doing, as the server last recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct BotStatus {
    pub distributor_id: i64,
    /// `stopped`, `starting`, `running`, `restarting`, `failed` or `invalid_token`.
    pub state: String,
    /// RFC 3339: when the bot last started.
    pub started_at: Option<String>,
    pub last_error: Option<String>,
    pub restarts: i64,
    pub updates_handled: i64,
    /// RFC 3339: when this was recorded (`null`: no server has run the bot yet).
    pub updated_at: Option<String>,
}

/// A Telegram group registered to a distributor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Group {
    pub id: i64,
    pub distributor_id: i64,
    /// As Telegram reports it (groups are negative, e.g. -1001234567890).
    pub chat_id: i64,
    pub title: String,
    pub active: bool,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct NewGroupInput {
    pub chat_id: i64,
    pub title: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct GroupChanges {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// Role of a Telegram member (what the bot lets them do).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum MemberRole {
    Vendor,
    Supervisor,
    Admin,
}

/// Someone the bot has seen in the distributor's groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Member {
    pub id: i64,
    pub distributor_id: i64,
    pub telegram_user_id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub role: MemberRole,
    pub active: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl Member {
    /// As the listings name vendors ("First Last"), else `@username`.
    #[must_use]
    pub fn name(&self) -> String {
        let full = format!("{} {}", self.first_name, self.last_name.as_deref().unwrap_or_default());
        let full = full.trim();
        match (full.is_empty(), &self.username) {
            (true, Some(u)) => format!("@{u}"),
            _ => full.to_string(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct MemberChanges {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<MemberRole>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// A point-of-sale type the bot offers, in `position` order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct PdvType {
    pub id: i64,
    pub distributor_id: i64,
    pub name: String,
    pub position: i64,
    pub active: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct PdvTypeChanges {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

/// A person who signs in to the app or the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct PortalUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub distributor_id: Option<i64>,
    pub active: bool,
    pub last_login_at: Option<String>,
    pub created_at: String,
}

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct NewUserInput {
    pub username: String,
    /// The username when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    pub role: Role,
    pub password: String,
}

impl fmt::Debug for NewUserInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewUserInput")
            .field("username", &self.username)
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .field("password", &REDACTED)
            .finish()
    }
}

/// A change to a user. A new password or `active: false` ends the user's sessions.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct UserChanges {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<String>,
}

impl fmt::Debug for UserChanges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserChanges")
            .field("display_name", &self.display_name)
            .field("role", &self.role)
            .field("active", &self.active)
            .field("password", &self.password.as_ref().map(|_| REDACTED))
            .finish()
    }
}

/// A TV (kiosk) that shows the distributor's ranking without a user session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct TvToken {
    pub id: i64,
    pub distributor_id: i64,
    /// Where the TV is, e.g. "TV del salón".
    pub label: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    /// Set once revoked: the TV no longer gets the ranking.
    pub revoked_at: Option<String>,
}

/// A TV token just created: `token` is shown this once (only its digest is stored).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct NewTvToken {
    pub token: String,
    pub tv_token: TvToken,
}

impl fmt::Debug for NewTvToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewTvToken")
            .field("token", &REDACTED)
            .field("tv_token", &self.tv_token)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const BOT_TOKEN: &str = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

    #[test]
    fn a_distributor_reads_the_api_shape_with_short_times() {
        let json = serde_json::json!({
            "id": 1, "name": "Distribuidora Sur", "active": true,
            "time_zone": "America/Argentina/Buenos_Aires", "has_bot_token": true,
            "admin_telegram_id": 42,
            "hibernation": {"enabled": true, "start": "22:00:00", "end": "06:30:00"},
            "photo_storage": "google_drive", "drive_folder_id": "abc",
            "scoring": {"approved": 1, "highlighted": 2},
            "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-02T00:00:00Z"
        });
        let d: Distributor = serde_json::from_value(json).unwrap();
        assert_eq!(
            (d.hibernation.start.as_str(), d.hibernation.end.as_str()),
            ("22:00", "06:30")
        );
        assert_eq!(d.photo_storage, PhotoStorage::GoogleDrive);
        assert!(d.has_bot_token);
        assert_eq!(short_time("7:00"), "7:00");
    }

    #[test]
    fn changes_send_only_what_is_set() {
        let settings = DistributorSettings {
            points_approved: Some(3),
            bot_token: Some(String::new()),
            ..DistributorSettings::default()
        };
        assert_eq!(
            serde_json::to_value(&settings).unwrap(),
            serde_json::json!({"points_approved": 3, "bot_token": ""})
        );
        let user = UserChanges {
            active: Some(false),
            ..UserChanges::default()
        };
        assert_eq!(
            serde_json::to_value(&user).unwrap(),
            serde_json::json!({"active": false})
        );
        assert_eq!(
            serde_json::to_value(PdvTypeChanges::default()).unwrap(),
            serde_json::json!({})
        );
    }

    #[test]
    fn the_alerts_recipient_keeps_its_three_states_from_the_ui_to_the_api() {
        let cases = [
            (
                r#"{"points_approved": 2}"#,
                None,
                serde_json::json!({"points_approved": 2}),
            ),
            (
                r#"{"admin_telegram_id": null}"#,
                Some(None),
                serde_json::json!({"admin_telegram_id": null}),
            ),
            (
                r#"{"admin_telegram_id": 42}"#,
                Some(Some(42)),
                serde_json::json!({"admin_telegram_id": 42}),
            ),
        ];
        for (from_ui, parsed, to_api) in cases {
            let settings: DistributorSettings = serde_json::from_str(from_ui).unwrap();
            assert_eq!(settings.admin_telegram_id, parsed, "{from_ui}");
            assert_eq!(serde_json::to_value(&settings).unwrap(), to_api, "{from_ui}");
        }
    }

    #[test]
    fn a_missing_optional_field_from_the_ui_is_none() {
        let changes: UserChanges = serde_json::from_str(r#"{"role": "viewer"}"#).unwrap();
        assert_eq!(changes.role, Some(Role::Viewer));
        assert_eq!(changes.password, None);
    }

    #[test]
    fn secrets_never_reach_debug() {
        let settings = DistributorSettings {
            bot_token: Some(BOT_TOKEN.into()),
            ..DistributorSettings::default()
        };
        let new = NewDistributorInput {
            name: "Norte".into(),
            time_zone: None,
            admin_telegram_id: None,
            bot_token: Some(BOT_TOKEN.into()),
        };
        let user = NewUserInput {
            username: "sofia".into(),
            display_name: None,
            role: Role::Supervisor,
            password: "secreto-123".into(),
        };
        let changes = UserChanges {
            password: Some("secreto-123".into()),
            ..UserChanges::default()
        };
        let tv = NewTvToken {
            token: "f00dfeed".into(),
            tv_token: TvToken {
                id: 1,
                distributor_id: 1,
                label: "Salón".into(),
                created_at: "2025-01-01T00:00:00Z".into(),
                last_used_at: None,
                revoked_at: None,
            },
        };
        let printed = format!("{settings:?} {new:?} {user:?} {changes:?} {tv:?}");
        for secret in ["AAHdqTcv", "secreto-123", "f00dfeed"] {
            assert!(!printed.contains(secret), "{secret} in {printed}");
        }
        assert!(printed.contains("Salón") && printed.contains("sofia"), "{printed}");
    }

    #[test]
    fn members_are_named_like_the_listings() {
        let member = |first: &str, last: Option<&str>, username: Option<&str>| Member {
            id: 1,
            distributor_id: 1,
            telegram_user_id: 7,
            first_name: first.into(),
            last_name: last.map(Into::into),
            username: username.map(Into::into),
            role: MemberRole::Vendor,
            active: true,
            created_at: String::new(),
            updated_at: String::new(),
        };
        assert_eq!(member("Ana", Some("Paz"), None).name(), "Ana Paz");
        assert_eq!(member("Ana", None, Some("ana")).name(), "Ana");
        assert_eq!(member("", None, Some("ana")).name(), "@ana");
    }
}
