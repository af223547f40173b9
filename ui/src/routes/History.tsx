import { createEffect, createMemo, createResource, createSignal, For, on, onCleanup, onMount, Show } from "solid-js";
import type { ExhibitionSummary, Verdict } from "../bindings";
import { FilterBar, type FilterBarHandle } from "../components/FilterBar";
import { HelpOverlay } from "../components/HelpOverlay";
import { OutboxBanners } from "../components/OutboxBanners";
import { CustomerFact, DuplicateNote, RejectDialog } from "../components/ReviewParts";
import { ReviewPhotos } from "../components/ReviewPhotos";
import { ReviewHelpButton, ReviewTabs } from "../components/ReviewTabs";
import { formatDateTime, formatWallTime, t } from "../i18n";
import { api, asApiError, call } from "../lib/api";
import { useDocumentTitle } from "../lib/document";
import { describeError } from "../lib/errors";
import { photoUrl, releasePhotoUrl, thumbnailUrl } from "../lib/photos";
import { canEvaluate, session, signedOut } from "../lib/session";
import { workingDistributor } from "../lib/workingDistributor";
import { activeCount, HISTORY_STATUSES, toListFilter, type Filters, type HistoryStatus } from "../visor/filters";
import {
  currentChoices,
  historyFilters,
  historyStatus,
  loadChoices,
  rememberSeen,
  setHistoryFilters,
  setHistoryStatus,
  setTimeZone,
  showCustomerHistory,
  timeZone,
} from "../visor/filterStore";
import { changeableTo, reevaluation } from "../visor/history";
import { reviewShortcuts, type ReviewDialog } from "../visor/keyboard";
import { ReviewQueue } from "../visor/queue";
import { EMPTY_DRAFT, type Draft } from "../visor/reasons";
import { lastAccepted, submissions, verdictOutbox } from "../visor/store";
import { createComparison } from "../visor/compare";
import { toggleZoom } from "../visor/zoom";

type Dialog = ReviewDialog;

/**
 * Evaluated exhibitions, newest first, with a status filter; open one and change
 * its verdict (sent with the status it has now, so a concurrent change is a
 * conflict, shown as in the visor).
 */
export default function History() {
  useDocumentTitle(() => t("history.title"));
  const [version, setVersion] = createSignal(0);
  const bump = () => setVersion((v) => v + 1);
  const queue = new ReviewQueue({
    list: (filter) => call(api().listExhibitions({ ...filter, distributor: workingDistributor() })),
    detail: (id) => call(api().getExhibition(id)),
    photo: photoUrl,
    thumbnail: thumbnailUrl,
    release: releasePhotoUrl,
    status: historyStatus(),
    filter: toListFilter(historyFilters(), timeZone()),
    onChange: bump,
    onPage: rememberSeen,
  });
  const outbox = verdictOutbox();

  const [loading, setLoading] = createSignal(true);
  const [loadError, setLoadError] = createSignal<unknown>(null);
  const [photoIndex, setPhotoIndex] = createSignal(0);
  const [zoom, setZoom] = createSignal(1);
  const [dialog, setDialog] = createSignal<Dialog>("none");
  const [draft, setDraft] = createSignal<Draft>(EMPTY_DRAFT);
  const [reasonProblem, setReasonProblem] = createSignal(false);
  let commentBox: HTMLTextAreaElement | undefined;
  let filterBar: FilterBarHandle | undefined;
  let list: HTMLOListElement | undefined;

  const items = createMemo(() => {
    version();
    return [...queue.items];
  });
  const index = createMemo(() => {
    version();
    return queue.index;
  });
  const current = createMemo<ExhibitionSummary | undefined>(() => {
    version();
    return queue.current();
  });
  const evaluator = () => canEvaluate(session()?.user.role);
  const pendingChange = createMemo(() => {
    const id = current()?.id;
    return id === undefined ? undefined : submissions().find((s) => s.item.id === id);
  });

  const [detail] = createResource(
    () => {
      version();
      const c = current();
      // Read again after a change (the cache entry was dropped): key on status too.
      return c ? `${c.id}|${c.status}|${c.evaluated_at ?? ""}` : undefined;
    },
    (key) => queue.detail(key.split("|")[0] ?? ""),
  );
  createEffect(() => {
    const zone = detail()?.time_zone;
    if (zone) setTimeZone(zone);
  });
  const photos = createMemo(() => detail()?.photos ?? []);
  const currentPhoto = createMemo(() => photos()[photoIndex()]);
  const comparison = createComparison({
    currentId: () => current()?.id,
    detail: () => detail(),
    photoIndex,
    setPhotoIndex,
  });
  const [photoSrc] = createResource(
    () => {
      const d = detail();
      const p = currentPhoto();
      return d && p && p.storage_key !== null && d.id === current()?.id ? { id: d.id, position: p.position } : undefined;
    },
    (key) => queue.photo(key.id, key.position).catch(() => null),
  );

  createEffect(
    on(
      () => current()?.id,
      () => {
        setPhotoIndex(0);
        setZoom(1);
        setDraft(EMPTY_DRAFT);
        setReasonProblem(false);
        // Keep the selected row in view.
        list?.querySelector('[aria-current="true"]')?.scrollIntoView?.({ block: "nearest" });
      },
    ),
  );

  // An accepted change, or a conflict's current state, replaces the row.
  createEffect(
    on(lastAccepted, (accepted) => {
      if (accepted) queue.update(accepted);
    }),
  );
  createEffect(() => {
    for (const s of submissions()) if (s.state === "conflict" && s.current) queue.update(s.current);
  });
  createEffect(() => {
    if (submissions().some((s) => s.error?.code === "unauthenticated")) signedOut();
  });

  const load = async (reload: () => Promise<void> = () => queue.reload()) => {
    setLoading(true);
    setLoadError(null);
    try {
      await reload();
    } catch (e) {
      if (asApiError(e).code === "unauthenticated") signedOut();
      setLoadError(e);
    } finally {
      setLoading(false);
    }
  };

  /** Lists again with the stored filters and status. */
  const reapply = () => void load(() => queue.setFilter(toListFilter(historyFilters(), timeZone()), historyStatus()));
  const applyFilters = (next: Filters) => {
    setHistoryFilters(next);
    reapply();
  };
  const applyStatus = (next: HistoryStatus) => {
    setHistoryStatus(next);
    reapply();
  };

  const change = (verdict: Verdict) => {
    const item = current();
    if (!item || !evaluator()) return;
    const built = reevaluation(item, verdict, draft());
    if (!built.ok) {
      if (built.problem === "reasonRequired") {
        setReasonProblem(true);
        setDialog("reject");
      }
      return;
    }
    outbox.send(item, built.input);
    setDialog("none");
    setDraft(EMPTY_DRAFT);
  };

  const { run, onKeyDown } = reviewShortcuts({
    dialog,
    setDialog,
    verdict: change,
    canReject: () => evaluator() && current() !== undefined,
    next: () => queue.next(),
    previous: () => queue.previous(),
    toggleZoom: () => setZoom(toggleZoom(zoom())),
    resetZoom: () => setZoom(1),
    showPhoto: (index) => {
      if (index < photos().length) setPhotoIndex(index);
    },
    focusComment: () => commentBox?.focus(),
    focusFilters: () => filterBar?.focus(),
    toggleCompare: comparison.toggle,
    comparing: comparison.comparing,
    customerHistory: () => {
      const item = current();
      if (!item) return;
      showCustomerHistory(item.customer_number);
      reapply();
    },
  });

  onMount(() => {
    window.addEventListener("keydown", onKeyDown);
    void load();
    void loadChoices();
  });
  onCleanup(() => {
    window.removeEventListener("keydown", onKeyDown);
    queue.dispose();
  });

  const verdictButton = (verdict: Verdict, key: string, label: "visor.approve" | "visor.reject" | "visor.highlight") => (
    <button
      type="button"
      class={`button button-${verdict === "approved" ? "approve" : verdict === "rejected" ? "reject" : "highlight"}`}
      aria-keyshortcuts={key}
      disabled={!current() || !changeableTo(current()!, verdict) || pendingChange()?.state === "sending"}
      onClick={() => (verdict === "rejected" ? setDialog("reject") : change(verdict))}
    >
      {t(label)} <kbd>{key}</kbd>
    </button>
  );

  return (
    <div class="visor history">
      <div class="review-bar">
        <ReviewTabs />
        <div class="history-toolbar">
          <fieldset class="segmented">
            <legend class="visually-hidden">{t("history.statusLabel")}</legend>
            <For each={HISTORY_STATUSES}>
              {(status) => (
                <label class="segment">
                  <input
                    type="radio"
                    name="history-status"
                    value={status}
                    checked={historyStatus() === status}
                    onChange={() => applyStatus(status)}
                  />
                  <span>{t(`history.statuses.${status}`)}</span>
                </label>
              )}
            </For>
          </fieldset>
        </div>
        <FilterBar
          id="history-filters"
          value={historyFilters()}
          choices={currentChoices()}
          onChange={applyFilters}
          ref={(handle) => (filterBar = handle)}
        />
        <ReviewHelpButton onClick={() => run("help")} />
      </div>
      <OutboxBanners />

      <Show when={loadError() !== null}>
        <div class="banner banner-error" role="alert">
          <p>{describeError(loadError())}</p>
          <button type="button" class="button" onClick={() => void load()}>
            {t("visor.retry")}
          </button>
        </div>
      </Show>

      <Show
        when={current()}
        fallback={
          <section class="card visor-empty" aria-labelledby="history-title">
            <h1 id="history-title">{t("history.title")}</h1>
            <p role="status">
              {loading()
                ? t("history.loading")
                : activeCount(historyFilters()) > 0
                  ? t("history.emptyFiltered")
                  : t("history.empty")}
            </p>
          </section>
        }
      >
        {(item) => (
          <div class="history-grid">
            <section class="history-list card" aria-labelledby="history-title">
              <h1 id="history-title" class="history-heading">
                {t("history.title")}
              </h1>
              <ol ref={list} aria-label={t("history.listLabel")}>
                <For each={items()}>
                  {(row, i) => (
                    <li>
                      <button
                        type="button"
                        class="history-row"
                        aria-current={i() === index()}
                        onClick={() => queue.select(i())}
                      >
                        <span class={`status-badge status-${row.status}`}>{t(`status.${row.status}`)}</span>
                        <span class="history-row-main">
                          <strong>{row.vendor_name}</strong> · {row.customer_number}
                        </span>
                        <span class="history-row-time">{formatWallTime(row.submitted_at_local)}</span>
                      </button>
                    </li>
                  )}
                </For>
              </ol>
              <Show when={!queue.exhausted}>
                <p class="hint">{t("history.more")}</p>
              </Show>
            </section>

            <section class="visor-photo" aria-label={t("visor.photos")}>
              <ReviewPhotos
                queue={queue}
                item={item()}
                detail={detail()?.id === item().id ? detail() : undefined}
                detailLoading={detail.loading}
                photos={photos()}
                photoIndex={photoIndex()}
                onPhotoIndex={setPhotoIndex}
                src={photoSrc() ?? null}
                srcLoading={photoSrc.loading}
                zoom={zoom()}
                onZoom={setZoom}
                comparison={comparison}
              />
            </section>

            <aside class="visor-side card" aria-label={t("history.details")}>
              <p class="history-status">
                <span class={`status-badge status-${item().status}`}>{t(`status.${item().status}`)}</span>
                <Show when={item().evaluator_name}>
                  {(name) => (
                    <span>
                      {t("history.by", { name: name(), when: formatWallTime(item().evaluated_at_local ?? "") })}
                    </span>
                  )}
                </Show>
              </p>
              {/* The listing may predate the photo's storage, where the server finds duplicates. */}
              <Show when={item().possible_duplicate || comparison.earlier() !== null}>
                <DuplicateNote detail={detail()?.id === item().id ? detail() : undefined} comparison={comparison} />
              </Show>
              <dl class="facts">
                <dt>{t("visor.vendor")}</dt>
                <dd>{item().vendor_name}</dd>
                <dt>{t("visor.group")}</dt>
                <dd>{item().group_title}</dd>
                <dt>{t("visor.customer")}</dt>
                <CustomerFact customer={item().customer_number} onHistory={() => run("customerHistory")} />
                <dt>{t("visor.pdvType")}</dt>
                <dd>{item().pdv_type_name}</dd>
                <dt>{t("visor.submitted")}</dt>
                <dd>
                  <time datetime={item().submitted_at}>{formatWallTime(item().submitted_at_local)}</time>
                </dd>
                <Show when={item().rejection_reason}>
                  {(reason) => (
                    <>
                      <dt>{t("history.reason")}</dt>
                      <dd>{reason()}</dd>
                    </>
                  )}
                </Show>
                <Show when={item().comment}>
                  {(comment) => (
                    <>
                      <dt>{t("history.comment")}</dt>
                      <dd>{comment()}</dd>
                    </>
                  )}
                </Show>
              </dl>

              <Show when={(detail()?.history.length ?? 0) > 0}>
                <details class="history-events">
                  <summary>{t("history.events", { count: detail()?.history.length ?? 0 })}</summary>
                  <ol>
                    <For each={detail()?.history ?? []}>
                      {(e) => (
                        <li>
                          {t(e.imported ? "history.eventImported" : "history.event", {
                            from: t(`status.${e.from_status}`),
                            to: t(`status.${e.to_status}`),
                            name: e.actor_name ?? t("visor.someone"),
                            // In the distributor's zone, as every other time of the exhibition.
                            when: formatDateTime(new Date(e.created_at), {
                              dateStyle: "medium",
                              timeStyle: "short",
                              timeZone: detail()?.time_zone,
                            }),
                          })}
                        </li>
                      )}
                    </For>
                  </ol>
                </details>
              </Show>

              <Show when={evaluator()} fallback={<p class="hint">{t("visor.noPermission")}</p>}>
                <h2 class="history-change-title">{t("history.change")}</h2>
                <label for="history-comment">{t("visor.comment")}</label>
                <textarea
                  id="history-comment"
                  ref={commentBox}
                  rows="2"
                  maxLength={1000}
                  value={draft().comment}
                  onInput={(e) => setDraft({ ...draft(), comment: e.currentTarget.value })}
                />
              </Show>
              {/* Kept in view at the panel's foot when the facts above need scrolling. */}
              <div class="visor-actions">
                <Show when={evaluator()}>
                  <div class="verdicts" role="group" aria-label={t("history.change")}>
                    {verdictButton("approved", "A", "visor.approve")}
                    {verdictButton("rejected", "R", "visor.reject")}
                    {verdictButton("highlighted", "D", "visor.highlight")}
                  </div>
                  <Show when={pendingChange()?.state === "sending"}>
                    <p role="status">{t("history.saving")}</p>
                  </Show>
                </Show>
                <div class="nav-buttons">
                  <button type="button" class="button" aria-keyshortcuts="ArrowLeft K" onClick={() => run("previous")}>
                    ← {t("visor.previous")}
                  </button>
                  <button type="button" class="button" aria-keyshortcuts="ArrowRight J" onClick={() => run("next")}>
                    {t("visor.next")} →
                  </button>
                </div>
              </div>
            </aside>
          </div>
        )}
      </Show>

      <Show when={dialog() === "reject"}>
        <RejectDialog
          draft={draft()}
          problem={reasonProblem()}
          onChange={(d) => {
            setDraft(d);
            setReasonProblem(false);
          }}
          onConfirm={() => change("rejected")}
          onCancel={() => setDialog("none")}
        />
      </Show>
      <Show when={dialog() === "help"}>
        <HelpOverlay onClose={() => setDialog("none")} without={["undo"]} />
      </Show>
    </div>
  );
}
