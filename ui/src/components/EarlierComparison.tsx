import { createEffect, createResource, createSignal, on, onCleanup, Show, type JSX } from "solid-js";
import type { DuplicateOf, ExhibitionDetail } from "../bindings";
import { formatWallTime, t } from "../i18n";
import { describeError } from "../lib/errors";
import { indexOfPosition } from "../visor/compare";
import type { ReviewQueue } from "../visor/queue";
import { PhotoPlaceholder } from "./PhotoViewer";
import { earlierWhen, ThumbnailStrip } from "./ReviewParts";

type Loaded = { ok: true; detail: ExhibitionDetail } | { ok: false; error: unknown };

/**
 * A possible duplicate's photo beside the earlier exhibition's that looks like it,
 * with who sent the earlier one, for which shop, and what became of it: what a
 * supervisor needs to tell a re-sent photo from a new one of the same shelf.
 */
export function EarlierComparison(props: {
  queue: ReviewQueue;
  /** The exhibition on screen (its detail names the earlier one). */
  detail: ExhibitionDetail;
  earlier: DuplicateOf;
  currentSrc: string | null;
  currentAlt: string;
  currentLoading: boolean;
  /** The server gave up on storing the photo on screen. */
  currentFailed: boolean;
  /** The burst strip of the exhibition on screen (keys 1–9 still pick its photos). */
  currentStrip: JSX.Element;
  onStop: () => void;
}) {
  // Its photos are freed once it is off screen (unless the listing holds it too).
  createEffect(on(() => props.earlier.id, (id) => onCleanup(() => props.queue.release(id))));
  // Fresh: the earlier one may have been evaluated since it was last fetched.
  const [loaded] = createResource(
    () => props.earlier.id,
    (id): Promise<Loaded> =>
      props.queue.refreshDetail(id).then(
        (detail) => ({ ok: true, detail }),
        (error: unknown) => ({ ok: false, error }),
      ),
  );
  const earlierDetail = () => {
    const l = loaded();
    return l?.ok ? l.detail : undefined;
  };
  const [chosen, setChosen] = createSignal<number | null>(null);
  const shown = () => {
    const d = earlierDetail();
    return d ? (chosen() ?? indexOfPosition(d.photos, props.earlier.earlier_photo_position)) : 0;
  };
  const [earlierSrc] = createResource(
    () => {
      const d = earlierDetail();
      const p = d?.photos[shown()];
      return d && p && p.storage_key !== null ? { id: d.id, position: p.position } : undefined;
    },
    (k) => props.queue.photo(k.id, k.position).catch(() => null),
  );

  return (
    <>
      <div class="comparison" role="group" aria-label={t("visor.compareTitle")}>
        <figure class="comparison-pane">
          <figcaption>
            <strong>{t("visor.compareThis")}</strong>
          </figcaption>
          <div class="photo-stage comparison-stage">
            <Show
              when={props.currentSrc}
              fallback={<PhotoPlaceholder loading={props.currentLoading} failed={props.currentFailed} />}
            >
              {(src) => <img src={src()} alt={props.currentAlt} draggable={false} />}
            </Show>
          </div>
          {props.currentStrip}
        </figure>
        <figure class="comparison-pane">
          <figcaption>
            <strong>{t("visor.compareEarlier")}</strong>{" "}
            {t("visor.compareEarlierSent", { when: earlierWhen(props.detail, props.earlier.submitted_at) })}
          </figcaption>
          <div class="photo-stage comparison-stage">
            <Show when={earlierSrc()} fallback={<EarlierPlaceholder loaded={loaded()} loading={earlierSrc.loading} />}>
              {(src) => (
                <img
                  src={src()}
                  alt={t("visor.compareEarlierAlt", {
                    position: shown() + 1,
                    count: Math.max(earlierDetail()?.photos.length ?? 0, 1),
                    customer: earlierDetail()?.customer_number ?? "",
                  })}
                  draggable={false}
                />
              )}
            </Show>
          </div>
          <Show when={earlierDetail()}>
            {(d) => (
              <>
                <ThumbnailStrip
                  queue={props.queue}
                  id={d().id}
                  photos={d().photos}
                  selected={shown()}
                  onSelect={setChosen}
                  earlier
                />
                <EarlierFacts detail={d()} />
              </>
            )}
          </Show>
        </figure>
      </div>
      <div class="comparison-controls">
        <button type="button" class="button" aria-keyshortcuts="V" onClick={() => props.onStop()}>
          {t("visor.compareStop")} <kbd>V</kbd>
        </button>
      </div>
    </>
  );
}

/** Where the earlier photo is not shown: its detail loading or refused, else as for any photo. */
function EarlierPlaceholder(props: { loaded: Loaded | undefined; loading: boolean }) {
  const status = (text: string) => (
    <p class="photo-placeholder" role="status">
      {text}
    </p>
  );
  const failure = () => {
    const l = props.loaded;
    return l && !l.ok ? l.error : undefined;
  };
  return (
    <Show when={props.loaded} fallback={status(t("visor.compareLoading"))}>
      <Show when={failure()} fallback={<PhotoPlaceholder loading={props.loading} />}>
        {(error) => status(t("visor.compareUnavailable", { error: describeError(error()) }))}
      </Show>
    </Show>
  );
}

/** Who sent the earlier exhibition, for which shop, and its verdict. */
function EarlierFacts(props: { detail: ExhibitionDetail }) {
  const status = () => t(`status.${props.detail.status}`);
  return (
    <dl class="facts comparison-facts">
      <dt>{t("visor.vendor")}</dt>
      <dd>{props.detail.vendor_name}</dd>
      <dt>{t("visor.customer")}</dt>
      <dd>{props.detail.customer_number}</dd>
      <dt>{t("visor.group")}</dt>
      <dd>{props.detail.group_title}</dd>
      <dt>{t("visor.pdvType")}</dt>
      <dd>{props.detail.pdv_type_name}</dd>
      <dt>{t("visor.compareStatus")}</dt>
      <dd>
        {props.detail.evaluator_name
          ? t("visor.compareStatusBy", { status: status(), name: props.detail.evaluator_name })
          : status()}
        <Show when={props.detail.rejection_reason}>{(reason) => <> ({reason()})</>}</Show>
        <Show when={props.detail.evaluated_at_local}>
          {(when) => <span class="comparison-when"> · {formatWallTime(when())}</span>}
        </Show>
      </dd>
    </dl>
  );
}
