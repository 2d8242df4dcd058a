// Type tests for the generated models: compiled with `tsc --noEmit -p tests/types`,
// never run. A line marked @ts-expect-error must fail to compile.
import type {
  CheckoutSession,
  Customer,
  Event,
  Invoice,
  PaymentIntent,
  Subscription,
  UnknownEvent,
} from "../../pkg-templates/types/models";
import { expandableId } from "../../pkg-templates/types/models";

declare const event: Event;

// Narrowing on `type` gives the object of that event type.
function handle(e: Event): string {
  switch (e.type) {
    case "payment_intent.succeeded": {
      const intent: PaymentIntent = e.data.object;
      const amount: number = intent.amount;
      const previous: Partial<PaymentIntent> | undefined =
        e.data.previous_attributes;
      return `${intent.id} ${amount} ${previous?.status ?? ""}`;
    }
    case "checkout.session.completed": {
      const session: CheckoutSession = e.data.object;
      return session.id;
    }
    case "customer.subscription.updated": {
      const subscription: Subscription = e.data.object;
      return subscription.status;
    }
    case "invoice.paid": {
      const invoice: Invoice = e.data.object;
      return invoice.id;
    }
    default:
      return e.type;
  }
}
handle(event);

// The fallback keeps the type string and the raw object.
declare const future: UnknownEvent;
const futureType: string = future.type;
const futureObject: { object: string } = future.data.object;
void futureType;
void futureObject;

// Narrowed events do not mix: a charge event's object is not a PaymentIntent.
if (event.type === "charge.succeeded") {
  // @ts-expect-error a Charge is not a PaymentIntent
  const wrong: PaymentIntent = event.data.object;
  void wrong;
}

// Nullable and optional are distinct (C14): `customer` is always there, maybe null.
declare const intent: PaymentIntent;
const customer: string | Customer | { id: string; deleted: true } | null =
  intent.customer;
void customer;
// @ts-expect-error may be null
const customerRequired: string | Customer = intent.customer;
void customerRequired;

// Expandable fields: the id whatever the form (C06).
const customerId: string | null = expandableId(intent.customer);
void customerId;

// Metadata is a plain object of strings (C13).
const orderId: string | undefined = intent.metadata["order_id"];
void orderId;
