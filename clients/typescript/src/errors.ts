import type { SseDisconnectReason } from "./protocol.js";

/** Errors a generated client throws; each says what went wrong and carries the facts. */

/** The base of every error of this package. */
export class SseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The server answered with a status other than 200 (204 for a stream ends it normally). */
export class SseHttpError extends SseError {
  constructor(
    readonly status: number,
    readonly url: string,
    readonly body: string,
    /** The `detail` of a problem-details body, when the server sent one. */
    readonly problemDetail: string | undefined,
    /** The server's `Retry-After`, in milliseconds, when it sent one. */
    readonly retryAfterMs: number | undefined,
  ) {
    super(`${url} answered ${status}${problemDetail ? `: ${problemDetail}` : ""}`);
  }
}

/** The server's answer does not follow the protocol: a run's start answered without its `Sse-Run-Id` header. */
export class SseProtocolError extends SseError {
  constructor(message: string) {
    super(message);
  }
}

/** A stream's response was not `text/event-stream`. */
export class SseContentTypeError extends SseError {
  constructor(readonly url: string, readonly contentType: string | null) {
    super(`${url} answered ${contentType ?? "no content type"} instead of text/event-stream.`);
  }
}

/** An event's data did not match the item type (not JSON, or not the contract's shape). */
export class SsePayloadError extends SseError {
  constructor(readonly eventType: string, readonly lastEventId: string, readonly excerpt: string, cause: unknown) {
    super(`The data of a '${eventType}' event (last id '${lastEventId}') could not be read: ${excerpt}`, { cause });
  }
}

/** The server said in-band that the stream failed after it started (the reserved `sse-error` event). */
export class SseStreamFailedError extends SseError {
  constructor(readonly detail: string) {
    super(`The server reported that the stream failed: ${detail}`);
  }
}

/** The server cannot resume after the id the client sent (the reserved `sse-reset` event): re-sync from scratch. */
export class SseResumeRejectedError extends SseError {
  constructor(readonly lastEventId: string | undefined, readonly reason: string) {
    super(`The server cannot resume after '${lastEventId ?? ""}': ${reason}`);
  }
}

/** One event grew past the client's limit (`maxEventBytes`): a hostile or broken server; the stream is abandoned. */
export class SseEventTooLargeError extends SseError {
  constructor(readonly maxEventBytes: number) {
    super(`An event exceeded the maximum event size of ${maxEventBytes} bytes (maxEventBytes); the stream was closed instead of buffering it.`);
  }
}

/** The connection was lost and the stream could not (or may not) be resumed. */
export class SseConnectionLostError extends SseError {
  constructor(
    readonly stream: string,
    readonly reason: SseDisconnectReason,
    readonly eventCount: number,
    readonly lastEventId: string | undefined,
    readonly attempts: number,
    why: string,
    cause?: unknown,
  ) {
    super(`The stream '${stream}' lost its connection (${reason}) after ${eventCount} events; ${why}`, { cause });
  }
}

/** Nothing (not even a heartbeat) arrived within the idle timeout. */
export class SseIdleTimeoutError extends SseError {
  constructor(readonly idleTimeoutMs: number) {
    super(`Nothing arrived for ${idleTimeoutMs} ms (no event, no heartbeat).`);
  }
}
