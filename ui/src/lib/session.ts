/**
 * Who is signed in, to which server, as reactive signals. The token is not
 * here: it stays in the Rust shell. `boot()` decides the first screen.
 */
import { createSignal } from "solid-js";
import type { KioskInfo, Role, SessionInfo } from "../bindings";
import { api, call } from "./api";

export type BootState =
  | { readonly kind: "loading" }
  | { readonly kind: "startingLocal" }
  | { readonly kind: "connect" }
  | { readonly kind: "login" }
  | { readonly kind: "ready" }
  /** This computer is the office TV (a TV code, no person signed in). */
  | { readonly kind: "kiosk" }
  | { readonly kind: "error"; readonly error: unknown };

const [server, setServer] = createSignal<string | null>(null);
const [session, setSessionSignal] = createSignal<SessionInfo | null>(null);
const [boot, setBoot] = createSignal<BootState>({ kind: "loading" });
/** True when the server is the app's own sidecar ("este equipo"). */
const [localMode, setLocalMode] = createSignal(false);
/** The office TV this computer is, if it is one. */
const [kiosk, setKiosk] = createSignal<KioskInfo | null>(null);
/** The office TV's code was revoked: the TV screen says so when it asks for a new one. */
const [kioskRevoked, setKioskRevoked] = createSignal(false);
/** Why the person was signed out, for the login screen (e.g. a backup was restored). */
const [loginNotice, setLoginNotice] = createSignal<string | null>(null);

export { boot, kiosk, kioskRevoked, localMode, loginNotice, server, session };

/**
 * Reads the saved server (in local mode, starts the app's own sidecar and waits
 * for it) and restores a remembered session.
 */
export async function startUp(): Promise<BootState> {
  setBoot({ kind: "loading" });
  let state: BootState;
  try {
    const connection = await api().connection();
    setLocalMode(connection.local);
    let address = connection.url;
    if (connection.local) {
      setBoot({ kind: "startingLocal" });
      address = (await call(api().startLocalServer())).url;
    }
    setServer(address);
    if (address === null) {
      state = { kind: "connect" };
    } else {
      // An office TV comes back as one after a restart, before any sign-in.
      const tv = await call(api().kioskStatus());
      setKiosk(tv);
      if (tv !== null) {
        state = { kind: "kiosk" };
      } else {
        const restored = await call(api().currentSession());
        setSessionSignal(restored);
        state = restored === null ? { kind: "login" } : { kind: "ready" };
      }
    }
  } catch (error) {
    state = { kind: "error", error };
  }
  setBoot(state);
  return state;
}

export function connected(url: string, local = false): void {
  setLocalMode(local);
  setServer(url);
  setSessionSignal(null);
  setBoot({ kind: "login" });
}

export function signedIn(info: SessionInfo): void {
  setLoginNotice(null);
  setSessionSignal(info);
  setBoot({ kind: "ready" });
}

/** This computer became the office TV (any session was closed by the shell). */
export function kioskStarted(info: KioskInfo): void {
  setSessionSignal(null);
  setKioskRevoked(false);
  setKiosk(info);
  setBoot({ kind: "kiosk" });
}

/** This computer is no longer the office TV (left on purpose, or its code was revoked). */
export function kioskEnded(revoked = false): void {
  setKioskRevoked(revoked);
  setKiosk(null);
  setBoot({ kind: server() === null ? "connect" : "login" });
}

/** Forgets the session here (after logout or a 401); `notice`: what the login screen says why. */
export function signedOut(notice: string | null = null): void {
  setLoginNotice(notice);
  setSessionSignal(null);
  setBoot({ kind: server() === null ? "connect" : "login" });
}

export async function logout(): Promise<void> {
  try {
    await call(api().logout());
  } finally {
    signedOut();
  }
}

/** Roles that may give verdicts. */
export function canEvaluate(role: Role | undefined): boolean {
  return role === "supervisor" || role === "admin" || role === "superadmin";
}

/** Roles that administer a distributor (the server checks again on every call). */
export function canAdminister(role: Role | undefined): boolean {
  return role === "admin" || role === "superadmin";
}

/** Test helper: back to the first state. */
export function resetSessionForTests(): void {
  setLocalMode(false);
  setServer(null);
  setSessionSignal(null);
  setKiosk(null);
  setKioskRevoked(false);
  setLoginNotice(null);
  setBoot({ kind: "loading" });
}
