import { A, useLocation, type RouteSectionProps } from "@solidjs/router";
import { createSignal, For, Match, onMount, Show, Switch } from "solid-js";
import { createStore, reconcile } from "solid-js/store";
import type { Distributor } from "../../bindings";
import { AdminProvider, createAdminScope, failed } from "../../admin/context";
import { createNotice } from "../../admin/notice";
import { ErrorBanner } from "../../components/ErrorBanner";
import { t } from "../../i18n";
import { api, call } from "../../lib/api";
import { useDocumentTitle } from "../../lib/document";
import { canAdminister, session } from "../../lib/session";
import { NewDistributorDialog } from "./NewDistributor";

/**
 * The sections of the administration area, in order. `for`: who is offered the
 * section ("admins": admins and the superadmin); `server`: the section is about the
 * server rather than one distributor (no distributor picker, shown even before
 * there is a distributor).
 */
export const ADMIN_SECTIONS = [
  { href: "/admin/distributor", label: "admin.nav.distributor", for: "admins", server: false },
  { href: "/admin/users", label: "admin.nav.users", for: "admins", server: false },
  { href: "/admin/groups", label: "admin.nav.groups", for: "admins", server: false },
  { href: "/admin/pdv-types", label: "admin.nav.pdvTypes", for: "admins", server: false },
  { href: "/admin/tv", label: "admin.nav.tv", for: "admins", server: false },
  { href: "/admin/health", label: "admin.nav.health", for: "admins", server: false },
  { href: "/admin/activity", label: "admin.nav.activity", for: "admins", server: false },
  { href: "/admin/jobs", label: "admin.nav.jobs", for: "superadmin", server: true },
  { href: "/admin/backups", label: "admin.nav.backups", for: "superadmin", server: true },
  { href: "/admin/legacy", label: "admin.nav.legacy", for: "superadmin", server: true },
] as const;

/** Whether `path` is a section about the server (see {@link ADMIN_SECTIONS}). */
export function isServerSection(path: string): boolean {
  return ADMIN_SECTIONS.some((s) => s.server && (path === s.href || path.startsWith(`${s.href}/`)));
}

/** Shown to a signed-in person whose role does not administer (the server would refuse too). */
export function NoPermission() {
  useDocumentTitle(() => t("admin.noPermission.title"));
  return (
    <section class="card admin-denied" aria-labelledby="admin-denied-title">
      <h1 id="admin-denied-title">{t("admin.noPermission.title")}</h1>
      <p>{t("admin.noPermission.body")}</p>
      <p>
        <A href="/" class="button">
          {t("admin.noPermission.back")}
        </A>
      </p>
    </section>
  );
}

/**
 * The administration area: its title, the superadmin's distributor picker, the
 * sections' tabs and the section on screen. Only admins and the superadmin get
 * here from the navigation; anyone else who does sees {@link NoPermission}.
 */
export default function AdminLayout(props: RouteSectionProps) {
  return (
    <Show when={canAdminister(session()?.user.role)} fallback={<NoPermission />}>
      <AdminArea>{props.children}</AdminArea>
    </Show>
  );
}

function AdminArea(props: { children: RouteSectionProps["children"] }) {
  useDocumentTitle(() => t("admin.title"));
  const [distributors, setDistributors] = createStore<Distributor[]>([]);
  const [loaded, setLoaded] = createSignal(false);
  const [error, setError] = createSignal<unknown>(null);
  const [creating, setCreating] = createSignal(false);
  const notice = createNotice();
  let createButton: HTMLButtonElement | undefined;

  const reload = async () => {
    try {
      setDistributors(reconcile(await call(api().listDistributors()), { key: "id" }));
      setError(null);
    } catch (e) {
      setError(e);
      failed(e);
    } finally {
      setLoaded(true);
    }
  };
  const put = (d: Distributor) => {
    const at = distributors.findIndex((x) => x.id === d.id);
    if (at < 0) setDistributors(distributors.length, d);
    else setDistributors(at, reconcile(d));
  };
  const admin = createAdminScope(() => distributors, reload, put);
  const location = useLocation();
  const serverSection = () => isServerSection(location.pathname);
  const sections = () => ADMIN_SECTIONS.filter((s) => s.for === "admins" || admin.isSuperadmin());
  onMount(() => void reload());

  return (
    <AdminProvider value={admin}>
      <section class="admin" aria-labelledby="admin-title">
        <header class="admin-header">
          <div>
            <h1 id="admin-title">{t("admin.title")}</h1>
            <Show when={!admin.isSuperadmin() && admin.current()}>
              {(d) => <p class="hint admin-subtitle">{d().name}</p>}
            </Show>
          </div>
          <Show when={admin.isSuperadmin() && !serverSection()}>
            <div class="admin-picker">
              <div class="filter-field">
                <label for="admin-distributor">{t("admin.picker.label")}</label>
                <select
                  id="admin-distributor"
                  disabled={distributors.length === 0}
                  onChange={(e) => {
                    notice.clear();
                    admin.choose(Number(e.currentTarget.value));
                  }}
                >
                  <For each={distributors}>
                    {(d) => (
                      <option value={d.id} selected={d.id === admin.distributorId()}>
                        {d.active ? d.name : t("admin.picker.inactive", { name: d.name })}
                      </option>
                    )}
                  </For>
                </select>
              </div>
              <button type="button" class="button" ref={createButton} onClick={() => setCreating(true)}>
                {t("admin.picker.create")}
              </button>
            </div>
          </Show>
        </header>
        <p class="admin-notice" role="status">
          {notice.text()}
        </p>
        <nav aria-label={t("admin.sections")}>
          <ul class="admin-tabs">
            <For each={sections()}>
              {(section) => (
                <li>
                  <A href={section.href} activeClass="active">
                    {t(section.label)}
                  </A>
                </li>
              )}
            </For>
          </ul>
        </nav>
        <Switch>
          <Match when={serverSection()}>{props.children}</Match>
          <Match when={error() !== null && distributors.length === 0}>
            <ErrorBanner error={error()} retry={() => void reload()} />
          </Match>
          <Match when={!loaded()}>
            <p role="status">{t("admin.loading")}</p>
          </Match>
          <Match when={admin.distributorId() === null}>
            <p role="status">{t("admin.picker.none")}</p>
          </Match>
          <Match when={true}>{props.children}</Match>
        </Switch>
      </section>
      <Show when={creating()}>
        <NewDistributorDialog
          onClose={() => setCreating(false)}
          returnFocus={() => createButton}
          onCreated={(d) => {
            put(d);
            admin.choose(d.id);
            setCreating(false);
            notice.say(() => t("admin.distributor.created", { name: d.name }));
          }}
        />
      </Show>
    </AdminProvider>
  );
}
