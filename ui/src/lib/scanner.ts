// A barcode scanner types like a keyboard and presses Enter. The packing screen takes its keys
// wherever the focus is — except in a text field the packer is writing in — so nobody has to
// click into a field before scanning. Kept apart from the page so it can be tested alone.

/** Keys further apart than this start a new code: a half-typed scan does not linger. */
export const STALE_MS = 3000;

export interface KeyLike {
  key: string;
  ctrlKey?: boolean;
  altKey?: boolean;
  metaKey?: boolean;
  target?: EventTarget | null;
}

/** Whether the key went to a field that takes text itself. */
export function typingInField(target: EventTarget | null | undefined): boolean {
  if (!target || typeof (target as Element).tagName !== "string") return false;
  const el = target as HTMLElement;
  const tag = el.tagName.toLowerCase();
  if (tag === "textarea" || tag === "select" || el.isContentEditable) return true;
  if (tag !== "input") return false;
  const type = ((el as HTMLInputElement).type || "text").toLowerCase();
  return !["button", "checkbox", "radio", "submit", "reset", "file"].includes(type);
}

export type Fed =
  /** Not for the scanner: let it do what it does. */
  | { kind: "pass" }
  /** Taken into the code being read (prevent its default). */
  | { kind: "taken"; buffer: string }
  /** A whole code, ended by Enter (prevent its default). */
  | { kind: "code"; code: string }
  /** Escape dropped a half-read code. */
  | { kind: "cleared" };

export class ScanReader {
  private buffer = "";
  private last = 0;

  /** Feeds one keydown; `now` in milliseconds. */
  feed(e: KeyLike, now: number): Fed {
    if (e.ctrlKey || e.altKey || e.metaKey || typingInField(e.target)) return { kind: "pass" };
    if (this.buffer && now - this.last > STALE_MS) this.buffer = "";
    this.last = now;
    if (e.key === "Enter" || e.key === "Tab") {
      // Enter (or the Tab some scanners send) ends a code; with nothing read it is the
      // keyboard's own Enter or Tab, for the focused button.
      if (!this.buffer) return { kind: "pass" };
      const code = this.buffer;
      this.buffer = "";
      return { kind: "code", code };
    }
    if (e.key === "Escape" && this.buffer) {
      this.buffer = "";
      return { kind: "cleared" };
    }
    if (e.key === "Backspace" && this.buffer) {
      this.buffer = this.buffer.slice(0, -1);
      return { kind: "taken", buffer: this.buffer };
    }
    // One printable character (a space only inside a code, so Space still presses a button).
    if ([...e.key].length !== 1 || (e.key === " " && !this.buffer)) return { kind: "pass" };
    this.buffer += e.key;
    return { kind: "taken", buffer: this.buffer };
  }

  get reading(): string {
    return this.buffer;
  }
}
