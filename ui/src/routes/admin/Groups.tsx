import { RowButton, toggleLabel } from "../../components/RowButton";
import { createMemo, createSignal, For, Match, Show, Switch } from "solid-js";
import type { Group, Member, MemberRole } from "../../bindings";
import { createAdminList, useAdmin } from "../../admin/context";
import { createNotice } from "../../admin/notice";
import * as check from "../../admin/validation";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ErrorBanner } from "../../components/ErrorBanner";
import { Field } from "../../components/Field";
import { RenameDialog } from "../../components/RenameDialog";
import { formatNumber, t } from "../../i18n";
import { api, call } from "../../lib/api";
import { useDocumentTitle } from "../../lib/document";
import { focusFirst } from "./NewDistributor";

/** "Grupos y miembros": the Telegram groups the bot serves, and the people it has seen there. */
export default function Groups() {
  useDocumentTitle(() => t("admin.nav.groups"));
  return (
    <div class="admin-stack">
      <GroupsCard />
      <MembersCard />
    </div>
  );
}

const GROUP_ORDER = ["chat_id", "title"] as const;

function GroupsCard() {
  const admin = useAdmin();
  const groups = createAdminList((scope) => call(api().listGroups(scope)));
  const [chatId, setChatId] = createSignal("");
  const [title, setTitle] = createSignal("");
  const [tried, setTried] = createSignal(false);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [renaming, setRenaming] = createSignal<Group | null>(null);
  const [deactivating, setDeactivating] = createSignal<Group | null>(null);
  const [rowError, setRowError] = createSignal<unknown>(null);
  const notice = createNotice();
  const problems = createMemo(() => ({ chat_id: check.chatId(chatId()), title: check.requiredText(title()) }));
  const shown = (k: (typeof GROUP_ORDER)[number]) => (tried() ? problems()[k] : null);
  const button = (g: Group, action: string) => document.getElementById(`group-${g.id}-${action}`);

  const register = async (e: SubmitEvent) => {
    e.preventDefault();
    notice.clear();
    setTried(true);
    if (focusFirst(problems(), GROUP_ORDER, (k) => `group-new-${k}`)) return;
    setBusy(true);
    setError(null);
    try {
      const created = await call(
        api().createGroup(admin.scope(), { chat_id: Number(chatId().trim()), title: title().trim() }),
      );
      groups.put(created);
      setChatId("");
      setTitle("");
      setTried(false);
      notice.say(() => t("admin.groups.registered", { title: created.title }));
      document.getElementById("group-new-chat_id")?.focus();
    } catch (err) {
      setError(err);
      admin.failed(err);
    } finally {
      setBusy(false);
    }
  };

  const update = async (g: Group, changes: { title?: string; active?: boolean }) => {
    groups.put(await call(api().updateGroup(admin.scope(), g.id, changes)));
  };

  const activate = async (g: Group) => {
    setRowError(null);
    notice.clear();
    try {
      await update(g, { active: true });
    } catch (e) {
      setRowError(e);
      admin.failed(e);
    }
  };

  return (
    <section class="card admin-card" aria-labelledby="groups-title">
      <h2 id="groups-title">{t("admin.groups.title")}</h2>
      <p class="hint">{t("admin.groups.intro")}</p>
      <Switch>
        <Match when={groups.state() === "error"}>
          <ErrorBanner error={groups.error()} retry={() => void groups.reload()} />
        </Match>
        <Match when={groups.state() === "loading"}>
          <p role="status">{t("admin.loading")}</p>
        </Match>
        <Match when={groups.items.length === 0}>
          <p>{t("admin.groups.empty")}</p>
        </Match>
        <Match when={true}>
          <table class="ranking-table admin-table">
            <caption class="visually-hidden">{t("admin.groups.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("admin.groups.groupTitle")}</th>
                <th scope="col">{t("admin.groups.chatId")}</th>
                <th scope="col">{t("admin.state")}</th>
                <th scope="col">
                  <span class="visually-hidden">{t("admin.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={groups.items}>
                {(g) => (
                  <tr classList={{ inactive: !g.active }}>
                    <th scope="row">{g.title}</th>
                    <td class="mono">{g.chat_id}</td>
                    <td>
                      <span class={`status-badge ${g.active ? "status-approved" : "status-pending"}`}>
                        {g.active ? t("admin.active") : t("admin.inactive")}
                      </span>
                    </td>
                    <td class="row-actions">
                      <RowButton
                        id={`group-${g.id}-rename`}
                        label={t("admin.rename")}
                        subject={g.title}
                        onClick={() => setRenaming(g)}
                      />
                      <RowButton
                        id={`group-${g.id}-active`}
                        label={toggleLabel(g.active)}
                        subject={g.title}
                        onClick={() => (g.active ? setDeactivating(g) : void activate(g))}
                      />
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Match>
      </Switch>
      <Show when={rowError()} keyed>
        {(e) => <ErrorBanner error={e} />}
      </Show>

      <form class="admin-form admin-inline-form" onSubmit={(e) => void register(e)} novalidate aria-labelledby="group-new-legend">
        <h3 id="group-new-legend" class="admin-subheading">
          {t("admin.groups.register")}
        </h3>
        <fieldset disabled={busy()} class="admin-row">
          <Field id="group-new-chat_id" label={t("admin.groups.chatId")} hint={t("admin.groups.chatIdHint")} error={shown("chat_id")}>
            {(a) => (
              <input {...a} type="text" inputmode="numeric" value={chatId()} onInput={(e) => setChatId(e.currentTarget.value)} />
            )}
          </Field>
          <Field id="group-new-title" label={t("admin.groups.groupTitle")} error={shown("title")}>
            {(a) => <input {...a} type="text" value={title()} onInput={(e) => setTitle(e.currentTarget.value)} />}
          </Field>
        </fieldset>
        <Show when={error()} keyed>
          {(e) => <ErrorBanner error={e} focus messages={{ already_exists: t("admin.groups.duplicate") }} />}
        </Show>
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={busy()}>
            {busy() ? t("admin.saving") : t("admin.groups.register")}
          </button>
          <span role="status" class="admin-notice">
            {notice.text()}
          </span>
        </div>
      </form>

      <Show when={renaming()} keyed>
        {(g) => (
          <RenameDialog
            name={g.title}
            max={check.MAX_TEXT}
            save={(title) => update(g, { title })}
            onClose={() => setRenaming(null)}
            returnFocus={() => button(g, "rename")}
          />
        )}
      </Show>
      <Show when={deactivating()} keyed>
        {(g) => (
          <ConfirmDialog
            title={t("admin.groups.deactivateTitle", { title: g.title })}
            body={t("admin.groups.deactivateBody")}
            confirm={t("admin.deactivate")}
            action={() => update(g, { active: false })}
            onClose={() => setDeactivating(null)}
            returnFocus={() => button(g, "active")}
          />
        )}
      </Show>
    </section>
  );
}

const MEMBER_ROLES: readonly MemberRole[] = ["vendor", "supervisor", "admin"];

/** "Ana Paz", else "@ana" (as the listings name vendors). */
export function memberName(m: Member): string {
  const full = `${m.first_name} ${m.last_name ?? ""}`.trim();
  return full === "" && m.username ? `@${m.username}` : full;
}

function MembersCard() {
  const admin = useAdmin();
  const members = createAdminList((scope) => call(api().listMembers(scope)));
  const [search, setSearch] = createSignal("");
  const [saving, setSaving] = createSignal<number | null>(null);
  const [error, setError] = createSignal<unknown>(null);
  const [deactivating, setDeactivating] = createSignal<Member | null>(null);
  const notice = createNotice();
  const button = (m: Member) => document.getElementById(`member-${m.id}-active`);

  const shown = createMemo(() => {
    const text = search().trim().toLocaleLowerCase();
    if (text === "") return members.items;
    return members.items.filter((m) =>
      [memberName(m), m.username ?? "", String(m.telegram_user_id)].some((s) => s.toLocaleLowerCase().includes(text)),
    );
  });

  const update = async (m: Member, changes: { role?: MemberRole; active?: boolean }) => {
    members.put(await call(api().updateMember(admin.scope(), m.id, changes)));
  };

  const changeRole = async (m: Member, select: HTMLSelectElement) => {
    const role = select.value as MemberRole;
    setSaving(m.id);
    setError(null);
    notice.clear();
    try {
      await update(m, { role });
      const name = memberName(m);
      notice.say(() => t("admin.members.roleSaved", { name, role: t(`admin.members.roles.${role}`) }));
    } catch (e) {
      // The list still has the role the server holds: show that one again.
      select.value = m.role;
      setError(e);
      admin.failed(e);
    } finally {
      setSaving(null);
      select.focus();
    }
  };

  const activate = async (m: Member) => {
    setError(null);
    notice.clear();
    setSaving(m.id);
    try {
      await update(m, { active: true });
    } catch (e) {
      setError(e);
      admin.failed(e);
    } finally {
      setSaving(null);
    }
  };

  return (
    <section class="card admin-card" aria-labelledby="members-title">
      <h2 id="members-title">{t("admin.members.title")}</h2>
      <p class="hint">{t("admin.members.intro")}</p>
      <div class="filter-bar">
        <div class="filter-field">
          <label for="member-search">{t("admin.members.search")}</label>
          <input id="member-search" type="search" value={search()} onInput={(e) => setSearch(e.currentTarget.value)} />
        </div>
      </div>
      <p role="status" class="admin-notice">
        {notice.text()}
      </p>
      <Show when={error()} keyed>
        {(e) => <ErrorBanner error={e} />}
      </Show>
      <Switch>
        <Match when={members.state() === "error"}>
          <ErrorBanner error={members.error()} retry={() => void members.reload()} />
        </Match>
        <Match when={members.state() === "loading"}>
          <p role="status">{t("admin.loading")}</p>
        </Match>
        <Match when={members.items.length === 0}>
          <p>{t("admin.members.empty")}</p>
        </Match>
        <Match when={shown().length === 0}>
          <p>{t("admin.members.noMatch", { text: search().trim() })}</p>
        </Match>
        <Match when={true}>
          <table class="ranking-table admin-table">
            <caption class="visually-hidden">{t("admin.members.title")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("admin.members.name")}</th>
                <th scope="col">{t("admin.members.telegram")}</th>
                <th scope="col">{t("admin.members.role")}</th>
                <th scope="col">{t("admin.state")}</th>
                <th scope="col">
                  <span class="visually-hidden">{t("admin.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <For each={shown()}>
                {(m) => (
                  <tr classList={{ inactive: !m.active }}>
                    <th scope="row">{memberName(m)}</th>
                    <td>
                      <Show when={m.username}>{(u) => <span>@{u()} · </span>}</Show>
                      <span class="mono">{formatNumber(m.telegram_user_id, { useGrouping: false })}</span>
                    </td>
                    <td>
                      <select
                        class="inline-select"
                        aria-label={t("admin.members.roleOf", { name: memberName(m) })}
                        disabled={saving() === m.id}
                        onChange={(e) => void changeRole(m, e.currentTarget)}
                      >
                        <For each={MEMBER_ROLES}>
                          {(r) => (
                            <option value={r} selected={r === m.role}>
                              {t(`admin.members.roles.${r}`)}
                            </option>
                          )}
                        </For>
                      </select>
                    </td>
                    <td>
                      <span class={`status-badge ${m.active ? "status-approved" : "status-pending"}`}>
                        {m.active ? t("admin.active") : t("admin.inactive")}
                      </span>
                    </td>
                    <td class="row-actions">
                      <RowButton
                        id={`member-${m.id}-active`}
                        label={toggleLabel(m.active)}
                        subject={memberName(m)}
                        disabled={saving() === m.id}
                        onClick={() => (m.active ? setDeactivating(m) : void activate(m))}
                      />
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Match>
      </Switch>
      <Show when={deactivating()} keyed>
        {(m) => (
          <ConfirmDialog
            title={t("admin.members.deactivateTitle", { name: memberName(m) })}
            body={t("admin.members.deactivateBody")}
            confirm={t("admin.deactivate")}
            action={() => update(m, { active: false })}
            onClose={() => setDeactivating(null)}
            returnFocus={() => button(m)}
          />
        )}
      </Show>
    </section>
  );
}
