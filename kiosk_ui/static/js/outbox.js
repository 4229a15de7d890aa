// The application outbox in the staff console: list what awaits a check, open one to check and correct
// its fields (the daemon validates each value and renders the PDF again), release it. Every change is made
// by the signed-in person (issue 17); values are sent only in the POST body, never in a URL.
import { rpc } from "./api.js";
import { escapeHtml, has, t, tHtml } from "./i18n.js";
import { button, onLanguage, problem, restoreControls, typedControls } from "./staffui.js";
import { fieldLabel } from "./stafflabels.js";
import { requireStaff, signedInStaff } from "./staffauth.js";
import { h } from "./ui.js";

// Earlier versions kept a typed staff id in the browser: forget it.
localStorage.removeItem("frontyard.staff_id");
sessionStorage.removeItem("frontyard.staff_id");

// Who acts: the signed-in person (staffauth.js); the daemon records the verified id, not a typed one.
function staffIdField() {
  const staff = signedInStaff();
  const who = staff ? t("staff.auth.who", { name: staff.display_name, id: staff.staff_id }) : "";
  return h("p", { class: "field", id: "acting-staff", html: tHtml("staff.outbox.staff", { who }) });
}

// The signed-in person's staff id, or null after asking them to sign in again.
function staffId(status) {
  const staff = signedInStaff();
  if (!staff) {
    status.replaceChildren(h("p", { class: "error-text", role: "alert", "data-reason": "staff_sign_in_required", html: `✖ ${t("staff.outbox.sign_in_required")}` }));
    requireStaff();
    return null;
  }
  return staff.staff_id;
}

async function release(name, status, done) {
  const staff = staffId(status);
  if (!staff) return;
  try {
    await rpc("ApplicationService", "ReleaseApplication", { name, staff_id: staff });
    done();
  } catch (error) {
    status.replaceChildren(problem(error));
  }
}

const MAX_PAGES = 100; // 500 a page: far more than a day's outbox

// ListApplications a page at a time, until the last page (or MAX_PAGES).
async function everyApplication(status) {
  const applications = [];
  let page_token = "";
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const reply = await rpc("ApplicationService", "ListApplications", { status, page_size: 500, page_token });
    applications.push(...(reply.applications || []));
    page_token = reply.next_page_token || "";
    if (!page_token) break;
  }
  return { applications };
}

export async function outbox(screen) {
  const status = h("div", { id: "outbox-status", "aria-live": "polite" });
  screen.replaceChildren(h("h1", { html: t("staff.outbox.title") }), staffIdField(), status);
  let reply;
  try {
    reply = await everyApplication("APPLICATION_STATUS_AWAITING_CHECK");
  } catch (error) {
    return screen.append(problem(error));
  }
  const again = () => outbox(screen);
  const rows = reply.applications.map((a) =>
    h(
      "tr",
      { "data-application": a.name },
      h("td", {}, a.reception_id),
      h("td", {}, a.title),
      h("td", {}, a.counter),
      h("td", {}, (a.missing || []).length ? h("ul", { class: "missing" }, ...a.missing.map((key) => h("li", { html: `⚠ ${fieldLabel(key)}` }))) : "—"),
      h("td", {}, a.corrected_by ? `✎ ${a.corrected_by}` : "—"),
      h(
        "td",
        {},
        button(t("staff.outbox.check"), () => detail(screen, a.name), "secondary", { class: "button secondary open-application" }),
        " ",
        button(t("staff.outbox.release"), () => release(a.name, status, again), "primary", { class: "button primary release-application" }),
      ),
    ),
  );
  const headings = ["staff.outbox.col.reception", "staff.outbox.col.form", "staff.outbox.col.counter", "staff.outbox.col.missing", "staff.outbox.col.corrected", "staff.col.action"];
  screen.append(
    h(
      "table",
      {},
      h("caption", { html: t("staff.outbox.awaiting", { count: rows.length }) }),
      h("thead", {}, h("tr", {}, ...headings.map((key) => h("th", { scope: "col", html: t(key) })))),
      h("tbody", {}, ...rows),
    ),
  );
}

// A word of the staff console's language files; the back office (its own files, backoffice/labels.js) also
// draws these fields, without the console's words loaded: there the Japanese word is shown, never the key.
function word(key, japanese) {
  return has(key) ? t(key) : escapeHtml(japanese);
}

// One input per field, by kind; the original value is kept to send only what staff changed.
export function fieldEditor(field, index) {
  const id = `field-${index}`;
  const missing = field.missing;
  const common = { id, name: field.key, "data-key": field.key, "aria-invalid": missing ? "true" : "false" };
  let input;
  if (field.kind === "FORM_FIELD_KIND_CHECKBOX") {
    input = h("input", { ...common, type: "checkbox", checked: field.checked });
    input.dataset.original = String(Boolean(field.checked));
  } else if (field.kind === "FORM_FIELD_KIND_CHOICE") {
    input = h("select", common, h("option", { value: "" }, "—"), ...(field.choices || []).map((c) => h("option", { value: c, selected: c === field.value }, c)));
    input.dataset.original = field.value || "";
  } else {
    const type = field.kind === "FORM_FIELD_KIND_DATE" ? "date" : field.kind === "FORM_FIELD_KIND_PHONE" ? "tel" : "text";
    input = h("input", { ...common, type, value: field.value || "", autocomplete: "off" });
    input.dataset.original = field.value || "";
  }
  const parts = [h("label", { for: id }, field.label, field.required ? " *" : ""), input];
  if (field.kind === "FORM_FIELD_KIND_NAME") {
    const furigana = h("input", { type: "text", id: `${id}-furigana`, "data-furigana-of": field.key, value: field.furigana || "", autocomplete: "off" });
    furigana.dataset.original = field.furigana || "";
    parts.push(h("label", { for: `${id}-furigana`, html: word("staff.outbox.furigana", "ふりがな") }), furigana);
  }
  if (missing) parts.push(h("span", { class: "warning", html: word("staff.outbox.missing", "⚠ 未記入") }));
  return h("div", { class: "form-field", "data-field": field.key }, ...parts);
}

export function changes(form) {
  const corrections = new Map();
  for (const input of form.querySelectorAll("[data-key]")) {
    const value = input.type === "checkbox" ? String(input.checked) : input.value;
    if (value !== input.dataset.original) corrections.set(input.dataset.key, { key: input.dataset.key, value });
  }
  for (const input of form.querySelectorAll("[data-furigana-of]")) {
    if (input.value === input.dataset.original) continue;
    const key = input.dataset.furiganaOf;
    const value = form.querySelector(`[data-key="${CSS.escape(key)}"]`).value;
    corrections.set(key, { ...(corrections.get(key) || { key, value }), furigana: input.value });
  }
  return [...corrections.values()];
}

// A control of the application form by its field: the value (`value:<key>`) or the furigana of a name.
function controlKey(control) {
  if (control.dataset.key) return `value:${control.dataset.key}`;
  return control.dataset.furiganaOf ? `furigana:${control.dataset.furiganaOf}` : "";
}

const edited = (control) => (control.type === "checkbox" ? String(control.checked) : control.value) !== control.dataset.original;

// `typed`: edits not saved yet (a language change draws the application again and puts them back).
async function detail(screen, name, notice = "", typed = new Map()) {
  let application;
  try {
    application = await rpc("ApplicationService", "GetApplication", { name });
  } catch (error) {
    return screen.replaceChildren(problem(error));
  }
  screen.dataset.screen = "outbox-detail";
  const status = h("div", { id: "outbox-status", "aria-live": "polite" }, notice ? h("p", { class: "notice", html: notice }) : null);
  const form = h("form", { id: "application-form", onsubmit: (event) => event.preventDefault() }, ...application.form.fields.map(fieldEditor));
  const back = () => {
    screen.dataset.screen = "outbox";
    outbox(screen);
  };
  const save = async () => {
    const staff = staffId(status);
    if (!staff) return;
    const corrections = changes(form);
    if (!corrections.length) return status.replaceChildren(h("p", { class: "notice", html: t("staff.outbox.nothing_changed") }));
    try {
      await rpc("ApplicationService", "CorrectApplication", { name, staff_id: staff, corrections });
      detail(screen, name, t("staff.outbox.saved"));
    } catch (error) {
      status.replaceChildren(problem(error));
    }
  };
  const parts = [
    h("h1", {}, `${application.title} — ${application.reception_id}`),
    staffIdField(),
    application.form.note ? h("p", {}, application.form.note) : null,
    application.corrected_by ? h("p", { id: "corrected-by", html: `✎ ${escapeHtml(application.corrected_by)}: ${(application.corrected_fields || []).map(fieldLabel).join(", ")}` }) : null,
    status,
    form,
    h(
      "div",
      { class: "actions" },
      button(t("staff.outbox.save"), save, "primary", { id: "save-corrections" }),
      button(t("staff.outbox.release"), () => release(name, status, back), "primary", { id: "release-application" }),
      button(t("staff.outbox.back"), back, "secondary", { id: "back-to-outbox" }),
    ),
  ];
  screen.replaceChildren(...parts.filter(Boolean));
  restoreControls(form, typed, controlKey);
  // A language change draws this application again, with the edits not saved yet.
  const forget = onLanguage(() => {
    forget();
    if (form.isConnected) detail(screen, name, "", typedControls(form, controlKey, edited));
  });
}
