/** A request of a generated client: built by the generated code from the contract's parameters. */
export interface SseRequest {
  /** The contract method, `Chat.Room`: what errors and callbacks name. */
  readonly name: string;
  readonly method: "GET" | "POST";
  /** The path with its route values encoded, the query string included. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  /** The JSON body, already serialized. */
  readonly body?: string;
  /** Whether the server can resume the stream after a `Last-Event-ID`. */
  readonly resumable?: boolean;
  /** The id to resume after on the first connection (a `[LastEventId]` argument); later ones send the last id received. */
  readonly lastEventId?: string | undefined;
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

/** Joins a base URL (its path kept) and a path. */
export function resolve(baseUrl: string, path: string): string {
  return baseUrl.replace(/\/+$/, "") + path;
}
