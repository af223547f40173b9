//! A fake update server on 127.0.0.1 that speaks tauri-plugin-updater's protocol,
//! as a release's server would: a static JSON manifest (`version`, `notes`,
//! `pub_date`, `platforms` → `signature` and `url` per target) and the package it
//! points to, sent in slow chunks so the download's progress can be watched.
//! Packages are signed with a throw-away key by the Tauri CLI (`tauri signer`),
//! the way `./x` signs the .deb it builds.

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The package is sent this many bytes at a time …
const CHUNK: usize = 64 * 1024;
/// … with this pause between chunks (a 2 MiB package takes ~0.6 s).
const PAUSE: Duration = Duration::from_millis(20);

struct Shared {
    manifest: Mutex<Value>,
    package: Vec<u8>,
    manifest_reads: AtomicUsize,
    downloads: AtomicUsize,
}

pub struct UpdateServer {
    /// The manifest's address, for the app's "Dirección de las actualizaciones".
    pub manifest_url: String,
    base: String,
    shared: Arc<Shared>,
    task: JoinHandle<()>,
}

impl UpdateServer {
    /// Serves `package`; the manifest announces nothing until [`Self::announce`].
    pub async fn start(package: Vec<u8>) -> Self {
        let shared = Arc::new(Shared {
            manifest: Mutex::new(Value::Null),
            package,
            manifest_reads: AtomicUsize::new(0),
            downloads: AtomicUsize::new(0),
        });
        let app = Router::new()
            .route("/latest.json", get(serve_manifest))
            .route("/package", get(serve_package))
            .with_state(shared.clone());
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            manifest_url: format!("{base}/latest.json"),
            base,
            shared,
            task,
        }
    }

    /// The manifest now announces `version` for this computer's target (`linux-x86_64`:
    /// what the updater asks for when the app is not installed from a package).
    pub fn announce(&self, version: &str, notes: &str, signature: &str) {
        *self.shared.manifest.lock().unwrap() = json!({
            "version": version,
            "notes": notes,
            "pub_date": "2026-11-20T12:00:00Z",
            "platforms": {
                "linux-x86_64": { "signature": signature, "url": format!("{}/package", self.base) },
            },
        });
    }

    pub fn manifest_reads(&self) -> usize {
        self.shared.manifest_reads.load(Ordering::SeqCst)
    }

    /// How many times the package was downloaded to the end.
    pub fn downloads(&self) -> usize {
        self.shared.downloads.load(Ordering::SeqCst)
    }
}

impl Drop for UpdateServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve_manifest(State(shared): State<Arc<Shared>>) -> Response {
    shared.manifest_reads.fetch_add(1, Ordering::SeqCst);
    let manifest = shared.manifest.lock().unwrap().clone();
    if manifest.is_null() {
        // The plugin's "no update" answer.
        axum::http::StatusCode::NO_CONTENT.into_response()
    } else {
        axum::Json(manifest).into_response()
    }
}

async fn serve_package(State(shared): State<Arc<Shared>>) -> Response {
    let len = shared.package.len();
    let chunks = futures_util::stream::unfold(0, move |sent| {
        let shared = shared.clone();
        async move {
            if sent >= shared.package.len() {
                return None;
            }
            if sent > 0 {
                tokio::time::sleep(PAUSE).await;
            }
            let end = (sent + CHUNK).min(shared.package.len());
            if end == shared.package.len() {
                // Counted with the last chunk: with the length sent, the server may
                // not ask the stream for its end.
                shared.downloads.fetch_add(1, Ordering::SeqCst);
            }
            let chunk = axum::body::Bytes::copy_from_slice(&shared.package[sent..end]);
            Some((Ok::<_, std::io::Error>(chunk), end))
        }
    });
    (
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (header::CONTENT_LENGTH, len.to_string()),
        ],
        Body::from_stream(chunks),
    )
        .into_response()
}

/// Signs `file` for `version` with a new throw-away key (not CenterMind's: the app
/// must refuse it), through the Tauri CLI the UI's packages install. Returns what a
/// manifest's `signature` carries: the `.sig` file's text (base64 of a minisign signature).
pub fn sign_with_throwaway_key(file: &Path, version: &str) -> String {
    let cli = super::repo_root().join("ui/node_modules/.bin/tauri");
    let key = file.with_extension("key");
    let run = |args: &[&str]| {
        let out = Command::new(&cli).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "tauri {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&["signer", "generate", "--ci", "-p", "", "-w", key.to_str().unwrap()]);
    run(&[
        "signer",
        "sign",
        "-f",
        key.to_str().unwrap(),
        "-p",
        "",
        "--app-version",
        version,
        file.to_str().unwrap(),
    ]);
    let mut sig = file.as_os_str().to_owned();
    sig.push(".sig");
    std::fs::read_to_string(sig).unwrap()
}
