/** A request of a generated client: built by the generated code from the contract's parameters. */
export interface SseRequest {
  /** The contract method, `Chat.Room`: what errors and callbacks name. */
  readonly name: string;
  readonly method: "GET" | "POST" | "DELETE";
  /** The path with its route values encoded, the query string included. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  /** The JSON body, already serialized. */
  readonly body?: string;
  /** Whether the server can resume the stream after a `Last-Event-ID`. */
  readonly resumable?: boolean;
  /** The id to resume after on the first connection (a `[LastEventId]` argument); later ones send the last id received. */
  readonly lastEventId?: string | undefined;
  /** For a run's start (`[SseRun]`): told the run's id from the response; every later connection attaches by it. */
  readonly run?: SseRunStart | undefined;
}

/** What a run's start needs besides its request: where its runs are attached, and whom to tell its id. */
export interface SseRunStart {
  /** Where the method's runs are attached, before the id: `/api/complete/runs/`. */
  readonly runsPath: string;
  /** Called once with the run's id, as soon as the start is answered (before its first item). */
  readonly started: (runId: string) => void;
  /**
   * The id the start proposes (`Sse-Run-Id` on its request), the same on every retry of it: a start whose answer was
   * lost and is sent again attaches to the run it started instead of starting a second.
   */
  readonly proposedId?: string | undefined;
}

/** Percent-encodes one route value; `.` and `..` cannot travel in a path (URLs normalize them away). */
export function routeValue(name: string, value: string | number | boolean): string {
  const text = String(value);
  if (text === "." || text === "..") {
    throw new RangeError(`The route value '${name}' cannot be '${text}': URL normalization removes such segments. Send it in the query instead.`);
  }

  return encodeURIComponent(text);
}

/** A query string from the parameters that have a value; arrays become repeated keys. */
export function query(parameters: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(parameters)) {
    if (value === undefined || value === null) {
      continue;
    }

    for (const item of Array.isArray(value) ? value : [value]) {
      search.append(key, item instanceof Date ? item.toISOString() : String(item));
    }
  }

  const text = search.toString();
  return text.length === 0 ? "" : `?${text}`;
}

/**
 * Request headers from the header parameters that have a value. What HTTP cannot carry (CR, LF, NUL, or whitespace
 * at either end, which HTTP strips) is refused before anything is sent; non-ASCII text travels as UTF-8, as the .NET
 * client sends it.
 */
export function headerValues(parameters: Record<string, string | number | boolean | null | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(parameters)) {
    if (value === undefined || value === null) {
      continue;
    }

    const text = String(value);
    if (/^[ \t]|[ \t]$/.test(text)) {
      throw new RangeError(`The header '${name}' cannot start or end with whitespace: HTTP strips it.`);
    }

    headers[name] = headerText(name, text);
  }

  return headers;
}

/**
 * A header value as `fetch` sends it byte for byte: UTF-8, each byte one character (`fetch` takes header values as
 * byte strings, so non-ASCII text would otherwise be refused, or sent as Latin-1). CR, LF and NUL, which no header
 * can carry, are refused with a `RangeError` naming the header.
 */
export function headerText(name: string, text: string): string {
  if (/[\r\n\0]/.test(text)) {
    throw new RangeError(`The header '${name}' cannot carry CR, LF or NUL.`);
  }

  if (/^[\x00-\x7f]*$/.test(text)) {
    return text;
  }

  let bytes = "";
  for (const byte of new TextEncoder().encode(text)) {
    bytes += String.fromCharCode(byte);
  }

  return bytes;
}

/** Joins a base URL (its path kept) and a path. */
export function resolve(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, "") + path;
}
