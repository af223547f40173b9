//! The admin's "Reintentar" through the real service: a photo download the
//! sidecar gave up on (Telegram was down) is queued again through the API,
//! the photo worker wakes at once instead of at its next idle check, and the
//! photo ends in the photo folder, fetched from a fake Bot API on 127.0.0.1.

// The service is stopped with SIGTERM, as a service manager stops it.
#![cfg(unix)]
#![allow(clippy::unwrap_used)] // test fixtures panic on purpose

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use centermind_core::Secret;
use centermind_core::domain::customer_number::CustomerNumber;
use centermind_core::domain::roles::PortalRole;
use centermind_core::store::{Db, NewDistributor, NewExhibition, NewGroup, NewMember, NewPhoto, NewPortalUser, now};
use centermind_fake_telegram::FakeTelegram;
use centermind_telegram::photos::store_photo_task;
use image::ImageEncoder;
use serde_json::json;

mod support;

const BIN: &str = env!("CARGO_BIN_EXE_centermind-sidecar");
const TOKEN: &str = "4242424242:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const CHAT: i64 = -1_001_500_000_000;

fn jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x * 4) as u8, (y * 5) as u8, 90]));
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .write_image(img.as_raw(), 64, 48, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_download_given_up_on_is_retried_from_the_app_and_stored() {
    let dir = tempfile::tempdir().unwrap();
    let telegram = FakeTelegram::start().await.unwrap();
    telegram.add_bot(TOKEN, "centermind_test_bot");
    let bytes = jpeg();
    telegram.add_file("photo-1", "unique-1", bytes.clone());

    // What the intake left after Telegram failed every attempt: an exhibition
    // whose photo never arrived, and its download task given up.
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
            last_name: None,
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
            submitted_at: now(),
            idempotency_key: format!("{CHAT}:1"),
            photos: vec![NewPhoto {
                telegram_file_id: Some("photo-1".into()),
                telegram_file_unique_id: Some("unique-1".into()),
                ..Default::default()
            }],
        })
        .await
        .unwrap();
    let task = db
        .enqueue_task(&store_photo_task(d.id, recorded.id, 0, CHAT, 5), now())
        .await
        .unwrap();
    db.bury_task(task, "remote_down: getFile: 502 Bad Gateway", now())
        .await
        .unwrap();
    db.create_portal_user(NewPortalUser {
        username: "ana".into(),
        display_name: None,
        password: Secret::new("clave-de-prueba".into()),
        role: PortalRole::Admin,
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
    let token = support::login(&client, &base, "ana", "clave-de-prueba").await;

    let work = support::get_json(&client, &base, "/api/v1/work", &token).await;
    assert_eq!(work["kinds"][0]["kind"], "store_photo", "{work}");
    assert_eq!(work["kinds"][0]["failed"], 1, "{work}");
    // Given up: the worker leaves it alone.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(telegram.requests_to("getFile").is_empty());

    let started = Instant::now();
    let retried: serde_json::Value = client
        .post(format!("{base}/api/v1/work/retry"))
        .bearer_auth(&token)
        .json(&json!({ "kind": "store_photo" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(retried["requeued"], 1, "{retried}");

    // The worker's idle check is every 30 s: a photo within 10 s means the retry woke it.
    let photo_url = format!("{base}/api/v1/exhibitions/{}/photos/0", recorded.id);
    let mut served = None;
    while started.elapsed() < Duration::from_secs(10) {
        let response = client.get(&photo_url).bearer_auth(&token).send().await.unwrap();
        if response.status() == reqwest::StatusCode::OK {
            served = Some(response.bytes().await.unwrap());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let elapsed = started.elapsed();
    let served = served.expect("the photo was not stored within 10 s of the retry");
    eprintln!("retry → photo stored through the sidecar: {elapsed:?}");
    assert_eq!(&served[..], &bytes[..]);
    assert_eq!(telegram.requests_to("getFile").len(), 1);
    let work = support::get_json(&client, &base, "/api/v1/work", &token).await;
    assert_eq!(work["kinds"], json!([]), "nothing left to do: {work}");

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
}
