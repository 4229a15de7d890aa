// The page's only way to the daemon: JSON to the bridge, server-sent events back.
// Errors keep the daemon's stable reason key; the page translates it (see i18n.js errorText).

export class ApiError extends Error {
  constructor(status, error) {
    super(error.reason || "internal");
    this.status = status;
    this.reason = error.reason || "internal";
    this.code = error.code || "";
    this.messageJa = error.message_ja || "";
  }
}

let base = "/api";

export function setBase(prefix) {
  base = prefix;
}

export async function rpc(service, method, body = {}) {
  let reply;
  try {
    reply = await fetch(`${base}/rpc/${service}/${method}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      cache: "no-store",
    });
  } catch (_) {
    throw new ApiError(0, { reason: "ui_unreachable" });
  }
  const data = await reply.json().catch(() => ({ error: { reason: "internal" } }));
  if (!reply.ok) throw new ApiError(reply.status, data.error || {});
  return data;
}

// Follows a server stream; the browser reconnects by itself (WatchEvents resumes from Last-Event-ID).
export function follow(service, method, request, onMessage, onError) {
  const query = encodeURIComponent(JSON.stringify(request || {}));
  const source = new EventSource(`${base}/stream/${service}/${method}?request=${query}`);
  source.onmessage = (event) => onMessage(JSON.parse(event.data));
  source.addEventListener("error", (event) => {
    if (event.data && onError) onError(new ApiError(503, JSON.parse(event.data).error || {}));
  });
  return source;
}

export async function getJson(path) {
  const reply = await fetch(path, { cache: "no-store" });
  const data = await reply.json();
  if (!reply.ok) throw new ApiError(reply.status, data.error || {});
  return data;
}

export async function postJson(path, body) {
  const reply = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body || {}),
  });
  const data = await reply.json();
  if (!reply.ok) throw new ApiError(reply.status, data.error || {});
  return data;
}

// A server stream started by POST (an action such as a Sale: never re-sent by a reconnect).
export async function postStream(service, method, body, onMessage) {
  let reply;
  try {
    reply = await fetch(`${base}/stream/${service}/${method}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
  } catch (_) {
    throw new ApiError(0, { reason: "ui_unreachable" });
  }
  if (!reply.ok) {
    const data = await reply.json().catch(() => ({}));
    throw new ApiError(reply.status, data.error || {});
  }
  const reader = reply.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const isError = /^event: error$/m.test(block);
      const data = block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
      if (!data) continue;
      const parsed = JSON.parse(data);
      if (isError) throw new ApiError(503, parsed.error || {});
      onMessage(parsed);
    }
  }
}
