// Payment at the counter: the amount comes from the order (a certificate request), the resident presents
// a card to the terminal, progress is live (SaleUpdate steps), then the result; pay → issue → commit.
import { postStream, rpc } from "./api.js";
import { plain, t } from "./i18n.js";
import { button, h, yen } from "./ui.js";
import { domainPlain } from "./domain.js";
import { page } from "./layout.js";
import { context, render, showError, wipe } from "./shell.js";

const METHODS = ["PAYMENT_METHOD_CREDIT", "PAYMENT_METHOD_EMONEY", "PAYMENT_METHOD_QR"];

// The order PaymentService charges for a certificate request (its fee under its order id).
export function certificateOrder(request) {
  return {
    order_id: request.order_id,
    amount: request.total_fee,
    lines: [{ fee_code: request.fee_code, subject: request.certificate_name, quantity: request.copies, unit_price: request.fee_per_copy }],
  };
}

// order: {order_id, amount (Money), lines}; issue(): prints and returns the print job name for the commit;
// back(): the screen before (the fee), offered with やめる on the method screen.
export function paymentStart(order, issue, back = null) {
  const flow = context().flow && context().flow.name === "certificate" ? "certificate" : null;
  render("pay-method", () =>
    page({
      title: t("pay.title"),
      flow,
      step: 3,
      content: [
        h("p", { class: "amount", id: "pay-amount", html: t("fee.yen", { yen: yen(order.amount) }) }),
        h("p", { class: "lead", html: t("pay.choose") }),
        h(
          "div",
          { class: "choices list" },
          ...METHODS.map((method) => button(`pay.method.${method}`, () => sale(order, method, issue, back), "primary big", { "data-method": method })),
        ),
      ],
      back: back ? { onclick: back, id: "pay-back" } : null,
      cancel: { onclick: () => wipe("done"), id: "pay-cancel" },
    }),
  );
}

async function sale(order, method, issue, back) {
  const steps = ["SALE_STEP_PRESENT_CARD", "SALE_STEP_PIN_ON_TERMINAL", "SALE_STEP_PROCESSING", "SALE_STEP_REMOVE_CARD"];
  const status = h("p", { class: "progress-step", id: "pay-step", role: "status", "aria-live": "polite", html: t("pay.step.SALE_STEP_PRESENT_CARD") });
  const bar = h("progress", { max: String(steps.length), value: "1", "aria-label": plain("pay.progress") });
  render("pay-progress", () =>
    page({ title: t("pay.present"), content: [h("p", { class: "amount", html: t("fee.yen", { yen: yen(order.amount) }) }), bar, status] }),
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
    return showError(error, { retry: () => paymentStart(order, issue, back) });
  }
  const state = payment ? payment.state : "PAYMENT_STATE_UNSPECIFIED";
  if (state !== "PAYMENT_STATE_APPROVED") {
    const reason = { PAYMENT_STATE_DECLINED: "payment_declined", PAYMENT_STATE_CANCELLED: "payment_cancelled", PAYMENT_STATE_UNKNOWN: "result_unknown" }[state] || "payment_error";
    return showError(reason, { retry: reason === "result_unknown" ? null : () => paymentStart(order, issue, back) });
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
  const brand = payment.brand ? domainPlain("brand", String(payment.brand).toLowerCase(), { fallback: plain("pay.brand_other") }) : "";
  render("pay-done", () =>
    page({
      title: t("pay.approved"),
      content: [
        h("p", { class: "lead", id: "pay-result", html: t(brand ? "pay.approved_body" : "pay.approved_plain", { yen: yen(payment.amount), brand }) }),
        h("p", { html: t("pay.slip") }),
      ],
      next: { onclick: () => context().flow.afterPayment(), id: "pay-next" },
    }),
  );
}
