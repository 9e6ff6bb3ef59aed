import { describe, expect, it } from "vitest";
import { change, isoWeek, weekAfter, weekBefore } from "./review";

describe("ISO weeks", () => {
  it("names the week of a day, across year ends", () => {
    expect(isoWeek(new Date("2026-11-16T00:00:00Z"))).toBe("2026-W47");
    expect(isoWeek(new Date("2026-11-22T23:59:59Z"))).toBe("2026-W47");
    expect(isoWeek(new Date("2026-11-23T00:00:00Z"))).toBe("2026-W48");
    expect(isoWeek(new Date("2025-12-29T12:00:00Z"))).toBe("2026-W01");
    expect(isoWeek(new Date("2026-12-31T12:00:00Z"))).toBe("2026-W53");
    expect(isoWeek(new Date("2021-01-03T12:00:00Z"))).toBe("2020-W53");
    expect(isoWeek(new Date("2024-12-30T12:00:00Z"))).toBe("2025-W01");
  });

  it("steps a week forward and back from the review's bounds", () => {
    expect(weekAfter("2026-11-23T00:00:00Z")).toBe("2026-W48");
    expect(weekBefore("2026-11-16T00:00:00Z")).toBe("2026-W46");
    expect(weekBefore("2025-12-29T00:00:00Z")).toBe("2025-W52");
  });
});

describe("change", () => {
  it("says which way and whether it is good news", () => {
    expect(change(5, 3, "up")).toEqual({ direction: "up", good: true, delta: 2 });
    expect(change(90, 120, "down")).toEqual({ direction: "down", good: true, delta: -30 });
    expect(change(4, 2, "down")?.good).toBe(false);
    expect(change(7, 7, "up")).toEqual({ direction: "same", good: null, delta: 0 });
    expect(change(1, 2, null)?.good).toBeNull();
    expect(change(null, 2, "up")).toBeNull();
  });
});
