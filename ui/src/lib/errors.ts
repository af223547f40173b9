import type { CommandError } from "../bindings";
import { t, type MessageKey } from "../i18n";
import { asApiError } from "./api";

const KEYS = {
  invalid_url: "errors.invalid_url",
  unreachable: "errors.unreachable",
  tls: "errors.tls",
  timeout: "errors.timeout",
  not_center_mind: "errors.not_center_mind",
  not_connected: "errors.not_connected",
  unauthenticated: "errors.unauthenticated",
  bad_credentials: "errors.bad_credentials",
  wrong_password: "errors.wrong_password",
  invalid_tv_token: "errors.invalid_tv_token",
  too_many_attempts: "errors.too_many_attempts",
  forbidden: "errors.forbidden",
  not_found: "errors.not_found",
  invalid: "errors.invalid",
  conflict: "errors.conflict",
  already_exists: "errors.already_exists",
  telegram_unreachable: "errors.telegram_unreachable",
  own_account: "errors.own_account",
  server: "errors.server",
  keyring: "errors.keyring",
  local_server: "errors.local_server",
  local_server_in_use: "errors.local_server_in_use",
  update_check: "errors.update_check",
  update_not_for_this_system: "errors.update_not_for_this_system",
  update_signature: "errors.update_signature",
  update_cancelled: "errors.update_cancelled",
  update_install: "errors.update_install",
  update: "errors.update",
  internal: "errors.internal",
} as const satisfies Record<CommandError["code"], MessageKey>;

/** The i18n key for an error code (every code has one: checked by the type above). */
export function errorKey(code: CommandError["code"]): (typeof KEYS)[CommandError["code"]] {
  return KEYS[code];
}

/** A translated, one-line explanation of any thrown value. */
export function describeError(error: unknown): string {
  const e = asApiError(error);
  return t(errorKey(e.code));
}

/** The technical detail (server message or local cause), for a second line. */
export function errorDetail(error: unknown): string {
  return asApiError(error).error.message;
}
