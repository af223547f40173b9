//! Reading the values of the old Python system's database (`centermind.db`
//! of the Streamlit era) into ours. Pure: the import itself is in
//! `store::legacy_import`.
//!
//! The old schema is documented column by column in the project document
//! (`distribuidores`, `exhibiciones`); its values were typed by hand or by
//! Python, so every reader here accepts the shapes seen there and says
//! clearly what it cannot read instead of guessing.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::exhibition::ExhibitionStatus;
use super::roles::MemberRole;
use super::time_zone::resolve_local;

/// Why one old row could not be imported. The texts are shown to the admin
/// running the import, in Spanish like every other validation message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowProblem {
    #[error("estado desconocido «{0}» (se esperaba Pendiente, Aprobado, Rechazado o Destacado)")]
    UnknownStatus(String),
    #[error("falta {0}")]
    Missing(&'static str),
    #[error("{field} ilegible: «{value}»")]
    Unreadable { field: &'static str, value: String },
    #[error("la distribuidora {0} no está en la tabla distribuidores")]
    UnknownDistributor(String),
}

/// The old verdict names (`estado`): Spanish, capitalised, sometimes in the
/// feminine ("Aprobada") or upper case.
pub fn parse_status(raw: &str) -> Result<ExhibitionStatus, RowProblem> {
    let folded = fold(raw);
    let status = match folded.as_str() {
        "pendiente" => ExhibitionStatus::Pending,
        "aprobado" | "aprobada" => ExhibitionStatus::Approved,
        "rechazado" | "rechazada" => ExhibitionStatus::Rejected,
        "destacado" | "destacada" => ExhibitionStatus::Highlighted,
        _ => return Err(RowProblem::UnknownStatus(raw.trim().to_string())),
    };
    Ok(status)
}

/// An old timestamp as a UTC instant. Accepted: RFC 3339 / ISO 8601 with an
/// offset (`2025-03-01T14:22:05-03:00`, `…Z`), the same without an offset
/// (what Python's `str(datetime.now())` and SQLite's `CURRENT_TIMESTAMP`
/// write: `2025-03-01 14:22:05[.123456]`, also with `T` or without seconds),
/// a bare date, and Unix time in seconds or milliseconds. A time without an
/// offset is wall-clock time in `zone`.
pub fn parse_time(raw: &str, zone: Tz, field: &'static str) -> Result<DateTime<Utc>, RowProblem> {
    let text = raw.trim();
    let unreadable = || RowProblem::Unreadable {
        field,
        value: text.chars().take(40).collect(),
    };
    if text.is_empty() {
        return Err(RowProblem::Missing(field));
    }
    if let Some(epoch) = parse_epoch(text) {
        return Ok(epoch);
    }
    let iso = text.replacen(' ', "T", 1);
    if let Ok(t) = DateTime::parse_from_rfc3339(&iso) {
        return Ok(t.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%#z", "%Y-%m-%dT%H:%M%#z"] {
        if let Ok(t) = DateTime::parse_from_str(&iso, format) {
            return Ok(t.with_timezone(&Utc));
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(&iso, format) {
            return Ok(resolve_local(zone, local));
        }
    }
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(resolve_local(zone, day.and_hms_opt(0, 0, 0).ok_or_else(unreadable)?));
    }
    Err(unreadable())
}

/// Unix time: 9–10 digits are seconds (2001–2286), 12–13 milliseconds.
fn parse_epoch(text: &str) -> Option<DateTime<Utc>> {
    let digits = text.strip_suffix(".0").unwrap_or(text);
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let n: i64 = digits.parse().ok()?;
    match digits.len() {
        9 | 10 => Utc.timestamp_opt(n, 0).single(),
        12 | 13 => Utc.timestamp_millis_opt(n).single(),
        _ => None,
    }
}

/// An integer column of the old database: SQLite may hold it as an integer,
/// as text, or as a real written by Python (`-1001234567890.0`).
pub fn parse_integer(raw: &str) -> Option<i64> {
    let text = raw.trim();
    if let Ok(n) = text.parse::<i64>() {
        return Some(n);
    }
    let whole = text.strip_suffix(".0")?;
    whole.parse::<i64>().ok()
}

/// The Google Drive file ids in the old `url_foto_drive`: one link per photo,
/// or several (a burst) separated by commas, semicolons, `|` or whitespace.
/// Links that do not name a Drive file are left out (see [`photo_links`]).
pub fn drive_file_id(link: &str) -> Option<String> {
    let link = link.trim();
    let id = if let Some(rest) = link.split("/d/").nth(1).filter(|_| link.contains("google.com/")) {
        // https://drive.google.com/file/d/<id>/view?usp=…
        rest.split(['/', '?', '#']).next().unwrap_or_default()
    } else if link.contains("google.com/") || link.contains("googleusercontent.com/") {
        // https://drive.google.com/open?id=<id>, …/uc?export=view&id=<id>, …/thumbnail?id=<id>
        let query = link.split_once('?').map(|(_, q)| q).unwrap_or_default();
        query
            .split(['&', '#'])
            .find_map(|pair| pair.strip_prefix("id="))
            .unwrap_or_default()
    } else {
        // A bare file id, as some scripts stored it.
        link
    };
    let valid = id.len() >= 10 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    valid.then(|| id.to_string())
}

/// The separate links of an old `url_foto_drive` value, in order.
pub fn photo_links(raw: &str) -> Vec<String> {
    raw.split([',', ';', '|', ' ', '\n', '\r', '\t'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The old `rol_telegram` of a Telegram member.
pub fn parse_member_role(raw: &str) -> Option<MemberRole> {
    match fold(raw).as_str() {
        "vendedor" | "vendedora" | "vendor" => Some(MemberRole::Vendor),
        "supervisor" | "supervisora" => Some(MemberRole::Supervisor),
        "admin" | "administrador" | "administradora" => Some(MemberRole::Admin),
        _ => None,
    }
}

/// Whether an old `estado` of a distributor means active (`'activo'`); an
/// empty value is read as active, the old default.
pub fn distributor_active(raw: Option<&str>) -> bool {
    !matches!(
        raw.map(fold).as_deref(),
        Some("inactivo" | "inactiva" | "0" | "false" | "no")
    )
}

/// A portal username for a supervisor known only by name in the old system
/// (`supervisor_nombre`): "María José Pérez" → `maria.jose.perez`.
pub fn username_from_name(name: &str) -> String {
    let mut out = String::new();
    for word in fold(name).split(|c: char| !c.is_ascii_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('.');
        }
        out.push_str(word);
    }
    out.truncate(30);
    let out = out.trim_end_matches('.').to_string();
    if out.chars().count() < 3 {
        format!("supervisor.{out}").trim_end_matches('.').to_string()
    } else {
        out
    }
}

/// Lower case without the Spanish accents, trimmed: how names are compared
/// ("Almacen" is the "Almacén" the new system already has).
pub fn fold(text: &str) -> String {
    text.trim()
        .chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'ä' | 'â' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' => 'n',
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const AR: Tz = chrono_tz::America::Argentina::Buenos_Aires;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn old_verdict_names_map_to_statuses_and_others_are_refused() {
        assert_eq!(parse_status("Pendiente"), Ok(ExhibitionStatus::Pending));
        assert_eq!(parse_status(" APROBADO "), Ok(ExhibitionStatus::Approved));
        assert_eq!(parse_status("Aprobada"), Ok(ExhibitionStatus::Approved));
        assert_eq!(parse_status("rechazado"), Ok(ExhibitionStatus::Rejected));
        assert_eq!(parse_status("Destacado"), Ok(ExhibitionStatus::Highlighted));
        assert_eq!(
            parse_status("En revisión"),
            Err(RowProblem::UnknownStatus("En revisión".into()))
        );
        assert_eq!(parse_status(""), Err(RowProblem::UnknownStatus(String::new())));
    }

    #[test]
    fn times_without_an_offset_are_read_in_the_zone_and_with_one_as_written() {
        // Buenos Aires is UTC−3 all year.
        assert_eq!(
            parse_time("2025-03-01 14:22:05", AR, "t"),
            Ok(utc("2025-03-01T17:22:05Z"))
        );
        assert_eq!(
            parse_time("2025-03-01 14:22:05.250000", AR, "t"),
            Ok(utc("2025-03-01T17:22:05.25Z"))
        );
        assert_eq!(parse_time("2025-03-01T14:22", AR, "t"), Ok(utc("2025-03-01T17:22:00Z")));
        assert_eq!(parse_time("2025-03-01", AR, "t"), Ok(utc("2025-03-01T03:00:00Z")));
        assert_eq!(
            parse_time("2025-03-01 14:22:05", chrono_tz::UTC, "t"),
            Ok(utc("2025-03-01T14:22:05Z"))
        );
        assert_eq!(
            parse_time("2025-03-01T14:22:05-03:00", chrono_tz::UTC, "t"),
            Ok(utc("2025-03-01T17:22:05Z"))
        );
        assert_eq!(
            parse_time("2025-03-01 14:22:05Z", AR, "t"),
            Ok(utc("2025-03-01T14:22:05Z"))
        );
        assert_eq!(
            parse_time("2025-03-01 14:22:05+0000", AR, "t"),
            Ok(utc("2025-03-01T14:22:05Z"))
        );
        assert_eq!(parse_time("1740849725", AR, "t"), Ok(utc("2025-03-01T17:22:05Z")));
        assert_eq!(parse_time("1740849725000", AR, "t"), Ok(utc("2025-03-01T17:22:05Z")));
    }

    #[test]
    fn unreadable_or_missing_times_say_which_field() {
        assert_eq!(
            parse_time("  ", AR, "timestamp_subida"),
            Err(RowProblem::Missing("timestamp_subida"))
        );
        let err = parse_time("ayer a la tarde", AR, "timestamp_subida").unwrap_err();
        assert_eq!(err.to_string(), "timestamp_subida ilegible: «ayer a la tarde»");
        assert!(parse_time("2025-13-01 10:00:00", AR, "t").is_err());
        assert!(parse_time("12345", AR, "t").is_err(), "too short for Unix time");
    }

    #[test]
    fn integers_come_as_integers_text_or_python_reals() {
        assert_eq!(parse_integer("-1001234567890"), Some(-1_001_234_567_890));
        assert_eq!(parse_integer(" 42 "), Some(42));
        assert_eq!(parse_integer("-1001234567890.0"), Some(-1_001_234_567_890));
        assert_eq!(parse_integer("12.5"), None);
        assert_eq!(parse_integer("abc"), None);
    }

    #[test]
    fn drive_links_of_every_shape_give_their_file_id() {
        let id = "1AbC-dEf_GhIjKlMnOpQrStUv";
        for link in [
            format!("https://drive.google.com/file/d/{id}/view?usp=drivesdk"),
            format!("https://drive.google.com/file/d/{id}"),
            format!("https://drive.google.com/open?id={id}"),
            format!("https://drive.google.com/uc?export=view&id={id}"),
            format!("https://docs.google.com/uc?id={id}&export=download"),
            format!("https://drive.google.com/thumbnail?id={id}&sz=w1000"),
            id.to_string(),
        ] {
            assert_eq!(drive_file_id(&link).as_deref(), Some(id), "{link}");
        }
        assert_eq!(drive_file_id("https://example.com/foto.jpg"), None);
        assert_eq!(drive_file_id("C:\\fotos\\a.jpg"), None);
        assert_eq!(drive_file_id("short"), None);
    }

    #[test]
    fn a_burst_of_links_splits_into_photos_in_order() {
        assert_eq!(photo_links("a, b;c | d\ne"), vec!["a", "b", "c", "d", "e"]);
        assert!(photo_links("  ").is_empty());
    }

    #[test]
    fn member_roles_and_distributor_states_read_the_old_words() {
        assert_eq!(parse_member_role("Vendedor"), Some(MemberRole::Vendor));
        assert_eq!(parse_member_role("supervisor"), Some(MemberRole::Supervisor));
        assert_eq!(parse_member_role("Administrador"), Some(MemberRole::Admin));
        assert_eq!(parse_member_role("jefe"), None);
        assert!(distributor_active(Some("activo")));
        assert!(distributor_active(None));
        assert!(!distributor_active(Some("Inactivo")));
    }

    #[test]
    fn usernames_from_names_are_plain_ascii_and_long_enough() {
        assert_eq!(username_from_name("María José Pérez"), "maria.jose.perez");
        assert_eq!(username_from_name("  Ñoño  "), "nono");
        assert_eq!(username_from_name("Jo"), "supervisor.jo");
        assert_eq!(username_from_name("!!"), "supervisor");
        assert!(username_from_name(&"a ".repeat(40)).len() <= 30);
    }
}
