// The back-office console's words, from /static/i18n/backoffice/<language>.json (ja and en; a missing key
// falls back to Japanese). Texts are set as text nodes, never as HTML, so parameters need no escaping. A
// value the files do not know (a device slot, a reason) is shown as a generic word, never as its key.

const files = {};
let dictionary = {};
let fallback = {};
let current = "ja";

async function load(code) {
  if (!files[code]) {
    const reply = await fetch(`/static/i18n/backoffice/${code}.json`);
    files[code] = reply.ok ? await reply.json() : {};
  }
  return files[code];
}

export const LANGUAGES = ["ja", "en"];

export async function setLanguage(code) {
  fallback = await load("ja");
  dictionary = await load(code);
  current = code;
  document.documentElement.lang = code;
}

// Marks the page as shown in `code` (after its screen was drawn in that language: tests wait for it).
export function markLanguage(code) {
  document.documentElement.dataset.language = code;
}

export function language() {
  return current;
}

// The text of `key` with {name} parameters filled in.
export function L(key, params = {}) {
  const text = dictionary[key] ?? fallback[key] ?? fallback["common.none"] ?? "—";
  return text.replace(/\{(\w+)\}/g, (_, name) => String(params[name] ?? ""));
}

// The text of `prefix.value` when the files know it, else of `otherKey`.
export function known(prefix, value, otherKey = "common.none") {
  const key = `${prefix}.${value}`;
  return key in dictionary || key in fallback ? L(key) : L(otherKey);
}

export function yen(amount) {
  const number = Number(amount || 0).toLocaleString(current === "en" ? "en-US" : "ja-JP");
  return L("common.yen", { amount: number });
}

export function when(iso) {
  if (!iso) return L("common.none");
  return new Date(iso).toLocaleString(current === "en" ? "en-GB" : "ja-JP", { hour12: false });
}
