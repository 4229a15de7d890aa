// Staff sign-in for the staff console and the counter tablet (the server side is kiosk_ui/auth.py).
// The session lives in an HttpOnly cookie the page cannot read; the page keeps only the CSRF token (in
// memory, never in storage) and sends it on every state-changing call under /staff/. A 401 from the
// staff bridge (session expired or signed out elsewhere) asks for the sign-in again.
import { ensureLoaded, language, t } from "./i18n.js";
import { languageSwitch, onLanguage } from "./staffui.js";
import { h } from "./ui.js";

let csrf = "";
let current = null;
let pending = null;

const nativeFetch = window.fetch.bind(window);

window.fetch = async (input, init = {}) => {
  const url = new URL(typeof input === "string" ? input : input.url, window.location.href);
  const method = (init.method || "GET").toUpperCase();
  const staffPath = url.origin === window.location.origin && url.pathname.startsWith("/staff/");
  if (staffPath && method !== "GET" && method !== "HEAD") {
    init = { ...init, headers: { ...(init.headers || {}), "X-CSRF-Token": csrf } };
  }
  const reply = await nativeFetch(input, init);
  if (staffPath && reply.status === 401 && url.pathname.startsWith("/staff/api/")) {
    current = null;
    requireStaff();
  }
  return reply;
};

// The signed-in person ({staff_id, display_name, roles}), or null.
export function signedInStaff() {
  return current;
}

function badgeContent(badge) {
  badge.replaceChildren(
    h("span", { id: "signed-in-as", html: t("staff.auth.who", { name: current.display_name, id: current.staff_id }) }),
    " ",
    h("button", { type: "button", id: "sign-out", onclick: signOut, html: t("staff.auth.sign_out") }),
  );
}

function signedIn(data) {
  csrf = data.csrf_token;
  current = { staff_id: data.staff_id, display_name: data.display_name, roles: data.roles };
  const badge = document.getElementById("staff-badge") || h("div", { id: "staff-badge", class: "staff-badge" });
  badgeContent(badge);
  if (!badge.isConnected) {
    document.body.prepend(badge);
    onLanguage(() => current && badgeContent(badge));
  }
}

async function signOut() {
  await nativeFetch("/staff/auth/sign-out", { method: "POST", headers: { "X-CSRF-Token": csrf } });
  current = null;
  csrf = "";
  window.location.reload();
}

// The sign-in form, in the language chosen with its own switch (the page behind the dialog is inert).
function dialog(resolve) {
  const status = h("p", { id: "sign-in-status", role: "alert" });
  const label = (id, key) => h("label", { for: id, html: t(key), "data-key": key });
  const field = (id, key, type, autocomplete) => h("p", { class: "field" }, label(id, key), " ", h("input", { id, name: id, type, autocomplete }));
  const title = h("h1", { html: t("staff.auth.title") });
  const submit = h("button", { type: "submit", id: "sign-in-submit", class: "button primary", html: t("staff.auth.submit") });
  const form = h(
    "form",
    { id: "sign-in-form" },
    languageSwitch(),
    title,
    field("sign-in-staff-id", "staff.auth.staff_id", "text", "username"),
    field("sign-in-password", "staff.auth.password", "password", "current-password"),
    field("sign-in-totp", "staff.auth.totp", "text", "one-time-code"),
    status,
    submit,
  );
  const forget = onLanguage(() => {
    title.innerHTML = t("staff.auth.title");
    submit.innerHTML = t("staff.auth.submit");
    for (const each of form.querySelectorAll("label[data-key]")) each.innerHTML = t(each.dataset.key);
    if (status.dataset.reason) status.innerHTML = t("staff.auth.failed");
  });
  const box = h("dialog", { id: "staff-sign-in", class: "dialog" }, form);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = {
      staff_id: form.elements["sign-in-staff-id"].value.trim(),
      password: form.elements["sign-in-password"].value,
      totp_code: form.elements["sign-in-totp"].value.trim(),
    };
    form.elements["sign-in-password"].value = "";
    const reply = await nativeFetch("/staff/auth/sign-in", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const data = await reply.json().catch(() => ({ error: { reason: "internal" } }));
    if (!reply.ok) {
      const error = data.error || {};
      status.dataset.reason = error.reason || "internal";
      if (language() === "ja" && error.message_ja) status.textContent = error.message_ja;
      else status.innerHTML = t("staff.auth.failed");
      return;
    }
    forget();
    signedIn(data);
    box.close();
    box.remove();
    resolve(current);
  });
  return box;
}

// Resolves with the signed-in person; asks for the sign-in first when there is no live session.
export function requireStaff() {
  if (current) return Promise.resolve(current);
  if (pending) return pending;
  pending = (async () => {
    await ensureLoaded();
    const reply = await nativeFetch("/staff/auth/session", { cache: "no-store" });
    if (reply.ok) {
      signedIn(await reply.json());
      return current;
    }
    return await new Promise((resolve) => {
      const box = dialog(resolve);
      document.body.append(box);
      box.showModal();
      document.getElementById("sign-in-staff-id").focus();
    });
  })();
  pending.finally(() => {
    pending = null;
  });
  return pending;
}
