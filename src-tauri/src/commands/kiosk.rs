//! This computer as the office TV: it shows one distributor's ranking with a TV
//! token (created by an admin in Administración → Pantallas TV) instead of a
//! person's session, so nobody's account stays signed in on a screen in the
//! hall. The token is kept in the OS credential store: the TV comes back by
//! itself after a restart.

use std::sync::atomic::{AtomicBool, Ordering};

use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

use crate::client::Token;
use crate::error::{CommandError, CommandResult};
use crate::live::{self, LiveMessage, Source};
use crate::model::{KioskInfo, Ranking};
use crate::session::{Shell, kiosk_key};

/// Checks `tv_token` with the server and makes this computer its distributor's TV.
/// A signed-in person's session is closed here (a TV keeps nobody's account).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell, tv_token))]
pub async fn start_kiosk(shell: State<'_, Shell>, tv_token: String) -> CommandResult<KioskInfo> {
    let backend = shell.backend()?;
    let code = tv_token.trim();
    if code.is_empty() {
        return Err(invalid_code());
    }
    let token = Token::new(code.to_string());
    let ranking = backend.tv_ranking(&token).await.map_err(|e| match e {
        CommandError::Unauthenticated { .. } => invalid_code(),
        other => other,
    })?;
    shell.sign_out().await;
    if let Err(e) = shell.save_token(&kiosk_key(backend.base()), &token).await {
        // It works until the app closes; the next start asks for the code again.
        tracing::warn!(error = %e, "cannot keep the TV code in the credential store");
    }
    let info = KioskInfo {
        server_url: backend.base().to_string(),
        distributor_name: ranking.distributor_name,
    };
    shell.start_kiosk(token, info.clone());
    tracing::info!("this computer is now a TV screen");
    Ok(info)
}

fn invalid_code() -> CommandError {
    CommandError::InvalidTvToken {
        message: "El servidor no reconoce este código de pantalla TV.".into(),
    }
}

/// The TV mode: the one in memory, else one restored from the credential store.
/// A revoked code is forgotten; an unreachable server keeps the TV mode (the
/// screen retries), so a TV that boots before the network still comes back.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn kiosk_status(shell: State<'_, Shell>) -> CommandResult<Option<KioskInfo>> {
    if let Some(info) = shell.kiosk_info() {
        return Ok(Some(info));
    }
    let Some(server) = shell.server() else {
        return Ok(None);
    };
    let token = match shell.load_token(&kiosk_key(&server)).await {
        Ok(Some(token)) => token,
        Ok(None) => return Ok(None),
        Err(e) => {
            tracing::warn!(error = %e, "cannot read the TV code");
            return Ok(None);
        }
    };
    let name = match shell.backend()?.tv_ranking(&token).await {
        Ok(ranking) => ranking.distributor_name,
        Err(CommandError::Unauthenticated { .. }) => {
            shell.delete_token(&kiosk_key(&server)).await?;
            return Ok(None);
        }
        Err(e) => {
            tracing::info!(error = %e, "TV mode restored while the server does not answer");
            String::new()
        }
    };
    let info = KioskInfo {
        server_url: server.to_string(),
        distributor_name: name,
    };
    shell.start_kiosk(token, info.clone());
    Ok(Some(info))
}

/// The current month's ranking of the TV's distributor. A revoked code leaves TV mode.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn kiosk_ranking(shell: State<'_, Shell>) -> CommandResult<Ranking> {
    let (backend, token) = shell.kiosk()?;
    let ranking = shell.check_kiosk(backend.tv_ranking(&token).await).await?;
    shell.set_kiosk_name(&ranking.distributor_name);
    Ok(ranking)
}

/// Follows the TV stream (`ranking_changed`) like [`super::live::follow_events`];
/// stopped with `unfollow_events`. A stream that ends because the code was
/// revoked forgets the code at once (not at the next start, which might find
/// the server down and come back as a TV with a dead code).
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip_all)]
pub async fn follow_kiosk_events(
    app: AppHandle,
    shell: State<'_, Shell>,
    on_message: Channel<LiveMessage>,
) -> CommandResult<u32> {
    let (backend, token) = shell.kiosk()?;
    let task = tauri::async_runtime::spawn(async move {
        let revoked = AtomicBool::new(false);
        live::follow_source(&backend, &token, Source::Tv, |m| {
            if matches!(m, LiveMessage::SignedOut) {
                revoked.store(true, Ordering::Relaxed);
            }
            on_message.send(m).is_ok()
        })
        .await;
        if revoked.load(Ordering::Relaxed) {
            match app.state::<Shell>().forget_revoked_kiosk(&token).await {
                Ok(true) => tracing::info!("the TV code was revoked: forgotten"),
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "could not forget the revoked TV code"),
            }
        }
    });
    Ok(shell.start_live(task))
}

/// Stops being a TV and forgets the code.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn end_kiosk(shell: State<'_, Shell>) -> CommandResult<()> {
    shell.end_kiosk().await?;
    tracing::info!("this computer is no longer a TV screen");
    Ok(())
}
