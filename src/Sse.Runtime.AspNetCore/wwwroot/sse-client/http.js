import { SseHttpError } from "./errors.js";
/** Reads a failed response into an error: its status, body, problem-details `detail` and `Retry-After`. */
export async function httpError(response, url) {
    let body = "";
    try {
        body = await response.text();
    }
    catch {
        // The body could not be read; the status says enough.
    }
    let detail;
    if ((response.headers.get("content-type") ?? "").includes("json")) {
        try {
            const problem = JSON.parse(body);
            detail = typeof problem.detail === "string" ? problem.detail : typeof problem.title === "string" ? problem.title : undefined;
        }
        catch {
            // Not JSON after all.
        }
    }
    return new SseHttpError(response.status, url, body.length > 2048 ? body.slice(0, 2048) + "…" : body, detail, retryAfter(response.headers.get("retry-after")));
}
/** `Retry-After` as delta seconds or an HTTP date, in milliseconds. */
export function retryAfter(value) {
    if (!value) {
        return undefined;
    }
    if (/^\d+$/.test(value.trim())) {
        return Number(value.trim()) * 1000;
    }
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
