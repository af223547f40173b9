import { For } from "solid-js";
import type { RankingEntry } from "../bindings";
import { formatNumber, t } from "../i18n";

/** The month's vendors by points, with what each sent and how it was judged. */
export function RankingTable(props: { entries: readonly RankingEntry[]; caption: string }) {
  return (
    <table class="ranking-table">
      <caption class="visually-hidden">{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t("ranking.position")}</th>
          <th scope="col">{t("ranking.vendor")}</th>
          <th scope="col" class="num">
            {t("ranking.points")}
          </th>
          <th scope="col" class="num">
            {t("ranking.approved")}
          </th>
          <th scope="col" class="num">
            {t("ranking.highlighted")}
          </th>
          <th scope="col" class="num">
            {t("ranking.rejected")}
          </th>
          <th scope="col" class="num">
            {t("ranking.pending")}
          </th>
          <th scope="col" class="num">
            {t("ranking.sent")}
          </th>
        </tr>
      </thead>
      <tbody>
        <For each={props.entries}>
          {(e) => (
            <tr data-place={e.position <= 3 ? e.position : undefined}>
              <td class="ranking-place">{e.position}</td>
              <th scope="row">{e.vendor_name}</th>
              <td class="num ranking-points">{formatNumber(e.points)}</td>
              <td class="num">{formatNumber(e.approved)}</td>
              <td class="num">{formatNumber(e.highlighted)}</td>
              <td class="num">{formatNumber(e.rejected)}</td>
              <td class="num">{formatNumber(e.pending)}</td>
              <td class="num">{formatNumber(e.sent)}</td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
