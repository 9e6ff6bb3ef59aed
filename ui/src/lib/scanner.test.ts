import { describe, expect, it } from "vitest";
import { ScanReader, STALE_MS, typingInField } from "./scanner";

function type(r: ScanReader, text: string, at = 0): string[] {
  const codes: string[] = [];
  for (const key of [...text, "Enter"]) {
    const fed = r.feed({ key: key === "\n" ? "Enter" : key }, at);
    if (fed.kind === "code") codes.push(fed.code);
  }
  return codes;
}

describe("reading scans typed as keys", () => {
  it("a code ends with Enter, and Enter alone is left to the focused button", () => {
    const r = new ScanReader();
    expect(type(r, "CEZVE-S")).toEqual(["CEZVE-S"]);
    expect(r.feed({ key: "Enter" }, 1)).toEqual({ kind: "pass" });
  });

  it("keys in a text field are the packer's, not the scanner's", () => {
    const r = new ScanReader();
    const input = document.createElement("input");
    const button = document.createElement("button");
    expect(typingInField(input)).toBe(true);
    expect(typingInField(button)).toBe(false);
    expect(r.feed({ key: "A", target: input }, 0)).toEqual({ kind: "pass" });
    expect(r.feed({ key: "A", target: button }, 0)).toEqual({ kind: "taken", buffer: "A" });
  });

  it("a half-read code goes stale, Escape drops it, and shortcuts are not codes", () => {
    const r = new ScanReader();
    r.feed({ key: "X" }, 0);
    r.feed({ key: "Y" }, STALE_MS + 1);
    expect(r.reading).toBe("Y");
    expect(r.feed({ key: "Escape" }, STALE_MS + 2)).toEqual({ kind: "cleared" });
    expect(r.feed({ key: "c", ctrlKey: true }, 0)).toEqual({ kind: "pass" });
    expect(r.feed({ key: "ArrowDown" }, 0)).toEqual({ kind: "pass" });
    expect(r.feed({ key: " " }, 0)).toEqual({ kind: "pass" });
  });

  it("Persian and Turkish letters and a space inside a code are kept", () => {
    const r = new ScanReader();
    expect(type(r, "ŞAL 1")).toEqual(["ŞAL 1"]);
    expect(type(r, "کد۱")).toEqual(["کد۱"]);
  });
});
