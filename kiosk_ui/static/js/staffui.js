// Helpers of the staff console's screens (bilingual labels, not translation keys like the resident pages).
import { h } from "./ui.js";

export function button(label, onclick, variant = "secondary", extra = {}) {
  return h("button", { type: "button", class: `button ${variant}`, onclick, ...extra }, label);
}

export function problem(error) {
  return h("p", { class: "error-text", role: "alert" }, `✖ ${error.reason || "error"} ${error.messageJa || ""}`);
}
