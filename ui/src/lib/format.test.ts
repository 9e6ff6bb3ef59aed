import { describe, expect, it } from "vitest";
import { formatDateTime, formatMoney, minorDigits } from "./format";

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
