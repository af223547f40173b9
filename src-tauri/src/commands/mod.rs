//! Tauri commands: thin typed adapters over [`crate::client::Backend`], one file
//! per group. Each is listed in [`NAMES`] (the permissions `build.rs` generates)
//! and in [`crate::specta_builder`] (the invoke handler and TypeScript bindings).

pub mod admin;
pub mod audit;
pub mod exhibitions;
pub mod filters;
pub mod jobs;
pub mod kiosk;
pub mod live;
pub mod local;
pub mod ranking;
pub mod reports;
pub mod server;
pub mod session;
pub mod startup;
pub mod updates;
pub mod window;
pub mod work;

include!("names.rs");
