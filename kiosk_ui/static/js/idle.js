// The idle timer: after `timeoutS` without a touch or key, a dialog counts down `warningS` seconds with an
// "extend" button; at zero the page wipes every personal datum (onExpire).
import { button, h } from "./ui.js";
import { t } from "./i18n.js";

export class IdleTimer {
  constructor({ timeoutS, warningS, onExpire }) {
    this.timeoutS = timeoutS;
    this.warningS = warningS;
    this.onExpire = onExpire;
    this.armed = false;
    this.timer = null;
    this.tick = null;
    this.dialog = null;
    const activity = () => {
      if (this.armed && !this.dialog) this.reset();
    };
    for (const name of ["pointerdown", "keydown"]) document.addEventListener(name, activity, true);
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

  reset() {
    clearTimeout(this.timer);
    this.closeDialog();
    if (this.armed) this.timer = setTimeout(() => this.warn(), this.timeoutS * 1000);
  }

  warn() {
    let left = this.warningS;
    const count = h("p", { class: "countdown", id: "idle-countdown", "aria-live": "polite" });
    const update = () => (count.innerHTML = t("idle.countdown", { seconds: left }));
    update();
    const extend = button("idle.extend", () => this.reset(), "primary", { id: "idle-extend" });
    this.dialog = h(
      "div",
      { class: "overlay", role: "alertdialog", "aria-modal": "true", "aria-labelledby": "idle-title" },
      h(
        "div",
        { class: "dialog" },
        h("h2", { id: "idle-title", i18n: "idle.title" }),
        count,
        h("p", { i18n: "idle.explain" }),
        extend,
      ),
    );
    document.body.append(this.dialog);
    extend.focus();
    this.tick = setInterval(() => {
      left -= 1;
      update();
      if (left <= 0) {
        this.stop();
        this.onExpire();
      }
    }, 1000);
  }

  closeDialog() {
    clearInterval(this.tick);
    if (this.dialog) this.dialog.remove();
    this.dialog = null;
  }
}
