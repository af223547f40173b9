//! The whole path through the real processes: a supervisor's verdict through
//! the sidecar's HTTP API ends as an edit of the bot's confirmation message
//! in Telegram (a fake Bot API on 127.0.0.1, reached through the configured
//! base URL exactly as the real one would be).

// The service is stopped with SIGTERM, as a service manager stops it.
#![cfg(unix)]
#![allow(clippy::unwrap_used)] // test fixtures panic on purpose

use std::process::Command;
use std::time::{Duration, Instant};

use centermind_core::Secret;
use centermind_core::domain::customer_number::CustomerNumber;
use centermind_core::domain::roles::PortalRole;
use centermind_core::store::{Db, NewExhibition, NewPhoto, NewPortalUser};
use centermind_fake_telegram::FakeTelegram;
use serde_json::json;

mod support;

const TOKEN: &str = "4242424242:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const CHAT: i64 = -1_001_500_000_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verdict_in_the_api_is_edited_into_the_telegram_confirmation() {
    let dir = tempfile::tempdir().unwrap();
    let telegram = FakeTelegram::start().await.unwrap();
    telegram.add_bot(TOKEN, "centermind_test_bot");

    // Seed what the intake bot would have left: a pending exhibition and its confirmation.
    let db = Db::open(&format!("sqlite://{}", dir.path().join("centermind.db").display()))
        .await
        .unwrap();
    let shop = support::shop(&db, "Distribuidora Test", TOKEN, None, CHAT, ("Lucía", Some("Sosa"))).await;
    let recorded = db
        .record_exhibition(NewExhibition {
            distributor_id: shop.distributor,
            group_id: shop.group,
            vendor_id: shop.vendor,
            customer_number: CustomerNumber::parse("10452").unwrap(),
            pdv_type_id: shop.pdv_type,
            submitted_at: centermind_core::store::now(),
            idempotency_key: format!("{CHAT}:1"),
            photos: vec![NewPhoto {
                telegram_file_id: Some("f1".into()),
                ..Default::default()
            }],
        })
        .await
        .unwrap();
    let message_id = telegram.seed_message(TOKEN, CHAT, "⏳ Pendiente de evaluación");
    db.set_confirmation_message(shop.distributor, recorded.id, CHAT, message_id)
        .await
        .unwrap();
    db.create_portal_user(NewPortalUser {
        username: "sofia".into(),
        display_name: Some("Sofía Paz".into()),
        password: Secret::new("clave-de-prueba".into()),
        role: PortalRole::Supervisor,
        distributor_id: Some(shop.distributor),
    })
    .await
    .unwrap();
    db.close().await;

    let (data, url) = (dir.path().to_path_buf(), telegram.url().to_string());
    let (mut child, base) = tokio::task::spawn_blocking(move || support::start_run(&data, &url))
        .await
        .unwrap();

    let client = reqwest::Client::new();
    let token = support::login(&client, &base, "sofia", "clave-de-prueba").await;

    let started = Instant::now();
    let resp = client
        .post(format!("{base}/api/v1/exhibitions/{}/evaluation", recorded.id))
        .bearer_auth(&token)
        .json(&json!({"verdict": "approved", "expected_status": "pending", "comment": "Excelente frente"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), reqwest::StatusCode::OK);
    let edits = telegram
        .wait_for_requests("editMessageText", 1, Duration::from_secs(5))
        .await;
    let elapsed = started.elapsed();
    assert_eq!(edits.len(), 1, "no edit reached Telegram");
    eprintln!("verdict → editMessageText through the sidecar: {elapsed:?}");

    // The sync state is visible through the API once Telegram confirmed.
    let mut synced = false;
    for _ in 0..50 {
        let detail: serde_json::Value = client
            .get(format!("{base}/api/v1/exhibitions/{}", recorded.id))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if detail["sync_state"] == "synced" {
            synced = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(synced, "sync_state never became synced");
    // Requests are logged on arrival; the text is certain once Telegram answered.
    let shown = telegram.message(CHAT, message_id).unwrap();
    assert!(shown.text.contains("Aprobada"), "{}", shown.text);
    assert!(
        shown.text.contains("Sofía Paz") && shown.text.contains("Excelente frente"),
        "{}",
        shown.text
    );
    assert!(shown.edit_date.is_some());

    assert!(
        Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap()
            .success()
    );
    assert!(child.wait().unwrap().success());
}
