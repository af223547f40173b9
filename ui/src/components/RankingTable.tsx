import { For } from "solid-js";
import type { RankingEntry } from "../bindings";
import { formatNumber, t } from "../i18n";

/** The figures of each vendor after the name, in column order (points first, in bold). */
const FIGURES = ["points", "approved", "highlighted", "rejected", "pending", "sent"] as const;

/** The month's vendors by points, with what each sent and how it was judged. */
export function RankingTable(props: { entries: readonly RankingEntry[]; caption: string }) {
  return (
    <table class="ranking-table">
      <caption class="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t("ranking.position")}</th>
          <th scope="col">{t("ranking.vendor")}</th>
          <For each={FIGURES}>
            {(figure) => (
              <th scope="col" class="num">
                {t(`ranking.${figure}`)}
              </th>
            )}
          </For>
        </tr>
      </thead>
      <tbody>
        <For each={props.entries}>
          {(e) => (
            <tr data-place={e.position <= 3 ? e.position : undefined}>
              <td class="ranking-place">{e.position}</td>
              <th scope="row">{e.vendor_name}</th>
              <For each={FIGURES}>
                {(figure) => (
                  <td class={figure === "points" ? "num ranking-points" : "num"}>{formatNumber(e[figure])}</td>
                )}
              </For>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
