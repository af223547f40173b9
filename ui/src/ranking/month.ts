/**
 * Months as the server names them (`YYYY-MM`): arithmetic for the month
 * picker and labels in the UI's language. Pure, so it is tested without a DOM.
 */
import { dateTimeFormat } from "../i18n/format";

const MONTH = /^(\d{4})-(\d{2})$/;

/** The month `delta` months after `month` (negative: before). */
export function shiftMonth(month: string, delta: number): string {
  const m = MONTH.exec(month);
  if (!m) throw new Error(`not a month: ${month}`);
  const index = Number(m[1]) * 12 + (Number(m[2]) - 1) + delta;
  const year = Math.floor(index / 12);
  return `${String(year).padStart(4, "0")}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** "enero de 2025" / "January 2025": the month's name in `locale` (an Intl tag). */
export function monthLabel(month: string, locale: string): string {
  const m = MONTH.exec(month);
  if (!m) return month;
  // Noon UTC on the 15th: the same month in every time zone.
  const date = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 15, 12));
  return dateTimeFormat(locale, { month: "long", year: "numeric", timeZone: "UTC" }).format(date);
}

/**
 * Calls `fn` once `ms` after the last of a burst of calls (a queue being
 * cleared sends one verdict event per exhibition: reload once, not 100 times).
 */
export function debounce(fn: () => void, ms: number): { (): void; cancel(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const call = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      fn();
    }, ms);
  };
  call.cancel = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  return call;
}
