import { For, onMount } from "solid-js";
import { t } from "../i18n";
import { KEYMAP, type VisorAction } from "../visor/keyboard";

/** The "?" overlay listing the screen's shortcuts (from the one keymap, less what it lacks). */
export function HelpOverlay(props: { onClose: () => void; without?: readonly VisorAction[] }) {
  let close: HTMLButtonElement | undefined;
  onMount(() => close?.focus());
  return (
    <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="help-title">
      <div class="dialog card">
        <h2 id="help-title">{t("visor.helpTitle")}</h2>
        <dl class="keys">
          <For each={KEYMAP.filter((b) => !props.without?.includes(b.action))}>
            {(binding) => (
              <>
                <dt>
                  <kbd>{binding.label}</kbd>
                </dt>
                <dd>{t(binding.description)}</dd>
              </>
            )}
          </For>
          <dt>
            <kbd>Ctrl +</kbd> / <kbd>Ctrl −</kbd> / <kbd>Ctrl 0</kbd>
          </dt>
          <dd>{t("visor.keys.pageZoom")}</dd>
        </dl>
        <button type="button" class="button" ref={close} onClick={() => props.onClose()}>
          {t("visor.helpClose")}
        </button>
      </div>
    </div>
  );
}
