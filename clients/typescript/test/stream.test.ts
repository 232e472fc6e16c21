// The reader against a scripted HTTP server in this process: reconnects, resumes, ends, refuses, times out.
import { test } from "node:test";
import assert from "node:assert/strict";
import { serve } from "./scripted-server.js";
import {
  headerValues,
  json,
  readItems,
  readStream,
  sendCommand,
  SseConnectionLostError,
  SseContentTypeError,
  SseHttpError,
  SsePayloadError,
  SseResumeRejectedError,
  SseStreamFailedError,
  type SseClientOptions,
} from "../src/index.js";

const eventStream = { "content-type": "text/event-stream" };
const fast: SseClientOptions = { initialReconnectDelayMs: 5, maxReconnectDelayMs: 20, random: () => 0.5 };

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

test("a resumable stream reconnects after a cut, sends the last id, and ends on sse-end", async () => {
  const server = await serve((_, response, attempt) => {
    response.writeHead(200, eventStream);
    if (attempt === 0) {
      // Cut mid-frame once the bytes are out: event 3 was never received.
      response.write("id: 1\ndata: {\"n\":1}\n\nid: 2\ndata: {\"n\":2}\n\nid: 3\ndata: {\"n\":", () => setTimeout(() => response.destroy(), 20));
    } else {
      response.end("id: 3\ndata: {\"n\":3}\n\nevent: sse-end\ndata:\n\n");
    }
  });
  try {
    const reconnects: number[] = [];
    const items = await collect(readItems<{ n: number }>(server.url, { name: "T.S", method: "GET", path: "/s", resumable: true }, json(), { ...fast, onReconnecting: (c) => reconnects.push(c.attempt) }));
    assert.deepEqual(items.map((i) => [i.data.n, i.eventId]), [[1, "1"], [2, "2"], [3, "3"]]);
    assert.deepEqual(reconnects, [1]);
    assert.equal(server.requests.length, 2);
    assert.equal(server.requests[0]!.headers["last-event-id"], undefined);
    assert.equal(server.requests[1]!.headers["last-event-id"], "2");
  } finally {
    await server.close();
  }
});

test("a stream that cannot resume fails with the count and the last id instead of starting over", async () => {
  const server = await serve((_, response) => {
    response.writeHead(200, eventStream);
    response.end("id: 7\ndata: \"a\"\n\n"); // Ends without sse-end: a lost connection.
  });
  try {
    await assert.rejects(collect(readStream(server.url, { name: "T.S", method: "GET", path: "/s" }, json<string>(), fast)), (error: unknown) => {
      assert.ok(error instanceof SseConnectionLostError);
      assert.equal(error.eventCount, 1);
      assert.equal(error.lastEventId, "7");
      assert.equal(error.reason, "end-of-stream");
      return true;
    });
  } finally {
    await server.close();
  }
});

test("in-band signals: sse-reset, sse-error and sse-gap", async () => {
  const server = await serve((request, response) => {
    response.writeHead(200, eventStream);
    if (request.url === "/reset") response.end("event: sse-reset\ndata: {\"title\":\"Cannot resume\",\"detail\":\"too old\"}\n\n");
    else if (request.url === "/error") response.end("data: 1\n\nevent: sse-error\ndata: {\"title\":\"x\",\"detail\":\"failed after 1 events\"}\n\n");
    else response.end("data: 1\n\nevent: sse-gap\ndata: {\"missed\":5}\n\ndata: 2\n\nevent: sse-end\ndata:\n\n");
  });
  try {
    await assert.rejects(collect(readStream(server.url, { name: "T.R", method: "GET", path: "/reset", resumable: true }, json<number>(), fast)), (e: unknown) => e instanceof SseResumeRejectedError && e.reason === "too old");
    await assert.rejects(collect(readStream(server.url, { name: "T.E", method: "GET", path: "/error" }, json<number>(), fast)), (e: unknown) => e instanceof SseStreamFailedError && e.detail === "failed after 1 events");
    const gaps: number[] = [];
    assert.deepEqual(await collect(readStream(server.url, { name: "T.G", method: "GET", path: "/gap" }, json<number>(), { ...fast, onGap: (g) => gaps.push(g.missed) })), [1, 2]);
    assert.deepEqual(gaps, [5]);
  } finally {
    await server.close();
  }
});

test("status, content type and payload errors are typed and not retried; 503 is retried with Retry-After", async () => {
  let unavailable = 0;
  const server = await serve((request, response) => {
    if (request.url === "/400") {
      response.writeHead(400, { "content-type": "application/problem+json" });
      response.end(JSON.stringify({ title: "Bad Request", detail: "The value 'x' is not valid for query string parameter 'n' (int)." }));
    } else if (request.url === "/html") {
      response.writeHead(200, { "content-type": "text/html" });
      response.end("<html>");
    } else if (request.url === "/bad-json") {
      response.writeHead(200, eventStream);
      response.end("data: {not json\n\n");
    } else if (request.url === "/503" && unavailable++ === 0) {
      response.writeHead(503, { "retry-after": "0" });
      response.end();
    } else {
      response.writeHead(200, eventStream);
      response.end("id: 1\ndata: 42\n\nevent: sse-end\ndata:\n\n");
    }
  });
  try {
    await assert.rejects(collect(readStream(server.url, { name: "T.B", method: "GET", path: "/400", resumable: true }, json(), fast)), (e: unknown) => e instanceof SseHttpError && e.status === 400 && e.problemDetail!.includes("'n' (int)"));
    await assert.rejects(collect(readStream(server.url, { name: "T.H", method: "GET", path: "/html", resumable: true }, json(), fast)), (e: unknown) => e instanceof SseContentTypeError && e.contentType === "text/html");
    await assert.rejects(collect(readStream(server.url, { name: "T.J", method: "GET", path: "/bad-json", resumable: true }, json(), fast)), (e: unknown) => e instanceof SsePayloadError && e.excerpt === "{not json");
    assert.deepEqual(await collect(readStream(server.url, { name: "T.U", method: "GET", path: "/503", resumable: true }, json<number>(), fast)), [42]);
  } finally {
    await server.close();
  }
});

test("the idle timeout ends a silent connection; heartbeats keep a quiet one alive", async () => {
  const server = await serve((request, response) => {
    response.writeHead(200, eventStream);
    response.flushHeaders();
    if (request.url === "/heartbeats") {
      const timer = setInterval(() => response.write(": heartbeat\n\n"), 50);
      setTimeout(() => { clearInterval(timer); response.end("data: 1\n\nevent: sse-end\ndata:\n\n"); }, 600);
    } // else: silence.
  });
  try {
    const options = { ...fast, idleTimeoutMs: 250 };
    assert.deepEqual(await collect(readStream(server.url, { name: "T.Q", method: "GET", path: "/heartbeats" }, json<number>(), options)), [1]);
    await assert.rejects(collect(readStream(server.url, { name: "T.I", method: "GET", path: "/silent" }, json(), options)), (e: unknown) => e instanceof SseConnectionLostError && e.reason === "idle-timeout");
  } finally {
    await server.close();
  }
});

test("a consumer slower than the idle timeout is not taken for a silent server", async () => {
  const server = await serve((_, response) => {
    response.writeHead(200, eventStream);
    response.write("data: 1\n\ndata: 2\n\n");
    setTimeout(() => response.end("data: 3\n\nevent: sse-end\ndata:\n\n"), 50);
  });
  try {
    // Not resumable: a timeout would fail the stream. The consumer spends two timeouts on each item it already has.
    const seen: number[] = [];
    for await (const item of readStream(server.url, { name: "T.Slow", method: "GET", path: "/slow" }, json<number>(), { ...fast, idleTimeoutMs: 150 })) {
      seen.push(item);
      await new Promise((resolve) => setTimeout(resolve, 300));
    }

    assert.deepEqual(seen, [1, 2, 3]);
  } finally {
    await server.close();
  }
});

test("an abort after the whole body arrived ends the stream (Node's fetch would leave the next read waiting forever)", async () => {
  const server = await serve((_, response) => {
    response.writeHead(200, eventStream);
    response.write("data: 1\n\n");
    setTimeout(() => response.end("data: 2\n\nevent: sse-end\ndata:\n\n"), 20);
  });
  try {
    const controller = new AbortController();
    await assert.rejects((async () => {
      for await (const _ of readStream(server.url, { name: "T.Late", method: "GET", path: "/late" }, json<number>(), { ...fast, idleTimeoutMs: 0 }, controller.signal)) {
        await new Promise((resolve) => setTimeout(resolve, 150)); // the rest of the body arrives meanwhile
        controller.abort();
      }
    })(), (e: unknown) => (e as Error).name === "AbortError");
  } finally {
    await server.close();
  }
});

test("POST streams send their body and headers; the caller's AbortSignal ends the stream", async () => {
  const server = await serve((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => { body += chunk.toString(); });
    request.on("end", () => {
      response.writeHead(200, eventStream);
      response.write(`data: ${JSON.stringify({ body, tenant: request.headers["x-tenant"], type: request.headers["content-type"] })}\n\n`);
    });
  });
  try {
    const controller = new AbortController();
    const seen: unknown[] = [];
    await assert.rejects((async () => {
      for await (const item of readStream(server.url, { name: "T.P", method: "POST", path: "/p", body: "{\"text\":\"hi\"}", headers: { "X-Tenant": "acme" } }, json(), fast, controller.signal)) {
        seen.push(item);
        controller.abort();
      }
    })(), (e: unknown) => (e as Error).name === "AbortError");
    assert.deepEqual(seen, [{ body: "{\"text\":\"hi\"}", tenant: "acme", type: "application/json" }]);
  } finally {
    await server.close();
  }
});

test("commands: 204, 200 with JSON, problem details on failure", async () => {
  const server = await serve((request, response) => {
    if (request.url === "/none") { response.writeHead(204); response.end(); }
    else if (request.url === "/json") { response.writeHead(200, { "content-type": "application/json" }); response.end("{\"ok\":true}"); }
    else { response.writeHead(404, { "content-type": "application/problem+json" }); response.end("{\"detail\":\"There is no room 'x'.\"}"); }
  });
  try {
    assert.equal(await sendCommand(server.url, { name: "C.N", method: "POST", path: "/none" }), undefined);
    assert.deepEqual(await sendCommand(server.url, { name: "C.J", method: "POST", path: "/json", body: "{}" }), { ok: true });
    await assert.rejects(sendCommand(server.url, { name: "C.F", method: "POST", path: "/missing" }), (e: unknown) => e instanceof SseHttpError && e.status === 404 && e.problemDetail === "There is no room 'x'.");
  } finally {
    await server.close();
  }
});

test("non-ASCII ids and header values travel as UTF-8 bytes; headers HTTP cannot carry are refused before sending", async () => {
  const server = await serve((_, response, attempt) => {
    response.writeHead(200, eventStream);
    if (attempt === 0) {
      response.end("id: café-€-1\ndata: \"a\"\n\n"); // Cut without sse-end: the reconnect sends the id back.
    } else {
      response.end("data: \"b\"\n\nevent: sse-end\ndata:\n\n");
    }
  });
  try {
    const items = await collect(readStream(server.url, { name: "T.S", method: "GET", path: "/s", resumable: true, headers: headerValues({ "X-Name": "Zoë 🙂", "X-Count": 3, "X-None": undefined }) }, json<string>(), { ...fast, headers: () => ({ "X-Shared": "naïve" }) }));
    assert.deepEqual(items, ["a", "b"]);
    // Node decodes header bytes as Latin-1: the UTF-8 bytes of the text, one character each.
    const utf8 = (text: string) => Buffer.from(text, "utf8").toString("latin1");
    assert.equal(server.requests[1]!.headers["last-event-id"], utf8("café-€-1"));
    assert.equal(server.requests[0]!.headers["x-name"], utf8("Zoë 🙂"));
    assert.equal(server.requests[0]!.headers["x-count"], "3");
    assert.equal(server.requests[1]!.headers["x-shared"], utf8("naïve"));
    assert.equal(server.requests[0]!.headers["x-none"], undefined);
  } finally {
    await server.close();
  }

  // From the options: refused at once, not retried as if the network had failed.
  await assert.rejects(collect(readStream("http://127.0.0.1:9", { name: "T.S", method: "GET", path: "/s", resumable: true }, json<string>(), { ...fast, headers: { "X-Bad": "a\nb" } })),
    (error: unknown) => error instanceof RangeError && error.message.includes("'X-Bad'"));
  assert.throws(() => headerValues({ "X-Bad": "a\r\nX-Forged: 1" }), (error: unknown) => error instanceof RangeError && error.message.includes("'X-Bad'") && error.message.includes("CR, LF or NUL"));
  assert.throws(() => headerValues({ "X-Bad": " padded" }), (error: unknown) => error instanceof RangeError && error.message.includes("whitespace"));
});
