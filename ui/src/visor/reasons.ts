/**
 * Rejection reasons and how a verdict request is built from the dialog's draft.
 * The reason sent to the server is the Spanish text (it is shown in the Telegram
 * group in Spanish), whatever the UI language.
 */
import type { EvaluationInput, ExhibitionStatus, Verdict } from "../bindings";
import { esAR } from "../i18n/es-AR";

export const REASONS = ["blurry", "incomplete", "competitor", "popMissing", "duplicate", "other"] as const;
export type ReasonId = (typeof REASONS)[number];

/** The server-side (Spanish) text of a reason. */
export function reasonText(id: ReasonId): string {
  return esAR.visor.reasons[id];
}

export interface Draft {
  readonly reason: ReasonId | null;
  /** Optional extra text (appended to the reason). */
  readonly reasonText: string;
  readonly comment: string;
}

export const EMPTY_DRAFT: Draft = { reason: null, reasonText: "", comment: "" };

export type BuildResult =
  | { readonly ok: true; readonly input: EvaluationInput }
  | { readonly ok: false; readonly problem: "reasonRequired" };

const clean = (text: string): string | null => {
  const trimmed = text.trim();
  return trimmed === "" ? null : trimmed;
};

/** The request for `verdict` on an exhibition last seen in `expected` status. */
export function buildEvaluation(
  verdict: Verdict,
  expected: ExhibitionStatus,
  draft: Draft,
): BuildResult {
  let reason: string | null = null;
  if (verdict === "rejected") {
    if (draft.reason === null) return { ok: false, problem: "reasonRequired" };
    const extra = clean(draft.reasonText);
    reason = extra === null ? reasonText(draft.reason) : `${reasonText(draft.reason)}: ${extra}`;
  }
  return {
    ok: true,
    input: { verdict, expected_status: expected, comment: clean(draft.comment), reason },
  };
}
