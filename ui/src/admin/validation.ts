/**
 * What the administration forms check before sending, with the same rules as the
 * server (core: `password.rs`, `store/users.rs`, `store/distributors.rs`,
 * `store/pdv_types.rs`, `domain/hibernation.rs`), so a person learns what is wrong
 * at once and in Spanish. The server stays the authority. Each check returns the
 * message to show, or `null` when the value is fine.
 */
import { t } from "../i18n";

/** core `MIN_PASSWORD_CHARS`: the only rule the server has for a new password. */
export const MIN_PASSWORD = 8;
/** core `clean_name`. */
export const MAX_DISTRIBUTOR_NAME = 120;
/** core `create_pdv_type` / `update_pdv_type`. */
export const MAX_PDV_TYPE_NAME = 60;
/** core `create_tv_token`. */
export const MAX_TV_LABEL = 80;
/** Display names and group titles: the server asks only for something; keep them readable. */
export const MAX_TEXT = 120;

export type Problem = string | null;

const length = (value: string) => [...value.trim()].length;

/** Something, at most `max` characters (after trimming). */
export function requiredText(value: string, max = MAX_TEXT): Problem {
  if (length(value) === 0) return t("admin.validation.required");
  if (length(value) > max) return t("admin.validation.tooLong", { max });
  return null;
}

/** Optional, at most `max` characters. */
export function optionalText(value: string, max = MAX_TEXT): Problem {
  return length(value) > max ? t("admin.validation.tooLong", { max }) : null;
}

/** core `clean_username`: 3 to 40 letters, digits or `. _ - @`. */
export function username(value: string): Problem {
  const name = value.trim();
  if (name === "") return t("admin.validation.required");
  const ok = [...name].length >= 3 && [...name].length <= 40 && /^[\p{L}\p{N}._\-@]+$/u.test(name);
  return ok ? null : t("admin.validation.username");
}

export function password(value: string): Problem {
  if (value === "") return t("admin.validation.required");
  return [...value].length < MIN_PASSWORD ? t("admin.validation.passwordShort", { min: MIN_PASSWORD }) : null;
}

export function confirmation(passwordValue: string, confirmValue: string): Problem {
  if (confirmValue === "") return t("admin.validation.required");
  return confirmValue === passwordValue ? null : t("admin.validation.passwordMismatch");
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** `HH:MM`, 24 h (core `parse_hhmm`). */
export function time(value: string): Problem {
  return HHMM.test(value.trim()) ? null : t("admin.validation.time");
}

/** Ranking points: a whole number from 0 to 1000 (core `update_distributor`). */
export function points(value: string): Problem {
  const text = value.trim();
  if (!/^\d{1,4}$/.test(text) || Number(text) > 1000) return t("admin.validation.points");
  return null;
}

/** A Telegram user id (positive, digits only); empty is allowed. */
export function telegramUserId(value: string): Problem {
  const text = value.trim();
  if (text === "") return null;
  return /^[1-9]\d{0,15}$/.test(text) ? null : t("admin.validation.telegramId");
}

/** A Telegram group's chat id: groups and supergroups are negative. */
export function chatId(value: string): Problem {
  const text = value.trim();
  if (text === "") return t("admin.validation.required");
  return /^-[1-9]\d{0,15}$/.test(text) ? null : t("admin.validation.chatId");
}

/** What @BotFather hands out, as loosely as core's `check_token` looks at it. */
export function botToken(value: string): Problem {
  const text = value.trim();
  if (text === "") return t("admin.validation.required");
  return /^\d+:[A-Za-z0-9_-]{20,}$/.test(text) ? null : t("admin.validation.botToken");
}

/** The fields of a form and what is wrong with each (`null`: nothing). */
export type Problems<K extends string> = Record<K, Problem>;

/** The first field with a problem, in the form's order (to move the focus there). */
export function firstProblem<K extends string>(problems: Problems<K>, order: readonly K[]): K | null {
  return order.find((k) => problems[k] !== null) ?? null;
}

export function hasProblems<K extends string>(problems: Problems<K>): boolean {
  return Object.values(problems).some((p) => p !== null);
}
