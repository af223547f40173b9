/**
 * App-wide state of the filters (kept while moving between the visor and the
 * history), the exhibitions seen so far (a source of filter choices), and the
 * distributor's time zone (the days of the date range are its days).
 */
import { createSignal } from "solid-js";
import type { ExhibitionSummary, FilterChoices } from "../bindings";
import { api, call } from "../lib/api";
import { workingDistributor } from "../lib/workingDistributor";
import { choiceLists, customerOnly, NO_FILTERS, type ChoiceLists, type Filters, type HistoryStatus } from "./filters";

const [queueFilters, setQueueFilters] = createSignal<Filters>(NO_FILTERS);
const [historyFilters, setHistoryFilters] = createSignal<Filters>(NO_FILTERS);
const [historyStatus, setHistoryStatus] = createSignal<HistoryStatus>("evaluated");
const [timeZone, setTimeZone] = createSignal<string | null>(null);
const [serverChoices, setServerChoices] = createSignal<FilterChoices | null>(null);
const [seen, setSeen] = createSignal<readonly ExhibitionSummary[]>([]);

export {
  historyFilters,
  historyStatus,
  queueFilters,
  setHistoryFilters,
  setHistoryStatus,
  setQueueFilters,
  setTimeZone,
  timeZone,
};

/** What the history shows for "historial del cliente": every evaluated exhibition of that shop. */
export function showCustomerHistory(customer: string): void {
  setHistoryFilters(customerOnly(customer));
  setHistoryStatus("evaluated");
}

/** Keeps one item per group/vendor/PDV type ever listed (enough to offer them). */
export function rememberSeen(items: readonly ExhibitionSummary[]): void {
  if (items.length === 0) return;
  const key = (i: ExhibitionSummary) => `${i.group_id}/${i.vendor_id}/${i.pdv_type_id}`;
  const known = new Set(seen().map(key));
  const fresh = items.filter((i) => {
    const k = key(i);
    if (known.has(k)) return false;
    known.add(k);
    return true;
  });
  if (fresh.length > 0) setSeen([...seen(), ...fresh]);
}

/** What the filter selects offer now. */
export function currentChoices(): ChoiceLists {
  return choiceLists(serverChoices(), seen());
}

let loading: Promise<void> | null = null;
/** The distributor whose lists are held (the superadmin may change it). */
let choicesOf: number | null = null;

/** Asks the server for its lists once per session and distributor (a failure leaves the seen ones). */
export function loadChoices(): Promise<void> {
  const distributor = workingDistributor();
  if (distributor !== choicesOf) {
    // Another distributor's groups, vendors and filters mean nothing here.
    resetFilterStore();
    choicesOf = distributor;
  }
  if (serverChoices() !== null) return Promise.resolve();
  loading ??= call(api().filterChoices(distributor))
    .then((c) => {
      if (distributor === workingDistributor()) setServerChoices(c);
    })
    .catch(() => {})
    .finally(() => {
      loading = null;
    });
  return loading;
}

/** Tests, logout: forget everything. */
export function resetFilterStore(): void {
  setQueueFilters(NO_FILTERS);
  setHistoryFilters(NO_FILTERS);
  setHistoryStatus("evaluated");
  setTimeZone(null);
  setServerChoices(null);
  setSeen([]);
  loading = null;
}
