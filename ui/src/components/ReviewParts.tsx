/**
 * Pieces shared by the visor and the history: photo thumbnails, the customer
 * number with its history link, the duplicate note and the reject dialog.
 */
import { createResource, For, onMount, Show } from "solid-js";
import type { ExhibitionDetail, Photo } from "../bindings";
import { formatInstant, formatWallTime, t } from "../i18n";
import { isTypingTarget } from "../visor/keyboard";
import type { Comparison } from "../visor/compare";
import type { ReviewQueue } from "../visor/queue";
import { REASONS, type Draft, type ReasonId } from "../visor/reasons";

function Thumbnail(props: { queue: ReviewQueue; id: string; position: number; available: boolean }) {
  const [src] = createResource(
    () => (props.available ? { id: props.id, position: props.position } : undefined),
    (k) => props.queue.thumbnail(k.id, k.position).catch(() => null),
  );
  return (
    <Show when={src()} fallback={<span class="thumbnail-empty">{props.position}</span>}>
      {(s) => <img src={s()} alt="" />}
    </Show>
  );
}

/** A burst's photos as buttons (shown when there are several); each shows its key, 1–9. */
export function ThumbnailStrip(props: {
  queue: ReviewQueue;
  id: string;
  photos: readonly Photo[];
  selected: number;
  onSelect: (index: number) => void;
  /** Another exhibition's photos (the earlier one of a comparison): named as such, with no keys. */
  earlier?: boolean;
}) {
  return (
    <Show when={props.photos.length > 1}>
      <ul class="thumbnails" aria-label={t(props.earlier ? "visor.compareEarlierPhotos" : "visor.photos")}>
        <For each={props.photos}>
          {(p, i) => (
            <li>
              <button
                type="button"
                class="thumbnail"
                aria-pressed={i() === props.selected}
                aria-label={t(props.earlier ? "visor.compareEarlierThumbnail" : "visor.thumbnail", {
                  position: i() + 1,
                  count: props.photos.length,
                })}
                onClick={() => props.onSelect(i())}
              >
                <Thumbnail queue={props.queue} id={props.id} position={p.position} available={p.storage_key !== null} />
                <Show when={i() < 9 && !props.earlier}>
                  <kbd class="thumbnail-key" aria-hidden="true">
                    {i() + 1}
                  </kbd>
                </Show>
              </button>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}

/** The customer number, and the way to that shop's evaluated exhibitions (also the `H` key). */
export function CustomerFact(props: { customer: string; onHistory: () => void }) {
  return (
    <dd class="customer-fact">
      <span>{props.customer}</span>
      <button
        type="button"
        class="link-button"
        aria-keyshortcuts="H"
        onClick={() => props.onHistory()}
      >
        {t("visor.customerHistory")} <kbd>H</kbd>
      </button>
    </dd>
  );
}

/** When the earlier submission was sent, in the distributor's zone. */
export function earlierWhen(detail: ExhibitionDetail | undefined, utc: string): string {
  const local = detail?.duplicate_of_submitted_at_local;
  return local ? formatWallTime(local) : formatInstant(utc, detail?.time_zone);
}

/**
 * The possible-duplicate warning, naming the earlier submission once the
 * detail (which carries it) has loaded, with the way to see both side by side
 * (also the `V` key). Never a reason to reject by itself.
 */
export function DuplicateNote(props: { detail: ExhibitionDetail | undefined; comparison: Comparison }) {
  return (
    <div class="banner banner-warning duplicate-note" role="note">
      <p>
        {t("visor.duplicate")}
        <Show when={props.detail?.duplicate_of}>
          {(earlier) => (
            <>
              {" "}
              {t("visor.duplicateOf", {
                when: earlierWhen(props.detail, earlier().submitted_at),
              })}
            </>
          )}
        </Show>
      </p>
      <Show when={props.comparison.earlier()}>
        <button
          type="button"
          class="link-button"
          aria-keyshortcuts="V"
          aria-pressed={props.comparison.comparing()}
          onClick={() => props.comparison.toggle()}
        >
          {t("visor.compare")} <kbd>V</kbd>
        </button>
      </Show>
    </div>
  );
}

export function RejectDialog(props: {
  draft: Draft;
  problem: boolean;
  onChange: (draft: Draft) => void;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  let first: HTMLInputElement | undefined;
  onMount(() => first?.focus());
  const pick = (reason: ReasonId) => props.onChange({ ...props.draft, reason });
  const onKeyDown = (e: KeyboardEvent) => {
    if (isTypingTarget(e.target) && (e.target as HTMLElement).tagName !== "INPUT") return;
    const n = Number(e.key);
    const reason = REASONS[n - 1];
    if (Number.isInteger(n) && reason !== undefined && !(e.target instanceof HTMLTextAreaElement)) {
      e.preventDefault();
      pick(reason);
    }
  };
  return (
    <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="reject-title" onKeyDown={onKeyDown}>
      <form
        class="dialog card"
        onSubmit={(e) => {
          e.preventDefault();
          props.onConfirm();
        }}
      >
        <h2 id="reject-title">{t("visor.rejectTitle")}</h2>
        <fieldset>
          <legend>{t("visor.reasonLabel")}</legend>
          <For each={REASONS}>
            {(reason, i) => (
              <label class="radio">
                <input
                  ref={(el) => {
                    // The dialog takes the focus on its first reason (keyboard users).
                    if (i() === 0) first = el;
                  }}
                  type="radio"
                  name="reason"
                  value={reason}
                  checked={props.draft.reason === reason}
                  onChange={() => pick(reason)}
                />
                <kbd>{i() + 1}</kbd> {t(`visor.reasons.${reason}`)}
              </label>
            )}
          </For>
        </fieldset>
        <label for="reject-extra">{t("visor.reasonExtra")}</label>
        <textarea
          id="reject-extra"
          rows="2"
          maxLength={500}
          value={props.draft.reasonText}
          onInput={(e) => props.onChange({ ...props.draft, reasonText: e.currentTarget.value })}
        />
        <Show when={props.problem}>
          <p class="banner banner-error" role="alert">
            {t("visor.reasonRequired")}
          </p>
        </Show>
        <div class="dialog-actions">
          <button type="submit" class="button button-reject">
            {t("visor.confirmReject")}
          </button>
          <button type="button" class="button" onClick={() => props.onCancel()}>
            {t("visor.cancel")} <kbd>Esc</kbd>
          </button>
        </div>
      </form>
    </div>
  );
}
