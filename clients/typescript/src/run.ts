import { sendCommand } from "./command.js";
import type { SseClientOptions } from "./options.js";
import type { SseRequest } from "./request.js";
import { newRunId } from "./protocol.js";
import { readItems, type EventReader, type SseItem } from "./stream.js";

/**
 * A run (a contract method with `[SseRun]`): work the server does under an id it issues, whose events it keeps in its
 * topic log. Iterating it streams the run's items to its end; a lost connection re-attaches to the run by its id with
 * the last event id, never sending the start again, so nothing is lost or repeated. Iterating it again attaches from the
 * run's start. Keep `id` (in `sessionStorage`) to attach after a reload: the generated `attach{Method}(id)`.
 */
export class SseRun<T> implements AsyncIterable<T> {
  readonly #baseUrl: string;
  readonly #start: SseRequest | undefined;
  readonly #name: string;
  readonly #runsPath: string;
  readonly #lastEventId: string | undefined;
  readonly #read: EventReader<unknown>;
  readonly #project: (item: SseItem<unknown>) => T;
  readonly #options: SseClientOptions;
  readonly #signal: AbortSignal | undefined;
  #id: string | undefined;
  /** The id the start proposes, the same on every retry of it (and on iterating again before it was answered). */
  readonly #proposedId = newRunId();
  #resolveStarted!: (id: string) => void;
  #rejectStarted!: (error: unknown) => void;

  /** Resolves with the run's id as soon as the server answered the start (before its first item); rejects if the start failed. */
  readonly started: Promise<string>;

  constructor(
    baseUrl: string,
    start: SseRequest | undefined,
    name: string,
    runsPath: string,
    runId: string | undefined,
    lastEventId: string | undefined,
    read: EventReader<unknown>,
    project: (item: SseItem<unknown>) => T,
    options: SseClientOptions = {},
    signal?: AbortSignal,
  ) {
    if (start === undefined && !runId) {
      throw new RangeError(`A run of '${name}' needs its start or its id.`);
    }

    this.#baseUrl = baseUrl;
    this.#start = start;
    this.#name = name;
    this.#runsPath = runsPath;
    this.#lastEventId = lastEventId;
    this.#read = read;
    this.#project = project;
    this.#options = options;
    this.#signal = signal;
    this.started = new Promise<string>((resolve, reject) => {
      this.#resolveStarted = resolve;
      this.#rejectStarted = reject;
    });
    this.started.catch(() => undefined); // A start nobody awaits is not an unhandled rejection.
    if (runId) {
      this.#id = runId;
      this.#resolveStarted(runId);
    }
  }

  /** The run's id, issued by the server (`Sse-Run-Id`); `undefined` until the start was answered. */
  get id(): string | undefined {
    return this.#id;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    const request: SseRequest = this.#id === undefined
      ? { ...this.#start!, run: { runsPath: this.#runsPath, started: (id) => this.#onStarted(id), proposedId: this.#proposedId } }
      : { name: this.#name, method: "GET", path: this.#runsPath + encodeURIComponent(this.#id), resumable: true, lastEventId: this.#lastEventId };
    try {
      for await (const item of readItems(this.#baseUrl, request, this.#read, this.#options, this.#signal)) {
        yield this.#project(item);
      }
    } catch (error) {
      if (this.#id === undefined) {
        this.#rejectStarted(error);
      }

      throw error;
    }
  }

  /**
   * Cancels the run for every client attached to it (`DELETE`): their streams end as the run's end, and the work stops
   * on whichever server does it. A run that already ended is left as it is. Waits for the start if it is under way.
   */
  async cancel(init?: { readonly signal?: AbortSignal }): Promise<void> {
    const id = this.#id ?? (await this.started);
    await sendCommand<void>(this.#baseUrl, { name: `${this.#name}.Cancel`, method: "DELETE", path: this.#runsPath + encodeURIComponent(id) }, this.#options, init?.signal);
  }

  #onStarted(id: string): void {
    if (this.#id === undefined) {
      this.#id = id;
      this.#resolveStarted(id);
    }
  }
}
