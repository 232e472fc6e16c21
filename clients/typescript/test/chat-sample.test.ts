// The generated client of samples/Chat (compiled into its wwwroot/js) against the real Kestrel server of the sample,
// started by tests/Sse.Samples.Tests with CHAT_URL set. Skipped when CHAT_URL is not set.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const server = process.env["CHAT_URL"];
const skip = server ? false : "CHAT_URL is not set (tests/Sse.Samples.Tests runs this against the Chat sample)";

interface ChatMessage { from: string; text: string; at: string; room: string | null; to: string | null }
interface ChatClientType {
  room(room: string, init?: { signal?: AbortSignal }): AsyncGenerator<ChatMessage>;
  direct(init?: { signal?: AbortSignal }): AsyncGenerator<ChatMessage>;
  send(room: string, draft: { text: string }): Promise<ChatMessage>;
  sendDirect(user: string, draft: { text: string }): Promise<ChatMessage>;
  rooms(): Promise<{ name: string; members: number }[]>;
}

type Runtime = typeof import("../src/index.js");

/** The sample's compiled client, with its bare import pointed at this package's build (and that build, for its error types). */
async function loadClient(): Promise<{ ChatClient: new (baseUrl: string, options: object) => ChatClientType; runtime: Runtime }> {
  const compiled = fileURLToPath(new URL("../../../../samples/Chat/Chat.Server/wwwroot/js/chat.js", import.meta.url));
  const runtime = pathToFileURL(fileURLToPath(new URL("../../dist/index.js", import.meta.url))).href;
  const folder = mkdtempSync(join(tmpdir(), "chat-client-"));
  const file = join(folder, "chat.mjs");
  writeFileSync(file, readFileSync(compiled, "utf8").replace(`from "@sse-contracts/client"`, `from ${JSON.stringify(runtime)}`));
  const module = (await import(pathToFileURL(file).href)) as { ChatClient: new (baseUrl: string, options: object) => ChatClientType };
  return { ChatClient: module.ChatClient, runtime: (await import(runtime)) as Runtime };
}

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
