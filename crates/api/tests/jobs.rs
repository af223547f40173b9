//! The scheduled jobs through real HTTP: only the superadmin sees and
//! changes them; bad schedules and zones are refused with a clear message;
//! "run now" is queued for the scheduler and wakes it.

#![allow(clippy::unwrap_used)] // test fixtures panic on purpose

use std::sync::{Arc, Mutex};

use centermind_api::{AppState, router};
use centermind_core::Secret;
use centermind_core::domain::roles::PortalRole;
use centermind_core::events::{EventBus, LiveEvent};
use centermind_core::store::{Db, NewDistributor, NewPortalUser, RunOutcome, now};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[path = "../../core/tests/fixtures/legacy.rs"]
mod legacy;

#[path = "support/client.rs"]
mod support;
use support::{Client, PASSWORD};

struct Server {
    api: Client,
    db: Db,
    /// Job ids the API woke the scheduler for.
    woken: Arc<Mutex<Vec<String>>>,
    /// The backups the API handed to the service to restore.
    restores: Arc<Mutex<Vec<std::path::PathBuf>>>,
    /// What the API announced to the open visors and TVs.
    events: EventBus,
    _dir: tempfile::TempDir,
}

impl Server {
    async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&format!("sqlite://{}", dir.path().join("api.db").display()))
            .await
            .unwrap();
        let d = db
            .create_distributor(NewDistributor {
                name: "Dist sur".into(),
                time_zone: None,
                bot_token: None,
                admin_telegram_id: None,
            })
            .await
            .unwrap();
        for role in PortalRole::ALL {
            db.create_portal_user(NewPortalUser {
                username: role.as_str().into(),
                display_name: None,
                password: Secret::new(PASSWORD.into()),
                role,
                distributor_id: (role != PortalRole::Superadmin).then_some(d.id),
            })
            .await
            .unwrap();
        }
        let woken = Arc::new(Mutex::new(Vec::new()));
        let hook = {
            let woken = woken.clone();
            Arc::new(move |id: &str| woken.lock().unwrap().push(id.to_string()))
        };
        let restores = Arc::new(Mutex::new(Vec::new()));
        // Like the service: it takes one restore, and refuses another while that one runs.
        let restore_hook = {
            let restores = restores.clone();
            Arc::new(move |path: std::path::PathBuf| {
                let mut taken = restores.lock().unwrap();
                taken.push(path);
                taken.len() == 1
            })
        };
        let events = EventBus::default();
        let app = router(
            AppState::new(db.clone(), dir.path().join("photos"))
                .with_events(events.clone())
                .with_backup_dir(dir.path().join("backups"))
                .with_job_hook(hook)
                .with_restore_hook(restore_hook),
        );
        Self {
            api: Client::serve(app).await,
            db,
            woken,
            restores,
            events,
            _dir: dir,
        }
    }

    async fn patch(&self, token: &str, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(Method::PATCH, Some(token), path, Some(body)).await
    }
}

/// The client's `login`, `send` and `get` on the server itself.
impl std::ops::Deref for Server {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.api
    }
}

/// Every job endpoint, with a body where it takes one.
fn endpoints(job: &str) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (Method::GET, "/api/v1/backups".into(), None),
        (Method::GET, "/api/v1/jobs".into(), None),
        (Method::GET, format!("/api/v1/jobs/{job}"), None),
        (
            Method::PATCH,
            format!("/api/v1/jobs/{job}"),
            Some(json!({"active": false})),
        ),
        (Method::POST, format!("/api/v1/jobs/{job}/run"), None),
        (Method::GET, format!("/api/v1/jobs/{job}/runs"), None),
    ]
}

#[tokio::test]
async fn only_the_superadmin_reaches_the_jobs() {
    let s = Server::start().await;
    for (method, path, body) in endpoints("backup") {
        let (status, answer) = s.send(method.clone(), None, &path, body).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path}");
        assert_eq!(answer["code"], "unauthenticated");
    }
    for user in ["admin", "supervisor", "viewer"] {
        let token = s.login(user).await;
        for (method, path, body) in endpoints("backup") {
            let (status, answer) = s.send(method.clone(), Some(&token), &path, body).await;
            assert_eq!(status, StatusCode::FORBIDDEN, "{user}: {method} {path}");
            assert_eq!(answer["code"], "forbidden", "{user}: {method} {path}");
        }
    }
    // Nothing the refused calls asked for happened.
    let backup = s.db.job("backup", now()).await.unwrap();
    assert!(backup.active && backup.run_requested_at.is_none());
    assert!(s.woken.lock().unwrap().is_empty());

    let root = s.login("superadmin").await;
    for (method, path, body) in endpoints("backup") {
        let (status, answer) = s.send(method.clone(), Some(&root), &path, body).await;
        assert!(status.is_success(), "superadmin: {method} {path}: {status} {answer}");
    }
    // An unknown job is 404 everywhere.
    for (method, path, body) in endpoints("nope").into_iter().skip(2) {
        let (status, answer) = s.send(method.clone(), Some(&root), &path, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}");
        assert_eq!(answer["code"], "not_found");
    }
}

#[tokio::test]
async fn the_superadmin_lists_reschedules_pauses_and_runs_jobs() {
    let s = Server::start().await;
    let root = s.login("superadmin").await;

    let (status, jobs) = s.get(&root, "/api/v1/jobs").await;
    assert_eq!(status, StatusCode::OK);
    let jobs = jobs.as_array().unwrap();
    let ids: Vec<&str> = jobs.iter().map(|j| j["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["backup", "daily_summary", "housekeeping"]);
    let backup = &jobs[0];
    assert_eq!(backup["name"], "Copia de seguridad de la base de datos");
    assert_eq!(backup["schedule"], "daily 03:00");
    assert_eq!(backup["time_zone"], "America/Argentina/Buenos_Aires");
    assert_eq!(backup["active"], true);
    assert!(backup["next_run_at"].is_string());
    assert!(backup["last_run"].is_null() && backup["last_run_at"].is_null() && backup["run_requested_at"].is_null());

    // Reschedule: stored in canonical form, the scheduler is told.
    let (status, job) = s
        .patch(
            &root,
            "/api/v1/jobs/housekeeping",
            json!({"schedule": "every 120m", "time_zone": "Europe/Madrid"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{job}");
    assert_eq!(job["schedule"], "every 2h");
    assert_eq!(job["time_zone"], "Europe/Madrid");
    assert_eq!(s.woken.lock().unwrap().as_slice(), ["housekeeping"]);

    // Bad schedules and zones: 422 with a Spanish explanation, nothing changes.
    for (body, says) in [
        (json!({"schedule": "weekly on monday"}), "No entiendo la programación"),
        (json!({"schedule": "every 0m"}), "mínimo es de 1 minuto"),
        (json!({"schedule": "daily 25:00"}), "La hora \"25:00\" no es válida"),
        (
            json!({"time_zone": "Mars/Olympus", "active": false}),
            "No conozco la zona horaria \"Mars/Olympus\"",
        ),
    ] {
        let (status, answer) = s.patch(&root, "/api/v1/jobs/housekeeping", body.clone()).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(answer["code"], "invalid");
        let message = answer["message"].as_str().unwrap();
        assert!(message.contains(says), "{body}: {message}");
    }
    let unchanged = s.db.job("housekeeping", now()).await.unwrap();
    assert_eq!(unchanged.schedule.to_string(), "every 2h");
    assert!(unchanged.active);
    // Unknown fields are refused rather than ignored.
    let (status, _) = s
        .patch(&root, "/api/v1/jobs/housekeeping", json!({"interval": 5}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Pause: no next run.
    let (status, job) = s
        .patch(&root, "/api/v1/jobs/daily_summary", json!({"active": false}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(job["active"], false);
    assert!(job["next_run_at"].is_null());

    // Run now (also a paused job): 202, queued until the scheduler takes it.
    let (status, job) = s
        .send(Method::POST, Some(&root), "/api/v1/jobs/daily_summary/run", None)
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    assert!(job["run_requested_at"].is_string(), "{job}");
    assert_eq!(
        s.woken.lock().unwrap().last().map(String::as_str),
        Some("daily_summary")
    );
    assert!(s.db.job("daily_summary", now()).await.unwrap().is_due(now()));

    // The history, newest first, with the fields the admin screen shows.
    let (status, runs) = s.get(&root, "/api/v1/jobs/backup/runs").await;
    assert_eq!((status, runs), (StatusCode::OK, json!([])));
    let mut ids = Vec::new();
    for (i, outcome) in [RunOutcome::Succeeded, RunOutcome::Failed, RunOutcome::Succeeded]
        .into_iter()
        .enumerate()
    {
        let at = now() + chrono::Duration::seconds(i as i64);
        let run = s.db.start_job_run("backup", at).await.unwrap().unwrap();
        s.db.finish_job_run(run.id, outcome, &format!("corrida {i}"), at)
            .await
            .unwrap();
        ids.push(run.id);
    }
    let (_, runs) = s.get(&root, "/api/v1/jobs/backup/runs?limit=2").await;
    let runs = runs.as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["id"], ids[2]);
    assert_eq!(runs[1]["outcome"], "failed");
    assert_eq!(runs[1]["detail"], "corrida 1");
    assert_eq!(runs[0]["job_id"], "backup");
    assert!(runs[0]["started_at"].is_string() && runs[0]["finished_at"].is_string());
    let (_, job) = s.get(&root, "/api/v1/jobs/backup").await;
    assert_eq!(job["last_run"]["id"], ids[2]);
    assert_eq!(job["last_run"]["outcome"], "succeeded");
    assert_eq!(job["last_run_at"], job["last_run"]["started_at"]);
    assert!(runs[0].get("running_for_ms").is_none(), "only a run still going has it");

    // A run going for 90 s by the server's clock says so, whatever the client's clock.
    let run =
        s.db.start_job_run("housekeeping", now() - chrono::Duration::seconds(90))
            .await
            .unwrap()
            .unwrap();
    let (_, runs) = s.get(&root, "/api/v1/jobs/housekeeping/runs?limit=1").await;
    assert_eq!(runs[0]["id"], run.id);
    let going = runs[0]["running_for_ms"].as_i64().unwrap();
    assert!((90_000..100_000).contains(&going), "{going}");
    let (_, job) = s.get(&root, "/api/v1/jobs/housekeeping").await;
    let going = job["last_run"]["running_for_ms"].as_i64().unwrap();
    assert!((90_000..100_000).contains(&going), "{going}");
}

#[tokio::test]
async fn the_superadmin_sees_the_backups_newest_first() {
    let s = Server::start().await;
    let root = s.login("superadmin").await;
    let (status, none) = s.get(&root, "/api/v1/backups").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(none["backups"], json!([]));
    assert_eq!(none["photos"], false);

    let dir = std::path::PathBuf::from(none["dir"].as_str().unwrap());
    let t0 = now();
    let first = s.db.backup_into(&dir, t0, 7).await.unwrap();
    let second =
        s.db.backup_into(&dir, t0 + chrono::Duration::seconds(5), 7)
            .await
            .unwrap();
    std::fs::create_dir_all(dir.join("photos/1")).unwrap();
    let (status, listed) = s.get(&root, "/api/v1/backups").await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = listed["backups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["file_name"].as_str().unwrap())
        .collect();
    let name = |p: &std::path::Path| p.file_name().unwrap().to_string_lossy().into_owned();
    assert_eq!(names, [name(&second.path), name(&first.path)]);
    assert_eq!(listed["backups"][0]["size_bytes"], second.size_bytes);
    assert_eq!(
        listed["backups"][1]["made_at"]
            .as_str()
            .unwrap()
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap(),
        t0
    );
    assert_eq!(listed["photos"], true);
}

#[tokio::test]
async fn a_restore_from_the_app_takes_only_a_listed_sound_copy_and_only_from_the_superadmin() {
    let s = Server::start().await;
    let root = s.login("superadmin").await;
    let (_, listed) = s.get(&root, "/api/v1/backups").await;
    let dir = std::path::PathBuf::from(listed["dir"].as_str().unwrap());
    let good = s.db.backup_into(&dir, now(), 7).await.unwrap();
    let name = good.path.file_name().unwrap().to_string_lossy().into_owned();
    let restore = |name: &str| format!("/api/v1/backups/{name}/restore");

    assert_eq!(
        s.send(Method::POST, None, &restore(&name), None).await.0,
        StatusCode::UNAUTHORIZED
    );
    for user in ["admin", "supervisor", "viewer"] {
        let token = s.login(user).await;
        let (status, answer) = s.send(Method::POST, Some(&token), &restore(&name), None).await;
        assert_eq!(
            (status, answer["code"].as_str()),
            (StatusCode::FORBIDDEN, Some("forbidden")),
            "{user}"
        );
    }
    // Only names the folder lists: no other file, and no way out of the folder.
    std::fs::write(dir.join("notes.db"), b"not a backup").unwrap();
    for other in [
        "notes.db",
        "centermind-20200101T000000.000Z.db",
        "..%2Fapi.db",
        "%2Fetc%2Fpasswd",
    ] {
        let (status, answer) = s.send(Method::POST, Some(&root), &restore(other), None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{other}: {answer}");
    }
    // A listed copy that is damaged is refused before anything stops.
    let damaged = dir.join("centermind-20200101T000000.000Z.db");
    std::fs::write(&damaged, vec![0x42; 8192]).unwrap();
    let (status, answer) = s
        .send(
            Method::POST,
            Some(&root),
            &restore("centermind-20200101T000000.000Z.db"),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("no es una copia de CenterMind legible"),
        "{answer}"
    );
    assert!(
        s.restores.lock().unwrap().is_empty(),
        "nothing was handed to the service yet"
    );

    let (status, accepted) = s.send(Method::POST, Some(&root), &restore(&name), None).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{accepted}");
    assert_eq!(accepted["file_name"], name);
    assert_eq!(accepted["distributors"], 1);
    assert_eq!(accepted["exhibitions"], 0);
    assert_eq!(*s.restores.lock().unwrap(), std::slice::from_ref(&good.path));

    let (status, answer) = s.send(Method::POST, Some(&root), &restore(&name), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .contains("ya hay una restauración en curso"),
        "{answer}"
    );
}

/// The bytes of an old system's database (the Python bot's `centermind.db`).
async fn old_database_bytes(dir: &std::path::Path) -> Vec<u8> {
    let path = dir.join("viejo.db");
    legacy::write_old_database(
        &path,
        "INSERT INTO distribuidores VALUES (1, 'Vieja del Oeste', NULL, NULL, NULL, 'activo', NULL);
         INSERT INTO exhibiciones VALUES ('7c9e6679-7425-40de-944b-e07fc1f90ae7', 1, -1001, 11, '10', 'Kiosco',
             NULL, 'Aprobado', 'Sofía', NULL, NULL, NULL, 1, '2025-03-01 10:00:00', '2025-03-01 12:00:00');",
    )
    .await;
    std::fs::read(&path).unwrap()
}

impl Server {
    async fn upload(&self, token: &str, query: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
        let resp = self
            .http
            .post(format!("{}/api/v1/legacy-import{query}", self.base))
            .bearer_auth(token)
            .header("content-type", "application/octet-stream")
            .body(bytes)
            .send()
            .await
            .unwrap();
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }
}

#[tokio::test]
async fn only_the_superadmin_imports_the_old_database_and_a_preview_changes_nothing() {
    let s = Server::start().await;
    let old = old_database_bytes(s._dir.path()).await;
    let names = |db: &Db| {
        let db = db.clone();
        async move {
            db.list_distributors()
                .await
                .unwrap()
                .into_iter()
                .map(|d| d.name)
                .collect::<Vec<_>>()
        }
    };

    for role in ["admin", "supervisor", "viewer"] {
        let token = s.login(role).await;
        let (status, _) = s.upload(&token, "", old.clone()).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{role}");
    }
    assert_eq!(names(&s.db).await, ["Dist sur"]);

    let root = s.login("superadmin").await;
    let mut announced = s.events.subscribe();
    let (status, preview) = s.upload(&root, "?dry_run=true", old.clone()).await;
    assert_eq!(status, StatusCode::OK, "{preview}");
    assert_eq!(preview["distributors"][0]["name"], "Vieja del Oeste");
    assert_eq!(preview["distributors"][0]["approved"], 1);
    assert_eq!(names(&s.db).await, ["Dist sur"], "a preview imports nothing");

    let (status, done) = s
        .upload(
            &root,
            "?time_zone=America/Argentina/Cordoba&bot_tokens=false",
            old.clone(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["distributors"][0]["users_created"], json!(["sofia"]));
    let imported =
        s.db.distributor(done["distributors"][0]["id"].as_i64().unwrap())
            .await
            .unwrap();
    assert_eq!(imported.time_zone.name(), "America/Argentina/Cordoba");
    // Open visors and TVs of that distributor re-read, and its admins' Actividad; the
    // preview announced nothing.
    let drain = |rx: &mut tokio::sync::broadcast::Receiver<LiveEvent>| {
        std::iter::from_fn(|| rx.try_recv().ok()).collect::<Vec<_>>()
    };
    let reread = LiveEvent::ExhibitionsImported {
        distributor_id: imported.id,
    };
    let history = LiveEvent::AuditRecorded {
        distributor_id: Some(imported.id),
    };
    let first = drain(&mut announced);
    assert_eq!(first.iter().filter(|e| **e == reread).count(), 1, "{first:?}");
    assert!(first.contains(&history), "{first:?}");
    let (_, again) = s.upload(&root, "", old).await;
    assert_eq!(again["distributors"][0]["exhibitions_already_imported"], 1);
    let second = drain(&mut announced);
    assert!(!second.contains(&reread), "nothing new, nothing to re-read: {second:?}");
    let leftovers: Vec<_> = std::fs::read_dir(s._dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("legacy-upload") || n.contains("import-preview"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[tokio::test]
async fn a_wrong_file_or_zone_is_refused_with_a_clear_message() {
    let s = Server::start().await;
    let root = s.login("superadmin").await;
    let (status, body) = s.upload(&root, "", b"hola, esto no es SQLite".repeat(100)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.to_string().contains("no es una base de datos SQLite"), "{body}");
    let (status, body) = s.upload(&root, "", Vec::new()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.to_string().contains("llegó vacío"), "{body}");
    let old = old_database_bytes(s._dir.path()).await;
    let (status, body) = s.upload(&root, "?time_zone=Marte", old).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body.to_string().contains("no es una zona horaria"), "{body}");
}
