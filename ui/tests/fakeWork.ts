import type { CommandError, ErrorEvent, Retried, SessionInfo, WorkKind } from "../src/bindings";
import type { Api } from "../src/lib/api";

type Result<T> = Promise<{ status: "ok"; data: T } | { status: "error"; error: CommandError }>;
const ok = <T>(data: T): Result<T> => Promise.resolve({ status: "ok", data });
const fail = <T>(error: CommandError): Result<T> => Promise.resolve({ status: "error", error });

export type WorkCommand = "backgroundWork" | "retryFailedWork" | "errorEvents";

/** What each distributor's "server" has to do and recorded, by distributor id. */
export interface WorkSeed {
  kinds?: Record<number, WorkKind[]>;
  events?: Record<number, ErrorEvent[]>;
}

export function workKind(kind: string, overrides: Partial<WorkKind> = {}): WorkKind {
  return {
    kind,
    queued: 0,
    retrying: 0,
    running: 0,
    failed: 0,
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

/**
 * The background work of a small in-memory server: admins see their own
 * distributor (`null` scope), others get `forbidden` as the real server answers;
 * a retry moves the given-up work back to waiting, and the list of failures
 * honours the limit.
 */
export function fakeWork(
  seed: WorkSeed,
  session: () => SessionInfo | null,
  record: (command: string, ...args: unknown[]) => void,
) {
  const kinds: Record<number, WorkKind[]> = structuredClone(seed.kinds ?? {});
  const events: Record<number, ErrorEvent[]> = structuredClone(seed.events ?? {});
  const forbidden = { code: "forbidden", message: "No tenés permiso para esto." } as const;
  const own = (scope: number | null) => scope ?? session()?.user.distributor_id ?? 0;
  const allowed = () => {
    const role = session()?.user.role;
    return role === "admin" || role === "superadmin";
  };

  const api: Pick<Api, WorkCommand> = {
    backgroundWork: (scope) => {
      record("backgroundWork", scope);
      if (!allowed()) return fail(forbidden);
      const d = own(scope);
      return ok({ distributor_id: d, kinds: structuredClone(kinds[d] ?? []), read_at: "2026-11-24T15:04:00Z" });
    },
    retryFailedWork: (scope, kind) => {
      record("retryFailedWork", scope, kind);
      if (!allowed()) return fail(forbidden);
      const retried: Retried = { requeued: 0, kept: 0 };
      for (const k of kinds[own(scope)] ?? []) {
        if (kind !== null && k.kind !== kind) continue;
        retried.requeued += k.failed;
        k.queued += k.failed;
        k.retrying += k.failed;
        k.failed = 0;
      }
      return ok(retried);
    },
    errorEvents: (scope, limit) => {
      record("errorEvents", scope, limit);
      if (!allowed()) return fail(forbidden);
      return ok((events[own(scope)] ?? []).slice(0, limit ?? 50));
    },
  };
  return { api, kinds, events };
}
