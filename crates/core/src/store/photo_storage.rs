//! Photo storage after an exhibition is recorded: what a storage task needs
//! to know about a photo, and recording where it was stored (with its hash,
//! size and dimensions, flagging possible duplicates by SHA-256).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::Db;
use crate::domain::{ChatId, DistributorId, GroupId};
use crate::{Error, Result};

/// A photo waiting to be stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PhotoToStore {
    pub photo_id: i64,
    pub distributor_id: DistributorId,
    pub position: i64,
    pub telegram_file_id: Option<String>,
    pub upload_state: String,
    pub storage_key: Option<String>,
    pub group_id: GroupId,
    pub chat_id: ChatId,
    pub submitted_at: DateTime<Utc>,
}

/// Where and what was stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPhoto {
    pub storage_key: String,
    pub storage_link: Option<String>,
    pub sha256: String,
    pub size_bytes: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
}

impl Db {
    pub async fn photo_to_store(
        &self,
        distributor_id: DistributorId,
        exhibition_id: Uuid,
        position: i64,
    ) -> Result<PhotoToStore> {
        sqlx::query_as(
            "SELECT p.id AS photo_id, p.distributor_id, p.position, p.telegram_file_id, p.upload_state, p.storage_key, \
               e.group_id, g.chat_id, e.submitted_at \
             FROM exhibition_photos p JOIN exhibitions e ON e.id = p.exhibition_id \
             JOIN telegram_groups g ON g.id = e.group_id \
             WHERE p.distributor_id = ? AND p.exhibition_id = ? AND p.position = ?",
        )
        .bind(distributor_id)
        .bind(exhibition_id.hyphenated())
        .bind(position)
        .fetch_optional(self.pool())
        .await?
        .ok_or(Error::NotFound { entity: "photo" })
    }

    /// Record a stored photo. If another exhibition of the distributor has a
    /// photo with the same SHA-256, the exhibition is flagged as a possible
    /// duplicate (never rejected). Returns whether it was flagged.
    pub async fn mark_photo_stored(&self, photo_id: i64, stored: &StoredPhoto, at: DateTime<Utc>) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let row: Option<(String, DistributorId)> =
            sqlx::query_as("SELECT exhibition_id, distributor_id FROM exhibition_photos WHERE id = ?")
                .bind(photo_id)
                .fetch_optional(&mut *tx)
                .await?;
        let (exhibition_id, distributor_id) = row.ok_or(Error::NotFound { entity: "photo" })?;
        sqlx::query(
            "UPDATE exhibition_photos SET storage_key = ?, storage_link = ?, sha256 = ?, size_bytes = ?, width = ?, \
               height = ?, upload_state = 'stored' WHERE id = ?",
        )
        .bind(&stored.storage_key)
        .bind(&stored.storage_link)
        .bind(&stored.sha256)
        .bind(stored.size_bytes)
        .bind(stored.width)
        .bind(stored.height)
        .bind(photo_id)
        .execute(&mut *tx)
        .await?;
        let duplicate: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM exhibition_photos WHERE distributor_id = ? AND sha256 = ? \
               AND exhibition_id != ?)",
        )
        .bind(distributor_id)
        .bind(&stored.sha256)
        .bind(&exhibition_id)
        .fetch_one(&mut *tx)
        .await?;
        if duplicate {
            sqlx::query("UPDATE exhibitions SET possible_duplicate = 1, updated_at = ? WHERE id = ?")
                .bind(at)
                .bind(&exhibition_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(duplicate)
    }

    /// No retry can store this photo (too big to download, corrupt, gone).
    pub async fn mark_photo_failed(&self, photo_id: i64) -> Result<()> {
        sqlx::query("UPDATE exhibition_photos SET upload_state = 'failed' WHERE id = ? AND upload_state = 'pending'")
            .bind(photo_id)
            .execute(self.pool())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::exhibitions::test_fixtures::{new_exhibition, tenant};
    use crate::store::now;
    use crate::store::test_support::temp_db;

    fn stored(key: &str, sha: &str) -> StoredPhoto {
        StoredPhoto {
            storage_key: key.into(),
            storage_link: None,
            sha256: sha.into(),
            size_bytes: 10,
            width: Some(4),
            height: Some(3),
        }
    }

    #[tokio::test]
    async fn storing_records_the_file_and_flags_same_hash_in_another_exhibition() {
        let (db, _d) = temp_db().await;
        let t = tenant(&db, "A").await;
        let a = db
            .record_exhibition(new_exhibition(&t, "k1", "2026-05-01T12:00:00Z", "u1"))
            .await
            .unwrap();
        let b = db
            .record_exhibition(new_exhibition(&t, "k2", "2026-05-01T13:00:00Z", "u2"))
            .await
            .unwrap();
        let pa = db.photo_to_store(t.distributor, a.id, 0).await.unwrap();
        assert_eq!(pa.upload_state, "pending");
        assert!(
            !db.mark_photo_stored(pa.photo_id, &stored("a/0.jpg", "abc"), now())
                .await
                .unwrap()
        );
        let pb = db.photo_to_store(t.distributor, b.id, 0).await.unwrap();
        assert!(
            db.mark_photo_stored(pb.photo_id, &stored("b/0.jpg", "abc"), now())
                .await
                .unwrap()
        );
        let eb = db.exhibition(t.distributor, b.id).await.unwrap();
        assert!(eb.summary.possible_duplicate);
        assert_eq!(eb.photos[0].storage_key.as_deref(), Some("b/0.jpg"));
        assert_eq!(
            (eb.photos[0].width, eb.photos[0].upload_state.as_str()),
            (Some(4), "stored")
        );
        assert!(
            !db.exhibition(t.distributor, a.id)
                .await
                .unwrap()
                .summary
                .possible_duplicate
        );
        assert!(db.photo_to_store(t.distributor, b.id, 1).await.is_err());
    }
}
