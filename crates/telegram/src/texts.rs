//! Texts the bots post in the groups, in Spanish (es-AR).
//!
//! Every text is sent as plain text (no `parse_mode`), so names, comments and
//! reasons typed by people are shown as they are and can never break the
//! formatting or make Telegram refuse the message.

use centermind_core::domain::exhibition::ExhibitionStatus;
use centermind_core::messages::status_label;
use centermind_core::store::ExhibitionSummary;

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
