//! Every endpoint the client covers, sent to stripe-mock (which checks each request
//! against Stripe's OpenAPI spec) and its answer read into the generated model.
//! Needs stripe-mock from scripts/setup.sh; it is started on port 12111 here.
#![cfg(all(feature = "api", feature = "models", not(target_arch = "wasm32")))]

use std::io::Read;
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use stripe_edge::api::{
    self, interpret_response_as, ApiErrorKind, ClientConfig, HttpRequest, Method, RequestOptions,
};
use stripe_edge::models::{
    BillingPortalSession, CheckoutSession, Customer, CustomerSession, DeletedCustomer,
    DeletedProduct, Event, Invoice, LineItem, List, PaymentIntent, PaymentMethod, Price, Product,
    Refund, SetupIntent, Subscription,
};

const HTTP_ADDR: &str = "127.0.0.1:12111";
const HTTPS_ADDR: &str = "127.0.0.1:12112";

/// stripe-mock, stopped when dropped.
struct StripeMock(Child);

impl StripeMock {
    fn start() -> StripeMock {
        assert!(
            TcpStream::connect(HTTP_ADDR).is_err(),
            "something already listens on {HTTP_ADDR}"
        );
        let home = std::env::var_os("HOME").expect("HOME is set");
        let binary = PathBuf::from(home).join("go/bin/stripe-mock");
        let child = Command::new(&binary)
            .args(["-http-addr", HTTP_ADDR, "-https-addr", HTTPS_ADDR])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("{}: {error}; run scripts/setup.sh", binary.display()));
        let mock = StripeMock(child);
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(HTTP_ADDR).is_err() {
            assert!(Instant::now() < deadline, "stripe-mock did not start");
            sleep(Duration::from_millis(100));
        }
        mock
    }
}

impl Drop for StripeMock {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The transport: sends a built request with ureq and returns the raw answer.
fn send(request: &HttpRequest) -> (u16, Option<String>, Vec<u8>) {
    let mut call = ureq::request(request.method.as_str(), &request.url);
    for (name, value) in &request.headers {
        call = call.set(name, value);
    }
    let result = match &request.body {
        Some(body) => call.send_string(body),
        None => call.call(),
    };
    let response = match result {
        Ok(response) => response,
        Err(ureq::Error::Status(_, response)) => response,
        Err(error) => panic!("{} {}: {error}", request.method.as_str(), request.url),
    };
    let status = response.status();
    let request_id = response.header("request-id").map(str::to_owned);
    let mut body = Vec::new();
    response.into_reader().read_to_end(&mut body).unwrap();
    (status, request_id, body)
}

struct Client {
    config: ClientConfig,
    draws: u8,
}

impl Client {
    // The core's own error type, as a transport returns it.
    #[allow(clippy::result_large_err)]
    fn call<T: DeserializeOwned>(
        &mut self,
        method: Method,
        template: &str,
        ids: &[&str],
        params: Value,
    ) -> Result<T, api::ApiError> {
        let path = api::path(template, ids)?;
        let idempotency_key = (method == Method::Post).then(|| {
            self.draws = self.draws.wrapping_add(1);
            api::new_idempotency_key([self.draws; 16])
        });
        let options = RequestOptions {
            idempotency_key,
            ..RequestOptions::default()
        };
        let request = api::build_request(&self.config, method, &path, Some(&params), &options)?;
        let (status, request_id, body) = send(&request);
        interpret_response_as(
            status,
            |name| (name == "request-id").then(|| request_id.clone()).flatten(),
            &body,
        )
    }

    fn ok<T: DeserializeOwned>(
        &mut self,
        method: Method,
        template: &str,
        ids: &[&str],
        params: Value,
    ) -> T {
        self.call(method, template, ids, params)
            .unwrap_or_else(|error| panic!("{} {template}: {error:?}", method.as_str()))
    }
}

#[test]
fn every_covered_endpoint_is_accepted_and_its_answer_parses() {
    let _mock = StripeMock::start();
    let mut config = ClientConfig::new("sk_test_123").unwrap();
    config.api_base = format!("http://{HTTP_ADDR}");
    let mut client = Client { config, draws: 0 };
    let c = &mut client;
    use Method::{Delete, Get, Post};

    // PaymentIntents.
    let intent: PaymentIntent = c.ok(
        Post,
        "/v1/payment_intents",
        &[],
        json!({
            "amount": 1000,
            "currency": "usd",
            "metadata": { "order": "42" },
            "payment_method_types": ["card"],
            "expand": ["customer"],
        }),
    );
    assert!(intent.id.starts_with("pi_"));
    let id = intent.id.as_str();
    let _: PaymentIntent = c.ok(Get, "/v1/payment_intents/{}", &[id], json!({}));
    let _: PaymentIntent = c.ok(
        Post,
        "/v1/payment_intents/{}",
        &[id],
        json!({ "description": "", "metadata": { "order": null } }),
    );
    let _: PaymentIntent = c.ok(
        Post,
        "/v1/payment_intents/{}/confirm",
        &[id],
        json!({ "payment_method": "pm_card_visa", "return_url": "https://example.com/done" }),
    );
    let _: PaymentIntent = c.ok(
        Post,
        "/v1/payment_intents/{}/capture",
        &[id],
        json!({ "amount_to_capture": 500 }),
    );
    let _: PaymentIntent = c.ok(Post, "/v1/payment_intents/{}/cancel", &[id], json!({}));
    let list: List<PaymentIntent> = c.ok(Get, "/v1/payment_intents", &[], json!({ "limit": 3 }));
    assert_eq!(list.object.as_deref(), Some("list"));
    let _: List<PaymentIntent> = c.ok(
        Get,
        "/v1/payment_intents/search",
        &[],
        json!({ "query": "status:'succeeded'" }),
    );

    // SetupIntents.
    let setup: SetupIntent = c.ok(
        Post,
        "/v1/setup_intents",
        &[],
        json!({ "usage": "off_session" }),
    );
    let id = setup.id.as_str();
    let _: SetupIntent = c.ok(Get, "/v1/setup_intents/{}", &[id], json!({}));
    let _: SetupIntent = c.ok(
        Post,
        "/v1/setup_intents/{}",
        &[id],
        json!({ "metadata": { "a": "b" } }),
    );
    let _: SetupIntent = c.ok(
        Post,
        "/v1/setup_intents/{}/confirm",
        &[id],
        json!({ "payment_method": "pm_card_visa" }),
    );
    let _: SetupIntent = c.ok(Post, "/v1/setup_intents/{}/cancel", &[id], json!({}));
    let _: List<SetupIntent> = c.ok(Get, "/v1/setup_intents", &[], json!({}));

    // Customers.
    let customer: Customer = c.ok(
        Post,
        "/v1/customers",
        &[],
        json!({ "email": "jenny@example.com", "name": "Zoë", "address": { "country": "FR" } }),
    );
    let id = customer.id.as_str();
    let _: Customer = c.ok(Get, "/v1/customers/{}", &[id], json!({}));
    let _: Customer = c.ok(
        Post,
        "/v1/customers/{}",
        &[id],
        json!({ "name": "Zoé", "invoice_settings": { "default_payment_method": "pm_1" } }),
    );
    let _: List<Customer> = c.ok(
        Get,
        "/v1/customers",
        &[],
        json!({ "limit": 1, "email": "jenny@example.com" }),
    );
    let _: List<Customer> = c.ok(
        Get,
        "/v1/customers/search",
        &[],
        json!({ "query": "email:'jenny@example.com'" }),
    );
    let _: List<PaymentMethod> = c.ok(Get, "/v1/customers/{}/payment_methods", &[id], json!({}));

    // PaymentMethods.
    let method: PaymentMethod = c.ok(
        Post,
        "/v1/payment_methods",
        &[],
        json!({ "type": "card", "card": { "token": "tok_visa" } }),
    );
    let pm = method.id.as_str();
    let _: PaymentMethod = c.ok(Get, "/v1/payment_methods/{}", &[pm], json!({}));
    let _: PaymentMethod = c.ok(
        Post,
        "/v1/payment_methods/{}/attach",
        &[pm],
        json!({ "customer": id }),
    );
    let _: PaymentMethod = c.ok(Post, "/v1/payment_methods/{}/detach", &[pm], json!({}));
    let _: List<PaymentMethod> = c.ok(
        Get,
        "/v1/payment_methods",
        &[],
        json!({ "customer": id, "type": "card" }),
    );
    let deleted: DeletedCustomer = c.ok(Delete, "/v1/customers/{}", &[id], json!({}));
    assert_eq!(deleted.deleted, Some(true));

    // Products and Prices.
    let product: Product = c.ok(
        Post,
        "/v1/products",
        &[],
        json!({ "name": "T-shirt", "active": true }),
    );
    let product_id = product.id.as_str();
    let _: Product = c.ok(Get, "/v1/products/{}", &[product_id], json!({}));
    let _: Product = c.ok(
        Post,
        "/v1/products/{}",
        &[product_id],
        json!({ "active": false }),
    );
    let _: List<Product> = c.ok(Get, "/v1/products", &[], json!({ "active": true }));
    let price: Price = c.ok(
        Post,
        "/v1/prices",
        &[],
        json!({ "currency": "usd", "unit_amount": 1500, "product": product_id, "recurring": { "interval": "month" } }),
    );
    let price_id = price.id.as_str();
    let _: Price = c.ok(Get, "/v1/prices/{}", &[price_id], json!({}));
    let _: Price = c.ok(
        Post,
        "/v1/prices/{}",
        &[price_id],
        json!({ "nickname": "monthly" }),
    );
    let _: List<Price> = c.ok(Get, "/v1/prices", &[], json!({ "product": product_id }));
    let _: DeletedProduct = c.ok(Delete, "/v1/products/{}", &[product_id], json!({}));

    // Checkout Sessions, hosted and embedded.
    let hosted: CheckoutSession = c.ok(
        Post,
        "/v1/checkout/sessions",
        &[],
        json!({
            "mode": "payment",
            "line_items": [{ "price": price_id, "quantity": 2 }],
            "success_url": "https://example.com/success?session_id={CHECKOUT_SESSION_ID}",
            "ui_mode": "hosted_page",
        }),
    );
    let _: CheckoutSession = c.ok(
        Post,
        "/v1/checkout/sessions",
        &[],
        json!({
            "mode": "payment",
            "line_items": [{ "price": price_id, "quantity": 1 }],
            "ui_mode": "embedded_page",
            "return_url": "https://example.com/return?session_id={CHECKOUT_SESSION_ID}",
        }),
    );
    let session = hosted.id.as_str();
    let _: CheckoutSession = c.ok(Get, "/v1/checkout/sessions/{}", &[session], json!({}));
    let _: CheckoutSession = c.ok(
        Post,
        "/v1/checkout/sessions/{}/expire",
        &[session],
        json!({}),
    );
    let _: List<CheckoutSession> = c.ok(Get, "/v1/checkout/sessions", &[], json!({ "limit": 5 }));
    let _: List<LineItem> = c.ok(
        Get,
        "/v1/checkout/sessions/{}/line_items",
        &[session],
        json!({}),
    );

    // Subscriptions.
    let subscription: Subscription = c.ok(
        Post,
        "/v1/subscriptions",
        &[],
        json!({ "customer": "cus_1", "items": [{ "price": price_id }], "payment_behavior": "default_incomplete" }),
    );
    let sub = subscription.id.as_str();
    let _: Subscription = c.ok(Get, "/v1/subscriptions/{}", &[sub], json!({}));
    let _: Subscription = c.ok(
        Post,
        "/v1/subscriptions/{}",
        &[sub],
        json!({ "cancel_at_period_end": true }),
    );
    let _: Subscription = c.ok(Delete, "/v1/subscriptions/{}", &[sub], json!({}));
    let _: List<Subscription> = c.ok(Get, "/v1/subscriptions", &[], json!({ "status": "all" }));

    // Refunds.
    let refund: Refund = c.ok(
        Post,
        "/v1/refunds",
        &[],
        json!({ "payment_intent": "pi_1", "amount": 500 }),
    );
    let refund_id = refund.id.as_str();
    let _: Refund = c.ok(Get, "/v1/refunds/{}", &[refund_id], json!({}));
    let _: Refund = c.ok(
        Post,
        "/v1/refunds/{}",
        &[refund_id],
        json!({ "metadata": { "reason": "test" } }),
    );
    let _: Refund = c.ok(Post, "/v1/refunds/{}/cancel", &[refund_id], json!({}));
    let _: List<Refund> = c.ok(Get, "/v1/refunds", &[], json!({}));

    // Invoices.
    let invoices: List<Invoice> = c.ok(Get, "/v1/invoices", &[], json!({ "limit": 1 }));
    let invoice = invoices
        .data
        .first()
        .map_or("in_1", |invoice| invoice.id.as_str())
        .to_owned();
    let _: Invoice = c.ok(Get, "/v1/invoices/{}", &[&invoice], json!({}));
    let _: Invoice = c.ok(
        Post,
        "/v1/invoices/{}/pay",
        &[&invoice],
        json!({ "off_session": true }),
    );

    // Billing Portal and Customer Sessions.
    let _: BillingPortalSession = c.ok(
        Post,
        "/v1/billing_portal/sessions",
        &[],
        json!({ "customer": "cus_1", "return_url": "https://example.com/account" }),
    );
    let _: CustomerSession = c.ok(
        Post,
        "/v1/customer_sessions",
        &[],
        json!({ "customer": "cus_1", "components": { "payment_element": { "enabled": true } } }),
    );

    // Events, for recovery.
    let events: List<Event> = c.ok(
        Get,
        "/v1/events",
        &[],
        json!({ "type": "payment_intent.succeeded", "created": { "gte": 1_700_000_000 } }),
    );
    let event = events
        .data
        .first()
        .map_or("evt_1", |event| event.id.as_str())
        .to_owned();
    let _: Event = c.ok(Get, "/v1/events/{}", &[&event], json!({}));

    stripe_mock_refuses_what_the_spec_refuses_and_the_error_is_typed();
}

/// Called by the test above, with its stripe-mock: one instance owns the port.
fn stripe_mock_refuses_what_the_spec_refuses_and_the_error_is_typed() {
    let mut config = ClientConfig::new("sk_test_123").unwrap();
    config.api_base = format!("http://{HTTP_ADDR}");
    let mut client = Client { config, draws: 100 };

    let error = client
        .call::<PaymentIntent>(
            Method::Post,
            "/v1/payment_intents",
            &[],
            json!({ "amount": 1000 }),
        )
        .unwrap_err();
    assert_eq!(error.kind, ApiErrorKind::InvalidRequest);
    assert_eq!(error.status_code, Some(400));
    assert!(error.message.contains("currency"), "{}", error.message);

    let error = client
        .call::<Customer>(
            Method::Post,
            "/v1/customers",
            &[],
            json!({ "no_such_param": 1 }),
        )
        .unwrap_err();
    assert_eq!(error.kind, ApiErrorKind::InvalidRequest);
}
