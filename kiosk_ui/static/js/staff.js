// The staff console (staff role, its own path or port): devices with live events, the application outbox,
// the payments journal with UNKNOWN payments to resolve and the daily close, KPIs, the simulator panel.
import { follow, getJson, postJson, rpc, setBase } from "./api.js";
import { accounts, MANAGER_ROLE } from "./accounts.js";
import { outbox } from "./outbox.js";
import { escapeHtml, plain, t, tHtml } from "./i18n.js";
import { requireStaff, signedInStaff } from "./staffauth.js";
import { button, languageSwitch, onLanguage, problem, startLanguage } from "./staffui.js";
import { brandLabel, describeEvent, kindLabel, paymentStateLabel, reasonLabel, slotLabel, stateLabel } from "./stafflabels.js";
import { h, yen, yenOf } from "./ui.js";

setBase("/staff/api");
const screen = document.getElementById("screen");
let config = null;
let events = null;
const eventRows = []; // the last 200 events, newest last, as words

function loaded() {
  screen.dataset.loaded = "true";
}

// [id, the daemon service the tab needs, open]; the tab's label is `staff.tab.<id>`.
const TABS = [
  ["devices", null, devices],
  ["outbox", "ApplicationService", () => outbox(screen)],
  ["payments", "PaymentService", payments],
  ["kpi", "ApplicationService", kpi],
  ["simulators", null, () => simulators()],
  ["accounts", "StaffService", () => accounts(screen)],
];
let current = null; // [id, open] of the tab shown: drawn again after a language change
// Screens that draw themselves again after a language change, keeping what staff typed on them.
const DRAWS_ITSELF = new Set(["outbox-detail", "accounts"]);

// Whether the signed-in person may see a tab (the daemon checks every call again).
function mayOpen(id) {
  if (id === "simulators") return Boolean(config.simulators || config.card_simulator);
  if (id === "accounts") return (signedInStaff()?.roles || []).includes(MANAGER_ROLE);
  return true;
}

function tabs(active) {
  const nav = document.getElementById("tabs");
  nav.setAttribute("aria-label", plain("staff.sections"));
  nav.replaceChildren(
    ...TABS.filter(([id, service]) => mayOpen(id) && (!service || config.services.includes(service))).map(([id, , open]) =>
      h("button", { type: "button", class: "tab", id: `tab-${id}`, "aria-current": id === active ? "page" : false, onclick: () => go(id, open), html: t(`staff.tab.${id}`) }),
    ),
  );
}

async function go(id, open) {
  current = [id, open];
  tabs(id);
  screen.dataset.screen = id;
  delete screen.dataset.loaded;
  await open();
  loaded();
}

// Column headings of a table, from the language files.
function headings(keys) {
  return h("thead", {}, h("tr", {}, ...keys.map((key) => h("th", { scope: "col", html: key ? t(key) : "" }))));
}

// ---------------------------------------------------------------- devices

function eventRow(event) {
  const { what, detail } = describeEvent(event);
  const time = event.event_time ? new Date(event.event_time).toLocaleTimeString("ja-JP", { hour12: false }) : "";
  const device = event.device ? slotLabel(event.device.replace(/^devices\//, "")) : "—";
  return h("tr", {}, h("td", {}, String(event.sequence || "")), h("td", {}, time), h("td", { html: device }), h("td", { html: what }), h("td", { html: detail || "—" }));
}

async function devices() {
  const body = h("tbody", { id: "device-rows" });
  const log = h("tbody", {}, ...eventRows.map(eventRow));
  screen.replaceChildren(
    h("h1", { html: t("staff.tab.devices") }),
    h(
      "table",
      {},
      h("caption", { html: t("staff.devices.caption") }),
      headings(["staff.devices.col.device", "staff.devices.col.kind", "staff.devices.col.state", "staff.devices.col.details", "staff.devices.col.error", "staff.col.action"]),
      body,
    ),
    h("h2", { id: "event-log-title", html: t("staff.events.title") }),
    h(
      "div",
      { class: "event-table-wrap", tabindex: "0", role: "region", "aria-labelledby": "event-log-title" },
      h("table", { class: "event-table", id: "event-log" }, headings(["staff.events.col.number", "staff.events.col.time", "staff.devices.col.device", "staff.events.col.event", "staff.events.col.details"]), log),
    ),
  );
  const refresh = async () => {
    try {
      const reply = await rpc("DeviceService", "ListDevices", {});
      body.replaceChildren(
        ...reply.devices.map((d) =>
          h(
            "tr",
            { "data-device": d.slot },
            h("th", { scope: "row", html: slotLabel(d.slot) }),
            h("td", { html: kindLabel(d.kind) }),
            h("td", { class: `state state-${String(d.state).replace(/^DEVICE_STATE_/, "")}`, html: stateLabel(d.state) }),
            h("td", { html: (d.status_reasons || []).map((r) => reasonLabel(String(r).replaceAll("-", "_"))).join(", ") || "—" }),
            h("td", { html: d.last_error && d.last_error.reason ? reasonLabel(d.last_error.reason) : "—" }),
            h("td", {}, button(t("staff.devices.check"), () => rpc("DeviceService", "CheckHealth", { name: d.name }).then(refresh, refresh), "secondary", { "aria-label": plain("staff.devices.check_label", { device: plainOf(slotLabel(d.slot)) }) })),
          ),
        ),
      );
    } catch (error) {
      body.replaceChildren(h("tr", {}, h("td", { colspan: "6" }, problem(error))));
    }
  };
  await refresh();
  if (events) events.close();
  eventRows.length = 0;
  events = follow("DeviceService", "WatchEvents", { after_sequence: 0 }, (event) => {
    const kind = Object.keys(event).find((k) => !["sequence", "event_time", "device"].includes(k)) || "event";
    eventRows.push(event);
    if (eventRows.length > 200) eventRows.shift();
    const table = document.querySelector("#event-log tbody");
    if (table) {
      table.append(eventRow(event));
      if (table.children.length > 200) table.firstElementChild.remove();
      table.closest(".event-table-wrap").scrollTop = table.scrollHeight;
    }
    if (kind === "state_changed" && screen.dataset.screen === "devices") refresh();
    if (kind === "staff_called") staffCalled(event.staff_called);
  });
}

// An HTML label as plain text (for aria-label).
function plainOf(html) {
  const holder = document.createElement("div");
  holder.innerHTML = html.replace(/<rt>.*?<\/rt>/g, "");
  return holder.textContent;
}

// Where the resident was when they called (the page's screen key, `staff.screen.<key>`) in words.
function screenLabel(key) {
  const name = `staff.screen.${String(key || "").replaceAll("-", "_")}`;
  return key && plain(name) !== name ? t(name) : "—";
}

function staffCalled(call) {
  // An alert on every tab: text and an icon, not colour alone.
  const where = `${screenLabel(call.screen)}${call.reason ? ", " + reasonLabel(call.reason) : ""}`;
  const banner = h(
    "div",
    { class: "staff-call", role: "alert", id: "staff-call" },
    h("span", { html: tHtml("staff.call.banner", { where }) }),
    button(t("staff.call.ack"), () => banner.remove(), "primary"),
  );
  document.getElementById("staff-call")?.remove();
  document.querySelector("header.top").append(banner);
}

// ---------------------------------------------------------------- payments

async function payments() {
  screen.replaceChildren(h("h1", { html: t("staff.tab.payments") }));
  let reply;
  try {
    reply = await rpc("PaymentService", "ListPayments", { page_size: 100 });
  } catch (error) {
    return screen.append(problem(error));
  }
  const rows = reply.payments.map((p) =>
    h(
      "tr",
      { "data-state": p.state },
      h("td", {}, p.order_id),
      h("td", {}, `¥${yen(p.amount)}`),
      h("td", { html: paymentStateLabel(p.state) }),
      h("td", { html: brandLabel(p.brand) || "—" }),
      h("td", { html: p.reason ? reasonLabel(p.reason) : "—" }),
      h(
        "td",
        {},
        p.state === "PAYMENT_STATE_UNKNOWN"
          ? [
              button(t("staff.payments.approve"), () => resolve(p, "PAYMENT_STATE_APPROVED"), "secondary"),
              button(t("staff.payments.decline"), () => resolve(p, "PAYMENT_STATE_DECLINED"), "secondary"),
            ]
          : null,
      ),
    ),
  );
  const close = h("div", { id: "daily-close" });
  screen.append(
    h(
      "table",
      {},
      h("caption", { html: t("staff.payments.caption") }),
      headings(["staff.payments.col.order", "staff.payments.col.amount", "staff.payments.col.state", "staff.payments.col.brand", "staff.payments.col.reason", "staff.col.action"]),
      h("tbody", {}, ...rows),
    ),
    h(
      "div",
      { class: "actions" },
      button(t("staff.payments.close_dry"), () => dailyClose(close, true), "secondary", { id: "close-dry" }),
      button(t("staff.payments.close"), () => dailyClose(close, false), "primary", { id: "close-run" }),
    ),
    close,
  );
}

async function resolve(payment, outcome) {
  try {
    await rpc("PaymentService", "ResolvePayment", { name: payment.name, outcome, resolution: "terminal_journal" });
  } catch (error) {
    screen.append(problem(error));
    return;
  }
  payments();
}

async function dailyClose(target, dryRun) {
  try {
    const reply = await rpc("PaymentService", "DailyClose", { dry_run: dryRun });
    const rows = (items) => (items || []).map((row) => h("tr", {}, h("td", {}, row.subject), h("td", { html: brandLabel(row.brand) || "—" }), h("td", {}, String(row.sales_count)), h("td", {}, `¥${yenOf(row.sales_amount)}`)));
    const columns = headings(["staff.payments.col.subject", "staff.payments.col.brand", "staff.payments.col.count", "staff.payments.col.amount"]);
    const confirmed = reply.staff_confirmed || [];
    target.replaceChildren(
      h("h2", { html: t(reply.reconciled ? "staff.payments.reconciled" : "staff.payments.not_reconciled") }),
      h("table", {}, h("caption", { html: t("staff.payments.by_subject") }), columns, h("tbody", {}, ...rows(reply.totals))),
      ...(confirmed.length
        ? [h("table", { id: "staff-confirmed" }, h("caption", { html: t("staff.payments.staff_confirmed") }), columns.cloneNode(true), h("tbody", {}, ...rows(confirmed)))]
        : []),
    );
  } catch (error) {
    target.replaceChildren(problem(error));
  }
}

// ---------------------------------------------------------------- KPIs

// A horizontal bar chart: per row (period) a measured bar, and the city's 改革前 figure as a dashed bar on
// top when it has one. Text and a legend say which is which (not colour alone).
function barChart(titleKey, rows, value, unit, before = null) {
  const title = plain(titleKey);
  const width = 900;
  const bar = 30;
  const season = (name) => plain(`staff.kpi.season.${{ 繁忙期: "busy", 閑散期: "quiet" }[name] || "busy"}`);
  const lines = [
    ...(before === null ? [] : [{ label: plain("staff.kpi.before"), value: before, kind: "before" }]),
    ...rows.map((r) => ({ label: plain("staff.kpi.after", { season: season(r.season) }), value: value(r), kind: "after" })),
  ];
  const max = Math.max(1, ...lines.map((l) => l.value));
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("class", "chart");
  svg.setAttribute("role", "img");
  svg.setAttribute("viewBox", `0 0 ${width} ${lines.length * (bar + 12) + 12}`);
  svg.setAttribute("width", String(width));
  svg.setAttribute("aria-label", `${title}: ${lines.map((l) => `${l.label} ${l.value.toFixed(1)}${unit}`).join(", ")}`);
  const text = (x, y, content) => {
    const node = document.createElementNS("http://www.w3.org/2000/svg", "text");
    node.setAttribute("x", String(x));
    node.setAttribute("y", String(y));
    node.textContent = content;
    return node;
  };
  lines.forEach((line, i) => {
    const y = i * (bar + 12) + 8;
    const w = Math.max(2, Math.round(((width - 420) * line.value) / max));
    const rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    rect.setAttribute("x", "300");
    rect.setAttribute("y", String(y));
    rect.setAttribute("width", String(w));
    rect.setAttribute("height", String(bar));
    rect.setAttribute("class", line.kind);
    svg.append(text(0, y + 22, line.label), rect, text(310 + w, y + 22, `${line.value.toFixed(1)}${unit}`));
  });
  return h("figure", { class: "kpi-chart" }, h("figcaption", { html: t(titleKey) }), svg);
}

async function kpi() {
  screen.replaceChildren(h("h1", { html: t("staff.tab.kpi") }));
  let report;
  try {
    report = await rpc("ApplicationService", "GetKpiReport", {});
  } catch (error) {
    return screen.append(problem(error));
  }
  const rows = report.rows || [];
  const before = report.before || null;
  const writesBefore = report.report_writes_before || {};
  const writesAfter = report.report_writes_after || {};
  const minutes = (seconds) => Number(seconds || 0) / 60;
  const unit = ` ${plain("staff.kpi.minutes")}`;
  const parts = [
    h("p", { class: "chart-legend" }, h("span", { class: "before", html: t("staff.kpi.legend_before") }), h("span", { class: "after", html: t("staff.kpi.legend_after") })),
    before && before.unconfirmed ? h("p", { class: "note", id: "kpi-before-note", html: t("staff.kpi.placeholder") }) : null,
    before && before.source_ja ? h("p", { class: "note", id: "kpi-before-source", html: t("staff.kpi.source", { source: before.source_ja }) }) : null,
    h("p", { id: "kpi-writes", html: t("staff.kpi.writes", { before: writesBefore.total || (before && before.writes) || 0, after: writesAfter.total || 0 }) }),
    rows.length ? null : h("p", { id: "kpi-empty", html: t("staff.kpi.empty") }),
    barChart("staff.kpi.wait", rows, (r) => minutes(r.avg_wait_s), unit, before ? minutes(before.avg_wait_s) : null),
    barChart("staff.kpi.procedure", rows, (r) => minutes(r.avg_procedure_s), unit, before ? minutes(before.avg_procedure_s) : null),
    barChart("staff.kpi.writes_saved", rows, (r) => Number(r.writes_saved || 0), ""),
    barChart("staff.kpi.forms", rows, (r) => Number(r.forms_printed || 0), ""),
  ];
  screen.append(...parts.filter(Boolean)); // append() would write a null as the word "null"
}

// ---------------------------------------------------------------- simulators

// Each simulator's actions as [label key, action, parameters].
const SIM_ACTIONS = {
  "simulators/escpos_printer": [["staff.sim.paper_out", "paper", { state: "out" }], ["staff.sim.paper_low", "paper", { state: "near_end" }], ["staff.sim.refill", "refill", {}], ["staff.sim.open_cover", "cover", { open: true }], ["staff.sim.clear", "clear", {}]],
  "simulators/ipp_printer": [["staff.sim.paper_out", "media", { state: "empty" }], ["staff.sim.media_ok", "media", { state: "ok" }], ["staff.sim.jam", "jam", { on: true }], ["staff.sim.clear", "clear", {}]],
  "simulators/zvt_terminal": [["staff.sim.next_approve", "script", { outcomes: ["approve"] }], ["staff.sim.next_decline", "script", { outcomes: ["decline"] }], ["staff.sim.next_unknown", "script", { outcomes: ["unknown"] }], ["staff.sim.clear", "clear", {}]],
  "simulators/camera": [["staff.sim.remove_document", "remove", {}], ["staff.sim.disconnect", "disconnect", {}], ["staff.sim.reconnect", "reconnect", {}]],
  "simulators/mynumber_card": [["staff.sim.remove_card", "remove", {}], ["staff.sim.one_try", "set_tries", { key: "text", tries: 1 }], ["staff.sim.reset", "reset", {}]],
};
// Documents the camera simulator can be given (the reception QR is placed by the counter flow itself).
const DOCUMENTS = ["licence", "mynumber_front", "mynumber_back"];

// A simulator's name (`staff.sim.<name>`), or "—".
function simName(name) {
  const key = `staff.sim.${name.replace("simulators/", "")}`;
  return plain(key) !== key ? t(key) : "—";
}

// State values in words (the panel shows no personal data: persona ids only).
function stateSummary(state) {
  const parts = [];
  const paperWords = { ok: "staff.sim.paper_ok", out: "staff.sim.paper_none", empty: "staff.sim.paper_none", near_end: "staff.sim.paper_near", low: "staff.sim.paper_near" };
  const paper = (value) => t("staff.sim.paper", { state: paperWords[value] ? plain(paperWords[value]) : "—" });
  if ("inserted" in state) parts.push(state.inserted ? t("staff.sim.card_in", { persona: state.persona || "—" }) : t("staff.sim.no_card"));
  if ("paper" in state) parts.push(paper(state.paper));
  if (state.cover_open) parts.push(t("staff.sim.cover_is_open"));
  if (state.offline) parts.push(t("staff.sim.offline"));
  if ("media" in state) parts.push(paper(state.media));
  if ("receipts" in state) parts.push(t("staff.sim.printed", { count: state.receipts }));
  if (state.tries && Object.keys(state.tries).length) parts.push(t("staff.sim.tries", { tries: state.tries.text ?? "—" }));
  return parts.join(" · ") || "—";
}

function personaButtons(personas, label, onpick, prefix) {
  return h(
    "div",
    { class: "persona-buttons", role: "group", "aria-label": label },
    ...personas.map((id) => button(escapeHtml(id), () => onpick(id), "secondary", { "data-persona": id, id: `${prefix}-${id}`, "aria-label": `${label}: ${id}` })),
  );
}

// `message`: HTML of what was done (from the language files).
async function simAction(path, params, message, status) {
  try {
    await postJson(path, params);
    await simulators(tHtml("staff.sim.done", { action: message }));
  } catch {
    status.innerHTML = tHtml("staff.sim.failed", { action: message });
  }
}

function actionButtons(name, pathOf) {
  return (SIM_ACTIONS[name] || [["staff.sim.clear", "clear", {}]]).map(([key, action, params]) =>
    button(t(key), () => simAction(pathOf(action), params, t(key), document.getElementById("sim-status")), "secondary", { "data-sim": name, "data-action": action }),
  );
}

async function simulators(message = "") {
  screen.replaceChildren(h("h1", { html: t("staff.tab.simulators") }));
  const status = h("p", { role: "status", id: "sim-status", html: message });
  screen.append(status);
  if (config.card_simulator) {
    let card = null;
    try {
      card = await getJson("/staff/api/card-simulator");
    } catch (error) {
      screen.append(problem(error));
    }
    if (card) {
      const name = "simulators/mynumber_card";
      const insert = (id) => simAction("/staff/api/card-simulator/insert", { persona: id }, t("staff.sim.card_inserted", { persona: id }), status);
      const insertLicence = (id) => simAction("/staff/api/card-simulator/insert_licence", { persona: id }, t("staff.sim.licence_inserted", { persona: id }), status);
      screen.append(
        h(
          "section",
          { class: "simulator", "data-sim": name },
          h("h2", { html: simName(name) }),
          h("p", { html: stateSummary(card.state) }),
          h("h3", { html: t("staff.sim.insert_card") }),
          personaButtons(card.personas, plain("staff.sim.insert_card"), insert, "insert-card"),
          (card.licences || []).length ? h("h3", { html: t("staff.sim.insert_licence") }) : null,
          personaButtons(card.licences || [], plain("staff.sim.insert_licence"), insertLicence, "insert-licence"),
          h("div", { class: "actions" }, ...actionButtons(name, (action) => `/staff/api/card-simulator/${action}`)),
        ),
      );
    }
  }
  let reply;
  try {
    reply = await getJson("/staff/api/simulators");
  } catch (error) {
    return screen.append(problem(error));
  }
  for (const sim of reply.simulators) {
    const short = sim.name.replace("simulators/", "");
    const place =
      short === "camera" && sim.personas.length
        ? DOCUMENTS.map((kind) => {
            const label = t(`staff.doc.${kind}`);
            const placed = (id) => simAction(`/staff/api/simulators/camera/place`, { document: kind, persona: id }, tHtml("staff.sim.placed", { document: label, persona: escapeHtml(id) }), status);
            return h(
              "div",
              { class: "place-document", "data-document": kind },
              h("h3", { html: tHtml("staff.sim.place", { document: label }) }),
              personaButtons(sim.personas, plain("staff.sim.place", { document: plain(`staff.doc.${kind}`) }), placed, `place-${kind}`),
            );
          })
        : [];
    screen.append(
      h(
        "section",
        { class: "simulator", "data-sim": sim.name },
        h("h2", {}, h("span", { html: t(sim.running ? "staff.sim.running" : "staff.sim.stopped") }), " ", h("span", { html: simName(sim.name) })),
        h("p", { html: stateSummary(sim.state) }),
        ...place,
        h("div", { class: "actions" }, ...actionButtons(sim.name, (action) => `/staff/api/simulators/${short}/${action}`)),
      ),
    );
  }
}

async function start() {
  await startLanguage();
  const top = document.querySelector("header.top");
  top.querySelector(".brand").innerHTML = t("staff.brand");
  top.append(languageSwitch());
  onLanguage(() => {
    top.querySelector(".brand").innerHTML = t("staff.brand");
    if (!current || !config) return;
    tabs(current[0]);
    if (!DRAWS_ITSELF.has(screen.dataset.screen)) go(...current);
  });
  await requireStaff();
  config = await getJson("/api/config");
  go("devices", devices);
  document.body.dataset.ready = "true";
}

start();
