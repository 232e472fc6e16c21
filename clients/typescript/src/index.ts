export { SseEventParser, MAX_RETRY_MS, type SseEvent } from "./parser.js";
export { ReservedEvents, LastEventIdHeader, LastEventIdQuery, Defaults, reconnectDelayMs, type SseDisconnectReason } from "./protocol.js";
export {
  SseError,
  SseHttpError,
  SseContentTypeError,
  SsePayloadError,
  SseStreamFailedError,
  SseResumeRejectedError,
  SseConnectionLostError,
  SseIdleTimeoutError,
  SseEventTooLargeError,
} from "./errors.js";
export type { SseClientOptions, SseRequestContext, SseConnectedContext, SseDisconnectedContext, SseReconnectingContext, SseGapContext } from "./options.js";
export { routeValue, query, headerValues, headerText, resolve, type SseRequest } from "./request.js";
export { readItems, readStream, json, text, type EventReader, type SseItem } from "./stream.js";
export { sendCommand } from "./command.js";
export { canShareAcrossTabs } from "./share.js";
