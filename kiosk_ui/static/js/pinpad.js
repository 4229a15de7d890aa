// The PIN pad: digits live only in this closure, never in the DOM, a URL or a log; the display shows ●.
import { button, h } from "./ui.js";
import { t } from "./i18n.js";

export function pinPad({ length = 4, triesLeft, message, onSubmit, onCancel }) {
  let digits = "";
  const dots = h("div", { class: "pin-dots", id: "pin-dots", role: "status", "aria-live": "polite" });
  const submit = button("pin.submit", () => send(), "primary pin-submit", { id: "pin-submit", disabled: true });
  const refresh = () => {
    dots.replaceChildren(
      ...Array.from({ length }, (_, i) => h("span", { class: i < digits.length ? "dot filled" : "dot" }, i < digits.length ? "●" : "○")),
    );
    dots.setAttribute("aria-label", t("pin.entered", { count: digits.length, length }));
    submit.disabled = digits.length !== length;
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
  const keys = ["1", "2", "3", "4", "5", "6", "7", "8", "9"].map((d) =>
    h("button", { type: "button", class: "pin-key", "data-key": "digit", onclick: () => press(d) }, d),
  );
  const pad = h(
    "div",
    { class: "pin-pad", role: "group", "aria-label": t("pin.pad") },
    ...keys,
    h("button", { type: "button", class: "pin-key small", id: "pin-back", onclick: back, html: t("pin.back") }),
    h("button", { type: "button", class: "pin-key", "data-key": "digit", onclick: () => press("0") }, "0"),
    submit,
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
  refresh();
  const warning =
    triesLeft === 1
      ? h("p", { class: "warning", role: "alert", id: "pin-last-try" }, h("span", { class: "icon", "aria-hidden": "true" }, "⚠ "), h("span", { html: t("pin.last_try") }))
      : null;
  return h(
    "section",
    { class: "pin" },
    h("h1", { html: t("pin.title") }),
    h("p", { html: t("pin.explain") }),
    h("p", { class: "tries", id: "pin-tries", html: t("pin.tries_left", { tries: triesLeft }) }),
    warning,
    message ? h("p", { class: "error-text", role: "alert", html: message }) : null,
    dots,
    pad,
    h("div", { class: "actions" }, button("common.cancel", onCancel, "secondary", { id: "pin-cancel" })),
  );
}
