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
/** Request headers: the options' (fixed or per request) and the request's own. */
export async function headersFor(options, own) {
    const shared = typeof options.headers === "function" ? await options.headers() : options.headers;
    return { ...shared, ...own };
}
//# sourceMappingURL=options.js.map