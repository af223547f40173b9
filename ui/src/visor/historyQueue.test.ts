import { describe, expect, it } from "vitest";
import type { ExhibitionFilter, ExhibitionPage, ExhibitionSummary } from "../bindings";
import { detail, summary } from "../../tests/fixtures";
import { ReviewQueue } from "./queue";

/** A server listing `all` newest first in pages of `size` (cursor = offset). */
function server(all: ExhibitionSummary[], size: number) {
  const asked: ExhibitionFilter[] = [];
  const list = (filter: ExhibitionFilter): Promise<ExhibitionPage> => {
    asked.push(filter);
    const rows = all.filter((i) => filter.status === null || i.status === filter.status);
    const start = filter.cursor === null ? 0 : Number(filter.cursor);
    const items = rows.slice(start, start + size);
    const end = start + items.length;
    return Promise.resolve({ items, next_cursor: end < rows.length ? String(end) : null });
  };
  return { asked, list };
}

const deps = (list: (f: ExhibitionFilter) => Promise<ExhibitionPage>) => ({
  list,
  detail: (id: string) => Promise.resolve(detail(summary(1, { id }))),
  photo: (id: string, p: number) => Promise.resolve(`blob:${id}#${p}`),
});

describe("history queue", () => {
  it("'all evaluated' lists every status but pending, reading past pages of pending ones", async () => {
    const all = [
      summary(1, { status: "pending" }),
      summary(2, { status: "pending" }),
      summary(3, { status: "approved" }),
      summary(4, { status: "pending" }),
      summary(5, { status: "rejected" }),
    ];
    const s = server(all, 2);
    const seen: string[] = [];
    const queue = new ReviewQueue({
      ...deps(s.list),
      status: "evaluated",
      pageSize: 2,
      onPage: (items) => seen.push(...items.map((i) => i.id)),
    });
    await queue.reload();
    // Page 1 had only pending items: page 2 was read at once.
    expect(s.asked.map((f) => [f.status, f.cursor])).toEqual([
      [null, null],
      [null, "2"],
    ]);
    expect(queue.items.map((i) => i.status)).toEqual(["approved"]);
    expect(seen).toHaveLength(4);
    queue.next(); // near the end: loads more
    await new Promise((r) => setTimeout(r, 0));
    expect(queue.items.map((i) => i.status)).toEqual(["approved", "rejected"]);
    expect(queue.exhausted).toBe(true);
  });

  it("one status is asked of the server; a new filter starts over", async () => {
    const all = [summary(1, { status: "approved" }), summary(2, { status: "highlighted", vendor_id: 7 })];
    const s = server(all, 10);
    const queue = new ReviewQueue({ ...deps(s.list), status: "highlighted" });
    await queue.reload();
    expect(s.asked[0]).toMatchObject({ status: "highlighted" });
    expect(queue.items).toHaveLength(1);
    await queue.setFilter({ vendor: 7 }, "approved");
    expect(queue.status).toBe("approved");
    expect(s.asked[1]).toMatchObject({ status: "approved", vendor: 7, cursor: null });
    expect(queue.items.map((i) => i.id)).toEqual([all[0]?.id]);
  });

  it("a changed verdict replaces the row in place and its detail is read again", async () => {
    const all = [summary(1, { status: "approved" }), summary(2, { status: "rejected" })];
    const s = server(all, 10);
    let reads = 0;
    const queue = new ReviewQueue({
      ...deps(s.list),
      detail: (id) => {
        reads += 1;
        return Promise.resolve(detail(summary(1, { id })));
      },
      status: "evaluated",
    });
    await queue.reload();
    queue.select(1);
    expect(queue.current()?.id).toBe(all[1]?.id);
    await queue.detail(all[1]!.id);
    const before = reads;
    queue.update({ ...all[1]!, status: "highlighted" });
    expect(queue.current()?.status).toBe("highlighted");
    expect(queue.index).toBe(1);
    await queue.detail(all[1]!.id);
    expect(reads).toBe(before + 1);
  });

  it("an answer to an older load is dropped", async () => {
    let release: (page: ExhibitionPage) => void = () => {};
    const slow = new Promise<ExhibitionPage>((r) => (release = r));
    const fast = server([summary(9, { status: "approved" })], 10);
    let first = true;
    const queue = new ReviewQueue({
      ...deps((f) => {
        if (first) {
          first = false;
          return slow;
        }
        return fast.list(f);
      }),
      status: "approved",
    });
    const old = queue.reload();
    await queue.setFilter({ vendor: 1 });
    release({ items: [summary(1, { status: "approved" })], next_cursor: null });
    await old;
    expect(queue.items.map((i) => i.customer_number)).toEqual(["1009"]);
  });
});
