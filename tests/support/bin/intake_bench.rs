//! Benchmark of the Telegram intake with the fake Bot API on loopback.
//!
//! Two processes, as in production: this one plays Telegram (the fake Bot API
//! server) and the vendors; a child process (this binary with `--sidecar`)
//! runs what `centermind-sidecar run` runs for the bots: the real
//! `BotSupervisor` (one intake bot per distributor, long polling) with its
//! photo worker, on a SQLite database (WAL) and a photo folder. The child's
//! CPU and memory are read from `/proc/<pid>`.
//!
//! 1. Throughput: `--bots` distributors × `--groups` groups, one vendor per
//!    group doing `--exhibitions` exhibitions in a row (photo → customer
//!    number → PDV button → confirmation), answering each bot message after
//!    `--think-ms` (a person reads before typing; Telegram's pacing of one
//!    message per second per chat applies unless `--unpaced`). An exhibition
//!    is done when its confirmation was sent, its rows are committed and its
//!    photo is stored. Reports exhibitions/s end to end and the latency from
//!    the button press to the confirmation's `sendMessage` arriving.
//! 2. Idle: `--idle-bots` bots long-polling with nothing to do: the child's
//!    RSS and CPU over `--idle-secs`.
//!
//! Usage (release build):
//!   cargo run --release -p centermind-integration-tests --bin centermind-intake-bench
//!   … -- --unpaced --think-ms 0      (raw capacity, no pacing)
//!   … -- --skip-idle | --skip-throughput
//! Figures in docs/benchmarks.md.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use centermind_core::Secret;
use centermind_core::events::EventBus;
use centermind_core::store::{BotState, Db, DistributorUpdate, NewDistributor, NewGroup};
use centermind_fake_telegram::updates::{self, Person};
use centermind_fake_telegram::{FakeTelegram, Post};
use centermind_telegram::intake::ChatLimits;
use centermind_telegram::{BotSupervisor, IntakeOptions, PhotoOptions, SupervisorOptions};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

#[derive(Debug, Clone)]
struct Args {
    bots: usize,
    groups: usize,
    exhibitions: usize,
    think: Duration,
    unpaced: bool,
    photos_in_flight: usize,
    photo_px: (u32, u32),
    idle_bots: usize,
    idle_secs: u64,
    skip_throughput: bool,
    skip_idle: bool,
}

impl Default for Args {
    fn default() -> Self {
        Self {
            bots: 50,
            groups: 30,
            exhibitions: 4,
            think: Duration::from_millis(1000),
            unpaced: false,
            photos_in_flight: 4,
            photo_px: (320, 240),
            idle_bots: 1000,
            idle_secs: 30,
            skip_throughput: false,
            skip_idle: false,
        }
    }
}

fn parse_args(mut it: impl Iterator<Item = String>) -> anyhow::Result<Args> {
    let mut a = Args::default();
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--bots" => a.bots = value()?.parse()?,
            "--groups" => a.groups = value()?.parse()?,
            "--exhibitions" => a.exhibitions = value()?.parse()?,
            "--think-ms" => a.think = Duration::from_millis(value()?.parse()?),
            "--unpaced" => a.unpaced = true,
            "--photos-in-flight" => a.photos_in_flight = value()?.parse()?,
            "--photo-px" => {
                let v = value()?;
                let (w, h) = v.split_once('x').context("--photo-px WIDTHxHEIGHT")?;
                a.photo_px = (w.parse()?, h.parse()?);
            }
            "--idle-bots" => a.idle_bots = value()?.parse()?,
            "--idle-secs" => a.idle_secs = value()?.parse()?,
            "--skip-throughput" => a.skip_throughput = true,
            "--skip-idle" => a.skip_idle = true,
            other => bail!("unknown argument {other}"),
        }
    }
    Ok(a)
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some("--sidecar") {
        args.next();
        let db = args
            .next()
            .context("--sidecar DB API_URL PHOTO_DIR [--unpaced] [--photos-in-flight N]")?;
        let api = args.next().context("API_URL")?;
        let photos = args.next().context("PHOTO_DIR")?;
        let (mut unpaced, mut photos_in_flight) = (false, 4);
        while let Some(flag) = args.next() {
            match flag.as_str() {
                "--unpaced" => unpaced = true,
                "--photos-in-flight" => photos_in_flight = args.next().context("--photos-in-flight N")?.parse()?,
                other => bail!("unknown argument {other}"),
            }
        }
        return tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?
            .block_on(sidecar(db, api, photos.into(), unpaced, photos_in_flight));
    }
    let args = parse_args(args)?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(args))
}

/// The child: the bot supervisor with its photo worker, until SIGTERM.
async fn sidecar(
    db: String,
    api: String,
    photo_dir: PathBuf,
    unpaced: bool,
    photos_in_flight: usize,
) -> anyhow::Result<()> {
    let db = Db::open(&format!("sqlite://{db}")).await?;
    let shutdown = CancellationToken::new();
    let mut intake = IntakeOptions::default();
    if unpaced {
        intake.limits = ChatLimits::unlimited();
    }
    let stats = db.clone();
    let supervisor = BotSupervisor::new(db, &api, photo_dir, EventBus::default(), shutdown.clone())?.with_options(
        SupervisorOptions {
            intake,
            photos: PhotoOptions {
                concurrency: photos_in_flight,
                ..PhotoOptions::default()
            },
            ..SupervisorOptions::default()
        },
    );
    let task = tokio::spawn(supervisor.run());
    // The benchmark stops its child with SIGTERM (it reads /proc: Linux only).
    #[cfg(unix)]
    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?
        .recv()
        .await;
    #[cfg(not(unix))]
    tokio::signal::ctrl_c().await?;
    shutdown.cancel();
    task.await?;
    let w = stats.write_stats();
    if w.commits > 0 {
        println!(
            "  sidecar database: {} write transactions in {} commits ({:.2} per fsync)",
            w.writes,
            w.commits,
            w.writes as f64 / w.commits as f64
        );
    }
    Ok(())
}

async fn run(args: Args) -> anyhow::Result<()> {
    println!("intake benchmark: {args:?}");
    if !args.skip_throughput {
        throughput(&args).await?;
    }
    if !args.skip_idle {
        idle(&args).await?;
    }
    Ok(())
}

/// CPU time (user + system) and memory of a process, from /proc.
#[derive(Debug, Clone, Copy)]
struct ProcSample {
    at: Instant,
    cpu: Duration,
    rss_kib: u64,
    hwm_kib: u64,
}

fn clock_ticks() -> u64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(100)
}

fn sample(pid: u32) -> anyhow::Result<ProcSample> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = &stat[stat.rfind(')').context("stat")? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>()? + fields[12].parse::<u64>()?;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kib = |key: &str| -> u64 {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    Ok(ProcSample {
        at: Instant::now(),
        cpu: Duration::from_secs_f64(ticks as f64 / clock_ticks() as f64),
        rss_kib: kib("VmRSS:"),
        hwm_kib: kib("VmHWM:"),
    })
}

/// Share of one core used between two samples.
fn cpu_percent(a: &ProcSample, b: &ProcSample) -> f64 {
    100.0 * (b.cpu - a.cpu).as_secs_f64() / b.at.duration_since(a.at).as_secs_f64()
}

struct Child {
    child: std::process::Child,
}

impl Child {
    fn start(db: &Path, api: &str, photos: &Path, unpaced: bool, photos_in_flight: usize) -> anyhow::Result<Self> {
        let mut cmd = std::process::Command::new(std::env::current_exe()?);
        cmd.arg("--sidecar").arg(db).arg(api).arg(photos);
        if unpaced {
            cmd.arg("--unpaced");
        }
        cmd.arg("--photos-in-flight").arg(photos_in_flight.to_string());
        Ok(Self { child: cmd.spawn()? })
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// SIGTERM, then wait (the supervisor stops its bots gracefully).
    fn stop(mut self) -> anyhow::Result<Duration> {
        let started = Instant::now();
        std::process::Command::new("kill")
            .arg("-TERM")
            .arg(self.pid().to_string())
            .status()?;
        self.child.wait()?;
        Ok(started.elapsed())
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn token(i: usize) -> String {
    format!("{}:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", 700_000 + i)
}

fn chat_of(bot: usize, group: usize) -> i64 {
    -1_000_000_000_000 - (bot as i64) * 1000 - group as i64
}

/// Distributors with bots and groups, hibernation off.
async fn populate(db: &Db, fake: &FakeTelegram, bots: usize, groups: usize) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::new();
    for b in 0..bots {
        fake.add_bot(&token(b), &format!("bench{b}_bot"));
        let d = db
            .create_distributor(NewDistributor {
                name: format!("Distribuidora {b}"),
                time_zone: Some("America/Argentina/Buenos_Aires".into()),
                bot_token: Some(Secret::new(token(b))),
                admin_telegram_id: None,
            })
            .await?;
        db.update_distributor(
            d.id,
            DistributorUpdate {
                hibernation_enabled: Some(false),
                ..Default::default()
            },
        )
        .await?;
        for g in 0..groups {
            db.create_group(NewGroup {
                distributor_id: d.id,
                chat_id: chat_of(b, g),
                title: format!("Ventas {b}-{g}"),
            })
            .await?;
        }
        ids.push(d.id);
    }
    Ok(ids)
}

async fn wait_running(db: &Db, ids: &[i64], limit: Duration) -> anyhow::Result<Duration> {
    let started = Instant::now();
    loop {
        let mut running = 0;
        for id in ids {
            if db.bot_status(*id).await?.is_some_and(|s| s.state == BotState::Running) {
                running += 1;
            }
        }
        if running == ids.len() {
            return Ok(started.elapsed());
        }
        if started.elapsed() > limit {
            bail!("only {running} of {} bots running after {limit:?}", ids.len());
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn jpeg(width: u32, height: u32, seed: u32) -> Vec<u8> {
    // An 8×8 grid of random grey levels plus some texture, different for every
    // seed (the low frequencies differ, so no two photos look like duplicates).
    let mut state = u64::from(seed).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 24) as u8
    };
    let blocks: Vec<u8> = (0..64).map(|_| next()).collect();
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        let b = blocks[((y * 8 / height) * 8 + x * 8 / width) as usize];
        let t = ((x ^ y) & 15) as u8;
        image::Rgb([b.wrapping_add(t), b, b.wrapping_sub(t)])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Jpeg).unwrap_or_default();
    out.into_inner()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Routes the fake's posts to the vendor waiting in each chat.
fn route_posts(
    mut posts: mpsc::UnboundedReceiver<Post>,
) -> Arc<std::sync::Mutex<HashMap<i64, mpsc::UnboundedSender<Post>>>> {
    let routes: Arc<std::sync::Mutex<HashMap<i64, mpsc::UnboundedSender<Post>>>> = Arc::default();
    let r = routes.clone();
    tokio::spawn(async move {
        while let Some(post) = posts.recv().await {
            let tx = r.lock().ok().and_then(|m| m.get(&post.message.chat_id).cloned());
            if let Some(tx) = tx {
                let _ = tx.send(post);
            }
        }
    });
    routes
}

async fn next_post(
    rx: &mut mpsc::UnboundedReceiver<Post>,
    what: &str,
    wanted: impl Fn(&Post) -> bool,
) -> anyhow::Result<Post> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(300);
    loop {
        match tokio::time::timeout_at(deadline, rx.recv()).await {
            Ok(Some(p)) if wanted(&p) => return Ok(p),
            Ok(Some(_)) => {}
            Ok(None) => bail!("post stream closed waiting for {what}"),
            Err(_) => bail!("no {what} after 300 s"),
        }
    }
}

/// One vendor in one group: `photos.len()` exhibitions in a row.
struct Vendor {
    fake: Arc<FakeTelegram>,
    /// The bot's posts in this group.
    posts: mpsc::UnboundedReceiver<Post>,
    token: String,
    chat: i64,
    person: Person,
    think: Duration,
    photos: Vec<Vec<u8>>,
    start_after: Duration,
}

/// Returns the latencies from each button press to its confirmation's arrival.
async fn vendor(v: Vendor) -> anyhow::Result<Vec<Duration>> {
    let Vendor {
        fake,
        mut posts,
        token,
        chat,
        person,
        think,
        photos,
        start_after,
    } = v;
    tokio::time::sleep(start_after).await;
    let mut latencies = Vec::new();
    for (i, photo) in photos.into_iter().enumerate() {
        let msg = fake.next_message_id(chat);
        let file = format!("f{chat}_{i}");
        fake.add_file(&file, &format!("{file}-u"), photo);
        fake.push_update(
            &token,
            updates::message(chat, &person, msg, updates::photo(&file, &format!("{file}-u"), None)),
        );
        next_post(&mut posts, "customer number prompt", |p| {
            !p.edit && p.message.reply_to == Some(msg)
        })
        .await?;
        tokio::time::sleep(think).await;
        let number = format!("{}{i}", chat.unsigned_abs() % 100_000);
        let text_id = fake.next_message_id(chat);
        fake.push_update(&token, updates::message(chat, &person, text_id, updates::text(&number)));
        let keyboard = next_post(&mut posts, "PDV keyboard", |p| {
            !p.edit && p.message.reply_to == Some(text_id) && p.message.reply_markup.is_some()
        })
        .await?;
        let data = keyboard
            .message
            .reply_markup
            .as_ref()
            .and_then(|m| m["inline_keyboard"][0][0]["callback_data"].as_str())
            .context("keyboard without buttons")?
            .to_string();
        tokio::time::sleep(think).await;
        let pressed = Instant::now();
        fake.push_update(
            &token,
            updates::callback(
                &format!("q{chat}_{i}"),
                &person,
                chat,
                keyboard.message.message_id,
                &data,
            ),
        );
        let confirmation = next_post(&mut posts, "confirmation", |p| {
            !p.edit && p.message.reply_to == Some(msg) && p.message.text.contains("Pendiente de evaluación")
        })
        .await?;
        latencies.push(confirmation.received_at.duration_since(pressed));
        tokio::time::sleep(think).await;
    }
    Ok(latencies)
}

async fn throughput(args: &Args) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let db_path = dir.path().join("bench.db");
    let photos = dir.path().join("photos");
    let db = Db::open(&format!("sqlite://{}", db_path.display())).await?;
    let fake = Arc::new(FakeTelegram::start().await?);
    fake.set_request_log(false);
    let ids = populate(&db, &fake, args.bots, args.groups).await?;
    let child = Child::start(&db_path, fake.url(), &photos, args.unpaced, args.photos_in_flight)?;
    let up = wait_running(&db, &ids, Duration::from_secs(120)).await?;
    println!("{} bots running after {:.1} s", ids.len(), up.as_secs_f64());

    let routes = route_posts(fake.subscribe_posts());
    let total_groups = args.bots * args.groups;
    let total = total_groups * args.exhibitions;
    // A different picture for every exhibition (no duplicates), made before the clock starts.
    let (w, h) = args.photo_px;
    let mut pictures =
        tokio::task::spawn_blocking(move || (0..total).map(|k| jpeg(w, h, k as u32)).collect::<Vec<_>>())
            .await?
            .into_iter();
    let mean = pictures.as_slice().iter().map(Vec::len).sum::<usize>() / total.max(1);
    println!("photos: {w}x{h} JPEG, {mean} bytes on average");
    let me_before = sample(std::process::id())?;
    let child_before = sample(child.pid())?;
    let started = Instant::now();
    let mut vendors = tokio::task::JoinSet::new();
    for b in 0..args.bots {
        for g in 0..args.groups {
            let chat = chat_of(b, g);
            let (tx, rx) = mpsc::unbounded_channel();
            routes.lock().map_err(|_| anyhow::anyhow!("routes"))?.insert(chat, tx);
            let person = Person::new(10_000 + (b * args.groups + g) as i64, "Vendedor");
            // Start the vendors spread over one think time, not all in the same millisecond.
            let k = b * args.groups + g;
            let start_after = args.think.mul_f64(k as f64 / total_groups as f64);
            let photos: Vec<Vec<u8>> = pictures.by_ref().take(args.exhibitions).collect();
            vendors.spawn(vendor(Vendor {
                fake: fake.clone(),
                posts: rx,
                token: token(b),
                chat,
                person,
                think: args.think,
                photos,
                start_after,
            }));
        }
    }
    let mut latencies = Vec::with_capacity(total);
    while let Some(done) = vendors.join_next().await {
        latencies.extend(done??);
    }
    let confirmed = started.elapsed();
    // Rows and photos: wait until every photo is stored.
    let stored_at = loop {
        let (exhibitions, stored): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM exhibitions), \
                    (SELECT count(*) FROM exhibition_photos WHERE upload_state = 'stored')",
        )
        .fetch_one(db.pool())
        .await?;
        if exhibitions as usize == total && stored as usize == total {
            break started.elapsed();
        }
        if started.elapsed() > confirmed + Duration::from_secs(300) {
            bail!("{stored} of {total} photos stored, {exhibitions} exhibitions");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let child_after = sample(child.pid())?;
    let me_after = sample(std::process::id())?;
    latencies.sort();
    let (dups,): (i64,) = sqlx::query_as("SELECT count(*) FROM exhibitions WHERE possible_duplicate = 1")
        .fetch_one(db.pool())
        .await
        .unwrap_or((0,));
    println!(
        "throughput: {total} exhibitions ({} bots × {} groups × {}), think {} ms, {} photos in flight, {}",
        args.bots,
        args.groups,
        args.exhibitions,
        args.think.as_millis(),
        args.photos_in_flight,
        if args.unpaced {
            "unpaced"
        } else {
            "paced (1 msg/s per chat, 20/min per group)"
        }
    );
    println!(
        "  all confirmed after {:.2} s, all photos stored after {:.2} s: {:.0} exhibitions/s end to end",
        confirmed.as_secs_f64(),
        stored_at.as_secs_f64(),
        total as f64 / stored_at.as_secs_f64()
    );
    println!(
        "  button press → confirmation sendMessage: p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms, max {:.1} ms (n={})",
        ms(percentile(&latencies, 50.0)),
        ms(percentile(&latencies, 95.0)),
        ms(percentile(&latencies, 99.0)),
        ms(latencies.last().copied().unwrap_or_default()),
        latencies.len()
    );
    println!(
        "  sidecar process: {:.0}% of one core, RSS {} MiB (peak {} MiB); this process (fake Telegram + vendors): {:.0}%",
        cpu_percent(&child_before, &child_after),
        child_after.rss_kib / 1024,
        child_after.hwm_kib / 1024,
        cpu_percent(&me_before, &me_after)
    );
    println!("  possible duplicates flagged: {dups}");
    let stop = child.stop()?;
    println!("  graceful stop of the sidecar: {:.2} s", stop.as_secs_f64());
    Ok(())
}

async fn idle(args: &Args) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let db_path = dir.path().join("idle.db");
    let photos = dir.path().join("photos");
    let db = Db::open(&format!("sqlite://{}", db_path.display())).await?;
    let fake = Arc::new(FakeTelegram::start().await?);
    fake.set_request_log(false);
    let ids = populate(&db, &fake, args.idle_bots, 1).await?;
    let child = Child::start(&db_path, fake.url(), &photos, false, args.photos_in_flight)?;
    let up = wait_running(&db, &ids, Duration::from_secs(300)).await?;
    println!("idle: {} bots running after {:.1} s", ids.len(), up.as_secs_f64());
    // Let the start-up settle (commands registered, first sweeps done).
    tokio::time::sleep(Duration::from_secs(5)).await;
    let before = sample(child.pid())?;
    tokio::time::sleep(Duration::from_secs(args.idle_secs)).await;
    let after = sample(child.pid())?;
    println!(
        "  {} idle bots over {} s: {:.2}% of one core, RSS {} MiB (peak {} MiB)",
        ids.len(),
        args.idle_secs,
        cpu_percent(&before, &after),
        after.rss_kib / 1024,
        after.hwm_kib / 1024
    );
    let stop = child.stop()?;
    println!("  graceful stop of {} bots: {:.2} s", ids.len(), stop.as_secs_f64());
    Ok(())
}
