/**
 * What the server and both generated clients (.NET and TypeScript) agree on: reserved event names, header and query
 * names, the clients' defaults and the reasons a connection is lost. The .NET side keeps them in
 * `src/Shared/SseProtocol.cs` and `SseClientOptions`; `tests/Shared/session-behaviour.json` holds both to the same values.
 */
/** The events no contract may use, because the protocol gives them a meaning. */
export const ReservedEvents = {
    /** The stream ended on purpose: do not reconnect. */
    end: "sse-end",
    /** The stream failed after it started; its data is a problem-details object. */
    error: "sse-error",
    /** The server cannot resume after the id it was given: re-synchronise. */
    reset: "sse-reset",
    /** Events were dropped for this subscriber (`{"missed":N}`; a gap of unknown size counts as 1); the stream goes on. */
    gap: "sse-gap",
    /** The stream's credential expired or is no longer valid: get a fresh one and resume at once from the last id. */
    reauthenticate: "sse-reauth",
    /** The marker that opens a run's log; servers never send it, and a client skips it. */
    run: "sse-run",
};
/** The header of a run's id: on the start's response, the run's id; on the start request, the id the client proposes (the same on every retry). */
export const RunIdHeader = "Sse-Run-Id";
/** A new run id, as servers issue them: 16 random bytes in base64url without padding (22 characters). */
export function newRunId() {
    const bytes = new Uint8Array(16);
    globalThis.crypto.getRandomValues(bytes);
    return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
/** The request header a reconnecting client sends with the last event id it received. */
export const LastEventIdHeader = "Last-Event-ID";
/** The query parameter that carries it where a client cannot set headers. */
export const LastEventIdQuery = "lastEventId";
/** The defaults of a generated client, the same in both languages. */
export const Defaults = {
    /** The largest event, in bytes of the wire format (field names, values and line ends). */
    maxEventBytes: 1024 * 1024,
    idleTimeoutMs: 45_000,
    initialReconnectDelayMs: 1_000,
    maxReconnectDelayMs: 30_000,
};
/**
 * How long to wait before reconnection attempt `attempt` (from 1), for a `random` value in [0, 1). Spec: no sooner than
 * the reconnection time R (the server's last `retry:`, else the initial delay); the floor is R or the server's
 * `Retry-After` when longer; the jitter above it is up to max(min(max, R·2^attempt) − floor, R). The .NET client
 * computes the same (SseReconnectPolicy).
 */
export function reconnectDelayMs(reconnectionTimeMs, maxDelayMs, retryAfterMs, attempt, random) {
    const r = Math.max(0, reconnectionTimeMs);
    const floor = retryAfterMs !== undefined && retryAfterMs > 0 ? Math.max(r, retryAfterMs) : r;
    const ceiling = Math.min(maxDelayMs, r * 2 ** Math.min(attempt, 30));
    const jitter = Math.max(ceiling - floor, r);
    return Math.floor(floor + random * jitter);
}
