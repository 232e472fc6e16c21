// The Chat sample's generated client (compiled into its wwwroot/js), loaded with its bare import pointed at this
// package's build: what a page runs, for the tests against the sample's server and against a scripted fetch.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface ChatMessage { from: string; text: string; at: string; room: string | null; to: string | null }
export interface ChatClientType {
  room(room: string, init?: { signal?: AbortSignal }): AsyncGenerator<ChatMessage>;
  direct(init?: { signal?: AbortSignal }): AsyncGenerator<ChatMessage>;
  send(room: string, draft: { text: string }): Promise<ChatMessage>;
  sendDirect(user: string, draft: { text: string }): Promise<ChatMessage>;
  rooms(): Promise<{ name: string; members: number }[]>;
}

export type Runtime = typeof import("../src/index.js");

/** The sample's compiled client, with its bare import pointed at this package's build (and that build, for its error types). */
export async function loadClient(): Promise<{ ChatClient: new (baseUrl: string, options: object) => ChatClientType; runtime: Runtime }> {
  const compiled = fileURLToPath(new URL("../../../../samples/Chat/Chat.Server/wwwroot/js/chat.js", import.meta.url));
  const runtime = pathToFileURL(fileURLToPath(new URL("../../dist/index.js", import.meta.url))).href;
  const folder = mkdtempSync(join(tmpdir(), "chat-client-"));
  const file = join(folder, "chat.mjs");
  writeFileSync(file, readFileSync(compiled, "utf8").replace(`from "@sse-contracts/client"`, `from ${JSON.stringify(runtime)}`));
  const module = (await import(pathToFileURL(file).href)) as { ChatClient: new (baseUrl: string, options: object) => ChatClientType };
  return { ChatClient: module.ChatClient, runtime: (await import(runtime)) as Runtime };
}
