import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { JobRun } from "../bindings";
import { ApiError } from "../lib/api";
import { followRun, followTiming } from "./runFollower";

const run = (id: number, outcome: JobRun["outcome"]): JobRun => ({
  id,
  job_id: "backup",
  started_at: "2026-11-23T13:00:00Z",
  finished_at: outcome === "running" ? null : "2026-11-23T13:00:02Z",
  outcome,
  detail: outcome === "running" ? null : "Copia verificada.",
});

describe("following a run", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  /** Answers each read with the next of `answers` (the last one repeats). */
  const reads = (...answers: Array<JobRun[] | Error>) => {
    let i = 0;
    return vi.fn(() => {
      const answer = answers[Math.min(i++, answers.length - 1)]!;
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    });
  };

  it("reads every 2 s until the run asked for ends, then stops", async () => {
    const old = run(7, "succeeded");
    const read = reads([old], [run(8, "running"), old], [run(8, "succeeded"), old]);
    const seen: Array<number | null> = [];
    const done = vi.fn();
    const follower = followRun({ after: 7, read, onProgress: (r) => seen.push(r?.id ?? null), onDone: done, onError: vi.fn(), onNotStarted: vi.fn() });

    expect(read).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(followTiming.intervalMs);
    expect(seen).toEqual([null]);
    await vi.advanceTimersByTimeAsync(followTiming.intervalMs);
    expect(seen).toEqual([null, 8]);
    await vi.advanceTimersByTimeAsync(followTiming.intervalMs);
    expect(done).toHaveBeenCalledWith(run(8, "succeeded"), [run(8, "succeeded"), old]);
    expect(follower.following()).toBe(false);
    await vi.advanceTimersByTimeAsync(10 * followTiming.intervalMs);
    expect(read).toHaveBeenCalledTimes(3);
  });

  it("a run that had already started and ended is reported at the first read", async () => {
    const done = vi.fn();
    followRun({ after: 8, read: reads([run(9, "failed")]), onProgress: vi.fn(), onDone: done, onError: vi.fn(), onNotStarted: vi.fn() });
    await vi.advanceTimersByTimeAsync(followTiming.intervalMs);
    expect(done).toHaveBeenCalledWith(run(9, "failed"), [run(9, "failed")]);
  });

  it("gives up after 30 s when no service takes the request, says so once and reads no more", async () => {
    const old = run(7, "succeeded");
    const read = reads([old]);
    const progress = vi.fn();
    const notStarted = vi.fn();
    const follower = followRun({ after: 7, read, onProgress: progress, onDone: vi.fn(), onError: vi.fn(), onNotStarted: notStarted });
    expect(followTiming.startLimitMs).toBe(30_000);

    await vi.advanceTimersByTimeAsync(28_000);
    expect(read).toHaveBeenCalledTimes(14);
    expect(progress).toHaveBeenLastCalledWith(null, [old]);
    expect(notStarted).not.toHaveBeenCalled();
    expect(follower.following()).toBe(true);

    await vi.advanceTimersByTimeAsync(2_000);
    expect(read).toHaveBeenCalledTimes(15);
    expect(notStarted).toHaveBeenCalledTimes(1);
    expect(notStarted).toHaveBeenCalledWith([old]);
    expect(progress).toHaveBeenCalledTimes(14);
    expect(follower.following()).toBe(false);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(read).toHaveBeenCalledTimes(15);
    expect(notStarted).toHaveBeenCalledTimes(1);
  });

  it("a run that starts by the limit is followed however long it takes", async () => {
    // Seen first at the 15th read (30 s), it runs for 10 minutes more.
    const old = run(7, "succeeded");
    const read = vi.fn((): Promise<JobRun[]> => {
      const n = read.mock.calls.length;
      if (n < 15) return Promise.resolve([old]);
      return Promise.resolve([run(8, n < 15 + 300 ? "running" : "succeeded"), old]);
    });
    const seen: Array<number | null> = [];
    const done = vi.fn();
    const notStarted = vi.fn();
    const follower = followRun({
      after: 7,
      read,
      onProgress: (r) => seen.push(r?.id ?? null),
      onDone: done,
      onError: vi.fn(),
      onNotStarted: notStarted,
    });

    await vi.advanceTimersByTimeAsync(30_000 + 5 * 60_000);
    expect(follower.following()).toBe(true);
    expect(seen.filter((id) => id === 8).length).toBeGreaterThan(100);
    await vi.advanceTimersByTimeAsync(6 * 60_000);
    expect(done).toHaveBeenCalledWith(run(8, "succeeded"), [run(8, "succeeded"), old]);
    expect(notStarted).not.toHaveBeenCalled();
    expect(follower.following()).toBe(false);
  });

  it("the limit counts from the start, also through network errors, and gives up only on a read that shows no run", async () => {
    const unreachable = new ApiError({ code: "unreachable", message: "connection refused" });
    const answers: Array<JobRun[] | Error> = Array.from({ length: 20 }, () => unreachable);
    const read = reads(...answers, []);
    const errors = vi.fn();
    const notStarted = vi.fn();
    followRun({ after: 0, read, onProgress: vi.fn(), onDone: vi.fn(), onError: errors, onNotStarted: notStarted });
    await vi.advanceTimersByTimeAsync(40_000);
    expect(errors).toHaveBeenCalledTimes(20);
    expect(notStarted).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(2_000);
    expect(notStarted).toHaveBeenCalledWith([]);
  });

  it("stop() ends it: no more reads, and a read in flight is ignored", async () => {
    let answer: (runs: JobRun[]) => void = () => {};
    const read = vi.fn(() => new Promise<JobRun[]>((resolve) => (answer = resolve)));
    const progress = vi.fn();
    const done = vi.fn();
    const follower = followRun({ after: 0, read, onProgress: progress, onDone: done, onError: vi.fn(), onNotStarted: vi.fn() });
    await vi.advanceTimersByTimeAsync(followTiming.intervalMs);
    expect(read).toHaveBeenCalledTimes(1);
    follower.stop();
    answer([run(1, "succeeded")]);
    await vi.advanceTimersByTimeAsync(10 * followTiming.intervalMs);
    expect(read).toHaveBeenCalledTimes(1);
    expect(progress).not.toHaveBeenCalled();
    expect(done).not.toHaveBeenCalled();
  });

  it("goes on after a network error, and gives up on a refusal", async () => {
    const unreachable = new ApiError({ code: "unreachable", message: "connection refused" });
    const errors: Array<[string, boolean]> = [];
    const done = vi.fn();
    followRun({
      after: 0,
      read: reads(unreachable, [run(1, "succeeded")]),
      onProgress: vi.fn(),
      onDone: done,
      onError: (e, retrying) => errors.push([(e as ApiError).code, retrying]),
      onNotStarted: vi.fn(),
    });
    await vi.advanceTimersByTimeAsync(2 * followTiming.intervalMs);
    expect(errors).toEqual([["unreachable", true]]);
    expect(done).toHaveBeenCalled();

    const forbidden = new ApiError({ code: "forbidden", message: "no" });
    const read = reads(forbidden);
    const gaveUp = followRun({ after: 0, read, onProgress: vi.fn(), onDone: vi.fn(), onError: vi.fn(), onNotStarted: vi.fn() });
    await vi.advanceTimersByTimeAsync(5 * followTiming.intervalMs);
    expect(read).toHaveBeenCalledTimes(1);
    expect(gaveUp.following()).toBe(false);
  });
});
