import { A } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { RankingTable } from "../components/RankingTable";
import { formatDateTime, t } from "../i18n";
import { useDocumentTitle } from "../lib/document";
import { describeError } from "../lib/errors";
import { liveState } from "../lib/live";
import { useLiveRanking } from "../ranking/liveRanking";
import { shiftMonth } from "../ranking/month";

/** The month's vendor ranking, live, with a month picker and the way to the TV mode. */
export default function Ranking() {
  useDocumentTitle(() => t("ranking.title"));
  /** `null`: the current month (the server knows which one it is in the distributor's zone). */
  const [month, setMonth] = createSignal<string | null>(null);
  const { ranking, updatedAt, monthName: label } = useLiveRanking(month);
  const shown = () => ranking.latest;
  const go = (delta: number) => {
    const r = shown();
    if (r) setMonth(shiftMonth(r.month, delta));
  };

  return (
    <section class="card ranking" aria-labelledby="ranking-title">
      <header class="ranking-header">
        <h1 id="ranking-title">{shown() ? t("ranking.heading", { month: label() }) : t("ranking.title")}</h1>
        <div class="ranking-actions">
          <div class="ranking-months" role="group" aria-label={t("ranking.monthPicker")}>
            <button type="button" class="button" onClick={() => go(-1)} disabled={!shown()}>
              ← {t("ranking.previous")}
            </button>
            <button type="button" class="button" onClick={() => setMonth(null)} disabled={month() === null}>
              {t("ranking.current")}
            </button>
            <button type="button" class="button" onClick={() => go(1)} disabled={!shown() || month() === null}>
              {t("ranking.next")} →
            </button>
          </div>
          <A href="/tv" class="button button-primary">
            {t("ranking.tvMode")}
          </A>
        </div>
      </header>

      <Show when={ranking.error}>
        <p class="banner banner-error" role="alert">
          {describeError(ranking.error)}
        </p>
      </Show>
      <Show when={shown()} fallback={<p role="status">{ranking.error ? "" : t("ranking.loading")}</p>}>
        {(r) => (
          <>
            <p class="hint">
              {t("ranking.scoring", { approved: r().scoring.approved, highlighted: r().scoring.highlighted })}
            </p>
            <Show
              when={r().entries.length > 0}
              fallback={<p role="status">{t("ranking.empty", { month: label() })}</p>}
            >
              <RankingTable entries={r().entries} caption={t("ranking.heading", { month: label() })} />
            </Show>
            <p class="hint ranking-updated" aria-live="polite">
              <Show when={updatedAt()}>
                {(at) => t("ranking.updated", { time: formatDateTime(at(), { timeStyle: "short" }) })}
              </Show>
              {" · "}
              {liveState() === "live" ? t("ranking.live") : t("ranking.liveOff")}
            </p>
          </>
        )}
      </Show>
    </section>
  );
}
