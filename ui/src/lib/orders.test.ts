import { describe, expect, it } from "vitest";
import type { OrderPage, OrderQuery, OrderRow, OrderStatus } from "./bindings";
import { Inbox, buildAct, dayStart, messageFor, orderNumber, statuses } from "./orders.svelte";

function row(id: number, status: OrderStatus = "new"): OrderRow {
  return {
    id,
    channel: "phone",
    marketplace_order_id: null,
    status,
    buyer: `Buyer ${id}`,
    currency: "AZN",
    total_minor: 1000,
    placed_at: "2026-11-23T10:00:00Z",
    ship_by: null,
    open_problems: 0,
  };
}

describe("steps", () => {
  it("the inbox has a tab per status", () => {
    expect(statuses).toHaveLength(11);
  });

  it("the steps that tell the buyer, and what a step carries", () => {
    expect(messageFor("confirm")).toBe("order_confirmation");
    expect(messageFor("ship")).toBe("shipped");
    expect(messageFor("mark_ready")).toBeNull();
    expect(buildAct("ship", { carrier: "AzərPoçt", tracking: "RR1", reason: "", restock: false })).toEqual({
      action: "ship",
      carrier: "AzərPoçt",
      tracking: "RR1",
    });
    expect(buildAct("receive_return", { carrier: "", tracking: "", reason: "", restock: true })).toEqual({
      action: "receive_return",
      restock: true,
    });
    expect(orderNumber({ id: 7, marketplace_order_id: "3012" })).toBe("#3012");
    expect(orderNumber({ id: 7, marketplace_order_id: null })).toBe("#7");
  });
});

describe("inbox", () => {
  it("pages by cursor, keeps the counts, and drops an answer to an older query", async () => {
    const seen: OrderQuery[] = [];
    let release: (() => void) | null = null;
    const fetch = async (q: OrderQuery): Promise<OrderPage> => {
      seen.push(q);
      if (q.search === "slow") await new Promise<void>((r) => (release = r));
      const first = !q.after;
      return {
        rows: first ? [row(3), row(2)] : [row(1)],
        next: first ? { placed_at: "2026-11-23T10:00:00Z", id: 2 } : null,
        counts: [{ status: "new", orders: 3 }],
      };
    };
    const inbox = new Inbox(fetch);
    await inbox.reload();
    expect(inbox.rows.map((r) => r.id)).toEqual([3, 2]);
    await inbox.more();
    expect(inbox.rows.map((r) => r.id)).toEqual([3, 2, 1]);
    expect(inbox.next).toBeNull();
    expect(inbox.count("new")).toBe(3);
    expect(inbox.count(null)).toBe(3);
    expect(seen[1]?.after).toEqual({ placed_at: "2026-11-23T10:00:00Z", id: 2 });

    inbox.filters.search = "slow";
    const stale = inbox.reload();
    inbox.filters.search = "";
    await inbox.reload();
    (release as unknown as () => void)();
    await stale;
    expect(inbox.rows.map((r) => r.id)).toEqual([3, 2]);
    expect(inbox.loading).toBe(false);
  });
});

describe("dates", () => {
  it("a day range covers whole local days, and a half-typed date is no bound", () => {
    const from = dayStart("2026-11-23");
    const to = dayStart("2026-11-23", true);
    expect(from).not.toBeNull();
    expect(new Date(to!).getTime() - new Date(from!).getTime()).toBe(24 * 3600 * 1000);
    expect(dayStart("2026-11")).toBeNull();
    expect(dayStart("")).toBeNull();
  });
});
