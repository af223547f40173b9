/**
 * The pending queue of the Visor: oldest first, paged with the server's cursor,
 * with the current item's detail and photos and the next item's detail and first
 * photo fetched ahead, so the next exhibition shows at once after a verdict.
 * The history uses the same class over evaluated exhibitions (newest first).
 */
import type { ExhibitionDetail, ExhibitionFilter, ExhibitionPage, ExhibitionStatus, ExhibitionSummary } from "../bindings";

/** Which exhibitions a queue lists: one status, or every evaluated one. */
export type QueueStatus = ExhibitionStatus | "evaluated";

export interface QueueDeps {
  list(filter: ExhibitionFilter): Promise<ExhibitionPage>;
  detail(id: string): Promise<ExhibitionDetail>;
  /** A displayable URL (a `blob:` URL in the app) for one photo. */
  photo(id: string, position: number): Promise<string>;
  /** The same for a photo's small version (the burst strip); `photo` when absent. */
  thumbnail?(id: string, position: number): Promise<string>;
  /** Frees a URL made by `photo` or `thumbnail`. */
  release?(url: string): void;
  /** Extra listing conditions (group, vendor, …); the status comes from `status`. */
  readonly filter?: Partial<ExhibitionFilter>;
  /** Default `pending` (oldest first); any other status lists newest first. */
  readonly status?: QueueStatus;
  readonly pageSize?: number;
  onChange?(): void;
  /** Every page's items as they arrive (the filters learn their choices from them). */
  onPage?(items: readonly ExhibitionSummary[]): void;
}

/** For "every evaluated", pages are filtered here: read at most this many pages per load. */
const MAX_PAGES_PER_LOAD = 10;

/** Fetch the next page when this few items are left after the current one. */
const LOW_WATER = 3;

export const EMPTY_FILTER: ExhibitionFilter = {
  status: null,
  group: null,
  vendor: null,
  pdv_type: null,
  from: null,
  to: null,
  possible_duplicate: null,
  customer: null,
  distributor: null,
  cursor: null,
  limit: null,
};

export class ReviewQueue {
  readonly #deps: QueueDeps;
  #filter: Partial<ExhibitionFilter>;
  #status: QueueStatus;
  /** Bumped by every reload: answers of an older load are dropped. */
  #generation = 0;
  #items: ExhibitionSummary[] = [];
  #index = 0;
  #cursor: string | null = null;
  #exhausted = false;
  #loading: Promise<void> | null = null;
  /** Items taken out here (verdict given or seen elsewhere): a re-read must not bring them back. */
  readonly #gone = new Set<string>();
  readonly #details = new Map<string, Promise<ExhibitionDetail>>();
  readonly #photos = new Map<string, Promise<string>>();

  constructor(deps: QueueDeps) {
    this.#deps = deps;
    this.#filter = deps.filter ?? {};
    this.#status = deps.status ?? "pending";
  }

  get status(): QueueStatus {
    return this.#status;
  }

  /** New conditions (and optionally status): loads from the start. */
  setFilter(filter: Partial<ExhibitionFilter>, status: QueueStatus = this.#status): Promise<void> {
    this.#filter = filter;
    this.#status = status;
    return this.reload();
  }

  get items(): readonly ExhibitionSummary[] {
    return this.#items;
  }

  get index(): number {
    return this.#index;
  }

  /** True once the server has no more pending items beyond those loaded. */
  get exhausted(): boolean {
    return this.#exhausted;
  }

  current(): ExhibitionSummary | undefined {
    return this.#items[this.#index];
  }

  /** Loads the first page (again), forgetting what was loaded. */
  async reload(): Promise<void> {
    this.#generation += 1;
    this.#items = [];
    this.#index = 0;
    this.#cursor = null;
    this.#exhausted = false;
    this.#loading = null;
    this.#deps.onChange?.();
    await this.#loadMore();
    this.prefetch();
  }

  #loadMore(): Promise<void> {
    if (this.#exhausted) return Promise.resolve();
    if (this.#loading) return this.#loading;
    const generation = this.#generation;
    const evaluated = this.#status === "evaluated";
    const load = async () => {
      for (let page = 0; page < MAX_PAGES_PER_LOAD; page += 1) {
        const filter: ExhibitionFilter = {
          ...EMPTY_FILTER,
          ...this.#filter,
          status: evaluated ? null : (this.#status as ExhibitionStatus),
          cursor: this.#cursor,
          limit: this.#deps.pageSize ?? 50,
        };
        const result = await this.#deps.list(filter);
        if (generation !== this.#generation) return;
        this.#deps.onPage?.(result.items);
        const known = new Set(this.#items.map((i) => i.id));
        const fresh = result.items.filter(
          (i) => !known.has(i.id) && !this.#gone.has(i.id) && (!evaluated || i.status !== "pending"),
        );
        this.#items = [...this.#items, ...fresh];
        this.#cursor = result.next_cursor;
        this.#exhausted = result.next_cursor === null;
        this.#deps.onChange?.();
        // Pages of pending items only: keep reading (bounded) so the list is not empty.
        if (fresh.length > 0 || this.#exhausted) return;
      }
    };
    const loading = load().finally(() => {
      if (this.#loading === loading) this.#loading = null;
    });
    this.#loading = loading;
    return loading;
  }

  /**
   * New exhibitions were announced (a live event, or the stream reopened): a
   * pending queue read to its end reads the list again and appends what it did
   * not have. One with pages still to read gets them in order anyway.
   */
  async arrivals(): Promise<void> {
    if (this.#status !== "pending") return;
    if (this.#loading) await this.#loading.catch(() => {});
    if (!this.#exhausted) return;
    this.#cursor = null;
    this.#exhausted = false;
    await this.#loadMore();
    this.prefetch();
  }

  /**
   * Someone gave `id` a verdict. It leaves the queue unless it is on screen
   * (there the person sees it, and a verdict of theirs gets the conflict);
   * returns whether it is the one on screen.
   */
  evaluatedElsewhere(id: string): boolean {
    if (this.current()?.id === id) return true;
    if (this.#status === "pending") this.remove(id);
    return false;
  }

  /** Moves to the next item (no-op at the end). */
  next(): boolean {
    if (this.#index + 1 >= this.#items.length) {
      // At the end of what is loaded: ask for more (the item stays current).
      void this.#loadMore().catch(() => {});
      return false;
    }
    this.#index += 1;
    this.#afterMove();
    return true;
  }

  previous(): boolean {
    if (this.#index === 0) return false;
    this.#index -= 1;
    this.#afterMove();
    return true;
  }

  /** Takes an item out of the queue (its verdict was given); the following one becomes current. */
  remove(id: string): void {
    this.#gone.add(id);
    const at = this.#items.findIndex((i) => i.id === id);
    if (at < 0) return;
    this.#items = this.#items.filter((i) => i.id !== id);
    if (at < this.#index || this.#index >= this.#items.length) {
      this.#index = Math.max(0, Math.min(this.#index - (at < this.#index ? 1 : 0), this.#items.length - 1));
    }
    this.#forget(id);
    this.#afterMove();
  }

  /** Replaces an item with a newer state of it (a changed verdict), keeping its place. */
  update(item: ExhibitionSummary): void {
    const at = this.#items.findIndex((i) => i.id === item.id);
    if (at < 0) return;
    this.#items = this.#items.map((i) => (i.id === item.id ? item : i));
    // Its history changed: read the detail again (the photos stay).
    this.#details.delete(item.id);
    this.#deps.onChange?.();
  }

  /** Makes the item at `index` the current one. */
  select(index: number): void {
    if (index < 0 || index >= this.#items.length || index === this.#index) return;
    this.#index = index;
    this.#afterMove();
  }

  /** Puts an item back as the current one (its verdict was refused). */
  restore(item: ExhibitionSummary): void {
    this.#gone.delete(item.id);
    if (this.#items.some((i) => i.id === item.id)) return;
    this.#items = [...this.#items.slice(0, this.#index), item, ...this.#items.slice(this.#index)];
    this.#afterMove();
  }

  #afterMove(): void {
    this.#deps.onChange?.();
    this.prefetch();
    if (this.#items.length - this.#index - 1 <= LOW_WATER) void this.#loadMore().catch(() => {});
  }

  /** Asks the server again for a detail (its photos were still being stored). */
  refreshDetail(id: string): Promise<ExhibitionDetail> {
    this.#details.delete(id);
    return this.detail(id);
  }

  /** The detail of an item (fetched once, then cached). */
  detail(id: string): Promise<ExhibitionDetail> {
    let p = this.#details.get(id);
    if (p === undefined) {
      p = this.#deps.detail(id);
      this.#details.set(id, p);
      p.catch(() => this.#details.delete(id));
    }
    return p;
  }

  /** One photo's URL (fetched once, then cached). */
  photo(id: string, position: number): Promise<string> {
    return this.#cached(`${id}#${position}`, () => this.#deps.photo(id, position));
  }

  /** One photo's small version for the burst strip (fetched once, then cached). */
  thumbnail(id: string, position: number): Promise<string> {
    const fetch = this.#deps.thumbnail;
    if (fetch === undefined) return this.photo(id, position);
    return this.#cached(`${id}#t${position}`, () => fetch(id, position));
  }

  #cached(key: string, fetch: () => Promise<string>): Promise<string> {
    let p = this.#photos.get(key);
    if (p === undefined) {
      p = fetch();
      this.#photos.set(key, p);
      p.catch(() => this.#photos.delete(key));
    }
    return p;
  }

  /**
   * Fetches ahead: the current detail, all its photos and thumbnails; the next
   * detail, its first photo and its thumbnails (so the strip is there at once).
   */
  prefetch(): void {
    const ignore = () => {};
    // Without a thumbnail source the strip shows the full photos: nothing extra to fetch.
    const strip = this.#deps.thumbnail !== undefined;
    const current = this.current();
    if (current) {
      this.detail(current.id)
        .then((d) => {
          for (const p of d.photos) {
            if (p.storage_key === null) continue;
            this.photo(d.id, p.position).catch(ignore);
            if (strip && d.photos.length > 1) this.thumbnail(d.id, p.position).catch(ignore);
          }
        })
        .catch(ignore);
    }
    const next = this.#items[this.#index + 1];
    if (next) {
      this.detail(next.id)
        .then((d) => {
          const stored = d.photos.filter((p) => p.storage_key !== null);
          if (stored[0]) this.photo(d.id, stored[0].position).catch(ignore);
          if (strip && stored.length > 1) for (const p of stored) this.thumbnail(d.id, p.position).catch(ignore);
        })
        .catch(ignore);
    }
  }

  #forget(id: string): void {
    this.#details.delete(id);
    for (const [key, url] of this.#photos) {
      if (key.startsWith(`${id}#`)) {
        this.#photos.delete(key);
        url.then((u) => this.#deps.release?.(u)).catch(() => {});
      }
    }
  }

  /**
   * Frees what was fetched for an exhibition this listing does not hold (the earlier
   * one of a comparison), once it is off screen; a listed one keeps its cache.
   */
  release(id: string): void {
    if (!this.#items.some((i) => i.id === id)) this.#forget(id);
  }

  /** Frees every photo URL. */
  dispose(): void {
    for (const id of new Set(this.#items.map((i) => i.id))) this.#forget(id);
    for (const url of this.#photos.values()) url.then((u) => this.#deps.release?.(u)).catch(() => {});
    this.#photos.clear();
  }
}
