// らくらく窓口: certificate self-service from the card — confirm name and address, choose the certificate,
// options and copies, see the fee, pay by card or at the counter, print the request and the numbered
// ticket, take the card, guidance for next time.
import { rpc } from "./api.js";
import { plain, t } from "./i18n.js";
import { certificateOrder, paymentStart } from "./payment.js";
import { askPin, callStaffScreen, context, home, printAndWait, render, showError, waitForCard, wipe } from "./shell.js";
import { button, h, yen } from "./ui.js";

export function startCertificate() {
  const app = context();
  app.timer.start();
  app.flow = { name: "certificate", onCard: () => askPin(certificateConfirm), onCardRemoved: () => wipe("card_removed") };
  if (app.card.presence === "MY_NUMBER_CARD") askPin(certificateConfirm);
  else waitForCard();
}

function certificateConfirm(info) {
  render("confirm", () =>
    h(
      "section",
      {},
      h("h1", { html: t("confirm.title") }),
      h(
        "dl",
        { class: "facts" },
        h("dt", { html: t("confirm.name") }),
        h("dd", { id: "resident-name" }, info.name),
        h("dt", { html: t("confirm.address") }),
        h("dd", { id: "resident-address" }, info.address),
      ),
      h(
        "div",
        { class: "actions" },
        button("confirm.yes", () => chooseCertificate(), "primary", { id: "confirm-yes" }),
        button("confirm.no", () => callStaffScreen(), "secondary", { id: "confirm-no" }),
      ),
    ),
  );
}

async function chooseCertificate() {
  let list;
  try {
    list = await rpc("FrontyardService", "ListCertificates", {});
  } catch (error) {
    return showError(error, { retry: chooseCertificate });
  }
  render("certificates", () =>
    h(
      "section",
      {},
      h("h1", { html: t("cert.choose") }),
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
      h("div", { class: "actions" }, button("common.cancel", () => wipe("done"), "secondary")),
    ),
  );
}

function certificateName(cert) {
  const key = `cert.kind.${cert.kind}`;
  const text = t(key);
  return text === key ? cert.name_ja || cert.certificate_name : text;
}

function certificateOptions(cert) {
  let copies = 1;
  const chosen = new Set();
  const count = h("output", { id: "copies", "aria-live": "polite" }, "1");
  const change = (delta) => {
    copies = Math.min(10, Math.max(1, copies + delta));
    count.textContent = String(copies);
  };
  render("certificate-options", () =>
    h(
      "section",
      {},
      h("h1", { html: certificateName(cert) }),
      cert.options.length
        ? h(
            "fieldset",
            { class: "options" },
            h("legend", { html: t("cert.options") }),
            ...cert.options.map((option, index) =>
              h(
                "label",
                { class: "option" },
                h("input", { type: "checkbox", id: `option-${index}`, onchange: (e) => (e.target.checked ? chosen.add(option) : chosen.delete(option)) }),
                h("span", {}, option),
              ),
            ),
          )
        : null,
      h(
        "div",
        { class: "stepper", role: "group", "aria-label": plain("cert.copies") },
        h("span", { html: t("cert.copies") }),
        button("cert.fewer", () => change(-1), "secondary step", { "aria-label": plain("cert.fewer"), id: "copies-minus" }),
        count,
        button("cert.more", () => change(+1), "secondary step", { "aria-label": plain("cert.more"), id: "copies-plus" }),
      ),
      h(
        "div",
        { class: "actions" },
        button("common.next", () => certificateFee(cert, [...chosen], copies), "primary", { id: "options-next" }),
        button("common.back", chooseCertificate, "secondary"),
      ),
    ),
  );
}

async function certificateFee(cert, options, copies) {
  const app = context();
  let request;
  try {
    request = await rpc("FrontyardService", "CreateCertificateRequest", {
      session: app.person.session,
      kind: cert.kind,
      options,
      copies,
    });
  } catch (error) {
    return showError(error, { retry: () => certificateFee(cert, options, copies) });
  }
  app.flow.request = request;
  render("fee", () =>
    h(
      "section",
      {},
      h("h1", { html: t("fee.title") }),
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
      request.fee_unconfirmed ? h("p", { class: "note", html: t("fee.unconfirmed") }) : null,
      h("p", { html: t("fee.pay_at_counter") }),
      h(
        "div",
        { class: "actions" },
        canPay(request) ? button("fee.pay_card", () => payAndPrint(request), "primary", { id: "fee-pay" }) : null,
        button("fee.print", () => printCertificate(request), canPay(request) ? "secondary" : "primary", { id: "fee-print" }),
        button("common.back", () => certificateOptions(cert), "secondary"),
      ),
    ),
  );
}

function canPay(request) {
  const app = context();
  return app.config.services.includes("PaymentService") && request.total_fee > 0;
}

function payAndPrint(request) {
  const app = context();
  const order = certificateOrder(request);
  let printed = null;
  app.flow.afterPayment = () => takeCard(request, printed);
  paymentStart(order, async () => {
    printed = await issue(request);
    return (printed.jobs || [])[0] || "";
  });
}

function issue(request) {
  return printAndWait(() => rpc("FrontyardService", "PrintCertificateRequest", { name: request.name }));
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
    h(
      "section",
      {},
      h("h1", { html: t("done.title") }),
      h("p", { class: "ticket", id: "ticket-number", html: t("done.ticket", { number: printed.ticket_number }) }),
      h("p", { html: t("done.counter") }),
      h("p", { class: "warning", role: "alert" }, h("span", { class: "icon", "aria-hidden": "true" }, "⚠ "), h("span", { html: t("done.take_card") })),
    ),
  );
  if (app.card.presence !== "MY_NUMBER_CARD") nextTime(request.advice || {});
}

function nextTime(advice) {
  const konbini = advice.konbini_next_time;
  wipe("done", { notice: false });
  render("next-time", () =>
    h(
      "section",
      {},
      h("h1", { html: t("next.title") }),
      h("p", { id: "next-advice", html: t(konbini ? "next.konbini" : "next.window") }),
      konbini && advice.saving_yen ? h("p", { html: t("next.saving", { yen: yen(advice.saving_yen) }) }) : null,
      h("div", { class: "actions" }, button("common.home", home, "primary", { id: "next-home" })),
    ),
  );
}
