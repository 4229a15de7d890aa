// Small DOM helpers: build elements, swap screens, keep focus where a keyboard or screen reader expects it.
import { t } from "./i18n.js";

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "html") element.innerHTML = value;
    else if (name === "i18n") element.innerHTML = t(value);
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

// A button whose label is a translation key; `variant` is primary | secondary | danger.
export function button(key, onclick, variant = "secondary", extra = {}) {
  return h("button", { type: "button", class: `button ${variant}`, onclick, html: t(key), ...extra });
}

export function show(container, screenName, ...content) {
  container.replaceChildren(...content);
  container.dataset.screen = screenName;
  document.body.dataset.screen = screenName;
  const heading = container.querySelector("h1, h2");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }
}

// A kiosk.v1 Money ({yen}; JSON carries the int64 as a string) as digits with separators: "1,200".
export function yen(money) {
  return `${yenOf(money).toLocaleString("ja-JP")}`;
}

// The whole yen of a Money, 0 when it is missing.
export function yenOf(money) {
  return Number((money && money.yen) || 0);
}
