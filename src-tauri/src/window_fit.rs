//! The main window's size and place. It opens as it was left (size, place,
//! maximised; tauri-plugin-window-state restores them), written whenever it
//! settles after a move or a resize. On a small screen the default size
//! (1280×800) is taller than a 1366×768 laptop's work area (768 less the
//! taskbar): there the window would open with the visor's buttons under the
//! taskbar, so it opens maximised instead, also when the size it was left at no
//! longer fits (a laptop taken off its big monitor).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tauri::{AppHandle, Manager, PhysicalSize, Runtime, WebviewWindow, WindowEvent};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// What the next start restores (tauri-plugin-window-state): not visibility, so a
/// window hidden at quit still opens.
pub const REMEMBERED: StateFlags = StateFlags::SIZE
    .union(StateFlags::POSITION)
    .union(StateFlags::MAXIMIZED);

/// How long the window stays still before its size and place are written: a drag
/// is a stream of moves, written once.
const SETTLE: Duration = Duration::from_millis(500);

/// How long a write asked of the main thread may take before it is given up on (the
/// event loop may already be gone at exit).
const MAIN_THREAD_WAIT: Duration = Duration::from_secs(2);

/// Writes the window's size, place and maximised state for the next start; not
/// while the TV board has it full screen (not the size to open at next time).
///
/// On the main thread only ([`remember_on_main_thread`] from any other): the plugin
/// holds its lock while it reads the window, which on Linux is a call to the main
/// thread, and the main thread takes that lock on every move and resize; from
/// another thread the two could wait for each other for ever (seen: the window
/// froze when resized half a second after a previous resize).
pub fn remember<R: Runtime>(app: &AppHandle<R>) {
    let full_screen = app
        .get_webview_window("main")
        .is_some_and(|window| window.is_fullscreen().unwrap_or(false));
    if full_screen {
        return;
    }
    if let Err(e) = app.save_window_state(REMEMBERED) {
        tracing::warn!(error = %e, "cannot save the window's size and place");
    }
}

/// [`remember`] from any thread: done on the main thread; returns once written (or
/// after [`MAIN_THREAD_WAIT`], if the event loop no longer runs).
pub async fn remember_on_main_thread<R: Runtime>(app: &AppHandle<R>) {
    let (done, written) = tokio::sync::oneshot::channel();
    let main = app.clone();
    let asked = app.run_on_main_thread(move || {
        remember(&main);
        let _ = done.send(());
    });
    if let Err(e) = asked {
        tracing::warn!(error = %e, "cannot save the window's size and place");
        return;
    }
    if tokio::time::timeout(MAIN_THREAD_WAIT, written).await.is_err() {
        tracing::warn!("the window's size and place were not written in time");
    }
}

/// Writes the window's size and place each time it settles after a move or a
/// resize, while the window is alive: the plugin's own save at exit finds no
/// window when the app is closed from outside, and a power cut saves nothing.
pub fn remember_when_moved<R: Runtime>(window: &WebviewWindow<R>) {
    let changes = Arc::new(AtomicU64::new(0));
    let app = window.app_handle().clone();
    window.on_window_event(move |event| {
        if !matches!(event, WindowEvent::Moved(_) | WindowEvent::Resized(_)) {
            return;
        }
        let change = changes.fetch_add(1, Ordering::SeqCst) + 1;
        let (changes, app) = (changes.clone(), app.clone());
        tauri::async_runtime::spawn(async move {
            tokio::time::sleep(SETTLE).await;
            if changes.load(Ordering::SeqCst) == change {
                remember_on_main_thread(&app).await;
            }
        });
    });
}

/// Whether a window of `window` size does not fit in a monitor's `work_area`
/// (the screen less taskbars and docks), in physical pixels.
#[must_use]
pub fn does_not_fit(window: PhysicalSize<u32>, work_area: PhysicalSize<u32>) -> bool {
    window.width > work_area.width || window.height > work_area.height
}

/// Maximises `window` when it is larger than the work area of the monitor it is on.
pub fn maximize_if_too_large<R: Runtime>(window: &WebviewWindow<R>) {
    let (Ok(size), Ok(Some(monitor))) = (window.outer_size(), window.current_monitor()) else {
        return;
    };
    let work_area = monitor.work_area().size;
    if does_not_fit(size, work_area) {
        tracing::info!(
            window = %format!("{}x{}", size.width, size.height),
            work_area = %format!("{}x{}", work_area.width, work_area.height),
            "the window does not fit on this screen: maximised"
        );
        if let Err(e) = window.maximize() {
            tracing::warn!(error = %e, "cannot maximise the main window");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(width: u32, height: u32) -> PhysicalSize<u32> {
        PhysicalSize::new(width, height)
    }

    #[test]
    fn the_default_window_does_not_fit_a_laptop_under_its_taskbar() {
        // 1366×768 less a 40 px Windows taskbar.
        assert!(does_not_fit(size(1280, 800), size(1366, 728)));
    }

    #[test]
    fn the_default_window_fits_a_full_hd_screen() {
        assert!(!does_not_fit(size(1280, 800), size(1920, 1040)));
    }

    #[test]
    fn a_window_wider_than_the_screen_does_not_fit() {
        assert!(does_not_fit(size(1280, 600), size(1024, 728)));
    }

    #[test]
    fn a_window_exactly_the_size_of_the_work_area_fits() {
        assert!(!does_not_fit(size(1366, 728), size(1366, 728)));
    }
}
