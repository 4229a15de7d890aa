// The city-wide daily close for 会計課: for a business day, each terminal's recorded payment operations
// (what reached the back office) against the close the terminal sent; a difference is shown in yen.
import { h } from "../ui.js";
import { read } from "./api.js";
import { action, problem, table } from "./common.js";
import { L, yen } from "./labels.js";

let day = "";

function totals(sums) {
  if (!sums) return L("close.missing");
  return `${yen(sums.net_yen)} (${L("close.count", { n: sums.count })})`;
}

function verdict(row) {
  if (!row.reported) return L("close.missing");
  return row.matches ? L("close.match") : L("close.mismatch");
}

export async function closeScreen(screen) {
  const picker = h(
    "form",
    { class: "period", id: "close-day", onsubmit: (event) => event.preventDefault() },
    h("p", { class: "field" }, h("label", { for: "close-date" }, L("close.date")), " ", h("input", { id: "close-date", type: "date", value: day, oninput: (event) => (day = event.target.value) })),
    action("close.show", () => closeScreen(screen), "primary", { id: "close-show" }),
  );
  screen.replaceChildren(h("h1", {}, L("close.title")), picker);
  let report;
  try {
    report = await read("close", { date: day });
  } catch (error) {
    return screen.append(problem(error));
  }
  day = report.date;
  picker.querySelector("#close-date").value = day;
  const mismatched = report.terminals.filter((row) => !row.matches).length;
  const rows = report.terminals.map((row) =>
    h(
      "tr",
      { "data-terminal": row.terminal_id, "data-matches": row.matches ? "true" : "false" },
      h("td", {}, row.office),
      h("th", { scope: "row" }, row.terminal_id),
      h("td", {}, totals(row.journal)),
      h("td", {}, totals(row.reported)),
      h("td", { class: "difference" }, row.reported ? yen(row.difference_yen) : L("common.none")),
      h("td", {}, verdict(row)),
    ),
  );
  screen.append(
    h("p", { id: "close-verdict", role: "status" }, mismatched ? L("close.some_mismatch", { count: mismatched }) : L("close.all_match")),
    h("p", { id: "close-city" }, L("close.city_total", { amount: Number(report.city.net_yen).toLocaleString(), count: report.city.count })),
    table("close-terminals", L("close.caption"), ["fleet.office", "fleet.terminal", "close.journal", "close.reported", "close.difference", "close.result"], rows),
  );
}
