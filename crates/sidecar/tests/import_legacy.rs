//! `centermind-sidecar import-legacy`, driven as an administrator moving a
//! distributor from the old Python system would: a dry run, the import, a
//! second run, a third after a verdict given in the old system, a wrong file;
//! the bot token never printed.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

#[path = "../../core/tests/fixtures/legacy.rs"]
mod legacy;
mod support;

use support::{cli as sidecar, ok as stdout};

const OLD_TOKEN: &str = "555666777:AAHoldbotoldbotoldbotoldbotoldbot12";

fn old_database(dir: &Path) -> PathBuf {
    let path = dir.join("base_datos").join("centermind.db");
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let rows = format!(
        "INSERT INTO distribuidores VALUES (1, 'Distribuidora del Sur', '{OLD_TOKEN}', NULL, 'carpeta1', 'activo', '555');
         INSERT INTO exhibiciones VALUES ('0a1b2c3d-0000-4000-8000-000000000001', 1, -1001, 11, '100', 'Kiosco',
           'https://drive.google.com/file/d/FILE00000000001/view', 'Aprobado', 'Sofía Gómez', 'Bien', 70, -1001, 0,
           '2025-03-01 10:00:00', '2025-03-01 11:00:00');
         INSERT INTO exhibiciones VALUES ('0a1b2c3d-0000-4000-8000-000000000002', 1, -1001, 12, '200', 'Farmacia',
           NULL, 'Pendiente', NULL, NULL, 71, -1001, 0, '2025-03-02 10:00:00', NULL);
         INSERT INTO exhibiciones VALUES ('0a1b2c3d-0000-4000-8000-000000000003', 1, -1001, 12, '300', 'Kiosco',
           NULL, 'Anulado', NULL, NULL, NULL, NULL, 0, '2025-03-02 11:00:00', NULL);"
    );
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    runtime.block_on(legacy::write_old_database(&path, &rows));
    path
}

/// Runs `work` on a connection to the SQLite file at `path`.
fn on_database<T>(path: &str, work: impl AsyncFnOnce(&mut sqlx::SqliteConnection) -> T) -> T {
    use sqlx::Connection;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{path}"))
            .await
            .unwrap();
        let out = work(&mut conn).await;
        conn.close().await.unwrap();
        out
    })
}

#[test]
fn an_admin_previews_imports_and_reimports_the_old_database() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let old = old_database(dir.path());
    let old = old.to_str().unwrap();
    stdout(&sidecar(&data, &["migrate"]));

    // The dry run says what would happen and changes nothing.
    let preview = sidecar(&data, &["import-legacy", old, "--dry-run"]);
    let text = stdout(&preview);
    assert!(text.starts_with("Prueba (--dry-run): no se guardó nada."), "{text}");
    assert!(
        text.contains("Distribuidora del Sur (n.º 1, nueva): 2 exhibiciones (1 pendientes, 1 aprobadas, 0 rechazadas, 0 destacadas)."),
        "{text}"
    );
    assert!(
        text.contains("  exhibiciones 0a1b2c3d-0000-4000-8000-000000000003: estado desconocido «Anulado»"),
        "{text}"
    );
    let listed = stdout(&sidecar(&data, &["distributor", "list", "--json"]));
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&listed).unwrap(),
        serde_json::json!([])
    );

    // The import.
    let done = sidecar(&data, &["import-legacy", old]);
    let text = stdout(&done);
    assert!(text.starts_with("Importado de "), "{text}");
    assert!(text.contains("  Bot: token importado."), "{text}");
    assert!(
        text.contains("1 tipo de PDV (inactivos hasta que un admin los active: Farmacia)"),
        "{text}"
    );
    assert!(
        text.contains("1 usuario inactivo para los supervisores que evaluaron (sin contraseña: sofia.gomez)"),
        "{text}"
    );
    assert!(text.contains("  Fotos: 1 por traer de Google Drive."), "{text}");
    assert!(
        text.contains("  Telegram: 1 veredicto que el sistema anterior no había avisado"),
        "{text}"
    );
    assert!(text.contains("detené el bot viejo"), "{text}");
    for out in [&preview, &done] {
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(!all.contains("AAHoldbot"), "the token is never printed: {all}");
    }
    let listed: serde_json::Value =
        serde_json::from_str(&stdout(&sidecar(&data, &["distributor", "list", "--json"]))).unwrap();
    assert_eq!(listed[0]["name"], "Distribuidora del Sur");
    assert_eq!(listed[0]["has_bot_token"], true);
    let tasks = stdout(&sidecar(&data, &["task", "list", "--kind", "import_photo"]));
    assert!(tasks.contains("import_photo"), "{tasks}");

    // Again, as JSON: nothing new.
    let again: serde_json::Value =
        serde_json::from_str(&stdout(&sidecar(&data, &["import-legacy", old, "--json"]))).unwrap();
    assert_eq!(again["distributors"][0]["exhibitions_imported"], 0);
    assert_eq!(again["distributors"][0]["exhibitions_already_imported"], 2);
    assert_eq!(again["distributors"][0]["bot_token"], "kept_existing");
    assert_eq!(again["skipped"][0]["key"], "0a1b2c3d-0000-4000-8000-000000000003");

    // The old system kept working: the pending one was approved there. The next run
    // brings that verdict and says so.
    let changed = on_database(old, async |conn| {
        sqlx::query(
            "UPDATE exhibiciones SET estado = 'Aprobado', supervisor_nombre = 'Sofía Gómez', \
               timestamp_evaluacion = '2025-03-03 09:00:00' WHERE uuid = '0a1b2c3d-0000-4000-8000-000000000002'",
        )
        .execute(conn)
        .await
        .unwrap()
        .rows_affected()
    });
    assert_eq!(changed, 1);
    let text = stdout(&sidecar(&data, &["import-legacy", old]));
    assert!(
        text.contains("  Veredictos traídos del sistema anterior (dados allí desde la importación anterior): 1.\n"),
        "{text}"
    );
    assert!(!text.contains("queda el de CenterMind"), "{text}");
    let approved: i64 = on_database(data.join("centermind.db").to_str().unwrap(), async |conn| {
        sqlx::query_scalar("SELECT count(*) FROM exhibitions WHERE status = 'approved'")
            .fetch_one(conn)
            .await
            .unwrap()
    });
    assert_eq!(approved, 2);
}

#[test]
fn a_file_that_is_not_the_old_database_is_refused_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    stdout(&sidecar(&data, &["migrate"]));
    let ours = data.join("centermind.db");
    let out = sidecar(&data, &["import-legacy", ours.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error: Datos inválidos: archivo: no es una base de datos del sistema anterior: falta la tabla distribuidores"),
        "{err}"
    );
    let out = sidecar(
        &data,
        &["import-legacy", "/no/existe.db", "--time-zone", "Marte/Olimpo"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--time-zone: \"Marte/Olimpo\" no es una zona horaria"));
}
