//! Small queries for the Telegram intake bots: updates already handled (so a
//! redelivered update does nothing twice) and the figures behind `/stats`.

use chrono::{DateTime, Utc};

use super::Db;
use super::writer::ExecuteWrite;
use crate::Result;
use crate::domain::DistributorId;
use crate::domain::exhibition::ExhibitionStatus;

impl Db {
    /// Whether a handler already finished the update known by `key`
    /// (e.g. `"m:<chat id>:<message id>"`).
    pub async fn update_handled(&self, distributor_id: DistributorId, key: &str) -> Result<bool> {
        Ok(
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM handled_updates WHERE distributor_id = ? AND key = ?)")
                .bind(distributor_id)
                .bind(key)
                .fetch_one(self.pool())
                .await?,
        )
    }

    /// Note that the update `key` was handled. Returns false if it already was.
    pub async fn mark_update_handled(
        &self,
        distributor_id: DistributorId,
        key: &str,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        Ok(sqlx::query(
            "INSERT INTO handled_updates (distributor_id, key, handled_at) VALUES (?, ?, ?) \
             ON CONFLICT (distributor_id, key) DO NOTHING",
        )
        .bind(distributor_id)
        .bind(key)
        .bind(at)
        .execute_write(self)
        .await?
        .rows_affected()
            == 1)
    }

    /// Forget handled updates older than `before` (Telegram keeps an update 24 h at most).
    pub async fn prune_handled_updates(&self, before: DateTime<Utc>) -> Result<u64> {
        Ok(sqlx::query("DELETE FROM handled_updates WHERE handled_at < ?")
            .bind(before)
            .execute_write(self)
            .await?
            .rows_affected())
    }

    /// Exhibitions per status submitted in `[from, to)`.
    pub async fn status_counts_between(
        &self,
        distributor_id: DistributorId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<(ExhibitionStatus, i64)>> {
        Ok(sqlx::query_as(
            "SELECT status, count(*) FROM exhibitions WHERE distributor_id = ? AND submitted_at >= ? \
               AND submitted_at < ? GROUP BY status ORDER BY status",
        )
        .bind(distributor_id)
        .bind(from)
        .bind(to)
        .fetch_all(self.pool())
        .await?)
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use crate::store::exhibitions::test_fixtures::{new_exhibition, tenant};
    use crate::store::now;
    use crate::store::test_support::temp_db;

    #[tokio::test]
    async fn handled_updates_are_noted_once_and_pruned() {
        let (db, _d) = temp_db().await;
        let t = tenant(&db, "A").await;
        let at = now();
        assert!(!db.update_handled(t.distributor, "m:1:2").await.unwrap());
        assert!(db.mark_update_handled(t.distributor, "m:1:2", at).await.unwrap());
        assert!(!db.mark_update_handled(t.distributor, "m:1:2", at).await.unwrap());
        assert!(db.update_handled(t.distributor, "m:1:2").await.unwrap());
        assert_eq!(db.prune_handled_updates(at + Duration::seconds(1)).await.unwrap(), 1);
        assert!(!db.update_handled(t.distributor, "m:1:2").await.unwrap());
    }

    #[tokio::test]
    async fn counts_cover_the_period_only() {
        let (db, _d) = temp_db().await;
        let t = tenant(&db, "A").await;
        db.record_exhibition(new_exhibition(&t, "k1", "2026-05-01T12:00:00Z", "u1"))
            .await
            .unwrap();
        db.record_exhibition(new_exhibition(&t, "k2", "2026-05-02T12:00:00Z", "u2"))
            .await
            .unwrap();
        let counts = db
            .status_counts_between(
                t.distributor,
                "2026-05-01T00:00:00Z".parse().unwrap(),
                "2026-05-02T00:00:00Z".parse().unwrap(),
            )
            .await
            .unwrap();
        assert_eq!(counts, vec![(crate::domain::exhibition::ExhibitionStatus::Pending, 1)]);
    }
}
