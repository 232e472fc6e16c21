import { SseConnectionLostError, SseContentTypeError, SseError, SseIdleTimeoutError, SsePayloadError, SseProtocolError, SseResumeRejectedError, SseStreamFailedError, } from "./errors.js";
import { httpError } from "./http.js";
import { headersFor, resolveOptions } from "./options.js";
import { SseEventParser } from "./parser.js";
import { LastEventIdHeader, ReservedEvents, RunIdHeader, reconnectDelayMs } from "./protocol.js";
import { headerText, resolve } from "./request.js";
import { canShareAcrossTabs, readShared } from "./share.js";
/**
 * Reads a stream with fetch: the items in order, across reconnections. A resumable stream reconnects after a lost
 * connection (never sooner than the reconnection time or `Retry-After`, with jitter above it: `reconnectDelayMs`) and
 * sends the last id it received as `Last-Event-ID`; the consumer sees one continuous sequence. It ends on the server's
 * `sse-end` event or a 204. The rules are the .NET client's (`tests/Shared/session-behaviour.json`).
 */
export async function* readItems(baseUrl, request, read, clientOptions = {}, signal) {
    if (clientOptions.shareAcrossTabs && request.method === "GET" && canShareAcrossTabs()) {
        // One connection for the origin's tabs: the leader tab runs this same reader (unshared) from the last id.
        const unshared = { ...clientOptions, shareAcrossTabs: false };
        yield* readShared(resolve(baseUrl, request.path), (lastEventId, stop) => readItems(baseUrl, { ...request, lastEventId }, read, unshared, stop), request.lastEventId, signal);
        return;
    }
    const options = resolveOptions(clientOptions);
    // A run's start is sent once: once answered, every connection attaches to the run by its id.
    let active = request;
    let url = resolve(baseUrl, request.path);
    const mayReconnect = request.resumable ? options.reconnect : options.restartNonResumableStreams;
    let lastEventId = request.lastEventId;
    let sentLastEventId;
    let attempts = 0;
    let eventCount = 0;
    let serverRetryMs;
    let reauthenticate = false;
    while (true) {
        signal?.throwIfAborted();
        const connection = new AbortController();
        let idleTimer;
        const onAbort = () => {
            clearTimeout(idleTimer);
            connection.abort(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        const touch = () => {
            if (options.idleTimeoutMs > 0) {
                clearTimeout(idleTimer);
                idleTimer = setTimeout(() => connection.abort(new SseIdleTimeoutError(options.idleTimeoutMs)), options.idleTimeoutMs);
                // In Node, a waiting stream does not keep the process alive by itself.
                idleTimer.unref?.();
            }
        };
        let lost;
        let responded = false;
        try {
            const headers = await headersFor(clientOptions, active.headers, { stream: request.name, reauthenticate });
            reauthenticate = false;
            headers["Accept"] = "text/event-stream";
            if (active.body !== undefined) {
                headers["Content-Type"] = "application/json";
            }
            if (lastEventId !== undefined) {
                headers[LastEventIdHeader] = headerText(LastEventIdHeader, lastEventId); // as browsers send it: UTF-8
            }
            if (active.run?.proposedId !== undefined) {
                headers[RunIdHeader] = active.run.proposedId; // a run's start: the same id on every retry of it
            }
            sentLastEventId = lastEventId;
            touch();
            const response = await options.fetch(url, {
                method: active.method,
                headers,
                body: active.body ?? null,
                signal: connection.signal,
                cache: "no-store",
                credentials: clientOptions.credentials ?? "same-origin",
            });
            responded = true;
            if (response.status === 204) {
                return; // Nothing (more) to stream.
            }
            if (response.status !== 200) {
                const error = await httpError(response, url);
                if (response.status >= 500 || response.status === 408 || response.status === 429) {
                    lost = { reason: "retryable-status", error, retryAfterMs: error.retryAfterMs };
                }
                else {
                    throw error;
                }
            }
            else {
                const contentType = response.headers.get("content-type");
                if (!contentType || contentType.split(";")[0].trim().toLowerCase() !== "text/event-stream" || !response.body) {
                    await response.body?.cancel();
                    throw new SseContentTypeError(url, contentType);
                }
                if (active.run) {
                    const runId = response.headers.get(RunIdHeader);
                    if (!runId) {
                        await response.body.cancel();
                        throw new SseProtocolError(`The server did not start a run for '${request.name}': its response has no ${RunIdHeader} header (is it an older server, or a proxy that drops the header?).`);
                    }
                    active.run.started(runId);
                    active = { name: request.name, method: "GET", path: active.run.runsPath + encodeURIComponent(runId), resumable: true };
                    url = resolve(baseUrl, active.path);
                }
                clientOptions.onConnected?.({ stream: request.name, url, status: response.status, attempt: attempts, lastEventId });
                const parser = new SseEventParser(lastEventId ?? "", options.maxEventBytes);
                const reader = response.body.getReader();
                // Consecutive sse-gap events are one gap, reported before the next item (or the end), as the .NET client does.
                let missed = 0;
                // The server ended the stream for its credential (sse-reauth): what follows it is not read.
                let reauthenticated = false;
                const reportGap = () => {
                    if (missed > 0) {
                        clientOptions.onGap?.({ stream: request.name, missed, lastEventId });
                        missed = 0;
                    }
                };
                try {
                    while (true) {
                        // Node's fetch never settles a read begun after an abort once the body has all arrived: look first.
                        connection.signal.throwIfAborted();
                        // Only a read's wait counts toward the idle timeout: not the time the consumer spends on what it has.
                        touch();
                        const { value, done } = await reader.read();
                        clearTimeout(idleTimer);
                        if (done) {
                            parser.end();
                            reportGap();
                            break;
                        }
                        for (const event of parser.push(value)) {
                            lastEventId = event.lastEventId === "" ? undefined : event.lastEventId;
                            switch (event.type) {
                                case ReservedEvents.end:
                                    reportGap();
                                    return;
                                case ReservedEvents.error:
                                    throw new SseStreamFailedError(detailOf(event.data));
                                case ReservedEvents.reset:
                                    throw new SseResumeRejectedError(sentLastEventId, detailOf(event.data));
                                case ReservedEvents.gap:
                                    missed += missedOf(event.data);
                                    continue;
                                case ReservedEvents.reauthenticate:
                                    reauthenticated = true;
                                    break;
                                case ReservedEvents.run:
                                    continue;
                            }
                            if (reauthenticated) {
                                break;
                            }
                            let item;
                            try {
                                item = read(event.type, event.data);
                            }
                            catch (error) {
                                throw new SsePayloadError(event.type, event.lastEventId, event.data.length > 256 ? event.data.slice(0, 256) + "…" : event.data, error);
                            }
                            if (item === undefined) {
                                continue; // An event the contract has no type for.
                            }
                            eventCount++;
                            attempts = 0;
                            reportGap();
                            // Events that arrived in one chunk with the one the consumer aborted on are not handed out after it.
                            if (signal?.aborted) {
                                throw signal.reason;
                            }
                            yield { data: item, eventType: event.type, eventId: lastEventId };
                        }
                        serverRetryMs = parser.reconnectionTime ?? serverRetryMs;
                        if (reauthenticated) {
                            break;
                        }
                    }
                    lastEventId = parser.lastEventId === "" ? undefined : parser.lastEventId;
                    if (reauthenticated) {
                        lost = { reason: "reauthenticate", error: undefined };
                    }
                    else if (!options.requireEndEvent) {
                        return;
                    }
                    else {
                        lost = { reason: "end-of-stream", error: undefined };
                    }
                }
                finally {
                    reader.cancel().catch(() => undefined);
                }
            }
        }
        catch (error) {
            if (signal?.aborted) {
                throw signal.reason;
            }
            // Typed errors, and a header value no request can carry, are not the network's: no reconnect.
            if ((error instanceof SseError && !(error instanceof SseIdleTimeoutError)) || error instanceof RangeError) {
                throw error;
            }
            // As the .NET client says it: no response yet is a failed connect (an idle timeout before the headers too).
            const idle = connection.signal.reason instanceof SseIdleTimeoutError;
            lost = !responded
                ? { reason: "connect-failed", error: idle ? connection.signal.reason : error }
                : idle
                    ? { reason: "idle-timeout", error: connection.signal.reason }
                    : { reason: "connection-error", error };
        }
        finally {
            clearTimeout(idleTimer);
            signal?.removeEventListener("abort", onAbort);
        }
        const willReconnect = mayReconnect && attempts < options.maxReconnectAttempts;
        clientOptions.onDisconnected?.({ stream: request.name, reason: lost.reason, error: lost.error, eventCount, lastEventId, willReconnect });
        if (!willReconnect) {
            const why = !mayReconnect
                ? "the stream cannot resume (its method has no [LastEventId]), so it fails rather than start over silently."
                : `it gave up after ${attempts} reconnection attempts.`;
            throw new SseConnectionLostError(request.name, lost.reason, eventCount, lastEventId, attempts, why, lost.error);
        }
        if (lost.reason === "reauthenticate") {
            // An expired credential is not a failure: resume at once (no backoff, no attempt counted) with a fresh one.
            reauthenticate = true;
            continue;
        }
        attempts++;
        const delayMs = reconnectDelayMs(serverRetryMs ?? options.initialReconnectDelayMs, options.maxReconnectDelayMs, lost.retryAfterMs, attempts, options.random());
        clientOptions.onReconnecting?.({ stream: request.name, attempt: attempts, delayMs, lastEventId });
        await sleep(delayMs, signal);
        if (!request.resumable) {
            lastEventId = undefined; // Starting over: the server cannot resume.
        }
    }
}
/** The items alone. */
export async function* readStream(baseUrl, request, read, options = {}, signal) {
    for await (const item of readItems(baseUrl, request, read, options, signal)) {
        yield item.data;
    }
}
/** Reads JSON data as `T` for the events named `eventType` (`message` for unnamed events); skips others. */
export function json(eventType = "message") {
    return (type, data) => (type === eventType ? JSON.parse(data) : undefined);
}
/** Reads plain-text data for the events named `eventType`. */
export function text(eventType = "message") {
    return (type, data) => (type === eventType ? data : undefined);
}
function detailOf(data) {
    try {
        const problem = JSON.parse(data);
        return typeof problem.detail === "string" ? problem.detail : typeof problem.title === "string" ? problem.title : data;
    }
    catch {
        return data;
    }
}
/** The `missed` count of an `sse-gap` event; at least one, whatever the data says (a gap of unknown size is still a gap). */
function missedOf(data) {
    try {
        const gap = JSON.parse(data);
        return typeof gap.missed === "number" && Number.isInteger(gap.missed) && gap.missed > 0 ? gap.missed : 1;
    }
    catch {
        return 1;
    }
}
function sleep(ms, signal) {
    return new Promise((done, fail) => {
        if (signal?.aborted) {
            fail(signal.reason);
            return;
        }
        const timer = setTimeout(() => {
            signal?.removeEventListener("abort", onAbort);
            done();
        }, ms);
        const onAbort = () => {
            clearTimeout(timer);
            fail(signal?.reason);
        };
        signal?.addEventListener("abort", onAbort, { once: true });
    });
}
