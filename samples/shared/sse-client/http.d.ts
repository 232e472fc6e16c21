import { SseHttpError } from "./errors.js";
/** Reads a failed response into an error: its status, body, problem-details `detail` and `Retry-After`. */
export declare function httpError(response: Response, url: string): Promise<SseHttpError>;
/** `Retry-After` as delta seconds or an HTTP date, in milliseconds. */
export declare function retryAfter(value: string | null): number | undefined;
