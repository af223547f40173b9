import { describe, expect, it } from "vitest";
import type { EvaluationInput } from "../bindings";
import { detail, summary } from "../../tests/fixtures";
import type { Submission, SubmissionState } from "./outbox";
import { undoStep, type Given } from "./undo";

const input: EvaluationInput = { verdict: "approved", expected_status: "pending", comment: null, reason: null };
const given: Given = { item: summary(1), verdict: "approved", input };
const inOutbox = (state: SubmissionState, sent: EvaluationInput = input): Submission => ({
  item: summary(1),
  input: sent,
  state,
  attempts: 1,
  error: null,
  current: null,
});

describe("undo", () => {
  it("nothing given, nothing to undo", () => {
    expect(undoStep(null, undefined, null)).toEqual({ kind: "nothing" });
  });

  it("waits for a verdict still on its way", () => {
    expect(undoStep(given, inOutbox("sending"), null)).toEqual({ kind: "wait" });
  });

  it("a verdict the server never recorded is dropped: the exhibition comes back as it was", () => {
    for (const state of ["retrying", "failed", "refused"] as const) {
      expect(undoStep(given, inOutbox(state), null)).toEqual({ kind: "unsent", item: summary(1) });
    }
  });

  it("a recorded one comes back with the verdict the server has", () => {
    const accepted = detail(summary(1), { status: "approved", evaluator_name: "Sofía", evaluated_at_local: "2025-01-02 10:00" });
    const step = undoStep(given, undefined, accepted);
    expect(step).toMatchObject({ kind: "recorded", item: { id: summary(1).id, status: "approved", evaluator_name: "Sofía" } });
  });

  it("someone else's verdict (a conflict), another exhibition accepted, or a replaced verdict: nothing", () => {
    expect(undoStep(given, inOutbox("conflict"), null)).toEqual({ kind: "nothing" });
    expect(undoStep(given, undefined, detail(summary(2), { status: "approved" }))).toEqual({ kind: "nothing" });
    expect(undoStep(given, undefined, null)).toEqual({ kind: "nothing" });
    expect(undoStep(given, inOutbox("failed", { ...input, verdict: "highlighted" }), null)).toEqual({ kind: "nothing" });
  });
});
