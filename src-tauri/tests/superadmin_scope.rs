//! The superadmin works in one distributor at a time outside the administration
//! too: the desktop's client names it to the ranking, the reports and the live
//! events (the real API on 127.0.0.1, a real SQLite database with two
//! distributors). Everyone else gets their own distributor without naming it,
//! and naming another one is refused by the server.

#![allow(clippy::unwrap_used)] // test fixtures panic on purpose

use centermind_core::domain::roles::PortalRole;
use centermind_core::store::Db;
use centermind_desktop::client::Token;
use centermind_desktop::error::CommandError;
use centermind_desktop::model::{ExportFormat, ReportGroupBy, ReportPeriod, ReportPreset};

#[path = "support/api.rs"]
mod api;
use api::{PASSWORD, serve, user};

/// A distributor with a supervisor (`supervisor.<name>`).
async fn distributor(db: &Db, name: &str) -> i64 {
    let d = api::distributor(db, name).await;
    user(db, &format!("supervisor.{name}"), PortalRole::Supervisor, Some(d)).await;
    d
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_superadmin_reads_the_ranking_reports_and_live_events_of_the_distributor_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&format!("sqlite://{}", dir.path().join("centermind.db").display()))
        .await
        .unwrap();
    let norte = distributor(&db, "Norte").await;
    let sur = distributor(&db, "Sur").await;
    user(&db, "root", PortalRole::Superadmin, None).await;
    let backend = serve(&db, dir.path().join("photos")).await;
    let root = Token::new(backend.login("root", PASSWORD).await.unwrap().token);
    let month = ReportPeriod::Preset {
        preset: ReportPreset::ThisMonth,
    };

    for (d, name) in [(norte, "Norte"), (sur, "Sur")] {
        let ranking = backend.ranking(&root, Some(d), None).await.unwrap();
        assert_eq!((ranking.distributor_id, ranking.distributor_name.as_str()), (d, name));
        let summary = backend
            .report_summary(&root, Some(d), &month, ReportGroupBy::Vendor)
            .await
            .unwrap();
        assert_eq!(summary.distributor_id, d);
        let export = backend
            .report_export(&root, Some(d), &month, ExportFormat::Csv)
            .await
            .unwrap();
        assert!(export.status().is_success());
        let events = backend.events(&root, Some(d)).await.unwrap();
        assert_eq!(events.headers()["content-type"], "text/event-stream");
    }
    // Without naming one, the server cannot tell which: a clear refusal, not another's data.
    assert!(matches!(
        backend.ranking(&root, None, None).await,
        Err(CommandError::Invalid { .. })
    ));
    assert!(matches!(
        backend.events(&root, None).await,
        Err(CommandError::Invalid { .. })
    ));

    // A supervisor reads their own without naming it, and never the other one.
    let supervisor = Token::new(backend.login("supervisor.Sur", PASSWORD).await.unwrap().token);
    assert_eq!(
        backend.ranking(&supervisor, None, None).await.unwrap().distributor_id,
        sur
    );
    assert!(matches!(
        backend.ranking(&supervisor, Some(norte), None).await,
        Err(CommandError::NotFound { .. })
    ));
    assert!(matches!(
        backend
            .report_summary(&supervisor, Some(norte), &month, ReportGroupBy::Vendor)
            .await,
        Err(CommandError::NotFound { .. })
    ));
}
