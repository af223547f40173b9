/**
 * How many exhibitions of the signed-in person's distributor wait for review,
 * and since when: the navigation's badge and the home screen. Read when first
 * watched, again shortly after live events (once per burst), after the live
 * connection was reopened, and every few minutes in any case.
 */
import { createSignal } from "solid-js";
import type { ExhibitionCount, ExhibitionFilter, LiveMessage } from "../bindings";
import { LIVE_RELOAD_MS, PERIODIC_RELOAD_MS } from "../ranking/liveRanking";
import { debounce } from "../ranking/month";
import { EMPTY_FILTER } from "../visor/queue";
import { api, call } from "./api";
import { mayHaveMissedEvents, onLive } from "./live";
import { workingDistributor } from "./workingDistributor";

/** The pending ones under a listing's `conditions` (a visor's filters). */
export function pendingFilter(conditions: Partial<ExhibitionFilter> = {}): ExhibitionFilter {
  return { ...EMPTY_FILTER, ...conditions, status: "pending" };
}

const [count, setCount] = createSignal<ExhibitionCount | null>(null);

/** The last figure read (`null` before the first read or when nobody watches). */
export { count as pendingCount };

/** Whether a live message can change how many wait. */
export function changesPending(message: LiveMessage): boolean {
  return message.kind === "exhibition_created" || message.kind === "exhibition_evaluated" || mayHaveMissedEvents(message);
}

let watchers = 0;
/** Bumped at each read and when watching stops: an older answer is dropped. */
let generation = 0;
let stopLive: (() => void) | null = null;
let timer: ReturnType<typeof setInterval> | undefined;

async function read(): Promise<void> {
  generation += 1;
  const mine = generation;
  try {
    const read = await call(api().countExhibitions(pendingFilter({ distributor: workingDistributor() })));
    if (mine === generation) setCount(read);
  } catch {
    // A hint, not a screen: the last figure stays until a read works.
  }
}

const soon = debounce(() => void read(), LIVE_RELOAD_MS);

/** Starts keeping the figure current; the returned function stops (the last one out stops reading). */
export function watchPending(): () => void {
  watchers += 1;
  if (watchers === 1) {
    void read();
    stopLive = onLive((message) => {
      if (changesPending(message)) soon();
    });
    timer = setInterval(() => void read(), PERIODIC_RELOAD_MS);
  }
  let watching = true;
  return () => {
    if (!watching) return;
    watching = false;
    watchers -= 1;
    if (watchers > 0) return;
    stopLive?.();
    stopLive = null;
    soon.cancel();
    clearInterval(timer);
    generation += 1;
    setCount(null);
  };
}
