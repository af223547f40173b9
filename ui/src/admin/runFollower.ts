/**
 * Follows one run of a job after "Ejecutar ahora": reads the job's runs every
 * {@link followTiming} ms until the run asked for has finished, telling the screen
 * what it sees on the way. It stops by itself when the run ends or on an error it
 * cannot get past, and at once on `stop()` (the screen was left): no read starts
 * after that, and the answer of one in flight is ignored.
 */
import type { JobRun } from "../bindings";
import { asApiError, isRetryable } from "../lib/api";
import { requestedRun } from "./jobs";

/** How often the runs are read (the service picks requests up every 2 s). Tests shorten it. */
export const followTiming = { intervalMs: 2000 };

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
}

export interface RunFollower {
  stop: () => void;
  /** Whether it still reads. */
  following: () => boolean;
}

export function followRun(options: FollowOptions): RunFollower {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

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
    options.onProgress(run, runs);
    schedule();
  };

  const schedule = () => {
    if (!stopped) timer = setTimeout(() => void tick(), followTiming.intervalMs);
  };

  schedule();
  return { stop, following: () => !stopped };
}
