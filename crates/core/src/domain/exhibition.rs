//! The exhibition life cycle: Pending → Approved | Rejected | Highlighted, and
//! re-evaluation between verdicts. Every change is recorded as an evaluation event.

use serde::{Deserialize, Serialize};

use super::roles::PortalRole;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "lowercase")]
#[sqlx(type_name = "TEXT", rename_all = "lowercase")]
pub enum ExhibitionStatus {
    Pending,
    Approved,
    Rejected,
    Highlighted,
}

impl ExhibitionStatus {
    pub const ALL: [ExhibitionStatus; 4] = [Self::Pending, Self::Approved, Self::Rejected, Self::Highlighted];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Highlighted => "highlighted",
        }
    }

    pub fn is_evaluated(self) -> bool {
        self != Self::Pending
    }
}

impl std::str::FromStr for ExhibitionStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| format!("unknown status '{s}'"))
    }
}

/// A supervisor's decision.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Approved,
    Rejected,
    Highlighted,
}

impl Verdict {
    pub fn status(self) -> ExhibitionStatus {
        match self {
            Self::Approved => ExhibitionStatus::Approved,
            Self::Rejected => ExhibitionStatus::Rejected,
            Self::Highlighted => ExhibitionStatus::Highlighted,
        }
    }
}

/// Where a confirmation-message edit stands for an exhibition.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(type_name = "TEXT", rename_all = "snake_case")]
pub enum SyncState {
    /// Nothing to tell Telegram (no verdict yet).
    Idle,
    /// A verdict waits to be edited into the confirmation message.
    Pending,
    /// Telegram shows the current verdict.
    Synced,
    /// Cannot be delivered (message deleted, bot removed from the chat).
    Undeliverable,
}

/// Maximum length of a supervisor comment or rejection reason, in characters.
pub const MAX_COMMENT_CHARS: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvaluationError {
    #[error("role {0:?} may not evaluate exhibitions")]
    NotAllowed(PortalRole),
    /// Someone changed the exhibition since the caller loaded it.
    #[error("exhibition is {current:?}, caller expected {expected:?}")]
    Conflict {
        expected: ExhibitionStatus,
        current: ExhibitionStatus,
    },
    #[error("exhibition is already {0:?}")]
    Unchanged(ExhibitionStatus),
    #[error("a rejection needs a reason")]
    ReasonRequired,
    #[error("text longer than {MAX_COMMENT_CHARS} characters")]
    TextTooLong,
}

/// A validated change of status, ready to be stored with its event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub from: ExhibitionStatus,
    pub to: ExhibitionStatus,
    pub comment: Option<String>,
    pub reason: Option<String>,
}

/// Decide whether `role` may move an exhibition from `current` with `verdict`.
///
/// `expected` is the status the caller saw (optimistic concurrency): if it is
/// not the current one, someone else evaluated first and the caller must look again.
pub fn evaluate(
    current: ExhibitionStatus,
    expected: ExhibitionStatus,
    verdict: Verdict,
    role: PortalRole,
    comment: Option<&str>,
    reason: Option<&str>,
) -> Result<Transition, EvaluationError> {
    if role < PortalRole::Supervisor {
        return Err(EvaluationError::NotAllowed(role));
    }
    if current != expected {
        return Err(EvaluationError::Conflict { expected, current });
    }
    let to = verdict.status();
    // Rejecting a rejected one again is how its reason is corrected; approving
    // an approved one (or highlighting a highlighted one) changes nothing.
    if to == current && verdict != Verdict::Rejected {
        return Err(EvaluationError::Unchanged(current));
    }
    let comment = clean_text(comment)?;
    let reason = clean_text(reason)?;
    if verdict == Verdict::Rejected && reason.is_none() {
        return Err(EvaluationError::ReasonRequired);
    }
    // A reason only makes sense for a rejection; drop it otherwise.
    let reason = if verdict == Verdict::Rejected { reason } else { None };
    Ok(Transition {
        from: current,
        to,
        comment,
        reason,
    })
}

fn clean_text(text: Option<&str>) -> Result<Option<String>, EvaluationError> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(t) if t.chars().count() > MAX_COMMENT_CHARS => Err(EvaluationError::TextTooLong),
        Some(t) => Ok(Some(t.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::ExhibitionStatus::*;
    use super::*;

    #[test]
    fn supervisor_approves_a_pending_exhibition() {
        let t = evaluate(
            Pending,
            Pending,
            Verdict::Approved,
            PortalRole::Supervisor,
            Some(" bien "),
            None,
        )
        .unwrap();
        assert_eq!(
            t,
            Transition {
                from: Pending,
                to: Approved,
                comment: Some("bien".into()),
                reason: None
            }
        );
    }

    #[test]
    fn viewer_may_never_evaluate() {
        assert_eq!(
            evaluate(Pending, Pending, Verdict::Approved, PortalRole::Viewer, None, None),
            Err(EvaluationError::NotAllowed(PortalRole::Viewer))
        );
    }

    #[test]
    fn stale_expected_status_is_a_conflict_with_the_current_state() {
        assert_eq!(
            evaluate(Approved, Pending, Verdict::Rejected, PortalRole::Admin, None, Some("x")),
            Err(EvaluationError::Conflict {
                expected: Pending,
                current: Approved
            })
        );
    }

    #[test]
    fn re_evaluation_between_verdicts_is_allowed() {
        let t = evaluate(
            Approved,
            Approved,
            Verdict::Highlighted,
            PortalRole::Supervisor,
            None,
            None,
        )
        .unwrap();
        assert_eq!((t.from, t.to), (Approved, Highlighted));
        let t = evaluate(Rejected, Rejected, Verdict::Approved, PortalRole::Admin, None, None).unwrap();
        assert_eq!((t.from, t.to), (Rejected, Approved));
    }

    #[test]
    fn same_verdict_twice_is_refused() {
        assert_eq!(
            evaluate(
                Highlighted,
                Highlighted,
                Verdict::Highlighted,
                PortalRole::Supervisor,
                None,
                None
            ),
            Err(EvaluationError::Unchanged(Highlighted))
        );
    }

    #[test]
    fn rejecting_again_corrects_the_reason() {
        let t = evaluate(
            Rejected,
            Rejected,
            Verdict::Rejected,
            PortalRole::Supervisor,
            None,
            Some("Foto borrosa"),
        )
        .unwrap();
        assert_eq!(
            (t.from, t.to, t.reason.as_deref()),
            (Rejected, Rejected, Some("Foto borrosa"))
        );
        assert_eq!(
            evaluate(
                Rejected,
                Rejected,
                Verdict::Rejected,
                PortalRole::Supervisor,
                None,
                None
            ),
            Err(EvaluationError::ReasonRequired)
        );
        assert_eq!(
            evaluate(
                Approved,
                Approved,
                Verdict::Approved,
                PortalRole::Supervisor,
                None,
                None
            ),
            Err(EvaluationError::Unchanged(Approved))
        );
    }

    #[test]
    fn rejection_needs_a_non_blank_reason() {
        assert_eq!(
            evaluate(
                Pending,
                Pending,
                Verdict::Rejected,
                PortalRole::Supervisor,
                None,
                Some("   ")
            ),
            Err(EvaluationError::ReasonRequired)
        );
        let t = evaluate(
            Pending,
            Pending,
            Verdict::Rejected,
            PortalRole::Supervisor,
            None,
            Some("Foto borrosa"),
        )
        .unwrap();
        assert_eq!(t.reason.as_deref(), Some("Foto borrosa"));
    }

    #[test]
    fn reason_is_dropped_for_non_rejections() {
        let t = evaluate(
            Pending,
            Pending,
            Verdict::Approved,
            PortalRole::Supervisor,
            None,
            Some("x"),
        )
        .unwrap();
        assert_eq!(t.reason, None);
    }

    #[test]
    fn overlong_comment_is_refused() {
        let long = "a".repeat(MAX_COMMENT_CHARS + 1);
        assert_eq!(
            evaluate(
                Pending,
                Pending,
                Verdict::Approved,
                PortalRole::Supervisor,
                Some(&long),
                None
            ),
            Err(EvaluationError::TextTooLong)
        );
    }

    #[test]
    fn statuses_round_trip_through_their_names() {
        for s in ExhibitionStatus::ALL {
            assert_eq!(s.as_str().parse::<ExhibitionStatus>().unwrap(), s);
        }
        assert!(!Pending.is_evaluated());
        assert!(Rejected.is_evaluated());
    }
}
