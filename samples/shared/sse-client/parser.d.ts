/**
 * Reads `text/event-stream` by the WHATWG event-stream interpretation rules
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation), fed as bytes in any
 * chunking: a UTF-8 sequence, a line end, even a CR and its LF may be split across chunks.
 */
/** One dispatched event. */
export interface SseEvent {
    /** The event name (`message` when the stream gave none). */
    readonly type: string;
    /** The data lines, joined with LF. */
    readonly data: string;
    /** The last event ID in effect when the event was dispatched (empty for none). */
    readonly lastEventId: string;
    /** The reconnection time a `retry:` field of this event's block set, in milliseconds. */
    readonly retry?: number;
}
/** The longest reconnection time a `retry` field can set: 2^31−1 ms; larger values are clamped to it. */
export declare const MAX_RETRY_MS = 2147483647;
/** Thrown when one event grows past the reader's limit (a hostile or broken server). */
export declare class SseEventTooLargeError extends Error {
    readonly limit: number;
    constructor(limit: number);
}
export declare class SseEventParser {
    private readonly maxEventChars;
    private readonly decoder;
    private pending;
    private skipLeadingLf;
    private data;
    private hasData;
    private eventType;
    private idBuffer;
    private retry;
    private blockChars;
    /** The spec's "last event ID string": what a reconnect sends as `Last-Event-ID`. */
    lastEventId: string;
    /** The reconnection time the stream set last, whether or not an event followed it. */
    reconnectionTime: number | undefined;
    constructor(lastEventId?: string, maxEventChars?: number);
    /** Feeds a chunk; returns the events it completed. */
    push(chunk: Uint8Array): SseEvent[];
    /** The end of the stream: the spec discards an unfinished event. */
    end(): void;
    private lines;
    private line;
    private dispatch;
}
