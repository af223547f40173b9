import { describe, expect, it } from "vitest";
import type { ExhibitionFilter, ExhibitionPage } from "../bindings";
import { detail, summary } from "../../tests/fixtures";
import { ReviewQueue } from "./queue";

const flush = () => new Promise((r) => setTimeout(r, 0));

function harness(total: number, pageSize: number) {
  const all = Array.from({ length: total }, (_, i) => summary(i + 1));
  const filters: ExhibitionFilter[] = [];
  const details: string[] = [];
  const photos: string[] = [];
  const released: string[] = [];
  const queue = new ReviewQueue({
    pageSize,
    filter: { group: 3 },
    list: (filter): Promise<ExhibitionPage> => {
      filters.push(filter);
      const start = filter.cursor === null ? 0 : Number(filter.cursor);
      const items = all.slice(start, start + pageSize);
      const end = start + items.length;
      return Promise.resolve({ items, next_cursor: end < total ? String(end) : null });
    },
    detail: (id) => {
      details.push(id);
      const item = all.find((i) => i.id === id);
      return item ? Promise.resolve(detail(item)) : Promise.reject(new Error("nope"));
    },
    photo: (id, position) => {
      photos.push(`${id}#${position}`);
      return Promise.resolve(`blob:${id}#${position}`);
    },
    release: (url) => released.push(url),
  });
  return { queue, all, filters, details, photos, released };
}

describe("review queue", () => {
  it("asks for pending items oldest first with the extra filter, and prefetches", async () => {
    const h = harness(3, 10);
    await h.queue.reload();
    await flush();
    expect(h.filters[0]).toMatchObject({ status: "pending", group: 3, cursor: null, limit: 10 });
    expect(h.queue.current()?.id).toBe(h.all[0]?.id);
    expect(h.queue.exhausted).toBe(true);
    // Current: detail and both photos. Next: detail and its first photo only.
    expect(h.details).toEqual([h.all[0]?.id, h.all[1]?.id]);
    expect(h.photos).toEqual([`${h.all[0]?.id}#0`, `${h.all[0]?.id}#1`, `${h.all[1]?.id}#0`]);
  });

  it("after a verdict the next item is current and already fetched", async () => {
    const h = harness(3, 10);
    await h.queue.reload();
    await flush();
    const first = h.all[0]!;
    const second = h.all[1]!;
    h.queue.remove(first.id);
    expect(h.queue.current()?.id).toBe(second.id);
    expect(h.queue.index).toBe(0);
    await flush();
    // Nothing fetched twice: the detail and first photo were cached by the prefetch.
    expect(h.details.filter((id) => id === second.id)).toHaveLength(1);
    expect(h.photos.filter((p) => p === `${second.id}#0`)).toHaveLength(1);
    expect(h.released).toEqual([`blob:${first.id}#0`, `blob:${first.id}#1`]);
  });

  it("an exhibition outside the listing (a comparison's earlier one) is freed once off screen; a listed one is kept", async () => {
    const h = harness(2, 10);
    await h.queue.reload();
    await flush();
    const outside = "00000000-0000-7000-8000-000000000099";
    await h.queue.photo(outside, 0);
    h.queue.release(outside);
    await flush();
    expect(h.released).toEqual([`blob:${outside}#0`]);
    h.queue.release(h.all[0]!.id);
    await flush();
    expect(h.released).toEqual([`blob:${outside}#0`]);
    // Asked again, it is fetched again.
    await h.queue.photo(outside, 0);
    expect(h.photos.filter((p) => p === `${outside}#0`)).toHaveLength(2);
  });

  it("moves with next/previous within bounds", async () => {
    const h = harness(2, 10);
    await h.queue.reload();
    expect(h.queue.previous()).toBe(false);
    expect(h.queue.next()).toBe(true);
    expect(h.queue.current()?.id).toBe(h.all[1]?.id);
    expect(h.queue.next()).toBe(false);
    expect(h.queue.previous()).toBe(true);
  });

  it("loads the next page with the cursor when few items are left", async () => {
    const h = harness(7, 4);
    await h.queue.reload();
    expect(h.queue.items).toHaveLength(4);
    expect(h.queue.exhausted).toBe(false);
    h.queue.next();
    await flush();
    expect(h.filters[1]?.cursor).toBe("4");
    expect(h.queue.items).toHaveLength(7);
    expect(h.queue.exhausted).toBe(true);
  });

  it("removing the last item moves back; restoring puts an item back as current", async () => {
    const h = harness(2, 10);
    await h.queue.reload();
    h.queue.next();
    const last = h.all[1]!;
    h.queue.remove(last.id);
    expect(h.queue.current()?.id).toBe(h.all[0]?.id);
    h.queue.restore(last);
    expect(h.queue.current()?.id).toBe(last.id);
    h.queue.remove(h.all[0]!.id);
    h.queue.remove(last.id);
    expect(h.queue.current()).toBeUndefined();
  });
  it("the burst strip uses thumbnails, fetched ahead for the next item and released with it", async () => {
    const all = Array.from({ length: 3 }, (_, i) => summary(i + 1));
    const fetched: string[] = [];
    const released: string[] = [];
    const queue = new ReviewQueue({
      list: () => Promise.resolve({ items: all, next_cursor: null }),
      detail: (id) => Promise.resolve(detail(all.find((i) => i.id === id)!)),
      photo: (id, position) => {
        fetched.push(`photo ${id}#${position}`);
        return Promise.resolve(`blob:photo-${id}#${position}`);
      },
      thumbnail: (id, position) => {
        fetched.push(`thumb ${id}#${position}`);
        return Promise.resolve(`blob:thumb-${id}#${position}`);
      },
      release: (url) => released.push(url),
    });
    await queue.reload();
    await flush();
    const [first, second] = [all[0]!, all[1]!];
    // Both items have a two-photo burst: its thumbnails come ahead, the full photos as before.
    expect(fetched).toEqual([
      `photo ${first.id}#0`,
      `thumb ${first.id}#0`,
      `photo ${first.id}#1`,
      `thumb ${first.id}#1`,
      `photo ${second.id}#0`,
      `thumb ${second.id}#0`,
      `thumb ${second.id}#1`,
    ]);
    expect(await queue.thumbnail(second.id, 1)).toBe(`blob:thumb-${second.id}#1`);
    expect(fetched.filter((f) => f === `thumb ${second.id}#1`)).toHaveLength(1);
    queue.remove(first.id);
    await flush();
    expect(released).toEqual(expect.arrayContaining([`blob:thumb-${first.id}#0`, `blob:photo-${first.id}#1`]));
  });
});
