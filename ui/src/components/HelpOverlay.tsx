import { For, onMount } from "solid-js";
import { t } from "../i18n";
import { KEYMAP } from "../visor/keyboard";

/** The "?" overlay listing every Visor shortcut (from the one keymap). */
export function HelpOverlay(props: { onClose: () => void }) {
  let close: HTMLButtonElement | undefined;
  onMount(() => close?.focus());
  return (
    <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="help-title">
      <div class="dialog card">
        <h2 id="help-title">{t("visor.helpTitle")}</h2>
        <dl class="keys">
          <For each={KEYMAP}>
            {(binding) => (
              <>
                <dt>
                  <kbd>{binding.label}</kbd>
                </dt>
                <dd>{t(binding.description)}</dd>
              </>
            )}
          </For>
        </dl>
        <button type="button" class="button" ref={close} onClick={() => props.onClose()}>
          {t("visor.helpClose")}
        </button>
      </div>
    </div>
  );
}
