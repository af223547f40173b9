//! `audit_events`: the administration history, append-only (the schema
//! refuses UPDATE and DELETE). Entries are written after the change they
//! describe succeeded, never with a secret in them.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Db;
use super::writer::FetchWrite;
use crate::Result;
use crate::domain::audit::{AuditAction, AuditActor, FieldChange};
use crate::domain::{DistributorId, PortalUserId};

#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEvent {
    /// `None`: the whole service (a job, a superadmin account).
    pub distributor_id: Option<DistributorId>,
    pub actor: AuditActor,
    pub action: AuditAction,
    /// What it was done to, as people know it (a username, a group's title).
    pub subject: String,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEvent {
    pub id: i64,
    pub distributor_id: Option<DistributorId>,
    /// The portal user who did it; absent for the server's console.
    pub actor_id: Option<PortalUserId>,
    /// Their display name then.
    pub actor_name: Option<String>,
    pub action: AuditAction,
    pub subject: String,
    #[sqlx(json)]
    pub changes: Vec<FieldChange>,
    pub created_at: DateTime<Utc>,
}

/// Which entries to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    /// `None`: every distributor's and the service's (the superadmin's view).
    pub distributor_id: Option<DistributorId>,
    pub action: Option<AuditAction>,
    /// Only entries older than this id (the next page).
    pub before: Option<i64>,
    pub limit: u32,
}

impl Db {
    pub async fn record_audit(&self, event: &NewAuditEvent, at: DateTime<Utc>) -> Result<i64> {
        let actor_id = match event.actor {
            AuditActor::User(id) => Some(id),
            AuditActor::Console => None,
        };
        sqlx::query_scalar(
            "INSERT INTO audit_events (distributor_id, actor_id, actor_name, action, subject, changes, created_at) \
             VALUES (?1, ?2, (SELECT display_name FROM portal_users WHERE id = ?2), ?3, ?4, ?5, ?6) RETURNING id",
        )
        .bind(event.distributor_id)
        .bind(actor_id)
        .bind(event.action)
        .bind(&event.subject)
        .bind(sqlx::types::Json(&event.changes))
        .bind(at)
        .fetch_one_write(self)
        .await
    }

    pub async fn audit_events(&self, q: &AuditQuery) -> Result<Vec<AuditEvent>> {
        // Two statements, so one distributor's read walks its own index.
        let query = match q.distributor_id {
            Some(_) => {
                "SELECT id, distributor_id, actor_id, actor_name, action, subject, changes, created_at \
                 FROM audit_events WHERE distributor_id = ?1 AND (?2 IS NULL OR action = ?2) \
                 AND (?3 IS NULL OR id < ?3) ORDER BY id DESC LIMIT ?4"
            }
            None => {
                "SELECT id, distributor_id, actor_id, actor_name, action, subject, changes, created_at \
                 FROM audit_events WHERE ?1 IS NULL AND (?2 IS NULL OR action = ?2) \
                 AND (?3 IS NULL OR id < ?3) ORDER BY id DESC LIMIT ?4"
            }
        };
        Ok(sqlx::query_as(query)
            .bind(q.distributor_id)
            .bind(q.action)
            .bind(q.before)
            .bind(i64::from(q.limit.clamp(1, 500)))
            .fetch_all(self.pool())
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;
    use crate::domain::roles::PortalRole;
    use crate::store::test_support::temp_db;
    use crate::store::{NewDistributor, NewPortalUser, now};

    async fn distributor(db: &Db, name: &str) -> DistributorId {
        db.create_distributor(NewDistributor {
            name: name.into(),
            time_zone: None,
            bot_token: None,
            admin_telegram_id: None,
        })
        .await
        .unwrap()
        .id
    }

    fn event(distributor_id: Option<DistributorId>, actor: AuditActor, subject: &str) -> NewAuditEvent {
        NewAuditEvent {
            distributor_id,
            actor,
            action: AuditAction::UserUpdated,
            subject: subject.into(),
            changes: vec![FieldChange::new("active", true, false)],
        }
    }

    #[tokio::test]
    async fn entries_read_back_newest_first_per_distributor_with_the_actors_name_then() {
        let (db, _d) = temp_db().await;
        let (a, b) = (distributor(&db, "Norte").await, distributor(&db, "Sur").await);
        let admin = db
            .create_portal_user(NewPortalUser {
                username: "ana".into(),
                display_name: Some("Ana Pérez".into()),
                password: Secret::new("una clave larga".into()),
                role: PortalRole::Admin,
                distributor_id: Some(a),
            })
            .await
            .unwrap();
        let t = now();
        db.record_audit(&event(Some(a), AuditActor::User(admin.id), "juan"), t)
            .await
            .unwrap();
        db.record_audit(&event(Some(b), AuditActor::Console, "pedro"), t)
            .await
            .unwrap();
        db.record_audit(&event(Some(a), AuditActor::Console, "luis"), t)
            .await
            .unwrap();
        db.record_audit(&event(None, AuditActor::Console, "root"), t)
            .await
            .unwrap();

        let of_a = db
            .audit_events(&AuditQuery {
                distributor_id: Some(a),
                limit: 50,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(
            of_a.iter().map(|e| e.subject.as_str()).collect::<Vec<_>>(),
            ["luis", "juan"]
        );
        assert_eq!(of_a[1].actor_id, Some(admin.id));
        assert_eq!(of_a[1].actor_name.as_deref(), Some("Ana Pérez"));
        assert_eq!(of_a[0].actor_name, None, "the console has no name");
        assert_eq!(of_a[1].changes, vec![FieldChange::new("active", true, false)]);

        let everything = db
            .audit_events(&AuditQuery {
                limit: 50,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(everything.len(), 4);
        let page = db
            .audit_events(&AuditQuery {
                before: Some(everything[1].id),
                limit: 1,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(page[0].subject, "pedro", "the page after the second newest");
        let none = db
            .audit_events(&AuditQuery {
                action: Some(AuditAction::GroupCreated),
                limit: 50,
                ..Default::default()
            })
            .await
            .unwrap();
        assert!(none.is_empty());
    }

    #[tokio::test]
    async fn entries_can_be_neither_changed_nor_deleted() {
        let (db, _d) = temp_db().await;
        let id = db
            .record_audit(&event(None, AuditActor::Console, "x"), now())
            .await
            .unwrap();
        let update = sqlx::query("UPDATE audit_events SET subject = 'y' WHERE id = ?")
            .bind(id)
            .execute(db.pool())
            .await;
        assert!(update.unwrap_err().to_string().contains("append-only"));
        let delete = sqlx::query("DELETE FROM audit_events").execute(db.pool()).await;
        assert!(delete.unwrap_err().to_string().contains("append-only"));
    }
}
