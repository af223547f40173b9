/**
 * The distributor the superadmin works in. The superadmin serves every
 * distributor and sees one at a time, everywhere: visor, history, ranking,
 * reports, live events and administration share the choice (made on the home
 * screen or in the administration's picker), and this computer keeps it for
 * the next session. Everyone else works in their own distributor, which the
 * server knows: their commands name none (`null`).
 */
import { createSignal } from "solid-js";
import type { Distributor } from "../bindings";
import { api, call } from "./api";
import { session } from "./session";

export const WORKING_DISTRIBUTOR_KEY = "centermind.workingDistributor";

function stored(): number | null {
  try {
    const raw = globalThis.localStorage?.getItem(WORKING_DISTRIBUTOR_KEY) ?? null;
    const id = raw === null ? Number.NaN : Number(raw);
    return Number.isInteger(id) ? id : null;
  } catch {
    return null;
  }
}

/** `undefined`: not read from this computer's storage yet. */
const [choice, setChosen] = createSignal<number | null | undefined>(undefined);
const chosen = (): number | null => {
  const id = choice();
  return id === undefined ? stored() : id;
};

const isSuperadmin = () => session()?.user.role === "superadmin";

/** The commands' `distributor` argument: the superadmin's choice, `null` for everyone else. */
export function workingDistributor(): number | null {
  return isSuperadmin() ? chosen() : null;
}

/** Whose data is on screen: one's own distributor, or the superadmin's choice (`null`: none yet). */
export function distributorOnScreen(): number | null {
  return isSuperadmin() ? chosen() : (session()?.user.distributor_id ?? null);
}

/** The superadmin works in `id` from now on (and in the next session on this computer). */
export function chooseDistributor(id: number): void {
  setChosen(id);
  try {
    globalThis.localStorage?.setItem(WORKING_DISTRIBUTOR_KEY, String(id));
  } catch {
    // Kept for this session only.
  }
}

/**
 * Keeps the choice among the distributors the server lists: one that no longer
 * exists (or none yet) gives way to the first. Returns the one in use.
 */
export function settleDistributor(list: readonly Distributor[]): number | null {
  const id = chosen();
  if (id !== null && list.some((d) => d.id === id)) return id;
  const first = list[0]?.id ?? null;
  if (first !== null) chooseDistributor(first);
  return first;
}

const [distributors, setDistributors] = createSignal<readonly Distributor[]>([]);

/** The distributors the superadmin can work in (read by [`loadDistributors`]). */
export { distributors as workingDistributors };

/**
 * The superadmin's distributors, read from the server; the choice settles
 * among them. Returns the one in use (`null`: none exist yet).
 */
export async function loadDistributors(): Promise<number | null> {
  const list = await call(api().listDistributors());
  setDistributors(list);
  return settleDistributor(list);
}

/** Tests: forget the choice. */
export function resetWorkingDistributorForTests(): void {
  setChosen(undefined);
  setDistributors([]);
  try {
    globalThis.localStorage?.removeItem(WORKING_DISTRIBUTOR_KEY);
  } catch {
    // Nothing kept.
  }
}
