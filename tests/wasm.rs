//! The core under wasm32 itself (run by `wasm-pack test --node`): no clock read inside,
//! no panic on hostile input, and the same answers as natively.
#![cfg(target_arch = "wasm32")]

use stripe_edge::webhook::{
    construct_event, generate_test_header, verify_signature, Tolerance, WebhookError,
};
use wasm_bindgen_test::wasm_bindgen_test;

const C15_BODY: &[u8] = br#"{"id":"evt_TEST03","object":"event","type":"setup_intent.succeeded","data":{"object":{"id":"seti_TEST03","object":"setup_intent"}}}"#;
const C15_HEADER: &str =
    "t=1700000000,v1=2a02864cb17f77fbd762c535c9f5ea0c7e8db41571b69a2a7996e23c44af4100";
const NOW: i64 = 1_700_000_000;

#[wasm_bindgen_test]
fn c15_vector_verifies_on_wasm32() {
    let event = construct_event(
        C15_BODY,
        Some(C15_HEADER),
        &["whsec_test_secret"],
        NOW,
        Tolerance::default(),
    )
    .unwrap();
    assert_eq!(event.id, "evt_TEST03");
}

#[wasm_bindgen_test]
fn refusals_on_wasm32() {
    let header = generate_test_header(C15_BODY, "whsec_a", NOW - 1000, "v1");
    let verify =
        |h: &str| verify_signature(C15_BODY, Some(h), &["whsec_a"], NOW, Tolerance::default());
    assert_eq!(
        verify(&header),
        Err(WebhookError::TimestampOutsideTolerance)
    );
    assert_eq!(verify("t=x,v1=00"), Err(WebhookError::MalformedHeader));
    assert_eq!(
        verify(&"t=1,".repeat(5000)),
        Err(WebhookError::MalformedHeader)
    );
    assert_eq!(verify(C15_HEADER), Err(WebhookError::SignatureMismatch));
}
