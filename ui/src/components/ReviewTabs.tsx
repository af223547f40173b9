import { A } from "@solidjs/router";
import { t } from "../i18n";

/** The two tabs of the review area: pending queue and history. */
export function ReviewTabs() {
  return (
    <nav class="review-tabs" aria-label={t("review.tabs")}>
      <A href="/visor" activeClass="active" end>
        {t("review.pending")}
      </A>
      <A href="/history" activeClass="active" end>
        {t("review.history")}
      </A>
    </nav>
  );
}

/** "Atajos de teclado" in the review bar; on a narrow window only its key shows (its name stays). */
export function ReviewHelpButton(props: { onClick: () => void }) {
  return (
    <button type="button" class="button review-help" aria-label={t("visor.help")} aria-keyshortcuts="?" onClick={() => props.onClick()}>
      <span class="review-help-text" aria-hidden="true">
        {t("visor.help")}
      </span>{" "}
      <kbd>?</kbd>
    </button>
  );
}
