import { createEffect, createSignal, For, Match, on, onCleanup, Show, Switch } from "solid-js";
import type { AuditEntry } from "../../bindings";
import { actionGroups, actionOption, auditLine } from "../../admin/audit";
import { useAdmin } from "../../admin/context";
import { ErrorBanner } from "../../components/ErrorBanner";
import { formatInstant, formatNumber, t } from "../../i18n";
import { api, call } from "../../lib/api";
import { useDocumentTitle } from "../../lib/document";
import { mayHaveMissedEvents, onLive } from "../../lib/live";
import { LIVE_RELOAD_MS } from "../../ranking/liveRanking";
import { debounce } from "../../ranking/month";

/** Entries read at a time (the server's default; at most 200). */
export const ACTIVITY_PAGE = 50;

/**
 * "Actividad": who changed what in the administration, newest first, a page at
 * a time ("Ver más" adds the older ones). An admin sees their distributor's; the
 * superadmin the chosen distributor's, or everything (every distributor's and the
 * server's own, each entry saying whose it is). Times are in the zone of the
 * entry's distributor (the server's entries: this computer's). Another admin's
 * change appears at the top as it is made (the distributor's live events).
 */
export default function Activity() {
  useDocumentTitle(() => t("admin.nav.activity"));
  const admin = useAdmin();
  const [action, setAction] = createSignal("");
  const [everything, setEverything] = createSignal(false);
  const [entries, setEntries] = createSignal<AuditEntry[] | null>(null);
  const [nextBefore, setNextBefore] = createSignal<number | null>(null);
  const [error, setError] = createSignal<unknown>(null);
  const [loadingMore, setLoadingMore] = createSignal(false);
  const [moreError, setMoreError] = createSignal<unknown>(null);
  /** How many entries the last live read added at the top (said to screen readers). */
  const [arrived, setArrived] = createSignal(0);
  let list: HTMLOListElement | undefined;

  const all = () => admin.isSuperadmin() && everything();
  /** The command's `distributor`: an admin's own (`null`), the superadmin's choice, or everything (`null`). */
  const distributor = () => (all() ? null : admin.scope());
  const read = (before: number | null) => call(api().adminHistory(distributor(), action() || null, before, ACTIVITY_PAGE));

  const zoneOf = (id: number | null) => (id === null ? undefined : admin.distributors().find((d) => d.id === id)?.time_zone);
  const at = (iso: string, id: number | null) => formatInstant(iso, zoneOf(id));
  const distributorName = (id: number) => admin.distributors().find((d) => d.id === id)?.name;

  // Each first read (a filter or the distributor changed) outdates those before it and their pages.
  let reads = 0;
  const reload = async () => {
    const mine = ++reads;
    setArrived(0);
    setEntries(null);
    setNextBefore(null);
    setError(null);
    setMoreError(null);
    setLoadingMore(false);
    try {
      const page = await read(null);
      if (mine !== reads) return;
      setEntries(page.events);
      setNextBefore(page.next_before);
    } catch (e) {
      if (mine !== reads) return;
      setError(e);
      admin.failed(e);
    }
  };

  const more = async () => {
    const before = nextBefore();
    if (before === null || loadingMore()) return;
    const mine = reads;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await read(before);
      if (mine !== reads) return;
      const shown = new Set((entries() ?? []).map((e) => e.id));
      const added = page.events.filter((e) => !shown.has(e.id));
      setEntries([...(entries() ?? []), ...added]);
      setNextBefore(page.next_before);
      // "Ver más" keeps the focus while it stays; once it goes, the focus moves to the first entry it added.
      const first = added[0];
      if (page.next_before === null && first !== undefined) {
        list?.querySelector<HTMLElement>(`[data-entry="${first.id}"]`)?.focus();
      }
    } catch (e) {
      if (mine !== reads) return;
      setMoreError(e);
      admin.failed(e);
    } finally {
      if (mine === reads) setLoadingMore(false);
    }
  };

  /**
   * Someone changed something: the newest entries go on top, the pages already
   * read stay. More new ones than a page: the list starts again from the newest.
   */
  const readNewest = async () => {
    const shown = entries();
    if (shown === null) {
      // Not read yet (or failed): the first read, again, brings them.
      void reload();
      return;
    }
    const mine = reads;
    try {
      const page = await read(null);
      if (mine !== reads) return;
      const current = entries() ?? [];
      const known = new Set(current.map((e) => e.id));
      const newest = current[0]?.id ?? 0;
      const added = page.events.filter((e) => e.id > newest && !known.has(e.id));
      if (added.length === 0) return;
      if (added.length === page.events.length && page.next_before !== null && current.length > 0) {
        setEntries(page.events);
        setNextBefore(page.next_before);
      } else {
        setEntries([...added, ...current]);
        if (current.length === 0) setNextBefore(page.next_before);
      }
      setArrived(added.length);
    } catch {
      // A hint that the list is behind, not a failure of the screen: the next change or visit reads it.
    }
  };
  const soon = debounce(() => void readNewest(), LIVE_RELOAD_MS);
  /**
   * Whether a change in `id`'s history (`null`: the service's) shows here; an
   * admin's stream carries only their own distributor's.
   */
  const shows = (id: number | null) => all() || (id !== null && (admin.scope() === null || admin.scope() === id));
  const stopLive = onLive((message) => {
    if ((message.kind === "audit_recorded" && shows(message.distributor)) || mayHaveMissedEvents(message)) soon();
  });
  onCleanup(() => {
    stopLive();
    soon.cancel();
  });

  createEffect(on([distributor, action], () => void reload()));

  return (
    <section class="card admin-card" aria-labelledby="activity-title" aria-busy={entries() === null && error() === null}>
      <h2 id="activity-title">{t("admin.activity.title")}</h2>
      <p class="visually-hidden" role="status">
        {arrived() === 1
          ? t("admin.activity.arrivedOne")
          : arrived() > 1
            ? t("admin.activity.arrivedMany", { count: formatNumber(arrived()) })
            : ""}
      </p>
      <p class="hint">{all() ? t("admin.activity.introEverything") : t("admin.activity.intro")}</p>
      <div class="filter-bar">
        <div class="filter-field">
          <label for="activity-action">{t("admin.activity.filter")}</label>
          <select id="activity-action" onChange={(e) => setAction(e.currentTarget.value)}>
            <option value="" selected={action() === ""}>
              {t("admin.activity.allActions")}
            </option>
            <For each={actionGroups(admin.isSuperadmin())}>
              {(group) => (
                <optgroup label={t(group.label)}>
                  <For each={group.actions}>
                    {(a) => (
                      <option value={a} selected={action() === a}>
                        {actionOption(a)}
                      </option>
                    )}
                  </For>
                </optgroup>
              )}
            </For>
          </select>
        </div>
        <Show when={admin.isSuperadmin()}>
          <label class="checkbox">
            <input type="checkbox" checked={everything()} onChange={(e) => setEverything(e.currentTarget.checked)} />{" "}
            {t("admin.activity.everything")}
          </label>
        </Show>
      </div>
      <Switch>
        <Match when={error() !== null}>
          <ErrorBanner error={error()} retry={() => void reload()} />
        </Match>
        <Match when={entries() === null}>
          <p role="status">{t("admin.loading")}</p>
        </Match>
        <Match when={entries()?.length === 0}>
          <p>{action() === "" ? t("admin.activity.empty") : t("admin.activity.emptyFiltered")}</p>
        </Match>
        <Match when={entries()}>
          {(shown) => (
            <>
              <ol class="activity-list" aria-label={t("admin.activity.listLabel")} ref={list}>
                <For each={shown()}>
                  {(entry) => {
                    const line = () =>
                      auditLine(entry, { at, distributorName: all() ? distributorName : undefined });
                    return (
                      <li class="activity-entry" tabindex="-1" data-entry={entry.id}>
                        <p class="activity-text">{line().text}</p>
                        <p class="job-detail">
                          <time datetime={line().at}>{line().when}</time>
                          <Show when={line().where}>{(where) => <> · {where()}</>}</Show>
                        </p>
                      </li>
                    );
                  }}
                </For>
              </ol>
              <Show when={moreError()} keyed>
                {(e) => <ErrorBanner error={e} />}
              </Show>
              <Show when={nextBefore() !== null}>
                <p class="actions">
                  <button
                    type="button"
                    class="button"
                    aria-disabled={loadingMore()}
                    onClick={() => void more()}
                  >
                    {loadingMore() ? t("admin.activity.loadingMore") : t("admin.activity.more")}
                  </button>
                </p>
              </Show>
            </>
          )}
        </Match>
      </Switch>
    </section>
  );
}
