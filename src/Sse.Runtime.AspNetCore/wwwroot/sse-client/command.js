import { headersFor, resolveOptions } from "./options.js";
import { httpError } from "./http.js";
import { resolve } from "./request.js";
/**
 * Sends a command (a contract method returning `Task` or `Task<T>`): 204 resolves to `undefined`, 200 to the JSON
 * result; any other status rejects with `SseHttpError`, carrying the problem's detail.
 */
export async function sendCommand(baseUrl, request, clientOptions = {}, signal) {
    const options = resolveOptions(clientOptions);
    const url = resolve(baseUrl, request.path);
    const headers = await headersFor(clientOptions, request.headers);
    headers["Accept"] = "application/json";
    if (request.body !== undefined) {
        headers["Content-Type"] = "application/json";
    }
    const init = {
        method: request.method,
        headers,
        body: request.body ?? null,
        credentials: clientOptions.credentials ?? "same-origin",
    };
    if (signal) {
        init.signal = signal;
    }
    const response = await options.fetch(url, init);
    if (response.status === 204) {
        return undefined;
    }
    if (response.status !== 200) {
        throw await httpError(response, url);
    }
    return (await response.json());
}
