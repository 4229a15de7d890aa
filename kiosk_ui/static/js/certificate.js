// らくらく窓口: certificate self-service from the card — confirm name and address, choose the certificate,
// options and copies, see the fee, pay by card or at the counter, print the request and the numbered
// ticket, take the card, guidance for next time. Every screen is a layout.js page (steps + action bar).
import { rpc } from "./api.js";
import { plain, t } from "./i18n.js";
import { EXCLUSIVE_OPTIONS, domainLabel } from "./domain.js";
import { cardIllustration, page, singleChoice, toggle } from "./layout.js";
import { certificateOrder, paymentStart } from "./payment.js";
import { askPin, callStaffScreen, context, home, printAndWait, render, showError, waitForCard, wipe } from "./shell.js";
import { button, h, yen, yenOf } from "./ui.js";

const STEP = { card: 0, confirm: 1, certificate: 2, fee: 3, print: 4 };

export function startCertificate() {
  const app = context();
  app.timer.start();
  const pin = () => askPin(certificateConfirm, "", { flow: "certificate", step: STEP.card });
  app.flow = { name: "certificate", onCard: pin, onCardRemoved: () => wipe("card_removed") };
  if (app.card.presence === "CARD_PRESENCE_MY_NUMBER_CARD") pin();
  else waitForCard({ flow: "certificate", step: STEP.card, back: home });
}

function certificateConfirm(info) {
  render("confirm", () =>
    page({
      title: t("confirm.title"),
      flow: "certificate",
      step: STEP.confirm,
      content: [
        h(
          "dl",
          { class: "facts" },
          h("dt", { html: t("confirm.name") }),
          h("dd", { id: "resident-name" }, info.name),
          h("dt", { html: t("confirm.address") }),
          h("dd", { id: "resident-address" }, info.address),
        ),
        h("div", { class: "choices" }, button("confirm.no", () => callStaffScreen("confirm_wrong"), "secondary big", { id: "confirm-no" })),
      ],
      next: { key: "confirm.yes", onclick: () => chooseCertificate(), id: "confirm-yes" },
      cancel: { onclick: () => wipe("done"), id: "confirm-cancel" },
    }),
  );
}

export function certificateName(cert) {
  return domainLabel("certificate", cert.kind, { api: cert.labels || cert.name_labels, fallback: cert.name_ja || cert.certificate_name });
}

async function chooseCertificate() {
  let list;
  try {
    list = await rpc("CertificateService", "ListCertificates", {});
  } catch (error) {
    return showError(error, { retry: chooseCertificate });
  }
  render("certificates", () =>
    page({
      title: t("cert.choose"),
      flow: "certificate",
      step: STEP.certificate,
      content: [
        h(
          "div",
          { class: "choices list" },
          ...list.certificates.map((cert) =>
            h(
              "button",
              { type: "button", class: "button secondary choice", "data-kind": cert.kind, onclick: () => certificateOptions(cert) },
              h("span", { class: "choice-name", html: certificateName(cert) }),
              h("span", { class: "choice-fee", html: t("cert.fee_each", { yen: yen(cert.window_fee) }) }),
            ),
          ),
        ),
      ],
      back: { onclick: () => certificateConfirm(context().person), id: "certificates-back" },
      cancel: { onclick: () => wipe("done"), id: "certificates-cancel" },
    }),
  );
}

// The options of a certificate: exclusive ones (世帯全員 / 世帯の一部) as one single choice, the rest as
// toggles; then the number of copies.
function certificateOptions(cert) {
  let copies = 1;
  const chosen = new Set();
  const exclusive = EXCLUSIVE_OPTIONS.filter((group) => group.every((option) => cert.options.includes(option)));
  const grouped = new Set(exclusive.flat());
  const optionHtml = (option) => domainLabel("option", option, { fallback: option });
  const others = cert.options.filter((option) => !grouped.has(option));
  // Built inside the screen's builder (a language change re-renders it), keeping what was chosen.
  const build = () => {
    const count = h("output", { id: "copies", "aria-live": "polite" }, String(copies));
    const change = (delta) => {
      copies = Math.min(10, Math.max(1, copies + delta));
      count.textContent = String(copies);
    };
    const groups = exclusive.map((group, g) =>
      h(
        "fieldset",
        { class: "options" },
        h("legend", { html: t("cert.who") }),
        singleChoice({
          label: plain("cert.who"),
          name: `exclusive-${g}`,
          value: group.find((option) => chosen.has(option)) || null,
          options: group.map((option, i) => ({ value: option, html: optionHtml(option), id: `option-${g}-${i}` })),
          onchange: (value) => {
            for (const option of group) chosen.delete(option);
            chosen.add(value);
          },
        }),
      ),
    );
    return [
      ...groups,
      others.length
        ? h(
            "fieldset",
            { class: "options" },
            h("legend", { html: t("cert.options") }),
            h(
              "div",
              { class: "choice-list" },
              ...others.map((option, index) =>
                toggle({ html: optionHtml(option), id: `option-${index}`, pressed: chosen.has(option), onchange: (on) => (on ? chosen.add(option) : chosen.delete(option)) }),
              ),
            ),
          )
        : null,
      h(
        "div",
        { class: "stepper", role: "group", "aria-label": plain("cert.copies") },
        h("span", { class: "stepper-label", html: t("cert.copies") }),
        button("cert.fewer", () => change(-1), "secondary step", { "aria-label": plain("cert.fewer"), id: "copies-minus", html: "−" }),
        count,
        button("cert.more", () => change(+1), "secondary step", { "aria-label": plain("cert.more"), id: "copies-plus", html: "+" }),
      ),
    ];
  };
  render("certificate-options", () =>
    page({
      title: certificateName(cert),
      flow: "certificate",
      step: STEP.certificate,
      content: build(),
      next: { onclick: () => certificateFee(cert, [...chosen], copies), id: "options-next" },
      back: { onclick: chooseCertificate, id: "options-back" },
      cancel: { onclick: () => wipe("done"), id: "options-cancel" },
    }),
  );
}

async function certificateFee(cert, options, copies) {
  const app = context();
  let request;
  try {
    request = await rpc("CertificateService", "CreateCertificateRequest", {
      session: app.person.session,
      kind: cert.kind,
      options,
      copies,
    });
  } catch (error) {
    return showError(error, { retry: () => certificateFee(cert, options, copies) });
  }
  app.flow.request = request;
  const cashless = canPay(request);
  // One way to pay is offered per sentence: never "pay at the counter" above a cashless button.
  render("fee", () =>
    page({
      title: t("fee.title"),
      flow: "certificate",
      step: STEP.fee,
      content: [
        h(
          "dl",
          { class: "facts" },
          h("dt", { html: t("fee.certificate") }),
          h("dd", { html: certificateName(request) }),
          h("dt", { html: t("cert.copies") }),
          h("dd", { id: "fee-copies" }, String(request.copies)),
          h("dt", { html: t("fee.total") }),
          h("dd", { id: "fee-total", html: t("fee.yen", { yen: yen(request.total_fee) }) }),
        ),
        request.fee_unconfirmed ? h("p", { class: "note", id: "fee-note", html: t(cashless ? "fee.unconfirmed_pay" : "fee.unconfirmed") }) : null,
        h("p", { class: "lead", id: "fee-how", html: t(cashless ? "fee.choose_how" : "fee.pay_at_counter") }),
        cashless
          ? h(
              "div",
              { class: "choices list" },
              button("fee.pay_card", () => payAndPrint(request), "primary big", { id: "fee-pay" }),
              button("fee.print", () => printCertificate(request), "secondary big", { id: "fee-print" }),
            )
          : null,
      ],
      next: cashless ? null : { key: "fee.print_only", onclick: () => printCertificate(request), id: "fee-print" },
      back: { onclick: () => certificateOptions(cert), id: "fee-back" },
      cancel: { onclick: () => wipe("done"), id: "fee-cancel" },
    }),
  );
}

function canPay(request) {
  const app = context();
  return app.config.services.includes("PaymentService") && yenOf(request.total_fee) > 0;
}

function payAndPrint(request) {
  const app = context();
  const order = certificateOrder(request);
  const back = app.current; // the fee screen
  let printed = null;
  app.flow.afterPayment = () => takeCard(request, printed);
  paymentStart(order, async () => {
    printed = await issue(request);
    return (printed.jobs || [])[0] || "";
  }, back);
}

function issue(request) {
  return printAndWait(() => rpc("CertificateService", "PrintCertificateRequest", { name: request.name }));
}

async function printCertificate(request) {
  let printed;
  try {
    printed = await issue(request);
  } catch (error) {
    if (error.message === "cancelled") return;
    return showError(error, { retry: () => printCertificate(request) });
  }
  takeCard(request, printed);
}

function takeCard(request, printed) {
  const app = context();
  app.flow.onCardRemoved = () => nextTime(request.advice || {});
  render("take-card", () =>
    page({
      title: t("done.title"),
      flow: "certificate",
      step: STEP.print,
      className: "card-page",
      content: [
        h("p", { class: "warning", role: "alert" }, h("span", { class: "icon", "aria-hidden": "true" }, "⚠ "), h("span", { html: t("done.take_card") })),
        cardIllustration("take"),
        h("p", { class: "ticket", id: "ticket-number", html: t("done.ticket", { number: printed.ticket_number }) }),
        h("p", { class: "lead", html: t("done.counter") }),
      ],
    }),
  );
  if (app.card.presence !== "CARD_PRESENCE_MY_NUMBER_CARD") nextTime(request.advice || {});
}

function nextTime(advice) {
  const konbini = advice.konbini_next_time;
  wipe("done", { notice: false });
  render("next-time", () =>
    page({
      title: t("next.title"),
      content: [
        h("p", { class: "lead", id: "next-advice", html: t(konbini ? "next.konbini" : "next.window") }),
        konbini && yenOf(advice.saving) ? h("p", { html: t("next.saving", { yen: yen(advice.saving) }) }) : null,
      ],
      next: { key: "common.home", onclick: home, id: "next-home" },
    }),
  );
}
