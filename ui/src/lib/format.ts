// Dates and money in the seller's language: dates are UTC in the store and local here; Persian
// uses the Persian calendar. Money is integer minor units plus an ISO 4217 code, never a float
// until the moment it is shown.
import type { UiLanguage } from "./bindings";
import { intlTag } from "./i18n/index.svelte";

export function formatDateTime(iso: string, lang: UiLanguage, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(intlTag(lang), { dateStyle: "medium", timeStyle: "short", timeZone }).format(date);
}

/** Digits after the decimal point for a currency (2 for EUR, 0 for IRR by ISO 4217). */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

export function formatMoney(minor: number, currency: string, lang: UiLanguage): string {
  return formatAmount(minor, currency, minorDigits(currency), lang);
}

/** Minor units as money, with the exponent the core says the currency has (ISO 4217). */
export function formatAmount(minor: number, currency: string, exponent: number, lang: UiLanguage): string {
  const value = minor / 10 ** exponent;
  try {
    return new Intl.NumberFormat(intlTag(lang), {
      style: "currency",
      currency,
      minimumFractionDigits: exponent,
      maximumFractionDigits: exponent,
    }).format(value);
  } catch {
    return `${value.toFixed(exponent)} ${currency}`;
  }
}

/** Minor units as a plain decimal for an input: 2550 with 2 → "25.50". */
export function toDecimal(minor: number | null, exponent: number): string {
  if (minor === null) return "";
  if (exponent === 0) return String(minor);
  const scale = 10 ** exponent;
  const sign = minor < 0 ? "-" : "";
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / scale)}.${String(abs % scale).padStart(exponent, "0")}`;
}

/**
 * A decimal typed by the seller as minor units, exactly as the core reads files: `.` or `,` as
 * the decimal mark, no signs or thousands separators, at most `exponent` decimals. `null` for an
 * empty field, `undefined` for text that is not an amount.
 */
export function parseDecimal(text: string, exponent: number): number | null | undefined {
  const t = text.trim();
  if (t === "") return null;
  const m = /^(\d*)(?:[.,](\d*))?$/.exec(t);
  if (!m || (m[1] === "" && !m[2])) return undefined;
  const frac = m[2] ?? "";
  if (frac.length > exponent) return undefined;
  const minor = Number(m[1] || "0") * 10 ** exponent + Number(frac.padEnd(exponent, "0") || "0");
  return Number.isSafeInteger(minor) ? minor : undefined;
}

/** The name of a language in the interface language (“Azerbaijani”, “Azərbaycan”, “آذربایجانی”). */
export function languageName(code: string, lang: UiLanguage): string {
  try {
    return new Intl.DisplayNames([intlTag(lang)], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** A listing field's value as sync stores it (JSON: text, a list, or `{minor, currency}`), in words. */
export function syncedValue(json: string | null, lang: UiLanguage): string {
  if (json === null) return "—";
  let v: unknown;
  try {
    v = JSON.parse(json);
  } catch {
    return json;
  }
  if (typeof v === "string") return v || "—";
  if (Array.isArray(v)) return v.join(", ") || "—";
  if (v && typeof v === "object" && "minor" in v && "currency" in v) {
    const p = v as { minor: number; currency: string };
    return formatMoney(p.minor, p.currency, lang);
  }
  return json;
}
