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

// The README's rules as a separate, plain model (shared with the fuzz targets, whose
// crate lives outside the workspace), and properties that generalise the one-off
// cases of tests/webhook.rs.
#[path = "../fuzz/src/model.rs"]
mod model;

/// A header item as a strategy: a genuine signature (by secret index), a `t` near or
/// far from now, or the odd things senders and attackers write.
fn header_item(body: Vec<u8>, secrets: Vec<String>) -> impl Strategy<Value = String> {
    let signing = secrets.clone();
    prop_oneof![
        3 => (0..secrets.len() + 1, -400i64..400).prop_map(move |(i, skew)| {
            // Index `len` is a secret the receiver does not have.
            let secret = signing.get(i).map_or("whsec_other", String::as_str);
            format!("v1={}", model::signature_hex(secret, NOW + skew, &body))
        }),
        3 => (-400i64..400).prop_map(|skew| format!("t={}", NOW + skew)),
        1 => "[0-9]{0,14}".prop_map(|t| format!("t={t}")),
        1 => "[ +-]?[0-9a-f]{0,12}[ .]?".prop_map(|t| format!("t={t}")),
        1 => "(v0|v1|V1|x|v2|t)=[0-9a-fA-F=]{0,66}",
        1 => "(t|v1| t|v1 |)",
    ]
}

fn genuine_case() -> impl Strategy<Value = (Vec<u8>, Vec<String>, Vec<String>)> {
    (
        proptest::collection::vec(any::<u8>(), 0..512),
        proptest::collection::vec("whsec_[A-Za-z0-9]{1,32}", 1..4),
    )
        .prop_flat_map(|(body, secrets)| {
            let items = proptest::collection::vec(header_item(body.clone(), secrets.clone()), 0..7);
            (Just(body), Just(secrets), items)
        })
}

fn verify_now(
    body: &[u8],
    header: &str,
    secrets: &[&str],
    tolerance: Tolerance,
) -> Result<i64, WebhookError> {
    verify_signature(body, Some(header), secrets, NOW, tolerance)
}

fn tolerance() -> impl Strategy<Value = Tolerance> {
    prop_oneof![
        4 => Just(Tolerance::default()),
        2 => (0u64..500).prop_map(Tolerance::Secs),
        1 => Just(Tolerance::Disabled),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn decisions_match_the_reference_model(
        (body, secrets, items) in genuine_case(),
        // Receivers hold a subset of the secrets the items were signed with.
        held in 1usize..4,
        tolerance in tolerance(),
        now_skew in -5i64..5,
    ) {
        let header = items.join(",");
        let held: Vec<&str> = secrets.iter().take(held).map(String::as_str).collect();
        let now = NOW + now_skew;
        let real = verify_signature(&body, Some(&header), &held, now, tolerance);
        let expected = model::verify(&body, Some(&header), &held, now, tolerance);
        prop_assert_eq!(real, expected, "header {:?}", header);
    }

    #[test]
    fn parse_matches_the_reference_model(header in "[tv01 ,=a-f0-9A-F+-]{0,200}") {
        let real = SignatureHeader::parse(&header);
        let expected = model::parse_header(&header);
        match (real, expected) {
            (Ok(real), Ok(expected)) => {
                prop_assert_eq!(real.timestamp, expected.timestamp);
                prop_assert_eq!(real.v1_count, expected.v1.len());
            }
            (real, expected) => prop_assert_eq!(real.err(), expected.err()),
        }
    }

    #[test]
    fn the_time_check_is_symmetric(skew in -1_000i64..=1_000, limit in 1u64..600) {
        let header = generate_test_header(b"{}", "whsec_x", NOW + skew, "v1");
        let result = verify_now(b"{}", &header, &["whsec_x"], Tolerance::Secs(limit));
        if skew.unsigned_abs() <= limit {
            prop_assert_eq!(result, Ok(NOW + skew));
        } else {
            prop_assert_eq!(result, Err(WebhookError::TimestampOutsideTolerance));
        }
        let disabled = verify_now(b"{}", &header, &["whsec_x"], Tolerance::Disabled);
        prop_assert_eq!(disabled, Ok(NOW + skew));
    }

    #[test]
    fn a_forgery_is_a_mismatch_whatever_its_time(
        skew in -1_000_000_000i64..1_000_000_000,
        secret in "whsec_[a-z]{1,8}",
    ) {
        // Signed with a secret the receiver does not hold: the time is never looked at,
        // so an attacker learns nothing from it.
        let header = generate_test_header(b"{}", &format!("{secret}!"), NOW + skew, "v1");
        let result = verify_now(b"{}", &header, &[&secret], Tolerance::default());
        prop_assert_eq!(result, Err(WebhookError::SignatureMismatch));
    }

    #[test]
    fn any_held_secret_verifies(
        secrets in proptest::collection::vec("whsec_[A-Za-z0-9]{1,32}", 1..5),
        signer in any::<prop::sample::Index>(),
        body in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        let signer = &secrets[signer.index(secrets.len())];
        let header = generate_test_header(&body, signer, NOW, "v1");
        let held: Vec<&str> = secrets.iter().map(String::as_str).collect();
        prop_assert_eq!(verify_now(&body, &header, &held, Tolerance::default()), Ok(NOW));
    }

    #[test]
    fn order_and_ignored_items_do_not_change_the_decision(
        extras in proptest::collection::vec("(v0|v2|x|V1|T)=[0-9a-f]{0,64}|[a-z]{0,4}", 0..6),
        seed in any::<u64>(),
        tampered in any::<bool>(),
    ) {
        let genuine = generate_test_header(b"{\"id\":1}", "whsec_x", NOW, "v1");
        let body: &[u8] = if tampered { b"{\"id\":2}" } else { b"{\"id\":1}" };
        let expected = verify_now(body, &genuine, &["whsec_x"], Tolerance::default());

        let mut items: Vec<String> = genuine.split(',').map(str::to_owned).collect();
        items.extend(extras);
        // A cheap deterministic shuffle, so proptest can shrink `seed`.
        let mut state = seed;
        for i in (1..items.len()).rev() {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            items.swap(i, (state >> 33) as usize % (i + 1));
        }
        let header = items.join(",");
        let result = verify_now(body, &header, &["whsec_x"], Tolerance::default());
        prop_assert_eq!(result, expected, "header {:?}", header);
    }

    #[test]
    fn a_second_or_unreadable_t_is_malformed(
        bad in prop_oneof![
            (0i64..3_000_000_000).prop_map(|t| format!("t={t}")),
            "t=([ +-][0-9]{1,10}|[0-9]{1,10}[ .a-z]|[0-9]{13,16}|)",
        ],
        at in any::<prop::sample::Index>(),
    ) {
        let genuine = generate_test_header(b"{}", "whsec_x", NOW, "v1");
        let mut items: Vec<String> = genuine.split(',').map(str::to_owned).collect();
        items.insert(at.index(items.len() + 1), bad);
        let header = items.join(",");
        let result = verify_now(b"{}", &header, &["whsec_x"], Tolerance::default());
        prop_assert_eq!(result, Err(WebhookError::MalformedHeader), "header {:?}", header);
    }

    #[test]
    fn a_mistaken_secret_is_refused_whatever_the_header(
        secret in prop_oneof![
            "[ \t\n]{1,3}whsec_[a-z]{1,8}",
            "whsec_[a-z]{1,8}[ \t\r\n]{1,3}",
            "[\"']whsec_[a-z]{1,8}[\"']?",
            "(sk|rk|pk)_(test|live)_[A-Za-z0-9]{4,12}",
            "[ \t]{0,3}",
        ],
        header in ".{0,80}",
    ) {
        let result = verify_now(b"{}", &header, &["whsec_ok", &secret], Tolerance::default());
        prop_assert_eq!(result, Err(WebhookError::InvalidSecret));
    }
}
