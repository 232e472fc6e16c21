export { SseEventParser, MAX_RETRY_MS } from "./parser.js";
export { ReservedEvents, RunIdHeader, LastEventIdHeader, LastEventIdQuery, Defaults, reconnectDelayMs } from "./protocol.js";
export { SseError, SseHttpError, SseContentTypeError, SsePayloadError, SseProtocolError, SseStreamFailedError, SseResumeRejectedError, SseConnectionLostError, SseIdleTimeoutError, SseEventTooLargeError, } from "./errors.js";
export { routeValue, query, headerValues, headerText, resolve } from "./request.js";
export { readItems, readStream, json, text } from "./stream.js";
export { sendCommand } from "./command.js";
export { SseRun } from "./run.js";
export { canShareAcrossTabs } from "./share.js";
