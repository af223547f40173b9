//! Bot commands, registered with setMyCommands and gated by member role.

use centermind_core::domain::exhibition::ExhibitionStatus;
use centermind_core::domain::period::{Period, Preset};
use centermind_core::domain::roles::MemberRole;
use centermind_core::domain::time_zone::Month;
use centermind_core::store::{Member, now};
use teloxide::types::{Message, User};
use teloxide::utils::command::BotCommands;

use super::handlers::ChatLookup;
use super::{Ctx, HandlerResult};
use crate::texts;

/// What members can ask the bot.
#[derive(BotCommands, Clone, Debug, PartialEq, Eq)]
#[command(rename_rule = "lowercase")]
pub enum Command {
    /// Start: what the bot does.
    #[command(description = "qué hace este bot")]
    Start,
    /// Help: how to send an exhibition and the command list.
    #[command(description = "cómo cargar una exhibición")]
    Help,
    /// The member's month: sent, approved, rejected, highlighted, points, position.
    #[command(description = "tus exhibiciones y puntos del mes")]
    Perfil,
    /// Top 10 of the month.
    #[command(description = "los 10 primeros del mes")]
    Ranking,
    /// Pending count (supervisors and admins).
    #[command(description = "exhibiciones sin evaluar (supervisores)")]
    Pendientes,
    /// Today's and the month's figures (admins).
    #[command(description = "cifras de hoy y del mes (administradores)")]
    Stats,
}

impl Command {
    /// The member role a command needs.
    pub fn required_role(&self) -> MemberRole {
        match self {
            Self::Pendientes => MemberRole::Supervisor,
            Self::Stats => MemberRole::Admin,
            _ => MemberRole::Vendor,
        }
    }
}

fn role_label(role: MemberRole) -> &'static str {
    match role {
        MemberRole::Vendor => "vendedores",
        MemberRole::Supervisor => "supervisores y administradores",
        MemberRole::Admin => "administradores",
    }
}

fn month_label(m: Month) -> String {
    format!("{:02}/{}", m.month, m.year)
}

pub(crate) async fn on_command(ctx: Ctx, msg: Message, user: User, chat: ChatLookup, cmd: Command) -> HandlerResult {
    let reply = answer(&ctx, &user, &chat, &cmd).await?;
    ctx.send(msg.chat.id.0, &reply, Some(i64::from(msg.id.0)), None).await?;
    ctx.db
        .mark_update_handled(ctx.distributor_id, &format!("m:{}:{}", msg.chat.id.0, msg.id.0), now())
        .await?;
    Ok(())
}

async fn answer(ctx: &Ctx, user: &User, chat: &ChatLookup, cmd: &Command) -> Result<String, super::HandlerError> {
    if matches!(cmd, Command::Start | Command::Help) {
        return Ok(texts::help());
    }
    let member: Option<Member> = match chat {
        ChatLookup::Registered(g) => Some(g.member.clone()),
        ChatLookup::Private => {
            ctx.db
                .member_by_telegram_id(ctx.distributor_id, user.id.0 as i64)
                .await?
        }
        ChatLookup::Unknown => return Ok(texts::unknown_group()),
    };
    let Some(member) = member.filter(|m| m.active) else {
        return Ok(texts::not_a_member());
    };
    let required = cmd.required_role();
    if !member.role.allows(required) {
        return Ok(texts::forbidden(role_label(required)));
    }
    let d = ctx.db.distributor(ctx.distributor_id).await?;
    let at = now();
    let month = Month::containing(at, d.time_zone);
    Ok(match cmd {
        Command::Start | Command::Help => texts::help(),
        Command::Perfil => {
            let ranking = ctx.db.ranking(d.id, month).await?;
            let mine = ranking.iter().find(|e| e.tally.vendor_id == member.id);
            let name = member.display_name();
            let figures = texts::ProfileFigures {
                name: &name,
                month: &month_label(month),
                sent: mine.map_or(0, |e| e.tally.sent),
                approved: mine.map_or(0, |e| e.tally.approved),
                rejected: mine.map_or(0, |e| e.tally.rejected),
                highlighted: mine.map_or(0, |e| e.tally.highlighted),
                pending: mine.map_or(0, |e| e.tally.pending),
                points: mine.map_or(0, |e| e.points),
                position: mine.map(|e| e.position),
            };
            texts::profile(&figures)
        }
        Command::Ranking => {
            let ranking = ctx.db.ranking(d.id, month).await?;
            let top: Vec<(u32, String, i64)> = ranking
                .into_iter()
                .take(10)
                .map(|e| (e.position, e.tally.vendor_name, e.points))
                .collect();
            texts::ranking(&month_label(month), &top)
        }
        Command::Pendientes => {
            let pending = ctx
                .db
                .status_counts(d.id)
                .await?
                .into_iter()
                .filter(|(s, _)| *s == ExhibitionStatus::Pending)
                .map(|(_, n)| n)
                .sum();
            texts::pending_count(pending)
        }
        Command::Stats => {
            let today = Period::preset(Preset::Today, at, d.time_zone);
            let (month_start, month_end) = month.bounds(d.time_zone);
            let figures = |counts: Vec<(ExhibitionStatus, i64)>| {
                let get = |s: ExhibitionStatus| counts.iter().filter(|(x, _)| *x == s).map(|(_, n)| n).sum::<i64>();
                let (p, a, r, h) = (
                    get(ExhibitionStatus::Pending),
                    get(ExhibitionStatus::Approved),
                    get(ExhibitionStatus::Rejected),
                    get(ExhibitionStatus::Highlighted),
                );
                [p + a + r + h, p, a, r, h]
            };
            let today = figures(ctx.db.status_counts_between(d.id, today.start, today.end).await?);
            let whole_month = figures(ctx.db.status_counts_between(d.id, month_start, month_end).await?);
            texts::stats(today, whole_month, &format!("Mes {}", month_label(month)))
        }
    })
}
