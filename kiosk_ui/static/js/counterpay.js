// Payment at the counter (counter tablet only): the resident brings the 受付票 printed at the kiosk; staff
// hold its QR to the document camera or scan it with a keyboard-wedge QR reader into the field. The
// daemon checks the code (ResolveReception) and gives the order; the fee is paid on the terminal and the
// staff hand over the certificate (the commit records it as issued).
import { follow, rpc } from "./api.js";
import { t } from "./i18n.js";
import { certificateOrder, paymentStart } from "./payment.js";
import { context, home, render, showError } from "./shell.js";
import { button, h, yen } from "./ui.js";

let scanner = null; // the WatchQr stream while the scan screen is open

function stopScanning() {
  if (scanner) scanner.close();
  scanner = null;
}

export function counterPaymentStart() {
  const app = context();
  app.timer.start();
  app.flow = { name: "counter-payment", onCard: () => {}, onCardRemoved: () => {} };
  const input = h("input", { id: "reception-code", name: "reception-code", autocomplete: "off", "aria-describedby": "reception-code-help" });
  const form = h(
    "form",
    { class: "typed", id: "reception-form" },
    h("label", { for: "reception-code", html: t("counterpay.code") }),
    input,
    h("p", { id: "reception-code-help", html: t("counterpay.code_help") }),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit", class: "button primary", id: "reception-find", html: t("counterpay.find") }),
      button("common.cancel", () => {
        stopScanning();
        home();
      }, "secondary", { id: "reception-cancel" }),
    ),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (input.value.trim()) resolve(input.value.trim());
  });
  render("counter-pay", () => h("section", {}, h("h1", { html: t("counterpay.title") }), h("p", { html: t("counterpay.scan") }), form));
  input.focus();
  stopScanning();
  if (app.config.services.includes("CameraService")) {
    scanner = follow("CameraService", "WatchQr", {}, (event) => resolve(event.payload));
  }
}

async function resolve(code) {
  stopScanning();
  let reply;
  try {
    reply = await rpc("FrontyardService", "ResolveReception", { code });
  } catch (error) {
    return showError(error, { retry: counterPaymentStart });
  }
  const request = reply.certificate_request;
  if (!request || !(request.total_fee > 0)) return showError("no_fee_to_pay", { retry: counterPaymentStart });
  const order = certificateOrder(request);
  context().flow.afterPayment = () => handOver(reply.reception_id);
  render("counter-order", () =>
    h(
      "section",
      {},
      h("h1", { html: t("counterpay.order") }),
      h(
        "dl",
        { class: "facts" },
        h("dt", { html: t("counterpay.reception") }),
        h("dd", { id: "order-reception" }, reply.reception_id),
        h("dt", { html: t("fee.certificate") }),
        h("dd", { id: "order-certificate" }, request.certificate_name),
        h("dt", { html: t("cert.copies") }),
        h("dd", {}, String(request.copies)),
        h("dt", { html: t("fee.total") }),
        h("dd", { id: "order-total", html: t("fee.yen", { yen: yen(request.total_fee) }) }),
      ),
      h(
        "div",
        { class: "actions" },
        button("fee.pay_card", () => paymentStart(order, async () => ""), "primary", { id: "order-pay" }),
        button("common.cancel", home, "secondary"),
      ),
    ),
  );
}

function handOver(receptionId) {
  render("counter-paid", () =>
    h(
      "section",
      {},
      h("h1", { html: t("counterpay.paid") }),
      h("p", { id: "counter-paid-reception" }, receptionId),
      h("p", { html: t("counterpay.hand_over") }),
      h("div", { class: "actions" }, button("common.home", home, "primary", { id: "counter-paid-home" })),
    ),
  );
}
