//! The fake checked with a real teloxide `Bot` (the client the product uses)
//! and with raw HTTP for what teloxide hides.

use std::time::Duration;

use serde_json::{Value, json};
use teloxide::prelude::*;
use teloxide::types::{MessageId, UpdateKind};
use teloxide::{ApiError, RequestError};

use super::*;

const TOKEN: &str = "123456:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const CHAT: i64 = -1_001_234_567_890;

async fn fake_and_bot() -> (FakeTelegram, Bot) {
    let fake = FakeTelegram::start().await.unwrap();
    fake.add_bot(TOKEN, "ventas_bot");
    let bot = Bot::new(TOKEN).set_api_url(fake.url().parse().unwrap());
    (fake, bot)
}

#[tokio::test]
async fn get_me_answers_registered_bots_and_refuses_other_tokens() {
    let (fake, bot) = fake_and_bot().await;
    let me = bot.get_me().await.unwrap();
    assert_eq!(me.id.0, 123456);
    assert_eq!(me.username(), "ventas_bot");

    let stranger = Bot::new("999:nope").set_api_url(fake.url().parse().unwrap());
    let err = stranger.get_me().await.unwrap_err();
    assert!(matches!(err, RequestError::Api(ApiError::InvalidToken)), "{err:?}");

    let log = fake.requests();
    assert_eq!(log.len(), 2);
    assert_eq!(
        (log[0].method.as_str(), log[0].token.as_str(), log[0].status),
        ("GetMe", TOKEN, Some(200))
    );
    assert_eq!((log[1].token.as_str(), log[1].status), ("999:nope", Some(401)));
}

#[tokio::test]
async fn send_then_edit_keeps_the_chat_state_and_logs_parameters() {
    let (fake, bot) = fake_and_bot().await;
    fake.set_chat_title(CHAT, "Ventas Norte");
    let sent = bot.send_message(ChatId(CHAT), "⏳ Pendiente").await.unwrap();
    assert_eq!(sent.chat.id, ChatId(CHAT));
    assert_eq!(sent.chat.title(), Some("Ventas Norte"));
    assert_eq!(sent.text(), Some("⏳ Pendiente"));
    assert_eq!(sent.from.as_ref().map(|u| u.id.0), Some(123456));

    let edited = bot
        .edit_message_text(ChatId(CHAT), sent.id, "✅ Aprobada")
        .await
        .unwrap();
    assert_eq!(edited.id, sent.id);
    assert_eq!(edited.text(), Some("✅ Aprobada"));
    assert!(edited.edit_date().is_some());
    let stored = fake.message(CHAT, i64::from(sent.id.0)).unwrap();
    assert_eq!(stored.text, "✅ Aprobada");

    // Telegram refuses an edit that changes nothing; teloxide knows the exact text.
    let err = bot
        .edit_message_text(ChatId(CHAT), sent.id, "✅ Aprobada")
        .await
        .unwrap_err();
    assert!(
        matches!(err, RequestError::Api(ApiError::MessageNotModified)),
        "{err:?}"
    );

    let edits = fake.requests_to("editMessageText");
    assert_eq!(edits.len(), 2);
    assert_eq!(edits[0].int("chat_id"), Some(CHAT));
    assert_eq!(edits[0].int("message_id"), Some(i64::from(sent.id.0)));
    assert_eq!(edits[0].str("text"), Some("✅ Aprobada"));
    assert_eq!((edits[0].status, edits[1].status), (Some(200), Some(400)));
    assert!(edits[0].received_at <= edits[1].received_at);
}

#[tokio::test]
async fn scripted_faults_answer_in_order_then_normal_service_resumes() {
    let (fake, bot) = fake_and_bot().await;
    let id = fake.seed_message(TOKEN, CHAT, "hola");
    let msg = MessageId(id as i32);
    fake.fail_next("editMessageText", 1, Fault::TooManyRequests { retry_after: 7 });
    fake.fail_next("editMessageText", 1, Fault::MessageToEditNotFound);
    fake.fail_next("editMessageText", 1, Fault::MessageCantBeEdited);
    fake.fail_next("editMessageText", 1, Fault::Unauthorized);

    let err = bot.edit_message_text(ChatId(CHAT), msg, "a").await.unwrap_err();
    assert!(
        matches!(err, RequestError::RetryAfter(s) if s.seconds() == 7),
        "{err:?}"
    );
    let err = bot.edit_message_text(ChatId(CHAT), msg, "a").await.unwrap_err();
    assert!(
        matches!(err, RequestError::Api(ApiError::MessageToEditNotFound)),
        "{err:?}"
    );
    let err = bot.edit_message_text(ChatId(CHAT), msg, "a").await.unwrap_err();
    assert!(
        matches!(err, RequestError::Api(ApiError::MessageCantBeEdited)),
        "{err:?}"
    );
    let err = bot.edit_message_text(ChatId(CHAT), msg, "a").await.unwrap_err();
    assert!(matches!(err, RequestError::Api(ApiError::InvalidToken)), "{err:?}");
    bot.edit_message_text(ChatId(CHAT), msg, "a").await.unwrap();
    let statuses: Vec<Option<u16>> = fake.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, [429, 400, 400, 401, 200].map(Some));
}

#[tokio::test]
async fn deleted_messages_and_kicked_bots_fail_like_telegram() {
    let (fake, bot) = fake_and_bot().await;
    let id = fake.seed_message(TOKEN, CHAT, "hola");
    assert!(fake.delete_message(CHAT, id));
    let err = bot
        .edit_message_text(ChatId(CHAT), MessageId(id as i32), "x")
        .await
        .unwrap_err();
    assert!(
        matches!(err, RequestError::Api(ApiError::MessageToEditNotFound)),
        "{err:?}"
    );

    fake.kick_bot(TOKEN, CHAT);
    let err = bot.send_message(ChatId(CHAT), "x").await.unwrap_err();
    // teloxide only knows an older wording; the text is today's Telegram one.
    assert!(err.to_string().contains(BOT_KICKED), "{err}");
    assert_eq!(fake.requests().last().and_then(|r| r.status), Some(403));
}

/// Raw HTTP through the bot's own client: what teloxide does not expose.
#[tokio::test]
async fn raw_wire_format_errors_forms_and_query_strings() {
    let (fake, bot) = fake_and_bot().await;
    let client = bot.client();
    let url = |method: &str| format!("{}/bot{TOKEN}/{method}", fake.url());

    fake.fail_next("sendMessage", 1, Fault::TooManyRequests { retry_after: 3 });
    fake.fail_next("sendMessage", 1, Fault::ServerError);
    let r = client
        .post(url("sendMessage"))
        .header("content-type", "application/json")
        .body(json!({"chat_id": CHAT, "text": "x"}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 429);
    let body: Value = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 3",
               "parameters": {"retry_after": 3}})
    );
    let r = client.post(url("sendMessage")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 500);

    // Form body: numbers arrive as numbers.
    let r = client
        .post(url("sendMessage"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("chat_id={CHAT}&text=hola+mundo"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // Query string on a GET, as Telegram also accepts.
    let r = client
        .get(format!("{}?chat_id={CHAT}&text=chau", url("sendMessage")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let sends = fake.requests_to("sendmessage");
    assert_eq!(sends[2].params, json!({"chat_id": CHAT, "text": "hola mundo"}));
    assert_eq!(sends[3].str("text"), Some("chau"));

    let r = client.post(url("noSuchMethod")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 404);
}

#[tokio::test]
async fn slow_answers_and_waiting_for_requests() {
    let (fake, bot) = fake_and_bot().await;
    fake.fail_next("getMe", 1, Fault::Slow(Duration::from_millis(150)));
    let started = std::time::Instant::now();
    let call = tokio::spawn(async move { bot.get_me().await.map(|m| m.id.0) });
    let seen = fake.wait_for_requests("getMe", 1, Duration::from_secs(5)).await;
    assert_eq!(seen.len(), 1, "logged on arrival");
    assert_eq!(call.await.unwrap().unwrap(), 123456);
    assert!(started.elapsed() >= Duration::from_millis(150));
    assert_eq!(fake.requests_to("getMe")[0].status, Some(200));
    assert!(
        fake.wait_for_requests("getMe", 2, Duration::from_millis(50))
            .await
            .len()
            < 2
    );
}

#[tokio::test]
async fn updates_files_and_downloads_for_the_intake_bot() {
    let (fake, bot) = fake_and_bot().await;
    let path = fake.add_file("file-1", "uniq-1", vec![0xFF, 0xD8, 0xFF]);
    let id = fake.push_update(
        TOKEN,
        json!({"message": {"message_id": 5, "date": 1_700_000_000,
                "chat": {"id": CHAT, "type": "supergroup", "title": "Ventas"},
                "from": {"id": 77, "is_bot": false, "first_name": "Ana"},
                "photo": [{"file_id": "file-1", "file_unique_id": "uniq-1", "width": 90, "height": 90}]}}),
    );
    let updates = bot.get_updates().timeout(1).await.unwrap();
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].id.0 as i64, id);
    let UpdateKind::Message(m) = &updates[0].kind else {
        panic!("not a message: {:?}", updates[0].kind)
    };
    assert_eq!(m.photo().map(<[_]>::len), Some(1));
    // The next offset confirms it; a long poll then waits for a new push.
    let waiter = {
        let bot = bot.clone();
        tokio::spawn(async move { bot.get_updates().offset(id as i32 + 1).timeout(5).await })
    };
    fake.wait_for_requests("getUpdates", 2, Duration::from_secs(5)).await;
    fake.push_update(
        TOKEN,
        json!({"message": {"message_id": 6, "date": 1_700_000_001,
        "chat": {"id": CHAT, "type": "supergroup", "title": "Ventas"}, "text": "10452"}}),
    );
    let next = waiter.await.unwrap().unwrap();
    assert_eq!(next.len(), 1);

    let file = bot.get_file("file-1".into()).await.unwrap();
    assert_eq!(file.path, path);
    let url = format!("{}/file/bot{TOKEN}/{}", fake.url(), file.path);
    let bytes = bot.client().get(url).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(&bytes[..], &[0xFF, 0xD8, 0xFF]);
}

#[tokio::test]
async fn posts_are_streamed_as_they_arrive_and_the_log_can_be_turned_off() {
    let (fake, bot) = fake_and_bot().await;
    let mut posts = fake.subscribe_posts();
    let before = std::time::Instant::now();
    let sent = bot.send_message(ChatId(CHAT), "uno").await.unwrap();
    bot.edit_message_text(ChatId(CHAT), sent.id, "dos").await.unwrap();
    // Refused requests are not posts.
    bot.edit_message_text(ChatId(CHAT), sent.id, "dos").await.unwrap_err();
    let first = posts.recv().await.unwrap();
    assert_eq!((first.token.as_str(), first.edit), (TOKEN, false));
    assert_eq!((first.message.chat_id, first.message.text.as_str()), (CHAT, "uno"));
    assert!(first.received_at >= before);
    let second = posts.recv().await.unwrap();
    assert!(second.edit);
    assert_eq!(second.message.message_id, i64::from(sent.id.0));
    assert_eq!(second.message.text, "dos");
    assert!(posts.try_recv().is_err());

    fake.set_request_log(false);
    bot.send_message(ChatId(CHAT), "tres").await.unwrap();
    assert_eq!(fake.requests().len(), 3, "not logged while off");
    assert_eq!(posts.recv().await.unwrap().message.text, "tres", "still streamed");
    fake.set_request_log(true);
    bot.get_me().await.unwrap();
    assert_eq!(fake.requests().len(), 4);
}

#[tokio::test]
async fn a_long_poll_answers_its_own_bots_updates_only() {
    let (fake, bot) = fake_and_bot().await;
    const OTHER: &str = "654321:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
    fake.add_bot(OTHER, "otro_bot");
    let waiter = {
        let bot = bot.clone();
        tokio::spawn(async move { bot.get_updates().timeout(5).await })
    };
    fake.wait_for_requests("getUpdates", 1, Duration::from_secs(5)).await;
    fake.push_update(
        OTHER,
        json!({"message": {"message_id": 1, "date": 1_700_000_000,
        "chat": {"id": CHAT, "type": "supergroup", "title": "Ventas"}, "text": "para el otro"}}),
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!waiter.is_finished(), "woken by another bot's update");
    let id = fake.push_update(
        TOKEN,
        json!({"message": {"message_id": 2, "date": 1_700_000_000,
        "chat": {"id": CHAT, "type": "supergroup", "title": "Ventas"}, "text": "para mí"}}),
    );
    let got = waiter.await.unwrap().unwrap();
    assert_eq!(got.iter().map(|u| u.id.0 as i64).collect::<Vec<_>>(), [id]);
    assert_eq!(fake.pending_updates(OTHER), 1);
}

#[tokio::test]
async fn a_second_program_polling_the_token_ends_the_first_ones_wait_with_409() {
    let (fake, bot) = fake_and_bot().await;
    let first = {
        let bot = bot.clone();
        tokio::spawn(async move { bot.get_updates().timeout(10).await })
    };
    fake.wait_for_requests("getUpdates", 1, Duration::from_secs(5)).await;
    let second = {
        let bot = bot.clone();
        tokio::spawn(async move { bot.get_updates().timeout(10).await })
    };
    let refused = tokio::time::timeout(Duration::from_secs(5), first)
        .await
        .expect("the first poll is answered at once")
        .unwrap()
        .unwrap_err();
    // teloxide knows Telegram's text for it.
    assert!(
        matches!(refused, RequestError::Api(ApiError::TerminatedByOtherGetUpdates)),
        "{refused:?}"
    );
    let conflict = fake.requests_to("getUpdates")[0].status;
    assert_eq!(conflict, Some(409));
    // The newer poll keeps waiting, and gets what is pushed.
    fake.push_update(
        TOKEN,
        json!({"message": {"message_id": 7, "date": 1_700_000_002,
        "chat": {"id": CHAT, "type": "supergroup", "title": "Ventas"}, "text": "hola"}}),
    );
    let got = second.await.unwrap().unwrap();
    assert_eq!(got.len(), 1);
}
