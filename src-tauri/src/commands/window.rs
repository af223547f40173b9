//! The window itself: full screen for the TV dashboard (a kiosk on the office TV), the
//! page zoom, and desktop notices while it is not in front.

use tauri::Manager;
use tauri::ipc::Channel;

use crate::error::{CommandError, CommandResult};
use crate::notices::{NoticeText, Notices};

/// Puts the calling window in full screen (`true`) or back (`false`). A command
/// of its own, so the web view needs no window-plugin permission.
#[tauri::command]
#[specta::specta]
pub async fn set_fullscreen(window: tauri::WebviewWindow, on: bool) -> CommandResult<()> {
    window.set_fullscreen(on).map_err(CommandError::internal)?;
    tracing::info!(on, "window full screen");
    Ok(())
}

/// The page zoom the UI may ask for: 50 % to 300 % (its own steps are 80–200 %).
const PAGE_ZOOM: std::ops::RangeInclusive<f64> = 0.5..=3.0;

/// `factor` if the UI may ask for it (not NaN, within [`PAGE_ZOOM`]).
fn page_zoom(factor: f64) -> CommandResult<f64> {
    if PAGE_ZOOM.contains(&factor) {
        Ok(factor)
    } else {
        Err(CommandError::Invalid {
            message: format!("page zoom {factor} is outside 0.5–3"),
        })
    }
}

/// Zooms the calling window's page (text, images and layout, as a browser's Ctrl +),
/// `1.0` being 100 %. The UI keeps the person's choice and asks again at start.
#[tauri::command]
#[specta::specta]
pub async fn set_page_zoom(window: tauri::WebviewWindow, factor: f64) -> CommandResult<()> {
    window.set_zoom(page_zoom(factor)?).map_err(CommandError::internal)?;
    tracing::info!(factor, "page zoom");
    Ok(())
}

/// The languages the UI's catalogues are written in.
const PAGE_LANGUAGES: [&str; 2] = ["es-AR", "en"];

/// `locale` if the UI has a catalogue for it.
fn page_language(locale: &str) -> CommandResult<&str> {
    PAGE_LANGUAGES
        .iter()
        .find(|known| **known == locale)
        .copied()
        .ok_or_else(|| CommandError::Invalid {
            message: format!("unknown language {locale:?}"),
        })
}

/// Tells the calling window's web view the language the UI is in, for what the web
/// view draws itself: a date field's day/month order and its calendar (25/11/2026 in
/// es-AR, not the system's 11/25/2026). WebKitGTK takes that from the web view's
/// languages, not from `<html lang>`; WebView2 and WKWebView follow the system's.
#[tauri::command]
#[specta::specta]
pub async fn set_page_language(window: tauri::WebviewWindow, locale: String) -> CommandResult<()> {
    let locale = page_language(&locale)?;
    crate::webview::set_language(&window, locale).map_err(CommandError::internal)?;
    tracing::info!(locale, "page language");
    Ok(())
}

/// Shows a desktop notice (already in the user's language) when the calling
/// window is not in front: minimized, hidden, or another app focused. In front,
/// the screen itself says it. Returns whether the notice was shown. A click on
/// it brings the window forward and sends a message on `on_open` (the UI opens
/// the visor); `open_label` names that action where a desktop shows a button.
#[tauri::command]
#[specta::specta]
pub async fn notify_if_away(
    window: tauri::WebviewWindow,
    title: String,
    body: String,
    open_label: String,
    on_open: Channel<()>,
) -> CommandResult<bool> {
    let in_front = window.is_visible().unwrap_or(true)
        && !window.is_minimized().unwrap_or(false)
        && window.is_focused().unwrap_or(false);
    if in_front {
        tracing::debug!("desktop notice not shown: the window is in front");
        return Ok(false);
    }
    let app = window.app_handle().clone();
    let app_id = window.config().identifier.clone();
    tokio::task::spawn_blocking(move || {
        let text = NoticeText {
            title: &title,
            body: &body,
            open_label: &open_label,
        };
        let opener = app.clone();
        app.state::<Notices>().show(&app_id, &text, move || {
            tracing::info!("desktop notice clicked: the window comes forward");
            crate::bring_forward(&opener);
            // The UI may have gone (logged out, reloaded): the window is forward anyway.
            let _ = on_open.send(());
        })
    })
    .await
    .map_err(CommandError::internal)?
    .map_err(CommandError::internal)?;
    tracing::info!("desktop notice shown");
    Ok(true)
}

/// Longest window title passed on (the UI's "CenterMind (8)", in the user's language).
const MAX_TITLE: usize = 80;

/// Shows how many exhibitions wait for review on the app's taskbar entry: in the
/// window's title (taskbars, Alt+Tab), as the badge on the dock or launcher icon
/// (macOS, Linux launchers that show one), and as an overlay with the figure on
/// the taskbar button (Windows). `count` 0 takes the badge away.
#[tauri::command]
#[specta::specta]
pub async fn show_pending_count(window: tauri::WebviewWindow, count: u32, title: String) -> CommandResult<()> {
    let title: String = title.chars().take(MAX_TITLE).collect();
    window.set_title(&title).map_err(CommandError::internal)?;
    #[cfg(target_os = "windows")]
    let shown = window.set_overlay_icon(
        crate::badge::overlay(count)
            .map(|rgba| tauri::image::Image::new_owned(rgba, crate::badge::SIDE, crate::badge::SIDE)),
    );
    #[cfg(not(target_os = "windows"))]
    let shown = window.set_badge_count((count > 0).then_some(i64::from(count)));
    // A desktop without badges is no error: the title says it.
    if let Err(e) = shown {
        tracing::debug!(error = %e, "no taskbar badge for the pending count");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_zoom_takes_the_uis_steps_and_refuses_what_would_make_the_page_unusable() {
        for ok in [0.5, 0.8, 1.0, 1.25, 2.0, 3.0] {
            assert_eq!(page_zoom(ok), Ok(ok));
        }
        for bad in [0.0, 0.49, 3.01, -1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(page_zoom(bad), Err(CommandError::Invalid { .. })), "{bad}");
        }
    }

    #[test]
    fn the_page_language_is_one_the_ui_has_a_catalogue_for() {
        assert_eq!(page_language("es-AR"), Ok("es-AR"));
        assert_eq!(page_language("en"), Ok("en"));
        for bad in ["", "es", "EN", "fr", "es-AR;rm -rf"] {
            assert!(matches!(page_language(bad), Err(CommandError::Invalid { .. })), "{bad}");
        }
    }
}
