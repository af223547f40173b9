//! Vendors sending exhibitions to a distributor's bot, as in the field: the fake Telegram
//! Bot API (`centermind-fake-telegram`, in the test process) stands in for Telegram, and a
//! real `centermind-sidecar run` pointed at it (`CENTERMIND_TELEGRAM_API_URL`) runs the bot.
//!
//! A submission is what a vendor does in a group: a photo, then the customer number when
//! the bot asks for it, then a press on one of the PDV type buttons; the bot confirms with
//! "⏳ Pendiente de evaluación", the message a verdict later edits.
//!
//! Telegram lets a bot post about one message a second in a chat and 20 a minute in a
//! group, and the bots respect it (4 posts per submission: the question, the buttons, the
//! confirmation, the buttons edited; then the verdict's edit). So the submissions are
//! spread over many groups, two vendors each, and all of them are scripted at once.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use centermind_fake_telegram::updates::{self, Person};
use centermind_fake_telegram::{FakeTelegram, StoredMessage};
use image::{ImageEncoder as _, Rgb, RgbImage};

use super::{Machine, PASSWORD, STEP_TIMEOUT};

/// The distributor's bot (BotFather-shaped; the fake knows it).
pub const BOT_TOKEN: &str = "7100100:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const BOT_USERNAME: &str = "centro_ventas_bot";
/// The distributor's admin (gets the bot's alerts in a private chat).
const ADMIN_TELEGRAM_ID: i64 = 900;
/// How often the fake's state is looked at while waiting for the bot.
const POLL: Duration = Duration::from_millis(50);
/// Telegram's size of a compressed photo.
const PHOTO_WIDTH: u32 = 1280;
const PHOTO_HEIGHT: u32 = 960;

const VENDORS: [(i64, &str, &str); 10] = [
    (7001, "Ana", "Paz"),
    (7002, "Beto", "Ruiz"),
    (7003, "Carla", "Gómez"),
    (7004, "Diego", "Sosa"),
    (7005, "Elena", "Díaz"),
    (7006, "Fabián", "Ríos"),
    (7007, "Gabi", "Luna"),
    (7008, "Hugo", "Vera"),
    (7009, "Inés", "Mora"),
    (7010, "Juan", "Ortiz"),
];

fn vendor(index: usize) -> Person {
    let (id, first, last) = VENDORS[index % VENDORS.len()];
    Person {
        last_name: Some(last.to_string()),
        ..Person::new(id, first)
    }
}

/// One exhibition a vendor sent, and what the bot answered.
#[derive(Debug, Clone)]
pub struct Submission {
    pub chat_id: i64,
    /// The vendor's name as the bot and the app show it ("Ana Paz").
    pub vendor: String,
    pub customer: String,
    /// The PDV type the vendor pressed.
    pub pdv_type: String,
    /// The bot's "Pendiente de evaluación" message, which the verdict edits.
    pub confirmation: i64,
}

/// The fake Telegram with the distributor's bot and its groups.
pub struct Intake {
    pub fake: FakeTelegram,
    /// (chat id, title) of each registered group.
    groups: Vec<(i64, String)>,
    /// How many exhibitions were submitted so far: each one gets its own index, so its
    /// customer number, file and confirmation are never taken for an earlier one's.
    sent: std::sync::atomic::AtomicUsize,
}

impl Intake {
    /// Starts the fake Bot API with the bot and `groups` supergroups.
    pub async fn start(groups: usize) -> Self {
        let fake = FakeTelegram::start().await.unwrap();
        fake.add_bot(BOT_TOKEN, BOT_USERNAME);
        let groups: Vec<(i64, String)> = (0..groups)
            .map(|g| (-1_003_000_000_000 - g as i64, format!("Ventas Zona {:02}", g + 1)))
            .collect();
        for (chat, title) in &groups {
            fake.set_chat_title(*chat, title);
        }
        Self {
            fake,
            groups,
            sent: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// The Bot API URL to give the sidecar (`CENTERMIND_TELEGRAM_API_URL`).
    #[must_use]
    pub fn url(&self) -> &str {
        self.fake.url()
    }

    /// Registers the distributor as its administrator would, with the sidecar CLI on the
    /// server's database: the distributor with the bot's token (outside hibernation, so the
    /// bot takes exhibitions at any hour), its groups, and a supervisor of the desktop app
    /// (password [`PASSWORD`]).
    pub fn register(&self, machine: &Machine, data_dir: &Path, supervisor: &str, supervisor_name: &str) {
        machine.sidecar_cli_with_input(
            data_dir,
            &[
                "distributor",
                "add",
                "--name",
                "Distribuidora Centro",
                "--admin-telegram-id",
                &ADMIN_TELEGRAM_ID.to_string(),
                "--token-stdin",
            ],
            BOT_TOKEN,
        );
        machine.sidecar_cli(Some(data_dir), &["distributor", "set", "1", "--hibernation", "off"]);
        for (chat, title) in &self.groups {
            machine.sidecar_cli(
                Some(data_dir),
                &[
                    "group",
                    "add",
                    "--distributor",
                    "1",
                    "--chat-id",
                    &chat.to_string(),
                    "--title",
                    title,
                ],
            );
        }
        machine.sidecar_cli_with_input(
            data_dir,
            &[
                "user",
                "add",
                "--username",
                supervisor,
                "--role",
                "supervisor",
                "--distributor",
                "1",
                "--display-name",
                supervisor_name,
            ],
            PASSWORD,
        );
    }

    /// Waits until the sidecar's bot polls the fake for updates.
    pub async fn wait_bot_polling(&self) {
        let seen = self.fake.wait_for_requests("getUpdates", 1, STEP_TIMEOUT).await;
        assert!(
            !seen.is_empty(),
            "the bot never polled the fake Telegram in {STEP_TIMEOUT:?}"
        );
    }

    /// `count` vendors' submissions, each in full (photo → customer number → PDV type),
    /// all under way at once: each photo is sent as soon as it is generated (in the
    /// background: `photo(n)`, `n` counting every submission of this intake from 0), each
    /// answer as soon as the bot asks. Returns them once the bot confirmed every one.
    pub async fn submit(&self, count: usize, photo: fn(usize) -> Vec<u8>) -> Vec<Submission> {
        let started = Instant::now();
        let groups = self.groups.len();
        let first = self.sent.fetch_add(count, std::sync::atomic::Ordering::Relaxed);
        // Exhibition n: group n % groups, two vendors per group (never the same one twice).
        let place = |i: usize| {
            let n = first + i;
            let g = n % groups;
            let round = n / groups;
            (self.groups[g].0, vendor(g + round * (VENDORS.len() / 2)))
        };
        let customer = |i: usize| (20_001 + first + i).to_string();
        let mut photos = generate(count, move |i| photo(first + i));
        let mut stages: Vec<Stage> = (0..count).map(|_| Stage::Photographing).collect();
        let mut progress = Instant::now();
        loop {
            while let Ok((i, jpeg)) = photos.try_recv() {
                let (chat, who) = place(i);
                let file = format!("photo-{:03}", first + i);
                self.fake.add_file(&file, &format!("{file}-u"), jpeg);
                let id = self.fake.next_message_id(chat);
                self.fake.push_update(
                    BOT_TOKEN,
                    updates::message(chat, &who, id, updates::photo(&file, &format!("{file}-u"), None)),
                );
                stages[i] = Stage::Photo { message: id };
                progress = Instant::now();
            }
            let messages = self.messages();
            for (i, stage) in stages.iter_mut().enumerate() {
                let (chat, who) = place(i);
                let bot = &messages[&chat];
                let next = match stage {
                    Stage::Photographing | Stage::Confirmed { .. } => None,
                    // The bot asks for the customer number, in reply to the photo.
                    Stage::Photo { message } => bot
                        .iter()
                        .any(|m| m.reply_to == Some(*message) && m.text.contains("número de cliente"))
                        .then(|| {
                            let id = self.fake.next_message_id(chat);
                            self.fake
                                .push_update(BOT_TOKEN, updates::message(chat, &who, id, updates::text(&customer(i))));
                            Stage::Number
                        }),
                    // Then offers the PDV types as buttons: the vendor presses one.
                    Stage::Number => {
                        let asks = format!("Cliente N° {}. ¿Qué tipo", customer(i));
                        bot.iter()
                            .find(|m| m.text.contains(&asks) && m.reply_markup.is_some())
                            .map(|keyboard| {
                                let buttons = buttons(keyboard);
                                assert!(!buttons.is_empty(), "no PDV type buttons: {keyboard:?}");
                                let (name, data) = buttons[(first + i) % buttons.len()].clone();
                                self.fake.push_update(
                                    BOT_TOKEN,
                                    updates::callback(
                                        &format!("q{}", first + i),
                                        &who,
                                        chat,
                                        keyboard.message_id,
                                        &data,
                                    ),
                                );
                                Stage::Pressed { pdv_type: name }
                            })
                    }
                    // And confirms: the exhibition is pending.
                    Stage::Pressed { pdv_type } => {
                        let number = format!("Cliente N°: {}\n", customer(i));
                        bot.iter()
                            .find(|m| m.text.starts_with("⏳ Pendiente de evaluación") && m.text.contains(&number))
                            .map(|m| Stage::Confirmed {
                                pdv_type: pdv_type.clone(),
                                confirmation: m.message_id,
                            })
                    }
                };
                if let Some(next) = next {
                    *stage = next;
                    progress = Instant::now();
                }
            }
            if stages.iter().all(|s| matches!(s, Stage::Confirmed { .. })) {
                break;
            }
            assert!(
                progress.elapsed() < STEP_TIMEOUT,
                "the submissions stopped moving for {STEP_TIMEOUT:?}: {:?}",
                stages
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| !matches!(s, Stage::Confirmed { .. }))
                    .take(5)
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(POLL).await;
        }
        eprintln!(
            "{count} exhibitions submitted through the bot in {groups} groups: {:?}",
            started.elapsed()
        );
        stages
            .into_iter()
            .enumerate()
            .map(|(i, stage)| {
                let Stage::Confirmed { pdv_type, confirmation } = stage else {
                    unreachable!()
                };
                let (chat_id, who) = place(i);
                Submission {
                    chat_id,
                    vendor: format!("{} {}", who.first_name, who.last_name.unwrap_or_default()),
                    customer: customer(i),
                    pdv_type,
                    confirmation,
                }
            })
            .collect()
    }

    /// The bot's messages in every group, as they are now.
    fn messages(&self) -> HashMap<i64, Vec<StoredMessage>> {
        self.groups
            .iter()
            .map(|(chat, _)| (*chat, self.fake.messages_in(*chat)))
            .collect()
    }

    /// Waits (up to `timeout`) until every confirmation reads `expected(submission)`,
    /// edited with `editMessageText` by the bot; returns how long that took.
    pub async fn wait_verdicts(
        &self,
        submissions: &[Submission],
        timeout: Duration,
        expected: impl Fn(&Submission) -> String,
    ) -> Duration {
        let started = Instant::now();
        loop {
            let edits = self.fake.requests_to("editMessageText");
            let wrong: Vec<String> = submissions
                .iter()
                .filter_map(|s| {
                    let want = expected(s);
                    let edited = edits.iter().any(|r| {
                        r.int("chat_id") == Some(s.chat_id)
                            && r.int("message_id") == Some(s.confirmation)
                            && r.str("text") == Some(want.as_str())
                            && r.status == Some(200)
                    });
                    let now = self.fake.message(s.chat_id, s.confirmation).map(|m| m.text);
                    (!edited || now.as_deref() != Some(want.as_str())).then(|| {
                        format!(
                            "{} (chat {}, message {}): {:?}, expected {want:?}",
                            s.customer, s.chat_id, s.confirmation, now
                        )
                    })
                })
                .collect();
            if wrong.is_empty() {
                return started.elapsed();
            }
            assert!(
                started.elapsed() < timeout,
                "{} of {} confirmations not edited with their verdict after {timeout:?}; first: {}",
                wrong.len(),
                submissions.len(),
                wrong[0]
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

/// Where a vendor's submission is.
#[derive(Debug)]
enum Stage {
    /// The photo is being taken (generated).
    Photographing,
    /// Sent; waiting for the bot's question.
    Photo {
        message: i64,
    },
    /// The customer number sent; waiting for the buttons.
    Number,
    /// A PDV type pressed; waiting for the confirmation.
    Pressed {
        pdv_type: String,
    },
    Confirmed {
        pdv_type: String,
        confirmation: i64,
    },
}

/// `photo(0..count)`, generated on two threads (JPEG encoding is slow in a test build),
/// each sent as soon as it is ready.
fn generate(
    count: usize,
    photo: impl Fn(usize) -> Vec<u8> + Clone + Send + 'static,
) -> tokio::sync::mpsc::UnboundedReceiver<(usize, Vec<u8>)> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for _ in 0..2 {
        let (tx, next, photo) = (tx.clone(), next.clone(), photo.clone());
        std::thread::spawn(move || {
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= count || tx.send((i, photo(i))).is_err() {
                    return;
                }
            }
        });
    }
    rx
}

/// The (text, callback data) of an inline keyboard's buttons.
fn buttons(message: &StoredMessage) -> Vec<(String, String)> {
    message
        .reply_markup
        .as_ref()
        .and_then(|m| m["inline_keyboard"].as_array())
        .into_iter()
        .flatten()
        .filter_map(|row| row.as_array())
        .flatten()
        .filter_map(|b| {
            Some((
                b["text"].as_str()?.to_string(),
                b["callback_data"].as_str()?.to_string(),
            ))
        })
        .collect()
}

/// A photo of a shelf (JPEG, Telegram's 1280×960), drawn from `seed`: no two seeds give
/// look-alike photos, so none is taken for a duplicate.
#[must_use]
pub fn shelf_photo(seed: usize) -> Vec<u8> {
    let seed = seed as u64;
    // xorshift64*: enough randomness for drawings, no dependency.
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut random = move |below: u32| {
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let r = state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32;
        u32::try_from(r % u64::from(below)).unwrap()
    };
    let (w, h) = (PHOTO_WIDTH, PHOTO_HEIGHT);
    let wall = Rgb([180 + random(60) as u8, 170 + random(60) as u8, 160 + random(60) as u8]);
    let mut img = RgbImage::from_pixel(w, h, wall);
    let palette = [
        Rgb([200, 30, 45]),
        Rgb([250, 190, 20]),
        Rgb([30, 110, 200]),
        Rgb([40, 160, 80]),
        Rgb([240, 120, 30]),
        Rgb([120, 50, 160]),
        Rgb([245, 245, 245]),
        Rgb([30, 30, 30]),
    ];
    let shelves = 3 + random(3);
    let step = h / (shelves + 1);
    for shelf in 1..=shelves {
        let base = shelf * step + random(step / 4);
        fill(&mut img, 0, base.saturating_sub(12), w, 16, Rgb([110, 80, 50]));
        let mut x = random(60);
        while x < w - 60 {
            let pw = 40 + random(90);
            let ph = step / 3 + random(step / 2);
            let color = palette[random(palette.len() as u32) as usize];
            fill(&mut img, x, base.saturating_sub(12 + ph), pw, ph, color);
            // A label band, as on real packaging.
            fill(
                &mut img,
                x + 5,
                base.saturating_sub(12 + ph / 2),
                pw.saturating_sub(10),
                14,
                Rgb([250, 250, 250]),
            );
            x += pw + 4 + random(24);
        }
    }
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80)
        .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    jpeg
}

/// Fills a rectangle, clipped to the image, a row slice at a time (fast in debug builds).
fn fill(img: &mut RgbImage, x: u32, y: u32, w: u32, h: u32, color: Rgb<u8>) {
    let (width, height) = img.dimensions();
    let x_end = (x + w).min(width);
    if x >= x_end {
        return;
    }
    let row: Vec<u8> = color
        .0
        .iter()
        .copied()
        .cycle()
        .take(((x_end - x) * 3) as usize)
        .collect();
    let stride = width as usize * 3;
    let buf: &mut [u8] = img;
    for yy in y..(y + h).min(height) {
        let start = yy as usize * stride + x as usize * 3;
        buf[start..start + row.len()].copy_from_slice(&row);
    }
}
