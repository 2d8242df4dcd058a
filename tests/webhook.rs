//! Webhook verification against known answers, then each way a delivery is refused.

use serde::Deserialize;
use stripe_edge::webhook::{
    construct_event, generate_test_header, verify_signature, Tolerance, WebhookError,
};

#[derive(Deserialize)]
struct Vectors {
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    name: String,
    payload: String,
    secret: String,
    timestamp: i64,
    header: String,
}

fn vectors() -> Vec<Vector> {
    let text = include_str!("data/webhook_vectors.json");
    serde_json::from_str::<Vectors>(text).unwrap().vectors
}

const SECRET: &str = "whsec_test_secret";
const NOW: i64 = 1_700_000_000;
const BODY: &[u8] = br#"{"id":"evt_1","object":"event","type":"customer.created","created":1700000000,"livemode":false,"data":{"object":{"id":"cus_1","object":"customer"}}}"#;

fn verify(body: &[u8], header: &str, secrets: &[&str]) -> Result<i64, WebhookError> {
    verify_signature(body, Some(header), secrets, NOW, Tolerance::default())
}

fn header_at(timestamp: i64) -> String {
    generate_test_header(BODY, SECRET, timestamp, "v1")
}

#[test]
fn stripe_node_vectors_verify_and_regenerate() {
    for v in vectors() {
        let result = verify_signature(
            v.payload.as_bytes(),
            Some(&v.header),
            &[&v.secret],
            v.timestamp,
            Tolerance::default(),
        );
        assert_eq!(result, Ok(v.timestamp), "vector {}", v.name);
        let ours = generate_test_header(v.payload.as_bytes(), &v.secret, v.timestamp, "v1");
        assert_eq!(ours, v.header, "vector {}", v.name);
    }
}

#[test]
fn case_c15_vector_verifies() {
    let body = br#"{"id":"evt_TEST03","object":"event","type":"setup_intent.succeeded","data":{"object":{"id":"seti_TEST03","object":"setup_intent"}}}"#;
    let header = "t=1700000000,v1=2a02864cb17f77fbd762c535c9f5ea0c7e8db41571b69a2a7996e23c44af4100";
    let result = verify_signature(
        body,
        Some(header),
        &["whsec_test_secret"],
        NOW,
        Tolerance::default(),
    );
    assert_eq!(result, Ok(NOW));
}

#[test]
fn construct_event_returns_the_event() {
    let event = construct_event(
        BODY,
        Some(&header_at(NOW)),
        &[SECRET],
        NOW,
        Tolerance::default(),
    )
    .unwrap();
    assert_eq!(event.id, "evt_1");
    assert_eq!(event.event_type, "customer.created");
    assert_eq!(event.object_id(), Some("cus_1"));
}

#[test]
fn any_v1_may_match() {
    let good = header_at(NOW);
    let mac = good.split_once("v1=").unwrap().1;
    let header = format!("t={NOW},v1={},v0={mac},v1={mac}", "0".repeat(64));
    assert_eq!(verify(BODY, &header, &[SECRET]), Ok(NOW));
}

#[test]
fn any_secret_may_match_during_rotation() {
    let header = header_at(NOW);
    assert_eq!(verify(BODY, &header, &["whsec_old", SECRET]), Ok(NOW));
    assert_eq!(verify(BODY, &header, &[SECRET, "whsec_new"]), Ok(NOW));
}

#[test]
fn refuses_a_missing_header() {
    let result = verify_signature(BODY, None, &[SECRET], NOW, Tolerance::default());
    assert_eq!(result, Err(WebhookError::MissingHeader));
    assert_eq!(
        verify(BODY, "", &[SECRET]),
        Err(WebhookError::MissingHeader)
    );
}

#[test]
fn refuses_a_header_without_timestamp() {
    let header = format!("v1={}", "a".repeat(64));
    assert_eq!(
        verify(BODY, &header, &[SECRET]),
        Err(WebhookError::MalformedHeader)
    );
}

#[test]
fn refuses_two_timestamps() {
    let header = format!("{},t={NOW}", header_at(NOW));
    assert_eq!(
        verify(BODY, &header, &[SECRET]),
        Err(WebhookError::MalformedHeader)
    );
}

#[test]
fn refuses_a_timestamp_that_is_not_plain_digits() {
    let mac = "a".repeat(64);
    for t in ["", "-1", "+1", "1.5", "12abc", " 1", "1e9", "9999999999999"] {
        let header = format!("t={t},v1={mac}");
        assert_eq!(
            verify(BODY, &header, &[SECRET]),
            Err(WebhookError::MalformedHeader),
            "t={t:?}"
        );
    }
}

#[test]
fn refuses_a_header_without_v1() {
    let header = format!("t={NOW},v0={}", "a".repeat(64));
    assert_eq!(
        verify(BODY, &header, &[SECRET]),
        Err(WebhookError::NoV1Signature)
    );
}

#[test]
fn refuses_a_tampered_body() {
    let mut body = BODY.to_vec();
    body[10] ^= 1;
    assert_eq!(
        verify(&body, &header_at(NOW), &[SECRET]),
        Err(WebhookError::SignatureMismatch)
    );
}

#[test]
fn refuses_the_wrong_secret() {
    let result = verify(BODY, &header_at(NOW), &["whsec_other"]);
    assert_eq!(result, Err(WebhookError::SignatureMismatch));
}

#[test]
fn refuses_upper_case_hex() {
    let header = header_at(NOW)
        .to_uppercase()
        .replace("T=", "t=")
        .replace("V1=", "v1=");
    assert_eq!(
        verify(BODY, &header, &[SECRET]),
        Err(WebhookError::SignatureMismatch)
    );
}

#[test]
fn refuses_an_old_timestamp() {
    let header = header_at(NOW - 301);
    assert_eq!(
        verify(BODY, &header, &[SECRET]),
        Err(WebhookError::TimestampOutsideTolerance)
    );
    assert_eq!(
        verify(BODY, &header_at(NOW - 300), &[SECRET]),
        Ok(NOW - 300)
    );
}

#[test]
fn refuses_a_future_timestamp() {
    let header = header_at(NOW + 301);
    assert_eq!(
        verify(BODY, &header, &[SECRET]),
        Err(WebhookError::TimestampOutsideTolerance)
    );
    assert_eq!(
        verify(BODY, &header_at(NOW + 300), &[SECRET]),
        Ok(NOW + 300)
    );
}

#[test]
fn a_disabled_tolerance_accepts_any_time() {
    let header = header_at(1);
    let result = verify_signature(BODY, Some(&header), &[SECRET], NOW, Tolerance::Disabled);
    assert_eq!(result, Ok(1));
}

#[test]
fn a_forged_signature_with_a_stale_time_is_a_mismatch() {
    let header = format!("t=1,v1={}", "a".repeat(64));
    assert_eq!(
        verify(BODY, &header, &[SECRET]),
        Err(WebhookError::SignatureMismatch)
    );
}

#[test]
fn refuses_bad_secrets() {
    let header = header_at(NOW);
    for secrets in [
        vec![],
        vec![""],
        vec![" whsec_test_secret"],
        vec!["whsec_test_secret\n"],
        vec!["\"whsec_test_secret\""],
        vec!["'whsec_test_secret'"],
        vec!["sk_test_your_key_here"],
        vec!["whsec_"],
        vec![SECRET, ""],
    ] {
        assert_eq!(
            verify(BODY, &header, &secrets),
            Err(WebhookError::InvalidSecret),
            "{secrets:?}"
        );
    }
}

#[test]
fn refuses_a_verified_body_that_is_not_json() {
    let body = b"not json";
    let header = generate_test_header(body, SECRET, NOW, "v1");
    let result = construct_event(body, Some(&header), &[SECRET], NOW, Tolerance::default());
    assert_eq!(result, Err(WebhookError::InvalidJson));
}

#[test]
fn messages_never_contain_the_secret_or_signature() {
    let header = header_at(NOW);
    let mac = header.split_once("v1=").unwrap().1;
    for error in WebhookError::ALL {
        let message = error.to_string();
        assert!(!message.contains(SECRET) && !message.contains(mac));
        assert!(!message.is_empty() && message.len() < 200, "{message}");
    }
}
