//! CenterMind desktop shell (Tauri v2): the window supervisors use to review display photos.
//!
//! The product configuration is `src-tauri/tauri.conf.json`, the one place where tauri-build,
//! [`context`] and the Tauri CLI all find it (see ARCHITECTURE.md).

/// The Tauri context compiled from `tauri.conf.json` (window, CSP, capabilities, assets).
#[must_use]
pub fn context() -> tauri::Context<tauri::Wry> {
    tauri::generate_context!()
}

/// Starts the desktop application and blocks until its last window closes.
///
/// # Errors
/// Returns the Tauri error if the runtime or the main window cannot be created.
pub fn run() -> tauri::Result<()> {
    tauri::Builder::default().run(context())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::context;

    /// The configuration file, read at test time rather than through the macro.
    const CONFIG_FILE: &str = include_str!("../tauri.conf.json");

    #[test]
    fn compiled_config_is_the_config_file() {
        let from_file: tauri::Config =
            serde_json::from_str(CONFIG_FILE).expect("tauri.conf.json parses as a Tauri config");
        let ctx = context();
        let compiled = ctx.config();

        // The macro keeps what the running app needs and drops CLI-only parts (hooks, bundle):
        // compare everything it keeps.
        assert_eq!(compiled.product_name, from_file.product_name);
        assert_eq!(compiled.version, from_file.version);
        assert_eq!(compiled.identifier, from_file.identifier);
        assert_eq!(compiled.app, from_file.app);
        assert_eq!(compiled.build.dev_url, from_file.build.dev_url);
        assert_eq!(compiled.build.frontend_dist, from_file.build.frontend_dist);
    }

    #[test]
    fn product_identity() {
        let ctx = context();
        let config = ctx.config();

        assert_eq!(config.product_name.as_deref(), Some("CenterMind"));
        assert_eq!(config.identifier, "ar.com.centermind.desktop");
        assert_eq!(ctx.package_info().name, "CenterMind");
        // No version in tauri.conf.json: Tauri and its CLI take the workspace's Cargo version.
        assert_eq!(
            config.version, None,
            "keep the version in the workspace Cargo.toml only"
        );
        assert_eq!(ctx.package_info().version.to_string(), env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn one_main_window() {
        let ctx = context();
        let windows = &ctx.config().app.windows;

        assert_eq!(windows.len(), 1);
        let main = &windows[0];
        assert_eq!(main.label, "main");
        assert_eq!(main.title, "CenterMind");
        assert!(main.min_width.is_some() && main.min_height.is_some());
    }

    #[test]
    fn strict_csp() {
        let ctx = context();
        let csp = ctx
            .config()
            .app
            .security
            .csp
            .as_ref()
            .expect("tauri.conf.json must set app.security.csp")
            .to_string();

        assert!(csp.contains("default-src 'self'"), "{csp}");
        assert!(csp.contains("connect-src 'self' ipc: http://ipc.localhost"), "{csp}");
        assert!(csp.contains("object-src 'none'"), "{csp}");
        assert!(!csp.contains("unsafe-eval"), "{csp}");
    }

    #[test]
    fn paths_point_at_the_repository_root_folders() {
        let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        let config: tauri::Config = serde_json::from_str(CONFIG_FILE).expect("valid config");

        let dist = config.build.frontend_dist.as_ref().map(ToString::to_string);
        assert_eq!(dist.as_deref(), Some("../ui/dist"));
        assert!(!config.bundle.icon.is_empty());
        for icon in &config.bundle.icon {
            assert!(crate_dir.join(icon).is_file(), "missing icon {icon}");
        }
    }

    #[test]
    fn no_config_at_the_workspace_root() {
        // Run from the root, the Tauri CLI takes a root config over src-tauri's and then fails
        // ("No package info in the config file": the root Cargo.toml is a virtual manifest).
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        for name in ["tauri.conf.json", "tauri.conf.json5", "Tauri.toml"] {
            assert!(!root.join(name).exists(), "remove {name} from the repository root");
        }
    }
}
