/**
 * The one way the UI reaches the backend: the typed Tauri commands generated in
 * `bindings.ts`. Tests (and the plain browser) inject another transport with
 * `setApi`, so no screen needs Tauri to be tested.
 */
import { commands, type CommandError } from "../bindings";

/** The command surface (same shape as the generated `commands`). */
export type Api = typeof commands;

let current: Api = commands;

/** The transport in use. */
export function api(): Api {
  return current;
}

/** Replaces the transport (tests, browser preview); returns the previous one. */
export function setApi(next: Api): Api {
  const previous = current;
  current = next;
  return previous;
}

/** A command failure as a JS error, keeping the typed `{ code, message }`. */
export class ApiError extends Error {
  readonly error: CommandError;

  constructor(error: CommandError) {
    super(`${error.code}: ${error.message}`);
    this.name = "ApiError";
    this.error = error;
  }

  get code(): CommandError["code"] {
    return this.error.code;
  }
}

type Result<T> = { status: "ok"; data: T } | { status: "error"; error: CommandError };

/** Unwraps a command result, throwing an `ApiError` on failure. */
export async function call<T>(pending: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await pending;
  } catch (e) {
    // A framework-level failure (unknown command, ACL): report it as internal.
    throw new ApiError({ code: "internal", message: e instanceof Error ? e.message : String(e) });
  }
  if (result.status === "error") throw new ApiError(result.error);
  return result.data;
}

/** Codes where trying again later may work (the verdict must not be lost). */
const RETRYABLE = new Set<CommandError["code"]>(["unreachable", "timeout", "server", "tls"]);

export function isRetryable(error: unknown): boolean {
  return error instanceof ApiError && RETRYABLE.has(error.code);
}

/** Wraps an unknown thrown value as an `ApiError`. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError({ code: "internal", message: error instanceof Error ? error.message : String(error) });
}
