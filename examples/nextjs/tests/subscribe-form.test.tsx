import { cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { SubscribeForm } from "@/app/subscribe/subscribe-form";

// The Payment Element takes Stripe.js from react-stripe-js's context; the test
// gives it a Stripe whose confirmPayment records where the buyer would return.
const confirmPayment = vi.fn();
vi.mock("@stripe/react-stripe-js", () => ({
  useStripe: () => ({ confirmPayment }),
  useElements: () => ({}),
  PaymentElement: () => <div data-testid="payment-element" />,
  Elements: ({
    children,
    options,
  }: {
    children: React.ReactNode;
    options: { clientSecret: string };
  }) => <div data-client-secret={options.clientSecret}>{children}</div>,
}));
vi.mock("@stripe/stripe-js/pure", () => ({ loadStripe: async () => null }));

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.clearAllMocks();
});

/** The shop's answer to `POST /api/subscriptions`. */
function subscriptionsAnswer(body: object) {
  const fetchMock = vi.fn(
    async () => new Response(JSON.stringify(body), { status: 201 }),
  );
  vi.stubGlobal("fetch", fetchMock);
  return fetchMock;
}

async function subscribe() {
  render(
    <SubscribeForm
      sku="coffee-club"
      amount={900}
      currency="eur"
      publishableKey="pk_test_your_key_here"
      stripeJsMockUrl={null}
    />,
  );
  await userEvent.type(screen.getByLabelText("Email"), "buyer@example.com");
  await userEvent.click(screen.getByRole("button", { name: "Subscribe" }));
}

describe("SubscribeForm", () => {
  it("collects the first invoice's payment when a client secret comes back", async () => {
    subscriptionsAnswer({
      subscription_id: "sub_test1",
      status: "incomplete",
      client_secret: "pi_test1_secret_abc",
    });
    confirmPayment.mockResolvedValue({ error: { type: "card_error" } });
    await subscribe();

    expect(await screen.findByTestId("payment-element")).toBeTruthy();
    expect(
      document
        .querySelector("[data-client-secret]")
        ?.getAttribute("data-client-secret"),
    ).toBe("pi_test1_secret_abc");
    // The amount is the catalog's, passed in by the server page.
    await userEvent.click(screen.getByRole("button", { name: /^Pay/ }));
    expect(screen.getByRole("button", { name: /^Pay/ }).textContent).toMatch(
      /9[.,]00/,
    );
    const { confirmParams } = confirmPayment.mock.calls[0][0];
    expect(confirmParams.return_url).toBe(
      `${window.location.origin}/return?subscription=sub_test1`,
    );
  });

  it("shows no payment step for a subscription that needs none", async () => {
    subscriptionsAnswer({
      subscription_id: "sub_test2",
      status: "active",
      client_secret: null,
    });
    await subscribe();

    expect((await screen.findByRole("status")).textContent).toBe(
      "Subscription sub_test2 is active; nothing is due now.",
    );
    expect(screen.queryByTestId("payment-element")).toBeNull();
    expect(screen.queryByRole("button", { name: /^Pay/ })).toBeNull();
  });
});
