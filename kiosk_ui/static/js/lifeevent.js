// Life event (書かない窓口) for every event the daemon offers (転入, 出生, 転出, 転居, 婚姻, 離婚, 死亡): the
// household is added by cards or typed, the daemon asks only the questions this household needs, then a
// summary to confirm, then the checklist and forms print.
import { rpc } from "./api.js";
import { escapeHtml, language, plain, t } from "./i18n.js";
import { button, h } from "./ui.js";
import { pinPad } from "./pinpad.js";
import { askPin, context, home, printAndWait, render, showError, waitForCard, wipe } from "./shell.js";
import { canReadDocuments, readDocument } from "./camera.js";

const RELATIONSHIPS = ["世帯主", "妻", "夫", "子", "父", "母", "子の妻", "孫", "その他"];
const MOVES = ["LIFE_EVENT_TENNYU", "LIFE_EVENT_TENKYO", "LIFE_EVENT_TENSHUTSU"];

// A LocalizedText {ja, ja_easy, en} in the current language, as HTML: ja_easy's {漢字|かんじ} → <ruby>.
function localized(text) {
  const code = language();
  const chosen = (code === "ja-easy" && text.ja_easy) || (code === "en" && text.en) || text.ja || "";
  return escapeHtml(chosen).replace(/\{([^{}|]+)\|([^{}|]+)\}/g, "<ruby>$1<rt>$2</rt></ruby>");
}

// The events beyond the first two buttons, from the daemon's labelled list (ListLifeEvents).
async function moreEventButtons(holder) {
  let listed;
  try {
    listed = await rpc("FrontyardService", "ListLifeEvents", {});
  } catch (error) {
    return;
  }
  for (const info of listed.life_events || []) {
    if (info.life_event === "LIFE_EVENT_TENNYU" || info.life_event === "LIFE_EVENT_BIRTH") continue;
    holder.append(h("button", { type: "button", class: "button primary big", id: `life-${info.key}`, html: localized(info.title), onclick: () => createVisit(info.life_event) }));
  }
}

export function lifeEventStart() {
  const app = context();
  app.timer.start();
  app.flow = { name: "life-event" };
  const choices = h(
    "div",
    { class: "choices" },
    button("life.tennyu", () => createVisit("LIFE_EVENT_TENNYU"), "primary big", { id: "life-tennyu" }),
    button("life.birth", () => createVisit("LIFE_EVENT_BIRTH"), "primary big", { id: "life-birth" }),
  );
  render("life-event", () =>
    h("section", {}, h("h1", { html: t("life.choose") }), choices, h("div", { class: "actions" }, button("common.cancel", () => wipe("done"), "secondary"))),
  );
  moreEventButtons(choices);
}

async function createVisit(lifeEvent) {
  const today = new Date().toISOString().slice(0, 10);
  try {
    context().visit = await rpc("FrontyardService", "CreateVisit", { life_event: lifeEvent, event_date: today });
  } catch (error) {
    return showError(error, { retry: () => createVisit(lifeEvent) });
  }
  members();
}

function relationshipSelect(id) {
  return h(
    "select",
    { id, required: true },
    ...RELATIONSHIPS.map((value) => h("option", { value }, plain(`relationship.${value}`) || value)),
  );
}

function members() {
  const app = context();
  const visit = app.visit;
  const relation = relationshipSelect("member-relationship");
  app.flow.onCard = null;
  app.flow.onCardRemoved = null;
  render("members", () =>
    h(
      "section",
      {},
      h("h1", { html: t("life.members") }),
      h(
        "ul",
        { class: "members", id: "member-list" },
        ...visit.members.map((m) =>
          h(
            "li",
            {},
            h("strong", {}, m.name),
            ` (${m.relationship}) `,
            m.from_card ? h("span", { class: "badge", html: t("life.from_card") }) : null,
            m.from_licence ? h("span", { class: "badge", html: t("life.from_licence") }) : null,
            // A licence 外字: the card's own glyph image for staff to confirm against the card face.
            ...(m.name_characters || []).map((c) => (c.glyph_png ? h("img", { class: "gaiji", alt: "外字", src: `data:image/png;base64,${c.glyph_png}` }) : null)),
            m.needs_confirmation ? h("span", { class: "badge warn", html: t("life.confirm_name") }) : null,
          ),
        ),
      ),
      visit.members.length ? null : h("p", { html: t("life.no_members") }),
      h("label", { for: "member-relationship", html: t("life.relationship") }),
      relation,
      h(
        "div",
        { class: "choices" },
        button("life.add_card", () => addByCard(relation.value), "primary", { id: "add-by-card" }),
        button("life.add_licence", () => addByLicence(relation.value), "secondary", { id: "add-by-licence" }),
        button("life.add_typed", () => typedMember(relation.value), "secondary", { id: "add-typed" }),
        canReadDocuments() ? button("life.add_camera", () => readDocument(relation.value, members), "secondary", { id: "add-by-camera" }) : null,
      ),
      h(
        "div",
        { class: "actions" },
        visit.members.length ? button("common.next", () => householdFacts(), "primary", { id: "members-next" }) : null,
        button("common.cancel", () => wipe("done"), "secondary"),
      ),
    ),
  );
}

function addByCard(relationship) {
  const app = context();
  const read = () =>
    askPin(async (info) => {
      try {
        app.visit = await rpc("FrontyardService", "AddMember", { visit: app.visit.name, from_card_session: info.session, relationship });
      } catch (error) {
        return showError(error, { retry: () => addByCard(relationship) });
      }
      app.person = null;
      members();
    });
  app.flow.onCard = read;
  app.flow.onCardRemoved = null;
  if (app.card.presence === "MY_NUMBER_CARD") read();
  else waitForCard("life.place_member_card");
}

// A 運転免許証 on the reader: PIN1 (none when the holder chose none), one read, the member added.
function addByLicence(relationship) {
  const app = context();
  const add = async (pin) => {
    try {
      const licence = await rpc("CardService", "ReadLicence", { pin });
      app.visit = await rpc("FrontyardService", "AddMember", { visit: app.visit.name, from_licence_session: licence.session, relationship });
    } catch (error) {
      return showError(error, { retry: () => addByLicence(relationship) });
    }
    members();
  };
  const read = async () => {
    let status;
    try {
      status = await rpc("CardService", "GetLicencePinStatus", {});
    } catch (error) {
      return showError(error, { retry: () => addByLicence(relationship) });
    }
    if (status.tries_left <= 0) return showError("pin_blocked");
    if (!status.pin_set) return add("");
    render("pin", () => pinPad({ triesLeft: status.tries_left, onCancel: members, onSubmit: add }));
  };
  app.flow.onLicence = read;
  if (app.card.presence === "DRIVERS_LICENCE") read();
  else waitForCard("life.place_licence");
}

function field(id, key, attributes = {}) {
  return [h("label", { for: id, html: t(key) }), h("input", { id, name: id, autocomplete: "off", ...attributes })];
}

function typedMember(relationship) {
  const app = context();
  const isBirth = app.visit.life_event === "LIFE_EVENT_BIRTH";
  const form = h(
    "form",
    { class: "typed", id: "typed-member" },
    ...field("typed-name", "life.name", { required: true }),
    ...field("typed-furigana", "life.furigana"),
    ...field("typed-birth", "life.birth_date", { type: "date", required: true }),
    h(
      "fieldset",
      {},
      h("legend", { html: t("life.sex") }),
      h("label", { class: "option" }, h("input", { type: "radio", name: "sex", value: "MEMBER_SEX_MALE" }), h("span", { html: t("life.male") })),
      h("label", { class: "option" }, h("input", { type: "radio", name: "sex", value: "MEMBER_SEX_FEMALE" }), h("span", { html: t("life.female") })),
    ),
    h("label", { class: "option" }, h("input", { type: "checkbox", id: "typed-card" }), h("span", { html: t("life.has_card") })),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", class: "button primary", id: "typed-save", html: t("common.save") }),
      button("common.back", members, "secondary"),
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const member = {
      relationship,
      name: form.querySelector("#typed-name").value,
      furigana: form.querySelector("#typed-furigana").value,
      birth_date: form.querySelector("#typed-birth").value,
      sex: data.get("sex") || "MEMBER_SEX_UNSPECIFIED",
      has_mn_card: form.querySelector("#typed-card").checked,
      newborn: isBirth && relationship === "子",
    };
    try {
      app.visit = await rpc("FrontyardService", "AddMember", { visit: app.visit.name, member, relationship });
    } catch (error) {
      return showError(error, { retry: members });
    }
    members();
  });
  render("typed-member", () => h("section", {}, h("h1", { html: t("life.add_typed") }), form));
}

function householdFacts() {
  const app = context();
  const form = h(
    "form",
    { id: "facts-form" },
    ...(MOVES.includes(app.visit.life_event)
      ? [...field("fact-new-address", "life.new_address"), ...field("fact-old-address", "life.old_address")]
      : []),
    ...field("fact-phone", "life.phone", { type: "tel" }),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button primary", id: "facts-next", html: t("common.next") })),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const facts = {};
    const value = (id) => (form.querySelector(`#${id}`) || {}).value || "";
    if (value("fact-new-address")) facts.new_address = value("fact-new-address");
    if (value("fact-old-address")) facts.old_address = value("fact-old-address");
    if (value("fact-phone")) facts.phone = value("fact-phone");
    try {
      app.visit = await rpc("FrontyardService", "SetHouseholdFacts", { visit: app.visit.name, facts });
    } catch (error) {
      return showError(error, { retry: householdFacts });
    }
    questions();
  });
  render("facts", () => h("section", {}, h("h1", { html: t("life.facts") }), h("p", { html: t("life.facts_once") }), form));
}

async function questions(pending = null) {
  const app = context();
  try {
    pending = pending || (await rpc("FrontyardService", "ListPendingQuestions", { visit: app.visit.name }));
  } catch (error) {
    return showError(error, { retry: () => questions() });
  }
  const question = (pending.questions || [])[0];
  if (!question) return summary();
  const answer = async (value) => {
    try {
      const next = await rpc("FrontyardService", "AnswerQuestion", {
        visit: app.visit.name,
        question_id: question.question_id,
        person_id: question.person_id,
        ...value,
      });
      questions(next);
    } catch (error) {
      showError(error, { retry: () => questions() });
    }
  };
  let controls;
  const labelled = question.choice_list || [];
  if (question.kind === "ANSWER_KIND_CHOICE") {
    controls = labelled.length
      ? labelled.map((choice) => h("button", { type: "button", class: "button secondary", html: localized(choice.label), onclick: () => answer({ choice_value: choice.value }) }))
      : question.choices.map((choice) => h("button", { type: "button", class: "button secondary", onclick: () => answer({ choice_value: choice }) }, choice));
  } else if (question.kind === "ANSWER_KIND_MEMBERS" || question.kind === "ANSWER_KIND_MULTI_CHOICE") {
    // Any of them; none is a valid answer (「いない・ない」).
    const boxes = labelled.map((choice, index) =>
      h("label", { class: "option" }, h("input", { type: "checkbox", id: `answer-pick-${index}`, value: choice.value }), h("span", { html: localized(choice.label) })),
    );
    const picked = () => boxes.map((box) => box.querySelector("input")).filter((input) => input.checked).map((input) => input.value);
    controls = [...boxes, button("common.next", () => answer({ values_value: { values: picked() } }), "primary", { id: "answer-next" })];
  } else if (question.kind === "ANSWER_KIND_COUNT") {
    const input = h("input", { type: "number", min: "0", value: "0", id: "answer-count" });
    controls = [h("label", { for: "answer-count", html: t("life.count") }), input, button("common.next", () => answer({ count_value: Number(input.value) }), "primary", { id: "answer-next" })];
  } else {
    controls = [
      button("common.yes", () => answer({ bool_value: true }), "primary", { id: "answer-yes" }),
      button("common.no", () => answer({ bool_value: false }), "secondary", { id: "answer-no" }),
    ];
  }
  if (question.allows_unknown) {
    controls.push(button("life.unknown", () => answer({ unknown: true }), "secondary", { id: "answer-unknown" }));
  }
  const text = question.text && question.text.ja ? localized(question.text) : escapeHtml(question.text_ja);
  render("question", () =>
    h(
      "section",
      {},
      h("p", { class: "progress-step", html: t("life.question_count", { left: pending.questions.length }) }),
      h("h1", { class: "question", id: "question-text", html: text }),
      question.help && question.help.ja ? h("p", { class: "hint", html: localized(question.help) }) : null,
      h("div", { class: "choices" }, ...controls),
    ),
  );
}

async function summary() {
  const app = context();
  let evaluation;
  try {
    evaluation = await rpc("FrontyardService", "EvaluateVisit", { visit: app.visit.name });
  } catch (error) {
    return showError(error, { retry: summary });
  }
  const saved = (evaluation.writing_count || {}).saved || 0;
  render("summary", () =>
    h(
      "section",
      {},
      h("h1", { html: t("life.summary") }),
      h("p", { id: "writes-saved", html: t("life.writes_saved", { count: saved }) }),
      h(
        "ul",
        { class: "procedures", id: "procedure-list" },
        ...evaluation.procedures.map((p) => h("li", {}, h("strong", {}, p.name_ja), ` — ${p.counter}`, p.deadline_label ? ` (${p.deadline_label})` : "")),
      ),
      h(
        "div",
        { class: "actions" },
        button("life.print", printDocuments, "primary", { id: "life-print" }),
        button("common.back", members, "secondary"),
      ),
    ),
  );
}

async function printDocuments() {
  const app = context();
  let printed;
  try {
    printed = await printAndWait(() => rpc("FrontyardService", "PrintVisitDocuments", { visit: app.visit.name }));
  } catch (error) {
    if (error.message === "cancelled") return;
    return showError(error, { retry: printDocuments });
  }
  app.visit.state = "VISIT_STATE_PRINTED";
  const visitName = app.visit.name;
  rpc("FrontyardService", "CompleteVisit", { visit: visitName }).catch(() => {});
  render("life-done", () =>
    h(
      "section",
      {},
      h("h1", { html: t("life.done") }),
      h("p", { class: "ticket", id: "reception-code", html: t("life.reception", { code: printed.reception_code }) }),
      h("p", { html: t("life.printed", { forms: printed.forms, pages: printed.pages }) }),
      h("div", { class: "actions" }, button("common.home", () => wipe("done"), "primary", { id: "life-home" })),
    ),
  );
}

export { home };
