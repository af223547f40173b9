//! The photo worker end to end: the real `PhotoWorker` downloading from the
//! fake Bot API and archiving into the fake Google Drive (both on 127.0.0.1),
//! a real SQLite database and photo folder in a temp folder. Exhibitions are
//! recorded and their `store_photo` tasks enqueued exactly as the intake bot does.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on purpose

use std::future::Future;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use centermind_core::Secret;
use centermind_core::config::GoogleDriveConfig;
use centermind_core::domain::DistributorId;
use centermind_core::domain::customer_number::CustomerNumber;
use centermind_core::domain::error_class::ErrorClass;
use centermind_core::events::{EventBus, LiveEvent};
use centermind_core::store::task_kinds::ARCHIVE_PHOTO;
use centermind_core::store::{
    Db, DistributorUpdate, ErrorEvent, Exhibition, NewDistributor, NewExhibition, NewGroup, NewMember, NewPhoto,
    PhotoStorage, PhotoToArchive, TaskState, now,
};
use centermind_fake_drive::{self as fake_drive, Endpoint, FakeDrive, Fault};
use centermind_fake_telegram::{FakeTelegram, Fault as TelegramFault};
use centermind_telegram::photos::store_photo_task;
use centermind_telegram::{LocalPhotoStore, PhotoHandle, PhotoOptions, PhotoWorker};
use image::{DynamicImage, Rgb, RgbImage};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

#[path = "../../core/tests/fixtures/legacy.rs"]
mod legacy;

const WAIT: Duration = Duration::from_secs(10);

/// A shelf-like picture: coloured blocks on a background, from a seed.
fn scene(seed: u32, width: u32, height: u32) -> DynamicImage {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        state
    };
    let mut img = RgbImage::from_pixel(width, height, Rgb([210, 225, 210]));
    for _ in 0..40 {
        let (x0, y0) = (next() % width, next() % height);
        let (w, h) = (width / 12 + next() % (width / 5), height / 12 + next() % (height / 4));
        let colour = Rgb([(next() % 256) as u8, (next() % 256) as u8, (next() % 256) as u8]);
        for y in y0..(y0 + h).min(height) {
            for x in x0..(x0 + w).min(width) {
                img.put_pixel(x, y, colour);
            }
        }
    }
    DynamicImage::ImageRgb8(img)
}

fn jpeg(img: &DynamicImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&img.to_rgb8())
        .unwrap();
    out
}

fn png(img: &DynamicImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
}

/// Poll `check` until it answers `Some`, or fail after [`WAIT`].
async fn eventually<T, F: Future<Output = Option<T>>>(what: &str, mut check: impl FnMut() -> F) -> T {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(tokio::time::Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

struct Tenant {
    distributor: DistributorId,
    group: i64,
    vendor: i64,
    pdv: i64,
    chat: i64,
    token: String,
    admin: i64,
}

struct World {
    db: Db,
    telegram: FakeTelegram,
    drive: FakeDrive,
    photo_dir: PathBuf,
    shutdown: CancellationToken,
    worker: Option<PhotoHandle>,
    files: usize,
    /// The bus the worker announces changes of work on (Estado screens follow it).
    events: EventBus,
    _dir: tempfile::TempDir,
}

impl Drop for World {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

fn options() -> PhotoOptions {
    PhotoOptions {
        request_timeout: Duration::from_secs(3),
        backoff_base: chrono::Duration::milliseconds(20),
        backoff_cap: chrono::Duration::milliseconds(150),
        idle_recheck: Duration::from_millis(100),
        ..PhotoOptions::default()
    }
}

impl World {
    async fn new() -> Self {
        init_tracing();
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&format!("sqlite://{}", dir.path().join("t.db").display()))
            .await
            .unwrap();
        Self {
            db,
            telegram: FakeTelegram::start().await.unwrap(),
            drive: FakeDrive::start().await.unwrap(),
            photo_dir: dir.path().join("photos"),
            shutdown: CancellationToken::new(),
            worker: None,
            files: 0,
            events: EventBus::default(),
            _dir: dir,
        }
    }

    fn drive_config(&self) -> GoogleDriveConfig {
        GoogleDriveConfig {
            token_url: self.drive.token_url(),
            api_url: self.drive.url().to_string(),
            upload_url: self.drive.url().to_string(),
            ..GoogleDriveConfig::new(
                fake_drive::CLIENT_ID,
                Secret::new(fake_drive::CLIENT_SECRET.into()),
                Secret::new(fake_drive::REFRESH_TOKEN.into()),
            )
        }
    }

    /// Start the real worker; `drive` is the `[google_drive]` configuration.
    fn start_worker(&mut self, drive: Option<GoogleDriveConfig>) {
        let worker = PhotoWorker::new(
            self.db.clone(),
            Arc::new(LocalPhotoStore::new(&self.photo_dir)),
            teloxide::net::default_reqwest_settings().build().unwrap(),
            self.telegram.url().parse().unwrap(),
            self.shutdown.child_token(),
            PhotoOptions { drive, ..options() },
        )
        .with_events(self.events.clone());
        self.worker = Some(worker.handle());
        tokio::spawn(worker.run());
    }

    /// A distributor with a bot, a group and a vendor; `storage` and `folder` as given.
    async fn tenant(&self, name: &str, n: i64, storage: PhotoStorage, folder: Option<&str>) -> Tenant {
        let token = format!("{}:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsa{n:02}", 700_000 + n);
        self.telegram.add_bot(&token, &format!("{name}_bot"));
        let admin = 9_000 + n;
        let d = self
            .db
            .create_distributor(NewDistributor {
                name: name.into(),
                time_zone: Some("America/Argentina/Buenos_Aires".into()),
                bot_token: Some(Secret::new(token.clone())),
                admin_telegram_id: Some(admin),
            })
            .await
            .unwrap();
        if storage == PhotoStorage::GoogleDrive && folder.is_none() {
            // Settings refuse Drive without a folder; a database edited by hand
            // (or an older version) can still hold it, and the worker must cope.
            sqlx::query("UPDATE distributors SET photo_storage = 'google_drive', drive_folder_id = NULL WHERE id = ?")
                .bind(d.id)
                .execute(self.db.pool())
                .await
                .unwrap();
        } else {
            self.db
                .update_distributor(
                    d.id,
                    DistributorUpdate {
                        photo_storage: Some(storage),
                        drive_folder_id: Some(folder.map(String::from)),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
        }
        let chat = -1_002_000_000_000 - n;
        let g = self
            .db
            .create_group(NewGroup {
                distributor_id: d.id,
                chat_id: chat,
                title: format!("Ventas {name}"),
            })
            .await
            .unwrap();
        let m = self
            .db
            .upsert_member(NewMember {
                distributor_id: d.id,
                telegram_user_id: 500 + n,
                first_name: "Ana".into(),
                last_name: None,
                username: None,
            })
            .await
            .unwrap();
        let pdv = self.db.list_pdv_types(d.id, true).await.unwrap()[0].id;
        Tenant {
            distributor: d.id,
            group: g.id,
            vendor: m.id,
            pdv,
            chat,
            token,
            admin,
        }
    }

    /// Record an exhibition whose photos are `photos` (bytes behind new
    /// Telegram files) and enqueue their storage, as the intake bot does.
    async fn submit(&mut self, t: &Tenant, photos: &[&[u8]]) -> Uuid {
        let mut new_photos = Vec::new();
        for bytes in photos {
            self.files += 1;
            let (file, unique) = (format!("file-{}", self.files), format!("uniq-{}", self.files));
            self.telegram.add_file(&file, &unique, bytes.to_vec());
            new_photos.push(NewPhoto {
                telegram_file_id: Some(file),
                telegram_file_unique_id: Some(unique),
                ..Default::default()
            });
        }
        let first_message = self.telegram.next_message_id(t.chat);
        let recorded = self
            .db
            .record_exhibition(NewExhibition {
                distributor_id: t.distributor,
                group_id: t.group,
                vendor_id: t.vendor,
                customer_number: CustomerNumber::parse("10452").unwrap(),
                pdv_type_id: t.pdv,
                submitted_at: now(),
                idempotency_key: NewExhibition::idempotency_key(t.chat, first_message),
                photos: new_photos,
            })
            .await
            .unwrap();
        for position in 0..photos.len() {
            let task = store_photo_task(t.distributor, recorded.id, position as i64, t.chat, first_message);
            self.db.enqueue_task(&task, now()).await.unwrap();
        }
        if let Some(worker) = &self.worker {
            worker.notify();
        }
        recorded.id
    }

    async fn exhibition(&self, t: &Tenant, id: Uuid) -> Exhibition {
        self.db.exhibition(t.distributor, id).await.unwrap()
    }

    async fn wait_stored(&self, t: &Tenant, id: Uuid) -> Exhibition {
        eventually("photos stored locally", || async {
            let e = self.exhibition(t, id).await;
            e.photos.iter().all(|p| p.upload_state == "stored").then_some(e)
        })
        .await
    }

    async fn wait_archived(&self, t: &Tenant, id: Uuid, position: i64) -> PhotoToArchive {
        eventually("photo archived to Drive", || async {
            let p = self.db.photo_to_archive(t.distributor, id, position).await.unwrap();
            p.drive_file_id.is_some().then_some(p)
        })
        .await
    }

    async fn archive_tasks(&self) -> Vec<(TaskState, i64)> {
        sqlx::query_as("SELECT state, attempts FROM tasks WHERE kind = ? ORDER BY id")
            .bind(ARCHIVE_PHOTO)
            .fetch_all(self.db.pool())
            .await
            .unwrap()
    }

    async fn events(&self, t: &Tenant) -> Vec<ErrorEvent> {
        self.db.list_error_events(Some(t.distributor), 1000).await.unwrap()
    }

    /// Messages the bot sent to the distributor's admin (private chat).
    fn alerts(&self, t: &Tenant) -> Vec<String> {
        self.telegram
            .requests_to("sendMessage")
            .into_iter()
            .filter(|r| r.token == t.token && r.int("chat_id") == Some(t.admin))
            .map(|r| r.str("text").unwrap_or_default().to_string())
            .collect()
    }

    fn local_date(&self, e: &Exhibition) -> String {
        let tz: chrono_tz::Tz = "America/Argentina/Buenos_Aires".parse().unwrap();
        e.summary.submitted_at.with_timezone(&tz).format("%Y-%m-%d").to_string()
    }
}

#[tokio::test]
async fn google_drive_distributors_get_their_photos_in_their_folder_and_local_ones_do_not() {
    let mut w = World::new().await;
    let folder = w.drive.add_folder("Norte - CenterMind", None);
    let other_folder = w.drive.add_folder("Sur", None);
    let norte = w.tenant("norte", 1, PhotoStorage::GoogleDrive, Some(&folder)).await;
    let sur = w.tenant("sur", 2, PhotoStorage::Local, Some(&other_folder)).await;
    w.start_worker(Some(w.drive_config()));

    let photo_a = jpeg(&scene(1, 640, 480), 85);
    let photo_b = png(&scene(2, 320, 240));
    let id = w.submit(&norte, &[&photo_a, &photo_b]).await;
    let local_only = w.submit(&sur, &[&jpeg(&scene(3, 640, 480), 85)]).await;

    let e = w.wait_stored(&norte, id).await;
    let archived = [
        w.wait_archived(&norte, id, 0).await,
        w.wait_archived(&norte, id, 1).await,
    ];
    let date = w.local_date(&e);
    let chat = norte.chat.to_string();
    for (position, (bytes, ext, mime)) in [(&photo_a, "jpg", "image/jpeg"), (&photo_b, "png", "image/png")]
        .into_iter()
        .enumerate()
    {
        let name = format!("{id}_{position}.{ext}");
        let file = w.drive.find(&folder, &[&chat, &date, &name]).unwrap();
        assert_eq!(&file.bytes[..], &bytes[..], "the bytes Telegram served");
        assert_eq!(file.mime_type, mime);
        assert_eq!(archived[position].drive_file_id.as_deref(), Some(file.id.as_str()));
        // The server keeps its own copy, which the API serves.
        let photo = &e.photos[position];
        let key = photo.storage_key.as_deref().unwrap();
        assert_eq!(key, format!("{}/{chat}/{date}/{name}", norte.distributor));
        assert_eq!(std::fs::read(w.photo_dir.join(key)).unwrap(), bytes.clone());
        // The link shown is Drive's webViewLink.
        let link = w.exhibition(&norte, id).await.photos[position]
            .storage_link
            .clone()
            .unwrap();
        assert!(
            link.starts_with("https://drive.google.com/file/d/") && link.contains(&file.id),
            "{link}"
        );
    }
    // One folder per group and per date, created once, in the distributor's folder only.
    assert_eq!(w.drive.files_in(&folder).len(), 1);
    assert_eq!(w.drive.files_in(&w.drive.files_in(&folder)[0].id).len(), 1);
    assert_eq!(
        w.drive.all_files().len(),
        2 + 2 + 2,
        "two roots, two folders, two photos"
    );
    // One access token served every call: cached, and sent on each request.
    assert_eq!(w.drive.tokens_issued(), 1);
    let token_request = &w.drive.requests_to(Endpoint::Token)[0];
    assert_eq!(
        token_request.form.iter().find(|(k, _)| k == "grant_type").unwrap().1,
        "refresh_token"
    );
    assert!(
        w.drive
            .requests()
            .iter()
            .filter(|r| r.endpoint != Endpoint::Token)
            .all(|r| r.access_token.as_deref() == Some("ya29.fake-1") && r.status == Some(200))
    );
    let uploads = w.drive.requests_to(Endpoint::Upload);
    assert_eq!(uploads.len(), 2);
    assert!(uploads.iter().all(|u| u.query("uploadType") == Some("multipart")));

    // The local distributor: stored on disk, nothing in Drive, no archive task.
    let s = w.wait_stored(&sur, local_only).await;
    assert!(w.photo_dir.join(s.photos[0].storage_key.as_deref().unwrap()).is_file());
    assert!(w.drive.files_in(&other_folder).is_empty());
    assert_eq!(w.archive_tasks().await.len(), 2, "only Norte's two photos");
    assert!(w.events(&norte).await.is_empty() && w.events(&sur).await.is_empty());
}

#[tokio::test]
async fn access_tokens_are_refreshed_when_refused_or_about_to_expire_and_cached_otherwise() {
    let mut w = World::new().await;
    let folder = w.drive.add_folder("Norte", None);
    let norte = w.tenant("norte", 1, PhotoStorage::GoogleDrive, Some(&folder)).await;
    w.start_worker(Some(w.drive_config()));

    let first = w.submit(&norte, &[&jpeg(&scene(1, 320, 240), 80)]).await;
    w.wait_archived(&norte, first, 0).await;
    let second = w.submit(&norte, &[&jpeg(&scene(2, 320, 240), 80)]).await;
    w.wait_archived(&norte, second, 0).await;
    assert_eq!(w.drive.tokens_issued(), 1, "cached between photos");

    // Drive stops accepting the token before its time (revoked, clock skew): 401.
    w.drive.expire_access_tokens();
    let third = w.submit(&norte, &[&jpeg(&scene(3, 320, 240), 80)]).await;
    w.wait_archived(&norte, third, 0).await;
    assert_eq!(w.drive.tokens_issued(), 2, "refreshed once after the 401");
    let refused: Vec<_> = w
        .drive
        .requests()
        .into_iter()
        .filter(|r| r.status == Some(401))
        .collect();
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].access_token.as_deref(), Some("ya29.fake-1"));
    let after = w
        .drive
        .requests()
        .into_iter()
        .skip_while(|r| r.status != Some(401))
        .skip(1);
    assert!(
        after
            .filter(|r| r.endpoint != Endpoint::Token)
            .all(|r| r.access_token.as_deref() == Some("ya29.fake-2")),
        "the call was repeated with the new token"
    );
    assert!(w.events(&norte).await.is_empty(), "a refreshed token is not a failure");

    // Short-lived tokens are renewed before they expire, without a 401.
    w.drive.set_token_lifetime(Duration::from_secs(1));
    w.drive.expire_access_tokens();
    let fourth = w.submit(&norte, &[&jpeg(&scene(4, 320, 240), 80)]).await;
    w.wait_archived(&norte, fourth, 0).await;
    assert_eq!(w.drive.tokens_issued(), 3);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let fifth = w.submit(&norte, &[&jpeg(&scene(5, 320, 240), 80)]).await;
    w.wait_archived(&norte, fifth, 0).await;
    assert_eq!(w.drive.tokens_issued(), 4, "renewed ahead of expiry");
    let refused = w.drive.requests().into_iter().filter(|r| r.status == Some(401)).count();
    assert_eq!(refused, 2, "the forced expiry and nothing else");
}

#[tokio::test]
async fn drive_failures_are_retried_to_success_without_duplicates() {
    let mut w = World::new().await;
    let mut announced = w.events.subscribe();
    let folder = w.drive.add_folder("Norte", None);
    let norte = w.tenant("norte", 1, PhotoStorage::GoogleDrive, Some(&folder)).await;
    // Creating the group folder: rate limited, then created but answered 500,
    // then (date folder) unavailable; the upload itself succeeds but answers 500.
    w.drive.fail_next(Endpoint::Create, 1, Fault::TooManyRequests);
    w.drive.fail_next(Endpoint::Create, 1, Fault::ServerErrorAfterCommit);
    w.drive.fail_next(Endpoint::Create, 1, Fault::Unavailable);
    w.drive.fail_next(Endpoint::Upload, 1, Fault::ServerErrorAfterCommit);
    w.start_worker(Some(w.drive_config()));

    let bytes = jpeg(&scene(9, 640, 480), 85);
    let id = w.submit(&norte, &[&bytes]).await;
    let archived = w.wait_archived(&norte, id, 0).await;
    let e = w.exhibition(&norte, id).await;
    let date = w.local_date(&e);

    // Exactly one group folder, one date folder and one file, with the bytes.
    let groups = w.drive.files_in(&folder);
    assert_eq!(groups.len(), 1, "{groups:?}");
    let dates = w.drive.files_in(&groups[0].id);
    assert_eq!(dates.len(), 1);
    assert_eq!(dates[0].name, date);
    let files = w.drive.files_in(&dates[0].id);
    assert_eq!(files.len(), 1, "no duplicate after the lost upload answer");
    assert_eq!(&files[0].bytes[..], &bytes[..]);
    assert_eq!(archived.drive_file_id.as_deref(), Some(files[0].id.as_str()));
    let uploads: Vec<Option<u16>> = w.drive.requests_to(Endpoint::Upload).iter().map(|r| r.status).collect();
    assert_eq!(
        uploads,
        [Some(500)],
        "the retry found the file instead of sending it again"
    );

    // Four failed attempts, each classified; the task ends done on the fifth.
    let events = w.events(&norte).await;
    assert_eq!(events.len(), 4, "{events:#?}");
    assert!(events.iter().all(|e| e.class == ErrorClass::RemoteDown), "{events:#?}");
    assert_eq!(w.archive_tasks().await, [(TaskState::Done, 5)]);
    // The admin heard once (after the third failure), not four times.
    let alerts = w.alerts(&norte);
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert!(alerts[0].contains("remote_down"), "{}", alerts[0]);
    // The local copy never waited for Drive.
    assert_eq!(e.photos[0].upload_state, "stored");
    // The admins' Estado screens heard of the copy's first failure at once and of
    // its recovery at the end of the 1 s window; the retries between and the
    // download that worked at once were not announced.
    let mut kinds = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_millis(2500);
    while let Ok(Ok(event)) = tokio::time::timeout_at(deadline, announced.recv()).await {
        if let LiveEvent::WorkChanged { distributor_id, kind } = event {
            assert_eq!(distributor_id, norte.distributor);
            kinds.push(kind);
        }
    }
    let copy = Some(ARCHIVE_PHOTO.to_string());
    assert_eq!(kinds, [copy.clone(), copy]);
}

#[tokio::test]
async fn permission_and_quota_errors_are_classified() {
    let mut w = World::new().await;
    let folder = w.drive.add_folder("Norte", None);
    let norte = w.tenant("norte", 1, PhotoStorage::GoogleDrive, Some(&folder)).await;
    w.drive.fail_next(Endpoint::List, 1, Fault::Forbidden);
    w.drive.fail_next(Endpoint::List, 1, Fault::StorageQuotaExceeded);
    w.start_worker(Some(w.drive_config()));
    let id = w.submit(&norte, &[&jpeg(&scene(1, 320, 240), 80)]).await;
    w.wait_archived(&norte, id, 0).await;
    let mut classes: Vec<ErrorClass> = w.events(&norte).await.iter().map(|e| e.class).collect();
    classes.reverse();
    assert_eq!(classes, [ErrorClass::Permission, ErrorClass::DiskFull]);
}

#[tokio::test]
async fn a_drive_distributor_without_a_folder_is_alerted_once_and_archived_once_fixed() {
    let mut w = World::new().await;
    let norte = w.tenant("norte", 1, PhotoStorage::GoogleDrive, None).await;
    w.start_worker(Some(w.drive_config()));
    let first = w.submit(&norte, &[&jpeg(&scene(1, 320, 240), 80)]).await;
    let second = w.submit(&norte, &[&jpeg(&scene(2, 320, 240), 80)]).await;
    // Stored locally at once; the archive keeps failing as a missing path.
    w.wait_stored(&norte, first).await;
    w.wait_stored(&norte, second).await;
    let events = eventually("several classified failures", || async {
        let events = w.events(&norte).await;
        (events.len() >= 4).then_some(events)
    })
    .await;
    assert!(events.iter().all(|e| e.class == ErrorClass::MissingPath), "{events:#?}");
    assert!(events[0].message.contains("drive_folder_id"), "{}", events[0].message);
    let alerts = w.alerts(&norte);
    assert_eq!(alerts.len(), 1, "one alert, not one per photo or attempt: {alerts:?}");
    assert!(alerts[0].contains("missing_path"), "{}", alerts[0]);
    assert!(w.drive.requests().is_empty(), "nothing to call Drive for");

    // The admin sets the folder: the queued photos go through.
    let folder = w.drive.add_folder("Norte", None);
    w.db.update_distributor(
        norte.distributor,
        DistributorUpdate {
            drive_folder_id: Some(Some(folder.clone())),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    w.wait_archived(&norte, first, 0).await;
    w.wait_archived(&norte, second, 0).await;
    // The photo records its Drive file before its task is marked done: wait for both.
    eventually("both archive tasks done", || async {
        let tasks = w.archive_tasks().await;
        (tasks.iter().filter(|t| t.0 == TaskState::Done).count() == 2).then_some(())
    })
    .await;
    assert_eq!(w.alerts(&norte).len(), 1);
}

#[tokio::test]
async fn without_drive_credentials_photos_stay_local_and_the_admin_is_told_once() {
    let mut w = World::new().await;
    let folder = w.drive.add_folder("Norte", None);
    let norte = w.tenant("norte", 1, PhotoStorage::GoogleDrive, Some(&folder)).await;
    w.start_worker(None);
    let first = w.submit(&norte, &[&jpeg(&scene(1, 320, 240), 80)]).await;
    let second = w.submit(&norte, &[&jpeg(&scene(2, 320, 240), 80)]).await;
    for id in [first, second] {
        let e = w.wait_stored(&norte, id).await;
        assert!(w.photo_dir.join(e.photos[0].storage_key.as_deref().unwrap()).is_file());
    }
    let events = eventually("several classified failures", || async {
        let events = w.events(&norte).await;
        (events.len() >= 4).then_some(events)
    })
    .await;
    assert!(events.iter().all(|e| e.class == ErrorClass::Permission), "{events:#?}");
    assert!(events[0].message.contains("not configured"), "{}", events[0].message);
    assert_eq!(w.alerts(&norte).len(), 1);
    assert!(w.drive.requests().is_empty());
    for id in [first, second] {
        let p = w.db.photo_to_archive(norte.distributor, id, 0).await.unwrap();
        assert_eq!((p.upload_state.as_str(), p.drive_file_id), ("stored", None));
    }
}

#[tokio::test]
async fn perceptual_duplicates_are_flagged_within_the_distributor_only() {
    let mut w = World::new().await;
    let norte = w.tenant("norte", 1, PhotoStorage::Local, None).await;
    let sur = w.tenant("sur", 2, PhotoStorage::Local, None).await;
    w.start_worker(None);

    let original = scene(42, 1024, 768);
    let first = w.submit(&norte, &[&jpeg(&original, 90)]).await;
    let e1 = w.wait_stored(&norte, first).await;
    // The same picture re-encoded smaller (a different file, other bytes).
    let resent = original.resize_exact(640, 480, image::imageops::FilterType::Triangle);
    let second = w
        .submit(&norte, &[&jpeg(&scene(7, 640, 480), 85), &jpeg(&resent, 60)])
        .await;
    // A different picture.
    let third = w.submit(&norte, &[&jpeg(&scene(43, 1024, 768), 90)]).await;
    // The very same bytes in another distributor.
    let elsewhere = w.submit(&sur, &[&jpeg(&original, 90)]).await;

    let e2 = w.wait_stored(&norte, second).await;
    assert!(e2.summary.possible_duplicate);
    let dup = e2.duplicate_of.clone().unwrap();
    assert_eq!((dup.id, dup.submitted_at), (first, e1.summary.submitted_at));
    assert_ne!(e2.photos[1].sha256, e1.photos[0].sha256, "not caught by the SHA-256");
    // The burst's second photo is the look-alike: the detail pairs it with the original's.
    let positions = (e2.photos[1].position, e1.photos[0].position);
    assert_eq!(
        (dup.photo_position, dup.earlier_photo_position),
        (Some(positions.0), Some(positions.1))
    );

    let e3 = w.wait_stored(&norte, third).await;
    assert!(!e3.summary.possible_duplicate && e3.duplicate_of.is_none());
    let other = w.wait_stored(&sur, elsewhere).await;
    assert_eq!(other.photos[0].sha256, e1.photos[0].sha256);
    assert!(
        !other.summary.possible_duplicate && other.duplicate_of.is_none(),
        "tenants never match"
    );
    let first_now = w.exhibition(&norte, first).await;
    assert!(!first_now.summary.possible_duplicate, "the original is not flagged");
    // Nothing was rejected: all still pending.
    for e in [&e2, &e3, &other] {
        assert_eq!(
            e.summary.status,
            centermind_core::domain::exhibition::ExhibitionStatus::Pending
        );
    }
    let hashes: Vec<Option<String>> = sqlx::query_scalar("SELECT perceptual_hash FROM exhibition_photos ORDER BY id")
        .fetch_all(w.db.pool())
        .await
        .unwrap();
    assert!(
        hashes.iter().all(|h| h.as_ref().is_some_and(|h| h.len() == 16)),
        "{hashes:?}"
    );
}

/// The worker keeps several photos in flight: while Telegram is slow to
/// answer one getFile, the next photos' requests already went out.
#[tokio::test]
async fn several_photos_are_stored_at_once() {
    let mut w = World::new().await;
    let norte = w.tenant("norte", 1, PhotoStorage::Local, None).await;
    let mut ids = Vec::new();
    for i in 0..4 {
        ids.push(w.submit(&norte, &[&jpeg(&scene(40 + i, 320, 240), 80)]).await);
    }
    let slow = Duration::from_secs(2);
    w.telegram.fail_next("getFile", 4, TelegramFault::Slow(slow));
    w.start_worker(None);
    for id in &ids {
        w.wait_stored(&norte, *id).await;
    }
    let asked = w.telegram.requests_to("getFile");
    assert_eq!(asked.len(), 4, "one getFile per photo");
    let spread = asked[3].received_at - asked[0].received_at;
    assert!(
        spread < slow,
        "the fourth getFile came {spread:?} after the first, which took {slow:?} to answer: one at a time"
    );
}

/// Copies of one group's photos made at the same time must meet in one folder per
/// group and date: the second copy must not create the folders again while the first
/// is still looking for them (Drive allows two folders with one name).
#[tokio::test]
async fn concurrent_copies_share_one_folder_per_group_and_date() {
    let mut w = World::new().await;
    let folder = w.drive.add_folder("Norte - CenterMind", None);
    let norte = w.tenant("norte", 1, PhotoStorage::GoogleDrive, Some(&folder)).await;
    let mut ids = Vec::new();
    for i in 0..4 {
        ids.push(w.submit(&norte, &[&jpeg(&scene(60 + i, 320, 240), 80)]).await);
    }
    // Slow folder look-ups: every copy is looking before any has created a folder.
    w.drive
        .fail_next(Endpoint::List, 4, Fault::Slow(Duration::from_millis(400)));
    w.start_worker(Some(w.drive_config()));
    for id in &ids {
        w.wait_archived(&norte, *id, 0).await;
    }

    let groups = w.drive.files_in(&folder);
    assert_eq!(groups.len(), 1, "one folder for the group: {groups:?}");
    let dates = w.drive.files_in(&groups[0].id);
    assert_eq!(dates.len(), 1, "one folder for the date: {dates:?}");
    assert_eq!(w.drive.files_in(&dates[0].id).len(), 4, "the four photos together");
    assert_eq!(w.drive.requests_to(Endpoint::Create).len(), 2, "two folders created");
}

/// An old database (the Python system's) whose photos the old bot put in
/// Google Drive: `links` are the `url_foto_drive` of two exhibitions.
async fn old_database(dir: &std::path::Path, first: &str, second: &str) -> PathBuf {
    let path = dir.join("viejo.db");
    legacy::write_old_database(
        &path,
        &format!(
            "INSERT INTO distribuidores VALUES (1, 'Vieja SA', NULL, NULL, NULL, 'activo', NULL);
             INSERT INTO exhibiciones VALUES ('5b0f8a52-3c4d-4e5f-8a9b-0c1d2e3f4a51', 1, -1001, 11, '10', 'Kiosco',
                 '{first}', 'Aprobado', 'Sofía', NULL, NULL, NULL, 1, '2025-03-01 10:00:00', '2025-03-01 12:00:00');
             INSERT INTO exhibiciones VALUES ('5b0f8a52-3c4d-4e5f-8a9b-0c1d2e3f4a52', 1, -1001, 11, '11', 'Kiosco',
                 '{second}', 'Pendiente', NULL, NULL, NULL, NULL, 0, '2025-03-02 10:00:00', NULL);"
        ),
    )
    .await;
    path
}

#[tokio::test]
async fn imported_photos_wait_for_drive_credentials_then_come_from_drive_after_todays_photos() {
    let mut w = World::new().await;
    let (one, two) = (jpeg(&scene(31, 640, 480), 85), jpeg(&scene(32, 640, 480), 85));
    let id_one = w.drive.add_file("IMG_0001.jpg", None, "image/jpeg", &one);
    let id_two = w.drive.add_file("IMG_0002.jpg", None, "image/jpeg", &two);
    let link_one = format!("https://drive.google.com/file/d/{id_one}/view?usp=drivesdk");
    let burst = format!("https://drive.google.com/open?id={id_two}, https://drive.google.com/open?id=GoneFromDrive123");
    let old = old_database(w._dir.path(), &link_one, &burst).await;
    let imported =
        w.db.import_legacy(
            &old,
            &centermind_core::store::LegacyImportOptions {
                time_zone: chrono_tz::America::Argentina::Buenos_Aires,
                bot_tokens: true,
            },
        )
        .await
        .unwrap();
    let d = imported.distributors[0].id;
    assert_eq!(imported.distributors[0].photos_queued, 3);
    let db = w.db.clone();
    let import_tasks = || async {
        let rows: Vec<(TaskState, i64, Option<String>)> =
            sqlx::query_as("SELECT state, attempts, last_error FROM tasks WHERE kind = 'import_photo' ORDER BY id")
                .fetch_all(db.pool())
                .await
                .unwrap();
        rows
    };

    // Without [google_drive]: the tasks wait, spending no attempt and logging no error per photo.
    w.start_worker(None);
    let waiting = eventually("imported photos put back to wait for Drive", || async {
        let rows = import_tasks().await;
        rows.iter().all(|(_, _, e)| e.is_some()).then_some(rows)
    })
    .await;
    for (state, attempts, error) in &waiting {
        assert_eq!((*state, *attempts), (TaskState::Queued, 0));
        assert!(
            error.as_deref().unwrap().contains("Google Drive is not configured"),
            "{error:?}"
        );
    }
    assert!(w.db.list_error_events(Some(d), 100).await.unwrap().is_empty());
    assert!(w.drive.requests_to(Endpoint::Download).is_empty());
    w.shutdown.cancel();
    tokio::time::sleep(Duration::from_millis(50)).await;

    // With credentials, and one photo of today sent meanwhile: today's is stored first.
    w.shutdown = CancellationToken::new();
    let today = w.tenant("Hoy", 1, PhotoStorage::Local, None).await;
    let todays = w.submit(&today, &[&jpeg(&scene(33, 640, 480), 85)]).await;
    let worker = PhotoWorker::new(
        w.db.clone(),
        Arc::new(LocalPhotoStore::new(&w.photo_dir)),
        teloxide::net::default_reqwest_settings().build().unwrap(),
        w.telegram.url().parse().unwrap(),
        w.shutdown.child_token(),
        PhotoOptions {
            drive: Some(w.drive_config()),
            concurrency: 1,
            ..options()
        },
    );
    tokio::spawn(worker.run());
    w.wait_stored(&today, todays).await;
    let done = eventually("imported photos fetched or given up", || async {
        let rows = import_tasks().await;
        rows.iter()
            .all(|(s, _, _)| matches!(s, TaskState::Done | TaskState::Dead))
            .then_some(rows)
    })
    .await;
    assert_eq!(
        done.iter().map(|(s, _, _)| *s).collect::<Vec<_>>(),
        [TaskState::Done, TaskState::Done, TaskState::Dead],
        "the file Drive no longer has is given up"
    );
    let finished: Vec<(String, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
        "SELECT kind, updated_at FROM tasks WHERE kind IN ('store_photo', 'import_photo') AND state = 'done'",
    )
    .fetch_all(w.db.pool())
    .await
    .unwrap();
    let today_done = finished.iter().find(|(k, _)| k == "store_photo").unwrap().1;
    assert!(
        finished
            .iter()
            .filter(|(k, _)| k == "import_photo")
            .all(|(_, at)| *at >= today_done),
        "today's photo first: {finished:?}"
    );

    // The bytes are Drive's, in the local folder, with the Drive link kept.
    let first =
        w.db.exhibition(d, Uuid::parse_str("5b0f8a52-3c4d-4e5f-8a9b-0c1d2e3f4a51").unwrap())
            .await
            .unwrap();
    assert_eq!(first.photos[0].upload_state, "stored");
    assert_eq!(first.photos[0].storage_link.as_deref(), Some(link_one.as_str()));
    let on_disk = std::fs::read(w.photo_dir.join(first.photos[0].storage_key.as_deref().unwrap())).unwrap();
    assert_eq!(on_disk, one);
    assert_eq!(first.photos[0].width, Some(640));
    assert!(
        first.photos[0].storage_key.as_deref().unwrap().contains("2025-03-01"),
        "filed under its own day"
    );
    let second =
        w.db.exhibition(d, Uuid::parse_str("5b0f8a52-3c4d-4e5f-8a9b-0c1d2e3f4a52").unwrap())
            .await
            .unwrap();
    assert_eq!(
        second
            .photos
            .iter()
            .map(|p| p.upload_state.as_str())
            .collect::<Vec<_>>(),
        ["stored", "failed"]
    );
    assert_eq!(
        std::fs::read(w.photo_dir.join(second.photos[0].storage_key.as_deref().unwrap())).unwrap(),
        two
    );
    assert!(w.archive_tasks().await.is_empty(), "nothing to copy back to Drive");
}
