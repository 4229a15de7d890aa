// One JSON file per language in /static/i18n/. A missing key falls back to Japanese.
// やさしい日本語 carries furigana as <ruby> markup, so texts are set as HTML; every parameter
// (a name, an address) is escaped before it is put in.

const files = {};
let current = "ja";
let dictionary = {};
let fallback = {};

export const LANGUAGE_NAMES = {
  ja: "日本語",
  "ja-easy": "やさしい にほんご",
  en: "English",
  zh: "中文",
  ko: "한국어",
  vi: "Tiếng Việt",
};

const HTML_LANG = { ja: "ja", "ja-easy": "ja", en: "en", zh: "zh", ko: "ko", vi: "vi" };

async function load(code) {
  if (!files[code]) {
    const reply = await fetch(`/static/i18n/${code}.json`);
    files[code] = reply.ok ? await reply.json() : {};
  }
  return files[code];
}

export async function setLanguage(code) {
  fallback = await load("ja");
  dictionary = await load(code);
  current = code;
  document.documentElement.lang = HTML_LANG[code] || "ja";
  document.documentElement.dataset.language = code;
}

// The Japanese words without choosing a language for the page: a page with its own language files (the
// back office) still shows the staff sign-in and badge in words, never as keys.
export async function ensureLoaded() {
  if (Object.keys(fallback).length) return;
  fallback = await load("ja");
  if (!Object.keys(dictionary).length) dictionary = fallback;
}

export function language() {
  return current;
}

export function escapeHtml(value) {
  return String(value ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function has(key) {
  return key in dictionary || key in fallback;
}

// The translated text as HTML (parameters escaped).
export function t(key, params = {}) {
  const text = dictionary[key] ?? fallback[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => escapeHtml(params[name]));
}

// The translated text with parameters that are already HTML (escaped by the caller: ruby labels, names).
export function tHtml(key, htmlParams = {}) {
  const text = dictionary[key] ?? fallback[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(htmlParams[name] ?? ""));
}

// The translated text without markup (for aria-label and title attributes).
export function plain(key, params = {}) {
  const holder = document.createElement("div");
  holder.innerHTML = t(key, params).replace(/<rt>.*?<\/rt>/g, "");
  return holder.textContent;
}

// Title and "what to do" for a daemon reason key.
export function errorText(reason) {
  const known = has(`error.${reason}.title`);
  return {
    title: t(known ? `error.${reason}.title` : "error.default.title"),
    todo: t(known ? `error.${reason}.todo` : "error.default.todo"),
    known,
  };
}
