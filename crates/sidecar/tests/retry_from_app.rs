//! The admin's "Reintentar" through the real service: a photo download the
//! sidecar gave up on (Telegram was down) is queued again through the API,
//! the photo worker wakes at once instead of at its next idle check, and the
//! photo ends in the photo folder, fetched from a fake Bot API on 127.0.0.1.

// The service is stopped with SIGTERM, as a service manager stops it.
#![cfg(unix)]
#![allow(clippy::unwrap_used)] // test fixtures panic on purpose

use std::process::Command;
use std::time::{Duration, Instant};

use centermind_core::Secret;
use centermind_core::domain::customer_number::CustomerNumber;
use centermind_core::domain::roles::PortalRole;
use centermind_core::store::{Db, NewExhibition, NewPhoto, NewPortalUser, now};
use centermind_fake_telegram::FakeTelegram;
use centermind_telegram::photos::store_photo_task;
use image::ImageEncoder;
use serde_json::json;

mod support;

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
    let shop = support::shop(&db, "Distribuidora Test", TOKEN, None, CHAT, ("Lucía", None)).await;
    let recorded = db
        .record_exhibition(NewExhibition {
            distributor_id: shop.distributor,
            group_id: shop.group,
            vendor_id: shop.vendor,
            customer_number: CustomerNumber::parse("10452").unwrap(),
            pdv_type_id: shop.pdv_type,
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
        .enqueue_task(&store_photo_task(shop.distributor, recorded.id, 0, CHAT, 5), now())
        .await
        .unwrap();
    db.bury_task(task, "remote_down: getFile: 502 Bad Gateway", None, now())
        .await
        .unwrap();
    db.create_portal_user(NewPortalUser {
        username: "ana".into(),
        display_name: None,
        password: Secret::new("clave-de-prueba".into()),
        role: PortalRole::Admin,
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
