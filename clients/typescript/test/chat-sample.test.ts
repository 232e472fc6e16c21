// The generated client of samples/Chat (compiled into its wwwroot/js) against the real Kestrel server of the sample,
// started by tests/Sse.Samples.Tests with CHAT_URL set. Skipped when CHAT_URL is not set.
import { test } from "node:test";
import assert from "node:assert/strict";
import { loadClient, type ChatMessage } from "./chat-client.js";

const server = process.env["CHAT_URL"];
const skip = server ? false : "CHAT_URL is not set (tests/Sse.Samples.Tests runs this against the Chat sample)";

async function signIn(name: string): Promise<string> {
  const response = await fetch(`${server}/login`, { method: "POST", body: new URLSearchParams({ name }) });
  assert.equal(response.status, 204);
  return response.headers.get("set-cookie")!.split(";")[0]!;
}

async function next<T>(iterator: AsyncIterator<T>): Promise<T> {
  const result = await iterator.next();
  assert.equal(result.done, false);
  return result.value as T;
}

test("the generated client streams rooms and direct messages and sends commands, typed", { skip, timeout: 30_000 }, async () => {
  const { ChatClient, runtime } = await loadClient();
  const { SseHttpError } = runtime;
  const alice = new ChatClient(server!, { headers: { Cookie: await signIn("node-alice") } });
  const bob = new ChatClient(server!, { headers: { Cookie: await signIn("node-bob") } });
  const leave = new AbortController();
  try {
    const room = alice.room("dotnet", { signal: leave.signal });
    const direct = alice.direct({ signal: leave.signal });
    const firstInRoom = room.next();
    const firstDirect = direct.next();
    for (let i = 0; i < 100 && !(await alice.rooms()).some((r) => r.name === "dotnet" && r.members === 1); i++) {
      await new Promise((done) => setTimeout(done, 50));
    }

    const sent = await bob.send("dotnet", { text: "hello from node" });
    assert.equal(sent.from, "node-bob");
    const received = (await firstInRoom).value as ChatMessage;
    assert.deepEqual([received.from, received.text, received.room], ["node-bob", "hello from node", "dotnet"]);

    await bob.sendDirect("node-alice", { text: "psst" });
    const whisper = (await firstDirect).value as ChatMessage;
    assert.deepEqual([whisper.from, whisper.to, whisper.text], ["node-bob", "node-alice", "psst"]);

    await bob.send("dotnet", { text: "second" });
    assert.equal((await next(room)).text, "second");

    await assert.rejects(bob.sendDirect("nobody-at-all", { text: "hi" }), (e: unknown) => e instanceof SseHttpError && e.status === 404 && e.problemDetail === "'nobody-at-all' is not online.");
    await assert.rejects(bob.send("dotnet", { text: "   " }), (e: unknown) => e instanceof SseHttpError && e.status === 400 && e.problemDetail === "A message has 1 to 500 characters.");
  } finally {
    leave.abort();
  }
});

/** A TCP proxy in front of the server that can cut every connection, as a network drop would. */
async function cuttingProxy(target: URL): Promise<{ url: string; cut: () => void; close: () => Promise<void> }> {
  const { createServer, connect } = await import("node:net");
  const sockets = new Set<import("node:net").Socket>();
  const proxy = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => undefined);
    }

    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((done) => proxy.listen(0, "127.0.0.1", done));
  const { port } = proxy.address() as import("node:net").AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    cut: () => { for (const socket of sockets) socket.destroy(); },
    close: () => new Promise<void>((done) => { for (const socket of sockets) socket.destroy(); proxy.close(() => done()); }),
  };
}

test("a room stream cut mid-way reconnects through the real server and resumes with no gap and no duplicate", { skip, timeout: 30_000 }, async () => {
  const { ChatClient } = await loadClient();
  const proxy = await cuttingProxy(new URL(server!));
  const reconnects: (string | undefined)[] = [];
  const alice = new ChatClient(proxy.url, {
    headers: { Cookie: await signIn("node-resumer") },
    initialReconnectDelayMs: 100,
    maxReconnectDelayMs: 200,
    onReconnecting: (c: { lastEventId: string | undefined }) => reconnects.push(c.lastEventId),
  });
  const bob = new ChatClient(server!, { headers: { Cookie: await signIn("node-sender") } });
  const roomName = "random"; // The sample's rooms are fixed; the messages carry a tag of this run.
  const tag = `r${Math.floor(Math.random() * 1e9)}`;
  const leave = new AbortController();
  try {
    const room = alice.room(roomName, { signal: leave.signal });
    const mine = async (): Promise<string> => {
      for (;;) {
        const message = await next(room);
        if (message.text.startsWith(tag)) return message.text.slice(tag.length + 1);
      }
    };
    const first = mine();
    for (let i = 0; i < 100 && !(await bob.rooms()).some((r) => r.name === roomName && r.members >= 1); i++) {
      await new Promise((done) => setTimeout(done, 50));
    }

    const received: string[] = [];
    await bob.send(roomName, { text: `${tag} m0` });
    received.push(await first);
    for (let i = 1; i < 5; i++) {
      await bob.send(roomName, { text: `${tag} m${i}` });
      received.push(await mine());
    }

    // The connection drops; the room goes on without Alice, who then reconnects with the last id she saw.
    proxy.cut();
    for (let i = 5; i < 10; i++) {
      await bob.send(roomName, { text: `${tag} m${i}` });
    }

    for (let i = 5; i < 10; i++) {
      received.push(await mine());
    }

    assert.deepEqual(received, Array.from({ length: 10 }, (_, i) => `m${i}`));
    assert.ok(reconnects.length >= 1, "the client reconnected");
    assert.ok(reconnects[0] !== undefined, "the reconnection carried the last event id");
  } finally {
    leave.abort();
    await proxy.close();
  }
});
