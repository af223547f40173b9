import { A, Navigate, useNavigate } from "@solidjs/router";
import { createEffect, createSignal, Match, onCleanup, Show, Switch } from "solid-js";
import { ConfirmDialog } from "../components/ConfirmDialog";
import { TvBoard } from "../components/TvBoard";
import { t } from "../i18n";
import { api, asApiError, call } from "../lib/api";
import { useDocumentTitle } from "../lib/document";
import { describeError, errorDetail } from "../lib/errors";
import { onLive } from "../lib/live";
import { boot, kiosk, kioskEnded, kioskRevoked, kioskStarted, server } from "../lib/session";
import { useLiveRanking } from "../ranking/liveRanking";

/**
 * This computer as the office TV: a TV code (created by an admin in
 * Administración → Pantallas TV) instead of a person's account, so nobody stays
 * signed in on a screen in the hall. Asks for the code, then shows the board
 * until someone leaves TV mode (with a confirmation) or the code is revoked.
 */
export default function Kiosk() {
  useDocumentTitle(() => t("kiosk.title"));
  return (
    <Switch>
      <Match when={boot().kind === "loading" || boot().kind === "startingLocal"}>
        <p class="status" role="status">
          {t("login.checking")}
        </p>
      </Match>
      <Match when={server() === null}>
        <Navigate href="/connect" />
      </Match>
      <Match when={kiosk()}>
        <KioskBoard onRevoked={() => kioskEnded(true)} />
      </Match>
      <Match when={true}>
        <KioskSetup />
      </Match>
    </Switch>
  );
}

function KioskBoard(props: { onRevoked: () => void }) {
  const navigate = useNavigate();
  const live = useLiveRanking(() => null, "kiosk");
  const [leaving, setLeaving] = createSignal(false);
  // The code was revoked: said by the live stream, or by a read of the ranking.
  const stop = onLive((message) => {
    if (message.kind === "signed_out") props.onRevoked();
  }, "kiosk");
  onCleanup(stop);
  createEffect(() => {
    const error = live.ranking.error as unknown;
    if (error !== undefined && error !== null && asApiError(error).code === "unauthenticated") props.onRevoked();
  });
  const leave = async () => {
    await call(api().endKiosk());
    kioskEnded();
    navigate("/login");
  };
  return (
    <>
      <TvBoard
        live={live}
        kicker={kiosk()?.distributor_name || live.ranking.latest?.distributor_name}
        exitLabel={t("kiosk.leave")}
        exitHint={t("kiosk.leaveHint")}
        onExit={() => setLeaving(true)}
      />
      <Show when={leaving()}>
        <ConfirmDialog
          title={t("kiosk.leaveTitle")}
          body={t("kiosk.leaveBody")}
          confirm={t("kiosk.leaveConfirm")}
          action={leave}
          onClose={() => setLeaving(false)}
        />
      </Show>
    </>
  );
}

function KioskSetup() {
  const navigate = useNavigate();
  const [code, setCode] = createSignal("");
  // A TV must come back by itself after a power cut: on unless unticked.
  const [openAtStart, setOpenAtStart] = createSignal(true);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const info = await call(api().startKiosk(code()));
      setCode("");
      if (openAtStart()) {
        // The TV works without it; About shows the state and can retry.
        await call(api().setAutostart(true)).catch(() => undefined);
      }
      kioskStarted(info);
      navigate("/kiosk");
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="auth-card card" aria-labelledby="kiosk-title">
      <h1 id="kiosk-title">{t("kiosk.title")}</h1>
      <p class="hint">{t("kiosk.intro")}</p>
      <Show when={kioskRevoked()}>
        <p class="banner banner-warning" role="alert">
          {t("kiosk.revoked")}
        </p>
      </Show>
      <form onSubmit={(e) => void submit(e)}>
        <label for="kiosk-code">{t("kiosk.code")}</label>
        <input
          id="kiosk-code"
          name="tv-code"
          type="password"
          autocomplete="off"
          spellcheck={false}
          required
          autofocus
          value={code()}
          onInput={(e) => setCode(e.currentTarget.value)}
        />
        <p class="hint">{t("kiosk.codeHint")}</p>
        <label class="checkbox">
          <input type="checkbox" checked={openAtStart()} onChange={(e) => setOpenAtStart(e.currentTarget.checked)} />
          {t("kiosk.openAtStart")}
        </label>
        <Show when={error() !== null}>
          <div class="banner banner-error" role="alert">
            <p>{describeError(error())}</p>
            <p class="detail">{t("errors.detail", { detail: errorDetail(error()) })}</p>
          </div>
        </Show>
        <button type="submit" class="button button-primary" disabled={busy() || code().trim() === ""}>
          {busy() ? t("kiosk.starting") : t("kiosk.start")}
        </button>
      </form>
      <p class="hint auth-alt">
        <A href="/login">{t("kiosk.backToLogin")}</A>
      </p>
    </section>
  );
}
