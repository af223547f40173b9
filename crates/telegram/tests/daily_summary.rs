//! The daily summary against the fake Telegram server and a real SQLite
//! database: each distributor's admin gets one message from that
//! distributor's bot with that distributor's figures, in its own time zone;
//! one that fails does not stop the others.
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns panic on purpose

use centermind_core::Secret;
use centermind_core::domain::DistributorId;
use centermind_core::domain::customer_number::CustomerNumber;
use centermind_core::store::{Db, DistributorUpdate, NewDistributor, NewExhibition, NewGroup, NewMember, NewPhoto};
use centermind_fake_telegram::FakeTelegram;
use centermind_telegram::DailySummary;
use chrono::{DateTime, Utc};

const SUR: &str = "222222:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const NORTE: &str = "333333:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const OESTE: &str = "444444:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const ADMIN_SUR: i64 = 9001;
const ADMIN_NORTE: i64 = 9002;
const ADMIN_OESTE: i64 = 9003;

async fn distributor(
    db: &Db,
    fake: &FakeTelegram,
    name: &str,
    zone: &str,
    token: Option<&str>,
    admin: Option<i64>,
) -> DistributorId {
    if let Some(t) = token {
        fake.add_bot(t, &format!("{}_bot", name.to_lowercase()));
    }
    db.create_distributor(NewDistributor {
        name: name.into(),
        time_zone: Some(zone.into()),
        bot_token: token.map(|t| Secret::new(t.to_string())),
        admin_telegram_id: admin,
    })
    .await
    .unwrap()
    .id
}

/// `n` pending exhibitions of `d` received at `at`.
async fn received(db: &Db, d: DistributorId, at: &str, n: usize) {
    let g = match db.list_groups(Some(d)).await.unwrap().first() {
        Some(g) => g.id,
        None => {
            db.create_group(NewGroup {
                distributor_id: d,
                chat_id: -100 - d,
                title: "Ventas".into(),
            })
            .await
            .unwrap()
            .id
        }
    };
    let m = db
        .upsert_member(NewMember {
            distributor_id: d,
            telegram_user_id: 77,
            first_name: "Ana".into(),
            last_name: None,
            username: None,
        })
        .await
        .unwrap();
    let pdv = db.list_pdv_types(d, true).await.unwrap()[0].id;
    for i in 0..n {
        db.record_exhibition(NewExhibition {
            distributor_id: d,
            group_id: g,
            vendor_id: m.id,
            customer_number: CustomerNumber::parse("10452").unwrap(),
            pdv_type_id: pdv,
            submitted_at: at.parse().unwrap(),
            idempotency_key: format!("{at}:{i}"),
            photos: vec![NewPhoto {
                telegram_file_id: Some(format!("f-{d}-{at}-{i}")),
                ..Default::default()
            }],
        })
        .await
        .unwrap();
    }
}

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

#[tokio::test]
async fn each_admin_gets_their_own_days_figures_and_a_failure_stops_no_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&format!("sqlite://{}", dir.path().join("t.db").display()))
        .await
        .unwrap();
    let fake = FakeTelegram::start().await.unwrap();
    let sur = distributor(
        &db,
        &fake,
        "Sur",
        "America/Argentina/Buenos_Aires",
        Some(SUR),
        Some(ADMIN_SUR),
    )
    .await;
    // Madrid is 5 hours ahead of Buenos Aires in May: its day ends earlier.
    let norte = distributor(&db, &fake, "Norte", "Europe/Madrid", Some(NORTE), Some(ADMIN_NORTE)).await;
    // Its admin blocked the bot: 403 for every message.
    let oeste = distributor(&db, &fake, "Oeste", "UTC", Some(OESTE), Some(ADMIN_OESTE)).await;
    fake.kick_bot(OESTE, ADMIN_OESTE);
    // Nobody to send to, or no bot, or inactive: skipped.
    distributor(
        &db,
        &fake,
        "SinAdmin",
        "UTC",
        Some("555555:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"),
        None,
    )
    .await;
    distributor(&db, &fake, "SinBot", "UTC", None, Some(9005)).await;
    let paused = distributor(
        &db,
        &fake,
        "Pausada",
        "UTC",
        Some("666666:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"),
        Some(9006),
    )
    .await;
    db.update_distributor(
        paused,
        DistributorUpdate {
            active: Some(false),
            ..Default::default()
        },
    )
    .await
    .unwrap();

    // 10 May 2026, 20:00 in Buenos Aires = 23:00 UTC = 01:00 of the 11th in Madrid.
    let run = utc("2026-05-10T23:00:00Z");
    received(&db, sur, "2026-05-10T12:00:00Z", 3).await; // Sur's 10 May
    received(&db, sur, "2026-05-09T12:00:00Z", 1).await; // Sur's 9 May: pending, not received today
    received(&db, norte, "2026-05-10T22:30:00Z", 2).await; // Madrid's 11 May, 00:30
    received(&db, norte, "2026-05-10T12:00:00Z", 4).await; // Madrid's 10 May
    received(&db, oeste, "2026-05-10T12:00:00Z", 1).await;

    let report = DailySummary::new(db.clone(), fake.url())
        .unwrap()
        .send(run)
        .await
        .unwrap();
    let mut sent = report.sent.clone();
    sent.sort_unstable();
    assert_eq!(sent, [sur, norte]);
    assert_eq!(report.failed.len(), 1);
    assert_eq!(report.failed[0].distributor_id, oeste);
    assert!(report.failed[0].error.contains("403"), "{:?}", report.failed[0]);
    assert!(!report.failed[0].error.contains("AAHdqTcv"), "no token in errors");
    assert_eq!(report.skipped, 2, "no admin, no bot (the paused one is not counted)");

    let sends = fake.requests_to("sendMessage");
    let to = |chat: i64| {
        sends
            .iter()
            .filter(|r| r.int("chat_id") == Some(chat))
            .collect::<Vec<_>>()
    };
    let sur_msgs = to(ADMIN_SUR);
    assert_eq!(sur_msgs.len(), 1);
    assert_eq!(sur_msgs[0].token, SUR, "sent by the distributor's own bot");
    assert_eq!(
        sur_msgs[0].str("text").unwrap(),
        "📊 Resumen del 10/05/2026 — Sur\n📥 Recibidas: 3\n✅ Aprobadas: 0\n⭐ Destacadas: 0\n\
         ❌ Rechazadas: 0\n⏳ Pendientes ahora: 4"
    );
    let norte_msgs = to(ADMIN_NORTE);
    assert_eq!(norte_msgs.len(), 1);
    assert_eq!(norte_msgs[0].token, NORTE);
    let text = norte_msgs[0].str("text").unwrap();
    assert!(
        text.starts_with("📊 Resumen del 11/05/2026 — Norte\n📥 Recibidas: 2\n"),
        "{text}"
    );
    assert!(text.ends_with("⏳ Pendientes ahora: 6"), "{text}");
    for chat in [9005, 9006] {
        assert!(to(chat).is_empty(), "nothing for chat {chat}");
    }
    assert_eq!(sends.len(), 3, "one attempt for the blocked admin, no retries of a 403");
}

#[test]
fn a_bad_api_url_is_refused() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = runtime
        .block_on(Db::open(&format!("sqlite://{}", dir.path().join("t.db").display())))
        .unwrap();
    assert!(DailySummary::new(db.clone(), "ftp://example.invalid").is_err());
    assert!(DailySummary::new(db, "http://").is_err());
}
