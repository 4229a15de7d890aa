// The resident screens' entry point: the home screen and its flows, the card watch and the session events.
// The shell every flow module shares (render, errors, wipe, PIN) is shell.js; flows never import this file.
import { follow, getJson, rpc } from "./api.js";
import { IdleTimer } from "./idle.js";
import { setLanguage, t } from "./i18n.js";
import { button, h } from "./ui.js";
import { lifeEventStart } from "./lifeevent.js";
import { counterPaymentStart } from "./counterpay.js";
import { startCertificate } from "./certificate.js";
import { requireStaff } from "./staffauth.js";
import { context, header, home, screen, setHomeScreen, showError, wipe } from "./shell.js";

const app = context();

// ---------------------------------------------------------------- home (idle signage)

function homeScreen() {
  return h(
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
  );
}

// ---------------------------------------------------------------- the card

function watchCard() {
  follow("CardService", "WatchCard", {}, (event) => {
    performance.mark(`card:${event.presence}`);
    const before = app.card.presence;
    const triesLeft = Number.isInteger(event.text_tries_left) ? event.text_tries_left : null;
    app.card = { presence: event.presence, session: event.session || "", triesLeft };
    app.timer.setSession(app.card.session);
    if (event.presence === "CARD_PRESENCE_MY_NUMBER_CARD" && before !== "CARD_PRESENCE_MY_NUMBER_CARD") cardArrived();
    else if (before === "CARD_PRESENCE_MY_NUMBER_CARD" && event.presence !== "CARD_PRESENCE_MY_NUMBER_CARD") cardLeft();
    else if (event.presence === "CARD_PRESENCE_DRIVERS_LICENCE" && before !== "CARD_PRESENCE_DRIVERS_LICENCE" && app.flow && app.flow.onLicence) app.flow.onLicence();
    else if (event.presence === "CARD_PRESENCE_OTHER_CARD" && app.flow) showError("not_my_number_card");
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

// The daemon's resident-session events (countdown, extend, end) drive the idle timer while a card session
// exists. The stream resumes from Last-Event-ID after a reconnect.
function watchSession() {
  follow("DeviceService", "WatchEvents", { only_new: true }, (event) => {
    if (event.resident_session) app.timer.sessionEvent(event.resident_session);
  });
}

// ---------------------------------------------------------------- start

async function start() {
  await setLanguage("ja"); // first: the counter tablet's sign-in dialog is in the language files' words
  if (window.location.pathname.startsWith("/staff/")) await requireStaff(); // the counter tablet
  app.config = await getJson("/api/config");
  if (document.documentElement.dataset.language !== "ja") await setLanguage("ja"); // the resident's own start
  app.timer = new IdleTimer({
    timeoutS: app.config.idle_timeout_s,
    warningS: app.config.idle_warning_s,
    onExpire: () => wipe("timeout"),
    onExtend: (session) => rpc("CardService", "ExtendSession", { name: session }),
  });
  header();
  setHomeScreen(homeScreen);
  home();
  watchCard();
  watchSession();
  document.body.dataset.ready = "true";
}

start();
