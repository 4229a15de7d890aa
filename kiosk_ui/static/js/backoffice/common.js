// Small pieces the back-office screens share: an error in words, a table with a caption and headings.
import { h } from "../ui.js";
import { L, language } from "./labels.js";

// An error in words: the server's Japanese message on a Japanese screen, else a general sentence.
export function problem(error) {
  let text = L("common.error");
  if (error.status === 503 || error.reason === "central_unreachable") text = L("common.unreachable");
  else if (error.status === 403) text = L("common.forbidden");
  if (language() === "ja" && error.messageJa) text = error.messageJa;
  return h("p", { class: "error-text", role: "alert", "data-reason": error.reason || "internal" }, `✖ ${text}`);
}

export function table(id, caption, headingKeys, rows) {
  return h(
    "table",
    { id },
    h("caption", {}, caption),
    h("thead", {}, h("tr", {}, ...headingKeys.map((key) => h("th", { scope: "col" }, key ? L(key) : "")))),
    h("tbody", {}, ...rows),
  );
}

export function action(labelKey, onclick, variant = "secondary", extra = {}) {
  return h("button", { type: "button", class: `button ${variant}`, onclick, ...extra }, L(labelKey));
}
