//! The intake conversation end to end: a real teloxide-based bot long-polling
//! the fake Bot API on 127.0.0.1, a real SQLite database in a temp folder,
//! photos stored in a temp folder.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on purpose

use std::sync::Arc;
use std::time::Duration;

use centermind_core::Secret;
use centermind_core::domain::DistributorId;
use centermind_core::domain::hibernation::parse_hhmm;
use centermind_core::domain::roles::MemberRole;
use centermind_core::events::{EventBus, LiveEvent};
use centermind_core::store::{
    BotState, Db, DistributorUpdate, ExhibitionFilter, ExhibitionSummary, NewDistributor, NewGroup, SubmissionState,
};
use centermind_fake_telegram::updates::{self, Person};
use centermind_fake_telegram::{FakeTelegram, StoredMessage};
use centermind_telegram::{
    BotSupervisor, IntakeBot, IntakeOptions, LocalPhotoStore, PhotoHandle, PhotoOptions, PhotoWorker, RunEnd,
    SupervisorOptions,
};
use serde_json::Value;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

const TOKEN: &str = "222222:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const CHAT: i64 = -1_002_000_000_001;
const WAIT: Duration = Duration::from_secs(8);
/// The distributor's admin (a private chat with the bot).
const ADMIN: i64 = 900;

fn options() -> IntakeOptions {
    IntakeOptions {
        poll_timeout_secs: 1,
        request_timeout: Duration::from_secs(3),
        sweep_interval: Duration::from_millis(50),
        max_flood_wait: Duration::from_secs(5),
        ..IntakeOptions::default()
    }
}

fn photo_options() -> PhotoOptions {
    PhotoOptions {
        request_timeout: Duration::from_secs(3),
        backoff_base: chrono::Duration::milliseconds(50),
        backoff_cap: chrono::Duration::milliseconds(200),
        idle_recheck: Duration::from_millis(200),
        ..PhotoOptions::default()
    }
}

fn png(width: u32, height: u32, seed: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([seed, x as u8, y as u8]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A running bot supervisor (see [`World::start_supervisor`]).
struct Supervised {
    shutdown: CancellationToken,
    task: tokio::task::JoinHandle<()>,
}

impl Supervised {
    async fn stop(self) {
        self.shutdown.cancel();
        tokio::time::timeout(WAIT, self.task).await.unwrap().unwrap();
    }
}

struct World {
    db: Db,
    fake: FakeTelegram,
    events: EventBus,
    distributor: DistributorId,
    photo_dir: std::path::PathBuf,
    photos: PhotoHandle,
    shutdown: CancellationToken,
    bot: Option<(CancellationToken, JoinHandle<RunEnd>)>,
    _dir: tempfile::TempDir,
}

fn ana() -> Person {
    Person {
        last_name: Some("Paz".into()),
        ..Person::new(501, "Ana")
    }
}

fn beto() -> Person {
    Person::new(502, "Beto")
}

fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
}

impl World {
    async fn new() -> Self {
        init_tracing();
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&format!("sqlite://{}", dir.path().join("t.db").display()))
            .await
            .unwrap();
        let fake = FakeTelegram::start().await.unwrap();
        fake.add_bot(TOKEN, "ventas_bot");
        fake.set_chat_title(CHAT, "Ventas Norte");
        let d = db
            .create_distributor(NewDistributor {
                name: "Norte".into(),
                time_zone: Some("America/Argentina/Buenos_Aires".into()),
                bot_token: Some(Secret::new(TOKEN.into())),
                admin_telegram_id: Some(ADMIN),
            })
            .await
            .unwrap();
        db.update_distributor(
            d.id,
            DistributorUpdate {
                hibernation_enabled: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        db.create_group(NewGroup {
            distributor_id: d.id,
            chat_id: CHAT,
            title: "Ventas Norte".into(),
        })
        .await
        .unwrap();
        let photo_dir = dir.path().join("photos");
        let shutdown = CancellationToken::new();
        let worker = PhotoWorker::new(
            db.clone(),
            Arc::new(LocalPhotoStore::new(&photo_dir)),
            teloxide::net::default_reqwest_settings().build().unwrap(),
            fake.url().parse().unwrap(),
            shutdown.child_token(),
            photo_options(),
        );
        let photos = worker.handle();
        tokio::spawn(worker.run());
        Self {
            db,
            fake,
            events: EventBus::default(),
            distributor: d.id,
            photo_dir,
            photos,
            shutdown,
            bot: None,
            _dir: dir,
        }
    }

    async fn start_bot(&mut self, options: IntakeOptions) {
        let bot = IntakeBot::new(
            self.db.clone(),
            self.distributor,
            &Secret::new(TOKEN.to_string()),
            self.fake.url(),
            teloxide::net::default_reqwest_settings().build().unwrap(),
            self.events.clone(),
        )
        .unwrap()
        .with_options(options)
        .with_photo_worker(self.photos.clone())
        .connect()
        .await
        .unwrap();
        let stop = self.shutdown.child_token();
        let task = tokio::spawn(bot.run(stop.clone()));
        self.bot = Some((stop, task));
    }

    /// The bot supervisor over this world's database (every distributor's bot), polling fast.
    fn start_supervisor(&self) -> Supervised {
        self.start_supervisor_with(SupervisorOptions::default())
    }

    /// [`World::start_supervisor`] with other supervisor options (the intake, photo and
    /// poll settings stay the tests' own).
    fn start_supervisor_with(&self, supervision: SupervisorOptions) -> Supervised {
        let shutdown = CancellationToken::new();
        let supervisor = BotSupervisor::new(
            self.db.clone(),
            self.fake.url(),
            self.photo_dir.clone(),
            self.events.clone(),
            shutdown.clone(),
        )
        .unwrap()
        .with_options(SupervisorOptions {
            poll_interval: Duration::from_millis(100),
            intake: options(),
            photos: photo_options(),
            ..supervision
        });
        Supervised {
            shutdown,
            task: tokio::spawn(supervisor.run()),
        }
    }

    async fn stop_bot(&mut self) -> RunEnd {
        let (stop, task) = self.bot.take().unwrap();
        stop.cancel();
        task.await.unwrap()
    }

    fn push(&self, update: Value) {
        self.fake.push_update(TOKEN, update);
    }

    /// A photo from `who`, with a downloadable PNG behind it. Returns its message id.
    fn send_photo(&self, who: &Person, file: &str, album: Option<&str>) -> i64 {
        let id = self.fake.next_message_id(CHAT);
        self.fake.add_file(file, &format!("{file}-u"), png(8, 6, id as u8));
        self.push(updates::message(
            CHAT,
            who,
            id,
            updates::photo(file, &format!("{file}-u"), album),
        ));
        id
    }

    fn send_text(&self, who: &Person, text: &str) -> i64 {
        let id = self.fake.next_message_id(CHAT);
        self.push(updates::message(CHAT, who, id, updates::text(text)));
        id
    }

    /// Wait for the `n`-th (1-based) bot message in the chat containing `needle`.
    async fn wait_message(&self, chat: i64, needle: &str, n: usize) -> StoredMessage {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let found: Vec<StoredMessage> = self
                .fake
                .messages_in(chat)
                .into_iter()
                .filter(|m| m.text.contains(needle))
                .collect();
            if found.len() >= n {
                return found[n - 1].clone();
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no message #{n} with {needle:?} in {chat}; messages: {:#?}",
                self.fake.messages_in(chat)
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn count_messages(&self, chat: i64, needle: &str) -> usize {
        self.fake
            .messages_in(chat)
            .iter()
            .filter(|m| m.text.contains(needle))
            .count()
    }

    /// Let the bot poll through everything pushed so far.
    async fn settle(&self) {
        let deadline = tokio::time::Instant::now() + WAIT;
        while self.fake.pending_updates(TOKEN) > 0 {
            assert!(tokio::time::Instant::now() < deadline, "updates not consumed");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // The confirming poll arrives after the last handler finished.
        let n = self.fake.requests_to("getUpdates").len();
        self.fake.wait_for_requests("getUpdates", n + 1, WAIT).await;
    }

    /// The distributor's exhibitions once every confirmation's message id is
    /// stored and its submission closed (the bot stores the id after
    /// Telegram answered, so a test sees the message a moment before).
    async fn confirmed_exhibitions(&self, distributor: DistributorId) -> Vec<ExhibitionSummary> {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let all = self
                .db
                .list_exhibitions(distributor, &ExhibitionFilter::default(), None, 100)
                .await
                .unwrap();
            let open = self.db.committed_submissions(distributor).await.unwrap();
            if open.is_empty() && all.iter().all(|e| e.confirmation_message_id.is_some()) {
                return all;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "confirmations not recorded: {all:?} {open:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn exhibitions(&self) -> Vec<ExhibitionSummary> {
        self.db
            .list_exhibitions(self.distributor, &ExhibitionFilter::default(), None, 100)
            .await
            .unwrap()
    }

    fn buttons(message: &StoredMessage) -> Vec<(String, String)> {
        message
            .reply_markup
            .as_ref()
            .and_then(|m| m["inline_keyboard"].as_array())
            .unwrap()
            .iter()
            .flat_map(|row| row.as_array().unwrap().iter())
            .map(|b| {
                (
                    b["text"].as_str().unwrap().to_string(),
                    b["callback_data"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    }

    fn press(&self, who: &Person, query_id: &str, keyboard: &StoredMessage, data: &str) {
        self.push(updates::callback(query_id, who, CHAT, keyboard.message_id, data));
    }

    /// Photo(s) → number → first PDV button, waiting for each answer.
    async fn full_submission(&self, who: &Person, files: &[&str], number: &str, nth: usize) -> StoredMessage {
        let first = self.send_photo(who, files[0], None);
        for f in &files[1..] {
            self.send_photo(who, f, None);
        }
        let prompt = self.wait_message(CHAT, "número de cliente", nth).await;
        assert_eq!(prompt.reply_to, Some(first));
        self.send_text(who, number);
        // Earlier keyboards were edited into "Tipo de PDV: …": find this one by its number.
        let keyboard = self
            .wait_message(CHAT, &format!("Cliente N° {number}. ¿Qué tipo"), 1)
            .await;
        let (_, data) = Self::buttons(&keyboard)[0].clone();
        self.press(who, &format!("q{nth}"), &keyboard, &data);
        self.wait_message(CHAT, "Pendiente de evaluación", nth).await
    }

    async fn wait_stored(&self, exhibition: uuid::Uuid, photos: usize) -> centermind_core::store::Exhibition {
        self.wait_stored_in(self.distributor, exhibition, photos).await
    }

    async fn wait_stored_in(
        &self,
        distributor: DistributorId,
        exhibition: uuid::Uuid,
        photos: usize,
    ) -> centermind_core::store::Exhibition {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let e = self.db.exhibition(distributor, exhibition).await.unwrap();
            if e.photos.len() == photos && e.photos.iter().all(|p| p.upload_state == "stored") {
                return e;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "photos not stored: {:?}",
                e.photos
            );
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
    }
}

#[tokio::test]
async fn happy_path_photo_number_pdv_records_once_confirms_and_stores_the_photo() {
    let mut w = World::new().await;
    let mut live = w.events.subscribe();
    w.start_bot(options()).await;
    let commands = w.fake.requests_to("setMyCommands");
    assert_eq!(commands.len(), 1);
    let names: Vec<&str> = commands[0].params["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["command"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["start", "help", "perfil", "ranking", "pendientes", "stats"]);

    let photo = w.send_photo(&ana(), "f1", None);
    let prompt = w.wait_message(CHAT, "número de cliente", 1).await;
    assert_eq!(prompt.reply_to, Some(photo));
    let number = w.send_text(&ana(), "10.452");
    let keyboard = w.wait_message(CHAT, "tipo de punto de venta", 1).await;
    assert_eq!(keyboard.reply_to, Some(number));
    let buttons = World::buttons(&keyboard);
    assert_eq!(buttons.len(), 6, "the distributor's active PDV types");
    assert_eq!(buttons[2].0, "Autoservicio");
    w.press(&ana(), "q1", &keyboard, &buttons[2].1);
    let confirmation = w.wait_message(CHAT, "Pendiente de evaluación", 1).await;
    assert_eq!(
        confirmation.text,
        "⏳ Pendiente de evaluación\nVendedor: Ana Paz\nCliente N°: 10452\nTipo de PDV: Autoservicio\nFotos: 1"
    );
    assert_eq!(confirmation.reply_to, Some(photo));

    let all = w.confirmed_exhibitions(w.distributor).await;
    assert_eq!(all.len(), 1);
    let e = &all[0];
    assert_eq!(
        (e.customer_number.as_str(), e.pdv_type_name.as_str(), e.photo_count),
        ("10452", "Autoservicio", 1)
    );
    assert_eq!(e.confirmation_chat_id, Some(CHAT));
    assert_eq!(e.confirmation_message_id, Some(confirmation.message_id));
    // Then (a second later: one message a second per chat) the keyboard is
    // gone and shows the choice.
    let keyboard_now = w.wait_message(CHAT, "Autoservicio ✔️", 1).await;
    assert_eq!(keyboard_now.message_id, keyboard.message_id);
    assert!(keyboard_now.reply_markup.is_none());
    assert!(keyboard_now.text.contains("Autoservicio"), "{}", keyboard_now.text);
    let answers = w.fake.requests_to("answerCallbackQuery");
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0].str("callback_query_id"), Some("q1"));
    assert_eq!(
        live.recv().await.unwrap(),
        LiveEvent::ExhibitionCreated {
            distributor_id: w.distributor,
            exhibition_id: e.id
        }
    );

    let stored = w.wait_stored(e.id, 1).await;
    let p = &stored.photos[0];
    let key = p.storage_key.clone().unwrap();
    assert!(
        key.starts_with(&format!("{}/{CHAT}/", w.distributor)) && key.ends_with("_0.png"),
        "{key}"
    );
    let bytes = std::fs::read(w.photo_dir.join(&key)).unwrap();
    assert_eq!(p.size_bytes, Some(bytes.len() as i64));
    assert_eq!((p.width, p.height), (Some(8), Some(6)));
    assert_eq!(p.sha256.as_ref().map(String::len), Some(64));
    assert_eq!(w.fake.requests_to("getFile").len(), 1);
    // The vendor is a member now, with the default role.
    let m = w.db.member_by_telegram_id(w.distributor, 501).await.unwrap().unwrap();
    assert_eq!((m.display_name(), m.role), ("Ana Paz".to_string(), MemberRole::Vendor));
    let status = w.db.bot_status(w.distributor).await.unwrap().unwrap();
    assert!(status.updates_handled >= 3, "{status:?}");
    assert_eq!(w.stop_bot().await, RunEnd::Stopped);
}

#[tokio::test]
async fn invalid_numbers_are_asked_again_and_other_members_texts_are_ignored() {
    let mut w = World::new().await;
    w.start_bot(options()).await;
    w.send_photo(&ana(), "f1", None);
    w.wait_message(CHAT, "número de cliente", 1).await;
    let bad = w.send_text(&ana(), "cliente 12");
    let again = w.wait_message(CHAT, "por ejemplo: 10452", 2).await;
    assert!(again.text.contains("solo puede tener dígitos"), "{}", again.text);
    assert_eq!(again.reply_to, Some(bad));
    w.send_text(&ana(), &"9".repeat(13));
    let too_long = w.wait_message(CHAT, "hasta 12 dígitos", 1).await;
    assert!(too_long.text.contains("por ejemplo"));
    // Beto's number is not Ana's answer.
    w.send_text(&beto(), "777");
    w.settle().await;
    assert_eq!(w.count_messages(CHAT, "tipo de punto de venta"), 0);
    w.send_text(&ana(), "4321");
    let keyboard = w.wait_message(CHAT, "tipo de punto de venta", 1).await;
    assert!(keyboard.text.contains("4321"));
    assert_eq!(w.count_messages(CHAT, "tipo de punto de venta"), 1);
    w.stop_bot().await;
}

#[tokio::test]
async fn another_members_press_is_refused_and_replays_create_nothing_new() {
    let mut w = World::new().await;
    w.start_bot(options()).await;
    let photo = w.send_photo(&ana(), "f1", None);
    w.wait_message(CHAT, "número de cliente", 1).await;
    w.send_text(&ana(), "10452");
    let keyboard = w.wait_message(CHAT, "tipo de punto de venta", 1).await;
    let (_, data) = World::buttons(&keyboard)[0].clone();

    w.press(&beto(), "qb", &keyboard, &data);
    let refused = w.fake.wait_for_requests("answerCallbackQuery", 1, WAIT).await;
    assert_eq!(refused[0].str("callback_query_id"), Some("qb"));
    assert_eq!(refused[0].params["show_alert"], Value::Bool(true));
    assert!(refused[0].str("text").unwrap().contains("Solo quien mandó las fotos"));
    w.settle().await;
    assert!(w.exhibitions().await.is_empty());

    w.press(&ana(), "qa", &keyboard, &data);
    w.wait_message(CHAT, "Pendiente de evaluación", 1).await;
    // Telegram delivers the same press and the same photo again (new update ids).
    w.press(&ana(), "qa", &keyboard, &data);
    w.push(updates::message(
        CHAT,
        &ana(),
        photo,
        updates::photo("f1", "f1-u", None),
    ));
    w.send_text(&ana(), "10452");
    w.settle().await;
    assert_eq!(w.exhibitions().await.len(), 1);
    assert_eq!(w.count_messages(CHAT, "Pendiente de evaluación"), 1);
    assert_eq!(w.count_messages(CHAT, "número de cliente"), 1);
    let answers = w.fake.requests_to("answerCallbackQuery");
    assert!(
        answers
            .last()
            .unwrap()
            .str("text")
            .unwrap()
            .contains("ya está registrada")
    );
    w.stop_bot().await;
}

#[tokio::test]
async fn a_burst_of_three_photos_is_one_exhibition_and_the_sixth_hits_the_limit() {
    let mut w = World::new().await;
    w.start_bot(options()).await;
    let confirmation = w.full_submission(&ana(), &["a1", "a2", "a3"], "100", 1).await;
    assert!(confirmation.text.contains("Fotos: 3"), "{}", confirmation.text);
    let all = w.exhibitions().await;
    assert_eq!((all.len(), all[0].photo_count), (1, 3));
    w.wait_stored(all[0].id, 3).await;

    // An album of six: five join, the sixth is refused.
    for i in 0..6 {
        w.send_photo(&ana(), &format!("b{i}"), Some("album-1"));
    }
    let limit = w.wait_message(CHAT, "hasta 5 fotos", 1).await;
    assert!(limit.reply_to.is_some());
    w.wait_message(CHAT, "número de cliente", 2).await;
    w.send_text(&ana(), "200");
    let keyboard = w.wait_message(CHAT, "Cliente N° 200. ¿Qué tipo", 1).await;
    let (_, data) = World::buttons(&keyboard)[1].clone();
    w.press(&ana(), "q2", &keyboard, &data);
    let second = w.wait_message(CHAT, "Pendiente de evaluación", 2).await;
    assert!(second.text.contains("Fotos: 5"), "{}", second.text);
    assert_eq!(w.exhibitions().await.len(), 2);
    w.stop_bot().await;
}

#[tokio::test]
async fn image_files_count_as_photos_and_other_media_get_an_explanation() {
    let mut w = World::new().await;
    w.start_bot(options()).await;
    for content in [
        updates::video("v1"),
        updates::sticker("s1"),
        updates::voice("o1"),
        updates::document("d1", "d1-u", "application/pdf", 1000),
    ] {
        let id = w.fake.next_message_id(CHAT);
        w.push(updates::message(CHAT, &ana(), id, content));
    }
    w.wait_message(CHAT, "Solo puedo registrar fotos", 4).await;
    assert_eq!(w.count_messages(CHAT, "número de cliente"), 0);
    let id = w.fake.next_message_id(CHAT);
    w.fake.add_file("img", "img-u", png(5, 5, 1));
    w.push(updates::message(
        CHAT,
        &ana(),
        id,
        updates::document("img", "img-u", "image/png", 100),
    ));
    let prompt = w.wait_message(CHAT, "número de cliente", 1).await;
    assert_eq!(prompt.reply_to, Some(id));
    w.stop_bot().await;
}

#[tokio::test]
async fn outside_working_hours_photos_get_the_opening_time_and_nothing_is_registered() {
    let mut w = World::new().await;
    let tz: chrono_tz::Tz = "America/Argentina/Buenos_Aires".parse().unwrap();
    let local = chrono::Utc::now().with_timezone(&tz);
    let start = (local - chrono::Duration::hours(1)).format("%H:%M").to_string();
    let end = (local + chrono::Duration::hours(1)).format("%H:%M").to_string();
    w.db.update_distributor(
        w.distributor,
        DistributorUpdate {
            hibernation_enabled: Some(true),
            hibernation_start: Some(parse_hhmm(&start).unwrap()),
            hibernation_end: Some(parse_hhmm(&end).unwrap()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    w.start_bot(options()).await;
    w.send_photo(&ana(), "n1", Some("night"));
    w.send_photo(&ana(), "n2", Some("night"));
    let reply = w.wait_message(CHAT, "fuera de horario", 1).await;
    assert!(reply.text.contains(&format!("desde las {end}")), "{}", reply.text);
    w.settle().await;
    assert_eq!(w.count_messages(CHAT, "fuera de horario"), 1, "one answer per album");
    assert_eq!(w.count_messages(CHAT, "número de cliente"), 0);
    assert!(w.db.open_submission(w.distributor, CHAT, 501).await.unwrap().is_none());
    w.stop_bot().await;
}

/// The default 22:00–06:00 window crosses midnight. The distributor's zone is
/// chosen so that it is 23:xx there right now, whatever the real hour is, so
/// the test always runs inside a window that wraps around midnight.
#[tokio::test]
async fn hibernation_across_midnight_is_read_in_the_distributors_zone() {
    use chrono::Timelike;
    let mut w = World::new().await;
    let utc_hour = chrono::Utc::now().hour() as i32;
    // Etc/GMT-N is UTC+N (POSIX sign). Offset that makes the local hour 23, within -12..=+14.
    let mut offset = 23 - utc_hour;
    if offset > 14 {
        offset -= 24;
    }
    let zone = match offset {
        0 => "Etc/GMT".to_string(),
        o if o > 0 => format!("Etc/GMT-{o}"),
        o => format!("Etc/GMT+{}", -o),
    };
    w.db.update_distributor(
        w.distributor,
        DistributorUpdate {
            time_zone: Some(zone.clone()),
            hibernation_enabled: Some(true),
            hibernation_start: Some(parse_hhmm("22:00").unwrap()),
            hibernation_end: Some(parse_hhmm("02:00").unwrap()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    w.start_bot(options()).await;
    w.send_photo(&ana(), "m1", None);
    let reply = w.wait_message(CHAT, "fuera de horario", 1).await;
    assert!(reply.text.contains("desde las 02:00"), "{zone}: {}", reply.text);
    w.settle().await;
    assert_eq!(w.count_messages(CHAT, "número de cliente"), 0, "{zone}: nothing asked");
    w.stop_bot().await;

    // The same instant is working hours for a distributor whose day is 12 hours away.
    let mut w = World::new().await;
    let opposite = if offset > 0 { offset - 12 } else { offset + 12 };
    let zone = match opposite {
        0 => "Etc/GMT".to_string(),
        o if o > 0 => format!("Etc/GMT-{o}"),
        o => format!("Etc/GMT+{}", -o),
    };
    w.db.update_distributor(
        w.distributor,
        DistributorUpdate {
            time_zone: Some(zone.clone()),
            hibernation_enabled: Some(true),
            hibernation_start: Some(parse_hhmm("22:00").unwrap()),
            hibernation_end: Some(parse_hhmm("02:00").unwrap()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    w.start_bot(options()).await;
    w.send_photo(&ana(), "m2", None);
    w.wait_message(CHAT, "número de cliente", 1).await;
    assert_eq!(w.count_messages(CHAT, "fuera de horario"), 0, "{zone}: 11:xx is open");
    w.stop_bot().await;
}

#[tokio::test]
async fn unknown_groups_are_told_once_and_private_chats_get_help() {
    let mut w = World::new().await;
    w.start_bot(options()).await;
    let other = -1_009_999_999_999;
    for _ in 0..2 {
        let id = w.fake.next_message_id(other);
        w.push(updates::message(other, &ana(), id, updates::photo("x", "x-u", None)));
    }
    w.wait_message(other, "no está registrado", 1).await;
    w.wait_message(ADMIN, "no está registrado", 1).await;
    w.push(updates::message(501, &ana(), 1, updates::text("hola")));
    w.wait_message(501, "Cómo cargar una exhibición", 1).await;
    w.settle().await;
    assert_eq!(w.count_messages(other, "no está registrado"), 1);
    assert!(w.db.member_by_telegram_id(w.distributor, 501).await.unwrap().is_none());
    w.stop_bot().await;
}

#[tokio::test]
async fn commands_answer_by_role() {
    let mut w = World::new().await;
    w.start_bot(options()).await;
    w.full_submission(&ana(), &["c1"], "55", 1).await;
    let cmd = |w: &World, text: &str| {
        let id = w.fake.next_message_id(CHAT);
        w.push(updates::message(CHAT, &ana(), id, updates::command(text)));
    };
    cmd(&w, "/perfil");
    let profile = w.wait_message(CHAT, "Enviadas: 1", 1).await;
    assert!(profile.text.contains("Pendientes: 1"), "{}", profile.text);
    cmd(&w, "/ranking@ventas_bot");
    w.wait_message(CHAT, "🏆 Ranking", 1).await;
    cmd(&w, "/pendientes");
    w.wait_message(CHAT, "solo para supervisores", 1).await;
    cmd(&w, "/stats");
    w.wait_message(CHAT, "solo para administradores", 1).await;
    let m = w.db.member_by_telegram_id(w.distributor, 501).await.unwrap().unwrap();
    w.db.set_member_role(w.distributor, m.id, MemberRole::Admin)
        .await
        .unwrap();
    cmd(&w, "/pendientes");
    w.wait_message(CHAT, "Hay 1 exhibición pendiente", 1).await;
    cmd(&w, "/stats");
    let stats = w.wait_message(CHAT, "Estadísticas", 1).await;
    assert!(stats.text.contains("Hoy: 1 enviadas · 1 pendientes"), "{}", stats.text);
    w.stop_bot().await;
}

#[tokio::test]
async fn an_unanswered_submission_expires_with_a_message_and_registers_nothing() {
    let mut w = World::new().await;
    w.start_bot(IntakeOptions {
        answer_timeout: chrono::Duration::milliseconds(600),
        ..options()
    })
    .await;
    let photo = w.send_photo(&ana(), "e1", None);
    w.wait_message(CHAT, "número de cliente", 1).await;
    let expired = w.wait_message(CHAT, "descarté la carga", 1).await;
    assert_eq!(expired.reply_to, Some(photo));
    // A late answer changes nothing.
    w.send_text(&ana(), "10452");
    w.settle().await;
    assert_eq!(w.count_messages(CHAT, "tipo de punto de venta"), 0);
    assert!(w.exhibitions().await.is_empty());
    let s =
        w.db.submission_with_photo(w.distributor, CHAT, photo)
            .await
            .unwrap()
            .unwrap();
    assert_eq!(s.state, SubmissionState::Expired);
    w.stop_bot().await;
}

#[tokio::test]
async fn a_restarted_bot_continues_the_conversation() {
    let mut w = World::new().await;
    w.start_bot(options()).await;
    w.send_photo(&ana(), "r1", None);
    w.wait_message(CHAT, "número de cliente", 1).await;
    w.settle().await;
    assert_eq!(w.stop_bot().await, RunEnd::Stopped);

    w.send_text(&ana(), "10452");
    w.start_bot(options()).await;
    let keyboard = w.wait_message(CHAT, "tipo de punto de venta", 1).await;
    w.stop_bot().await;
    let (_, data) = World::buttons(&keyboard)[0].clone();
    w.press(&ana(), "qr", &keyboard, &data);
    w.start_bot(options()).await;
    w.wait_message(CHAT, "Pendiente de evaluación", 1).await;
    w.settle().await;
    assert_eq!(w.exhibitions().await.len(), 1);
    assert_eq!(w.count_messages(CHAT, "número de cliente"), 1);
    w.stop_bot().await;
}

#[tokio::test]
async fn a_photo_over_the_download_limit_is_explained_to_the_vendor() {
    let mut w = World::new().await;
    w.fake.fail_next(
        "getFile",
        1,
        centermind_fake_telegram::Fault::Error {
            status: 400,
            description: "Bad Request: file is too big".into(),
        },
    );
    w.start_bot(options()).await;
    w.full_submission(&ana(), &["big"], "1", 1).await;
    w.wait_message(CHAT, "más de 20 MB", 1).await;
    let e = &w.exhibitions().await[0];
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let ex = w.db.exhibition(w.distributor, e.id).await.unwrap();
        if ex.photos[0].upload_state == "failed" {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    w.stop_bot().await;
}

#[tokio::test]
async fn download_failures_are_classified_retried_and_alerted_once() {
    let mut w = World::new().await;
    w.fake
        .fail_next("getFile", 4, centermind_fake_telegram::Fault::ServerError);
    w.start_bot(options()).await;
    w.full_submission(&ana(), &["flaky"], "1", 1).await;
    let e = w.exhibitions().await[0].id;
    w.wait_stored(e, 1).await;
    let events = w.db.list_error_events(Some(w.distributor), 50).await.unwrap();
    assert_eq!(events.len(), 4, "{events:?}");
    assert!(
        events
            .iter()
            .all(|e| e.class == centermind_core::domain::error_class::ErrorClass::RemoteDown)
    );
    assert_eq!(w.count_messages(ADMIN, "no logra guardar fotos"), 1);
    w.stop_bot().await;
}

#[tokio::test]
async fn the_supervisor_marks_an_invalid_token_at_once_and_follows_the_table() {
    let w = World::new().await;
    let bad = "333333:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    let other =
        w.db.create_distributor(NewDistributor {
            name: "Sur".into(),
            time_zone: None,
            bot_token: Some(Secret::new(bad.into())),
            admin_telegram_id: None,
        })
        .await
        .unwrap();
    let supervisor = w.start_supervisor();
    let state = |id| {
        let db = w.db.clone();
        async move { db.bot_status(id).await.unwrap().map(|s| s.state) }
    };
    let deadline = tokio::time::Instant::now() + WAIT;
    while state(other.id).await != Some(BotState::InvalidToken) || state(w.distributor).await != Some(BotState::Running)
    {
        assert!(tokio::time::Instant::now() < deadline, "states not reached");
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let bad_calls = w.fake.requests().iter().filter(|r| r.token == bad).count();
    assert_eq!(bad_calls, 1, "one getMe, no restart loop");
    let s = w.db.bot_status(other.id).await.unwrap().unwrap();
    assert_eq!(s.restarts, 0);
    assert!(s.last_error.unwrap().contains("401"));

    // The supervised bot works end to end.
    w.full_submission(&ana(), &["s1"], "9", 1).await;

    // Deactivating the distributor stops its bot within a poll.
    w.db.update_distributor(
        w.distributor,
        DistributorUpdate {
            active: Some(false),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let deadline = tokio::time::Instant::now() + WAIT;
    while state(w.distributor).await != Some(BotState::Stopped) {
        assert!(tokio::time::Instant::now() < deadline, "not stopped");
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    supervisor.stop().await;
}

/// The old system left running with the same token (likely while migrating): Telegram
/// answers 409 to whichever of the two programs was polling. The bot neither fights
/// over the updates nor gives up: the admin is told once, the bot's status says why,
/// and the bot takes over when the other program stops.
#[tokio::test]
async fn another_program_polling_the_token_is_reported_once_and_the_bot_takes_over_when_it_stops() {
    let w = World::new().await;
    let other_runs = CancellationToken::new();
    let other = {
        let url = format!("{}/bot{TOKEN}/getUpdates", w.fake.url());
        let stop = other_runs.clone();
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            // Long polls one after another, as a polling bot library does.
            while !stop.is_cancelled() {
                let _ = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(r#"{"timeout":1}"#)
                    .send()
                    .await;
            }
        })
    };
    let supervisor = w.start_supervisor_with(SupervisorOptions {
        token_in_use_pause: Duration::from_millis(300),
        ..SupervisorOptions::default()
    });

    w.wait_message(ADMIN, "Otro programa está usando el token del bot", 1)
        .await;
    let status = w.db.bot_status(w.distributor).await.unwrap().unwrap();
    let why = status.last_error.unwrap();
    assert!(why.contains("another program is polling"), "{why}");
    // More conflicts, no more alerts.
    let deadline = tokio::time::Instant::now() + WAIT;
    while w
        .fake
        .requests_to("getUpdates")
        .iter()
        .filter(|r| r.status == Some(409))
        .count()
        < 4
    {
        assert!(tokio::time::Instant::now() < deadline, "the conflict did not go on");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        w.count_messages(ADMIN, "Otro programa"),
        1,
        "one alert, not one per conflict"
    );

    other_runs.cancel();
    other.await.unwrap();
    // Alone again, the bot gets the vendors' messages.
    w.full_submission(&ana(), &["t1"], "9", 1).await;
    supervisor.stop().await;
}

#[tokio::test]
async fn a_confirmation_lost_after_the_commit_is_sent_on_the_next_start() {
    let mut w = World::new().await;
    w.start_bot(options()).await;
    w.send_photo(&ana(), "k1", None);
    w.wait_message(CHAT, "número de cliente", 1).await;
    w.send_text(&ana(), "10452");
    let keyboard = w.wait_message(CHAT, "tipo de punto de venta", 1).await;
    // Telegram fails every try of the confirmation (as if the process died right after the commit).
    w.fake
        .fail_next("sendMessage", 100_000, centermind_fake_telegram::Fault::ServerError);
    let (_, data) = World::buttons(&keyboard)[0].clone();
    w.press(&ana(), "qk", &keyboard, &data);
    w.settle().await;
    assert_eq!(w.exhibitions().await.len(), 1, "committed before telling anyone");
    assert_eq!(w.count_messages(CHAT, "Pendiente de evaluación"), 0);
    w.stop_bot().await;

    w.fake.clear_faults();
    w.start_bot(options()).await;
    let confirmation = w.wait_message(CHAT, "Pendiente de evaluación", 1).await;
    w.settle().await;
    let all = w.exhibitions().await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].confirmation_message_id, Some(confirmation.message_id));
    assert_eq!(w.count_messages(CHAT, "Pendiente de evaluación"), 1);
    w.stop_bot().await;
}

/// The sendMessage requests of a chat whose text contains `needle`, oldest first.
fn sends_in(w: &World, chat: i64, needle: &str) -> Vec<centermind_fake_telegram::RecordedRequest> {
    w.fake
        .requests_to("sendMessage")
        .into_iter()
        .filter(|r| r.int("chat_id") == Some(chat) && r.str("text").is_some_and(|t| t.contains(needle)))
        .collect()
}

/// Photo → number → keyboard of a conversation, up to the moment the button
/// can be pressed. Returns the keyboard message and the first button's data.
async fn up_to_the_keyboard(w: &World, who: &Person, file: &str, number: &str) -> (StoredMessage, String) {
    w.send_photo(who, file, None);
    w.wait_message(CHAT, "número de cliente", 1).await;
    w.send_text(who, number);
    let keyboard = w
        .wait_message(CHAT, &format!("Cliente N° {number}. ¿Qué tipo"), 1)
        .await;
    let data = World::buttons(&keyboard)[0].1.clone();
    (keyboard, data)
}

#[tokio::test]
async fn a_429_on_the_confirmation_is_waited_out_and_it_is_sent_once() {
    let mut w = World::new().await;
    w.start_bot(options()).await;
    let (keyboard, data) = up_to_the_keyboard(&w, &ana(), "t1", "10452").await;
    w.fake.fail_next(
        "sendMessage",
        1,
        centermind_fake_telegram::Fault::TooManyRequests { retry_after: 2 },
    );
    w.press(&ana(), "q429", &keyboard, &data);
    let confirmation = w.wait_message(CHAT, "Pendiente de evaluación", 1).await;
    w.settle().await;

    let tries = sends_in(&w, CHAT, "Pendiente de evaluación");
    assert_eq!(tries.len(), 2, "one refused, one sent: {tries:#?}");
    assert_eq!((tries[0].status, tries[1].status), (Some(429), Some(200)));
    let waited = tries[1].received_at.duration_since(tries[0].received_at);
    assert!(waited >= Duration::from_secs(2), "retry_after not honoured: {waited:?}");
    assert_eq!(w.count_messages(CHAT, "Pendiente de evaluación"), 1);
    let all = w.exhibitions().await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].confirmation_message_id, Some(confirmation.message_id));
    w.stop_bot().await;
}

#[tokio::test]
async fn a_flood_wait_longer_than_the_limit_is_left_to_the_sweep_and_sent_once() {
    let mut w = World::new().await;
    // Waits over 2 s are not sat out by the handler; the sweep (every 50 ms) sends it.
    w.start_bot(IntakeOptions {
        max_flood_wait: Duration::from_secs(2),
        ..options()
    })
    .await;
    let (keyboard, data) = up_to_the_keyboard(&w, &ana(), "t2", "777").await;
    w.fake.fail_next(
        "sendMessage",
        1,
        centermind_fake_telegram::Fault::TooManyRequests { retry_after: 4 },
    );
    w.press(&ana(), "q4", &keyboard, &data);
    let refused = w.fake.wait_for_requests("answerCallbackQuery", 1, WAIT).await;
    assert_eq!(refused.len(), 1, "the press is answered");
    let confirmation = w.wait_message(CHAT, "Pendiente de evaluación", 1).await;
    w.settle().await;

    let tries = sends_in(&w, CHAT, "Pendiente de evaluación");
    assert_eq!(tries.len(), 2, "nothing sent during the flood wait: {tries:#?}");
    assert_eq!((tries[0].status, tries[1].status), (Some(429), Some(200)));
    let waited = tries[1].received_at.duration_since(tries[0].received_at);
    assert!(waited >= Duration::from_secs(4), "retry_after not honoured: {waited:?}");
    assert_eq!(w.count_messages(CHAT, "Pendiente de evaluación"), 1);
    // The sweep stored the message id and closed the submission.
    assert_eq!(
        w.confirmed_exhibitions(w.distributor).await[0].confirmation_message_id,
        Some(confirmation.message_id)
    );
    w.stop_bot().await;
}

#[tokio::test]
async fn posts_in_one_chat_are_paced_and_another_chat_is_not_held_up() {
    const CHAT2: i64 = -1_002_000_000_002;
    const REPLIES: usize = 5;
    let mut w = World::new().await;
    w.db.create_group(NewGroup {
        distributor_id: w.distributor,
        chat_id: CHAT2,
        title: "Ventas Sur".into(),
    })
    .await
    .unwrap();
    w.start_bot(options()).await;
    let t0 = std::time::Instant::now();
    for i in 0..REPLIES {
        let id = w.fake.next_message_id(CHAT);
        w.push(updates::message(CHAT, &ana(), id, updates::video(&format!("v{i}"))));
    }
    let id = w.fake.next_message_id(CHAT2);
    w.fake.add_file("p2", "p2-u", png(4, 4, 2));
    w.push(updates::message(CHAT2, &beto(), id, updates::photo("p2", "p2-u", None)));
    w.wait_message(CHAT, "Solo puedo registrar fotos", REPLIES).await;
    w.wait_message(CHAT2, "número de cliente", 1).await;

    let replies = sends_in(&w, CHAT, "Solo puedo registrar fotos");
    assert_eq!(replies.len(), REPLIES);
    for (k, r) in replies.iter().enumerate() {
        // Every reply was scheduled after t0, one second after the one before.
        let since = r.received_at.duration_since(t0);
        assert!(since >= Duration::from_secs(k as u64), "reply {k} after {since:?}");
        if k > 0 {
            let gap = r.received_at.duration_since(replies[k - 1].received_at);
            assert!(
                gap >= Duration::from_millis(500),
                "replies {} and {k} {gap:?} apart",
                k - 1
            );
        }
    }
    let other = sends_in(&w, CHAT2, "número de cliente");
    assert_eq!(other.len(), 1);
    assert!(
        other[0].received_at < replies[REPLIES - 1].received_at,
        "the other chat waited for this one's queue"
    );
    w.stop_bot().await;
}

#[tokio::test]
async fn the_verdict_edit_takes_its_turn_in_the_chat_after_the_intake_bots_posts() {
    use centermind_core::domain::exhibition::{ExhibitionStatus, SyncState, Verdict};
    use centermind_core::domain::roles::{Actor, PortalRole};
    use centermind_core::store::{EvaluationRequest, NewPortalUser};
    use centermind_telegram::VerdictSync;

    let mut w = World::new().await;
    w.start_bot(options()).await;
    let sync = VerdictSync::new(w.db.clone(), w.fake.url(), w.shutdown.child_token()).unwrap();
    let handle = sync.handle();
    tokio::spawn(sync.run());
    let (keyboard, data) = up_to_the_keyboard(&w, &ana(), "ve1", "10452").await;
    let pressed = std::time::Instant::now();
    w.press(&ana(), "qv", &keyboard, &data);
    let confirmation = w.wait_message(CHAT, "Pendiente de evaluación", 1).await;

    // A supervisor approves at once: the edit shares the chat's pacing with
    // the bot's confirmation and keyboard edit (same bot token).
    let u =
        w.db.create_portal_user(NewPortalUser {
            username: "sup".into(),
            display_name: Some("Sofía".into()),
            password: Secret::new("clave-segura".into()),
            role: PortalRole::Supervisor,
            distributor_id: Some(w.distributor),
        })
        .await
        .unwrap();
    let e = w.exhibitions().await[0].id;
    w.db.evaluate_exhibition(
        &Actor {
            user_id: u.id,
            role: u.role,
            distributor_id: u.distributor_id,
        },
        EvaluationRequest {
            exhibition_id: e,
            verdict: Verdict::Approved,
            expected_status: ExhibitionStatus::Pending,
            comment: None,
            reason: None,
        },
        centermind_core::store::now(),
    )
    .await
    .unwrap();
    handle.notify();
    let approved = w.wait_message(CHAT, "✅ Aprobada", 1).await;
    assert_eq!(approved.message_id, confirmation.message_id);
    w.wait_message(CHAT, "✔️", 1).await;

    // The three posts scheduled after the press: confirmation, keyboard edit, verdict edit.
    let mut arrivals: Vec<std::time::Instant> = w
        .fake
        .requests()
        .into_iter()
        .filter(|r| {
            (r.method == "sendMessage" || r.method == "editMessageText")
                && r.int("chat_id") == Some(CHAT)
                && r.received_at >= pressed
        })
        .map(|r| r.received_at)
        .collect();
    arrivals.sort();
    assert_eq!(arrivals.len(), 3, "{arrivals:?}");
    for (k, at) in arrivals.iter().enumerate() {
        let since = at.duration_since(pressed);
        assert!(since >= Duration::from_secs(k as u64), "post {k} after {since:?}");
    }
    let deadline = tokio::time::Instant::now() + WAIT;
    while w.db.exhibition(w.distributor, e).await.unwrap().summary.sync_state != SyncState::Synced {
        assert!(tokio::time::Instant::now() < deadline, "not synced");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let task: (i64,) = sqlx::query_as("SELECT attempts FROM tasks WHERE kind = 'edit_confirmation'")
        .fetch_one(w.db.pool())
        .await
        .unwrap();
    assert_eq!(task.0, 1, "waiting for the chat's turn is not a failed attempt");
    w.stop_bot().await;
}

/// A distributor of the three-bot test: its bot, group and expected customer number.
struct Tenant {
    id: DistributorId,
    token: &'static str,
    bot_id: i64,
    chat: i64,
    number: &'static str,
}

#[tokio::test]
async fn three_distributors_bots_in_one_supervisor_keep_their_conversations_apart() {
    let w = World::new().await;
    let mut tenants = vec![Tenant {
        id: w.distributor,
        token: TOKEN,
        bot_id: 222_222,
        chat: CHAT,
        number: "111",
    }];
    for (name, token, chat, number) in [
        (
            "Sur",
            "444444:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
            -1_004_000_000_001,
            "222",
        ),
        (
            "Oeste",
            "555555:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
            -1_005_000_000_001,
            "333",
        ),
    ] {
        let bot_id = w.fake.add_bot(token, &format!("{}_bot", name.to_lowercase()));
        let d =
            w.db.create_distributor(NewDistributor {
                name: name.into(),
                time_zone: Some("America/Argentina/Buenos_Aires".into()),
                bot_token: Some(Secret::new(token.into())),
                admin_telegram_id: None,
            })
            .await
            .unwrap();
        w.db.update_distributor(
            d.id,
            DistributorUpdate {
                hibernation_enabled: Some(false),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        w.db.create_group(NewGroup {
            distributor_id: d.id,
            chat_id: chat,
            title: format!("Ventas {name}"),
        })
        .await
        .unwrap();
        tenants.push(Tenant {
            id: d.id,
            token,
            bot_id,
            chat,
            number,
        });
    }
    let supervisor = w.start_supervisor();

    // Ana sells for the three distributors and sends to the three groups at once.
    let conversation = |t: &Tenant| {
        let w = &w;
        let (token, chat, number) = (t.token, t.chat, t.number);
        async move {
            let photo = w.fake.next_message_id(chat);
            let file = format!("f{chat}");
            w.fake
                .add_file(&file, &format!("{file}-u"), png(6, 6, (chat % 200) as u8));
            w.fake.push_update(
                token,
                updates::message(chat, &ana(), photo, updates::photo(&file, &format!("{file}-u"), None)),
            );
            w.wait_message(chat, "número de cliente", 1).await;
            let id = w.fake.next_message_id(chat);
            w.fake
                .push_update(token, updates::message(chat, &ana(), id, updates::text(number)));
            let keyboard = w.wait_message(chat, "¿Qué tipo", 1).await;
            let (_, data) = World::buttons(&keyboard)[0].clone();
            w.fake.push_update(
                token,
                updates::callback(&format!("q{chat}"), &ana(), chat, keyboard.message_id, &data),
            );
            w.wait_message(chat, "Pendiente de evaluación", 1).await
        }
    };
    let (a, b, c) = tokio::join!(
        conversation(&tenants[0]),
        conversation(&tenants[1]),
        conversation(&tenants[2])
    );
    for (t, confirmation) in tenants.iter().zip([a, b, c]) {
        assert!(
            confirmation.text.contains(&format!("Cliente N°: {}", t.number)),
            "{}",
            confirmation.text
        );
        let all = w.confirmed_exhibitions(t.id).await;
        assert_eq!(all.len(), 1, "distributor {}: {all:?}", t.id);
        assert_eq!(all[0].customer_number, t.number);
        assert_eq!(all[0].confirmation_chat_id, Some(t.chat));
        assert_eq!(all[0].confirmation_message_id, Some(confirmation.message_id));
        // Everything in the group came from this distributor's bot…
        for m in w.fake.messages_in(t.chat) {
            assert_eq!(m.from_bot, t.bot_id, "{m:?}");
        }
        // …and this bot posted nowhere else.
        for r in w.fake.requests().iter().filter(|r| r.token == t.token) {
            if let Some(chat) = r.int("chat_id") {
                assert_eq!(chat, t.chat, "{} posted in another group: {r:?}", r.method);
            }
        }
        let member = w.db.member_by_telegram_id(t.id, 501).await.unwrap().unwrap();
        assert_eq!(member.display_name(), "Ana Paz");
        let stored = w.wait_stored_in(t.id, all[0].id, 1).await;
        assert!(
            stored.photos[0]
                .storage_key
                .as_deref()
                .unwrap()
                .starts_with(&format!("{}/{}/", t.id, t.chat)),
            "{:?}",
            stored.photos[0].storage_key
        );
    }
    let states: Vec<Option<BotState>> = futures_states(&w, &tenants).await;
    assert!(states.iter().all(|s| *s == Some(BotState::Running)), "{states:?}");
    supervisor.stop().await;
}

async fn futures_states(w: &World, tenants: &[Tenant]) -> Vec<Option<BotState>> {
    let mut states = Vec::new();
    for t in tenants {
        states.push(w.db.bot_status(t.id).await.unwrap().map(|s| s.state));
    }
    states
}
