//! Performance benchmark of the storage and the HTTP API on a large database:
//! 1,000,000 exhibitions over 100 distributors (SQLite, WAL, as in production).
//!
//! Usage (release build; the database is generated once and reused):
//!   cargo run --release -p centermind-integration-tests --bin centermind-bench -- /tmp/bench.db
//! Prints latency percentiles and throughput; see docs/benchmarks.md for figures.
//! With `--serve` as a second argument it keeps the API up (printing its URL
//! and a token) for an external load tool instead of its own HTTP load.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::Context;
use centermind_api::{AppState, router};
use centermind_core::Secret;
use centermind_core::domain::period::Period;
use centermind_core::domain::roles::PortalRole;
use centermind_core::domain::time_zone::Month;
use centermind_core::store::{Db, GroupBy, NewDistributor, NewPortalUser, now};
use chrono::{Duration as ChronoDuration, TimeZone, Utc};
use futures_util::TryStreamExt;

const DISTRIBUTORS: i64 = 100;
const VENDORS_PER_DISTRIBUTOR: i64 = 10;
const EXHIBITIONS: i64 = 1_000_000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "/tmp/centermind-bench.db".into());
    let fresh = !std::path::Path::new(&path).exists();
    let db = Db::open(&format!("sqlite://{path}")).await?;
    if fresh {
        let t = Instant::now();
        generate(&db).await?;
        println!(
            "generated {EXHIBITIONS} exhibitions in {:.1}s",
            t.elapsed().as_secs_f64()
        );
        sqlx::query("ANALYZE").execute(db.pool()).await?;
    }
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!("database: {path} ({:.0} MiB)", size as f64 / 1048576.0);

    // 1. Next pending page (50 items), first page and a deeper page, random distributors.
    let mut first = Vec::new();
    let mut next = Vec::new();
    for i in 0..1000 {
        let d = 1 + (i * 37) % DISTRIBUTORS;
        let t = Instant::now();
        let page = db.pending_page(d, None, 50).await?;
        first.push(t.elapsed());
        if let Some(last) = page.last() {
            let cursor = centermind_core::store::PendingCursor {
                submitted_at: last.submitted_at,
                id: last.id,
            };
            let t = Instant::now();
            db.pending_page(d, Some(&cursor), 50).await?;
            next.push(t.elapsed());
        }
    }
    report("pending page (first, 50 items)", &mut first);
    report("pending page (next, cursor)", &mut next);

    // 2. Monthly ranking and month report aggregation per distributor.
    let month = Month::containing(now() - ChronoDuration::days(15), db.distributor(1).await?.time_zone);
    let mut ranking = Vec::new();
    let mut summary = Vec::new();
    for d in 1..=DISTRIBUTORS {
        let t = Instant::now();
        db.ranking(d, month).await?;
        ranking.push(t.elapsed());
        let tz = db.distributor(d).await?.time_zone;
        let (start, end) = month.bounds(tz);
        let t = Instant::now();
        for by in [GroupBy::Vendor, GroupBy::PdvType, GroupBy::Group, GroupBy::Status] {
            db.report_summary(d, Period { start, end }, by).await?;
        }
        summary.push(t.elapsed());
    }
    report("monthly ranking", &mut ranking);
    report("month report (4 groupings)", &mut summary);

    // 3. HTTP: export and throughput on loopback.
    let (base, token) = serve(db.clone()).await?;
    let client = reqwest::Client::new();
    let today = now().date_naive();
    let from = today - ChronoDuration::days(400);
    let window = Period {
        start: Utc.from_utc_datetime(&from.and_hms_opt(0, 0, 0).context("midnight")?),
        end: now(),
    };
    let rows: Vec<_> = db.report_rows(1, window).try_collect().await?;
    println!("distributor 1 has {} exhibitions in the exported period", rows.len());
    for ext in ["csv", "xlsx"] {
        let t = Instant::now();
        let resp = client
            .get(format!(
                "{base}/api/v1/reports/exhibitions.{ext}?distributor=1&from={from}&to={today}"
            ))
            .bearer_auth(&token)
            .send()
            .await?;
        anyhow::ensure!(resp.status().is_success(), "export {ext} failed: {}", resp.status());
        let bytes = resp.bytes().await?;
        println!(
            "export {ext}: {} rows, {:.1} MiB in {:.2}s",
            rows.len(),
            bytes.len() as f64 / 1048576.0,
            t.elapsed().as_secs_f64()
        );
    }

    if std::env::args().any(|a| a == "--serve") {
        // Keep serving for an external load tool (e.g. wrk) until Ctrl+C.
        println!("serving {base} with token {token}");
        tokio::signal::ctrl_c().await?;
        return Ok(());
    }
    let duration = Duration::from_secs(10);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..16 {
        let client = client.clone();
        let url = format!(
            "{base}/api/v1/exhibitions?status=pending&limit=50&distributor={}",
            1 + w % DISTRIBUTORS
        );
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            let mut n = 0u64;
            while started.elapsed() < duration {
                let r = client.get(&url).bearer_auth(&token).send().await;
                if let Ok(r) = r
                    && r.status().is_success()
                    && r.bytes().await.is_ok()
                {
                    n += 1;
                }
            }
            n
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await?;
    }
    println!(
        "pending list over HTTP: {:.0} req/s (16 connections, client in the same process on the same 2 cores)",
        total as f64 / started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn report(name: &str, samples: &mut [Duration]) {
    samples.sort();
    let pct = |p: f64| samples[((samples.len() as f64 - 1.0) * p) as usize].as_secs_f64() * 1000.0;
    println!(
        "{name}: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (n={})",
        pct(0.5),
        pct(0.99),
        pct(1.0),
        samples.len()
    );
}

async fn serve(db: Db) -> anyhow::Result<(String, String)> {
    let user = db
        .create_portal_user(NewPortalUser {
            username: format!("bench-{}", now().timestamp_millis()),
            display_name: None,
            password: Secret::new("bench-password".into()),
            role: PortalRole::Superadmin,
            distributor_id: None,
        })
        .await?;
    let (token, _) = db.create_session(user.id, now()).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = router(AppState::new(db, std::env::temp_dir()));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).await;
    });
    Ok((format!("http://{addr}"), token.into_inner()))
}

/// Bulk-generate the data set with plain INSERTs in large transactions
/// (the bot's per-exhibition path is exercised by the other tests).
async fn generate(db: &Db) -> anyhow::Result<()> {
    let mut vendors = Vec::new();
    let mut groups = Vec::new();
    let mut pdvs = Vec::new();
    for d in 1..=DISTRIBUTORS {
        let dist = db
            .create_distributor(NewDistributor {
                name: format!("Bench {d:03}"),
                time_zone: None,
                bot_token: None,
                admin_telegram_id: None,
            })
            .await?;
        let g: i64 = sqlx::query_scalar(
            "INSERT INTO telegram_groups (distributor_id, chat_id, title, created_at) VALUES (?, ?, 'Grupo', ?) RETURNING id",
        )
        .bind(dist.id)
        .bind(-1000 - d)
        .bind(now())
        .fetch_one(db.pool())
        .await?;
        groups.push(g);
        let mut vs = Vec::new();
        for v in 0..VENDORS_PER_DISTRIBUTOR {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO members (distributor_id, telegram_user_id, first_name, created_at, updated_at) \
                 VALUES (?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(dist.id)
            .bind(d * 1000 + v)
            .bind(format!("Vendedor {v}"))
            .bind(now())
            .bind(now())
            .fetch_one(db.pool())
            .await?;
            vs.push(id);
        }
        vendors.push(vs);
        pdvs.push(
            db.list_pdv_types(dist.id, true)
                .await?
                .iter()
                .map(|p| p.id)
                .collect::<Vec<_>>(),
        );
    }
    let end = now();
    let statuses = [
        "approved",
        "approved",
        "approved",
        "rejected",
        "highlighted",
        "approved",
        "rejected",
        "approved",
        "approved",
    ];
    let mut tx = db.begin_write().await?;
    for i in 0..EXHIBITIONS {
        // Distributor 1 is a big one (about 110,000 rows) so the export is measured at scale.
        let d = if i % 10 == 0 { 0 } else { (i % DISTRIBUTORS) as usize };
        let submitted = end - ChronoDuration::seconds(i * 31 % (365 * 86400));
        // The newest tenth is pending, like a real queue.
        let pending = submitted > end - ChronoDuration::days(36);
        let status = if pending {
            "pending"
        } else {
            statuses[(i % statuses.len() as i64) as usize]
        };
        let id = uuid::Uuid::now_v7().hyphenated().to_string();
        sqlx::query(
            "INSERT INTO exhibitions (id, distributor_id, group_id, vendor_id, customer_number, pdv_type_id, status, \
               submitted_at, evaluated_at, idempotency_key, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&id)
        .bind(d as i64 + 1)
        .bind(groups[d])
        .bind(vendors[d][(i / DISTRIBUTORS % VENDORS_PER_DISTRIBUTOR) as usize])
        .bind((10_000 + i % 90_000).to_string())
        .bind(pdvs[d][(i % 6) as usize])
        .bind(status)
        .bind(submitted)
        .bind((!pending).then_some(submitted + ChronoDuration::hours(2)))
        .bind(format!("bench:{i}"))
        .bind(end)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO exhibition_photos (exhibition_id, distributor_id, position, storage_key, sha256, upload_state, created_at) \
             VALUES (?, ?, 0, ?, ?, 'stored', ?)",
        )
        .bind(&id)
        .bind(d as i64 + 1)
        .bind(format!("bench/{i}.jpg"))
        .bind(format!("{i:064x}"))
        .bind(end)
        .execute(&mut *tx)
        .await?;
        if i % 50_000 == 49_999 {
            tx.commit().await?;
            tx = db.begin_write().await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
