/**
 * Testing a consumer of a generated client without a server, in node's test runner or any other: a scripted `fetch`
 * that answers each request with the next scripted response (an event stream, a status with `Retry-After`, a failed
 * connection), and keeps every request so the test can check what the client sent (headers, body, the `Last-Event-ID`
 * of a reconnect). The counterpart of the .NET `SseStubHandler` (Sse.Testing); pass `stub.fetch` as the client's
 * `fetch` option: `new ChatClient(base, { fetch: stub.fetch })`.
 */
import { LastEventIdHeader, ReservedEvents } from "./protocol.js";

/** A request the stub answered: what the client sent. */
export interface SseStubRequest {
  /** Its number, from 0 (the first connection; then each reconnect). */
  readonly index: number;
  readonly method: string;
  readonly url: string;
  /** Its headers, names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** The `Last-Event-ID` it sent, or `undefined`. */
  readonly lastEventId: string | undefined;
  /** Its body as text, or `undefined`. */
  readonly body: string | undefined;
}

/** A scripted event stream: events, comments, `retry:`, raw text, then how the response ends. */
export class SseStubScript {
  #text = "";
  #disconnects = false;

  /** Adds an event (each line of `data` a `data:` line). */
  event(data: string, options: { event?: string; id?: string } = {}): this {
    if (options.id !== undefined) {
      this.#text += `id: ${options.id}\n`;
    }

    if (options.event !== undefined) {
      this.#text += `event: ${options.event}\n`;
    }

    for (const line of data.split("\n")) {
      this.#text += `data: ${line}\n`;
    }

    this.#text += "\n";
    return this;
  }

  /** Adds a comment line (what a heartbeat is). */
  comment(text = ""): this {
    this.#text += `: ${text}\n\n`;
    return this;
  }

  /** Adds a `retry:` field (the reconnection delay the server asks for). */
  retry(delayMs: number): this {
    this.#text += `retry: ${Math.trunc(delayMs)}\n\n`;
    return this;
  }

  /** Adds the library's end event (`sse-end`): the stream is complete, the client does not reconnect. */
  end(): this {
    return this.event("", { event: ReservedEvents.end });
  }

  /** Adds the reset signal (`sse-reset`): the server cannot resume; the client throws `SseResumeRejectedError`. */
  reset(reason = "Events after this id are no longer kept."): this {
    return this.event(JSON.stringify({ title: "Cannot resume", detail: reason }), { event: ReservedEvents.reset });
  }

  /** Adds text as it is (a parser's edge: CRLF, a BOM, a field without a colon). */
  raw(text: string): this {
    this.#text += text;
    return this;
  }

  /** Ends the response with a network failure after what was scripted (the client sees the connection drop). */
  thenDisconnect(): this {
    this.#disconnects = true;
    return this;
  }

  /** @internal */
  get text(): string {
    return this.#text;
  }

  /** @internal */
  get disconnects(): boolean {
    return this.#disconnects;
  }
}

type Answer = (request: SseStubRequest, signal: AbortSignal | undefined) => Promise<Response>;

/** A `fetch` answering from a script, one response per request, in order. */
export class SseStubFetch {
  readonly #answers: Answer[] = [];
  readonly #requests: SseStubRequest[] = [];

  /** The requests answered so far. */
  get requests(): readonly SseStubRequest[] {
    return this.#requests;
  }

  /** The `fetch` to give the client. A request with no response left fails with an error that says which. */
  readonly fetch: typeof fetch = async (input, init) => {
    const request = await this.#record(input, init);
    const answer = this.#answers.shift();
    if (answer === undefined) {
      throw new Error(`SseStubFetch: no response is scripted for request #${request.index} (${request.method} ${request.url}); only ${request.index} were scripted.`);
    }

    return answer(request, init?.signal ?? undefined);
  };

  /** Queues an event stream (200, `text/event-stream`) as the next response. */
  respondWithStream(script: (stream: SseStubScript) => void): this {
    const stream = new SseStubScript();
    script(stream);
    this.#answers.push(async (_, signal) => new Response(body(stream, signal), { status: 200, headers: { "content-type": "text/event-stream" } }));
    return this;
  }

  /** Queues a status as the next response (503 with `Retry-After`, 204, 401, …), with an optional problem-details body. */
  respondWithStatus(status: number, options: { retryAfterSeconds?: number; detail?: string } = {}): this {
    this.#answers.push(async () => {
      const headers: Record<string, string> = {};
      if (options.retryAfterSeconds !== undefined) {
        headers["retry-after"] = String(options.retryAfterSeconds);
      }

      let content: string | null = null;
      if (options.detail !== undefined && status !== 204) {
        headers["content-type"] = "application/problem+json";
        content = JSON.stringify({ status, detail: options.detail });
      }

      return new Response(content, { status, headers });
    });
    return this;
  }

  /** Queues a connection failure (the server cannot be reached) as the next response: `fetch` rejects as it does. */
  failToConnect(): this {
    this.#answers.push(async () => {
      throw new TypeError("fetch failed (SseStubFetch: connection refused)");
    });
    return this;
  }

  async #record(input: Parameters<typeof fetch>[0], init: Parameters<typeof fetch>[1]): Promise<SseStubRequest> {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, name) => (headers[name] = value));
    const body = typeof init?.body === "string" ? init.body : init?.body == null ? undefined : await new Response(init.body).text();
    const request: SseStubRequest = {
      index: this.#requests.length,
      method: (init?.method ?? "GET").toUpperCase(),
      url,
      headers,
      lastEventId: headers[LastEventIdHeader.toLowerCase()],
      body,
    };
    this.#requests.push(request);
    return request;
  }
}

/** The scripted bytes, then the end of the body or a network failure; aborting the request fails it as fetch does. */
function body(script: SseStubScript, signal: AbortSignal | undefined): ReadableStream<Uint8Array> {
  let bytes: Uint8Array | undefined = new TextEncoder().encode(script.text);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      signal?.addEventListener("abort", () => {
        try {
          controller.error(signal.reason);
        } catch {
          // Already closed or errored.
        }
      }, { once: true });
    },
    // The bytes on the first read, the end (or the failure) on the next: an error would discard what is still queued.
    pull(controller) {
      if (signal?.aborted) {
        controller.error(signal.reason);
      } else if (bytes !== undefined && bytes.length > 0) {
        controller.enqueue(bytes);
        bytes = undefined;
      } else if (script.disconnects) {
        controller.error(new TypeError("terminated (SseStubFetch: the connection dropped)"));
      } else {
        controller.close();
      }
    },
  });
}
