/**
 * The Visor's keyboard map: one place for which key does what, used by the
 * key handler and by the help overlay ("?").
 */
import type { esAR } from "../i18n/es-AR";

/** The help text of a shortcut (a key without placeholders). */
export type KeyDescription = `visor.keys.${keyof typeof esAR.visor.keys}`;

export type VisorAction =
  | "approve"
  | "reject"
  | "highlight"
  | "next"
  | "previous"
  | "zoom"
  | "photo"
  | "comment"
  | "filters"
  | "customerHistory"
  | "compare"
  | "undo"
  | "cancel"
  | "help";

export interface KeyBinding {
  readonly action: VisorAction;
  /** `KeyboardEvent.key` values (letters lowercase). */
  readonly keys: readonly string[];
  /** How the keys are shown in the help overlay. */
  readonly label: string;
  readonly description: KeyDescription;
}

/** 1–9: the exhibition's photo with that number (a vendor may send a burst). */
const PHOTO_KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9"];

export const KEYMAP: readonly KeyBinding[] = [
  { action: "approve", keys: ["a"], label: "A", description: "visor.keys.approve" },
  { action: "reject", keys: ["r"], label: "R", description: "visor.keys.reject" },
  { action: "highlight", keys: ["d"], label: "D", description: "visor.keys.highlight" },
  { action: "next", keys: ["ArrowRight", "j"], label: "→ / J", description: "visor.keys.next" },
  { action: "previous", keys: ["ArrowLeft", "k"], label: "← / K", description: "visor.keys.previous" },
  { action: "zoom", keys: ["z"], label: "Z", description: "visor.keys.zoom" },
  { action: "photo", keys: PHOTO_KEYS, label: "1–9", description: "visor.keys.photo" },
  { action: "comment", keys: ["c"], label: "C", description: "visor.keys.comment" },
  { action: "filters", keys: ["f"], label: "F", description: "visor.keys.filters" },
  { action: "customerHistory", keys: ["h"], label: "H", description: "visor.keys.customerHistory" },
  { action: "compare", keys: ["v"], label: "V", description: "visor.keys.compare" },
  { action: "undo", keys: ["u"], label: "U", description: "visor.keys.undo" },
  { action: "cancel", keys: ["Escape"], label: "Esc", description: "visor.keys.cancel" },
  { action: "help", keys: ["?"], label: "?", description: "visor.keys.help" },
];

export interface KeyLike {
  readonly key: string;
  readonly ctrlKey?: boolean;
  readonly metaKey?: boolean;
  readonly altKey?: boolean;
}

/**
 * The action for a key press, or `null`. While the person types in a field only
 * Escape counts; shortcuts with Ctrl/Cmd/Alt are left to the system.
 */
export function actionForKey(event: KeyLike, typing: boolean): VisorAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  if (typing && key !== "Escape") return null;
  for (const binding of KEYMAP) {
    if (binding.keys.includes(key)) return binding.action;
  }
  return null;
}

/** True when keys go to a text field (input, textarea, select, contenteditable). */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag !== "INPUT") return false;
  const type = (target as HTMLInputElement).type;
  return !["checkbox", "radio", "button", "submit", "reset", "range"].includes(type);
}

/** Which overlay the review screens show. */
export type ReviewDialog = "none" | "reject" | "help";

/** What a review screen (visor or history) does for each shortcut. */
export interface ReviewKeyTargets {
  dialog(): ReviewDialog;
  setDialog(dialog: ReviewDialog): void;
  /** Approve or highlight the current exhibition. */
  verdict(verdict: "approved" | "highlighted"): void;
  /** True when the reject dialog may open (a role that evaluates, an item on screen). */
  canReject(): boolean;
  next(): void;
  previous(): void;
  toggleZoom(): void;
  resetZoom(): void;
  /** Shows the current exhibition's photo at `index` (0-based), if it has one there. */
  showPhoto(index: number): void;
  focusComment(): void;
  focusFilters(): void;
  /** The evaluated exhibitions of the current one's shop (its customer number). */
  customerHistory(): void;
  /** Shows a possible duplicate beside the earlier exhibition it looks like, or stops. */
  toggleCompare(): void;
  /** True while the comparison is on screen (Esc ends it). */
  comparing(): boolean;
  /** Brings back the last verdict given (the visor only). */
  undo?(): void;
}

/**
 * The shortcuts shared by the visor and the history: `run` performs an action
 * (also used by the on-screen buttons), `onKeyDown` is the window's handler.
 */
export function reviewShortcuts(t: ReviewKeyTargets): {
  run: (action: VisorAction, key?: string) => void;
  onKeyDown: (event: KeyboardEvent) => void;
} {
  const run = (action: VisorAction, key = "") => {
    const open = t.dialog();
    if (open === "help" && action !== "cancel" && action !== "help") return;
    switch (action) {
      case "approve":
        if (open === "none") t.verdict("approved");
        break;
      case "highlight":
        if (open === "none") t.verdict("highlighted");
        break;
      case "reject":
        if (t.canReject()) t.setDialog("reject");
        break;
      case "next":
        if (open === "none") t.next();
        break;
      case "previous":
        if (open === "none") t.previous();
        break;
      case "zoom":
        t.toggleZoom();
        break;
      case "photo":
        if (open === "none" && PHOTO_KEYS.includes(key)) t.showPhoto(Number(key) - 1);
        break;
      case "comment":
        t.focusComment();
        break;
      case "filters":
        if (open === "none") t.focusFilters();
        break;
      case "customerHistory":
        if (open === "none") t.customerHistory();
        break;
      case "compare":
        if (open === "none") t.toggleCompare();
        break;
      case "undo":
        if (open === "none") t.undo?.();
        break;
      case "help":
        t.setDialog(open === "help" ? "none" : "help");
        break;
      case "cancel":
        if (open !== "none") t.setDialog("none");
        else if (isTypingTarget(document.activeElement)) (document.activeElement as HTMLElement).blur();
        else if (t.comparing()) t.toggleCompare();
        else t.resetZoom();
        break;
    }
  };
  const onKeyDown = (event: KeyboardEvent) => {
    const action = actionForKey(event, isTypingTarget(event.target));
    if (action === null) return;
    // In the reject dialog, keys 1-6 pick a reason (handled by the dialog) and letters type.
    if (t.dialog() === "reject" && action !== "cancel") return;
    // "c" must not also land in the comment box it focuses.
    event.preventDefault();
    run(action, event.key);
  };
  return { run, onKeyDown };
}
