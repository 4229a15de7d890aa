// Helpers of the staff console's screens: buttons and errors in the language files' words, the language
// switch (ja, やさしい日本語, en), and re-drawing the current screen after a language change.
import { LANGUAGE_NAMES, errorText, language, setLanguage, t } from "./i18n.js";
import { h } from "./ui.js";

export const STAFF_LANGUAGES = ["ja", "ja-easy", "en"];
const STORED = "frontyard.staff_language";

// A button whose label is HTML (a t() result, or a persona id).
export function button(html, onclick, variant = "secondary", extra = {}) {
  return h("button", { type: "button", class: `button ${variant}`, onclick, html, ...extra });
}

// An error in words: the language file's title for the daemon's reason, else the daemon's Japanese message
// on a Japanese page, else a general sentence (the reason key stays in data-reason, not in the text).
export function problem(error) {
  const reason = error.reason || "internal";
  const { title, known } = errorText(reason);
  const japanese = language() === "ja" && error.messageJa;
  const text = japanese || (known ? title : t("staff.error.generic"));
  return h("p", { class: "error-text", role: "alert", "data-reason": reason, html: `✖ ${text}` });
}

// The screen to draw again after a language change (the current tab, or the sign-in form).
const redraws = new Set();
export function onLanguage(redraw) {
  redraws.add(redraw);
  return () => redraws.delete(redraw);
}

export async function startLanguage() {
  const stored = localStorage.getItem(STORED);
  await setLanguage(STAFF_LANGUAGES.includes(stored) ? stored : "ja");
}

async function changeLanguage(code) {
  localStorage.setItem(STORED, code);
  await setLanguage(code);
  for (const redraw of [...redraws]) redraw();
}

// Three buttons, each language named in itself; the current one pressed.
export function languageSwitch() {
  const nav = h("nav", { class: "staff-languages", "aria-label": "Language / 言語" });
  const draw = () =>
    nav.replaceChildren(
      ...STAFF_LANGUAGES.map((code) =>
        h(
          "button",
          { type: "button", class: "language", lang: code === "ja-easy" ? "ja" : code, "data-staff-language": code, "aria-pressed": String(code === language()), onclick: () => changeLanguage(code) },
          LANGUAGE_NAMES[code],
        ),
      ),
    );
  draw();
  onLanguage(draw);
  return nav;
}

// What staff typed into the controls under `root`, to put back once it is drawn again (a language change
// redraws a screen): each control's value or tick by `keyOf(control)` (no key: not kept), only where
// `keep(control)` says so.
export function typedControls(root, keyOf, keep = () => true) {
  const typed = new Map();
  for (const control of root.querySelectorAll("input, select, textarea")) {
    const key = keyOf(control);
    if (key && keep(control)) typed.set(key, control.type === "checkbox" ? control.checked : control.value);
  }
  return typed;
}

export function restoreControls(root, typed, keyOf) {
  for (const control of root.querySelectorAll("input, select, textarea")) {
    const key = keyOf(control);
    if (!key || !typed.has(key)) continue;
    if (control.type === "checkbox") control.checked = typed.get(key);
    else control.value = typed.get(key);
  }
}
