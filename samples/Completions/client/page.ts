// The Completions page, on the client generated from the contract (client/completions.ts): a POST starts a run (which
// EventSource cannot do), whose events arrive typed, tokens then one "done". The run's id goes into the address
// (#run=…) and sessionStorage, so a reload, or the same address in a second tab, attaches to the run and shows the
// whole answer, each token once; Stop cancels the run for every tab.
// Compiled to wwwroot/js by `npm run build:web` in clients/typescript.
import { SseHttpError, type SseRun } from "@sse-contracts/client";
import { CompletionsClient, type CompletionsCompleteEvent } from "./completions.js";

const client = new CompletionsClient();
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
let current: { run: SseRun<CompletionsCompleteEvent>; leave: AbortController } | undefined;

/** Shows a run from its start: its tokens in order (a token out of order would be said), then how it ended. */
async function show(run: SseRun<CompletionsCompleteEvent>, leave: AbortController): Promise<void> {
  current = { run, leave };
  $("answer").textContent = "";
  $("status").textContent = "streaming…";
  $("error").textContent = "";
  $<HTMLButtonElement>("stop").disabled = false;
  run.started.then((id) => {
    $("run").textContent = `run ${id}`;
    sessionStorage.setItem("run", id);
    history.replaceState(null, "", `#run=${id}`);
  }, () => undefined);
  let tokens = 0;
  let done = false;
  try {
    for await (const item of run) {
      if (item.event === "token") {
        if (item.data.index !== tokens) {
          $("error").textContent = `token ${item.data.index} came where ${tokens} was due`;
        }

        tokens++;
        $("answer").textContent += item.data.text;
        $("answer").dataset.tokens = String(tokens);
      } else {
        done = true;
        $("status").textContent = `done: ${item.data.tokens} tokens, ${item.data.finishReason}`;
      }
    }

    // The run ended without its done event: someone stopped it (here or in another tab).
    if (!done) {
      $("status").textContent = "stopped";
    }
  } catch (error) {
    if (leave.signal.aborted) {
      return;
    }

    $("status").textContent = "failed";
    $("error").textContent = error instanceof SseHttpError ? (error.problemDetail ?? error.message) : String(error);
    if (error instanceof SseHttpError && error.status === 404) {
      sessionStorage.removeItem("run");
      history.replaceState(null, "", location.pathname);
    }
  } finally {
    if (current?.run === run) {
      $<HTMLButtonElement>("stop").disabled = true;
    }
  }
}

$<HTMLFormElement>("ask").onsubmit = (e) => {
  e.preventDefault();
  current?.leave.abort();
  const leave = new AbortController();
  const text = $<HTMLTextAreaElement>("prompt").value;
  const maxTokens = Number($<HTMLInputElement>("max").value);
  $("run").textContent = "";
  void show(client.complete({ text, maxTokens }, { signal: leave.signal }), leave);
};

// Stop ends the run itself, for this tab and every other one showing it.
$<HTMLButtonElement>("stop").onclick = () => {
  $<HTMLButtonElement>("stop").disabled = true;
  current?.run.cancel().catch((error) => ($("error").textContent = String(error)));
};

// A reload, or this address in another tab: attach to the run it names.
const kept = /^#run=([A-Za-z0-9_-]+)$/.exec(location.hash)?.[1] ?? sessionStorage.getItem("run");
if (kept) {
  const leave = new AbortController();
  $("run").textContent = `run ${kept}`;
  void show(client.attachComplete(kept, { signal: leave.signal }), leave);
}
