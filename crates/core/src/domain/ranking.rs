//! Monthly vendor ranking: points per vendor from their exhibitions' verdicts.

use serde::{Deserialize, Serialize};

use super::MemberId;
use super::exhibition::ExhibitionStatus;

/// Points a distributor awards per verdict.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scoring {
    pub approved: i64,
    pub highlighted: i64,
}

impl Default for Scoring {
    fn default() -> Self {
        Self {
            approved: 1,
            highlighted: 2,
        }
    }
}

/// How many exhibitions a vendor has in each status within the period.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorTally {
    pub vendor_id: MemberId,
    pub vendor_name: String,
    pub sent: i64,
    pub pending: i64,
    pub approved: i64,
    pub rejected: i64,
    pub highlighted: i64,
}

impl VendorTally {
    pub fn new(vendor_id: MemberId, vendor_name: impl Into<String>) -> Self {
        Self {
            vendor_id,
            vendor_name: vendor_name.into(),
            ..Self::default()
        }
    }

    /// Count `n` exhibitions in `status`.
    pub fn add(&mut self, status: ExhibitionStatus, n: i64) {
        self.sent += n;
        match status {
            ExhibitionStatus::Pending => self.pending += n,
            ExhibitionStatus::Approved => self.approved += n,
            ExhibitionStatus::Rejected => self.rejected += n,
            ExhibitionStatus::Highlighted => self.highlighted += n,
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RankingEntry {
    /// 1-based, unique: ties are broken, never shared.
    pub position: u32,
    pub points: i64,
    #[serde(flatten)]
    pub tally: VendorTally,
}

/// Rank vendors by points. Ties are broken deterministically: more highlighted,
/// then more approved, then fewer rejected, then name, then id.
pub fn rank(tallies: Vec<VendorTally>, scoring: Scoring) -> Vec<RankingEntry> {
    let mut scored: Vec<(i64, VendorTally)> = tallies
        .into_iter()
        .map(|t| (t.approved * scoring.approved + t.highlighted * scoring.highlighted, t))
        .collect();
    scored.sort_by(|(pa, a), (pb, b)| {
        pb.cmp(pa)
            .then(b.highlighted.cmp(&a.highlighted))
            .then(b.approved.cmp(&a.approved))
            .then(a.rejected.cmp(&b.rejected))
            .then_with(|| a.vendor_name.to_lowercase().cmp(&b.vendor_name.to_lowercase()))
            .then(a.vendor_id.cmp(&b.vendor_id))
    });
    scored
        .into_iter()
        .zip(1u32..)
        .map(|((points, tally), position)| RankingEntry {
            position,
            points,
            tally,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ExhibitionStatus::*;

    fn tally(id: MemberId, name: &str, counts: &[(ExhibitionStatus, i64)]) -> VendorTally {
        let mut t = VendorTally::new(id, name);
        for &(s, n) in counts {
            t.add(s, n);
        }
        t
    }

    #[test]
    fn points_follow_the_distributor_scoring() {
        let r = rank(
            vec![tally(
                1,
                "Ana",
                &[(Approved, 3), (Highlighted, 2), (Rejected, 5), (Pending, 4)],
            )],
            Scoring::default(),
        );
        assert_eq!(r[0].points, 3 + 2 * 2);
        assert_eq!(r[0].tally.sent, 14);
        let r = rank(
            vec![tally(1, "Ana", &[(Approved, 3), (Highlighted, 2)])],
            Scoring {
                approved: 10,
                highlighted: 0,
            },
        );
        assert_eq!(r[0].points, 30);
    }

    #[test]
    fn higher_points_rank_first() {
        let r = rank(
            vec![
                tally(1, "Ana", &[(Approved, 1)]),
                tally(2, "Beto", &[(Highlighted, 3)]),
                tally(3, "Caro", &[(Approved, 4)]),
            ],
            Scoring::default(),
        );
        let order: Vec<_> = r.iter().map(|e| (e.position, e.tally.vendor_id)).collect();
        assert_eq!(order, vec![(1, 2), (2, 3), (3, 1)]);
    }

    #[test]
    fn ties_are_broken_by_highlighted_then_approved_then_rejected_then_name() {
        let r = rank(
            vec![
                tally(1, "Zoe", &[(Approved, 4)]),                    // 4 pts, 0 highlighted
                tally(2, "Yago", &[(Highlighted, 2)]),                // 4 pts, 2 highlighted
                tally(3, "Xime", &[(Approved, 2), (Highlighted, 1)]), // 4 pts, 1 highlighted
                tally(4, "Ana", &[(Approved, 4), (Rejected, 1)]),     // 4 pts, more rejected than Zoe
                tally(5, "Bruno", &[(Approved, 4)]),                  // same as Zoe: name decides
            ],
            Scoring::default(),
        );
        let ids: Vec<_> = r.iter().map(|e| e.tally.vendor_id).collect();
        assert_eq!(ids, vec![2, 3, 5, 1, 4]);
    }

    #[test]
    fn identical_tallies_and_names_fall_back_to_id_and_are_stable() {
        let a = rank(
            vec![tally(9, "Ana", &[(Approved, 1)]), tally(3, "Ana", &[(Approved, 1)])],
            Scoring::default(),
        );
        let b = rank(
            vec![tally(3, "Ana", &[(Approved, 1)]), tally(9, "Ana", &[(Approved, 1)])],
            Scoring::default(),
        );
        assert_eq!(a, b);
        assert_eq!(a[0].tally.vendor_id, 3);
        assert_eq!(a.iter().map(|e| e.position).collect::<Vec<_>>(), vec![1, 2]);
    }
}
