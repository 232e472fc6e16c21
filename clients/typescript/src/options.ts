import { Defaults, type SseDisconnectReason } from "./protocol.js";
import { headerText } from "./request.js";

/** What a request of a stream is, for a `headers` function. */
export interface SseRequestContext {
  /** The stream (`ChatFeed.Room`); `undefined` for a command. */
  readonly stream: string | undefined;
  /** Whether the server ended the stream with `sse-reauth`: the credential expired or was refused, get a fresh one. */
  readonly reauthenticate: boolean;
}

/** What a connection that opened looked like. */
export interface SseConnectedContext {
  readonly stream: string;
  readonly url: string;
  readonly status: number;
  /** How many reconnections it took (0 for the first connection). */
  readonly attempt: number;
  readonly lastEventId: string | undefined;
}

/** A connection that ended. */
export interface SseDisconnectedContext {
  readonly stream: string;
  readonly reason: SseDisconnectReason;
  readonly error: unknown;
  readonly eventCount: number;
  readonly lastEventId: string | undefined;
  readonly willReconnect: boolean;
}

/** A reconnection about to happen. */
export interface SseReconnectingContext {
  readonly stream: string;
  readonly attempt: number;
  readonly delayMs: number;
  readonly lastEventId: string | undefined;
}

/** Events the server dropped for this client (its slow-consumer policy), announced in-band. */
export interface SseGapContext {
  readonly stream: string;
  readonly missed: number;
  readonly lastEventId: string | undefined;
}

/** How a generated client connects, reconnects and reads. Every member is optional. */
export interface SseClientOptions {
  /** The fetch to use (a wrapper that adds credentials, a test double); the global one by default. */
  readonly fetch?: typeof fetch;
  /**
   * Headers for every request (an `Authorization`), or a function that returns them per request (a refreshed token).
   * The function is told when the server ended the stream with `sse-reauth` (`context.reauthenticate`): the credential
   * it had expired, so return a fresh one, not a cached one.
   */
  readonly headers?: Record<string, string> | ((context: SseRequestContext) => Record<string, string> | Promise<Record<string, string>>);
  /** Whether cookies go along (browsers): `same-origin` by default. */
  readonly credentials?: RequestCredentials;
  /** Whether a resumable stream reconnects after a lost connection (default true). */
  readonly reconnect?: boolean;
  /** Whether a stream the server cannot resume starts over after a lost connection instead of failing (default false; it may repeat items). */
  readonly restartNonResumableStreams?: boolean;
  /**
   * The reconnection time until the server sends a `retry:` (default 1,000 ms): no reconnect comes sooner, and the
   * jitter (up to double, then doubling per attempt up to `maxReconnectDelayMs`) goes above it.
   */
  readonly initialReconnectDelayMs?: number;
  /** The cap of the backoff above the reconnection time (default 30,000 ms); a longer `retry:` or `Retry-After` still wins. */
  readonly maxReconnectDelayMs?: number;
  /** The most reconnections in a row without an event (default unlimited). */
  readonly maxReconnectAttempts?: number;
  /** How long nothing, not even a heartbeat, may arrive while the client waits for it before the connection counts as lost (default 45,000 ms; 0 for none); the time the consumer spends on events it already has does not count. */
  readonly idleTimeoutMs?: number;
  /** The largest event, in bytes of the wire format: field names, values and line ends (default 1 MiB, as the .NET client). */
  readonly maxEventBytes?: number;
  /**
   * Whether the end of a response without the server's `sse-end` event is a lost connection (default true, as the
   * generated endpoints announce their end); false for servers that do not (then the end of a response is the end).
   */
  readonly requireEndEvent?: boolean;
  /** Called for each connection established (a 200 event stream). */
  readonly onConnected?: (context: SseConnectedContext) => void;
  /** Called for each connection lost or refused (not for a normal end or an abort), with the reason. */
  readonly onDisconnected?: (context: SseDisconnectedContext) => void;
  /** Called before each reconnection attempt's delay, with the attempt and the delay. */
  readonly onReconnecting?: (context: SseReconnectingContext) => void;
  /** Called when the server dropped events for this client (`sse-gap`); the stream goes on. */
  readonly onGap?: (context: SseGapContext) => void;
  /**
   * Whether the tabs of this origin that read the same GET stream share one connection (default false): one tab, the
   * leader (elected with Web Locks), holds it and relays each item to the others over a `BroadcastChannel`; when it
   * closes or stops reading, another tab takes over and resumes from the last id, with no gap and no duplicate. Each
   * tab reads and aborts as without sharing. Where Web Locks or BroadcastChannel are missing (node), each reader
   * connects. The items must be cloneable (JSON is).
   */
  readonly shareAcrossTabs?: boolean;
  /** The random source of the backoff's jitter (tests pin it); `Math.random` by default. */
  readonly random?: () => number;
}

export interface ResolvedOptions {
  readonly fetch: typeof fetch;
  readonly reconnect: boolean;
  readonly restartNonResumableStreams: boolean;
  readonly initialReconnectDelayMs: number;
  readonly maxReconnectDelayMs: number;
  readonly maxReconnectAttempts: number;
  readonly idleTimeoutMs: number;
  readonly maxEventBytes: number;
  readonly requireEndEvent: boolean;
  readonly random: () => number;
}

export function resolveOptions(options: SseClientOptions): ResolvedOptions {
  return {
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    reconnect: options.reconnect ?? true,
    restartNonResumableStreams: options.restartNonResumableStreams ?? false,
    initialReconnectDelayMs: options.initialReconnectDelayMs ?? Defaults.initialReconnectDelayMs,
    maxReconnectDelayMs: options.maxReconnectDelayMs ?? Defaults.maxReconnectDelayMs,
    maxReconnectAttempts: options.maxReconnectAttempts ?? Number.POSITIVE_INFINITY,
    idleTimeoutMs: options.idleTimeoutMs ?? Defaults.idleTimeoutMs,
    maxEventBytes: options.maxEventBytes ?? Defaults.maxEventBytes,
    requireEndEvent: options.requireEndEvent ?? true,
    random: options.random ?? Math.random,
  };
}

/** Request headers: the options' (fixed or per request; non-ASCII text sent as UTF-8) and the request's own. */
export async function headersFor(
  options: SseClientOptions,
  own: Record<string, string> | undefined,
  context: SseRequestContext = { stream: undefined, reauthenticate: false },
): Promise<Record<string, string>> {
  const shared = typeof options.headers === "function" ? await options.headers(context) : options.headers;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(shared ?? {})) {
    headers[name] = headerText(name, value);
  }

  return { ...headers, ...own };
}
