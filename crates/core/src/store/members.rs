//! Telegram users known to a distributor (vendors, supervisors, admins).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::writer::{ExecuteWrite, FetchWrite};
use super::{Db, now};
use crate::domain::roles::MemberRole;
use crate::domain::{DistributorId, MemberId, TelegramUserId};
use crate::{Error, Result};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Member {
    pub id: MemberId,
    pub distributor_id: DistributorId,
    pub telegram_user_id: TelegramUserId,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub role: MemberRole,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Member {
    /// "First Last", or the username, or the Telegram id: never empty.
    pub fn display_name(&self) -> String {
        let full = match &self.last_name {
            Some(last) if !last.trim().is_empty() => {
                format!("{} {}", self.first_name.trim(), last.trim())
            }
            _ => self.first_name.trim().to_string(),
        };
        if !full.trim().is_empty() {
            full.trim().to_string()
        } else if let Some(u) = &self.username {
            format!("@{u}")
        } else {
            self.telegram_user_id.to_string()
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewMember {
    pub distributor_id: DistributorId,
    pub telegram_user_id: TelegramUserId,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
}

const SELECT: &str = "SELECT id, distributor_id, telegram_user_id, first_name, last_name, username, role, active, \
                      created_at, updated_at FROM members";

impl Db {
    /// Register a member on first contact, or refresh their names; the role is kept.
    /// Safe to run twice for the same update (idempotent upsert).
    pub async fn upsert_member(&self, new: NewMember) -> Result<Member> {
        let at = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO members (distributor_id, telegram_user_id, first_name, last_name, username, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (distributor_id, telegram_user_id) DO UPDATE SET \
               first_name = excluded.first_name, last_name = excluded.last_name, username = excluded.username, \
               updated_at = excluded.updated_at \
             RETURNING id",
        )
        .bind(new.distributor_id)
        .bind(new.telegram_user_id)
        .bind(new.first_name.trim())
        .bind(new.last_name.as_deref().map(str::trim))
        .bind(new.username.as_deref().map(str::trim))
        .bind(at)
        .bind(at)
        .fetch_one_write(self)
        .await?;
        self.member(new.distributor_id, id).await
    }

    pub async fn member(&self, distributor_id: DistributorId, id: MemberId) -> Result<Member> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE distributor_id = ? AND id = ?"
        )))
        .bind(distributor_id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(Error::NotFound { entity: "member" })
    }

    pub async fn member_by_telegram_id(
        &self,
        distributor_id: DistributorId,
        user: TelegramUserId,
    ) -> Result<Option<Member>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE distributor_id = ? AND telegram_user_id = ?"
        )))
        .bind(distributor_id)
        .bind(user)
        .fetch_optional(self.pool())
        .await?)
    }

    pub async fn list_members(&self, distributor_id: DistributorId) -> Result<Vec<Member>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE distributor_id = ? ORDER BY first_name, last_name, id"
        )))
        .bind(distributor_id)
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn set_member_role(
        &self,
        distributor_id: DistributorId,
        id: MemberId,
        role: MemberRole,
    ) -> Result<Member> {
        let n = sqlx::query("UPDATE members SET role = ?, updated_at = ? WHERE distributor_id = ? AND id = ?")
            .bind(role)
            .bind(now())
            .bind(distributor_id)
            .bind(id)
            .execute_write(self)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(Error::NotFound { entity: "member" });
        }
        self.member(distributor_id, id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewDistributor;
    use crate::store::test_support::temp_db;

    #[tokio::test]
    async fn upsert_is_idempotent_and_keeps_the_role() {
        let (db, _d) = temp_db().await;
        let d = db
            .create_distributor(NewDistributor {
                name: "A".into(),
                time_zone: None,
                bot_token: None,
                admin_telegram_id: None,
            })
            .await
            .unwrap();
        let new = NewMember {
            distributor_id: d.id,
            telegram_user_id: 555,
            first_name: "Ana".into(),
            last_name: None,
            username: Some("ana".into()),
        };
        let m = db.upsert_member(new.clone()).await.unwrap();
        assert_eq!(m.role, MemberRole::Vendor);
        db.set_member_role(d.id, m.id, MemberRole::Supervisor).await.unwrap();
        let again = db
            .upsert_member(NewMember {
                last_name: Some("Paz".into()),
                ..new
            })
            .await
            .unwrap();
        assert_eq!(again.id, m.id);
        assert_eq!(again.role, MemberRole::Supervisor);
        assert_eq!(again.display_name(), "Ana Paz");
        assert_eq!(db.list_members(d.id).await.unwrap().len(), 1);
        assert!(db.set_member_role(d.id + 1, m.id, MemberRole::Admin).await.is_err());
    }

    #[test]
    fn display_name_is_never_empty() {
        let mut m = Member {
            id: 1,
            distributor_id: 1,
            telegram_user_id: 99,
            first_name: " ".into(),
            last_name: None,
            username: None,
            role: MemberRole::Vendor,
            active: true,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        assert_eq!(m.display_name(), "99");
        m.username = Some("beto".into());
        assert_eq!(m.display_name(), "@beto");
    }
}
