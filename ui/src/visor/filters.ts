/**
 * Filters of the visor's queue and of the history: group, vendor, PDV type, a
 * customer number, a date range (days in the distributor's time zone) and
 * possible duplicates only, plus the choices offered
 * for each (from the server's lists when the role may read them, and from the
 * exhibitions already seen otherwise).
 */
import type { ExhibitionFilter, ExhibitionSummary, FilterChoice, FilterChoices } from "../bindings";

export interface Filters {
  readonly group: number | null;
  readonly vendor: number | null;
  readonly pdvType: number | null;
  /** `YYYY-MM-DD`, first day included. */
  readonly from: string;
  /** `YYYY-MM-DD`, last day included. */
  readonly to: string;
  /** One shop's customer number as typed ("" for any). */
  readonly customer: string;
  /** Only the possible duplicates (a photo already received, see the server's photo storage). */
  readonly duplicates: boolean;
}

export const NO_FILTERS: Filters = {
  group: null,
  vendor: null,
  pdvType: null,
  from: "",
  to: "",
  customer: "",
  duplicates: false,
};

/** The bot's rule: up to 12 digits; people copy numbers with spaces, dots and dashes. */
const CUSTOMER_DIGITS = 12;

/** The customer number as the bot stores it, `""` when none is typed, `null` when it is not one. */
export function customerDigits(typed: string): string | null {
  const cleaned = typed.replace(/[\s.\-]/g, "");
  if (cleaned === "") return "";
  return /^\d+$/.test(cleaned) && cleaned.length <= CUSTOMER_DIGITS ? cleaned : null;
}

/** Only this shop: every other condition cleared (the visor's "historial del cliente"). */
export function customerOnly(customer: string): Filters {
  return { ...NO_FILTERS, customer };
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** How many conditions are set (for a badge). */
export function activeCount(f: Filters): number {
  return [
    f.group !== null,
    f.vendor !== null,
    f.pdvType !== null,
    f.from !== "",
    f.to !== "",
    f.customer.trim() !== "",
    f.duplicates,
  ].filter(Boolean).length;
}

/** `null` when the range is fine, else what is wrong with it. */
export function rangeProblem(f: Filters): "badDate" | "dateOrder" | null {
  if ((f.from !== "" && !DAY.test(f.from)) || (f.to !== "" && !DAY.test(f.to))) return "badDate";
  if (f.from !== "" && f.to !== "" && f.from > f.to) return "dateOrder";
  return null;
}

/** `"badCustomer"` when the typed customer number cannot be one (it is then not applied). */
export function customerProblem(f: Filters): "badCustomer" | null {
  return customerDigits(f.customer) === null ? "badCustomer" : null;
}

/** Milliseconds the wall clock of `timeZone` is ahead of UTC at `utcMs`. */
function zoneOffsetMs(utcMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? "0");
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return wall - Math.floor(utcMs / 1000) * 1000;
}

/**
 * The UTC instant (RFC 3339) when day `day` (`YYYY-MM-DD`) starts in `timeZone`
 * (an IANA name), plus `addDays`. Without a known zone, the computer's own.
 */
export function dayStart(day: string, timeZone: string | null, addDays = 0): string | null {
  const m = DAY.exec(day);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3]) + addDays];
  if (timeZone === null) return new Date(y, mo - 1, d).toISOString();
  const guess = Date.UTC(y, mo - 1, d);
  try {
    // Twice: the offset at the guess may differ from the one at the answer (DST).
    const first = guess - zoneOffsetMs(guess, timeZone);
    return new Date(guess - zoneOffsetMs(first, timeZone)).toISOString();
  } catch {
    return new Date(y, mo - 1, d).toISOString();
  }
}

/** The listing conditions for `f` (dates: from the first day's start to the day after the last). */
export function toListFilter(f: Filters, timeZone: string | null): Partial<ExhibitionFilter> {
  const dates = rangeProblem(f) === null;
  return {
    group: f.group,
    vendor: f.vendor,
    pdv_type: f.pdvType,
    from: dates && f.from !== "" ? dayStart(f.from, timeZone) : null,
    to: dates && f.to !== "" ? dayStart(f.to, timeZone, 1) : null,
    customer: customerDigits(f.customer) || null,
    possible_duplicate: f.duplicates ? true : null,
  };
}

/** What each filter offers. */
export interface ChoiceLists {
  readonly groups: readonly FilterChoice[];
  readonly vendors: readonly FilterChoice[];
  readonly pdvTypes: readonly FilterChoice[];
}

type Kind = "groups" | "vendors" | "pdvTypes";

const FROM_ITEM: Record<Kind, (i: ExhibitionSummary) => FilterChoice> = {
  groups: (i) => ({ id: i.group_id, name: i.group_title, active: true }),
  vendors: (i) => ({ id: i.vendor_id, name: i.vendor_name, active: true }),
  pdvTypes: (i) => ({ id: i.pdv_type_id, name: i.pdv_type_name, active: true }),
};

function merge(listed: readonly FilterChoice[] | null, seen: readonly ExhibitionSummary[], kind: Kind): FilterChoice[] {
  const byId = new Map<number, FilterChoice>();
  for (const c of listed ?? []) byId.set(c.id, c);
  for (const item of seen) {
    const c = FROM_ITEM[kind](item);
    if (!byId.has(c.id)) byId.set(c.id, c);
  }
  // Inactive ones only if some exhibition has them (older submissions).
  const seenIds = new Set(seen.map((i) => FROM_ITEM[kind](i).id));
  return [...byId.values()]
    .filter((c) => c.active || seenIds.has(c.id))
    .sort((a, b) => a.name.localeCompare(b.name, "es", { sensitivity: "base" }) || a.id - b.id);
}

/** The server's lists (when available) united with what the listings showed. */
export function choiceLists(server: FilterChoices | null, seen: readonly ExhibitionSummary[]): ChoiceLists {
  return {
    groups: merge(server?.groups ?? null, seen, "groups"),
    vendors: merge(server?.vendors ?? null, seen, "vendors"),
    pdvTypes: merge(server?.pdv_types ?? null, seen, "pdvTypes"),
  };
}

/** What the history shows. */
export type HistoryStatus = "evaluated" | "approved" | "rejected" | "highlighted";
export const HISTORY_STATUSES: readonly HistoryStatus[] = ["evaluated", "approved", "rejected", "highlighted"];
