// Payment at the counter (counter tablet only): the resident brings the 受付票 printed at the kiosk; staff
// hold its QR to the document camera or scan it with a keyboard-wedge QR reader into the field. The
// daemon checks the code (ResolveReception) and gives the order; the fee is paid on the terminal and the
// staff hand over the certificate (the commit records it as issued).
import { follow, rpc } from "./api.js";
import { t } from "./i18n.js";
import { certificateOrder, paymentStart } from "./payment.js";
import { context, home, render, showError } from "./shell.js";
import { h, yen, yenOf } from "./ui.js";
import { page } from "./layout.js";
import { certificateName } from "./certificate.js";

let scanner = null; // the WatchQr stream while the scan screen is open

function stopScanning() {
  if (scanner) scanner.close();
  scanner = null;
}

export function counterPaymentStart() {
  const app = context();
  app.timer.start();
  app.flow = { name: "counter-payment", onCard: () => {}, onCardRemoved: () => {} };
  const cancel = () => {
    stopScanning();
    home();
  };
  const find = () => {
    const code = (document.getElementById("reception-code") || {}).value || "";
    if (code.trim()) resolve(code.trim());
  };
  render("counter-pay", () => {
    const input = h("input", { id: "reception-code", name: "reception-code", autocomplete: "off", "aria-describedby": "reception-code-help" });
    // A form of its own: a keyboard-wedge QR reader ends with Enter, which submits it.
    const form = h("form", { class: "typed", id: "reception-form" }, h("label", { for: "reception-code", html: t("counterpay.code") }), input, h("p", { id: "reception-code-help", class: "hint", html: t("counterpay.code_help") }));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      find();
    });
    return page({
      title: t("counterpay.title"),
      content: [h("p", { class: "lead", html: t("counterpay.scan") }), form],
      next: { key: "counterpay.find", onclick: find, id: "reception-find" },
      cancel: { onclick: cancel, id: "reception-cancel" },
    });
  });
  document.getElementById("reception-code").focus();
  stopScanning();
  if (app.config.services.includes("CameraService")) {
    scanner = follow("CameraService", "WatchQr", {}, (event) => resolve(event.payload));
  }
}

async function resolve(code) {
  stopScanning();
  let reply;
  try {
    reply = await rpc("CertificateService", "ResolveReception", { code });
  } catch (error) {
    return showError(error, { retry: counterPaymentStart });
  }
  const request = reply.certificate_request;
  if (!request || !(yenOf(request.total_fee) > 0)) return showError("no_fee_to_pay", { retry: counterPaymentStart });
  const order = certificateOrder(request);
  context().flow.afterPayment = () => handOver(reply.reception_id);
  render("counter-order", () =>
    page({
      title: t("counterpay.order"),
      content: [
        h(
          "dl",
          { class: "facts" },
          h("dt", { html: t("counterpay.reception") }),
          h("dd", { id: "order-reception" }, reply.reception_id),
          h("dt", { html: t("fee.certificate") }),
          h("dd", { id: "order-certificate", html: certificateName(request) }),
          h("dt", { html: t("cert.copies") }),
          h("dd", {}, String(request.copies)),
          h("dt", { html: t("fee.total") }),
          h("dd", { id: "order-total", html: t("fee.yen", { yen: yen(request.total_fee) }) }),
        ),
      ],
      next: { key: "fee.pay_card", onclick: () => paymentStart(order, async () => "", () => resolve(code)), id: "order-pay" },
      cancel: { onclick: home, id: "order-cancel" },
    }),
  );
}

function handOver(receptionId) {
  render("counter-paid", () =>
    page({
      title: t("counterpay.paid"),
      content: [h("p", { id: "counter-paid-reception" }, receptionId), h("p", { class: "lead", html: t("counterpay.hand_over") })],
      next: { key: "common.home", onclick: home, id: "counter-paid-home" },
    }),
  );
}
