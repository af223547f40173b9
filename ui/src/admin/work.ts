/**
 * The "Estado" section's logic, free of the screen: names of the server's kinds
 * of background work and failure classes (the server may know newer ones: those
 * are shown by their raw name), and what a retry answer says.
 */
import type { Retried, Work, WorkKind } from "../bindings";
import { t } from "../i18n";

export const WORK_KINDS = ["store_photo", "archive_photo", "edit_confirmation", "import_photo"] as const;
export type KnownKind = (typeof WORK_KINDS)[number];

export const ERROR_CLASSES = [
  "timeout",
  "permission",
  "missing_path",
  "corrupt_file",
  "disk_full",
  "remote_down",
  "invalid_input",
  "internal",
] as const;
export type KnownClass = (typeof ERROR_CLASSES)[number];

const isKnownKind = (kind: string): kind is KnownKind => (WORK_KINDS as readonly string[]).includes(kind);
const isKnownClass = (c: string): c is KnownClass => (ERROR_CLASSES as readonly string[]).includes(c);

/** "Bajar fotos de Telegram", or the raw name of a kind this app does not know. */
export function kindName(kind: string): string {
  return isKnownKind(kind) ? t(`admin.health.kinds.${kind}`) : kind;
}

/** "Sin espacio", or the raw name of a class this app does not know. */
export function className(c: string): string {
  return isKnownClass(c) ? t(`admin.health.classes.${c}`) : c;
}

/** What the admin can do about a failure of class `c` (none for an unknown class). */
export function classAdvice(c: string): string | null {
  return isKnownClass(c) ? t(`admin.health.advice.${c}`) : null;
}

/** Known kinds first, in the order the work happens; unknown ones after, by name. */
export function sortedKinds(work: Work): WorkKind[] {
  const rank = (k: string) => (isKnownKind(k) ? WORK_KINDS.indexOf(k) : WORK_KINDS.length);
  return [...work.kinds].sort((a, b) => rank(a.kind) - rank(b.kind) || a.kind.localeCompare(b.kind));
}

/** Kinds with work the server gave up on (each gets its own "Reintentar"). */
export function failedKinds(work: Work): string[] {
  return sortedKinds(work)
    .filter((k) => k.failed > 0)
    .map((k) => k.kind);
}

/** What a retry did, said to the admin. */
export function retriedMessage(r: Retried): string {
  if (r.requeued === 0 && r.kept === 0) return t("admin.health.nothingToRetry");
  if (r.kept > 0) return t("admin.health.retriedKept", { n: r.requeued, total: r.requeued + r.kept });
  return r.requeued === 1 ? t("admin.health.retriedOne") : t("admin.health.retried", { n: r.requeued });
}
