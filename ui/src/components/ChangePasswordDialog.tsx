import { createMemo, createSignal, Show } from "solid-js";
import * as check from "../admin/validation";
import { focusFirst } from "../routes/admin/NewDistributor";
import { t } from "../i18n";
import { api, asApiError, call } from "../lib/api";
import { Dialog } from "./Dialog";
import { ErrorBanner } from "./ErrorBanner";
import { Field } from "./Field";
import { NewPasswordFields } from "./NewPasswordFields";

const ORDER = ["current", "password", "confirm"] as const;
type Key = (typeof ORDER)[number];

/**
 * "Cambiar mi contraseña", for anyone signed in: the current password, then the new
 * one twice. The server checks the current one (wrong guesses count like failed
 * logins) and ends the user's sessions on other computers; this one stays open.
 */
export function ChangePasswordDialog(props: {
  onClose: () => void;
  onChanged: () => void;
  returnFocus?: () => HTMLElement | null | undefined;
}) {
  const [current, setCurrent] = createSignal("");
  const [pw, setPw] = createSignal("");
  const [confirm, setConfirm] = createSignal("");
  const [tried, setTried] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [wrongCurrent, setWrongCurrent] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const problems = createMemo(
    (): check.Problems<Key> => ({
      current: wrongCurrent() ? t("errors.wrong_password") : current() === "" ? t("account.currentMissing") : null,
      password:
        check.password(pw()) ?? (pw() === current() && current() !== "" ? t("account.sameAsCurrent") : null),
      confirm: check.confirmation(pw(), confirm()),
    }),
  );
  const shown = (k: Key) => (tried() ? problems()[k] : null);
  const id = (k: string) => `own-password-${k}`;

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setTried(true);
    setWrongCurrent(false);
    if (focusFirst(problems(), ORDER, id)) return;
    setBusy(true);
    setError(null);
    try {
      await call(api().changePassword(current(), pw()));
      props.onChanged();
    } catch (err) {
      if (asApiError(err).code === "wrong_password") {
        setWrongCurrent(true);
        setCurrent("");
        // After the fieldset is enabled again, or the focus would be refused.
        queueMicrotask(() => document.getElementById(id("current"))?.focus());
      } else {
        setError(err);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={t("account.title")}
      description={t("account.body")}
      onClose={props.onClose}
      busy={busy()}
      returnFocus={props.returnFocus}
    >
      <form class="admin-form" onSubmit={(e) => void submit(e)} novalidate>
        <fieldset disabled={busy()}>
          <Field id={id("current")} label={t("account.current")} error={shown("current")}>
            {(a) => (
              <input
                {...a}
                type="password"
                autocomplete="current-password"
                data-autofocus
                value={current()}
                onInput={(e) => {
                  setWrongCurrent(false);
                  setCurrent(e.currentTarget.value);
                }}
              />
            )}
          </Field>
          <NewPasswordFields
            id={id}
            labels={{ password: t("account.new"), confirm: t("account.confirm") }}
            password={pw()}
            confirm={confirm()}
            onPassword={setPw}
            onConfirm={setConfirm}
            errors={{ password: shown("password"), confirm: shown("confirm") }}
          />
        </fieldset>
        <Show when={error()} keyed>
          {(e) => <ErrorBanner error={e} focus />}
        </Show>
        <div class="dialog-actions">
          <button type="submit" class="button button-primary" disabled={busy()}>
            {busy() ? t("admin.saving") : t("account.submit")}
          </button>
          <button type="button" class="button" disabled={busy()} onClick={() => props.onClose()}>
            {t("admin.cancel")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
