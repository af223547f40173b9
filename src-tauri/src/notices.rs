//! Desktop notices (the system's notifications): a supervisor with the app behind
//! other windows hears that new exhibitions arrived. The UI words them (its i18n
//! catalogue) and asks; the shell shows one only while the window is not in front.
//!
//! Linux: the freedesktop notification service on the session bus (through the
//! libdbus the credential store already uses). Windows: a toast under the
//! installed app's id, as the installer's Start-menu shortcut registers it.
//! macOS: the notification centre.

/// Longest title and body passed on: a notice is a line or two, and a runaway
/// text must not reach the system's notification service.
const MAX_TITLE: usize = 120;
const MAX_BODY: usize = 400;

/// A notice could not be shown (no notification service, or it refused).
#[derive(Debug, thiserror::Error)]
#[error("the desktop notice could not be shown: {0}")]
pub struct NoticeError(String);

/// `text` cut to at most `max` characters, on a character boundary.
fn clipped(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

/// Shows a notice now. Blocking (a D-Bus round trip on Linux): call it off the
/// async threads. `app_id` is the bundle identifier (`tauri.conf.json`).
pub fn show(app_id: &str, title: &str, body: &str) -> Result<(), NoticeError> {
    let mut notice = notify_rust::Notification::new();
    notice
        .appname("CenterMind")
        .summary(&clipped(title, MAX_TITLE))
        .body(&clipped(body, MAX_BODY));
    // The icon the Linux packages install under the program's name.
    #[cfg(all(unix, not(target_os = "macos")))]
    notice.icon("centermind-desktop");
    #[cfg(target_os = "windows")]
    notice.app_id(app_id);
    #[cfg(not(target_os = "windows"))]
    let _ = app_id;
    notice.show().map(drop).map_err(|e| NoticeError(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_are_clipped_on_a_character_boundary() {
        assert_eq!(clipped("Llegó una", 20), "Llegó una");
        assert_eq!(clipped("ñandú", 3), "ñan…");
        assert_eq!(clipped(&"é".repeat(500), MAX_BODY).chars().count(), MAX_BODY + 1);
    }
}
