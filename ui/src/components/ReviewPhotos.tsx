import { Show } from "solid-js";
import type { ExhibitionDetail, ExhibitionSummary, Photo } from "../bindings";
import { t } from "../i18n";
import type { Comparison } from "../visor/compare";
import type { ReviewQueue } from "../visor/queue";
import { EarlierComparison } from "./EarlierComparison";
import { PhotoViewer } from "./PhotoViewer";
import { ThumbnailStrip } from "./ReviewParts";

/**
 * The photo column of the visor and the history: the exhibition's photo large
 * with its burst strip, or, while comparing a possible duplicate, beside the
 * earlier exhibition's.
 */
export function ReviewPhotos(props: {
  queue: ReviewQueue;
  item: ExhibitionSummary;
  /** The item's detail, once loaded. */
  detail: ExhibitionDetail | undefined;
  detailLoading: boolean;
  photos: readonly Photo[];
  photoIndex: number;
  onPhotoIndex: (index: number) => void;
  src: string | null;
  srcLoading: boolean;
  zoom: number;
  onZoom: (zoom: number) => void;
  comparison: Comparison;
}) {
  const alt = () =>
    t("visor.photoAlt", {
      position: props.photoIndex + 1,
      count: Math.max(props.photos.length, 1),
      customer: props.item.customer_number,
    });
  const strip = () => (
    <ThumbnailStrip
      queue={props.queue}
      id={props.item.id}
      photos={props.photos}
      selected={props.photoIndex}
      onSelect={props.onPhotoIndex}
    />
  );
  const failed = () => props.photos[props.photoIndex]?.upload_state === "failed";
  const compared = () => {
    const earlier = props.comparison.comparing() ? props.comparison.earlier() : null;
    return earlier && props.detail ? { detail: props.detail, earlier } : undefined;
  };
  return (
    <Show
      when={compared()}
      fallback={
        <>
          <PhotoViewer
            src={props.src}
            loading={props.srcLoading || props.detailLoading}
            failed={failed()}
            alt={alt()}
            zoom={props.zoom}
            onZoom={props.onZoom}
          />
          {strip()}
        </>
      }
    >
      {(shown) => (
        <EarlierComparison
          queue={props.queue}
          detail={shown().detail}
          earlier={shown().earlier}
          currentSrc={props.src}
          currentAlt={alt()}
          currentLoading={props.srcLoading}
          currentFailed={failed()}
          currentStrip={strip()}
          onStop={() => props.comparison.toggle()}
        />
      )}
    </Show>
  );
}
