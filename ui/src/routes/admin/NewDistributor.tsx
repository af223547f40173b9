import { createMemo, createSignal, For, Show } from "solid-js";
import type { Distributor } from "../../bindings";
import { failed } from "../../admin/context";
import * as check from "../../admin/validation";
import { Dialog } from "../../components/Dialog";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Field } from "../../components/Field";
import { t } from "../../i18n";
import { api, call } from "../../lib/api";
import { TIME_ZONES, zoneLabel } from "../Setup";

const ORDER = ["name", "telegram", "token"] as const;

/** Moves the focus to the first field with a problem, by its id. */
export function focusFirst<K extends string>(problems: check.Problems<K>, order: readonly K[], id: (k: K) => string): boolean {
  const first = check.firstProblem(problems, order);
  if (first === null) return false;
  document.getElementById(id(first))?.focus();
  return true;
}

/** "Nueva distribuidora" (superadmin): name, zone, who gets the alerts, the bot token. */
export function NewDistributorDialog(props: {
  onClose: () => void;
  onCreated: (d: Distributor) => void;
  returnFocus: () => HTMLElement | undefined;
}) {
  const [name, setName] = createSignal("");
  const [zone, setZone] = createSignal<string>(TIME_ZONES[0]);
  const [telegram, setTelegram] = createSignal("");
  const [token, setToken] = createSignal("");
  const [tried, setTried] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);

  const problems = createMemo(() => ({
    name: check.requiredText(name(), check.MAX_DISTRIBUTOR_NAME),
    telegram: check.telegramUserId(telegram()),
    token: token().trim() === "" ? null : check.botToken(token()),
  }));
  const shown = (k: (typeof ORDER)[number]) => (tried() ? problems()[k] : null);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setTried(true);
    if (focusFirst(problems(), ORDER, (k) => `new-distributor-${k}`)) return;
    setBusy(true);
    setError(null);
    try {
      const created = await call(
        api().createDistributor({
          name: name().trim(),
          time_zone: zone(),
          admin_telegram_id: telegram().trim() === "" ? null : Number(telegram().trim()),
          bot_token: token().trim() === "" ? null : token().trim(),
        }),
      );
      setToken("");
      props.onCreated(created);
    } catch (err) {
      setError(err);
      failed(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog title={t("admin.distributor.createTitle")} onClose={props.onClose} busy={busy()} returnFocus={props.returnFocus}>
      <form class="admin-form" onSubmit={(e) => void submit(e)} novalidate>
        <fieldset disabled={busy()}>
          <Field id="new-distributor-name" label={t("admin.distributor.name")} error={shown("name")}>
            {(a) => <input {...a} type="text" value={name()} onInput={(e) => setName(e.currentTarget.value)} />}
          </Field>
          <Field id="new-distributor-zone" label={t("admin.distributor.timeZone")}>
            {(a) => (
              <select {...a} value={zone()} onChange={(e) => setZone(e.currentTarget.value)}>
                <For each={TIME_ZONES}>{(z) => <option value={z}>{zoneLabel(z)}</option>}</For>
              </select>
            )}
          </Field>
          <Field
            id="new-distributor-telegram"
            label={t("admin.distributor.adminTelegram")}
            hint={t("admin.distributor.adminTelegramHint")}
            error={shown("telegram")}
          >
            {(a) => (
              <input
                {...a}
                type="text"
                inputmode="numeric"
                value={telegram()}
                onInput={(e) => setTelegram(e.currentTarget.value)}
              />
            )}
          </Field>
          <Field
            id="new-distributor-token"
            label={t("admin.bot.token")}
            hint={t("admin.bot.tokenHint")}
            error={shown("token")}
          >
            {(a) => (
              <input
                {...a}
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
          {(e) => <ErrorBanner error={e} focus messages={{ already_exists: t("admin.distributor.duplicate") }} />}
        </Show>
        <div class="dialog-actions">
          <button type="submit" class="button button-primary" disabled={busy()}>
            {busy() ? t("admin.saving") : t("admin.distributor.createSubmit")}
          </button>
          <button type="button" class="button" disabled={busy()} onClick={() => props.onClose()}>
            {t("admin.cancel")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
