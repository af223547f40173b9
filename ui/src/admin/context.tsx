/**
 * Which distributor the administration screens act on. An admin acts on their
 * own (the commands get `distributor: null`); the superadmin chooses one in the
 * area's picker, and every screen then names it. The choice is the one the whole
 * app works in (`lib/workingDistributor`), so it outlives the screen.
 */
import { createContext, createEffect, createSignal, on, useContext } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import type { Distributor } from "../bindings";
import { asApiError } from "../lib/api";
import { session, signedOut } from "../lib/session";
import { chooseDistributor, distributorOnScreen, resetWorkingDistributorForTests } from "../lib/workingDistributor";

export interface AdminScope {
  isSuperadmin: () => boolean;
  /** The distributor on screen (the admin's own, or the superadmin's choice). */
  distributorId: () => number | null;
  /** The commands' `distributor` argument: `null` for an admin. */
  scope: () => number | null;
  distributors: () => readonly Distributor[];
  current: () => Distributor | undefined;
  choose: (id: number) => void;
  /** Reads the distributors again (after one is created, renamed or switched off). */
  reloadDistributors: () => Promise<void>;
  /** Puts a distributor the server answered into the list. */
  putDistributor: (d: Distributor) => void;
  /** Call with any failure: a session that ended sends the person to the login. */
  failed: (error: unknown) => void;
}

const AdminContext = createContext<AdminScope>();

export const AdminProvider = AdminContext.Provider;

export function useAdmin(): AdminScope {
  const scope = useContext(AdminContext);
  if (!scope) throw new Error("useAdmin outside the administration area");
  return scope;
}

/** A session that ended while administering: back to the login. */
export function failed(error: unknown): void {
  if (asApiError(error).code === "unauthenticated") signedOut();
}

/** The scope for the signed-in person, given the distributors the server lists for them. */
export function createAdminScope(list: () => readonly Distributor[], reload: () => Promise<void>, put: (d: Distributor) => void): AdminScope {
  const isSuperadmin = () => session()?.user.role === "superadmin";
  const distributorId = () => {
    if (!isSuperadmin()) return session()?.user.distributor_id ?? null;
    const id = distributorOnScreen();
    const all = list();
    return id !== null && all.some((d) => d.id === id) ? id : (all[0]?.id ?? null);
  };
  return {
    isSuperadmin,
    distributorId,
    scope: () => (isSuperadmin() ? distributorId() : null),
    distributors: list,
    current: () => list().find((d) => d.id === distributorId()),
    choose: (id) => chooseDistributor(id),
    reloadDistributors: reload,
    putDistributor: put,
    failed,
  };
}

/** Test helper: forget the superadmin's choice. */
export function resetAdminForTests(): void {
  resetWorkingDistributorForTests();
}

export type ListState = "loading" | "ready" | "error";

/**
 * A list of one distributor's things (users, groups…), read again whenever the
 * distributor changes. Items keep their identity across reads and changes (they
 * are matched by id), so rows are not redrawn and the focus stays where it was.
 */
export function createAdminList<T extends { id: number }>(load: (scope: number | null) => Promise<T[]>) {
  const admin = useAdmin();
  const [items, setItems] = createStore<T[]>([]);
  const [state, setState] = createSignal<ListState>("loading");
  const [error, setError] = createSignal<unknown>(null);

  const reload = async () => {
    const scope = admin.scope();
    try {
      const list = await load(scope);
      if (scope !== admin.scope()) return; // another distributor was chosen meanwhile
      setItems(reconcile(list, { key: "id" }));
      setError(null);
      setState("ready");
    } catch (e) {
      setError(e);
      setState("error");
      admin.failed(e);
    }
  };

  createEffect(
    on(admin.scope, () => {
      setState("loading");
      setItems([]);
      void reload();
    }),
  );

  /** Puts what the server answered for one item (new or changed) into the list. */
  const put = (item: T) => {
    const at = items.findIndex((i) => i.id === item.id);
    if (at < 0) setItems(items.length, item);
    else setItems(at, reconcile(item));
  };

  return { items, state, error, reload, put };
}
