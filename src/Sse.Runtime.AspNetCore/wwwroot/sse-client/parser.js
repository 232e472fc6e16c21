/**
 * Reads `text/event-stream` by the WHATWG event-stream interpretation rules
 * (https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation), fed as bytes in any
 * chunking: a UTF-8 sequence, a line end, even a CR and its LF may be split across chunks.
 */
/** The longest reconnection time a `retry` field can set: 2^31−1 ms; larger values are clamped to it. */
export const MAX_RETRY_MS = 2_147_483_647;
import { SseEventTooLargeError } from "./errors.js";
import { Defaults } from "./protocol.js";
export { SseEventTooLargeError } from "./errors.js";
/** UTF-8 bytes of `text` (a surrogate pair is 4, as it was on the wire). */
function utf8Length(text) {
    let bytes = text.length;
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c >= 0x80) {
            if (c < 0x800) {
                bytes += 1;
            }
            else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
                bytes += 2;
                i++;
            }
            else {
                bytes += 2;
            }
        }
    }
    return bytes;
}
export class SseEventParser {
    maxEventBytes;
    // The BOM is stripped by the decoder (once, at the start), as the spec's UTF-8 decode does.
    decoder = new TextDecoder("utf-8");
    pending = "";
    skipLeadingLf = false;
    data = [];
    hasData = false;
    eventType = "";
    idBuffer;
    retry;
    blockBytes = 0;
    pendingBytes = 0;
    /** The spec's "last event ID string": what a reconnect sends as `Last-Event-ID`. */
    lastEventId;
    /** The reconnection time the stream set last, whether or not an event followed it. */
    reconnectionTime;
    /** @param maxEventBytes The largest event, in bytes of the wire format (field names, values and line ends). */
    constructor(lastEventId = "", maxEventBytes = Defaults.maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
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
        this.pendingBytes = 0;
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
            const tail = text.slice(start, i);
            const line = this.pending + tail;
            const lineBytes = this.pendingBytes + utf8Length(tail);
            this.pending = "";
            this.pendingBytes = 0;
            let terminator = 1;
            if (c === 13) {
                if (i + 1 < text.length) {
                    if (text.charCodeAt(i + 1) === 10) {
                        i++;
                        terminator = 2;
                    }
                }
                else {
                    this.skipLeadingLf = true; // A CR at the end of a chunk: its LF may come next.
                }
            }
            start = i + 1;
            const event = this.line(line, lineBytes + terminator);
            if (event) {
                events.push(event);
            }
        }
        const rest = text.slice(start);
        this.pending += rest;
        this.pendingBytes += utf8Length(rest);
        if (this.blockBytes + this.pendingBytes > this.maxEventBytes) {
            throw new SseEventTooLargeError(this.maxEventBytes); // A line that never ends.
        }
        return events;
    }
    /** One line, `bytes` long with its line end; every line of an event counts toward its size, its blank line too (as in .NET). */
    line(line, bytes) {
        this.blockBytes += bytes;
        if (this.blockBytes > this.maxEventBytes) {
            throw new SseEventTooLargeError(this.maxEventBytes);
        }
        if (line.length === 0) {
            return this.dispatch();
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
        this.blockBytes = 0;
        if (!hasData) {
            return undefined;
        }
        return retry === undefined ? { type, data, lastEventId: this.lastEventId } : { type, data, lastEventId: this.lastEventId, retry };
    }
}
