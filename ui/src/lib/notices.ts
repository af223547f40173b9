/**
 * Desktop notices of new exhibitions: a supervisor with CenterMind behind other
 * windows hears that vendors sent photos, once per burst ("Llegaron 3
 * exhibiciones nuevas · Pendientes de revisar: 8"). The shell shows the notice
 * only when the window is not in front (minimized, hidden or another app
 * focused): in front, the visor and the navigation's badge already say it.
 * A click on the notice brings the window forward on the visor. Each computer
 * keeps its own choice (on unless turned off in "Acerca de").
 */
import { createSignal } from "solid-js";
import type { LiveMessage } from "../bindings";
import { formatNumber, t } from "../i18n";
import { api, call } from "./api";
import { makeChannel } from "./channel";
import { onLive } from "./live";
import { pendingCount } from "./pending";

export const NOTICES_STORAGE_KEY = "centermind.newExhibitionNotices";

/**
 * How long a burst is gathered before its one notice: a vendor's photos of one
 * shop come seconds apart, and the pending figure is re-read meanwhile.
 */
export const NOTICE_GATHER_MS = 2_000;

function storedChoice(): boolean {
  try {
    return globalThis.localStorage?.getItem(NOTICES_STORAGE_KEY) !== "off";
  } catch {
    return true;
  }
}

const [enabled, setEnabled] = createSignal(storedChoice());

/** Whether this computer shows notices of new exhibitions. */
export { enabled as noticesEnabled };

export function setNoticesEnabled(on: boolean): void {
  setEnabled(on);
  try {
    globalThis.localStorage?.setItem(NOTICES_STORAGE_KEY, on ? "on" : "off");
  } catch {
    // Not kept across restarts, but followed for this session.
  }
}

/** The notice's two lines for `arrived` new exhibitions, with the pending figure when known. */
export function noticeText(arrived: number, pending: number | null): { title: string; body: string } {
  const title =
    arrived === 1 ? t("notices.oneArrived") : t("notices.manyArrived", { count: formatNumber(arrived) });
  const body = pending !== null && pending > 0 ? t("home.pending", { count: pending }) : t("notices.openVisor");
  return { title, body };
}

/** Asks the shell for a notice; `onOpen` runs when the person clicks it. */
export type ShowNotice = (title: string, body: string, onOpen: () => void) => Promise<unknown>;

const showThroughShell: ShowNotice = (title, body, onOpen) =>
  call(api().notifyIfAway(title, body, t("notices.open"), makeChannel<null>(() => onOpen())));

/**
 * Starts gathering new exhibitions into notices; the returned function stops
 * (a burst not yet told is dropped). `show` asks the shell, which shows the
 * notice only while the window is not in front; a click on it runs `onOpen`.
 */
export function watchNewExhibitions(onOpen: () => void, show: ShowNotice = showThroughShell): () => void {
  let arrived = 0;
  // Gathered from the first arrival, not the last: a steady stream still gets a notice every few seconds.
  let timer: ReturnType<typeof setTimeout> | undefined;
  const tell = () => {
    timer = undefined;
    const count = arrived;
    arrived = 0;
    if (count === 0 || !enabled()) return;
    const { title, body } = noticeText(count, pendingCount()?.count ?? null);
    // A notice that cannot be shown (no notification service) is not worth an error on screen.
    show(title, body, onOpen).catch(() => undefined);
  };
  const stop = onLive((message: LiveMessage) => {
    if (message.kind !== "exhibition_created" || !enabled()) return;
    arrived += 1;
    timer ??= setTimeout(tell, NOTICE_GATHER_MS);
  });
  return () => {
    stop();
    clearTimeout(timer);
  };
}
