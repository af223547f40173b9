/**
 * The server's scheduled jobs as people read them: a schedule in words ("todos los
 * días a las 03:00 (hora de Buenos Aires)", "cada 15 minutos"), the schedule form
 * checked with the server's rules (core `domain/schedule.rs`: `every <n>m`,
 * `every <n>h` from 1 minute to 7 days, or `daily HH:MM` in the job's zone), when a
 * job runs next (or that it is paused or overdue), and which run a "run now" became.
 */
import type { Job, JobChanges, JobRun } from "../bindings";
import { formatInstant, t } from "../i18n";
import { zoneLabel } from "../routes/Setup";
import * as check from "./validation";

/** core `MIN_INTERVAL_MINUTES`. */
export const MIN_INTERVAL_MINUTES = 1;
/** core `MAX_INTERVAL_MINUTES`: a week. */
export const MAX_INTERVAL_MINUTES = 7 * 24 * 60;
/** How many runs the history shows. */
export const HISTORY_RUNS = 20;

export type Schedule = { kind: "every"; minutes: number } | { kind: "daily"; time: string };

const EVERY = /^every\s+(\d+)\s*(m|min|mins|h|hs)$/;
const DAILY = /^daily\s+(\d{1,2}):(\d{2})$/;

/**
 * Reads a schedule as the server writes or accepts it (case-insensitive, `min` and
 * `hs` too); `null` when it is not one.
 */
export function parseSchedule(text: string): Schedule | null {
  const s = text.trim().toLowerCase().replace(/\s+/g, " ");
  const every = EVERY.exec(s);
  if (every) {
    const perUnit = every[2]?.startsWith("h") ? 60 : 1;
    const minutes = Number(every[1]) * perUnit;
    if (minutes < MIN_INTERVAL_MINUTES || minutes > MAX_INTERVAL_MINUTES) return null;
    return { kind: "every", minutes };
  }
  const daily = DAILY.exec(s);
  if (daily) {
    const hours = Number(daily[1]);
    const minutes = Number(daily[2]);
    if (hours > 23 || minutes > 59) return null;
    return { kind: "daily", time: `${String(hours).padStart(2, "0")}:${daily[2]}` };
  }
  return null;
}

/** The server's canonical text: `every 90m`, `every 2h`, `daily 03:00`. */
export function formatSchedule(schedule: Schedule): string {
  if (schedule.kind === "daily") return `daily ${schedule.time}`;
  return schedule.minutes % 60 === 0 ? `every ${schedule.minutes / 60}h` : `every ${schedule.minutes}m`;
}

/** "hora de Buenos Aires" for an IANA zone; "UTC" for UTC. */
export function zoneInWords(zone: string): string {
  if (/^(Etc\/)?(UTC|UCT|GMT|Zulu|Universal)$/i.test(zone)) return t("admin.jobs.words.utc");
  return t("admin.jobs.words.zone", { city: zoneLabel(zone) });
}

/** An interval in words: "cada minuto", "cada 15 minutos", "cada hora", "cada 2 horas", "cada 7 días". */
export function intervalInWords(minutes: number): string {
  if (minutes === 1) return t("admin.jobs.words.everyMinute");
  if (minutes % 60 !== 0) return t("admin.jobs.words.everyMinutes", { n: minutes });
  const hours = minutes / 60;
  if (hours === 1) return t("admin.jobs.words.everyHour");
  // A whole number of days reads better as days, but "cada 24 horas" is what people say.
  if (hours % 24 === 0 && hours > 24) return t("admin.jobs.words.everyDays", { n: hours / 24 });
  return t("admin.jobs.words.everyHours", { n: hours });
}

/**
 * A job's schedule in words, in the UI language. Daily times are read in the job's
 * zone, which is named. A schedule this version does not know is shown as it is.
 */
export function scheduleInWords(text: string, zone: string): string {
  const schedule = parseSchedule(text);
  if (schedule === null) return text;
  if (schedule.kind === "every") return intervalInWords(schedule.minutes);
  // Spanish says "a la 01:00" but "a las 13:00".
  const key = schedule.time.startsWith("01:") ? "admin.jobs.words.dailyAtOne" : "admin.jobs.words.dailyAt";
  return t(key, { time: schedule.time, zone: zoneInWords(zone) });
}

/** An instant on the wall clock of `zone` (the job's), in the UI language. */
export function timeInZone(iso: string, zone: string, withSeconds = false): string {
  // 24-hour clock, like the schedules ("a las 03:00").
  return formatInstant(iso, zone, { dateStyle: "medium", timeStyle: withSeconds ? "medium" : "short", hourCycle: "h23" });
}

export type NextRun =
  | { kind: "requested"; at: string }
  | { kind: "paused" }
  | { kind: "overdue"; at: string }
  | { kind: "at"; at: string }
  | { kind: "unknown" };

/**
 * When the job runs next: asked for ("Ejecutar ahora", paused or not: as soon as a
 * service takes the request), paused, overdue (its time has passed: it runs as soon
 * as the service can), or at a time.
 */
export function nextRun(job: Pick<Job, "active" | "next_run_at" | "run_requested_at">, now: number): NextRun {
  if (job.run_requested_at !== null) return { kind: "requested", at: job.run_requested_at };
  if (!job.active) return { kind: "paused" };
  if (job.next_run_at === null) return { kind: "unknown" };
  return Date.parse(job.next_run_at) <= now ? { kind: "overdue", at: job.next_run_at } : { kind: "at", at: job.next_run_at };
}

/** How long a run took: "menos de 0,1 s", "0,4 s", "12 s", "3 min 5 s"; `null` while it runs. */
export function duration(run: Pick<JobRun, "started_at" | "finished_at">): string | null {
  if (run.finished_at === null) return null;
  return spoken(Date.parse(run.finished_at) - Date.parse(run.started_at));
}

/**
 * How long a run has been going: the server's own figure when it sent one (so a
 * wrong clock on this computer does not matter), else the server's start against
 * this computer's clock at `now`. Written like {@link duration}.
 */
export function elapsed(run: Pick<JobRun, "started_at" | "running_for_ms">, now: number): string {
  return spoken(run.running_for_ms ?? now - Date.parse(run.started_at));
}

function spoken(milliseconds: number): string {
  const ms = Math.max(0, milliseconds);
  const seconds = ms / 1000;
  if (ms < 100) return t("admin.jobs.duration.instant");
  if (seconds < 10) return t("admin.jobs.duration.seconds", { n: Math.round(seconds * 10) / 10 });
  if (seconds < 60) return t("admin.jobs.duration.seconds", { n: Math.round(seconds) });
  const whole = Math.round(seconds);
  return t("admin.jobs.duration.minutes", { m: Math.floor(whole / 60), s: whole % 60 });
}

/**
 * After "run now", the runs that may be the one asked for have an id above this.
 * The server answers the job as it is right after the request: while the request
 * waits, the run asked for is the next one (also when another run is going: that
 * one finishes first); if the service has already taken the request, it is the
 * latest run.
 */
export function runsAfter(reply: Pick<Job, "run_requested_at" | "last_run">): number {
  const last = reply.last_run;
  if (last === null) return 0;
  return reply.run_requested_at === null ? last.id - 1 : last.id;
}

/** Of a job's runs (newest first), the one a "run now" became: the oldest after `after`. */
export function requestedRun(runs: readonly JobRun[], after: number): JobRun | null {
  let found: JobRun | null = null;
  for (const run of runs) {
    if (run.id > after && (found === null || run.id < found.id)) found = run;
  }
  return found;
}

/** What the schedule dialog edits. */
export interface ScheduleForm {
  kind: "daily" | "every";
  /** `HH:MM`, daily. */
  time: string;
  /** IANA zone, daily. */
  zone: string;
  /** A whole number, every. */
  amount: string;
  unit: "minutes" | "hours";
}

/** The form as the job is now. */
export function formFromJob(job: Pick<Job, "schedule" | "time_zone">): ScheduleForm {
  const form: ScheduleForm = { kind: "daily", time: "03:00", zone: job.time_zone, amount: "15", unit: "minutes" };
  const schedule = parseSchedule(job.schedule);
  if (schedule?.kind === "daily") return { ...form, time: schedule.time };
  if (schedule?.kind === "every") {
    return schedule.minutes % 60 === 0
      ? { ...form, kind: "every", amount: String(schedule.minutes / 60), unit: "hours" }
      : { ...form, kind: "every", amount: String(schedule.minutes), unit: "minutes" };
  }
  return form;
}

export interface ScheduleProblems {
  time: check.Problem;
  amount: check.Problem;
}

/** The server's rules, as messages for the form's fields. */
export function checkScheduleForm(form: ScheduleForm): ScheduleProblems {
  if (form.kind === "daily") return { time: check.time(form.time), amount: null };
  const text = form.amount.trim();
  if (text === "") return { time: null, amount: t("admin.validation.required") };
  if (!/^\d+$/.test(text)) return { time: null, amount: t("admin.jobs.validation.whole") };
  const minutes = Number(text) * (form.unit === "hours" ? 60 : 1);
  if (minutes < MIN_INTERVAL_MINUTES) return { time: null, amount: t("admin.jobs.validation.tooShort") };
  if (minutes > MAX_INTERVAL_MINUTES) return { time: null, amount: t("admin.jobs.validation.tooLong") };
  return { time: null, amount: null };
}

/** The schedule the form describes, canonical; `null` while it has problems. */
export function scheduleFromForm(form: ScheduleForm): Schedule | null {
  const problems = checkScheduleForm(form);
  if (problems.time !== null || problems.amount !== null) return null;
  if (form.kind === "daily") return { kind: "daily", time: form.time.trim() };
  return { kind: "every", minutes: Number(form.amount.trim()) * (form.unit === "hours" ? 60 : 1) };
}

/**
 * What to send for the form: only what changes. The zone matters to a daily time
 * only, so an interval leaves it as it is.
 */
export function scheduleChanges(job: Pick<Job, "schedule" | "time_zone">, form: ScheduleForm): JobChanges {
  const schedule = scheduleFromForm(form);
  if (schedule === null) return {};
  const changes: JobChanges = {};
  const text = formatSchedule(schedule);
  const current = parseSchedule(job.schedule);
  if (current === null || formatSchedule(current) !== text) changes.schedule = text;
  if (form.kind === "daily" && form.zone !== job.time_zone) changes.time_zone = form.zone;
  return changes;
}
