//! Texts the bots post in the groups, in Spanish (es-AR).
//!
//! Every text is sent as plain text (no `parse_mode`), so names, comments and
//! reasons typed by people are shown as they are and can never break the
//! formatting or make Telegram refuse the message.

use centermind_core::domain::exhibition::ExhibitionStatus;
use centermind_core::messages::status_label;
use centermind_core::store::{DayFigures, ExhibitionSummary};

/// Telegram's limit for a text message, in UTF-16 code units.
pub const MAX_MESSAGE_UTF16: usize = 4096;

/// The first line of a confirmation: an emoji and the status,
/// e.g. "✅ Aprobada" or "⏳ Pendiente de evaluación".
pub fn status_heading(status: ExhibitionStatus) -> String {
    let emoji = match status {
        ExhibitionStatus::Pending => "⏳",
        ExhibitionStatus::Approved => "✅",
        ExhibitionStatus::Rejected => "❌",
        ExhibitionStatus::Highlighted => "⭐",
    };
    format!("{emoji} {}", status_label(status))
}

/// A person's text, trimmed; `None` when blank.
fn present(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|t| !t.is_empty())
}

/// The bot's confirmation message for an exhibition, as it must read now:
/// pending when it was received, then the verdict with who gave it.
///
/// ```text
/// ❌ Rechazada
/// Motivo: Foto borrosa
/// Vendedor: Ana Paz
/// Cliente N°: 10452
/// Tipo de PDV: Autoservicio
/// Fotos: 2
/// Evaluó: Sofía
/// Comentario: Repetir con más luz
/// ```
pub fn confirmation_text(e: &ExhibitionSummary) -> String {
    let mut lines = vec![status_heading(e.status)];
    if e.status == ExhibitionStatus::Rejected
        && let Some(reason) = present(e.rejection_reason.as_deref())
    {
        lines.push(format!("Motivo: {reason}"));
    }
    let vendor = present(Some(&e.vendor_name)).unwrap_or("(sin nombre)");
    lines.push(format!("Vendedor: {vendor}"));
    lines.push(format!("Cliente N°: {}", e.customer_number));
    lines.push(format!("Tipo de PDV: {}", e.pdv_type_name.trim()));
    lines.push(format!("Fotos: {}", e.photo_count));
    if e.status.is_evaluated()
        && let Some(name) = present(e.evaluator_name.as_deref())
    {
        lines.push(format!("Evaluó: {name}"));
    }
    if let Some(comment) = present(e.comment.as_deref()) {
        lines.push(format!("Comentario: {comment}"));
    }
    fit(lines.join("\n"))
}

/// Cut a text to Telegram's length limit (only reachable with very long
/// comments), ending it with "…" so the cut is visible.
fn fit(text: String) -> String {
    if text.encode_utf16().count() <= MAX_MESSAGE_UTF16 {
        return text;
    }
    let mut out = String::new();
    let mut units = 0;
    for c in text.chars() {
        if units + c.len_utf16() > MAX_MESSAGE_UTF16 - 1 {
            break;
        }
        units += c.len_utf16();
        out.push(c);
    }
    out.push('…');
    out
}

// ---------------------------------------------------------------------------
// Intake conversation (one bot per distributor).

/// Asked right after the first photo of a burst.
pub fn ask_customer_number() -> String {
    "📸 ¡Recibí tu foto! ¿Cuál es el número de cliente? Escribilo solo con números, por ejemplo: 10452".into()
}

/// Shown with the PDV type buttons.
pub fn ask_pdv_type(customer_number: &str) -> String {
    format!("Cliente N° {customer_number}. ¿Qué tipo de punto de venta es? Elegí una opción:")
}

/// The keyboard message once a PDV type was chosen (the buttons go away).
pub fn pdv_chosen(customer_number: &str, pdv_type: &str) -> String {
    format!("Cliente N° {customer_number}. Tipo de PDV: {pdv_type} ✔️")
}

/// The distributor has no active PDV types to offer.
pub fn no_pdv_types() -> String {
    "No hay tipos de PDV configurados para tu distribuidora. Avisale a tu supervisor.".into()
}

/// The 6th photo of a burst.
pub fn burst_limit(max_photos: usize) -> String {
    format!(
        "Solo puedo recibir hasta {max_photos} fotos por exhibición. Esta foto no se agregó: si es otra \
         exhibición, mandala cuando termines con esta."
    )
}

/// A new burst replaced an unfinished submission.
pub fn previous_submission_discarded() -> String {
    "La carga anterior quedó sin terminar y la descarté. Sigamos con estas fotos.".into()
}

/// The vendor did not answer in time; nothing was registered.
pub fn submission_expired(minutes: i64) -> String {
    format!(
        "⌛ Pasaron {minutes} minutos sin respuesta y descarté la carga: no se registró nada. \
         Cuando quieras, mandá las fotos de nuevo."
    )
}

/// Video, sticker, voice, non-image document…
pub fn unsupported_media() -> String {
    "Solo puedo registrar fotos (como foto o como archivo de imagen). Videos, stickers, audios y otros \
     archivos no cuentan como exhibición."
        .into()
}

/// Photos outside the distributor's working hours.
pub fn hibernating(opens_at: &str) -> String {
    format!("🌙 Estamos fuera de horario: no registro exhibiciones ahora. Volvé a mandarla desde las {opens_at}.")
}

/// A group that no distributor registered.
pub fn unknown_group() -> String {
    "Este grupo no está registrado en CenterMind, así que no puedo registrar exhibiciones acá. \
     Pedile al administrador de tu distribuidora que lo registre."
        .into()
}

/// Alert to the distributor's admin about an unregistered group.
pub fn admin_unknown_group(title: &str, chat_id: i64) -> String {
    format!("Aviso: el bot recibió mensajes en el grupo \"{title}\" (id {chat_id}), que no está registrado.")
}

/// Help (private chat, /start, /help).
pub fn help() -> String {
    "Hola, soy el bot de exhibiciones de CenterMind.\n\n\
     Cómo cargar una exhibición: en el grupo de tu distribuidora mandá de 1 a 5 fotos, respondé con el número \
     de cliente y elegí el tipo de PDV con los botones. Te confirmo en el grupo y tu supervisor la evalúa.\n\n\
     Comandos:\n\
     /perfil – tus exhibiciones y puntos del mes\n\
     /ranking – los 10 primeros del mes\n\
     /pendientes – exhibiciones sin evaluar (supervisores)\n\
     /stats – cifras de hoy y del mes (administradores)\n\
     /help – esta ayuda"
        .into()
}

/// Callback answers.
pub fn only_the_vendor_may_choose() -> String {
    "Solo quien mandó las fotos puede elegir el tipo de PDV.".into()
}
pub fn submission_no_longer_open() -> String {
    "Esta carga ya no está vigente.".into()
}
pub fn already_registered() -> String {
    "Esta exhibición ya está registrada ✅".into()
}
pub fn registered() -> String {
    "¡Registrada! ✅".into()
}
pub fn option_unavailable() -> String {
    "Esa opción ya no está disponible. Elegí otra.".into()
}

/// Downloads on the cloud Bot API are capped at 20 MB.
pub fn photo_too_big() -> String {
    "⚠️ Una de las fotos pesa más de 20 MB y Telegram no me deja descargarla. La exhibición quedó registrada, \
     pero esa foto no se guardó: mandala de nuevo como foto (no como archivo) o más liviana."
        .into()
}

/// Alert to the distributor's admin after repeated storage failures.
pub fn admin_storage_failing(class: &str, detail: &str) -> String {
    format!(
        "⚠️ CenterMind no logra guardar fotos de exhibiciones ({class}): {detail}. Sigo reintentando; revisá la \
         carpeta de fotos o la conexión."
    )
}

/// Alert to the distributor's admin: the bot stopped after many failures.
pub fn admin_token_in_use() -> String {
    "⚠️ Otro programa está usando el token del bot de CenterMind (¿el sistema anterior sigue encendido, \
     u otro servidor de CenterMind?). Mientras siga, los mensajes de los vendedores se reparten entre los dos \
     y CenterMind no recibe todas las fotos. Apagá el otro programa: CenterMind vuelve a atender solo."
        .into()
}

pub fn admin_bot_failed(detail: &str) -> String {
    format!("⚠️ El bot de CenterMind se detuvo después de muchos errores seguidos: {detail}")
}

/// Member commands.
pub fn not_a_member() -> String {
    "No te encuentro entre los integrantes de la distribuidora. Mandá una foto en el grupo para registrarte.".into()
}
pub fn forbidden(required: &str) -> String {
    format!("Este comando es solo para {required}.")
}

pub struct ProfileFigures<'a> {
    pub name: &'a str,
    pub month: &'a str,
    pub sent: i64,
    pub approved: i64,
    pub rejected: i64,
    pub highlighted: i64,
    pub pending: i64,
    pub points: i64,
    pub position: Option<u32>,
}

pub fn profile(p: &ProfileFigures<'_>) -> String {
    let position = p
        .position
        .map_or_else(|| "sin puesto todavía".to_string(), |n| format!("{n}°"));
    format!(
        "👤 {}\nMes: {}\nEnviadas: {}\nAprobadas: {}\nDestacadas: {}\nRechazadas: {}\nPendientes: {}\n\
         Puntos: {}\nPuesto en el ranking: {position}",
        p.name, p.month, p.sent, p.approved, p.highlighted, p.rejected, p.pending, p.points
    )
}

/// `entries`: (position, name, points).
pub fn ranking(month: &str, entries: &[(u32, String, i64)]) -> String {
    if entries.is_empty() {
        return format!("🏆 Ranking {month}\nTodavía no hay exhibiciones este mes.");
    }
    let mut lines = vec![format!("🏆 Ranking {month}")];
    for (position, name, points) in entries {
        let medal = match position {
            1 => "🥇",
            2 => "🥈",
            3 => "🥉",
            _ => "  ",
        };
        lines.push(format!("{medal} {position}. {name} — {points} pts"));
    }
    fit(lines.join("\n"))
}

pub fn pending_count(n: i64) -> String {
    match n {
        0 => "No hay exhibiciones pendientes de evaluación. 🎉".into(),
        1 => "Hay 1 exhibición pendiente de evaluación.".into(),
        n => format!("Hay {n} exhibiciones pendientes de evaluación."),
    }
}

/// Figures of a period for /stats: (sent, pending, approved, rejected, highlighted).
pub fn stats(today: [i64; 5], month: [i64; 5], month_label: &str) -> String {
    let line = |label: &str, f: [i64; 5]| {
        format!(
            "{label}: {} enviadas · {} pendientes · {} aprobadas · {} rechazadas · {} destacadas",
            f[0], f[1], f[2], f[3], f[4]
        )
    };
    format!("📊 Estadísticas\n{}\n{}", line("Hoy", today), line(month_label, month))
}

/// The daily summary to a distributor's admin (`date` as dd/mm/yyyy).
///
/// ```text
/// 📊 Resumen del 22/11/2026 — Distribuidora del Sur
/// 📥 Recibidas: 12
/// ✅ Aprobadas: 7
/// ⭐ Destacadas: 2
/// ❌ Rechazadas: 1
/// ⏳ Pendientes ahora: 5
/// ```
pub fn daily_summary(distributor: &str, date: &str, f: &DayFigures) -> String {
    fit(format!(
        "📊 Resumen del {date} — {distributor}\n📥 Recibidas: {}\n✅ Aprobadas: {}\n⭐ Destacadas: {}\n\
         ❌ Rechazadas: {}\n⏳ Pendientes ahora: {}",
        f.received, f.approved, f.highlighted, f.rejected, f.pending_now
    ))
}

#[cfg(test)]
mod tests {
    use centermind_core::domain::exhibition::SyncState;

    use super::*;

    fn summary(status: ExhibitionStatus) -> ExhibitionSummary {
        ExhibitionSummary {
            id: uuid::Uuid::nil(),
            distributor_id: 1,
            group_id: 1,
            group_title: "Ventas".into(),
            vendor_id: 1,
            vendor_name: "Ana Paz".into(),
            customer_number: "10452".into(),
            pdv_type_id: 1,
            pdv_type_name: "Autoservicio".into(),
            status,
            evaluator_id: None,
            evaluator_name: None,
            comment: None,
            rejection_reason: None,
            submitted_at: "2026-05-01T12:00:00Z".parse().unwrap(),
            evaluated_at: None,
            confirmation_chat_id: Some(-100),
            confirmation_message_id: Some(5),
            sync_state: SyncState::Idle,
            possible_duplicate: false,
            photo_count: 3,
        }
    }

    fn evaluated(status: ExhibitionStatus, comment: Option<&str>, reason: Option<&str>) -> ExhibitionSummary {
        ExhibitionSummary {
            evaluator_id: Some(9),
            evaluator_name: Some("Sofía".into()),
            comment: comment.map(Into::into),
            rejection_reason: reason.map(Into::into),
            ..summary(status)
        }
    }

    #[test]
    fn the_daily_summary_lists_the_days_figures() {
        let f = DayFigures {
            received: 12,
            approved: 7,
            highlighted: 2,
            rejected: 1,
            pending_now: 5,
        };
        assert_eq!(
            daily_summary("Distribuidora del Sur", "22/11/2026", &f),
            "📊 Resumen del 22/11/2026 — Distribuidora del Sur\n📥 Recibidas: 12\n✅ Aprobadas: 7\n\
             ⭐ Destacadas: 2\n❌ Rechazadas: 1\n⏳ Pendientes ahora: 5"
        );
    }

    #[test]
    fn pending_shows_what_was_received_and_no_evaluator() {
        assert_eq!(
            confirmation_text(&summary(ExhibitionStatus::Pending)),
            "⏳ Pendiente de evaluación\nVendedor: Ana Paz\nCliente N°: 10452\nTipo de PDV: Autoservicio\nFotos: 3"
        );
    }

    #[test]
    fn approved_names_the_supervisor_and_the_comment() {
        assert_eq!(
            confirmation_text(&evaluated(ExhibitionStatus::Approved, Some(" Muy buena "), None)),
            "✅ Aprobada\nVendedor: Ana Paz\nCliente N°: 10452\nTipo de PDV: Autoservicio\nFotos: 3\n\
             Evaluó: Sofía\nComentario: Muy buena"
        );
    }

    #[test]
    fn rejected_puts_the_reason_right_under_the_verdict() {
        let text = confirmation_text(&evaluated(ExhibitionStatus::Rejected, None, Some("Foto borrosa")));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[..2], ["❌ Rechazada", "Motivo: Foto borrosa"]);
        assert!(lines.contains(&"Evaluó: Sofía"));
        assert!(!text.contains("Comentario"));
    }

    #[test]
    fn highlighted_with_one_photo() {
        let e = ExhibitionSummary {
            photo_count: 1,
            ..evaluated(ExhibitionStatus::Highlighted, None, None)
        };
        let text = confirmation_text(&e);
        assert!(text.starts_with("⭐ Destacada\n"), "{text}");
        assert!(text.contains("Fotos: 1\n"), "{text}");
    }

    #[test]
    fn blank_texts_are_left_out_and_markup_is_shown_as_typed() {
        let mut e = evaluated(ExhibitionStatus::Approved, Some("   "), Some("ignored"));
        e.vendor_name = "  ".into();
        let text = confirmation_text(&e);
        assert!(!text.contains("Comentario"), "{text}");
        assert!(
            !text.contains("Motivo"),
            "a reason is shown only for rejections: {text}"
        );
        assert!(text.contains("Vendedor: (sin nombre)"), "{text}");
        let e = evaluated(ExhibitionStatus::Approved, Some("<b>*hola*</b> _x_ [y](z)"), None);
        assert!(confirmation_text(&e).ends_with("Comentario: <b>*hola*</b> _x_ [y](z)"));
    }

    #[test]
    fn an_overlong_text_is_cut_to_the_telegram_limit() {
        let e = evaluated(ExhibitionStatus::Approved, Some(&"😀".repeat(3000)), None);
        let text = confirmation_text(&e);
        assert!(text.encode_utf16().count() <= MAX_MESSAGE_UTF16);
        assert!(text.ends_with('…'));
        assert!(text.starts_with("✅ Aprobada\n"));
    }
}
