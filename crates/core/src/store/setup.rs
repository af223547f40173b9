//! First run of a fresh install: while no portal user exists, one call
//! creates the first distributor and a superadmin to log in with. Once any
//! user exists it refuses, so it cannot be used to take over an install.

use super::{Db, Distributor, PortalUser, now};
use crate::domain::roles::PortalRole;
use crate::domain::time_zone::{DEFAULT_TIME_ZONE, parse_time_zone};
use crate::{Error, Result, Secret};

#[derive(Debug, Clone)]
pub struct FirstSetup {
    pub distributor_name: String,
    /// IANA zone; the default (Buenos Aires) when absent.
    pub time_zone: Option<String>,
    pub username: String,
    pub display_name: Option<String>,
    pub password: Secret<String>,
}

impl Db {
    /// True while the install has no portal user at all.
    pub async fn needs_first_setup(&self) -> Result<bool> {
        let users: i64 = sqlx::query_scalar("SELECT count(*) FROM portal_users")
            .fetch_one(self.pool())
            .await?;
        Ok(users == 0)
    }

    /// Create the first distributor and its superadmin in one transaction,
    /// only if there is no portal user yet (`AlreadyExists` otherwise).
    pub async fn first_setup(&self, setup: FirstSetup) -> Result<(Distributor, PortalUser)> {
        let username = super::users::clean_username(&setup.username)?;
        let name = super::distributors::clean_name(&setup.distributor_name)?;
        let tz = setup.time_zone.as_deref().unwrap_or(DEFAULT_TIME_ZONE);
        parse_time_zone(tz).map_err(|e| Error::invalid("time_zone", e))?;
        let hash = super::users::hash_new_password(&setup.password).await?;
        let display = super::users::display_name_or_username(setup.display_name.as_deref(), &username);

        let at = now();
        // BEGIN IMMEDIATE: two first-run requests cannot both see "no users".
        let mut tx = self.begin_write().await?;
        let users: i64 = sqlx::query_scalar("SELECT count(*) FROM portal_users")
            .fetch_one(&mut *tx)
            .await?;
        if users > 0 {
            return Err(Error::AlreadyExists {
                entity: "setup",
                detail: "this install already has users".into(),
            });
        }
        let distributor_id = super::distributors::insert_distributor(&mut tx, &name, tz, None, None).await?;
        let user_id: i64 = sqlx::query_scalar(
            "INSERT INTO portal_users (username, display_name, password_hash, role, distributor_id, created_at, updated_at) \
             VALUES (?, ?, ?, ?, NULL, ?, ?) RETURNING id",
        )
        .bind(&username)
        .bind(display)
        .bind(hash)
        .bind(PortalRole::Superadmin)
        .bind(at)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((
            self.distributor(distributor_id).await?,
            self.portal_user(user_id).await?,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::temp_db;

    fn setup(user: &str) -> FirstSetup {
        FirstSetup {
            distributor_name: "Distribuidora Uno".into(),
            time_zone: None,
            username: user.into(),
            display_name: Some("Ana Admin".into()),
            password: Secret::new("una-clave-larga".into()),
        }
    }

    #[tokio::test]
    async fn the_first_setup_creates_a_distributor_and_a_superadmin_who_can_log_in() {
        let (db, _dir) = temp_db().await;
        assert!(db.needs_first_setup().await.unwrap());
        let (distributor, user) = db.first_setup(setup("ana")).await.unwrap();
        assert_eq!(distributor.name, "Distribuidora Uno");
        assert_eq!(user.role, PortalRole::Superadmin);
        assert_eq!(user.display_name, "Ana Admin");
        assert!(!db.list_pdv_types(distributor.id, true).await.unwrap().is_empty());
        let logged = db
            .verify_login("ana", &Secret::new("una-clave-larga".into()))
            .await
            .unwrap();
        assert_eq!(logged.map(|u| u.id), Some(user.id));
        assert!(!db.needs_first_setup().await.unwrap());
    }

    #[tokio::test]
    async fn a_second_setup_is_refused_and_changes_nothing() {
        let (db, _dir) = temp_db().await;
        db.first_setup(setup("ana")).await.unwrap();
        let again = db.first_setup(setup("intruso")).await;
        assert!(
            matches!(again, Err(Error::AlreadyExists { entity: "setup", .. })),
            "{again:?}"
        );
        assert!(db.portal_user_by_username("intruso").await.unwrap().is_none());
        assert_eq!(db.list_distributors().await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn two_setups_at_once_create_exactly_one_user() {
        let (db, _dir) = temp_db().await;
        let (a, b) = tokio::join!(db.first_setup(setup("ana")), db.first_setup(setup("beto")));
        assert_eq!(u8::from(a.is_ok()) + u8::from(b.is_ok()), 1, "{a:?} / {b:?}");
        assert_eq!(db.list_portal_users(None).await.unwrap().len(), 1);
    }

    #[tokio::test]
    async fn bad_input_is_refused_before_anything_is_written() {
        let (db, _dir) = temp_db().await;
        let mut weak = setup("ana");
        weak.password = Secret::new("corta".into());
        assert!(matches!(db.first_setup(weak).await, Err(Error::Invalid { .. })));
        let mut zone = setup("ana");
        zone.time_zone = Some("Marte/Olympus".into());
        assert!(matches!(db.first_setup(zone).await, Err(Error::Invalid { .. })));
        assert!(db.needs_first_setup().await.unwrap());
        assert!(db.list_distributors().await.unwrap().is_empty());
    }
}
