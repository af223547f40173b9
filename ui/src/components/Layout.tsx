import { A, useLocation, useNavigate, type RouteSectionProps } from "@solidjs/router";
import { For, onCleanup, Show } from "solid-js";
import { formatNumber, t } from "../i18n";
import { pendingCount, watchPending } from "../lib/pending";
import { watchNewExhibitions } from "../lib/notices";
import { showPendingOnTaskbar } from "../lib/taskbar";
import { canAdminister, canEvaluate, kiosk, logout, session } from "../lib/session";
import { useDocumentLang } from "../lib/document";
import { APP_VERSION } from "../lib/version";
import { distributorOnScreen, loadDistributors } from "../lib/workingDistributor";
import { LocaleSwitcher } from "./LocaleSwitcher";
import { PageZoomControl } from "./PageZoomControl";

/** The screens of a signed-in person, in the navigation's order. */
const SESSION_LINKS = [
  ["/visor", "nav.visor"],
  ["/history", "nav.history"],
  ["/ranking", "nav.ranking"],
  ["/reports", "nav.reports"],
] as const;

/** App frame shared by every screen: banner, navigation, main region, footer. */
export function Layout(props: RouteSectionProps) {
  useDocumentLang();
  let main: HTMLElement | undefined;
  const navigate = useNavigate();
  const location = useLocation();

  return (
    <Show
      when={location.pathname !== "/tv" && !(location.pathname === "/kiosk" && kiosk() !== null)}
      // The TV dashboard is the whole screen: no banner, navigation or footer.
      fallback={<main class="kiosk">{props.children}</main>}
    >
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
              <Show when={session()}>
                <For each={SESSION_LINKS}>
                  {([href, label]) => (
                    <li>
                      <A href={href} activeClass="active">
                        {t(label)}
                        <Show when={href === "/visor" && pendingCount()}>
                          {(pending) => (
                            <>
                              {" "}
                              <span class="nav-badge" aria-hidden="true">
                                {formatNumber(pending().count)}
                              </span>
                              <span class="visually-hidden">{t("nav.pendingSpoken", { count: pending().count })}</span>
                            </>
                          )}
                        </Show>
                      </A>
                    </li>
                  )}
                </For>
                <Show when={canAdminister(session()?.user.role)}>
                  <li>
                    <A href="/admin" activeClass="active">
                      {t("nav.admin")}
                    </A>
                  </li>
                </Show>
              </Show>
              <li>
                <A href="/about" activeClass="active">
                  {t("nav.about")}
                </A>
              </li>
            </ul>
          </nav>
          <Show when={session()}>
            {(s) => (
              <div class="user-menu">
                <span class="user-name">{s().user.display_name}</span>
                <button
                  type="button"
                  class="button"
                  onClick={() => void logout().finally(() => navigate("/login"))}
                >
                  {t("nav.logout")}
                </button>
              </div>
            )}
          </Show>
        </header>
        <Show when={session()?.user.role === "superadmin"}>
          <SuperadminScope />
        </Show>
        {/* Started again for another distributor when the superadmin moves to one. */}
        <Show when={distributorOnScreen()} keyed>
          {(_distributor: number) => <PendingWatcher />}
        </Show>
        <main id="main" ref={main} tabindex="-1">
          {props.children}
        </main>
        <footer class="footer">
          <span>
            {t("app.name")} · {t("app.version", { version: APP_VERSION })}
          </span>
          <div class="footer-settings">
            <PageZoomControl />
            <LocaleSwitcher />
          </div>
        </footer>
      </div>
    </Show>
  );
}

/**
 * The superadmin works in one distributor at a time: the one chosen before (on
 * this computer), or the first the server lists.
 */
function SuperadminScope() {
  // A failure leaves no distributor chosen: the home screen's picker says why and retries.
  loadDistributors().catch(() => undefined);
  return null;
}

/**
 * Keeps the pending figure current while someone of a distributor is signed in;
 * for those who review, shows it on the taskbar and tells of new exhibitions
 * while the app is not in front.
 */
function PendingWatcher() {
  const navigate = useNavigate();
  onCleanup(watchPending());
  const reviewer = canEvaluate(session()?.user.role);
  // A click on the notice: the shell brought the window forward; show what it told of.
  if (reviewer) {
    onCleanup(watchNewExhibitions(() => navigate("/visor")));
    showPendingOnTaskbar();
  }
  return null;
}
