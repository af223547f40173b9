/**
 * Comparing a possible duplicate with the earlier exhibition it looks like: which
 * photos to put side by side, and whether the comparison is on screen.
 */
import { createEffect, createSignal, on } from "solid-js";
import type { DuplicateOf, ExhibitionDetail, Photo } from "../bindings";

/** The index in `photos` of the photo at `position`, or `fallback` when the server did not say or it is gone. */
export function indexOfPosition(photos: readonly Photo[], position: number | null | undefined, fallback = 0): number {
  if (position === null || position === undefined) return fallback;
  const index = photos.findIndex((p) => p.position === position);
  return index >= 0 ? index : fallback;
}

export interface Comparison {
  /** The earlier exhibition of the one on screen, once its detail says so. */
  earlier(): DuplicateOf | null;
  comparing(): boolean;
  /** Starts on the photo that looks like the earlier one's, or stops. */
  toggle(): void;
}

/** The comparison state of a review screen; it ends when another exhibition comes on screen. */
export function createComparison(screen: {
  currentId(): string | undefined;
  detail(): ExhibitionDetail | undefined;
  photoIndex(): number;
  setPhotoIndex(index: number): void;
}): Comparison {
  const [open, setOpen] = createSignal(false);
  const earlier = () => {
    const d = screen.detail();
    return d !== undefined && d.id === screen.currentId() ? (d.duplicate_of ?? null) : null;
  };
  createEffect(on(screen.currentId, () => setOpen(false)));
  return {
    earlier,
    comparing: () => open() && earlier() !== null,
    toggle: () => {
      if (open()) {
        setOpen(false);
        return;
      }
      const e = earlier();
      if (e === null) return;
      screen.setPhotoIndex(indexOfPosition(screen.detail()?.photos ?? [], e.photo_position, screen.photoIndex()));
      setOpen(true);
    },
  };
}
