// Words for the packing screen that come from the core's data: a checklist step's name (the
// seller's own words, or for a shipped step its name in the interface language).
import type { Step } from "./bindings";
import { isKey, t } from "./i18n/index.svelte";

export function stepLabel(step: Pick<Step, "key" | "label">): string {
  if (step.label) return step.label;
  const key = `step.${step.key}`;
  return isKey(key) ? t(key) : step.key.replaceAll("_", " ");
}
