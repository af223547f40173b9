//! Photo storage after an exhibition is recorded: what a storage task needs
//! to know about a photo, recording where it was stored (with its hashes,
//! size and dimensions), linking possible duplicates within the distributor,
//! and the Google Drive archive copy of `google_drive` distributors.
//!
//! # Possible duplicates
//!
//! A photo makes its exhibition a possible duplicate of another exhibition of
//! the **same distributor** when one of that exhibition's photos has the same
//! Telegram `file_unique_id` (the same file forwarded or re-sent), the same
//! SHA-256 (the same bytes), or a perceptual hash at most
//! [`PERCEPTUAL_MAX_DISTANCE`] bits away (the same picture re-encoded or
//! resized). The later-submitted exhibition is flagged (`possible_duplicate`)
//! and points at the earliest one it matches (`duplicate_of`), whatever order
//! the photos happen to be stored in. Nothing is rejected: a supervisor sees
//! the flag and decides.
//!
//! The threshold: measured on 1,507 photos (the demo generator's shelves, all
//! the same three-shelf layout, which is harder than real photos, plus a few
//! real photographs), re-encoding at JPEG quality 50–85, resizing to ½, ⅔ or ¾
//! and brightening by 12 levels moved the hash by at most 4 bits (≤ 2 bits in
//! 7,530 of the 7,535 variants), while the nearest *different* photo was never
//! closer than 8 bits (2 photos at 8, 40 at 10, the rest further). 4 sits under
//! that gap, and it lets five indexed bands find every candidate (see the
//! migration `20261123000001_photo_hashes.sql`). Crops and rotations are not
//! caught: a perceptual hash is not meant to.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::SqliteConnection;
use uuid::Uuid;

use super::tasks::{NewTask, complete_task_in, enqueue_in, kinds};
use super::writer::ExecuteWrite;
use super::{Db, PhotoStorage};
use crate::domain::{ChatId, DistributorId, GroupId};
use crate::{Error, Result};

/// Largest Hamming distance between two perceptual hashes that still counts
/// as the same picture (see the module documentation for the measurements).
pub const PERCEPTUAL_MAX_DISTANCE: u32 = 4;

/// The bands (1-based start, length in hex digits) of the indexed expressions
/// `substr(perceptual_hash, start, length)`: `PERCEPTUAL_MAX_DISTANCE + 1`
/// disjoint bands covering the 16 hex digits.
const PERCEPTUAL_BANDS: [(usize, usize); 5] = [(1, 4), (5, 3), (8, 3), (11, 3), (14, 3)];

/// How a 64-bit perceptual hash is stored: 16 lowercase hex digits.
pub fn perceptual_hash_text(hash: u64) -> String {
    format!("{hash:016x}")
}

/// The hash back from its stored text (`None` if it is not 16 hex digits).
pub fn parse_perceptual_hash(text: &str) -> Option<u64> {
    (text.len() == 16).then(|| u64::from_str_radix(text, 16).ok()).flatten()
}

/// Bits that differ between two perceptual hashes.
pub fn hamming_distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// What identifies one stored photo, for telling which photos of two
/// exhibitions are the same picture.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PhotoPrint {
    pub position: i64,
    pub telegram_file_unique_id: Option<String>,
    pub sha256: Option<String>,
    pub perceptual_hash: Option<String>,
}

/// The photos of a possible duplicate and of its earlier exhibition that look
/// alike, as `(this position, earlier position)`, by the same rules that linked
/// them: the same Telegram file or bytes first, then the closest perceptual hash
/// within [`PERCEPTUAL_MAX_DISTANCE`]. `None` when no pair matches (a photo
/// linked them that has since been replaced).
pub fn matching_photos(this: &[PhotoPrint], earlier: &[PhotoPrint]) -> Option<(i64, i64)> {
    let same = |a: &Option<String>, b: &Option<String>| a.is_some() && a == b;
    let pairs = || this.iter().flat_map(|t| earlier.iter().map(move |e| (t, e)));
    if let Some((t, e)) = pairs()
        .find(|(t, e)| same(&t.telegram_file_unique_id, &e.telegram_file_unique_id) || same(&t.sha256, &e.sha256))
    {
        return Some((t.position, e.position));
    }
    let hash = |p: &PhotoPrint| p.perceptual_hash.as_deref().and_then(parse_perceptual_hash);
    pairs()
        .filter_map(|(t, e)| Some((hamming_distance(hash(t)?, hash(e)?), t.position, e.position)))
        .filter(|(distance, _, _)| *distance <= PERCEPTUAL_MAX_DISTANCE)
        .min()
        .map(|(_, t, e)| (t, e))
}

/// A photo waiting to be stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PhotoToStore {
    pub photo_id: i64,
    pub distributor_id: DistributorId,
    pub position: i64,
    pub telegram_file_id: Option<String>,
    pub telegram_file_unique_id: Option<String>,
    pub upload_state: String,
    pub storage_key: Option<String>,
    /// Where the old system kept it (imported exhibitions).
    pub drive_file_id: Option<String>,
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
    /// 64-bit perceptual hash, if the photo could be decoded.
    pub perceptual_hash: Option<u64>,
    pub size_bytes: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
}

/// What recording a stored photo led to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PhotoStored {
    /// The earlier exhibition this photo's exhibition possibly duplicates.
    pub duplicate_of: Option<Uuid>,
    /// The archive task enqueued for a `google_drive` distributor.
    pub archive_task: Option<i64>,
}

/// A stored photo that a `google_drive` distributor archives to Drive.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PhotoToArchive {
    pub photo_id: i64,
    pub distributor_id: DistributorId,
    pub upload_state: String,
    /// Relative key of the local copy.
    pub storage_key: Option<String>,
    /// Set once the Drive copy exists.
    pub drive_file_id: Option<String>,
    /// The distributor's setting now (it may have changed since the task was queued).
    pub photo_storage: PhotoStorage,
    pub drive_folder_id: Option<String>,
}

/// One exhibition a photo matched: its id and submission time.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Candidate {
    submitted_at: DateTime<Utc>,
    id: String,
}

/// The task that copies photo `position` of an exhibition to Drive.
fn archive_task(distributor_id: DistributorId, exhibition_id: &str, position: i64) -> NewTask {
    NewTask {
        kind: kinds::ARCHIVE_PHOTO.to_string(),
        distributor_id: Some(distributor_id),
        payload: json!({ "exhibition_id": exhibition_id, "position": position }),
        dedupe_key: Some(format!("archive:{exhibition_id}:{position}")),
        max_attempts: 12,
    }
}

impl Db {
    pub async fn photo_to_store(
        &self,
        distributor_id: DistributorId,
        exhibition_id: Uuid,
        position: i64,
    ) -> Result<PhotoToStore> {
        sqlx::query_as(
            "SELECT p.id AS photo_id, p.distributor_id, p.position, p.telegram_file_id, p.telegram_file_unique_id, \
               p.upload_state, p.storage_key, p.drive_file_id, e.group_id, g.chat_id, e.submitted_at \
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

    /// Record a stored photo, link possible duplicates (see the module
    /// documentation) and, if the distributor archives to Google Drive,
    /// enqueue the archive task, all in one transaction; with `task`, the
    /// storage task that did it is marked done in the same transaction.
    pub async fn mark_photo_stored(
        &self,
        photo_id: i64,
        stored: &StoredPhoto,
        task: Option<i64>,
        at: DateTime<Utc>,
    ) -> Result<PhotoStored> {
        let mut tx = self.begin_write().await?;
        let row: Option<(String, DistributorId, i64, PhotoStorage, Option<String>)> = sqlx::query_as(
            "SELECT p.exhibition_id, p.distributor_id, p.position, d.photo_storage, p.drive_file_id \
             FROM exhibition_photos p JOIN distributors d ON d.id = p.distributor_id WHERE p.id = ?",
        )
        .bind(photo_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (exhibition_id, distributor_id, position, storage, in_drive) =
            row.ok_or(Error::NotFound { entity: "photo" })?;
        sqlx::query(
            "UPDATE exhibition_photos SET storage_key = ?, storage_link = coalesce(?, storage_link), sha256 = ?, perceptual_hash = ?, \
               size_bytes = ?, width = ?, height = ?, upload_state = 'stored' WHERE id = ?",
        )
        .bind(&stored.storage_key)
        .bind(&stored.storage_link)
        .bind(&stored.sha256)
        .bind(stored.perceptual_hash.map(perceptual_hash_text))
        .bind(stored.size_bytes)
        .bind(stored.width)
        .bind(stored.height)
        .bind(photo_id)
        .execute(&mut *tx)
        .await?;
        let duplicate_of = link_duplicates(&mut tx, photo_id, at).await?;
        // An imported photo came from Drive: it is archived there already.
        let archive_task = if storage == PhotoStorage::GoogleDrive && in_drive.is_none() {
            Some(enqueue_in(&mut tx, &archive_task(distributor_id, &exhibition_id, position), at).await?)
        } else {
            None
        };
        if let Some(task) = task {
            complete_task_in(&mut tx, task, at).await?;
        }
        tx.commit().await?;
        Ok(PhotoStored {
            duplicate_of,
            archive_task,
        })
    }

    /// No retry can store this photo (too big to download, corrupt, gone).
    /// Its Telegram file id still links it to earlier exhibitions that had
    /// the same file.
    pub async fn mark_photo_failed(&self, photo_id: i64) -> Result<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE exhibition_photos SET upload_state = 'failed' WHERE id = ? AND upload_state = 'pending'")
            .bind(photo_id)
            .execute(&mut *tx)
            .await?;
        link_duplicates(&mut tx, photo_id, super::now()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// What the archive task needs: the local copy, whether it is already in
    /// Drive, and the distributor's current storage setting and folder.
    pub async fn photo_to_archive(
        &self,
        distributor_id: DistributorId,
        exhibition_id: Uuid,
        position: i64,
    ) -> Result<PhotoToArchive> {
        sqlx::query_as(
            "SELECT p.id AS photo_id, p.distributor_id, p.upload_state, p.storage_key, p.drive_file_id, \
               d.photo_storage, d.drive_folder_id \
             FROM exhibition_photos p JOIN distributors d ON d.id = p.distributor_id \
             WHERE p.distributor_id = ? AND p.exhibition_id = ? AND p.position = ?",
        )
        .bind(distributor_id)
        .bind(exhibition_id.hyphenated())
        .bind(position)
        .fetch_optional(self.pool())
        .await?
        .ok_or(Error::NotFound { entity: "photo" })
    }

    /// Record the photo's Drive copy: its file id, and its link (webViewLink)
    /// as the photo's `storage_link`.
    pub async fn mark_photo_archived(&self, photo_id: i64, drive_file_id: &str, link: Option<&str>) -> Result<()> {
        let n = sqlx::query(
            "UPDATE exhibition_photos SET drive_file_id = ?, storage_link = coalesce(?, storage_link) WHERE id = ?",
        )
        .bind(drive_file_id)
        .bind(link)
        .bind(photo_id)
        .execute_write(self)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(Error::NotFound { entity: "photo" });
        }
        Ok(())
    }
}

/// Find the other exhibitions of the distributor that this photo matches and
/// flag every exhibition of the group but the earliest as its possible
/// duplicate. Returns the exhibition this photo's exhibition duplicates.
async fn link_duplicates(conn: &mut SqliteConnection, photo_id: i64, at: DateTime<Utc>) -> Result<Option<Uuid>> {
    type Row = (
        String,
        DistributorId,
        Option<String>,
        Option<String>,
        Option<String>,
        DateTime<Utc>,
    );
    let row: Option<Row> = sqlx::query_as(
        "SELECT p.exhibition_id, p.distributor_id, p.telegram_file_unique_id, p.sha256, p.perceptual_hash, \
           e.submitted_at FROM exhibition_photos p JOIN exhibitions e ON e.id = p.exhibition_id WHERE p.id = ?",
    )
    .bind(photo_id)
    .fetch_optional(&mut *conn)
    .await?;
    let (exhibition_id, distributor_id, unique_id, sha256, phash, submitted_at) =
        row.ok_or(Error::NotFound { entity: "photo" })?;
    let mut matches: Vec<Candidate> = Vec::new();
    // Every query is bound to the photo's own distributor: tenants never match each other.
    for (column, value) in [("telegram_file_unique_id", &unique_id), ("sha256", &sha256)] {
        let Some(value) = value else { continue };
        let found: Vec<(String, DateTime<Utc>)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT DISTINCT e.id, e.submitted_at FROM exhibition_photos p JOIN exhibitions e ON e.id = p.exhibition_id \
             WHERE p.distributor_id = ? AND p.{column} = ? AND p.exhibition_id != ?"
        )))
        .bind(distributor_id)
        .bind(value)
        .bind(&exhibition_id)
        .fetch_all(&mut *conn)
        .await?;
        matches.extend(
            found
                .into_iter()
                .map(|(id, submitted_at)| Candidate { submitted_at, id }),
        );
    }
    if let Some(hash) = phash.as_deref().and_then(parse_perceptual_hash) {
        let text = perceptual_hash_text(hash);
        let selects: Vec<String> = PERCEPTUAL_BANDS
            .iter()
            .map(|(start, len)| {
                format!(
                    "SELECT p.perceptual_hash, e.id, e.submitted_at FROM exhibition_photos p \
                     JOIN exhibitions e ON e.id = p.exhibition_id \
                     WHERE p.distributor_id = ?1 AND p.perceptual_hash IS NOT NULL \
                       AND substr(p.perceptual_hash, {start}, {len}) = substr(?2, {start}, {len}) \
                       AND p.exhibition_id != ?3"
                )
            })
            .collect();
        let found: Vec<(String, String, DateTime<Utc>)> = sqlx::query_as(sqlx::AssertSqlSafe(selects.join(" UNION ")))
            .bind(distributor_id)
            .bind(&text)
            .bind(&exhibition_id)
            .fetch_all(&mut *conn)
            .await?;
        matches.extend(
            found
                .into_iter()
                .filter(|(other, _, _)| {
                    parse_perceptual_hash(other).is_some_and(|o| hamming_distance(o, hash) <= PERCEPTUAL_MAX_DISTANCE)
                })
                .map(|(_, id, submitted_at)| Candidate { submitted_at, id }),
        );
    }
    if matches.is_empty() {
        return Ok(None);
    }
    let this = Candidate {
        submitted_at,
        id: exhibition_id,
    };
    matches.push(this.clone());
    matches.sort();
    matches.dedup();
    let original = matches[0].clone();
    for later in &matches[1..] {
        // Keep an earlier original if one was already recorded.
        sqlx::query(
            "UPDATE exhibitions SET possible_duplicate = 1, updated_at = ?1, duplicate_of = CASE \
               WHEN duplicate_of IS NULL OR (SELECT (o.submitted_at, o.id) > (?2, ?3) FROM exhibitions o \
                 WHERE o.id = exhibitions.duplicate_of) THEN ?3 ELSE duplicate_of END \
             WHERE id = ?4 AND distributor_id = ?5",
        )
        .bind(at)
        .bind(original.submitted_at)
        .bind(&original.id)
        .bind(&later.id)
        .bind(distributor_id)
        .execute(&mut *conn)
        .await?;
    }
    if original == this {
        return Ok(None);
    }
    Ok(Some(
        Uuid::parse_str(&original.id).map_err(|e| Error::invalid("exhibition id", e.to_string()))?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::exhibitions::test_fixtures::{new_exhibition, tenant};
    use crate::store::test_support::temp_db;
    use crate::store::{DistributorUpdate, now};

    fn stored(key: &str, sha: &str) -> StoredPhoto {
        StoredPhoto {
            storage_key: key.into(),
            storage_link: None,
            sha256: sha.into(),
            perceptual_hash: None,
            size_bytes: 10,
            width: Some(4),
            height: Some(3),
        }
    }

    fn with_hash(key: &str, sha: &str, hash: u64) -> StoredPhoto {
        StoredPhoto {
            perceptual_hash: Some(hash),
            ..stored(key, sha)
        }
    }

    #[test]
    fn hashes_round_trip_through_their_text_and_bands_cover_it() {
        for h in [0, 1, u64::MAX, 0x8000_0000_0000_0001, 0x0123_4567_89ab_cdef] {
            assert_eq!(parse_perceptual_hash(&perceptual_hash_text(h)), Some(h));
        }
        assert_eq!(perceptual_hash_text(0xab), "00000000000000ab");
        assert_eq!(parse_perceptual_hash("xyz"), None);
        assert_eq!(hamming_distance(0b1011, 0b0010), 2);
        // The bands are disjoint, cover the 16 digits, and outnumber the threshold.
        let mut next = 1;
        for (start, len) in PERCEPTUAL_BANDS {
            assert_eq!(start, next);
            next += len;
        }
        assert_eq!(next, 17);
        assert_eq!(PERCEPTUAL_BANDS.len() as u32, PERCEPTUAL_MAX_DISTANCE + 1);
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
        let first = db
            .mark_photo_stored(pa.photo_id, &stored("a/0.jpg", "abc"), None, now())
            .await
            .unwrap();
        assert_eq!(first, PhotoStored::default());
        let pb = db.photo_to_store(t.distributor, b.id, 0).await.unwrap();
        let second = db
            .mark_photo_stored(pb.photo_id, &stored("b/0.jpg", "abc"), None, now())
            .await
            .unwrap();
        assert_eq!(second.duplicate_of, Some(a.id));
        assert_eq!(second.archive_task, None, "a local distributor archives nothing");
        let eb = db.exhibition(t.distributor, b.id).await.unwrap();
        assert!(eb.summary.possible_duplicate);
        assert_eq!(eb.duplicate_of.as_ref().map(|d| d.id), Some(a.id));
        assert_eq!(
            eb.duplicate_of.map(|d| d.submitted_at.to_rfc3339()),
            Some("2026-05-01T12:00:00+00:00".to_string())
        );
        assert_eq!(eb.photos[0].storage_key.as_deref(), Some("b/0.jpg"));
        assert_eq!(
            (eb.photos[0].width, eb.photos[0].upload_state.as_str()),
            (Some(4), "stored")
        );
        let ea = db.exhibition(t.distributor, a.id).await.unwrap();
        assert!(!ea.summary.possible_duplicate);
        assert_eq!(ea.duplicate_of, None);
        assert!(db.photo_to_store(t.distributor, b.id, 1).await.is_err());
    }

    #[tokio::test]
    async fn a_close_perceptual_hash_or_the_same_telegram_file_links_the_later_exhibition() {
        let (db, _d) = temp_db().await;
        let t = tenant(&db, "A").await;
        let base: u64 = 0x0123_4567_89ab_cdef;
        // Four bits apart, one in each of four bands: still found through the fifth.
        let near = base ^ 0x8000_0800_0080_0000;
        let far = base ^ 0x8000_8000_8000_8001;
        let rec = |key: &'static str, at: &'static str, uid: &'static str| {
            let db = db.clone();
            let e = new_exhibition(&t, key, at, uid);
            async move { db.record_exhibition(e).await.unwrap().id }
        };
        let a = rec("a", "2026-05-01T10:00:00Z", "ua").await;
        let b = rec("b", "2026-05-01T11:00:00Z", "ub").await;
        let c = rec("c", "2026-05-01T12:00:00Z", "uc").await;
        let d = rec("d", "2026-05-01T13:00:00Z", "same-file").await;
        let e = rec("e", "2026-05-01T14:00:00Z", "same-file").await;
        let store = |id: Uuid, s: StoredPhoto| {
            let db = db.clone();
            let dist = t.distributor;
            async move {
                let p = db.photo_to_store(dist, id, 0).await.unwrap();
                db.mark_photo_stored(p.photo_id, &s, None, now())
                    .await
                    .unwrap()
                    .duplicate_of
            }
        };
        assert_eq!(store(a, with_hash("a", "1", base)).await, None);
        assert_eq!(store(b, with_hash("b", "2", near)).await, Some(a), "4 bits apart");
        assert_eq!(store(c, with_hash("c", "3", far)).await, None, "5 bits apart");
        assert_eq!(store(e, stored("e", "5")).await, Some(d), "same Telegram file");
        assert_eq!(
            store(d, stored("d", "4")).await,
            None,
            "the earlier one stays the original"
        );
        for (id, want) in [(a, None), (b, Some(a)), (c, None), (d, None), (e, Some(d))] {
            let x = db.exhibition(t.distributor, id).await.unwrap();
            // The detail names the photos that look alike (each exhibition has one, at 0).
            assert_eq!(
                x.duplicate_of
                    .map(|d| (d.id, d.photo_position, d.earlier_photo_position)),
                want.map(|w| (w, Some(0), Some(0)))
            );
            assert_eq!(x.summary.possible_duplicate, want.is_some());
        }
    }

    fn print(position: i64, uid: Option<&str>, sha: Option<&str>, hash: Option<u64>) -> PhotoPrint {
        PhotoPrint {
            position,
            telegram_file_unique_id: uid.map(str::to_string),
            sha256: sha.map(str::to_string),
            perceptual_hash: hash.map(perceptual_hash_text),
        }
    }

    #[test]
    fn the_photos_that_look_alike_are_paired_same_file_first_then_the_closest_hash() {
        let base: u64 = 0x0123_4567_89ab_cdef;
        let earlier = [
            print(0, Some("u0"), Some("s0"), Some(base ^ 0xffff)),
            print(1, Some("u1"), Some("s1"), Some(base ^ 0b11)),
            print(2, Some("u2"), Some("s2"), Some(base ^ 0b1)),
        ];
        // The same bytes win over a closer perceptual hash elsewhere in the burst.
        let this = [
            print(0, Some("x0"), Some("y0"), Some(base)),
            print(1, Some("x1"), Some("s0"), None),
        ];
        assert_eq!(matching_photos(&this, &earlier), Some((1, 0)));
        // The same Telegram file, even with no hash yet.
        let this = [print(3, Some("u1"), None, None)];
        assert_eq!(matching_photos(&this, &earlier), Some((3, 1)));
        // Otherwise the closest perceptual hash: 1 bit from photo 2, 2 bits from photo 1.
        let this = [print(0, Some("x0"), Some("y0"), Some(base))];
        assert_eq!(matching_photos(&this, &earlier), Some((0, 2)));
        // Nothing within the threshold, or nothing known: no pair (missing values never match).
        let this = [print(0, None, None, Some(base ^ 0x1f00_0000))];
        assert_eq!(matching_photos(&this, &earlier[..1]), None);
        let unknown = [print(0, None, None, None)];
        assert_eq!(matching_photos(&unknown, &[print(0, None, None, None)]), None);
    }

    #[tokio::test]
    async fn the_earlier_exhibition_is_the_original_whatever_the_storage_order() {
        let (db, _d) = temp_db().await;
        let t = tenant(&db, "A").await;
        let early = db
            .record_exhibition(new_exhibition(&t, "k1", "2026-05-01T10:00:00Z", "x1"))
            .await
            .unwrap()
            .id;
        let late = db
            .record_exhibition(new_exhibition(&t, "k2", "2026-05-01T11:00:00Z", "x2"))
            .await
            .unwrap()
            .id;
        // The later exhibition's photo is stored first (the earlier one's download was retried).
        let pl = db.photo_to_store(t.distributor, late, 0).await.unwrap();
        db.mark_photo_stored(pl.photo_id, &with_hash("l", "s1", 42), None, now())
            .await
            .unwrap();
        let pe = db.photo_to_store(t.distributor, early, 0).await.unwrap();
        let result = db
            .mark_photo_stored(pe.photo_id, &with_hash("e", "s2", 43), None, now())
            .await
            .unwrap();
        assert_eq!(result.duplicate_of, None, "the earlier one is not a duplicate");
        let l = db.exhibition(t.distributor, late).await.unwrap();
        assert_eq!(l.duplicate_of.map(|d| d.id), Some(early));
        assert!(
            !db.exhibition(t.distributor, early)
                .await
                .unwrap()
                .summary
                .possible_duplicate
        );
    }

    #[tokio::test]
    async fn tenants_never_match_each_other() {
        let (db, _d) = temp_db().await;
        let t1 = tenant(&db, "A").await;
        let t2 = tenant(&db, "B").await;
        let a = db
            .record_exhibition(new_exhibition(&t1, "k", "2026-05-01T10:00:00Z", "u"))
            .await
            .unwrap()
            .id;
        let b = db
            .record_exhibition(new_exhibition(&t2, "k", "2026-05-01T11:00:00Z", "u"))
            .await
            .unwrap()
            .id;
        for (t, id) in [(&t1, a), (&t2, b)] {
            let p = db.photo_to_store(t.distributor, id, 0).await.unwrap();
            let r = db
                .mark_photo_stored(p.photo_id, &with_hash("k", "same-sha", 7), None, now())
                .await
                .unwrap();
            assert_eq!(r.duplicate_of, None);
            let x = db.exhibition(t.distributor, id).await.unwrap();
            assert!(!x.summary.possible_duplicate);
        }
    }

    #[tokio::test]
    async fn the_band_queries_use_the_indexes() {
        let (db, _d) = temp_db().await;
        let plan: Vec<(i64, i64, i64, String)> = sqlx::query_as(
            "EXPLAIN QUERY PLAN SELECT p.perceptual_hash FROM exhibition_photos p \
             WHERE p.distributor_id = ?1 AND p.perceptual_hash IS NOT NULL \
               AND substr(p.perceptual_hash, 8, 3) = substr(?2, 8, 3) AND p.exhibition_id != ?3",
        )
        .bind(1)
        .bind("0123456789abcdef")
        .bind("x")
        .fetch_all(db.pool())
        .await
        .unwrap();
        let text: Vec<&str> = plan.iter().map(|r| r.3.as_str()).collect();
        assert!(
            text.iter().any(|d| d.contains("photos_by_phash_band3")),
            "plan: {text:?}"
        );
    }

    #[tokio::test]
    async fn google_drive_distributors_get_an_archive_task_with_the_store() {
        let (db, _d) = temp_db().await;
        let t = tenant(&db, "A").await;
        db.update_distributor(
            t.distributor,
            DistributorUpdate {
                photo_storage: Some(PhotoStorage::GoogleDrive),
                drive_folder_id: Some(Some("folder-1".into())),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        let id = db
            .record_exhibition(new_exhibition(&t, "k", "2026-05-01T10:00:00Z", "x"))
            .await
            .unwrap()
            .id;
        let p = db.photo_to_store(t.distributor, id, 0).await.unwrap();
        let r = db
            .mark_photo_stored(p.photo_id, &stored("1/k.jpg", "s"), None, now())
            .await
            .unwrap();
        let task = db.task(r.archive_task.unwrap()).await.unwrap();
        assert_eq!(task.kind, kinds::ARCHIVE_PHOTO);
        assert_eq!(task.payload["position"], 0);
        let a = db.photo_to_archive(t.distributor, id, 0).await.unwrap();
        assert_eq!(
            (
                a.storage_key.as_deref(),
                a.drive_file_id.as_deref(),
                a.drive_folder_id.as_deref()
            ),
            (Some("1/k.jpg"), None, Some("folder-1"))
        );
        db.mark_photo_archived(p.photo_id, "drive-file-9", Some("https://drive/x"))
            .await
            .unwrap();
        let a = db.photo_to_archive(t.distributor, id, 0).await.unwrap();
        assert_eq!(a.drive_file_id.as_deref(), Some("drive-file-9"));
        let photo = &db.exhibition(t.distributor, id).await.unwrap().photos[0];
        assert_eq!(photo.storage_link.as_deref(), Some("https://drive/x"));
    }
}
