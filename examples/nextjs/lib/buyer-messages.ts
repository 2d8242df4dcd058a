/**
 * Messages a buyer can act on, for the errors Stripe (or the shop's server)
 * reports while paying. Shared by the browser and the server, so the wording
 * is the same wherever the error is caught.
 */

/** The parts of a Stripe error that decide what to tell the buyer. */
export interface PaymentErrorLike {
  type?: string;
  code?: string;
  decline_code?: string;
  message?: string;
}

/** What went wrong, in the shop's terms. */
export type PaymentProblem =
  | "declined"
  | "insufficient_funds"
  | "authentication_required"
  | "authentication_failed"
  | "card_details"
  | "network"
  | "unavailable"
  | "shop_error"
  | "other";

export interface BuyerMessage {
  problem: PaymentProblem;
  message: string;
}

const messages: Record<PaymentProblem, string> = {
  declined:
    "Your card was declined. Try another card, or contact your bank for details.",
  insufficient_funds: "Your card has insufficient funds. Try another card.",
  authentication_required:
    "Your bank asks you to confirm this payment. Complete the check and try again.",
  authentication_failed:
    "We could not confirm the payment with your bank. Try again or use another card.",
  card_details: "Check your card details and try again.",
  network:
    "We could not reach the payment service. Check your connection and try again; you have not been charged.",
  unavailable:
    "Payments are unavailable right now. Try again in a few minutes; you have not been charged.",
  shop_error:
    "Something went wrong on our side, not with your card. Try again in a few minutes.",
  other: "Your payment did not go through. Try again or use another card.",
};

/** Chooses the buyer's message for a Stripe error object. */
export function buyerMessage(
  error: PaymentErrorLike | undefined,
): BuyerMessage {
  const problem = problemOf(error);
  // Card errors carry a message written for buyers; other types (API and
  // configuration errors) are for developers and stay out of the page.
  const message =
    problem === "declined" &&
    error?.type === "card_error" &&
    typeof error.message === "string" &&
    error.message !== ""
      ? error.message
      : messages[problem];
  return { problem, message };
}

/** The message for a problem the shop found itself. */
export function messageFor(problem: PaymentProblem): BuyerMessage {
  return { problem, message: messages[problem] };
}

function problemOf(error: PaymentErrorLike | undefined): PaymentProblem {
  if (!error) return "other";
  const code = error.code ?? "";
  const decline = error.decline_code ?? "";
  if (decline === "insufficient_funds" || code === "insufficient_funds") {
    return "insufficient_funds";
  }
  if (
    code === "authentication_required" ||
    decline === "authentication_required"
  ) {
    return "authentication_required";
  }
  if (code === "payment_intent_authentication_failure") {
    return "authentication_failed";
  }
  if (code === "card_declined" || code === "expired_card") return "declined";
  if (
    code === "incorrect_number" ||
    code === "invalid_number" ||
    code === "incorrect_cvc" ||
    code === "invalid_cvc" ||
    code === "invalid_expiry_month" ||
    code === "invalid_expiry_year" ||
    code === "incomplete_number" ||
    code === "incomplete_cvc" ||
    code === "incomplete_expiry" ||
    error.type === "validation_error"
  ) {
    return "card_details";
  }
  if (code === "network" || error.type === "api_connection_error") {
    return "network";
  }
  if (error.type === "card_error") return "declined";
  return "other";
}
