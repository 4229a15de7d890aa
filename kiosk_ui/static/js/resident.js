// The resident screens: the shell (languages, call staff, idle timer, wipe), the card watch, and the
// certificate self-service flow. Life event and payment flows live in their own modules.
import { ApiError, follow, getJson, rpc, setBase } from "./api.js";
import { IdleTimer } from "./idle.js";
import { LANGUAGE_NAMES, errorText, language, plain, setLanguage, t } from "./i18n.js";
import { pinPad } from "./pinpad.js";
import { button, h, show } from "./ui.js";
import { followJobs } from "./jobs.js";
import { lifeEventStart } from "./lifeevent.js";
import { counterPaymentStart } from "./counterpay.js";
import { startCertificate } from "./certificate.js";

const screen = document.getElementById("screen");
// The counter tablet (書かない窓口, staff beside the resident) opens these screens at /staff/counter/: the
// same page bridged to the staff socket, which adds the document camera (staff role).
const COUNTER = window.location.pathname.startsWith("/staff/");
if (COUNTER) setBase("/staff/api");
const app = {
  config: null,
  counter: COUNTER,
  // triesLeft: the text PIN's tries left from the card event (null when the daemon did not say).
  card: { presence: "CARD_PRESENCE_UNSPECIFIED", session: "", triesLeft: null },
  // Everything personal lives here and only here; wipe() clears it.
  person: null,
  flow: null,
  visit: null,
  current: null, // the function that re-renders the current screen (after a language change)
  timer: null,
  wipes: 0, // wipe screens shown so far (their timers act only for the latest)
};

export function render(name, build) {
  app.current = () => show(screen, name, build());
  app.current();
}

export function context() {
  return app;
}

// ---------------------------------------------------------------- shell

function header() {
  const languages = h(
    "nav",
    { class: "languages", "aria-label": plain("shell.languages") },
    ...app.config.languages.map((code) =>
      h(
        "button",
        {
          type: "button",
          class: "language",
          lang: code === "ja-easy" ? "ja" : code,
          "aria-pressed": String(code === language()),
          "data-language": code,
          onclick: () => changeLanguage(code),
        },
        LANGUAGE_NAMES[code] || code,
      ),
    ),
  );
  const callStaff = button("shell.call_staff", () => callStaffScreen(), "call", { id: "call-staff" });
  document.getElementById("top").replaceChildren(
    h("p", { class: "brand", html: t("shell.brand") }),
    languages,
    callStaff,
  );
}

async function changeLanguage(code) {
  await setLanguage(code);
  header();
  if (app.current) app.current();
}

export function callStaffScreen(reason = "") {
  const back = app.current;
  // Tell the staff console at once; the screen key says where the resident is, never who they are.
  const from = document.body.dataset.screen || "";
  rpc("FrontyardService", "CallStaff", { screen: from, reason }).catch(() => {});
  render("call-staff", () =>
    h(
      "section",
      {},
      h("h1", { html: t("staff_call.title") }),
      h("p", { html: t("staff_call.body") }),
      h("div", { class: "actions" }, button("common.back", () => (back ? back() : home()), "primary", { id: "call-staff-back" })),
    ),
  );
}

// ---------------------------------------------------------------- errors and wipe

export function showError(error, { retry = null } = {}) {
  const reason = error instanceof ApiError ? error.reason : String(error || "internal");
  const text = errorText(reason);
  render("error", () =>
    h(
      "section",
      { class: "error-screen", "data-reason": reason },
      h("h1", {}, h("span", { class: "icon", "aria-hidden": "true" }, "⚠ "), h("span", { html: text.title })),
      h("p", { class: "todo", html: text.todo }),
      h("p", { class: "reason-key" }, `(${reason})`),
      h(
        "div",
        { class: "actions" },
        retry ? button("common.retry", retry, "primary", { id: "error-retry" }) : null,
        button("shell.call_staff", () => callStaffScreen(), "secondary"),
        button("common.home", () => wipe("done"), retry ? "secondary" : "primary", { id: "error-home" }),
      ),
    ),
  );
}

// Forget every personal datum on the page and end the daemon's resident session.
export async function wipe(why, { notice = true } = {}) {
  const session = app.card.session || (app.person && app.person.session);
  const visit = app.visit;
  app.person = null;
  app.flow = null;
  app.visit = null;
  app.timer.stop();
  for (const input of document.querySelectorAll("input")) input.value = "";
  if (session) rpc("CardService", "EndSession", { session }).catch(() => {});
  if (visit && visit.state !== "VISIT_STATE_PRINTED") rpc("FrontyardService", "CancelVisit", { visit: visit.name }).catch(() => {});
  if (notice && why !== "done") {
    render("wiped", () =>
      h(
        "section",
        {},
        h("h1", { html: t(`wipe.${why}.title`) }),
        h("p", { html: t("wipe.body") }),
        h("div", { class: "actions" }, button("common.home", home, "primary", { id: "wiped-home" })),
      ),
    );
    // Back home after 8 s unless the resident went on: a later wipe's screen is not cut short by this one.
    const shown = ++app.wipes;
    setTimeout(() => {
      if (app.wipes === shown && screen.dataset.screen === "wiped") home();
    }, 8000);
  } else {
    home();
  }
}

// ---------------------------------------------------------------- the card

function watchCard() {
  follow("CardService", "WatchCard", {}, (event) => {
    performance.mark(`card:${event.presence}`);
    const before = app.card.presence;
    const triesLeft = Number.isInteger(event.text_tries_left) ? event.text_tries_left : null;
    app.card = { presence: event.presence, session: event.session || "", triesLeft };
    app.timer.setSession(app.card.session);
    if (event.presence === "MY_NUMBER_CARD" && before !== "MY_NUMBER_CARD") cardArrived();
    else if (before === "MY_NUMBER_CARD" && event.presence !== "MY_NUMBER_CARD") cardLeft();
    else if (event.presence === "DRIVERS_LICENCE" && before !== "DRIVERS_LICENCE" && app.flow && app.flow.onLicence) app.flow.onLicence();
    else if (event.presence === "OTHER_CARD" && app.flow) showError("not_my_number_card");
  });
}

function cardArrived() {
  if (app.flow && app.flow.onCard) app.flow.onCard();
  else if (!app.flow && screen.dataset.screen === "home") startCertificate();
}

function cardLeft() {
  if (app.flow && app.flow.onCardRemoved) app.flow.onCardRemoved();
  else if (app.person) wipe("card_removed");
}

// ---------------------------------------------------------------- home (idle signage)

export function home() {
  app.flow = null;
  app.timer.stop();
  render("home", () =>
    h(
      "section",
      { class: "home" },
      h("h1", { html: t("home.title") }),
      h("p", { class: "lead", html: t("home.place_card") }),
      h(
        "div",
        { class: "choices" },
        button("home.certificate", startCertificate, "primary big", { id: "start-certificate" }),
        button("home.life_event", () => lifeEventStart(), "primary big", { id: "start-life-event" }),
        app.counter && app.config.services.includes("PaymentService")
          ? button("counterpay.start", counterPaymentStart, "primary big", { id: "start-counter-payment" })
          : null,
      ),
      h(
        "aside",
        { class: "notices", "aria-labelledby": "notices-title" },
        h("h2", { id: "notices-title", html: t("home.notices") }),
        h("p", { html: t("home.konbini") }),
        h("p", { html: t("home.hours") }),
      ),
    ),
  );
}

// ---------------------------------------------------------------- certificate self-service

export function waitForCard(titleKey = "card.place_title") {
  render("card-wait", () =>
    h(
      "section",
      {},
      h("h1", { html: t(titleKey) }),
      h("div", { class: "card-illustration", "aria-hidden": "true" }, "▭"),
      h("p", { html: t("card.place_body") }),
      h("div", { class: "actions" }, button("common.cancel", () => wipe("done"), "secondary", { id: "card-cancel" })),
    ),
  );
}

// The daemon's resident-session events (countdown, extend, end) drive the idle timer while a card session
// exists. The stream resumes from Last-Event-ID after a reconnect.
function watchSession() {
  follow("DeviceService", "WatchEvents", { only_new: true }, (event) => {
    if (event.resident_session) app.timer.sessionEvent(event.resident_session);
  });
}

// The pad with the tries left: from the card event when the daemon sent it (no round trip), else read
// (no try consumed). `then(basicInfo)` continues the flow.
export async function askPin(then, message = "") {
  let tries = app.card.triesLeft;
  if (tries === null || tries === undefined) {
    try {
      tries = (await rpc("CardService", "GetPinStatus", {})).text_tries_left;
    } catch (error) {
      return showError(error, { retry: () => askPin(then) });
    }
  }
  if (tries <= 0) return showError("pin_blocked");
  performance.mark("pad-shown");
  render("pin", () =>
    pinPad({
      triesLeft: tries,
      message,
      onCancel: () => wipe("done"),
      onSubmit: async (pin) => {
        performance.mark("pin-submitted");
        render("reading", () => h("section", {}, h("h1", { html: t("card.reading") }), h("div", { class: "spinner", role: "progressbar", "aria-label": plain("card.reading") })));
        try {
          const info = await rpc("CardService", "ReadBasicInfo", { pin });
          app.person = info;
          then(info);
          performance.mark("name-shown");
          // After the next paint: the name is on the screen, not only in the DOM.
          requestAnimationFrame(() => setTimeout(() => performance.mark("name-painted")));
        } catch (error) {
          app.card.triesLeft = null; // read again: a failed VERIFY used a try
          if (error.reason === "pin_wrong") return askPin(then, t("pin.wrong"));
          showError(error, { retry: error.reason === "pin_blocked" ? null : () => askPin(then) });
        }
      },
    }),
  );
}

function printingScreen() {
  render("printing", () => h("section", {}, h("h1", { html: t("print.title") }), h("div", { class: "spinner", role: "progressbar", "aria-label": plain("print.title") }), h("p", { html: t("print.wait") })));
}

// Prints the request form and the numbered ticket, and waits until the printers have done it.
export async function printAndWait(call) {
  const flow = app.flow;
  printingScreen();
  const printed = await call();
  await followJobs(printed.jobs || [], {
    onProblem: (reason) => showError(reason, { retry: printingScreen }),
    onResume: printingScreen,
    isCancelled: () => app.flow !== flow,
  });
  return printed;
}

// ---------------------------------------------------------------- start

async function start() {
  app.config = await getJson("/api/config");
  await setLanguage("ja");
  app.timer = new IdleTimer({
    timeoutS: app.config.idle_timeout_s,
    warningS: app.config.idle_warning_s,
    onExpire: () => wipe("timeout"),
    onExtend: (session) => rpc("CardService", "ExtendSession", { name: session }),
  });
  header();
  home();
  watchCard();
  watchSession();
  document.body.dataset.ready = "true";
}

start();
