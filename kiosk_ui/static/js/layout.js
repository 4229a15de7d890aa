// The layout of every resident screen (kiosk_ui/README.md, "Layout system"):
//
//   header      (resident.js: brand, one language button, 職員を呼ぶ — always there)
//   steps       where the flow has steps: "2 / 5 · 証明書" and a bar of segments
//   content     title, text, choices, fields
//   action bar  fixed at the bottom: 次へ (full width, primary), 戻る and やめる beside each other
//
// A screen is built with `page({...})`; it never places its own back/next/cancel buttons.
import { plain, t } from "./i18n.js";
import { button, h } from "./ui.js";

// The steps of each flow (i18n keys); a screen says which one it is on.
export const FLOWS = {
  certificate: ["step.card", "step.confirm", "step.certificate", "step.fee", "step.print"],
  life: ["step.event", "step.members", "step.household", "step.questions", "step.check", "step.print"],
};

export function steps(flow, index) {
  const names = FLOWS[flow];
  if (!names) return null;
  const label = t("step.of", { step: index + 1, total: names.length });
  return h(
    "div",
    { class: "steps", id: "steps" },
    h("p", { class: "steps-text" }, h("span", { class: "steps-count", html: label }), " ", h("span", { class: "steps-name", html: t(names[index]) })),
    h(
      "ol",
      { class: "steps-bar", "aria-hidden": "true" },
      ...names.map((_, i) => h("li", { class: i < index ? "done" : i === index ? "current" : "" })),
    ),
  );
}

// The fixed bottom bar. Each action: { key, onclick, id, disabled } or null (not offered on this screen).
export function actionBar({ next = null, back = null, cancel = null } = {}) {
  const make = (action, variant) =>
    action
      ? button(action.key, action.onclick, variant, { id: action.id, disabled: action.disabled || false, "data-action": action.role })
      : null;
  const bar = h(
    "nav",
    { class: "action-bar", "aria-label": plain("shell.actions") },
    make(next && { role: "next", key: "common.next", ...next }, "primary action-next"),
    make(back && { role: "back", key: "common.back", ...back }, "secondary action-back"),
    make(cancel && { role: "cancel", key: "common.cancel", ...cancel }, "secondary action-cancel"),
  );
  return bar;
}

// One resident screen: title (HTML from the language files), optional steps, content, action bar.
export function page({ title, flow = null, step = 0, content = [], next = null, back = null, cancel = null, className = "" }) {
  return h(
    "section",
    { class: `page ${className}`.trim() },
    flow ? steps(flow, step) : null,
    h("h1", { html: title }),
    h("div", { class: "content" }, ...content),
    actionBar({ next, back, cancel }),
  );
}

// Touch single choice (radio semantics, large targets, no native <select>): options are
// [{ value, html, id }]; onchange(value). The chosen one carries aria-checked and a ✔ (not colour alone).
export function singleChoice({ label, options, value = null, onchange, name }) {
  let chosen = value;
  const buttons = options.map((option) =>
    h(
      "button",
      {
        type: "button",
        role: "radio",
        class: "choice-button",
        id: option.id,
        "data-value": option.value,
        "aria-checked": String(option.value === chosen),
        onclick: () => {
          chosen = option.value;
          for (const other of buttons) other.setAttribute("aria-checked", String(other.dataset.value === String(chosen)));
          onchange(chosen);
        },
      },
      h("span", { class: "mark", "aria-hidden": "true" }),
      h("span", { class: "choice-text", html: option.html }),
    ),
  );
  return h("div", { class: "choice-group", role: "radiogroup", "aria-label": label, "data-name": name }, ...buttons);
}

// Touch multiple choice: a toggle button per option (aria-pressed, ✔).
export function toggle({ html, id, pressed = false, onchange }) {
  const element = h(
    "button",
    {
      type: "button",
      class: "choice-button toggle",
      id,
      "aria-pressed": String(pressed),
      onclick: () => {
        const now = element.getAttribute("aria-pressed") !== "true";
        element.setAttribute("aria-pressed", String(now));
        onchange(now);
      },
    },
    h("span", { class: "mark", "aria-hidden": "true" }),
    h("span", { class: "choice-text", html }),
  );
  return element;
}

// A labelled text field with its own message line: `check()` shows what is wrong (or clears it) and
// returns true when the value is acceptable.
export function textField({ id, label, required = false, type = "text", value = "", hint = "", validate = null, autocomplete = "off" }) {
  const message = h("p", { class: "field-error", id: `${id}-error`, role: "alert", hidden: true });
  const input = h("input", {
    id,
    name: id,
    type,
    value,
    autocomplete,
    required,
    "aria-describedby": hint ? `${id}-hint ${id}-error` : `${id}-error`,
  });
  const check = () => {
    const text = input.value.trim();
    let problem = "";
    if (required && !text) problem = "form.required";
    else if (text && validate) problem = validate(text) || "";
    message.hidden = !problem;
    message.innerHTML = problem ? `⚠ ${t(problem)}` : "";
    if (problem) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    return !problem;
  };
  const wrapper = h(
    "div",
    { class: "field" },
    h("label", { for: id }, h("span", { html: label }), required ? h("span", { class: "required", html: t("form.required_mark") }) : null),
    hint ? h("p", { class: "hint", id: `${id}-hint`, html: hint }) : null,
    input,
    message,
  );
  return { element: wrapper, input, check };
}

// The card reader with a card moving onto it (place) or off it (take), drawn inline: no image file.
export function cardIllustration(mode = "place") {
  const svg = `
<svg viewBox="0 0 400 300" class="card-svg card-svg-${mode}" role="img" aria-labelledby="card-svg-title" focusable="false">
  <title id="card-svg-title">${plain(mode === "take" ? "card.figure_take" : "card.figure_place")}</title>
  <g class="reader">
    <rect x="60" y="190" width="280" height="80" rx="14" fill="#2b2b2b"/>
    <rect x="90" y="176" width="220" height="26" rx="6" fill="#4a4a4a"/>
    <path d="M185 228 q15 -14 30 0 M175 240 q25 -24 50 0 M165 252 q35 -34 70 0" stroke="#9ad" stroke-width="6" fill="none" stroke-linecap="round"/>
  </g>
  <g class="card">
    <rect x="110" y="60" width="180" height="112" rx="12" fill="#e9f1fb" stroke="#003d7a" stroke-width="6"/>
    <rect x="128" y="82" width="40" height="50" rx="4" fill="#b9c7d8"/>
    <rect x="180" y="86" width="92" height="10" rx="5" fill="#003d7a"/>
    <rect x="180" y="106" width="70" height="10" rx="5" fill="#6b8fb8"/>
    <rect x="180" y="126" width="80" height="10" rx="5" fill="#6b8fb8"/>
  </g>
  <g class="arrow">
    <path d="${mode === "take" ? "M350 170 v-110 m-22 22 l22 -22 l22 22" : "M350 50 v110 m-22 -22 l22 22 l22 -22"}" stroke="#c05800" stroke-width="10" fill="none" stroke-linecap="round" stroke-linejoin="round"/>
  </g>
</svg>`;
  return h("div", { class: `card-figure card-figure-${mode}`, html: svg });
}
