import { createMemo, createSignal, For, Match, Show, Switch } from "solid-js";
import { useNavigate } from "@solidjs/router";
import type { PortalUser, Role } from "../../bindings";
import { createAdminList, useAdmin } from "../../admin/context";
import { createNotice } from "../../admin/notice";
import * as check from "../../admin/validation";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { Dialog } from "../../components/Dialog";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Field } from "../../components/Field";
import { NewPasswordFields } from "../../components/NewPasswordFields";
import { t } from "../../i18n";
import { api, call } from "../../lib/api";
import { useDocumentTitle } from "../../lib/document";
import { logout, session } from "../../lib/session";
import { when } from "./DistributorSettings";
import { focusFirst } from "./NewDistributor";

/** The roles an admin gives to the distributor's users (a superadmin belongs to none). */
const ROLES: readonly Role[] = ["viewer", "supervisor", "admin"];

/** The signed-in person's own row: guarded against locking themself out. */
const isMe = (u: PortalUser) => session()?.user.id === u.id;

type Open =
  | { kind: "create" }
  | { kind: "edit"; user: PortalUser }
  | { kind: "password"; user: PortalUser }
  | { kind: "deactivate"; user: PortalUser };

/** "Usuarios": who signs in to the app, their roles, passwords and access. */
export default function Users() {
  useDocumentTitle(() => t("admin.nav.users"));
  const admin = useAdmin();
  const navigate = useNavigate();
  const users = createAdminList((scope) => call(api().listUsers(scope)));
  const [open, setOpen] = createSignal<Open | null>(null);
  const [rowError, setRowError] = createSignal<unknown>(null);
  const notice = createNotice();
  let createButton: HTMLButtonElement | undefined;

  const button = (user: PortalUser, action: string) => document.getElementById(`user-${user.id}-${action}`);

  const setActive = async (user: PortalUser, active: boolean) => {
    const updated = await call(api().updateUser(user.id, { active }));
    users.put(updated);
    const name = updated.display_name;
    notice.say(() => t(active ? "admin.users.reactivated" : "admin.users.deactivated", { name }));
  };

  const toggle = async (user: PortalUser) => {
    notice.clear();
    setRowError(null);
    if (user.active && isMe(user)) {
      // The shell refuses it too; say why here, before anything is sent.
      notice.say(() => t("admin.users.ownDeactivate"));
      return;
    }
    if (user.active) {
      setOpen({ kind: "deactivate", user });
      return;
    }
    try {
      await setActive(user, true);
    } catch (e) {
      setRowError(e);
      admin.failed(e);
    }
  };

  return (
    <section class="card admin-card" aria-labelledby="users-title">
      <header class="admin-section-header">
        <div>
          <h2 id="users-title">{t("admin.nav.users")}</h2>
          <p class="hint">{t("admin.users.intro")}</p>
        </div>
        <button
          type="button"
          class="button button-primary"
          ref={createButton}
          onClick={() => {
            notice.clear();
            setOpen({ kind: "create" });
          }}
        >
          {t("admin.users.create")}
        </button>
      </header>
      <p role="status" class="admin-notice">
        {notice.text()}
      </p>
      <Show when={rowError()} keyed>
        {(e) => <ErrorBanner error={e} />}
      </Show>
      <Switch>
        <Match when={users.state() === "error"}>
          <ErrorBanner error={users.error()} retry={() => void users.reload()} />
        </Match>
        <Match when={users.state() === "loading"}>
          <p role="status">{t("admin.loading")}</p>
        </Match>
        <Match when={users.items.length === 0}>
          <p>{t("admin.users.empty")}</p>
        </Match>
        <Match when={true}>
          <table class="ranking-table admin-table">
            <caption class="visually-hidden">{t("admin.nav.users")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("admin.users.username")}</th>
                <th scope="col">{t("admin.users.name")}</th>
                <th scope="col">{t("admin.users.role")}</th>
                <th scope="col">{t("admin.state")}</th>
                <th scope="col">{t("admin.users.lastLogin")}</th>
                <th scope="col">
                  <span class="visually-hidden">{t("admin.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={users.items}>
                {(user) => (
                  <tr classList={{ inactive: !user.active }}>
                    <th scope="row">
                      {user.username}
                      <Show when={isMe(user)}>
                        {" "}
                        <span class="hint">{t("admin.users.you")}</span>
                      </Show>
                    </th>
                    <td>{user.display_name}</td>
                    <td>{t(`roles.${user.role}`)}</td>
                    <td>
                      <span class={`status-badge ${user.active ? "status-approved" : "status-pending"}`}>
                        {user.active ? t("admin.active") : t("admin.inactive")}
                      </span>
                    </td>
                    <td>{user.last_login_at ? when(user.last_login_at) : t("admin.users.never")}</td>
                    <td class="row-actions">
                      <button
                        type="button"
                        class="button button-small"
                        id={`user-${user.id}-edit`}
                        aria-label={`${t("admin.users.edit")}: ${user.username}`}
                        onClick={() => {
                          notice.clear();
                          setOpen({ kind: "edit", user });
                        }}
                      >
                        {t("admin.users.edit")}
                      </button>
                      <button
                        type="button"
                        class="button button-small"
                        id={`user-${user.id}-password`}
                        aria-label={`${t("admin.users.setPassword")}: ${user.username}`}
                        onClick={() => {
                          notice.clear();
                          setOpen({ kind: "password", user });
                        }}
                      >
                        {t("admin.users.setPassword")}
                      </button>
                      <button
                        type="button"
                        class="button button-small"
                        id={`user-${user.id}-active`}
                        aria-label={`${user.active ? t("admin.deactivate") : t("admin.users.reactivate")}: ${user.username}`}
                        aria-disabled={user.active && isMe(user) ? "true" : undefined}
                        onClick={() => void toggle(user)}
                      >
                        {user.active ? t("admin.deactivate") : t("admin.users.reactivate")}
                      </button>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Match>
      </Switch>

      <Show when={open()} keyed>
        {(o) => (
          <Switch>
            <Match when={o.kind === "create"}>
              <UserDialog
                onClose={() => setOpen(null)}
                returnFocus={() => createButton}
                onSaved={(u) => {
                  users.put(u);
                  setOpen(null);
                  notice.say(() => t("admin.users.created", { username: u.username }));
                }}
              />
            </Match>
            <Match when={o.kind === "edit" ? o.user : undefined}>
              {(user) => (
                <UserDialog
                  user={user()}
                  onClose={() => setOpen(null)}
                  returnFocus={() => button(user(), "edit")}
                  onSaved={(u) => {
                    users.put(u);
                    setOpen(null);
                    notice.say(() => t("admin.saved"));
                  }}
                />
              )}
            </Match>
            <Match when={o.kind === "password" ? o.user : undefined}>
              {(user) => (
                <PasswordDialog
                  user={user()}
                  onClose={() => setOpen(null)}
                  returnFocus={() => button(user(), "password")}
                  onSaved={(u) => {
                    setOpen(null);
                    if (isMe(u)) {
                      // The server ended this session too: sign in again with the new password.
                      void logout().finally(() => navigate("/login"));
                      return;
                    }
                    const name = u.display_name;
                    notice.say(() => t("admin.users.passwordSaved", { name }));
                  }}
                />
              )}
            </Match>
            <Match when={o.kind === "deactivate" ? o.user : undefined}>
              {(user) => (
                <ConfirmDialog
                  title={t("admin.users.deactivateTitle", { name: user().display_name })}
                  body={t("admin.users.deactivateBody")}
                  confirm={t("admin.deactivate")}
                  action={() => setActive(user(), false)}
                  onClose={() => setOpen(null)}
                  returnFocus={() => button(user(), "active")}
                />
              )}
            </Match>
          </Switch>
        )}
      </Show>
    </section>
  );
}

const CREATE_ORDER = ["username", "display_name", "password", "confirm"] as const;

/** Create a user (no `user`) or change an existing one's name and role. */
function UserDialog(props: {
  user?: PortalUser;
  onClose: () => void;
  onSaved: (u: PortalUser) => void;
  returnFocus: () => HTMLElement | null | undefined;
}) {
  const admin = useAdmin();
  const editing = props.user;
  const own = editing !== undefined && isMe(editing);
  const [username, setUsername] = createSignal(editing?.username ?? "");
  const [name, setName] = createSignal(editing?.display_name ?? "");
  const [role, setRole] = createSignal<Role>(editing?.role ?? "supervisor");
  const [pw, setPw] = createSignal("");
  const [confirm, setConfirm] = createSignal("");
  const [tried, setTried] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);

  const problems = createMemo(() => ({
    username: editing ? null : check.username(username()),
    display_name: editing ? check.requiredText(name()) : check.optionalText(name()),
    password: editing ? null : check.password(pw()),
    confirm: editing ? null : check.confirmation(pw(), confirm()),
  }));
  const shown = (k: (typeof CREATE_ORDER)[number]) => (tried() ? problems()[k] : null);
  const id = (k: string) => `user-form-${k}`;

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setTried(true);
    if (focusFirst(problems(), CREATE_ORDER, id)) return;
    setBusy(true);
    setError(null);
    try {
      let saved: PortalUser;
      if (editing) {
        const changes = {
          ...(name().trim() !== editing.display_name ? { display_name: name().trim() } : {}),
          ...(!own && role() !== editing.role ? { role: role() } : {}),
        };
        if (Object.keys(changes).length === 0) {
          props.onClose();
          return;
        }
        saved = await call(api().updateUser(editing.id, changes));
      } else {
        saved = await call(
          api().createUser(admin.scope(), {
            username: username().trim(),
            display_name: name().trim() === "" ? null : name().trim(),
            role: role(),
            password: pw(),
          }),
        );
      }
      setPw("");
      setConfirm("");
      props.onSaved(saved);
    } catch (err) {
      setError(err);
      admin.failed(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={editing ? t("admin.users.editTitle", { name: editing.display_name }) : t("admin.users.createTitle")}
      onClose={props.onClose}
      busy={busy()}
      returnFocus={props.returnFocus}
    >
      <form class="admin-form" onSubmit={(e) => void submit(e)} novalidate>
        <fieldset disabled={busy()}>
          <Show when={!editing}>
            <Field id={id("username")} label={t("admin.users.username")} hint={t("admin.users.usernameHint")} error={shown("username")}>
              {(a) => (
                <input
                  {...a}
                  type="text"
                  autocomplete="off"
                  autocapitalize="none"
                  spellcheck={false}
                  value={username()}
                  onInput={(e) => setUsername(e.currentTarget.value)}
                />
              )}
            </Field>
          </Show>
          <Field
            id={id("display_name")}
            label={t("admin.users.name")}
            hint={editing ? undefined : t("admin.users.nameHint")}
            error={shown("display_name")}
          >
            {(a) => <input {...a} type="text" value={name()} onInput={(e) => setName(e.currentTarget.value)} />}
          </Field>
          <Field id={id("role")} label={t("admin.users.role")} hint={own ? t("admin.users.ownRole") : t(`admin.users.roleHelp.${role()}`)}>
            {(a) => (
              <select {...a} disabled={own} onChange={(e) => setRole(e.currentTarget.value as Role)}>
                <For each={own ? [role()] : ROLES}>
                  {(r) => (
                    <option value={r} selected={r === role()}>
                      {t(`roles.${r}`)}
                    </option>
                  )}
                </For>
              </select>
            )}
          </Field>
          <Show when={!editing}>
            <NewPasswordFields
              id={id}
              labels={{ password: t("admin.users.password"), confirm: t("admin.users.confirm") }}
              password={pw()}
              confirm={confirm()}
              onPassword={setPw}
              onConfirm={setConfirm}
              errors={{ password: shown("password"), confirm: shown("confirm") }}
            />
          </Show>
        </fieldset>
        <Show when={error()} keyed>
          {(e) => (
            <ErrorBanner
              error={e}
              focus
              messages={{ already_exists: t("admin.users.duplicate", { username: username().trim() }) }}
            />
          )}
        </Show>
        <div class="dialog-actions">
          <button type="submit" class="button button-primary" disabled={busy()}>
            {busy() ? t("admin.saving") : editing ? t("admin.save") : t("admin.users.createSubmit")}
          </button>
          <button type="button" class="button" disabled={busy()} onClick={() => props.onClose()}>
            {t("admin.cancel")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

const PASSWORD_ORDER = ["password", "confirm"] as const;

/** A new password for a user: it ends their sessions (the dialog says so). */
function PasswordDialog(props: {
  user: PortalUser;
  onClose: () => void;
  onSaved: (u: PortalUser) => void;
  returnFocus: () => HTMLElement | null | undefined;
}) {
  const admin = useAdmin();
  const [pw, setPw] = createSignal("");
  const [confirm, setConfirm] = createSignal("");
  const [tried, setTried] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const problems = createMemo(() => ({ password: check.password(pw()), confirm: check.confirmation(pw(), confirm()) }));
  const shown = (k: (typeof PASSWORD_ORDER)[number]) => (tried() ? problems()[k] : null);
  const id = (k: string) => `password-form-${k}`;

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setTried(true);
    if (focusFirst(problems(), PASSWORD_ORDER, id)) return;
    setBusy(true);
    setError(null);
    try {
      const saved = await call(api().updateUser(props.user.id, { password: pw() }));
      setPw("");
      setConfirm("");
      props.onSaved(saved);
    } catch (err) {
      setError(err);
      admin.failed(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={t("admin.users.passwordTitle", { name: props.user.display_name })}
      description={
        isMe(props.user) ? t("admin.users.passwordOwnBody") : t("admin.users.passwordBody", { name: props.user.display_name })
      }
      onClose={props.onClose}
      busy={busy()}
      returnFocus={props.returnFocus}
    >
      <form class="admin-form" onSubmit={(e) => void submit(e)} novalidate>
        <fieldset disabled={busy()}>
          <NewPasswordFields
            id={id}
            labels={{ password: t("admin.users.password"), confirm: t("admin.users.confirm") }}
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
            {busy() ? t("admin.saving") : t("admin.users.setPassword")}
          </button>
          <button type="button" class="button" disabled={busy()} onClick={() => props.onClose()}>
            {t("admin.cancel")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
