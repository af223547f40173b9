import { createSignal, For, onCleanup, onMount, Show } from "solid-js";
import { formatDateTime, formatNumber, t } from "../i18n";
import { api } from "../lib/api";
import { describeError } from "../lib/errors";
import { liveState } from "../lib/live";
import type { LiveRanking } from "../ranking/liveRanking";

/** How many vendors fit on a TV, readable from across the room. */
export const TV_ROWS = 10;

/**
 * The TV dashboard itself: the ranking in full screen, large, with a clock and
 * whether it is live. Esc (or the button) calls `onExit`. Shared by the TV mode
 * of a signed-in person and by this computer as the office TV (its TV code).
 */
export function TvBoard(props: {
  live: LiveRanking;
  /** Above the month's title, e.g. the distributor's name on the office TV. */
  kicker?: string | undefined;
  exitLabel: string;
  exitHint: string;
  onExit: () => void;
}) {
  const [now, setNow] = createSignal(new Date());
  const clock = setInterval(() => setNow(new Date()), 10_000);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape") props.onExit();
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

  const ranking = () => props.live.ranking;
  const shown = () => ranking().latest;
  const title = () => t("tv.title", { month: props.live.monthName() });

  return (
    <div class="tv">
      <header class="tv-header">
        <div>
          <Show when={props.kicker}>
            <p class="tv-kicker">{props.kicker}</p>
          </Show>
          <h1>{title()}</h1>
        </div>
        <div class="tv-status">
          <span class="tv-live" data-state={liveState()}>
            {liveState() === "live" ? t("ranking.live") : t("ranking.liveOff")}
          </span>
          <time class="tv-clock">{formatDateTime(now(), { timeStyle: "short" })}</time>
        </div>
      </header>
      <Show when={ranking().error && !shown()}>
        <p class="banner banner-error" role="alert">
          {describeError(ranking().error)}
        </p>
      </Show>
      <Show when={shown()}>
        {(r) => (
          <Show when={r().entries.length > 0} fallback={<p class="tv-empty">{t("tv.empty")}</p>}>
            <ol class="tv-list" aria-label={title()}>
              <For each={r().entries.slice(0, TV_ROWS)}>
                {(e) => (
                  <li class="tv-row" data-place={e.position <= 3 ? e.position : undefined}>
                    <span class="tv-place">{e.position}</span>
                    <span class="tv-name">{e.vendor_name}</span>
                    <span class="tv-detail">
                      {t("tv.detail", { approved: e.approved, highlighted: e.highlighted, sent: e.sent })}
                    </span>
                    <span class="tv-points">{e.points === 1 ? t("tv.pointsOne") : t("tv.points", { points: formatNumber(e.points) })}</span>
                  </li>
                )}
              </For>
            </ol>
          </Show>
        )}
      </Show>
      <footer class="tv-footer">
        <button type="button" class="button tv-exit" onClick={() => props.onExit()}>
          {props.exitLabel}
        </button>
        <span>{props.exitHint}</span>
      </footer>
    </div>
  );
}
