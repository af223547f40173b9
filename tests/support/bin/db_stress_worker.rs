//! Writes and reads one SQLite database as hard as it can, the way the desktop
//! app and the sidecar will share a file on a one-machine install.
//!
//! Usage: db-stress-worker <sqlite-url> <worker-name> <iterations>
//! Prints a JSON `WorkerReport` on success; exits 1 with the error otherwise.

use anyhow::{Context, bail};
use centermind_core::domain::customer_number::CustomerNumber;
use centermind_core::domain::exhibition::{EvaluationError, ExhibitionStatus, Verdict};
use centermind_core::domain::roles::{Actor, PortalRole};
use centermind_core::domain::time_zone::Month;
use centermind_core::store::{
    Db, EvaluationRequest, NewDistributor, NewExhibition, NewGroup, NewMember, NewPhoto, NewPortalUser, now,
};
use centermind_core::{Error, Secret};
use centermind_integration_tests::WorkerReport;

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    match run(&args).await {
        Ok(report) => println!("{}", serde_json::to_string(&report).unwrap_or_default()),
        Err(err) => {
            eprintln!("worker failed: {err:#}");
            std::process::exit(1);
        }
    }
}

async fn run(args: &[String]) -> anyhow::Result<WorkerReport> {
    let [_, url, worker, iterations] = args else {
        bail!("usage: db-stress-worker <url> <worker> <iterations>")
    };
    let iterations: u64 = iterations.parse().context("iterations")?;
    // Both workers open a database file that does not exist yet: both migrate.
    let db = Db::open(url).await.context("open")?;

    let distributor = match db
        .create_distributor(NewDistributor {
            name: "Stress".into(),
            time_zone: None,
            bot_token: None,
            admin_telegram_id: None,
        })
        .await
    {
        Ok(d) => d,
        Err(Error::AlreadyExists { .. }) => db.distributor_by_name("Stress").await?,
        Err(e) => return Err(e).context("create distributor"),
    };
    let group = match db
        .create_group(NewGroup {
            distributor_id: distributor.id,
            chat_id: -42,
            title: "Stress".into(),
        })
        .await
    {
        Ok(g) => g,
        Err(Error::AlreadyExists { .. }) => db.group_by_chat(distributor.id, -42).await?.context("group vanished")?,
        Err(e) => return Err(e).context("create group"),
    };
    let vendor = db
        .upsert_member(NewMember {
            distributor_id: distributor.id,
            telegram_user_id: worker.bytes().map(i64::from).sum(),
            first_name: worker.clone(),
            last_name: None,
            username: None,
        })
        .await?;
    let pdv = db.list_pdv_types(distributor.id, true).await?[0].id;
    let user = db
        .create_portal_user(NewPortalUser {
            username: format!("sup-{worker}"),
            display_name: None,
            password: Secret::new("stress-password".into()),
            role: PortalRole::Supervisor,
            distributor_id: Some(distributor.id),
        })
        .await?;
    let actor = Actor {
        user_id: user.id,
        role: user.role,
        distributor_id: user.distributor_id,
    };

    let mut report = WorkerReport {
        worker: worker.clone(),
        ..Default::default()
    };
    for i in 0..iterations {
        let new = NewExhibition {
            distributor_id: distributor.id,
            group_id: group.id,
            vendor_id: vendor.id,
            customer_number: CustomerNumber::parse(&(1000 + i).to_string())?,
            pdv_type_id: pdv,
            submitted_at: now(),
            idempotency_key: format!("{worker}:{i}"),
            photos: vec![NewPhoto {
                sha256: Some(format!("{worker}-{i}")),
                ..Default::default()
            }],
        };
        let recorded = db.record_exhibition(new.clone()).await.context("record")?;
        report.created += u64::from(recorded.created);
        if i % 3 == 0 {
            // A replayed Telegram update must not create a second row.
            let again = db.record_exhibition(new).await.context("replay")?;
            if again.created || again.id != recorded.id {
                bail!("replay created a second exhibition");
            }
            report.replays += 1;
        }
        if i % 2 == 0 {
            // Read, then write on what was read: the pattern that used to hit "database is locked".
            let oldest = db.pending_page(distributor.id, None, 1).await.context("pending page")?;
            report.reads += 1;
            if let Some(e) = oldest.first() {
                let req = EvaluationRequest {
                    exhibition_id: e.id,
                    verdict: Verdict::Approved,
                    expected_status: ExhibitionStatus::Pending,
                    comment: None,
                    reason: None,
                };
                match db.evaluate_exhibition(&actor, req, now()).await {
                    Ok(_) => report.evaluations += 1,
                    // The other process evaluated it first: the expected, clean outcome.
                    Err(Error::Evaluation(EvaluationError::Conflict { .. })) => report.conflicts += 1,
                    Err(e) => return Err(e).context("evaluate"),
                }
            }
        }
        if i % 10 == 0 {
            db.ranking(distributor.id, Month::containing(now(), distributor.time_zone))
                .await
                .context("ranking")?;
            report.reads += 1;
        }
    }
    db.close().await;
    Ok(report)
}
