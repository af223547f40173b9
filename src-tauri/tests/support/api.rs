//! The real API (axum) on a free port of 127.0.0.1 over a test's database, and
//! the desktop's client of it (`tests/background_work.rs`, `tests/legacy_import.rs`).

use std::net::SocketAddr;
use std::path::PathBuf;

use centermind_api::{AppState, router};
use centermind_core::store::Db;
use centermind_desktop::client::Backend;
use tokio::net::TcpListener;

/// Serves the API over `db` (photos in `photo_dir`); returns the client of it.
pub async fn serve(db: &Db, photo_dir: PathBuf) -> Backend {
    let app = router(AppState::new(db.clone(), photo_dir));
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await.unwrap();
    let base = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move {
        axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .await
            .unwrap();
    });
    Backend::new(Backend::http_client().unwrap(), base.parse().unwrap())
}
