import { onMount, Show } from "solid-js";
import type { CommandError } from "../bindings";
import { t } from "../i18n";
import { asApiError } from "../lib/api";
import { describeError, errorDetail } from "../lib/errors";

/**
 * A failed command, explained: the translated message for its code (or the
 * screen's own for that code, e.g. "that username exists"), and the detail the
 * server or the shell gave (a 422's reason, say) on a second line.
 */
export function ErrorBanner(props: {
  error: unknown;
  /** Messages of this screen that say more than the general one for a code. */
  messages?: Partial<Record<CommandError["code"], string>> | undefined;
  id?: string | undefined;
  /** Offers "Reintentar" (a list that could not be read). */
  retry?: (() => void) | undefined;
  /** Take the focus when shown (after a form's save failed, its button was disabled). */
  focus?: boolean | undefined;
}) {
  let box: HTMLDivElement | undefined;
  onMount(() => {
    if (props.focus) box?.focus();
  });
  const text = () => props.messages?.[asApiError(props.error).code] ?? describeError(props.error);
  const detail = () => errorDetail(props.error);
  return (
    <div class="banner banner-error" role="alert" id={props.id} ref={box} tabindex="-1">
      <p>{text()}</p>
      <Show when={detail() !== "" && detail() !== text()}>
        <p class="detail">{t("errors.detail", { detail: detail() })}</p>
      </Show>
      <Show when={props.retry}>
        {(retry) => (
          <p class="banner-actions">
            <button type="button" class="button" onClick={() => retry()()}>
              {t("visor.retry")}
            </button>
          </p>
        )}
      </Show>
    </div>
  );
}
