// The staff console (staff role, its own path or port): devices with live events, the application outbox,
// the payments journal with UNKNOWN payments to resolve and the daily close, KPIs, the simulator panel.
import { follow, getJson, postJson, rpc, setBase } from "./api.js";
import { outbox } from "./outbox.js";
import { button, problem } from "./staffui.js";
import { h } from "./ui.js";

setBase("/staff/api");
const screen = document.getElementById("screen");
let config = null;
let events = null;
const eventLines = [];

const TABS = [
  ["devices", "機器の状態 / Devices", devices],
  ["outbox", "申請の確認 / Outbox", () => outbox(screen), "FrontyardService"],
  ["payments", "支払い / Payments", payments, "PaymentService"],
  ["kpi", "KPI", kpi, "FrontyardService"],
  ["simulators", "シミュレーター / Simulators", () => simulators()],
];

function tabs(active) {
  const nav = document.getElementById("tabs");
  nav.replaceChildren(
    ...TABS.filter(([id, , , service]) => (id !== "simulators" || config.simulators) && (!service || config.services.includes(service))).map(([id, label, open]) =>
      h("button", { type: "button", class: "tab", id: `tab-${id}`, "aria-current": id === active ? "page" : false, onclick: () => go(id, open) }, label),
    ),
  );
}

function go(id, open) {
  tabs(id);
  screen.dataset.screen = id;
  open();
}

// ---------------------------------------------------------------- devices

async function devices() {
  const body = h("tbody", { id: "device-rows" });
  const log = h("ol", { class: "events", id: "event-log", tabindex: "0", "aria-live": "polite", "aria-label": "イベント / Events" }, ...eventLines.map((line) => h("li", {}, line)));
  screen.replaceChildren(
    h("h1", {}, "機器の状態 / Devices"),
    h("table", {}, h("caption", {}, "デバイス一覧 / Device list"), h("thead", {}, h("tr", {}, ...["機器 Slot", "種類 Kind", "状態 State", "理由 Reasons", "最後のエラー Last error", ""].map((c) => h("th", { scope: "col" }, c)))), body),
    h("h2", {}, "イベント / Live events"),
    log,
  );
  const refresh = async () => {
    try {
      const reply = await rpc("DeviceService", "ListDevices", {});
      body.replaceChildren(
        ...reply.devices.map((d) =>
          h(
            "tr",
            { "data-device": d.slot },
            h("th", { scope: "row" }, d.slot),
            h("td", {}, d.kind),
            h("td", { class: `state state-${d.state}` }, d.state),
            h("td", {}, (d.status_reasons || []).join(", ")),
            h("td", {}, d.last_error && d.last_error.reason ? `${d.last_error.reason}: ${d.last_error.message_ja}` : ""),
            h("td", {}, button("確認 Check", () => rpc("DeviceService", "CheckHealth", { name: d.name }).then(refresh, refresh), "secondary", { "aria-label": `Check ${d.slot}` })),
          ),
        ),
      );
    } catch (error) {
      body.replaceChildren(h("tr", {}, h("td", { colspan: "6" }, problem(error))));
    }
  };
  await refresh();
  if (events) events.close();
  events = follow("DeviceService", "WatchEvents", { after_sequence: 0 }, (event) => {
    const kind = Object.keys(event).find((k) => !["sequence", "time", "device"].includes(k)) || "event";
    const detail = event[kind] && typeof event[kind] === "object" ? JSON.stringify(event[kind]) : "";
    const line = `#${event.sequence} ${event.device || "-"} ${kind} ${detail}`;
    eventLines.push(line);
    if (eventLines.length > 200) eventLines.shift();
    const list = document.getElementById("event-log");
    if (list) {
      list.append(h("li", {}, line));
      list.scrollTop = list.scrollHeight;
    }
    if (kind === "state_changed" && screen.dataset.screen === "devices") refresh();
    if (kind === "staff_called") staffCalled(event.staff_called);
  });
}

function staffCalled(call) {
  // An alert on every tab: text and an icon, not colour alone.
  const banner = h(
    "div",
    { class: "staff-call", role: "alert", id: "staff-call" },
    `🔔 窓口端末で職員が呼ばれています / A resident is calling for staff (${call.screen || "—"}${call.reason ? ", " + call.reason : ""})`,
    button("対応します / On my way", () => banner.remove(), "primary"),
  );
  document.getElementById("staff-call")?.remove();
  document.querySelector("header.top").append(banner);
}

// ---------------------------------------------------------------- payments

async function payments() {
  screen.replaceChildren(h("h1", {}, "支払い / Payments"));
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
      h("td", {}, `¥${Number(p.amount_yen).toLocaleString("ja-JP")}`),
      h("td", {}, p.state.replace("PAYMENT_", "")),
      h("td", {}, p.brand || ""),
      h("td", {}, p.reason || ""),
      h(
        "td",
        {},
        p.state === "PAYMENT_UNKNOWN"
          ? [
              button("承認済みにする Approved", () => resolve(p, "PAYMENT_APPROVED"), "secondary"),
              button("未決済にする Not charged", () => resolve(p, "PAYMENT_DECLINED"), "secondary"),
            ]
          : null,
      ),
    ),
  );
  const close = h("div", { id: "daily-close" });
  screen.append(
    h("table", {}, h("caption", {}, "支払い記録 / Journal"), h("thead", {}, h("tr", {}, ...["注文 Order", "金額 Amount", "状態 State", "ブランド Brand", "理由 Reason", ""].map((c) => h("th", { scope: "col" }, c)))), h("tbody", {}, ...rows)),
    h("div", { class: "actions" }, button("日次締め(確認) Daily close (dry run)", () => dailyClose(close, true), "secondary", { id: "close-dry" }), button("日次締め Daily close", () => dailyClose(close, false), "primary", { id: "close-run" })),
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
    const rows = (items) => (items || []).map((row) => h("tr", {}, h("td", {}, row.subject), h("td", {}, row.brand), h("td", {}, String(row.sales_count)), h("td", {}, `¥${row.sales_yen}`)));
    const confirmed = reply.staff_confirmed || [];
    target.replaceChildren(
      h("h2", {}, reply.reconciled ? "✔ 照合一致 / Reconciled" : "✖ 照合不一致 / Not reconciled"),
      h("table", {}, h("caption", {}, "科目別 / By subject"), h("tbody", {}, ...rows(reply.totals))),
      ...(confirmed.length
        ? [h("table", { id: "staff-confirmed" }, h("caption", {}, "⚠ 職員確認・端末計外 / Confirmed by staff, not in the terminal's totals"), h("tbody", {}, ...rows(confirmed)))]
        : []),
    );
  } catch (error) {
    target.replaceChildren(problem(error));
  }
}

// ---------------------------------------------------------------- KPIs

function barChart(title, rows, value, unit) {
  const width = 720;
  const barHeight = 28;
  const max = Math.max(1, ...rows.map(value));
  return h(
    "figure",
    {},
    h("figcaption", {}, title),
    (() => {
      const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
      svg.setAttribute("class", "chart");
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", `${title}: ${rows.map((r) => `${r.period} ${value(r).toFixed(1)}${unit}`).join(", ")}`);
      svg.setAttribute("width", String(width));
      svg.setAttribute("height", String(rows.length * (barHeight + 8) + 8));
      rows.forEach((row, i) => {
        const y = i * (barHeight + 8) + 4;
        const w = Math.round(((width - 260) * value(row)) / max);
        svg.innerHTML += `<text x="0" y="${y + 20}">${row.period}</text><rect x="160" y="${y}" width="${w}" height="${barHeight}"></rect><text x="${170 + w}" y="${y + 20}">${value(row).toFixed(1)}${unit}</text>`;
      });
      return svg;
    })(),
  );
}

async function kpi() {
  screen.replaceChildren(h("h1", {}, "KPI"));
  let report;
  try {
    report = await rpc("FrontyardService", "GetKpiReport", {});
  } catch (error) {
    return screen.append(problem(error));
  }
  const rows = report.rows || [];
  const before = report.report_writes_before || {};
  const after = report.report_writes_after || {};
  screen.append(
    h("p", { id: "kpi-writes" }, `記入回数 / Writes: ${before.total || 0} → ${after.total || 0}`),
    barChart("平均待ち時間(秒) / Average wait (s)", rows, (r) => Number(r.avg_wait_s || 0), "s"),
    barChart("平均処理時間(秒) / Average processing (s)", rows, (r) => Number(r.avg_procedure_s || 0), "s"),
    barChart("記入削減数 / Writes saved", rows, (r) => Number(r.writes_saved || 0), ""),
    barChart("印刷書類数 / Forms printed", rows, (r) => Number(r.forms_printed || 0), ""),
  );
}

// ---------------------------------------------------------------- simulators

const SIM_ACTIONS = {
  "simulators/mynumber_card": [["remove", {}], ["set_tries", { key: "text", tries: 1 }], ["reset", {}]],
  "simulators/escpos_printer": [["paper", { state: "out" }], ["paper", { state: "near_end" }], ["refill", {}], ["cover", { open: true }], ["clear", {}]],
  "simulators/ipp_printer": [["media", { state: "empty" }], ["media", { state: "ok" }], ["jam", { on: true }], ["clear", {}]],
  "simulators/zvt_terminal": [["script", { outcomes: ["approve"] }], ["script", { outcomes: ["decline"] }], ["script", { outcomes: ["unknown"] }], ["clear", {}]],
};

async function simulators(message = "") {
  screen.replaceChildren(h("h1", {}, "シミュレーター / Simulators"));
  let reply;
  try {
    reply = await getJson("/staff/api/simulators");
  } catch (error) {
    return screen.append(problem(error));
  }
  const status = h("p", { role: "status", id: "sim-status" }, message);
  for (const sim of reply.simulators) {
    const actions = (SIM_ACTIONS[sim.name] || [["clear", {}]]).map(([action, params]) =>
      button(`${action} ${Object.keys(params).length ? JSON.stringify(params) : ""}`, async () => {
        try {
          await postJson(`/staff/api/simulators/${sim.name.replace("simulators/", "")}/${action}`, params);
          simulators(`✔ ${sim.name} ${action}`);
        } catch (error) {
          status.textContent = `✖ ${sim.name} ${action}: ${error.reason}`;
        }
      }, "secondary", { "data-sim": sim.name, "data-action": action }),
    );
    screen.append(
      h("section", { class: "simulator", "data-sim": sim.name }, h("h2", {}, `${sim.running ? "✔" : "✖"} ${sim.name}`), h("pre", {}, JSON.stringify(sim.state, null, 1)), h("div", { class: "actions" }, ...actions)),
    );
  }
  screen.append(status);
}

async function start() {
  config = await getJson("/api/config");
  go("devices", devices);
  document.body.dataset.ready = "true";
}

start();
