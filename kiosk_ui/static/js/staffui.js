// Helpers of the staff console's screens (bilingual labels, not translation keys like the resident pages).
import { h } from "./ui.js";

export function button(label, onclick, variant = "secondary", extra = {}) {
  return h("button", { type: "button", class: `button ${variant}`, onclick, ...extra }, label);
}

// An error in words: the daemon's Japanese message (the reason key stays in data-reason, not in the text).
export function problem(error) {
  const text = error.messageJa || "うまくいきませんでした。もう一度お試しください。 / Something went wrong; try again.";
  return h("p", { class: "error-text", role: "alert", "data-reason": error.reason || "internal" }, `✖ ${text}`);
}
