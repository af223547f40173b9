//! How the window's web view renders on Linux, and in which language it draws
//! its own controls.
//!
//! WebKitGTK composites pages with OpenGL by default. Without a GPU (a VM, a
//! remote desktop, Xvfb) that is Mesa's software rasteriser, which keeps ~100 MiB
//! of buffers in the web process for a page that is mostly static text and one
//! photo, and on some NVIDIA drivers the window stays blank. The visor draws the
//! same with WebKit's CPU renderer, so that is the default here; a machine whose
//! GPU helps can turn compositing back on with `CENTERMIND_WEBVIEW_GPU=1`.

/// The environment variable that keeps WebKit's hardware acceleration.
pub const GPU_ENV: &str = "CENTERMIND_WEBVIEW_GPU";

/// Whether the web view should use WebKit's GPU compositing, from the value of
/// [`GPU_ENV`] (`1`, `true`, `yes` or `on`, in any case).
#[must_use]
pub fn gpu_wanted(value: Option<&str>) -> bool {
    value.is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes" | "on"))
}

/// Applies the rendering policy to a window's web view (a no-op off Linux, where
/// WebView2 and WKWebView manage their own GPU use).
pub fn configure(window: &tauri::WebviewWindow) {
    #[cfg(target_os = "linux")]
    {
        if gpu_wanted(std::env::var(GPU_ENV).ok().as_deref()) {
            return; // WebKit's own default.
        }
        let applied = window.with_webview(|webview| {
            use webkit2gtk::{HardwareAccelerationPolicy, SettingsExt, WebViewExt};
            if let Some(settings) = WebViewExt::settings(&webview.inner()) {
                settings.set_hardware_acceleration_policy(HardwareAccelerationPolicy::Never);
            }
        });
        if let Err(e) = applied {
            tracing::warn!(error = %e, "cannot set the web view's rendering policy");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}

/// Sets the languages of the window's web view to `locale` alone (Linux: WebKitGTK
/// draws date fields in that language's order; elsewhere the system's language rules
/// and this is a no-op).
pub fn set_language(window: &tauri::WebviewWindow, locale: &str) -> tauri::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let locale = locale.to_string();
        window.with_webview(move |webview| {
            use webkit2gtk::{WebContextExt, WebViewExt};
            if let Some(context) = WebViewExt::context(&webview.inner()) {
                context.set_preferred_languages(&[locale.as_str()]);
            }
        })
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (window, locale);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::gpu_wanted;

    #[test]
    fn compositing_is_off_unless_asked_for() {
        assert!(!gpu_wanted(None));
        assert!(!gpu_wanted(Some("")));
        assert!(!gpu_wanted(Some("0")));
        assert!(!gpu_wanted(Some("no")));
        assert!(gpu_wanted(Some("1")));
        assert!(gpu_wanted(Some(" TRUE ")));
        assert!(gpu_wanted(Some("on")));
    }
}
