// Words for what the staff console shows: device slots, kinds, states and reasons, event kinds, form
// field keys, payment states and brands. Every label is a key of the language files (`staff.<table>.<value>`,
// in ja, やさしい日本語 and en like the resident pages) and comes back as HTML (furigana in やさしい日本語); an
// unknown value is shown as "—" (never an identifier in the text).
import { has, t } from "./i18n.js";

// An enum value is looked up as sent, then without its leading words ("PAYMENT_STATE_APPROVED",
// "PAYMENT_APPROVED" → "APPROVED"): the console keeps its words while the protos' enum names change.
function candidates(value) {
  const text = String(value ?? "");
  if (!/^[A-Z0-9_]+$/.test(text)) return [text, text.toLowerCase()];
  const parts = text.split("_");
  return parts.map((_, i) => parts.slice(i).join("_"));
}

function lookup(table, value) {
  if (value === undefined || value === null || value === "") return "—";
  const key = candidates(value).map((name) => `staff.${table}.${name}`).find(has);
  return key ? t(key) : "—";
}

export const slotLabel = (slot) => lookup("slot", slot);
export const kindLabel = (kind) => lookup("kind", kind);
export const stateLabel = (state) => lookup("state", state || "UNSPECIFIED");
export const reasonLabel = (reason) => lookup("reason", reason);
export const eventLabel = (kind) => lookup("event", kind);
export const paymentStateLabel = (state) => lookup("pay", state);
export const brandLabel = (brand) => (brand ? lookup("brand", brand) : "");

// "subject1.furigana" → "対象者 1 · ふりがな" (Person 1 · Furigana)
export function fieldLabel(key) {
  const match = /^([a-z]+)(\d*)\.([a-z_]+)$/.exec(String(key));
  if (!match) return "—";
  const [, role, number, attribute] = match;
  return `${lookup("role", role)}${number ? ` ${number}` : ""} · ${lookup("field", attribute)}`;
}

// One event of DeviceService.WatchEvents as {what, detail} in words (HTML).
export function describeEvent(event) {
  const kind = Object.keys(event).find((k) => !["sequence", "event_time", "device"].includes(k)) || "";
  const body = event[kind] || {};
  const reason = (key) => (key ? reasonLabel(String(key).replaceAll("-", "_")) : "");
  let detail = "";
  if (kind === "state_changed") {
    detail = `${stateLabel(body.previous_state)} → ${stateLabel(body.state)}`;
    const reasons = (body.status_reasons || []).map(reason).filter((r) => r !== "—");
    if (reasons.length) detail += ` (${reasons.join(", ")})`;
    if (body.reason) detail += ` ${reason(body.reason)}`;
  } else if (kind === "card") detail = lookup("presence", body.presence);
  else if (kind === "resident_session") detail = lookup("session", body.kind);
  else if (kind === "print_job") detail = lookup("job", body.state);
  else if (kind === "payment_changed") detail = paymentStateLabel(body.state);
  else if (kind === "application_changed") detail = lookup("application", body.status);
  else if (kind === "visit_changed") detail = body.reception_id ? t("staff.event.reception", { id: body.reception_id }) : "";
  else if (kind === "staff_called") detail = t("staff.event.kiosk");
  else if (kind === "failed") detail = reason(body.reason);
  else if (kind === "progress") detail = body.percent ? `${body.percent}%` : "";
  else if (kind === "completed") detail = "✔";
  return { kind, what: eventLabel(kind), detail };
}
