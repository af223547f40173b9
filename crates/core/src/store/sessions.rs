//! Login sessions. The client holds a random token; the database holds only
//! its SHA-256, with an expiry, and a revocation time once ended.

use chrono::{DateTime, Duration, Utc};

use super::Db;
use super::writer::ExecuteWrite;
use crate::domain::PortalUserId;
use crate::domain::roles::Actor;
use crate::password::{new_session_token, token_digest, verify_password};
use crate::{Error, Result, Secret};

/// How long a login lasts without being renewed.
pub const SESSION_TTL: Duration = Duration::days(14);

/// A fixed Argon2id hash of a random password: verifying against it when a
/// username does not exist costs the same time as a real check, so timing
/// does not reveal which usernames exist.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Q7n0wqQ2Xq7s2uQeD0oMUQb5bKJm6p3q8q0W1g0yN7E";

/// End every open session of a user but `keep` (the one asking, if any),
/// inside the caller's transaction.
pub(super) async fn revoke_user_sessions(
    conn: &mut sqlx::SqliteConnection,
    user_id: PortalUserId,
    at: DateTime<Utc>,
    keep: Option<&Secret<String>>,
) -> Result<()> {
    // `IS NOT NULL` when nothing is kept: every session.
    sqlx::query("UPDATE sessions SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND token_hash IS NOT ?")
        .bind(at)
        .bind(user_id)
        .bind(keep.map(token_digest))
        .execute(conn)
        .await?;
    Ok(())
}

/// Argon2 verification off the async threads (it takes tens of milliseconds on purpose).
pub(super) async fn password_matches(password: &Secret<String>, hash: String) -> Result<bool> {
    let password = password.clone();
    tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| Error::PasswordHash(e.to_string()))
}

impl Db {
    /// Check a username and password. `None` for an unknown user, a wrong
    /// password or an inactive user alike: the caller cannot tell them apart.
    pub async fn verify_login(&self, username: &str, password: &Secret<String>) -> Result<Option<super::PortalUser>> {
        let user = self.portal_user_by_username(username).await?;
        let hash = match &user {
            Some(u) => self.portal_user_password_hash(u.id).await?,
            None => DUMMY_HASH.to_string(),
        };
        let matches = password_matches(password, hash).await?;
        Ok(user.filter(|u| matches && u.active))
    }

    /// Open a session for a user; the token is returned once and never stored.
    pub async fn create_session(
        &self,
        user_id: PortalUserId,
        at: DateTime<Utc>,
    ) -> Result<(Secret<String>, DateTime<Utc>)> {
        let token = new_session_token();
        let expires = at + SESSION_TTL;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO sessions (user_id, token_hash, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(user_id)
        .bind(token_digest(&token))
        .bind(at)
        .bind(expires)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE portal_users SET last_login_at = ? WHERE id = ?")
            .bind(at)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((token, expires))
    }

    /// The actor behind a session token, if the session is open, unexpired and
    /// its user still active.
    pub async fn session_actor(&self, token: &Secret<String>, at: DateTime<Utc>) -> Result<Option<Actor>> {
        let row: Option<(i64, crate::domain::roles::PortalRole, Option<i64>)> = sqlx::query_as(
            "SELECT u.id, u.role, u.distributor_id FROM sessions s JOIN portal_users u ON u.id = s.user_id \
             WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND u.active = 1",
        )
        .bind(token_digest(token))
        .bind(at)
        .fetch_optional(self.pool())
        .await?;
        Ok(row.map(|(user_id, role, distributor_id)| Actor {
            user_id,
            role,
            distributor_id,
        }))
    }

    /// End a session (logout). Returns whether an open session was ended.
    pub async fn revoke_session(&self, token: &Secret<String>, at: DateTime<Utc>) -> Result<bool> {
        let n = sqlx::query("UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL")
            .bind(at)
            .bind(token_digest(token))
            .execute_write(self)
            .await?
            .rows_affected();
        Ok(n == 1)
    }

    /// Deactivate or reactivate a portal user; deactivation ends their sessions.
    pub async fn set_portal_user_active(&self, id: PortalUserId, active: bool, at: DateTime<Utc>) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let n = sqlx::query("UPDATE portal_users SET active = ?, updated_at = ? WHERE id = ?")
            .bind(active)
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(Error::NotFound { entity: "user" });
        }
        if !active {
            revoke_user_sessions(&mut tx, id, at, None).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::roles::PortalRole;
    use crate::password::hash_password;
    use crate::store::test_support::temp_db;
    use crate::store::{NewDistributor, NewPortalUser, now};

    fn pw(s: &str) -> Secret<String> {
        Secret::new(s.into())
    }

    #[test]
    fn dummy_hash_is_a_valid_argon2id_hash_that_matches_nothing_typed() {
        assert!(argon2::password_hash::PasswordHash::new(DUMMY_HASH).is_ok());
        assert!(!verify_password(&pw(""), DUMMY_HASH));
        // Same algorithm and parameters as real hashes, so the check costs the same.
        let real = hash_password(&pw("x")).unwrap();
        assert_eq!(real.split('$').nth(3), DUMMY_HASH.split('$').nth(3));
    }

    #[tokio::test]
    async fn login_session_lifecycle() {
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
            .create_portal_user(NewPortalUser {
                username: "sofia".into(),
                display_name: None,
                password: pw("clave-segura"),
                role: PortalRole::Supervisor,
                distributor_id: Some(d.id),
            })
            .await
            .unwrap();
        assert!(db.verify_login("sofia", &pw("mala-clave")).await.unwrap().is_none());
        assert!(db.verify_login("nadie", &pw("clave-segura")).await.unwrap().is_none());
        assert_eq!(
            db.verify_login("SOFIA", &pw("clave-segura")).await.unwrap().unwrap().id,
            u.id
        );

        let t0 = now();
        let (token, expires) = db.create_session(u.id, t0).await.unwrap();
        assert_eq!(expires, t0 + SESSION_TTL);
        let stored: String = sqlx::query_scalar("SELECT token_hash FROM sessions")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_ne!(&stored, token.expose(), "only the digest is stored");
        let actor = db.session_actor(&token, t0).await.unwrap().unwrap();
        assert_eq!(
            (actor.user_id, actor.role, actor.distributor_id),
            (u.id, PortalRole::Supervisor, Some(d.id))
        );
        assert!(db.session_actor(&token, expires).await.unwrap().is_none(), "expired");
        assert!(db.session_actor(&pw("forged"), t0).await.unwrap().is_none());

        assert!(db.revoke_session(&token, t0).await.unwrap());
        assert!(db.session_actor(&token, t0).await.unwrap().is_none(), "logged out");

        let (token2, _) = db.create_session(u.id, t0).await.unwrap();
        db.set_portal_user_password(u.id, pw("otra-clave-segura"))
            .await
            .unwrap();
        assert!(
            db.session_actor(&token2, t0).await.unwrap().is_none(),
            "password change ends sessions"
        );

        let (token3, _) = db.create_session(u.id, t0).await.unwrap();
        db.set_portal_user_active(u.id, false, t0).await.unwrap();
        assert!(
            db.session_actor(&token3, t0).await.unwrap().is_none(),
            "deactivation ends sessions"
        );
        assert!(
            db.verify_login("sofia", &pw("otra-clave-segura"))
                .await
                .unwrap()
                .is_none(),
            "inactive cannot log in"
        );
    }
}
