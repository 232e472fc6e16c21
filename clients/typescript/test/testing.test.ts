// The scripted fetch (`@sse-contracts/client/testing`) as a user's test uses it: the Chat sample's generated client,
// no server. Each test scripts the responses in turn and checks what the client did and sent.
import { test } from "node:test";
import assert from "node:assert/strict";
import { SseStubFetch } from "../src/testing.js";
import { loadClient, type ChatMessage } from "./chat-client.js";

const message = (text: string) => JSON.stringify({ from: "bob", text, at: "2026-12-02T00:00:00Z", room: "lobby", to: null });
const fast = { initialReconnectDelayMs: 1, maxReconnectDelayMs: 5 };

async function collect(messages: AsyncIterable<ChatMessage>): Promise<string[]> {
  const texts: string[] = [];
  for await (const m of messages) {
    texts.push(m.text);
  }

  return texts;
}

test("a drop, a 503 and a refused connection: the consumer gets every message once, each reconnect sent the last id", async () => {
  const { ChatClient } = await loadClient();
  const stub = new SseStubFetch()
    .respondWithStream((s) => s.retry(1).event(message("m0"), { id: "e1-0" }).comment("heartbeat").event(message("m1"), { id: "e1-1" }).thenDisconnect())
    .respondWithStatus(503, { retryAfterSeconds: 0 })
    .failToConnect()
    .respondWithStream((s) => s.event(message("m2"), { id: "e1-2" }).end());
  const chat = new ChatClient("http://stub", { ...fast, fetch: stub.fetch, headers: { Authorization: "Bearer t" } });

  assert.deepEqual(await collect(chat.room("lobby")), ["m0", "m1", "m2"]);
  assert.deepEqual(stub.requests.map((r) => r.lastEventId), [undefined, "e1-1", "e1-1", "e1-1"]);
  assert.deepEqual(stub.requests.map((r) => `${r.method} ${new URL(r.url).pathname}`), Array(4).fill("GET /chat/rooms/lobby"));
  assert.ok(stub.requests.every((r) => r.headers["authorization"] === "Bearer t" && r.headers["accept"] === "text/event-stream"));
});

test("the reset signal fails the stream with SseResumeRejectedError naming the id it resumed from", async () => {
  const { ChatClient, runtime } = await loadClient();
  const stub = new SseStubFetch()
    .respondWithStream((s) => s.event(message("m0"), { id: "e1-0" }).thenDisconnect())
    .respondWithStream((s) => s.reset("The server restarted without its history."));
  const chat = new ChatClient("http://stub", { ...fast, fetch: stub.fetch });
  const seen: string[] = [];

  await assert.rejects(async () => {
    for await (const m of chat.room("lobby")) {
      seen.push(m.text);
    }
  }, (error: unknown) => error instanceof runtime.SseResumeRejectedError && /without its history/.test(String((error as Error).message)));
  assert.deepEqual(seen, ["m0"]);
  assert.equal(stub.requests[1]!.lastEventId, "e1-0");
});

test("a command's body is recorded; a 401 is a typed error, not a retry", async () => {
  const { ChatClient, runtime } = await loadClient();
  const stub = new SseStubFetch().respondWithStatus(401, { detail: "Sign in first." }).respondWithStatus(401);
  const chat = new ChatClient("http://stub", { ...fast, fetch: stub.fetch });

  await assert.rejects(chat.send("lobby", { text: "hello" }), (error: unknown) => error instanceof runtime.SseHttpError && (error as { status: number }).status === 401);
  assert.equal(stub.requests[0]!.method, "POST");
  assert.deepEqual(JSON.parse(stub.requests[0]!.body!), { text: "hello" });
  await assert.rejects(collect(chat.room("lobby")), (error: unknown) => error instanceof runtime.SseHttpError);
  assert.equal(stub.requests.length, 2);
});

test("aborting the consumer ends the scripted stream; a request with nothing scripted says so", async () => {
  const { ChatClient } = await loadClient();
  const stub = new SseStubFetch().respondWithStream((s) => s.event(message("m0"), { id: "e1-0" }).thenDisconnect());
  const chat = new ChatClient("http://stub", { ...fast, fetch: stub.fetch, maxReconnectAttempts: 1 });

  await assert.rejects(collect(chat.room("lobby")), (error: unknown) => /no response is scripted for request #1 \(GET http:\/\/stub\/chat\/rooms\/lobby\)/.test(String((error as Error).cause ?? (error as Error).message)));
  const aborting = new AbortController();
  const again = new SseStubFetch().respondWithStream((s) => s.event(message("m0"), { id: "e1-0" }).event(message("m1"), { id: "e1-1" }));
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (const m of new ChatClient("http://stub", { fetch: again.fetch }).room("lobby", { signal: aborting.signal })) {
      seen.push(m.text);
      aborting.abort(new Error("the page left"));
    }
  }, /the page left/);
  assert.deepEqual(seen, ["m0"]);
});
