// The resident screens' shell, shared by every flow module: the page state (`context()`), `render`,
// the header (languages, call staff), the error screen, `wipe`, home, and the card steps every flow uses
// (wait for the card, the PIN pad, printing and waiting). The entry point is resident.js.
import { ApiError, rpc, setBase } from "./api.js";
import { LANGUAGE_NAMES, errorText, language, plain, setLanguage, t } from "./i18n.js";
import { pinPad } from "./pinpad.js";
import { button, h, show } from "./ui.js";
import { cardIllustration, page } from "./layout.js";
import { followJobs } from "./jobs.js";

export const screen = document.getElementById("screen");
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

export function header() {
  const code = language();
  const choose = h(
    "button",
    {
      type: "button",
      class: "button language-button",
      id: "language-button",
      "aria-haspopup": "dialog",
      "aria-label": `${plain("shell.languages")}: ${LANGUAGE_NAMES[code] || code}`,
    },
    // A globe drawn inline (the kiosk has no emoji font).
    h("span", {
      class: "globe",
      "aria-hidden": "true",
      html: '<svg viewBox="0 0 24 24" width="1.1em" height="1.1em" fill="none" stroke="currentColor" stroke-width="2"><circle cx="12" cy="12" r="10"/><path d="M2 12h20M12 2a15 15 0 0 1 0 20M12 2a15 15 0 0 0 0 20"/></svg>',
    }),
    h("span", { lang: code === "ja-easy" ? "ja" : code }, LANGUAGE_NAMES[code] || code),
  );
  choose.addEventListener("click", languageChooser);
  const callStaff = button("shell.call_staff", () => callStaffScreen(), "call", { id: "call-staff" });
  document.getElementById("top").replaceChildren(h("p", { class: "brand", html: t("shell.brand") }), choose, callStaff);
}

// The language chooser: full screen over the current one, every language named in itself.
function languageChooser() {
  const close = () => {
    overlay.remove();
    document.getElementById("language-button").focus();
  };
  const overlay = h(
    "div",
    { class: "chooser", id: "language-chooser", role: "dialog", "aria-modal": "true", "aria-labelledby": "chooser-title" },
    h("h1", { id: "chooser-title", tabindex: "-1", html: t("shell.choose_language") }),
    h(
      "div",
      { class: "chooser-list" },
      ...app.config.languages.map((code) =>
        h(
          "button",
          {
            type: "button",
            class: "button language",
            lang: code === "ja-easy" ? "ja" : code,
            "aria-pressed": String(code === language()),
            "data-language": code,
            onclick: async () => {
              overlay.remove();
              await changeLanguage(code);
              document.getElementById("language-button").focus();
            },
          },
          LANGUAGE_NAMES[code] || code,
        ),
      ),
    ),
    h("nav", { class: "action-bar" }, button("common.back", close, "secondary action-back", { id: "chooser-close" })),
  );
  overlay.addEventListener("keydown", (event) => event.key === "Escape" && close());
  document.body.append(overlay);
  document.body.dataset.chooser = "open";
  overlay.querySelector("h1").focus();
  new MutationObserver((_, observer) => {
    if (!overlay.isConnected) {
      delete document.body.dataset.chooser;
      observer.disconnect();
    }
  }).observe(document.body, { childList: true });
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
  rpc("VisitService", "CallStaff", { screen: from, reason }).catch(() => {});
  render("call-staff", () =>
    page({
      title: t("staff_call.title"),
      content: [h("p", { class: "lead", html: t("staff_call.body") })],
      back: { onclick: () => (back ? back() : home()), id: "call-staff-back" },
    }),
  );
}

// ---------------------------------------------------------------- errors and wipe

export function showError(error, { retry = null } = {}) {
  const reason = error instanceof ApiError ? error.reason : String(error || "internal");
  const text = errorText(reason);
  render("error", () =>
    h(
      "div",
      { class: "error-screen", "data-reason": reason },
      page({
        title: `<span class="icon" aria-hidden="true">⚠ </span>${text.title}`,
        content: [
          h("p", { class: "todo lead", html: text.todo }),
          h("div", { class: "choices" }, button("shell.call_staff", () => callStaffScreen(reason), "call big", { id: "error-call-staff" })),
        ],
        next: retry ? { key: "common.retry", onclick: retry, id: "error-retry" } : { key: "common.home", onclick: () => wipe("done"), id: "error-home" },
        cancel: retry ? { key: "common.home", onclick: () => wipe("done"), id: "error-home" } : null,
      }),
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
  if (visit && visit.state !== "VISIT_STATE_PRINTED") rpc("VisitService", "CancelVisit", { visit: visit.name }).catch(() => {});
  if (notice && why !== "done") {
    render("wiped", () =>
      page({
        title: t(`wipe.${why}.title`),
        content: [h("p", { class: "lead", html: t("wipe.body") })],
        next: { key: "common.home", onclick: home, id: "wiped-home" },
      }),
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

// ---------------------------------------------------------------- home (idle signage)

// The entry point (resident.js) says what the home screen shows: the flows it starts are not the shell's.
let homeScreen = () => h("section", { class: "home" });

export function setHomeScreen(build) {
  homeScreen = build;
}

export function home() {
  app.flow = null;
  app.timer.stop();
  render("home", homeScreen);
}

// ---------------------------------------------------------------- card steps every flow uses

// Where to put the card, with a drawing of the reader; `back` is the screen before (or cancel only).
export function waitForCard({ titleKey = "card.place_title", flow = "certificate", step = 0, back = null } = {}) {
  render("card-wait", () =>
    page({
      title: t(titleKey),
      flow,
      step,
      className: "card-page",
      content: [cardIllustration("place"), h("p", { class: "lead", html: t("card.place_body") }), h("p", { class: "where", html: t("card.where") })],
      back: back ? { onclick: back, id: "card-back" } : null,
      cancel: { onclick: () => wipe("done"), id: "card-cancel" },
    }),
  );
}

// The pad with the tries left: from the card event when the daemon sent it (no round trip), else read
// (no try consumed). `then(basicInfo)` continues the flow.
// The pad with the tries left: from the card event when the daemon sent it (no round trip), else read
// (no try consumed). `then(basicInfo)` continues the flow; `back` returns to the screen before.
export async function askPin(then, message = "", { flow = "certificate", step = 0, back = null } = {}) {
  let tries = app.card.triesLeft;
  if (tries === null || tries === undefined) {
    try {
      tries = (await rpc("CardService", "GetPinStatus", {})).text_tries_left;
    } catch (error) {
      return showError(error, { retry: () => askPin(then, "", { flow, step, back }) });
    }
  }
  if (tries <= 0) return showError("pin_blocked");
  performance.mark("pad-shown");
  render("pin", () =>
    pinPad({
      triesLeft: tries,
      message,
      flow,
      step,
      onBack: back,
      onCancel: () => wipe("done"),
      onSubmit: async (pin) => {
        performance.mark("pin-submitted");
        render("reading", () => page({ title: t("card.reading"), flow, step, content: [h("div", { class: "spinner", role: "progressbar", "aria-label": plain("card.reading") })] }));
        try {
          const info = await rpc("CardService", "ReadBasicInfo", { pin });
          app.person = info;
          then(info);
          performance.mark("name-shown");
          // After the next paint: the name is on the screen, not only in the DOM.
          requestAnimationFrame(() => setTimeout(() => performance.mark("name-painted")));
        } catch (error) {
          app.card.triesLeft = null; // read again: a failed VERIFY used a try
          if (error.reason === "pin_wrong") return askPin(then, t("pin.wrong"), { flow, step, back });
          showError(error, { retry: error.reason === "pin_blocked" ? null : () => askPin(then, "", { flow, step, back }) });
        }
      },
    }),
  );
}

function printingScreen() {
  render("printing", () =>
    page({
      title: t("print.title"),
      content: [h("div", { class: "spinner", role: "progressbar", "aria-label": plain("print.title") }), h("p", { class: "lead", html: t("print.wait") })],
    }),
  );
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
