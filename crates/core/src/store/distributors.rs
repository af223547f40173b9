//! Distributors (tenants). The bot token is write-only for every read path
//! except [`Db::distributor_bot_token`], which the bot runner uses.

use chrono::{DateTime, NaiveTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;

use super::{Db, now};
use crate::domain::DistributorId;
use crate::domain::audit::{self, FieldChange};
use crate::domain::hibernation::{HibernationWindow, format_hhmm, parse_hhmm};
use crate::domain::ranking::Scoring;
use crate::domain::time_zone::{DEFAULT_TIME_ZONE, parse_time_zone};
use crate::{Error, Result, Secret};

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "TEXT", rename_all = "snake_case")]
pub enum PhotoStorage {
    Local,
    GoogleDrive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "TEXT", rename_all = "lowercase")]
pub enum DistributorStatus {
    Active,
    Inactive,
}

/// A distributor as every read path sees it: no token, only whether one is set.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Distributor {
    pub id: DistributorId,
    pub name: String,
    pub active: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub time_zone: Tz,
    pub has_bot_token: bool,
    pub admin_telegram_id: Option<i64>,
    pub hibernation: HibernationWindow,
    pub photo_storage: PhotoStorage,
    pub drive_folder_id: Option<String>,
    pub scoring: Scoring,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Distributor {
    /// What an update changed, for the administration history; `new_token`:
    /// the update set a bot token, which is never written down, only that it
    /// replaced the one there was.
    pub fn audit_changes(&self, after: &Self, new_token: bool) -> Vec<FieldChange> {
        let mut changes = audit::changes(self, after, audit::BOOKKEEPING);
        if new_token && self.has_bot_token {
            changes.push(FieldChange::new("bot_token_replaced", false, true));
        }
        changes
    }
}

#[derive(sqlx::FromRow)]
struct DistributorRow {
    id: i64,
    name: String,
    status: DistributorStatus,
    time_zone: String,
    has_bot_token: bool,
    admin_telegram_id: Option<i64>,
    hibernation_enabled: bool,
    hibernation_start: String,
    hibernation_end: String,
    photo_storage: PhotoStorage,
    drive_folder_id: Option<String>,
    points_approved: i64,
    points_highlighted: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<DistributorRow> for Distributor {
    type Error = Error;
    fn try_from(r: DistributorRow) -> Result<Self> {
        let bad = |field, reason: String| Error::Invalid { field, reason };
        Ok(Self {
            id: r.id,
            name: r.name,
            active: r.status == DistributorStatus::Active,
            time_zone: parse_time_zone(&r.time_zone).map_err(|e| bad("time_zone", e))?,
            has_bot_token: r.has_bot_token,
            admin_telegram_id: r.admin_telegram_id,
            hibernation: HibernationWindow {
                enabled: r.hibernation_enabled,
                start: parse_hhmm(&r.hibernation_start).map_err(|e| bad("hibernation_start", e))?,
                end: parse_hhmm(&r.hibernation_end).map_err(|e| bad("hibernation_end", e))?,
            },
            photo_storage: r.photo_storage,
            drive_folder_id: r.drive_folder_id,
            scoring: Scoring {
                approved: r.points_approved,
                highlighted: r.points_highlighted,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

const SELECT: &str = "SELECT id, name, status, time_zone, bot_token IS NOT NULL AS has_bot_token, admin_telegram_id, \
     hibernation_enabled, hibernation_start, hibernation_end, photo_storage, drive_folder_id, \
     points_approved, points_highlighted, created_at, updated_at FROM distributors";

#[derive(Debug, Clone)]
pub struct NewDistributor {
    pub name: String,
    pub time_zone: Option<String>,
    pub bot_token: Option<Secret<String>>,
    pub admin_telegram_id: Option<i64>,
}

/// A partial update: `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct DistributorUpdate {
    pub name: Option<String>,
    pub active: Option<bool>,
    pub time_zone: Option<String>,
    /// `Some(None)` removes the token.
    pub bot_token: Option<Option<Secret<String>>>,
    pub admin_telegram_id: Option<Option<i64>>,
    pub hibernation_enabled: Option<bool>,
    pub hibernation_start: Option<NaiveTime>,
    pub hibernation_end: Option<NaiveTime>,
    pub photo_storage: Option<PhotoStorage>,
    pub drive_folder_id: Option<Option<String>>,
    pub points_approved: Option<i64>,
    pub points_highlighted: Option<i64>,
}

/// Insert a distributor (name and zone already checked) with the default PDV types.
pub(super) async fn insert_distributor(
    conn: &mut SqliteConnection,
    name: &str,
    time_zone: &str,
    bot_token: Option<&Secret<String>>,
    admin_telegram_id: Option<i64>,
) -> Result<DistributorId> {
    let at = now();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO distributors (name, time_zone, bot_token, admin_telegram_id, created_at, updated_at) \
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(name)
    .bind(time_zone)
    .bind(bot_token.map(|t| t.expose().clone()))
    .bind(admin_telegram_id)
    .bind(at)
    .bind(at)
    .fetch_one(&mut *conn)
    .await
    .map_err(|e| Error::unique_violation(e, "distributor", name))?;
    super::pdv_types::seed_defaults(conn, id).await?;
    Ok(id)
}

pub(super) fn clean_name(name: &str) -> Result<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(Error::invalid("name", "debe tener de 1 a 120 caracteres"));
    }
    Ok(name.to_string())
}

/// BotFather tokens look like "<digits>:<35+ url-safe chars>". Checked loosely
/// here; the network service validates them with getMe before saving.
pub(super) fn looks_like_token(t: &str) -> bool {
    t.split_once(':').is_some_and(|(id, rest)| {
        !id.is_empty()
            && id.chars().all(|c| c.is_ascii_digit())
            && rest.len() >= 20
            && rest.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    })
}

fn check_token(token: &Secret<String>) -> Result<()> {
    if looks_like_token(token.expose()) {
        Ok(())
    } else {
        Err(Error::invalid(
            "bot_token",
            "no parece un token de @BotFather (123456:ABC…)",
        ))
    }
}

impl Db {
    /// Create a distributor and seed its default PDV types, in one transaction.
    pub async fn create_distributor(&self, new: NewDistributor) -> Result<Distributor> {
        let name = clean_name(&new.name)?;
        let tz = new.time_zone.as_deref().unwrap_or(DEFAULT_TIME_ZONE);
        parse_time_zone(tz).map_err(|e| Error::invalid("time_zone", e))?;
        if let Some(token) = &new.bot_token {
            check_token(token)?;
        }
        let mut tx = self.begin_write().await?;
        let id = insert_distributor(&mut tx, &name, tz, new.bot_token.as_ref(), new.admin_telegram_id).await?;
        tx.commit().await?;
        self.distributor(id).await
    }

    pub async fn distributor(&self, id: DistributorId) -> Result<Distributor> {
        let row: Option<DistributorRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = ?")))
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        row.ok_or(Error::NotFound { entity: "distributor" })?.try_into()
    }

    pub async fn distributor_by_name(&self, name: &str) -> Result<Distributor> {
        let row: Option<DistributorRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE name = ?")))
            .bind(name.trim())
            .fetch_optional(self.pool())
            .await?;
        row.ok_or(Error::NotFound { entity: "distributor" })?.try_into()
    }

    pub async fn list_distributors(&self) -> Result<Vec<Distributor>> {
        let rows: Vec<DistributorRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} ORDER BY name, id")))
            .fetch_all(self.pool())
            .await?;
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// The bot token, for the one caller that talks to Telegram.
    pub async fn distributor_bot_token(&self, id: DistributorId) -> Result<Option<Secret<String>>> {
        let token: Option<Option<String>> = sqlx::query_scalar("SELECT bot_token FROM distributors WHERE id = ?")
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
        Ok(token.ok_or(Error::NotFound { entity: "distributor" })?.map(Secret::new))
    }

    /// Every active distributor that has a bot token, with the token: what the
    /// bot supervisor should be running. One query, however many distributors.
    pub async fn active_bot_tokens(&self) -> Result<Vec<(DistributorId, Secret<String>)>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT id, bot_token FROM distributors WHERE status = 'active' AND bot_token IS NOT NULL ORDER BY id",
        )
        .fetch_all(self.pool())
        .await?;
        Ok(rows.into_iter().map(|(id, token)| (id, Secret::new(token))).collect())
    }

    pub async fn update_distributor(&self, id: DistributorId, u: DistributorUpdate) -> Result<Distributor> {
        let name = u.name.as_deref().map(clean_name).transpose()?;
        if let Some(tz) = &u.time_zone {
            parse_time_zone(tz).map_err(|e| Error::invalid("time_zone", e))?;
        }
        if let Some(Some(token)) = &u.bot_token {
            check_token(token)?;
        }
        for (field, points) in [
            ("points_approved", u.points_approved),
            ("points_highlighted", u.points_highlighted),
        ] {
            if points.is_some_and(|p| !(0..=1000).contains(&p)) {
                return Err(Error::invalid(field, "debe estar entre 0 y 1000"));
            }
        }
        let mut tx = self.begin_write().await?;
        let current: Option<DistributorRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = ?")))
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let c = current.ok_or(Error::NotFound { entity: "distributor" })?;
        // A Drive archive without a folder would fail on every photo: refuse it here.
        let storage = u.photo_storage.unwrap_or(c.photo_storage);
        let folder = u.drive_folder_id.clone().unwrap_or(c.drive_folder_id.clone());
        if storage == PhotoStorage::GoogleDrive && folder.is_none() {
            return Err(Error::invalid(
                "drive_folder_id",
                "para google_drive hace falta el id de una carpeta de Drive",
            ));
        }
        let token_sql = u.bot_token.as_ref().map(|t| t.as_ref().map(|s| s.expose().clone()));
        sqlx::query(
            "UPDATE distributors SET name = ?, status = ?, time_zone = ?, \
             bot_token = CASE WHEN ? THEN ? ELSE bot_token END, admin_telegram_id = ?, \
             hibernation_enabled = ?, hibernation_start = ?, hibernation_end = ?, photo_storage = ?, \
             drive_folder_id = ?, points_approved = ?, points_highlighted = ?, updated_at = ? WHERE id = ?",
        )
        .bind(name.unwrap_or(c.name.clone()))
        .bind(match u.active {
            Some(true) => DistributorStatus::Active,
            Some(false) => DistributorStatus::Inactive,
            None => c.status,
        })
        .bind(u.time_zone.unwrap_or(c.time_zone))
        .bind(token_sql.is_some())
        .bind(token_sql.flatten())
        .bind(u.admin_telegram_id.unwrap_or(c.admin_telegram_id))
        .bind(u.hibernation_enabled.unwrap_or(c.hibernation_enabled))
        .bind(u.hibernation_start.map(format_hhmm).unwrap_or(c.hibernation_start))
        .bind(u.hibernation_end.map(format_hhmm).unwrap_or(c.hibernation_end))
        .bind(u.photo_storage.unwrap_or(c.photo_storage))
        .bind(u.drive_folder_id.unwrap_or(c.drive_folder_id))
        .bind(u.points_approved.unwrap_or(c.points_approved))
        .bind(u.points_highlighted.unwrap_or(c.points_highlighted))
        .bind(now())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(|e| Error::unique_violation(e, "distributor", "name"))?;
        tx.commit().await?;
        self.distributor(id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::test_support::temp_db;

    fn token() -> Secret<String> {
        Secret::new("123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw".to_string())
    }

    #[tokio::test]
    async fn create_applies_defaults_and_seeds_pdv_types() {
        let (db, _d) = temp_db().await;
        let d = db
            .create_distributor(NewDistributor {
                name: " Sur SA ".into(),
                time_zone: None,
                bot_token: None,
                admin_telegram_id: None,
            })
            .await
            .unwrap();
        assert_eq!(d.name, "Sur SA");
        assert!(d.active);
        assert_eq!(d.time_zone.name(), DEFAULT_TIME_ZONE);
        assert_eq!(d.hibernation, HibernationWindow::default());
        assert_eq!(
            d.scoring,
            Scoring {
                approved: 1,
                highlighted: 2
            }
        );
        assert!(!d.has_bot_token);
        let types = db.list_pdv_types(d.id, false).await.unwrap();
        assert_eq!(
            types.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
            crate::store::DEFAULT_PDV_TYPES
        );
    }

    #[tokio::test]
    async fn token_is_stored_but_never_in_the_read_model() {
        let (db, _d) = temp_db().await;
        let d = db
            .create_distributor(NewDistributor {
                name: "Norte".into(),
                time_zone: None,
                bot_token: Some(token()),
                admin_telegram_id: Some(42),
            })
            .await
            .unwrap();
        assert!(d.has_bot_token);
        let json = serde_json::to_string(&d).unwrap();
        assert!(!json.contains("AAHdqTcv"), "{json}");
        assert!(!format!("{d:?}").contains("AAHdqTcv"));
        assert_eq!(
            db.distributor_bot_token(d.id).await.unwrap().unwrap().expose(),
            token().expose()
        );
    }

    #[tokio::test]
    async fn duplicate_names_and_bad_values_are_refused() {
        let (db, _d) = temp_db().await;
        let new = |name: &str, tz: Option<&str>| NewDistributor {
            name: name.into(),
            time_zone: tz.map(Into::into),
            bot_token: None,
            admin_telegram_id: None,
        };
        db.create_distributor(new("Uno", None)).await.unwrap();
        assert!(matches!(
            db.create_distributor(new("uno", None)).await,
            Err(Error::AlreadyExists { .. })
        ));
        assert!(matches!(
            db.create_distributor(new("Dos", Some("Nowhere/Zone"))).await,
            Err(Error::Invalid { field: "time_zone", .. })
        ));
        assert!(matches!(
            db.create_distributor(new("  ", None)).await,
            Err(Error::Invalid { field: "name", .. })
        ));
        let bad_token = NewDistributor {
            bot_token: Some(Secret::new("nope".into())),
            ..new("Tres", None)
        };
        assert!(matches!(
            db.create_distributor(bad_token).await,
            Err(Error::Invalid { field: "bot_token", .. })
        ));
    }

    /// The field and the reason of an `Invalid` error, as the API shows them.
    fn invalid<T: std::fmt::Debug>(r: Result<T>) -> (&'static str, String) {
        match r {
            Err(Error::Invalid { field, reason }) => (field, reason),
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn what_is_refused_is_explained_in_spanish() {
        let (db, _d) = temp_db().await;
        let new = |name: &str| NewDistributor {
            name: name.into(),
            time_zone: None,
            bot_token: None,
            admin_telegram_id: None,
        };
        assert_eq!(
            invalid(db.create_distributor(new(&"x".repeat(121))).await),
            ("name", "debe tener de 1 a 120 caracteres".into())
        );
        assert_eq!(
            invalid(
                db.create_distributor(NewDistributor {
                    time_zone: Some("Nowhere/Zone".into()),
                    ..new("Uno")
                })
                .await
            ),
            (
                "time_zone",
                "\"Nowhere/Zone\" no es una zona horaria IANA conocida (por ejemplo America/Argentina/Buenos_Aires)"
                    .into()
            )
        );
        assert_eq!(
            invalid(
                db.create_distributor(NewDistributor {
                    bot_token: Some(Secret::new("nope".into())),
                    ..new("Uno")
                })
                .await
            ),
            ("bot_token", "no parece un token de @BotFather (123456:ABC…)".into())
        );
        let d = db.create_distributor(new("Uno")).await.unwrap();
        let update = |u: DistributorUpdate| db.update_distributor(d.id, u);
        assert_eq!(
            invalid(
                update(DistributorUpdate {
                    points_highlighted: Some(1001),
                    ..Default::default()
                })
                .await
            ),
            ("points_highlighted", "debe estar entre 0 y 1000".into())
        );
        assert_eq!(
            invalid(
                update(DistributorUpdate {
                    photo_storage: Some(PhotoStorage::GoogleDrive),
                    ..Default::default()
                })
                .await
            ),
            (
                "drive_folder_id",
                "para google_drive hace falta el id de una carpeta de Drive".into()
            )
        );
        // The limits are the ones the reasons give.
        assert!(
            update(DistributorUpdate {
                name: Some("x".repeat(120)),
                points_approved: Some(0),
                points_highlighted: Some(1000),
                ..Default::default()
            })
            .await
            .is_ok()
        );
    }

    #[tokio::test]
    async fn update_changes_only_what_is_given() {
        let (db, _d) = temp_db().await;
        let d = db
            .create_distributor(NewDistributor {
                name: "Centro".into(),
                time_zone: None,
                bot_token: Some(token()),
                admin_telegram_id: Some(1),
            })
            .await
            .unwrap();
        let u = db
            .update_distributor(
                d.id,
                DistributorUpdate {
                    active: Some(false),
                    hibernation_start: Some(parse_hhmm("23:30").unwrap()),
                    points_highlighted: Some(5),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(!u.active);
        assert_eq!(format_hhmm(u.hibernation.start), "23:30");
        assert_eq!(u.scoring.highlighted, 5);
        assert_eq!(u.name, "Centro");
        assert_eq!(u.admin_telegram_id, Some(1));
        assert!(u.has_bot_token, "token kept when not given");
        let u = db
            .update_distributor(
                d.id,
                DistributorUpdate {
                    bot_token: Some(None),
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert!(!u.has_bot_token);
        assert!(matches!(
            db.update_distributor(999, DistributorUpdate::default()).await,
            Err(Error::NotFound { .. })
        ));
        assert!(
            db.update_distributor(
                d.id,
                DistributorUpdate {
                    points_approved: Some(-1),
                    ..Default::default()
                }
            )
            .await
            .is_err()
        );
    }
}
