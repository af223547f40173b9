//! Signing in and out. The token stays in Rust (and, with "Recordarme", in the
//! OS credential store); the UI only ever sees [`SessionInfo`].

use tauri::State;

use crate::client::{Backend, LoginReply, Token};
use crate::error::{CommandError, CommandResult};
use crate::model::{FirstSetupInput, SessionInfo};
use crate::session::{Shell, session_info};

/// Signs in. With `remember`, the token is kept in the OS credential store for
/// the next start; without it, any token remembered for this server is forgotten.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell, password))]
pub async fn login(
    shell: State<'_, Shell>,
    username: String,
    password: String,
    remember: bool,
) -> CommandResult<SessionInfo> {
    let backend = shell.backend()?;
    let reply = backend.login(username.trim(), &password).await?;
    start(&shell, &backend, reply, remember).await
}

/// Keeps the new session (and, with `remember`, its token in the credential store).
async fn start(shell: &Shell, backend: &Backend, reply: LoginReply, remember: bool) -> CommandResult<SessionInfo> {
    let token = Token::new(reply.token);
    let server = backend.base().as_str();
    let stored = if remember {
        shell.save_token(server, &token).await
    } else {
        shell.delete_token(server).await
    };
    if let Err(e) = &stored {
        tracing::warn!(error = %e, "credential store");
    }
    let remembered = remember && stored.is_ok();
    let info = session_info(
        reply.user,
        backend.base(),
        Some(reply.expires_at),
        remembered,
        remember && !remembered,
    );
    shell.start_session(token, info.clone());
    Ok(info)
}

/// True when the server has no user yet: the app shows the first-run form
/// instead of the login.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn setup_status(shell: State<'_, Shell>) -> CommandResult<bool> {
    shell.backend()?.needs_setup().await
}

/// First run of a fresh install: creates the first distributor and its
/// superadmin on the server (allowed only on the server's own machine, which
/// "este equipo" is) and signs in as that user, like [`login`].
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn first_setup(
    shell: State<'_, Shell>,
    input: FirstSetupInput,
    remember: bool,
) -> CommandResult<SessionInfo> {
    let backend = shell.backend()?;
    let reply = backend.first_setup(&input).await?;
    start(&shell, &backend, reply, remember).await
}

/// Signs out on the server (best effort) and forgets the token here and in the
/// credential store.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn logout(shell: State<'_, Shell>) -> CommandResult<()> {
    if let Ok((backend, token)) = shell.authed()
        && let Err(e) = backend.logout(&token).await
    {
        // Offline or already expired: the token is forgotten here all the same.
        tracing::info!(error = %e, "server logout failed");
    }
    shell.end_session(true).await
}

/// Changes the signed-in user's own password (the current one must be given).
/// The server ends the user's other sessions; this one, and a token remembered
/// for it, stay valid.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell, current, new_password))]
pub async fn change_password(shell: State<'_, Shell>, current: String, new_password: String) -> CommandResult<()> {
    let (backend, token) = shell.authed()?;
    shell
        .check(backend.change_password(&token, &current, &new_password).await)
        .await?;
    tracing::info!("own password changed");
    Ok(())
}

/// The current session: the one in memory, else one restored from a remembered
/// token (checked with `GET /api/v1/me`), else `null`.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn current_session(shell: State<'_, Shell>) -> CommandResult<Option<SessionInfo>> {
    if let Some(info) = shell.session_info() {
        return Ok(Some(info));
    }
    let Some(server) = shell.server() else {
        return Ok(None);
    };
    let token = match shell.load_token(server.as_str()).await {
        Ok(Some(t)) => t,
        Ok(None) => return Ok(None),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the remembered token");
            return Ok(None);
        }
    };
    match shell.backend()?.me(&token).await {
        Ok(user) => {
            let info = session_info(user, &server, None, true, false);
            shell.start_session(token, info.clone());
            Ok(Some(info))
        }
        Err(CommandError::Unauthenticated { .. }) => {
            shell.delete_token(server.as_str()).await?;
            Ok(None)
        }
        Err(e) => Err(e),
    }
}
