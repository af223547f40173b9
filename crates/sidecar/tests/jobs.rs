//! The scheduled jobs through the real processes: `centermind-sidecar run` on
//! a SQLite file with a fake Telegram Bot API on 127.0.0.1 (reached through
//! the configured base URL, as the real one would be), runs asked for from
//! another process (`job run`, picked up by polling the database) and from
//! the HTTP API (which wakes the scheduler at once).

#![allow(clippy::unwrap_used)]
// test fixtures panic on purpose
// The service test stops it with SIGTERM (Unix only); elsewhere its fixtures go unused.
#![cfg_attr(not(unix), allow(dead_code, unused_imports))]

use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

mod support;
use support::{cli, ok};

use centermind_core::Secret;
use centermind_core::domain::DistributorId;
use centermind_core::domain::customer_number::CustomerNumber;
use centermind_core::domain::period::{Period, Preset};
use centermind_core::domain::roles::PortalRole;
use centermind_core::store::{Db, JobRun, NewExhibition, NewPhoto, NewPortalUser, RunOutcome, now};
use centermind_fake_telegram::FakeTelegram;
use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{Connection, SqliteConnection};

const SUR: &str = "5151515151:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const NORTE: &str = "5252525252:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const ADMIN_SUR: i64 = 700_001;
const ADMIN_NORTE: i64 = 700_002;
const PASSWORD: &str = "clave-de-prueba";

struct Tenant {
    id: DistributorId,
    /// When its exhibitions were received.
    seeded_at: DateTime<Utc>,
}

/// A distributor with its bot and admin, `pending` exhibitions waiting and
/// one of each verdict per `(approved, highlighted, rejected)` given now.
async fn tenant(db: &Db, name: &str, token: &str, admin: i64, chat: i64, pending: usize, judged: [usize; 3]) -> Tenant {
    let shop = support::shop(db, name, token, Some(admin), chat, ("Ana", None)).await;
    let seeded_at = now();
    let verdicts = ["approved", "highlighted", "rejected"];
    let statuses = std::iter::repeat_n("pending", pending).chain(
        verdicts
            .iter()
            .zip(judged)
            .flat_map(|(v, n)| std::iter::repeat_n(*v, n)),
    );
    for (i, status) in statuses.enumerate() {
        let r = db
            .record_exhibition(NewExhibition {
                distributor_id: shop.distributor,
                group_id: shop.group,
                vendor_id: shop.vendor,
                customer_number: CustomerNumber::parse("10452").unwrap(),
                pdv_type_id: shop.pdv_type,
                submitted_at: seeded_at,
                idempotency_key: format!("{chat}:{i}"),
                photos: vec![NewPhoto {
                    telegram_file_id: Some(format!("f{i}")),
                    ..Default::default()
                }],
            })
            .await
            .unwrap();
        if status != "pending" {
            sqlx::query("UPDATE exhibitions SET status = ?, evaluated_at = ? WHERE id = ?")
                .bind(status)
                .bind(seeded_at)
                .bind(r.id.to_string())
                .execute(db.pool())
                .await
                .unwrap();
        }
    }
    Tenant {
        id: shop.distributor,
        seeded_at,
    }
}

#[cfg(unix)]
fn terminate(mut child: Child) -> std::process::ExitStatus {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    child.wait().unwrap()
}

/// The job's finished runs once there are `n`, polling until a deadline.
async fn finished_runs(db: &Db, job: &str, n: usize) -> Vec<JobRun> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let runs: Vec<JobRun> = db
            .job_runs(job, 50)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.outcome != RunOutcome::Running)
            .collect();
        if runs.len() >= n || Instant::now() > deadline {
            return runs;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn backups_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The summary text the admin must get, computed from what was seeded and
/// the day the run reported (a run a second after local midnight reports the new day).
fn expected_summary(name: &str, t: &Tenant, run: DateTime<Utc>, figures: [i64; 4], pending_now: i64) -> String {
    let tz: chrono_tz::Tz = "America/Argentina/Buenos_Aires".parse().unwrap();
    let today = Period::preset(Preset::Today, run, tz);
    let same_day = today.start <= t.seeded_at && t.seeded_at < today.end;
    let f = if same_day { figures } else { [0; 4] };
    format!(
        "📊 Resumen del {} — {name}\n📥 Recibidas: {}\n✅ Aprobadas: {}\n⭐ Destacadas: {}\n❌ Rechazadas: {}\n\
         ⏳ Pendientes ahora: {pending_now}",
        run.with_timezone(&tz).format("%d/%m/%Y"),
        f[0],
        f[1],
        f[2],
        f[3]
    )
}

#[cfg(unix)] // stopped with SIGTERM like a service manager would
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_backs_up_and_sends_each_admin_their_summary_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let telegram = FakeTelegram::start().await.unwrap();
    telegram.add_bot(SUR, "sur_bot");
    telegram.add_bot(NORTE, "norte_bot");

    let db = Db::open(&format!("sqlite://{}", data.join("centermind.db").display()))
        .await
        .unwrap();
    let sur = tenant(&db, "Distribuidora Sur", SUR, ADMIN_SUR, -1_001_111, 3, [1, 1, 1]).await;
    let norte = tenant(&db, "Distribuidora Norte", NORTE, ADMIN_NORTE, -1_002_222, 2, [0, 0, 0]).await;
    db.create_portal_user(NewPortalUser {
        username: "root".into(),
        display_name: None,
        password: Secret::new(PASSWORD.into()),
        role: PortalRole::Superadmin,
        distributor_id: None,
    })
    .await
    .unwrap();
    // Eight backups from earlier days: with the new one, the two oldest must go.
    let backups = data.join("backups");
    std::fs::create_dir_all(&backups).unwrap();
    for day in 1..=8 {
        std::fs::write(backups.join(format!("centermind-2026010{day}T060000.000Z.db")), b"old").unwrap();
    }

    let (child, base) = support::start_run(data, telegram.url());

    // From another process: the service finds the request by polling the database.
    let asked = Instant::now();
    let out = ok(&cli(data, &["job", "run", "backup", "--wait", "--timeout", "20"]));
    assert!(out.contains("; el servicio (pid "), "{out}");
    assert!(out.contains("de backup: terminó bien"), "{out}");
    eprintln!("job run backup --wait (another process, polled): {:?}", asked.elapsed());
    let runs = finished_runs(&db, "backup", 1).await;
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0].outcome, RunOutcome::Succeeded, "{runs:?}");
    let detail = runs[0].detail.clone().unwrap();
    assert!(
        detail.contains("verificada") && detail.contains("2 copia(s) anterior(es) borrada(s)"),
        "{detail}"
    );

    let names = backups_in(&backups);
    assert_eq!(names.len(), 7, "{names:?}");
    assert!(
        !names
            .iter()
            .any(|n| n.starts_with("centermind-20260101") || n.starts_with("centermind-20260102"))
    );
    assert!(names.iter().any(|n| n.starts_with("centermind-20260103")));
    let newest = backups.join(names.last().unwrap());
    assert!(detail.contains(&newest.display().to_string()), "{detail}");
    // The copy is a sound SQLite database with the data.
    let mut copy = SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(&newest).read_only(true))
        .await
        .unwrap();
    let check: String = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_one(&mut copy)
        .await
        .unwrap();
    assert_eq!(check, "ok");
    let distributors: i64 = sqlx::query_scalar("SELECT count(*) FROM distributors")
        .fetch_one(&mut copy)
        .await
        .unwrap();
    assert_eq!(distributors, 2);
    copy.close().await.unwrap();

    // Through the API: the superadmin asks, the scheduler wakes at once.
    let client = reqwest::Client::new();
    let token = &support::login(&client, &base, "root", PASSWORD).await;
    let asked = Instant::now();
    let resp = client
        .post(format!("{base}/api/v1/jobs/daily_summary/run"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), reqwest::StatusCode::ACCEPTED);
    let sent = telegram
        .wait_for_requests("sendMessage", 2, Duration::from_secs(10))
        .await;
    eprintln!("POST /jobs/daily_summary/run → 2 messages: {:?}", asked.elapsed());
    let summaries: Vec<_> = sent
        .iter()
        .filter(|r| r.str("text").is_some_and(|t| t.starts_with("📊 Resumen")))
        .collect();
    assert_eq!(summaries.len(), 2, "{sent:?}");
    let runs = finished_runs(&db, "daily_summary", 1).await;
    assert_eq!(runs[0].outcome, RunOutcome::Succeeded, "{runs:?}");
    assert_eq!(
        runs[0].detail.as_deref(),
        Some("Resumen enviado a 2 administrador(es).")
    );
    let ran = runs[0].started_at;
    for (t, name, bot, admin, figures, pending) in [
        (&sur, "Distribuidora Sur", SUR, ADMIN_SUR, [6, 1, 1, 1], 3),
        (&norte, "Distribuidora Norte", NORTE, ADMIN_NORTE, [2, 0, 0, 0], 2),
    ] {
        let to_admin: Vec<_> = summaries.iter().filter(|r| r.int("chat_id") == Some(admin)).collect();
        assert_eq!(to_admin.len(), 1, "one message for {name}'s admin");
        assert_eq!(to_admin[0].token, bot, "sent by {name}'s own bot");
        assert_eq!(
            to_admin[0].str("text").unwrap(),
            expected_summary(name, t, ran, figures, pending),
            "distributor {}",
            t.id
        );
    }
    // Nothing went to the vendors' groups.
    assert!(telegram.messages_in(-1_001_111).is_empty() && telegram.messages_in(-1_002_222).is_empty());

    // The listing shows both runs; the service stops cleanly.
    let list = ok(&cli(data, &["job", "list"]));
    for expected in [
        "backup",
        "daily_summary",
        "housekeeping",
        "terminó bien",
        "daily 03:00",
        "every 1h",
    ] {
        assert!(list.contains(expected), "{expected} in:\n{list}");
    }
    let exit = terminate(child);
    assert!(exit.success(), "graceful stop must exit 0, got {exit}");
    assert!(db.list_jobs(now()).await.unwrap().iter().all(|j| !j.is_running()));
}

#[test]
fn without_a_service_runs_wait_for_it_or_run_here_with_now() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(&cli(d, &["migrate"]));

    let out = ok(&cli(d, &["job", "run", "housekeeping"]));
    assert!(out.contains("no hay un servicio corriendo"), "{out}");
    let waiting = cli(d, &["job", "run", "housekeeping", "--wait"]);
    assert!(!waiting.status.success());
    let list = ok(&cli(d, &["job", "list"]));
    assert!(list.contains("ya (pedida)"), "{list}");

    let out = ok(&cli(d, &["job", "run", "backup", "--now"]));
    assert!(
        out.contains("de backup: terminó bien") && out.contains("verificada"),
        "{out}"
    );
    assert_eq!(backups_in(&d.join("backups")).len(), 1);
    let runs = ok(&cli(d, &["job", "runs", "backup"]));
    assert!(runs.contains("terminó bien"), "{runs}");

    let out = ok(&cli(
        d,
        &["job", "set", "backup", "--schedule", "daily 4:30", "--active", "false"],
    ));
    assert!(out.contains("daily 04:30") && out.contains("pausada"), "{out}");
    let json = ok(&cli(d, &["job", "list", "--json"]));
    let jobs: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(jobs[0]["id"], "backup");
    assert_eq!(jobs[0]["schedule"], "daily 04:30");
    assert_eq!(jobs[0]["active"], false);

    let bad = cli(d, &["job", "set", "backup", "--schedule", "weekly"]);
    assert!(!bad.status.success());
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(stderr.contains("weekly"), "{stderr}");
    let unknown = cli(d, &["job", "run", "nope", "--now"]);
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("No se encontró la tarea programada."),
        "{}",
        String::from_utf8_lossy(&unknown.stderr)
    );
}
