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
export declare function routeValue(name: string, value: string | number | boolean): string;
/** A query string from the parameters that have a value; arrays become repeated keys. */
export declare function query(parameters: Record<string, unknown>): string;
/**
 * Request headers from the header parameters that have a value. What HTTP cannot carry (CR, LF, NUL, or whitespace
 * at either end, which HTTP strips) is refused before anything is sent; non-ASCII text travels as UTF-8, as the .NET
 * client sends it.
 */
export declare function headerValues(parameters: Record<string, string | number | boolean | null | undefined>): Record<string, string>;
/**
 * A header value as `fetch` sends it byte for byte: UTF-8, each byte one character (`fetch` takes header values as
 * byte strings, so non-ASCII text would otherwise be refused, or sent as Latin-1). CR, LF and NUL, which no header
 * can carry, are refused with a `RangeError` naming the header.
 */
export declare function headerText(name: string, text: string): string;
/** Joins a base URL (its path kept) and a path. */
export declare function resolve(baseUrl: string, path: string): string;
