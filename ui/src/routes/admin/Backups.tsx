import { useNavigate } from "@solidjs/router";
import { createResource, createSignal, For, Show } from "solid-js";
import type { BackupCopy, Backups as BackupList } from "../../bindings";
import { useAdmin } from "../../admin/context";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ErrorBanner } from "../../components/ErrorBanner";
import { formatDateTime, formatMegabytes, t } from "../../i18n";
import { api, call } from "../../lib/api";
import { useDocumentTitle } from "../../lib/document";
import { localMode, signedOut } from "../../lib/session";

/** When a copy was made, on this computer's clock. */
export function madeAt(copy: BackupCopy): string {
  return formatDateTime(new Date(copy.made_at), { dateStyle: "medium", timeStyle: "short", hourCycle: "h23" });
}

/**
 * "Copias de seguridad" (superadmin): the database copies the `backup` job keeps
 * on the server, newest first, and where; any can be put back from here (the
 * replaced database is kept next to it, missing photos come back) and then
 * everyone signs in again. On a one-machine install ("este equipo") the app
 * stops its server, restores and starts it again; on a server, the service
 * does it itself in a few seconds (`restore_server_backup` waits for it).
 */
export default function Backups() {
  useDocumentTitle(() => t("admin.nav.backups"));
  const admin = useAdmin();
  return (
    <Show
      when={admin.isSuperadmin()}
      fallback={
        <section class="card admin-card" aria-labelledby="backups-title">
          <h2 id="backups-title">{t("admin.backups.title")}</h2>
          <p>{t("admin.jobs.onlySuperadmin")}</p>
        </section>
      }
    >
      <BackupList />
    </Show>
  );
}

function BackupList() {
  const navigate = useNavigate();
  const [list, { refetch, mutate }] = createResource(() => call(api().listBackups()));
  const [restoring, setRestoring] = createSignal<BackupCopy | null>(null);
  const restore = async (copy: BackupCopy) => {
    await call(localMode() ? api().restoreLocalBackup(copy.file_name) : api().restoreServerBackup(copy.file_name));
    // The shell signed out: the sessions are the copy's now.
    signedOut(t("admin.backups.restored", { when: madeAt(copy) }));
    navigate("/login");
  };
  return (
    <section class="card admin-card" aria-labelledby="backups-title">
      <h2 id="backups-title">{t("admin.backups.title")}</h2>
      <p class="hint">{t("admin.backups.intro")}</p>
      <Show when={list.error}>
        <ErrorBanner error={list.error} retry={() => void refetch()} />
      </Show>
      <Show when={list()}>
        {(backups) => (
          <>
            <p class="hint">
              {t("admin.backups.where", { dir: backups().dir })}{" "}
              {backups().photos ? t("admin.backups.withPhotos") : t("admin.backups.noPhotos")}
            </p>
            <Show when={backups().backups.length > 0} fallback={<p role="status">{t("admin.backups.none")}</p>}>
              <table class="admin-table">
                <caption class="visually-hidden">{t("admin.backups.title")}</caption>
                <thead>
                  <tr>
                    <th scope="col">{t("admin.backups.made")}</th>
                    <th scope="col">{t("admin.backups.file")}</th>
                    <th scope="col">{t("admin.backups.sizeColumn")}</th>
                    <th scope="col">
                      <span class="visually-hidden">{t("admin.backups.actions")}</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For each={backups().backups}>
                    {(copy) => (
                      <tr>
                        <td>{madeAt(copy)}</td>
                        <td>
                          <code>{copy.file_name}</code>
                        </td>
                        <td>{formatMegabytes(copy.size_bytes)}</td>
                        <td>
                          <button
                            type="button"
                            class="button"
                            aria-label={t("admin.backups.restoreThis", { when: madeAt(copy) })}
                            onClick={() => setRestoring(copy)}
                          >
                            {t("admin.backups.restore")}
                          </button>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </Show>
            <Show when={!localMode()}>
              <p class="hint">{t("admin.backups.onServer")}</p>
            </Show>
            <Show when={localMode()}>
              <BackupFolder current={backups().dir} onChanged={(next) => mutate(next)} />
            </Show>
          </>
        )}
      </Show>
      <Show when={restoring()}>
        {(copy) => (
          <ConfirmDialog
            title={t("admin.backups.confirmTitle", { when: madeAt(copy()) })}
            body={localMode() ? t("admin.backups.confirmBody") : t("admin.backups.confirmBodyServer")}
            confirm={t("admin.backups.confirm")}
            action={() => restore(copy())}
            onClose={() => setRestoring(null)}
          />
        )}
      </Show>
    </section>
  );
}

/**
 * "Este equipo": where the local server keeps its copies. Another disk survives the
 * loss of this one; saving restarts the local server (a few seconds).
 */
function BackupFolder(props: { current: string; onChanged: (next: BackupList) => void }) {
  const [text, setText] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [state, setState] = createSignal<"idle" | "saved" | { error: unknown }>("idle");
  const save = async (event: SubmitEvent) => {
    event.preventDefault();
    setBusy(true);
    setState("idle");
    try {
      const value = (text() ?? props.current).trim();
      props.onChanged(await call(api().setLocalBackupDir(value === "" ? null : value)));
      setText(null);
      setState("saved");
    } catch (error) {
      setState({ error });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="backup-folder" onSubmit={(e) => void save(e)}>
      <label for="backup-folder">{t("admin.backups.folder")}</label>
      <input
        id="backup-folder"
        type="text"
        spellcheck={false}
        aria-describedby="backup-folder-hint"
        value={text() ?? props.current}
        onInput={(e) => {
          setText(e.currentTarget.value);
          setState("idle");
        }}
      />
      <p id="backup-folder-hint" class="hint">
        {t("admin.backups.folderHint")}
      </p>
      <button type="submit" class="button" disabled={busy()}>
        {busy() ? t("admin.backups.folderSaving") : t("admin.backups.folderSave")}
      </button>
      <Show when={state() === "saved"}>
        <p role="status">{t("admin.backups.folderSaved")}</p>
      </Show>
      <Show when={typeof state() === "object" && (state() as { error: unknown }).error}>
        {(error) => <ErrorBanner error={error()} />}
      </Show>
    </form>
  );
}
