import { createResource, createSignal, Show } from "solid-js";
import type { UpdateCheck, UpdateProgress } from "../bindings";
import { formatMegabytes, formatNumber, t } from "../i18n";
import { api, call } from "../lib/api";
import { makeChannel } from "../lib/channel";
import { useDocumentTitle } from "../lib/document";
import { describeError, errorDetail } from "../lib/errors";
import { noticesEnabled, setNoticesEnabled } from "../lib/notices";
import { canEvaluate, localMode, server, session } from "../lib/session";

type Check =
  | { readonly kind: "idle" }
  | { readonly kind: "checking" }
  | { readonly kind: "done"; readonly result: UpdateCheck }
  | { readonly kind: "installing"; readonly version: string; readonly progress: UpdateProgress | null }
  | { readonly kind: "error"; readonly error: unknown };

/** Version, server, "Buscar actualizaciones" and where updates come from. */
export default function About() {
  useDocumentTitle(() => t("about.title"));
  const [settings, { mutate }] = createResource(() => api().updateSettings().catch(() => null));
  const [check, setCheck] = createSignal<Check>({ kind: "idle" });
  const [endpoint, setEndpoint] = createSignal<string | null>(null);
  const [saveState, setSaveState] = createSignal<"idle" | "saved" | { error: unknown }>("idle");

  const runCheck = async () => {
    setCheck({ kind: "checking" });
    try {
      setCheck({ kind: "done", result: await call(api().checkForUpdates()) });
    } catch (error) {
      setCheck({ kind: "error", error });
    }
  };

  const install = async (version: string) => {
    setCheck({ kind: "installing", version, progress: null });
    const progress = makeChannel<UpdateProgress>((message) => {
      const now = check();
      if (now.kind === "installing") setCheck({ ...now, progress: message });
    });
    try {
      await call(api().installUpdate(progress));
    } catch (error) {
      setCheck({ kind: "error", error });
    }
  };

  const save = async (event: SubmitEvent) => {
    event.preventDefault();
    setSaveState("idle");
    try {
      const text = (endpoint() ?? settings()?.endpoint ?? "").trim();
      mutate(await call(api().setUpdateEndpoint(text === "" ? null : text)));
      setEndpoint(null);
      setSaveState("saved");
    } catch (error) {
      setSaveState({ error });
    }
  };

  return (
    <section class="card about" aria-labelledby="about-title">
      <h1 id="about-title">{t("about.title")}</h1>
      <dl class="facts">
        <dt>{t("about.version")}</dt>
        <dd data-testid="app-version">{settings()?.current_version ?? "…"}</dd>
        <Show when={server()}>
          {(url) => (
            <>
              <dt>{t("about.server")}</dt>
              <dd>{localMode() ? t("about.localServer", { url: url() }) : url()}</dd>
            </>
          )}
        </Show>
      </dl>

      <h2>{t("about.updates")}</h2>
      <Show when={settings() !== null} fallback={<p class="hint">{t("about.browserOnly")}</p>}>
        <p class="actions">
          <button
            type="button"
            class="button button-primary"
            disabled={check().kind === "checking" || check().kind === "installing"}
            onClick={() => void runCheck()}
          >
            {check().kind === "checking" ? t("about.checking") : t("about.check")}
          </button>
        </p>
        <div aria-live="polite">
          <Show when={check().kind === "done" && (check() as { result: UpdateCheck }).result}>
            {(result) => (
              <Show
                when={result().available}
                fallback={<p role="status">{t("about.upToDate", { version: result().current_version })}</p>}
              >
                {(update) => (
                  <div class="banner banner-info" role="status">
                    <p>{t("about.available", { version: update().version })}</p>
                    <Show when={update().notes}>{(notes) => <p class="detail">{notes()}</p>}</Show>
                    <button type="button" class="button" onClick={() => void install(update().version)}>
                      {t("about.install")}
                    </button>
                  </div>
                )}
              </Show>
            )}
          </Show>
          <Show when={check().kind === "installing" && (check() as Installing)}>
            {(installing) => <InstallProgress version={installing().version} progress={installing().progress} />}
          </Show>
          <Show when={check().kind === "error" && (check() as { error: unknown }).error}>
            {(error) => (
              <div class="banner banner-error" role="alert">
                <p>{describeError(error())}</p>
                <p class="detail">{t("errors.detail", { detail: errorDetail(error()) })}</p>
              </div>
            )}
          </Show>
        </div>

        <form class="endpoint-form" onSubmit={(e) => void save(e)}>
          <label for="update-endpoint">{t("about.endpoint")}</label>
          <input
            id="update-endpoint"
            type="url"
            inputmode="url"
            spellcheck={false}
            aria-describedby="update-endpoint-hint"
            value={endpoint() ?? settings()?.endpoint ?? ""}
            onInput={(e) => {
              setEndpoint(e.currentTarget.value);
              setSaveState("idle");
            }}
          />
          <p id="update-endpoint-hint" class="hint">
            {t("about.endpointHint", { url: settings()?.default_endpoint ?? "—" })}
          </p>
          <button type="submit" class="button">
            {t("about.save")}
          </button>
          <Show when={saveState() === "saved"}>
            <p role="status">{t("about.saved")}</p>
          </Show>
          <Show when={typeof saveState() === "object" && (saveState() as { error: unknown }).error}>
            {(error) => (
              <p class="banner banner-error" role="alert">
                {describeError(error())} ({errorDetail(error())})
              </p>
            )}
          </Show>
        </form>
      </Show>
      <Show when={settings() !== null && canEvaluate(session()?.user.role)}>
        <Notices />
      </Show>
      <Show when={settings() !== null}>
        <OpenAtStart />
      </Show>
    </section>
  );
}

type Installing = Extract<Check, { kind: "installing" }>;

/** What an install is doing: the download (a bar, MB and percent), then the installer. */
function InstallProgress(props: { version: string; progress: UpdateProgress | null }) {
  const text = () => {
    const progress = props.progress;
    if (progress === null) return t("about.installing");
    if (progress.phase === "installing") return t("about.installingNow", { version: props.version });
    const done = formatMegabytes(progress.downloaded);
    if (progress.total === null || progress.total === 0) {
      return t("about.downloadingNoSize", { version: props.version, done });
    }
    return t("about.downloading", {
      version: props.version,
      done,
      total: formatMegabytes(progress.total),
      percent: formatNumber(Math.floor((100 * progress.downloaded) / progress.total)),
    });
  };
  const bar = () => {
    const progress = props.progress;
    return progress?.phase === "downloading" && progress.total ? progress : null;
  };
  return (
    <div class="update-progress">
      <Show when={bar()}>
        {(p) => <progress max={p().total ?? 0} value={p().downloaded} aria-label={t("about.progressLabel")} />}
      </Show>
      <p role="status">{text()}</p>
    </div>
  );
}

/** "Avisarme cuando llegan exhibiciones nuevas": this computer's choice, for those who review. */
function Notices() {
  return (
    <>
      <h2>{t("about.notices")}</h2>
      <label class="checkbox">
        <input
          type="checkbox"
          checked={noticesEnabled()}
          aria-describedby="notices-hint"
          onChange={(e) => setNoticesEnabled(e.currentTarget.checked)}
        />
        {t("about.noticesLabel")}
      </label>
      <p id="notices-hint" class="hint">
        {t("about.noticesHint")}
      </p>
    </>
  );
}

/** "Abrir CenterMind al iniciar la sesión": mostly for the office TV. */
function OpenAtStart() {
  const [enabled, { mutate }] = createResource(() => call(api().autostartEnabled()).catch(() => null));
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const change = async (box: HTMLInputElement) => {
    setBusy(true);
    setError(null);
    try {
      mutate(await call(api().setAutostart(box.checked)));
    } catch (e) {
      setError(e);
      // The click already ticked it; show what the system still has.
      box.checked = enabled() === true;
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <h2>{t("about.startup")}</h2>
      <label class="checkbox">
        <input
          type="checkbox"
          checked={enabled() === true}
          disabled={busy() || enabled.loading}
          aria-describedby="open-at-start-hint"
          onChange={(e) => void change(e.currentTarget)}
        />
        {t("about.openAtStart")}
      </label>
      <p id="open-at-start-hint" class="hint">
        {t("about.openAtStartHint")}
      </p>
      <Show when={error() !== null}>
        <p class="banner banner-error" role="alert">
          {describeError(error())} ({errorDetail(error())})
        </p>
      </Show>
    </>
  );
}
