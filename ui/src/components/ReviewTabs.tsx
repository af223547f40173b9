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
