import { A } from "@solidjs/router";
import { createSignal, For, Show } from "solid-js";
import { ChangePasswordDialog } from "../components/ChangePasswordDialog";
import { formatWallTime, t } from "../i18n";
import { useDocumentTitle } from "../lib/document";
import { pendingCount } from "../lib/pending";
import { canAdminister, canEvaluate, session } from "../lib/session";
import {
  chooseDistributor,
  distributorOnScreen,
  loadDistributors,
  workingDistributors,
} from "../lib/workingDistributor";

/** After sign-in: who you are, your role and distributor, and where to go. */
export default function Home() {
  useDocumentTitle();
  const [changing, setChanging] = createSignal(false);
  const [changed, setChanged] = createSignal(false);
  let opener: HTMLButtonElement | undefined;
  return (
    <Show when={session()}>
      {(s) => (
        <section class="card home" aria-labelledby="home-title">
          <h1 id="home-title">{t("home.title", { name: s().user.display_name })}</h1>
          <dl class="facts">
            <dt>{t("home.username")}</dt>
            <dd>{s().user.username}</dd>
            <dt>{t("home.role")}</dt>
            <dd>{t(`roles.${s().user.role}`)}</dd>
            <dt>{t("home.distributor")}</dt>
            <dd>
              {s().user.distributor_id === null
                ? t("home.noDistributor")
                : (s().user.distributor_name ?? t("home.distributorId", { id: String(s().user.distributor_id) }))}
            </dd>
            <dt>{t("nav.server")}</dt>
            <dd>{s().server_url}</dd>
          </dl>
          <Show when={s().remember_failed}>
            <p class="banner banner-warning" role="status">
              {t("login.rememberFailed")}
            </p>
          </Show>
          <Show when={s().remembered}>
            <p class="hint">{t("home.remembered")}</p>
          </Show>
          <Show when={s().user.role === "superadmin"}>
            <WorkingDistributorPicker />
          </Show>
          <Show when={distributorOnScreen() !== null && pendingCount()}>
            {(pending) => (
              <div class="home-pending" data-testid="home-pending">
                <Show when={pending().count > 0} fallback={<p>{t("home.pendingNone")}</p>}>
                  <p class="home-pending-count">{t("home.pending", { count: pending().count })}</p>
                  <Show when={pending().oldest_submitted_at_local}>
                    {(when) => <p class="hint">{t("home.pendingOldest", { when: formatWallTime(when()) })}</p>}
                  </Show>
                </Show>
              </div>
            )}
          </Show>
          <p class="actions">
            <A href="/visor" class="button button-primary">
              {t("home.openVisor")}
            </A>{" "}
            <A href="/history" class="button">
              {t("home.openHistory")}
            </A>{" "}
            <A href="/ranking" class="button">
              {t("home.openRanking")}
            </A>{" "}
            <A href="/reports" class="button">
              {t("home.openReports")}
            </A>
            <Show when={canAdminister(s().user.role)}>
              {" "}
              <A href="/admin" class="button">
                {t("home.openAdmin")}
              </A>
            </Show>
          </p>
          <Show when={!canEvaluate(s().user.role)}>
            <p class="hint">{t("visor.noPermission")}</p>
          </Show>
          <div class="home-account">
            <button
              type="button"
              class="button"
              ref={opener}
              onClick={() => {
                setChanged(false);
                setChanging(true);
              }}
            >
              {t("account.open")}
            </button>
            <Show when={changed()}>
              <p class="banner banner-info" role="status">
                {t("account.changed")}
              </p>
            </Show>
          </div>
          <Show when={changing()}>
            <ChangePasswordDialog
              onClose={() => setChanging(false)}
              onChanged={() => {
                setChanging(false);
                setChanged(true);
              }}
              returnFocus={() => opener}
            />
          </Show>
        </section>
      )}
    </Show>
  );
}

/** The superadmin's choice of the distributor the whole app shows. */
function WorkingDistributorPicker() {
  const [failed, setFailed] = createSignal(false);
  const read = () => {
    setFailed(false);
    loadDistributors().catch(() => setFailed(true));
  };
  read();
  return (
    <div class="filter-field home-working">
      <Show
        when={workingDistributors().length > 0}
        fallback={
          <Show when={failed()} fallback={<p class="hint">{t("home.noDistributors")}</p>}>
            <p class="banner banner-warning" role="alert">
              {t("home.distributorsFailed")}{" "}
              <button type="button" class="button" onClick={read}>
                {t("visor.retry")}
              </button>
            </p>
          </Show>
        }
      >
        <label for="working-distributor">{t("home.workIn")}</label>
        <select
          id="working-distributor"
          aria-describedby="working-distributor-hint"
          onChange={(e) => chooseDistributor(Number(e.currentTarget.value))}
        >
          <For each={workingDistributors()}>
            {(d) => (
              <option value={d.id} selected={d.id === distributorOnScreen()}>
                {d.name}
              </option>
            )}
          </For>
        </select>
        <p class="hint" id="working-distributor-hint">
          {t("home.workInHint")}
        </p>
      </Show>
    </div>
  );
}
