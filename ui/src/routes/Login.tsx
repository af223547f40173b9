import { A, Navigate, useNavigate } from "@solidjs/router";
import { createResource, createSignal, Match, Show, Switch } from "solid-js";
import { t } from "../i18n";
import { api, call } from "../lib/api";
import { useDocumentTitle } from "../lib/document";
import { describeError, errorDetail } from "../lib/errors";
import { boot, loginNotice, server, signedIn } from "../lib/session";

/** Sign-in form: username, password, "Recordarme". */
export default function Login() {
  useDocumentTitle(() => t("login.title"));
  const navigate = useNavigate();
  const [username, setUsername] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [remember, setRemember] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  // A fresh install has no user to sign in with: offer the first-run setup
  // instead. If the server cannot say (older server, offline), the login stays.
  const [firstRun] = createResource(
    () => boot().kind !== "connect" && server() !== null,
    async () => {
      try {
        return await call(api().setupStatus());
      } catch {
        return false;
      }
    },
  );

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const info = await call(api().login(username(), password(), remember()));
      setPassword("");
      signedIn(info);
      navigate("/", { state: { rememberFailed: info.remember_failed } });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Switch>
      <Match when={boot().kind === "connect"}>
        <Navigate href="/connect" />
      </Match>
      <Match when={boot().kind === "kiosk"}>
        <Navigate href="/kiosk" />
      </Match>
      <Match when={firstRun() === true}>
        <Navigate href="/setup" />
      </Match>
      <Match when={true}>
        <section class="auth-card card" aria-labelledby="login-title">
          <h1 id="login-title">{t("login.title")}</h1>
          <Show when={server()}>
            {(url) => (
              <p class="hint">
                {t("login.server", { url: url() })} ·{" "}
                <A href="/connect">{t("connect.change")}</A>
              </p>
            )}
          </Show>
          <Show when={loginNotice()}>
            {(notice) => (
              <p class="banner banner-info" role="status">
                {notice()}
              </p>
            )}
          </Show>
          <form onSubmit={(e) => void submit(e)}>
            <label for="login-username">{t("login.username")}</label>
            <input
              id="login-username"
              name="username"
              type="text"
              autocomplete="username"
              autocapitalize="none"
              spellcheck={false}
              required
              autofocus
              value={username()}
              onInput={(e) => setUsername(e.currentTarget.value)}
            />
            <label for="login-password">{t("login.password")}</label>
            <input
              id="login-password"
              name="password"
              type="password"
              autocomplete="current-password"
              required
              value={password()}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
            <label class="checkbox">
              <input
                type="checkbox"
                name="remember"
                checked={remember()}
                onChange={(e) => setRemember(e.currentTarget.checked)}
              />
              {t("login.remember")}
            </label>
            <Show when={error() !== null}>
              <div class="banner banner-error" role="alert">
                <p>{describeError(error())}</p>
                <p class="detail">{t("errors.detail", { detail: errorDetail(error()) })}</p>
              </div>
            </Show>
            <button
              type="submit"
              class="button button-primary"
              disabled={busy() || username().trim() === "" || password() === ""}
            >
              {busy() ? t("login.submitting") : t("login.submit")}
            </button>
          </form>
          <p class="hint auth-alt">
            <A href="/kiosk">{t("kiosk.useAsTv")}</A>
          </p>
        </section>
      </Match>
    </Switch>
  );
}
