//! The shop's routes: catalog, customers, payment intents, checkout sessions,
//! subscriptions, the billing portal, orders and payments, refunds.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use worker::{D1Database, Env, Request};

use crate::db::{all, first, statement, Param};
use crate::http::{is_frontend_url, read_json, Reply};
use crate::processing::{
    payment_intent_statements, refunded_statements, PaymentIntent, RefundState, Timing,
};
use crate::stripe::{param, path, Stripe, StripeError};
use stripe_edge::api::ApiErrorKind;
use stripe_edge::client_secret::check_client_secret_for;
use subtle::ConstantTimeEq;

/// An order or payment still in flight is re-read from Stripe on GET when its
/// record is older than this.
const STALE_AFTER_SECS: i64 = 30;

const MAX_ITEMS: usize = 50;
const MAX_QUANTITY: i64 = 100;
/// Stripe's own limit for a USD amount, in cents.
const MAX_AMOUNT: i64 = 99_999_999;

#[derive(Deserialize, Serialize, Clone)]
struct CatalogProduct {
    sku: String,
    name: String,
    description: String,
    unit_amount: i64,
    currency: String,
    kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    interval: Option<String>,
    #[serde(skip_serializing)]
    stripe_price: Option<String>,
}

const CATALOG_SQL: &str = "SELECT sku, name, description, unit_amount, currency, kind, \
     interval, stripe_price FROM catalog WHERE active = 1 ORDER BY sku";

/// `GET /catalog`
pub async fn catalog(db: &D1Database) -> Reply {
    match all::<CatalogProduct>(db, CATALOG_SQL, &[]).await {
        Ok(products) => Reply::json(200, json!({ "products": products })),
        Err(error) => storage_failure(error),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewCustomer {
    email: String,
    #[serde(default)]
    name: Option<String>,
}

/// `POST /customers`
pub async fn create_customer(req: &mut Request, env: &Env, db: &D1Database, now: i64) -> Reply {
    let input: NewCustomer = match read_json(req).await {
        Ok(input) => input,
        Err(reply) => return reply,
    };
    let email_ok = input.email.len() <= 254
        && input.email.split('@').count() == 2
        && !input.email.starts_with('@')
        && !input.email.ends_with('@')
        && !input.email.chars().any(char::is_whitespace);
    if !email_ok {
        return Reply::error(400, "invalid_request", "email: not an email address");
    }
    if input.name.as_ref().is_some_and(|n| n.chars().count() > 256) {
        return Reply::error(400, "invalid_request", "name: longer than 256 characters");
    }
    let stripe = match Stripe::from_env(env) {
        Ok(stripe) => stripe,
        Err(reply) => return reply,
    };
    let mut params = vec![param("email", &input.email)];
    if let Some(name) = &input.name {
        params.push(param("name", name));
    }
    let customer = match stripe.post("/v1/customers", &params, None).await {
        Ok(customer) => customer,
        Err(error) => return error.reply(),
    };
    let Some(id) = customer.get("id").and_then(Value::as_str) else {
        return Reply::error(502, "stripe_unavailable", "Stripe answered without an id");
    };
    let insert = statement(
        db,
        "INSERT INTO customers (id, email, name, created) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT(id) DO NOTHING",
        &[
            Param::Text(id),
            Param::Text(&input.email),
            Param::OptText(input.name.as_deref()),
            Param::Int(now),
        ],
    );
    match insert {
        Ok(insert) => match insert.run().await {
            Ok(_) => Reply::json(201, json!({ "customer_id": id })),
            Err(error) => storage_failure(error),
        },
        Err(error) => storage_failure(error),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CartItem {
    sku: String,
    quantity: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewPaymentIntent {
    items: Vec<CartItem>,
    #[serde(default)]
    customer_id: Option<String>,
    #[serde(default)]
    order_ref: Option<String>,
}

/// A cart line priced from the catalog. `sku` comes first so that sorting
/// lines orders them by SKU.
#[derive(Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
struct PricedItem {
    sku: String,
    name: String,
    quantity: i64,
    unit_amount: i64,
}

struct PricedCart {
    items: Vec<PricedItem>,
    amount: i64,
    currency: String,
}

#[derive(Serialize)]
struct PaymentIntentCreated<'a> {
    order_id: &'a str,
    payment_intent_id: &'a str,
    client_secret: &'a str,
    amount: i64,
    currency: &'a str,
    status: &'a str,
}

/// `POST /payment-intents`
pub async fn create_payment_intent(
    req: &mut Request,
    env: &Env,
    db: &D1Database,
    now: i64,
) -> Reply {
    let input: NewPaymentIntent = match read_json(req).await {
        Ok(input) => input,
        Err(reply) => return reply,
    };
    let (order_id, cart, stripe) = match open_order(
        env,
        db,
        input.customer_id.as_deref(),
        input.order_ref.as_deref(),
        &input.items,
    )
    .await
    {
        Ok(opened) => opened,
        Err(reply) => return reply,
    };

    // A retry with the same order_ref finds its order and answers it again.
    match existing_order(db, &order_id, &cart, input.customer_id.as_deref()).await {
        Ok(Some(order)) => return answer_existing_intent(&stripe, order).await,
        Ok(None) => {}
        Err(reply) => return reply,
    }

    let mut params = vec![
        param("amount", cart.amount.to_string()),
        param("currency", &cart.currency),
        param("metadata[order_id]", &order_id),
    ];
    if let Some(customer) = &input.customer_id {
        params.push(param("customer", customer));
    }
    // The key follows the order, so Stripe answers a retried create with the
    // first PaymentIntent instead of making a second one.
    let key = format!("order-{order_id}-payment-intent");
    let intent_json = match stripe
        .post("/v1/payment_intents", &params, Some(&key))
        .await
    {
        Ok(intent) => intent,
        Err(error) => return order_key_reply(&error),
    };
    let Ok(intent) = serde_json::from_value::<PaymentIntent>(intent_json) else {
        return unexpected_object();
    };

    let insert = insert_order_statements(
        db,
        &NewOrder {
            id: &order_id,
            order_ref: input.order_ref.as_deref(),
            customer_id: input.customer_id.as_deref(),
            cart: &cart,
            payment_intent_id: Some(&intent.id),
            checkout_session_id: None,
        },
        now,
    )
    .and_then(|mut statements| {
        statements.extend(payment_intent_statements(
            db,
            &intent,
            Timing::Observed(intent.created),
            now,
        )?);
        Ok(statements)
    });
    let written = match insert {
        Ok(statements) => db.batch(statements).await,
        Err(error) => Err(error),
    };
    if let Err(error) = written {
        return storage_failure(error);
    }

    // Two concurrent first requests with one order_ref: the first insert won,
    // and both answer with its PaymentIntent.
    match stored_order(db, &order_id).await {
        Ok(Some(order)) if order.payment_intent_id.as_deref() == Some(intent.id.as_str()) => {
            let Some(client_secret) = intent.client_secret.as_deref() else {
                return Reply::error(502, "stripe_unavailable", "Stripe sent no client secret");
            };
            Reply::ordered(
                201,
                "created",
                &PaymentIntentCreated {
                    order_id: &order_id,
                    payment_intent_id: &intent.id,
                    client_secret,
                    amount: order.amount,
                    currency: &order.currency,
                    status: &order.status,
                },
            )
        }
        // Another request with this order_ref won the insert: the same cart and
        // customer get its PaymentIntent, anything else is the usual 409.
        Ok(Some(order)) => match same_order(order, &cart, input.customer_id.as_deref()) {
            Ok(order) => answer_existing_intent(&stripe, order).await,
            Err(reply) => reply,
        },
        Ok(None) => Reply::error(500, "storage_failed", "the order was not stored"),
        Err(reply) => reply,
    }
}

/// Stripe refuses a reused idempotency key when the parameters differ (another
/// cart raced this one with the same order_ref) or while the first request is
/// still running: either way the order_ref is taken, and a retry of the same
/// cart then gets the stored order.
fn order_key_reply(error: &StripeError) -> Reply {
    if error.0.kind == ApiErrorKind::Idempotency {
        return Reply::error(
            409,
            "order_ref_conflict",
            "another request with this order_ref is in progress or used a different cart",
        );
    }
    error.reply()
}

async fn answer_existing_intent(stripe: &Stripe, order: OrderRow) -> Reply {
    let Some(intent_id) = order.payment_intent_id.as_deref() else {
        return Reply::error(
            409,
            "order_ref_conflict",
            "order_ref belongs to a checkout session order",
        );
    };
    let intent_path = match path("/v1/payment_intents/{}", &[intent_id]) {
        Ok(intent_path) => intent_path,
        Err(reply) => return reply,
    };
    let intent = match stripe.get(&intent_path, &[]).await {
        Ok(intent) => intent,
        Err(error) => return error.reply(),
    };
    let Some(client_secret) = intent.get("client_secret").and_then(Value::as_str) else {
        return Reply::error(502, "stripe_unavailable", "Stripe sent no client secret");
    };
    Reply::ordered(
        200,
        "replayed",
        &PaymentIntentCreated {
            order_id: &order.id,
            payment_intent_id: intent_id,
            client_secret,
            amount: order.amount,
            currency: &order.currency,
            status: &order.status,
        },
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewCheckoutSession {
    items: Vec<CartItem>,
    ui_mode: String,
    #[serde(default)]
    success_url: Option<String>,
    #[serde(default)]
    cancel_url: Option<String>,
    #[serde(default)]
    return_url: Option<String>,
    #[serde(default)]
    customer_id: Option<String>,
    #[serde(default)]
    order_ref: Option<String>,
}

/// `POST /checkout-sessions`
pub async fn create_checkout_session(
    req: &mut Request,
    env: &Env,
    db: &D1Database,
    frontend_origins: &[String],
    now: i64,
) -> Reply {
    let input: NewCheckoutSession = match read_json(req).await {
        Ok(input) => input,
        Err(reply) => return reply,
    };
    let hosted = match input.ui_mode.as_str() {
        "hosted" => true,
        "embedded" => false,
        _ => {
            return Reply::error(
                400,
                "invalid_request",
                "ui_mode: must be \"hosted\" or \"embedded\"",
            )
        }
    };
    let misplaced_url = if hosted {
        match (&input.success_url, &input.return_url) {
            (None, _) => Some("success_url: required when ui_mode is \"hosted\""),
            (_, Some(_)) => Some("return_url: only for ui_mode \"embedded\""),
            _ => None,
        }
    } else {
        match (&input.return_url, &input.success_url, &input.cancel_url) {
            (None, _, _) => Some("return_url: required when ui_mode is \"embedded\""),
            (_, Some(_), _) => Some("success_url: only for ui_mode \"hosted\""),
            (_, _, Some(_)) => Some("cancel_url: only for ui_mode \"hosted\""),
            _ => None,
        }
    };
    if let Some(message) = misplaced_url {
        return Reply::error(400, "invalid_request", message);
    }
    for (field, url) in [
        ("success_url", &input.success_url),
        ("cancel_url", &input.cancel_url),
        ("return_url", &input.return_url),
    ] {
        if let Some(url) = url {
            if let Err(reply) = check_frontend_url(field, url, frontend_origins) {
                return reply;
            }
        }
    }
    let (order_id, cart, stripe) = match open_order(
        env,
        db,
        input.customer_id.as_deref(),
        input.order_ref.as_deref(),
        &input.items,
    )
    .await
    {
        Ok(opened) => opened,
        Err(reply) => return reply,
    };
    match existing_order(db, &order_id, &cart, input.customer_id.as_deref()).await {
        Ok(Some(_)) => {
            return Reply::error(
                409,
                "order_ref_conflict",
                "an order with this order_ref exists; start a new checkout with a new order_ref",
            )
        }
        Ok(None) => {}
        Err(reply) => return reply,
    }

    let mut params = vec![
        param("mode", "payment"),
        param(
            "ui_mode",
            if hosted {
                "hosted_page"
            } else {
                "embedded_page"
            },
        ),
        param("client_reference_id", &order_id),
        param("metadata[order_id]", &order_id),
        param("payment_intent_data[metadata][order_id]", &order_id),
    ];
    for (index, item) in cart.items.iter().enumerate() {
        let prefix = format!("line_items[{index}]");
        params.push(param(
            &format!("{prefix}[quantity]"),
            item.quantity.to_string(),
        ));
        params.push(param(
            &format!("{prefix}[price_data][currency]"),
            &cart.currency,
        ));
        params.push(param(
            &format!("{prefix}[price_data][unit_amount]"),
            item.unit_amount.to_string(),
        ));
        params.push(param(
            &format!("{prefix}[price_data][product_data][name]"),
            &item.name,
        ));
    }
    for (name, value) in [
        ("success_url", &input.success_url),
        ("cancel_url", &input.cancel_url),
        ("return_url", &input.return_url),
    ] {
        if let Some(value) = value {
            params.push(param(name, value));
        }
    }
    if let Some(customer) = &input.customer_id {
        params.push(param("customer", customer));
    }
    let key = format!("order-{order_id}-checkout-session");
    let session = match stripe
        .post("/v1/checkout/sessions", &params, Some(&key))
        .await
    {
        Ok(session) => session,
        Err(error) => return order_key_reply(&error),
    };
    let text = |name: &str| {
        session
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let Some(session_id) = text("id") else {
        return Reply::error(502, "stripe_unavailable", "Stripe answered without an id");
    };

    let statements = insert_order_statements(
        db,
        &NewOrder {
            id: &order_id,
            order_ref: input.order_ref.as_deref(),
            customer_id: input.customer_id.as_deref(),
            cart: &cart,
            payment_intent_id: None,
            checkout_session_id: Some(&session_id),
        },
        now,
    )
    .and_then(|mut statements| {
        statements.push(statement(
            db,
            "INSERT INTO checkout_sessions (id, order_id, ui_mode, status, payment_status, \
             created, updated) VALUES (?1, ?2, ?3, 'open', 'unpaid', ?4, ?4) \
             ON CONFLICT(id) DO NOTHING",
            &[
                Param::Text(&session_id),
                Param::Text(&order_id),
                Param::Text(&input.ui_mode),
                Param::Int(now),
            ],
        )?);
        Ok(statements)
    });
    if let Err(error) = match statements {
        Ok(statements) => db.batch(statements).await.map(|_| ()),
        Err(error) => Err(error),
    } {
        return storage_failure(error);
    }

    if hosted {
        let Some(url) = text("url") else {
            return Reply::error(502, "stripe_unavailable", "Stripe sent no URL");
        };
        Reply::json(
            201,
            json!({ "order_id": order_id, "checkout_session_id": session_id, "url": url }),
        )
    } else {
        let Some(client_secret) = text("client_secret") else {
            return Reply::error(502, "stripe_unavailable", "Stripe sent no client secret");
        };
        Reply::json(
            201,
            json!({
                "order_id": order_id,
                "checkout_session_id": session_id,
                "client_secret": client_secret,
            }),
        )
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewSubscription {
    customer_id: String,
    sku: String,
}

/// `POST /subscriptions`: created incomplete, paid with the client secret of
/// its first invoice's payment.
pub async fn create_subscription(req: &mut Request, env: &Env, db: &D1Database, now: i64) -> Reply {
    let input: NewSubscription = match read_json(req).await {
        Ok(input) => input,
        Err(reply) => return reply,
    };
    if let Err(reply) = check_optional_id("customer_id", Some(&input.customer_id), "cus_") {
        return reply;
    }
    let product = match first::<CatalogProduct>(
        db,
        "SELECT sku, name, description, unit_amount, currency, kind, interval, stripe_price \
         FROM catalog WHERE sku = ?1 AND active = 1",
        &[Param::Text(&input.sku)],
    )
    .await
    {
        Ok(Some(product)) => product,
        Ok(None) => return Reply::error(400, "unknown_sku", "sku: no such product in the catalog"),
        Err(error) => return storage_failure(error),
    };
    let Some(price) = product
        .stripe_price
        .as_deref()
        .filter(|_| product.kind == "recurring")
    else {
        return Reply::error(400, "not_recurring", "sku: not a subscription product");
    };
    let stripe = match Stripe::from_env(env) {
        Ok(stripe) => stripe,
        Err(reply) => return reply,
    };
    let params = vec![
        param("customer", &input.customer_id),
        param("items[0][price]", price),
        param("payment_behavior", "default_incomplete"),
        param("metadata[sku]", &input.sku),
        param("expand[0]", LATEST_INVOICE_SECRET_EXPAND),
    ];
    let subscription = match stripe.post("/v1/subscriptions", &params, None).await {
        Ok(subscription) => subscription,
        Err(error) => return error.reply(),
    };
    let text =
        |value: &Value, name: &str| value.get(name).and_then(Value::as_str).map(str::to_string);
    let (Some(id), Some(status)) = (text(&subscription, "id"), text(&subscription, "status"))
    else {
        return unexpected_object();
    };
    let client_secret = subscription
        .pointer(LATEST_INVOICE_SECRET)
        .and_then(Value::as_str);

    let insert = statement(
        db,
        "INSERT INTO subscriptions (id, customer_id, sku, status, created, updated) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?5) \
         ON CONFLICT(id) DO UPDATE SET sku = excluded.sku",
        &[
            Param::Text(&id),
            Param::Text(&input.customer_id),
            Param::Text(&input.sku),
            Param::Text(&status),
            Param::Int(now),
        ],
    );
    if let Err(error) = match insert {
        Ok(insert) => insert.run().await.map(|_| ()),
        Err(error) => Err(error),
    } {
        return storage_failure(error);
    }
    let mut body = json!({ "subscription_id": id, "status": status });
    if let Some(secret) = client_secret {
        body["client_secret"] = json!(secret);
    }
    Reply::json(201, body)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewPortalSession {
    customer_id: String,
    return_url: String,
}

/// `POST /billing-portal-sessions` (admin): the shop's server opens the portal
/// for the customer it has signed in; a browser never calls this.
pub async fn create_billing_portal_session(
    req: &mut Request,
    env: &Env,
    frontend_origins: &[String],
) -> Reply {
    let input: NewPortalSession = match read_json(req).await {
        Ok(input) => input,
        Err(reply) => return reply,
    };
    if let Err(reply) = check_optional_id("customer_id", Some(&input.customer_id), "cus_") {
        return reply;
    }
    if let Err(reply) = check_frontend_url("return_url", &input.return_url, frontend_origins) {
        return reply;
    }
    let stripe = match Stripe::from_env(env) {
        Ok(stripe) => stripe,
        Err(reply) => return reply,
    };
    let params = vec![
        param("customer", &input.customer_id),
        param("return_url", &input.return_url),
    ];
    match stripe
        .post("/v1/billing_portal/sessions", &params, None)
        .await
    {
        Ok(session) => match session.get("url").and_then(Value::as_str) {
            Some(url) => Reply::json(201, json!({ "url": url })),
            None => Reply::error(502, "stripe_unavailable", "Stripe sent no URL"),
        },
        Err(error) => error.reply(),
    }
}

#[derive(Deserialize)]
struct OrderRow {
    id: String,
    customer_id: Option<String>,
    items: String,
    amount: i64,
    currency: String,
    status: String,
    payment_intent_id: Option<String>,
    checkout_session_id: Option<String>,
    review_reason: Option<String>,
    review_opened_at: Option<i64>,
    fulfilled_at: Option<i64>,
    created: i64,
    updated: i64,
    refreshed_at: i64,
}

const ORDER_COLUMNS: &str = "id, customer_id, items, amount, currency, status, \
     payment_intent_id, checkout_session_id, review_reason, review_opened_at, fulfilled_at, \
     created, updated, refreshed_at";

#[derive(Serialize)]
struct OrderView {
    order_id: String,
    /// `review` while a review, fraud warning or dispute is open.
    status: String,
    amount: i64,
    currency: String,
    items: Value,
    payment_intent_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    checkout_session_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    customer_id: Option<String>,
    fulfilled: bool,
    created: i64,
    updated: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    review: Option<ReviewView>,
}

#[derive(Serialize)]
struct ReviewView {
    reason: String,
    opened_at: i64,
}

impl OrderRow {
    fn view(self) -> OrderView {
        let review = match (self.review_reason, self.review_opened_at) {
            (Some(reason), Some(opened_at)) => Some(ReviewView { reason, opened_at }),
            _ => None,
        };
        OrderView {
            order_id: self.id,
            status: if review.is_some() {
                "review".into()
            } else {
                self.status
            },
            amount: self.amount,
            currency: self.currency,
            items: serde_json::from_str(&self.items).unwrap_or(Value::Array(Vec::new())),
            payment_intent_id: self.payment_intent_id,
            checkout_session_id: self.checkout_session_id,
            customer_id: self.customer_id,
            fulfilled: self.fulfilled_at.is_some(),
            created: self.created,
            updated: self.updated,
            review,
        }
    }
}

/// `GET /orders/:id`: from D1, re-read from Stripe first when in flight and
/// stale. If Stripe cannot be reached the stored record is answered as is.
pub async fn get_order(env: &Env, db: &D1Database, id: &str, now: i64) -> Reply {
    if !is_token(id, "ord_", 64) {
        return Reply::error(404, "not_found", "no such order");
    }
    let order = match stored_order(db, id).await {
        Ok(Some(order)) => order,
        Ok(None) => return Reply::error(404, "not_found", "no such order"),
        Err(reply) => return reply,
    };
    let in_flight = matches!(order.status.as_str(), "pending" | "processing");
    let order = match order.payment_intent_id.as_deref() {
        Some(intent_id) if in_flight && order.refreshed_at < now - STALE_AFTER_SECS => {
            match refresh_payment(env, db, intent_id, Some(id), now).await {
                Ok(()) => match stored_order(db, id).await {
                    Ok(Some(fresh)) => fresh,
                    _ => order,
                },
                Err(_) => order,
            }
        }
        _ => order,
    };
    Reply::json(200, json!(order.view()))
}

struct OrdersQuery {
    customer_id: String,
    limit: Option<i64>,
}

/// `GET /orders?customer_id=…&limit=…`, newest first.
pub async fn list_orders(req: &Request, db: &D1Database) -> Reply {
    let Ok(url) = req.url() else {
        return Reply::error(400, "invalid_request", "the URL could not be read");
    };
    let query: OrdersQuery = match parse_orders_query(url.query().unwrap_or("")) {
        Ok(query) => query,
        Err(message) => return Reply::error(400, "invalid_request", message),
    };
    if !is_token(&query.customer_id, "cus_", 255) {
        return Reply::error(400, "invalid_request", "customer_id: must be a cus_… id");
    }
    let limit = query.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Reply::error(400, "invalid_request", LIMIT_RANGE);
    }
    let sql = format!(
        "SELECT {ORDER_COLUMNS} FROM orders WHERE customer_id = ?1 \
         ORDER BY created DESC, id DESC LIMIT ?2"
    );
    match all::<OrderRow>(
        db,
        &sql,
        &[Param::Text(&query.customer_id), Param::Int(limit)],
    )
    .await
    {
        Ok(rows) => {
            let orders: Vec<OrderView> = rows.into_iter().map(OrderRow::view).collect();
            Reply::json(200, json!({ "orders": orders }))
        }
        Err(error) => storage_failure(error),
    }
}

const LIMIT_RANGE: &str = "limit: must be a whole number from 1 to 100";

fn parse_orders_query(query: &str) -> Result<OrdersQuery, &'static str> {
    let mut customer_id = None;
    let mut limit = None;
    // A name given twice is refused rather than read as one of its values,
    // as a JSON body with a key twice is. Other names are left alone.
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        match name.as_ref() {
            "customer_id" if customer_id.is_some() => return Err("customer_id: given twice"),
            "customer_id" => customer_id = Some(value.into_owned()),
            "limit" if limit.is_some() => return Err("limit: given twice"),
            "limit" => limit = Some(value.parse::<i64>().map_err(|_| LIMIT_RANGE)?),
            _ => {}
        }
    }
    Ok(OrdersQuery {
        customer_id: customer_id.ok_or("customer_id: required")?,
        limit,
    })
}

#[derive(Deserialize, Serialize)]
struct PaymentRow {
    id: String,
    order_id: Option<String>,
    amount: i64,
    amount_received: i64,
    amount_refunded: i64,
    currency: String,
    status: String,
    last_error: Option<String>,
    created: i64,
    updated: i64,
}

const PAYMENT_SQL: &str = "SELECT id, order_id, amount, amount_received, amount_refunded, \
     currency, status, last_error, created, updated FROM payments WHERE id = ?1";

/// `GET /payments/:id` (a PaymentIntent id).
pub async fn get_payment(env: &Env, db: &D1Database, id: &str, now: i64) -> Reply {
    if !is_token(id, "pi_", 255) {
        return Reply::error(404, "not_found", "no such payment");
    }
    let payment = match first::<PaymentRow>(db, PAYMENT_SQL, &[Param::Text(id)]).await {
        Ok(Some(payment)) => payment,
        Ok(None) => return Reply::error(404, "not_found", "no such payment"),
        Err(error) => return storage_failure(error),
    };
    let final_status = matches!(payment.status.as_str(), "succeeded" | "canceled");
    let payment = if !final_status && payment.updated < now - STALE_AFTER_SECS {
        match refresh_payment(env, db, id, payment.order_id.as_deref(), now).await {
            Ok(()) => match first::<PaymentRow>(db, PAYMENT_SQL, &[Param::Text(id)]).await {
                Ok(Some(fresh)) => fresh,
                _ => payment,
            },
            Err(_) => payment,
        }
    } else {
        payment
    };
    Reply::json(200, json!(payment))
}

/// Reads a PaymentIntent from Stripe and applies it as an observation.
pub async fn refresh_payment(
    env: &Env,
    db: &D1Database,
    intent_id: &str,
    order_id: Option<&str>,
    now: i64,
) -> Result<(), Reply> {
    let stripe = Stripe::from_env(env)?;
    let intent = fetch_payment_intent(&stripe, intent_id).await?;
    record_observed_payment(db, &intent, order_id, now).await
}

async fn fetch_payment_intent(stripe: &Stripe, intent_id: &str) -> Result<PaymentIntent, Reply> {
    let intent_path = path("/v1/payment_intents/{}", &[intent_id])?;
    let intent_json = stripe.get(&intent_path, &[]).await.map_err(|e| e.reply())?;
    serde_json::from_value(intent_json).map_err(|_| unexpected_object())
}

async fn record_observed_payment(
    db: &D1Database,
    intent: &PaymentIntent,
    order_id: Option<&str>,
    now: i64,
) -> Result<(), Reply> {
    let mut statements =
        payment_intent_statements(db, intent, Timing::Observed(intent.created), now)
            .map_err(storage_failure)?;
    if let Some(order_id) = order_id {
        statements.push(
            statement(
                db,
                "UPDATE orders SET refreshed_at = ?2 WHERE id = ?1",
                &[Param::Text(order_id), Param::Int(now)],
            )
            .map_err(storage_failure)?,
        );
    }
    db.batch(statements).await.map_err(storage_failure)?;
    Ok(())
}

fn unexpected_object() -> Reply {
    Reply::error(
        502,
        "stripe_unavailable",
        "Stripe answered an unexpected object",
    )
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PaymentStatusQuery {
    client_secret: String,
    /// Set on a subscription's return page: the secret must then also be
    /// that subscription's latest invoice's.
    #[serde(default)]
    subscription_id: Option<String>,
}

/// The one answer for a PaymentIntent the caller cannot prove it holds: the
/// same whether the id is unknown or the secret is wrong, so the route tells
/// nothing to someone guessing.
fn no_such_payment() -> Reply {
    Reply::error(404, "not_found", "no such payment for this client secret")
}

/// Whether two secrets are equal, in a time that tells nothing of where they
/// differ or how long the real one is. An empty real secret matches nothing.
fn same_secret(given: &str, actual: &str) -> bool {
    let same: bool = Sha256::digest(given.as_bytes())
        .ct_eq(&Sha256::digest(actual.as_bytes()))
        .into();
    same && !actual.is_empty()
}

/// `POST /payments/:id/status` `{client_secret, subscription_id?}`: the
/// PaymentIntent's status, read from Stripe now, for whoever holds its client
/// secret (the buyer on the return page): an order's PaymentIntent, or with
/// `subscription_id` that subscription's latest invoice's. Nothing is written
/// to D1 until the secret has matched. POST keeps the secret out of URLs and
/// access logs.
pub async fn payment_status(
    req: &mut Request,
    env: &Env,
    db: &D1Database,
    id: &str,
    now: i64,
) -> Reply {
    let query: PaymentStatusQuery = match read_json(req).await {
        Ok(query) => query,
        Err(reply) => return reply,
    };
    if let Err(reply) =
        check_optional_id("subscription_id", query.subscription_id.as_deref(), "sub_")
    {
        return reply;
    }
    // The shape check first, so a malformed secret or one of another intent
    // costs no call to Stripe.
    if !is_token(id, "pi_", 255) || check_client_secret_for(&query.client_secret, id).is_err() {
        return no_such_payment();
    }
    let stripe = match Stripe::from_env(env) {
        Ok(stripe) => stripe,
        Err(reply) => return reply,
    };
    if let Some(subscription_id) = query.subscription_id.as_deref() {
        let latest_invoice_secret = match subscription_latest_secret(&stripe, subscription_id).await
        {
            Ok(secret) => secret,
            Err(reply) if reply.status == 404 => return no_such_payment(),
            Err(reply) => return reply,
        };
        if !same_secret(&query.client_secret, &latest_invoice_secret) {
            return no_such_payment();
        }
    }
    let intent = match fetch_payment_intent(&stripe, id).await {
        Ok(intent) => intent,
        Err(reply) if reply.status == 404 => return no_such_payment(),
        Err(reply) => return reply,
    };
    if !same_secret(
        &query.client_secret,
        intent.client_secret.as_deref().unwrap_or(""),
    ) {
        return no_such_payment();
    }
    let order_id = match first::<PaymentRow>(db, PAYMENT_SQL, &[Param::Text(id)]).await {
        Ok(row) => row.and_then(|row| row.order_id),
        Err(error) => return storage_failure(error),
    };
    if let Err(reply) = record_observed_payment(db, &intent, order_id.as_deref(), now).await {
        return reply;
    }
    Reply::json(
        200,
        json!({
            "id": intent.id,
            "status": intent.status,
            "amount": intent.amount,
            "currency": intent.currency,
            "order_id": order_id,
        }),
    )
}

/// Where a subscription answered with [`LATEST_INVOICE_SECRET_EXPAND`] carries
/// its latest invoice's client secret, the one the buyer pays it with.
const LATEST_INVOICE_SECRET: &str = "/latest_invoice/confirmation_secret/client_secret";
const LATEST_INVOICE_SECRET_EXPAND: &str = "latest_invoice.confirmation_secret";

/// The client secret of a subscription's latest invoice: on the return page,
/// right after subscribing, its first. Once a later invoice exists, the first
/// invoice's return link is refused, which is the safe side.
async fn subscription_latest_secret(
    stripe: &Stripe,
    subscription_id: &str,
) -> Result<String, Reply> {
    let subscription_path = path("/v1/subscriptions/{}", &[subscription_id])?;
    let query = [param("expand[0]", LATEST_INVOICE_SECRET_EXPAND)];
    let subscription = stripe
        .get(&subscription_path, &query)
        .await
        .map_err(|e| e.reply())?;
    Ok(subscription
        .pointer(LATEST_INVOICE_SECRET)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NewRefund {
    payment_intent_id: String,
    #[serde(default)]
    amount: Option<i64>,
}

/// `POST /refunds` (admin): refunds at Stripe, then records the charge's
/// refunded total as Stripe reports it.
pub async fn create_refund(req: &mut Request, env: &Env, db: &D1Database, now: i64) -> Reply {
    let idempotency_key = req.headers().get("Idempotency-Key").ok().flatten();
    let input: NewRefund = match read_json(req).await {
        Ok(input) => input,
        Err(reply) => return reply,
    };
    if !is_token(&input.payment_intent_id, "pi_", 255) {
        return Reply::error(
            400,
            "invalid_request",
            "payment_intent_id: must be a pi_… id",
        );
    }
    if input.amount.is_some_and(|a| !(1..=MAX_AMOUNT).contains(&a)) {
        return Reply::error(
            400,
            "invalid_request",
            &format!("amount: must be a whole number of cents from 1 to {MAX_AMOUNT}"),
        );
    }
    if idempotency_key
        .as_deref()
        .is_some_and(|k| k.is_empty() || k.len() > 255)
    {
        return Reply::error(
            400,
            "invalid_request",
            "the Idempotency-Key header: must be 1 to 255 characters",
        );
    }
    if let Some(amount) = input.amount {
        if let Err(reply) = check_refundable(db, &input.payment_intent_id, amount).await {
            return reply;
        }
    }
    let stripe = match Stripe::from_env(env) {
        Ok(stripe) => stripe,
        Err(reply) => return reply,
    };
    let mut params = vec![param("payment_intent", &input.payment_intent_id)];
    if let Some(amount) = input.amount {
        params.push(param("amount", amount.to_string()));
    }
    let refund = match stripe
        .post("/v1/refunds", &params, idempotency_key.as_deref())
        .await
    {
        Ok(refund) => refund,
        Err(error) => return error.reply(),
    };
    let refund_id = refund.get("id").and_then(Value::as_str).unwrap_or_default();
    let refund_status = refund
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or("pending");
    let refund_amount = refund.get("amount").and_then(Value::as_i64).unwrap_or(0);

    // The charge's total, not this refund's amount, so a retried request or a
    // later charge.refunded event cannot count a refund twice.
    if let Some(charge_id) = refund
        .get("charge")
        .and_then(crate::processing::expandable_id)
    {
        let charge_path = match path("/v1/charges/{}", &[&charge_id]) {
            Ok(charge_path) => charge_path,
            Err(reply) => return reply,
        };
        let charge = match stripe.get(&charge_path, &[]).await {
            Ok(charge) => charge,
            Err(error) => return error.reply(),
        };
        let number = |name: &str| charge.get(name).and_then(Value::as_i64).unwrap_or(0);
        let currency = charge
            .get("currency")
            .and_then(Value::as_str)
            .unwrap_or("usd");
        let statements = refunded_statements(
            db,
            &RefundState {
                payment_intent: &input.payment_intent_id,
                amount: number("amount"),
                amount_received: charge
                    .get("amount_captured")
                    .and_then(Value::as_i64)
                    .unwrap_or_else(|| number("amount")),
                amount_refunded: number("amount_refunded"),
                currency,
            },
            now,
            now,
        );
        if let Err(error) = match statements {
            Ok(statements) => db.batch(statements).await.map(|_| ()),
            Err(error) => Err(error),
        } {
            return storage_failure(error);
        }
    }
    Reply::json(
        201,
        json!({
            "refund_id": refund_id,
            "status": refund_status,
            "amount": refund_amount,
            "payment_intent_id": input.payment_intent_id,
        }),
    )
}

/// Refuses a refund larger than what is left of the payment as D1 knows it:
/// the amount received (or, before that is recorded, the amount) less what
/// was refunded. A payment D1 has not recorded is left to Stripe to judge.
async fn check_refundable(db: &D1Database, intent_id: &str, amount: i64) -> Result<(), Reply> {
    let payment = first::<PaymentRow>(db, PAYMENT_SQL, &[Param::Text(intent_id)])
        .await
        .map_err(storage_failure)?;
    let Some(payment) = payment else {
        return Ok(());
    };
    let paid = if payment.amount_received > 0 {
        payment.amount_received
    } else {
        payment.amount
    };
    let left = (paid - payment.amount_refunded).max(0);
    if amount > left {
        return Err(Reply::error(
            400,
            "invalid_request",
            &format!("amount: more than the {left} left to refund on this payment"),
        ));
    }
    Ok(())
}

struct NewOrder<'a> {
    id: &'a str,
    order_ref: Option<&'a str>,
    customer_id: Option<&'a str>,
    cart: &'a PricedCart,
    payment_intent_id: Option<&'a str>,
    checkout_session_id: Option<&'a str>,
}

fn insert_order_statements(
    db: &D1Database,
    order: &NewOrder<'_>,
    now: i64,
) -> worker::Result<Vec<worker::D1PreparedStatement>> {
    let items = serde_json::to_string(&order.cart.items)
        .map_err(|e| worker::Error::RustError(e.to_string()))?;
    Ok(vec![statement(
        db,
        "INSERT INTO orders (id, order_ref, customer_id, items, amount, currency, status, \
         payment_intent_id, checkout_session_id, created, updated, refreshed_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8, ?9, ?9, ?9) \
         ON CONFLICT DO NOTHING",
        &[
            Param::Text(order.id),
            Param::OptText(order.order_ref),
            Param::OptText(order.customer_id),
            Param::Text(&items),
            Param::Int(order.cart.amount),
            Param::Text(&order.cart.currency),
            Param::OptText(order.payment_intent_id),
            Param::OptText(order.checkout_session_id),
            Param::Int(now),
        ],
    )?])
}

async fn stored_order(db: &D1Database, id: &str) -> Result<Option<OrderRow>, Reply> {
    let sql = format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = ?1");
    first::<OrderRow>(db, &sql, &[Param::Text(id)])
        .await
        .map_err(storage_failure)
}

/// What both order routes check before anything is written: the customer id's
/// shape, the order's id (from `order_ref` when given), the cart priced from the
/// catalog, and a configured Stripe client.
async fn open_order(
    env: &Env,
    db: &D1Database,
    customer_id: Option<&str>,
    order_ref: Option<&str>,
    items: &[CartItem],
) -> Result<(String, PricedCart, Stripe), Reply> {
    check_optional_id("customer_id", customer_id, "cus_")?;
    let order_id = order_id_for(order_ref)?;
    let cart = price_cart(db, items).await?;
    let stripe = Stripe::from_env(env)?;
    Ok((order_id, cart, stripe))
}

/// The stored order for a retried request, if any; 409 when the same
/// order_ref came with a different cart or customer.
async fn existing_order(
    db: &D1Database,
    id: &str,
    cart: &PricedCart,
    customer_id: Option<&str>,
) -> Result<Option<OrderRow>, Reply> {
    match stored_order(db, id).await? {
        Some(order) => same_order(order, cart, customer_id).map(Some),
        None => Ok(None),
    }
}

/// The stored order if it holds this cart and customer; 409 otherwise. The
/// lines are compared as a set, in any order: a cart is the same cart however
/// the client lists it. Orders keep the lines in the order they came, so rows
/// stored before this comparison read the same way.
fn same_order(
    order: OrderRow,
    cart: &PricedCart,
    customer_id: Option<&str>,
) -> Result<OrderRow, Reply> {
    let same_items = serde_json::from_str::<Vec<PricedItem>>(&order.items)
        .is_ok_and(|stored| same_lines(&stored, &cart.items));
    if !same_items || order.customer_id.as_deref() != customer_id {
        return Err(Reply::error(
            409,
            "order_ref_conflict",
            "this order_ref was used for a different cart",
        ));
    }
    Ok(order)
}

/// Whether two carts hold the same lines, whatever their order.
fn same_lines(a: &[PricedItem], b: &[PricedItem]) -> bool {
    let mut a: Vec<&PricedItem> = a.iter().collect();
    let mut b: Vec<&PricedItem> = b.iter().collect();
    a.sort();
    b.sort();
    a == b
}

/// Prices the cart from the catalog; the request's own amounts are never read.
async fn price_cart(db: &D1Database, items: &[CartItem]) -> Result<PricedCart, Reply> {
    if items.is_empty() || items.len() > MAX_ITEMS {
        return Err(Reply::error(
            400,
            "invalid_request",
            &format!("items: must hold 1 to {MAX_ITEMS} lines"),
        ));
    }
    let catalog = all::<CatalogProduct>(db, CATALOG_SQL, &[])
        .await
        .map_err(storage_failure)?;
    let mut priced = Vec::with_capacity(items.len());
    let mut amount: i64 = 0;
    let mut currency: Option<String> = None;
    for (index, item) in items.iter().enumerate() {
        if !(1..=MAX_QUANTITY).contains(&item.quantity) {
            return Err(Reply::error(
                400,
                "invalid_request",
                &format!("items[{index}].quantity: must be from 1 to {MAX_QUANTITY}"),
            ));
        }
        // One line per SKU: the quantity limit is per product, and two lines
        // of one SKU would pass it twice. Merging them would change the cart
        // the client sent, so it is refused with the line to fix.
        if let Some(first) = items[..index].iter().position(|i| i.sku == item.sku) {
            return Err(Reply::error(
                400,
                "invalid_request",
                &format!(
                    "items[{index}].sku: repeats items[{first}].sku; \
                     put the whole quantity on one line"
                ),
            ));
        }
        let Some(product) = catalog.iter().find(|p| p.sku == item.sku) else {
            return Err(Reply::error(
                400,
                "unknown_sku",
                &format!("items[{index}].sku: no such product in the catalog"),
            ));
        };
        if product.kind != "one_time" {
            return Err(Reply::error(
                400,
                "not_one_time",
                &format!("items[{index}].sku: a subscription, bought with POST /subscriptions"),
            ));
        }
        if currency.as_deref().is_some_and(|c| c != product.currency) {
            return Err(Reply::error(
                400,
                "mixed_currencies",
                &format!("items[{index}].sku: priced in another currency than items[0]"),
            ));
        }
        currency = Some(product.currency.clone());
        amount = product
            .unit_amount
            .checked_mul(item.quantity)
            .and_then(|line| amount.checked_add(line))
            .filter(|total| *total <= MAX_AMOUNT)
            .ok_or_else(|| Reply::error(400, "amount_too_large", "the cart total is too large"))?;
        priced.push(PricedItem {
            sku: product.sku.clone(),
            name: product.name.clone(),
            quantity: item.quantity,
            unit_amount: product.unit_amount,
        });
    }
    Ok(PricedCart {
        items: priced,
        amount,
        currency: currency.unwrap_or_default(),
    })
}

/// A client-chosen order_ref maps to the same order id every time; without
/// one, every request is a new order.
fn order_id_for(order_ref: Option<&str>) -> Result<String, Reply> {
    match order_ref {
        Some(order_ref) => {
            let valid = (1..=64).contains(&order_ref.len())
                && order_ref
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !valid {
                return Err(Reply::error(
                    400,
                    "invalid_request",
                    "order_ref: must be 1 to 64 letters, digits, - or _",
                ));
            }
            let digest = Sha256::digest(format!("order_ref:{order_ref}").as_bytes());
            Ok(format!("ord_{}", hex(&digest[..12])))
        }
        None => random_order_id(),
    }
}

fn random_order_id() -> Result<String, Reply> {
    let mut bytes = [0u8; 12];
    crate::random::fill(&mut bytes)
        .map_err(|detail| Reply::failure(500, "internal_error", "no randomness", detail))?;
    Ok(format!("ord_{}", hex(&bytes)))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn check_optional_id(field: &str, value: Option<&str>, prefix: &str) -> Result<(), Reply> {
    match value {
        Some(id) if !is_token(id, prefix, 255) => Err(Reply::error(
            400,
            "invalid_request",
            &format!("{field}: must be a {prefix}… id"),
        )),
        _ => Ok(()),
    }
}

/// An id such as `cus_…`: the prefix, then ASCII letters, digits and `_`.
fn is_token(value: &str, prefix: &str, max_len: usize) -> bool {
    value.len() <= max_len
        && value.len() > prefix.len()
        && value.starts_with(prefix)
        && value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// Stripe sends the shopper to these URLs: only the shop's own origins are
/// accepted, so the Worker cannot be used as an open redirect.
fn check_frontend_url(field: &str, url: &str, frontend_origins: &[String]) -> Result<(), Reply> {
    if is_frontend_url(url, frontend_origins) {
        return Ok(());
    }
    Err(Reply::error(
        400,
        "invalid_request",
        &format!("{field}: must be an http(s) URL on one of the FRONTEND_ORIGINS origins"),
    ))
}

pub fn storage_failure(error: worker::Error) -> Reply {
    Reply::failure(
        500,
        "storage_failed",
        "the record could not be read or written; nothing was changed, try again",
        error.to_string(),
    )
}
