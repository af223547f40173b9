//! Administration of a distributor: its settings and bot, groups and members, PDV
//! types, portal users and TV tokens. Thin over the API, which checks role and
//! tenant on every call: `distributor` is `None` for an admin (their own) and names
//! one for the superadmin.
//!
//! Bot tokens, passwords and new TV tokens pass through here; the arguments that
//! carry them are skipped in the spans and their types' `Debug` is redacted.

use tauri::State;

use crate::error::{CommandError, CommandResult};
use crate::model::User;
use crate::model::admin::{
    BotStatus, Distributor, DistributorSettings, Group, GroupChanges, Member, MemberChanges, NewDistributorInput,
    NewGroupInput, NewTvToken, NewUserInput, PdvType, PdvTypeChanges, PortalUser, TvToken, UserChanges,
};
use crate::session::Shell;

/// The distributors the signed-in person administers: all of them for the
/// superadmin, their own for an admin.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn list_distributors(shell: State<'_, Shell>) -> CommandResult<Vec<Distributor>> {
    let (backend, token) = shell.authed()?;
    shell.check(backend.distributors(&token).await).await
}

/// One distributor's settings (never its bot token: only whether one is set).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn get_distributor(shell: State<'_, Shell>, id: i64) -> CommandResult<Distributor> {
    let (backend, token) = shell.authed()?;
    shell.check(backend.distributor(&token, id).await).await
}

/// A new distributor, with its default PDV types (superadmin only).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell, input))]
pub async fn create_distributor(shell: State<'_, Shell>, input: NewDistributorInput) -> CommandResult<Distributor> {
    let (backend, token) = shell.authed()?;
    let created = shell.check(backend.create_distributor(&token, &input).await).await?;
    tracing::info!(id = created.id, "distributor created");
    Ok(created)
}

/// Changes the settings that are set in `settings`. A bot token is checked with
/// Telegram by the server first (refused with its reason); `""` removes it.
/// `admin_telegram_id: null` removes the alerts recipient (absent: unchanged).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell, settings))]
pub async fn update_distributor(
    shell: State<'_, Shell>,
    id: i64,
    settings: DistributorSettings,
) -> CommandResult<Distributor> {
    let (backend, token) = shell.authed()?;
    shell
        .check(backend.update_distributor(&token, id, &settings).await)
        .await
}

/// What the distributor's Telegram bot is doing.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn distributor_bot_status(shell: State<'_, Shell>, id: i64) -> CommandResult<BotStatus> {
    let (backend, token) = shell.authed()?;
    shell.check(backend.bot_status(&token, id).await).await
}

/// The distributor's Telegram groups, active or not.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn list_groups(shell: State<'_, Shell>, distributor: Option<i64>) -> CommandResult<Vec<Group>> {
    let (backend, token) = shell.authed()?;
    shell.check(backend.groups(&token, distributor).await).await
}

/// Registers a Telegram group by its chat id: the bot then takes photos from it.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn create_group(
    shell: State<'_, Shell>,
    distributor: Option<i64>,
    input: NewGroupInput,
) -> CommandResult<Group> {
    let (backend, token) = shell.authed()?;
    shell
        .check(backend.create_group(&token, distributor, &input).await)
        .await
}

/// Renames a group or turns it on or off.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn update_group(
    shell: State<'_, Shell>,
    distributor: Option<i64>,
    id: i64,
    changes: GroupChanges,
) -> CommandResult<Group> {
    let (backend, token) = shell.authed()?;
    shell
        .check(backend.update_group(&token, distributor, id, &changes).await)
        .await
}

/// Everyone the bot has seen in the distributor's groups.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn list_members(shell: State<'_, Shell>, distributor: Option<i64>) -> CommandResult<Vec<Member>> {
    let (backend, token) = shell.authed()?;
    shell.check(backend.members(&token, distributor).await).await
}

/// Changes a member's role in the bot (vendor, supervisor, admin) or turns them on or off.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn update_member(
    shell: State<'_, Shell>,
    distributor: Option<i64>,
    id: i64,
    changes: MemberChanges,
) -> CommandResult<Member> {
    let (backend, token) = shell.authed()?;
    shell
        .check(backend.update_member(&token, distributor, id, &changes).await)
        .await
}

/// The distributor's PDV types in the order the bot offers them, inactive ones too.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn list_pdv_types(shell: State<'_, Shell>, distributor: Option<i64>) -> CommandResult<Vec<PdvType>> {
    let (backend, token) = shell.authed()?;
    shell.check(backend.pdv_types(&token, distributor).await).await
}

/// Adds a PDV type at the end of the list.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn create_pdv_type(
    shell: State<'_, Shell>,
    distributor: Option<i64>,
    name: String,
) -> CommandResult<PdvType> {
    let (backend, token) = shell.authed()?;
    shell
        .check(backend.create_pdv_type(&token, distributor, name.trim()).await)
        .await
}

/// Renames, moves (`position`) or turns a PDV type on or off.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn update_pdv_type(
    shell: State<'_, Shell>,
    distributor: Option<i64>,
    id: i64,
    changes: PdvTypeChanges,
) -> CommandResult<PdvType> {
    let (backend, token) = shell.authed()?;
    shell
        .check(backend.update_pdv_type(&token, distributor, id, &changes).await)
        .await
}

/// The distributor's portal users (who sign in to the app).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn list_users(shell: State<'_, Shell>, distributor: Option<i64>) -> CommandResult<Vec<PortalUser>> {
    let (backend, token) = shell.authed()?;
    shell.check(backend.users(&token, distributor).await).await
}

/// A new portal user of the distributor, with a first password.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell, input))]
pub async fn create_user(
    shell: State<'_, Shell>,
    distributor: Option<i64>,
    input: NewUserInput,
) -> CommandResult<PortalUser> {
    let (backend, token) = shell.authed()?;
    let created = shell
        .check(backend.create_user(&token, distributor, &input).await)
        .await?;
    tracing::info!(id = created.id, role = ?created.role, "portal user created");
    Ok(created)
}

/// Changes a user's name, role, password or whether they may sign in. A new password
/// or a deactivation ends that user's sessions. The signed-in person cannot
/// deactivate themself or change their own role here (another admin can).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell, changes))]
pub async fn update_user(shell: State<'_, Shell>, id: i64, changes: UserChanges) -> CommandResult<PortalUser> {
    let (backend, token) = shell.authed()?;
    if let Some(me) = shell.session_info() {
        own_account(&me.user, id, &changes)?;
    }
    let updated = shell.check(backend.update_user(&token, id, &changes).await).await?;
    tracing::info!(
        id,
        password_changed = changes.password.is_some(),
        active = ?changes.active,
        role = ?changes.role,
        "portal user changed"
    );
    Ok(updated)
}

/// Refuses the changes that would lock the signed-in person out by accident. The
/// server stays the authority on everything else.
fn own_account(me: &User, id: i64, changes: &UserChanges) -> CommandResult<()> {
    if me.id != id {
        return Ok(());
    }
    let refuse = |message: &str| {
        Err(CommandError::OwnAccount {
            message: message.to_string(),
        })
    };
    if changes.active == Some(false) {
        return refuse("No podés desactivar tu propio usuario: pedíselo a otro administrador.");
    }
    if changes.role.is_some_and(|role| role != me.role) {
        return refuse("No podés cambiar tu propio rol: pedíselo a otro administrador.");
    }
    Ok(())
}

/// The distributor's TV tokens, revoked ones too (never the tokens themselves).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn list_tv_tokens(shell: State<'_, Shell>, distributor: Option<i64>) -> CommandResult<Vec<TvToken>> {
    let (backend, token) = shell.authed()?;
    shell.check(backend.tv_tokens(&token, distributor).await).await
}

/// A new TV token: the answer carries the token this one time only.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn create_tv_token(
    shell: State<'_, Shell>,
    distributor: Option<i64>,
    label: String,
) -> CommandResult<NewTvToken> {
    let (backend, token) = shell.authed()?;
    let created = shell
        .check(backend.create_tv_token(&token, distributor, label.trim()).await)
        .await?;
    tracing::info!(id = created.tv_token.id, "TV token created");
    Ok(created)
}

/// Revokes a TV token: that TV stops showing the ranking.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn revoke_tv_token(shell: State<'_, Shell>, distributor: Option<i64>, id: i64) -> CommandResult<()> {
    let (backend, token) = shell.authed()?;
    shell
        .check(backend.revoke_tv_token(&token, distributor, id).await)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Role;

    fn admin() -> User {
        User {
            id: 5,
            username: "admin.sur".into(),
            display_name: "Administración Sur".into(),
            role: Role::Admin,
            distributor_id: Some(1),
            distributor_name: None,
        }
    }

    #[test]
    fn nobody_locks_themself_out() {
        let me = admin();
        let deactivate = UserChanges {
            active: Some(false),
            ..UserChanges::default()
        };
        let demote = UserChanges {
            role: Some(Role::Supervisor),
            ..UserChanges::default()
        };
        for changes in [&deactivate, &demote] {
            assert_eq!(own_account(&me, 5, changes).map_err(|e| e.code()), Err("own_account"));
            // Another user: the server decides.
            assert_eq!(own_account(&me, 6, changes), Ok(()));
        }
        // Their own name, password, or the role they already have: fine.
        let harmless = UserChanges {
            display_name: Some("Ana".into()),
            password: Some("otra-clave-1".into()),
            role: Some(Role::Admin),
            active: Some(true),
        };
        assert_eq!(own_account(&me, 5, &harmless), Ok(()));
    }
}
