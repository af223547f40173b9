//! What the commands exchange with the UI: the API's JSON shapes, typed for
//! TypeScript by specta. Field names follow the HTTP API (snake_case).

use serde::{Deserialize, Serialize};

pub mod admin;
pub mod audit;
pub mod jobs;
pub mod legacy;
pub mod work;

/// Role of a portal user, ordered by privilege.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Viewer,
    Supervisor,
    Admin,
    Superadmin,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub distributor_id: Option<i64>,
    /// The distributor's name (`null` for the superadmin, and from a server
    /// older than this field).
    #[serde(default)]
    pub distributor_name: Option<String>,
}

/// The signed-in session as the UI sees it (never the token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct SessionInfo {
    pub user: User,
    pub server_url: String,
    /// RFC 3339, when the server ends the session; unknown after a restore.
    pub expires_at: Option<String>,
    /// The token is kept in the OS credential store for the next start.
    pub remembered: bool,
    /// "Recordarme" was asked for but the credential store refused it.
    pub remember_failed: bool,
}

/// This computer as the office TV: it shows one distributor's ranking with a TV
/// token instead of a person's session (the token itself stays in Rust).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct KioskInfo {
    pub server_url: String,
    pub distributor_name: String,
}

/// What `GET /api/v1/health` tells about a server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ServerInfo {
    /// The normalised base address the app will use.
    pub url: String,
    pub version: String,
    pub status: String,
    pub database: String,
    /// RFC 3339: when the server's service (re)started (`null` from an older server).
    pub started_at: Option<String>,
    /// The backup this start of the server restored, if it did.
    pub restored_from: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum ExhibitionStatus {
    Pending,
    Approved,
    Rejected,
    Highlighted,
}

impl ExhibitionStatus {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Highlighted => "highlighted",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Approved,
    Rejected,
    Highlighted,
}

/// One exhibition in a listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ExhibitionSummary {
    /// UUID.
    pub id: String,
    pub distributor_id: i64,
    pub group_id: i64,
    pub group_title: String,
    pub vendor_id: i64,
    pub vendor_name: String,
    pub customer_number: String,
    pub pdv_type_id: i64,
    pub pdv_type_name: String,
    pub status: ExhibitionStatus,
    pub evaluator_name: Option<String>,
    pub comment: Option<String>,
    pub rejection_reason: Option<String>,
    /// RFC 3339 UTC.
    pub submitted_at: String,
    pub evaluated_at: Option<String>,
    /// `YYYY-MM-DD HH:MM` in the distributor's time zone.
    pub submitted_at_local: String,
    pub evaluated_at_local: Option<String>,
    pub possible_duplicate: bool,
    pub photo_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Photo {
    /// 1-based order within the burst.
    pub position: i64,
    /// Present once the photo file is stored (otherwise it cannot be shown yet).
    pub storage_key: Option<String>,
    /// `failed`: the server gave up on it (too big, gone from Drive); it will not come.
    #[serde(default)]
    pub upload_state: UploadState,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub size_bytes: Option<i64>,
}

/// Where the server's copy of a photo stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum UploadState {
    /// On its way (an older server that does not say is read as this).
    #[default]
    Pending,
    Stored,
    Failed,
}

/// One verdict in an exhibition's history (append-only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct EvaluationEvent {
    pub id: i64,
    pub actor_name: Option<String>,
    pub from_status: ExhibitionStatus,
    pub to_status: ExhibitionStatus,
    pub comment: Option<String>,
    pub reason: Option<String>,
    pub created_at: String,
    /// Carried over from the old system by the legacy import (absent from older servers).
    #[serde(default)]
    pub imported: bool,
}

/// An exhibition with its photos and history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ExhibitionDetail {
    #[serde(flatten)]
    pub summary: ExhibitionSummary,
    pub photos: Vec<Photo>,
    pub history: Vec<EvaluationEvent>,
    /// IANA name, e.g. `America/Argentina/Buenos_Aires`.
    pub time_zone: String,
    /// The earlier exhibition this one may repeat (same photo, same bytes or a
    /// look-alike), when the server found one.
    #[serde(default)]
    pub duplicate_of: Option<DuplicateOf>,
    /// When that earlier exhibition was submitted, in the distributor's zone.
    #[serde(default)]
    pub duplicate_of_submitted_at_local: Option<String>,
}

/// The earlier submission a possible duplicate points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct DuplicateOf {
    pub id: String,
    /// RFC 3339, UTC.
    pub submitted_at: String,
    /// The position of this exhibition's photo that looks like one of the earlier
    /// exhibition's (an older server does not say).
    #[serde(default)]
    pub photo_position: Option<i64>,
    /// The position of that earlier photo.
    #[serde(default)]
    pub earlier_photo_position: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ExhibitionPage {
    pub items: Vec<ExhibitionSummary>,
    /// Pass back as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// How many exhibitions match a listing's conditions, and the oldest of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ExhibitionCount {
    pub count: u32,
    /// RFC 3339, UTC; `null` when none matches. For the pending ones: the longest wait.
    pub oldest_submitted_at: Option<String>,
    /// The same in the distributor's time zone (`2026-11-23 09:15`).
    pub oldest_submitted_at_local: Option<String>,
}

/// Listing conditions; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct ExhibitionFilter {
    pub status: Option<ExhibitionStatus>,
    pub group: Option<i64>,
    pub vendor: Option<i64>,
    pub pdv_type: Option<i64>,
    /// RFC 3339: submitted at or after.
    pub from: Option<String>,
    /// RFC 3339: submitted before.
    pub to: Option<String>,
    pub possible_duplicate: Option<bool>,
    /// One shop's customer number, as typed (the server ignores spaces, dots and dashes).
    pub customer: Option<String>,
    /// Superadmins only: which distributor.
    pub distributor: Option<i64>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

impl ExhibitionFilter {
    /// The query string pairs, in a fixed order, for the fields that are set.
    #[must_use]
    pub fn query(&self) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        if let Some(s) = self.status {
            q.push(("status", s.as_str().to_string()));
        }
        let numbers = [
            ("group", self.group),
            ("vendor", self.vendor),
            ("pdv_type", self.pdv_type),
            ("distributor", self.distributor),
        ];
        for (name, value) in numbers {
            if let Some(v) = value {
                q.push((name, v.to_string()));
            }
        }
        let texts = [
            ("from", &self.from),
            ("to", &self.to),
            ("customer", &self.customer),
            ("cursor", &self.cursor),
        ];
        for (name, value) in texts {
            if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                q.push((name, v.to_string()));
            }
        }
        if let Some(d) = self.possible_duplicate {
            q.push(("possible_duplicate", d.to_string()));
        }
        if let Some(l) = self.limit {
            q.push(("limit", l.to_string()));
        }
        q
    }
}

/// The first-run form of a fresh install: the first distributor and the
/// superadmin who will log in.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct FirstSetupInput {
    pub distributor_name: String,
    /// IANA zone; the server's default (Buenos Aires) when absent.
    pub time_zone: Option<String>,
    pub username: String,
    pub display_name: Option<String>,
    pub password: String,
}

// Hand-written so the password never reaches a log line.
impl std::fmt::Debug for FirstSetupInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FirstSetupInput")
            .field("distributor_name", &self.distributor_name)
            .field("time_zone", &self.time_zone)
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// A supervisor's decision on one exhibition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct EvaluationInput {
    pub verdict: Verdict,
    /// The status the supervisor saw (the server refuses with a conflict otherwise).
    pub expected_status: ExhibitionStatus,
    pub comment: Option<String>,
    /// Required when rejecting.
    pub reason: Option<String>,
}

/// One choice of a listing filter (a group, a vendor or a PDV type).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct FilterChoice {
    pub id: i64,
    pub name: String,
    pub active: bool,
}

/// What the filters of the visor and the history can offer. `groups` and
/// `vendors` come from the administration endpoints and are `null` when the
/// role may not read them (the UI then offers those seen in the listings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct FilterChoices {
    pub groups: Option<Vec<FilterChoice>>,
    pub vendors: Option<Vec<FilterChoice>>,
    pub pdv_types: Vec<FilterChoice>,
}

/// How the app reaches its server: a saved address, or "este equipo" (a sidecar
/// the app starts itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Connection {
    /// The saved address (in local mode, that of the last run; it may change).
    pub url: Option<String>,
    /// "Este equipo": start the local sidecar before connecting.
    pub local: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Scoring {
    pub approved: i64,
    pub highlighted: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct RankingEntry {
    pub position: u32,
    pub points: i64,
    pub vendor_id: i64,
    pub vendor_name: String,
    pub sent: i64,
    pub pending: i64,
    pub approved: i64,
    pub rejected: i64,
    pub highlighted: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct Ranking {
    pub distributor_id: i64,
    /// Sent by servers since the TV stream; older ones leave it empty.
    #[serde(default)]
    pub distributor_name: String,
    /// `YYYY-MM`.
    pub month: String,
    pub scoring: Scoring,
    pub entries: Vec<RankingEntry>,
}

/// How a unit enum variant is spelled on the wire (its serde name), e.g. for a query string.
#[must_use]
pub fn wire_name(value: &impl Serialize) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// A ready-made report period, in the distributor's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ReportPreset {
    Today,
    Yesterday,
    ThisWeek,
    ThisMonth,
    LastMonth,
    Last30Days,
    Last90Days,
}

/// What a report's figures are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ReportGroupBy {
    Vendor,
    Customer,
    PdvType,
    Group,
    Status,
}

/// Which exhibitions a report covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReportPeriod {
    Preset {
        preset: ReportPreset,
    },
    /// Local dates (`YYYY-MM-DD`) of the distributor, both included.
    Dates {
        from: String,
        to: String,
    },
}

impl ReportPeriod {
    /// The query string pairs the report endpoints take.
    #[must_use]
    pub fn query(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::Preset { preset } => vec![("period", wire_name(preset))],
            Self::Dates { from, to } => vec![("from", from.clone()), ("to", to.clone())],
        }
    }
}

/// `[start, end)` in UTC (RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct PeriodBounds {
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ReportRow {
    pub key: String,
    pub label: String,
    pub sent: i64,
    pub pending: i64,
    pub approved: i64,
    pub rejected: i64,
    pub highlighted: i64,
    /// Approved or highlighted over evaluated; `null` when nothing was evaluated.
    pub approval_rate: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ReportSummary {
    pub distributor_id: i64,
    pub period: PeriodBounds,
    pub group_by: ReportGroupBy,
    pub rows: Vec<ReportRow>,
}

/// The file a report is exported as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

impl ExportFormat {
    #[must_use]
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }
}

/// An exported report, saved on this computer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct SavedReport {
    /// The whole path, to show.
    pub path: String,
    pub file_name: String,
    pub bytes: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_periods_become_the_endpoints_query() {
        let preset = ReportPeriod::Preset {
            preset: ReportPreset::Last30Days,
        };
        assert_eq!(preset.query(), vec![("period", "last30_days".to_string())]);
        let dates = ReportPeriod::Dates {
            from: "2025-01-01".into(),
            to: "2025-01-31".into(),
        };
        assert_eq!(
            dates.query(),
            vec![("from", "2025-01-01".to_string()), ("to", "2025-01-31".to_string())]
        );
    }

    #[test]
    fn filter_query_has_only_the_set_fields() {
        let f = ExhibitionFilter {
            status: Some(ExhibitionStatus::Pending),
            vendor: Some(7),
            from: Some(String::new()),
            cursor: Some("123_abc".into()),
            customer: Some(" 12.345 ".into()),
            possible_duplicate: Some(true),
            limit: Some(20),
            ..ExhibitionFilter::default()
        };
        let q = f.query();
        assert_eq!(
            q,
            vec![
                ("status", "pending".to_string()),
                ("vendor", "7".to_string()),
                ("customer", "12.345".to_string()),
                ("cursor", "123_abc".to_string()),
                ("possible_duplicate", "true".to_string()),
                ("limit", "20".to_string()),
            ]
        );
    }

    #[test]
    fn detail_reads_the_api_shape() {
        let json = serde_json::json!({
            "id": "0195f0a0-0000-7000-8000-000000000001", "distributor_id": 1, "group_id": 2,
            "group_title": "Ventas Sur", "vendor_id": 3, "vendor_name": "Ana", "customer_number": "123",
            "pdv_type_id": 4, "pdv_type_name": "Kiosco", "status": "pending", "evaluator_id": null,
            "evaluator_name": null, "comment": null, "rejection_reason": null,
            "submitted_at": "2025-01-05T14:30:00Z", "evaluated_at": null,
            "confirmation_chat_id": -100123, "confirmation_message_id": 9, "sync_state": "idle",
            "possible_duplicate": true, "photo_count": 2,
            "photos": [{"id": 1, "position": 1, "telegram_file_id": "x", "telegram_file_unique_id": "y",
                        "storage_key": "1/a.jpg", "storage_link": null, "sha256": "ab", "size_bytes": 10,
                        "width": 640, "height": 480, "upload_state": "stored"}],
            "history": [],
            "time_zone": "America/Argentina/Buenos_Aires",
            "submitted_at_local": "2025-01-05 11:30", "evaluated_at_local": null
        });
        let detail: ExhibitionDetail = serde_json::from_value(json).expect("parses");
        assert_eq!(detail.summary.vendor_name, "Ana");
        assert!(detail.summary.possible_duplicate);
        assert_eq!(detail.photos[0].width, Some(640));
        assert_eq!(detail.photos[0].upload_state, UploadState::Stored);
        assert_eq!(detail.time_zone, "America/Argentina/Buenos_Aires");
    }
}
