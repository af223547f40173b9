import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_LOCALE, setLocale } from "../i18n";
import {
  checkScheduleForm,
  duration,
  elapsed,
  formatSchedule,
  formFromJob,
  nextRun,
  parseSchedule,
  requestedRun,
  runsAfter,
  scheduleChanges,
  scheduleInWords,
  type ScheduleForm,
} from "./jobs";
import type { JobRun } from "../bindings";

const BA = "America/Argentina/Buenos_Aires";

afterEach(() => setLocale(DEFAULT_LOCALE));

describe("schedules in words", () => {
  it.each([
    ["daily 03:00", BA, "todos los días a las 03:00 (hora de Buenos Aires)"],
    ["daily 20:00", "America/Montevideo", "todos los días a las 20:00 (hora de Montevideo)"],
    ["daily 00:00", BA, "todos los días a las 00:00 (hora de Buenos Aires)"],
    // Spanish says "a la una".
    ["daily 01:30", BA, "todos los días a la 01:30 (hora de Buenos Aires)"],
    ["daily 13:00", BA, "todos los días a las 13:00 (hora de Buenos Aires)"],
    ["daily 23:59", "America/Argentina/Rio_Gallegos", "todos los días a las 23:59 (hora de Rio Gallegos)"],
    ["daily 03:00", "UTC", "todos los días a las 03:00 (hora UTC)"],
    ["daily 03:00", "Etc/UTC", "todos los días a las 03:00 (hora UTC)"],
    ["every 1m", BA, "cada minuto"],
    ["every 15m", BA, "cada 15 minutos"],
    ["every 90m", BA, "cada 90 minutos"],
    ["every 1h", BA, "cada hora"],
    ["every 2h", BA, "cada 2 horas"],
    ["every 24h", BA, "cada 24 horas"],
    ["every 48h", BA, "cada 2 días"],
    ["every 168h", BA, "cada 7 días"],
    ["every 36h", BA, "cada 36 horas"],
    ["every 1441m", BA, "cada 1.441 minutos"],
  ])("%s in %s: %s", (schedule, zone, words) => {
    expect(scheduleInWords(schedule, zone)).toBe(words);
  });

  it("in English too", () => {
    setLocale("en");
    expect(scheduleInWords("daily 03:00", BA)).toBe("every day at 03:00 (Buenos Aires time)");
    expect(scheduleInWords("daily 01:00", BA)).toBe("every day at 01:00 (Buenos Aires time)");
    expect(scheduleInWords("every 1m", BA)).toBe("every minute");
    expect(scheduleInWords("every 15m", BA)).toBe("every 15 minutes");
    expect(scheduleInWords("every 1h", BA)).toBe("every hour");
    expect(scheduleInWords("every 1441m", BA)).toBe("every 1,441 minutes");
  });

  it("a schedule this version does not know is shown as the server wrote it", () => {
    expect(scheduleInWords("weekly mon 03:00", BA)).toBe("weekly mon 03:00");
    expect(scheduleInWords("", BA)).toBe("");
  });
});

describe("schedules read like the server reads them", () => {
  it.each([
    ["every 15m", "every 15m"],
    ["Every 120m", "every 2h"],
    ["every 90 min", "every 90m"],
    ["  every   1 h ", "every 1h"],
    ["every 3hs", "every 3h"],
    ["every 10080m", "every 168h"],
    ["DAILY 3:05", "daily 03:05"],
    ["daily 23:59", "daily 23:59"],
  ])("%s → %s", (text, canonical) => {
    const schedule = parseSchedule(text);
    expect(schedule).not.toBeNull();
    expect(formatSchedule(schedule!)).toBe(canonical);
  });

  it.each(["", "weekly", "every", "every 0m", "every 169h", "every 10081m", "every 15s", "every -5m", "daily", "daily 24:00", "daily 12:60", "daily 3pm"])(
    "refuses %j",
    (text) => expect(parseSchedule(text)).toBeNull(),
  );
});

describe("the schedule form", () => {
  const daily = (time: string, zone = BA): ScheduleForm => ({ kind: "daily", time, zone, amount: "15", unit: "minutes" });
  const every = (amount: string, unit: "minutes" | "hours"): ScheduleForm => ({ kind: "every", time: "03:00", zone: BA, amount, unit });

  it("starts from the job's schedule", () => {
    expect(formFromJob({ schedule: "daily 20:00", time_zone: BA })).toEqual(daily("20:00"));
    expect(formFromJob({ schedule: "every 2h", time_zone: BA })).toEqual(every("2", "hours"));
    expect(formFromJob({ schedule: "every 90m", time_zone: BA })).toEqual(every("90", "minutes"));
  });

  it("checks the server's rules, with messages in Spanish", () => {
    expect(checkScheduleForm(daily("04:30"))).toEqual({ time: null, amount: null });
    expect(checkScheduleForm(daily("")).time).toBe("Escribí una hora de 00:00 a 23:59, por ejemplo 22:00.");
    expect(checkScheduleForm(daily("24:00")).time).not.toBeNull();
    expect(checkScheduleForm(every("", "minutes")).amount).toBe("Completá este campo.");
    expect(checkScheduleForm(every("1.5", "hours")).amount).toBe("Escribí un número entero, por ejemplo 15.");
    expect(checkScheduleForm(every("-5", "minutes")).amount).toBe("Escribí un número entero, por ejemplo 15.");
    expect(checkScheduleForm(every("0", "minutes")).amount).toBe("El intervalo mínimo es de 1 minuto.");
    expect(checkScheduleForm(every("0", "hours")).amount).toBe("El intervalo mínimo es de 1 minuto.");
    expect(checkScheduleForm(every("1", "minutes")).amount).toBeNull();
    expect(checkScheduleForm(every("168", "hours")).amount).toBeNull();
    expect(checkScheduleForm(every("10080", "minutes")).amount).toBeNull();
    expect(checkScheduleForm(every("169", "hours")).amount).toMatch(/^El intervalo máximo es de 7 días/);
    expect(checkScheduleForm(every("10081", "minutes")).amount).toMatch(/^El intervalo máximo es de 7 días/);
    expect(checkScheduleForm(every("99999999999999999999", "minutes")).amount).toMatch(/^El intervalo máximo/);
  });

  it("sends only what changes; the zone only with a daily time", () => {
    const job = { schedule: "daily 03:00", time_zone: BA };
    expect(scheduleChanges(job, daily("03:00"))).toEqual({});
    expect(scheduleChanges(job, daily("04:30"))).toEqual({ schedule: "daily 04:30" });
    expect(scheduleChanges(job, daily("03:00", "America/Montevideo"))).toEqual({ time_zone: "America/Montevideo" });
    expect(scheduleChanges(job, { ...every("30", "minutes"), zone: "America/Montevideo" })).toEqual({ schedule: "every 30m" });
    // 120 minutes is the server's "every 2h": nothing changes.
    expect(scheduleChanges({ schedule: "every 2h", time_zone: BA }, every("120", "minutes"))).toEqual({});
    expect(scheduleChanges({ schedule: "every 2h", time_zone: BA }, every("3", "hours"))).toEqual({ schedule: "every 3h" });
    // A form with problems sends nothing.
    expect(scheduleChanges(job, every("0", "minutes"))).toEqual({});
  });
});

describe("when a job runs next", () => {
  const now = Date.parse("2026-11-23T13:00:00Z");
  const at = (active: boolean, next_run_at: string | null, run_requested_at: string | null = null) => ({
    active,
    next_run_at,
    run_requested_at,
  });
  it("paused, overdue or at a time", () => {
    expect(nextRun(at(false, null), now)).toEqual({ kind: "paused" });
    expect(nextRun(at(true, "2026-11-23T06:00:00Z"), now)).toEqual({ kind: "overdue", at: "2026-11-23T06:00:00Z" });
    // At the very instant: due, so overdue.
    expect(nextRun(at(true, "2026-11-23T13:00:00Z"), now).kind).toBe("overdue");
    expect(nextRun(at(true, "2026-11-24T06:00:00Z"), now)).toEqual({ kind: "at", at: "2026-11-24T06:00:00Z" });
    expect(nextRun(at(true, null), now)).toEqual({ kind: "unknown" });
  });

  it("a pending 'run now' comes first, paused or not: it runs when a service takes it", () => {
    const requested = { kind: "requested", at: "2026-11-23T12:59:00Z" };
    expect(nextRun(at(true, "2026-11-24T06:00:00Z", "2026-11-23T12:59:00Z"), now)).toEqual(requested);
    expect(nextRun(at(false, null, "2026-11-23T12:59:00Z"), now)).toEqual(requested);
  });
});

describe("runs", () => {
  const run = (id: number, outcome: JobRun["outcome"], started = "2026-11-23T13:00:00Z", finished: string | null = null): JobRun => ({
    id,
    job_id: "backup",
    started_at: started,
    finished_at: finished,
    outcome,
    detail: null,
  });

  it("how long they took", () => {
    expect(duration(run(1, "running"))).toBeNull();
    expect(duration(run(1, "succeeded", "2026-11-23T13:00:00Z", "2026-11-23T13:00:00.011Z"))).toBe("menos de 0,1 s");
    expect(duration(run(1, "succeeded", "2026-11-23T13:00:00Z", "2026-11-23T13:00:00.420Z"))).toBe("0,4 s");
    expect(duration(run(1, "succeeded", "2026-11-23T13:00:00Z", "2026-11-23T13:00:12.600Z"))).toBe("13 s");
    expect(duration(run(1, "failed", "2026-11-23T13:00:00Z", "2026-11-23T13:03:05Z"))).toBe("3 min 5 s");
  });

  it("how long one has been going, on this computer's clock", () => {
    const started = run(1, "running", "2026-11-23T13:00:00Z");
    expect(elapsed(started, Date.parse("2026-11-23T13:00:12.400Z"))).toBe("12 s");
    expect(elapsed(started, Date.parse("2026-11-23T13:12:05Z"))).toBe("12 min 5 s");
    // A clock behind the server's does not give a negative time.
    expect(elapsed(started, Date.parse("2026-11-23T12:59:58Z"))).toBe("menos de 0,1 s");
  });

  it("how long one has been going, by the server's clock when it says so", () => {
    // This computer's clock is two hours behind: the server's figure wins.
    const going = { ...run(1, "running", "2026-11-23T13:00:00Z"), running_for_ms: 95_000 };
    expect(elapsed(going, Date.parse("2026-11-23T11:01:35Z"))).toBe("1 min 35 s");
    expect(elapsed({ ...going, running_for_ms: 4_200 }, 0)).toBe("4,2 s");
  });

  it("which run a 'run now' became", () => {
    // Waiting for the service: the next run after the latest (also when one is going).
    expect(runsAfter({ run_requested_at: "2026-11-23T13:00:00Z", last_run: run(7, "succeeded") })).toBe(7);
    expect(runsAfter({ run_requested_at: "2026-11-23T13:00:00Z", last_run: run(7, "running") })).toBe(7);
    expect(runsAfter({ run_requested_at: "2026-11-23T13:00:00Z", last_run: null })).toBe(0);
    // Already taken by the service: the latest run is the one.
    expect(runsAfter({ run_requested_at: null, last_run: run(9, "running") })).toBe(8);

    const runs = [run(12, "running"), run(10, "succeeded"), run(7, "failed")];
    expect(requestedRun(runs, 7)?.id).toBe(10);
    expect(requestedRun(runs, 10)?.id).toBe(12);
    expect(requestedRun(runs, 12)).toBeNull();
    expect(requestedRun([], 0)).toBeNull();
  });
});
