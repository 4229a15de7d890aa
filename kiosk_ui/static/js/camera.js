// 書かない窓口 on the counter tablet: a household member read from an ID document on the camera stand.
// ReadDocument (staff role: only the counter tablet's page, /staff/counter/, reaches it) returns the fields
// with a confidence; the ones needing confirmation are marked with an icon and a text (not colour only)
// that gives each reason the daemon sent (confirmation_reasons: 異体字, look-alikes …), and every field
// stays editable. Nothing changed → AddMember(from_document_reading) lets the daemon fill
// only the confident fields; staff typed or confirmed something → AddMember(member) with those values and
// the reading is deleted at once.
import { rpc } from "./api.js";
import { plain, t } from "./i18n.js";
import { button, h } from "./ui.js";
import { page, singleChoice } from "./layout.js";
import { context, render, showError } from "./shell.js";

// The member fields a document gives (licence number and expiry are never shown: not needed here).
const FIELDS = [
  ["DOCUMENT_FIELD_NAME", "camera-name", "life.name", "text"],
  ["DOCUMENT_FIELD_BIRTH_DATE", "camera-birth", "life.birth_date", "date"],
];

// Why a field needs confirmation: DocumentFieldReading.confirmation_reasons keys (camera.proto).
const REASONS = {
  unreadable: () => t("camera.reason.unreadable"),
  low_confidence: () => t("camera.reason.low_confidence"),
  variant_character: () => t("camera.reason.variant_character"),
  lookalike_character: () => t("camera.reason.lookalike_character"),
  outside_charset: () => t("camera.reason.outside_charset"),
};

function reasonNotes(read) {
  return (read.confirmation_reasons || [])
    .filter((reason) => reason in REASONS)
    .map((reason) => h("span", { class: "confirm-reason", "data-reason": reason, html: " " + REASONS[reason]() }));
}

export function canReadDocuments() {
  const app = context();
  return app.counter && app.config.services.includes("CameraService");
}

export async function readDocument(relationship, back) {
  const app = context();
  render("camera-reading", () =>
    page({
      title: t("camera.reading"),
      content: [h("div", { class: "spinner", role: "progressbar", "aria-label": plain("camera.reading") }), h("p", { class: "lead", html: t("camera.place_document") })],
      back: { onclick: back, id: "camera-reading-back" },
    }),
  );
  let reading;
  try {
    reading = await rpc("CameraService", "ReadDocument", { visit: app.visit.name });
  } catch (error) {
    return showError(error, { retry: () => readDocument(relationship, back) });
  }
  review(reading, relationship, back);
}

function fieldRow(reading, [key, id, label, type]) {
  const read = (reading.fields || []).find((f) => f.field === key) || { value: "", needs_confirmation: true, confirmation_reasons: ["unreadable"] };
  const check = Boolean(read.needs_confirmation);
  const input = h("input", {
    id,
    name: id,
    type,
    autocomplete: "off",
    value: read.value || "",
    "data-read": read.value || "",
    "aria-describedby": check ? `${id}-check` : false,
    "aria-invalid": check ? "true" : false,
  });
  return h(
    "div",
    { class: check ? "read-field needs-confirmation" : "read-field", "data-field": key },
    h("label", { for: id, html: t(label) }),
    input,
    check
      ? h("p", { class: "confirm-note", id: `${id}-check` }, h("span", { class: "icon", "aria-hidden": "true" }, "⚠ "), h("span", { html: t("camera.check_field") }), ...reasonNotes(read))
      : h("p", { class: "read-note" }, h("span", { class: "icon", "aria-hidden": "true" }, "✓ "), h("span", { html: t("camera.read_ok") })),
  );
}

function review(reading, relationship, back) {
  const app = context();
  let sex = "";
  const add = async () => {
    const form = document.getElementById("camera-review");
    const inputs = [...form.querySelectorAll(".read-field input")];
    const untouched = !reading.needs_confirmation && !sex && inputs.every((i) => i.value === i.dataset.read);
    const value = (id) => form.querySelector(`#${id}`).value;
    const request = untouched
      ? { visit: app.visit.name, from_document_reading: reading.name, relationship }
      : {
          visit: app.visit.name,
          relationship,
          member: {
            relationship,
            name: value("camera-name"),
            birth_date: value("camera-birth"),
            sex: sex || "SEX_UNSPECIFIED",
            has_mn_card: reading.document_type === "DOCUMENT_TYPE_MY_NUMBER_CARD_FRONT",
          },
        };
    try {
      app.visit = await rpc("VisitService", "AddMember", request);
    } catch (error) {
      return showError(error, { retry: () => review(reading, relationship, back) });
    }
    if (!untouched) forget(reading);
    for (const input of inputs) input.value = "";
    back();
  };
  render("camera-review", () => {
    const form = h(
      "form",
      { class: "typed", id: "camera-review" },
      reading.needs_confirmation ? h("p", { class: "warning", role: "alert", id: "camera-needs-confirmation" }, h("span", { class: "icon", "aria-hidden": "true" }, "⚠ "), h("span", { html: t("camera.needs_confirmation") })) : null,
      ...FIELDS.map((spec) => fieldRow(reading, spec)),
      h(
        "fieldset",
        { class: "options" },
        h("legend", { html: t("life.sex") }),
        singleChoice({
          label: plain("life.sex"),
          name: "sex",
          value: sex,
          options: [
            { value: "SEX_MALE", html: t("life.male"), id: "camera-male" },
            { value: "SEX_FEMALE", html: t("life.female"), id: "camera-female" },
          ],
          onchange: (value) => (sex = value),
        }),
      ),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      add();
    });
    return page({
      title: t("camera.review"),
      content: [form, h("div", { class: "choices" }, button("camera.read_again", () => forget(reading).then(() => readDocument(relationship, back)), "secondary big", { id: "camera-again" }))],
      next: { key: "camera.add", onclick: add, id: "camera-add" },
      back: { onclick: () => forget(reading).then(back), id: "camera-back" },
    });
  });
}

function forget(reading) {
  return rpc("CameraService", "DeleteReading", { name: reading.name }).catch(() => {});
}
