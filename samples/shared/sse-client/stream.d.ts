import { type SseClientOptions } from "./options.js";
import { type SseRequest } from "./request.js";
/** How a stream's events become items: `undefined` skips an event the contract has no type for (a newer server). */
export type EventReader<T> = (eventType: string, data: string) => T | undefined;
/** An item with its event name and id. */
export interface SseItem<T> {
    readonly data: T;
    readonly eventType: string;
    readonly eventId: string | undefined;
}
/**
 * Reads a stream with fetch: the items in order, across reconnections. A resumable stream reconnects after a lost
 * connection (backoff with full jitter, the server's `retry:` and `Retry-After`) and sends the last id it received as
 * `Last-Event-ID`; the consumer sees one continuous sequence. It ends on the server's `sse-end` event or a 204.
 */
export declare function readItems<T>(baseUrl: string, request: SseRequest, read: EventReader<T>, clientOptions?: SseClientOptions, signal?: AbortSignal): AsyncGenerator<SseItem<T>, void, undefined>;
/** The items alone. */
export declare function readStream<T>(baseUrl: string, request: SseRequest, read: EventReader<T>, options?: SseClientOptions, signal?: AbortSignal): AsyncGenerator<T, void, undefined>;
/** Reads JSON data as `T` for the events named `eventType` (`message` for unnamed events); skips others. */
export declare function json<T>(eventType?: string): EventReader<T>;
/** Reads plain-text data for the events named `eventType`. */
export declare function text(eventType?: string): EventReader<string>;
