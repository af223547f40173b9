//! Telegram groups registered to a distributor.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::writer::FetchWrite;
use super::{Db, now};
use crate::domain::{ChatId, DistributorId, GroupId};
use crate::{Error, Result};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Group {
    pub id: GroupId,
    pub distributor_id: DistributorId,
    pub chat_id: ChatId,
    pub title: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewGroup {
    pub distributor_id: DistributorId,
    pub chat_id: ChatId,
    pub title: String,
}

const SELECT: &str = "SELECT id, distributor_id, chat_id, title, active, created_at FROM telegram_groups";

impl Db {
    pub async fn create_group(&self, new: NewGroup) -> Result<Group> {
        let title = new.title.trim();
        if title.is_empty() {
            return Err(Error::invalid("title", "no puede quedar vacío"));
        }
        self.distributor(new.distributor_id).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO telegram_groups (distributor_id, chat_id, title, created_at) VALUES (?, ?, ?, ?) RETURNING id",
        )
        .bind(new.distributor_id)
        .bind(new.chat_id)
        .bind(title)
        .bind(now())
        .fetch_one_write(self)
        .await
        .map_err(|e| Error::unique_violation(e, "group", format!("chat {}", new.chat_id)))?;
        self.group(new.distributor_id, id).await
    }

    /// A group, looked up inside its distributor only.
    pub async fn group(&self, distributor_id: DistributorId, id: GroupId) -> Result<Group> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE distributor_id = ? AND id = ?"
        )))
        .bind(distributor_id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(Error::NotFound { entity: "group" })
    }

    /// The active group with this chat id for a distributor (what the bot asks).
    pub async fn group_by_chat(&self, distributor_id: DistributorId, chat_id: ChatId) -> Result<Option<Group>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE distributor_id = ? AND chat_id = ? AND active = 1"
        )))
        .bind(distributor_id)
        .bind(chat_id)
        .fetch_optional(self.pool())
        .await?)
    }

    pub async fn list_groups(&self, distributor_id: Option<DistributorId>) -> Result<Vec<Group>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE ?1 IS NULL OR distributor_id = ?1 ORDER BY distributor_id, title, id"
        )))
        .bind(distributor_id)
        .fetch_all(self.pool())
        .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewDistributor;
    use crate::store::test_support::temp_db;

    #[tokio::test]
    async fn chat_ids_are_unique_per_distributor_only() {
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
                chat_id: -1001,
                title: "Ventas".into(),
            })
            .await
            .unwrap();
        assert!(matches!(
            db.create_group(NewGroup {
                distributor_id: a.id,
                chat_id: -1001,
                title: "Otra".into()
            })
            .await,
            Err(Error::AlreadyExists { .. })
        ));
        db.create_group(NewGroup {
            distributor_id: b.id,
            chat_id: -1001,
            title: "Ventas B".into(),
        })
        .await
        .unwrap();
        assert_eq!(db.group_by_chat(a.id, -1001).await.unwrap().unwrap().id, g.id);
        assert!(
            matches!(db.group(b.id, g.id).await, Err(Error::NotFound { .. })),
            "other tenant's group is invisible"
        );
        assert_eq!(db.list_groups(Some(a.id)).await.unwrap().len(), 1);
        assert_eq!(db.list_groups(None).await.unwrap().len(), 2);
        assert!(
            db.create_group(NewGroup {
                distributor_id: 77,
                chat_id: 1,
                title: "x".into()
            })
            .await
            .is_err()
        );
    }
}
