//! Portal (desktop/API) users. Passwords are stored as Argon2id hashes only.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::writer::FetchWrite;
use super::{Db, now};
use crate::domain::roles::PortalRole;
use crate::domain::{DistributorId, PortalUserId};
use crate::password::{hash_password, validate_new_password};
use crate::{Error, Result, Secret};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PortalUser {
    pub id: PortalUserId,
    pub username: String,
    pub display_name: String,
    pub role: PortalRole,
    pub distributor_id: Option<DistributorId>,
    pub active: bool,
    pub last_login_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct NewPortalUser {
    pub username: String,
    pub display_name: Option<String>,
    pub password: Secret<String>,
    pub role: PortalRole,
    pub distributor_id: Option<DistributorId>,
}

const SELECT: &str =
    "SELECT id, username, display_name, role, distributor_id, active, last_login_at, created_at FROM portal_users";

pub(super) fn clean_username(u: &str) -> Result<String> {
    let u = u.trim();
    let ok = (3..=40).contains(&u.chars().count())
        && u.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if ok {
        Ok(u.to_string())
    } else {
        Err(Error::invalid(
            "username",
            "de 3 a 40 caracteres, solo letras, números o . _ - @ (sin espacios)",
        ))
    }
}

/// Check a new password against the rules and hash it. Hashing is
/// deliberately slow: it runs off the async executor.
pub(super) async fn hash_new_password(password: &Secret<String>) -> Result<String> {
    validate_new_password(password.expose())?;
    let password = password.clone();
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| Error::PasswordHash(e.to_string()))?
}

/// The name shown for a user: the one given, else the username.
pub(super) fn display_name_or_username(display_name: Option<&str>, username: &str) -> String {
    display_name
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .unwrap_or(username)
        .to_string()
}

impl Db {
    pub async fn create_portal_user(&self, new: NewPortalUser) -> Result<PortalUser> {
        let username = clean_username(&new.username)?;
        match (new.role, new.distributor_id) {
            (PortalRole::Superadmin, Some(_)) => {
                return Err(Error::invalid(
                    "distributor",
                    "un superadmin no pertenece a ninguna distribuidora",
                ));
            }
            (PortalRole::Superadmin, None) => {}
            (_, None) => {
                return Err(Error::invalid("distributor", "este rol necesita una distribuidora"));
            }
            (_, Some(d)) => {
                self.distributor(d).await?;
            }
        }
        let hash = hash_new_password(&new.password).await?;
        let display = display_name_or_username(new.display_name.as_deref(), &username);
        let at = now();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO portal_users (username, display_name, password_hash, role, distributor_id, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&username)
        .bind(display)
        .bind(hash)
        .bind(new.role)
        .bind(new.distributor_id)
        .bind(at)
        .bind(at)
        .fetch_one_write(self)
        .await
        .map_err(|e| Error::unique_violation(e, "user", username.clone()))?;
        self.portal_user(id).await
    }

    pub async fn portal_user(&self, id: PortalUserId) -> Result<PortalUser> {
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = ?")))
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(Error::NotFound { entity: "user" })
    }

    pub async fn portal_user_by_username(&self, username: &str) -> Result<Option<PortalUser>> {
        Ok(
            sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE username = ?")))
                .bind(username.trim())
                .fetch_optional(self.pool())
                .await?,
        )
    }

    /// The stored Argon2 hash, for the login check only.
    pub async fn portal_user_password_hash(&self, id: PortalUserId) -> Result<String> {
        sqlx::query_scalar("SELECT password_hash FROM portal_users WHERE id = ?")
            .bind(id)
            .fetch_optional(self.pool())
            .await?
            .ok_or(Error::NotFound { entity: "user" })
    }

    pub async fn list_portal_users(&self, distributor_id: Option<DistributorId>) -> Result<Vec<PortalUser>> {
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE ?1 IS NULL OR distributor_id = ?1 ORDER BY username"
        )))
        .bind(distributor_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Set a new password and revoke every open session of the user.
    pub async fn set_portal_user_password(&self, id: PortalUserId, password: Secret<String>) -> Result<()> {
        let hash = hash_new_password(&password).await?;
        let at = now();
        let mut tx = self.begin_write().await?;
        store_password_hash(&mut tx, id, hash, at, false).await?;
        super::sessions::revoke_user_sessions(&mut tx, id, at, None).await?;
        tx.commit().await?;
        Ok(())
    }

    /// A signed-in user changes their own password. The current one is checked
    /// first (`Ok(false)` when it is wrong, and nothing changes); then every other
    /// session of theirs ends, so a forgotten open session elsewhere cannot go on,
    /// while `keep_session` (the one asking) stays open.
    pub async fn change_own_password(
        &self,
        id: PortalUserId,
        current: &Secret<String>,
        new: Secret<String>,
        keep_session: &Secret<String>,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        validate_new_password(new.expose())?;
        if new.expose() == current.expose() {
            return Err(Error::invalid("password", "la contraseña nueva es igual a la actual"));
        }
        if !super::sessions::password_matches(current, self.portal_user_password_hash(id).await?).await? {
            return Ok(false);
        }
        let hash = hash_new_password(&new).await?;
        let mut tx = self.begin_write().await?;
        store_password_hash(&mut tx, id, hash, at, true).await?;
        super::sessions::revoke_user_sessions(&mut tx, id, at, Some(keep_session)).await?;
        tx.commit().await?;
        Ok(true)
    }
}

/// Write a user's new password hash inside the caller's transaction; `NotFound`
/// when there is no such user (or, with `only_active`, no such active user).
async fn store_password_hash(
    conn: &mut sqlx::SqliteConnection,
    id: PortalUserId,
    hash: String,
    at: DateTime<Utc>,
    only_active: bool,
) -> Result<()> {
    let n = sqlx::query("UPDATE portal_users SET password_hash = ?, updated_at = ? WHERE id = ? AND (active OR NOT ?)")
        .bind(hash)
        .bind(at)
        .bind(id)
        .bind(only_active)
        .execute(conn)
        .await?
        .rows_affected();
    if n == 0 {
        return Err(Error::NotFound { entity: "user" });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::password::verify_password;
    use crate::store::NewDistributor;
    use crate::store::test_support::temp_db;

    fn pw(s: &str) -> Secret<String> {
        Secret::new(s.to_string())
    }

    #[tokio::test]
    async fn users_are_tied_to_one_distributor_except_the_superadmin() {
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
        let mk = |u: &str, role, dist| NewPortalUser {
            username: u.into(),
            display_name: None,
            password: pw("secreto123"),
            role,
            distributor_id: dist,
        };
        let root = db
            .create_portal_user(mk("root", PortalRole::Superadmin, None))
            .await
            .unwrap();
        assert_eq!(root.distributor_id, None);
        assert!(
            db.create_portal_user(mk("bad", PortalRole::Superadmin, Some(d.id)))
                .await
                .is_err()
        );
        assert!(
            db.create_portal_user(mk("bad2", PortalRole::Supervisor, None))
                .await
                .is_err()
        );
        let sup = db
            .create_portal_user(mk("sup", PortalRole::Supervisor, Some(d.id)))
            .await
            .unwrap();
        assert!(matches!(
            db.create_portal_user(mk("SUP", PortalRole::Viewer, Some(d.id))).await,
            Err(Error::AlreadyExists { .. })
        ));
        assert_eq!(db.list_portal_users(Some(d.id)).await.unwrap(), vec![sup.clone()]);
        assert_eq!(db.list_portal_users(None).await.unwrap().len(), 2);
        assert!(
            db.create_portal_user(NewPortalUser {
                password: pw("short"),
                ..mk("v", PortalRole::Viewer, Some(d.id))
            })
            .await
            .is_err()
        );
    }

    #[tokio::test]
    async fn what_is_refused_is_explained_in_spanish() {
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
        let mk = |u: &str, role, dist, password: &str| NewPortalUser {
            username: u.into(),
            display_name: None,
            password: pw(password),
            role,
            distributor_id: dist,
        };
        let reason = |r: Result<PortalUser>| match r {
            Err(Error::Invalid { field, reason }) => (field, reason),
            other => panic!("expected Invalid, got {other:?}"),
        };
        let username = (
            "username",
            "de 3 a 40 caracteres, solo letras, números o . _ - @ (sin espacios)".to_string(),
        );
        for bad in ["ab", "con espacio", "coma,no", &"x".repeat(41)] {
            let r = db
                .create_portal_user(mk(bad, PortalRole::Viewer, Some(d.id), "secreto123"))
                .await;
            assert_eq!(reason(r), username, "{bad}");
        }
        for good in ["abc", "ana.pérez_2-x@sur", &"x".repeat(40)] {
            let r = db
                .create_portal_user(mk(good, PortalRole::Viewer, Some(d.id), "secreto123"))
                .await;
            assert!(r.is_ok(), "{good}: {r:?}");
        }
        assert_eq!(
            reason(
                db.create_portal_user(mk("corta", PortalRole::Viewer, Some(d.id), "1234567"))
                    .await
            ),
            ("password", "debe tener al menos 8 caracteres".to_string())
        );
        assert!(
            db.create_portal_user(mk("justa", PortalRole::Viewer, Some(d.id), "12345678"))
                .await
                .is_ok()
        );
        assert_eq!(
            reason(
                db.create_portal_user(mk("raiz", PortalRole::Superadmin, Some(d.id), "secreto123"))
                    .await
            ),
            (
                "distributor",
                "un superadmin no pertenece a ninguna distribuidora".to_string()
            )
        );
        assert_eq!(
            reason(
                db.create_portal_user(mk("suelto", PortalRole::Supervisor, None, "secreto123"))
                    .await
            ),
            ("distributor", "este rol necesita una distribuidora".to_string())
        );
    }

    #[tokio::test]
    async fn password_is_hashed_and_can_be_changed() {
        let (db, _d) = temp_db().await;
        let u = db
            .create_portal_user(NewPortalUser {
                username: "root".into(),
                display_name: Some("Raíz".into()),
                password: pw("primera-clave"),
                role: PortalRole::Superadmin,
                distributor_id: None,
            })
            .await
            .unwrap();
        let h = db.portal_user_password_hash(u.id).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password(&pw("primera-clave"), &h));
        db.set_portal_user_password(u.id, pw("segunda-clave")).await.unwrap();
        let h = db.portal_user_password_hash(u.id).await.unwrap();
        assert!(verify_password(&pw("segunda-clave"), &h));
        assert!(!verify_password(&pw("primera-clave"), &h));
        assert!(db.set_portal_user_password(999, pw("segunda-clave")).await.is_err());
    }

    #[tokio::test]
    async fn changing_ones_own_password_checks_the_current_one_and_ends_only_the_other_sessions() {
        let (db, _d) = temp_db().await;
        let u = db
            .create_portal_user(NewPortalUser {
                username: "ana".into(),
                display_name: None,
                password: pw("primera-clave"),
                role: PortalRole::Superadmin,
                distributor_id: None,
            })
            .await
            .unwrap();
        let at = now();
        let (here, _) = db.create_session(u.id, at).await.unwrap();
        let (elsewhere, _) = db.create_session(u.id, at).await.unwrap();

        // A wrong current password changes nothing and ends no session.
        let wrong = db
            .change_own_password(u.id, &pw("no-es-esta"), pw("segunda-clave"), &here, at)
            .await
            .unwrap();
        assert!(!wrong);
        assert!(db.verify_login("ana", &pw("primera-clave")).await.unwrap().is_some());
        assert!(db.session_actor(&elsewhere, at).await.unwrap().is_some());

        // Too short, or the same as now: refused with the reason, before any check.
        for (new, reason) in [
            ("corta", "debe tener al menos 8 caracteres"),
            ("primera-clave", "la contraseña nueva es igual a la actual"),
        ] {
            match db
                .change_own_password(u.id, &pw("primera-clave"), pw(new), &here, at)
                .await
            {
                Err(Error::Invalid { field, reason: r }) => assert_eq!((field, r.as_str()), ("password", reason)),
                other => panic!("expected Invalid for {new:?}, got {other:?}"),
            }
        }

        assert!(
            db.change_own_password(u.id, &pw("primera-clave"), pw("segunda-clave"), &here, at)
                .await
                .unwrap()
        );
        assert!(db.verify_login("ana", &pw("primera-clave")).await.unwrap().is_none());
        assert!(db.verify_login("ana", &pw("segunda-clave")).await.unwrap().is_some());
        assert!(
            db.session_actor(&here, at).await.unwrap().is_some(),
            "the asking session stays"
        );
        assert!(
            db.session_actor(&elsewhere, at).await.unwrap().is_none(),
            "the others end"
        );
    }
}
