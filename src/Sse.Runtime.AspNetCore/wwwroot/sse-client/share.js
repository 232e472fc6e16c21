/** Whether this environment can share (a browser with Web Locks and BroadcastChannel). */
export function canShareAcrossTabs() {
    return typeof BroadcastChannel !== "undefined" && typeof navigator !== "undefined" && typeof navigator.locks?.request === "function";
}
/**
 * Reads `key`'s stream once per origin: `open(lastEventId, signal)` runs in the leader tab only.
 * @param key What identifies the stream across tabs (its URL).
 * @param open Opens the stream from an id (the leader's own reconnecting reader).
 * @param signal Stops this tab's reading (the leader hands over).
 */
export async function* readShared(key, open, initialLastEventId, signal) {
    const name = "sse-contracts:" + key;
    const channel = new BroadcastChannel(name);
    const stop = new AbortController();
    // What this tab's consumer is handed, in order: items, then the end or an error.
    const queue = [];
    let wake;
    const push = (message) => {
        queue.push(message);
        wake?.();
    };
    const onAbort = () => {
        stop.abort(signal?.reason);
        wake?.();
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    // Items already handed out, by id: after a takeover the new leader resumes from its own last id, and what another
    // tab had already received from the old leader is not handed out twice.
    const seen = new Set();
    const seenOrder = [];
    let lastEventId = initialLastEventId;
    const accept = (item) => {
        if (item.eventId !== undefined) {
            if (seen.has(item.eventId)) {
                return false;
            }
            seen.add(item.eventId);
            seenOrder.push(item.eventId);
            if (seenOrder.length > 4096) {
                seen.delete(seenOrder.shift());
            }
            lastEventId = item.eventId;
        }
        return true;
    };
    let leading = false;
    let finished = false; // the stream ended or failed for every tab: no one takes over
    channel.onmessage = (event) => {
        const message = event.data;
        if (leading) {
            return;
        }
        finished ||= message.kind !== "item";
        if (message.kind !== "item" || accept(message.item)) {
            push(message);
        }
    };
    // Waits for the lock; holding it, reads the stream for every tab until it ends or this tab stops.
    const leadership = navigator.locks
        .request(name, { signal: stop.signal }, async () => {
        // Messages the last leader posted before it let the lock go may still be on their way: take them first, so a
        // stream that ended is not opened again and the resume starts after the last item it relayed.
        await new Promise((resolve) => setTimeout(resolve, 50));
        if (finished || stop.signal.aborted) {
            return;
        }
        leading = true;
        try {
            for await (const item of open(lastEventId, stop.signal)) {
                if (accept(item)) {
                    channel.postMessage({ kind: "item", item });
                    push({ kind: "item", item });
                }
            }
            channel.postMessage({ kind: "end" });
            push({ kind: "end" });
        }
        catch (error) {
            if (stop.signal.aborted) {
                return; // This tab stopped: the lock goes to another, which resumes.
            }
            const failure = error instanceof Error ? error : new Error(String(error));
            channel.postMessage({ kind: "error", name: failure.name, message: failure.message });
            push({ kind: "error", name: failure.name, message: failure.message });
            throw error;
        }
    })
        .catch((error) => {
        if (!stop.signal.aborted && !leading) {
            push({ kind: "error", name: error instanceof Error ? error.name : "Error", message: String(error) });
        }
    });
    try {
        while (true) {
            if (queue.length === 0) {
                if (stop.signal.aborted) {
                    throw stop.signal.reason;
                }
                await new Promise((resolve) => {
                    wake = resolve;
                });
                wake = undefined;
                continue;
            }
            const message = queue.shift();
            if (message.kind === "end") {
                return;
            }
            if (message.kind === "error") {
                const error = new Error(message.message);
                error.name = message.name;
                throw error;
            }
            yield message.item;
        }
    }
    finally {
        signal?.removeEventListener("abort", onAbort);
        stop.abort(signal?.reason ?? new Error("The consumer stopped reading."));
        channel.close();
        await leadership;
    }
}
