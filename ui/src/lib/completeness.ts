// What an unmet completeness rule says to the seller, in their language: the core sends a stable
// code and numbers, the catalogs hold the words.
import type { Unmet } from "./bindings";
import { t, type MessageKey } from "./i18n/index.svelte";
import { en } from "./i18n/en";

function key(k: string): MessageKey | null {
  return k in en ? (k as MessageKey) : null;
}

/** A family attribute's name (“ISBN”, “Age range”), or the key itself for one the seller made. */
export function attributeLabel(attr: string): string {
  const k = key(`attr.${attr}`);
  return k ? t(k) : attr;
}

export function familyLabel(family: string): string {
  const k = key(`family.${family}`);
  return k ? t(k) : family;
}

export function unmetText(u: Unmet): { message: string; hint: string } {
  // Numbers arrive as text; plural rules need them as numbers.
  const params: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(u.params)) {
    params[name] = /^\d+$/.test(value) ? Number(value) : value;
  }
  if (u.code === "attribute") params.key = attributeLabel(u.params.key ?? "");
  const message = key(`rule.${u.code}`);
  const hint = key(`rule.${u.code}.hint`);
  return {
    message: message ? t(message, params) : u.rule,
    hint: hint ? t(hint, params) : "",
  };
}

/** A short name for a rule: its field's label where the window has one, else the rule id. */
export function ruleLabel(rule: string): string {
  const named: Record<string, string> = {
    photos: "editor.section.photos",
    description: "editor.description",
    specs: "editor.specs",
    usage: "editor.usage",
    safety: "editor.safety",
    warranty: "editor.warranty",
    return_policy: "editor.return_policy",
    tags: "editor.tags",
    materials: "editor.materials",
    maker: "editor.maker",
    shipping: "total.shipping",
    variants: "editor.section.variants",
    price_vat: "rulename.price_vat",
    fresh: "rulename.fresh",
    reviews: "rulename.reviews",
  };
  const k = key(named[rule] ?? `attr.${rule}`);
  return k ? t(k) : rule;
}
