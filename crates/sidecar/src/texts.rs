//! How the command line says things to people, in Spanish (es-AR): errors,
//! dates, sizes and figures with a decimal comma. `--json` output never goes
//! through here: it stays machine-readable. Log lines (`tracing`) stay in
//! English for the operators' searches.

use std::fmt::Display;

use centermind_core::domain::roles::AccessError;
use centermind_core::{Error, messages};
use chrono::{DateTime, TimeZone};

/// An error that reached `main`, in Spanish: the contexts and causes one after
/// the other (as `{:#}` joins them), the core's errors in their Spanish wording.
pub fn error_message(err: &anyhow::Error) -> String {
    let mut parts = Vec::new();
    for cause in err.chain() {
        if let Some(core) = cause.downcast_ref::<Error>() {
            parts.push(core_error(core));
            // What caused it is already in that text.
            break;
        }
        parts.push(cause.to_string());
    }
    parts.join(": ")
}

/// A `centermind_core::Error` as the command line says it.
pub fn core_error(e: &Error) -> String {
    match e {
        Error::NotFound { entity } => format!("No se encontró {}.", entity_name(entity)),
        Error::AlreadyExists { entity, detail } => messages::already_exists(entity, detail),
        Error::Invalid { field, reason } => format!("Datos inválidos: {field}: {reason}"),
        Error::CustomerNumber(e) => messages::customer_number_error(*e),
        Error::Evaluation(e) => messages::evaluation_error(e),
        Error::Access(e) => access_error(e).to_string(),
        Error::Schedule(e) => messages::schedule_error(e),
        Error::Config(why) => format!("Error de configuración: {why}"),
        Error::Database(e) => format!("Error de la base de datos: {e}"),
        Error::Commit(why) => format!("Error de la base de datos: no se guardó nada (falló el COMMIT): {why}"),
        Error::Migration(e) => format!("Error al actualizar la base de datos (migraciones): {e}"),
        Error::Io(e) => format!("Error de disco: {e}"),
        Error::PasswordHash(why) => format!("Error al procesar la contraseña: {why}"),
    }
}

/// The thing `Error::NotFound` names, with its article.
fn entity_name(entity: &str) -> String {
    match entity {
        "distributor" => "la distribuidora",
        "exhibition" => "la exhibición",
        "group" => "el grupo",
        "job" => "la tarea programada",
        "member" => "el miembro",
        "pdv type" => "el tipo de PDV",
        "photo" => "la foto",
        "submission" => "la carga",
        "task" => "la tarea",
        "tv token" => "el token de TV",
        "user" => "el usuario",
        other => return format!("«{other}»"),
    }
    .to_string()
}

fn access_error(e: &AccessError) -> &'static str {
    match e {
        AccessError::RoleTooLow { .. } => "Tu rol no permite esta acción.",
        AccessError::OtherTenant => "Es de otra distribuidora.",
        AccessError::Inactive => "El usuario está inactivo.",
    }
}

/// `22/11/2026 03:00 -03` (or `UTC`), on the wall clock of `t`'s time zone.
pub fn date_time<Tz: TimeZone>(t: &DateTime<Tz>) -> String
where
    Tz::Offset: Display,
{
    t.format("%d/%m/%Y %H:%M %Z").to_string()
}

/// [`date_time`] with seconds: `22/11/2026 03:00:05 UTC`.
pub fn date_time_seconds<Tz: TimeZone>(t: &DateTime<Tz>) -> String
where
    Tz::Offset: Display,
{
    t.format("%d/%m/%Y %H:%M:%S %Z").to_string()
}

/// `3,4` for `decimal(3.42, 1)`.
pub fn decimal(value: f64, places: usize) -> String {
    format!("{value:.places$}").replace('.', ",")
}

/// `250 ms`, `3,4 s`.
pub fn duration(d: chrono::Duration) -> String {
    let ms = d.num_milliseconds().max(0);
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{} s", decimal(d.as_seconds_f64(), 1))
    }
}

/// `12,3 MB`.
pub fn human_size(bytes: u64) -> String {
    let (value, unit) = match bytes {
        b if b >= 1 << 30 => (b as f64 / f64::from(1u32 << 30), "GB"),
        b if b >= 1 << 20 => (b as f64 / f64::from(1u32 << 20), "MB"),
        b if b >= 1 << 10 => (b as f64 / 1024.0, "KB"),
        b => return format!("{b} B"),
    };
    format!("{} {unit}", decimal(value, 1))
}

/// Whether an answer to a yes/no question is a yes: `s`, `si`, `sí` (and, for
/// fingers used to English, `y`, `yes`), in any case.
pub fn is_yes(answer: &str) -> bool {
    matches!(answer.trim().to_lowercase().as_str(), "s" | "si" | "sí" | "y" | "yes")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(2048), "2,0 KB");
        assert_eq!(human_size(12_900_000), "12,3 MB");
        assert_eq!(human_size(3 << 30), "3,0 GB");
    }

    #[test]
    fn figures_and_dates_are_written_the_argentine_way() {
        assert_eq!(decimal(3.46, 1), "3,5");
        assert_eq!(decimal(12.0, 0), "12");
        assert_eq!(duration(chrono::Duration::milliseconds(250)), "250 ms");
        assert_eq!(duration(chrono::Duration::milliseconds(3400)), "3,4 s");
        let t = DateTime::parse_from_rfc3339("2026-11-22T06:00:05Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(date_time(&t), "22/11/2026 06:00 UTC");
        assert_eq!(date_time_seconds(&t), "22/11/2026 06:00:05 UTC");
        let tz: chrono_tz::Tz = "America/Argentina/Buenos_Aires".parse().unwrap();
        assert_eq!(date_time(&t.with_timezone(&tz)), "22/11/2026 03:00 -03");
    }

    #[test]
    fn yes_is_si_or_yes() {
        for yes in ["s", "si", "sí", "Sí", "SI", " y\n", "yes", "YES"] {
            assert!(is_yes(yes), "{yes:?}");
        }
        for no in ["", "n", "no", "sip", "quizás", "yess"] {
            assert!(!is_yes(no), "{no:?}");
        }
    }

    #[test]
    fn core_errors_are_said_in_spanish_without_repeating_their_cause() {
        let not_found = anyhow::Error::from(Error::NotFound { entity: "job" });
        assert_eq!(error_message(&not_found), "No se encontró la tarea programada.");
        let exists = anyhow::Error::from(Error::AlreadyExists {
            entity: "distributor",
            detail: "Sur".into(),
        });
        assert_eq!(error_message(&exists), "Ya existe una distribuidora con ese nombre.");
        let invalid = anyhow::Error::from(Error::invalid("password", "debe tener al menos 8 caracteres"))
            .context("no se creó el usuario");
        assert_eq!(
            error_message(&invalid),
            "no se creó el usuario: Datos inválidos: password: debe tener al menos 8 caracteres"
        );
        let io = anyhow::Error::from(Error::Io(std::io::Error::other("disco lleno")));
        assert_eq!(error_message(&io), "Error de disco: disco lleno");
        let plain = anyhow::anyhow!("causa").context("contexto");
        assert_eq!(error_message(&plain), "contexto: causa");
    }
}
