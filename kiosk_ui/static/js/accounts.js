// The 管理者 account page of the staff console: list the staff accounts, add one, disable one, reset a
// password (and TOTP). Every change goes to the daemon's StaffService as the signed-in 管理者, who checks
// the role and writes the audit rows. A new TOTP secret is shown once, as a QR code for an authenticator
// app (drawn by the UI server, /staff/api/qr) and as text; it is never stored in the browser.
// Every word is a `staff.accounts.*` key of the language files; a language change draws the page again in
// place, keeping what was typed, the last change's notice and a TOTP enrolment on screen.
import { postJson, rpc } from "./api.js";
import { plain, t } from "./i18n.js";
import { signedInStaff } from "./staffauth.js";
import { button, onLanguage, problem, restoreControls, typedControls } from "./staffui.js";
import { h } from "./ui.js";

// The daemon's role values (StaffRole) and their words, `staff.accounts.role.<word>`.
const ROLES = [
  ["窓口", "counter"],
  ["会計", "cashier"],
  ["管理者", "admin"],
];
export const MANAGER_ROLE = "管理者";

function roleLabel(value) {
  const role = ROLES.find(([known]) => known === value);
  return role ? t(`staff.accounts.role.${role[1]}`) : "—";
}

function field(id, key, input) {
  return h("p", { class: "field" }, h("label", { for: id, html: t(key) }), " ", input);
}

function roleBoxes(prefix) {
  return h(
    "fieldset",
    { id: `${prefix}-roles` },
    h("legend", { html: t("staff.accounts.roles") }),
    ...ROLES.map(([value], index) => {
      const id = `${prefix}-role-${index}`;
      return h("label", { class: "box-choice", for: id }, h("input", { type: "checkbox", name: "roles", value, id }), " ", h("span", { html: roleLabel(value) }));
    }),
  );
}

// A new TOTP secret: its QR (drawn once, when the secret comes back) and the key as text.
async function enrolmentOf(secret) {
  if (!secret.totp_uri) return null;
  const enrolment = { staff_id: secret.account.staff_id, key: secret.totp_secret, svg: "", error: null };
  try {
    enrolment.svg = (await postJson("/staff/api/qr", { text: secret.totp_uri })).svg;
  } catch (error) {
    enrolment.error = error;
  }
  return enrolment;
}

function enrolmentBox(enrolment, done) {
  const figure = h("figure", { class: "qr", id: "totp-qr" }, h("figcaption", { html: t("staff.accounts.enrol.caption", { id: enrolment.staff_id }) }));
  if (enrolment.svg) figure.prepend(h("div", { class: "qr-image", html: enrolment.svg }));
  return h(
    "div",
    { id: "totp-enrolment" },
    enrolment.error ? problem(enrolment.error) : null,
    figure,
    h("p", {}, h("span", { html: t("staff.accounts.enrol.key") }), " ", h("code", { id: "totp-secret" }, enrolment.key)),
    button(t("staff.accounts.enrol.done"), done, "primary", { id: "totp-done" }),
  );
}

function accountRow(account, act) {
  const own = account.staff_id === signedInStaff()?.staff_id;
  return h(
    "tr",
    { "data-account": account.staff_id },
    h("th", { scope: "row" }, account.staff_id),
    h("td", {}, account.display_name),
    h("td", { html: (account.roles || []).map(roleLabel).join("・") || "—" }),
    h("td", { class: "account-state", html: t(account.disabled ? "staff.accounts.disabled" : "staff.accounts.enabled") }),
    h("td", { html: t(account.has_totp ? "staff.accounts.totp_on" : "staff.accounts.totp_off") }),
    h(
      "td",
      {},
      account.disabled || own ? "" : button(t("staff.accounts.disable"), () => act("disable", account), "danger", { "aria-label": plain("staff.accounts.disable_label", { id: account.staff_id }) }),
      " ",
      button(t("staff.accounts.reset"), () => act("reset", account), "secondary", { "aria-label": plain("staff.accounts.reset_label", { id: account.staff_id }) }),
    ),
  );
}

function addForm(submit) {
  const form = h(
    "form",
    { id: "account-add" },
    h("h2", { html: t("staff.accounts.add.title") }),
    field("account-staff-id", "staff.accounts.add.staff_id", h("input", { id: "account-staff-id", autocomplete: "off" })),
    field("account-name", "staff.accounts.add.name", h("input", { id: "account-name", autocomplete: "off" })),
    roleBoxes("account-add"),
    field("account-password", "staff.accounts.add.password", h("input", { id: "account-password", type: "password", autocomplete: "new-password" })),
    h("p", {}, h("label", { class: "box-choice", for: "account-totp" }, h("input", { type: "checkbox", id: "account-totp" }), " ", h("span", { html: t("staff.accounts.add.totp") }))),
    h("button", { type: "submit", class: "button primary", id: "account-add-submit", html: t("staff.accounts.add.submit") }),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const password = form.elements["account-password"];
    const request = {
      staff_id: form.elements["account-staff-id"].value.trim(),
      display_name: form.elements["account-name"].value.trim(),
      roles: [...form.querySelectorAll("input[name=roles]:checked")].map((box) => box.value),
      password: password.value,
      totp: form.elements["account-totp"].checked,
    };
    password.value = ""; // cleared as it is sent
    submit(request, form);
  });
  return form;
}

function resetForm(staffId, submit) {
  const option = (value, key) => h("option", { value, html: t(key) });
  const form = h(
    "form",
    { id: "account-reset", "data-account": staffId },
    h("h2", { html: t("staff.accounts.reset.title", { id: staffId }) }),
    field("reset-password", "staff.accounts.reset.password", h("input", { id: "reset-password", type: "password", autocomplete: "new-password" })),
    field(
      "reset-totp",
      "staff.accounts.reset.totp",
      h(
        "select",
        { id: "reset-totp" },
        option("TOTP_CHANGE_UNSPECIFIED", "staff.accounts.totp.keep"),
        option("TOTP_CHANGE_NEW_SECRET", "staff.accounts.totp.new"),
        option("TOTP_CHANGE_REMOVE", "staff.accounts.totp.remove"),
      ),
    ),
    h("button", { type: "submit", class: "button primary", id: "account-reset-submit", html: t("staff.accounts.reset.submit") }),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const password = form.elements["reset-password"];
    const request = { staff_id: staffId, password: password.value, totp: form.elements["reset-totp"].value };
    password.value = "";
    submit(request);
  });
  return form;
}

export async function accounts(screen) {
  // What the page shows besides the list, kept so that a language change draws it again.
  const view = {
    accounts: [],
    listError: null,
    error: null, // the last refused change
    notice: null, // [key, staff id] of the last change done
    enrolment: null, // a new TOTP secret, until 「登録しました」
    resetting: null, // the staff id whose reset form is open
  };
  const page = h("div", { id: "accounts-page" });
  screen.replaceChildren(page);

  const controlId = (control) => control.id;
  const draw = () => {
    const typed = typedControls(page, controlId);
    const status = h("div", { id: "accounts-status", "aria-live": "polite" }, view.error ? problem(view.error) : null);
    const parts = [h("h1", { html: t("staff.accounts.title") }), status];
    if (view.notice) parts.push(h("p", { class: "ok-text", id: "accounts-done", html: t(view.notice[0], { id: view.notice[1] }) }));
    if (view.enrolment) parts.push(enrolmentBox(view.enrolment, forgetEnrolment));
    if (view.listError) parts.push(problem(view.listError));
    else {
      const columns = ["staff.accounts.col.number", "staff.accounts.col.name", "staff.accounts.col.roles", "staff.accounts.col.state", "staff.accounts.col.totp", "staff.col.action"];
      parts.push(
        h(
          "div",
          { class: "account-table-wrap" },
          h(
            "table",
            { id: "account-table" },
            h("caption", { html: t("staff.accounts.caption") }),
            h("thead", {}, h("tr", {}, ...columns.map((key) => h("th", { scope: "col", html: t(key) })))),
            h("tbody", {}, ...view.accounts.map((account) => accountRow(account, act))),
          ),
        ),
        addForm(add),
      );
      if (view.resetting) parts.push(resetForm(view.resetting, reset));
    }
    page.replaceChildren(...parts);
    restoreControls(page, typed, controlId);
  };
  const load = async () => {
    try {
      view.accounts = (await rpc("StaffService", "ListAccounts", {})).accounts || [];
      view.listError = null;
    } catch (error) {
      view.listError = error;
    }
  };
  // After a change: the list again, the notice, and a new TOTP secret to enrol.
  const changed = async (notice, secret = null) => {
    view.error = null;
    view.notice = notice;
    view.enrolment = secret ? await enrolmentOf(secret) : null;
    await load();
    draw();
  };
  const refused = (error) => {
    view.error = error;
    draw();
  };
  const forgetEnrolment = () => {
    view.enrolment = null;
    draw();
  };
  const add = async (request, form) => {
    try {
      const secret = await rpc("StaffService", "AddAccount", request);
      form.reset();
      await changed(["staff.accounts.done.added", secret.account.staff_id], secret);
    } catch (error) {
      refused(error);
    }
  };
  const reset = async (request) => {
    try {
      const secret = await rpc("StaffService", "ResetAccount", request);
      view.resetting = null;
      await changed(["staff.accounts.done.reset", request.staff_id], secret);
    } catch (error) {
      refused(error);
    }
  };
  const act = async (what, account) => {
    if (what === "reset") {
      view.resetting = account.staff_id;
      draw();
      page.querySelector("#reset-password").focus();
      return;
    }
    try {
      await rpc("StaffService", "DisableAccount", { staff_id: account.staff_id });
      await changed(["staff.accounts.done.disabled", account.staff_id]);
    } catch (error) {
      refused(error);
    }
  };

  await load();
  draw();
  const forget = onLanguage(() => (page.isConnected ? draw() : forget()));
}
