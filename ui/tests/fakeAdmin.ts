import type {
  AuditEntry,
  BotStatus,
  CommandError,
  Distributor,
  Group,
  Member,
  PdvType,
  PortalUser,
  SessionInfo,
  TvToken,
} from "../src/bindings";
import type { Api } from "../src/lib/api";
import { fakeAudit, type AuditCommand } from "./fakeAudit";
import { fakeJobs, type JobCommand, type JobsSeed } from "./fakeJobs";
import { fakeWork, type WorkCommand, type WorkSeed } from "./fakeWork";

type Result<T> = Promise<{ status: "ok"; data: T } | { status: "error"; error: CommandError }>;
const ok = <T>(data: T): Result<T> => Promise.resolve({ status: "ok", data });
const fail = <T>(error: CommandError): Result<T> => Promise.resolve({ status: "error", error });

/** A token @BotFather never issued: the fake server refuses it like Telegram's getMe would. */
export const REFUSED_BOT_TOKEN = "111111111:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

export function distributor(id: number, name: string, overrides: Partial<Distributor> = {}): Distributor {
  return {
    id,
    name,
    active: true,
    time_zone: "America/Argentina/Buenos_Aires",
    has_bot_token: true,
    admin_telegram_id: 123456789,
    hibernation: { enabled: true, start: "22:00", end: "06:00" },
    photo_storage: "local",
    drive_folder_id: null,
    scoring: { approved: 1, highlighted: 2 },
    created_at: "2025-01-01T12:00:00Z",
    updated_at: "2025-01-01T12:00:00Z",
    ...overrides,
  };
}

export function portalUser(id: number, username: string, overrides: Partial<PortalUser> = {}): PortalUser {
  return {
    id,
    username,
    display_name: username,
    role: "supervisor",
    distributor_id: 1,
    active: true,
    last_login_at: null,
    created_at: "2025-01-01T12:00:00Z",
    ...overrides,
  };
}

export function member(id: number, first: string, overrides: Partial<Member> = {}): Member {
  return {
    id,
    distributor_id: 1,
    telegram_user_id: 700000000 + id,
    first_name: first,
    last_name: null,
    username: null,
    role: "vendor",
    active: true,
    created_at: "2025-01-01T12:00:00Z",
    updated_at: "2025-01-01T12:00:00Z",
    ...overrides,
  };
}

export const pdvType = (id: number, name: string, position: number, distributorId = 1): PdvType => ({
  id,
  distributor_id: distributorId,
  name,
  position,
  active: true,
});

export interface AdminSeed {
  distributors?: Distributor[];
  users?: PortalUser[];
  groups?: Group[];
  members?: Member[];
  pdvTypes?: PdvType[];
  tvTokens?: TvToken[];
  bot?: BotStatus;
  /** The server's scheduled jobs (the built-in ones when absent) and their runs. */
  jobs?: JobsSeed;
  /** Each distributor's background work and recorded failures ("Estado"). */
  work?: WorkSeed;
  /** The administration history ("Actividad"), in any order. */
  audit?: AuditEntry[];
}

export type AdminCommand =
  | "listDistributors"
  | "getDistributor"
  | "createDistributor"
  | "updateDistributor"
  | "distributorBotStatus"
  | "listGroups"
  | "createGroup"
  | "updateGroup"
  | "listMembers"
  | "updateMember"
  | "listPdvTypes"
  | "createPdvType"
  | "updatePdvType"
  | "listUsers"
  | "createUser"
  | "updateUser"
  | "listTvTokens"
  | "createTvToken"
  | "revokeTvToken"
  | JobCommand
  | WorkCommand
  | AuditCommand;

/** Every administration command called, with its arguments, in order. */
export type AdminCall = { command: string; args: unknown[] };

/**
 * The administration commands of a small in-memory server: lists per distributor
 * (`null` = the caller's own), duplicates refused with `already_exists`, a bot token
 * refused with `invalid` like Telegram would, a new TV token returned once, and the
 * server's scheduled jobs (`fakeJobs.ts`).
 */
export function fakeAdmin(seed: AdminSeed, session: () => SessionInfo | null) {
  const calls: AdminCall[] = [];
  const distributors = [...(seed.distributors ?? [distributor(1, "Distribuidora Sur")])];
  const users = [...(seed.users ?? [])];
  const groups = [...(seed.groups ?? [])];
  const members = [...(seed.members ?? [])];
  const pdvTypes = [...(seed.pdvTypes ?? [])];
  const tvTokens = [...(seed.tvTokens ?? [])];
  let nextId = 1000;
  const notFound = { code: "not_found", message: "No encontrado." } as const;
  const record = (command: string, ...args: unknown[]) => calls.push({ command, args });
  const jobs = fakeJobs(seed.jobs ?? {}, session, record);
  const work = fakeWork(seed.work ?? {}, session, record);
  const audit = fakeAudit(seed.audit ?? [], session, record);
  const own = (scope: number | null) => scope ?? session()?.user.distributor_id ?? 0;
  const update = <T extends { id: number }>(list: T[], id: number, changes: Partial<T>): Result<T> => {
    const at = list.findIndex((x) => x.id === id);
    const item = list[at];
    if (item === undefined) return fail(notFound);
    const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined && v !== null));
    const next = { ...item, ...defined } as T;
    list[at] = next;
    return ok(next);
  };

  const api: Pick<Api, AdminCommand> = {
    listDistributors: () => {
      record("listDistributors");
      const me = session()?.user;
      return ok(me?.role === "superadmin" ? [...distributors] : distributors.filter((d) => d.id === me?.distributor_id));
    },
    getDistributor: (id) => {
      record("getDistributor", id);
      const d = distributors.find((x) => x.id === id);
      return d ? ok(d) : fail(notFound);
    },
    createDistributor: (input) => {
      record("createDistributor", input);
      if (distributors.some((d) => d.name.toLowerCase() === input.name.toLowerCase())) {
        return fail({ code: "already_exists", message: "Ya existe (distributor)." });
      }
      const d = distributor((nextId += 1), input.name, {
        has_bot_token: Boolean(input.bot_token),
        admin_telegram_id: input.admin_telegram_id ?? null,
        time_zone: input.time_zone ?? "America/Argentina/Buenos_Aires",
      });
      distributors.push(d);
      return ok(d);
    },
    updateDistributor: (id, settings) => {
      record("updateDistributor", id, settings);
      if (settings.bot_token === REFUSED_BOT_TOKEN) {
        return fail({
          code: "invalid",
          message: "Datos inválidos: bot_token: Telegram rechazó el token del bot (revisalo en @BotFather)",
        });
      }
      const d = distributors.find((x) => x.id === id);
      if (!d) return fail(notFound);
      const next: Distributor = {
        ...d,
        name: settings.name ?? d.name,
        active: settings.active ?? d.active,
        time_zone: settings.time_zone ?? d.time_zone,
        // Like the API: absent leaves it, `null` removes it.
        admin_telegram_id: settings.admin_telegram_id === undefined ? d.admin_telegram_id : settings.admin_telegram_id,
        has_bot_token: settings.bot_token === undefined || settings.bot_token === null ? d.has_bot_token : settings.bot_token !== "",
        hibernation: {
          enabled: settings.hibernation_enabled ?? d.hibernation.enabled,
          start: settings.hibernation_start ?? d.hibernation.start,
          end: settings.hibernation_end ?? d.hibernation.end,
        },
        scoring: {
          approved: settings.points_approved ?? d.scoring.approved,
          highlighted: settings.points_highlighted ?? d.scoring.highlighted,
        },
        photo_storage: settings.photo_storage ?? d.photo_storage,
        drive_folder_id:
          settings.drive_folder_id === undefined || settings.drive_folder_id === null
            ? d.drive_folder_id
            : settings.drive_folder_id || null,
      };
      distributors[distributors.indexOf(d)] = next;
      return ok(next);
    },
    distributorBotStatus: (id) => {
      record("distributorBotStatus", id);
      return ok(
        seed.bot ?? {
          distributor_id: id,
          state: "running",
          started_at: "2025-01-02T09:00:00Z",
          last_error: null,
          restarts: 1,
          updates_handled: 1234,
          updated_at: "2025-01-02T09:05:00Z",
        },
      );
    },
    listGroups: (scope) => {
      record("listGroups", scope);
      return ok(groups.filter((g) => g.distributor_id === own(scope)));
    },
    createGroup: (scope, input) => {
      record("createGroup", scope, input);
      if (groups.some((g) => g.chat_id === input.chat_id)) {
        return fail({ code: "already_exists", message: `Ya existe (group).` });
      }
      const g: Group = {
        id: (nextId += 1),
        distributor_id: own(scope),
        chat_id: input.chat_id,
        title: input.title,
        active: true,
        created_at: "2025-01-03T12:00:00Z",
      };
      groups.push(g);
      return ok(g);
    },
    updateGroup: (scope, id, changes) => {
      record("updateGroup", scope, id, changes);
      return update(groups, id, changes as Partial<Group>);
    },
    listMembers: (scope) => {
      record("listMembers", scope);
      return ok(members.filter((m) => m.distributor_id === own(scope)));
    },
    updateMember: (scope, id, changes) => {
      record("updateMember", scope, id, changes);
      return update(members, id, changes as Partial<Member>);
    },
    listPdvTypes: (scope) => {
      record("listPdvTypes", scope);
      return ok(pdvTypes.filter((p) => p.distributor_id === own(scope)));
    },
    createPdvType: (scope, name) => {
      record("createPdvType", scope, name);
      const mine = pdvTypes.filter((p) => p.distributor_id === own(scope));
      if (mine.some((p) => p.name.toLowerCase() === name.toLowerCase())) {
        return fail({ code: "already_exists", message: "Ya existe (pdv type)." });
      }
      const p = pdvType((nextId += 1), name, Math.max(-1, ...mine.map((x) => x.position)) + 1, own(scope));
      pdvTypes.push(p);
      return ok(p);
    },
    updatePdvType: (scope, id, changes) => {
      record("updatePdvType", scope, id, changes);
      return update(pdvTypes, id, changes as Partial<PdvType>);
    },
    listUsers: (scope) => {
      record("listUsers", scope);
      return ok(users.filter((u) => u.distributor_id === own(scope)));
    },
    createUser: (scope, input) => {
      record("createUser", scope, { ...input, password: "<redacted>" });
      if (users.some((u) => u.username.toLowerCase() === input.username.toLowerCase())) {
        return fail({ code: "already_exists", message: "Ya existe (user)." });
      }
      const u = portalUser((nextId += 1), input.username, {
        display_name: input.display_name ?? input.username,
        role: input.role,
        distributor_id: own(scope),
      });
      users.push(u);
      return ok(u);
    },
    updateUser: (id, changes) => {
      record("updateUser", id, { ...changes, ...(changes.password ? { password: "<redacted>" } : {}) });
      const { password: _password, ...rest } = changes;
      return update(users, id, rest as Partial<PortalUser>);
    },
    listTvTokens: (scope) => {
      record("listTvTokens", scope);
      return ok(tvTokens.filter((x) => x.distributor_id === own(scope)));
    },
    createTvToken: (scope, label) => {
      record("createTvToken", scope, label);
      const tv: TvToken = {
        id: (nextId += 1),
        distributor_id: own(scope),
        label,
        created_at: "2025-01-03T12:00:00Z",
        last_used_at: null,
        revoked_at: null,
      };
      tvTokens.push(tv);
      return ok({ token: `tv-secret-${tv.id}`, tv_token: tv });
    },
    revokeTvToken: (scope, id) => {
      record("revokeTvToken", scope, id);
      const at = tvTokens.findIndex((x) => x.id === id);
      const tv = tvTokens[at];
      if (tv === undefined) return fail(notFound);
      tvTokens[at] = { ...tv, revoked_at: "2025-01-04T12:00:00Z" };
      return ok(null);
    },
    ...jobs.api,
    ...work.api,
    ...audit.api,
  };

  return {
    api,
    calls,
    /** The calls of one command, their arguments. */
    called: (command: string) => calls.filter((c) => c.command === command).map((c) => c.args),
    state: { distributors, users, groups, members, pdvTypes, tvTokens },
    /** The scheduled jobs: their state and how the fake scheduler runs them. */
    jobs,
    /** Each distributor's background work and failures, as the fake server has them now. */
    work,
    /** The administration history: `record` writes a new entry down, as another admin's change does. */
    audit,
  };
}
