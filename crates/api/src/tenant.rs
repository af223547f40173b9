//! Which distributor a request is about.

use centermind_core::domain::DistributorId;
use centermind_core::domain::roles::{AccessError, Action, Actor, PortalRole};

use crate::ApiError;

/// The distributor a request addresses: a tenant user's own (asking for
/// another one is refused as not found), or, for the superadmin, the one named.
pub fn resolve(actor: &Actor, requested: Option<DistributorId>, action: Action) -> Result<DistributorId, ApiError> {
    let distributor = match (actor.role, requested, actor.distributor_id) {
        (PortalRole::Superadmin, Some(d), _) => d,
        (PortalRole::Superadmin, None, _) => {
            return Err(ApiError::Invalid(
                "distributor: es obligatorio para el superadmin".into(),
            ));
        }
        (_, None, Some(own)) => own,
        (_, Some(d), _) => d,
        (_, None, None) => return Err(AccessError::OtherTenant.into()),
    };
    actor.authorize(action, distributor)?;
    Ok(distributor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenant_users_get_their_own_distributor_and_nothing_else() {
        let a = Actor {
            user_id: 1,
            role: PortalRole::Viewer,
            distributor_id: Some(3),
        };
        assert_eq!(resolve(&a, None, Action::ReadReports).unwrap(), 3);
        assert_eq!(resolve(&a, Some(3), Action::ReadReports).unwrap(), 3);
        assert!(matches!(
            resolve(&a, Some(4), Action::ReadReports),
            Err(ApiError::NotFound)
        ));
        assert!(matches!(resolve(&a, None, Action::Evaluate), Err(ApiError::Forbidden)));
    }

    #[test]
    fn superadmin_must_name_the_distributor() {
        let s = Actor {
            user_id: 1,
            role: PortalRole::Superadmin,
            distributor_id: None,
        };
        assert_eq!(resolve(&s, Some(9), Action::Evaluate).unwrap(), 9);
        assert!(matches!(resolve(&s, None, Action::Evaluate), Err(ApiError::Invalid(_))));
    }
}
