import { createSignal, For, Show } from "solid-js";
import type { ImportedDistributor, LegacyImport as Report } from "../../bindings";
import { useAdmin } from "../../admin/context";
import { ErrorBanner } from "../../components/ErrorBanner";
import { t } from "../../i18n";
import { api, call } from "../../lib/api";
import { useDocumentTitle } from "../../lib/document";

const DEFAULT_ZONE = "America/Argentina/Buenos_Aires";

/**
 * "Sistema anterior" (superadmin): bring in the old Python system's database
 * (`base_datos/centermind.db`) from this computer. "Probar" runs the import on
 * a copy of the server's database and says what it would do; "Importar" does
 * it. Running it again adds what is new and brings the verdicts given in the
 * old system since, except on exhibitions already evaluated here.
 */
export default function LegacyImport() {
  useDocumentTitle(() => t("admin.nav.legacy"));
  const admin = useAdmin();
  return (
    <Show
      when={admin.isSuperadmin()}
      fallback={
        <section class="card admin-card" aria-labelledby="legacy-title">
          <h2 id="legacy-title">{t("admin.legacy.title")}</h2>
          <p>{t("admin.legacy.onlySuperadmin")}</p>
        </section>
      }
    >
      <ImportForm />
    </Show>
  );
}

function ImportForm() {
  const [path, setPath] = createSignal("");
  const [zone, setZone] = createSignal(DEFAULT_ZONE);
  const [tokens, setTokens] = createSignal(true);
  const [busy, setBusy] = createSignal<"preview" | "import" | null>(null);
  const [error, setError] = createSignal<unknown>(null);
  const [report, setReport] = createSignal<{ report: Report; dryRun: boolean } | null>(null);

  const run = async (dryRun: boolean) => {
    if (busy()) return;
    setBusy(dryRun ? "preview" : "import");
    setError(null);
    try {
      const done = await call(
        api().importLegacy({ path: path().trim(), dry_run: dryRun, time_zone: zone().trim() || null, bot_tokens: tokens() }),
      );
      setReport({ report: done, dryRun });
    } catch (e) {
      setReport(null);
      setError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <section class="card admin-card" aria-labelledby="legacy-title">
      <h2 id="legacy-title">{t("admin.legacy.title")}</h2>
      <p class="hint">{t("admin.legacy.intro")}</p>
      <form
        class="admin-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(true);
        }}
      >
        <label for="legacy-path">{t("admin.legacy.path")}</label>
        <input
          id="legacy-path"
          type="text"
          required
          spellcheck={false}
          aria-describedby="legacy-path-hint"
          value={path()}
          onInput={(e) => setPath(e.currentTarget.value)}
        />
        <p id="legacy-path-hint" class="hint">
          {t("admin.legacy.pathHint")}
        </p>
        <label for="legacy-zone">{t("admin.legacy.zone")}</label>
        <input
          id="legacy-zone"
          type="text"
          spellcheck={false}
          aria-describedby="legacy-zone-hint"
          value={zone()}
          onInput={(e) => setZone(e.currentTarget.value)}
        />
        <p id="legacy-zone-hint" class="hint">
          {t("admin.legacy.zoneHint")}
        </p>
        <label class="checkbox">
          <input type="checkbox" checked={tokens()} onChange={(e) => setTokens(e.currentTarget.checked)} />{" "}
          {t("admin.legacy.tokens")}
        </label>
        <div class="form-actions">
          <button type="submit" class="button" disabled={busy() !== null || path().trim() === ""}>
            {busy() === "preview" ? t("admin.legacy.previewing") : t("admin.legacy.preview")}
          </button>
          <button
            type="button"
            class="button primary"
            disabled={busy() !== null || path().trim() === ""}
            onClick={() => void run(false)}
          >
            {busy() === "import" ? t("admin.legacy.importing") : t("admin.legacy.import")}
          </button>
        </div>
      </form>
      <Show when={error()}>{(e) => <ErrorBanner error={e()} />}</Show>
      <Show when={report()}>{(r) => <ReportView report={r().report} dryRun={r().dryRun} />}</Show>
    </section>
  );
}

function ReportView(props: { report: Report; dryRun: boolean }) {
  const tokens = () => props.report.distributors.some((d) => d.bot_token === "imported");
  const photos = () => props.report.distributors.some((d) => d.photos_queued > 0);
  return (
    <div class="legacy-report" role="status">
      <h3>{props.dryRun ? t("admin.legacy.previewTitle") : t("admin.legacy.doneTitle")}</h3>
      <Show when={props.report.distributors.length === 0}>
        <p>{t("admin.legacy.noDistributors")}</p>
      </Show>
      <For each={props.report.distributors}>{(d) => <DistributorView distributor={d} />}</For>
      <Show when={props.report.skipped.length > 0}>
        <h4>{t("admin.legacy.skipped", { count: props.report.skipped.length })}</h4>
        <ul>
          <For each={props.report.skipped}>
            {(s) => (
              <li>
                <code>{s.key}</code>: {s.problem}
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={props.report.recognised.length > 0}>
        <p class="hint">
          {t("admin.legacy.recognised")} {props.report.recognised.join("; ")}
        </p>
      </Show>
      <Show when={tokens()}>
        <p class="hint">{t("admin.legacy.stopOldBot")}</p>
      </Show>
      <Show when={photos()}>
        <p class="hint">{t("admin.legacy.photosFromDrive")}</p>
      </Show>
    </div>
  );
}

function DistributorView(props: { distributor: ImportedDistributor }) {
  const d = () => props.distributor;
  return (
    <div class="legacy-distributor">
      <h4>
        {d().name} ({d().created ? t("admin.legacy.new") : t("admin.legacy.existing")})
      </h4>
      <p>
        {t("admin.legacy.exhibitions", {
          count: d().exhibitions_imported,
          pending: d().pending,
          approved: d().approved,
          rejected: d().rejected,
          highlighted: d().highlighted,
        })}
        <Show when={d().exhibitions_already_imported > 0}>
          {" "}
          {t("admin.legacy.already", { count: d().exhibitions_already_imported })}
        </Show>
      </p>
      <Show when={d().verdicts_updated}>
        {(count) => <p>{t("admin.legacy.verdictsUpdated", { count: count() })}</p>}
      </Show>
      <Show when={d().verdicts_kept}>
        {(count) => <p>{t("admin.legacy.verdictsKept", { count: count() })}</p>}
      </Show>
      <p>{t(`admin.legacy.token.${d().bot_token}`)}</p>
      <p>
        {t("admin.legacy.created", { groups: d().groups_created, members: d().members_created })}
        <Show when={d().pdv_types_created.length > 0}>
          {" "}
          {t("admin.legacy.pdvTypes", { names: d().pdv_types_created.join(", ") })}
        </Show>
        <Show when={d().users_created.length > 0}>
          {" "}
          {t("admin.legacy.users", { names: d().users_created.join(", ") })}
        </Show>
      </p>
      <Show when={d().photos_queued + d().photos_not_in_drive > 0}>
        <p>{t("admin.legacy.photos", { queued: d().photos_queued, links: d().photos_not_in_drive })}</p>
      </Show>
      <Show when={d().edits_queued > 0}>
        <p>{t("admin.legacy.edits", { count: d().edits_queued })}</p>
      </Show>
    </div>
  );
}
