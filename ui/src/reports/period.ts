/**
 * The reports form as data: which period it asks for (checked before any
 * request) and the totals row of a summary. Pure, tested without a DOM.
 */
import type { ReportPeriod, ReportPreset, ReportRow } from "../bindings";

export const PRESETS: readonly ReportPreset[] = [
  "today",
  "yesterday",
  "this_week",
  "this_month",
  "last_month",
  "last30_days",
  "last90_days",
];

/** A preset, or "dates": two local dates typed by the person. */
export type PeriodChoice = ReportPreset | "dates";

export interface PeriodForm {
  readonly choice: PeriodChoice;
  /** `YYYY-MM-DD` (what `<input type="date">` gives), or empty. */
  readonly from: string;
  readonly to: string;
}

export type PeriodProblem = "missingDates" | "reversedDates";

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The period to ask for, or why the form cannot be sent yet. */
export function toPeriod(form: PeriodForm): { ok: true; period: ReportPeriod } | { ok: false; problem: PeriodProblem } {
  if (form.choice !== "dates") return { ok: true, period: { kind: "preset", preset: form.choice } };
  if (!DATE.test(form.from) || !DATE.test(form.to)) return { ok: false, problem: "missingDates" };
  // ISO dates compare as strings.
  if (form.from > form.to) return { ok: false, problem: "reversedDates" };
  return { ok: true, period: { kind: "dates", from: form.from, to: form.to } };
}

export interface Totals {
  readonly sent: number;
  readonly pending: number;
  readonly approved: number;
  readonly rejected: number;
  readonly highlighted: number;
  /** Approved or highlighted over evaluated; null when nothing was evaluated. */
  readonly approvalRate: number | null;
}

/** The sum of every row, with its own approval rate (not an average of rates). */
export function totals(rows: readonly ReportRow[]): Totals {
  const sum = (pick: (r: ReportRow) => number) => rows.reduce((n, r) => n + pick(r), 0);
  const approved = sum((r) => r.approved);
  const rejected = sum((r) => r.rejected);
  const highlighted = sum((r) => r.highlighted);
  const evaluated = approved + rejected + highlighted;
  return {
    sent: sum((r) => r.sent),
    pending: sum((r) => r.pending),
    approved,
    rejected,
    highlighted,
    approvalRate: evaluated === 0 ? null : (approved + highlighted) / evaluated,
  };
}
