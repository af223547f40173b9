//! What the visor's and the history's filters can offer.

use tauri::State;

use crate::client::{Backend, Token};
use crate::error::{CommandError, CommandResult};
use crate::model::{FilterChoice, FilterChoices, Role};
use crate::session::Shell;

/// Groups, vendors and PDV types to filter by. PDV types need only read access;
/// groups and vendors come from the administration endpoints, so for other roles
/// (or when the server refuses) they are `null` and the UI offers the ones it has
/// seen in the listings instead.
#[tauri::command]
#[specta::specta]
#[tracing::instrument(skip(shell))]
pub async fn filter_choices(shell: State<'_, Shell>, distributor: Option<i64>) -> CommandResult<FilterChoices> {
    let (backend, token) = shell.authed()?;
    let admin = shell
        .session_info()
        .is_some_and(|s| matches!(s.user.role, Role::Admin | Role::Superadmin));
    let result = choices(&backend, &token, distributor, admin).await;
    shell.check(result).await
}

async fn choices(
    backend: &Backend,
    token: &Token,
    distributor: Option<i64>,
    admin: bool,
) -> CommandResult<FilterChoices> {
    let pdv_types = backend
        .pdv_types(token, distributor)
        .await?
        .into_iter()
        .map(|p| FilterChoice {
            id: p.id,
            name: p.name,
            active: p.active,
        })
        .collect();
    let (groups, vendors) = if admin {
        let (groups, vendors) = tokio::join!(backend.groups(token, distributor), backend.members(token, distributor));
        let groups = groups.map(|list| {
            list.into_iter()
                .map(|g| FilterChoice {
                    id: g.id,
                    name: g.title,
                    active: g.active,
                })
                .collect()
        });
        let vendors = vendors.map(|list| {
            list.into_iter()
                .map(|m| FilterChoice {
                    id: m.id,
                    name: m.name(),
                    active: m.active,
                })
                .collect()
        });
        (optional(groups)?, optional(vendors)?)
    } else {
        (None, None)
    };
    Ok(FilterChoices {
        groups,
        vendors,
        pdv_types,
    })
}

/// A refused admin list is "not available", not an error; a lost session is.
fn optional(result: CommandResult<Vec<FilterChoice>>) -> CommandResult<Option<Vec<FilterChoice>>> {
    match result {
        Ok(list) => Ok(Some(list)),
        Err(CommandError::Forbidden { .. } | CommandError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_admin_lists_become_none() {
        let forbidden: CommandResult<Vec<FilterChoice>> = Err(CommandError::Forbidden { message: "m".into() });
        assert_eq!(optional(forbidden), Ok(None));
        let signed_out: CommandResult<Vec<FilterChoice>> = Err(CommandError::signed_out());
        assert_eq!(optional(signed_out).map_err(|e| e.code()), Err("unauthenticated"));
        assert_eq!(optional(Ok(vec![])), Ok(Some(vec![])));
    }
}
