//! Administration writes on a tenant's groups, members, PDV types and portal
//! users. Every function takes the distributor: a row of another tenant is
//! "not found".

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::writer::ExecuteWrite;
use super::{Db, Group, Member, PdvType, PortalUser, now};
use crate::domain::roles::{MemberRole, PortalRole};
use crate::domain::{DistributorId, GroupId, MemberId, PdvTypeId, PortalUserId};
use crate::{Error, Result};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct GroupUpdate {
    pub title: Option<String>,
    pub active: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MemberUpdate {
    pub role: Option<MemberRole>,
    pub active: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PdvTypeUpdate {
    pub name: Option<String>,
    pub position: Option<i64>,
    pub active: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct PortalUserUpdate {
    pub display_name: Option<String>,
    pub role: Option<PortalRole>,
    pub active: Option<bool>,
}

fn not_found(entity: &'static str) -> Error {
    Error::NotFound { entity }
}

impl Db {
    pub async fn update_group(&self, distributor_id: DistributorId, id: GroupId, u: GroupUpdate) -> Result<Group> {
        let current = self.group(distributor_id, id).await?;
        let title = match u.title.as_deref().map(str::trim) {
            Some("") => return Err(Error::invalid("title", "no puede quedar vacío")),
            Some(t) => t.to_string(),
            None => current.title,
        };
        sqlx::query("UPDATE telegram_groups SET title = ?, active = ? WHERE distributor_id = ? AND id = ?")
            .bind(title)
            .bind(u.active.unwrap_or(current.active))
            .bind(distributor_id)
            .bind(id)
            .execute_write(self)
            .await?;
        self.group(distributor_id, id).await
    }

    pub async fn update_member(&self, distributor_id: DistributorId, id: MemberId, u: MemberUpdate) -> Result<Member> {
        let current = self.member(distributor_id, id).await?;
        sqlx::query("UPDATE members SET role = ?, active = ?, updated_at = ? WHERE distributor_id = ? AND id = ?")
            .bind(u.role.unwrap_or(current.role))
            .bind(u.active.unwrap_or(current.active))
            .bind(now())
            .bind(distributor_id)
            .bind(id)
            .execute_write(self)
            .await?;
        self.member(distributor_id, id).await
    }

    pub async fn update_pdv_type(
        &self,
        distributor_id: DistributorId,
        id: PdvTypeId,
        u: PdvTypeUpdate,
    ) -> Result<PdvType> {
        let current = self.pdv_type(distributor_id, id).await?;
        let name = match u.name.as_deref().map(str::trim) {
            Some(n) if n.is_empty() || n.chars().count() > 60 => {
                return Err(Error::invalid("name", "debe tener de 1 a 60 caracteres"));
            }
            Some(n) => n.to_string(),
            None => current.name,
        };
        sqlx::query("UPDATE pdv_types SET name = ?, position = ?, active = ? WHERE distributor_id = ? AND id = ?")
            .bind(&name)
            .bind(u.position.unwrap_or(current.position))
            .bind(u.active.unwrap_or(current.active))
            .bind(distributor_id)
            .bind(id)
            .execute_write(self)
            .await
            .map_err(|e| Error::unique_violation(e, "pdv type", name.clone()))?;
        self.pdv_type(distributor_id, id).await
    }

    /// A portal user, looked up inside one distributor (`None`: any, for the superadmin).
    pub async fn portal_user_in(&self, distributor_id: Option<DistributorId>, id: PortalUserId) -> Result<PortalUser> {
        let user = self.portal_user(id).await?;
        match distributor_id {
            Some(d) if user.distributor_id != Some(d) => Err(not_found("user")),
            _ => Ok(user),
        }
    }

    /// Change a user's name, role or active flag. A tenant user can never be
    /// turned into a superadmin (the schema refuses it too); deactivation ends sessions.
    pub async fn update_portal_user(
        &self,
        id: PortalUserId,
        u: PortalUserUpdate,
        at: DateTime<Utc>,
    ) -> Result<PortalUser> {
        let current = self.portal_user(id).await?;
        let role = u.role.unwrap_or(current.role);
        if (role == PortalRole::Superadmin) != (current.role == PortalRole::Superadmin) {
            return Err(Error::invalid(
                "role",
                "el rol superadmin no se puede dar ni quitar acá",
            ));
        }
        let display = match u.display_name.as_deref().map(str::trim) {
            Some("") => return Err(Error::invalid("display_name", "no puede quedar vacío")),
            Some(d) => d.to_string(),
            None => current.display_name,
        };
        sqlx::query("UPDATE portal_users SET display_name = ?, role = ?, updated_at = ? WHERE id = ?")
            .bind(display)
            .bind(role)
            .bind(at)
            .bind(id)
            .execute_write(self)
            .await?;
        if let Some(active) = u.active
            && active != current.active
        {
            self.set_portal_user_active(id, active, at).await?;
        }
        self.portal_user(id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;
    use crate::store::test_support::temp_db;
    use crate::store::{NewDistributor, NewGroup, NewMember, NewPortalUser};

    #[tokio::test]
    async fn updates_stay_inside_their_tenant() {
        let (db, _d) = temp_db().await;
        let mk = |n: &str| NewDistributor {
            name: n.into(),
            time_zone: None,
            bot_token: None,
            admin_telegram_id: None,
        };
        let a = db.create_distributor(mk("A")).await.unwrap();
        let b = db.create_distributor(mk("B")).await.unwrap();
        let g = db
            .create_group(NewGroup {
                distributor_id: a.id,
                chat_id: -1,
                title: "Ventas".into(),
            })
            .await
            .unwrap();
        let g2 = db
            .update_group(
                a.id,
                g.id,
                GroupUpdate {
                    title: Some("Ventas Sur".into()),
                    active: Some(false),
                },
            )
            .await
            .unwrap();
        assert_eq!((g2.title.as_str(), g2.active), ("Ventas Sur", false));
        assert!(matches!(
            db.update_group(b.id, g.id, GroupUpdate::default()).await,
            Err(Error::NotFound { .. })
        ));

        let m = db
            .upsert_member(NewMember {
                distributor_id: a.id,
                telegram_user_id: 5,
                first_name: "Ana".into(),
                last_name: None,
                username: None,
            })
            .await
            .unwrap();
        let m2 = db
            .update_member(
                a.id,
                m.id,
                MemberUpdate {
                    role: Some(MemberRole::Admin),
                    active: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(m2.role, MemberRole::Admin);
        assert!(db.update_member(b.id, m.id, MemberUpdate::default()).await.is_err());

        let p = db.list_pdv_types(a.id, false).await.unwrap()[0].clone();
        let p2 = db
            .update_pdv_type(
                a.id,
                p.id,
                PdvTypeUpdate {
                    name: Some("Kiosco 24 h".into()),
                    position: Some(9),
                    active: Some(false),
                },
            )
            .await
            .unwrap();
        assert_eq!((p2.name.as_str(), p2.position, p2.active), ("Kiosco 24 h", 9, false));
        assert!(matches!(
            db.update_pdv_type(
                a.id,
                p.id,
                PdvTypeUpdate {
                    name: Some("Almacén".into()),
                    ..Default::default()
                }
            )
            .await,
            Err(Error::AlreadyExists { .. })
        ));
        assert!(db.update_pdv_type(b.id, p.id, PdvTypeUpdate::default()).await.is_err());

        let u = db
            .create_portal_user(NewPortalUser {
                username: "sofia".into(),
                display_name: None,
                password: Secret::new("clave-segura".into()),
                role: PortalRole::Viewer,
                distributor_id: Some(a.id),
            })
            .await
            .unwrap();
        assert!(db.portal_user_in(Some(b.id), u.id).await.is_err());
        let u2 = db
            .update_portal_user(
                u.id,
                PortalUserUpdate {
                    role: Some(PortalRole::Supervisor),
                    display_name: Some("Sofía".into()),
                    active: Some(false),
                },
                now(),
            )
            .await
            .unwrap();
        assert_eq!(
            (u2.role, u2.display_name.as_str(), u2.active),
            (PortalRole::Supervisor, "Sofía", false)
        );
        assert!(
            db.update_portal_user(
                u.id,
                PortalUserUpdate {
                    role: Some(PortalRole::Superadmin),
                    ..Default::default()
                },
                now()
            )
            .await
            .is_err()
        );
    }

    fn invalid<T: std::fmt::Debug>(r: Result<T>) -> (&'static str, String) {
        match r {
            Err(Error::Invalid { field, reason }) => (field, reason),
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn what_is_refused_is_explained_in_spanish() {
        let (db, _d) = temp_db().await;
        let a = db
            .create_distributor(NewDistributor {
                name: "A".into(),
                time_zone: None,
                bot_token: None,
                admin_telegram_id: None,
            })
            .await
            .unwrap();
        let empty = || "no puede quedar vacío".to_string();
        assert_eq!(
            invalid(
                db.create_group(NewGroup {
                    distributor_id: a.id,
                    chat_id: -1,
                    title: " ".into(),
                })
                .await
            ),
            ("title", empty())
        );
        let g = db
            .create_group(NewGroup {
                distributor_id: a.id,
                chat_id: -1,
                title: "Ventas".into(),
            })
            .await
            .unwrap();
        let title = GroupUpdate {
            title: Some(" ".into()),
            active: None,
        };
        assert_eq!(invalid(db.update_group(a.id, g.id, title).await), ("title", empty()));

        let sixty = || "debe tener de 1 a 60 caracteres".to_string();
        assert_eq!(
            invalid(db.create_pdv_type(a.id, &"x".repeat(61)).await),
            ("name", sixty())
        );
        let p = db.create_pdv_type(a.id, &"x".repeat(60)).await.unwrap();
        let rename = PdvTypeUpdate {
            name: Some(String::new()),
            ..Default::default()
        };
        assert_eq!(invalid(db.update_pdv_type(a.id, p.id, rename).await), ("name", sixty()));

        let u = db
            .create_portal_user(NewPortalUser {
                username: "sofia".into(),
                display_name: None,
                password: Secret::new("clave-segura".into()),
                role: PortalRole::Viewer,
                distributor_id: Some(a.id),
            })
            .await
            .unwrap();
        assert_eq!(
            invalid(
                db.update_portal_user(
                    u.id,
                    PortalUserUpdate {
                        display_name: Some(String::new()),
                        ..Default::default()
                    },
                    now()
                )
                .await
            ),
            ("display_name", empty())
        );
        assert_eq!(
            invalid(
                db.update_portal_user(
                    u.id,
                    PortalUserUpdate {
                        role: Some(PortalRole::Superadmin),
                        ..Default::default()
                    },
                    now()
                )
                .await
            ),
            ("role", "el rol superadmin no se puede dar ni quitar acá".to_string())
        );
        assert_eq!(
            invalid(db.create_tv_token(a.id, &"x".repeat(81), u.id, now()).await),
            ("label", "debe tener de 1 a 80 caracteres".to_string())
        );
    }
}
