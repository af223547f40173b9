import type { AuditEntry, CommandError, SessionInfo } from "../src/bindings";
import type { Api } from "../src/lib/api";

type Result<T> = Promise<{ status: "ok"; data: T } | { status: "error"; error: CommandError }>;
const ok = <T>(data: T): Result<T> => Promise.resolve({ status: "ok", data });
const fail = <T>(error: CommandError): Result<T> => Promise.resolve({ status: "error", error });

export type AuditCommand = "adminHistory";

/** A recorded administration change (by default: an admin of distributor 1 renamed a user). */
export function auditEntry(id: number, action: string, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    id,
    distributor_id: 1,
    actor_id: 2,
    actor_name: "Ana Pérez",
    action,
    subject: "vero",
    changes: [],
    created_at: "2026-11-24T12:00:00Z",
    ...overrides,
  };
}

/**
 * The administration history of a small in-memory server, newest first: an admin
 * reads their own distributor's (whatever `distributor` says), the superadmin the
 * chosen one's or, with `null`, everything (the service's own entries too); others
 * get `forbidden`. Pages end before `before`; `next_before` is `null` on the last.
 */
export function fakeAudit(
  seed: AuditEntry[],
  session: () => SessionInfo | null,
  record: (command: string, ...args: unknown[]) => void,
) {
  const entries = structuredClone(seed).sort((a, b) => b.id - a.id);
  const forbidden = { code: "forbidden", message: "No tenés permiso para esto." } as const;

  const api: Pick<Api, AuditCommand> = {
    adminHistory: (distributor, action, before, limit) => {
      record("adminHistory", distributor, action, before, limit);
      const me = session()?.user;
      if (me?.role !== "admin" && me?.role !== "superadmin") return fail(forbidden);
      const whose = me.role === "admin" ? me.distributor_id : distributor;
      const matching = entries.filter(
        (e) =>
          (whose === null || e.distributor_id === whose) &&
          (action === null || e.action === action) &&
          (before === null || e.id < before),
      );
      const page = matching.slice(0, Math.min(limit ?? 50, 200));
      const last = page[page.length - 1];
      return ok({
        events: structuredClone(page),
        next_before: matching.length > page.length && last !== undefined ? last.id : null,
      });
    },
  };
  /** Writes `entry` down, newest first as the server keeps them. */
  const record_ = (entry: AuditEntry) => {
    entries.push(structuredClone(entry));
    entries.sort((a, b) => b.id - a.id);
  };
  return { api, entries, record: record_ };
}
