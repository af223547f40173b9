//! `bot_status`: what each distributor's Telegram bot is doing, as the
//! supervisor in the sidecar last recorded it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Db;
use super::writer::ExecuteWrite;
use crate::Result;
use crate::domain::DistributorId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "TEXT", rename_all = "snake_case")]
pub enum BotState {
    Stopped,
    Starting,
    Running,
    /// Failed and waiting for its next start (backoff).
    Restarting,
    /// Gave up after too many consecutive failures.
    Failed,
    /// Telegram refused the token (401): nothing runs until it changes.
    InvalidToken,
}

impl BotState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Stopped => "stopped",
            Self::Starting => "starting",
            Self::Running => "running",
            Self::Restarting => "restarting",
            Self::Failed => "failed",
            Self::InvalidToken => "invalid_token",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct BotStatus {
    pub distributor_id: DistributorId,
    pub state: BotState,
    pub started_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub restarts: i64,
    pub updates_handled: i64,
    pub updated_at: DateTime<Utc>,
}

/// A new state for a bot. `updates_handled` is kept (see [`Db::add_bot_updates`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BotStatusChange<'a> {
    pub state: BotState,
    pub started_at: Option<DateTime<Utc>>,
    pub last_error: Option<&'a str>,
    pub restarts: i64,
}

const SELECT: &str =
    "SELECT distributor_id, state, started_at, last_error, restarts, updates_handled, updated_at FROM bot_status";

impl Db {
    pub async fn set_bot_status(
        &self,
        distributor_id: DistributorId,
        change: &BotStatusChange<'_>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO bot_status (distributor_id, state, started_at, last_error, restarts, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?) \
             ON CONFLICT (distributor_id) DO UPDATE SET state = excluded.state, started_at = excluded.started_at, \
               last_error = excluded.last_error, restarts = excluded.restarts, updated_at = excluded.updated_at",
        )
        .bind(distributor_id)
        .bind(change.state)
        .bind(change.started_at)
        .bind(change.last_error)
        .bind(change.restarts)
        .bind(at)
        .execute_write(self)
        .await?;
        Ok(())
    }

    /// Count `n` more updates handled by a distributor's bot.
    pub async fn add_bot_updates(&self, distributor_id: DistributorId, n: i64, at: DateTime<Utc>) -> Result<()> {
        sqlx::query(
            "INSERT INTO bot_status (distributor_id, state, updates_handled, updated_at) VALUES (?, 'running', ?, ?) \
             ON CONFLICT (distributor_id) DO UPDATE SET updates_handled = updates_handled + excluded.updates_handled, \
               updated_at = excluded.updated_at",
        )
        .bind(distributor_id)
        .bind(n)
        .bind(at)
        .execute_write(self)
        .await?;
        Ok(())
    }

    pub async fn bot_status(&self, distributor_id: DistributorId) -> Result<Option<BotStatus>> {
        Ok(
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE distributor_id = ?")))
                .bind(distributor_id)
                .fetch_optional(self.pool())
                .await?,
        )
    }

    pub async fn list_bot_statuses(&self) -> Result<Vec<BotStatus>> {
        Ok(
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} ORDER BY distributor_id")))
                .fetch_all(self.pool())
                .await?,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::temp_db;
    use crate::store::{NewDistributor, now};

    #[tokio::test]
    async fn status_is_replaced_and_updates_accumulate() {
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
        assert!(db.bot_status(d.id).await.unwrap().is_none());
        let t = now();
        db.set_bot_status(
            d.id,
            &BotStatusChange {
                state: BotState::Running,
                started_at: Some(t),
                last_error: None,
                restarts: 0,
            },
            t,
        )
        .await
        .unwrap();
        db.add_bot_updates(d.id, 3, t).await.unwrap();
        db.add_bot_updates(d.id, 2, t).await.unwrap();
        db.set_bot_status(
            d.id,
            &BotStatusChange {
                state: BotState::Restarting,
                started_at: Some(t),
                last_error: Some("timeout"),
                restarts: 1,
            },
            t,
        )
        .await
        .unwrap();
        let s = db.bot_status(d.id).await.unwrap().unwrap();
        assert_eq!(
            (s.state, s.restarts, s.updates_handled, s.last_error.as_deref()),
            (BotState::Restarting, 1, 5, Some("timeout"))
        );
        assert_eq!(s.started_at, Some(t));
        assert_eq!(db.list_bot_statuses().await.unwrap().len(), 1);
    }
}
