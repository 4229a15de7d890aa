// Life event (書かない窓口) for every event the daemon offers (転入, 出生, 転出, 転居, 婚姻, 離婚, 死亡): the household is added by cards or typed, the daemon asks
// only the questions this household needs (each naming the person it is about, always with a way back),
// then a summary to confirm, then the checklist and forms print. Every screen is a layout.js page.
import { postJson, rpc } from "./api.js";
import { escapeHtml, language, plain, t, tHtml } from "./i18n.js";
import { domainLabel } from "./domain.js";
import { page, singleChoice, textField, toggle } from "./layout.js";
import { button, h } from "./ui.js";
import { pinPad } from "./pinpad.js";
import { askPin, context, home, printAndWait, render, showError, waitForCard, wipe } from "./shell.js";
import { canReadDocuments, readDocument } from "./camera.js";

const RELATIONSHIPS = ["世帯主", "妻", "夫", "子", "父", "母", "子の妻", "孫", "その他"];
const MOVES = ["LIFE_EVENT_TENNYU", "LIFE_EVENT_TENKYO", "LIFE_EVENT_TENSHUTSU"];
const STEP = { event: 0, members: 1, household: 2, questions: 3, check: 4, print: 5 };
const cancel = (id) => ({ onclick: () => wipe("done"), id });

// The events beyond the first two buttons, from the daemon's labelled list (ListLifeEvents).
let moreEvents = [];

export async function lifeEventStart() {
  const app = context();
  if (!moreEvents.length) {
    try {
      const listed = await rpc("VisitService", "ListLifeEvents", {});
      moreEvents = (listed.life_events || []).filter((info) => !["LIFE_EVENT_TENNYU", "LIFE_EVENT_BIRTH"].includes(info.life_event));
    } catch {
      moreEvents = [];
    }
  }
  app.timer.start();
  app.flow = { name: "life-event", answered: [] };
  render("life-event", () =>
    page({
      title: t("life.choose"),
      flow: "life",
      step: STEP.event,
      content: [
        h(
          "div",
          { class: "choices list" },
          button("life.tennyu", () => createVisit("LIFE_EVENT_TENNYU"), "primary big", { id: "life-tennyu" }),
          button("life.birth", () => createVisit("LIFE_EVENT_BIRTH"), "primary big", { id: "life-birth" }),
          ...moreEvents.map((info) =>
            h("button", { type: "button", class: "button secondary big", id: `life-${info.key}`, html: domainLabel("event", info.key, { api: info.title }), onclick: () => createVisit(info.life_event) }),
          ),
        ),
      ],
      back: { onclick: () => wipe("done"), id: "life-back" },
      cancel: cancel("life-cancel"),
    }),
  );
}

async function createVisit(lifeEvent) {
  const today = new Date().toISOString().slice(0, 10);
  try {
    context().visit = await rpc("VisitService", "CreateVisit", { life_event: lifeEvent, event_date: today });
  } catch (error) {
    return showError(error, { retry: () => createVisit(lifeEvent) });
  }
  members();
}

// Back to the choice of procedure: this visit is dropped (nothing was added yet, or the resident starts over).
function restart() {
  const app = context();
  if (app.visit) rpc("VisitService", "CancelVisit", { visit: app.visit.name }).catch(() => {});
  app.visit = null;
  lifeEventStart();
}

export function relationshipLabel(value) {
  return domainLabel("relationship", value, { fallback: value });
}

// "指宿 太郎 さん(世帯主)": the member as the resident knows them.
function memberName(member) {
  return tHtml("life.member_name", { name: escapeHtml(member.name), relation: `(${relationshipLabel(member.relationship)})` });
}

function members() {
  const app = context();
  const visit = app.visit;
  let relation = app.flow.relationship || "";
  const problem = h("p", { class: "field-error", id: "relationship-error", role: "alert", hidden: true });
  const withRelation = (then) => () => {
    if (!relation) {
      problem.hidden = false;
      problem.innerHTML = `⚠ ${t("life.relationship_missing")}`;
      return;
    }
    app.flow.relationship = relation;
    then(relation);
  };
  app.flow.onCard = null;
  app.flow.onCardRemoved = null;
  render("members", () =>
    page({
      title: t("life.members"),
      flow: "life",
      step: STEP.members,
      content: [
        visit.members.length
          ? h(
              "ul",
              { class: "members", id: "member-list" },
              ...visit.members.map((m) =>
                h(
                  "li",
                  {},
                  h("strong", { html: memberName(m) }),
                  " ",
                  m.from_card ? h("span", { class: "badge", html: t("life.from_card") }) : null,
                  m.from_licence ? h("span", { class: "badge", html: t("life.from_licence") }) : null,
                  // A licence 外字: the card's own glyph image for staff to confirm against the card face.
                  ...(m.name_characters || []).map((c) => (c.glyph_png ? h("img", { class: "gaiji", alt: "外字", src: `data:image/png;base64,${c.glyph_png}` }) : null)),
                  m.needs_confirmation ? h("span", { class: "badge warn", html: t("life.confirm_name") }) : null,
                ),
              ),
            )
          : h("p", { id: "member-list-empty", html: t("life.no_members") }),
        h(
          "fieldset",
          { class: "options" },
          h("legend", { html: t("life.relationship_question") }),
          singleChoice({
            label: plain("life.relationship_question"),
            name: "relationship",
            value: relation,
            options: RELATIONSHIPS.map((value, i) => ({ value, html: relationshipLabel(value), id: `relationship-${i}` })),
            onchange: (value) => {
              relation = value;
              problem.hidden = true;
            },
          }),
          problem,
        ),
        h(
          "div",
          { class: "choices list" },
          button("life.add_card", withRelation(addByCard), "secondary big", { id: "add-by-card" }),
          button("life.add_licence", withRelation(addByLicence), "secondary big", { id: "add-by-licence" }),
          button("life.add_typed", withRelation(typedMember), "secondary big", { id: "add-typed" }),
          canReadDocuments() ? button("life.add_camera", withRelation((r) => readDocument(r, members)), "secondary big", { id: "add-by-camera" }) : null,
        ),
      ],
      next: visit.members.length ? { onclick: () => householdFacts(), id: "members-next" } : null,
      back: { onclick: restart, id: "members-back" },
      cancel: cancel("members-cancel"),
    }),
  );
}

function addByCard(relationship) {
  const app = context();
  const read = () =>
    askPin(
      async (info) => {
        try {
          app.visit = await rpc("VisitService", "AddMember", { visit: app.visit.name, from_card_session: info.session, relationship });
        } catch (error) {
          return showError(error, { retry: () => addByCard(relationship) });
        }
        app.person = null;
        app.flow.relationship = "";
        members();
      },
      "",
      { flow: "life", step: STEP.members, back: members },
    );
  app.flow.onCard = read;
  app.flow.onCardRemoved = null;
  if (app.card.presence === "CARD_PRESENCE_MY_NUMBER_CARD") read();
  else waitForCard({ titleKey: "life.place_member_card", flow: "life", step: STEP.members, back: members });
}

// A 運転免許証 on the reader: PIN1 (none when the holder chose none), one read, the member added.
function addByLicence(relationship) {
  const app = context();
  const add = async (pin) => {
    try {
      const licence = await rpc("CardService", "ReadLicence", { pin });
      app.visit = await rpc("VisitService", "AddMember", { visit: app.visit.name, from_licence_session: licence.session, relationship });
    } catch (error) {
      return showError(error, { retry: () => addByLicence(relationship) });
    }
    app.flow.relationship = "";
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
    render("pin", () =>
      pinPad({ triesLeft: status.tries_left, explainKey: "pin.explain_licence", flow: "life", step: STEP.members, onBack: members, onCancel: () => wipe("done"), onSubmit: add }),
    );
  };
  app.flow.onLicence = read;
  if (app.card.presence === "CARD_PRESENCE_DRIVERS_LICENCE") read();
  else waitForCard({ titleKey: "life.place_licence", flow: "life", step: STEP.members, back: members });
}

const PHONE = /^[0-9０-９+\-‐ー() ]{10,15}$/;
const today = () => new Date().toISOString().slice(0, 10);

// Text fields that keep what was typed when the screen is built again (a language change).
function fieldSet() {
  const values = {};
  let fields = [];
  return {
    build(specs) {
      fields = specs.map((spec) => {
        const made = textField({ ...spec, value: values[spec.id] || "" });
        made.input.addEventListener("input", () => (values[spec.id] = made.input.value));
        return made;
      });
      return fields.map((f) => f.element);
    },
    // true when every field is acceptable; otherwise the first wrong one has the focus and says why
    check() {
      const ok = fields.map((f) => f.check()).every(Boolean);
      if (!ok) fields.find((f) => f.input.getAttribute("aria-invalid") === "true").input.focus();
      return ok;
    },
    value: (id) => (values[id] || "").trim(),
  };
}

function typedMember(relationship) {
  const app = context();
  const isBirth = app.visit.life_event === "LIFE_EVENT_BIRTH";
  let sex = "SEX_UNSPECIFIED";
  let hasCard = false;
  const fields = fieldSet();
  const specs = () => [
    { id: "typed-name", label: t("life.name"), required: true, hint: t("life.name_hint") },
    { id: "typed-furigana", label: t("life.furigana"), validate: (text) => (/^[ぁ-ゖァ-ヺー\s　]+$/.test(text) ? "" : "form.kana_only") },
    { id: "typed-birth", label: t("life.birth_date"), type: "date", required: true, validate: (text) => (text > today() ? "form.date_future" : "") },
  ];
  const save = async () => {
    if (!fields.check()) return;
    const member = {
      relationship,
      name: fields.value("typed-name"),
      furigana: fields.value("typed-furigana"),
      birth_date: fields.value("typed-birth"),
      sex,
      has_mn_card: hasCard,
      newborn: isBirth && relationship === "子",
    };
    try {
      app.visit = await rpc("VisitService", "AddMember", { visit: app.visit.name, member, relationship });
    } catch (error) {
      return showError(error, { retry: members });
    }
    app.flow.relationship = "";
    members();
  };
  render("typed-member", () =>
    page({
      title: t("life.add_typed"),
      flow: "life",
      step: STEP.members,
      className: "typed",
      content: [
        h("p", { class: "lead", id: "typed-about", html: tHtml("life.typed_about", { relation: relationshipLabel(relationship) }) }),
        ...fields.build(specs()),
        h(
          "fieldset",
          { class: "options" },
          h("legend", { html: t("life.sex") }),
          singleChoice({
            label: plain("life.sex"),
            name: "sex",
            value: sex,
            options: [
              { value: "SEX_MALE", html: t("life.male"), id: "typed-male" },
              { value: "SEX_FEMALE", html: t("life.female"), id: "typed-female" },
            ],
            onchange: (value) => (sex = value),
          }),
        ),
        toggle({ html: t("life.has_card"), id: "typed-card", pressed: hasCard, onchange: (on) => (hasCard = on) }),
      ],
      next: { key: "common.save", onclick: save, id: "typed-save" },
      back: { onclick: members, id: "typed-back" },
      cancel: cancel("typed-cancel"),
    }),
  );
}

function householdFacts() {
  const app = context();
  const tennyu = MOVES.includes(app.visit.life_event); // a move: new and previous address
  const fields = fieldSet();
  const specs = () => [
    ...(tennyu
      ? [
          { id: "fact-new-address", label: t("life.new_address"), required: true, hint: t("life.address_hint") },
          { id: "fact-old-address", label: t("life.old_address"), required: true },
        ]
      : []),
    { id: "fact-phone", label: t("life.phone"), type: "tel", hint: t("life.phone_hint"), validate: (text) => (PHONE.test(text) ? "" : "form.phone") },
  ];
  const next = async () => {
    if (!fields.check()) return;
    const facts = {};
    if (tennyu) {
      facts.new_address = fields.value("fact-new-address");
      facts.old_address = fields.value("fact-old-address");
    }
    if (fields.value("fact-phone")) facts.phone = fields.value("fact-phone");
    try {
      app.visit = await rpc("VisitService", "SetHouseholdFacts", { visit: app.visit.name, facts });
    } catch (error) {
      return showError(error, { retry: householdFacts });
    }
    app.flow.answered = [];
    questions();
  };
  render("facts", () =>
    page({
      title: t("life.facts"),
      flow: "life",
      step: STEP.household,
      className: "typed",
      content: [h("p", { class: "lead", html: t("life.facts_once") }), ...fields.build(specs())],
      next: { onclick: next, id: "facts-next" },
      back: { onclick: members, id: "facts-back" },
      cancel: cancel("facts-cancel"),
    }),
  );
}

// Whom a question is about: a member (by name and relationship) or the whole household.
function about(question) {
  const app = context();
  if (!question.person_id) return t("life.about_household");
  if (question.person_name) {
    const relation = question.relationship_label ? domainLabel("relationship", "", { api: question.relationship_label }) : relationshipLabel(question.relationship);
    return tHtml("life.about_person", { name: escapeHtml(question.person_name), relation: `(${relation})` });
  }
  const member = app.visit.members.find((m) => m.person_id === question.person_id);
  if (!member) return t("life.about_household");
  return tHtml("life.about_person", { name: escapeHtml(member.name), relation: `(${relationshipLabel(member.relationship)})` });
}

function questionText(question) {
  return domainLabel("question", question.question_id, { api: question.text, fallback: question.text_ja });
}

function choiceText(question, choice, index) {
  const labelled = (question.choice_list || []).find((c) => c.value === choice) || (question.choice_list || [])[index];
  const api = labelled ? labelled.label : null;
  return domainLabel("choice", `${question.question_id}.${choice}`, { api, fallback: choice });
}

// Questions are grouped by whom they are about (the household, then each member: the daemon's order, as
// household answers bring members' questions). The next one stays in the group just answered while that
// group has questions left, so a member's questions come together under one heading.
function sameGroup(a, b) {
  return (a.person_id || "") === (b.person_id || "");
}

function nextQuestion(pending, last) {
  return (last && pending.find((q) => sameGroup(q, last))) || pending[0];
}

// Answered questions, newest last: 戻る shows the previous one again (answering it again replaces it).
async function questions(pending = null, shown = null) {
  const app = context();
  if (!shown) {
    try {
      pending = pending || (await rpc("VisitService", "ListPendingQuestions", { visit: app.visit.name }));
    } catch (error) {
      return showError(error, { retry: () => questions() });
    }
  }
  const question = shown || nextQuestion(pending.questions || [], app.flow.answered[app.flow.answered.length - 1]);
  if (!question) return summary();
  const left = shown ? null : pending.questions.length;
  const leftInGroup = shown ? null : pending.questions.filter((q) => sameGroup(q, question)).length;
  const answer = async (value) => {
    try {
      const next = await rpc("VisitService", "AnswerQuestion", {
        visit: app.visit.name,
        question_id: question.question_id,
        person_id: question.person_id,
        ...value,
      });
      if (!shown) app.flow.answered.push(question);
      questions(next);
    } catch (error) {
      showError(error, { retry: () => questions() });
    }
  };
  const back = () => {
    const previous = shown ? app.flow.answered[app.flow.answered.indexOf(shown) - 1] : app.flow.answered[app.flow.answered.length - 1];
    if (previous) questions(null, previous);
    else householdFacts();
  };
  // Built inside the screen's builder: a language change re-renders it in the new language.
  let count = 0;
  const picked = new Set();
  const controlsOf = () => {
    if (question.kind === "ANSWER_KIND_CHOICE") {
      return h(
        "div",
        { class: "choices list", role: "group", "aria-labelledby": "question-text" },
        ...question.choices.map((choice, index) =>
          h("button", { type: "button", class: "button secondary big answer-choice", "data-choice": choice, onclick: () => answer({ choice_value: choice }) }, h("span", { html: choiceText(question, choice, index) })),
        ),
      );
    }
    if (question.kind === "ANSWER_KIND_MEMBERS" || question.kind === "ANSWER_KIND_MULTI_CHOICE") {
      // Any of them; none is a valid answer (「いない・ない」).
      return h(
        "div",
        { class: "choice-list", role: "group", "aria-labelledby": "question-text" },
        ...(question.choice_list || []).map((choice, index) =>
          toggle({ html: domainLabel("choice", "", { api: choice.label, fallback: choice.value }), id: `answer-pick-${index}`, pressed: picked.has(choice.value), onchange: (on) => (on ? picked.add(choice.value) : picked.delete(choice.value)) }),
        ),
      );
    }
    if (question.kind === "ANSWER_KIND_COUNT") {
      const output = h("output", { id: "answer-count", "aria-live": "polite" }, String(count));
      const change = (delta) => {
        count = Math.min(20, Math.max(0, count + delta));
        output.textContent = String(count);
      };
      const unit = `life.count.${question.question_id}`;
      return h(
        "div",
        { class: "stepper", role: "group", "aria-label": plain(unit) },
        h("span", { class: "stepper-label", html: t(unit) }),
        button("life.fewer", () => change(-1), "secondary step", { "aria-label": plain("life.fewer"), id: "count-minus", html: "−" }),
        output,
        button("life.more", () => change(+1), "secondary step", { "aria-label": plain("life.more"), id: "count-plus", html: "+" }),
      );
    }
    return h(
      "div",
      { class: "choices yes-no" },
      button("common.yes", () => answer({ bool_value: true }), "secondary big", { id: "answer-yes" }),
      button("common.no", () => answer({ bool_value: false }), "secondary big", { id: "answer-no" }),
    );
  };
  const many = question.kind === "ANSWER_KIND_MEMBERS" || question.kind === "ANSWER_KIND_MULTI_CHOICE";
  const next =
    question.kind === "ANSWER_KIND_COUNT"
      ? { onclick: () => answer({ count_value: count }), id: "answer-next" }
      : many
        ? { onclick: () => answer({ values_value: { values: [...picked] } }), id: "answer-next" }
        : null;
  render("question", () => {
    const built = page({
      title: questionText(question),
      flow: "life",
      step: STEP.questions,
      className: "question-page",
      content: [
        h(
          "p",
          { class: `about ${question.person_id ? "about-person" : "about-household"}`, id: "question-about", "data-group": question.person_id || "household" },
          h("span", { class: "about-who", html: about(question) }),
          leftInGroup ? h("span", { class: "about-left", html: t(question.person_id ? "life.group_left_person" : "life.group_left_household", { left: leftInGroup }) }) : null,
        ),
        left && left !== leftInGroup ? h("p", { class: "progress-step", html: t("life.question_count", { left }) }) : null,
        question.help && question.help.ja ? h("p", { class: "hint", html: domainLabel("question", "", { api: question.help }) }) : null,
        controlsOf(),
        question.allows_unknown ? h("div", { class: "choices" }, button("life.unknown", () => answer({ unknown: true }), "secondary big", { id: "answer-unknown" })) : null,
      ],
      next,
      back: { onclick: back, id: "question-back" },
      cancel: cancel("question-cancel"),
    });
    built.querySelector("h1").id = "question-text";
    return built;
  });
}

function deadlineText(procedure) {
  if (procedure.deadline) {
    const date = new Date(`${procedure.deadline}T00:00:00`);
    const locale = { en: "en-GB", zh: "en-GB", ko: "en-GB", vi: "en-GB" }[language()] || "ja-JP";
    const formatted = new Intl.DateTimeFormat(locale, { year: "numeric", month: "long", day: "numeric" }).format(date);
    return t("life.deadline_by", { date: formatted });
  }
  return procedure.deadline_label ? domainLabel("deadline", procedure.deadline_label, { fallback: procedure.deadline_label }) : "";
}

async function summary() {
  const app = context();
  let evaluation;
  try {
    evaluation = await rpc("VisitService", "EvaluateVisit", { visit: app.visit.name });
  } catch (error) {
    return showError(error, { retry: summary });
  }
  const saved = (evaluation.writing_count || {}).saved || 0;
  const last = app.flow.answered[app.flow.answered.length - 1];
  render("summary", () =>
    page({
      title: t("life.summary"),
      flow: "life",
      step: STEP.check,
      content: [
        h("p", { id: "writes-saved", html: t("life.writes_saved", { count: saved }) }),
        h(
          "ul",
          { class: "procedures", id: "procedure-list" },
          ...evaluation.procedures.map((p) =>
            h(
              "li",
              { "data-procedure": p.procedure_id },
              h("strong", { class: "procedure-name", html: domainLabel("procedure", p.procedure_id, { api: p.name, fallback: p.name_ja }) }),
              h("span", { class: "procedure-reason", html: domainLabel("reason", p.procedure_id, { api: p.reason, fallback: p.reason_ja }) }),
              h(
                "span",
                { class: "procedure-where" },
                h("span", { html: t("life.counter") }),
                " ",
                h("span", { html: domainLabel("counter", p.counter, { fallback: p.counter }) }),
                deadlineText(p) ? h("span", { html: ` · ${deadlineText(p)}` }) : null,
              ),
            ),
          ),
        ),
      ],
      next: { key: "life.print", onclick: printDocuments, id: "life-print" },
      back: { onclick: () => (last ? questions(null, last) : householdFacts()), id: "summary-back" },
      cancel: cancel("summary-cancel"),
    }),
  );
}

// "20250909-SHIMIN-0042" → 42: the short number a resident says at the counter.
export function shortNumber(receptionId) {
  const serial = String(receptionId || "").split("-").pop();
  return /^\d+$/.test(serial) ? String(Number(serial)) : "";
}

async function qrFigure(code) {
  const figure = h("figure", { class: "qr", id: "reception-qr" }, h("figcaption", { html: t("life.qr_caption") }));
  try {
    const reply = await postJson(`${window.location.pathname.startsWith("/staff/") ? "/staff/api" : "/api"}/qr`, { text: code });
    const holder = h("div", { class: "qr-image", role: "img", "aria-label": plain("life.qr_caption"), html: reply.svg });
    figure.prepend(holder);
  } catch {
    figure.hidden = true; // the printed slip carries the QR too
  }
  return figure;
}

async function printDocuments() {
  const app = context();
  let printed;
  try {
    printed = await printAndWait(() => rpc("VisitService", "PrintVisitDocuments", { visit: app.visit.name }));
  } catch (error) {
    if (error.message === "cancelled") return;
    return showError(error, { retry: printDocuments });
  }
  app.visit.state = "VISIT_STATE_PRINTED";
  const visitName = app.visit.name;
  rpc("VisitService", "CompleteVisit", { visit: visitName }).catch(() => {});
  const qr = await qrFigure(printed.reception_code);
  const number = shortNumber(printed.reception_id);
  render("life-done", () =>
    page({
      title: t("life.done"),
      flow: "life",
      step: STEP.print,
      className: "done-page",
      content: [
        h(
          "div",
          { class: "reception", id: "reception-code", "data-code": printed.reception_code },
          h("p", { class: "reception-label", html: t("life.reception_number") }),
          h("p", { class: "reception-number", id: "reception-number" }, number || "—"),
          qr,
        ),
        h("p", { class: "lead", html: t("life.printed", { forms: printed.forms, pages: printed.pages }) }),
      ],
      next: { key: "common.home", onclick: () => wipe("done"), id: "life-home" },
    }),
  );
}

export { home };
