//! A restore asked from the app, through the real binary: `run` answers the
//! request, stops (ending the open event streams), keeps the current database
//! aside, restores the copy with its missing photos and serves again on it, in
//! the same process and on the same address. A SIGTERM with streams open
//! still stops it at once.

#![allow(clippy::unwrap_used)]

mod support;

use std::process::Child;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::Machine;

async fn login(client: &reqwest::Client, base: &str, username: &str) -> String {
    support::login(client, base, username, "demo-centermind").await
}

async fn pdv_types(client: &reqwest::Client, base: &str, token: &str) -> Vec<String> {
    let list = support::get_json(client, base, "/api/v1/pdv-types?distributor=1", token).await;
    list.as_array()
        .unwrap_or_else(|| panic!("{list}"))
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect()
}

async fn ask_restore(client: &reqwest::Client, base: &str, token: &str, backup: &str) -> reqwest::Response {
    client
        .post(format!("{base}/api/v1/backups/{backup}/restore"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
}

/// Reads an event stream until it ends; panics if it does not within `limit`.
async fn until_it_ends(mut stream: reqwest::Response, limit: Duration) -> String {
    let mut received = String::new();
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let chunk = tokio::time::timeout_at(deadline, stream.chunk())
            .await
            .unwrap_or_else(|_| panic!("the stream did not end within {limit:?}: {received}"));
        match chunk {
            Ok(Some(bytes)) => received.push_str(&String::from_utf8_lossy(&bytes)),
            Ok(None) | Err(_) => return received,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_service_restores_a_backup_asked_from_the_app_and_serves_again_in_the_same_process() {
    let m = Machine::new();
    m.ok(&["demo", "--exhibitions", "20"]);
    m.ok(&["job", "run", "backup", "--now"]);
    let backup = support::backups_in(&m.backups).remove(0);
    // A photo lost after the backup.
    let photo = m.photos()[0].clone();
    let photo_bytes = std::fs::read(&photo).unwrap();
    std::fs::remove_file(&photo).unwrap();

    let (mut service, base) = m.serve();
    let pid = service.id();
    let client = reqwest::Client::new();
    let root = login(&client, &base, "superadmin").await;
    let first_start = support::health(&client, &base).await.unwrap();
    assert!(first_start["restored_from"].is_null(), "{first_start}");

    // Life after the backup: a PDV type added through the API.
    let created = client
        .post(format!("{base}/api/v1/pdv-types"))
        .bearer_auth(&root)
        .json(&json!({"distributor": 1, "name": "Después de la copia"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), reqwest::StatusCode::CREATED);
    assert!(
        pdv_types(&client, &base, &root)
            .await
            .contains(&"Después de la copia".to_string())
    );

    // A supervisor follows the live events meanwhile.
    let supervisor = login(&client, &base, "supervisor.sur").await;
    let stream = client
        .get(format!("{base}/api/v1/events"))
        .bearer_auth(&supervisor)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), reqwest::StatusCode::OK);
    let stream_ends = tokio::spawn(until_it_ends(stream, Duration::from_secs(20)));

    let asked = Instant::now();
    let accepted = ask_restore(&client, &base, &root, &backup).await;
    assert_eq!(accepted.status(), reqwest::StatusCode::ACCEPTED);
    let accepted: Value = accepted.json().await.unwrap();
    assert_eq!(accepted["file_name"], backup.as_str());

    // The open stream ends (the client reconnects), rather than holding the stop up.
    stream_ends.await.unwrap();

    // The same process answers again, as a new start that says what it restored.
    let again = support::next_start(&client, &base, &first_start).await;
    let took = asked.elapsed();
    assert_eq!(again["restored_from"], backup.as_str(), "{again}");
    assert_eq!(again["status"], "ok");
    assert!(service.try_wait().unwrap().is_none(), "still the same process");
    assert_eq!(service.id(), pid);
    eprintln!("restore from the app: new start answered after {took:?}");

    // The database is the copy's: the later PDV type is gone; what it replaced is kept.
    let root = login(&client, &base, "superadmin").await;
    let types = pdv_types(&client, &base, &root).await;
    assert!(!types.contains(&"Después de la copia".to_string()), "{types:?}");
    assert!(!types.is_empty());
    assert_eq!(support::kept_databases(&m.data).len(), 1);
    assert_eq!(std::fs::read(&photo).unwrap(), photo_bytes, "the lost photo is back");

    // A second restore is taken too, on the new start.
    let accepted = ask_restore(&client, &base, &root, &backup).await;
    assert_eq!(accepted.status(), reqwest::StatusCode::ACCEPTED);
    let third = support::next_start(&client, &base, &again).await;
    assert_eq!(third["restored_from"], backup.as_str());
    assert_eq!(support::kept_databases(&m.data).len(), 2);

    terminate_with_a_stream_open(&mut service, &client, &base).await;
}

/// SIGTERM while a desktop follows the events: the stop does not wait for the stream.
async fn terminate_with_a_stream_open(service: &mut Child, client: &reqwest::Client, base: &str) {
    let supervisor = login(client, base, "supervisor.sur").await;
    let stream = client
        .get(format!("{base}/api/v1/events"))
        .bearer_auth(&supervisor)
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), reqwest::StatusCode::OK);
    #[cfg(unix)]
    {
        let stopped = Instant::now();
        let status = std::process::Command::new("kill")
            .args(["-TERM", &service.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        let exit = loop {
            if let Some(exit) = service.try_wait().unwrap() {
                break exit;
            }
            assert!(
                Instant::now() < deadline,
                "still running 10 s after SIGTERM with a stream open"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        };
        assert!(exit.success(), "{exit}");
        eprintln!("SIGTERM with a stream open: stopped in {:?}", stopped.elapsed());
    }
    #[cfg(not(unix))]
    {
        service.kill().unwrap();
        service.wait().unwrap();
    }
    drop(stream);
}
