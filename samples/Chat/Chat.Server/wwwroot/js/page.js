// The Chat page, on the client generated from the contract (client/chat.ts): typed streams over fetch, so the page
// gets reconnect-and-resume, the end and "cannot resume" signals and typed errors, not raw EventSource strings.
// Compiled to wwwroot/js by `npm run build:web` in clients/typescript.
import { SseHttpError } from "@sse-contracts/client";
import { ChatClient } from "./chat.js";
const chat = new ChatClient("", {
    onConnected: () => { setStatus(`in #${room}`); refreshSoon(); },
    onReconnecting: () => setStatus("reconnecting…"),
});
const $ = (id) => document.getElementById(id);
let room = new URLSearchParams(location.search).get("room") ?? "lobby";
let roomStream;
let refreshing;
function setStatus(text) {
    $("status").textContent = text;
}
function show(message) {
    const li = document.createElement("li");
    if (message.to)
        li.className = "direct";
    li.innerHTML = `<span class="at"></span> <span class="from"></span> <span class="text"></span>`;
    li.querySelector(".at").textContent = new Date(message.at).toLocaleTimeString();
    li.querySelector(".from").textContent = message.to ? `${message.from} → ${message.to}:` : `${message.from}:`;
    li.querySelector(".text").textContent = message.text;
    $("messages").append(li);
    $("messages").scrollTop = $("messages").scrollHeight;
}
async function refreshRooms() {
    const rooms = await chat.rooms();
    $("rooms").replaceChildren(...rooms.map((r) => {
        const button = document.createElement("button");
        button.textContent = `#${r.name} (${r.members})`;
        button.className = r.name === room ? "active" : "";
        button.onclick = () => join(r.name);
        return button;
    }));
}
function refreshSoon() {
    refreshing ??= setTimeout(() => { refreshing = undefined; void refreshRooms(); }, 300);
}
/** Reads a stream until it ends or the page leaves it; an error is shown, not thrown. */
async function read(messages, onMessage) {
    try {
        for await (const message of messages)
            onMessage(message);
    }
    catch (error) {
        if (error.name !== "AbortError")
            setStatus(`disconnected: ${error.message}`);
    }
}
function join(name) {
    room = name;
    roomStream?.abort();
    roomStream = new AbortController();
    $("messages").replaceChildren();
    history.replaceState(null, "", `?room=${encodeURIComponent(room)}`);
    void read(chat.room(room, { signal: roomStream.signal }), (m) => { show(m); refreshSoon(); });
}
function start(name) {
    $("me").textContent = name;
    $("login").hidden = true;
    $("chat").hidden = false;
    void read(chat.direct(), show); // Only this user's messages: the server keys the topic by the sign-in cookie.
    join(room);
    setInterval(() => void refreshRooms(), 5000);
}
$("login").onsubmit = async (e) => {
    e.preventDefault();
    const name = String(new FormData(e.target).get("name"));
    const response = await fetch("/login", { method: "POST", body: new URLSearchParams({ name }) });
    if (response.ok)
        start(name);
    else
        $("login").insertAdjacentText("beforeend", " " + (await response.json()).detail);
};
$("send").onsubmit = async (e) => {
    e.preventDefault();
    const input = e.target.elements.namedItem("text");
    const direct = /^@(\S+)\s+(.+)$/.exec(input.value);
    try {
        $("error").textContent = "";
        if (direct)
            await chat.sendDirect(direct[1], { text: direct[2] });
        else
            await chat.send(room, { text: input.value });
        input.value = "";
    }
    catch (error) {
        // The server's problem details say what was wrong: an unknown user, an empty message.
        $("error").textContent = error instanceof SseHttpError ? error.problemDetail ?? error.message : error.message;
    }
};
void fetch("/me").then((r) => (r.ok ? r.text().then(start) : undefined));
