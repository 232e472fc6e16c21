// Runs ([SseRun]) against a scripted HTTP server in this process: the start is sent once, every reconnect attaches to
// the run by its id with the last event id, the id is told as soon as the start is answered, cancel is a DELETE.
import { test } from "node:test";
import assert from "node:assert/strict";
import { serve } from "./scripted-server.js";
import { json, SseProtocolError, SseRun } from "../src/index.js";

const fast = { initialReconnectDelayMs: 1, maxReconnectDelayMs: 5 };
const start = { name: "Completions.Complete", method: "POST" as const, path: "/api/complete", body: JSON.stringify({ text: "hi" }), resumable: true };
const token = (i: number) => `id: e-${i + 2}\nevent: token\ndata: {"index":${i}}\n\n`;

function run(url: string, runId?: string, lastEventId?: string): SseRun<number> {
  return new SseRun<number>(url, runId ? undefined : start, "Completions.Complete", "/api/complete/runs/", runId, lastEventId, json<{ index: number }>("token"), (item) => (item.data as { index: number }).index, fast);
}

test("a run's start is sent once; after a drop the client attaches by the run's id with the last event id", async () => {
  const server = await serve((request, response, attempt) => {
    if (request.method === "DELETE") {
      response.writeHead(204).end();
      return;
    }

    response.writeHead(200, { "content-type": "text/event-stream", "sse-run-id": "R1_x-9" });
    if (attempt === 0) {
      response.end("id: e-1\n\n" + token(0) + token(1)); // dropped without the end event
    } else {
      response.end(token(2) + token(3) + "id: e-6\nevent: sse-end\ndata: {\"reason\":\"completed\"}\n\n");
    }
  });
  try {
    const completion = run(server.url);
    const seen: number[] = [];
    for await (const index of completion) {
      seen.push(index);
    }

    assert.deepEqual(seen, [0, 1, 2, 3]);
    assert.equal(completion.id, "R1_x-9");
    assert.equal(await completion.started, "R1_x-9");
    assert.deepEqual(server.requests.map((r) => `${r.method} ${r.url}`), ["POST /api/complete", "GET /api/complete/runs/R1_x-9"]);
    assert.equal(server.requests[1]!.headers["last-event-id"], "e-3");
    assert.equal(server.requests[1]!.headers["content-type"], undefined);

    await completion.cancel();
    assert.equal(`${server.requests[2]!.method} ${server.requests[2]!.url}`, "DELETE /api/complete/runs/R1_x-9");
  } finally {
    await server.close();
  }
});

test("a start whose answer is lost is sent again with the id it proposed, so the server attaches it to the run it started", async () => {
  const server = await serve((request, response, attempt) => {
    if (attempt === 0) {
      request.socket.destroy(); // the start reached the server; its answer never arrives
      return;
    }

    const proposed = request.headers["sse-run-id"] as string;
    response.writeHead(200, { "content-type": "text/event-stream", "sse-run-id": proposed });
    response.end("id: e-1\n\n" + token(0) + "id: e-3\nevent: sse-end\ndata: {\"reason\":\"completed\"}\n\n");
  });
  try {
    const completion = run(server.url);
    const seen: number[] = [];
    for await (const index of completion) {
      seen.push(index);
    }

    assert.deepEqual(seen, [0]);
    assert.deepEqual(server.requests.map((r) => `${r.method} ${r.url}`), ["POST /api/complete", "POST /api/complete"]);
    const [first, second] = server.requests.map((r) => r.headers["sse-run-id"]);
    assert.match(first as string, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(second, first);
    assert.equal(completion.id, first);
  } finally {
    await server.close();
  }
});

test("attaching by id starts from the run's start, or after the id given; a start without Sse-Run-Id is a protocol error", async () => {
  const server = await serve((request, response) => {
    if (request.method === "POST") {
      response.writeHead(200, { "content-type": "text/event-stream" }).end(token(0));
      return;
    }

    response.writeHead(200, { "content-type": "text/event-stream", "sse-run-id": "R2" });
    response.end(token(4) + "event: sse-end\ndata: {}\n\n");
  });
  try {
    const attached = run(server.url, "R2", "e-5");
    const seen: number[] = [];
    for await (const index of attached) {
      seen.push(index);
    }

    assert.deepEqual(seen, [4]);
    assert.equal(server.requests[0]!.url, "/api/complete/runs/R2");
    assert.equal(server.requests[0]!.headers["last-event-id"], "e-5");

    const broken = run(server.url);
    await assert.rejects(async () => {
      for await (const _ of broken) {
        // nothing
      }
    }, (error: unknown) => error instanceof SseProtocolError && /Sse-Run-Id/.test(String((error as Error).message)));
    await assert.rejects(broken.started, SseProtocolError);
  } finally {
    await server.close();
  }
});
