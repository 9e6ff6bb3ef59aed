// The complaint book's choices in the order the form offers them, and how long an entry took to
// settle, in the seller's language.
import type { Category, FeedbackKind, UiLanguage } from "./bindings";
import { intlTag } from "./i18n/index.svelte";

export const feedbackKinds: readonly FeedbackKind[] = ["complaint", "suggestion", "praise"];

export const categories: readonly Category[] = [
  "wrong_item",
  "damaged",
  "late",
  "hidden_costs",
  "missing_information",
  "return_trouble",
  "staff",
  "other",
];

/** The time between two instants as one rounded unit: minutes under an hour, hours under two days, then days. */
export function duration(fromIso: string, toIso: string, lang: UiLanguage): string {
  const minutes = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 60_000));
  const [value, unit] =
    minutes < 60 ? [minutes, "minute"] : minutes < 48 * 60 ? [Math.round(minutes / 60), "hour"] : [Math.round(minutes / 1440), "day"];
  return new Intl.NumberFormat(intlTag(lang), { style: "unit", unit, unitDisplay: "long" }).format(value);
}
