import type { CommandError, Dismissed, ErrorEvent, GivenUpWork, Retried, SessionInfo, WorkKind } from "../src/bindings";
import type { Api } from "../src/lib/api";

type Result<T> = Promise<{ status: "ok"; data: T } | { status: "error"; error: CommandError }>;
const ok = <T>(data: T): Result<T> => Promise.resolve({ status: "ok", data });
const fail = <T>(error: CommandError): Result<T> => Promise.resolve({ status: "error", error });

export type WorkCommand = "backgroundWork" | "retryFailedWork" | "dismissFailedWork" | "givenUpWork" | "errorEvents";

/**
 * What each distributor's "server" has to do and recorded, by distributor id.
 * `givenUp` lists tasks counted in their kind's `failed` (and `permanent`).
 */
export interface WorkSeed {
  kinds?: Record<number, WorkKind[]>;
  events?: Record<number, ErrorEvent[]>;
  givenUp?: Record<number, GivenUpWork[]>;
}

export function workKind(kind: string, overrides: Partial<WorkKind> = {}): WorkKind {
  return {
    kind,
    queued: 0,
    retrying: 0,
    running: 0,
    failed: 0,
    permanent: 0,
    oldest_queued_at: null,
    last_error: null,
    last_error_at: null,
    ...overrides,
  };
}

export function errorEvent(id: number, errorClass: string, overrides: Partial<ErrorEvent> = {}): ErrorEvent {
  return {
    id,
    class: errorClass,
    message: `failure ${id}`,
    exhibition_id: null,
    kind: null,
    attempt: null,
    created_at: "2026-11-24T12:00:00Z",
    ...overrides,
  };
}

export function givenUpTask(id: number, kind: string, overrides: Partial<GivenUpWork> = {}): GivenUpWork {
  return {
    id,
    kind,
    exhibition_id: `0a1b2c3d-0000-4000-8000-00000000000${id}`,
    customer_number: "10452",
    vendor_name: "Ana Paz",
    submitted_at: "2026-11-24T12:00:00Z",
    photo_number: null,
    attempts: 8,
    error: `failure of task ${id}`,
    class: "remote_down",
    permanent: false,
    failed_at: "2026-11-24T13:00:00Z",
    ...overrides,
  };
}

/**
 * The background work of a small in-memory server: admins see their own
 * distributor (`null` scope), others get `forbidden` as the real server answers;
 * a retry moves the given-up work back to waiting, a dismissal drops it from the
 * counts, kinds with nothing left are not listed, and the lists honour their limit.
 */
export function fakeWork(
  seed: WorkSeed,
  session: () => SessionInfo | null,
  record: (command: string, ...args: unknown[]) => void,
) {
  const kinds: Record<number, WorkKind[]> = structuredClone(seed.kinds ?? {});
  const events: Record<number, ErrorEvent[]> = structuredClone(seed.events ?? {});
  const givenUp: Record<number, GivenUpWork[]> = structuredClone(seed.givenUp ?? {});
  const forbidden = { code: "forbidden", message: "No tenés permiso para esto." } as const;
  const own = (scope: number | null) => scope ?? session()?.user.distributor_id ?? 0;
  const allowed = () => {
    const role = session()?.user.role;
    return role === "admin" || role === "superadmin";
  };

  /** Takes the selected given-up work of `d` out of the counts; returns how many, by kind. */
  const take = (d: number, kind: string | null, ids: number[] | null): Map<string, number> => {
    const taken = new Map<string, number>();
    const byId = ids !== null && ids.length > 0;
    for (const k of kinds[d] ?? []) {
      if (kind !== null && k.kind !== kind) continue;
      const listed = (givenUp[d] ?? []).filter((g) => g.kind === k.kind && (!byId || ids.includes(g.id)));
      const n = byId ? listed.length : k.failed;
      k.failed -= n;
      k.permanent = Math.max(0, k.permanent - (byId ? listed.filter((g) => g.permanent).length : k.permanent));
      givenUp[d] = (givenUp[d] ?? []).filter((g) => !listed.includes(g));
      if (n > 0) taken.set(k.kind, n);
    }
    return taken;
  };

  const api: Pick<Api, WorkCommand> = {
    backgroundWork: (scope) => {
      record("backgroundWork", scope);
      if (!allowed()) return fail(forbidden);
      const d = own(scope);
      const left = (kinds[d] ?? []).filter((k) => k.queued + k.running + k.failed > 0);
      return ok({ distributor_id: d, kinds: structuredClone(left), read_at: "2026-11-24T15:04:00Z" });
    },
    retryFailedWork: (scope, kind, taskIds) => {
      record("retryFailedWork", scope, kind, taskIds);
      if (!allowed()) return fail(forbidden);
      const d = own(scope);
      const retried: Retried = { requeued: 0, kept: 0 };
      for (const [name, n] of take(d, kind, taskIds)) {
        const k = (kinds[d] ?? []).find((k) => k.kind === name);
        if (!k) continue;
        retried.requeued += n;
        k.queued += n;
        k.retrying += n;
      }
      return ok(retried);
    },
    dismissFailedWork: (scope, kind, taskIds) => {
      record("dismissFailedWork", scope, kind, taskIds);
      if (!allowed()) return fail(forbidden);
      const dismissed: Dismissed = { dismissed: 0 };
      for (const n of take(own(scope), kind, taskIds).values()) dismissed.dismissed += n;
      return ok(dismissed);
    },
    givenUpWork: (scope, kind, limit) => {
      record("givenUpWork", scope, kind, limit);
      if (!allowed()) return fail(forbidden);
      const list = (givenUp[own(scope)] ?? []).filter((g) => kind === null || g.kind === kind);
      return ok(structuredClone(list.slice(0, limit ?? 50)));
    },
    errorEvents: (scope, limit) => {
      record("errorEvents", scope, limit);
      if (!allowed()) return fail(forbidden);
      return ok((events[own(scope)] ?? []).slice(0, limit ?? 50));
    },
  };
  return { api, kinds, events, givenUp };
}
