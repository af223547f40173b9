//! Point-of-sale types offered as buttons by the bot, per distributor.

use serde::Serialize;
use sqlx::SqliteConnection;

use super::Db;
use super::writer::FetchWrite;
use crate::domain::{DistributorId, PdvTypeId};
use crate::{Error, Result};

/// Seeded for every new distributor; admins can rename, reorder or deactivate them.
pub const DEFAULT_PDV_TYPES: [&str; 6] = ["Kiosco", "Almacén", "Autoservicio", "Supermercado", "Mayorista", "Otro"];

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct PdvType {
    pub id: PdvTypeId,
    pub distributor_id: DistributorId,
    pub name: String,
    pub position: i64,
    pub active: bool,
}

pub(super) async fn seed_defaults(conn: &mut SqliteConnection, distributor_id: DistributorId) -> Result<()> {
    for (position, name) in DEFAULT_PDV_TYPES.iter().enumerate() {
        sqlx::query("INSERT INTO pdv_types (distributor_id, name, position) VALUES (?, ?, ?)")
            .bind(distributor_id)
            .bind(name)
            .bind(position as i64)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

impl Db {
    /// Add a PDV type at the end of the distributor's list.
    pub async fn create_pdv_type(&self, distributor_id: DistributorId, name: &str) -> Result<PdvType> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 60 {
            return Err(Error::invalid("name", "debe tener de 1 a 60 caracteres"));
        }
        self.distributor(distributor_id).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO pdv_types (distributor_id, name, position) \
             VALUES (?1, ?2, (SELECT coalesce(max(position), -1) + 1 FROM pdv_types WHERE distributor_id = ?1)) RETURNING id",
        )
        .bind(distributor_id)
        .bind(name)
        .fetch_one_write(self)
        .await
        .map_err(|e| Error::unique_violation(e, "pdv type", name.to_string()))?;
        self.pdv_type(distributor_id, id).await
    }

    pub async fn pdv_type(&self, distributor_id: DistributorId, id: PdvTypeId) -> Result<PdvType> {
        sqlx::query_as(
            "SELECT id, distributor_id, name, position, active FROM pdv_types WHERE distributor_id = ? AND id = ?",
        )
        .bind(distributor_id)
        .bind(id)
        .fetch_optional(self.pool())
        .await?
        .ok_or(Error::NotFound { entity: "pdv type" })
    }

    /// The distributor's PDV types in display order.
    pub async fn list_pdv_types(&self, distributor_id: DistributorId, only_active: bool) -> Result<Vec<PdvType>> {
        Ok(sqlx::query_as(
            "SELECT id, distributor_id, name, position, active FROM pdv_types \
             WHERE distributor_id = ? AND (active = 1 OR NOT ?) ORDER BY position, id",
        )
        .bind(distributor_id)
        .bind(only_active)
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
    async fn new_types_go_last_and_names_are_unique_per_distributor() {
        let (db, _d) = temp_db().await;
        let mk = |n: &str| NewDistributor {
            name: n.into(),
            time_zone: None,
            bot_token: None,
            admin_telegram_id: None,
        };
        let a = db.create_distributor(mk("A")).await.unwrap();
        let b = db.create_distributor(mk("B")).await.unwrap();
        let t = db.create_pdv_type(a.id, " Farmacia ").await.unwrap();
        assert_eq!(
            (t.name.as_str(), t.position),
            ("Farmacia", DEFAULT_PDV_TYPES.len() as i64)
        );
        assert!(matches!(
            db.create_pdv_type(a.id, "kiosco").await,
            Err(Error::AlreadyExists { .. })
        ));
        assert!(db.create_pdv_type(b.id, "Farmacia").await.is_ok());
        assert!(matches!(db.pdv_type(b.id, t.id).await, Err(Error::NotFound { .. })));
        assert_eq!(
            db.list_pdv_types(a.id, true).await.unwrap().last().unwrap().name,
            "Farmacia"
        );
    }
}
