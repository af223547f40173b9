//! Report queries: aggregated figures for a period, and the row-by-row
//! listing behind CSV/XLSX exports (streamed, never loaded whole).

use chrono::{DateTime, Utc};
use futures_util::Stream;
use futures_util::TryStreamExt;
use serde::{Deserialize, Serialize};

use super::Db;
use crate::Result;
use crate::domain::DistributorId;
use crate::domain::exhibition::ExhibitionStatus;
use crate::domain::period::Period;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    Vendor,
    Customer,
    PdvType,
    Group,
    Status,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct SummaryRow {
    pub key: String,
    pub label: String,
    pub sent: i64,
    pub pending: i64,
    pub approved: i64,
    pub rejected: i64,
    pub highlighted: i64,
}

impl SummaryRow {
    /// Approved or highlighted over evaluated (pending excluded); `None` if nothing was evaluated.
    pub fn approval_rate(&self) -> Option<f64> {
        let evaluated = self.approved + self.rejected + self.highlighted;
        (evaluated > 0).then(|| (self.approved + self.highlighted) as f64 / evaluated as f64)
    }
}

/// One exhibition as exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ReportRow {
    pub id: String,
    pub submitted_at: DateTime<Utc>,
    pub evaluated_at: Option<DateTime<Utc>>,
    pub group_title: String,
    pub vendor_name: String,
    pub customer_number: String,
    pub pdv_type: String,
    pub status: ExhibitionStatus,
    pub evaluator: Option<String>,
    pub comment: Option<String>,
    pub rejection_reason: Option<String>,
    pub photo_count: i64,
    pub possible_duplicate: bool,
}

/// One distributor's activity in a period (a day), for the daily summary
/// its admin receives in Telegram.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DayFigures {
    /// Exhibitions received (sent by vendors) in the period.
    pub received: i64,
    /// Verdicts given in the period, by what the exhibition is now.
    pub approved: i64,
    pub highlighted: i64,
    pub rejected: i64,
    /// Waiting for a verdict now, whenever they arrived.
    pub pending_now: i64,
}

const COUNTS: &str = "count(*) AS sent, \
    sum(e.status = 'pending') AS pending, sum(e.status = 'approved') AS approved, \
    sum(e.status = 'rejected') AS rejected, sum(e.status = 'highlighted') AS highlighted";

impl Db {
    /// Figures per vendor, customer, PDV type, group or status in a period.
    pub async fn report_summary(
        &self,
        distributor_id: DistributorId,
        period: Period,
        by: GroupBy,
    ) -> Result<Vec<SummaryRow>> {
        let (key, label, join) = match by {
            GroupBy::Vendor => (
                "CAST(e.vendor_id AS TEXT)",
                "trim(m.first_name || ' ' || coalesce(m.last_name, ''))",
                "JOIN members m ON m.id = e.vendor_id",
            ),
            GroupBy::Customer => ("e.customer_number", "e.customer_number", ""),
            GroupBy::PdvType => (
                "CAST(e.pdv_type_id AS TEXT)",
                "p.name",
                "JOIN pdv_types p ON p.id = e.pdv_type_id",
            ),
            GroupBy::Group => (
                "CAST(e.group_id AS TEXT)",
                "g.title",
                "JOIN telegram_groups g ON g.id = e.group_id",
            ),
            GroupBy::Status => ("e.status", "e.status", ""),
        };
        let sql = format!(
            "SELECT {key} AS key, {label} AS label, {COUNTS} FROM exhibitions e {join} \
             WHERE e.distributor_id = ? AND e.submitted_at >= ? AND e.submitted_at < ? \
             GROUP BY {key} ORDER BY sent DESC, label"
        );
        // The SQL is assembled from the fixed fragments above, never from input.
        Ok(sqlx::query_as(sqlx::AssertSqlSafe(sql))
            .bind(distributor_id)
            .bind(period.start)
            .bind(period.end)
            .fetch_all(self.pool())
            .await?)
    }

    /// What happened in `period`: exhibitions received, verdicts given (by
    /// current status), and the queue of pending ones now.
    pub async fn day_figures(&self, distributor_id: DistributorId, period: Period) -> Result<DayFigures> {
        Ok(sqlx::query_as(
            "SELECT (SELECT count(*) FROM exhibitions WHERE distributor_id = ?1 AND submitted_at >= ?2 \
                       AND submitted_at < ?3) AS received, \
                    coalesce(sum(status = 'approved'), 0) AS approved, \
                    coalesce(sum(status = 'highlighted'), 0) AS highlighted, \
                    coalesce(sum(status = 'rejected'), 0) AS rejected, \
                    (SELECT count(*) FROM exhibitions WHERE distributor_id = ?1 AND status = 'pending') AS pending_now \
             FROM exhibitions WHERE distributor_id = ?1 AND evaluated_at >= ?2 AND evaluated_at < ?3",
        )
        .bind(distributor_id)
        .bind(period.start)
        .bind(period.end)
        .fetch_one(self.pool())
        .await?)
    }

    /// Every exhibition of the period, oldest first, as a stream of rows.
    pub fn report_rows(
        &self,
        distributor_id: DistributorId,
        period: Period,
    ) -> impl Stream<Item = Result<ReportRow>> + Send + '_ {
        sqlx::query_as(
            "SELECT e.id, e.submitted_at, e.evaluated_at, g.title AS group_title, \
               trim(m.first_name || ' ' || coalesce(m.last_name, '')) AS vendor_name, e.customer_number, \
               p.name AS pdv_type, e.status, u.display_name AS evaluator, e.comment, e.rejection_reason, \
               (SELECT count(*) FROM exhibition_photos ph WHERE ph.exhibition_id = e.id) AS photo_count, \
               e.possible_duplicate \
             FROM exhibitions e JOIN telegram_groups g ON g.id = e.group_id JOIN members m ON m.id = e.vendor_id \
             JOIN pdv_types p ON p.id = e.pdv_type_id LEFT JOIN portal_users u ON u.id = e.evaluator_id \
             WHERE e.distributor_id = ? AND e.submitted_at >= ? AND e.submitted_at < ? ORDER BY e.submitted_at, e.id",
        )
        .bind(distributor_id)
        .bind(period.start)
        .bind(period.end)
        .fetch(self.pool())
        .map_err(crate::Error::from)
    }
}

#[cfg(test)]
mod tests {
    use futures_util::TryStreamExt;

    use super::*;
    use crate::domain::period::Period;

    #[test]
    fn approval_rate_ignores_pending() {
        let r = SummaryRow {
            key: "1".into(),
            label: "x".into(),
            sent: 10,
            pending: 6,
            approved: 2,
            rejected: 1,
            highlighted: 1,
        };
        assert_eq!(r.approval_rate(), Some(0.75));
        let none = SummaryRow {
            pending: 3,
            approved: 0,
            rejected: 0,
            highlighted: 0,
            sent: 3,
            ..r
        };
        assert_eq!(none.approval_rate(), None);
    }

    #[tokio::test]
    async fn day_figures_count_arrivals_and_verdicts_of_the_day_and_the_queue_now() {
        let (db, _d) = crate::store::test_support::temp_db().await;
        let t = crate::store::exhibitions::test_fixtures::tenant(&db, "A").await;
        let other = crate::store::exhibitions::test_fixtures::tenant(&db, "B").await;
        // (submitted, verdict given at, status)
        let rows = [
            ("2026-05-09T12:00:00Z", None, "pending"), // yesterday, still pending
            ("2026-05-09T13:00:00Z", Some("2026-05-10T10:00:00Z"), "approved"), // yesterday, judged today
            ("2026-05-10T09:00:00Z", Some("2026-05-10T11:00:00Z"), "highlighted"),
            ("2026-05-10T09:30:00Z", Some("2026-05-10T11:30:00Z"), "rejected"),
            ("2026-05-10T10:00:00Z", Some("2026-05-11T09:00:00Z"), "approved"), // judged tomorrow
            ("2026-05-10T11:00:00Z", None, "pending"),
        ];
        for (i, (at, judged, status)) in rows.iter().enumerate() {
            let id = db
                .record_exhibition(crate::store::exhibitions::test_fixtures::new_exhibition(
                    &t,
                    &format!("k{i}"),
                    at,
                    &format!("u{i}"),
                ))
                .await
                .unwrap()
                .id;
            if let Some(judged) = judged {
                sqlx::query("UPDATE exhibitions SET status = ?, evaluated_at = ? WHERE id = ?")
                    .bind(status)
                    .bind(judged.parse::<DateTime<Utc>>().unwrap())
                    .bind(id.to_string())
                    .execute(db.pool())
                    .await
                    .unwrap();
            }
        }
        db.record_exhibition(crate::store::exhibitions::test_fixtures::new_exhibition(
            &other,
            "o1",
            "2026-05-10T12:00:00Z",
            "o1",
        ))
        .await
        .unwrap();
        let day = Period {
            start: "2026-05-10T00:00:00Z".parse().unwrap(),
            end: "2026-05-11T00:00:00Z".parse().unwrap(),
        };
        assert_eq!(
            db.day_figures(t.distributor, day).await.unwrap(),
            DayFigures {
                received: 4,
                approved: 1,
                highlighted: 1,
                rejected: 1,
                pending_now: 2,
            }
        );
        let quiet = Period {
            start: "2026-01-10T00:00:00Z".parse().unwrap(),
            end: "2026-01-11T00:00:00Z".parse().unwrap(),
        };
        assert_eq!(
            db.day_figures(t.distributor, quiet).await.unwrap(),
            DayFigures {
                pending_now: 2,
                ..DayFigures::default()
            }
        );
    }

    #[tokio::test]
    async fn summary_and_rows_cover_exactly_the_period() {
        let (db, _d) = crate::store::test_support::temp_db().await;
        let t = crate::store::exhibitions::test_fixtures::tenant(&db, "A").await;
        for (i, at) in ["2026-05-01T12:00:00Z", "2026-05-20T12:00:00Z", "2026-06-01T12:00:00Z"]
            .iter()
            .enumerate()
        {
            db.record_exhibition(crate::store::exhibitions::test_fixtures::new_exhibition(
                &t,
                &format!("k{i}"),
                at,
                &format!("u{i}"),
            ))
            .await
            .unwrap();
        }
        let may = Period {
            start: "2026-05-01T00:00:00Z".parse().unwrap(),
            end: "2026-06-01T00:00:00Z".parse().unwrap(),
        };
        for by in [
            GroupBy::Vendor,
            GroupBy::Customer,
            GroupBy::PdvType,
            GroupBy::Group,
            GroupBy::Status,
        ] {
            let rows = db.report_summary(t.distributor, may, by).await.unwrap();
            assert_eq!(rows.len(), 1, "{by:?}");
            assert_eq!((rows[0].sent, rows[0].pending), (2, 2), "{by:?}");
        }
        let vendor = &db.report_summary(t.distributor, may, GroupBy::Vendor).await.unwrap()[0];
        assert_eq!(vendor.label, "Ana Paz");
        let rows: Vec<ReportRow> = db.report_rows(t.distributor, may).try_collect().await.unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows[0].submitted_at < rows[1].submitted_at);
        assert_eq!(rows[0].customer_number, "10452");
        assert_eq!(rows[0].photo_count, 1);
        assert!(
            db.report_rows(t.distributor + 1, may)
                .try_collect::<Vec<_>>()
                .await
                .unwrap()
                .is_empty()
        );
    }
}
