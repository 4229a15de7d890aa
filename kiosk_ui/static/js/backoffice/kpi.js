// The city's effect figures in the seed report's 効果検証 shape: by office and season (繁忙期/閑散期) the
// samples, average wait and handling time and writes saved; the same by terminal; certificates by channel.
import { h } from "../ui.js";
import { read } from "./api.js";
import { action, problem, table } from "./common.js";
import { L, known } from "./labels.js";

const period = { from: "", to: "" };

function minutes(seconds) {
  return seconds === null || seconds === undefined ? L("common.none") : L("common.minutes", { n: (Number(seconds) / 60).toFixed(1) });
}

function figureCells(row) {
  return [h("td", {}, String(row.samples)), h("td", {}, minutes(row.avg_wait_s)), h("td", {}, minutes(row.avg_handle_s)), h("td", {}, String(row.writes_saved))];
}

const FIGURES = ["kpi.samples", "kpi.wait", "kpi.handle", "kpi.writes_saved"];

function dateField(id, labelKey, value, onchange) {
  return h("p", { class: "field" }, h("label", { for: id }, L(labelKey)), " ", h("input", { id, type: "date", value, oninput: (event) => onchange(event.target.value) }));
}

export async function kpiScreen(screen) {
  screen.replaceChildren(
    h("h1", {}, L("kpi.title")),
    h(
      "form",
      { class: "period", id: "kpi-period", onsubmit: (event) => event.preventDefault() },
      dateField("kpi-from", "kpi.from", period.from, (value) => (period.from = value)),
      dateField("kpi-to", "kpi.to", period.to, (value) => (period.to = value)),
      action("kpi.show", () => kpiScreen(screen), "primary", { id: "kpi-show" }),
    ),
  );
  let report;
  try {
    report = await read("kpi", period);
  } catch (error) {
    return screen.append(problem(error));
  }
  if (!report.offices.length) return screen.append(h("p", { id: "kpi-empty" }, L("kpi.empty")));
  const season = (name) => L(name === "busy" ? "kpi.busy" : "kpi.quiet");
  const offices = report.offices.map((row) =>
    h("tr", {}, h("th", { scope: "row" }, row.office || L("kpi.city")), h("td", {}, known("kpi.reform", row.reform, "kpi.reform.other")), h("td", {}, season(row.season)), ...figureCells(row)),
  );
  const terminals = report.terminals.map((row) => h("tr", {}, h("td", {}, row.office), h("th", { scope: "row" }, row.terminal_id), ...figureCells(row)));
  const channels = report.certificates.map((row) =>
    h("tr", {}, h("th", { scope: "row" }, row.office), h("td", {}, known("kpi.channel", row.channel, "kpi.channel.other")), h("td", {}, known("certificate", row.kind, "certificate.other")), h("td", {}, String(row.count))),
  );
  screen.append(
    table("kpi-offices", L("kpi.by_office"), ["fleet.office", "kpi.reform", "kpi.season", ...FIGURES], offices),
    table("kpi-terminals", L("kpi.by_terminal"), ["fleet.office", "fleet.terminal", ...FIGURES], terminals),
    table("kpi-certificates", L("kpi.channels"), ["fleet.office", "kpi.channel", "kpi.certificates", "kpi.count"], channels),
  );
}
