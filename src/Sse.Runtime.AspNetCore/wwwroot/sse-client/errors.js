/** Errors a generated client throws; each says what went wrong and carries the facts. */
/** The base of every error of this package. */
export class SseError extends Error {
    constructor(message, options) {
        super(message, options);
        this.name = new.target.name;
    }
}
/** The server answered with a status other than 200 (204 for a stream ends it normally). */
export class SseHttpError extends SseError {
    status;
    url;
    body;
    problemDetail;
    retryAfterMs;
    constructor(status, url, body, 
    /** The `detail` of a problem-details body, when the server sent one. */
    problemDetail, 
    /** The server's `Retry-After`, in milliseconds, when it sent one. */
    retryAfterMs) {
        super(`${url} answered ${status}${problemDetail ? `: ${problemDetail}` : ""}`);
        this.status = status;
        this.url = url;
        this.body = body;
        this.problemDetail = problemDetail;
        this.retryAfterMs = retryAfterMs;
    }
}
/** The server's answer does not follow the protocol: a run's start answered without its `Sse-Run-Id` header. */
export class SseProtocolError extends SseError {
    constructor(message) {
        super(message);
    }
}
/** A stream's response was not `text/event-stream`. */
export class SseContentTypeError extends SseError {
    url;
    contentType;
    constructor(url, contentType) {
        super(`${url} answered ${contentType ?? "no content type"} instead of text/event-stream.`);
        this.url = url;
        this.contentType = contentType;
    }
}
/** An event's data did not match the item type (not JSON, or not the contract's shape). */
export class SsePayloadError extends SseError {
    eventType;
    lastEventId;
    excerpt;
    constructor(eventType, lastEventId, excerpt, cause) {
        super(`The data of a '${eventType}' event (last id '${lastEventId}') could not be read: ${excerpt}`, { cause });
        this.eventType = eventType;
        this.lastEventId = lastEventId;
        this.excerpt = excerpt;
    }
}
/** The server said in-band that the stream failed after it started (the reserved `sse-error` event). */
export class SseStreamFailedError extends SseError {
    detail;
    constructor(detail) {
        super(`The server reported that the stream failed: ${detail}`);
        this.detail = detail;
    }
}
/** The server cannot resume after the id the client sent (the reserved `sse-reset` event): re-sync from scratch. */
export class SseResumeRejectedError extends SseError {
    lastEventId;
    reason;
    constructor(lastEventId, reason) {
        super(`The server cannot resume after '${lastEventId ?? ""}': ${reason}`);
        this.lastEventId = lastEventId;
        this.reason = reason;
    }
}
/** One event grew past the client's limit (`maxEventBytes`): a hostile or broken server; the stream is abandoned. */
export class SseEventTooLargeError extends SseError {
    maxEventBytes;
    constructor(maxEventBytes) {
        super(`An event exceeded the maximum event size of ${maxEventBytes} bytes (maxEventBytes); the stream was closed instead of buffering it.`);
        this.maxEventBytes = maxEventBytes;
    }
}
/** The connection was lost and the stream could not (or may not) be resumed. */
export class SseConnectionLostError extends SseError {
    stream;
    reason;
    eventCount;
    lastEventId;
    attempts;
    constructor(stream, reason, eventCount, lastEventId, attempts, why, cause) {
        super(`The stream '${stream}' lost its connection (${reason}) after ${eventCount} events; ${why}`, { cause });
        this.stream = stream;
        this.reason = reason;
        this.eventCount = eventCount;
        this.lastEventId = lastEventId;
        this.attempts = attempts;
    }
}
/** Nothing (not even a heartbeat) arrived within the idle timeout. */
export class SseIdleTimeoutError extends SseError {
    idleTimeoutMs;
    constructor(idleTimeoutMs) {
        super(`Nothing arrived for ${idleTimeoutMs} ms (no event, no heartbeat).`);
        this.idleTimeoutMs = idleTimeoutMs;
    }
}
