//! The typed models against Stripe's own example objects and the cases the models
//! must survive (../shared/cases C05, C06, C13, C14). Runs with `models` (every
//! type) and with `models-payments` alone, where the last tests check how a group
//! build degrades.
#![cfg(feature = "models-core")]

#[cfg(feature = "models")]
#[path = "models/types.rs"]
mod types;

#[cfg(feature = "models")]
use std::path::PathBuf;

#[cfg(feature = "models")]
use serde::{de::DeserializeOwned, Serialize};
use serde_json::{json, Value};
use stripe_edge::models::{ChargeStatus, Customer, Expandable, PaymentIntent, PaymentIntentStatus};
use stripe_edge::{Event, StripeEvent, STRIPE_API_VERSION};

/// Parses a value as one model type and serialises it back.
#[cfg(feature = "models")]
pub type Check = fn(&Value) -> Result<Value, String>;

#[cfg(feature = "models")]
pub fn check<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, String> {
    let parsed: T = serde_json::from_value(value.clone()).map_err(|e| format!("parse: {e}"))?;
    serde_json::to_value(&parsed).map_err(|e| format!("serialise: {e}"))
}

/// Stripe's example of each resource, as shipped with stripe-mock. Kept outside the
/// repository; see ../shared/fixtures/stripe/SOURCE.
#[cfg(feature = "models")]
fn fixtures_path() -> PathBuf {
    let from_env = std::env::var_os("STRIPE_FIXTURES").map(PathBuf::from);
    from_env.unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/fixtures/stripe/fixtures3.json")
    })
}

#[cfg(feature = "models")]
#[test]
fn every_fixture_parses_and_round_trips() {
    let path = fixtures_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (set STRIPE_FIXTURES)", path.display()));
    let fixtures: Value = serde_json::from_str(&text).unwrap();
    let resources = fixtures["resources"].as_object().unwrap();

    let mut failures = Vec::new();
    for (key, object) in resources {
        let Some((_, check)) = types::TYPES.iter().find(|(name, _)| name == key) else {
            failures.push(format!("{key}: no model"));
            continue;
        };
        match check(object) {
            Ok(again) => {
                if let Some(path) = first_difference(object, &again, String::new()) {
                    failures.push(format!("{key}: differs at {path}"));
                }
            }
            Err(error) => failures.push(format!("{key}: {error}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures fail:\n{}",
        failures.len(),
        resources.len(),
        failures.join("\n")
    );
}

/// Where two JSON values first differ, or `None`. Numbers compare by value: JSON has
/// one number type, so `1` and `1.0` are the same.
#[cfg(feature = "models")]
fn first_difference(expected: &Value, actual: &Value, path: String) -> Option<String> {
    match (expected, actual) {
        (Value::Object(a), Value::Object(b)) => {
            for key in a.keys().chain(b.keys()) {
                let (Some(x), Some(y)) = (a.get(key), b.get(key)) else {
                    return Some(format!("{path}.{key} (present on one side only)"));
                };
                if let Some(found) = first_difference(x, y, format!("{path}.{key}")) {
                    return Some(found);
                }
            }
            None
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() != b.len() {
                return Some(format!("{path} (lengths {} and {})", a.len(), b.len()));
            }
            a.iter()
                .zip(b)
                .enumerate()
                .find_map(|(i, (x, y))| first_difference(x, y, format!("{path}[{i}]")))
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => None,
        (a, b) if a == b => None,
        (a, b) => Some(format!("{path} ({a} became {b})")),
    }
}

fn event(text: &str) -> StripeEvent {
    let raw: Event = serde_json::from_str(text).expect("envelope parses");
    StripeEvent::from_event(raw).expect("event parses")
}

// C05: a known type with an object the old hand-written enums lacked, and a type
// from the future.
#[test]
fn c05_setup_intent_event_is_typed() {
    let parsed = event(
        r#"{"id":"evt_TEST05","object":"event","api_version":"2024-06-20","created":1700000000,
        "livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},
        "type":"setup_intent.succeeded","data":{"object":{"id":"seti_TEST05",
        "object":"setup_intent","client_secret":"seti_TEST05_secret_FAKE",
        "customer":"cus_TEST123","status":"succeeded","usage":"off_session","metadata":{}}}}"#,
    );
    let StripeEvent::SetupIntentSucceeded(event) = &parsed else {
        panic!("not a SetupIntentSucceeded: {parsed:?}");
    };
    let intent = &event.data.object;
    assert_eq!(intent.id, "seti_TEST05");
    let customer = intent.customer.as_ref().unwrap();
    assert_eq!(customer.id(), Some("cus_TEST123"));
    assert_eq!(parsed.event_type(), "setup_intent.succeeded");
}

#[test]
fn c05_unknown_event_type_keeps_type_and_raw_object() {
    let text = r#"{"id":"evt_TEST05b","object":"event","api_version":"2024-06-20",
        "created":1700000000,"livemode":false,"type":"future_product.thing_happened",
        "data":{"object":{"id":"fut_TEST","object":"brand_new_object","foo":1}}}"#;
    let parsed = event(text);
    let StripeEvent::Unknown(raw) = &parsed else {
        panic!("not Unknown: {parsed:?}");
    };
    assert_eq!(raw.event_type, "future_product.thing_happened");
    assert_eq!(raw.object_kind(), Some("brand_new_object"));
    assert_eq!(raw.data.object["foo"], 1);
    let again = serde_json::to_value(&parsed).unwrap();
    assert_eq!(again, serde_json::from_str::<Value>(text).unwrap());
}

// C06: a charge event from an older API version, with a field added later, without
// `refunds`, then with it, and `request` in both shapes.
const C06: &str = r#"{"id":"evt_TEST06","object":"event","api_version":"2023-10-16",
    "created":1700000000,"type":"charge.succeeded","request":"req_TEST06",
    "data":{"object":{"id":"ch_TEST06","object":"charge","amount":921,
    "amount_captured":921,"amount_refunded":0,"captured":true,"currency":"eur",
    "customer":null,"paid":true,"refunded":false,"status":"succeeded",
    "payment_intent":"pi_TEST06","metadata":{},"some_field_added_later":{"x":1}}}}"#;

#[test]
fn c06_charge_from_an_older_version_parses() {
    let mut value: Value = serde_json::from_str(C06).unwrap();
    for variant in 0..3 {
        match variant {
            1 => {
                value["data"]["object"]["refunds"] = json!({"object":"list","data":[],
                    "has_more":false,"url":"/v1/charges/ch_TEST06/refunds"});
            }
            2 => value["request"] = json!({"id":"req_TEST06","idempotency_key":"idem_TEST"}),
            _ => {}
        }
        let parsed: StripeEvent = serde_json::from_value(value.clone()).unwrap();
        let StripeEvent::ChargeSucceeded(event) = &parsed else {
            panic!("not ChargeSucceeded: {parsed:?}");
        };
        let charge = &event.data.object;
        assert_eq!(charge.amount, Some(921));
        assert_eq!(charge.status, Some(ChargeStatus::Succeeded));
        assert_eq!(!charge.refunds.is_absent(), variant >= 1);
        assert_eq!(event.request_id(), Some("req_TEST06"));
        assert_eq!(parsed.api_version(), Some("2023-10-16"));
        assert_ne!(parsed.api_version(), Some(STRIPE_API_VERSION));
        let intent = charge.payment_intent.as_ref().unwrap();
        assert_eq!(intent.id(), Some("pi_TEST06"));
    }
}

#[test]
fn c06_expandable_id_whatever_the_form() {
    let as_id: Option<Expandable<Customer>> = serde_json::from_value(json!("cus_1")).unwrap();
    let expanded: Option<Expandable<Customer>> =
        serde_json::from_value(json!({"id":"cus_1","object":"customer","email":null})).unwrap();
    assert_eq!(as_id.as_ref().and_then(Expandable::id), Some("cus_1"));
    assert_eq!(expanded.as_ref().and_then(Expandable::id), Some("cus_1"));
    assert!(expanded.unwrap().is_object());

    // A PaymentIntent's customer may also be a deleted marker.
    let intent: PaymentIntent = serde_json::from_value(json!({"id":"pi_1",
        "object":"payment_intent","status":"succeeded",
        "customer":{"id":"cus_2","object":"customer","deleted":true}}))
    .unwrap();
    let customer = intent.customer.as_ref().unwrap();
    assert_eq!(customer.id(), Some("cus_2"));
    let is_deleted = matches!(
        customer.as_object(),
        Some(stripe_edge::models::CustomerOrDeletedCustomer::DeletedCustomer(_))
    );
    assert!(is_deleted);
}

#[test]
fn unknown_enum_values_are_kept() {
    let intent: PaymentIntent = serde_json::from_value(json!({"id":"pi_1",
        "object":"payment_intent","status":"requires_teleportation"}))
    .unwrap();
    assert_eq!(
        intent.status,
        Some(PaymentIntentStatus::Unrecognized(
            "requires_teleportation".into()
        ))
    );
    let again = serde_json::to_value(&intent).unwrap();
    assert_eq!(again["status"], "requires_teleportation");
}

// C13 (the Rust half): metadata is a map that serialises as a JSON object.
#[test]
fn c13_metadata_is_an_object() {
    let intent: PaymentIntent = serde_json::from_value(json!({"id":"pi_1",
        "object":"payment_intent","status":"succeeded","metadata":{"order_id":"ord_TEST_1"}}))
    .unwrap();
    assert_eq!(intent.metadata.as_ref().unwrap()["order_id"], "ord_TEST_1");
    let again = serde_json::to_value(&intent).unwrap();
    assert_eq!(again["metadata"], json!({"order_id":"ord_TEST_1"}));
}

// C14 (the Rust half): `null` stays `null` and an absent optional field stays absent.
#[test]
fn c14_null_and_absent_survive() {
    let input = json!({"id":"pi_1","object":"payment_intent","status":"succeeded",
        "customer":null,"description":null,"last_payment_error":null});
    let intent: PaymentIntent = serde_json::from_value(input.clone()).unwrap();
    assert!(intent.customer.is_null());
    assert!(intent.review.is_absent());
    let again = serde_json::to_value(&intent).unwrap();
    assert_eq!(again["customer"], Value::Null);
    assert!(again.as_object().unwrap().contains_key("customer"));
    assert_eq!(again["last_payment_error"], Value::Null);
    // Absent fields stay absent, whether or not they may be null.
    assert!(!again.as_object().unwrap().contains_key("amount_details"));
    assert!(!again.as_object().unwrap().contains_key("review"));
}

// A build with only the payments group: payment objects are typed, an expanded
// billing object inside one is kept as raw JSON, and a billing event falls back to
// `Unknown` with nothing lost.
#[cfg(not(feature = "models-billing"))]
#[test]
fn payments_group_keeps_objects_it_does_not_compile_raw() {
    let session: stripe_edge::models::CheckoutSession = serde_json::from_value(json!({
        "id":"cs_test_1","object":"checkout.session","amount_total":500,
        "customer":{"id":"cus_1","object":"customer","email":"jenny@example.com"},
        "invoice":{"id":"in_1","object":"invoice","amount_due":500}}))
    .unwrap();
    let customer = session.customer.as_ref().unwrap().as_object().unwrap();
    let stripe_edge::models::CustomerOrDeletedCustomer::Customer(customer) = customer else {
        panic!("not a live customer: {customer:?}");
    };
    assert_eq!(
        customer.email.as_ref(),
        Some(&"jenny@example.com".to_owned())
    );
    let invoice = session.invoice.as_ref().unwrap();
    assert_eq!(invoice.id(), Some("in_1"));
    assert_eq!(invoice.as_object().unwrap()["amount_due"], 500);

    let text = r#"{"id":"evt_G1","object":"event","api_version":"2026-08-26.dahlia",
        "created":1700000000,"livemode":false,"type":"invoice.paid",
        "data":{"object":{"id":"in_1","object":"invoice","amount_due":500}}}"#;
    let parsed = event(text);
    assert!(matches!(parsed, StripeEvent::Unknown(_)), "{parsed:?}");
    assert_eq!(parsed.event_type(), "invoice.paid");
    assert!(StripeEvent::KNOWN_TYPES.contains(&"invoice.paid"));
    let again = serde_json::to_value(&parsed).unwrap();
    assert_eq!(again, serde_json::from_str::<Value>(text).unwrap());
}
