// Our types under the names stripe-node gives them (`Stripe.PaymentIntent`,
// `Stripe.Checkout.Session`, …), so that one source file can be compiled against
// either: see handlers.ts and the two tsconfig files next to it.
import type * as Models from "../../../pkg-templates/types/models";
import type * as Params from "../../../pkg-templates/types/params";

declare namespace Stripe {
  type PaymentIntent = Models.PaymentIntent;
  type Customer = Models.Customer;
  type DeletedCustomer = Models.DeletedCustomer;
  namespace Checkout {
    type Session = Models.CheckoutSession;
    type SessionCreateParams = Params.CheckoutSessionCreateParams;
  }
  type PaymentIntentCreateParams = Params.PaymentIntentCreateParams;
  type PaymentIntentUpdateParams = Params.PaymentIntentUpdateParams;
  type CustomerCreateParams = Params.CustomerCreateParams;
  type SubscriptionCreateParams = Params.SubscriptionCreateParams;
  type RefundCreateParams = Params.RefundCreateParams;
  type Subscription = Models.Subscription;
  type Invoice = Models.Invoice;
  type Charge = Models.Charge;
  type Refund = Models.Refund;
  type SetupIntent = Models.SetupIntent;
  type PaymentMethod = Models.PaymentMethod;
  type Price = Models.Price;
  type Product = Models.Product;
  type Event = Models.Event;
}

export default Stripe;
