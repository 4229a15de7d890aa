// The idle countdown. While a resident (card) session exists, the daemon's session is the clock: its
// SESSION_EVENT_KIND_EXPIRING event opens the dialog (counting down to expire_time), "extend" calls ExtendSession
// (onExtend), a touch restarts the daemon's countdown (throttled), and SESSION_EVENT_KIND_ENDED wipes (onExpire).
// Screens without a session keep the page's own timer: after `timeoutS` without a touch or key, a dialog
// counts down `warningS` seconds; at zero the page wipes every personal datum (onExpire).
import { button, h } from "./ui.js";
import { t } from "./i18n.js";

const TOUCH_EXTEND_EVERY_MS = 15_000; // a touch restarts the daemon's countdown at most this often
const ENDED_GRACE_MS = 5_000; // at zero, wait this long for SESSION_EVENT_KIND_ENDED before wiping anyway

export class IdleTimer {
  constructor({ timeoutS, warningS, onExpire, onExtend = () => Promise.resolve() }) {
    this.timeoutS = timeoutS;
    this.warningS = warningS;
    this.onExpire = onExpire;
    this.onExtend = onExtend;
    this.armed = false;
    this.session = "";
    this.lastExtend = 0;
    this.timer = null;
    this.tick = null;
    this.dialog = null;
    const activity = () => {
      if (!this.armed || this.dialog) return;
      if (this.session) this.extendSession(false);
      else this.reset();
    };
    for (const name of ["pointerdown", "keydown"]) document.addEventListener(name, activity, true);
  }

  get mode() {
    return this.session ? "session" : "page";
  }

  start() {
    this.armed = true;
    this.reset();
  }

  stop() {
    this.armed = false;
    clearTimeout(this.timer);
    this.closeDialog();
  }

  // The card's resident session ("" when none): with one, the daemon's countdown rules.
  setSession(name) {
    if (name === this.session) return;
    this.session = name || "";
    this.lastExtend = Date.now();
    this.reset();
  }

  reset() {
    clearTimeout(this.timer);
    this.closeDialog();
    document.body.dataset.idle = this.armed ? this.mode : "off";
    if (this.armed && !this.session) this.timer = setTimeout(() => this.warn(this.warningS), this.timeoutS * 1000);
  }

  // A resident_session event from the daemon's event stream (card.proto SessionEvent).
  sessionEvent(event) {
    if (!event || !this.session || event.session !== this.session) return;
    if (event.kind === "SESSION_EVENT_KIND_EXPIRING" && this.armed) {
      const until = event.expire_time ? Math.round((Date.parse(event.expire_time) - Date.now()) / 1000) : NaN;
      this.warn(Number.isFinite(until) ? Math.max(0, until) : event.seconds_left || this.warningS);
    } else if (event.kind === "SESSION_EVENT_KIND_EXTENDED" || event.kind === "SESSION_EVENT_KIND_STARTED") {
      this.closeDialog();
    } else if (event.kind === "SESSION_EVENT_KIND_ENDED") {
      const wasArmed = this.armed;
      this.session = "";
      this.closeDialog();
      if (wasArmed && event.reason === "idle_timeout") {
        this.stop();
        this.onExpire();
      } else this.reset();
    }
  }

  extendSession(force) {
    const now = Date.now();
    if (!force && now - this.lastExtend < TOUCH_EXTEND_EVERY_MS) return Promise.resolve();
    this.lastExtend = now;
    return this.onExtend(this.session).catch(() => {});
  }

  // The dialog (kiosk_ui/README.md, "Idle countdown"): centred over the screen, the seconds left as one large
  // number, one sentence of what happens, and ONE primary action spanning the width ("続ける").
  warn(seconds) {
    this.closeDialog();
    let left = seconds;
    const sessionMode = Boolean(this.session);
    const number = h("p", { class: "idle-number", id: "idle-number", "aria-hidden": "true" });
    const count = h("p", { class: "countdown", id: "idle-countdown", "aria-live": "polite", "data-mode": this.mode });
    const update = () => {
      number.textContent = String(Math.max(0, left));
      count.innerHTML = t("idle.countdown", { seconds: Math.max(0, left) });
    };
    update();
    const extend = button(
      "idle.extend",
      () => {
        if (sessionMode) {
          this.closeDialog();
          this.extendSession(true);
        } else this.reset();
      },
      "primary big",
      { id: "idle-extend" },
    );
    this.dialog = h(
      "div",
      { class: "overlay idle-overlay", id: "idle-dialog", role: "alertdialog", "aria-modal": "true", "aria-labelledby": "idle-title", "aria-describedby": "idle-countdown idle-explain" },
      h(
        "div",
        { class: "dialog idle-dialog" },
        h("h2", { id: "idle-title", i18n: "idle.title" }),
        number,
        count,
        h("p", { class: "idle-explain", id: "idle-explain", i18n: "idle.explain" }),
        extend,
      ),
    );
    document.body.append(this.dialog);
    document.body.dataset.idleDialog = "open";
    extend.focus();
    this.tick = setInterval(() => {
      left -= 1;
      update();
      // The daemon ends the session itself (SESSION_EVENT_KIND_ENDED); wipe anyway if that event never comes.
      if (left <= (sessionMode ? -ENDED_GRACE_MS / 1000 : 0)) {
        this.stop();
        this.onExpire();
      }
    }, 1000);
  }

  closeDialog() {
    clearInterval(this.tick);
    if (this.dialog) this.dialog.remove();
    this.dialog = null;
    delete document.body.dataset.idleDialog;
  }
}
