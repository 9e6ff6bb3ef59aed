// The i18n layer: the current interface language as reactive state, `t()` to format a message in
// it (ICU MessageFormat through intl-messageformat), and the direction and tags the DOM needs.
import { IntlMessageFormat } from "intl-messageformat";
import type { UiLanguage, FieldError } from "../bindings";
import { CommandError, type Failure } from "../api";
import { en, type MessageKey, type Messages } from "./en";
import { az } from "./az";
import { tr } from "./tr";
import { fa } from "./fa";

export type { MessageKey };

export const catalogs: Record<UiLanguage, Messages> = { en, az, tr, fa };
export const uiLanguages: UiLanguage[] = ["en", "az", "tr", "fa"];

/** BCP 47 tags for Intl: the Persian calendar for Persian. */
const intlTags: Record<UiLanguage, string> = {
  en: "en-GB",
  az: "az-Latn-AZ",
  tr: "tr-TR",
  fa: "fa-IR-u-ca-persian",
};

let current = $state<UiLanguage>("en");
const cache = new Map<string, IntlMessageFormat>();

export function language(): UiLanguage {
  return current;
}

export function intlTag(lang: UiLanguage = current): string {
  return intlTags[lang];
}

export function isRtl(lang: UiLanguage = current): boolean {
  return lang === "fa";
}

/** Switches the interface language at once: messages, `lang` and the layout direction. */
export function setLanguage(lang: UiLanguage): void {
  current = lang;
  if (typeof document !== "undefined") {
    document.documentElement.lang = lang;
    document.documentElement.dir = isRtl(lang) ? "rtl" : "ltr";
  }
}

export type Params = Record<string, string | number>;

export function translate(lang: UiLanguage, key: MessageKey, params?: Params): string {
  const id = `${lang}\u0000${key}`;
  let format = cache.get(id);
  if (!format) {
    format = new IntlMessageFormat(catalogs[lang][key], intlTags[lang]);
    cache.set(id, format);
  }
  return String(format.format(params ?? {}));
}

/** A message in the current language. Reading it in a template re-renders on a language change. */
export function t(key: MessageKey, params?: Params): string {
  return translate(current, key, params);
}

export function isKey(key: string): key is MessageKey {
  return key in en;
}

/** A field error in the current language (every code has its words: the type check says so). */
export function fieldMessage(e: FieldError): string {
  return t(`errors.field.${e.code}`, e.params);
}

/** An error from a command, in the current language. */
export function errorMessage(e: Failure): string {
  return e.code === "unknown" ? t("errors.unknown", { message: e.message }) : t(`errors.${e.code}`, e.params);
}

/** Whatever a call threw, in the current language: a command's typed error, or its text. */
export function errorText(e: unknown): string {
  return e instanceof CommandError ? errorMessage(e.view) : String(e);
}
