import { createResource, createSignal, For, Show } from "solid-js";
import type { ExhibitionStatus, ExportFormat, ReportGroupBy, ReportPeriod, ReportRow, SavedReport } from "../bindings";
import { formatNumber, t } from "../i18n";
import { api, call } from "../lib/api";
import { workingDistributor } from "../lib/workingDistributor";
import { useDocumentTitle } from "../lib/document";
import { describeError } from "../lib/errors";
import { PRESETS, toPeriod, totals, type PeriodChoice, type PeriodForm, type Totals } from "../reports/period";

const STATUSES: readonly ExhibitionStatus[] = ["pending", "approved", "rejected", "highlighted"];
const isStatus = (key: string): key is ExhibitionStatus => (STATUSES as readonly string[]).includes(key);

/** The counts of a row, in column order. */
const COUNTS = ["sent", "pending", "approved", "highlighted", "rejected"] as const;

const EXPORTS = [
  ["xlsx", "reports.exportXlsx"],
  ["csv", "reports.exportCsv"],
] as const;

type Counts = Pick<ReportRow, (typeof COUNTS)[number]>;

/** One line of the table: a name, its counts and its approval rate. */
function FigureRow(props: { label: string; counts: Counts; approvalRate: number | null }) {
  return (
    <tr>
      <th scope="row">{props.label}</th>
      <For each={COUNTS}>{(count) => <td class="num">{formatNumber(props.counts[count])}</td>}</For>
      <td class="num">{rate(props.approvalRate)}</td>
    </tr>
  );
}

const totalsRow = (sum: Totals) => ({ counts: sum, approvalRate: sum.approvalRate });

const GROUPS: readonly ReportGroupBy[] = ["vendor", "customer", "pdv_type", "group", "status"];

const rate = (value: number | null) =>
  value === null ? t("reports.noRate") : formatNumber(value, { style: "percent", maximumFractionDigits: 1 });

/** A period's figures grouped as chosen, and the spreadsheet of every exhibition. */
export default function Reports() {
  useDocumentTitle(() => t("reports.title"));
  const [form, setForm] = createSignal<PeriodForm>({ choice: "this_month", from: "", to: "" });
  const [groupBy, setGroupBy] = createSignal<ReportGroupBy>("vendor");
  /** What the table shows: set by "Ver" (and at first), not by every keystroke. */
  const [asked, setAsked] = createSignal<{ period: ReportPeriod; groupBy: ReportGroupBy }>({
    period: { kind: "preset", preset: "this_month" },
    groupBy: "vendor",
  });
  const [summary] = createResource(asked, (q) => call(api().reportSummary(workingDistributor(), q.period, q.groupBy)));
  const checked = () => toPeriod(form());
  const problem = () => {
    const c = checked();
    return c.ok ? null : c.problem;
  };
  const [exporting, setExporting] = createSignal<ExportFormat | null>(null);
  const [saved, setSaved] = createSignal<SavedReport | null>(null);
  const [exportError, setExportError] = createSignal<unknown>(null);

  const show = (e: Event) => {
    e.preventDefault();
    const c = checked();
    if (c.ok) setAsked({ period: c.period, groupBy: groupBy() });
  };

  const download = async (format: ExportFormat) => {
    const c = checked();
    if (!c.ok || exporting()) return;
    setExporting(format);
    setSaved(null);
    setExportError(null);
    try {
      setSaved(await call(api().exportReport(workingDistributor(), c.period, format)));
    } catch (error) {
      setExportError(error);
    } finally {
      setExporting(null);
    }
  };

  // By status, the key is the status itself: named in the UI's language.
  const label = (row: ReportRow) => (asked().groupBy === "status" && isStatus(row.key) ? t(`status.${row.key}`) : row.label);

  return (
    <section class="card reports" aria-labelledby="reports-title">
      <h1 id="reports-title">{t("reports.title")}</h1>
      <p class="hint">{t("reports.intro")}</p>

      <form class="filter-bar" onSubmit={show}>
        <div class="filter-field">
          <label for="report-period">{t("reports.period")}</label>
          <select
            id="report-period"
            value={form().choice}
            onChange={(e) => setForm({ ...form(), choice: e.currentTarget.value as PeriodChoice })}
          >
            <For each={[...PRESETS, "dates" as const]}>
              {(p) => <option value={p}>{t(`reports.presets.${p}`)}</option>}
            </For>
          </select>
        </div>
        <Show when={form().choice === "dates"}>
          <div class="filter-field">
            <label for="report-from">{t("reports.from")}</label>
            <input
              id="report-from"
              type="date"
              value={form().from}
              aria-invalid={problem() !== null}
              aria-describedby={problem() ? "report-problem" : undefined}
              onInput={(e) => setForm({ ...form(), from: e.currentTarget.value })}
            />
          </div>
          <div class="filter-field">
            <label for="report-to">{t("reports.to")}</label>
            <input
              id="report-to"
              type="date"
              value={form().to}
              aria-invalid={problem() !== null}
              aria-describedby={problem() ? "report-problem" : undefined}
              onInput={(e) => setForm({ ...form(), to: e.currentTarget.value })}
            />
          </div>
        </Show>
        <div class="filter-field">
          <label for="report-group">{t("reports.groupBy")}</label>
          <select
            id="report-group"
            value={groupBy()}
            onChange={(e) => setGroupBy(e.currentTarget.value as ReportGroupBy)}
          >
            <For each={GROUPS}>{(g) => <option value={g}>{t(`reports.groups.${g}`)}</option>}</For>
          </select>
        </div>
        <button type="submit" class="button button-primary" disabled={problem() !== null}>
          {t("reports.show")}
        </button>
        <Show when={problem()}>
          {(p) => (
            <p id="report-problem" class="filter-problem" role="alert">
              {t(`reports.${p()}`)}
            </p>
          )}
        </Show>
      </form>

      <Show when={summary.error}>
        <p class="banner banner-error" role="alert">
          {describeError(summary.error)}
        </p>
      </Show>
      <Show when={summary.loading && !summary.latest}>
        <p role="status">{t("reports.loading")}</p>
      </Show>
      <Show when={summary.latest}>
        {(s) => (
          <Show when={s().rows.length > 0} fallback={<p role="status">{t("reports.empty")}</p>}>
            <table class="ranking-table report-table" aria-busy={summary.loading}>
              <caption class="visually-hidden">{t("reports.title")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t(`reports.groups.${s().group_by}`)}</th>
                  <For each={COUNTS}>
                    {(count) => (
                      <th scope="col" class="num">
                        {t(`reports.${count}`)}
                      </th>
                    )}
                  </For>
                  <th scope="col" class="num">
                    {t("reports.approvalRate")}
                  </th>
                </tr>
              </thead>
              <tbody>
                <For each={s().rows}>
                  {(row) => <FigureRow label={label(row)} counts={row} approvalRate={row.approval_rate} />}
                </For>
              </tbody>
              <tfoot>
                <FigureRow label={t("reports.total")} {...totalsRow(totals(s().rows))} />
              </tfoot>
            </table>
          </Show>
        )}
      </Show>

      <section class="report-export" aria-labelledby="report-export-title">
        <h2 id="report-export-title">{t("reports.exportTitle")}</h2>
        <p class="actions">
          <For each={EXPORTS}>
            {([format, text]) => (
              <button
                type="button"
                class="button"
                disabled={problem() !== null || exporting() !== null}
                onClick={() => void download(format)}
              >
                {exporting() === format ? t("reports.exporting") : t(text)}
              </button>
            )}
          </For>
        </p>
        <div role="status">
          <Show when={saved()}>
            {(f) => (
              <p class="banner banner-info">
                {t("reports.saved", { path: f().path })}
              </p>
            )}
          </Show>
        </div>
        <Show when={exportError()}>
          <p class="banner banner-error" role="alert">
            {describeError(exportError())}
          </p>
        </Show>
      </section>
    </section>
  );
}
