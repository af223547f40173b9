//! The real API (axum) on a free port of 127.0.0.1 over a test's database, and
//! the desktop's client of it (`tests/background_work.rs`, `tests/legacy_import.rs`,
//! `tests/superadmin_scope.rs`); the distributors and users those tests sign in as.

use std::net::SocketAddr;
use std::path::PathBuf;

use centermind_api::{AppState, router};
use centermind_core::Secret;
use centermind_core::domain::roles::PortalRole;
use centermind_core::store::{Db, NewDistributor, NewPortalUser};
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

/// Every test user's password.
pub const PASSWORD: &str = "clave-de-prueba";

/// A user who signs in with [`PASSWORD`].
pub async fn user(db: &Db, username: &str, role: PortalRole, distributor_id: Option<i64>) {
    db.create_portal_user(NewPortalUser {
        username: username.into(),
        display_name: None,
        password: Secret::new(PASSWORD.into()),
        role,
        distributor_id,
    })
    .await
    .unwrap();
}

/// A distributor named `name`, without a bot; its id.
pub async fn distributor(db: &Db, name: &str) -> i64 {
    db.create_distributor(NewDistributor {
        name: name.into(),
        time_zone: None,
        bot_token: None,
        admin_telegram_id: None,
    })
    .await
    .unwrap()
    .id
}
