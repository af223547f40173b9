//! The whole path through the real processes: a supervisor's verdict through
//! the sidecar's HTTP API ends as an edit of the bot's confirmation message
//! in Telegram (a fake Bot API on 127.0.0.1, reached through the configured
//! base URL exactly as the real one would be).

// The service is stopped with SIGTERM, as a service manager stops it.
#![cfg(unix)]
#![allow(clippy::unwrap_used)] // test fixtures panic on purpose

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use centermind_core::Secret;
use centermind_core::domain::customer_number::CustomerNumber;
use centermind_core::domain::roles::PortalRole;
use centermind_core::store::{Db, NewDistributor, NewExhibition, NewGroup, NewMember, NewPhoto, NewPortalUser};
use centermind_fake_telegram::FakeTelegram;
use serde_json::json;

mod support;

const BIN: &str = env!("CARGO_BIN_EXE_centermind-sidecar");
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
    let d = db
        .create_distributor(NewDistributor {
            name: "Distribuidora Test".into(),
            time_zone: None,
            bot_token: Some(Secret::new(TOKEN.into())),
            admin_telegram_id: None,
        })
        .await
        .unwrap();
    let g = db
        .create_group(NewGroup {
            distributor_id: d.id,
            chat_id: CHAT,
            title: "Ventas".into(),
        })
        .await
        .unwrap();
    let m = db
        .upsert_member(NewMember {
            distributor_id: d.id,
            telegram_user_id: 77,
            first_name: "Lucía".into(),
            last_name: Some("Sosa".into()),
            username: None,
        })
        .await
        .unwrap();
    let pdv = db.list_pdv_types(d.id, true).await.unwrap()[0].id;
    let recorded = db
        .record_exhibition(NewExhibition {
            distributor_id: d.id,
            group_id: g.id,
            vendor_id: m.id,
            customer_number: CustomerNumber::parse("10452").unwrap(),
            pdv_type_id: pdv,
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
    db.set_confirmation_message(d.id, recorded.id, CHAT, message_id)
        .await
        .unwrap();
    db.create_portal_user(NewPortalUser {
        username: "sofia".into(),
        display_name: Some("Sofía Paz".into()),
        password: Secret::new("clave-de-prueba".into()),
        role: PortalRole::Supervisor,
        distributor_id: Some(d.id),
    })
    .await
    .unwrap();
    db.close().await;

    let mut child = Command::new(BIN)
        .arg("run")
        .env_clear()
        .env("CENTERMIND_DATA_DIR", dir.path())
        .env("CENTERMIND_LISTEN_ADDR", "127.0.0.1:0")
        .env("CENTERMIND_TELEGRAM_API_URL", telegram.url())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let addr = tokio::task::spawn_blocking(move || support::listening_address(stdout))
        .await
        .unwrap();
    let base = format!("http://{addr}");

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
