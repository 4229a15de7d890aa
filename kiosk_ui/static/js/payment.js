// Payment at the counter: the amount comes from the order (a certificate request), the resident presents
// a card to the terminal, progress is live (SaleUpdate steps), then the result; pay → issue → commit.
import { postStream, rpc } from "./api.js";
import { plain, t } from "./i18n.js";
import { button, h, yen } from "./ui.js";
import { context, render, showError } from "./shell.js";

const METHODS = ["PAYMENT_METHOD_CREDIT", "PAYMENT_METHOD_EMONEY", "PAYMENT_METHOD_QR"];

// The order PaymentService charges for a certificate request (its fee under its order id).
export function certificateOrder(request) {
  return {
    order_id: request.order_id,
    amount_yen: request.total_fee,
    lines: [{ fee_code: request.fee_code, subject: request.certificate_name, quantity: request.copies, unit_price_yen: request.fee_per_copy }],
  };
}

// order: {order_id, amount_yen, lines}; issue(): prints and returns the print job name for the commit.
export function paymentStart(order, issue) {
  render("pay-method", () =>
    h(
      "section",
      {},
      h("h1", { html: t("pay.title") }),
      h("p", { class: "amount", id: "pay-amount", html: t("fee.yen", { yen: yen(order.amount_yen) }) }),
      h("p", { html: t("pay.choose") }),
      h(
        "div",
        { class: "choices" },
        ...METHODS.map((method) => button(`pay.method.${method}`, () => sale(order, method, issue), "primary big", { "data-method": method })),
      ),
    ),
  );
}

async function sale(order, method, issue) {
  const steps = ["SALE_STEP_PRESENT_CARD", "SALE_STEP_PIN_ON_TERMINAL", "SALE_STEP_PROCESSING", "SALE_STEP_REMOVE_CARD"];
  const status = h("p", { class: "progress-step", id: "pay-step", role: "status", "aria-live": "polite", html: t("pay.step.SALE_STEP_PRESENT_CARD") });
  const bar = h("progress", { max: String(steps.length), value: "1", "aria-label": plain("pay.progress") });
  render("pay-progress", () =>
    h("section", {}, h("h1", { html: t("pay.present") }), h("p", { class: "amount", html: t("fee.yen", { yen: yen(order.amount_yen) }) }), bar, status),
  );
  let payment = null;
  try {
    await postStream("PaymentService", "Sale", { ...order, method }, (update) => {
      if (update.payment && update.payment.name) payment = update.payment;
      if (update.step && update.step !== "SALE_STEP_UNSPECIFIED") {
        status.innerHTML = t(`pay.step.${update.step}`);
        bar.value = String(steps.indexOf(update.step) + 1);
      }
    });
  } catch (error) {
    return showError(error, { retry: () => paymentStart(order, issue) });
  }
  const state = payment ? payment.state : "PAYMENT_STATE_UNSPECIFIED";
  if (state !== "PAYMENT_APPROVED") {
    const reason = { PAYMENT_DECLINED: "payment_declined", PAYMENT_CANCELLED: "payment_cancelled", PAYMENT_UNKNOWN: "result_unknown" }[state] || "payment_error";
    return showError(reason, { retry: reason === "result_unknown" ? null : () => paymentStart(order, issue) });
  }
  let job = "";
  let issued = false;
  try {
    job = await issue();
    issued = true;
  } catch (error) {
    await rpc("PaymentService", "CommitPayment", { name: payment.name, issued: false }).catch(() => {});
    return showError(error);
  }
  try {
    await rpc("PaymentService", "CommitPayment", { name: payment.name, issued_job: job, issued });
  } catch (error) {
    return showError(error);
  }
  context().flow.paid = payment;
  render("pay-done", () =>
    h(
      "section",
      {},
      h("h1", { html: t("pay.approved") }),
      h("p", { id: "pay-result", html: t("pay.approved_body", { yen: yen(payment.amount_yen), brand: payment.brand || "" }) }),
      h("p", { html: t("pay.slip") }),
      h("div", { class: "actions" }, button("common.next", () => context().flow.afterPayment(), "primary", { id: "pay-next" })),
    ),
  );
}
