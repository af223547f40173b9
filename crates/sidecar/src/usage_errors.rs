//! Mistakes on the command line, told in Spanish: clap writes its own errors
//! in English ("unexpected argument… found"), around help texts that are
//! Spanish. Same shape and exit status (2) as clap's; the first word stays
//! `error:`, which scripts and the desktop app look for.

use std::fmt::Write as _;

use clap::builder::StyledStr;
use clap::error::{ContextKind, ContextValue, ErrorFormatter, ErrorKind};

/// Formats a [`clap::Error`] in Spanish (`error.apply::<SpanishErrors>()`).
pub struct SpanishErrors;

impl ErrorFormatter for SpanishErrors {
    fn format_error(error: &clap::error::Error<Self>) -> StyledStr {
        let mut out = String::from("error: ");
        out.push_str(&message(error));
        let suggestions: Vec<String> = [
            ContextKind::SuggestedSubcommand,
            ContextKind::SuggestedArg,
            ContextKind::SuggestedValue,
        ]
        .into_iter()
        .filter_map(|kind| strings(error.get(kind)))
        .flatten()
        .collect();
        if !suggestions.is_empty() {
            let _ = write!(out, "\n\n  ¿Quisiste decir {}?", quoted(&suggestions).join(" o "));
        }
        if let Some(ContextValue::StyledStr(usage)) = error.get(ContextKind::Usage) {
            let usage = usage.to_string();
            let usage = usage.trim_start().strip_prefix("Usage:").unwrap_or(&usage).trim();
            let _ = write!(out, "\n\nUso: {usage}");
        }
        out.push_str("\n\nPara más información, probá «--help».\n");
        StyledStr::from(out)
    }
}

/// The first line: what is wrong.
fn message(error: &clap::error::Error<SpanishErrors>) -> String {
    let arg = text(error.get(ContextKind::InvalidArg));
    let value = text(error.get(ContextKind::InvalidValue));
    let subcommand = text(error.get(ContextKind::InvalidSubcommand));
    match error.kind() {
        ErrorKind::UnknownArgument => format!("no se esperaba «{}»", arg.unwrap_or_default()),
        ErrorKind::InvalidSubcommand => format!("no existe el comando «{}»", subcommand.unwrap_or_default()),
        ErrorKind::InvalidValue if value.as_deref() == Some("") => {
            format!("falta el valor de «{}»", arg.unwrap_or_default())
        }
        ErrorKind::InvalidValue => {
            let mut m = format!(
                "«{}» no es un valor válido para «{}»",
                value.unwrap_or_default(),
                arg.unwrap_or_default()
            );
            if let Some(valid) = strings(error.get(ContextKind::ValidValue)).filter(|v| !v.is_empty()) {
                let _ = write!(m, " (puede ser {})", quoted(&valid).join(", "));
            }
            m
        }
        ErrorKind::ValueValidation => {
            let mut m = format!(
                "«{}» no es un valor válido para «{}»",
                value.unwrap_or_default(),
                arg.unwrap_or_default()
            );
            // Our value parsers explain themselves in Spanish.
            if let Some(why) = std::error::Error::source(error) {
                let _ = write!(m, ": {why}");
            }
            m
        }
        ErrorKind::MissingRequiredArgument => {
            let missing = strings(error.get(ContextKind::InvalidArg)).unwrap_or_default();
            format!("falta {}", missing.join(", "))
        }
        ErrorKind::MissingSubcommand => {
            let mut m = format!("«{}» necesita un comando", subcommand.unwrap_or_default());
            if let Some(valid) = strings(error.get(ContextKind::ValidSubcommand)).filter(|v| !v.is_empty()) {
                let _ = write!(m, " ({})", valid.join(", "));
            }
            m
        }
        ErrorKind::ArgumentConflict => {
            let arg = arg.unwrap_or_default();
            match error.get(ContextKind::PriorArg) {
                Some(ContextValue::String(prior)) if *prior == arg => format!("«{arg}» va una sola vez"),
                Some(ContextValue::String(prior)) => format!("«{arg}» no se puede usar junto con «{prior}»"),
                Some(ContextValue::Strings(prior)) => {
                    format!("«{arg}» no se puede usar junto con {}", quoted(prior).join(", "))
                }
                _ => format!("«{arg}» no se puede usar junto con lo demás que se indicó"),
            }
        }
        ErrorKind::TooManyValues => format!(
            "sobra «{}» después de «{}»",
            value.unwrap_or_default(),
            arg.unwrap_or_default()
        ),
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("«{}» no lleva esa cantidad de valores", arg.unwrap_or_default())
        }
        ErrorKind::NoEquals => format!("«{}» lleva su valor después de un «=»", arg.unwrap_or_default()),
        ErrorKind::InvalidUtf8 => "un argumento no es texto válido (UTF-8)".to_string(),
        _ => "los argumentos no son válidos".to_string(),
    }
}

fn text(value: Option<&ContextValue>) -> Option<String> {
    match value {
        Some(ContextValue::String(s)) => Some(s.clone()),
        _ => None,
    }
}

fn strings(value: Option<&ContextValue>) -> Option<Vec<String>> {
    match value {
        Some(ContextValue::Strings(v)) => Some(v.clone()),
        Some(ContextValue::String(s)) => Some(vec![s.clone()]),
        _ => None,
    }
}

fn quoted(values: &[String]) -> Vec<String> {
    values.iter().map(|v| format!("«{v}»")).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::cli::command;

    /// What `centermind-sidecar <args>` would print on standard error.
    fn error_for(args: &[&str]) -> (String, i32) {
        let argv = std::iter::once("centermind-sidecar").chain(args.iter().copied());
        let err = command()
            .try_get_matches_from(argv)
            .unwrap_err()
            .apply::<SpanishErrors>();
        (err.render().to_string(), err.exit_code())
    }

    #[test]
    fn an_unknown_option_is_named_with_a_suggestion_and_the_usage_in_spanish() {
        let (text, code) = error_for(&["user", "add", "--usernam", "ana"]);
        assert_eq!(code, 2);
        assert!(text.starts_with("error: no se esperaba «--usernam»"), "{text}");
        assert!(text.contains("¿Quisiste decir «--username»?"), "{text}");
        assert!(text.contains("\n\nUso: centermind-sidecar user add"), "{text}");
        assert!(text.ends_with("Para más información, probá «--help».\n"), "{text}");
        for english in ["unexpected", "Usage", "For more information", "tip:"] {
            assert!(!text.contains(english), "{english}: {text}");
        }
    }

    #[test]
    fn wrong_and_missing_values_say_what_is_expected() {
        let (text, _) = error_for(&["task", "list", "--state", "perdida"]);
        assert!(
            text.starts_with("error: «perdida» no es un valor válido para «--state <ESTADO>» (puede ser «queued», «running», «done», «dead»)"),
            "{text}"
        );
        let (text, _) = error_for(&["user", "add", "--username", "ana", "--role", "jefe"]);
        assert!(
            text.starts_with("error: «jefe» no es un valor válido para «--role <ROL>»: rol desconocido «jefe»"),
            "our own parser's reason: {text}"
        );
        let (text, _) = error_for(&["user", "add", "--role", "viewer"]);
        assert!(text.starts_with("error: falta --username <USUARIO>"), "{text}");
        let (text, _) = error_for(&["demo", "--exhibitions"]);
        assert!(
            text.starts_with("error: falta el valor de «--exhibitions <N>»"),
            "{text}"
        );
        let (text, _) = error_for(&["servce"]);
        assert!(text.starts_with("error: no existe el comando «servce»"), "{text}");
        assert!(
            text.contains("¿Quisiste decir ") && text.contains("«service»?"),
            "{text}"
        );
    }
}
