// The listings table's data: the filters, how many match, and the rows fetched a page at a time
// as the virtual table scrolls. Only pages near the visible rows are asked for; a new filter or a
// change from the feed drops what was fetched, and answers to an older question are ignored.
import type { ListingPage, ListingQuery, ListingRow } from "./bindings";

export const ROW_HEIGHT = 44;
export const PAGE_SIZE = 100;

export type Filters = Omit<ListingQuery, "offset" | "limit">;

export function defaultFilters(): Filters {
  return {
    search: "",
    family: null,
    state: null,
    unmet_rule: null,
    below_score: null,
    include_archived: false,
    sort: "score_asc",
  };
}

/** The pages that hold rows `first`..`last` (inclusive). */
export function pagesFor(first: number, last: number): number[] {
  if (last < first) return [];
  const out: number[] = [];
  for (let p = Math.floor(first / PAGE_SIZE); p <= Math.floor(last / PAGE_SIZE); p++) out.push(p);
  return out;
}

/** Rows to draw for a scroll position: the visible ones and a few either side. */
export function visibleRange(scrollTop: number, height: number, total: number, overscan = 10) {
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - overscan);
  const last = Math.min(total - 1, Math.ceil((scrollTop + height) / ROW_HEIGHT) + overscan);
  return { first, last };
}

export class ListingsView {
  filters = $state<Filters>(defaultFilters());
  total = $state(0);
  /** Set once the first page of the current filters has arrived. */
  ready = $state(false);
  error = $state<unknown>(null);
  #pages = $state<Map<number, ListingRow[]>>(new Map());
  #asked = new Set<number>();
  #generation = 0;

  constructor(private fetchPage: (q: ListingQuery) => Promise<ListingPage>) {}

  row(i: number): ListingRow | undefined {
    return this.#pages.get(Math.floor(i / PAGE_SIZE))?.[i % PAGE_SIZE];
  }

  /** Forgets every fetched row and asks again from the top (new filters, or a change). */
  async reset(): Promise<void> {
    this.#generation++;
    this.#asked.clear();
    this.#pages = new Map();
    this.ready = false;
    await this.ensure(0, PAGE_SIZE - 1);
  }

  /** Fetches the pages holding rows `first`..`last` that are not fetched or asked for yet. */
  async ensure(first: number, last: number): Promise<void> {
    const generation = this.#generation;
    const wanted = pagesFor(first, last).filter((p) => !this.#asked.has(p));
    await Promise.all(
      wanted.map(async (p) => {
        this.#asked.add(p);
        try {
          const page = await this.fetchPage({ ...this.filters, offset: p * PAGE_SIZE, limit: PAGE_SIZE });
          if (generation !== this.#generation) return;
          this.total = page.total;
          this.#pages = new Map(this.#pages).set(p, page.rows);
          this.ready = true;
          this.error = null;
        } catch (e) {
          if (generation !== this.#generation) return;
          this.#asked.delete(p);
          this.error = e;
        }
      }),
    );
  }
}
