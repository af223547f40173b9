/**
 * Changing a verdict from the history. The request carries the status the
 * person sees now as `expected_status`: if someone changed it meanwhile the
 * server answers with a conflict (shown like in the visor) instead of
 * overwriting their decision.
 */
import type { ExhibitionSummary, Verdict } from "../bindings";
import { buildEvaluation, type BuildResult, type Draft } from "./reasons";

/** Approving an approved (or highlighting a highlighted) one changes nothing; rejecting again may change the reason. */
export function changeableTo(item: Pick<ExhibitionSummary, "status">, verdict: Verdict): boolean {
  return verdict === "rejected" || item.status !== verdict;
}

export type ChangeResult = BuildResult | { readonly ok: false; readonly problem: "unchanged" };

/** The request that changes `item`'s verdict to `verdict`. */
export function reevaluation(item: Pick<ExhibitionSummary, "status">, verdict: Verdict, draft: Draft): ChangeResult {
  if (!changeableTo(item, verdict)) return { ok: false, problem: "unchanged" };
  return buildEvaluation(verdict, item.status, draft);
}
