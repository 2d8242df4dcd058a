//! `verify_signature_with` makes the same decisions as `verify_signature` whatever
//! computes the MAC, and asks for exactly the MACs Stripe's scheme defines. The
//! package's Node entries rely on this: they hand the MAC to Node's crypto.
#![cfg(not(target_arch = "wasm32"))]

use hmac::{Hmac, Mac};
use proptest::prelude::*;
use sha2::Sha256;
use stripe_edge::webhook::{
    generate_test_header, verify_signature, verify_signature_with, MacInput, Tolerance,
};

const NOW: i64 = 1_700_000_000;

/// HMAC-SHA256 computed here, apart from the crate's own code path.
fn independent_mac(input: MacInput<'_>, body: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(input.secret.as_bytes()).unwrap();
    mac.update(format!("{}.", input.timestamp).as_bytes());
    mac.update(body);
    mac.finalize().into_bytes().into()
}

fn header_strategy() -> impl Strategy<Value = String> {
    let secret = prop_oneof![Just("whsec_a"), Just("whsec_b"), Just("whsec_c")];
    let offset = prop_oneof![-302i64..=-298, -2i64..=2, 298i64..=302];
    let genuine = (secret, offset).prop_map(|(secret, offset)| {
        generate_test_header(b"{\"id\":\"evt_1\"}", secret, NOW + offset, "v1")
    });
    prop_oneof![
        genuine.clone(),
        genuine.prop_map(|h| h.replace("v1=", "v1=00,v1=")),
        "[tv01=,a-f0-9 ]{0,120}",
        ".{0,80}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3_000))]

    #[test]
    fn decisions_do_not_depend_on_who_computes_the_mac(
        header in header_strategy(),
        secrets in proptest::collection::vec(
            prop_oneof![Just("whsec_a"), Just("whsec_b"), Just(" whsec_a"), Just(""), Just("sk_x")],
            0..4,
        ),
        tolerance in prop_oneof![Just(Tolerance::Disabled), (1u64..400).prop_map(Tolerance::Secs)],
        body_is_genuine in any::<bool>(),
    ) {
        let body: &[u8] = if body_is_genuine { b"{\"id\":\"evt_1\"}" } else { b"{\"id\":\"evt_2\"}" };
        let expected = verify_signature(body, Some(&header), &secrets, NOW, tolerance);

        let mut asked = Vec::new();
        let got = verify_signature_with(Some(&header), &secrets, NOW, tolerance, |input| {
            asked.push((input.secret_index, input.secret.to_owned(), input.timestamp_secs));
            assert_eq!(input.timestamp, input.timestamp_secs.to_string());
            independent_mac(input, body)
        });
        prop_assert_eq!(got, expected);

        // Once per secret, in order, for a header that parsed; never otherwise.
        if asked.is_empty() {
            prop_assert!(expected.is_err());
        } else {
            let indexes: Vec<usize> = asked.iter().map(|(i, _, _)| *i).collect();
            prop_assert_eq!(indexes, (0..secrets.len()).collect::<Vec<_>>());
            for (index, secret, _) in &asked {
                prop_assert_eq!(secret.as_str(), secrets[*index]);
            }
        }
    }
}
