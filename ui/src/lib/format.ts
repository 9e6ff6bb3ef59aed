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
  const digits = minorDigits(currency);
  const value = minor / 10 ** digits;
  try {
    return new Intl.NumberFormat(intlTag(lang), { style: "currency", currency }).format(value);
  } catch {
    return `${value.toFixed(digits)} ${currency}`;
  }
}

/** The name of a language in the interface language (“Azerbaijani”, “Azərbaycan”, “آذربایجانی”). */
export function languageName(code: string, lang: UiLanguage): string {
  try {
    return new Intl.DisplayNames([intlTag(lang)], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}
