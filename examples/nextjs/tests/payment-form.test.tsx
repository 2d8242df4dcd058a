import type { Stripe, StripeCardElement } from "@stripe/stripe-js";
import { cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import {
  LocalCardForm,
  PaymentElementForm,
  type PaymentToPay,
  type ServerConfirmation,
} from "@/components/payment-form";
import { buyerMessage } from "@/lib/buyer-messages";

// The Payment Element form takes Stripe.js from react-stripe-js's context;
// the test gives it a Stripe whose confirmPayment answers what each case needs.
const confirmPayment = vi.fn();
vi.mock("@stripe/react-stripe-js", () => ({
  useStripe: () => ({ confirmPayment }),
  useElements: () => ({}),
  PaymentElement: () => <div data-testid="payment-element" />,
  Elements: ({ children }: { children: React.ReactNode }) => children,
}));

const payment: PaymentToPay = {
  order_id: "ord_test1",
  payment_intent_id: "pi_test1",
  client_secret: "pi_test1_secret_abc",
  amount: 1800,
  currency: "eur",
};

afterEach(() => {
  cleanup();
  vi.clearAllMocks();
});

/** A Stripe.js with only what the local card form calls. */
function fakeStripe({
  token = { token: { id: "tok_test1" } },
  authentication = { paymentIntent: { status: "succeeded" } },
}: {
  token?: object;
  authentication?: object;
} = {}) {
  const card = { mount: vi.fn(), destroy: vi.fn() };
  const stripe = {
    elements: () => ({ create: () => card as unknown as StripeCardElement }),
    createToken: vi.fn(async () => token),
    confirmCardPayment: vi.fn(async () => authentication),
  };
  return { stripe: stripe as unknown as Stripe, raw: stripe, card };
}

function renderLocal(
  stripe: Stripe | null,
  confirmOnServer: (
    p: PaymentToPay,
    token: string,
  ) => Promise<ServerConfirmation>,
) {
  const onDone = vi.fn();
  render(
    <LocalCardForm
      stripe={stripe}
      payment={payment}
      confirmOnServer={confirmOnServer}
      onDone={onDone}
    />,
  );
  return { onDone };
}

const pay = () => userEvent.click(screen.getByRole("button", { name: /^Pay/ }));

describe("LocalCardForm (localstripe's Stripe.js mock)", () => {
  it("shows loading and cannot pay until Stripe.js is ready", () => {
    renderLocal(null, vi.fn());
    expect(screen.getByRole("status").textContent).toBe(
      "Loading the card form…",
    );
    expect(
      (screen.getByRole("button", { name: /^Pay/ }) as HTMLButtonElement)
        .disabled,
    ).toBe(true);
  });

  it("mounts the card Element and, once paid, goes to the return page", async () => {
    const { stripe, raw, card } = fakeStripe();
    const confirm = vi.fn(
      async () => ({ ok: true, status: "succeeded" }) as const,
    );
    const { onDone } = renderLocal(stripe, confirm);
    expect(card.mount).toHaveBeenCalledTimes(1);
    expect(screen.getByRole("button", { name: /^Pay/ }).textContent).toBe(
      "Pay €18.00",
    );

    await pay();

    expect(raw.createToken).toHaveBeenCalledWith(card);
    expect(confirm).toHaveBeenCalledWith(payment, "tok_test1");
    expect(raw.confirmCardPayment).not.toHaveBeenCalled();
    expect(onDone).toHaveBeenCalledTimes(1);
    const url = new URL(onDone.mock.calls[0][0] as string);
    expect(url.pathname).toBe("/return");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      order: "ord_test1",
      payment_intent: "pi_test1",
      payment_intent_client_secret: "pi_test1_secret_abc",
      redirect_status: "succeeded",
    });
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("shows a declined card's message and stays on the form", async () => {
    const { stripe } = fakeStripe();
    const { onDone } = renderLocal(stripe, async () => ({
      ok: false,
      error: buyerMessage({
        type: "card_error",
        code: "card_declined",
        message: "Your card was declined.",
      }),
    }));

    await pay();

    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toBe("Your card was declined.");
    expect(alert.dataset.problem).toBe("declined");
    expect(onDone).not.toHaveBeenCalled();
    expect(
      (screen.getByRole("button", { name: /^Pay/ }) as HTMLButtonElement)
        .disabled,
    ).toBe(false);
  });

  it("asks for 3-D Secure when the bank requires it", async () => {
    const { stripe, raw } = fakeStripe();
    const { onDone } = renderLocal(stripe, async () => ({
      ok: true,
      status: "requires_action",
    }));

    await pay();

    expect(raw.confirmCardPayment).toHaveBeenCalledWith("pi_test1_secret_abc");
    expect(onDone).toHaveBeenCalledTimes(1);
  });

  it("says so when 3-D Secure fails", async () => {
    const { stripe } = fakeStripe({
      authentication: { paymentIntent: { status: "requires_payment_method" } },
    });
    const { onDone } = renderLocal(stripe, async () => ({
      ok: true,
      status: "requires_action",
    }));

    await pay();

    expect((await screen.findByRole("alert")).dataset.problem).toBe(
      "authentication_failed",
    );
    expect(onDone).not.toHaveBeenCalled();
  });

  it("says the network is down, and that nothing was charged", async () => {
    const { stripe } = fakeStripe();
    const { onDone } = renderLocal(stripe, async () => {
      throw new TypeError("Failed to fetch");
    });

    await pay();

    const alert = await screen.findByRole("alert");
    expect(alert.dataset.problem).toBe("network");
    expect(alert.textContent).toMatch(/could not reach the payment service/);
    expect(alert.textContent).toMatch(/not been charged/);
    expect(onDone).not.toHaveBeenCalled();
  });

  it("refuses incomplete card details before calling the server", async () => {
    const { stripe } = fakeStripe({
      token: {
        error: { type: "validation_error", code: "incomplete_number" },
      },
    });
    const confirm = vi.fn();
    renderLocal(stripe, confirm);

    await pay();

    expect((await screen.findByRole("alert")).dataset.problem).toBe(
      "card_details",
    );
    expect(confirm).not.toHaveBeenCalled();
  });
});

describe("PaymentElementForm (Stripe's Payment Element)", () => {
  const cases = [
    {
      name: "insufficient funds",
      error: {
        type: "card_error",
        code: "card_declined",
        decline_code: "insufficient_funds",
        message: "Your card has insufficient funds.",
      },
      problem: "insufficient_funds",
      text: /insufficient funds/,
    },
    {
      name: "3-D Secure required",
      error: {
        type: "card_error",
        code: "authentication_required",
        message: "Your card requires authentication.",
      },
      problem: "authentication_required",
      text: /confirm this payment/,
    },
    {
      name: "declined",
      error: {
        type: "card_error",
        code: "card_declined",
        decline_code: "generic_decline",
        message: "Your card was declined.",
      },
      problem: "declined",
      text: /^Your card was declined\.$/,
    },
    {
      name: "an API error, whose developer message stays hidden",
      error: {
        type: "invalid_request_error",
        code: "parameter_missing",
        message: "Missing required param: return_url.",
      },
      problem: "other",
      text: /^Your payment did not go through/,
    },
  ];

  for (const { name, error, problem, text } of cases) {
    it(`shows a buyer's message for ${name}`, async () => {
      confirmPayment.mockResolvedValueOnce({ error });
      render(<PaymentElementForm payment={payment} />);

      await pay();

      expect(confirmPayment).toHaveBeenCalledWith({
        elements: {},
        confirmParams: {
          return_url: `${window.location.origin}/return?order=ord_test1`,
        },
      });
      const alert = await screen.findByRole("alert");
      expect(alert.dataset.problem).toBe(problem);
      expect(alert.textContent).toMatch(text);
    });
  }

  it("says the network is down when Stripe.js cannot be reached", async () => {
    confirmPayment.mockRejectedValueOnce(new TypeError("Failed to fetch"));
    render(<PaymentElementForm payment={payment} />);

    await pay();

    expect((await screen.findByRole("alert")).dataset.problem).toBe("network");
  });
});
