import { useNavigate } from "@solidjs/router";
import { createEffect, createMemo, createResource, createSignal, on, onCleanup, onMount, Show } from "solid-js";
import type { ExhibitionDetail, ExhibitionStatus, ExhibitionSummary, LiveMessage, Verdict } from "../bindings";
import { FilterBar, type FilterBarHandle } from "../components/FilterBar";
import { HelpOverlay } from "../components/HelpOverlay";
import { OutboxBanners } from "../components/OutboxBanners";
import { CustomerFact, DuplicateNote, RejectDialog } from "../components/ReviewParts";
import { ReviewPhotos } from "../components/ReviewPhotos";
import { ReviewHelpButton, ReviewTabs } from "../components/ReviewTabs";
import { formatWallTime, t } from "../i18n";
import { api, asApiError, call } from "../lib/api";
import { useDocumentTitle } from "../lib/document";
import { describeError } from "../lib/errors";
import { liveState, mayHaveMissedEvents, onLive } from "../lib/live";
import { pendingFilter } from "../lib/pending";
import { debounce } from "../ranking/month";
import { photoUrl, releasePhotoUrl, thumbnailUrl } from "../lib/photos";
import { canEvaluate, session, signedOut } from "../lib/session";
import { workingDistributor } from "../lib/workingDistributor";
import { activeCount, toListFilter, type Filters } from "../visor/filters";
import {
  currentChoices,
  loadChoices,
  queueFilters,
  rememberSeen,
  setQueueFilters,
  setTimeZone,
  showCustomerHistory,
  timeZone,
} from "../visor/filterStore";
import { reviewShortcuts, type ReviewDialog } from "../visor/keyboard";
import { ReviewQueue } from "../visor/queue";
import { buildEvaluation, EMPTY_DRAFT, type Draft } from "../visor/reasons";
import { changeableTo } from "../visor/history";
import { lastAccepted, submissions, verdictOutbox } from "../visor/store";
import { undoStep, type Given } from "../visor/undo";
import { createComparison } from "../visor/compare";
import { toggleZoom } from "../visor/zoom";

type Dialog = ReviewDialog;

/** The review screen: pending queue, big photo, verdicts by keyboard or mouse. */
/** How often, and how many times, a detail with photos not yet stored is asked again. */
const PHOTO_RECHECK_MS = 2000;
const PHOTO_RECHECK_TRIES = 30;
/** After a change of the queue, wait this long for the rest of its burst before counting again. */
const RECOUNT_MS = 300;
/** How many verdicts "Deshacer" can take back, newest first. */
const UNDO_DEPTH = 20;

export default function Visor() {
  useDocumentTitle(() => t("visor.title"));
  const [version, setVersion] = createSignal(0);
  const bump = () => setVersion((v) => v + 1);
  const queue = new ReviewQueue({
    list: (filter) => call(api().listExhibitions({ ...filter, distributor: workingDistributor() })),
    detail: (id) => call(api().getExhibition(id)),
    photo: photoUrl,
    thumbnail: thumbnailUrl,
    release: releasePhotoUrl,
    filter: toListFilter(queueFilters(), timeZone()),
    onChange: bump,
    onPage: rememberSeen,
  });
  const outbox = verdictOutbox();
  const navigate = useNavigate();
  let filterBar: FilterBarHandle | undefined;

  const [loading, setLoading] = createSignal(true);
  const [loadError, setLoadError] = createSignal<unknown>(null);
  const [photoIndex, setPhotoIndex] = createSignal(0);
  const [zoom, setZoom] = createSignal(1);
  const [dialog, setDialog] = createSignal<Dialog>("none");
  const [draft, setDraft] = createSignal<Draft>(EMPTY_DRAFT);
  const [reasonProblem, setReasonProblem] = createSignal(false);
  /** The exhibition on screen got a verdict from someone else meanwhile. */
  const [takenElsewhere, setTakenElsewhere] = createSignal<{ id: string; status: ExhibitionStatus } | null>(null);
  /**
   * The verdicts given here, newest last: "Deshacer" takes them back one at a time
   * (a fast hand may approve three by mistake). Whether undoing waits for the newest
   * to reach the server.
   */
  const [given, setGiven] = createSignal<readonly Given[]>([]);
  const newest = (): Given | null => given()[given().length - 1] ?? null;
  const [undoWaiting, setUndoWaiting] = createSignal(false);
  /** What the server recorded for each exhibition given a verdict here. */
  const accepted = new Map<string, ExhibitionDetail>();
  createEffect(
    on(lastAccepted, (detail) => {
      if (detail) accepted.set(detail.id, detail);
    }),
  );
  let commentBox: HTMLTextAreaElement | undefined;

  const current = createMemo<ExhibitionSummary | undefined>(() => {
    version();
    return queue.current();
  });
  const evaluator = () => canEvaluate(session()?.user.role);

  const [detail, { mutate: setDetail }] = createResource(
    () => current()?.id,
    (id) => queue.detail(id),
  );
  // An exhibition that just arrived may still have photos on their way to the
  // server's store (seconds): ask again while it is on screen, for a minute at
  // most (a photo that could not be stored stays unavailable).
  let recheck = { id: "", tries: 0 };
  createEffect(() => {
    const d = detail();
    if (!d || !d.photos.some((p) => p.storage_key === null && p.upload_state !== "failed")) return;
    if (recheck.id !== d.id) recheck = { id: d.id, tries: 0 };
    if (recheck.tries >= PHOTO_RECHECK_TRIES) return;
    recheck.tries += 1;
    const id = d.id;
    const timer = setTimeout(() => {
      queue
        .refreshDetail(id)
        .then((fresh) => {
          if (current()?.id === id) setDetail(fresh);
        })
        .catch(() => {});
    }, PHOTO_RECHECK_MS);
    onCleanup(() => clearTimeout(timer));
  });
  // The date filter's days are the distributor's days.
  createEffect(() => {
    const zone = detail()?.time_zone;
    if (zone) setTimeZone(zone);
  });
  const photos = createMemo(() => detail()?.photos ?? []);
  const currentPhoto = createMemo(() => photos()[photoIndex()]);
  const [photoSrc] = createResource(
    () => {
      const d = detail();
      const p = currentPhoto();
      return d && p && p.storage_key !== null && d.id === current()?.id ? { id: d.id, position: p.position } : undefined;
    },
    (key) => queue.photo(key.id, key.position).catch(() => null),
  );

  const comparison = createComparison({
    currentId: () => current()?.id,
    detail: () => detail(),
    photoIndex,
    setPhotoIndex,
  });

  // A new exhibition starts on its first photo at 100 % with an empty draft.
  createEffect(
    on(
      () => current()?.id,
      () => {
        setPhotoIndex(0);
        setZoom(1);
        setDraft(EMPTY_DRAFT);
        setReasonProblem(false);
      },
    ),
  );

  // A 401 while evaluating sends the person to sign in again; the outbox keeps the verdict.
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

  const give = (verdict: Verdict) => {
    const item = current();
    if (!item || !evaluator()) return;
    // An undone exhibition comes back with its verdict: only a different one is a change.
    if (!changeableTo(item, verdict)) return;
    const built = buildEvaluation(verdict, item.status, draft());
    if (!built.ok) {
      setReasonProblem(true);
      setDialog("reject");
      return;
    }
    outbox.send(item, built.input);
    accepted.delete(item.id);
    setGiven((all) => [...all.filter((g) => g.item.id !== item.id), { item, verdict, input: built.input }].slice(-UNDO_DEPTH));
    setDialog("none");
    queue.remove(item.id);
  };

  const undo = () => {
    const last = newest();
    const step = undoStep(
      last,
      last ? outbox.get(last.item.id) : undefined,
      last ? (accepted.get(last.item.id) ?? null) : null,
    );
    if (step.kind === "wait") {
      setUndoWaiting(true);
      return;
    }
    if (step.kind === "unsent") outbox.discard(step.item.id);
    if (step.kind !== "nothing") queue.restore(step.item);
    setUndoWaiting(false);
    if (last) accepted.delete(last.item.id);
    setGiven((all) => all.slice(0, -1));
  };
  // Undo asked while the verdict was on its way: done once the server answers.
  createEffect(
    on(submissions, () => {
      if (undoWaiting()) undo();
    }),
  );

  const { run, onKeyDown } = reviewShortcuts({
    dialog,
    setDialog,
    verdict: give,
    canReject: () => evaluator() && current() !== undefined,
    next: () => {
      // An undone exhibition left as it was is decided: it leaves the queue.
      const item = current();
      if (item && item.status !== "pending") queue.remove(item.id);
      else queue.next();
    },
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
    undo,
    customerHistory: () => {
      const item = current();
      if (!item) return;
      showCustomerHistory(item.customer_number);
      navigate("/history");
    },
  });

  // New submissions appear by themselves; verdicts given elsewhere leave the queue.
  const onLiveMessage = (m: LiveMessage) => {
    if (m.kind === "exhibition_created" || m.kind === "exhibition_evaluated" || mayHaveMissedEvents(m)) recount();
    if (m.kind === "exhibition_created" || mayHaveMissedEvents(m)) {
      void queue.arrivals().catch(() => {});
    } else if (m.kind === "exhibition_evaluated" && current()?.id === m.exhibition_id && current()?.status === m.status) {
      // The verdict of an undone exhibition on screen, as it already shows it.
    } else if (m.kind === "exhibition_evaluated" && queue.evaluatedElsewhere(m.exhibition_id)) {
      setTakenElsewhere({ id: m.exhibition_id, status: m.status });
    }
  };

  onMount(() => {
    window.addEventListener("keydown", onKeyDown);
    void load();
    void loadChoices();
    onCleanup(onLive(onLiveMessage));
  });

  const applyFilters = (next: Filters) => {
    setQueueFilters(next);
    // The last count was for the other filters.
    setServerTotal(null);
    void load(() => queue.setFilter(toListFilter(next, timeZone())));
  };
  onCleanup(() => {
    window.removeEventListener("keydown", onKeyDown);
    queue.dispose();
  });

  /** How many the server has pending under these filters: the "de N" beyond the pages loaded. */
  const [serverTotal, setServerTotal] = createSignal<number | null>(null);
  let countGeneration = 0;
  const recount = debounce(() => {
    countGeneration += 1;
    const mine = countGeneration;
    call(
      api().countExhibitions(
        pendingFilter({ ...toListFilter(queueFilters(), timeZone()), distributor: workingDistributor() }),
      ),
    )
      .then((c) => {
        if (mine === countGeneration) setServerTotal(c.count);
      })
      .catch(() => {});
  }, RECOUNT_MS);
  // When the queue grows or shrinks here (a verdict, an arrival, other filters) and
  // at each server event (verdicts recorded, arrivals beyond the pages loaded), once per burst.
  const loadedCount = createMemo(() => {
    version();
    return queue.items.length;
  });
  createEffect(on(loadedCount, () => recount()));
  onCleanup(() => recount.cancel());

  const position = () => {
    version();
    const loaded = queue.items.length;
    const current = loaded === 0 ? 0 : queue.index + 1;
    if (queue.exhausted) return t("visor.position", { current, total: loaded });
    const total = serverTotal();
    return total !== null && total >= loaded
      ? t("visor.position", { current, total })
      : t("visor.positionMore", { current, total: loaded });
  };

  return (
    <div class="visor">
      <div class="review-bar">
        <ReviewTabs />
        <FilterBar
          id="queue-filters"
          value={queueFilters()}
          choices={currentChoices()}
          onChange={applyFilters}
          ref={(handle) => (filterBar = handle)}
        />
        <ReviewHelpButton onClick={() => run("help")} />
      </div>
      <OutboxBanners onReviewAgain={(item) => queue.restore(item)} />
      <Show when={newest()}>
        {(last) => (
          <p class="undo-bar" role="status">
            <span>
              {t("visor.undoLast", { verdict: t(`status.${last().verdict}`), customer: last().item.customer_number })}
            </span>
            <button type="button" class="link-button" aria-keyshortcuts="U" onClick={() => run("undo")}>
              {t("visor.undo")} <kbd>U</kbd>
            </button>
          </p>
        )}
      </Show>
      <Show when={liveState() === "interrupted"}>
        <p class="banner banner-warning" role="status">
          {t("visor.liveInterrupted")}
        </p>
      </Show>

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
          <section class="card visor-empty" aria-labelledby="visor-title">
            <h1 id="visor-title">{t("visor.title")}</h1>
            <p role="status">
              {loading() ? t("visor.loading") : activeCount(queueFilters()) > 0 ? t("visor.emptyFiltered") : t("visor.empty")}
            </p>
            <Show when={!loading() && liveState() === "live"}>
              <p class="hint">{t("visor.liveHint")}</p>
            </Show>
            <Show when={!loading()}>
              <button type="button" class="button" onClick={() => void load()}>
                {t("visor.reload")}
              </button>
            </Show>
          </section>
        }
      >
        {(item) => (
          <div class="visor-grid">
            <section class="visor-photo" aria-labelledby="visor-title">
              <h1 id="visor-title" class="visually-hidden">
                {t("visor.title")}
              </h1>
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

            <aside class="visor-side card" aria-label={t("visor.title")}>
              <p class="visor-position">{position()}</p>
              <Show when={takenElsewhere()?.id === item().id ? takenElsewhere() : undefined}>
                {(taken) => (
                  <p class="banner banner-warning" role="alert">
                    {t("visor.takenElsewhere", { status: t(`status.${taken().status}`) })}
                  </p>
                )}
              </Show>
              <Show when={item().status !== "pending"}>
                <p class="banner banner-info" role="note">
                  {t("visor.undone", { status: t(`status.${item().status}`) })}
                </p>
              </Show>
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
              </dl>

              <label for="visor-comment">{t("visor.comment")}</label>
              <textarea
                id="visor-comment"
                ref={commentBox}
                rows="2"
                maxLength={1000}
                disabled={!evaluator()}
                value={draft().comment}
                onInput={(e) => setDraft({ ...draft(), comment: e.currentTarget.value })}
              />

              {/* Kept in view at the panel's foot when the facts above need scrolling. */}
              <div class="visor-actions">
                <Show when={evaluator()} fallback={<p class="hint">{t("visor.noPermission")}</p>}>
                  <div class="verdicts" role="group" aria-label={t("visor.title")}>
                    <button
                      type="button"
                      class="button button-approve"
                      aria-keyshortcuts="A"
                      disabled={!changeableTo(item(), "approved")}
                      onClick={() => give("approved")}
                    >
                      {t("visor.approve")} <kbd>A</kbd>
                    </button>
                    <button type="button" class="button button-reject" aria-keyshortcuts="R" onClick={() => setDialog("reject")}>
                      {t("visor.reject")} <kbd>R</kbd>
                    </button>
                    <button
                      type="button"
                      class="button button-highlight"
                      aria-keyshortcuts="D"
                      disabled={!changeableTo(item(), "highlighted")}
                      onClick={() => give("highlighted")}
                    >
                      {t("visor.highlight")} <kbd>D</kbd>
                    </button>
                  </div>
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
          onConfirm={() => give("rejected")}
          onCancel={() => setDialog("none")}
        />
      </Show>
      <Show when={dialog() === "help"}>
        <HelpOverlay onClose={() => setDialog("none")} />
      </Show>
    </div>
  );
}
