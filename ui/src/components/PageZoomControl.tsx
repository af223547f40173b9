import { pageZoom, zoom, ZOOM_LEVELS } from "../lib/pageZoom";
import { formatNumber, t } from "../i18n";

/** The page zoom in the footer: smaller, the size in use (back to 100 %), larger. */
export function PageZoomControl() {
  const percent = () => formatNumber(Math.round(pageZoom() * 100));
  return (
    <div class="page-zoom" role="group" aria-labelledby="page-zoom-label">
      <span id="page-zoom-label">{t("pageZoom.label")}</span>
      <button
        type="button"
        aria-label={t("pageZoom.smaller")}
        aria-keyshortcuts="Control+-"
        title={t("pageZoom.smallerHint")}
        disabled={pageZoom() === ZOOM_LEVELS[0]}
        onClick={() => void zoom("out")}
      >
        −
      </button>
      <button
        type="button"
        aria-keyshortcuts="Control+0"
        title={t("pageZoom.resetHint")}
        disabled={pageZoom() === 1}
        onClick={() => void zoom("reset")}
      >
        {t("pageZoom.percent", { percent: percent() })}
      </button>
      <button
        type="button"
        aria-label={t("pageZoom.larger")}
        aria-keyshortcuts="Control+="
        title={t("pageZoom.largerHint")}
        disabled={pageZoom() === ZOOM_LEVELS[ZOOM_LEVELS.length - 1]}
        onClick={() => void zoom("in")}
      >
        +
      </button>
    </div>
  );
}
