// Code written against stripe-node's types, as an integration would write it. It
// is compiled twice, unchanged: against stripe-node 22.6.2 (API 2026-08-26.dahlia,
// tsconfig.stripe-node.json) and against our types (tsconfig.json), through the
// `stripe-types` import that each tsconfig maps to its side.
import type Stripe from "stripe-types";

/** The id of an expandable field, written the stripe-node way. */
function idOf(
  value: string | { id: string } | null | undefined,
): string | null {
  if (value == null) return null;
  return typeof value === "string" ? value : value.id;
}

export function describeIntent(intent: Stripe.PaymentIntent): string {
  const customer = intent.customer;
  const customerState =
    customer == null
      ? "guest"
      : typeof customer === "string"
        ? customer
        : customer.deleted
          ? `deleted ${customer.id}`
          : (customer.email ?? customer.id);
  if (intent.status === "requires_action" && intent.next_action) {
    return `${intent.id} needs ${intent.next_action.type}`;
  }
  const error = intent.last_payment_error?.message ?? "";
  const orderId: string | undefined = intent.metadata["order_id"];
  return [
    intent.id,
    intent.amount,
    intent.amount_received,
    intent.currency,
    intent.status,
    customerState,
    idOf(intent.latest_charge),
    idOf(intent.payment_method),
    intent.client_secret ?? "",
    intent.created,
    orderId ?? "",
    error,
  ].join(" ");
}

export function describeCustomer(customer: Stripe.Customer): string {
  const address = customer.address
    ? `${customer.address.city ?? ""} ${customer.address.country ?? ""}`
    : "";
  return `${customer.id} ${customer.email ?? ""} ${customer.name ?? ""} ${address} ${customer.balance ?? 0} ${customer.metadata?.["plan"] ?? ""}`;
}

export function describeSession(session: Stripe.Checkout.Session): string {
  const paid = session.payment_status === "paid";
  const items = (session.line_items?.data ?? []).map(
    (item) =>
      `${item.quantity ?? 0}x ${item.description ?? ""} ${item.amount_total}`,
  );
  return [
    session.id,
    session.mode,
    session.status ?? "",
    paid,
    session.amount_total ?? 0,
    session.currency ?? "",
    session.customer_details?.email ?? "",
    idOf(session.customer),
    idOf(session.payment_intent),
    idOf(session.subscription),
    session.client_reference_id ?? "",
    session.metadata?.["order_id"] ?? "",
    ...items,
  ].join(" ");
}

export function describeSubscription(
  subscription: Stripe.Subscription,
): string {
  const items = subscription.items.data.map((item) => {
    const product = item.price.product;
    const productId = typeof product === "string" ? product : product.id;
    return `${item.price.id} ${productId} ${item.price.unit_amount ?? 0} ${item.price.recurring?.interval ?? ""} ${item.current_period_end}`;
  });
  const active =
    subscription.status === "active" || subscription.status === "trialing";
  return [
    subscription.id,
    subscription.status,
    active,
    idOf(subscription.customer),
    subscription.cancel_at_period_end,
    subscription.cancel_at ?? "",
    subscription.trial_end ?? "",
    idOf(subscription.latest_invoice),
    ...items,
  ].join(" ");
}

export function describeInvoice(invoice: Stripe.Invoice): string {
  const lines = invoice.lines.data.map(
    (line) => `${line.amount} ${line.description ?? ""}`,
  );
  return [
    invoice.id ?? "draft",
    invoice.status ?? "",
    invoice.amount_due,
    invoice.amount_paid,
    invoice.currency,
    invoice.hosted_invoice_url ?? "",
    idOf(invoice.customer),
    invoice.parent?.subscription_details?.subscription ?? "",
    ...lines,
  ].join(" ");
}

export function describeCharge(charge: Stripe.Charge): string {
  const card = charge.payment_method_details?.card;
  const refunds = charge.refunds?.data.map((refund) => refund.id) ?? [];
  return [
    charge.id,
    charge.amount,
    charge.amount_refunded,
    charge.paid,
    charge.refunded,
    charge.status,
    charge.outcome?.risk_level ?? "",
    card ? `${card.brand ?? ""} ${card.last4 ?? ""}` : "",
    idOf(charge.payment_intent),
    charge.receipt_url ?? "",
    ...refunds,
  ].join(" ");
}

export function describeRefund(refund: Stripe.Refund): string {
  return `${refund.id} ${refund.amount} ${refund.status ?? ""} ${refund.reason ?? ""} ${idOf(refund.charge)} ${idOf(refund.payment_intent)}`;
}

export function describeSetupIntent(intent: Stripe.SetupIntent): string {
  return `${intent.id} ${intent.status} ${intent.usage} ${idOf(intent.payment_method)} ${idOf(intent.customer)} ${intent.client_secret ?? ""}`;
}

export function describePaymentMethod(method: Stripe.PaymentMethod): string {
  const card = method.card
    ? `${method.card.brand} ${method.card.last4} ${method.card.exp_month}/${method.card.exp_year}`
    : "";
  return `${method.id} ${method.type} ${card} ${method.billing_details.email ?? ""} ${idOf(method.customer)}`;
}

export function describePrice(price: Stripe.Price): string {
  return `${price.id} ${price.unit_amount ?? 0} ${price.currency} ${price.type} ${price.recurring?.interval ?? "once"} ${price.active} ${price.lookup_key ?? ""}`;
}

export function describeProduct(product: Stripe.Product): string {
  return `${product.id} ${product.name} ${product.active} ${product.description ?? ""} ${idOf(product.default_price)} ${product.images.join(",")}`;
}

export function handleEvent(event: Stripe.Event): string {
  switch (event.type) {
    case "payment_intent.succeeded":
    case "payment_intent.payment_failed":
      return describeIntent(event.data.object);
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
      return describeSession(event.data.object);
    case "customer.created":
    case "customer.updated":
      return describeCustomer(event.data.object);
    case "customer.subscription.updated": {
      const previous = event.data.previous_attributes;
      const from = previous?.status ?? event.data.object.status;
      return `${from} -> ${describeSubscription(event.data.object)}`;
    }
    case "customer.subscription.deleted":
      return describeSubscription(event.data.object);
    case "invoice.paid":
    case "invoice.payment_failed":
      return describeInvoice(event.data.object);
    case "charge.refunded":
    case "charge.succeeded":
      return describeCharge(event.data.object);
    case "refund.created":
      return describeRefund(event.data.object);
    case "setup_intent.succeeded":
      return describeSetupIntent(event.data.object);
    case "payment_method.attached":
      return describePaymentMethod(event.data.object);
    case "price.created":
      return describePrice(event.data.object);
    case "product.updated":
      return describeProduct(event.data.object);
    default:
      return `${event.id} ${event.type} ${event.created} ${event.livemode} ${event.api_version ?? ""} ${typeof event.request === "string" ? event.request : (event.request?.id ?? "")}`;
  }
}

// Params built the stripe-node way: the same object literals type-check against
// its params types and ours.
export function orderParams(
  customer: string,
  orderId: string,
): {
  intent: Stripe.PaymentIntentCreateParams;
  unsetDescription: Stripe.PaymentIntentUpdateParams;
  buyer: Stripe.CustomerCreateParams;
  session: Stripe.Checkout.SessionCreateParams;
  membership: Stripe.SubscriptionCreateParams;
  refund: Stripe.RefundCreateParams;
} {
  return {
    intent: {
      amount: 2500,
      currency: "eur",
      customer,
      automatic_payment_methods: { enabled: true },
      capture_method: "automatic",
      metadata: { order_id: orderId },
      expand: ["latest_charge"],
    },
    unsetDescription: { description: "" },
    buyer: {
      email: "buyer@example.com",
      address: { country: "FR", city: "Lyon" },
      metadata: { source: "shop" },
    },
    session: {
      mode: "payment",
      ui_mode: "embedded_page",
      return_url:
        "https://shop.example/return?session_id={CHECKOUT_SESSION_ID}",
      line_items: [
        {
          quantity: 2,
          price_data: {
            currency: "eur",
            unit_amount: 1250,
            product_data: { name: "Mug" },
          },
        },
      ],
      client_reference_id: orderId,
    },
    membership: {
      customer,
      items: [{ price: "price_membership_monthly" }],
      payment_behavior: "default_incomplete",
      payment_settings: { save_default_payment_method: "on_subscription" },
      expand: ["latest_invoice.confirmation_secret"],
    },
    refund: {
      payment_intent: "pi_123",
      amount: 500,
      reason: "requested_by_customer",
    },
  };
}
