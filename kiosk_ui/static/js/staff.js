// The staff console (staff role, its own path or port): devices with live events, the application outbox,
// the payments journal with UNKNOWN payments to resolve and the daily close, KPIs, the simulator panel.
import { follow, getJson, postJson, rpc, setBase } from "./api.js";
import { accounts, MANAGER_ROLE } from "./accounts.js";
import { outbox } from "./outbox.js";
import { requireStaff, signedInStaff } from "./staffauth.js";
import { button, problem } from "./staffui.js";
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

const TABS = [
  ["devices", "機器の状態 / Devices", devices],
  ["outbox", "申請の確認 / Outbox", () => outbox(screen), "ApplicationService"],
  ["payments", "支払い / Payments", payments, "PaymentService"],
  ["kpi", "KPI", kpi, "ApplicationService"],
  ["simulators", "シミュレーター / Simulators", () => simulators()],
  ["accounts", "職員アカウント / Accounts", () => accounts(screen), "StaffService"],
];

// Whether the signed-in person may see a tab (the daemon checks every call again).
function mayOpen(id) {
  if (id === "simulators") return Boolean(config.simulators || config.card_simulator);
  if (id === "accounts") return (signedInStaff()?.roles || []).includes(MANAGER_ROLE);
  return true;
}

function tabs(active) {
  const nav = document.getElementById("tabs");
  nav.replaceChildren(
    ...TABS.filter(([id, , , service]) => mayOpen(id) && (!service || config.services.includes(service))).map(([id, label, open]) =>
      h("button", { type: "button", class: "tab", id: `tab-${id}`, "aria-current": id === active ? "page" : false, onclick: () => go(id, open) }, label),
    ),
  );
}

async function go(id, open) {
  tabs(id);
  screen.dataset.screen = id;
  delete screen.dataset.loaded;
  await open();
  loaded();
}

// ---------------------------------------------------------------- devices

function eventRow(event) {
  const { what, detail } = describeEvent(event);
  const time = event.event_time ? new Date(event.event_time).toLocaleTimeString("ja-JP", { hour12: false }) : "";
  return h("tr", {}, h("td", {}, String(event.sequence || "")), h("td", {}, time), h("td", {}, event.device ? slotLabel(event.device.replace(/^devices\//, "")) : "—"), h("td", {}, what), h("td", {}, detail || "—"));
}

async function devices() {
  const body = h("tbody", { id: "device-rows" });
  const log = h("tbody", {}, ...eventRows.map(eventRow));
  screen.replaceChildren(
    h("h1", {}, "機器の状態 / Devices"),
    h("table", {}, h("caption", {}, "デバイス一覧 / Device list"), h("thead", {}, h("tr", {}, ...["機器 / Device", "種類 / Kind", "状態 / State", "詳細 / Details", "最後のエラー / Last error", "操作 / Action"].map((c) => h("th", { scope: "col" }, c)))), body),
    h("h2", { id: "event-log-title" }, "イベント / Live events"),
    h(
      "div",
      { class: "event-table-wrap", tabindex: "0", role: "region", "aria-labelledby": "event-log-title" },
      h("table", { class: "event-table", id: "event-log" }, h("thead", {}, h("tr", {}, ...["番号 / No.", "時刻 / Time", "機器 / Device", "出来事 / Event", "内容 / Details"].map((c) => h("th", { scope: "col" }, c)))), log),
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
            h("th", { scope: "row" }, slotLabel(d.slot)),
            h("td", {}, kindLabel(d.kind)),
            h("td", { class: `state state-${String(d.state).replace(/^DEVICE_STATE_/, "")}` }, stateLabel(d.state)),
            h("td", {}, (d.status_reasons || []).map((r) => reasonLabel(String(r).replaceAll("-", "_"))).join(", ") || "—"),
            h("td", {}, d.last_error && d.last_error.reason ? `${reasonLabel(d.last_error.reason)} ${d.last_error.message_ja || ""}` : "—"),
            h("td", {}, button("点検 / Check", () => rpc("DeviceService", "CheckHealth", { name: d.name }).then(refresh, refresh), "secondary", { "aria-label": `点検 / Check: ${slotLabel(d.slot)}` })),
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

// Where the resident was when they called (the page's screen keys) in words.
const SCREENS = {
  home: "最初の画面 / Home", "card-wait": "カード待ち / Waiting for the card", pin: "暗証番号 / PIN", confirm: "氏名住所の確認 / Name check",
  certificates: "証明書の選択 / Certificates", "certificate-options": "証明書の項目 / Options", fee: "手数料 / Fee", "pay-method": "支払い方法 / Payment",
  error: "エラー画面 / Error", members: "家族の追加 / Family", facts: "住所・電話 / Address", question: "質問 / Questions", summary: "手続きの確認 / Summary",
  "typed-member": "家族の入力 / Typing a member", "take-card": "カードの取り忘れ / Take the card", printing: "印刷中 / Printing",
};

function staffCalled(call) {
  // An alert on every tab: text and an icon, not colour alone.
  const banner = h(
    "div",
    { class: "staff-call", role: "alert", id: "staff-call" },
    `🔔 窓口端末で職員が呼ばれています / A resident is calling for staff (${SCREENS[call.screen] || "—"}${call.reason ? ", " + reasonLabel(call.reason) : ""})`,
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
      h("td", {}, `¥${yen(p.amount)}`),
      h("td", {}, paymentStateLabel(p.state)),
      h("td", {}, brandLabel(p.brand) || "—"),
      h("td", {}, p.reason ? reasonLabel(p.reason) : "—"),
      h(
        "td",
        {},
        p.state === "PAYMENT_STATE_UNKNOWN"
          ? [
              button("承認済みにする Approved", () => resolve(p, "PAYMENT_STATE_APPROVED"), "secondary"),
              button("未決済にする Not charged", () => resolve(p, "PAYMENT_STATE_DECLINED"), "secondary"),
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
    const rows = (items) => (items || []).map((row) => h("tr", {}, h("td", {}, row.subject), h("td", {}, brandLabel(row.brand) || "—"), h("td", {}, String(row.sales_count)), h("td", {}, `¥${yenOf(row.sales_amount)}`)));
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

// A horizontal bar chart: per row (period) a measured bar, and the city's 改革前 figure as a dashed bar on
// top when it has one. Text and a legend say which is which (not colour alone).
function barChart(title, rows, value, unit, before = null) {
  const width = 900;
  const bar = 30;
  const lines = [...(before === null ? [] : [{ label: "改革前 / Before", value: before, kind: "before" }]), ...rows.map((r) => ({ label: `改革後 / After ${r.period}`, value: value(r), kind: "after" }))];
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
  return h("figure", { class: "kpi-chart" }, h("figcaption", {}, title), svg);
}

async function kpi() {
  screen.replaceChildren(h("h1", {}, "KPI"));
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
  screen.append(
    h("p", { class: "chart-legend" }, h("span", { class: "before" }, "改革前(市の設定値) / Before (city's figure)"), h("span", { class: "after" }, "改革後(この端末の計測) / After (measured here)")),
    before && before.unconfirmed ? h("p", { class: "note", id: "kpi-before-note" }, `⚠ 改革前の値は仮置きです / Before: placeholder figures. ${before.source_ja || ""}`) : null,
    h("p", { id: "kpi-writes" }, `記入回数(参照世帯) / Writes (reference household): ${writesBefore.total || (before && before.writes) || 0} → ${writesAfter.total || 0}`),
    rows.length ? null : h("p", { id: "kpi-empty" }, "まだ計測がありません / No measurements yet"),
    barChart("平均待ち時間(分) / Average wait (min)", rows, (r) => minutes(r.avg_wait_s), " 分", before ? minutes(before.avg_wait_s) : null),
    barChart("平均処理時間(分) / Average processing (min)", rows, (r) => minutes(r.avg_procedure_s), " 分", before ? minutes(before.avg_procedure_s) : null),
    barChart("記入削減数 / Writes saved", rows, (r) => Number(r.writes_saved || 0), ""),
    barChart("印刷書類数 / Forms printed", rows, (r) => Number(r.forms_printed || 0), ""),
  );
}

// ---------------------------------------------------------------- simulators

// Each simulator's actions as [label, action, parameters].
const SIM_ACTIONS = {
  "simulators/escpos_printer": [["用紙切れ / Paper out", "paper", { state: "out" }], ["用紙残りわずか / Paper low", "paper", { state: "near_end" }], ["用紙補充 / Refill", "refill", {}], ["ふたを開ける / Open cover", "cover", { open: true }], ["正常に戻す / Clear", "clear", {}]],
  "simulators/ipp_printer": [["用紙切れ / Media empty", "media", { state: "empty" }], ["用紙あり / Media OK", "media", { state: "ok" }], ["紙づまり / Jam", "jam", { on: true }], ["正常に戻す / Clear", "clear", {}]],
  "simulators/zvt_terminal": [["次は承認 / Next: approve", "script", { outcomes: ["approve"] }], ["次は拒否 / Next: decline", "script", { outcomes: ["decline"] }], ["次は結果不明 / Next: unknown", "script", { outcomes: ["unknown"] }], ["正常に戻す / Clear", "clear", {}]],
  "simulators/camera": [["書類を取る / Remove document", "remove", {}], ["切断 / Disconnect", "disconnect", {}], ["再接続 / Reconnect", "reconnect", {}]],
  "simulators/mynumber_card": [["カードを取る / Remove card", "remove", {}], ["残り1回にする / One try left", "set_tries", { key: "text", tries: 1 }], ["初期状態 / Reset", "reset", {}]],
};
const SIM_NAMES = {
  "simulators/escpos_printer": "番号札プリンター / Ticket printer",
  "simulators/ipp_printer": "書類プリンター / Form printer",
  "simulators/zvt_terminal": "決済端末 / Payment terminal",
  "simulators/camera": "書類カメラ / Document camera",
  "simulators/mynumber_card": "マイナンバーカード / My Number card",
};
const DOCUMENTS = {
  licence: "運転免許証 / Driving licence",
  mynumber_front: "マイナンバーカード表面 / My Number card (front)",
  mynumber_back: "マイナンバーカード裏面 / My Number card (back)",
  qr: "受付票のQR / Reception QR slip",
};

// State values in words (the panel shows no personal data: persona ids only).
function stateSummary(state) {
  const parts = [];
  if ("inserted" in state) parts.push(state.inserted ? `カードあり / Card in (${state.persona || "—"})` : "カードなし / No card");
  if ("paper" in state) parts.push(`用紙 / Paper: ${{ ok: "あり / OK", out: "なし / Out", near_end: "残りわずか / Low" }[state.paper] || "—"}`);
  if (state.cover_open) parts.push("ふた開 / Cover open");
  if (state.offline) parts.push("オフライン / Offline");
  if ("media" in state) parts.push(`用紙 / Media: ${{ ok: "あり / OK", empty: "なし / Empty", low: "残りわずか / Low" }[state.media] || "—"}`);
  if ("receipts" in state) parts.push(`印刷枚数 / Printed: ${state.receipts}`);
  if (state.tries && Object.keys(state.tries).length) parts.push(`暗証番号の残り回数 / PIN tries: ${state.tries.text ?? "—"}`);
  return parts.join(" · ") || "—";
}

function personaButtons(personas, label, onpick, prefix) {
  return h(
    "div",
    { class: "persona-buttons", role: "group", "aria-label": label },
    ...personas.map((id) => button(`${id}`, () => onpick(id), "secondary", { "data-persona": id, id: `${prefix}-${id}`, "aria-label": `${label}: ${id}` })),
  );
}

async function simAction(path, params, message, status) {
  try {
    await postJson(path, params);
    await simulators(`✔ ${message}`);
  } catch (error) {
    status.textContent = `✖ ${message}: ${error.reason || "error"}`;
  }
}

async function simulators(message = "") {
  screen.replaceChildren(h("h1", {}, "シミュレーター / Simulators"));
  const status = h("p", { role: "status", id: "sim-status" }, message);
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
      screen.append(
        h(
          "section",
          { class: "simulator", "data-sim": name },
          h("h2", {}, SIM_NAMES[name]),
          h("p", {}, stateSummary(card.state)),
          h("h3", {}, "カードを置く / Insert a card"),
          personaButtons(card.personas, "カードを置く / Insert card", (id) => simAction("/staff/api/card-simulator/insert", { persona: id }, `カードを置きました / Card inserted: ${id}`, status), "insert-card"),
          (card.licences || []).length ? h("h3", {}, "運転免許証を置く / Insert a driving licence") : null,
          personaButtons(card.licences || [], "運転免許証を置く / Insert licence", (id) => simAction("/staff/api/card-simulator/insert_licence", { persona: id }, `運転免許証を置きました / Licence inserted: ${id}`, status), "insert-licence"),
          h("div", { class: "actions" }, ...SIM_ACTIONS[name].map(([label, action, params]) => button(label, () => simAction(`/staff/api/card-simulator/${action}`, params, label, status), "secondary", { "data-sim": name, "data-action": action }))),
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
    const actions = (SIM_ACTIONS[sim.name] || [["正常に戻す / Clear", "clear", {}]]).map(([label, action, params]) =>
      button(label, () => simAction(`/staff/api/simulators/${short}/${action}`, params, label, status), "secondary", { "data-sim": sim.name, "data-action": action }),
    );
    const place =
      short === "camera" && sim.personas.length
        ? Object.entries(DOCUMENTS)
            .filter(([kind]) => kind !== "qr")
            .map(([kind, label]) =>
              h(
                "div",
                { class: "place-document", "data-document": kind },
                h("h3", {}, `${label} を置く / place`),
                personaButtons(sim.personas, label, (id) => simAction(`/staff/api/simulators/camera/place`, { document: kind, persona: id }, `${label}: ${id}`, status), `place-${kind}`),
              ),
            )
        : [];
    screen.append(
      h("section", { class: "simulator", "data-sim": sim.name }, h("h2", {}, `${sim.running ? "✔" : "✖"} ${SIM_NAMES[sim.name] || "—"}`), h("p", {}, stateSummary(sim.state)), ...place, h("div", { class: "actions" }, ...actions)),
    );
  }
}

async function start() {
  document.documentElement.dataset.language = "ja";
  await requireStaff();
  config = await getJson("/api/config");
  go("devices", devices);
  document.body.dataset.ready = "true";
}

start();
