//! Importing the old Python system's database into a real SQLite database:
//! two old distributors (tenants), every verdict, the bad rows reported, a
//! second run that adds only what is new (and the verdicts given in the old
//! system since, never over one given here), and the old file left untouched.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use centermind_core::domain::exhibition::{ExhibitionStatus, SyncState, Verdict};
use centermind_core::domain::roles::{Actor, MemberRole, PortalRole};
use centermind_core::domain::time_zone::Month;
use centermind_core::store::task_kinds::{EDIT_CONFIRMATION, IMPORT_PHOTO};
use centermind_core::store::{
    Db, EvaluationRequest, ExhibitionFilter, LegacyImport, LegacyImportOptions, NewDistributor, NewPortalUser,
    TaskState, TokenOutcome, now,
};
use centermind_core::{Error, Secret};
use chrono::{DateTime, Utc};
use sqlx::{Connection, SqliteConnection};
use uuid::Uuid;

#[path = "fixtures/legacy.rs"]
mod legacy;
use legacy::write_old_database;

const TOKEN: &str = "123456789:AAHoldtokenoldtokenoldtokenoldtok_x";
const A: &str = "6f1c1d0e-5a43-4d3c-9a55-0d6f1b7e2a01";
const B: &str = "6f1c1d0e-5a43-4d3c-9a55-0d6f1b7e2a02";
const C: &str = "6f1c1d0e-5a43-4d3c-9a55-0d6f1b7e2a03";
const D: &str = "6f1c1d0e-5a43-4d3c-9a55-0d6f1b7e2a04";

/// Writes the old database: the documented schema and rows of every shape
/// the importer must read or refuse.
async fn old_database(dir: &Path) -> PathBuf {
    let path = dir.join("centermind-viejo.db");
    let rows = format!(
        "INSERT INTO distribuidores VALUES (1, 'Distribuidora del Sur', '{TOKEN}', NULL, 'carpetaSur123', 'activo', '555');
         INSERT INTO distribuidores VALUES (2, 'Norte SA', NULL, NULL, NULL, 'inactivo', NULL);
         INSERT INTO grupos VALUES (1, 1, -1001, 'Ventas Sur');
         INSERT INTO integrantes VALUES (1, 1, 11, 'Ana Paz', 'Vendedor');
         INSERT INTO integrantes VALUES (2, 1, 12, 'Beto Ruiz', 'supervisor');
         INSERT INTO exhibiciones VALUES ('{A}', 1, -1001, 11, '12.345', 'Kiosco',
             'https://drive.google.com/file/d/FILEAAAAAAAAA1/view?usp=drivesdk', 'Pendiente', NULL, NULL,
             800, -1001, 0, '2025-03-01 14:22:05', NULL);
         INSERT INTO exhibiciones VALUES ('{B}', 1, '-1001', 11, '777', 'Almacen',
             'https://drive.google.com/open?id=FILEBBBBBBBBB1, https://drive.google.com/open?id=FILEBBBBBBBBB2',
             'Aprobado', 'María José Pérez', 'Muy bien', 900, -1001, 1, '2025-03-01 15:00:00', '2025-03-02 09:00:00');
         INSERT INTO exhibiciones VALUES ('{C}', 1, -1001, 13, '888', 'Farmacia', 'https://example.com/foto.jpg',
             'Rechazada', 'maría josé pérez', 'Foto borrosa', 901, -1001, 0, '2025-03-03T10:00:00-03:00', NULL);
         INSERT INTO exhibiciones VALUES ('legacy-7', 1, -1001, 11, '999', 'Kiosco',
             'https://drive.google.com/uc?export=view&id=FILEGGGGGGGGG1', 'pendiente', NULL, NULL,
             NULL, NULL, 0, '1740849725', NULL);
         INSERT INTO exhibiciones VALUES ('{D}', 2, -2002, 21, 'ABC-1', NULL, NULL,
             'Destacado', 'Sofía', NULL, NULL, NULL, 0, '2025-03-04 08:00:00', '2025-03-04 10:30:00');
         INSERT INTO exhibiciones VALUES ('bad-status', 1, -1001, 11, '1', 'Kiosco', NULL,
             'En revisión', NULL, NULL, NULL, NULL, 0, '2025-03-05 08:00:00', NULL);
         INSERT INTO exhibiciones VALUES ('bad-distributor', 99, -1001, 11, '1', 'Kiosco', NULL,
             'Pendiente', NULL, NULL, NULL, NULL, 0, '2025-03-05 08:00:00', NULL);
         INSERT INTO exhibiciones VALUES ('bad-time', 1, -1001, 11, '1', 'Kiosco', NULL,
             'Pendiente', NULL, NULL, NULL, NULL, 0, 'ayer a la tarde', NULL);"
    );
    write_old_database(&path, &rows).await;
    path
}

async fn new_database(dir: &Path) -> Db {
    Db::open(&format!("sqlite://{}", dir.join("centermind.db").display()))
        .await
        .unwrap()
}

fn options() -> LegacyImportOptions {
    LegacyImportOptions {
        time_zone: chrono_tz::America::Argentina::Buenos_Aires,
        bot_tokens: true,
    }
}

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
}

fn by_name<'a>(report: &'a LegacyImport, name: &str) -> &'a centermind_core::store::ImportedDistributor {
    report.distributors.iter().find(|d| d.name == name).unwrap()
}

#[tokio::test]
async fn an_old_database_is_imported_with_its_tenants_verdicts_photos_and_history() {
    let dir = tempfile::tempdir().unwrap();
    let old = old_database(dir.path()).await;
    let db = new_database(dir.path()).await;

    let report = db.import_legacy(&old, &options()).await.unwrap();

    // What the report says.
    let sur = by_name(&report, "Distribuidora del Sur");
    assert!(sur.created);
    assert_eq!(sur.bot_token, TokenOutcome::Imported);
    assert_eq!(sur.groups_created, 1);
    assert_eq!(
        sur.members_created, 3,
        "Ana and Beto from integrantes, 13 from an exhibition"
    );
    assert_eq!(
        sur.pdv_types_created,
        vec!["Farmacia".to_string()],
        "Almacen is the Almacén it has"
    );
    assert_eq!(
        sur.users_created,
        vec!["maria.jose.perez".to_string()],
        "one user for both spellings"
    );
    assert_eq!(
        (
            sur.exhibitions_imported,
            sur.pending,
            sur.approved,
            sur.rejected,
            sur.highlighted
        ),
        (4, 2, 1, 1, 0)
    );
    assert_eq!((sur.photos_queued, sur.photos_not_in_drive), (4, 1));
    assert_eq!(sur.edits_queued, 1, "only the rejection not yet shown in Telegram");
    assert_eq!(sur.evaluation_times_assumed, 1);
    let norte = by_name(&report, "Norte SA");
    assert_eq!((norte.exhibitions_imported, norte.highlighted), (1, 1));
    assert_eq!(norte.bot_token, TokenOutcome::None);
    assert_eq!(norte.pdv_types_created, vec!["Sin tipo".to_string()]);
    assert_eq!(norte.users_created, vec!["sofia".to_string()]);
    let mut skipped: Vec<(String, String)> = report
        .skipped
        .iter()
        .map(|s| (s.key.clone(), s.problem.clone()))
        .collect();
    skipped.sort();
    assert_eq!(
        skipped,
        vec![
            (
                "bad-distributor".into(),
                "la distribuidora 99 no está en la tabla distribuidores".into()
            ),
            (
                "bad-status".into(),
                "estado desconocido «En revisión» (se esperaba Pendiente, Aprobado, Rechazado o Destacado)".into()
            ),
            ("bad-time".into(), "timestamp_subida ilegible: «ayer a la tarde»".into()),
        ]
    );
    assert!(report.recognised.iter().any(|r| r.starts_with("integrantes: ")));
    assert!(
        !serde_json::to_string(&report).unwrap().contains("AAHold") && !format!("{report:?}").contains("AAHold"),
        "the bot token never appears in the report"
    );

    // The distributors as stored.
    let d1 = db.distributor(sur.id).await.unwrap();
    assert!(d1.active && d1.has_bot_token);
    assert_eq!(d1.admin_telegram_id, Some(555));
    assert_eq!(d1.drive_folder_id.as_deref(), Some("carpetaSur123"));
    assert_eq!(d1.time_zone.name(), "America/Argentina/Buenos_Aires");
    assert_eq!(db.distributor_bot_token(sur.id).await.unwrap().unwrap().expose(), TOKEN);
    assert!(!db.distributor(norte.id).await.unwrap().active, "estado 'inactivo'");

    // The pending one: old uuid kept, local time read in Buenos Aires, digits of the customer number.
    let a = db.exhibition(sur.id, Uuid::parse_str(A).unwrap()).await.unwrap();
    assert_eq!(a.summary.status, ExhibitionStatus::Pending);
    assert_eq!(a.summary.submitted_at, utc("2025-03-01T17:22:05Z"));
    assert_eq!(a.summary.customer_number, "12345");
    assert_eq!(a.summary.vendor_name, "Ana Paz");
    assert_eq!(a.summary.group_title, "Ventas Sur");
    assert_eq!(a.summary.pdv_type_name, "Kiosco");
    assert_eq!(a.photos.len(), 1);
    assert_eq!(a.photos[0].upload_state, "pending");
    assert!(a.history.is_empty());

    // The approved burst: evaluator, time, history, already in Telegram.
    let b = db.exhibition(sur.id, Uuid::parse_str(B).unwrap()).await.unwrap();
    assert_eq!(b.summary.status, ExhibitionStatus::Approved);
    assert_eq!(b.summary.evaluator_name.as_deref(), Some("María José Pérez"));
    assert_eq!(b.summary.evaluated_at, Some(utc("2025-03-02T12:00:00Z")));
    assert_eq!(b.summary.comment.as_deref(), Some("Muy bien"));
    assert_eq!(b.summary.sync_state, SyncState::Synced);
    assert_eq!(b.summary.confirmation_message_id, Some(900));
    assert_eq!(b.summary.pdv_type_name, "Almacén");
    assert_eq!(b.photos.len(), 2);
    assert_eq!(b.history.len(), 1);
    assert_eq!(
        (
            b.history[0].from_status,
            b.history[0].to_status,
            b.history[0].actor_name.as_deref()
        ),
        (
            ExhibitionStatus::Pending,
            ExhibitionStatus::Approved,
            Some("María José Pérez")
        )
    );
    assert_eq!(b.history[0].created_at, utc("2025-03-02T12:00:00Z"));

    // The rejection: not yet edited into Telegram, so queued; evaluated at its submission.
    let c = db.exhibition(sur.id, Uuid::parse_str(C).unwrap()).await.unwrap();
    assert_eq!(c.summary.status, ExhibitionStatus::Rejected);
    assert_eq!(c.summary.sync_state, SyncState::Pending);
    assert_eq!(c.summary.submitted_at, utc("2025-03-03T13:00:00Z"));
    assert_eq!(c.summary.evaluated_at, Some(c.summary.submitted_at));
    assert_eq!(
        c.summary.vendor_name, "13",
        "unknown name: the Telegram id until the vendor writes again"
    );
    assert_eq!(c.photos[0].upload_state, "failed");
    assert_eq!(
        c.photos[0].storage_link.as_deref(),
        Some("https://example.com/foto.jpg")
    );
    let edits = db
        .list_tasks(Some(TaskState::Queued), Some(EDIT_CONFIRMATION), None, 10)
        .await
        .unwrap();
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0].payload["exhibition_id"], C);

    // Photos to fetch from Drive: one task per Drive file, with the file id on the photo.
    let photos = db
        .list_tasks(Some(TaskState::Queued), Some(IMPORT_PHOTO), None, 10)
        .await
        .unwrap();
    assert_eq!(photos.len(), 4);
    let drive_ids: Vec<String> =
        sqlx::query_scalar("SELECT drive_file_id FROM exhibition_photos WHERE drive_file_id IS NOT NULL ORDER BY 1")
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert_eq!(
        drive_ids,
        ["FILEAAAAAAAAA1", "FILEBBBBBBBBB1", "FILEBBBBBBBBB2", "FILEGGGGGGGGG1"]
    );

    // A row whose uuid is not one gets a new id and keeps its key; Unix time read.
    let all = db
        .list_exhibitions(sur.id, &ExhibitionFilter::default(), None, 50)
        .await
        .unwrap();
    assert_eq!(all.len(), 4);
    let seventh = all.iter().find(|e| e.customer_number == "999").unwrap();
    assert_eq!(seventh.submitted_at, utc("2025-03-01T17:22:05Z"));

    // Tenants stay apart: Norte's exhibition is only Norte's.
    let norte_rows = db
        .list_exhibitions(norte.id, &ExhibitionFilter::default(), None, 50)
        .await
        .unwrap();
    assert_eq!(norte_rows.len(), 1);
    assert_eq!(norte_rows[0].id, Uuid::parse_str(D).unwrap());
    assert_eq!(norte_rows[0].customer_number, "ABC-1", "kept as the old system had it");
    assert_eq!(norte_rows[0].group_title, "Grupo -2002");
    assert!(db.exhibition(sur.id, Uuid::parse_str(D).unwrap()).await.is_err());

    // Members, PDV types and users as created.
    let members = db.list_members(sur.id).await.unwrap();
    let role_of = |tg: i64| members.iter().find(|m| m.telegram_user_id == tg).unwrap().role;
    assert_eq!(role_of(11), MemberRole::Vendor);
    assert_eq!(role_of(12), MemberRole::Supervisor);
    let active_types: Vec<String> = db
        .list_pdv_types(sur.id, true)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name)
        .collect();
    assert!(
        !active_types.contains(&"Farmacia".to_string()),
        "new types wait for an admin"
    );
    let users = db.list_portal_users(Some(sur.id)).await.unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(
        (users[0].username.as_str(), users[0].role, users[0].active),
        ("maria.jose.perez", PortalRole::Supervisor, false)
    );

    // The ranking of March 2025 counts the old verdicts.
    let ranking = db.ranking(sur.id, Month::new(2025, 3).unwrap()).await.unwrap();
    assert_eq!(ranking.len(), 2, "{ranking:?}");
    assert_eq!(ranking[0].tally.vendor_name, "Ana Paz");
    assert_eq!(ranking[0].tally.approved, 1);
}

#[tokio::test]
async fn running_the_import_again_adds_only_what_is_new_and_leaves_the_old_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let old = old_database(dir.path()).await;
    let before = std::fs::read(&old).unwrap();
    let db = new_database(dir.path()).await;
    db.import_legacy(&old, &options()).await.unwrap();
    let tasks_after_first = db.list_tasks(None, None, None, 100).await.unwrap().len();

    let again = db.import_legacy(&old, &options()).await.unwrap();
    let sur = by_name(&again, "Distribuidora del Sur");
    assert!(!sur.created);
    assert_eq!(sur.bot_token, TokenOutcome::KeptExisting);
    assert_eq!((sur.exhibitions_imported, sur.exhibitions_already_imported), (0, 4));
    assert_eq!((sur.groups_created, sur.members_created), (0, 0));
    assert!(sur.pdv_types_created.is_empty() && sur.users_created.is_empty());
    assert_eq!(
        db.list_tasks(None, None, None, 100).await.unwrap().len(),
        tasks_after_first
    );
    assert_eq!(db.list_distributors().await.unwrap().len(), 2);
    assert_eq!(std::fs::read(&old).unwrap(), before, "the old database is only read");

    // One more exhibition registered by the old bot since: the next run brings just that one.
    old_system_writes(
        &old,
        "INSERT INTO exhibiciones (uuid, id_distribuidor, id_grupo, id_integrante, numero_cliente_local, \
         comentarios_telegram, estado, timestamp_subida) VALUES ('late-one', 1, -1001, 12, '4242', 'Kiosco', \
         'Pendiente', '2025-03-06 10:00:00')",
    )
    .await;
    let third = db.import_legacy(&old, &options()).await.unwrap();
    assert_eq!(by_name(&third, "Distribuidora del Sur").exhibitions_imported, 1);
}

/// Runs SQL on the old database, as the old system would while it keeps working.
async fn old_system_writes(old: &Path, sql: &'static str) {
    let mut conn = SqliteConnection::connect(&format!("sqlite://{}", old.display()))
        .await
        .unwrap();
    sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
}

#[tokio::test]
async fn a_later_run_brings_verdicts_given_in_the_old_system_since_but_never_over_one_given_here() {
    let dir = tempfile::tempdir().unwrap();
    let old = old_database(dir.path()).await;
    let db = new_database(dir.path()).await;
    let first = db.import_legacy(&old, &options()).await.unwrap();
    let sur = by_name(&first, "Distribuidora del Sur").id;
    let (a, b, c) = (
        Uuid::parse_str(A).unwrap(),
        Uuid::parse_str(B).unwrap(),
        Uuid::parse_str(C).unwrap(),
    );
    let seventh = db
        .list_exhibitions(sur, &ExhibitionFilter::default(), None, 50)
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.customer_number == "999")
        .unwrap()
        .id;

    // Here, a supervisor approves the seventh, pending at the import.
    let supervisor = db
        .create_portal_user(NewPortalUser {
            username: "lucia".into(),
            display_name: Some("Lucía Gómez".into()),
            password: Secret::new("una clave larga de verdad".into()),
            role: PortalRole::Supervisor,
            distributor_id: Some(sur),
        })
        .await
        .unwrap();
    let actor = Actor {
        user_id: supervisor.id,
        role: PortalRole::Supervisor,
        distributor_id: Some(sur),
    };
    let approve = |id| EvaluationRequest {
        exhibition_id: id,
        verdict: Verdict::Approved,
        expected_status: ExhibitionStatus::Pending,
        comment: None,
        reason: None,
    };
    db.evaluate_exhibition(&actor, approve(seventh), now()).await.unwrap();

    // Meanwhile the old system kept working: A approved, B changed to a rejection,
    // the seventh rejected there too. C unchanged.
    old_system_writes(
        &old,
        "UPDATE exhibiciones SET estado = 'Aprobado', supervisor_nombre = 'Beto Ruiz', comentarios = 'Bien', \
           synced_telegram = 0, timestamp_evaluacion = '2025-03-07 11:00:00' WHERE uuid = '6f1c1d0e-5a43-4d3c-9a55-0d6f1b7e2a01';
         UPDATE exhibiciones SET estado = 'Rechazada', comentarios = 'Precios viejos', synced_telegram = 0, \
           timestamp_evaluacion = '2025-03-08 09:30:00' WHERE uuid = '6f1c1d0e-5a43-4d3c-9a55-0d6f1b7e2a02';
         UPDATE exhibiciones SET estado = 'Rechazada', supervisor_nombre = 'Beto Ruiz', \
           timestamp_evaluacion = '2025-03-08 10:00:00' WHERE uuid = 'legacy-7';",
    )
    .await;
    let edits_before = db
        .list_tasks(None, Some(EDIT_CONFIRMATION), None, 100)
        .await
        .unwrap()
        .len();

    let second = db.import_legacy(&old, &options()).await.unwrap();
    let report = by_name(&second, "Distribuidora del Sur");
    assert_eq!(
        (
            report.exhibitions_imported,
            report.exhibitions_already_imported,
            report.verdicts_updated,
            report.verdicts_kept
        ),
        (0, 4, 2, 1)
    );
    assert_eq!(report.edits_queued, 2, "A and B are edited in Telegram by the new bot");
    assert_eq!(report.users_created, vec!["beto.ruiz".to_string()]);

    // A: the old verdict, its evaluator, its time, marked as imported in the history.
    let a_now = db.exhibition(sur, a).await.unwrap();
    assert_eq!(a_now.summary.status, ExhibitionStatus::Approved);
    assert_eq!(a_now.summary.evaluator_name.as_deref(), Some("Beto Ruiz"));
    assert_eq!(a_now.summary.comment.as_deref(), Some("Bien"));
    assert_eq!(a_now.summary.evaluated_at, Some(utc("2025-03-07T14:00:00Z")));
    assert_eq!(a_now.summary.sync_state, SyncState::Pending);
    let steps = |e: &centermind_core::store::Exhibition| -> Vec<(ExhibitionStatus, ExhibitionStatus, bool)> {
        e.history
            .iter()
            .map(|h| (h.from_status, h.to_status, h.imported))
            .collect()
    };
    assert_eq!(
        steps(&a_now),
        [(ExhibitionStatus::Pending, ExhibitionStatus::Approved, true)]
    );

    // B: changed in the old system and never touched here, so it follows.
    let b_now = db.exhibition(sur, b).await.unwrap();
    assert_eq!(b_now.summary.status, ExhibitionStatus::Rejected);
    assert_eq!(b_now.summary.comment.as_deref(), Some("Precios viejos"));
    assert_eq!(b_now.summary.evaluator_name.as_deref(), Some("María José Pérez"));
    assert_eq!(
        steps(&b_now),
        [
            (ExhibitionStatus::Pending, ExhibitionStatus::Approved, true),
            (ExhibitionStatus::Approved, ExhibitionStatus::Rejected, true)
        ]
    );

    // The seventh keeps the verdict given here; C did not change.
    let seventh_now = db.exhibition(sur, seventh).await.unwrap();
    assert_eq!(seventh_now.summary.status, ExhibitionStatus::Approved);
    assert_eq!(seventh_now.summary.evaluator_name.as_deref(), Some("Lucía Gómez"));
    assert_eq!(
        steps(&seventh_now),
        [(ExhibitionStatus::Pending, ExhibitionStatus::Approved, false)]
    );
    assert_eq!(db.exhibition(sur, c).await.unwrap().history.len(), 1);

    let edits: Vec<String> = db
        .list_tasks(None, Some(EDIT_CONFIRMATION), None, 100)
        .await
        .unwrap()
        .iter()
        .map(|t| t.payload["exhibition_id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(edits.len(), edits_before + 2);
    assert!(edits.contains(&A.to_string()) && edits.contains(&B.to_string()));

    // Nothing new in the old system: a third run changes nothing, and still says
    // where the two disagree.
    let third = db.import_legacy(&old, &options()).await.unwrap();
    let report = by_name(&third, "Distribuidora del Sur");
    assert_eq!(
        (report.verdicts_updated, report.verdicts_kept, report.edits_queued),
        (0, 1, 0)
    );

    // Once evaluated here, A no longer follows the old system.
    db.evaluate_exhibition(
        &actor,
        EvaluationRequest {
            exhibition_id: a,
            verdict: Verdict::Highlighted,
            expected_status: ExhibitionStatus::Approved,
            comment: None,
            reason: None,
        },
        now(),
    )
    .await
    .unwrap();
    old_system_writes(
        &old,
        "UPDATE exhibiciones SET estado = 'Rechazada' WHERE uuid = '6f1c1d0e-5a43-4d3c-9a55-0d6f1b7e2a01';",
    )
    .await;
    let fourth = db.import_legacy(&old, &options()).await.unwrap();
    let report = by_name(&fourth, "Distribuidora del Sur");
    assert_eq!((report.verdicts_updated, report.verdicts_kept), (0, 2));
    assert_eq!(
        db.exhibition(sur, a).await.unwrap().summary.status,
        ExhibitionStatus::Highlighted
    );

    // The old system now agrees on the seventh (approved, with its own comment): no
    // longer counted as a disagreement, and still not touched.
    old_system_writes(
        &old,
        "UPDATE exhibiciones SET estado = 'Aprobado', comentarios = 'Ok' WHERE uuid = 'legacy-7';",
    )
    .await;
    let fifth = db.import_legacy(&old, &options()).await.unwrap();
    let report = by_name(&fifth, "Distribuidora del Sur");
    assert_eq!((report.verdicts_updated, report.verdicts_kept), (0, 1), "only A");
    assert_eq!(db.exhibition(sur, seventh).await.unwrap().summary.comment, None);
}

#[tokio::test]
async fn a_distributor_already_here_is_reused_and_keeps_its_token() {
    let dir = tempfile::tempdir().unwrap();
    let old = old_database(dir.path()).await;
    let db = new_database(dir.path()).await;
    let mine = "987654321:BBnewtokennewtokennewtokennewtoken_y";
    let existing = db
        .create_distributor(NewDistributor {
            name: "DISTRIBUIDORA DEL SUR".into(),
            time_zone: Some("America/Argentina/Cordoba".into()),
            bot_token: Some(Secret::new(mine.to_string())),
            admin_telegram_id: None,
        })
        .await
        .unwrap();

    let report = db.import_legacy(&old, &options()).await.unwrap();
    let sur = by_name(&report, "DISTRIBUIDORA DEL SUR");
    assert_eq!(sur.id, existing.id);
    assert!(!sur.created);
    assert_eq!(sur.bot_token, TokenOutcome::KeptExisting);
    assert_eq!(
        db.distributor_bot_token(existing.id).await.unwrap().unwrap().expose(),
        mine
    );
    assert_eq!(db.list_distributors().await.unwrap().len(), 2);
}

#[tokio::test]
async fn tokens_stay_behind_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let old = old_database(dir.path()).await;
    let db = new_database(dir.path()).await;
    let report = db
        .import_legacy(
            &old,
            &LegacyImportOptions {
                bot_tokens: false,
                ..options()
            },
        )
        .await
        .unwrap();
    let sur = by_name(&report, "Distribuidora del Sur");
    assert_eq!(sur.bot_token, TokenOutcome::NotCarried);
    assert!(db.distributor_bot_token(sur.id).await.unwrap().is_none());
}

#[tokio::test]
async fn a_file_that_is_not_an_old_database_is_refused_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = new_database(dir.path()).await;
    let refused = |e: Error| match e {
        Error::Invalid {
            field: "archivo",
            reason,
        } => reason,
        other => panic!("unexpected error {other:?}"),
    };

    let missing = db
        .import_legacy(&dir.path().join("no-existe.db"), &options())
        .await
        .unwrap_err();
    assert!(refused(missing).starts_with("no existe el archivo"));

    let text = dir.path().join("notas.txt");
    std::fs::write(&text, "esto no es una base de datos, son notas sueltas ".repeat(50)).unwrap();
    let not_sqlite = db.import_legacy(&text, &options()).await.unwrap_err();
    assert!(refused(not_sqlite).contains("no es una base de datos SQLite"));

    // Our own database is not the old one.
    let ours = dir.path().join("centermind.db");
    let wrong = db.import_legacy(&ours, &options()).await.unwrap_err();
    assert_eq!(
        refused(wrong),
        "no es una base de datos del sistema anterior: falta la tabla distribuidores"
    );
    assert!(db.list_distributors().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_preview_reports_what_the_import_would_do_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let old = old_database(dir.path()).await;
    let db = new_database(dir.path()).await;
    let files_before: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();

    let preview = db.preview_legacy_import(&old, &options()).await.unwrap();
    assert!(db.list_distributors().await.unwrap().is_empty(), "nothing imported");
    assert!(db.list_tasks(None, None, None, 10).await.unwrap().is_empty());
    let mut files_after: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    files_after.sort();
    let mut expected = files_before.clone();
    expected.sort();
    assert_eq!(files_after, expected, "the copy is gone");

    let real = db.import_legacy(&old, &options()).await.unwrap();
    let strip = |r: &LegacyImport| {
        let mut v = serde_json::to_value(r).unwrap();
        // Ids may differ between the copy and the real database; everything else must not.
        for d in v["distributors"].as_array_mut().unwrap() {
            d.as_object_mut().unwrap().remove("id");
        }
        v
    };
    assert_eq!(strip(&preview), strip(&real));
}
