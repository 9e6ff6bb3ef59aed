import { describe, expect, it, afterEach } from "vitest";
import { catalogs, errorMessage, fieldMessage, setLanguage, t, translate, uiLanguages } from "./index.svelte";
import { en } from "./en";

afterEach(() => setLanguage("en"));

describe("catalogs", () => {
  it("every language has every key and nothing else", () => {
    const keys = Object.keys(en).sort();
    for (const lang of uiLanguages) {
      expect(Object.keys(catalogs[lang]).sort(), `${lang} keys`).toEqual(keys);
    }
  });

  it("every message uses the same parameters in every language", () => {
    // An argument is `{name}` or the start of `{name, plural, …}`.
    const params = (s: string) => [...new Set([...s.matchAll(/\{(\w+)[,}]/g)].map((m) => m[1]))].sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      for (const lang of uiLanguages) {
        expect(params(catalogs[lang][key]), `${lang} ${key}`).toEqual(params(en[key]));
      }
    }
  });

  it("every message formats in its language", () => {
    for (const lang of uiLanguages) {
      for (const key of Object.keys(en) as (keyof typeof en)[]) {
        expect(() => translate(lang, key, { max: 1, min: 1, value: "x", name: "x", when: "x", summary: "x", sample: "x", location: "x", path: "x", message: "x", max_mib: 2, length: 3, count: 2, what: "x", id: 1, reason: "x", score: 50, missing: 2, min_side_px: 1000, have: 1, min_chars: 100, min_pairs: 3, key: "x", min_count: 1, days: 3, rate: 18, amount: "x", width: 1, height: 1, complete: 1, listings: 2, from: 0, to: 9, done: 1, total: 2, imported: 1, updated: 0, rejected: 0, line: 2, number: "#1", carrier: "x", tracking: "x", resolution: "x", text: "x", kind: "x", sku: "x", buyer: "x", recipient: "x", skus: "x", minutes: 30, detail: "x", new: 1, sent: 0, conflicts: 1, pushed: 2, subject: "x", photos: 3, code: "x", scanned: 1, wanted: 2, outcome: "x", steps: "x", caught: 1, pick: "x", slips: "x", why: "x", uses: 1, percent: 5, tier: "x", currency: "AZN", action: "x", duration: "x", previous: "x", week: "x", zone: "x", title: "x", gone: "x", keep: "x", listing: "x", order: "x" })).not.toThrow();
      }
    }
  });
});

describe("switching language", () => {
  it("Persian turns the document right-to-left and back", () => {
    setLanguage("fa");
    expect(document.documentElement.dir).toBe("rtl");
    expect(document.documentElement.lang).toBe("fa");
    expect(t("nav.settings")).toBe("تنظیمات");
    setLanguage("tr");
    expect(document.documentElement.dir).toBe("ltr");
    expect(t("nav.settings")).toBe("Ayarlar");
  });
});

describe("errors from the core", () => {
  it("field errors are said in the current language with their parameters", () => {
    setLanguage("az");
    expect(fieldMessage({ field: "shop_name", code: "too_long", params: { max: "100" } })).toBe("Ən çox 100 simvol.");
    setLanguage("fa");
    expect(fieldMessage({ field: "email", code: "email_invalid", params: {} })).toContain("ایمیل");
  });

  it("a rejection that is not the core's still says something useful", () => {
    setLanguage("en");
    expect(errorMessage({ code: "unknown", params: {}, message: "command not allowed", fields: [] })).toBe("Something went wrong: command not allowed");
  });

  it("a missing notification daemon is explained", () => {
    setLanguage("tr");
    expect(errorMessage({ code: "notify_no_service", params: {}, message: "", fields: [] })).toContain("bildirim hizmeti yok");
  });
});
