import { createMemo, For, Show } from "solid-js";
import type { ExhibitionSummary } from "../bindings";
import { t } from "../i18n";
import { describeError } from "../lib/errors";
import { submissions, verdictOutbox } from "../visor/store";

/**
 * The verdicts on their way (sending, retrying) and those that need the person
 * (failed, refused, conflict), shared by the visor and the history: a verdict
 * is never lost silently.
 */
export function OutboxBanners(props: { onReviewAgain?: (item: ExhibitionSummary) => void }) {
  const outbox = verdictOutbox;
  const attention = createMemo(() =>
    submissions().filter((s) => s.state === "failed" || s.state === "refused" || s.state === "conflict"),
  );
  const inFlight = createMemo(() => submissions().filter((s) => s.state === "sending").length);
  const retrying = createMemo(() => submissions().filter((s) => s.state === "retrying").length);

  return (
    <div class="visor-banners" aria-live="polite">
      <Show when={retrying() > 0}>
        <p class="banner banner-warning" role="status">
          {t("visor.retrying", { count: retrying() })}
        </p>
      </Show>
      <Show when={inFlight() > 0 && retrying() === 0}>
        <p class="banner banner-info" role="status">
          {t("visor.sending", { count: inFlight() })}
        </p>
      </Show>
      <For each={attention()}>
        {(s) => (
          <div class="banner banner-error" role="alert">
            <p>
              {s.state === "conflict"
                ? t("visor.conflict", {
                    customer: s.item.customer_number,
                    name: s.current?.evaluator_name ?? t("visor.someone"),
                    status: t(`status.${s.current?.status ?? "pending"}`),
                  })
                : t(s.state === "failed" ? "visor.failed" : "visor.refused", {
                    customer: s.item.customer_number,
                    error: s.error ? `${describeError(s.error)} (${s.error.error.message})` : "",
                  })}
            </p>
            <div class="banner-actions">
              <Show when={s.state === "failed"}>
                <button type="button" class="button" onClick={() => outbox().retry(s.item.id)}>
                  {t("visor.retry")}
                </button>
              </Show>
              <Show when={s.state === "refused" && props.onReviewAgain}>
                <button
                  type="button"
                  class="button"
                  onClick={() => {
                    outbox().discard(s.item.id);
                    props.onReviewAgain?.(s.item);
                  }}
                >
                  {t("visor.reviewAgain")}
                </button>
              </Show>
              <button type="button" class="button" onClick={() => outbox().discard(s.item.id)}>
                {s.state === "conflict" ? t("visor.dismiss") : t("visor.discard")}
              </button>
            </div>
          </div>
        )}
      </For>
    </div>
  );
}
