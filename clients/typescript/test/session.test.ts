// The session behaviour table shared with the .NET client (tests/Shared/session-behaviour.json): what both clients
// declare, the reconnection delays, and scripted servers answering each connection in turn.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import {
  Defaults,
  LastEventIdHeader,
  LastEventIdQuery,
  readItems,
  reconnectDelayMs,
  ReservedEvents,
  SseConnectionLostError,
  SseContentTypeError,
  SseEventTooLargeError,
  SseHttpError,
  SseResumeRejectedError,
  SseStreamFailedError,
  type SseClientOptions,
  type SseDisconnectReason,
} from "../src/index.js";

interface Connection { status?: number; body?: string; ending?: "eof" | "reset" | "hang"; refused?: boolean; contentType?: string }
interface Session {
  name: string;
  resumable: boolean;
  lastEventId?: string;
  options?: { requireEndEvent?: boolean; maxReconnectAttempts?: number; idleTimeoutMs?: number; maxEventBytes?: number };
  connections: Connection[];
  expected: {
    items: string[];
    end: string;
    requests?: number;
    lastEventIds?: (string | null)[];
    reauthenticated?: boolean[];
    disconnects?: SseDisconnectReason[];
    gaps?: number[];
    status?: number;
    detail?: string;
    lastEventId?: string;
  };
}
interface Delay { name: string; reconnectionTimeMs: number; maxDelayMs: number; retryAfterMs?: number; attempt: number; random: number; expectedMs: number }
interface Table {
  protocol: {
    reservedEvents: Record<string, string>;
    lastEventIdHeader: string;
    lastEventIdQuery: string;
    defaults: Record<string, number>;
    disconnectReasons: string[];
  };
  delays: Delay[];
  sessions: Session[];
}

const table = JSON.parse(readFileSync(fileURLToPath(new URL("../../../../tests/Shared/session-behaviour.json", import.meta.url)), "utf8")) as Table;

test("the protocol this client declares is the table's (and so the .NET client's)", () => {
  assert.deepEqual({ ...ReservedEvents }, table.protocol.reservedEvents);
  assert.equal(LastEventIdHeader, table.protocol.lastEventIdHeader);
  assert.equal(LastEventIdQuery, table.protocol.lastEventIdQuery);
  assert.deepEqual({ ...Defaults }, table.protocol.defaults);
  const reasons: Record<SseDisconnectReason, true> = { "connect-failed": true, "retryable-status": true, "connection-error": true, "end-of-stream": true, "idle-timeout": true, reauthenticate: true };
  assert.deepEqual(Object.keys(reasons).sort(), [...table.protocol.disconnectReasons].sort());
});

for (const d of table.delays) {
  test(`delay: ${d.name}`, () => {
    assert.equal(reconnectDelayMs(d.reconnectionTimeMs, d.maxDelayMs, d.retryAfterMs, d.attempt, d.random), d.expectedMs);
  });
}

async function serve(connections: Connection[]): Promise<{ url: string; requests: IncomingMessage[]; close: () => Promise<void> }> {
  const requests: IncomingMessage[] = [];
  const open: ServerResponse[] = [];
  const server = createServer((request, response) => {
    const connection = connections[requests.length];
    requests.push(request);
    if (connection === undefined) {
      response.destroy(new Error(`no connection scripted for request ${requests.length}`));
      return;
    }

    if (connection.refused) {
      request.socket.destroy();
      return;
    }

    const status = connection.status ?? 200;
    const contentType = connection.contentType ?? (status === 200 ? "text/event-stream" : "application/problem+json");
    response.writeHead(status, status === 204 ? {} : { "content-type": contentType });
    const body = status === 204 ? "" : connection.body ?? (status === 200 ? "" : "{\"title\":\"no\"}");
    switch (connection.ending ?? "eof") {
      case "reset":
        response.write(body, () => setTimeout(() => response.socket?.destroy(), 20));
        break;
      case "hang":
        response.write(body);
        open.push(response);
        break;
      default:
        response.end(body);
    }
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
  };
}

function endOf(error: unknown): string {
  if (error === undefined) return "ended";
  if (error instanceof SseConnectionLostError) return "connection-lost";
  if (error instanceof SseHttpError) return "http-error";
  if (error instanceof SseContentTypeError) return "content-type";
  if (error instanceof SseStreamFailedError) return "stream-failed";
  if (error instanceof SseResumeRejectedError) return "resume-rejected";
  if (error instanceof SseEventTooLargeError) return "event-too-large";
  throw error;
}

for (const s of table.sessions) {
  test(`session: ${s.name}`, async () => {
    const server = await serve(s.connections);
    try {
      const disconnects: SseDisconnectReason[] = [];
      const gaps: number[] = [];
      const reauthenticated: boolean[] = [];
      const options: SseClientOptions = {
        headers: (context) => {
          reauthenticated.push(context.reauthenticate);
          return {};
        },
        initialReconnectDelayMs: 0,
        idleTimeoutMs: s.options?.idleTimeoutMs ?? 0,
        ...(s.options?.requireEndEvent === undefined ? {} : { requireEndEvent: s.options.requireEndEvent }),
        ...(s.options?.maxReconnectAttempts === undefined ? {} : { maxReconnectAttempts: s.options.maxReconnectAttempts }),
        ...(s.options?.maxEventBytes === undefined ? {} : { maxEventBytes: s.options.maxEventBytes }),
        onDisconnected: (c) => disconnects.push(c.reason),
        onGap: (c) => gaps.push(c.missed),
      };
      const items: string[] = [];
      let error: unknown;
      try {
        const request = { name: "Test.Feed", method: "GET" as const, path: "/feed", resumable: s.resumable, lastEventId: s.lastEventId };
        for await (const item of readItems(server.url, request, (type, data) => (type === "message" ? data : undefined), options)) {
          items.push(item.data);
        }
      } catch (caught) {
        error = caught;
      }

      const e = s.expected;
      assert.deepEqual(items, e.items);
      assert.equal(endOf(error), e.end, `ended with ${String(error)}`);
      if (e.requests !== undefined) assert.equal(server.requests.length, e.requests);
      if (e.lastEventIds !== undefined) assert.deepEqual(server.requests.map((r) => r.headers["last-event-id"] ?? null), e.lastEventIds);
      if (e.reauthenticated !== undefined) assert.deepEqual(reauthenticated, e.reauthenticated);
      if (e.disconnects !== undefined) assert.deepEqual(disconnects, e.disconnects);
      assert.deepEqual(gaps, e.gaps ?? []);
      if (e.status !== undefined) assert.equal((error as SseHttpError).status, e.status);
      if (e.detail !== undefined) {
        assert.equal(error instanceof SseResumeRejectedError ? error.reason : (error as SseStreamFailedError).detail, e.detail);
      }
      if (e.lastEventId !== undefined) assert.equal((error as SseResumeRejectedError).lastEventId, e.lastEventId);
    } finally {
      await server.close();
    }
  });
}
