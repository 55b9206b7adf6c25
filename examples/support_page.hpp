// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the socklite authors
//
// The customer chat page that support_server --web-port serves at `/`: plain HTML, CSS and
// JavaScript, no build step. It talks to `ws://HOST/ws`: every line the customer sends is one
// text message; the server's first message is `* you are customer N`, then the agent's
// replies, one message each. Element ids (for tests and screenshots): `me` (the customer's id
// once known), `log` (one element per line, class `line` plus `you`, `agent` or `info`), `msg`
// (the input), `send` (the button), `status` (connected or not).
#ifndef SOCKLITE_EXAMPLES_SUPPORT_PAGE_HPP
#define SOCKLITE_EXAMPLES_SUPPORT_PAGE_HPP

namespace support_page {

inline const char html[] = R"PAGE(<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Customer support</title>
<style>
  :root { --accent: #2463eb; --bg: #f4f6fa; --card: #fff; --text: #1d2433; --muted: #6b7385; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
         background: var(--bg); color: var(--text); }
  main { max-width: 640px; margin: 32px auto; padding: 0 16px; }
  header { display: flex; align-items: baseline; justify-content: space-between; gap: 12px; }
  h1 { font-size: 1.4rem; margin: 0 0 12px; }
  #status { font-size: .9rem; color: var(--muted); }
  #status.on::before { content: "\25CF  "; color: #1a9d55; }
  #status.off::before { content: "\25CF  "; color: #c23b3b; }
  .card { background: var(--card); border-radius: 12px; box-shadow: 0 1px 4px rgba(0,0,0,.08); }
  #who { padding: 10px 16px; border-bottom: 1px solid #e6e9f0; color: var(--muted); }
  #me { font-weight: 600; color: var(--text); }
  #log { height: 360px; overflow-y: auto; padding: 12px 16px; display: flex;
         flex-direction: column; gap: 8px; }
  .line { max-width: 80%; padding: 7px 12px; border-radius: 14px; white-space: pre-wrap;
          overflow-wrap: anywhere; }
  .line.you { align-self: flex-end; background: var(--accent); color: #fff;
              border-bottom-right-radius: 4px; }
  .line.agent { align-self: flex-start; background: #e9edf5; border-bottom-left-radius: 4px; }
  .line.info { align-self: center; background: none; color: var(--muted); font-size: .88rem; }
  form { display: flex; gap: 8px; padding: 12px 16px; border-top: 1px solid #e6e9f0; }
  #msg { flex: 1; padding: 9px 12px; font: inherit; border: 1px solid #cfd5e1;
         border-radius: 8px; }
  #msg:focus { outline: 2px solid var(--accent); outline-offset: -1px; }
  #send { padding: 9px 18px; font: inherit; font-weight: 600; color: #fff; border: 0;
          border-radius: 8px; background: var(--accent); cursor: pointer; }
  #send:disabled { background: #9db4ea; cursor: default; }
</style>
</head>
<body>
<main>
  <header>
    <h1>Customer support</h1>
    <span id="status" class="off">connecting&hellip;</span>
  </header>
  <div class="card">
    <div id="who">You are customer <span id="me">&hellip;</span></div>
    <div id="log" aria-live="polite"></div>
    <form id="form" autocomplete="off">
      <input id="msg" placeholder="Type a message and press Enter" disabled autofocus>
      <button id="send" type="submit" disabled>Send</button>
    </form>
  </div>
</main>
<script>
"use strict";
const log = document.getElementById("log");
const msg = document.getElementById("msg");
const send = document.getElementById("send");
const status = document.getElementById("status");
const me = document.getElementById("me");

function add(text, kind) {
  const line = document.createElement("div");
  line.className = "line " + kind;
  line.textContent = text;
  log.appendChild(line);
  log.scrollTop = log.scrollHeight;
}

function setConnected(on, text) {
  status.className = on ? "on" : "off";
  status.textContent = text;
  msg.disabled = send.disabled = !on;
  if (on) msg.focus();
}

const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
let first = true;
ws.onopen = () => setConnected(true, "connected");
ws.onmessage = (event) => {
  const text = String(event.data);
  const id = first ? /^\* you are customer (\d+)$/.exec(text) : null;
  first = false;
  if (id) {
    me.textContent = id[1];
    add("Connected. An agent will answer you here.", "info");
    return;
  }
  add(text, "agent");
};
ws.onclose = () => {
  setConnected(false, "disconnected");
  add("The chat has ended.", "info");
};

document.getElementById("form").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = msg.value;
  if (text === "" || ws.readyState !== WebSocket.OPEN) return;
  ws.send(text);
  add(text, "you");
  msg.value = "";
  msg.focus();
});
</script>
</body>
</html>
)PAGE";

}  // namespace support_page

#endif  // SOCKLITE_EXAMPLES_SUPPORT_PAGE_HPP
