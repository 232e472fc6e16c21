/** Errors a generated client throws; each says what went wrong and carries the facts. */
/** The base of every error of this package. */
export declare class SseError extends Error {
    constructor(message: string, options?: {
        cause?: unknown;
    });
}
/** The server answered with a status other than 200 (204 for a stream ends it normally). */
export declare class SseHttpError extends SseError {
    readonly status: number;
    readonly url: string;
    readonly body: string;
    /** The `detail` of a problem-details body, when the server sent one. */
    readonly problemDetail: string | undefined;
    /** The server's `Retry-After`, in milliseconds, when it sent one. */
    readonly retryAfterMs: number | undefined;
    constructor(status: number, url: string, body: string, 
    /** The `detail` of a problem-details body, when the server sent one. */
    problemDetail: string | undefined, 
    /** The server's `Retry-After`, in milliseconds, when it sent one. */
    retryAfterMs: number | undefined);
}
/** A stream's response was not `text/event-stream`. */
export declare class SseContentTypeError extends SseError {
    readonly url: string;
    readonly contentType: string | null;
    constructor(url: string, contentType: string | null);
}
/** An event's data did not match the item type (not JSON, or not the contract's shape). */
export declare class SsePayloadError extends SseError {
    readonly eventType: string;
    readonly lastEventId: string;
    readonly excerpt: string;
    constructor(eventType: string, lastEventId: string, excerpt: string, cause: unknown);
}
/** The server said in-band that the stream failed after it started (the reserved `sse-error` event). */
export declare class SseStreamFailedError extends SseError {
    readonly detail: string;
    constructor(detail: string);
}
/** The server cannot resume after the id the client sent (the reserved `sse-reset` event): re-sync from scratch. */
export declare class SseResumeRejectedError extends SseError {
    readonly lastEventId: string | undefined;
    readonly reason: string;
    constructor(lastEventId: string | undefined, reason: string);
}
/** Why a connection was lost. */
export type SseDisconnectReason = "connection-error" | "end-of-stream" | "idle-timeout" | "server-error";
/** The connection was lost and the stream could not (or may not) be resumed. */
export declare class SseConnectionLostError extends SseError {
    readonly stream: string;
    readonly reason: SseDisconnectReason;
    readonly eventCount: number;
    readonly lastEventId: string | undefined;
    readonly attempts: number;
    constructor(stream: string, reason: SseDisconnectReason, eventCount: number, lastEventId: string | undefined, attempts: number, why: string, cause?: unknown);
}
/** Nothing (not even a heartbeat) arrived within the idle timeout. */
export declare class SseIdleTimeoutError extends SseError {
    readonly idleTimeoutMs: number;
    constructor(idleTimeoutMs: number);
}
