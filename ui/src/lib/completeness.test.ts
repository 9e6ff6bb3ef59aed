import { afterEach, describe, expect, it } from "vitest";
import { unmetText } from "./completeness";
import { setLanguage } from "./i18n/index.svelte";

afterEach(() => setLanguage("en"));

describe("unmet rules in the seller's language", () => {
  it("say how many photos of what size are missing", () => {
    const u = { rule: "photos", code: "photos", required: true, params: { missing: "2", min_side_px: "1000", have: "1", min_count: "3", too_small: "0" } };
    expect(unmetText(u)).toEqual({
      message: "2 photos missing",
      hint: "Add 2 more of at least 1000 px on the shortest side.",
    });
    expect(unmetText({ ...u, params: { ...u.params, missing: "1" } }).message).toBe("1 photo missing");
    setLanguage("fa");
    expect(unmetText(u).message).toBe("2 عکس کم است");
  });

  it("name a family attribute by its label", () => {
    setLanguage("tr");
    expect(unmetText({ rule: "age_range", code: "attribute", required: true, params: { key: "age_range" } }).message).toBe("“Yaş aralığı” eksik");
  });

  it("fall back to the rule id for a code the window does not know", () => {
    expect(unmetText({ rule: "mine", code: "new_kind", required: false, params: {} })).toEqual({ message: "mine", hint: "" });
  });
});
