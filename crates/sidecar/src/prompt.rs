//! Reading secrets (bot tokens, passwords) without echoing or logging them.

use std::io::{BufRead, IsTerminal};

use anyhow::{Context, bail};
use centermind_core::Secret;

/// Read one secret line from standard input. On a terminal the input is not
/// echoed; from a pipe the first line is taken. Surrounding whitespace is trimmed.
pub fn read_secret(prompt: &str) -> anyhow::Result<Secret<String>> {
    let value = if std::io::stdin().is_terminal() {
        rpassword::prompt_password(prompt).context("no se pudo leer de la terminal")?
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("no se pudo leer la entrada estándar")?;
        line
    };
    let value = value.trim().to_string();
    if value.is_empty() {
        bail!("no se leyó nada de la entrada estándar");
    }
    Ok(Secret::new(value))
}

/// The bot token from `CENTERMIND_BOT_TOKEN`, if set.
pub fn token_from_env() -> Option<Secret<String>> {
    std::env::var("CENTERMIND_BOT_TOKEN")
        .ok()
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .map(Secret::new)
}
