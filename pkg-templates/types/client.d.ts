// The Stripe API client (client.mjs). Results are the generated models; params
// are the generated params types (params.d.ts), as stripe-node names them.

/**
 * Request params, form-encoded as Stripe reads them: nested objects as
 * `a[b]=…`, arrays indexed, booleans as words, `Date`s as Unix seconds. `""` sends an
 * empty value, which unsets the field; `undefined` and `null` send nothing.
 */
export interface StripeParams {
  [name: string]: unknown;
  /** Fields to expand in the answer, such as `"latest_charge"`. */
  expand?: Array<string>;
  /** Key-value pairs to set; `""` for a key (or the whole field) unsets it. */
  metadata?: Record<string, string | number> | "" | null;
}

/** Params of a list call: cursor pagination. */
export interface StripeListParams extends StripeParams {
  limit?: number;
  starting_after?: string;
  ending_before?: string;
}

/** Params of a search call. */
export interface StripeSearchParams extends StripeParams {
  query: string;
  limit?: number;
  page?: string;
}

/**
 * Per-call settings, over the client's. Any other name (`idempotency_key`) is
 * refused with a TypeError before anything is sent.
 */
export interface StripeRequestOptions {
  /**
   * `Idempotency-Key` for this call (at most 255 characters). A POST without one
   * gets a fresh UUIDv4. Either way the same key is sent on every retry of this
   * call and never on another call.
   */
  idempotencyKey?: string;
  /** `Stripe-Account`: act for this connected account. */
  stripeAccount?: string;
  /** `Stripe-Version` for this call. */
  stripeVersion?: string;
  /** Retries after the first attempt. */
  maxNetworkRetries?: number;
  /** The time this call may take, retries and waits included. */
  timeoutMs?: number;
}

/**
 * What the client is built with. Any other name (`apibase`, `timeoutMS`) is
 * refused with a TypeError.
 */
export interface StripeClientOptions {
  /** A secret (`sk_`) or restricted (`rk_`) key. Never printed or serialised. */
  secretKey: string;
  /** The API origin; `https://api.stripe.com` by default. */
  apiBase?: string;
  /** `Stripe-Version`; the models' version (`STRIPE_API_VERSION`) by default. */
  stripeVersion?: string;
  /** Retries after the first attempt; 2 by default, as stripe-node. */
  maxNetworkRetries?: number;
  /**
   * The time one call may take, retries and waits included; 80000 by default.
   * Enforced by a timer, whether or not `fetch` honours its abort signal.
   */
  timeoutMs?: number;
  /** `Stripe-Account` on every call. */
  stripeAccount?: string;
  /** The `fetch` to send with; the global one by default. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** How to wait between attempts (tests inject one); `setTimeout` by default. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for the retry jitter; `Math.random` by default. */
  random?: () => number;
}

/** Where an object came from: the answer's request id, status and headers. */
export interface StripeLastResponse {
  requestId: string | undefined;
  statusCode: number;
  headers: Headers;
}

/** An object as Stripe answered, with the answer's metadata (not enumerable). */
export type StripeResponse<T> = T & {
  readonly lastResponse: StripeLastResponse;
};

/** One page of a list. */
export interface StripeList<T> {
  object: "list";
  data: Array<T>;
  has_more: boolean;
  url: string;
}

/** One page of a search. */
export interface StripeSearchResult<T> {
  object: "search_result";
  data: Array<T>;
  has_more: boolean;
  next_page: string | null;
  url: string;
  total_count?: number;
}

/**
 * A list or search call: a Promise of the first page (`await`, `then`, `catch`,
 * `finally`), and `for await` over it for every item of every page (the next page
 * is fetched when the last runs out). Nothing is sent until it is used.
 */
export type StripeListResult<T, Page = StripeList<T>> = Promise<
  StripeResponse<Page>
> &
  AsyncIterable<T>;

type Call<T, P> = (
  params?: P,
  options?: StripeRequestOptions,
) => Promise<StripeResponse<T>>;
/** A call whose params have a field the caller must give. */
type CallWith<T, P> = (
  params: P,
  options?: StripeRequestOptions,
) => Promise<StripeResponse<T>>;
type CallWithId<T, P> = (
  id: string,
  params?: P,
  options?: StripeRequestOptions,
) => Promise<StripeResponse<T>>;
type ListCall<T, P> = (
  params?: P,
  options?: StripeRequestOptions,
) => StripeListResult<T>;
type ListCallWithId<T, P> = (
  id: string,
  params?: P,
  options?: StripeRequestOptions,
) => StripeListResult<T>;
type SearchCall<T, P> = (
  params: P,
  options?: StripeRequestOptions,
) => StripeListResult<T, StripeSearchResult<T>>;

/**
 * A Stripe API client for `fetch`-based runtimes (Node 20+, Next.js in both
 * runtimes, Cloudflare Workers). Every POST carries an idempotency key that its
 * retries share; connection errors, 409, 5xx and `Stripe-Should-Retry: true` are
 * retried with capped exponential backoff; failures throw a `StripeError` subclass.
 */
export declare class StripeClient {
  constructor(options: StripeClientOptions);

  /** Any v1 endpoint: `path` like `/v1/customers/{}`, its `{}` filled by `ids`. */
  request<T = unknown>(
    method: "GET" | "POST" | "DELETE",
    path: string,
    ids?: Array<string>,
    params?: StripeParams,
    options?: StripeRequestOptions,
  ): Promise<StripeResponse<T>>;

  readonly paymentIntents: {
    create: CallWith<PaymentIntent, PaymentIntentCreateParams>;
    retrieve: CallWithId<PaymentIntent, PaymentIntentRetrieveParams>;
    update: CallWithId<PaymentIntent, PaymentIntentUpdateParams>;
    confirm: CallWithId<PaymentIntent, PaymentIntentConfirmParams>;
    capture: CallWithId<PaymentIntent, PaymentIntentCaptureParams>;
    cancel: CallWithId<PaymentIntent, PaymentIntentCancelParams>;
    list: ListCall<PaymentIntent, PaymentIntentListParams>;
    search: SearchCall<PaymentIntent, PaymentIntentSearchParams>;
  };
  readonly setupIntents: {
    create: Call<SetupIntent, SetupIntentCreateParams>;
    retrieve: CallWithId<SetupIntent, SetupIntentRetrieveParams>;
    update: CallWithId<SetupIntent, SetupIntentUpdateParams>;
    confirm: CallWithId<SetupIntent, SetupIntentConfirmParams>;
    cancel: CallWithId<SetupIntent, SetupIntentCancelParams>;
    list: ListCall<SetupIntent, SetupIntentListParams>;
  };
  readonly customers: {
    create: Call<Customer, CustomerCreateParams>;
    retrieve: CallWithId<Customer | DeletedCustomer, CustomerRetrieveParams>;
    update: CallWithId<Customer, CustomerUpdateParams>;
    del: CallWithId<DeletedCustomer, CustomerDeleteParams>;
    list: ListCall<Customer, CustomerListParams>;
    search: SearchCall<Customer, CustomerSearchParams>;
    listPaymentMethods: ListCallWithId<
      PaymentMethod,
      CustomerListPaymentMethodsParams
    >;
  };
  readonly paymentMethods: {
    create: Call<PaymentMethod, PaymentMethodCreateParams>;
    retrieve: CallWithId<PaymentMethod, PaymentMethodRetrieveParams>;
    attach: CallWithId<PaymentMethod, PaymentMethodAttachParams>;
    detach: CallWithId<PaymentMethod, PaymentMethodDetachParams>;
    list: ListCall<PaymentMethod, PaymentMethodListParams>;
  };
  readonly checkout: {
    readonly sessions: {
      create: Call<CheckoutSession, CheckoutSessionCreateParams>;
      retrieve: CallWithId<CheckoutSession, CheckoutSessionRetrieveParams>;
      expire: CallWithId<CheckoutSession, CheckoutSessionExpireParams>;
      list: ListCall<CheckoutSession, CheckoutSessionListParams>;
      listLineItems: ListCallWithId<
        LineItem,
        CheckoutSessionListLineItemsParams
      >;
    };
  };
  readonly subscriptions: {
    create: Call<Subscription, SubscriptionCreateParams>;
    retrieve: CallWithId<Subscription, SubscriptionRetrieveParams>;
    update: CallWithId<Subscription, SubscriptionUpdateParams>;
    cancel: CallWithId<Subscription, SubscriptionCancelParams>;
    list: ListCall<Subscription, SubscriptionListParams>;
  };
  readonly prices: {
    create: CallWith<Price, PriceCreateParams>;
    retrieve: CallWithId<Price, PriceRetrieveParams>;
    update: CallWithId<Price, PriceUpdateParams>;
    list: ListCall<Price, PriceListParams>;
  };
  readonly products: {
    create: CallWith<Product, ProductCreateParams>;
    retrieve: CallWithId<Product, ProductRetrieveParams>;
    update: CallWithId<Product, ProductUpdateParams>;
    del: CallWithId<DeletedProduct, ProductDeleteParams>;
    list: ListCall<Product, ProductListParams>;
  };
  readonly refunds: {
    create: Call<Refund, RefundCreateParams>;
    retrieve: CallWithId<Refund, RefundRetrieveParams>;
    update: CallWithId<Refund, RefundUpdateParams>;
    cancel: CallWithId<Refund, RefundCancelParams>;
    list: ListCall<Refund, RefundListParams>;
  };
  readonly invoices: {
    retrieve: CallWithId<Invoice, InvoiceRetrieveParams>;
    list: ListCall<Invoice, InvoiceListParams>;
    pay: CallWithId<Invoice, InvoicePayParams>;
  };
  readonly billingPortal: {
    readonly sessions: {
      create: Call<BillingPortalSession, BillingPortalSessionCreateParams>;
    };
  };
  readonly customerSessions: {
    create: CallWith<CustomerSession, CustomerSessionCreateParams>;
  };
  readonly events: {
    retrieve: CallWithId<Event, EventRetrieveParams>;
    list: ListCall<Event, EventListParams>;
  };
}

/** The fields Stripe's error answers and the client's own errors carry. */
export declare class StripeError extends Error {
  /** The class's name, such as `"StripeCardError"`. */
  readonly type: string;
  /** Stripe's `error.type`, such as `"card_error"`. */
  readonly rawType: string | undefined;
  readonly statusCode: number | undefined;
  /** Stripe's `error.code`, or the client's own for a refused argument. */
  readonly code: string | undefined;
  readonly decline_code: string | undefined;
  readonly param: string | undefined;
  readonly doc_url: string | undefined;
  readonly requestId: string | undefined;
  /** Stripe's `Stripe-Should-Retry` header, when it sent one. */
  readonly shouldRetry: boolean | undefined;
  /**
   * Stripe's `error` object as it answered; `undefined` for the client's own
   * errors. Every string in it, and in the three objects below, is redacted: keys
   * masked, client secrets cut to their id.
   */
  readonly raw: Record<string, unknown> | undefined;
  /** The PaymentIntent Stripe sent with the error (a decline on confirm). */
  readonly payment_intent: PaymentIntent | undefined;
  /** The PaymentMethod Stripe sent with the error. */
  readonly payment_method: PaymentMethod | undefined;
  /** The SetupIntent Stripe sent with the error. */
  readonly setup_intent: SetupIntent | undefined;
}
/** 402: the card was declined; `decline_code` says why. */
export declare class StripeCardError extends StripeError {}
/** 400 or 404: invalid parameters; `param` names the parameter. */
export declare class StripeInvalidRequestError extends StripeError {}
/** An idempotency key reused with other params, or still in flight. */
export declare class StripeIdempotencyError extends StripeError {}
/** 401: the key is missing, wrong or revoked. */
export declare class StripeAuthenticationError extends StripeError {}
/** 403: the key may not do this. */
export declare class StripePermissionError extends StripeError {}
/** 429: too many requests. */
export declare class StripeRateLimitError extends StripeError {}
/** Any other answer, or one that was not Stripe's JSON. */
export declare class StripeAPIError extends StripeError {}
/** The request did not complete: refused, reset, DNS, TLS. */
export declare class StripeConnectionError extends StripeError {}
/** The call's total time ran out. */
export declare class StripeTimeoutError extends StripeConnectionError {}
/** Refused before sending: a bad id, idempotency key, option or params. */
export declare class StripeInvalidArgumentError extends StripeError {}
