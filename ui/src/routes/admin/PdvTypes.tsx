import { RowButton, toggleLabel } from "../../components/RowButton";
import { createMemo, createSignal, For, Match, Show, Switch } from "solid-js";
import type { PdvType } from "../../bindings";
import { createAdminList, useAdmin } from "../../admin/context";
import { createNotice } from "../../admin/notice";
import { inOrder, move } from "../../admin/reorder";
import * as check from "../../admin/validation";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Field } from "../../components/Field";
import { RenameDialog } from "../../components/RenameDialog";
import { t } from "../../i18n";
import { api, call } from "../../lib/api";
import { useDocumentTitle } from "../../lib/document";

/** "Tipos de PDV": the buttons the bot offers, in order; add, rename, reorder, switch off. */
export default function PdvTypes() {
  useDocumentTitle(() => t("admin.nav.pdvTypes"));
  const admin = useAdmin();
  const types = createAdminList((scope) => call(api().listPdvTypes(scope)));
  const ordered = createMemo(() => inOrder(types.items));
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [renaming, setRenaming] = createSignal<PdvType | null>(null);
  const [deactivating, setDeactivating] = createSignal<PdvType | null>(null);
  const [name, setName] = createSignal("");
  const [tried, setTried] = createSignal(false);
  const [adding, setAdding] = createSignal(false);
  const [addError, setAddError] = createSignal<unknown>(null);
  const notice = createNotice();
  const button = (p: PdvType, action: string) => document.getElementById(`pdv-${p.id}-${action}`);
  const problem = () => (tried() ? check.requiredText(name(), check.MAX_PDV_TYPE_NAME) : null);

  const update = async (p: PdvType, changes: { name?: string; position?: number; active?: boolean }) => {
    types.put(await call(api().updatePdvType(admin.scope(), p.id, changes)));
  };

  /** Moves a type one place; the focus stays on its button (or the other one at an end). */
  const shift = async (p: PdvType, delta: -1 | 1) => {
    const changes = move(types.items, p.id, delta);
    if (changes.length === 0) return;
    setBusy(true);
    setError(null);
    notice.clear();
    try {
      for (const c of changes) {
        const item = types.items.find((i) => i.id === c.id);
        if (item) await update(item, { position: c.position });
      }
      const place = ordered().findIndex((i) => i.id === p.id) + 1;
      const typeName = p.name;
      notice.say(() => t("admin.pdv.moved", { name: typeName, position: place }));
    } catch (e) {
      setError(e);
      admin.failed(e);
      // Some moves may have been saved: show the order the server has.
      await types.reload();
    } finally {
      setBusy(false);
      const here = button(p, delta < 0 ? "up" : "down");
      const other = button(p, delta < 0 ? "down" : "up");
      queueMicrotask(() => ((here as HTMLButtonElement | null)?.disabled ? other : here)?.focus());
    }
  };

  const activate = async (p: PdvType) => {
    setError(null);
    notice.clear();
    try {
      await update(p, { active: true });
    } catch (e) {
      setError(e);
      admin.failed(e);
    }
  };

  const add = async (e: SubmitEvent) => {
    e.preventDefault();
    notice.clear();
    setTried(true);
    if (check.requiredText(name(), check.MAX_PDV_TYPE_NAME) !== null) {
      document.getElementById("pdv-new-name")?.focus();
      return;
    }
    setAdding(true);
    setAddError(null);
    try {
      const created = await call(api().createPdvType(admin.scope(), name().trim()));
      types.put(created);
      setName("");
      setTried(false);
      notice.say(() => t("admin.pdv.added", { name: created.name }));
      document.getElementById("pdv-new-name")?.focus();
    } catch (err) {
      setAddError(err);
      admin.failed(err);
    } finally {
      setAdding(false);
    }
  };

  return (
    <section class="card admin-card" aria-labelledby="pdv-title">
      <h2 id="pdv-title">{t("admin.pdv.title")}</h2>
      <p class="hint">{t("admin.pdv.intro")}</p>
      <p role="status" class="admin-notice">
        {notice.text()}
      </p>
      <Show when={error()} keyed>
        {(e) => <ErrorBanner error={e} />}
      </Show>
      <Switch>
        <Match when={types.state() === "error"}>
          <ErrorBanner error={types.error()} retry={() => void types.reload()} />
        </Match>
        <Match when={types.state() === "loading"}>
          <p role="status">{t("admin.loading")}</p>
        </Match>
        <Match when={types.items.length === 0}>
          <p>{t("admin.pdv.empty")}</p>
        </Match>
        <Match when={true}>
          <ol class="pdv-list" aria-label={t("admin.pdv.listLabel")} aria-busy={busy()}>
            <For each={ordered()}>
              {(p, i) => (
                <li class="pdv-item" classList={{ inactive: !p.active }}>
                  <span class="pdv-place" aria-hidden="true">
                    {i() + 1}
                  </span>
                  <span class="pdv-name">{p.name}</span>
                  <Show when={!p.active}>
                    <span class="status-badge status-pending">{t("admin.inactive")}</span>
                  </Show>
                  <span class="row-actions">
                    <button
                      type="button"
                      class="button button-small"
                      id={`pdv-${p.id}-up`}
                      aria-label={t("admin.pdv.upLabel", { name: p.name })}
                      disabled={busy() || i() === 0}
                      onClick={() => void shift(p, -1)}
                    >
                      ↑ {t("admin.pdv.up")}
                    </button>
                    <button
                      type="button"
                      class="button button-small"
                      id={`pdv-${p.id}-down`}
                      aria-label={t("admin.pdv.downLabel", { name: p.name })}
                      disabled={busy() || i() === ordered().length - 1}
                      onClick={() => void shift(p, 1)}
                    >
                      ↓ {t("admin.pdv.down")}
                    </button>
                    <RowButton
                      id={`pdv-${p.id}-rename`}
                      label={t("admin.rename")}
                      subject={p.name}
                      onClick={() => setRenaming(p)}
                    />
                    <RowButton
                      id={`pdv-${p.id}-active`}
                      label={toggleLabel(p.active)}
                      subject={p.name}
                      onClick={() => (p.active ? setDeactivating(p) : void activate(p))}
                    />
                  </span>
                </li>
              )}
            </For>
          </ol>
        </Match>
      </Switch>

      <form class="admin-form admin-inline-form" onSubmit={(e) => void add(e)} novalidate>
        <fieldset disabled={adding()} class="admin-row">
          <Field id="pdv-new-name" label={t("admin.pdv.newName")} error={problem()}>
            {(a) => <input {...a} type="text" value={name()} onInput={(e) => setName(e.currentTarget.value)} />}
          </Field>
        </fieldset>
        <Show when={addError()} keyed>
          {(e) => <ErrorBanner error={e} focus messages={{ already_exists: t("admin.pdv.duplicate") }} />}
        </Show>
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={adding()}>
            {adding() ? t("admin.saving") : t("admin.pdv.add")}
          </button>
        </div>
      </form>

      <Show when={renaming()} keyed>
        {(p) => (
          <RenameDialog
            name={p.name}
            max={check.MAX_PDV_TYPE_NAME}
            save={(newName) => update(p, { name: newName })}
            onClose={() => setRenaming(null)}
            returnFocus={() => button(p, "rename")}
            messages={{ already_exists: t("admin.pdv.duplicate") }}
          />
        )}
      </Show>
      <Show when={deactivating()} keyed>
        {(p) => (
          <ConfirmDialog
            title={t("admin.pdv.deactivateTitle", { name: p.name })}
            body={t("admin.pdv.deactivateBody")}
            confirm={t("admin.deactivate")}
            action={() => update(p, { active: false })}
            onClose={() => setDeactivating(null)}
            returnFocus={() => button(p, "active")}
          />
        )}
      </Show>
    </section>
  );
}
