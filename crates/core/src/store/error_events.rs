//! `error_events`: classified operational failures (photo downloads and
//! storage, Telegram), kept for the admin screens and alerts.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Db;
use super::writer::FetchWrite;
use crate::Result;
use crate::domain::DistributorId;
use crate::domain::error_class::ErrorClass;

#[derive(Debug, Clone, PartialEq)]
pub struct NewErrorEvent {
    pub distributor_id: Option<DistributorId>,
    pub class: ErrorClass,
    pub message: String,
    /// Free-form JSON (task id, exhibition id, attempt, …).
    pub context: Option<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct ErrorEvent {
    pub id: i64,
    pub distributor_id: Option<DistributorId>,
    pub class: ErrorClass,
    pub message: String,
    #[sqlx(json(nullable))]
    pub context: Option<serde_json::Value>,
    pub created_at: DateTime<Utc>,
}

impl Db {
    pub async fn record_error_event(&self, event: &NewErrorEvent, at: DateTime<Utc>) -> Result<i64> {
        sqlx::query_scalar(
            "INSERT INTO error_events (distributor_id, class, message, context, created_at) VALUES (?, ?, ?, ?, ?) \
             RETURNING id",
        )
        .bind(event.distributor_id)
        .bind(event.class)
        .bind(&event.message)
        .bind(event.context.as_ref().map(ToString::to_string))
        .bind(at)
        .fetch_one_write(self)
        .await
    }

    /// The latest events, newest first; `None` lists every distributor's.
    pub async fn list_error_events(
        &self,
        distributor_id: Option<DistributorId>,
        limit: u32,
    ) -> Result<Vec<ErrorEvent>> {
        // Two statements, so one distributor's read uses its own index.
        let query = match distributor_id {
            Some(_) => {
                "SELECT id, distributor_id, class, message, context, created_at FROM error_events \
                 WHERE distributor_id = ?1 ORDER BY created_at DESC, id DESC LIMIT ?2"
            }
            None => {
                "SELECT id, distributor_id, class, message, context, created_at FROM error_events \
                 WHERE ?1 IS NULL ORDER BY created_at DESC, id DESC LIMIT ?2"
            }
        };
        Ok(sqlx::query_as(query)
            .bind(distributor_id)
            .bind(i64::from(limit.clamp(1, 1000)))
            .fetch_all(self.pool())
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::now;
    use crate::store::test_support::temp_db;

    #[tokio::test]
    async fn events_are_recorded_and_listed_newest_first() {
        let (db, _d) = temp_db().await;
        let t = now();
        for (class, msg) in [(ErrorClass::Timeout, "slow"), (ErrorClass::DiskFull, "full")] {
            db.record_error_event(
                &NewErrorEvent {
                    distributor_id: None,
                    class,
                    message: msg.into(),
                    context: Some(serde_json::json!({"task": 1})),
                },
                t,
            )
            .await
            .unwrap();
        }
        let events = db.list_error_events(None, 10).await.unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(events[0].class, ErrorClass::DiskFull);
        assert_eq!(events[1].context, Some(serde_json::json!({"task": 1})));
    }
}
