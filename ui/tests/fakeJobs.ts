import type { BackupCopy, CommandError, Job, JobRun, LegacyImport, RunOutcome, SessionInfo } from "../src/bindings";
import { formatSchedule, parseSchedule } from "../src/admin/jobs";
import type { Api } from "../src/lib/api";

type Result<T> = Promise<{ status: "ok"; data: T } | { status: "error"; error: CommandError }>;
const ok = <T>(data: T): Result<T> => Promise.resolve({ status: "ok", data });
const fail = <T>(error: CommandError): Result<T> => Promise.resolve({ status: "error", error });

export type JobCommand =
  | "listJobs"
  | "updateJob"
  | "runJob"
  | "jobRuns"
  | "listBackups"
  | "restoreLocalBackup"
  | "restoreServerBackup"
  | "setLocalBackupDir"
  | "importLegacy";

/** Where the fake server keeps its backups. */
export const BACKUP_DIR = "/var/lib/centermind/backups";

export function backupCopy(madeAt: string, sizeBytes = 2_300_000): BackupCopy {
  const stamp = madeAt.replace(/[-:]/g, "").replace(/Z$/, "");
  return { file_name: `centermind-${stamp}Z.db`, made_at: madeAt, size_bytes: sizeBytes };
}

/** A schedule the client accepts but this fake server refuses, like an older server might. */
export const REFUSED_SCHEDULE = "every 45m";
export const REFUSED_MESSAGE =
  'Datos inválidos: No entiendo la programación "every 45m". Ejemplos: "every 15m", "every 2h", "daily 03:00".';

export function job(id: string, name: string, overrides: Partial<Job> = {}): Job {
  return {
    id,
    name,
    description: `Lo que hace ${name}.`,
    schedule: "daily 03:00",
    time_zone: "America/Argentina/Buenos_Aires",
    active: true,
    last_run_at: null,
    next_run_at: "2099-01-01T06:00:00Z",
    run_requested_at: null,
    last_run: null,
    created_at: "2026-11-01T12:00:00Z",
    updated_at: "2026-11-01T12:00:00Z",
    ...overrides,
  };
}

export function run(id: number, jobId: string, outcome: RunOutcome, overrides: Partial<JobRun> = {}): JobRun {
  return {
    id,
    job_id: jobId,
    started_at: "2026-11-22T06:00:00Z",
    finished_at: outcome === "running" ? null : "2026-11-22T06:00:02Z",
    outcome,
    detail: outcome === "running" ? null : `Ejecución ${id}.`,
    ...overrides,
  };
}

/** The built-in jobs, as a fresh server has them. */
export const BUILT_IN_JOBS: Job[] = [
  job("backup", "Copia de seguridad de la base de datos", {
    description: "Copia completa y verificada de la base de datos en la carpeta backups/ de los datos.",
  }),
  job("daily_summary", "Resumen diario a los administradores", { schedule: "daily 20:00" }),
  job("housekeeping", "Limpieza", { schedule: "every 1h" }),
];

export interface JobsSeed {
  jobs?: Job[];
  runs?: JobRun[];
  /** The database copies in the backup folder, newest first. */
  backups?: BackupCopy[];
  /** Whether the photos' copy exists. */
  photos?: boolean;
  /** The restore fails with this (e.g. the copy is damaged). */
  restoreError?: CommandError;
  /** Old databases on this computer, by path, and what importing each reports. */
  legacy?: Record<string, LegacyImport>;
}

/**
 * The jobs commands of a small server with its scheduler: "run now" sets the
 * request; each read of a job's runs moves the scheduler one step (the request
 * becomes a running run, then the run ends as `outcomes` says, succeeded by
 * default) unless `hold` keeps runs going, and nothing moves while `service(false)`
 * says no service is running (requests stay). Only the superadmin gets in.
 */
export function fakeJobs(seed: JobsSeed, session: () => SessionInfo | null, record: (command: string, ...args: unknown[]) => void) {
  const jobs = (seed.jobs ?? BUILT_IN_JOBS).map((j) => ({ ...j }));
  const runs = [...(seed.runs ?? [])];
  const backups = [...(seed.backups ?? [])];
  let backupDir = BACKUP_DIR;
  const restored: string[] = [];
  const outcomes = new Map<string, { outcome: "succeeded" | "failed"; detail: string }>();
  let hold = false;
  let serviceUp = true;
  let clock = Date.parse("2026-11-23T13:00:00Z");
  let nextRunId = Math.max(100, ...runs.map((r) => r.id)) + 1;
  const tick = () => new Date((clock += 1500)).toISOString();
  const forbidden = { code: "forbidden", message: "Solo la superadministración." } as const;
  const notFound = { code: "not_found", message: "No encontrado (job)." } as const;
  const allowed = () => session()?.user.role === "superadmin";
  const runsOf = (id: string) => runs.filter((r) => r.job_id === id).sort((a, b) => b.id - a.id);
  // Copies, like JSON from a server: the screen's store never holds the fake's own objects.
  const copy = <T>(value: T): T => structuredClone(value);
  const view = (j: Job): Job => copy({ ...j, last_run: runsOf(j.id)[0] ?? null });
  const find = (id: string) => jobs.find((j) => j.id === id);

  /** The scheduler moves one step for `id`: starts a requested run, or ends a running one. */
  const step = (id: string) => {
    const j = find(id);
    if (!j || !serviceUp) return;
    const running = runsOf(id).find((r) => r.outcome === "running");
    if (running) {
      if (hold) return;
      const end = outcomes.get(id) ?? { outcome: "succeeded", detail: `Listo: ${j.name}.` };
      Object.assign(running, { outcome: end.outcome, detail: end.detail, finished_at: tick() });
      return;
    }
    if (j.run_requested_at !== null) {
      const started = tick();
      runs.push({ id: nextRunId++, job_id: id, started_at: started, finished_at: null, outcome: "running", detail: null });
      j.run_requested_at = null;
      j.last_run_at = started;
    }
  };

  const api: Pick<Api, JobCommand> = {
    listJobs: () => {
      record("listJobs");
      if (!allowed()) return fail(forbidden);
      return ok(jobs.map(view));
    },
    updateJob: (id, changes) => {
      record("updateJob", id, changes);
      if (!allowed()) return fail(forbidden);
      const j = find(id);
      if (!j) return fail(notFound);
      if (changes.schedule === REFUSED_SCHEDULE) return fail({ code: "invalid", message: REFUSED_MESSAGE });
      if (changes.schedule !== undefined && changes.schedule !== null) {
        const parsed = parseSchedule(changes.schedule);
        if (parsed === null) {
          return fail({ code: "invalid", message: `Datos inválidos: No entiendo la programación "${changes.schedule}".` });
        }
        j.schedule = formatSchedule(parsed);
      }
      if (changes.time_zone !== undefined && changes.time_zone !== null) j.time_zone = changes.time_zone;
      if (changes.active !== undefined && changes.active !== null) j.active = changes.active;
      j.next_run_at = j.active ? "2099-01-01T06:00:00Z" : null;
      j.updated_at = tick();
      return ok(view(j));
    },
    runJob: (id) => {
      record("runJob", id);
      if (!allowed()) return fail(forbidden);
      const j = find(id);
      if (!j) return fail(notFound);
      j.run_requested_at ??= tick();
      return ok(view(j));
    },
    listBackups: () => {
      record("listBackups");
      if (!allowed()) return fail(forbidden);
      return ok(copy({ dir: backupDir, backups, photos: seed.photos ?? false }));
    },
    restoreLocalBackup: (fileName) => {
      record("restoreLocalBackup", fileName);
      if (!allowed()) return fail(forbidden);
      if (!backups.some((b) => b.file_name === fileName)) return fail(notFound);
      if (seed.restoreError) return fail(seed.restoreError);
      restored.push(fileName);
      return ok({ file_name: fileName, report: `Restored ${fileName}.` });
    },
    restoreServerBackup: (fileName) => {
      record("restoreServerBackup", fileName);
      if (!allowed()) return fail(forbidden);
      if (!backups.some((b) => b.file_name === fileName)) return fail(notFound);
      if (seed.restoreError) return fail(seed.restoreError);
      restored.push(fileName);
      return ok({ file_name: fileName, report: "2 distribuidora(s) y 2000 exhibición(es) en la copia." });
    },
    setLocalBackupDir: (dir) => {
      record("setLocalBackupDir", dir);
      if (!allowed()) return fail(forbidden);
      if (dir !== null && !dir.startsWith("/")) {
        return fail({ code: "invalid", message: `«${dir}» no es una carpeta completa.` });
      }
      backupDir = dir ?? BACKUP_DIR;
      backups.length = 0;
      return ok(copy({ dir: backupDir, backups, photos: false }));
    },
    importLegacy: (input) => {
      record("importLegacy", input);
      if (!allowed()) return fail(forbidden);
      const report = seed.legacy?.[input.path.trim()];
      if (!report) return fail({ code: "not_found", message: `no existe el archivo ${input.path.trim()}` });
      return ok(copy(report));
    },
    jobRuns: (id, limit) => {
      record("jobRuns", id, limit);
      if (!allowed()) return fail(forbidden);
      if (!find(id)) return fail(notFound);
      step(id);
      return ok(copy(runsOf(id).slice(0, limit ?? 20)));
    },
  };

  return {
    api,
    jobs,
    runs,
    /** The copies restored, in order. */
    restored,
    /** How the next runs of `id` end. */
    willEnd: (id: string, outcome: "succeeded" | "failed", detail: string) => void outcomes.set(id, { outcome, detail }),
    /** `true`: runs stay running (the scheduler does not end them). */
    hold: (on: boolean) => {
      hold = on;
    },
    /** `false`: no service runs the scheduler (requests wait; runs do not move). */
    service: (up: boolean) => {
      serviceUp = up;
    },
  };
}
