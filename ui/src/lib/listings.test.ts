import { describe, expect, it } from "vitest";
import type { ListingPage, ListingQuery, ListingRow } from "./bindings";
import { ListingsView, PAGE_SIZE, pagesFor, visibleRange } from "./listings.svelte";

function fakeCatalog(total: number) {
  const asked: ListingQuery[] = [];
  const row = (i: number): ListingRow => ({
    id: i + 1,
    title: `Listing ${i}`,
    family: "default",
    state: "active",
    score: i % 101,
    complete: true,
    unmet: [],
    price_minor: 100,
    currency: "EUR",
    exponent: 2,
    archived: false,
    updated_at: "2026-11-22T09:30:00Z",
  });
  const fetch = async (q: ListingQuery): Promise<ListingPage> => {
    asked.push(q);
    const rows = [];
    for (let i = q.offset; i < Math.min(total, q.offset + q.limit); i++) rows.push(row(i));
    return { rows, total };
  };
  return { asked, fetch };
}

describe("the virtual table's arithmetic", () => {
  it("asks only for the pages holding the rows in view", () => {
    expect(pagesFor(0, 99)).toEqual([0]);
    expect(pagesFor(95, 205)).toEqual([0, 1, 2]);
    expect(pagesFor(10, 5)).toEqual([]);
  });

  it("draws the visible rows and a few more, never past the end", () => {
    expect(visibleRange(0, 440, 100_000)).toEqual({ first: 0, last: 20 });
    expect(visibleRange(44 * 50_000, 440, 100_000)).toEqual({ first: 49_990, last: 50_020 });
    expect(visibleRange(44 * 99_999, 440, 100_000).last).toBe(99_999);
  });
});

describe("ListingsView", () => {
  it("fetches each page once, as the table scrolls", async () => {
    const { asked, fetch } = fakeCatalog(100_000);
    const view = new ListingsView(fetch);
    await view.reset();
    expect(view.total).toBe(100_000);
    expect(view.row(5)?.title).toBe("Listing 5");
    await view.ensure(50_000, 50_030);
    await view.ensure(50_000, 50_030);
    expect(asked.map((q) => q.offset)).toEqual([0, 50_000]);
    expect(view.row(50_010)?.id).toBe(50_011);
    expect(view.row(70_000)).toBeUndefined();
    expect(asked.every((q) => q.limit === PAGE_SIZE)).toBe(true);
  });

  it("drops answers to an older question", async () => {
    let release: (() => void) | undefined;
    const slow = fakeCatalog(10);
    const view = new ListingsView(async (q) => {
      if (q.search !== "old") return slow.fetch(q);
      await new Promise<void>((r) => (release = r));
      return { rows: [], total: 3 };
    });
    view.filters.search = "old";
    const old = view.reset();
    view.filters.search = "new";
    await view.reset();
    release?.();
    await old;
    expect(slow.asked.map((q) => q.search)).toEqual(["new"]);
    expect(view.total, "the old answer (3) came last and was ignored").toBe(10);
    expect(view.row(0)?.id).toBe(1);
    expect(view.ready).toBe(true);
  });
});
