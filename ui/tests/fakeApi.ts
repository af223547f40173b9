import type { Channel } from "@tauri-apps/api/core";
import type {
  CommandError,
  EvaluationInput,
  ExhibitionDetail,
  ExhibitionSummary,
  KioskInfo,
  LiveMessage,
  RankingEntry,
  ReportPeriod,
  ReportRow,
  SessionInfo,
} from "../src/bindings";
import type { Api } from "../src/lib/api";
import { session as signedIn } from "../src/lib/session";
import { fakeAdmin, type AdminSeed } from "./fakeAdmin";
import { detail } from "./fixtures";

type Result<T> = Promise<{ status: "ok"; data: T } | { status: "error"; error: CommandError }>;

export const ok = <T>(data: T): Result<T> => Promise.resolve({ status: "ok", data });
export const fail = <T>(error: CommandError): Result<T> => Promise.resolve({ status: "error", error });

export const SUPERVISOR: SessionInfo = {
  user: { id: 3, username: "supervisor.sur", display_name: "Supervisor Sur", role: "supervisor", distributor_id: 1, distributor_name: "Distribuidora Sur" },
  server_url: "http://127.0.0.1:8787/",
  expires_at: "2030-01-01T00:00:00Z",
  remembered: false,
  remember_failed: false,
};

export const ADMIN: SessionInfo = {
  ...SUPERVISOR,
  user: { id: 2, username: "admin.sur", display_name: "Administración Sur", role: "admin", distributor_id: 1, distributor_name: "Distribuidora Sur" },
};

export const SUPERADMIN: SessionInfo = {
  ...SUPERVISOR,
  user: { id: 1, username: "superadmin", display_name: "Superadministración", role: "superadmin", distributor_id: null, distributor_name: null },
};

/** The office TV code the fake server knows by default. */
export const TV_CODE = "tv-3f9a1c2b7d";

/** A transport that answers like a small server; override any command. */
export function fakeApi(
  options: {
    server?: string | null;
    session?: SessionInfo | null;
    pending?: ExhibitionSummary[];
    /** Listed for any status other than pending (the history). */
    evaluated?: ExhibitionSummary[];
    local?: boolean;
    /** The server has no user yet (first run). */
    needsSetup?: boolean;
    /** The summary of any period. */
    report?: ReportRow[];
    /** The ranking of any month. */
    ranking?: RankingEntry[];
    /** What the administration commands start with. */
    admin?: AdminSeed;
    /** This computer is already the office TV (restored at start). */
    kiosk?: KioskInfo | null;
    /** The TV code the "server" knows (default `TV_CODE`). */
    tvCode?: string;
    /** The app opens at session start (the OS's entry exists). */
    autostart?: boolean;
    /** Changing it fails, as when the OS refuses. */
    autostartFails?: boolean;
    /** The window is in front (focused), so the shell shows no notice; default: it is not. */
    inFront?: boolean;
  } = {},
  overrides: Partial<Api> = {},
): Api & {
  evaluations: Array<{ id: string; verdict: string; reason: string | null }>;
  inputs: Array<{ id: string; input: EvaluationInput }>;
  /** Sends a live message on the channel the UI follows (fails if it follows none). */
  live(message: LiveMessage): void;
  /** Every full-screen request of the window, in order. */
  fullscreen: boolean[];
  /** Every page zoom the UI asked the shell for. */
  pageZoom: number[];
  /** Every language the UI told the web view it is in. */
  pageLanguages: string[];
  /** Every report summary and export asked for, in order. */
  reports: Array<{ period: ReportPeriod; what: string }>;
  /** Every month the ranking was asked for (`null`: the current one). */
  rankings: Array<string | null>;
  /** Replaces the ranking the "server" answers from now on. */
  setRanking(entries: RankingEntry[]): void;
  /** Whether the UI currently follows live events. */
  following(): boolean;
  /** A vendor's new exhibition, now pending on the "server". */
  arrive(item: ExhibitionSummary): void;
  /** Someone else's verdict: no longer pending on the "server". */
  evaluateElsewhere(id: string): void;
  /** The administration side: its calls and its state. */
  admin: ReturnType<typeof fakeAdmin>;
  /** How the UI followed live events, in order: `session` or `kiosk`. */
  followedAs: Array<"session" | "kiosk">;
  /** How many times the office TV read its ranking. */
  kioskReads(): number;
  /** The office TV this computer is, as the shell keeps it. */
  kiosk(): KioskInfo | null;
  /** An admin revokes the TV code: reads now answer 401. */
  revokeTvCode(): void;
  /** Whether the app opens at session start, as the OS has it. */
  autostart(): boolean;
  /** Every new password the signed-in user set for themself, in order. */
  passwordChanges: string[];
  /** Every desktop notice the UI asked the shell for, in order (shown or not). */
  notices: Array<{ title: string; body: string; openLabel: string }>;
  /** Every pending figure shown on the taskbar (window title and badge), in order. */
  taskbar: Array<{ count: number; title: string }>;
  /** Every distributor a command named, in order (`null`: the caller's own), by command. */
  distributorsNamed: Array<[string, number | null]>;
  /** The person clicks the last notice shown: the shell answers on its channel. */
  clickNotice(): void;
} {
  const admin = fakeAdmin(options.admin ?? {}, signedIn);
  const pending = [...(options.pending ?? [])];
  const evaluated = [...(options.evaluated ?? [])];
  const evaluations: Array<{ id: string; verdict: string; reason: string | null }> = [];
  const inputs: Array<{ id: string; input: EvaluationInput }> = [];
  let channel: Channel<LiveMessage> | null = null;
  let followers = 0;
  const fullscreen: boolean[] = [];
  const pageZoom: number[] = [];
  const pageLanguages: string[] = [];
  const rankings: Array<string | null> = [];
  const reports: Array<{ period: ReportPeriod; what: string }> = [];
  let rankingEntries = options.ranking ?? [];
  const followedAs: Array<"session" | "kiosk"> = [];
  let kiosk: KioskInfo | null = options.kiosk ?? null;
  let kioskReads = 0;
  let tvCode: string | null = options.tvCode ?? TV_CODE;
  let autostart = options.autostart ?? false;
  let currentPassword = "demo-centermind";
  const passwordChanges: string[] = [];
  const notices: Array<{ title: string; body: string; openLabel: string }> = [];
  let lastNotice: Channel<null> | null = null;
  const taskbar: Array<{ count: number; title: string }> = [];
  const distributorsNamed: Array<[string, number | null]> = [];
  /** Notes the distributor a command named; `true`, to chain before the answer. */
  const named = (command: string, distributor: number | null): true => {
    distributorsNamed.push([command, distributor]);
    return true;
  };
  const follow = (as: "session" | "kiosk", onMessage: Channel<LiveMessage>) => {
    channel = onMessage;
    followers += 1;
    followedAs.push(as);
    return ok(followers);
  };
  const currentRanking = (month: string | null) => ({
    distributor_id: 1,
    distributor_name: "Distribuidora Sur",
    month: month ?? "2025-01",
    scoring: { approved: 1, highlighted: 2 },
    entries: rankingEntries,
  });
  const find = (id: string) => pending.find((p) => p.id === id) ?? evaluated.find((p) => p.id === id);
  const api: Api = {
    serverAddress: () => Promise.resolve(options.server === undefined ? SUPERVISOR.server_url : options.server),
    connection: () =>
      Promise.resolve({
        url: options.server === undefined ? SUPERVISOR.server_url : options.server,
        local: options.local ?? false,
      }),
    startLocalServer: () =>
      ok({ url: "http://127.0.0.1:41234/", version: "0.1.0", status: "ok", database: "ok", started_at: "2025-01-15T09:00:00Z", restored_from: null }),
    findServerOnThisComputer: () => ok(null),
    connectServer: (url) => ok({ url, version: "0.1.0", status: "ok", database: "ok", started_at: "2025-01-15T09:00:00Z", restored_from: null }),
    login: (username, password) =>
      password === currentPassword
        ? ok({ ...SUPERVISOR, user: { ...SUPERVISOR.user, username } })
        : fail({ code: "bad_credentials", message: "Usuario o contraseña incorrectos." }),
    logout: () => ok(null),
    changePassword: (current, next) => {
      if (current !== currentPassword) return fail({ code: "wrong_password", message: "La contraseña actual no es correcta." });
      if ([...next].length < 8 || next === current) return fail({ code: "invalid", message: "Datos inválidos: password" });
      currentPassword = next;
      passwordChanges.push(next);
      return ok(null);
    },
    setupStatus: () => ok(options.needsSetup ?? false),
    firstSetup: (input) =>
      ok({
        ...SUPERVISOR,
        user: {
          id: 1,
          username: input.username,
          display_name: input.display_name ?? input.username,
          role: "superadmin",
          distributor_id: null,
          distributor_name: null,
        },
      }),
    currentSession: () => ok(options.session === undefined ? null : options.session),
    listExhibitions: (filter) =>
      named("listExhibitions", filter.distributor) &&
      ok({
        items: (filter.status === "pending" ? pending : evaluated).filter(
          (i) =>
            (filter.status === null || filter.status === "pending" || i.status === filter.status) &&
            (filter.vendor === null || i.vendor_id === filter.vendor) &&
            (filter.group === null || i.group_id === filter.group) &&
            (filter.pdv_type === null || i.pdv_type_id === filter.pdv_type) &&
            (filter.customer === null || i.customer_number === filter.customer) &&
            (filter.possible_duplicate == null || i.possible_duplicate === filter.possible_duplicate),
        ),
        next_cursor: null,
      }),
    countExhibitions: (filter) => {
      named("countExhibitions", filter.distributor);
      // What the pending listing holds and nobody evaluated here yet.
      const waiting = pending.filter((i) => !evaluations.some((e) => e.id === i.id));
      return ok({
        count: waiting.length,
        oldest_submitted_at: waiting[0]?.submitted_at ?? null,
        oldest_submitted_at_local: waiting[0]?.submitted_at_local ?? null,
      });
    },
    getExhibition: (id) => {
      const item = find(id);
      return item ? ok(detail(item)) : fail({ code: "not_found", message: "No encontrado." });
    },
    evaluateExhibition: (id, input) => {
      const item = find(id);
      if (!item) return fail({ code: "not_found", message: "No encontrado." });
      evaluations.push({ id, verdict: input.verdict, reason: input.reason ?? null });
      inputs.push({ id, input });
      const done: ExhibitionDetail = detail({ ...item, status: input.verdict });
      return ok(done);
    },
    exhibitionPhoto: () => ok(new Uint8Array([0xff, 0xd8, 0xff]).buffer),
    exhibitionThumbnail: () => ok(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]).buffer),
    filterChoices: (distributor) =>
      named("filterChoices", distributor) &&
      ok({ groups: null, vendors: null, pdv_types: [{ id: 1, name: "Kiosco", active: true }] }),
    updateSettings: () =>
      Promise.resolve({ current_version: "0.1.0", endpoint: null, default_endpoint: "https://updates.centermind.invalid/desktop" }),
    setUpdateEndpoint: (endpoint) =>
      ok({ current_version: "0.1.0", endpoint, default_endpoint: "https://updates.centermind.invalid/desktop" }),
    checkForUpdates: () => ok({ current_version: "0.1.0", available: null }),
    installUpdate: () => ok(null),
    followEvents: (distributor, onMessage) => {
      named("followEvents", distributor);
      return follow("session", onMessage);
    },
    followKioskEvents: (onMessage) =>
      kiosk === null ? fail({ code: "unauthenticated", message: "no TV" }) : follow("kiosk", onMessage),
    kioskStatus: () => ok(kiosk),
    startKiosk: (code) => {
      if (tvCode === null || code.trim() !== tvCode) {
        return fail({ code: "invalid_tv_token", message: "El servidor no reconoce este código de pantalla TV." });
      }
      kiosk = { server_url: SUPERVISOR.server_url, distributor_name: "Distribuidora Sur" };
      return ok(kiosk);
    },
    kioskRanking: () => {
      kioskReads += 1;
      if (kiosk === null || tvCode === null) {
        kiosk = null;
        return fail({ code: "unauthenticated", message: "Este equipo no está configurado como pantalla TV." });
      }
      return ok(currentRanking(null));
    },
    endKiosk: () => {
      kiosk = null;
      channel = null;
      return ok(null);
    },
    unfollowEvents: (id) => {
      // Like the shell: only the newest follower can be stopped.
      if (id === followers) channel = null;
      return ok(null);
    },
    reportSummary: (distributor, period, groupBy) => {
      named("reportSummary", distributor);
      reports.push({ period, what: groupBy });
      return ok({
        distributor_id: 1,
        period: { start: "2025-01-01T03:00:00Z", end: "2025-02-01T03:00:00Z" },
        group_by: groupBy,
        rows: options.report ?? [],
      });
    },
    exportReport: (distributor, period, format) => {
      named("exportReport", distributor);
      reports.push({ period, what: format });
      return ok({ path: `/home/ana/Descargas/exhibiciones.${format}`, file_name: `exhibiciones.${format}`, bytes: 2048 });
    },
    setFullscreen: (on) => {
      fullscreen.push(on);
      return ok(null);
    },
    setPageZoom: (factor) => {
      if (factor !== null) pageZoom.push(factor);
      return ok(null);
    },
    setPageLanguage: (locale) => {
      pageLanguages.push(locale);
      return ok(null);
    },
    showPendingCount: (count, title) => {
      taskbar.push({ count, title });
      return ok(null);
    },
    autostartEnabled: () => ok(autostart),
    notifyIfAway: (title, body, openLabel, onOpen) => {
      notices.push({ title, body, openLabel });
      if (options.inFront === true) return ok(false);
      lastNotice = onOpen;
      return ok(true);
    },
    setAutostart: (enabled) => {
      if (options.autostartFails) {
        return fail({ code: "internal", message: "No se pudo cambiar el inicio automático: permiso denegado" });
      }
      autostart = enabled;
      return ok(autostart);
    },
    ranking: (distributor, month) => {
      named("ranking", distributor);
      rankings.push(month);
      return ok(currentRanking(month));
    },
    ...admin.api,
    ...overrides,
  };
  return Object.assign(api, {
    admin,
    followedAs,
    kioskReads: () => kioskReads,
    kiosk: () => kiosk,
    autostart: () => autostart,
    passwordChanges,
    notices,
    taskbar,
    distributorsNamed,
    clickNotice: () => {
      if (lastNotice === null) throw new Error("no desktop notice was shown");
      lastNotice.onmessage(null);
    },
    revokeTvCode: () => {
      tvCode = null;
    },
    evaluations,
    inputs,
    fullscreen,
    pageZoom,
    pageLanguages,
    rankings,
    reports,
    setRanking: (entries: RankingEntry[]) => {
      rankingEntries = entries;
    },
    live: (message: LiveMessage) => {
      if (channel === null) throw new Error("the UI follows no live events");
      channel.onmessage(message);
    },
    following: () => channel !== null,
    arrive: (item: ExhibitionSummary) => void pending.push(item),
    evaluateElsewhere: (id: string) => {
      const at = pending.findIndex((p) => p.id === id);
      const item = pending[at];
      if (item === undefined) throw new Error(`${id} is not pending`);
      pending.splice(at, 1);
      evaluated.push({ ...item, status: "approved" });
    },
  });
}
