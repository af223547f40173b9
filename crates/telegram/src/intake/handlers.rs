//! The handler tree of an intake bot and its endpoints: plain async
//! functions, dependencies injected by dptree (`Ctx`, `Me`, the update and
//! what the filters extract from it).
//!
//! Idempotency: a message handler first checks `handled_updates` (a filter)
//! and notes the message there when it finished, if nothing else records it
//! (a reply without a state change: help, a refusal, the burst limit…). A
//! photo that joined a submission and a text the vendor's open submission
//! read are recorded by the submission itself: a replay of such a message,
//! or of one whose handler stopped half-way, finds the submission in the
//! state it left and resumes (each step is a guarded state change in the
//! database). That saves a database write per photo and per text. A button
//! press is checked against the submission's state, so a second press or a
//! stale keyboard changes nothing. The exhibition row is committed before the
//! vendor is told anything.

use std::sync::Arc;
use std::time::Instant;

use centermind_core::domain::burst::{Burst, BurstDecision};
use centermind_core::domain::customer_number::CustomerNumber;
use centermind_core::domain::hibernation::format_hhmm;
use centermind_core::events::LiveEvent;
use centermind_core::messages::customer_number_error;
use centermind_core::store::{
    Distributor, Group, Member, NewExhibition, NewMember, NewSubmission, PendingPhoto, PendingSubmission,
    SubmissionState, now,
};
use chrono::Duration;
use serde_json::{Value, json};
use teloxide::dispatching::{HandlerExt, UpdateFilterExt, UpdateHandler};
use teloxide::dptree;
use teloxide::types::{CallbackQuery, Message, Update, User};
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use super::commands::{Command, on_command};
use super::{Ctx, HandlerError, HandlerResult};
use crate::photos::store_photo_task;
use crate::texts;

/// Where a message was sent, as far as this distributor is concerned.
#[derive(Debug, Clone)]
pub(crate) enum ChatLookup {
    Private,
    /// A registered, active group of the distributor; the sender is a member now.
    Registered(Arc<InGroup>),
    Unknown,
}

#[derive(Debug, Clone)]
pub(crate) struct InGroup {
    pub(crate) distributor: Distributor,
    pub(crate) group: Group,
    pub(crate) member: Member,
}

impl ChatLookup {
    fn registered(self) -> Option<Arc<InGroup>> {
        match self {
            Self::Registered(g) => Some(g),
            _ => None,
        }
    }
}

/// The whole conversation.
pub(crate) fn schema() -> UpdateHandler<HandlerError> {
    let in_group = dptree::filter_map(ChatLookup::registered)
        .branch(dptree::filter_map(photo_of).endpoint(on_photo))
        .branch(dptree::filter_map(text_of).endpoint(on_text))
        .branch(dptree::filter(is_other_media).endpoint(on_other_media))
        // Service messages (someone joined, a title changed…): nothing to do.
        .endpoint(ignore);
    let messages = Update::filter_message()
        .filter_map(human_sender)
        .filter_async(not_handled_yet)
        .filter_map_async(lookup_chat)
        .branch(dptree::entry().filter_command::<Command>().endpoint(on_command))
        .branch(in_group)
        .branch(dptree::filter(|c: ChatLookup| matches!(c, ChatLookup::Private)).endpoint(on_private))
        .branch(dptree::filter(|c: ChatLookup| matches!(c, ChatLookup::Unknown)).endpoint(on_unknown_group));
    dptree::entry()
        .branch(messages)
        .branch(Update::filter_callback_query().endpoint(on_pdv_button))
}

fn human_sender(msg: Message) -> Option<User> {
    msg.from.filter(|u| !u.is_bot)
}

fn message_key(msg: &Message) -> String {
    format!("m:{}:{}", msg.chat.id.0, msg.id.0)
}

async fn not_handled_yet(ctx: Ctx, msg: Message) -> bool {
    match ctx.db.update_handled(ctx.distributor_id, &message_key(&msg)).await {
        Ok(handled) => !handled,
        // Better to risk a repeated reply than to drop a vendor's photo.
        Err(e) => {
            warn!(error = %e, "cannot check handled updates");
            true
        }
    }
}

/// Note that a message's handler finished (a replay is then skipped).
async fn done(ctx: &Ctx, msg: &Message) -> HandlerResult {
    ctx.db
        .mark_update_handled(ctx.distributor_id, &message_key(msg), now())
        .await?;
    Ok(())
}

/// Where the message was sent; registers the sender as a member on first
/// contact in a registered group. `None` (message dropped) on a database
/// error: the update is logged and Telegram's copy is gone, but no wrong
/// answer ("not registered") is given.
async fn lookup_chat(ctx: Ctx, msg: Message, user: User) -> Option<ChatLookup> {
    if msg.chat.is_private() {
        return Some(ChatLookup::Private);
    }
    let d = ctx.distributor_id;
    let looked_up = async {
        let Some(group) = ctx.db.group_by_chat(d, msg.chat.id.0).await? else {
            return Ok::<_, centermind_core::Error>(ChatLookup::Unknown);
        };
        let distributor = ctx.db.distributor(d).await?;
        // A read, and a write only for a new member or a changed name.
        let known = ctx
            .db
            .member_by_telegram_id(d, user.id.0 as i64)
            .await?
            .filter(|m| same_names(m, &user));
        let member = match known {
            Some(m) => m,
            None => {
                ctx.db
                    .upsert_member(NewMember {
                        distributor_id: d,
                        telegram_user_id: user.id.0 as i64,
                        first_name: user.first_name.clone(),
                        last_name: user.last_name.clone(),
                        username: user.username.clone(),
                    })
                    .await?
            }
        };
        Ok(ChatLookup::Registered(Arc::new(InGroup {
            distributor,
            group,
            member,
        })))
    };
    match looked_up.await {
        Ok(l) => Some(l),
        Err(e) => {
            warn!(error = %e, chat_id = msg.chat.id.0, "cannot look up the chat");
            None
        }
    }
}

/// Whether a stored member shows the names Telegram gives now (as `upsert_member` stores them).
fn same_names(m: &Member, user: &User) -> bool {
    let trimmed = |o: &Option<String>| o.as_deref().map(str::trim).map(str::to_string);
    m.first_name == user.first_name.trim()
        && m.last_name == trimmed(&user.last_name)
        && m.username == trimmed(&user.username)
}

/// A compressed photo (its largest size) or an image sent as a file.
fn photo_of(msg: Message) -> Option<PendingPhoto> {
    let file = if let Some(sizes) = msg.photo() {
        sizes
            .iter()
            .max_by_key(|p| (p.width * p.height, p.file.size))
            .map(|p| &p.file)?
    } else {
        let doc = msg.document()?;
        let is_image = doc.mime_type.as_ref().is_some_and(|m| m.type_() == "image");
        if !is_image {
            return None;
        }
        &doc.file
    };
    Some(PendingPhoto {
        message_id: i64::from(msg.id.0),
        file_id: file.id.0.clone(),
        file_unique_id: file.unique_id.0.clone(),
        file_size: Some(i64::from(file.size)),
    })
}

fn text_of(msg: Message) -> Option<String> {
    msg.text().map(str::to_string)
}

fn is_other_media(msg: Message) -> bool {
    msg.video().is_some()
        || msg.sticker().is_some()
        || msg.voice().is_some()
        || msg.audio().is_some()
        || msg.animation().is_some()
        || msg.video_note().is_some()
        || msg.document().is_some()
}

async fn ignore() -> HandlerResult {
    Ok(())
}

fn reply_to(msg: &Message) -> Option<i64> {
    Some(i64::from(msg.id.0))
}

async fn on_photo(ctx: Ctx, msg: Message, user: User, g: Arc<InGroup>, photo: PendingPhoto) -> HandlerResult {
    let d = &g.distributor;
    let chat = msg.chat.id.0;
    let vendor = user.id.0 as i64;
    let sent_at = msg.date;
    if d.hibernation.contains(sent_at, d.time_zone) {
        let opens = d
            .hibernation
            .reopens_at(sent_at, d.time_zone)
            .map_or(d.hibernation.end, |t| t.with_timezone(&d.time_zone).time());
        // One answer per album, not one per photo.
        let key = match msg.media_group_id() {
            Some(album) => format!("hib:{chat}:{}", album.0),
            None => format!("hib:{chat}:{}", msg.id.0),
        };
        if ctx.db.mark_update_handled(d.id, &key, now()).await? {
            ctx.send(chat, &texts::hibernating(&format_hhmm(opens)), reply_to(&msg), None)
                .await?;
        }
        return done(&ctx, &msg).await;
    }
    // A replay of a photo that already joined a submission: resume it.
    if let Some(s) = ctx.db.submission_with_photo(d.id, chat, photo.message_id).await? {
        ensure_number_prompt(&ctx, &s).await?;
        return Ok(());
    }
    let open = ctx.db.open_submission(d.id, chat, vendor).await?;
    let album = msg.media_group_id().map(|m| m.0.clone());
    let rule = ctx.options.burst;
    let decision = match &open {
        Some(s) if s.state == SubmissionState::AwaitingNumber => {
            let same_album = album.is_some() && s.media_group_id == album;
            if same_album {
                if s.photos.len() >= rule.max_photos {
                    BurstDecision::LimitReached
                } else {
                    BurstDecision::Join
                }
            } else {
                let burst = Burst {
                    chat_id: chat,
                    vendor,
                    started_at: s.burst_started_at,
                    photos: s.photos.len(),
                };
                rule.classify(Some(&burst), chat, vendor, sent_at)
            }
        }
        _ => BurstDecision::StartNew,
    };
    // A photo that joins or starts a submission is recorded there (see the module docs).
    match (decision, open) {
        (BurstDecision::Join, Some(s)) => {
            ctx.db.add_submission_photo(d.id, s.id, &photo, now()).await?;
        }
        (BurstDecision::LimitReached, _) => {
            ctx.send(chat, &texts::burst_limit(rule.max_photos), reply_to(&msg), None)
                .await?;
            return done(&ctx, &msg).await;
        }
        (_, open) => {
            if let Some(old) = open
                && ctx.db.cancel_submission(d.id, old.id, now()).await?
            {
                ctx.send(
                    chat,
                    &texts::previous_submission_discarded(),
                    Some(old.first_message_id),
                    None,
                )
                .await?;
            }
            let at = now();
            let (s, _) = ctx
                .db
                .start_submission(
                    &NewSubmission {
                        distributor_id: d.id,
                        group_id: g.group.id,
                        chat_id: chat,
                        vendor_id: g.member.id,
                        vendor_telegram_id: vendor,
                        first_photo: photo,
                        media_group_id: album,
                        burst_started_at: sent_at,
                        expires_at: at + ctx.options.answer_timeout,
                    },
                    at,
                )
                .await?;
            ensure_number_prompt(&ctx, &s).await?;
        }
    }
    Ok(())
}

/// Ask for the customer number unless it was asked already.
async fn ensure_number_prompt(ctx: &Ctx, s: &PendingSubmission) -> HandlerResult {
    if s.state != SubmissionState::AwaitingNumber || s.prompt_message_id.is_some() {
        return Ok(());
    }
    let id = ctx
        .send(s.chat_id, &texts::ask_customer_number(), Some(s.first_message_id), None)
        .await?;
    ctx.db
        .set_submission_prompt(ctx.distributor_id, s.id, id, now())
        .await?;
    Ok(())
}

async fn on_text(ctx: Ctx, msg: Message, user: User, g: Arc<InGroup>, text: String) -> HandlerResult {
    let d = g.distributor.id;
    let chat = msg.chat.id.0;
    // Only the vendor's own open submission reads their text; others chat
    // freely (nothing to note: a replay of chatter does nothing either).
    let Some(s) = ctx.db.open_submission(d, chat, user.id.0 as i64).await? else {
        return Ok(());
    };
    match s.state {
        SubmissionState::AwaitingNumber => match CustomerNumber::parse(&text) {
            Err(e) => {
                if ctx.db.note_submission_text(d, s.id, i64::from(msg.id.0), now()).await? {
                    ctx.send(chat, &customer_number_error(e), reply_to(&msg), None).await?;
                }
            }
            Ok(number) => {
                let at = now();
                let expires = at + ctx.options.answer_timeout;
                if ctx
                    .db
                    .set_submission_number(d, s.id, number.as_str(), expires, at)
                    .await?
                    && let Some(s) = ctx.db.submission(d, s.id).await?
                {
                    send_pdv_keyboard(&ctx, &s, reply_to(&msg)).await?;
                }
            }
        },
        // The keyboard was not sent yet (the bot stopped right after the number).
        SubmissionState::AwaitingPdv if s.prompt_message_id.is_none() => {
            send_pdv_keyboard(&ctx, &s, reply_to(&msg)).await?;
        }
        _ => {}
    }
    // Recorded by the submission: the number (a guarded state change), an
    // invalid answer (`note_submission_text` answers each message once).
    Ok(())
}

/// Callback data of a PDV button: `pdv:<submission id>:<pdv type id>` (≤ 64 bytes).
fn pdv_data(submission: i64, pdv: i64) -> String {
    format!("pdv:{submission}:{pdv}")
}

fn parse_pdv_data(data: &str) -> Option<(i64, i64)> {
    let rest = data.strip_prefix("pdv:")?;
    let (s, p) = rest.split_once(':')?;
    Some((s.parse().ok()?, p.parse().ok()?))
}

async fn send_pdv_keyboard(ctx: &Ctx, s: &PendingSubmission, reply_to: Option<i64>) -> HandlerResult {
    let types = ctx.db.list_pdv_types(ctx.distributor_id, true).await?;
    if types.is_empty() {
        ctx.send(s.chat_id, &texts::no_pdv_types(), reply_to, None).await?;
        return Ok(());
    }
    let rows: Vec<Value> = types
        .chunks(2)
        .map(|row| {
            Value::Array(
                row.iter()
                    .map(|t| json!({ "text": t.name, "callback_data": pdv_data(s.id, t.id) }))
                    .collect(),
            )
        })
        .collect();
    let number = s.customer_number.clone().unwrap_or_default();
    let id = ctx
        .send(
            s.chat_id,
            &texts::ask_pdv_type(&number),
            reply_to,
            Some(json!({ "inline_keyboard": rows })),
        )
        .await?;
    ctx.db
        .set_submission_prompt(ctx.distributor_id, s.id, id, now())
        .await?;
    Ok(())
}

async fn on_other_media(ctx: Ctx, msg: Message) -> HandlerResult {
    ctx.send(msg.chat.id.0, &texts::unsupported_media(), reply_to(&msg), None)
        .await?;
    done(&ctx, &msg).await
}

async fn on_private(ctx: Ctx, msg: Message) -> HandlerResult {
    ctx.send(msg.chat.id.0, &texts::help(), None, None).await?;
    done(&ctx, &msg).await
}

/// Told once per group (and the admin alerted once), not on every message.
async fn on_unknown_group(ctx: Ctx, msg: Message) -> HandlerResult {
    let chat = msg.chat.id.0;
    if ctx
        .db
        .mark_update_handled(ctx.distributor_id, &format!("unknown_group:{chat}"), now())
        .await?
    {
        ctx.send(chat, &texts::unknown_group(), reply_to(&msg), None).await?;
        let distributor = ctx.db.distributor(ctx.distributor_id).await?;
        if let Some(admin) = distributor.admin_telegram_id {
            let title = msg.chat.title().unwrap_or("(sin título)");
            if let Err(e) = ctx
                .send(admin, &texts::admin_unknown_group(title, chat), None, None)
                .await
            {
                warn!(error = %e, "cannot alert the admin about an unknown group");
            }
        }
    }
    done(&ctx, &msg).await
}

async fn on_pdv_button(ctx: Ctx, q: CallbackQuery) -> HandlerResult {
    let d = ctx.distributor_id;
    let started = Instant::now();
    let Some((sid, pdv_id)) = q.data.as_deref().and_then(parse_pdv_data) else {
        ctx.answer_callback(&q.id.0, "", false).await?;
        return Ok(());
    };
    let Some(s) = ctx.db.submission(d, sid).await? else {
        ctx.answer_callback(&q.id.0, &texts::submission_no_longer_open(), true)
            .await?;
        return Ok(());
    };
    if q.from.id.0 as i64 != s.vendor_telegram_id {
        ctx.answer_callback(&q.id.0, &texts::only_the_vendor_may_choose(), true)
            .await?;
        return Ok(());
    }
    match s.state {
        SubmissionState::AwaitingPdv => {}
        SubmissionState::Committed | SubmissionState::Done => {
            ctx.answer_callback(&q.id.0, &texts::already_registered(), false)
                .await?;
            if s.state == SubmissionState::Committed {
                complete_confirmation(&ctx, &s).await?;
            }
            return Ok(());
        }
        _ => {
            ctx.answer_callback(&q.id.0, &texts::submission_no_longer_open(), true)
                .await?;
            return Ok(());
        }
    }
    let pdv = match ctx.db.pdv_type(d, pdv_id).await {
        Ok(p) if p.active => p,
        _ => {
            ctx.answer_callback(&q.id.0, &texts::option_unavailable(), true).await?;
            return Ok(());
        }
    };
    let number = CustomerNumber::parse(s.customer_number.as_deref().unwrap_or_default())?;
    // The row first: nobody is told anything before it is committed.
    let exhibition = NewExhibition {
        distributor_id: d,
        group_id: s.group_id,
        vendor_id: s.vendor_id,
        customer_number: number.clone(),
        pdv_type_id: pdv.id,
        submitted_at: s.burst_started_at,
        idempotency_key: NewExhibition::idempotency_key(s.chat_id, s.first_message_id),
        photos: s.photos.iter().map(PendingPhoto::to_new_photo).collect(),
    };
    let tasks = |exhibition_id| {
        s.photos
            .iter()
            .enumerate()
            .map(|(position, p)| store_photo_task(d, exhibition_id, position as i64, s.chat_id, p.message_id))
            .collect()
    };
    // The exhibition, the submission's commit and the photo tasks in one transaction.
    let (recorded, _) = ctx.db.commit_submission(s.id, exhibition, tasks, now()).await?;
    if recorded.created {
        ctx.events.publish(LiveEvent::ExhibitionCreated {
            distributor_id: d,
            exhibition_id: recorded.id,
        });
    }
    if let Some(worker) = &ctx.photos {
        worker.notify();
    }
    info!(
        exhibition_id = %recorded.id,
        created = recorded.created,
        photos = s.photos.len(),
        "exhibition recorded"
    );
    // The row is committed: a late or failed answer to the press must not
    // keep the vendor from the confirmation.
    if let Err(e) = ctx.answer_callback(&q.id.0, &texts::registered(), false).await {
        warn!(error = %e, "cannot answer the button press");
    }
    let prompt = s.prompt_message_id;
    let (chat, chosen) = (s.chat_id, texts::pdv_chosen(number.as_str(), &pdv.name));
    let mut s = s;
    s.exhibition_id = Some(recorded.id.hyphenated().to_string());
    // The confirmation first: it is what the vendor waits for, and each chat
    // gets one message a second.
    complete_confirmation(&ctx, &s).await?;
    info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "button press to confirmation"
    );
    // Then drop the keyboard (cosmetic: a press on it is answered anyway), in
    // the background so that this lane is free meanwhile.
    if let Some(prompt) = prompt {
        let ctx = ctx.clone();
        tokio::spawn(async move {
            if let Err(e) = ctx.edit_text(chat, prompt, &chosen).await {
                warn!(error = %e, "cannot remove the PDV keyboard");
            }
        });
    }
    Ok(())
}

/// Send the confirmation in the group (unless it is there already), store
/// its message id for the verdict edits and close the submission.
async fn complete_confirmation(ctx: &Ctx, s: &PendingSubmission) -> HandlerResult {
    let d = ctx.distributor_id;
    let Some(exhibition_id) = s.exhibition_uuid() else {
        return Ok(());
    };
    // Another task of this bot is sending it: that one finishes the job.
    let Some(_claim) = ctx.claim_confirmation(s.id) else {
        return Ok(());
    };
    // Read under the claim: a task that finished meanwhile stored its message id.
    let exhibition = ctx.db.exhibition(d, exhibition_id).await?;
    if exhibition.summary.confirmation_message_id.is_none() {
        let text = crate::texts::confirmation_text(&exhibition.summary);
        let id = ctx.send(s.chat_id, &text, Some(s.first_message_id), None).await?;
        ctx.db
            .finish_submission_confirmed(d, s.id, exhibition_id, s.chat_id, id, now())
            .await?;
    } else {
        ctx.db.finish_submission(d, s.id, now()).await?;
    }
    Ok(())
}

/// Confirmations recorded but not sent: by a previous run (at start), or
/// because Telegram refused them for longer than `max_flood_wait` (each sweep).
pub(crate) async fn recover(ctx: &Ctx) -> HandlerResult {
    for s in ctx.db.committed_submissions(ctx.distributor_id).await? {
        complete_confirmation(ctx, &s).await?;
    }
    Ok(())
}

/// Expire unanswered submissions and send confirmations left behind, every
/// `sweep_interval` until stopped. (Pruning old notes is process-wide: the
/// bot supervisor does it, see `prune_intake_history`.)
pub(crate) async fn sweep_loop(ctx: Ctx, stop: CancellationToken) {
    loop {
        if let Err(e) = expire(&ctx).await {
            warn!(error = %e, "cannot expire submissions");
        }
        if let Err(e) = recover(&ctx).await {
            warn!(error = %e, "cannot send a pending confirmation; will retry");
        }
        tokio::select! {
            () = stop.cancelled() => return,
            () = tokio::time::sleep(ctx.options.sweep_interval) => {}
        }
    }
}

/// Forget what no redelivery or button press can need any more: handled-update
/// notes after 48 h (Telegram redelivers for 24 h at most) and finished
/// conversations after 30 days (their buttons then answer "no longer open").
pub async fn prune_intake_history(db: &centermind_core::store::Db) {
    if let Err(e) = db.prune_handled_updates(now() - Duration::hours(48)).await {
        warn!(error = %e, "cannot prune handled updates");
    }
    if let Err(e) = db.prune_submissions(now() - Duration::days(30)).await {
        warn!(error = %e, "cannot prune finished conversations");
    }
}

async fn expire(ctx: &Ctx) -> HandlerResult {
    let minutes = ctx.options.answer_timeout.num_minutes().max(1);
    for s in ctx.db.expire_submissions(ctx.distributor_id, now()).await? {
        info!(submission = s.id, "submission expired without an answer");
        if let Some(prompt) = s.prompt_message_id
            && s.customer_number.is_some()
        {
            // Drop the stale keyboard; a press on it would be refused anyway.
            let _ = ctx
                .edit_text(s.chat_id, prompt, &texts::submission_no_longer_open())
                .await;
        }
        if let Err(e) = ctx
            .send(
                s.chat_id,
                &texts::submission_expired(minutes),
                Some(s.first_message_id),
                None,
            )
            .await
        {
            warn!(error = %e, "cannot tell the vendor the submission expired");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn callback_data_round_trips_and_fits_telegram() {
        let data = pdv_data(i64::MAX, i64::MAX);
        assert!(data.len() <= 64);
        assert_eq!(parse_pdv_data(&data), Some((i64::MAX, i64::MAX)));
        assert_eq!(parse_pdv_data("pdv:1:x"), None);
        assert_eq!(parse_pdv_data("other"), None);
    }
}
