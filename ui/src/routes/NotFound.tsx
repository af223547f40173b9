import { A, useLocation } from "@solidjs/router";
import { t } from "../i18n";
import { useDocumentTitle } from "../lib/document";

export default function NotFound() {
  const location = useLocation();
  useDocumentTitle(() => t("notFound.title"));

  return (
    <section class="not-found" aria-labelledby="not-found-title">
      <h1 id="not-found-title">{t("notFound.title")}</h1>
      <p>{t("notFound.body", { path: location.pathname })}</p>
      <p>
        <A href="/" class="button">
          {t("notFound.backHome")}
        </A>
      </p>
    </section>
  );
}
