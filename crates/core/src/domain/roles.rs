//! Who may do what. Portal users (desktop/API) have a role and, except the
//! superadmin, belong to exactly one distributor (the tenant).

use serde::{Deserialize, Serialize};

use super::DistributorId;

/// Role of a portal (desktop/API) user, ordered by privilege.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "TEXT", rename_all = "lowercase")]
pub enum PortalRole {
    /// Read-only: ranking and reports.
    Viewer,
    /// Reviews exhibitions of their distributor.
    Supervisor,
    /// Manages their distributor: users, groups, members, PDV types, settings.
    Admin,
    /// Manages every distributor.
    Superadmin,
}

impl PortalRole {
    pub const ALL: [PortalRole; 4] = [Self::Viewer, Self::Supervisor, Self::Admin, Self::Superadmin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Supervisor => "supervisor",
            Self::Admin => "admin",
            Self::Superadmin => "superadmin",
        }
    }
}

impl std::str::FromStr for PortalRole {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown role '{s}' (expected viewer, supervisor, admin or superadmin)"))
    }
}

/// Role of a Telegram member inside a distributor (gates bot commands).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "TEXT", rename_all = "lowercase")]
pub enum MemberRole {
    Vendor,
    Supervisor,
    Admin,
}

impl MemberRole {
    pub const ALL: [MemberRole; 3] = [Self::Vendor, Self::Supervisor, Self::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Vendor => "vendor",
            Self::Supervisor => "supervisor",
            Self::Admin => "admin",
        }
    }

    /// Whether this member may use a bot command that requires `required`.
    pub fn allows(self, required: MemberRole) -> bool {
        self >= required
    }
}

impl std::str::FromStr for MemberRole {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| format!("unknown member role '{s}' (expected vendor, supervisor or admin)"))
    }
}

/// Something a portal user wants to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// See ranking, KPIs and reports.
    ReadReports,
    /// See exhibitions and their photos.
    ReadExhibitions,
    /// Approve, reject, highlight, or change a verdict.
    Evaluate,
    /// Manage users, groups, members, PDV types and settings of a distributor.
    ManageDistributor,
    /// Create distributors, see all tenants.
    ManageAllDistributors,
    /// See, pause, resume, reschedule and run the server's scheduled jobs
    /// (backups, housekeeping, summaries): they concern every tenant.
    ManageServer,
}

impl Action {
    fn minimum_role(self) -> PortalRole {
        match self {
            Self::ReadReports | Self::ReadExhibitions => PortalRole::Viewer,
            Self::Evaluate => PortalRole::Supervisor,
            Self::ManageDistributor => PortalRole::Admin,
            Self::ManageAllDistributors | Self::ManageServer => PortalRole::Superadmin,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    #[error("role {role:?} may not {action:?}")]
    RoleTooLow { role: PortalRole, action: Action },
    /// Deliberately says nothing about whether the other tenant's object exists.
    #[error("not in the caller's distributor")]
    OtherTenant,
    #[error("user is inactive")]
    Inactive,
}

/// The authenticated caller, as the server sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actor {
    pub user_id: super::PortalUserId,
    pub role: PortalRole,
    /// `None` only for the superadmin.
    pub distributor_id: Option<DistributorId>,
}

impl Actor {
    /// Check that the actor may perform `action` on data of `distributor`.
    pub fn authorize(&self, action: Action, distributor: DistributorId) -> Result<(), AccessError> {
        if self.role < action.minimum_role() {
            return Err(AccessError::RoleTooLow {
                role: self.role,
                action,
            });
        }
        match (self.role, self.distributor_id) {
            (PortalRole::Superadmin, _) => Ok(()),
            (_, Some(own)) if own == distributor => Ok(()),
            _ => Err(AccessError::OtherTenant),
        }
    }

    /// Check a role-only action (no specific tenant involved).
    pub fn require(&self, action: Action) -> Result<(), AccessError> {
        if self.role < action.minimum_role() {
            return Err(AccessError::RoleTooLow {
                role: self.role,
                action,
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: PortalRole, distributor: Option<DistributorId>) -> Actor {
        Actor {
            user_id: 1,
            role,
            distributor_id: distributor,
        }
    }

    #[test]
    fn viewer_never_writes() {
        let v = actor(PortalRole::Viewer, Some(1));
        assert!(v.authorize(Action::ReadReports, 1).is_ok());
        assert!(v.authorize(Action::ReadExhibitions, 1).is_ok());
        assert_eq!(
            v.authorize(Action::Evaluate, 1),
            Err(AccessError::RoleTooLow {
                role: PortalRole::Viewer,
                action: Action::Evaluate
            })
        );
        assert!(v.authorize(Action::ManageDistributor, 1).is_err());
    }

    #[test]
    fn supervisor_evaluates_only_own_distributor() {
        let s = actor(PortalRole::Supervisor, Some(1));
        assert!(s.authorize(Action::Evaluate, 1).is_ok());
        assert_eq!(s.authorize(Action::Evaluate, 2), Err(AccessError::OtherTenant));
        assert!(s.authorize(Action::ManageDistributor, 1).is_err());
    }

    #[test]
    fn admin_manages_own_distributor_but_not_others() {
        let a = actor(PortalRole::Admin, Some(7));
        assert!(a.authorize(Action::ManageDistributor, 7).is_ok());
        assert!(a.authorize(Action::Evaluate, 7).is_ok());
        assert_eq!(a.authorize(Action::ManageDistributor, 8), Err(AccessError::OtherTenant));
        assert!(a.require(Action::ManageAllDistributors).is_err());
    }

    #[test]
    fn superadmin_reaches_every_distributor() {
        let s = actor(PortalRole::Superadmin, None);
        for d in [1, 2, 99] {
            assert!(s.authorize(Action::ManageDistributor, d).is_ok());
        }
        assert!(s.require(Action::ManageAllDistributors).is_ok());
    }

    #[test]
    fn only_the_superadmin_manages_the_server() {
        for role in [PortalRole::Viewer, PortalRole::Supervisor, PortalRole::Admin] {
            assert_eq!(
                actor(role, Some(1)).require(Action::ManageServer),
                Err(AccessError::RoleTooLow {
                    role,
                    action: Action::ManageServer
                })
            );
        }
        assert!(
            actor(PortalRole::Superadmin, None)
                .require(Action::ManageServer)
                .is_ok()
        );
    }

    #[test]
    fn tenant_user_without_distributor_is_refused() {
        let broken = actor(PortalRole::Admin, None);
        assert_eq!(broken.authorize(Action::ReadReports, 1), Err(AccessError::OtherTenant));
    }

    #[test]
    fn member_roles_gate_commands_by_level() {
        assert!(MemberRole::Admin.allows(MemberRole::Supervisor));
        assert!(MemberRole::Supervisor.allows(MemberRole::Supervisor));
        assert!(!MemberRole::Vendor.allows(MemberRole::Supervisor));
        assert!(MemberRole::Vendor.allows(MemberRole::Vendor));
    }

    #[test]
    fn roles_parse_from_their_names() {
        for r in PortalRole::ALL {
            assert_eq!(r.as_str().parse::<PortalRole>().unwrap(), r);
        }
        assert!("root".parse::<PortalRole>().is_err());
        assert_eq!("vendor".parse::<MemberRole>().unwrap(), MemberRole::Vendor);
    }
}
