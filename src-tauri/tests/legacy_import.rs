//! The desktop's client importing the old system's database through the real
//! API (axum on 127.0.0.1, a real SQLite database): the server's report reaches
//! the app field by field (the desktop keeps its own copy of the type) for a
//! preview, an import and a later run after the old system gave a verdict; and
//! only the superadmin may do it.

#![allow(clippy::unwrap_used)] // test fixtures panic on purpose

use centermind_core::domain::roles::PortalRole;
use centermind_core::store::Db;
use centermind_desktop::client::Token;
use centermind_desktop::error::CommandError;
use sqlx::Connection;

#[path = "support/api.rs"]
mod api;
#[path = "../../crates/core/tests/fixtures/legacy.rs"]
mod legacy;
use api::{PASSWORD, distributor, serve, user};

const PENDING: &str = "0a1b2c3d-0000-4000-8000-000000000002";

async fn old_database(path: &std::path::Path) {
    let rows = format!(
        "INSERT INTO distribuidores VALUES (1, 'Distribuidora del Sur', NULL, NULL, NULL, 'activo', NULL);
         INSERT INTO exhibiciones VALUES ('0a1b2c3d-0000-4000-8000-000000000001', 1, -1001, 11, '100', 'Kiosco',
           NULL, 'Aprobado', 'Sofía Gómez', 'Bien', 70, -1001, 1, '2025-03-01 10:00:00', '2025-03-01 11:00:00');
         INSERT INTO exhibiciones VALUES ('{PENDING}', 1, -1001, 12, '200', 'Kiosco',
           NULL, 'Pendiente', NULL, NULL, 71, -1001, 0, '2025-03-02 10:00:00', NULL);"
    );
    legacy::write_old_database(path, &rows).await;
}

async fn database(dir: &std::path::Path) -> Db {
    Db::open(&format!("sqlite://{}", dir.join("centermind.db").display()))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_superadmin_previews_imports_and_later_brings_a_verdict_given_in_the_old_system() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path()).await;
    user(&db, "root", PortalRole::Superadmin, None).await;
    let backend = serve(&db, dir.path().join("photos")).await;
    let token = Token::new(backend.login("root", PASSWORD).await.unwrap().token);
    let old = dir.path().join("centermind-viejo.db");
    old_database(&old).await;
    let file = || std::fs::read(&old).unwrap();

    let preview = backend
        .import_legacy(&token, file(), true, Some("America/Argentina/Buenos_Aires"), true)
        .await
        .unwrap();
    let sur = &preview.distributors[0];
    assert_eq!(sur.name, "Distribuidora del Sur");
    assert_eq!((sur.exhibitions_imported, sur.pending, sur.approved), (2, 1, 1));
    assert_eq!(sur.users_created, ["sofia.gomez"]);
    assert!(
        db.list_distributors().await.unwrap().is_empty(),
        "a preview saves nothing"
    );

    let done = backend.import_legacy(&token, file(), false, None, true).await.unwrap();
    assert!(done.distributors[0].created);
    assert_eq!(db.list_distributors().await.unwrap().len(), 1);

    // The old system approved the pending one since; the next run brings it.
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", old.display()))
        .await
        .unwrap();
    sqlx::query(
        "UPDATE exhibiciones SET estado = 'Aprobado', supervisor_nombre = 'Sofía Gómez', \
           timestamp_evaluacion = '2025-03-03 09:00:00' WHERE uuid = ?",
    )
    .bind(PENDING)
    .execute(&mut conn)
    .await
    .unwrap();
    conn.close().await.unwrap();
    let again = backend.import_legacy(&token, file(), false, None, true).await.unwrap();
    let sur = &again.distributors[0];
    assert_eq!(
        (
            sur.exhibitions_imported,
            sur.exhibitions_already_imported,
            sur.verdicts_updated,
            sur.verdicts_kept,
            sur.edits_queued
        ),
        (0, 2, 1, 0, 1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_distributors_admin_is_refused_and_nothing_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let db = database(dir.path()).await;
    let mine = distributor(&db, "Distribuidora Norte").await;
    user(&db, "admin.norte", PortalRole::Admin, Some(mine)).await;
    let backend = serve(&db, dir.path().join("photos")).await;
    let token = Token::new(backend.login("admin.norte", PASSWORD).await.unwrap().token);
    let old = dir.path().join("centermind-viejo.db");
    old_database(&old).await;

    let refused = backend
        .import_legacy(&token, std::fs::read(&old).unwrap(), false, None, true)
        .await
        .unwrap_err();
    assert!(matches!(refused, CommandError::Forbidden { .. }), "{refused:?}");
    assert_eq!(db.list_distributors().await.unwrap().len(), 1, "only Norte");
}
