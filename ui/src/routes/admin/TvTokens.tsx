import { createSignal, For, Match, Show, Switch } from "solid-js";
import type { NewTvToken, TvToken } from "../../bindings";
import { createAdminList, useAdmin } from "../../admin/context";
import { createNotice } from "../../admin/notice";
import * as check from "../../admin/validation";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Dialog } from "../../components/Dialog";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Field } from "../../components/Field";
import { t } from "../../i18n";
import { api, call } from "../../lib/api";
import { useDocumentTitle } from "../../lib/document";
import { when } from "./DistributorSettings";

/** "Pantallas TV": one token per office TV; a new one is shown once, then only its label. */
export default function TvTokens() {
  useDocumentTitle(() => t("admin.nav.tv"));
  const admin = useAdmin();
  const tokens = createAdminList((scope) => call(api().listTvTokens(scope)));
  const [label, setLabel] = createSignal("");
  const [tried, setTried] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  /** The token just created: held only while its dialog is open. */
  const [fresh, setFresh] = createSignal<NewTvToken | null>(null);
  const [revoking, setRevoking] = createSignal<TvToken | null>(null);
  const notice = createNotice();
  const problem = () => (tried() ? check.requiredText(label(), check.MAX_TV_LABEL) : null);

  const create = async (e: SubmitEvent) => {
    e.preventDefault();
    notice.clear();
    setTried(true);
    if (check.requiredText(label(), check.MAX_TV_LABEL) !== null) {
      document.getElementById("tv-new-label")?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const created = await call(api().createTvToken(admin.scope(), label().trim()));
      tokens.put(created.tv_token);
      setLabel("");
      setTried(false);
      setFresh(created);
    } catch (err) {
      setError(err);
      admin.failed(err);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (token: TvToken) => {
    await call(api().revokeTvToken(admin.scope(), token.id));
    await tokens.reload();
    const tokenLabel = token.label;
    notice.say(() => t("admin.tv.revokedDone", { label: tokenLabel }));
  };

  return (
    <section class="card admin-card" aria-labelledby="tv-title">
      <h2 id="tv-title">{t("admin.tv.title")}</h2>
      <p class="hint">{t("admin.tv.intro")}</p>
      <p role="status" class="admin-notice">
        {notice.text()}
      </p>
      <Switch>
        <Match when={tokens.state() === "error"}>
          <ErrorBanner error={tokens.error()} retry={() => void tokens.reload()} />
        </Match>
        <Match when={tokens.state() === "loading"}>
          <p role="status">{t("admin.loading")}</p>
        </Match>
        <Match when={tokens.items.length === 0}>
          <p>{t("admin.tv.empty")}</p>
        </Match>
        <Match when={true}>
          <table class="ranking-table admin-table">
            <caption class="visually-hidden">{t("admin.tv.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("admin.tv.label")}</th>
                <th scope="col">{t("admin.tv.created")}</th>
                <th scope="col">{t("admin.tv.lastUsed")}</th>
                <th scope="col">{t("admin.state")}</th>
                <th scope="col">
                  <span class="visually-hidden">{t("admin.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={tokens.items}>
                {(token) => (
                  <tr classList={{ inactive: token.revoked_at !== null }}>
                    <th scope="row">{token.label}</th>
                    <td>{when(token.created_at)}</td>
                    <td>{token.last_used_at ? when(token.last_used_at) : t("admin.tv.never")}</td>
                    <td>
                      <Show
                        when={token.revoked_at}
                        fallback={<span class="status-badge status-approved">{t("admin.tv.valid")}</span>}
                      >
                        {(at) => <span class="status-badge status-rejected">{t("admin.tv.revoked", { when: when(at()) })}</span>}
                      </Show>
                    </td>
                    <td class="row-actions">
                      <Show when={token.revoked_at === null}>
                        <button
                          type="button"
                          class="button button-small"
                          id={`tv-${token.id}-revoke`}
                          aria-label={`${t("admin.tv.revoke")}: ${token.label}`}
                          onClick={() => {
                            notice.clear();
                            setRevoking(token);
                          }}
                        >
                          {t("admin.tv.revoke")}
                        </button>
                      </Show>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Match>
      </Switch>

      <form class="admin-form admin-inline-form" onSubmit={(e) => void create(e)} novalidate>
        <fieldset disabled={busy()} class="admin-row">
          <Field id="tv-new-label" label={t("admin.tv.label")} hint={t("admin.tv.labelHint")} error={problem()}>
            {(a) => <input {...a} type="text" value={label()} onInput={(e) => setLabel(e.currentTarget.value)} />}
          </Field>
        </fieldset>
        <Show when={error()} keyed>
          {(e) => <ErrorBanner error={e} focus />}
        </Show>
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={busy()}>
            {busy() ? t("admin.saving") : t("admin.tv.create")}
          </button>
        </div>
      </form>

      <Show when={fresh()} keyed>
        {(created) => (
          <TokenOnce
            created={created}
            onClose={() => setFresh(null)}
            returnFocus={() => document.getElementById("tv-new-label")}
          />
        )}
      </Show>
      <Show when={revoking()} keyed>
        {(token) => (
          <ConfirmDialog
            title={t("admin.tv.revokeTitle", { label: token.label })}
            body={t("admin.tv.revokeBody")}
            confirm={t("admin.tv.revoke")}
            action={() => revoke(token)}
            onClose={() => setRevoking(null)}
            returnFocus={() => document.getElementById("tv-new-label")}
          />
        )}
      </Show>
    </section>
  );
}

/** The new token, this one time: a copy button and the warning that it will not be shown again. */
function TokenOnce(props: { created: NewTvToken; onClose: () => void; returnFocus: () => HTMLElement | null }) {
  const [copied, setCopied] = createSignal<"copied" | "manual" | null>(null);
  let field: HTMLInputElement | undefined;

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.created.token);
      setCopied("copied");
    } catch {
      // No clipboard access (older web views): select it for Ctrl+C.
      field?.focus();
      field?.select();
      setCopied("manual");
    }
  };

  return (
    <Dialog
      title={t("admin.tv.tokenTitle", { label: props.created.tv_token.label })}
      description={t("admin.tv.tokenWarning")}
      descriptionClass="banner banner-warning"
      onClose={props.onClose}
      returnFocus={props.returnFocus}
    >
      <Field id="tv-token-value" label={t("admin.tv.tokenLabel")} hint={t("admin.tv.tokenHint")}>
        {(a) => (
          <input
            {...a}
            ref={field}
            class="token-value"
            type="text"
            readonly
            spellcheck={false}
            value={props.created.token}
            onFocus={(e) => e.currentTarget.select()}
          />
        )}
      </Field>
      <p role="status" class="admin-notice">
        {copied() === "copied" ? t("admin.tv.copied") : copied() === "manual" ? t("admin.tv.copyManual") : ""}
      </p>
      <div class="dialog-actions">
        <button type="button" class="button button-primary" data-autofocus onClick={() => void copy()}>
          {t("admin.tv.copy")}
        </button>
        <button type="button" class="button" onClick={() => props.onClose()}>
          {t("admin.tv.done")}
        </button>
      </div>
    </Dialog>
  );
}
