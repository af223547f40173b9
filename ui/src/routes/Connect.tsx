import { useNavigate } from "@solidjs/router";
import { createResource, createSignal, Show } from "solid-js";
import type { ServerInfo } from "../bindings";
import { t } from "../i18n";
import { api, call } from "../lib/api";
import { useDocumentTitle } from "../lib/document";
import { describeError, errorDetail } from "../lib/errors";
import { connected, localMode, server } from "../lib/session";

/** First run (or "change server"): type the server address, test it, save it. */
export default function Connect() {
  useDocumentTitle(() => t("connect.title"));
  const navigate = useNavigate();
  const [url, setUrl] = createSignal(localMode() ? "" : (server() ?? ""));
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [info, setInfo] = createSignal<ServerInfo | null>(null);
  const [starting, setStarting] = createSignal(false);
  const [localError, setLocalError] = createSignal<unknown>(null);
  // A server this computer already runs (the office PC's Windows service): offered first.
  const [found] = createResource(() => call(api().findServerOnThisComputer()).catch(() => null));

  /** "Este equipo": the shell starts its own sidecar and waits for it. */
  const useThisComputer = async () => {
    setStarting(true);
    setLocalError(null);
    setError(null);
    try {
      const result = await call(api().startLocalServer());
      connected(result.url, true);
      navigate("/login");
    } catch (e) {
      setLocalError(e);
    } finally {
      setStarting(false);
    }
  };

  const connectTo = async (address: string) => {
    setBusy(true);
    setError(null);
    setInfo(null);
    try {
      const result = await call(api().connectServer(address));
      setInfo(result);
      connected(result.url);
      navigate("/login");
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const submit = (event: SubmitEvent) => {
    event.preventDefault();
    void connectTo(url());
  };

  return (
    <section class="auth-card card" aria-labelledby="connect-title">
      <h1 id="connect-title">{t("connect.title")}</h1>
      <p>{t("connect.intro")}</p>
      <form onSubmit={submit} novalidate>
        <label for="server-url">{t("connect.urlLabel")}</label>
        <input
          id="server-url"
          name="url"
          type="text"
          inputmode="url"
          autocomplete="url"
          spellcheck={false}
          required
          autofocus
          aria-describedby="server-url-hint"
          aria-invalid={error() !== null}
          value={url()}
          onInput={(e) => setUrl(e.currentTarget.value)}
        />
        <p id="server-url-hint" class="hint">
          {t("connect.urlHint")}
        </p>
        <Show when={error() !== null}>
          <div class="banner banner-error" role="alert">
            <p>{describeError(error())}</p>
            <p class="detail">{t("errors.detail", { detail: errorDetail(error()) })}</p>
          </div>
        </Show>
        <Show when={info()}>
          {(i) => (
            <p role="status">{t("connect.connected", { url: i().url, version: i().version })}</p>
          )}
        </Show>
        <button type="submit" class="button button-primary" disabled={busy() || starting() || url().trim() === ""}>
          {busy() ? t("connect.testing") : t("connect.submit")}
        </button>
      </form>
      <div class="connect-local" role="group" aria-labelledby="connect-local-title">
        <p class="divider">
          <span>{t("connect.or")}</span>
        </p>
        <h2 id="connect-local-title">{t("connect.localTitle")}</h2>
        <Show when={found()}>
          {(server) => (
            <div class="banner banner-info" role="status" aria-labelledby="connect-found-title">
              <p id="connect-found-title">
                <strong>{t("connect.foundTitle")}</strong>
              </p>
              <p>{t("connect.found", { version: server().version, url: server().url })}</p>
              <button
                type="button"
                class="button button-primary"
                disabled={busy() || starting()}
                onClick={() => void connectTo(server().url)}
              >
                {t("connect.foundSubmit")}
              </button>
            </div>
          )}
        </Show>
        <p class="hint">{t("connect.localIntro")}</p>
        <Show when={localError() !== null}>
          <div class="banner banner-error" role="alert">
            <p>{describeError(localError())}</p>
            <p class="detail">{t("errors.detail", { detail: errorDetail(localError()) })}</p>
          </div>
        </Show>
        <button
          type="button"
          class="button"
          disabled={busy() || starting()}
          aria-busy={starting()}
          onClick={() => void useThisComputer()}
        >
          {starting() ? t("connect.localStarting") : t("connect.localSubmit")}
        </button>
      </div>
    </section>
  );
}
