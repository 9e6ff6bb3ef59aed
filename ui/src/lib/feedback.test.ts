import { describe, expect, it } from "vitest";
import { duration } from "./feedback";

describe("duration", () => {
  it("says minutes, hours, then days", () => {
    expect(duration("2026-11-22T09:00:00Z", "2026-11-22T09:40:00Z", "en")).toBe("40 minutes");
    expect(duration("2026-11-22T09:00:00Z", "2026-11-22T14:10:00Z", "en")).toBe("5 hours");
    expect(duration("2026-11-22T09:00:00Z", "2026-11-25T09:00:00Z", "en")).toBe("3 days");
  });

  it("never goes below zero and speaks the seller's language", () => {
    expect(duration("2026-11-22T09:00:00Z", "2026-11-22T08:00:00Z", "en")).toBe("0 minutes");
    expect(duration("2026-11-22T09:00:00Z", "2026-11-22T10:00:00Z", "tr")).toContain("1");
  });
});
