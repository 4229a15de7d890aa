// The PIN pad: digits live only in this closure, never in the DOM, a URL or a log; the display shows ●.
// Centred, large keys; 決定 is the action bar's primary button, 戻る / やめる beside it.
import { h } from "./ui.js";
import { plain, t } from "./i18n.js";
import { page } from "./layout.js";

export function pinPad({ length = 4, triesLeft, message, onSubmit, onCancel, onBack = null, flow = null, step = 0, explainKey = "pin.explain" }) {
  let digits = "";
  const dots = h("div", { class: "pin-dots", id: "pin-dots", role: "status", "aria-live": "polite" });
  let submit = null;
  const refresh = () => {
    dots.replaceChildren(
      ...Array.from({ length }, (_, i) => h("span", { class: i < digits.length ? "dot filled" : "dot" }, i < digits.length ? "●" : "○")),
    );
    dots.setAttribute("aria-label", plain("pin.entered", { count: digits.length, length }));
    if (submit) submit.disabled = digits.length !== length;
  };
  const press = (digit) => {
    if (digits.length < length) digits += digit;
    refresh();
  };
  const back = () => {
    digits = digits.slice(0, -1);
    refresh();
  };
  const send = () => {
    if (digits.length !== length) return;
    const pin = digits;
    digits = "";
    refresh();
    onSubmit(pin);
  };
  const key = (d) => h("button", { type: "button", class: "pin-key", "data-key": "digit", onclick: () => press(d) }, d);
  const pad = h(
    "div",
    { class: "pin-pad", role: "group", "aria-label": plain("pin.pad") },
    ...["1", "2", "3", "4", "5", "6", "7", "8", "9"].map(key),
    h("button", { type: "button", class: "pin-key small", id: "pin-back", "aria-label": plain("pin.back_label"), onclick: back }, h("span", { "aria-hidden": "true" }, "⌫ "), h("span", { html: t("pin.back") })),
    key("0"),
    h("span", { class: "pin-gap", "aria-hidden": "true" }),
  );
  // Physical keyboard: digits, Backspace and Enter work too (keyboard-only operation).
  pad.addEventListener("keydown", (event) => {
    if (/^[0-9]$/.test(event.key)) {
      event.preventDefault();
      press(event.key);
    } else if (event.key === "Backspace") {
      event.preventDefault();
      back();
    }
  });
  const warning =
    triesLeft === 1
      ? h("p", { class: "warning", role: "alert", id: "pin-last-try" }, h("span", { class: "icon", "aria-hidden": "true" }, "⚠ "), h("span", { html: t("pin.last_try") }))
      : null;
  const screen = page({
    title: t("pin.title"),
    flow,
    step,
    className: "pin",
    content: [
      h("p", { class: "lead pin-explain", id: "pin-explain", html: t(explainKey) }),
      h("p", { class: "tries", id: "pin-tries", html: t("pin.tries_left", { tries: triesLeft }) }),
      warning,
      message ? h("p", { class: "error-text", role: "alert", html: message }) : null,
      dots,
      pad,
    ],
    next: { key: "pin.submit", onclick: send, id: "pin-submit", disabled: true },
    back: onBack ? { onclick: onBack, id: "pin-go-back" } : null,
    cancel: { onclick: onCancel, id: "pin-cancel" },
  });
  submit = screen.querySelector("#pin-submit");
  submit.classList.add("pin-submit");
  refresh();
  return screen;
}
