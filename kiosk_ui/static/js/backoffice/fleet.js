// The fleet board: every terminal's devices, last heard and backlog. The server pushes the whole board
// (server-sent events) when a terminal's heartbeat or a device event arrives (PostgreSQL LISTEN/NOTIFY)
// and every few seconds, so a terminal that went silent is marked even when nothing else happens.
import { requireStaff } from "../staffauth.js";
import { h } from "../ui.js";
import { read, streamUrl } from "./api.js";
import { problem, table } from "./common.js";
import { L, known, when } from "./labels.js";

let source = null;

export function stopFleet() {
  if (source) source.close();
  source = null;
}

function deviceLine(device) {
  const reasons = (device.reasons || []).map((reason) => known("reason", reason, "reason.other"));
  const text = `${known("device", device.slot, "device.other")}: ${known("state", device.state, "state.UNKNOWN")}`;
  const bad = device.state === "ERROR" || device.state === "OFFLINE";
  return h("li", { class: bad ? "device-fault" : "device-ok", "data-slot": device.slot, "data-state": device.state }, reasons.length ? `${text} (${reasons.join(", ")})` : text);
}

function terminalRow(terminal) {
  return h(
    "tr",
    { "data-terminal": terminal.terminal_id, "data-stale": terminal.stale ? "true" : "false", class: terminal.stale ? "stale" : "" },
    h("td", {}, terminal.office),
    h("th", { scope: "row" }, terminal.terminal_id),
    h("td", { class: "terminal-contact" }, terminal.stale ? L("fleet.stale") : L("fleet.ok"), h("br"), terminal.seconds_since_seen === null ? L("fleet.never") : `${when(terminal.last_seen_time)} (${L("fleet.ago", { n: terminal.seconds_since_seen })})`),
    h("td", { class: "terminal-backlog" }, L("fleet.rows", { n: terminal.backlog_rows ?? 0 })),
    h("td", {}, h("ul", { class: "devices" }, ...terminal.devices.map(deviceLine))),
  );
}

function render(holder, board) {
  const stale = board.terminals.filter((t) => t.stale).length;
  holder.replaceChildren(
    board.terminals.length
      ? table("fleet-board", L("fleet.caption", { count: board.terminals.length, stale }), ["fleet.office", "fleet.terminal", "fleet.last_seen", "fleet.backlog", "fleet.devices"], board.terminals.map(terminalRow))
      : h("p", { id: "fleet-empty" }, L("fleet.empty")),
  );
  holder.dataset.version = String(board.version);
}

export async function fleetScreen(screen) {
  const holder = h("div", { id: "fleet", "aria-live": "polite" });
  const live = h("p", { id: "fleet-live", class: "note" }, "");
  screen.replaceChildren(h("h1", {}, L("fleet.title")), live, holder);
  try {
    render(holder, await read("fleet"));
  } catch (error) {
    holder.replaceChildren(problem(error));
  }
  stopFleet();
  source = new EventSource(streamUrl("fleet/events"));
  source.onopen = () => {
    live.textContent = L("fleet.live");
  };
  source.onmessage = (event) => {
    live.textContent = L("fleet.live");
    if (document.getElementById("fleet") === holder) render(holder, JSON.parse(event.data));
  };
  source.onerror = () => {
    // The server ends the feed when the session ends; the reconnection is then refused: sign in again.
    if (source && source.readyState === EventSource.CLOSED) requireStaff();
  };
  source.addEventListener("unreachable", () => {
    live.textContent = `⚠ ${L("common.unreachable")}`;
  });
}
