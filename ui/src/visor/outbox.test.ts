import { describe, expect, it } from "vitest";
import type { EvaluationInput, ExhibitionDetail } from "../bindings";
import { ApiError } from "../lib/api";
import { detail, summary } from "../../tests/fixtures";
import { Outbox, type Submission } from "./outbox";

const input: EvaluationInput = { verdict: "approved", expected_status: "pending", comment: null, reason: null };

/** A manual clock: scheduled callbacks run when the test says so. */
function harness(results: Array<ExhibitionDetail | ApiError>) {
  const timers: Array<{ fn: () => void; ms: number }> = [];
  const calls: string[] = [];
  const accepted: ExhibitionDetail[] = [];
  let states: readonly Submission[] = [];
  const outbox = new Outbox({
    submit: (id) => {
      calls.push(id);
      const next = results.shift();
      return next instanceof ApiError || next === undefined
        ? Promise.reject(next ?? new ApiError({ code: "timeout", message: "t" }))
        : Promise.resolve(next);
    },
    schedule: (fn, ms) => {
      timers.push({ fn, ms });
      return () => {
        const i = timers.findIndex((t) => t.fn === fn);
        if (i >= 0) timers.splice(i, 1);
      };
    },
    retryDelaysMs: [10, 20],
    onAccepted: (d) => accepted.push(d),
    onChange: (all) => (states = all),
  });
  const tick = async () => {
    const t = timers.shift();
    t?.fn();
    await flush();
  };
  return { outbox, timers, calls, accepted, tick, states: () => states };
}

const flush = () => new Promise((r) => setTimeout(r, 0));
const offline = () => new ApiError({ code: "unreachable", message: "connection refused" });

describe("verdict outbox", () => {
  it("an accepted verdict leaves the outbox", async () => {
    const item = summary(1);
    const h = harness([detail({ ...item, status: "approved" })]);
    h.outbox.send(item, input);
    expect(h.outbox.get(item.id)?.state).toBe("sending");
    expect(h.outbox.busy()).toBe(true);
    await flush();
    expect(h.outbox.all()).toEqual([]);
    expect(h.accepted.map((d) => d.status)).toEqual(["approved"]);
  });

  it("network errors are retried with backoff, then it is failed (kept) until retried or discarded", async () => {
    const item = summary(2);
    const h = harness([offline(), offline(), offline(), detail({ ...item, status: "approved" })]);
    h.outbox.send(item, input);
    await flush();
    expect(h.outbox.get(item.id)?.state).toBe("retrying");
    expect(h.timers.map((t) => t.ms)).toEqual([10]);
    await h.tick();
    expect(h.outbox.get(item.id)?.state).toBe("retrying");
    expect(h.timers.map((t) => t.ms)).toEqual([20]);
    await h.tick();
    const failed = h.outbox.get(item.id);
    expect(failed?.state).toBe("failed");
    expect(failed?.attempts).toBe(3);
    expect(failed?.error?.code).toBe("unreachable");
    expect(h.outbox.needsAttention()).toHaveLength(1);
    expect(h.timers).toEqual([]);

    h.outbox.retry(item.id);
    await flush();
    expect(h.outbox.all()).toEqual([]);
    expect(h.calls).toHaveLength(4);
  });

  it("a conflict keeps the current verdict to show, and is not retried", async () => {
    const item = summary(3);
    const current = detail({ ...item, status: "rejected", evaluator_name: "Sofía" });
    const h = harness([new ApiError({ code: "conflict", message: "ya evaluada", current })]);
    h.outbox.send(item, input);
    await flush();
    const s = h.outbox.get(item.id);
    expect(s?.state).toBe("conflict");
    expect(s?.current?.evaluator_name).toBe("Sofía");
    expect(h.timers).toEqual([]);
    h.outbox.discard(item.id);
    expect(h.states()).toEqual([]);
  });

  it("a refused verdict (invalid, forbidden, signed out) waits for the person", async () => {
    const item = summary(4);
    const h = harness([new ApiError({ code: "invalid", message: "Falta el motivo" })]);
    h.outbox.send(item, input);
    await flush();
    expect(h.outbox.get(item.id)?.state).toBe("refused");
    expect(h.outbox.get(item.id)?.error?.error.message).toBe("Falta el motivo");
    expect(h.timers).toEqual([]);
  });

  it("discarding cancels a pending retry", async () => {
    const item = summary(5);
    const h = harness([offline()]);
    h.outbox.send(item, input);
    await flush();
    expect(h.timers).toHaveLength(1);
    h.outbox.discard(item.id);
    expect(h.timers).toHaveLength(0);
    expect(h.outbox.all()).toEqual([]);
  });
});
