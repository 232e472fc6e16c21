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
/** Joins a base URL (its path kept) and a path. */
export declare function resolve(baseUrl: string, path: string): string;
