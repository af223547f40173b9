/**
 * The "Estado" section's logic, free of the screen: names of the server's kinds
 * of background work and failure classes (the server may know newer ones: those
 * are shown by their raw name), what each given-up task was for, and what a
 * retry or a dismissal answer says.
 */
import type { Dismissed, GivenUpWork, LiveMessage, Retried, Work, WorkKind } from "../bindings";
import { t } from "../i18n";
import { mayHaveMissedEvents } from "../lib/live";

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

/**
 * Classes whose advice differs when the failure was editing a verdict into
 * Telegram: there they mean the bot's message or its place in the group, not
 * a photo folder.
 */
const EDIT_CLASSES = ["missing_path", "permission", "invalid_input"] as const;
const isEditClass = (c: string): c is (typeof EDIT_CLASSES)[number] => (EDIT_CLASSES as readonly string[]).includes(c);

/** What the admin can do about a failure of class `c` in work of `kind` (none for an unknown class). */
export function classAdvice(c: string, kind?: string | null): string | null {
  if (kind === "edit_confirmation" && isEditClass(c)) return t(`admin.health.editAdvice.${c}`);
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

/**
 * What a given-up task was for, as the admin knows it: "Cliente 10452 · Ana Paz ·
 * 21 nov 2026, 14:03 · foto 2"; an exhibition that no longer exists says so.
 * `at` formats an instant in the distributor's zone.
 */
export function givenUpSubject(g: GivenUpWork, at: (iso: string) => string): string {
  const parts =
    g.customer_number === null
      ? [t("admin.health.exhibitionGone")]
      : [
          t("admin.health.customer", { number: g.customer_number }),
          ...(g.vendor_name ? [g.vendor_name] : []),
          ...(g.submitted_at ? [at(g.submitted_at)] : []),
        ];
  if (g.photo_number !== null) parts.push(t("admin.health.photoNumber", { n: g.photo_number }));
  return parts.join(" · ");
}

/** Why the server stopped trying: it judged no retry can help, or ran out of attempts. */
export function givenUpReason(g: GivenUpWork): string {
  return g.permanent ? t("admin.health.hopeless") : t("admin.health.outOfAttempts", { n: g.attempts });
}

/** What the admin can do about a given-up task: nothing when its exhibition is gone, else as its class says. */
export function givenUpAdvice(g: GivenUpWork): string | null {
  if (g.exhibition_id !== null && g.customer_number === null) return t("admin.health.goneAdvice");
  return g.class === null ? null : classAdvice(g.class, g.kind);
}

/**
 * Whether a live message can change the Estado screen: the server announces
 * failed, recovered, given-up, retried and dismissed work (not routine
 * progress), and a reopened stream may have missed some.
 */
export function changesWork(message: LiveMessage): boolean {
  return message.kind === "work_changed" || mayHaveMissedEvents(message);
}

/** The listed tasks the server judged no retry can mend (one click sets them all aside). */
export function hopelessIds(list: GivenUpWork[]): number[] {
  return list.filter((g) => g.permanent).map((g) => g.id);
}

/** What a dismissal did, said to the admin. */
export function dismissedMessage(d: Dismissed): string {
  if (d.dismissed === 0) return t("admin.health.nothingToDismiss");
  return d.dismissed === 1 ? t("admin.health.dismissedOne") : t("admin.health.dismissed", { n: d.dismissed });
}

/** What a retry did, said to the admin. */
export function retriedMessage(r: Retried): string {
  if (r.requeued === 0 && r.kept === 0) return t("admin.health.nothingToRetry");
  if (r.kept > 0) return t("admin.health.retriedKept", { n: r.requeued, total: r.requeued + r.kept });
  return r.requeued === 1 ? t("admin.health.retriedOne") : t("admin.health.retried", { n: r.requeued });
}
