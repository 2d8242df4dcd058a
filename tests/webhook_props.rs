//! Properties over arbitrary input: verification never panics, agrees with the signer,
//! and refuses any change to the body.
#![cfg(not(target_arch = "wasm32"))]

use proptest::prelude::*;
use stripe_edge::webhook::{
    construct_event, generate_test_header, verify_signature, SignatureHeader, Tolerance,
    WebhookError,
};

const NOW: i64 = 1_700_000_000;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn any_header_gives_a_result(header in ".{0,300}", body in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = SignatureHeader::parse(&header);
        let _ = construct_event(&body, Some(&header), &["whsec_x"], NOW, Tolerance::default());
    }

    #[test]
    fn header_shaped_input_gives_a_result(
        items in proptest::collection::vec(("(t|v1|v0|x|T|)", "[0-9a-fA-F=, -]{0,70}"), 0..8)
    ) {
        let header: Vec<String> = items.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let header = header.join(",");
        let _ = verify_signature(b"{}", Some(&header), &["whsec_x"], NOW, Tolerance::default());
    }

    #[test]
    fn what_is_signed_verifies(
        body in proptest::collection::vec(any::<u8>(), 0..2048),
        secret in "whsec_[A-Za-z0-9]{1,40}",
        skew in -300i64..=300,
    ) {
        let header = generate_test_header(&body, &secret, NOW + skew, "v1");
        let result = verify_signature(&body, Some(&header), &[&secret], NOW, Tolerance::default());
        prop_assert_eq!(result, Ok(NOW + skew));
    }

    #[test]
    fn any_change_to_the_body_is_refused(
        body in proptest::collection::vec(any::<u8>(), 1..1024),
        index in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let header = generate_test_header(&body, "whsec_x", NOW, "v1");
        let mut tampered = body.clone();
        let at = index.index(tampered.len());
        tampered[at] ^= flip;
        let result = verify_signature(&tampered, Some(&header), &["whsec_x"], NOW, Tolerance::default());
        prop_assert_eq!(result, Err(WebhookError::SignatureMismatch));
    }
}
