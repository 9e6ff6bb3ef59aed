// The orders inbox's state (filters, the rows loaded so far, the counts per status) and the
// rules the order page shows: which steps an order can take next and which message each sends.
// The core decides; these only mirror it so the page offers no step the core would refuse.
import type {
  Act,
  Cursor,
  MessageKind,
  OrderChannel,
  OrderPage,
  OrderQuery,
  OrderRow,
  OrderStatus,
  ProblemKind,
  StatusCount,
} from "./bindings";

export type Action = Act["action"];

/** The statuses in the order the inbox's tabs show them. */
export const statuses: OrderStatus[] = [
  "new",
  "confirmed",
  "ready_to_ship",
  "shipped",
  "delivered",
  "completed",
  "return_requested",
  "return_received",
  "refunded",
  "exchanged",
  "cancelled",
];

export const channels: OrderChannel[] = ["marketplace", "phone", "shop", "other"];

export const problemKinds: ProblemKind[] = ["out_of_stock", "delayed", "wrong_address", "damaged", "wrong_item", "missing_part", "other"];

/** The message a step sends to the buyer (as `messages::outbox::kind_for_act`). */
export function messageFor(action: Action): MessageKind | null {
  switch (action) {
    case "confirm":
      return "order_confirmation";
    case "ship":
      return "shipped";
    case "receive_return":
      return "return_received";
    case "refund":
      return "refund_done";
    default:
      return null;
  }
}

/** The message a flagged problem sends (as `messages::outbox::kind_for_problem`). */
export function messageForProblem(kind: ProblemKind): MessageKind | null {
  switch (kind) {
    case "delayed":
      return "delay_apology";
    case "out_of_stock":
      return "out_of_stock";
    case "wrong_address":
      return "wrong_address";
    default:
      return null;
  }
}

/** The step with what it needs, from the fields the page asked for. */
export function buildAct(action: Action, fields: { carrier: string; tracking: string; reason: string; restock: boolean }): Act {
  switch (action) {
    case "ship":
      return { action, carrier: fields.carrier, tracking: fields.tracking };
    case "cancel":
    case "request_return":
      return { action, reason: fields.reason };
    case "receive_return":
      return { action, restock: fields.restock };
    default:
      return { action } as Act;
  }
}

/** The order's number as buyers know it: the marketplace's, else ours. */
export function orderNumber(row: Pick<OrderRow, "id" | "marketplace_order_id">): string {
  return `#${row.marketplace_order_id ?? row.id}`;
}

export type Filters = {
  status: OrderStatus | null;
  channel: OrderChannel | null;
  anyProblem: boolean;
  search: string;
  /** Placed on or after this day, and on or before `to` (yyyy-mm-dd, local days). */
  from: string;
  to: string;
};

/** The start of a local day as an instant; the day after `to` bounds the range. */
export function dayStart(day: string, after = false): string | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return new Date(y, m - 1, d + (after ? 1 : 0)).toISOString();
}

/** The inbox: rows newest first, a page at a time by cursor, with the counts per status. */
export class Inbox {
  filters = $state<Filters>({ status: null, channel: null, anyProblem: false, search: "", from: "", to: "" });
  rows = $state<OrderRow[]>([]);
  counts = $state<StatusCount[]>([]);
  next = $state<Cursor | null>(null);
  loading = $state(false);
  /** Answers to an older query are dropped: the seller may type faster than the store answers. */
  private generation = 0;

  constructor(private fetch: (q: OrderQuery) => Promise<OrderPage>) {}

  query(after: Cursor | null): OrderQuery {
    const f = this.filters;
    return {
      status: f.status,
      channel: f.channel,
      any_problem: f.anyProblem,
      search: f.search.trim(),
      placed_from: dayStart(f.from),
      placed_to: dayStart(f.to, true),
      after,
      limit: 50,
    };
  }

  count(status: OrderStatus | null): number {
    if (status === null) return this.counts.reduce((n, c) => n + c.orders, 0);
    return this.counts.find((c) => c.status === status)?.orders ?? 0;
  }

  /** Loads the first page again (a filter changed, or an order did). */
  async reload(): Promise<void> {
    const gen = ++this.generation;
    this.loading = true;
    try {
      const page = await this.fetch(this.query(null));
      if (gen !== this.generation) return;
      this.rows = page.rows;
      this.counts = page.counts;
      this.next = page.next;
    } finally {
      if (gen === this.generation) this.loading = false;
    }
  }

  async more(): Promise<void> {
    if (!this.next) return;
    const gen = this.generation;
    const page = await this.fetch(this.query(this.next));
    if (gen !== this.generation) return;
    this.rows = [...this.rows, ...page.rows];
    this.counts = page.counts;
    this.next = page.next;
  }
}
