// The one place the window talks to the shell: each generated command's result becomes a value
// or a thrown `CommandError` carrying the typed error view.
import type { ErrorView } from "./bindings";

/** An error the window shows: the core's typed view, or a rejection that is not the core's (an
 * ACL denial, a bad argument), which carries only its own words. */
export type Failure = ErrorView | (Omit<ErrorView, "code"> & { code: "unknown" });

export class CommandError extends Error {
  constructor(public readonly view: Failure) {
    super(view.message);
  }
}

type Result<T> = { status: "ok"; data: T } | { status: "error"; error: ErrorView };

export async function call<T>(pending: Promise<Result<T>>): Promise<T> {
  let result: Result<T>;
  try {
    result = await pending;
  } catch (e) {
    // A rejection that is not ours (an ACL denial, a bad argument) still reaches the UI as a view.
    throw new CommandError({ code: "unknown", params: {}, message: String(e), fields: [] });
  }
  if (result.status === "error") throw new CommandError(result.error);
  return result.data;
}

/** Reads a picked file as base64 for `setProfilePhoto`. */
export async function fileToBase64(file: Blob): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}
