/**
 * Follows one run of a job after "Ejecutar ahora": reads the job's runs every
 * {@link followTiming} ms until the run asked for has finished, telling the screen
 * what it sees on the way. It stops by itself when the run ends, on an error it
 * cannot get past, or when the run has not even started {@link followTiming}
 * `startLimitMs` after following began (no service took the request: it stays on
 * the server and runs when a service takes it). A run that has started is followed
 * however long it takes. It stops at once on `stop()` (the screen was left): no read
 * starts after that, and the answer of one in flight is ignored.
 */
import type { JobRun } from "../bindings";
import { asApiError, isRetryable } from "../lib/api";
import { requestedRun } from "./jobs";

/**
 * How often the runs are read (the service picks requests up at once, or within its
 * 2 s poll when asked from another process), and how long the run may take to start
 * before following gives up waiting for it. Tests shorten them.
 */
export const followTiming = { intervalMs: 2000, startLimitMs: 30_000 };

export interface FollowOptions {
  /** The run asked for is the oldest with an id above this (see `runsAfter`). */
  after: number;
  /** The job's latest runs, newest first. */
  read: () => Promise<JobRun[]>;
  /** Each read: all the runs read, and the one followed (`null`: not started yet). */
  onProgress: (run: JobRun | null, runs: JobRun[]) => void;
  /** The run finished (succeeded or failed). */
  onDone: (run: JobRun, runs: JobRun[]) => void;
  /** A read failed; following goes on after errors that may pass (network, server). */
  onError: (error: unknown, retrying: boolean) => void;
  /**
   * The run had not started `startLimitMs` after following began: following ends
   * (the request stays on the server). Reported once, from a read that still saw no run.
   */
  onNotStarted: (runs: JobRun[]) => void;
}

export interface RunFollower {
  stop: () => void;
  /** Whether it still reads. */
  following: () => boolean;
}

export function followRun(options: FollowOptions): RunFollower {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const since = Date.now();

  const stop = () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };

  const tick = async () => {
    timer = undefined;
    let runs: JobRun[];
    try {
      runs = await options.read();
    } catch (e) {
      if (stopped) return;
      const retrying = isRetryable(e) && asApiError(e).code !== "unauthenticated";
      options.onError(e, retrying);
      if (retrying) schedule();
      else stop();
      return;
    }
    if (stopped) return;
    const run = requestedRun(runs, options.after);
    if (run !== null && run.outcome !== "running") {
      stop();
      options.onDone(run, runs);
      return;
    }
    if (run === null && Date.now() - since >= followTiming.startLimitMs) {
      stop();
      options.onNotStarted(runs);
      return;
    }
    options.onProgress(run, runs);
    schedule();
  };

  const schedule = () => {
    if (!stopped) timer = setTimeout(() => void tick(), followTiming.intervalMs);
  };

  schedule();
  return { stop, following: () => !stopped };
}
