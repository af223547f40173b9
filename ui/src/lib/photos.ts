import { api, call } from "./api";

/** Guesses the image type from its first bytes (the API serves JPEG or PNG). */
export function imageType(bytes: Uint8Array): string {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "image/png";
  return "image/jpeg";
}

/** Fetches a photo through the shell and returns a `blob:` URL for `<img src>`. */
export async function photoUrl(id: string, position: number): Promise<string> {
  return blobUrl(await call(api().exhibitionPhoto(id, position)));
}

/** The same for the photo's small version (the burst strip). */
export async function thumbnailUrl(id: string, position: number): Promise<string> {
  return blobUrl(await call(api().exhibitionThumbnail(id, position)));
}

/** Bytes from the shell (an ArrayBuffer, a typed array or a number array) as a `blob:` URL. */
function blobUrl(data: unknown): string {
  const bytes: Uint8Array<ArrayBuffer> =
    data instanceof ArrayBuffer
      ? new Uint8Array(data)
      : ArrayBuffer.isView(data)
        ? new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer)
        : Array.isArray(data)
          ? Uint8Array.from(data as number[])
          : new Uint8Array();
  return URL.createObjectURL(new Blob([bytes], { type: imageType(bytes) }));
}

export function releasePhotoUrl(url: string): void {
  URL.revokeObjectURL(url);
}
