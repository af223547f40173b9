/**
 * "Deshacer" in the visor: the last verdict given there comes back on screen
 * (again: the one before, up to 20; the visor keeps them newest last).
 * A verdict the server never recorded (still retrying, failed, refused) is
 * dropped and the exhibition is pending again; a recorded one comes back with
 * its verdict, to be changed like in the history (the request carries that
 * verdict as `expected_status`, so a change made meanwhile by someone else is
 * a conflict, not overwritten). One still on its way is waited for.
 */
import type { EvaluationInput, ExhibitionDetail, ExhibitionSummary, Verdict } from "../bindings";
import type { Submission } from "./outbox";

/** A verdict given in the visor. */
export interface Given {
  readonly item: ExhibitionSummary;
  readonly verdict: Verdict;
  readonly input: EvaluationInput;
}

export type UndoStep =
  | { readonly kind: "nothing" }
  | { readonly kind: "wait" }
  | { readonly kind: "unsent"; readonly item: ExhibitionSummary }
  | { readonly kind: "recorded"; readonly item: ExhibitionSummary };

/**
 * What undoing `given` does now, from its place in the outbox (`submission`, if
 * still there) and the last verdict the server accepted.
 */
export function undoStep(
  given: Given | null,
  submission: Submission | undefined,
  accepted: ExhibitionDetail | null,
): UndoStep {
  if (given === null) return { kind: "nothing" };
  if (submission !== undefined && submission.input === given.input) {
    switch (submission.state) {
      case "sending":
        return { kind: "wait" };
      case "retrying":
      case "failed":
      case "refused":
        return { kind: "unsent", item: given.item };
      case "conflict":
        // Someone else's verdict stands; the banner says whose.
        return { kind: "nothing" };
    }
  }
  if (accepted?.id !== given.item.id) return { kind: "nothing" };
  return {
    kind: "recorded",
    item: {
      ...given.item,
      status: accepted.status,
      comment: accepted.comment,
      rejection_reason: accepted.rejection_reason,
      evaluator_name: accepted.evaluator_name,
      evaluated_at: accepted.evaluated_at,
      evaluated_at_local: accepted.evaluated_at_local,
    },
  };
}
