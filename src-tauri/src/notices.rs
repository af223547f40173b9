//! Desktop notices (the system's notifications): a supervisor with the app behind
//! other windows hears that new exhibitions arrived, and a click on the notice
//! brings the app forward on the visor. The UI words them (its i18n catalogue)
//! and asks; the shell shows one only while the window is not in front.
//!
//! Linux: the freedesktop notification service on the session bus (through the
//! libdbus the credential store already uses). One CenterMind notice at a time:
//! a newer one replaces the one still on screen, so a morning away leaves one
//! notice with the latest figure, not a pile. Windows: a toast under the
//! installed app's id, as the installer's Start-menu shortcut registers it.
//! macOS: the notification centre (a click there activates the app by itself).

use std::sync::{Arc, Mutex};

/// Longest title and body passed on: a notice is a line or two, and a runaway
/// text must not reach the system's notification service.
const MAX_TITLE: usize = 120;
const MAX_BODY: usize = 400;
#[cfg(all(unix, not(target_os = "macos")))]
const MAX_LABEL: usize = 40;

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

/// Whether the person's answer to a notice was to open it: a click on its body
/// (the freedesktop `default` action, a toast's body) or on its "open" button.
#[must_use]
pub fn opens_the_app(response: &notify_rust::NotificationResponse) -> bool {
    use notify_rust::NotificationResponse as Response;
    match response {
        Response::Default => true,
        Response::Action(key) => key == OPEN_ACTION,
        Response::Reply(_) | Response::Closed(_) => false,
    }
}

/// The freedesktop action key a click on the notice's body invokes.
const OPEN_ACTION: &str = "default";

/// One notice's texts, already in the user's language.
pub struct NoticeText<'a> {
    pub title: &'a str,
    pub body: &'a str,
    /// The label of the action that opens the app, where a desktop shows it as a button.
    pub open_label: &'a str,
}

/// What a click on a notice does (on a thread of its own).
#[cfg_attr(not(all(unix, not(target_os = "macos"))), allow(dead_code))]
type Opener = Box<dyn FnOnce() + Send>;

/// Linux: the notice on screen whose click is being waited for, and what its
/// click does: that of the latest notice shown in its place.
#[cfg_attr(not(all(unix, not(target_os = "macos"))), allow(dead_code))]
struct OnScreen {
    id: u32,
    on_open: Opener,
}

/// The app's desktop notices and the one on screen.
#[derive(Default)]
pub struct Notices {
    #[cfg_attr(not(all(unix, not(target_os = "macos"))), allow(dead_code))]
    on_screen: Arc<Mutex<Option<OnScreen>>>,
}

impl Notices {
    /// Shows a notice now; `on_open` runs (on a thread of its own) when the person
    /// clicks it. Blocking (a D-Bus round trip on Linux): call it off the async
    /// threads. `app_id` is the bundle identifier (`tauri.conf.json`).
    pub fn show<F>(&self, app_id: &str, text: &NoticeText<'_>, on_open: F) -> Result<(), NoticeError>
    where
        F: FnOnce() + Send + 'static,
    {
        let mut notice = notify_rust::Notification::new();
        notice
            .appname("CenterMind")
            .summary(&clipped(text.title, MAX_TITLE))
            .body(&clipped(text.body, MAX_BODY));
        #[cfg(target_os = "windows")]
        {
            notice.app_id(app_id);
            // A toast's body click is its activation; a button would only repeat it.
            let _ = text.open_label;
            let handle = notice.show().map_err(|e| NoticeError(e.to_string()))?;
            // Returns when the toast is clicked or dismissed (it times out in seconds).
            std::thread::spawn(move || {
                let _ = handle.wait_for_response(|response: &notify_rust::NotificationResponse| {
                    if opens_the_app(response) {
                        on_open();
                    }
                });
            });
            Ok(())
        }
        #[cfg(target_os = "macos")]
        {
            let _ = (app_id, text.open_label, on_open, &self.on_screen);
            notice.show().map(drop).map_err(|e| NoticeError(e.to_string()))
        }
        #[cfg(all(unix, not(target_os = "macos")))]
        {
            let _ = app_id;
            // The icon the Linux packages install under the program's name.
            notice
                .icon("centermind-desktop")
                .action(OPEN_ACTION, &clipped(text.open_label, MAX_LABEL));
            // The notice's D-Bus connection cannot change threads: it is shown on the
            // thread that then waits for its answer.
            let on_screen = Arc::clone(&self.on_screen);
            let (shown, outcome) = std::sync::mpsc::channel();
            std::thread::spawn(move || show_and_wait(&on_screen, notice, &shown, Box::new(on_open)));
            outcome
                .recv()
                .map_err(|_| NoticeError("the notice's thread ended".into()))?
        }
    }
}

/// Shows `notice` in place of the one on screen, if any, says how that went on
/// `shown`, then waits for the person's answer if no other thread waits for it.
#[cfg(all(unix, not(target_os = "macos")))]
fn show_and_wait(
    on_screen: &Mutex<Option<OnScreen>>,
    mut notice: notify_rust::Notification,
    shown: &std::sync::mpsc::Sender<Result<(), NoticeError>>,
    on_open: Opener,
) {
    // Held while showing, so a notice closing meanwhile is not replaced blindly.
    let mut current = on_screen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(old) = current.as_ref() {
        notice.id(old.id);
    }
    let handle = match notice.show() {
        Ok(handle) => handle,
        Err(e) => {
            let _ = shown.send(Err(NoticeError(e.to_string())));
            return;
        }
    };
    let id = handle.id();
    let replaced = current.as_ref().is_some_and(|old| old.id == id);
    // The latest notice's click: its window, its UI (an older UI may have gone since).
    *current = Some(OnScreen { id, on_open });
    drop(current);
    let _ = shown.send(Ok(()));
    if replaced {
        // Replaced in place: the thread waiting on this id hears its click.
        return;
    }
    let mut opened = false;
    // Returns when the notice is clicked, or closed (expired, dismissed).
    let waited = handle.wait_for_response(|response: &notify_rust::NotificationResponse| {
        opened = opens_the_app(response);
    });
    let mut current = on_screen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let ours = current.take_if(|shown| shown.id == id);
    drop(current);
    if let Err(e) = waited {
        tracing::warn!(error = %e, "lost the desktop notice's answer");
    }
    if let Some(shown) = ours.filter(|_| opened) {
        (shown.on_open)();
    }
}

#[cfg(test)]
mod tests {
    use notify_rust::{CloseReason, NotificationResponse};

    use super::*;

    #[test]
    fn long_texts_are_clipped_on_a_character_boundary() {
        assert_eq!(clipped("Llegó una", 20), "Llegó una");
        assert_eq!(clipped("ñandú", 3), "ñan…");
        assert_eq!(clipped(&"é".repeat(500), MAX_BODY).chars().count(), MAX_BODY + 1);
    }

    #[test]
    fn a_click_opens_the_app_and_a_dismissal_does_not() {
        assert!(opens_the_app(&NotificationResponse::Default));
        assert!(opens_the_app(&NotificationResponse::Action("default".into())));
        assert!(!opens_the_app(&NotificationResponse::Action("other".into())));
        assert!(!opens_the_app(&NotificationResponse::Closed(CloseReason::Dismissed)));
        assert!(!opens_the_app(&NotificationResponse::Closed(CloseReason::Expired)));
    }
}
