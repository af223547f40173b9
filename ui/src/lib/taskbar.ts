/**
 * The pending figure on the app's taskbar entry, for a supervisor whose
 * CenterMind sits behind other windows: "CenterMind (8)" as the window's title
 * (the taskbar, Alt+Tab) and a badge with the figure on its icon. Only the
 * shell can set them; it is told whenever the figure or the language changes,
 * and the plain title comes back when nobody is signed in to review.
 */
import { createEffect, onCleanup } from "solid-js";
import { formatNumber, t } from "../i18n";
import { api, call } from "./api";
import { pendingCount } from "./pending";

/** The window's title with `count` pending. */
export function windowTitle(count: number): string {
  return count > 0 ? t("app.windowTitlePending", { count: formatNumber(count) }) : t("app.name");
}

export type ShowOnTaskbar = (count: number, title: string) => Promise<unknown>;

const throughShell: ShowOnTaskbar = (count, title) => call(api().showPendingCount(count, title));

/**
 * Follows the pending figure onto the taskbar until the calling component goes
 * (logout): then the title and badge are cleared. Call inside a component.
 */
export function showPendingOnTaskbar(show: ShowOnTaskbar = throughShell): void {
  let shown: string | null = null;
  const tell = (count: number, title: string) => {
    const key = `${count}\u0000${title}`;
    if (key === shown) return;
    shown = key;
    // A hint on the taskbar: a failure is not worth a message on screen.
    show(count, title).catch(() => undefined);
  };
  createEffect(() => {
    const count = pendingCount()?.count ?? 0;
    tell(count, windowTitle(count));
  });
  onCleanup(() => tell(0, t("app.name")));
}
