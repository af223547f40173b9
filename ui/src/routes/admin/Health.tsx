import { createEffect, createSignal, For, Match, on, onCleanup, Show, Switch } from "solid-js";
import type { ErrorEvent, GivenUpWork, Work } from "../../bindings";
import { useAdmin } from "../../admin/context";
import { createNotice } from "../../admin/notice";
import {
  changesWork,
  classAdvice,
  className,
  dismissedMessage,
  failedKinds,
  givenUpAdvice,
  givenUpReason,
  givenUpSubject,
  hopelessIds,
  kindName,
  retriedMessage,
  sortedKinds,
} from "../../admin/work";
import { ErrorBanner } from "../../components/ErrorBanner";
import { formatDateTime, t } from "../../i18n";
import { api, ApiError, call } from "../../lib/api";
import { useDocumentTitle } from "../../lib/document";
import { onLive } from "../../lib/live";
import { debounce } from "../../ranking/month";

/**
 * How often the screen reads the server again while it is open (the queued
 * counts move without live events), and how long after a live event about
 * failed work it waits for the rest of its burst (tests shorten both).
 */
export const healthTiming = { refreshMs: 30_000, liveReloadMs: 500 };
/** Failures listed at first, and after "Ver más". */
const FIRST_EVENTS = 20;
const MORE_EVENTS = 200;
/** Given-up tasks listed one by one (the counts above cover them all). */
const GIVEN_UP_LISTED = 50;

/**
 * What is being done: retrying a kind (`retry:` alone: all) or one task,
 * dismissing one task or the hopeless ones.
 */
type Busy = `retry:${string}` | `retryTask:${number}` | `dismissTask:${number}` | "dismissHopeless";

/**
 * "Estado": what the server still has to do for the distributor in the background,
 * what it gave up on (by kind with "Reintentar", and one by one with the exhibition
 * each was for, to retry or dismiss), and the failures it recorded, each with what
 * to do about it. Times are in the distributor's zone.
 */
export default function Health() {
  useDocumentTitle(() => t("admin.nav.health"));
  const admin = useAdmin();
  const [work, setWork] = createSignal<Work | null>(null);
  const [events, setEvents] = createSignal<ErrorEvent[] | null>(null);
  const [givenUp, setGivenUp] = createSignal<GivenUpWork[]>([]);
  const [limit, setLimit] = createSignal(FIRST_EVENTS);
  const [error, setError] = createSignal<unknown>(null);
  const [refreshing, setRefreshing] = createSignal(false);
  const [busy, setBusy] = createSignal<Busy | null>(null);
  const [actionError, setActionError] = createSignal<unknown>(null);
  const notice = createNotice();

  const zone = () => admin.current()?.time_zone;
  const at = (iso: string) =>
    formatDateTime(new Date(iso), { dateStyle: "medium", timeStyle: "short", timeZone: zone() });
  const clock = (iso: string) => formatDateTime(new Date(iso), { timeStyle: "short", timeZone: zone() });

  let reads = 0;
  const load = async () => {
    const distributor = admin.distributorId();
    if (distributor === null) return;
    const read = ++reads;
    setRefreshing(true);
    try {
      const [w, e, g] = await Promise.all([
        call(api().backgroundWork(admin.scope())),
        call(api().errorEvents(admin.scope(), limit())),
        // A server older than this app has no such listing: the rest of the screen still works.
        call(api().givenUpWork(admin.scope(), null, GIVEN_UP_LISTED)).catch((e: unknown) => {
          if (e instanceof ApiError && e.code === "not_found") return [];
          throw e;
        }),
      ]);
      // A slower, older read (another distributor chosen meanwhile) must not win.
      if (read !== reads) return;
      setWork(w);
      setEvents(e);
      setGivenUp(g);
      setError(null);
    } catch (e) {
      if (read !== reads) return;
      setError(e);
      admin.failed(e);
    } finally {
      if (read === reads) setRefreshing(false);
    }
  };

  createEffect(
    on(admin.distributorId, () => {
      setWork(null);
      setEvents(null);
      setGivenUp([]);
      setLimit(FIRST_EVENTS);
      notice.clear();
      void load();
    }),
  );
  const timer = setInterval(() => void load(), healthTiming.refreshMs);
  // A failure, a recovery, a give-up, or another admin's retry or dismissal: read again now.
  const soon = debounce(() => void load(), healthTiming.liveReloadMs);
  const stopLive = onLive((message) => {
    if (changesWork(message)) soon();
  });
  onCleanup(() => {
    clearInterval(timer);
    stopLive();
    soon.cancel();
  });

  /** Runs one action on given-up work, says its answer, and reads the server again. */
  const act = async (what: Busy, run: () => Promise<string>) => {
    notice.clear();
    setActionError(null);
    setBusy(what);
    try {
      const message = await run();
      notice.say(() => message);
      await load();
    } catch (e) {
      setActionError(e);
      admin.failed(e);
    } finally {
      setBusy(null);
    }
  };
  const retry = (kind: string | null) =>
    act(`retry:${kind ?? ""}`, async () => retriedMessage(await call(api().retryFailedWork(admin.scope(), kind, null))));
  const retryTask = (id: number) =>
    act(`retryTask:${id}`, async () => retriedMessage(await call(api().retryFailedWork(admin.scope(), null, [id]))));
  const dismiss = (what: Busy, ids: number[]) =>
    act(what, async () => dismissedMessage(await call(api().dismissFailedWork(admin.scope(), null, ids))));
  const totalFailed = () => (work()?.kinds ?? []).reduce((n, k) => n + k.failed, 0);

  const showMore = () => {
    setLimit(MORE_EVENTS);
    void load();
  };

  return (
    <div class="admin-stack">
      <section class="card admin-card" aria-labelledby="work-title" aria-busy={refreshing()}>
        <h2 id="work-title">{t("admin.health.workTitle")}</h2>
        <p class="hint">{t("admin.health.workIntro")}</p>
        <p class="health-toolbar">
          <Show when={work()}>{(w) => <span class="hint">{t("admin.health.readAt", { time: clock(w().read_at) })}</span>}</Show>
          <button type="button" class="button button-small" disabled={refreshing()} onClick={() => void load()}>
            {refreshing() ? t("admin.health.refreshing") : t("admin.health.refresh")}
          </button>
        </p>
        <p role="status" class="admin-notice">
          {notice.text()}
        </p>
        <Switch>
          <Match when={error() !== null && work() === null}>
            <ErrorBanner error={error()} retry={() => void load()} />
          </Match>
          <Match when={work() === null}>
            <p role="status">{t("admin.loading")}</p>
          </Match>
          <Match when={work()?.kinds.length === 0}>
            <p class="health-ok">
              <span class="status-badge status-approved">{t("admin.health.allDone")}</span>
            </p>
          </Match>
          <Match when={work()}>
            {(w) => (
              <>
                <table class="ranking-table admin-table health-table">
                  <caption class="visually-hidden">{t("admin.health.workTitle")}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("admin.health.kind")}</th>
                      <th scope="col">{t("admin.health.queued")}</th>
                      <th scope="col">{t("admin.health.running")}</th>
                      <th scope="col">{t("admin.health.failed")}</th>
                      <th scope="col">
                        <span class="visually-hidden">{t("admin.actions")}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={sortedKinds(w())}>
                      {(k) => (
                        <tr>
                          <th scope="row">
                            {kindName(k.kind)}
                            <Show when={k.oldest_queued_at}>
                              {(since) => <span class="job-detail">{t("admin.health.waitingSince", { when: at(since()) })}</span>}
                            </Show>
                            <Show when={k.last_error}>
                              {(message) => (
                                <span class="job-detail">
                                  {t("admin.health.lastError", { when: k.last_error_at ? at(k.last_error_at) : "—" })}{" "}
                                  <code>{message()}</code>
                                </span>
                              )}
                            </Show>
                          </th>
                          <td>
                            {k.retrying > 0
                              ? t("admin.health.queuedWithFailures", { queued: k.queued, retrying: k.retrying })
                              : k.queued}
                          </td>
                          <td>{k.running}</td>
                          <td>
                            <Show when={k.failed > 0} fallback={0}>
                              <span class="status-badge status-rejected">{k.failed}</span>
                              <Show when={k.permanent > 0}>
                                <span class="job-detail">{t("admin.health.hopelessCount", { n: k.permanent })}</span>
                              </Show>
                            </Show>
                          </td>
                          <td class="row-actions">
                            <Show when={k.failed > 0}>
                              <button
                                type="button"
                                class="button button-small"
                                disabled={busy() !== null}
                                aria-label={`${t("admin.health.retry")}: ${kindName(k.kind)}`}
                                onClick={() => void retry(k.kind)}
                              >
                                {busy() === `retry:${k.kind}` ? t("admin.health.retryBusy") : t("admin.health.retry")}
                              </button>
                            </Show>
                          </td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
                <Show when={failedKinds(w()).length > 0}>
                  <p class="hint">{t("admin.health.failedHint")}</p>
                </Show>
                <Show when={failedKinds(w()).length > 1}>
                  <p class="actions">
                    <button type="button" class="button" disabled={busy() !== null} onClick={() => void retry(null)}>
                      {busy() === "retry:" ? t("admin.health.retryBusy") : t("admin.health.retryAll")}
                    </button>
                  </p>
                </Show>
              </>
            )}
          </Match>
        </Switch>
        <Show when={actionError()} keyed>
          {(e) => <ErrorBanner error={e} focus />}
        </Show>
      </section>

      <Show when={givenUp().length > 0}>
        <section class="card admin-card" aria-labelledby="given-up-title">
          <h2 id="given-up-title">{t("admin.health.givenUpTitle")}</h2>
          <p class="hint">{t("admin.health.givenUpIntro")}</p>
          <Show when={totalFailed() > givenUp().length}>
            <p class="hint">{t("admin.health.givenUpMore", { shown: givenUp().length, total: totalFailed() })}</p>
          </Show>
          <ul class="problem-list" aria-labelledby="given-up-title">
            <For each={givenUp()}>
              {(g) => {
                const subject = () => givenUpSubject(g, at);
                return (
                  <li class="problem">
                    <p class="problem-head">
                      <strong>{kindName(g.kind)}</strong>
                      <span class="job-detail">{subject()}</span>
                    </p>
                    <p class="problem-advice">
                      <Show when={g.class}>{(c) => <>{className(c())}. </>}</Show>
                      {givenUpReason(g)}{" "}
                      <Show when={givenUpAdvice(g)}>{(advice) => advice()}</Show>
                    </p>
                    <details class="problem-detail">
                      <summary>{t("admin.health.detail")}</summary>
                      <Show when={g.error}>
                        {(message) => (
                          <p>
                            <code>{message()}</code>
                          </p>
                        )}
                      </Show>
                      <p>{t("admin.health.lastError", { when: at(g.failed_at) })}</p>
                      <Show when={g.exhibition_id}>{(id) => <p>{t("admin.health.exhibition", { id: id() })}</p>}</Show>
                    </details>
                    <p class="row-actions">
                      <button
                        type="button"
                        class="button button-small"
                        disabled={busy() !== null}
                        aria-label={`${t("admin.health.retry")}: ${kindName(g.kind)}, ${subject()}`}
                        onClick={() => void retryTask(g.id)}
                      >
                        {busy() === `retryTask:${g.id}` ? t("admin.health.retryBusy") : t("admin.health.retry")}
                      </button>
                      <button
                        type="button"
                        class="button button-small"
                        disabled={busy() !== null}
                        aria-label={`${t("admin.health.dismiss")}: ${kindName(g.kind)}, ${subject()}`}
                        onClick={() => void dismiss(`dismissTask:${g.id}`, [g.id])}
                      >
                        {busy() === `dismissTask:${g.id}` ? t("admin.health.dismissBusy") : t("admin.health.dismiss")}
                      </button>
                    </p>
                  </li>
                );
              }}
            </For>
          </ul>
          <Show when={hopelessIds(givenUp()).length > 0}>
            <p class="actions">
              <button
                type="button"
                class="button"
                disabled={busy() !== null}
                onClick={() => void dismiss("dismissHopeless", hopelessIds(givenUp()))}
              >
                {busy() === "dismissHopeless"
                  ? t("admin.health.dismissBusy")
                  : t("admin.health.dismissHopeless", { n: hopelessIds(givenUp()).length })}
              </button>
            </p>
          </Show>
        </section>
      </Show>

      <section class="card admin-card" aria-labelledby="problems-title">
        <h2 id="problems-title">{t("admin.health.problemsTitle")}</h2>
        <p class="hint">{t("admin.health.problemsIntro")}</p>
        <Show when={events()} fallback={<Show when={error() === null}><p role="status">{t("admin.loading")}</p></Show>}>
          {(list) => (
            <Show when={list().length > 0} fallback={<p>{t("admin.health.noProblems")}</p>}>
              <ul class="problem-list" aria-labelledby="problems-title">
                <For each={list()}>
                  {(e) => (
                    <li class="problem">
                      <p class="problem-head">
                        <strong>{className(e.class)}</strong>
                        <span class="job-detail">
                          {at(e.created_at)}
                          <Show when={e.kind}>{(k) => <> · {kindName(k())}</>}</Show>
                        </span>
                      </p>
                      <Show when={classAdvice(e.class, e.kind)}>{(advice) => <p class="problem-advice">{advice()}</p>}</Show>
                      <details class="problem-detail">
                        <summary>{t("admin.health.detail")}</summary>
                        <p>
                          <code>{e.message}</code>
                        </p>
                        <Show when={e.attempt}>{(n) => <p>{t("admin.health.attempt", { n: n() })}</p>}</Show>
                        <Show when={e.exhibition_id}>{(id) => <p>{t("admin.health.exhibition", { id: id() })}</p>}</Show>
                      </details>
                    </li>
                  )}
                </For>
              </ul>
              <Show when={list().length >= limit() && limit() < MORE_EVENTS}>
                <p class="actions">
                  <button type="button" class="button" onClick={showMore}>
                    {t("admin.health.more")}
                  </button>
                </p>
              </Show>
            </Show>
          )}
        </Show>
      </section>
    </div>
  );
}
