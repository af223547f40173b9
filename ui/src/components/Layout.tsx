import { A, type RouteSectionProps } from "@solidjs/router";
import { t } from "../i18n";
import { useDocumentLang } from "../lib/document";
import { APP_VERSION } from "../lib/version";
import { LocaleSwitcher } from "./LocaleSwitcher";

/** App frame shared by every screen: banner, navigation, main region, footer. */
export function Layout(props: RouteSectionProps) {
  useDocumentLang();
  let main: HTMLElement | undefined;

  return (
    <div class="shell">
      {/* A plain "#main" link would be taken as a route by the hash router. */}
      <button
        type="button"
        class="skip-link"
        onClick={() => main?.focus()}
      >
        {t("app.skipToContent")}
      </button>
      <header class="topbar">
        <A href="/" class="brand" end>
          <img src={`${import.meta.env.BASE_URL}favicon.svg`} alt="" width="28" height="28" />
          <span>{t("app.name")}</span>
        </A>
        <nav aria-label={t("nav.label")}>
          <ul class="nav-list">
            <li>
              <A href="/" end activeClass="active">
                {t("nav.home")}
              </A>
            </li>
          </ul>
        </nav>
        <LocaleSwitcher />
      </header>
      <main id="main" ref={main} tabindex="-1">
        {props.children}
      </main>
      <footer class="footer">
        <span>
          {t("app.name")} · {t("app.version", { version: APP_VERSION })}
        </span>
      </footer>
    </div>
  );
}
