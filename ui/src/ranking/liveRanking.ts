/**
 * A month's ranking that keeps itself current: read again shortly after live
 * events (verdicts, new exhibitions; once per burst), after the live
 * connection was reopened, and every few minutes in any case (a TV left on
 * for days crosses into a new month).
 */
import { type Accessor, createResource, createSignal, onCleanup, type Resource } from "solid-js";
import type { LiveMessage, Ranking } from "../bindings";
import { api, call } from "../lib/api";
import { type LiveSource, mayHaveMissedEvents, onLive } from "../lib/live";
import { workingDistributor } from "../lib/workingDistributor";
import { intlLocale } from "../i18n";
import { debounce, monthLabel } from "./month";

/** After a live event, wait this long for the rest of its burst before reading again. */
export const LIVE_RELOAD_MS = 800;
/** Read again at least this often. */
export const PERIODIC_RELOAD_MS = 5 * 60_000;

export interface LiveRanking {
  readonly ranking: Resource<Ranking>;
  /** When the ranking on screen was read. */
  readonly updatedAt: Accessor<Date | null>;
  /** The shown ranking's month in the UI's language ("noviembre de 2026"); empty before the first read. */
  readonly monthName: Accessor<string>;
  reload(): void;
}

/** Whether a live message can change a ranking. */
export function changesRanking(message: LiveMessage): boolean {
  return (
    message.kind === "exhibition_created" ||
    message.kind === "exhibition_evaluated" ||
    message.kind === "ranking_changed" ||
    mayHaveMissedEvents(message)
  );
}

/**
 * `month`: `YYYY-MM`, or `null` for the current month in the distributor's zone.
 * `source`: a person's session, or the office TV with its TV code (current month only).
 */
export function useLiveRanking(month: Accessor<string | null>, source: LiveSource = "session"): LiveRanking {
  const [updatedAt, setUpdatedAt] = createSignal<Date | null>(null);
  const [ranking, { refetch }] = createResource(
    () => ({ month: month(), distributor: workingDistributor() }),
    async (key) => {
      const read = await call(source === "kiosk" ? api().kioskRanking() : api().ranking(key.distributor, key.month));
      setUpdatedAt(new Date());
      return read;
    },
  );
  const reload = () => void refetch();
  const soon = debounce(reload, LIVE_RELOAD_MS);
  const stop = onLive((message) => {
    if (changesRanking(message)) soon();
  }, source);
  const timer = setInterval(reload, PERIODIC_RELOAD_MS);
  onCleanup(() => {
    stop();
    soon.cancel();
    clearInterval(timer);
  });
  const monthName = () => {
    const shown = ranking.latest;
    return shown ? monthLabel(shown.month, intlLocale()) : "";
  };
  return { ranking, updatedAt, monthName, reload };
}
