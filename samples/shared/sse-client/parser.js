/**
 * Reads `text/event-stream` by the WHATWG event-stream interpretation rules
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation), fed as bytes in any
 * chunking: a UTF-8 sequence, a line end, even a CR and its LF may be split across chunks.
 */
/** The longest reconnection time a `retry` field can set: 2^31−1 ms; larger values are clamped to it. */
export const MAX_RETRY_MS = 2_147_483_647;
/** Thrown when one event grows past the reader's limit (a hostile or broken server). */
export class SseEventTooLargeError extends Error {
    limit;
    constructor(limit) {
        super(`An event exceeded ${limit} characters; the stream was abandoned.`);
        this.limit = limit;
        this.name = "SseEventTooLargeError";
    }
}
export class SseEventParser {
    maxEventChars;
    // The BOM is stripped by the decoder (once, at the start), as the spec's UTF-8 decode does.
    decoder = new TextDecoder("utf-8");
    pending = "";
    skipLeadingLf = false;
    data = [];
    hasData = false;
    eventType = "";
    idBuffer;
    retry;
    blockChars = 0;
    /** The spec's "last event ID string": what a reconnect sends as `Last-Event-ID`. */
    lastEventId;
    /** The reconnection time the stream set last, whether or not an event followed it. */
    reconnectionTime;
    constructor(lastEventId = "", maxEventChars = 4 * 1024 * 1024) {
        this.maxEventChars = maxEventChars;
        this.idBuffer = lastEventId;
        this.lastEventId = lastEventId;
    }
    /** Feeds a chunk; returns the events it completed. */
    push(chunk) {
        return this.lines(this.decoder.decode(chunk, { stream: true }));
    }
    /** The end of the stream: the spec discards an unfinished event. */
    end() {
        this.decoder.decode();
        this.pending = "";
    }
    lines(text) {
        const events = [];
        let start = 0;
        let i = 0;
        if (this.skipLeadingLf && text.length > 0) {
            this.skipLeadingLf = false;
            if (text.charCodeAt(0) === 10) {
                start = i = 1;
            }
        }
        for (; i < text.length; i++) {
            const c = text.charCodeAt(i);
            if (c !== 10 && c !== 13) {
                continue;
            }
            const line = this.pending + text.slice(start, i);
            this.pending = "";
            if (c === 13) {
                if (i + 1 < text.length) {
                    if (text.charCodeAt(i + 1) === 10) {
                        i++;
                    }
                }
                else {
                    this.skipLeadingLf = true; // A CR at the end of a chunk: its LF may come next.
                }
            }
            start = i + 1;
            const event = this.line(line);
            if (event) {
                events.push(event);
            }
        }
        this.pending += text.slice(start);
        if (this.blockChars + this.pending.length > this.maxEventChars) {
            throw new SseEventTooLargeError(this.maxEventChars);
        }
        return events;
    }
    line(line) {
        if (line.length === 0) {
            return this.dispatch();
        }
        this.blockChars += line.length + 1;
        if (this.blockChars > this.maxEventChars) {
            throw new SseEventTooLargeError(this.maxEventChars);
        }
        if (line.charCodeAt(0) === 58) {
            return undefined; // A comment.
        }
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        let value = colon < 0 ? "" : line.slice(colon + 1);
        if (value.charCodeAt(0) === 32) {
            value = value.slice(1);
        }
        switch (field) {
            case "data":
                this.data.push(value);
                this.hasData = true;
                break;
            case "event":
                this.eventType = value;
                break;
            case "id":
                if (!value.includes("\0")) {
                    this.idBuffer = value;
                }
                break;
            case "retry":
                if (value.length > 0 && /^[0-9]+$/.test(value)) {
                    const ms = value.length > 15 ? MAX_RETRY_MS : Math.min(Number(value), MAX_RETRY_MS);
                    this.retry = ms;
                    this.reconnectionTime = ms;
                }
                break;
            default:
                break; // Other fields are ignored.
        }
        return undefined;
    }
    dispatch() {
        this.lastEventId = this.idBuffer;
        const retry = this.retry;
        const type = this.eventType || "message";
        const hasData = this.hasData;
        const data = this.data.join("\n");
        this.data = [];
        this.hasData = false;
        this.eventType = "";
        this.retry = undefined;
        this.blockChars = 0;
        if (!hasData) {
            return undefined;
        }
        return retry === undefined ? { type, data, lastEventId: this.lastEventId } : { type, data, lastEventId: this.lastEventId, retry };
    }
}
//# sourceMappingURL=parser.js.map