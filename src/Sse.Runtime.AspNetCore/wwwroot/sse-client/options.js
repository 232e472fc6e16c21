import { Defaults } from "./protocol.js";
import { headerText } from "./request.js";
export function resolveOptions(options) {
    return {
        fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
        reconnect: options.reconnect ?? true,
        restartNonResumableStreams: options.restartNonResumableStreams ?? false,
        initialReconnectDelayMs: options.initialReconnectDelayMs ?? Defaults.initialReconnectDelayMs,
        maxReconnectDelayMs: options.maxReconnectDelayMs ?? Defaults.maxReconnectDelayMs,
        maxReconnectAttempts: options.maxReconnectAttempts ?? Number.POSITIVE_INFINITY,
        idleTimeoutMs: options.idleTimeoutMs ?? Defaults.idleTimeoutMs,
        maxEventBytes: options.maxEventBytes ?? Defaults.maxEventBytes,
        requireEndEvent: options.requireEndEvent ?? true,
        random: options.random ?? Math.random,
    };
}
/** Request headers: the options' (fixed or per request; non-ASCII text sent as UTF-8) and the request's own. */
export async function headersFor(options, own, context = { stream: undefined, reauthenticate: false }) {
    const shared = typeof options.headers === "function" ? await options.headers(context) : options.headers;
    const headers = {};
    for (const [name, value] of Object.entries(shared ?? {})) {
        headers[name] = headerText(name, value);
    }
    return { ...headers, ...own };
}
