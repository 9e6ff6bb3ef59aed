// The weekly review's figures as the page shows them: which number each tile reads, which way
// is better, and the change from the week before. ISO weeks ("2026-W47") for the week picker.
import type { WeekFigures } from "./bindings";

export type Better = "up" | "down" | null;

export type FigureKey =
  | "orders"
  | "revenue"
  | "confirm_p50"
  | "confirm_p90"
  | "dispatch_on_time"
  | "first_pass"
  | "overrides"
  | "problems"
  | "complaints"
  | "resolve_hours"
  | "satisfaction"
  | "response"
  | "new_buyers"
  | "returning_buyers"
  | "repeat"
  | "points_issued"
  | "points_redeemed"
  | "points_expired"
  | "coupons_used"
  | "catalog";

export type Figure = {
  /** The i18n key's last part: `review.figure_${key}`. */
  key: FigureKey;
  value: (f: WeekFigures) => number | null;
  /** How the value is shown: a count, a percentage, minutes, hours, money, a 1–5 average. */
  kind: "count" | "percent" | "minutes" | "hours" | "money" | "average";
  better: Better;
};

export const figures: readonly Figure[] = [
  { key: "orders", value: (f) => f.orders, kind: "count", better: "up" },
  { key: "revenue", value: (f) => f.revenue_minor, kind: "money", better: "up" },
  { key: "confirm_p50", value: (f) => f.confirm_minutes_p50, kind: "minutes", better: "down" },
  { key: "confirm_p90", value: (f) => f.confirm_minutes_p90, kind: "minutes", better: "down" },
  { key: "dispatch_on_time", value: (f) => f.dispatch_on_time.percent, kind: "percent", better: "up" },
  { key: "first_pass", value: (f) => f.inspection_first_pass.percent, kind: "percent", better: "up" },
  { key: "overrides", value: (f) => f.inspection_overrides, kind: "count", better: "down" },
  { key: "problems", value: (f) => f.problems.reduce((n, k) => n + k.count, 0), kind: "count", better: "down" },
  { key: "complaints", value: (f) => f.complaints_total, kind: "count", better: "down" },
  { key: "resolve_hours", value: (f) => f.resolve_hours_median, kind: "hours", better: "down" },
  { key: "satisfaction", value: (f) => f.satisfaction_average, kind: "average", better: "up" },
  { key: "response", value: (f) => f.follow_up_response.percent, kind: "percent", better: "up" },
  { key: "new_buyers", value: (f) => f.new_buyers, kind: "count", better: "up" },
  { key: "returning_buyers", value: (f) => f.returning_buyers, kind: "count", better: "up" },
  { key: "repeat", value: (f) => f.repeat_buyers.percent, kind: "percent", better: "up" },
  { key: "points_issued", value: (f) => f.points_issued, kind: "count", better: null },
  { key: "points_redeemed", value: (f) => f.points_redeemed, kind: "count", better: null },
  { key: "points_expired", value: (f) => f.points_expired, kind: "count", better: "down" },
  { key: "coupons_used", value: (f) => f.coupons_used, kind: "count", better: "up" },
  { key: "catalog", value: (f) => f.catalog_average, kind: "percent", better: "up" },
];

export type Change = { direction: "up" | "down" | "same"; good: boolean | null; delta: number } | null;

/** The change from `before` to `now`, and whether it is good news; null when either is missing. */
export function change(now: number | null, before: number | null, better: Better): Change {
  if (now === null || before === null) return null;
  const delta = now - before;
  if (Math.abs(delta) < 1e-9) return { direction: "same", good: null, delta: 0 };
  const direction = delta > 0 ? "up" : "down";
  return { direction, good: better === null ? null : direction === better, delta };
}

/** The ISO week ("2026-W47") holding a day (UTC). */
export function isoWeek(day: Date): string {
  const d = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()));
  // The week's Thursday decides its year.
  d.setUTCDate(d.getUTCDate() + 4 - (d.getUTCDay() || 7));
  const year = d.getUTCFullYear();
  const week = Math.ceil(((d.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 + 1) / 7);
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** The week after the one that ends at `toIso` (the next Monday). */
export function weekAfter(toIso: string): string {
  return isoWeek(new Date(toIso));
}

/** The week before the one that starts at `fromIso`. */
export function weekBefore(fromIso: string): string {
  return isoWeek(new Date(Date.parse(fromIso) - 86_400_000));
}
