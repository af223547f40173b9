//! Exhibitions: recording what the bot received, the review queue, verdicts
//! with their append-only history, and the monthly tallies behind the ranking.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::SqliteConnection;
use uuid::Uuid;

use super::photo_storage::{PhotoPrint, matching_photos};
use super::tasks::{NewTask, enqueue_in, kinds};
use super::writer::ExecuteWrite;
use super::{Db, now};
use crate::domain::customer_number::CustomerNumber;
use crate::domain::exhibition::{ExhibitionStatus, SyncState, Verdict, evaluate};
use crate::domain::ranking::{RankingEntry, VendorTally, rank};
use crate::domain::roles::{AccessError, Action, Actor};
use crate::domain::time_zone::Month;
use crate::domain::{ChatId, DistributorId, GroupId, MemberId, PdvTypeId, PortalUserId};
use crate::{Error, Result};

/// One photo of a new exhibition, as far as it is known when it is recorded.
#[derive(Debug, Clone, Default)]
pub struct NewPhoto {
    pub telegram_file_id: Option<String>,
    pub telegram_file_unique_id: Option<String>,
    pub storage_key: Option<String>,
    pub storage_link: Option<String>,
    pub sha256: Option<String>,
    pub size_bytes: Option<i64>,
    pub width: Option<i64>,
    pub height: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewExhibition {
    pub distributor_id: DistributorId,
    pub group_id: GroupId,
    pub vendor_id: MemberId,
    pub customer_number: CustomerNumber,
    pub pdv_type_id: PdvTypeId,
    pub submitted_at: DateTime<Utc>,
    /// `"<chat id>:<first photo message id>"`: the same Telegram message never records twice.
    pub idempotency_key: String,
    pub photos: Vec<NewPhoto>,
}

impl NewExhibition {
    pub fn idempotency_key(chat_id: ChatId, first_message_id: i64) -> String {
        format!("{chat_id}:{first_message_id}")
    }
}

/// The outcome of recording: the exhibition id and whether this call created it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recorded {
    pub id: Uuid,
    pub created: bool,
    pub possible_duplicate: bool,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ExhibitionSummary {
    #[sqlx(try_from = "String")]
    pub id: Uuid,
    pub distributor_id: DistributorId,
    pub group_id: GroupId,
    pub group_title: String,
    pub vendor_id: MemberId,
    pub vendor_name: String,
    pub customer_number: String,
    pub pdv_type_id: PdvTypeId,
    pub pdv_type_name: String,
    pub status: ExhibitionStatus,
    pub evaluator_id: Option<PortalUserId>,
    pub evaluator_name: Option<String>,
    pub comment: Option<String>,
    pub rejection_reason: Option<String>,
    pub submitted_at: DateTime<Utc>,
    pub evaluated_at: Option<DateTime<Utc>>,
    pub confirmation_chat_id: Option<ChatId>,
    pub confirmation_message_id: Option<i64>,
    pub sync_state: SyncState,
    pub possible_duplicate: bool,
    pub photo_count: i64,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Photo {
    pub id: i64,
    pub position: i64,
    pub telegram_file_id: Option<String>,
    pub telegram_file_unique_id: Option<String>,
    pub storage_key: Option<String>,
    pub storage_link: Option<String>,
    pub sha256: Option<String>,
    pub size_bytes: Option<i64>,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub upload_state: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct EvaluationEvent {
    pub id: i64,
    pub actor_id: Option<PortalUserId>,
    pub actor_name: Option<String>,
    pub from_status: ExhibitionStatus,
    pub to_status: ExhibitionStatus,
    pub comment: Option<String>,
    pub reason: Option<String>,
    pub created_at: DateTime<Utc>,
    /// Carried over from the old system by the legacy import, not given here.
    pub imported: bool,
}

/// The earlier exhibition of the same distributor that an exhibition
/// possibly duplicates (same Telegram file, same bytes or a close perceptual
/// hash; see `store::photo_storage`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DuplicateOf {
    #[sqlx(try_from = "String")]
    pub id: Uuid,
    pub submitted_at: DateTime<Utc>,
    /// Which photo of this exhibition looks like which photo of the earlier
    /// one (positions), so a supervisor can compare the two side by side.
    #[sqlx(skip)]
    pub photo_position: Option<i64>,
    #[sqlx(skip)]
    pub earlier_photo_position: Option<i64>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exhibition {
    #[serde(flatten)]
    pub summary: ExhibitionSummary,
    pub photos: Vec<Photo>,
    pub history: Vec<EvaluationEvent>,
    /// Set when `possible_duplicate` was raised by a stored photo.
    pub duplicate_of: Option<DuplicateOf>,
}

#[derive(Debug, Clone)]
pub struct EvaluationRequest {
    pub exhibition_id: Uuid,
    pub verdict: Verdict,
    /// The status the caller saw (optimistic concurrency).
    pub expected_status: ExhibitionStatus,
    pub comment: Option<String>,
    pub reason: Option<String>,
}

/// Conditions of an exhibition listing (all optional; the distributor is not).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExhibitionFilter {
    pub status: Option<ExhibitionStatus>,
    pub group_id: Option<GroupId>,
    pub vendor_id: Option<MemberId>,
    pub pdv_type_id: Option<PdvTypeId>,
    /// Submitted at or after.
    pub from: Option<DateTime<Utc>>,
    /// Submitted before.
    pub to: Option<DateTime<Utc>>,
    pub possible_duplicate: Option<bool>,
    /// One shop's exhibitions (the number as the bot stores it).
    pub customer_number: Option<CustomerNumber>,
}

/// How many exhibitions match a filter, and the oldest one's submission.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ExhibitionCount {
    pub count: i64,
    /// `None` when none matches.
    pub oldest_submitted_at: Option<DateTime<Utc>>,
}

/// Position in a listing: continue after this exhibition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingCursor {
    pub submitted_at: DateTime<Utc>,
    pub id: Uuid,
}

const SUMMARY: &str = "SELECT e.id, e.distributor_id, e.group_id, g.title AS group_title, e.vendor_id, \
       trim(m.first_name || ' ' || coalesce(m.last_name, '')) AS vendor_name, e.customer_number, e.pdv_type_id, \
       p.name AS pdv_type_name, e.status, e.evaluator_id, u.display_name AS evaluator_name, e.comment, \
       e.rejection_reason, e.submitted_at, e.evaluated_at, e.confirmation_chat_id, e.confirmation_message_id, \
       e.sync_state, e.possible_duplicate, \
       (SELECT count(*) FROM exhibition_photos ph WHERE ph.exhibition_id = e.id) AS photo_count \
     FROM exhibitions e \
     JOIN telegram_groups g ON g.id = e.group_id \
     JOIN members m ON m.id = e.vendor_id \
     JOIN pdv_types p ON p.id = e.pdv_type_id \
     LEFT JOIN portal_users u ON u.id = e.evaluator_id";

/// The `WHERE` of a listing: the distributor, then only the conditions given,
/// so SQLite can use its indexes.
fn push_conditions(q: &mut sqlx::QueryBuilder<sqlx::Sqlite>, distributor_id: DistributorId, filter: &ExhibitionFilter) {
    q.push(" WHERE e.distributor_id = ").push_bind(distributor_id);
    if let Some(status) = filter.status {
        q.push(" AND e.status = ").push_bind(status);
    }
    if let Some(group) = filter.group_id {
        q.push(" AND e.group_id = ").push_bind(group);
    }
    if let Some(vendor) = filter.vendor_id {
        q.push(" AND e.vendor_id = ").push_bind(vendor);
    }
    if let Some(pdv) = filter.pdv_type_id {
        q.push(" AND e.pdv_type_id = ").push_bind(pdv);
    }
    if let Some(from) = filter.from {
        q.push(" AND e.submitted_at >= ").push_bind(from);
    }
    if let Some(to) = filter.to {
        q.push(" AND e.submitted_at < ").push_bind(to);
    }
    if let Some(dup) = filter.possible_duplicate {
        q.push(" AND e.possible_duplicate = ").push_bind(dup);
    }
    if let Some(customer) = &filter.customer_number {
        q.push(" AND e.customer_number = ")
            .push_bind(customer.as_str().to_owned());
    }
}

/// `Db::record_exhibition` inside a caller's write transaction.
pub(super) async fn record_exhibition_in(conn: &mut SqliteConnection, new: NewExhibition) -> Result<Recorded> {
    let existing: Option<(String, bool)> = sqlx::query_as(
        "SELECT id, possible_duplicate FROM exhibitions WHERE distributor_id = ? AND idempotency_key = ?",
    )
    .bind(new.distributor_id)
    .bind(&new.idempotency_key)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some((id, dup)) = existing {
        let id = Uuid::parse_str(&id).map_err(|e| Error::invalid("exhibition id", e.to_string()))?;
        return Ok(Recorded {
            id,
            created: false,
            possible_duplicate: dup,
        });
    }
    // Foreign keys prove the rows exist; these checks prove they belong to this tenant.
    let owned: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM telegram_groups WHERE id = ?1 AND distributor_id = ?4) \
              + (SELECT count(*) FROM members WHERE id = ?2 AND distributor_id = ?4) \
              + (SELECT count(*) FROM pdv_types WHERE id = ?3 AND distributor_id = ?4)",
    )
    .bind(new.group_id)
    .bind(new.vendor_id)
    .bind(new.pdv_type_id)
    .bind(new.distributor_id)
    .fetch_one(&mut *conn)
    .await?;
    if owned != 3 {
        return Err(Error::invalid(
            "exhibition",
            "el grupo, el vendedor y el tipo de PDV tienen que ser de la distribuidora",
        ));
    }
    if new.photos.is_empty() {
        return Err(Error::invalid("photos", "una exhibición necesita al menos una foto"));
    }
    let mut duplicate = false;
    for p in &new.photos {
        let seen: i64 = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM exhibition_photos WHERE distributor_id = ?1 AND \
               ((?2 IS NOT NULL AND telegram_file_unique_id = ?2) OR (?3 IS NOT NULL AND sha256 = ?3)))",
        )
        .bind(new.distributor_id)
        .bind(&p.telegram_file_unique_id)
        .bind(&p.sha256)
        .fetch_one(&mut *conn)
        .await?;
        duplicate |= seen == 1;
    }
    let id = Uuid::now_v7();
    let at = now();
    sqlx::query(
        "INSERT INTO exhibitions (id, distributor_id, group_id, vendor_id, customer_number, pdv_type_id, \
           submitted_at, possible_duplicate, idempotency_key, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(id.hyphenated())
    .bind(new.distributor_id)
    .bind(new.group_id)
    .bind(new.vendor_id)
    .bind(new.customer_number.as_str())
    .bind(new.pdv_type_id)
    .bind(new.submitted_at)
    .bind(duplicate)
    .bind(&new.idempotency_key)
    .bind(at)
    .execute(&mut *conn)
    .await?;
    for (position, p) in new.photos.iter().enumerate() {
        sqlx::query(
            "INSERT INTO exhibition_photos (exhibition_id, distributor_id, position, telegram_file_id, \
               telegram_file_unique_id, storage_key, storage_link, sha256, size_bytes, width, height, upload_state, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id.hyphenated())
        .bind(new.distributor_id)
        .bind(position as i64)
        .bind(&p.telegram_file_id)
        .bind(&p.telegram_file_unique_id)
        .bind(&p.storage_key)
        .bind(&p.storage_link)
        .bind(&p.sha256)
        .bind(p.size_bytes)
        .bind(p.width)
        .bind(p.height)
        .bind(if p.storage_key.is_some() { "stored" } else { "pending" })
        .bind(at)
        .execute(&mut *conn)
        .await?;
    }
    Ok(Recorded {
        id,
        created: true,
        possible_duplicate: duplicate,
    })
}

pub(super) async fn set_confirmation_message_in(
    conn: &mut SqliteConnection,
    distributor_id: DistributorId,
    id: Uuid,
    chat_id: ChatId,
    message_id: i64,
    at: DateTime<Utc>,
) -> Result<()> {
    let n = sqlx::query(
        "UPDATE exhibitions SET confirmation_chat_id = ?, confirmation_message_id = ?, updated_at = ? \
         WHERE distributor_id = ? AND id = ?",
    )
    .bind(chat_id)
    .bind(message_id)
    .bind(at)
    .bind(distributor_id)
    .bind(id.hyphenated())
    .execute(conn)
    .await?
    .rows_affected();
    if n == 0 {
        Err(Error::NotFound { entity: "exhibition" })
    } else {
        Ok(())
    }
}

impl Db {
    /// Record a new exhibition with its photos in one transaction. Running it
    /// again with the same idempotency key returns the existing exhibition.
    pub async fn record_exhibition(&self, new: NewExhibition) -> Result<Recorded> {
        let mut tx = self.begin_write().await?;
        let recorded = record_exhibition_in(&mut tx, new).await?;
        tx.commit().await?;
        Ok(recorded)
    }

    /// Remember the bot's confirmation message, which later verdicts edit.
    pub async fn set_confirmation_message(
        &self,
        distributor_id: DistributorId,
        id: Uuid,
        chat_id: ChatId,
        message_id: i64,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        set_confirmation_message_in(&mut tx, distributor_id, id, chat_id, message_id, now()).await?;
        tx.commit().await
    }

    /// Apply a verdict for `actor` at instant `at` (normally [`now`]). Tenant and
    /// role are checked here, on the server side; another tenant's exhibition is
    /// reported as not found.
    pub async fn evaluate_exhibition(
        &self,
        actor: &Actor,
        req: EvaluationRequest,
        at: DateTime<Utc>,
    ) -> Result<Exhibition> {
        let mut tx = self.begin_write().await?;
        let row: Option<(i64, ExhibitionStatus, Option<i64>)> =
            sqlx::query_as("SELECT distributor_id, status, confirmation_message_id FROM exhibitions WHERE id = ?")
                .bind(req.exhibition_id.hyphenated())
                .fetch_optional(&mut *tx)
                .await?;
        let (distributor_id, current, confirmation) = row.ok_or(Error::NotFound { entity: "exhibition" })?;
        match actor.authorize(Action::Evaluate, distributor_id) {
            Err(AccessError::OtherTenant) => {
                return Err(Error::NotFound { entity: "exhibition" });
            }
            other => other?,
        }
        let t = evaluate(
            current,
            req.expected_status,
            req.verdict,
            actor.role,
            req.comment.as_deref(),
            req.reason.as_deref(),
        )?;

        let sync = if confirmation.is_some() {
            SyncState::Pending
        } else {
            SyncState::Idle
        };
        sqlx::query(
            "UPDATE exhibitions SET status = ?, evaluator_id = ?, comment = ?, rejection_reason = ?, evaluated_at = ?, \
               sync_state = ?, updated_at = ? WHERE id = ? AND status = ?",
        )
        .bind(t.to)
        .bind(actor.user_id)
        .bind(&t.comment)
        .bind(&t.reason)
        .bind(at)
        .bind(sync)
        .bind(at)
        .bind(req.exhibition_id.hyphenated())
        .bind(t.from)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO evaluation_events (exhibition_id, distributor_id, actor_id, from_status, to_status, comment, reason, created_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(req.exhibition_id.hyphenated())
        .bind(distributor_id)
        .bind(actor.user_id)
        .bind(t.from)
        .bind(t.to)
        .bind(&t.comment)
        .bind(&t.reason)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        if sync == SyncState::Pending {
            // Same transaction: the Telegram edit is queued if and only if the verdict is stored.
            let task = NewTask {
                kind: kinds::EDIT_CONFIRMATION.to_string(),
                distributor_id: Some(distributor_id),
                payload: serde_json::json!({ "exhibition_id": req.exhibition_id }),
                dedupe_key: Some(format!("edit:{}", req.exhibition_id)),
                max_attempts: 20,
            };
            enqueue_in(&mut tx, &task, at).await?;
        }
        tx.commit().await?;
        self.exhibition(distributor_id, req.exhibition_id).await
    }

    /// Record where the Telegram copy of a verdict stands, as the edit task
    /// `task_id` found it. Applies only if the exhibition still has `status`
    /// and no newer edit task of it exists: a verdict given while this edit
    /// was in flight (even one with the same status, a corrected reason) has
    /// its own task, which records its own sync state.
    pub async fn set_sync_state(
        &self,
        id: Uuid,
        status: ExhibitionStatus,
        state: SyncState,
        task_id: i64,
    ) -> Result<bool> {
        let n = sqlx::query(
            "UPDATE exhibitions SET sync_state = ?1, updated_at = ?2 WHERE id = ?3 AND status = ?4 \
               AND NOT EXISTS (SELECT 1 FROM tasks o, tasks t WHERE t.id = ?5 AND o.id > t.id \
                                 AND o.dedupe_key = t.dedupe_key)",
        )
        .bind(state)
        .bind(now())
        .bind(id.hyphenated())
        .bind(status)
        .bind(task_id)
        .execute_write(self)
        .await?
        .rows_affected();
        Ok(n == 1)
    }

    /// One exhibition of a distributor, with photos and verdict history.
    pub async fn exhibition(&self, distributor_id: DistributorId, id: Uuid) -> Result<Exhibition> {
        // One read transaction, so the four reads see one snapshot: a photo
        // worker or a verdict committing between them must not yield stored
        // photos with the duplicate flag still unset, or a status without its
        // history entry.
        let mut tx = self.pool().begin().await?;
        let summary: ExhibitionSummary = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "{SUMMARY} WHERE e.distributor_id = ? AND e.id = ?"
        )))
        .bind(distributor_id)
        .bind(id.hyphenated())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(Error::NotFound { entity: "exhibition" })?;
        let photos = sqlx::query_as(
            "SELECT id, position, telegram_file_id, telegram_file_unique_id, storage_key, storage_link, sha256, \
               size_bytes, width, height, upload_state FROM exhibition_photos WHERE exhibition_id = ? ORDER BY position",
        )
        .bind(id.hyphenated())
        .fetch_all(&mut *tx)
        .await?;
        let history = sqlx::query_as(
            "SELECT ev.id, ev.actor_id, u.display_name AS actor_name, ev.from_status, ev.to_status, ev.comment, ev.reason, \
               ev.created_at, ev.imported FROM evaluation_events ev LEFT JOIN portal_users u ON u.id = ev.actor_id \
             WHERE ev.exhibition_id = ? ORDER BY ev.id",
        )
        .bind(id.hyphenated())
        .fetch_all(&mut *tx)
        .await?;
        let mut duplicate_of: Option<DuplicateOf> = sqlx::query_as(
            "SELECT o.id, o.submitted_at FROM exhibitions e JOIN exhibitions o ON o.id = e.duplicate_of \
             WHERE e.id = ? AND o.distributor_id = e.distributor_id",
        )
        .bind(id.hyphenated())
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(earlier) = duplicate_of.as_mut() {
            let prints = "SELECT position, telegram_file_unique_id, sha256, perceptual_hash FROM exhibition_photos \
                          WHERE exhibition_id = ? AND distributor_id = ? ORDER BY position";
            let this: Vec<PhotoPrint> = sqlx::query_as(prints)
                .bind(id.hyphenated())
                .bind(distributor_id)
                .fetch_all(&mut *tx)
                .await?;
            let before: Vec<PhotoPrint> = sqlx::query_as(prints)
                .bind(earlier.id.hyphenated())
                .bind(distributor_id)
                .fetch_all(&mut *tx)
                .await?;
            if let Some((mine, theirs)) = matching_photos(&this, &before) {
                earlier.photo_position = Some(mine);
                earlier.earlier_photo_position = Some(theirs);
            }
        }
        tx.commit().await?;
        Ok(Exhibition {
            summary,
            photos,
            history,
            duplicate_of,
        })
    }

    /// The next page of a distributor's review queue, oldest first.
    pub async fn pending_page(
        &self,
        distributor_id: DistributorId,
        after: Option<&PendingCursor>,
        limit: u32,
    ) -> Result<Vec<ExhibitionSummary>> {
        let filter = ExhibitionFilter {
            status: Some(ExhibitionStatus::Pending),
            ..Default::default()
        };
        self.list_exhibitions(distributor_id, &filter, after, limit).await
    }

    /// A page of a distributor's exhibitions matching `filter`. Pending ones
    /// come oldest first (the review queue); any other listing newest first.
    /// Only the given conditions enter the SQL, so SQLite can use its indexes.
    pub async fn list_exhibitions(
        &self,
        distributor_id: DistributorId,
        filter: &ExhibitionFilter,
        after: Option<&PendingCursor>,
        limit: u32,
    ) -> Result<Vec<ExhibitionSummary>> {
        let ascending = filter.status == Some(ExhibitionStatus::Pending);
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(SUMMARY);
        push_conditions(&mut q, distributor_id, filter);
        if let Some(c) = after {
            q.push(if ascending {
                " AND (e.submitted_at, e.id) > ("
            } else {
                " AND (e.submitted_at, e.id) < ("
            })
            .push_bind(c.submitted_at)
            .push(", ")
            .push_bind(c.id.hyphenated().to_string())
            .push(")");
        }
        q.push(if ascending {
            " ORDER BY e.submitted_at, e.id"
        } else {
            " ORDER BY e.submitted_at DESC, e.id DESC"
        });
        q.push(" LIMIT ").push_bind(i64::from(limit.clamp(1, 200)));
        Ok(q.build_query_as().fetch_all(self.pool()).await?)
    }

    /// How many of a distributor's exhibitions match `filter`, and when the
    /// oldest of them was submitted (for the pending ones: the longest wait).
    pub async fn count_exhibitions(
        &self,
        distributor_id: DistributorId,
        filter: &ExhibitionFilter,
    ) -> Result<ExhibitionCount> {
        let mut q = sqlx::QueryBuilder::<sqlx::Sqlite>::new(
            "SELECT count(*) AS count, min(e.submitted_at) AS oldest_submitted_at FROM exhibitions e",
        );
        push_conditions(&mut q, distributor_id, filter);
        Ok(q.build_query_as().fetch_one(self.pool()).await?)
    }

    /// Exhibitions per status for a distributor (all time).
    pub async fn status_counts(&self, distributor_id: DistributorId) -> Result<Vec<(ExhibitionStatus, i64)>> {
        Ok(sqlx::query_as(
            "SELECT status, count(*) FROM exhibitions WHERE distributor_id = ? GROUP BY status ORDER BY status",
        )
        .bind(distributor_id)
        .fetch_all(self.pool())
        .await?)
    }

    /// Per-vendor counts of a calendar month in the distributor's time zone.
    pub async fn month_tallies(&self, distributor_id: DistributorId, month: Month) -> Result<Vec<VendorTally>> {
        let d = self.distributor(distributor_id).await?;
        let (start, end) = month.bounds(d.time_zone);
        let rows: Vec<(MemberId, String, ExhibitionStatus, i64)> = sqlx::query_as(
            "SELECT e.vendor_id, trim(m.first_name || ' ' || coalesce(m.last_name, '')), e.status, count(*) \
             FROM exhibitions e JOIN members m ON m.id = e.vendor_id \
             WHERE e.distributor_id = ? AND e.submitted_at >= ? AND e.submitted_at < ? \
             GROUP BY e.vendor_id, e.status",
        )
        .bind(distributor_id)
        .bind(start)
        .bind(end)
        .fetch_all(self.pool())
        .await?;
        let mut tallies: Vec<VendorTally> = Vec::new();
        for (vendor_id, name, status, n) in rows {
            let idx = match tallies.iter().position(|t| t.vendor_id == vendor_id) {
                Some(i) => i,
                None => {
                    tallies.push(VendorTally::new(vendor_id, name));
                    tallies.len() - 1
                }
            };
            tallies[idx].add(status, n);
        }
        Ok(tallies)
    }

    /// The month's ranking with the distributor's scoring.
    pub async fn ranking(&self, distributor_id: DistributorId, month: Month) -> Result<Vec<RankingEntry>> {
        let scoring = self.distributor(distributor_id).await?.scoring;
        Ok(rank(self.month_tallies(distributor_id, month).await?, scoring))
    }
}

#[cfg(test)]
pub(crate) mod test_fixtures {
    pub(crate) use super::tests::{Tenant, new_exhibition, tenant};
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Secret;
    use crate::domain::exhibition::EvaluationError;
    use crate::domain::roles::PortalRole;
    use crate::store::test_support::temp_db;
    use crate::store::{NewDistributor, NewGroup, NewMember, NewPortalUser};

    pub(crate) struct Tenant {
        pub(crate) distributor: DistributorId,
        group: GroupId,
        vendor: MemberId,
        pub(crate) pdv: PdvTypeId,
        pub(crate) supervisor: Actor,
    }

    pub(crate) async fn tenant(db: &Db, name: &str) -> Tenant {
        let d = db
            .create_distributor(NewDistributor {
                name: name.into(),
                time_zone: None,
                bot_token: None,
                admin_telegram_id: None,
            })
            .await
            .unwrap();
        let g = db
            .create_group(NewGroup {
                distributor_id: d.id,
                chat_id: -100,
                title: "Ventas".into(),
            })
            .await
            .unwrap();
        let m = db
            .upsert_member(NewMember {
                distributor_id: d.id,
                telegram_user_id: 10,
                first_name: "Ana".into(),
                last_name: Some("Paz".into()),
                username: None,
            })
            .await
            .unwrap();
        let pdv = db.list_pdv_types(d.id, true).await.unwrap()[0].id;
        let u = db
            .create_portal_user(NewPortalUser {
                username: format!("sup-{name}"),
                display_name: Some("Sofía".into()),
                password: Secret::new("clave-segura".into()),
                role: PortalRole::Supervisor,
                distributor_id: Some(d.id),
            })
            .await
            .unwrap();
        Tenant {
            distributor: d.id,
            group: g.id,
            vendor: m.id,
            pdv,
            supervisor: Actor {
                user_id: u.id,
                role: u.role,
                distributor_id: u.distributor_id,
            },
        }
    }

    pub(crate) fn new_exhibition(t: &Tenant, key: &str, at: &str, unique: &str) -> NewExhibition {
        NewExhibition {
            distributor_id: t.distributor,
            group_id: t.group,
            vendor_id: t.vendor,
            customer_number: CustomerNumber::parse("10452").unwrap(),
            pdv_type_id: t.pdv,
            submitted_at: at.parse().unwrap(),
            idempotency_key: key.into(),
            photos: vec![NewPhoto {
                telegram_file_unique_id: Some(unique.into()),
                ..Default::default()
            }],
        }
    }

    #[tokio::test]
    async fn the_same_telegram_message_records_one_exhibition() {
        let (db, _d) = temp_db().await;
        let t = tenant(&db, "A").await;
        let a = db
            .record_exhibition(new_exhibition(&t, "-100:7", "2026-05-01T12:00:00Z", "u1"))
            .await
            .unwrap();
        let b = db
            .record_exhibition(new_exhibition(&t, "-100:7", "2026-05-01T12:00:00Z", "u1"))
            .await
            .unwrap();
        assert!(a.created && !b.created);
        assert_eq!(a.id, b.id);
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM exhibitions")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(n, 1);
    }

    #[tokio::test]
    async fn a_photo_seen_before_flags_a_possible_duplicate_within_the_tenant_only() {
        let (db, _d) = temp_db().await;
        let t = tenant(&db, "A").await;
        let other = tenant(&db, "B").await;
        assert!(
            !db.record_exhibition(new_exhibition(&t, "k1", "2026-05-01T12:00:00Z", "same"))
                .await
                .unwrap()
                .possible_duplicate
        );
        assert!(
            db.record_exhibition(new_exhibition(&t, "k2", "2026-05-02T12:00:00Z", "same"))
                .await
                .unwrap()
                .possible_duplicate
        );
        assert!(
            !db.record_exhibition(new_exhibition(&other, "k1", "2026-05-02T12:00:00Z", "same"))
                .await
                .unwrap()
                .possible_duplicate
        );
    }

    #[tokio::test]
    async fn rows_of_another_tenant_cannot_be_used() {
        let (db, _d) = temp_db().await;
        let a = tenant(&db, "A").await;
        let b = tenant(&db, "B").await;
        let mut mixed = new_exhibition(&a, "k", "2026-05-01T12:00:00Z", "u");
        mixed.vendor_id = b.vendor;
        assert!(matches!(db.record_exhibition(mixed).await, Err(Error::Invalid { .. })));
    }

    #[tokio::test]
    async fn verdicts_append_history_and_conflicts_report_the_current_state() {
        let (db, _d) = temp_db().await;
        let t = tenant(&db, "A").await;
        let r = db
            .record_exhibition(new_exhibition(&t, "k", "2026-05-01T12:00:00Z", "u"))
            .await
            .unwrap();
        db.set_confirmation_message(t.distributor, r.id, -100, 555)
            .await
            .unwrap();
        let req = |verdict, expected| EvaluationRequest {
            exhibition_id: r.id,
            verdict,
            expected_status: expected,
            comment: Some("ok".into()),
            reason: None,
        };
        let e = db
            .evaluate_exhibition(&t.supervisor, req(Verdict::Approved, ExhibitionStatus::Pending), now())
            .await
            .unwrap();
        assert_eq!(e.summary.status, ExhibitionStatus::Approved);
        assert_eq!(e.summary.evaluator_name.as_deref(), Some("Sofía"));
        assert_eq!(e.summary.sync_state, SyncState::Pending);
        let queued: Vec<String> = sqlx::query_scalar("SELECT payload FROM tasks WHERE kind = 'edit_confirmation'")
            .fetch_all(db.pool())
            .await
            .unwrap();
        assert_eq!(queued.len(), 1);
        assert!(queued[0].contains(&r.id.to_string()));
        assert!(e.summary.evaluated_at.is_some());
        // A second supervisor who still saw "pending" gets a conflict with the truth.
        let err = db
            .evaluate_exhibition(
                &t.supervisor,
                req(Verdict::Highlighted, ExhibitionStatus::Pending),
                now(),
            )
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            Error::Evaluation(EvaluationError::Conflict {
                current: ExhibitionStatus::Approved,
                ..
            })
        ));
        let e = db
            .evaluate_exhibition(
                &t.supervisor,
                req(Verdict::Highlighted, ExhibitionStatus::Approved),
                now(),
            )
            .await
            .unwrap();
        let steps: Vec<_> = e.history.iter().map(|h| (h.from_status, h.to_status)).collect();
        assert_eq!(
            steps,
            vec![
                (ExhibitionStatus::Pending, ExhibitionStatus::Approved),
                (ExhibitionStatus::Approved, ExhibitionStatus::Highlighted),
            ]
        );
        // The history cannot be rewritten, even with raw SQL.
        assert!(
            sqlx::query("UPDATE evaluation_events SET comment = 'x'")
                .execute(db.pool())
                .await
                .is_err()
        );
        assert!(
            sqlx::query("DELETE FROM evaluation_events")
                .execute(db.pool())
                .await
                .is_err()
        );
    }

    /// The visor reads an exhibition while verdicts change it: every read
    /// must be one state, the status agreeing with its last history entry.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_exhibition_is_read_from_one_snapshot_while_verdicts_change_it() {
        let (db, _d) = temp_db().await;
        let t = tenant(&db, "A").await;
        let r = db
            .record_exhibition(new_exhibition(&t, "k", "2026-05-01T12:00:00Z", "u"))
            .await
            .unwrap();
        let writer = {
            let (db, actor) = (db.clone(), t.supervisor.clone());
            tokio::spawn(async move {
                let mut current = ExhibitionStatus::Pending;
                for i in 0..200 {
                    let verdict = if i % 2 == 0 {
                        Verdict::Approved
                    } else {
                        Verdict::Highlighted
                    };
                    let req = EvaluationRequest {
                        exhibition_id: r.id,
                        verdict,
                        expected_status: current,
                        comment: None,
                        reason: None,
                    };
                    current = db.evaluate_exhibition(&actor, req, now()).await.unwrap().summary.status;
                }
            })
        };
        let (mut reads, mut torn) = (0, Vec::new());
        while !writer.is_finished() {
            let e = db.exhibition(t.distributor, r.id).await.unwrap();
            let last = e.history.last().map_or(ExhibitionStatus::Pending, |h| h.to_status);
            if e.summary.status != last {
                torn.push((e.summary.status, last, e.history.len()));
            }
            reads += 1;
        }
        writer.await.unwrap();
        assert!(reads > 20, "the reads must overlap the verdicts: only {reads}");
        assert!(
            torn.is_empty(),
            "{} of {reads} reads mixed two states: {torn:?}",
            torn.len()
        );
    }

    #[tokio::test]
    async fn only_the_latest_edit_task_records_the_sync_state() {
        let (db, _d) = temp_db().await;
        let t = tenant(&db, "A").await;
        let r = db
            .record_exhibition(new_exhibition(&t, "k", "2026-05-01T12:00:00Z", "u"))
            .await
            .unwrap();
        db.set_confirmation_message(t.distributor, r.id, -100, 555)
            .await
            .unwrap();
        let reject = |reason: &str, expected| EvaluationRequest {
            exhibition_id: r.id,
            verdict: Verdict::Rejected,
            expected_status: expected,
            comment: None,
            reason: Some(reason.into()),
        };
        let lease = chrono::Duration::seconds(60);
        let edits = [kinds::EDIT_CONFIRMATION];
        db.evaluate_exhibition(&t.supervisor, reject("Foto borrosa", ExhibitionStatus::Pending), now())
            .await
            .unwrap();
        let first = db.claim_task(&edits, now(), lease).await.unwrap().unwrap();
        // While the first edit is out, the reason is corrected: same status, new text.
        db.evaluate_exhibition(
            &t.supervisor,
            reject("Falta material POP", ExhibitionStatus::Rejected),
            now(),
        )
        .await
        .unwrap();
        let second = db.claim_task(&edits, now(), lease).await.unwrap().unwrap();
        assert_ne!(first.id, second.id);

        // The first edit delivered the old reason: the exhibition is not synced yet.
        let sync = |db: Db| async move { db.exhibition(t.distributor, r.id).await.unwrap().summary.sync_state };
        assert!(
            !db.set_sync_state(r.id, ExhibitionStatus::Rejected, SyncState::Synced, first.id)
                .await
                .unwrap()
        );
        assert_eq!(sync(db.clone()).await, SyncState::Pending);
        assert!(
            !db.set_sync_state(r.id, ExhibitionStatus::Rejected, SyncState::Undeliverable, first.id)
                .await
                .unwrap()
        );
        assert_eq!(sync(db.clone()).await, SyncState::Pending);
        // The second one, which carries the new reason, records it.
        assert!(
            db.set_sync_state(r.id, ExhibitionStatus::Rejected, SyncState::Synced, second.id)
                .await
                .unwrap()
        );
        assert_eq!(sync(db.clone()).await, SyncState::Synced);
    }

    #[tokio::test]
    async fn other_tenants_and_viewers_cannot_evaluate() {
        let (db, _d) = temp_db().await;
        let a = tenant(&db, "A").await;
        let b = tenant(&db, "B").await;
        let r = db
            .record_exhibition(new_exhibition(&a, "k", "2026-05-01T12:00:00Z", "u"))
            .await
            .unwrap();
        let req = EvaluationRequest {
            exhibition_id: r.id,
            verdict: Verdict::Approved,
            expected_status: ExhibitionStatus::Pending,
            comment: None,
            reason: None,
        };
        assert!(matches!(
            db.evaluate_exhibition(&b.supervisor, req.clone(), now()).await,
            Err(Error::NotFound { .. })
        ));
        let viewer = Actor {
            role: PortalRole::Viewer,
            ..a.supervisor.clone()
        };
        assert!(matches!(
            db.evaluate_exhibition(&viewer, req.clone(), now()).await,
            Err(Error::Access(AccessError::RoleTooLow { .. }))
        ));
        assert!(matches!(
            db.exhibition(b.distributor, r.id).await,
            Err(Error::NotFound { .. })
        ));
        assert_eq!(
            db.exhibition(a.distributor, r.id).await.unwrap().summary.status,
            ExhibitionStatus::Pending
        );
    }

    #[tokio::test]
    async fn counts_match_the_filter_within_the_own_distributor_with_the_oldest_submission() {
        let (db, _d) = temp_db().await;
        let a = tenant(&db, "A").await;
        let b = tenant(&db, "B").await;
        let mut ids = Vec::new();
        for (i, at) in ["2026-05-03T10:00:00Z", "2026-05-01T10:00:00Z", "2026-05-02T10:00:00Z"]
            .iter()
            .enumerate()
        {
            let mut new = new_exhibition(&a, &format!("k{i}"), at, &format!("u{i}"));
            if i == 2 {
                new.customer_number = CustomerNumber::parse("777").unwrap();
            }
            ids.push(db.record_exhibition(new).await.unwrap().id);
        }
        // Another distributor's older exhibition counts only for it.
        db.record_exhibition(new_exhibition(&b, "kb", "2026-04-01T10:00:00Z", "ub"))
            .await
            .unwrap();
        let pending = ExhibitionFilter {
            status: Some(ExhibitionStatus::Pending),
            ..Default::default()
        };
        let at = |s: &str| Some(s.parse::<DateTime<Utc>>().unwrap());
        let count = db.count_exhibitions(a.distributor, &pending).await.unwrap();
        assert_eq!(count.count, 3);
        assert_eq!(count.oldest_submitted_at, at("2026-05-01T10:00:00Z"));

        // The oldest is approved: one fewer waits, and the wait is shorter.
        db.evaluate_exhibition(
            &a.supervisor,
            EvaluationRequest {
                exhibition_id: ids[1],
                verdict: Verdict::Approved,
                expected_status: ExhibitionStatus::Pending,
                comment: None,
                reason: None,
            },
            now(),
        )
        .await
        .unwrap();
        let count = db.count_exhibitions(a.distributor, &pending).await.unwrap();
        assert_eq!(
            (count.count, count.oldest_submitted_at),
            (2, at("2026-05-02T10:00:00Z"))
        );

        let shop = ExhibitionFilter {
            customer_number: Some(CustomerNumber::parse("777").unwrap()),
            ..pending.clone()
        };
        assert_eq!(db.count_exhibitions(a.distributor, &shop).await.unwrap().count, 1);
        let none = ExhibitionFilter {
            status: Some(ExhibitionStatus::Rejected),
            ..Default::default()
        };
        let count = db.count_exhibitions(a.distributor, &none).await.unwrap();
        assert_eq!((count.count, count.oldest_submitted_at), (0, None));
        let other = db.count_exhibitions(b.distributor, &pending).await.unwrap();
        assert_eq!(
            (other.count, other.oldest_submitted_at),
            (1, at("2026-04-01T10:00:00Z"))
        );
    }

    #[tokio::test]
    async fn pending_queue_pages_oldest_first() {
        let (db, _d) = temp_db().await;
        let t = tenant(&db, "A").await;
        for (i, at) in ["2026-05-03T10:00:00Z", "2026-05-01T10:00:00Z", "2026-05-02T10:00:00Z"]
            .iter()
            .enumerate()
        {
            db.record_exhibition(new_exhibition(&t, &format!("k{i}"), at, &format!("u{i}")))
                .await
                .unwrap();
        }
        let first = db.pending_page(t.distributor, None, 2).await.unwrap();
        assert_eq!(first.len(), 2);
        assert!(first[0].submitted_at < first[1].submitted_at);
        let cursor = PendingCursor {
            submitted_at: first[1].submitted_at,
            id: first[1].id,
        };
        let rest = db.pending_page(t.distributor, Some(&cursor), 2).await.unwrap();
        assert_eq!(rest.len(), 1);
        assert_eq!(
            rest[0].submitted_at,
            "2026-05-03T10:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );
        assert_eq!(rest[0].photo_count, 1);
        assert_eq!(rest[0].vendor_name, "Ana Paz");
    }

    #[tokio::test]
    async fn listings_filter_and_page_newest_first_when_not_pending() {
        let (db, _d) = temp_db().await;
        let t = tenant(&db, "A").await;
        for (i, at) in ["2026-05-01T10:00:00Z", "2026-05-02T10:00:00Z", "2026-05-03T10:00:00Z"]
            .iter()
            .enumerate()
        {
            let r = db
                .record_exhibition(new_exhibition(&t, &format!("k{i}"), at, "same-photo"))
                .await
                .unwrap();
            let verdict = if i == 1 {
                Verdict::Highlighted
            } else {
                Verdict::Approved
            };
            let req = EvaluationRequest {
                exhibition_id: r.id,
                verdict,
                expected_status: ExhibitionStatus::Pending,
                comment: None,
                reason: None,
            };
            db.evaluate_exhibition(&t.supervisor, req, now()).await.unwrap();
        }
        let all = ExhibitionFilter::default();
        let page = db.list_exhibitions(t.distributor, &all, None, 2).await.unwrap();
        assert_eq!(page.len(), 2);
        assert!(page[0].submitted_at > page[1].submitted_at, "newest first");
        let cursor = PendingCursor {
            submitted_at: page[1].submitted_at,
            id: page[1].id,
        };
        let rest = db
            .list_exhibitions(t.distributor, &all, Some(&cursor), 2)
            .await
            .unwrap();
        assert_eq!(rest.len(), 1);
        assert_eq!(
            rest[0].submitted_at,
            "2026-05-01T10:00:00Z".parse::<DateTime<Utc>>().unwrap()
        );

        let highlighted = ExhibitionFilter {
            status: Some(ExhibitionStatus::Highlighted),
            ..Default::default()
        };
        assert_eq!(
            db.list_exhibitions(t.distributor, &highlighted, None, 10)
                .await
                .unwrap()
                .len(),
            1
        );
        let dups = ExhibitionFilter {
            possible_duplicate: Some(true),
            ..Default::default()
        };
        assert_eq!(
            db.list_exhibitions(t.distributor, &dups, None, 10).await.unwrap().len(),
            2
        );
        let window = ExhibitionFilter {
            from: Some("2026-05-02T00:00:00Z".parse().unwrap()),
            to: Some("2026-05-03T00:00:00Z".parse().unwrap()),
            vendor_id: Some(t.vendor),
            group_id: Some(t.group),
            pdv_type_id: Some(t.pdv),
            ..Default::default()
        };
        assert_eq!(
            db.list_exhibitions(t.distributor, &window, None, 10)
                .await
                .unwrap()
                .len(),
            1
        );
        let other_vendor = ExhibitionFilter {
            vendor_id: Some(t.vendor + 1000),
            ..Default::default()
        };
        assert!(
            db.list_exhibitions(t.distributor, &other_vendor, None, 10)
                .await
                .unwrap()
                .is_empty()
        );
    }

    #[tokio::test]
    async fn a_customer_number_lists_that_shops_exhibitions_of_the_own_distributor_only() {
        let (db, _d) = temp_db().await;
        let a = tenant(&db, "A").await;
        let b = tenant(&db, "B").await;
        let with_customer = |t: &Tenant, key: &str, at: &str, customer: &str| NewExhibition {
            customer_number: CustomerNumber::parse(customer).unwrap(),
            ..new_exhibition(t, key, at, key)
        };
        let shop = [
            with_customer(&a, "a1", "2026-05-01T10:00:00Z", "777"),
            with_customer(&a, "a2", "2026-05-03T10:00:00Z", "777"),
        ];
        let others = [
            with_customer(&a, "a3", "2026-05-02T10:00:00Z", "7770"),
            with_customer(&a, "a4", "2026-05-02T11:00:00Z", "10452"),
            // The same number at another distributor is another shop.
            with_customer(&b, "b1", "2026-05-02T12:00:00Z", "777"),
        ];
        let mut expected = Vec::new();
        for e in shop {
            expected.push(db.record_exhibition(e).await.unwrap().id);
        }
        for e in others {
            db.record_exhibition(e).await.unwrap();
        }
        let filter = ExhibitionFilter {
            customer_number: Some(CustomerNumber::parse("7.7-7").unwrap()),
            ..Default::default()
        };
        let listed = db.list_exhibitions(a.distributor, &filter, None, 10).await.unwrap();
        let ids: Vec<Uuid> = listed.iter().map(|e| e.id).collect();
        expected.reverse(); // newest first
        assert_eq!(ids, expected);
        assert!(listed.iter().all(|e| e.customer_number == "777"));
        let pending_only = ExhibitionFilter {
            status: Some(ExhibitionStatus::Pending),
            ..filter.clone()
        };
        let queue = db
            .list_exhibitions(a.distributor, &pending_only, None, 1)
            .await
            .unwrap();
        assert_eq!(queue.len(), 1);
        assert_eq!(queue[0].id, *expected.last().unwrap(), "the queue stays oldest first");
        let at_b = db.list_exhibitions(b.distributor, &filter, None, 10).await.unwrap();
        assert_eq!(at_b.len(), 1);
        assert_eq!(at_b[0].distributor_id, b.distributor);
    }

    #[tokio::test]
    async fn ranking_counts_the_local_month_only() {
        let (db, _d) = temp_db().await;
        let t = tenant(&db, "A").await;
        // Buenos Aires is UTC-3: 2026-06-01T02:00Z is still 31 May locally.
        let inside = ["2026-05-01T03:00:00Z", "2026-05-15T12:00:00Z", "2026-06-01T02:00:00Z"];
        let outside = ["2026-05-01T02:59:59Z", "2026-06-01T03:00:00Z"];
        for (i, at) in inside.iter().chain(outside.iter()).enumerate() {
            db.record_exhibition(new_exhibition(&t, &format!("k{i}"), at, &format!("u{i}")))
                .await
                .unwrap();
        }
        let page = db.pending_page(t.distributor, None, 10).await.unwrap();
        let first_inside = page
            .iter()
            .find(|e| e.submitted_at == inside[0].parse::<DateTime<Utc>>().unwrap())
            .unwrap();
        db.evaluate_exhibition(
            &t.supervisor,
            EvaluationRequest {
                exhibition_id: first_inside.id,
                verdict: Verdict::Highlighted,
                expected_status: ExhibitionStatus::Pending,
                comment: None,
                reason: None,
            },
            now(),
        )
        .await
        .unwrap();
        let ranking = db.ranking(t.distributor, Month::new(2026, 5).unwrap()).await.unwrap();
        assert_eq!(ranking.len(), 1);
        assert_eq!(ranking[0].tally.sent, 3);
        assert_eq!(ranking[0].tally.highlighted, 1);
        assert_eq!(ranking[0].points, 2);
    }
}
