/**
 * The "Actividad" section's wording, free of the screen: what each recorded
 * administration change says ("Ana Pérez cambió el usuario vero"), the name of
 * each changed field and how its values read ("Rol: Consulta → Supervisor").
 * A newer server may record actions or fields this app does not know: those are
 * shown by their raw names.
 */
import type { AuditEntry, FieldChange } from "../bindings";
import { formatNumber, t } from "../i18n";
import { parseSchedule, intervalInWords } from "./jobs";
import { kindName } from "./work";

/** Every action the server records, grouped as the filter offers them (the admin area's sections). */
export const ACTION_GROUPS = [
  { label: "admin.nav.distributor", actions: ["distributor_created", "distributor_updated"] },
  { label: "admin.nav.users", actions: ["user_created", "user_updated", "password_changed"] },
  { label: "admin.nav.groups", actions: ["group_created", "group_updated", "member_updated"] },
  { label: "admin.nav.pdvTypes", actions: ["pdv_type_created", "pdv_type_updated"] },
  { label: "admin.nav.tv", actions: ["tv_token_created", "tv_token_revoked"] },
  { label: "admin.nav.health", actions: ["work_retried", "work_dismissed"] },
  { label: "admin.nav.legacy", actions: ["legacy_imported"] },
  { label: "admin.nav.jobs", actions: ["job_updated", "job_run_requested"] },
] as const;

export type KnownAction = (typeof ACTION_GROUPS)[number]["actions"][number];

export const AUDIT_ACTIONS: readonly KnownAction[] = ACTION_GROUPS.flatMap((g) => g.actions);

/** Actions about the service rather than a distributor: only the superadmin sees them. */
export const SERVER_ACTIONS: readonly KnownAction[] = ["job_updated", "job_run_requested"];

/** The filter's groups for someone who is (or is not) the superadmin. */
export function actionGroups(superadmin: boolean) {
  return superadmin ? ACTION_GROUPS : ACTION_GROUPS.filter((g) => !g.actions.some((a) => SERVER_ACTIONS.includes(a)));
}

export const isKnownAction = (action: string): action is KnownAction => (AUDIT_ACTIONS as readonly string[]).includes(action);

/**
 * Every field the server records, by its JSON name (nested ones dotted), for
 * users, groups, members, PDV types, distributors, jobs, retried or dismissed
 * work and the legacy import.
 */
export const AUDIT_FIELDS = [
  "username",
  "display_name",
  "role",
  "active",
  "chat_id",
  "title",
  "telegram_user_id",
  "first_name",
  "last_name",
  "name",
  "position",
  "time_zone",
  "has_bot_token",
  "admin_telegram_id",
  "hibernation.enabled",
  "hibernation.start",
  "hibernation.end",
  "photo_storage",
  "drive_folder_id",
  "scoring.approved",
  "scoring.highlighted",
  "bot_token_replaced",
  "schedule",
  "tasks",
  "distributor_created",
  "groups_created",
  "members_created",
  "users_created",
  "exhibitions_imported",
  "verdicts_updated",
] as const;

export type KnownField = (typeof AUDIT_FIELDS)[number];

export const isKnownField = (field: string): field is KnownField => (AUDIT_FIELDS as readonly string[]).includes(field);

/** Numbers that are ids: written as they are, without thousands separators. */
const ID_FIELDS: readonly string[] = ["chat_id", "telegram_user_id", "admin_telegram_id"];

const JOBS = ["backup", "housekeeping", "daily_summary"] as const;
const isKnownJob = (id: string): id is (typeof JOBS)[number] => (JOBS as readonly string[]).includes(id);

const USER_ROLES = ["viewer", "supervisor", "admin", "superadmin"] as const;
const MEMBER_ROLES = ["vendor", "supervisor", "admin"] as const;
const STORAGES = { local: "admin.distributor.storageLocal", google_drive: "admin.distributor.storageDrive" } as const;

/** The filter's name of an action ("Usuario cambiado"), or its raw name. */
export function actionOption(action: string): string {
  return isKnownAction(action) ? t(`admin.activity.options.${action}`) : action;
}

/** Actions about things Spanish names in the feminine (la distribuidora, la tarea programada). */
const FEMININE_SUBJECTS = ["distributor_", "job_"];

/**
 * A field's name ("Rol", "Descanso desde"), or its raw name. `action` tells whose
 * field it is, so that the words agree: a distributor is "Activa", a user "Activo".
 */
export function fieldLabel(field: string, action = ""): string {
  if (field === "active" && FEMININE_SUBJECTS.some((prefix) => action.startsWith(prefix))) {
    return t("admin.activity.activeFeminine");
  }
  return isKnownField(field) ? t(`admin.activity.fields.${field}`) : field;
}

/** Who made a change: their name then, or the server's console. */
export function actorName(entry: Pick<AuditEntry, "actor_name">): string {
  return entry.actor_name ?? t("admin.activity.console");
}

/** A scheduled job's name ("Copia de seguridad"), or its id. */
export function jobName(id: string): string {
  return isKnownJob(id) ? t(`admin.activity.jobs.${id}`) : id;
}

/**
 * What the change was about, in words: a job or a kind of background work by its
 * name (no kind: all of them), anything else by its name or label as recorded.
 */
export function subjectName(entry: Pick<AuditEntry, "action" | "subject">): string {
  if (entry.action.startsWith("job_")) return jobName(entry.subject);
  if (entry.action.startsWith("work_")) return entry.subject === "" ? t("admin.activity.allKinds") : kindName(entry.subject);
  return entry.subject;
}

/** What an entry says happened: "Ana Pérez cambió el usuario vero". */
export function entrySummary(entry: Pick<AuditEntry, "action" | "subject" | "actor_name">): string {
  const actor = actorName(entry);
  const subject = subjectName(entry);
  if (isKnownAction(entry.action)) return t(`admin.activity.actions.${entry.action}`, { actor, subject });
  return t("admin.activity.unknownAction", { actor, action: entry.action, subject }).trim();
}

type Value = FieldChange["to"];

/** "23:30:00" (or "23:30:00.000") → "23:30". */
const TIME = /^(\d{1,2}:\d{2}):\d{2}(\.\d+)?$/;

/** A schedule as people say it: "cada 15 minutos", "todos los días a las 03:00"; unknown ones as they are. */
function scheduleWords(text: string): string {
  const schedule = parseSchedule(text);
  if (schedule === null) return text;
  if (schedule.kind === "every") return intervalInWords(schedule.minutes);
  // Spanish says "a la 01:00" but "a las 13:00".
  const key = schedule.time.startsWith("01:") ? "admin.activity.dailyAtOne" : "admin.activity.dailyAt";
  return t(key, { time: schedule.time });
}

/**
 * One recorded value, as people read it: yes/no, a role or a photo storage by
 * its name, "—" for nothing, "23:30" for a time, ids as they are, counts with
 * the language's separators, anything else as text. `action` tells whose field
 * it is (a user's role and a member's role are named differently).
 */
export function formatValue(action: string, field: string, value: Value): string {
  if (value === null || value === "") return t("admin.activity.none");
  if (typeof value === "boolean") return value ? t("admin.activity.yes") : t("admin.activity.no");
  if (typeof value === "number") return ID_FIELDS.includes(field) ? String(value) : formatNumber(value);
  if (typeof value === "string") {
    if (field === "role") {
      const member = action.startsWith("member_");
      if (member && (MEMBER_ROLES as readonly string[]).includes(value)) {
        return t(`admin.members.roles.${value as (typeof MEMBER_ROLES)[number]}`);
      }
      if (!member && (USER_ROLES as readonly string[]).includes(value)) return t(`roles.${value as (typeof USER_ROLES)[number]}`);
      return value;
    }
    if (field === "photo_storage" && value in STORAGES) return t(STORAGES[value as keyof typeof STORAGES]);
    if (field === "schedule") return scheduleWords(value);
    const time = TIME.exec(value);
    return time?.[1] ?? value;
  }
  return JSON.stringify(value);
}

/**
 * Whether an action records something new (or counts of what it did): its
 * changes have no "before" worth showing, only what there is now.
 */
export function isCreation(action: string): boolean {
  return action.endsWith("_created") || action.startsWith("work_") || action === "legacy_imported";
}

/**
 * One change as a phrase: "Rol: Consulta → Supervisor"; for something new only
 * what it is now ("Rol: Supervisor"), and nothing for a field it left empty.
 */
export function describeChange(action: string, change: FieldChange): string | null {
  if (change.field === "bot_token_replaced" && change.to === true) return t("admin.activity.tokenReplaced");
  const field = fieldLabel(change.field, action);
  if (isCreation(action)) {
    if (change.to === null || change.to === "") return null;
    return t("admin.activity.value", { field, value: formatValue(action, change.field, change.to) });
  }
  return t("admin.activity.change", {
    field,
    from: formatValue(action, change.field, change.from),
    to: formatValue(action, change.field, change.to),
  });
}

/** What the screen shows of one entry. */
export interface AuditLine {
  id: number;
  /** "Ana Pérez cambió el usuario vero". */
  summary: string;
  /** "Rol: Consulta → Supervisor", "Activo: sí → no"… */
  changes: string[];
  /** The whole line: the summary, then its changes. */
  text: string;
  /** When, as `at` wrote it. */
  when: string;
  /** RFC 3339, for `<time datetime>`. */
  at: string;
  /** Whose entry it is (a distributor's name, or the server), when asked for. */
  where: string | null;
}

export interface LineOptions {
  /** Writes an instant for the entry's distributor (`null`: the service). */
  at: (iso: string, distributorId: number | null) => string;
  /** A distributor's name, given to say whose each entry is (the view of everything). */
  distributorName?: ((id: number) => string | undefined) | undefined;
}

/** An entry as the screen shows it. */
export function auditLine(entry: AuditEntry, options: LineOptions): AuditLine {
  const summary = entrySummary(entry);
  const changes = entry.changes.map((c) => describeChange(entry.action, c)).filter((c): c is string => c !== null);
  const named = options.distributorName;
  const where =
    named === undefined
      ? null
      : entry.distributor_id === null
        ? t("admin.activity.server")
        : (named(entry.distributor_id) ?? `#${entry.distributor_id}`);
  return {
    id: entry.id,
    summary,
    changes,
    text: changes.length > 0 ? `${summary} — ${changes.join("; ")}` : summary,
    when: options.at(entry.created_at, entry.distributor_id),
    at: entry.created_at,
    where,
  };
}
