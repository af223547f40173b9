//! User-facing texts produced by the backend (bot replies, API error
//! messages), in Spanish (es-AR). Code refers to them by function so that
//! every string lives in this one catalogue.

use crate::domain::customer_number::{CustomerNumberError, MAX_DIGITS};
use crate::domain::exhibition::{EvaluationError, ExhibitionStatus};
use crate::domain::schedule::ScheduleError;

pub fn customer_number_error(err: CustomerNumberError) -> String {
    let why = match err {
        CustomerNumberError::Empty => "No recibí ningún número.".to_string(),
        CustomerNumberError::NotDigits => "El número de cliente solo puede tener dígitos.".to_string(),
        CustomerNumberError::TooLong => {
            format!("El número de cliente puede tener hasta {MAX_DIGITS} dígitos.")
        }
    };
    format!("{why} Escribilo de nuevo, por ejemplo: 10452")
}

pub fn status_label(status: ExhibitionStatus) -> &'static str {
    match status {
        ExhibitionStatus::Pending => "Pendiente de evaluación",
        ExhibitionStatus::Approved => "Aprobada",
        ExhibitionStatus::Rejected => "Rechazada",
        ExhibitionStatus::Highlighted => "Destacada",
    }
}

/// Column titles of the exhibition export (CSV and XLSX), in order.
pub const REPORT_COLUMNS: [&str; 13] = [
    "ID",
    "Enviada",
    "Evaluada",
    "Grupo",
    "Vendedor",
    "Nº de cliente",
    "Tipo de PDV",
    "Estado",
    "Evaluó",
    "Comentario",
    "Motivo de rechazo",
    "Fotos",
    "Posible duplicado",
];

pub fn yes_no(value: bool) -> &'static str {
    if value { "Sí" } else { "No" }
}

/// A 409: what already exists (`entity` as `Error::AlreadyExists` names it; `detail`
/// is the name, username or chat id that collided).
pub fn already_exists(entity: &str, detail: &str) -> String {
    match entity {
        "distributor" => "Ya existe una distribuidora con ese nombre.".to_string(),
        "user" => format!("Ya existe el usuario «{detail}»: elegí otro nombre de usuario."),
        "group" => format!("Ese grupo de Telegram ({detail}) ya está registrado."),
        "pdv type" => format!("Ya existe el tipo de PDV «{detail}» en esta distribuidora."),
        _ => format!("Ya existe: {detail}."),
    }
}

pub fn evaluation_error(err: &EvaluationError) -> String {
    match err {
        EvaluationError::NotAllowed(_) => "Tu rol no permite evaluar exhibiciones.".into(),
        EvaluationError::Conflict { current, .. } => format!(
            "Otra persona evaluó esta exhibición mientras la mirabas. Estado actual: {}.",
            status_label(*current)
        ),
        EvaluationError::Unchanged(s) => {
            format!("La exhibición ya está {}.", status_label(*s).to_lowercase())
        }
        EvaluationError::ReasonRequired => "Para rechazar hace falta indicar un motivo.".into(),
        EvaluationError::TextTooLong => "El comentario es demasiado largo.".into(),
    }
}

/// Why a scheduled job's schedule or time zone was refused, with examples.
pub fn schedule_error(err: &ScheduleError) -> String {
    const EXAMPLES: &str = "Ejemplos: \"every 15m\", \"every 2h\", \"daily 03:00\".";
    match err {
        ScheduleError::Empty => format!("Falta la programación. {EXAMPLES}"),
        ScheduleError::Unrecognised(s) => format!("No entiendo la programación \"{s}\". {EXAMPLES}"),
        ScheduleError::BadInterval(s) => {
            format!("El intervalo \"{s}\" no es válido: escribí minutos (\"every 15m\") u horas (\"every 2h\").")
        }
        ScheduleError::TooShort => "El intervalo mínimo es de 1 minuto.".into(),
        ScheduleError::TooLong => {
            "El intervalo máximo es de 7 días (\"every 168h\"); para una vez por día usá \"daily HH:MM\".".into()
        }
        ScheduleError::BadTime(s) => {
            format!("La hora \"{s}\" no es válida: usá HH:MM de 24 horas, por ejemplo \"daily 03:00\".")
        }
        ScheduleError::UnknownTimeZone(s) => format!(
            "No conozco la zona horaria \"{s}\". Usá un nombre IANA, por ejemplo America/Argentina/Buenos_Aires."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customer_number_errors_explain_and_give_an_example() {
        for e in [
            CustomerNumberError::Empty,
            CustomerNumberError::NotDigits,
            CustomerNumberError::TooLong,
        ] {
            let m = customer_number_error(e);
            assert!(m.contains("por ejemplo"), "{m}");
        }
        assert!(customer_number_error(CustomerNumberError::TooLong).contains("12"));
    }

    #[test]
    fn schedule_errors_say_what_is_wrong_in_spanish() {
        let m = schedule_error(&ScheduleError::Unrecognised("weekly".into()));
        assert!(m.contains("weekly") && m.contains("daily 03:00"), "{m}");
        assert!(schedule_error(&ScheduleError::TooShort).contains("1 minuto"));
        let m = schedule_error(&ScheduleError::UnknownTimeZone("Mars/Base".into()));
        assert!(m.contains("Mars/Base") && m.contains("zona horaria"), "{m}");
    }

    #[test]
    fn conflict_message_names_the_current_state() {
        let m = evaluation_error(&EvaluationError::Conflict {
            expected: ExhibitionStatus::Pending,
            current: ExhibitionStatus::Rejected,
        });
        assert!(m.contains("Rechazada"), "{m}");
    }
}
