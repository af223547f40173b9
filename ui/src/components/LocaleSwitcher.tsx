import { For } from "solid-js";
import { LOCALES, isLocale, locale, setLocale, t } from "../i18n";

export function LocaleSwitcher() {
  return (
    <div class="locale-switcher">
      <label for="locale-select">{t("locale.label")}</label>
      <select
        id="locale-select"
        value={locale()}
        onChange={(event) => {
          const next = event.currentTarget.value;
          if (isLocale(next)) setLocale(next);
        }}
      >
        <For each={LOCALES}>
          {(code) => (
            <option value={code} lang={code}>
              {t(`locale.${code}`)}
            </option>
          )}
        </For>
      </select>
    </div>
  );
}
