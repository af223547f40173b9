import { useNavigate } from "@solidjs/router";
import { createSignal, For, onCleanup, onMount, Show } from "solid-js";
import { formatDateTime, formatNumber, t } from "../i18n";
import { api } from "../lib/api";
import { useDocumentTitle } from "../lib/document";
import { describeError } from "../lib/errors";
import { liveState } from "../lib/live";
import { useLiveRanking } from "../ranking/liveRanking";

/** How many vendors fit on a TV, readable from across the room. */
export const TV_ROWS = 10;

/**
 * The TV dashboard: the current month's ranking in full screen, large, live,
 * with a clock. Esc (or the button) leaves it.
 */
export default function Tv() {
  useDocumentTitle(() => t("ranking.tvMode"));
  const navigate = useNavigate();
  const { ranking, monthName: month } = useLiveRanking(() => null);
  const [now, setNow] = createSignal(new Date());
  const clock = setInterval(() => setNow(new Date()), 10_000);
  const leave = () => navigate("/ranking");
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape") leave();
  };
  const fullscreen = (on: boolean) =>
    void api()
      .setFullscreen(on)
      .catch(() => {});

  onMount(() => {
    fullscreen(true);
    window.addEventListener("keydown", onKeyDown);
  });
  onCleanup(() => {
    clearInterval(clock);
    window.removeEventListener("keydown", onKeyDown);
    fullscreen(false);
  });

  const shown = () => ranking.latest;

  return (
    <div class="tv">
      <header class="tv-header">
        <h1>{t("tv.title", { month: month() })}</h1>
        <div class="tv-status">
          <span class="tv-live" data-state={liveState()}>
            {liveState() === "live" ? t("ranking.live") : t("ranking.liveOff")}
          </span>
          <time class="tv-clock">{formatDateTime(now(), { timeStyle: "short" })}</time>
        </div>
      </header>
      <Show when={ranking.error && !shown()}>
        <p class="banner banner-error" role="alert">
          {describeError(ranking.error)}
        </p>
      </Show>
      <Show when={shown()}>
        {(r) => (
          <Show when={r().entries.length > 0} fallback={<p class="tv-empty">{t("tv.empty")}</p>}>
            <ol class="tv-list" aria-label={t("tv.title", { month: month() })}>
              <For each={r().entries.slice(0, TV_ROWS)}>
                {(e) => (
                  <li class="tv-row" data-place={e.position <= 3 ? e.position : undefined}>
                    <span class="tv-place">{e.position}</span>
                    <span class="tv-name">{e.vendor_name}</span>
                    <span class="tv-detail">
                      {t("tv.detail", { approved: e.approved, highlighted: e.highlighted, sent: e.sent })}
                    </span>
                    <span class="tv-points">{t("tv.points", { points: formatNumber(e.points) })}</span>
                  </li>
                )}
              </For>
            </ol>
          </Show>
        )}
      </Show>
      <footer class="tv-footer">
        <button type="button" class="button tv-exit" onClick={leave}>
          {t("tv.exit")}
        </button>
        <span>{t("tv.exitHint")}</span>
      </footer>
    </div>
  );
}
