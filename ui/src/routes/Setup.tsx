import { A, Navigate, useNavigate } from "@solidjs/router";
import { createResource, createSignal, For, Match, Show, Switch } from "solid-js";
import { t } from "../i18n";
import { api, call } from "../lib/api";
import { useDocumentTitle } from "../lib/document";
import { describeError, errorDetail } from "../lib/errors";
import { server, signedIn } from "../lib/session";

/** IANA zones offered for the first distributor (Argentina first). */
export const TIME_ZONES = [
  "America/Argentina/Buenos_Aires",
  "America/Argentina/Cordoba",
  "America/Argentina/Salta",
  "America/Argentina/Jujuy",
  "America/Argentina/Tucuman",
  "America/Argentina/Catamarca",
  "America/Argentina/La_Rioja",
  "America/Argentina/San_Juan",
  "America/Argentina/Mendoza",
  "America/Argentina/San_Luis",
  "America/Argentina/Rio_Gallegos",
  "America/Argentina/Ushuaia",
  "America/Montevideo",
  "America/Asuncion",
  "America/Santiago",
] as const;

// The server's rule (core `MIN_PASSWORD_CHARS`): checked here only to explain it early.
const MIN_PASSWORD = 8;

/** A zone's city, as people read it ("America/Argentina/Rio_Gallegos" → "Rio Gallegos"). */
export function zoneLabel(zone: string): string {
  return (zone.split("/").pop() ?? zone).replaceAll("_", " ");
}

/**
 * First run of a fresh install: the server has no user yet, so instead of the
 * login the app asks for the distributor and the first administrator, creates
 * both and signs in.
 */
export default function Setup() {
  useDocumentTitle(() => t("setup.title"));
  const navigate = useNavigate();
  const [needed] = createResource(async () => call(api().setupStatus()));
  const [distributor, setDistributor] = createSignal("");
  const [zone, setZone] = createSignal<string>(TIME_ZONES[0]);
  const [displayName, setDisplayName] = createSignal("");
  const [username, setUsername] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [confirm, setConfirm] = createSignal("");
  const [remember, setRemember] = createSignal(true);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);

  const problem = () => {
    if (password().length > 0 && password().length < MIN_PASSWORD) return t("setup.passwordShort", { min: MIN_PASSWORD });
    if (confirm().length > 0 && confirm() !== password()) return t("setup.passwordMismatch");
    return null;
  };
  const ready = () =>
    distributor().trim() !== "" &&
    username().trim() !== "" &&
    password().length >= MIN_PASSWORD &&
    confirm() === password();

  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (!ready()) return;
    setBusy(true);
    setError(null);
    try {
      const info = await call(
        api().firstSetup(
          {
            distributor_name: distributor().trim(),
            time_zone: zone(),
            username: username().trim(),
            display_name: displayName().trim() === "" ? null : displayName().trim(),
            password: password(),
          },
          remember(),
        ),
      );
      setPassword("");
      setConfirm("");
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
      <Match when={needed.error}>
        <section class="auth-card card" aria-labelledby="setup-title">
          <h1 id="setup-title">{t("setup.title")}</h1>
          <div class="banner banner-error" role="alert">
            <p>{describeError(needed.error)}</p>
            <p class="detail">{t("errors.detail", { detail: errorDetail(needed.error) })}</p>
          </div>
          <A href="/login">{t("setup.toLogin")}</A>
        </section>
      </Match>
      <Match when={needed() === false}>
        <Navigate href="/login" />
      </Match>
      <Match when={needed() === true}>
        <section class="auth-card card" aria-labelledby="setup-title">
          <h1 id="setup-title">{t("setup.title")}</h1>
          <p class="hint">{t("setup.intro")}</p>
          <Show when={server()}>{(url) => <p class="hint">{t("login.server", { url: url() })}</p>}</Show>
          <form onSubmit={(e) => void submit(e)}>
            <fieldset>
              <legend>{t("setup.distributorLegend")}</legend>
              <label for="setup-distributor">{t("setup.distributorName")}</label>
              <input
                id="setup-distributor"
                type="text"
                required
                autofocus
                maxlength={80}
                value={distributor()}
                onInput={(e) => setDistributor(e.currentTarget.value)}
              />
              <label for="setup-zone">{t("setup.timeZone")}</label>
              <select id="setup-zone" value={zone()} onChange={(e) => setZone(e.currentTarget.value)}>
                <For each={TIME_ZONES}>{(z) => <option value={z}>{zoneLabel(z)}</option>}</For>
              </select>
            </fieldset>
            <fieldset>
              <legend>{t("setup.userLegend")}</legend>
              <label for="setup-name">{t("setup.displayName")}</label>
              <input
                id="setup-name"
                type="text"
                autocomplete="name"
                value={displayName()}
                onInput={(e) => setDisplayName(e.currentTarget.value)}
              />
              <label for="setup-username">{t("login.username")}</label>
              <input
                id="setup-username"
                type="text"
                autocomplete="username"
                autocapitalize="none"
                spellcheck={false}
                required
                value={username()}
                onInput={(e) => setUsername(e.currentTarget.value)}
              />
              <label for="setup-password">{t("login.password")}</label>
              <input
                id="setup-password"
                type="password"
                autocomplete="new-password"
                required
                aria-describedby="setup-password-hint"
                value={password()}
                onInput={(e) => setPassword(e.currentTarget.value)}
              />
              <p id="setup-password-hint" class="hint">
                {t("setup.passwordHint", { min: MIN_PASSWORD })}
              </p>
              <label for="setup-confirm">{t("setup.confirm")}</label>
              <input
                id="setup-confirm"
                type="password"
                autocomplete="new-password"
                required
                value={confirm()}
                onInput={(e) => setConfirm(e.currentTarget.value)}
              />
            </fieldset>
            <label class="checkbox">
              <input type="checkbox" checked={remember()} onChange={(e) => setRemember(e.currentTarget.checked)} />
              {t("login.remember")}
            </label>
            <Show when={problem()}>
              {(why) => (
                <p class="field-error" role="status">
                  {why()}
                </p>
              )}
            </Show>
            <Show when={error() !== null}>
              <div class="banner banner-error" role="alert">
                <p>{describeError(error())}</p>
                <p class="detail">{t("errors.detail", { detail: errorDetail(error()) })}</p>
              </div>
            </Show>
            <button type="submit" class="button button-primary" disabled={busy() || !ready()}>
              {busy() ? t("setup.submitting") : t("setup.submit")}
            </button>
          </form>
        </section>
      </Match>
      <Match when={true}>
        <p class="hint" role="status">
          {t("setup.checking")}
        </p>
      </Match>
    </Switch>
  );
}
