//! Thin event notifications: the shared cases in tests/data/thin_events.json (the
//! package's JavaScript tests read the same file), then verification end to end.

use serde::Deserialize;
use stripe_edge::thin_event::{construct_thin_event, parse_thin_event};
use stripe_edge::webhook::{generate_test_header, Tolerance, WebhookError};

#[derive(Deserialize)]
struct Vectors {
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    name: String,
    body: String,
    expect: String,
}

const SECRET: &str = "whsec_thin_test";
const NOW: i64 = 1_700_000_000;

fn vectors() -> Vec<Vector> {
    let text = include_str!("data/thin_events.json");
    serde_json::from_str::<Vectors>(text).unwrap().vectors
}

fn outcome(result: Result<impl Sized, WebhookError>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(error) => error.code(),
    }
}

#[test]
fn shared_cases_decide_as_listed() {
    for v in vectors() {
        let parsed = parse_thin_event(v.body.as_bytes());
        assert_eq!(outcome(parsed), v.expect, "case {:?}", v.name);
    }
}

#[test]
fn shared_cases_verify_end_to_end() {
    for v in vectors() {
        let header = generate_test_header(v.body.as_bytes(), SECRET, NOW, "v1");
        let result = construct_thin_event(
            v.body.as_bytes(),
            Some(&header),
            &[SECRET],
            NOW,
            Tolerance::default(),
        );
        assert_eq!(outcome(result), v.expect, "case {:?}", v.name);
    }
}

#[test]
fn the_signature_is_checked_before_the_shape() {
    let body = br#"{"id":"evt_1","object":"event","created":1,"data":{}}"#;
    let header = generate_test_header(body, "whsec_other", NOW, "v1");
    let result = construct_thin_event(body, Some(&header), &[SECRET], NOW, Tolerance::default());
    assert_eq!(result.unwrap_err(), WebhookError::SignatureMismatch);
}

#[test]
fn typed_fields_are_read() {
    let v = vectors()
        .into_iter()
        .find(|v| v.name.starts_with("with context"))
        .unwrap();
    let event = parse_thin_event(v.body.as_bytes()).unwrap();
    assert_eq!(event.event_type, "v1.billing.meter.error_report_triggered");
    assert_eq!(event.created, "2026-01-31T12:00:00.000Z");
    assert!(!event.livemode);
    assert_eq!(event.context.as_deref(), Some("acct_1Nv0FGQ9RKHgCVdK"));
    assert_eq!(event.other["snapshot_event"], "evt_1SnapShot");
    assert_eq!(
        event.related_object.unwrap().url,
        "/v1/billing/meters/mtr_test_61R9IjjYXSJ2ohRN"
    );
}

#[test]
fn a_thin_event_is_the_wrong_kind_for_construct_event() {
    let v = &vectors()[0];
    let header = generate_test_header(v.body.as_bytes(), SECRET, NOW, "v1");
    let result = stripe_edge::construct_event(
        v.body.as_bytes(),
        Some(&header),
        &[SECRET],
        NOW,
        Tolerance::default(),
    );
    assert_eq!(result.unwrap_err(), WebhookError::WrongEventKind);
}
