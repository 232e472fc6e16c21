export { SseEventParser, SseEventTooLargeError, MAX_RETRY_MS } from "./parser.js";
export { SseError, SseHttpError, SseContentTypeError, SsePayloadError, SseStreamFailedError, SseResumeRejectedError, SseConnectionLostError, SseIdleTimeoutError, } from "./errors.js";
export { routeValue, query, headerValues, headerText, resolve } from "./request.js";
export { readItems, readStream, json, text } from "./stream.js";
export { sendCommand } from "./command.js";
//# sourceMappingURL=index.js.map