// The Completions page, on the client generated from the contract (client/completions.ts): a POST starts the stream
// (which EventSource cannot do), and its events arrive typed, tokens then one "done".
// Compiled to wwwroot/js by `npm run build:web` in clients/typescript.
import { SseHttpError } from "@sse-contracts/client";
import { CompletionsClient } from "./completions.js";
const client = new CompletionsClient();
const $ = (id) => document.getElementById(id);
let running;
$("ask").onsubmit = async (e) => {
    e.preventDefault();
    running?.abort();
    const stop = (running = new AbortController());
    const text = $("prompt").value;
    const maxTokens = Number($("max").value);
    $("answer").textContent = "";
    $("status").textContent = "streaming…";
    $("error").textContent = "";
    $("stop").disabled = false;
    try {
        for await (const item of client.complete({ text, maxTokens }, { signal: stop.signal })) {
            if (item.event === "token") {
                $("answer").textContent += item.data.text;
            }
            else {
                $("status").textContent = `done: ${item.data.tokens} tokens, ${item.data.finishReason}`;
            }
        }
    }
    catch (error) {
        if (stop.signal.aborted) {
            $("status").textContent = "stopped";
        }
        else {
            $("status").textContent = "failed";
            $("error").textContent = error instanceof SseHttpError ? (error.problemDetail ?? error.message) : String(error);
        }
    }
    finally {
        $("stop").disabled = true;
    }
};
$("stop").onclick = () => running?.abort();
