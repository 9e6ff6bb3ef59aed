import { describe, expect, it } from "vitest";
import { formatAmount, formatDateTime, formatMoney, minorDigits, parseDecimal, syncedValue, toDecimal } from "./format";

describe("dates", () => {
  it("Persian dates use the Persian calendar", () => {
    // 22 November 2026 is 1 Azar 1405 in the Solar Hijri calendar.
    const s = formatDateTime("2026-11-22T09:30:00Z", "fa", "UTC");
    expect(s).toMatch(/۱۴۰۵/);
    expect(s).toContain("آذر");
  });

  it("other languages use the Gregorian calendar in their own words", () => {
    expect(formatDateTime("2026-11-22T09:30:00Z", "tr", "UTC")).toContain("2026");
    expect(formatDateTime("2026-11-22T09:30:00Z", "en", "UTC")).toContain("Nov");
  });

  it("a broken date is shown as given rather than as 'Invalid Date'", () => {
    expect(formatDateTime("not a date", "en")).toBe("not a date");
  });
});

describe("money", () => {
  it("minor units follow ISO 4217", () => {
    expect(minorDigits("EUR")).toBe(2);
    expect(minorDigits("IRR")).toBe(0);
  });

  it("formats in the seller's language and currency", () => {
    expect(formatMoney(123450, "EUR", "en")).toBe("€1,234.50");
    expect(formatMoney(123450, "TRY", "tr")).toMatch(/1\.234,50/);
  });
});

describe("amounts typed by the seller", () => {
  it("read like the core reads files", () => {
    expect(parseDecimal("25", 2)).toBe(2500);
    expect(parseDecimal(" 25,5 ", 2)).toBe(2550);
    expect(parseDecimal(".5", 2)).toBe(50);
    expect(parseDecimal("1500", 0)).toBe(1500);
    expect(parseDecimal("", 2)).toBeNull();
    for (const bad of ["12.345", "-3", "1,234.50", "12e3", ".", "abc"]) {
      expect(parseDecimal(bad, 2), bad).toBeUndefined();
    }
    expect(parseDecimal("99999999999999999999", 2)).toBeUndefined();
  });

  it("round-trip through the input", () => {
    for (const [minor, exp] of [
      [2550, 2],
      [5, 2],
      [1500, 0],
      [1250, 3],
    ] as const) {
      expect(parseDecimal(toDecimal(minor, exp), exp)).toBe(minor);
    }
    expect(toDecimal(null, 2)).toBe("");
  });

  it("are shown with the currency's ISO digits, not the locale's guess", () => {
    expect(formatAmount(250, "IRR", 2, "en")).toContain("2.50");
    expect(formatAmount(8500, "AZN", 2, "az")).toMatch(/85,00/);
  });
});

describe("synced listing values", () => {
  it("are said as text, lists and money", () => {
    expect(syncedValue('"Bakır cezve"', "tr")).toBe("Bakır cezve");
    expect(syncedValue('["hediye","bakır"]', "tr")).toBe("hediye, bakır");
    expect(syncedValue('{"minor":45000,"currency":"TRY"}', "en")).toContain("450.00");
    expect(syncedValue(null, "en")).toBe("—");
    expect(syncedValue('""', "en")).toBe("—");
    expect(syncedValue("not json", "en")).toBe("not json");
  });
});
