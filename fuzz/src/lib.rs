//! What the fuzz targets share: the reference model, the inputs they are built from,
//! and the checks that hold stripe-edge's verifier to the model. A disagreement or a
//! panic anywhere is a finding.

pub mod model;

use arbitrary::Arbitrary;
use stripe_edge::webhook::{
    construct_event, verify_signature, verify_signature_with, SignatureHeader, Tolerance,
    WebhookError,
};

/// Parses with the real parser and the model; their verdicts must agree.
pub fn check_parse(header: &str) {
    let real = SignatureHeader::parse(header);
    let expected = model::parse_header(header);
    match (&real, &expected) {
        (Ok(real), Ok(expected)) => {
            assert_eq!(
                real.timestamp, expected.timestamp,
                "timestamp of {header:?}"
            );
            assert_eq!(real.v1_count, expected.v1.len(), "v1 count of {header:?}");
        }
        (Err(real), Err(expected)) => assert_eq!(real, expected, "error for {header:?}"),
        _ => panic!("parse of {header:?}: real {real:?}, model {expected:?}"),
    }
}

/// Verifies with the real verifier and the model, and checks what the other entry
/// points promise on the same input.
pub fn check_verify(
    payload: &[u8],
    header: Option<&str>,
    secrets: &[&str],
    now_secs: i64,
    tolerance: Tolerance,
) {
    let real = verify_signature(payload, header, secrets, now_secs, tolerance);
    let expected = model::verify(payload, header, secrets, now_secs, tolerance);
    assert_eq!(
        real, expected,
        "header {header:?}, now {now_secs}, {tolerance:?}"
    );

    // The host-MAC path (Node's crypto) formats the timestamp itself from the number
    // and finds the secret by index; both must name exactly what the core signs.
    let hosted = verify_signature_with(header, secrets, now_secs, tolerance, |input| {
        assert_eq!(input.timestamp, input.timestamp_secs.to_string());
        assert_eq!(secrets[input.secret_index], input.secret);
        let hex = model::signature_hex(input.secret, input.timestamp_secs, payload);
        let mut mac = [0u8; 32];
        for (byte, pair) in mac.iter_mut().zip(hex.as_bytes().chunks(2)) {
            *byte = u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap();
        }
        mac
    });
    assert_eq!(
        hosted, real,
        "verify_signature_with against verify_signature"
    );

    // construct_event is verification, then parsing: a refused signature keeps its
    // error, and a verified one can only fail on the body.
    let event = construct_event(payload, header, secrets, now_secs, tolerance);
    match (real, event) {
        (Err(error), event) => assert_eq!(event.err(), Some(error)),
        (Ok(_), Ok(_)) => {}
        (Ok(_), Err(error)) => assert!(
            matches!(
                error,
                WebhookError::InvalidJson | WebhookError::WrongEventKind
            ),
            "construct_event refused a verified body with {error:?}"
        ),
    }
}

/// A tolerance chosen by the fuzzer, small values most likely to matter.
#[derive(Arbitrary, Debug, Clone, Copy)]
pub enum FuzzTolerance {
    /// The default 300 s.
    Default,
    /// A small number of seconds, 0 included.
    Secs(u16),
    /// Any number of seconds, to reach overflow edges.
    Wide(u64),
    /// No time check.
    Disabled,
}

impl FuzzTolerance {
    /// The library's type.
    pub fn get(self) -> Tolerance {
        match self {
            FuzzTolerance::Default => Tolerance::default(),
            FuzzTolerance::Secs(secs) => Tolerance::Secs(u64::from(secs)),
            FuzzTolerance::Wide(secs) => Tolerance::Secs(secs),
            FuzzTolerance::Disabled => Tolerance::Disabled,
        }
    }
}
