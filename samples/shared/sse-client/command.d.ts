import { type SseClientOptions } from "./options.js";
import { type SseRequest } from "./request.js";
/**
 * Sends a command (a contract method returning `Task` or `Task<T>`): 204 resolves to `undefined`, 200 to the JSON
 * result; any other status rejects with `SseHttpError`, carrying the problem's detail.
 */
export declare function sendCommand<T = void>(baseUrl: string, request: SseRequest, clientOptions?: SseClientOptions, signal?: AbortSignal): Promise<T>;
