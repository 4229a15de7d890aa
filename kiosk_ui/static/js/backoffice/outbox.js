// The applications of every terminal: those the terminals released arrive here to be checked; staff open
// one to check and correct it (the server renders the PDF again), mark it checked, and export the checked
// ones to the 申請管理 format. The server records who did each step. Values go only in POST bodies.
import { changes, fieldEditor } from "../outbox.js";
import { h } from "../ui.js";
import { act, read } from "./api.js";
import { action, problem, table } from "./common.js";
import { L, when } from "./labels.js";

const STATUSES = ["released", "checked", "exported"];
let shown = "released";

function place(item) {
  return `${item.office} · ${item.terminal_id}`;
}

export async function outboxScreen(screen, notice = "") {
  const status = h("div", { id: "outbox-status", "aria-live": "polite" }, notice ? h("p", { class: "notice" }, notice) : null);
  const filter = h(
    "div",
    { class: "actions", role: "group", "aria-label": L("outbox.filter") },
    ...STATUSES.map((value) =>
      action(`outbox.status.${value}`, () => {
        shown = value;
        outboxScreen(screen);
      }, value === shown ? "primary" : "secondary", { id: `outbox-show-${value}`, "aria-pressed": value === shown ? "true" : "false" }),
    ),
  );
  screen.replaceChildren(h("h1", {}, L("outbox.title")), filter, status);
  let reply;
  try {
    reply = await read("applications", { status: shown });
  } catch (error) {
    return screen.append(problem(error));
  }
  const again = (text) => outboxScreen(screen, text);
  const rows = reply.applications.map((item) =>
    h(
      "tr",
      { "data-application": item.key },
      h("td", {}, item.reception_id),
      h("td", {}, item.title),
      h("td", {}, place(item)),
      h("td", {}, when(item.received_time)),
      h("td", {}, item.missing.length ? `${L("outbox.missing_mark")} ${item.missing.length}` : L("common.none")),
      h("td", {}, item.corrected_by ? L("outbox.by", { who: item.corrected_by }) : L("common.none")),
      h(
        "td",
        {},
        item.has_contents ? action("outbox.check", () => detail(screen, item.key), "secondary", { class: "button secondary open-application" }) : L("outbox.removed"),
        shown === "released" ? [" ", action("outbox.release", () => release(item.key, status, again), "primary", { class: "button primary release-application" })] : null,
      ),
    ),
  );
  const columns = ["outbox.reception", "outbox.form", "outbox.place", "outbox.received", "outbox.missing", "outbox.corrected", "outbox.actions"];
  screen.append(table("applications", L("outbox.caption", { status: L(`outbox.status.${shown}`), count: rows.length }), columns, rows));
  if (shown === "checked" && rows.length) {
    screen.append(h("div", { class: "actions" }, action("outbox.export", () => exportChecked(status, again), "primary", { id: "export-applications" })));
  }
}

async function release(key, status, done) {
  try {
    await act("applications/release", { key });
    done(L("outbox.released"));
  } catch (error) {
    status.replaceChildren(problem(error));
  }
}

async function exportChecked(status, done) {
  try {
    const reply = await act("applications/export", {});
    done(L("outbox.exported", { count: reply.exported }));
  } catch (error) {
    status.replaceChildren(problem(error));
  }
}

async function detail(screen, key, notice = "") {
  let application;
  try {
    application = await act("applications/get", { key });
  } catch (error) {
    return screen.replaceChildren(problem(error));
  }
  screen.dataset.screen = "outbox-detail";
  const status = h("div", { id: "outbox-status", "aria-live": "polite" }, notice ? h("p", { class: "notice" }, notice) : null);
  const form = h("form", { id: "application-form", onsubmit: (event) => event.preventDefault() }, ...application.fields.map(fieldEditor));
  const back = (text = "") => {
    screen.dataset.screen = "outbox";
    outboxScreen(screen, text);
  };
  const save = async () => {
    const corrections = changes(form);
    if (!corrections.length) return status.replaceChildren(h("p", { class: "notice" }, L("outbox.nothing_changed")));
    try {
      await act("applications/correct", { key, corrections });
      detail(screen, key, L("outbox.saved"));
    } catch (error) {
      status.replaceChildren(problem(error));
    }
  };
  const checkable = application.status === "released";
  // replaceChildren() would write a null as the word "null" (the screen audit's check): filtered out.
  const parts = [
    h("h1", {}, `${application.title} — ${application.reception_id}`),
    h("p", {}, place(application)),
    application.corrected_by ? h("p", { id: "corrected-by" }, L("outbox.by", { who: application.corrected_by })) : null,
    status,
    form,
    h(
      "div",
      { class: "actions" },
      checkable ? action("outbox.save", save, "primary", { id: "save-corrections" }) : null,
      checkable ? action("outbox.release", () => release(key, status, back), "primary", { id: "release-application" }) : null,
      action("common.back", () => back(), "secondary", { id: "back-to-outbox" }),
    ),
  ];
  screen.replaceChildren(...parts.filter(Boolean));
}
