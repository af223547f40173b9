import { createSignal, Show } from "solid-js";
import type { CommandError } from "../bindings";
import { t } from "../i18n";
import { requiredText } from "../admin/validation";
import { Dialog } from "./Dialog";
import { ErrorBanner } from "./ErrorBanner";
import { Field } from "./Field";

/** "Renombrar «…»": one name, checked, saved by `save`; stays open with the error if that fails. */
export function RenameDialog(props: {
  name: string;
  max: number;
  save: (name: string) => Promise<void>;
  onClose: () => void;
  returnFocus: () => HTMLElement | null | undefined;
  messages?: Partial<Record<CommandError["code"], string>> | undefined;
}) {
  const [name, setName] = createSignal(props.name);
  const [tried, setTried] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const problem = () => requiredText(name(), props.max);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setTried(true);
    if (problem() !== null) {
      document.getElementById("rename-name")?.focus();
      return;
    }
    if (name().trim() === props.name) {
      props.onClose();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await props.save(name().trim());
      props.onClose();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={t("admin.renameTitle", { name: props.name })}
      onClose={props.onClose}
      busy={busy()}
      returnFocus={props.returnFocus}
    >
      <form class="admin-form" onSubmit={(e) => void submit(e)} novalidate>
        <fieldset disabled={busy()}>
          <Field id="rename-name" label={t("admin.newName")} error={tried() ? problem() : null}>
            {(a) => (
              <input {...a} type="text" data-autofocus value={name()} onInput={(e) => setName(e.currentTarget.value)} />
            )}
          </Field>
        </fieldset>
        <Show when={error()} keyed>
          {(e) => <ErrorBanner error={e} focus messages={props.messages} />}
        </Show>
        <div class="dialog-actions">
          <button type="submit" class="button button-primary" disabled={busy()}>
            {busy() ? t("admin.saving") : t("admin.save")}
          </button>
          <button type="button" class="button" disabled={busy()} onClick={() => props.onClose()}>
            {t("admin.cancel")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
