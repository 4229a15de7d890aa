// The 管理者 account page of the staff console: list the staff accounts, add one, disable one, reset a
// password (and TOTP). Every change goes to the daemon's StaffService as the signed-in 管理者, who checks
// the role and writes the audit rows. A new TOTP secret is shown once, as a QR code for an authenticator
// app (drawn by the UI server, /staff/api/qr) and as text; it is never stored in the browser.
import { postJson, rpc } from "./api.js";
import { signedInStaff } from "./staffauth.js";
import { button, problem } from "./staffui.js";
import { h } from "./ui.js";

const ROLES = ["窓口", "会計", "管理者"];
export const MANAGER_ROLE = "管理者";

function field(id, label, input) {
  return h("p", { class: "field" }, h("label", { for: id }, label), " ", input);
}

function roleBoxes(prefix) {
  return h(
    "fieldset",
    { id: `${prefix}-roles` },
    h("legend", {}, "役割 / Roles"),
    ...ROLES.map((role, index) =>
      h("label", { class: "choice" }, h("input", { type: "checkbox", name: "roles", value: role, id: `${prefix}-role-${index}` }), ` ${role}`),
    ),
  );
}

// The secret of a new enrolment: QR + text, with a button that hides it for good.
async function enrolment(secret, status) {
  if (!secret.totp_uri) return null;
  const figure = h("figure", { class: "qr", id: "totp-qr" }, h("figcaption", {}, `${secret.account.staff_id}: 認証アプリで読み取ってください（一度だけ表示） / Scan with an authenticator app (shown once)`));
  try {
    const reply = await postJson("/staff/api/qr", { text: secret.totp_uri });
    figure.prepend(h("div", { class: "qr-image", html: reply.svg }));
  } catch (error) {
    status.replaceChildren(problem(error));
  }
  const box = h("div", { id: "totp-enrolment" }, figure, h("p", {}, "キー / Key: ", h("code", { id: "totp-secret" }, secret.totp_secret)));
  box.append(button("登録しました / Done", () => box.remove(), "primary", { id: "totp-done" }));
  return box;
}

function accountRow(account, act) {
  const state = account.disabled ? "停止中 / Disabled" : "有効 / Enabled";
  return h(
    "tr",
    { "data-account": account.staff_id },
    h("th", { scope: "row" }, account.staff_id),
    h("td", {}, account.display_name),
    h("td", {}, (account.roles || []).join("・")),
    h("td", { class: "account-state" }, state),
    h("td", {}, account.has_totp ? "✔" : "—"),
    h(
      "td",
      {},
      account.disabled || account.staff_id === signedInStaff()?.staff_id ? "" : button("停止 / Disable", () => act("disable", account), "danger", { "aria-label": `停止 / Disable: ${account.staff_id}` }),
      " ",
      button("再設定 / Reset", () => act("reset", account), "secondary", { "aria-label": `再設定 / Reset: ${account.staff_id}` }),
    ),
  );
}

function addForm(onAdded, status) {
  const form = h(
    "form",
    { id: "account-add" },
    h("h2", {}, "職員を追加 / Add staff"),
    field("account-staff-id", "職員番号 / Staff number", h("input", { id: "account-staff-id", autocomplete: "off" })),
    field("account-name", "表示名 / Display name", h("input", { id: "account-name", autocomplete: "off" })),
    roleBoxes("account-add"),
    field("account-password", "初期パスワード（12文字以上） / Initial password (12+ characters)", h("input", { id: "account-password", type: "password", autocomplete: "new-password" })),
    h("p", { class: "field" }, h("label", {}, h("input", { type: "checkbox", id: "account-totp" }), " 確認コード(TOTP)を使う / Require a TOTP code")),
    h("button", { type: "submit", class: "button primary", id: "account-add-submit" }, "追加 / Add"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const password = form.elements["account-password"];
    const request = {
      staff_id: form.elements["account-staff-id"].value.trim(),
      display_name: form.elements["account-name"].value.trim(),
      roles: [...form.querySelectorAll("input[name=roles]:checked")].map((box) => box.value),
      password: password.value,
      totp: form.elements["account-totp"].checked,
    };
    password.value = "";
    try {
      onAdded(await rpc("StaffService", "AddAccount", request));
      form.reset();
    } catch (error) {
      status.replaceChildren(problem(error));
    }
  });
  return form;
}

function resetForm(account, onReset, status) {
  const form = h(
    "form",
    { id: "account-reset", "data-account": account.staff_id },
    h("h2", {}, `パスワード再設定 / Reset: ${account.staff_id}`),
    field("reset-password", "新しいパスワード（12文字以上） / New password (12+ characters)", h("input", { id: "reset-password", type: "password", autocomplete: "new-password" })),
    field(
      "reset-totp",
      "確認コード / TOTP",
      h(
        "select",
        { id: "reset-totp" },
        h("option", { value: "TOTP_CHANGE_UNSPECIFIED" }, "変更しない / Keep"),
        h("option", { value: "TOTP_CHANGE_NEW_SECRET" }, "新しく登録 / New secret"),
        h("option", { value: "TOTP_CHANGE_REMOVE" }, "使わない / Remove"),
      ),
    ),
    h("button", { type: "submit", class: "button primary", id: "account-reset-submit" }, "再設定 / Reset"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const password = form.elements["reset-password"];
    const request = { staff_id: account.staff_id, password: password.value, totp: form.elements["reset-totp"].value };
    password.value = "";
    try {
      onReset(await rpc("StaffService", "ResetAccount", request));
    } catch (error) {
      status.replaceChildren(problem(error));
    }
  });
  return form;
}

export async function accounts(screen, notice = null) {
  const status = h("div", { id: "accounts-status", "aria-live": "polite" });
  const again = (next) => accounts(screen, next);
  const changed = async (secret, words) => again(h("div", {}, h("p", { class: "ok-text", id: "accounts-done" }, words), await enrolment(secret, status)));
  screen.replaceChildren(h("h1", {}, "職員アカウント / Staff accounts"), status);
  if (notice) screen.append(notice);
  let reply;
  try {
    reply = await rpc("StaffService", "ListAccounts", {});
  } catch (error) {
    return screen.append(problem(error));
  }
  const act = async (what, account) => {
    if (what === "reset") {
      screen.querySelector("#account-reset")?.remove();
      screen.append(resetForm(account, (secret) => changed(secret, `✔ ${account.staff_id}: 再設定しました / Reset`), status));
      screen.querySelector("#reset-password").focus();
      return;
    }
    try {
      await rpc("StaffService", "DisableAccount", { staff_id: account.staff_id });
      await again(h("p", { class: "ok-text", id: "accounts-done" }, `✔ ${account.staff_id}: 停止しました / Disabled`));
    } catch (error) {
      status.replaceChildren(problem(error));
    }
  };
  screen.append(
    h(
      "table",
      { id: "account-table" },
      h("caption", {}, "職員一覧 / Staff"),
      h("thead", {}, h("tr", {}, ...["職員番号 / Number", "表示名 / Name", "役割 / Roles", "状態 / State", "TOTP", "操作 / Action"].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, ...reply.accounts.map((account) => accountRow(account, act))),
    ),
    addForm((secret) => changed(secret, `✔ ${secret.account.staff_id}: 追加しました / Added`), status),
  );
}
