import { createEffect, createSignal, Show } from "solid-js";
import { t } from "../i18n";
import { clampZoom, ZOOM_MAX, ZOOM_MIN, ZOOM_STEP } from "../visor/zoom";

/** What stands where a photo is not (yet) shown: loading, given up on by the server, or not stored yet. */
export function PhotoPlaceholder(props: { loading: boolean; failed?: boolean | undefined }) {
  return (
    <p class="photo-placeholder" role="status">
      {props.loading ? t("visor.photoLoading") : props.failed ? t("visor.photoFailed") : t("visor.photoUnavailable")}
    </p>
  );
}

/** A large photo with zoom (buttons, wheel, Z) and pan (drag while zoomed). */
export function PhotoViewer(props: {
  src: string | null;
  alt: string;
  zoom: number;
  onZoom: (zoom: number) => void;
  loading: boolean;
  /** The server gave up on storing this photo (too big, gone from Drive). */
  failed?: boolean;
}) {
  const [offset, setOffset] = createSignal({ x: 0, y: 0 });
  let drag: { x: number; y: number; ox: number; oy: number } | null = null;

  // A new photo or zooming back out recentres it.
  createEffect(() => {
    void props.src;
    if (props.zoom <= 1) setOffset({ x: 0, y: 0 });
  });

  const onPointerDown = (e: PointerEvent) => {
    if (props.zoom <= 1) return;
    drag = { x: e.clientX, y: e.clientY, ox: offset().x, oy: offset().y };
    (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent) => {
    if (!drag) return;
    setOffset({ x: drag.ox + (e.clientX - drag.x), y: drag.oy + (e.clientY - drag.y) });
  };
  const onPointerUp = () => {
    drag = null;
  };
  const onWheel = (e: WheelEvent) => {
    e.preventDefault();
    props.onZoom(clampZoom(props.zoom + (e.deltaY < 0 ? ZOOM_STEP : -ZOOM_STEP)));
  };

  return (
    <div class="photo-viewer">
      <div
        class="photo-stage"
        classList={{ zoomed: props.zoom > 1 }}
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={onPointerUp}
        onPointerCancel={onPointerUp}
        onWheel={onWheel}
      >
        <Show when={props.src} fallback={<PhotoPlaceholder loading={props.loading} failed={props.failed} />}>
          {(src) => (
            <img
              src={src()}
              alt={props.alt}
              draggable={false}
              style={{
                transform: `translate(${offset().x}px, ${offset().y}px) scale(${props.zoom})`,
              }}
            />
          )}
        </Show>
      </div>
      <div class="zoom-controls" role="group" aria-label={t("visor.zoomLevel", { percent: Math.round(props.zoom * 100) })}>
        <button
          type="button"
          class="button"
          aria-label={t("visor.zoomOut")}
          onClick={() => props.onZoom(clampZoom(props.zoom - ZOOM_STEP))}
          disabled={props.zoom <= ZOOM_MIN}
        >
          <ZoomLabel symbol="−" text={t("visor.zoomOut")} />
        </button>
        <span class="zoom-level" aria-live="polite">
          {t("visor.zoomLevel", { percent: Math.round(props.zoom * 100) })}
        </span>
        <button
          type="button"
          class="button"
          aria-label={t("visor.zoomIn")}
          onClick={() => props.onZoom(clampZoom(props.zoom + ZOOM_STEP))}
          disabled={props.zoom >= ZOOM_MAX}
        >
          <ZoomLabel symbol="+" text={t("visor.zoomIn")} />
        </button>
        <button type="button" class="button" aria-label={t("visor.zoomResetName")} onClick={() => props.onZoom(1)} disabled={props.zoom === 1}>
          <ZoomLabel symbol="1:1" text={t("visor.zoomReset")} />
        </button>
      </div>
    </div>
  );
}

/** A zoom button's face: its words, or on a narrow window its symbol (the name stays the words). */
function ZoomLabel(props: { symbol: string; text: string }) {
  return (
    <>
      <span class="zoom-symbol" aria-hidden="true">
        {props.symbol}
      </span>
      <span class="zoom-text" aria-hidden="true">
        {props.text}
      </span>
    </>
  );
}
