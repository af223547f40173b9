import { createEffect, createMemo, createSignal, For, on, Show } from "solid-js";
import { createStore } from "solid-js/store";
import type { BotStatus, Distributor } from "../../bindings";
import { useAdmin } from "../../admin/context";
import { createNotice } from "../../admin/notice";
import {
  formFrom,
  SETTINGS_ORDER,
  settingsChanges,
  settingsProblems,
  type SettingsField,
  type SettingsForm,
} from "../../admin/settings";
import * as check from "../../admin/validation";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Field } from "../../components/Field";
import { formatDateTime, formatNumber, t } from "../../i18n";
import { api, call } from "../../lib/api";
import { useDocumentTitle } from "../../lib/document";
import { TIME_ZONES, zoneLabel } from "../Setup";
import { focusFirst } from "./NewDistributor";

const KNOWN_STATES = ["stopped", "starting", "running", "restarting", "failed", "invalid_token"] as const;
type KnownState = (typeof KNOWN_STATES)[number];
const isKnown = (s: string): s is KnownState => (KNOWN_STATES as readonly string[]).includes(s);

/** An RFC 3339 instant in the person's language and zone. */
export const when = (iso: string) => formatDateTime(new Date(iso));

/** "Distribuidora": the settings form, the bot (token and status) and, for the superadmin, on/off. */
export default function DistributorSettings() {
  useDocumentTitle(() => t("admin.nav.distributor"));
  const admin = useAdmin();
  return (
    <Show when={admin.current()} keyed>
      {(d) => (
        <div class="admin-columns">
          <SettingsCard distributor={d} />
          <div class="admin-side">
            <BotCard distributor={d} />
            <Show when={admin.isSuperadmin()}>
              <ActiveCard distributor={d} />
            </Show>
          </div>
        </div>
      )}
    </Show>
  );
}

function SettingsCard(props: { distributor: Distributor }) {
  const admin = useAdmin();
  const [form, setForm] = createStore<SettingsForm>(formFrom(props.distributor));
  const [tried, setTried] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const notice = createNotice();
  // What the server holds now (the form starts from it and is compared with it).
  const [saved, setSaved] = createSignal(props.distributor);
  createEffect(
    on(
      () => props.distributor,
      (d) => {
        setSaved(d);
        setForm(formFrom(d));
      },
      { defer: true },
    ),
  );

  const problems = createMemo(() => settingsProblems(form, admin.isSuperadmin()));
  const shown = (k: SettingsField) => (tried() ? problems()[k] : null);
  const id = (k: string) => `settings-${k}`;
  const zones = () => (TIME_ZONES.includes(form.time_zone as never) ? [...TIME_ZONES] : [form.time_zone, ...TIME_ZONES]);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    notice.clear();
    setTried(true);
    if (focusFirst(problems(), SETTINGS_ORDER, id)) return;
    const changes = settingsChanges(saved(), form, admin.isSuperadmin());
    if (Object.keys(changes).length === 0) {
      notice.say(() => t("admin.noChanges"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const updated = await call(api().updateDistributor(saved().id, changes));
      setSaved(updated);
      setForm(formFrom(updated));
      setTried(false);
      admin.putDistributor(updated);
      notice.say(() => t("admin.saved"));
    } catch (err) {
      setError(err);
      admin.failed(err);
    } finally {
      setBusy(false);
    }
  };

  const text = (k: keyof SettingsForm & SettingsField, label: string, hint?: string, inputmode?: "numeric") => (
    <Field id={id(k)} label={label} hint={hint} error={shown(k)}>
      {(a) => (
        <input
          {...a}
          type="text"
          inputmode={inputmode}
          value={form[k]}
          onInput={(e) => setForm(k, e.currentTarget.value)}
        />
      )}
    </Field>
  );

  return (
    <section class="card admin-card" aria-labelledby="settings-title">
      <h2 id="settings-title">{t("admin.distributor.general")}</h2>
      <form class="admin-form" onSubmit={(e) => void submit(e)} novalidate>
        <fieldset disabled={busy()}>
          <Show when={admin.isSuperadmin()}>{text("name", t("admin.distributor.name"))}</Show>
          <Field id={id("time_zone")} label={t("admin.distributor.timeZone")}>
            {(a) => (
              <select {...a} onChange={(e) => setForm("time_zone", e.currentTarget.value)}>
                <For each={zones()}>
                  {(z) => (
                    <option value={z} selected={z === form.time_zone}>
                      {zoneLabel(z)}
                    </option>
                  )}
                </For>
              </select>
            )}
          </Field>
          {text(
            "admin_telegram_id",
            t("admin.distributor.adminTelegram"),
            t("admin.distributor.adminTelegramHint"),
            "numeric",
          )}
        </fieldset>

        <fieldset disabled={busy()} class="admin-group">
          <legend>{t("admin.distributor.hibernation")}</legend>
          <label class="checkbox">
            <input
              type="checkbox"
              checked={form.hibernation_enabled}
              onChange={(e) => setForm("hibernation_enabled", e.currentTarget.checked)}
            />
            {t("admin.distributor.hibernationEnabled")}
          </label>
          <div class="admin-row">
            <Field id={id("hibernation_start")} label={t("admin.distributor.hibernationStart")} error={shown("hibernation_start")}>
              {(a) => (
                <input
                  {...a}
                  type="time"
                  value={form.hibernation_start}
                  onInput={(e) => setForm("hibernation_start", e.currentTarget.value)}
                />
              )}
            </Field>
            <Field id={id("hibernation_end")} label={t("admin.distributor.hibernationEnd")} error={shown("hibernation_end")}>
              {(a) => (
                <input
                  {...a}
                  type="time"
                  value={form.hibernation_end}
                  onInput={(e) => setForm("hibernation_end", e.currentTarget.value)}
                />
              )}
            </Field>
          </div>
          <p class="hint">{t("admin.distributor.hibernationHint")}</p>
        </fieldset>

        <fieldset disabled={busy()} class="admin-group">
          <legend>{t("admin.distributor.scoring")}</legend>
          <div class="admin-row">
            {text("points_approved", t("admin.distributor.pointsApproved"), undefined, "numeric")}
            {text("points_highlighted", t("admin.distributor.pointsHighlighted"), undefined, "numeric")}
          </div>
        </fieldset>

        <fieldset disabled={busy()} class="admin-group">
          <legend>{t("admin.distributor.photos")}</legend>
          <Field id={id("photo_storage")} label={t("admin.distributor.storage")}>
            {(a) => (
              <select
                {...a}
                onChange={(e) => setForm("photo_storage", e.currentTarget.value === "google_drive" ? "google_drive" : "local")}
              >
                <option value="local" selected={form.photo_storage === "local"}>
                  {t("admin.distributor.storageLocal")}
                </option>
                <option value="google_drive" selected={form.photo_storage === "google_drive"}>
                  {t("admin.distributor.storageDrive")}
                </option>
              </select>
            )}
          </Field>
          <Show when={form.photo_storage === "google_drive" || form.drive_folder_id !== ""}>
            {text("drive_folder_id", t("admin.distributor.driveFolder"), t("admin.distributor.driveFolderHint"))}
          </Show>
        </fieldset>

        <Show when={tried() && check.hasProblems(problems())}>
          <p class="field-error" role="alert">
            {t("admin.fixErrors")}
          </p>
        </Show>
        <Show when={error()} keyed>
          {(e) => <ErrorBanner error={e} focus />}
        </Show>
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={busy()}>
            {busy() ? t("admin.saving") : t("admin.distributor.save")}
          </button>
          <span role="status" class="admin-notice">
            {notice.text()}
          </span>
        </div>
      </form>
    </section>
  );
}

/** The bot's token (set or not, never its value: replace or remove it) and what the bot is doing. */
function BotCard(props: { distributor: Distributor }) {
  const admin = useAdmin();
  const [status, setStatus] = createSignal<BotStatus | null>(null);
  const [statusError, setStatusError] = createSignal<unknown>(null);
  const [refreshing, setRefreshing] = createSignal(false);
  const [editing, setEditing] = createSignal(false);
  const [token, setToken] = createSignal("");
  const [tried, setTried] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [removing, setRemoving] = createSignal(false);
  const notice = createNotice();
  let replaceButton: HTMLButtonElement | undefined;
  let removeButton: HTMLButtonElement | undefined;

  const refresh = async () => {
    setRefreshing(true);
    try {
      setStatus(await call(api().distributorBotStatus(props.distributor.id)));
      setStatusError(null);
    } catch (e) {
      setStatusError(e);
      admin.failed(e);
    } finally {
      setRefreshing(false);
    }
  };
  createEffect(on(() => props.distributor.id, () => void refresh()));

  const problem = () => (tried() ? check.botToken(token()) : null);

  const saveToken = async (e: SubmitEvent) => {
    e.preventDefault();
    setTried(true);
    if (check.botToken(token()) !== null) {
      document.getElementById("bot-token")?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    notice.clear();
    try {
      const updated = await call(api().updateDistributor(props.distributor.id, { bot_token: token().trim() }));
      setToken("");
      setTried(false);
      setEditing(false);
      admin.putDistributor(updated);
      notice.say(() => t("admin.bot.tokenSaved"));
      replaceButton?.focus();
      void refresh();
    } catch (err) {
      setError(err);
      admin.failed(err);
    } finally {
      setBusy(false);
    }
  };

  const removeToken = async () => {
    const updated = await call(api().updateDistributor(props.distributor.id, { bot_token: "" }));
    admin.putDistributor(updated);
    notice.say(() => t("admin.bot.tokenRemoved"));
    void refresh();
  };

  const stateName = (s: string) => (isKnown(s) ? t(`admin.bot.states.${s}`) : s);

  return (
    <section class="card admin-card" aria-labelledby="bot-title">
      <h2 id="bot-title">{t("admin.bot.title")}</h2>
      <dl class="facts">
        <dt>{t("admin.bot.token")}</dt>
        <dd>
          <span class={`status-badge ${props.distributor.has_bot_token ? "status-approved" : "status-pending"}`}>
            {props.distributor.has_bot_token ? t("admin.bot.tokenSet") : t("admin.bot.tokenUnset")}
          </span>
        </dd>
      </dl>
      <p class="hint">{t("admin.bot.tokenHint")}</p>
      <Show
        when={editing()}
        fallback={
          <p class="actions">
            <button type="button" class="button" ref={replaceButton} onClick={() => setEditing(true)}>
              {props.distributor.has_bot_token ? t("admin.bot.replace") : t("admin.bot.add")}
            </button>{" "}
            <Show when={props.distributor.has_bot_token}>
              <button type="button" class="button" ref={removeButton} onClick={() => setRemoving(true)}>
                {t("admin.bot.remove")}
              </button>
            </Show>
          </p>
        }
      >
        <form class="admin-form" onSubmit={(e) => void saveToken(e)} novalidate>
          <fieldset disabled={busy()}>
            <Field id="bot-token" label={t("admin.bot.newToken")} error={problem()}>
              {(a) => (
                <input
                  {...a}
                  ref={(el) => queueMicrotask(() => el.focus())}
                  type="password"
                  autocomplete="off"
                  spellcheck={false}
                  value={token()}
                  onInput={(e) => setToken(e.currentTarget.value)}
                />
              )}
            </Field>
          </fieldset>
          <Show when={error()} keyed>
            {(e) => <ErrorBanner error={e} focus />}
          </Show>
          <div class="form-actions">
            <button type="submit" class="button button-primary" disabled={busy()}>
              {busy() ? t("admin.bot.checking") : t("admin.bot.saveToken")}
            </button>
            <button
              type="button"
              class="button"
              disabled={busy()}
              onClick={() => {
                setEditing(false);
                setToken("");
                setTried(false);
                setError(null);
                queueMicrotask(() => replaceButton?.focus());
              }}
            >
              {t("admin.cancel")}
            </button>
          </div>
        </form>
      </Show>
      <p role="status" class="admin-notice">
        {notice.text()}
      </p>

      <h3 class="admin-subheading">{t("admin.bot.status")}</h3>
      <Show when={statusError()} keyed>
        {(e) => <ErrorBanner error={e} />}
      </Show>
      <Show when={status()}>
        {(s) => (
          <>
            <dl class="facts">
              <dt>{t("admin.bot.state")}</dt>
              <dd>
                <span class={`status-badge bot-${s().state}`}>{stateName(s().state)}</span>
              </dd>
              <Show when={s().started_at}>
                {(at) => (
                  <>
                    <dt>{t("admin.bot.since")}</dt>
                    <dd>{when(at())}</dd>
                  </>
                )}
              </Show>
              <dt>{t("admin.bot.restarts")}</dt>
              <dd>{formatNumber(s().restarts)}</dd>
              <dt>{t("admin.bot.updates")}</dt>
              <dd>{formatNumber(s().updates_handled)}</dd>
              <Show when={s().last_error}>
                {(why) => (
                  <>
                    <dt>{t("admin.bot.lastError")}</dt>
                    <dd class="bot-error">{why()}</dd>
                  </>
                )}
              </Show>
            </dl>
            <p class="hint">
              {s().updated_at ? t("admin.bot.recorded", { when: when(s().updated_at ?? "") }) : t("admin.bot.never")}
            </p>
          </>
        )}
      </Show>
      <button type="button" class="button" disabled={refreshing()} onClick={() => void refresh()}>
        {refreshing() ? t("admin.bot.refreshing") : t("admin.bot.refresh")}
      </button>

      <Show when={removing()}>
        <ConfirmDialog
          title={t("admin.bot.removeTitle")}
          body={t("admin.bot.removeBody")}
          confirm={t("admin.bot.remove")}
          action={removeToken}
          onClose={() => setRemoving(false)}
          returnFocus={() => (props.distributor.has_bot_token ? removeButton : replaceButton)}
        />
      </Show>
    </section>
  );
}

/** The superadmin turns a whole distributor on or off (its bot stops; nothing is deleted). */
function ActiveCard(props: { distributor: Distributor }) {
  const admin = useAdmin();
  const [confirming, setConfirming] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const notice = createNotice();
  let button: HTMLButtonElement | undefined;

  const set = async (active: boolean) => {
    const updated = await call(api().updateDistributor(props.distributor.id, { active }));
    admin.putDistributor(updated);
    const name = updated.name;
    notice.say(() => t(active ? "admin.distributor.activated" : "admin.distributor.deactivated", { name }));
  };
  const activate = async () => {
    setBusy(true);
    setError(null);
    try {
      await set(true);
    } catch (e) {
      setError(e);
      admin.failed(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card admin-card" aria-labelledby="active-title">
      <h2 id="active-title">{t("admin.distributor.status")}</h2>
      <p>{props.distributor.active ? t("admin.distributor.isActive") : t("admin.distributor.isInactive")}</p>
      <Show when={error()} keyed>
        {(e) => <ErrorBanner error={e} focus />}
      </Show>
      <button
        type="button"
        class={props.distributor.active ? "button button-danger" : "button button-primary"}
        ref={button}
        disabled={busy()}
        onClick={() => (props.distributor.active ? setConfirming(true) : void activate())}
      >
        {props.distributor.active ? t("admin.distributor.deactivate") : t("admin.distributor.activate")}
      </button>
      <p role="status" class="admin-notice">
        {notice.text()}
      </p>
      <Show when={confirming()}>
        <ConfirmDialog
          title={t("admin.distributor.deactivateTitle", { name: props.distributor.name })}
          body={t("admin.distributor.deactivateBody")}
          confirm={t("admin.deactivate")}
          action={() => set(false)}
          onClose={() => setConfirming(false)}
          returnFocus={() => button}
        />
      </Show>
    </section>
  );
}
