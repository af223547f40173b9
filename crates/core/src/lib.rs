//! CenterMind shared backend: domain rules, storage and configuration.
//!
//! Everything the desktop app, the sidecar and the tests share lives here.
//! `domain` is pure logic (no I/O, the current time is passed in);
//! `store` is the only place that talks to the database.

pub mod config;
pub mod domain;
pub mod durable;
pub mod error;
pub mod events;
pub mod messages;
pub mod password;
pub mod photo_mirror;
pub mod secret;
pub mod store;

pub use error::{Error, Result};
pub use secret::Secret;
