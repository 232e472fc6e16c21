import { headerText } from "./request.js";
export function resolveOptions(options) {
    return {
        fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
        reconnect: options.reconnect ?? true,
        restartNonResumableStreams: options.restartNonResumableStreams ?? false,
        initialReconnectDelayMs: options.initialReconnectDelayMs ?? 1_000,
        maxReconnectDelayMs: options.maxReconnectDelayMs ?? 30_000,
        maxReconnectAttempts: options.maxReconnectAttempts ?? Number.POSITIVE_INFINITY,
        idleTimeoutMs: options.idleTimeoutMs ?? 45_000,
        maxEventChars: options.maxEventChars ?? 1024 * 1024,
        requireEndEvent: options.requireEndEvent ?? true,
        random: options.random ?? Math.random,
    };
}
/** Request headers: the options' (fixed or per request; non-ASCII text sent as UTF-8) and the request's own. */
export async function headersFor(options, own) {
    const shared = typeof options.headers === "function" ? await options.headers() : options.headers;
    const headers = {};
    for (const [name, value] of Object.entries(shared ?? {})) {
        headers[name] = headerText(name, value);
    }
    return { ...headers, ...own };
}
//# sourceMappingURL=options.js.map