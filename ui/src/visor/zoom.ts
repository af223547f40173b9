/** Zoom steps of the photo viewer. */
export const ZOOM_MIN = 1;
export const ZOOM_MAX = 4;
export const ZOOM_STEP = 0.5;
/** What Z toggles to from 100 %. */
export const ZOOM_TOGGLE = 2.5;

export function clampZoom(zoom: number): number {
  return Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, Math.round(zoom * 2) / 2));
}

/** Z: zoom in to ZOOM_TOGGLE from 100 %, back to 100 % from anything else. */
export function toggleZoom(zoom: number): number {
  return zoom === 1 ? ZOOM_TOGGLE : 1;
}
