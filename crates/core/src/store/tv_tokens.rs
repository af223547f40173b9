//! TV device tokens: a kiosk shows one distributor's ranking without a user
//! session. Read-only by construction: the token resolves to a distributor, not an actor.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Db;
use super::writer::{ExecuteWrite, FetchWrite};
use crate::domain::{DistributorId, PortalUserId};
use crate::password::{new_session_token, token_digest};
use crate::{Error, Result, Secret};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TvToken {
    pub id: i64,
    pub distributor_id: DistributorId,
    pub label: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl Db {
    /// Create a TV token; the secret is returned once and only its digest is stored.
    pub async fn create_tv_token(
        &self,
        distributor_id: DistributorId,
        label: &str,
        created_by: PortalUserId,
        at: DateTime<Utc>,
    ) -> Result<(TvToken, Secret<String>)> {
        let label = label.trim();
        if label.is_empty() || label.chars().count() > 80 {
            return Err(Error::invalid("label", "debe tener de 1 a 80 caracteres"));
        }
        self.distributor(distributor_id).await?;
        let token = new_session_token();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO tv_tokens (distributor_id, label, token_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(distributor_id)
        .bind(label)
        .bind(token_digest(&token))
        .bind(created_by)
        .bind(at)
        .fetch_one_write(self)
        .await?;
        Ok((self.tv_token(distributor_id, id).await?, token))
    }

    pub async fn tv_token(&self, distributor_id: DistributorId, id: i64) -> Result<TvToken> {
        sqlx::query_as(
            "SELECT id, distributor_id, label, created_at, last_used_at, revoked_at FROM tv_tokens WHERE distributor_id = ? AND id = ?",
        )
        .bind(distributor_id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(Error::NotFound { entity: "tv token" })
    }

    pub async fn list_tv_tokens(&self, distributor_id: DistributorId) -> Result<Vec<TvToken>> {
        Ok(sqlx::query_as(
            "SELECT id, distributor_id, label, created_at, last_used_at, revoked_at FROM tv_tokens \
             WHERE distributor_id = ? ORDER BY id",
        )
        .bind(distributor_id)
        .fetch_all(self.pool())
        .await?)
    }

    pub async fn revoke_tv_token(&self, distributor_id: DistributorId, id: i64, at: DateTime<Utc>) -> Result<()> {
        let n = sqlx::query(
            "UPDATE tv_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE distributor_id = ? AND id = ?",
        )
        .bind(at)
        .bind(distributor_id)
        .bind(id)
        .execute_write(self)
        .await?
        .rows_affected();
        if n == 0 {
            Err(Error::NotFound { entity: "tv token" })
        } else {
            Ok(())
        }
    }

    /// The distributor a live TV token shows, if any.
    pub async fn tv_token_distributor(
        &self,
        token: &Secret<String>,
        at: DateTime<Utc>,
    ) -> Result<Option<DistributorId>> {
        sqlx::query_scalar(
            "UPDATE tv_tokens SET last_used_at = ? WHERE token_hash = ? AND revoked_at IS NULL RETURNING distributor_id",
        )
        .bind(at)
        .bind(token_digest(token))
        .fetch_optional_write(self)
        .await
    }

    /// The distributor of a valid TV token, without marking it used: for checks
    /// repeated while a kiosk stays connected.
    pub async fn tv_token_owner(&self, token: &Secret<String>) -> Result<Option<DistributorId>> {
        Ok(
            sqlx::query_scalar("SELECT distributor_id FROM tv_tokens WHERE token_hash = ? AND revoked_at IS NULL")
                .bind(token_digest(token))
                .fetch_optional(self.pool())
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
    async fn tv_tokens_resolve_until_revoked() {
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
        let u = db
            .create_portal_user(crate::store::NewPortalUser {
                username: "adm".into(),
                display_name: None,
                password: Secret::new("clave-segura".into()),
                role: crate::domain::roles::PortalRole::Admin,
                distributor_id: Some(d.id),
            })
            .await
            .unwrap();
        let (tv, token) = db.create_tv_token(d.id, "TV del salón", u.id, now()).await.unwrap();
        assert_eq!(db.tv_token_distributor(&token, now()).await.unwrap(), Some(d.id));
        assert_eq!(db.tv_token_owner(&token).await.unwrap(), Some(d.id));
        assert!(db.tv_token(d.id, tv.id).await.unwrap().last_used_at.is_some());
        assert_eq!(
            db.tv_token_distributor(&Secret::new("nope".into()), now())
                .await
                .unwrap(),
            None
        );
        db.revoke_tv_token(d.id, tv.id, now()).await.unwrap();
        assert_eq!(db.tv_token_distributor(&token, now()).await.unwrap(), None);
        assert_eq!(db.tv_token_owner(&token).await.unwrap(), None);
        assert!(
            db.revoke_tv_token(d.id + 1, tv.id, now()).await.is_err(),
            "other tenant"
        );
        assert_eq!(db.list_tv_tokens(d.id).await.unwrap().len(), 1);
    }
}
