// The back-office console (frontyard-backoffice serve): the staff console's layout and sign-in, reading
// the central database: every terminal's devices (live), the applications of every terminal, the city's
// effect figures and the city-wide daily close. Words come from the language files (labels.js).
import { requireStaff } from "../staffauth.js";
import { h } from "../ui.js";
import { closeScreen } from "./close.js";
import { fleetScreen, stopFleet } from "./fleet.js";
import { kpiScreen } from "./kpi.js";
import { L, LANGUAGES, language, markLanguage, setLanguage } from "./labels.js";
import { outboxScreen } from "./outbox.js";

const screen = document.getElementById("screen");

const TABS = [
  ["fleet", "tab.fleet", fleetScreen],
  ["outbox", "tab.outbox", outboxScreen],
  ["kpi", "tab.kpi", kpiScreen],
  ["close", "tab.close", closeScreen],
];
let active = "fleet";

function chrome() {
  document.title = L("app.title");
  document.getElementById("brand").textContent = L("app.title");
  const nav = document.getElementById("tabs");
  nav.setAttribute("aria-label", L("app.sections"));
  nav.replaceChildren(
    ...TABS.map(([id, key]) => h("button", { type: "button", class: "tab", id: `tab-${id}`, "aria-current": id === active ? "page" : false, onclick: () => go(id) }, L(key))),
  );
  const languages = document.getElementById("languages");
  languages.setAttribute("role", "group");
  languages.setAttribute("aria-label", L("app.language"));
  languages.replaceChildren(
    ...LANGUAGES.map((code) =>
      h("button", { type: "button", class: "tab", lang: code, "data-staff-language": code, "aria-pressed": code === language() ? "true" : "false", onclick: () => switchLanguage(code) }, L(`lang.${code}`)),
    ),
  );
}

async function switchLanguage(code) {
  await setLanguage(code);
  await go(active);
  markLanguage(code);
}

export async function go(id) {
  active = id;
  if (id !== "fleet") stopFleet();
  chrome();
  screen.dataset.screen = id;
  delete screen.dataset.loaded;
  const [, , open] = TABS.find(([tab]) => tab === id);
  await open(screen);
  screen.dataset.loaded = "true";
}

async function start() {
  await setLanguage("ja");
  chrome();
  await requireStaff();
  await go("fleet");
  markLanguage("ja");
  document.body.dataset.ready = "true";
}

start();
