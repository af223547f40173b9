/**
 * The page zoom, as a browser's Ctrl + / Ctrl − / Ctrl 0: text, photos and layout
 * grow together and the screens reflow (the window's page gets fewer CSS pixels).
 * For people who need larger text, and for a screen far from the desk. The choice
 * is kept on this computer and applied again at start.
 */
import { createSignal } from "solid-js";
import { api, call } from "./api";
import type { KeyLike } from "../visor/keyboard";

/** The steps Ctrl + and Ctrl − move through; 1 is 100 %. */
export const ZOOM_LEVELS = [0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2] as const;
export type ZoomLevel = (typeof ZOOM_LEVELS)[number];

/** localStorage key for the chosen zoom. */
export const ZOOM_STORAGE_KEY = "centermind.pageZoom";

function isZoomLevel(value: number): value is ZoomLevel {
  return (ZOOM_LEVELS as readonly number[]).includes(value);
}

function readStoredZoom(): ZoomLevel {
  try {
    const stored = Number(globalThis.localStorage?.getItem(ZOOM_STORAGE_KEY) ?? "1");
    return isZoomLevel(stored) ? stored : 1;
  } catch {
    return 1; // storage disabled: 100 %
  }
}

const [pageZoom, setPageZoomSignal] = createSignal<ZoomLevel>(readStoredZoom());

/** The page zoom in use (reactive). */
export { pageZoom };

/** Zooms the page to `level` and remembers it. A shell that cannot zoom leaves the page as it is. */
export async function setPageZoom(level: ZoomLevel): Promise<void> {
  setPageZoomSignal(level);
  try {
    globalThis.localStorage?.setItem(ZOOM_STORAGE_KEY, String(level));
  } catch {
    // storage disabled: the zoom lasts for this session only
  }
  try {
    await call(api().setPageZoom(level));
  } catch {
    // Not worth an error on screen: the page stays readable at its current size.
  }
}

/** The next step up (`+1`) or down (`-1`) from `level`, or `level` at either end. */
export function stepZoom(level: ZoomLevel, direction: 1 | -1): ZoomLevel {
  const index = ZOOM_LEVELS.indexOf(level);
  return ZOOM_LEVELS[Math.min(ZOOM_LEVELS.length - 1, Math.max(0, index + direction))] ?? level;
}

export type ZoomAction = "in" | "out" | "reset";

/**
 * The zoom shortcut of a key press, or `null`: Ctrl (Cmd on macOS) with + or = (the
 * same key without Shift on most layouts), −, or 0, also on the numeric keypad.
 */
export function zoomActionForKey(event: KeyLike & { readonly code?: string }): ZoomAction | null {
  if (!(event.ctrlKey || event.metaKey) || event.altKey) return null;
  if (event.key === "+" || event.key === "=" || event.code === "NumpadAdd") return "in";
  if (event.key === "-" || event.code === "NumpadSubtract") return "out";
  if (event.key === "0" || event.code === "Numpad0") return "reset";
  return null;
}

/** Carries out a zoom action. */
export function zoom(action: ZoomAction): Promise<void> {
  if (action === "reset") return setPageZoom(1);
  return setPageZoom(stepZoom(pageZoom(), action === "in" ? 1 : -1));
}

/**
 * Applies the kept zoom and listens for its shortcuts on every screen (also while
 * typing: Ctrl + types nothing). Returns what stops listening.
 */
export function installPageZoom(): () => void {
  if (pageZoom() !== 1) void setPageZoom(pageZoom());
  const onKeyDown = (event: KeyboardEvent) => {
    const action = zoomActionForKey(event);
    if (!action) return;
    event.preventDefault();
    void zoom(action);
  };
  window.addEventListener("keydown", onKeyDown, true);
  return () => window.removeEventListener("keydown", onKeyDown, true);
}
