export { SseEventParser, MAX_RETRY_MS, type SseEvent } from "./parser.js";
export { ReservedEvents, RunIdHeader, LastEventIdHeader, LastEventIdQuery, Defaults, reconnectDelayMs, type SseDisconnectReason } from "./protocol.js";
export {
  SseError,
  SseHttpError,
  SseContentTypeError,
  SsePayloadError,
  SseProtocolError,
  SseStreamFailedError,
  SseResumeRejectedError,
  SseConnectionLostError,
  SseIdleTimeoutError,
  SseEventTooLargeError,
} from "./errors.js";
export type { SseClientOptions, SseRequestContext, SseConnectedContext, SseDisconnectedContext, SseReconnectingContext, SseGapContext } from "./options.js";
export { routeValue, query, headerValues, headerText, resolve, type SseRequest, type SseRunStart } from "./request.js";
export { readItems, readStream, json, text, type EventReader, type SseItem } from "./stream.js";
export { sendCommand } from "./command.js";
export { SseRun } from "./run.js";
export { canShareAcrossTabs } from "./share.js";
