//! Runs tauri-build against the product configuration, `tauri.conf.json` next to this file.

use std::path::Path;

/// The product configuration; tauri-build, `generate_context!` and the Tauri CLI all look for
/// it in this crate's directory. Paths inside it are relative to this directory too.
const CONFIG: &str = "tauri.conf.json";

fn main() {
    let text = std::fs::read_to_string(CONFIG).unwrap_or_else(|error| panic!("cannot read {CONFIG}: {error}"));
    let config: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|error| panic!("{CONFIG} is not valid JSON: {error}"));

    // `generate_context!` embeds the window icon through a cached copy, so Cargo would not
    // notice a new icon: name the sources here (tauri-build already watches the config).
    for icon in config["bundle"]["icon"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str())
    {
        println!("cargo:rerun-if-changed={icon}");
    }

    // Without `custom-protocol` (only `tauri dev`, which turns off the default feature) the app loads `build.devUrl`
    // and embeds nothing. Release contexts (`tauri build`) embed `build.frontendDist`: say how
    // to build it rather than let `generate_context!` panic halfway through compiling.
    if !tauri_build::is_dev() {
        let dist = config["build"]["frontendDist"]
            .as_str()
            .unwrap_or_else(|| panic!("{CONFIG} must set build.frontendDist to a directory"));
        assert!(
            Path::new(dist).join("index.html").is_file(),
            "{dist} (from src-tauri/) has no index.html: the UI is not built. Run \
             `npm --prefix ui ci && npm --prefix ui run build` from the repository root first \
             (or build through the Tauri CLI, whose beforeBuildCommand does it)."
        );
        println!("cargo:rerun-if-changed={dist}");
    }

    // One `allow-<command>` permission per app command: the capability grants them
    // one by one, and a command not listed there cannot be invoked.
    println!("cargo:rerun-if-changed=src/commands/names.rs");
    let attributes =
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(commands::NAMES));
    tauri_build::try_build(attributes).unwrap_or_else(|error| panic!("tauri-build failed: {error:#}"));
}

mod commands {
    include!("src/commands/names.rs");
}
