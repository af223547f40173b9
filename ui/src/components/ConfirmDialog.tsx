import { createSignal, Show } from "solid-js";
import type { CommandError } from "../bindings";
import { t } from "../i18n";
import { Dialog } from "./Dialog";
import { ErrorBanner } from "./ErrorBanner";

/**
 * "¿Desactivar a …?": a question, what it will do, and the two answers. The focus
 * starts on "Cancelar" (Enter does no harm); the dialog stays open with the error
 * if the action fails, and closes when it is done.
 */
export function ConfirmDialog(props: {
  title: string;
  body: string;
  confirm: string;
  /** Does the thing; a failure is shown in the dialog. */
  action: () => Promise<void>;
  onClose: () => void;
  returnFocus?: (() => HTMLElement | null | undefined) | undefined;
  messages?: Partial<Record<CommandError["code"], string>> | undefined;
}) {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await props.action();
      props.onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={props.title}
      description={props.body}
      role="alertdialog"
      busy={busy()}
      onClose={props.onClose}
      returnFocus={props.returnFocus}
    >
      <Show when={error()} keyed>
        {(e) => <ErrorBanner error={e} messages={props.messages ?? {}} focus />}
      </Show>
      <div class="dialog-actions">
        <button type="button" class="button button-danger" disabled={busy()} onClick={() => void run()}>
          {busy() ? t("admin.saving") : props.confirm}
        </button>
        <button type="button" class="button" data-autofocus disabled={busy()} onClick={() => props.onClose()}>
          {t("admin.cancel")}
        </button>
      </div>
    </Dialog>
  );
}
