//! Two OS processes share one SQLite file, as the desktop app and the sidecar
//! do on a one-machine install. No "database is locked" may reach a caller,
//! migrations must run exactly once, and every acknowledged row must be there.

#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on purpose

use std::process::{Command, Stdio};

use centermind_core::store::{Db, MIGRATOR};
use centermind_integration_tests::WorkerReport;

const ITERATIONS: u64 = 300;

#[tokio::test]
async fn two_processes_write_and_read_one_database_without_lock_errors() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("shared.db").display());
    let worker = env!("CARGO_BIN_EXE_db-stress-worker");

    // Start both before either has created the file: they race on migrations too.
    let children: Vec<_> = ["alpha", "beta"]
        .iter()
        .map(|name| {
            Command::new(worker)
                .args([url.as_str(), name, &ITERATIONS.to_string()])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut reports = Vec::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "worker failed: {stderr}");
        assert!(
            !stderr.to_lowercase().contains("locked"),
            "lock error reached the caller: {stderr}"
        );
        let report: WorkerReport = serde_json::from_slice(&out.stdout).unwrap();
        reports.push(report);
    }

    let db = Db::open(&url).await.unwrap();
    let count = |sql: &'static str| {
        let db = db.clone();
        async move { sqlx::query_scalar::<_, i64>(sql).fetch_one(db.pool()).await.unwrap() }
    };
    let created: u64 = reports.iter().map(|r| r.created).sum();
    assert_eq!(created, 2 * ITERATIONS, "{reports:?}");
    assert_eq!(count("SELECT count(*) FROM exhibitions").await as u64, 2 * ITERATIONS);
    assert_eq!(
        count("SELECT count(*) FROM exhibition_photos").await as u64,
        2 * ITERATIONS
    );
    let evaluations: u64 = reports.iter().map(|r| r.evaluations).sum();
    assert!(evaluations > 0);
    assert_eq!(
        count("SELECT count(*) FROM evaluation_events").await as u64,
        evaluations
    );
    assert_eq!(
        count("SELECT count(*) FROM exhibitions WHERE status = 'approved'").await as u64,
        evaluations
    );
    assert_eq!(
        count("SELECT count(*) FROM distributors").await,
        1,
        "both workers share one tenant"
    );
    assert_eq!(
        count("SELECT count(*) FROM _sqlx_migrations").await as usize,
        MIGRATOR.iter().count()
    );
    let failed_migrations = count("SELECT count(*) FROM _sqlx_migrations WHERE success = 0").await;
    assert_eq!(failed_migrations, 0);
    eprintln!("reports: {reports:?}");
}
