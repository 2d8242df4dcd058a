//! Properties over arbitrary input: encoding, request building and reading answers
//! never panic, and what is encoded decodes back to the same pairs.
#![cfg(all(feature = "api", not(target_arch = "wasm32")))]

use proptest::prelude::*;
use serde_json::{Map, Value};
use stripe_edge::api::{
    build_request, encode_form, encode_form_json, interpret_response, path, retry_delay,
    AttemptOutcome, ClientConfig, Method, RequestOptions,
};

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((".{0,8}", inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Undoes the percent-encoding of one key or value.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut index = 0;
    while index < bytes.len() {
        if bytes[index] == b'%' {
            let hex = std::str::from_utf8(&bytes[index + 1..index + 3]).unwrap();
            out.push(u8::from_str_radix(hex, 16).unwrap());
            index += 3;
        } else {
            out.push(bytes[index]);
            index += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn encoding_any_value_gives_a_well_formed_form(value in any_json()) {
        let form = encode_form(&value);
        for pair in form.split('&').filter(|pair| !pair.is_empty()) {
            let (key, raw) = pair.split_once('=').expect("every pair has =");
            prop_assert!(!raw.contains('='));
            prop_assert!(pair.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~[]%=".contains(&b)));
            let _ = (decode(key), decode(raw));
        }
    }

    #[test]
    fn json_text_encodes_as_its_value_does(value in any_json()) {
        let text = serde_json::to_string(&value).unwrap();
        prop_assert_eq!(encode_form_json(&text).unwrap(), encode_form(&value));
    }

    #[test]
    fn encoding_any_text_gives_a_result(text in ".{0,200}") {
        let _ = encode_form_json(&text);
    }

    #[test]
    fn a_flat_object_round_trips(pairs in proptest::collection::vec(("[^\\[\\]]{1,8}", ".{0,12}"), 0..8)) {
        let object: Map<String, Value> = pairs
            .iter()
            .map(|(key, value)| (key.clone(), Value::String(value.clone())))
            .collect();
        let form = encode_form(&Value::Object(object.clone()));
        let decoded: Vec<(String, String)> = form
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap();
                (decode(key), decode(value))
            })
            .collect();
        let expected: Vec<(String, String)> = object
            .iter()
            .map(|(key, value)| (key.clone(), value.as_str().unwrap().to_owned()))
            .collect();
        prop_assert_eq!(decoded, expected);
    }

    #[test]
    fn reading_any_answer_gives_a_result(
        status in any::<u16>(),
        body in proptest::collection::vec(any::<u8>(), 0..256),
        request_id in proptest::option::of(".{0,40}"),
        hint in proptest::option::of(".{0,6}"),
    ) {
        let header = |name: &str| match name {
            "request-id" => request_id.clone(),
            "stripe-should-retry" => hint.clone(),
            _ => None,
        };
        let _ = interpret_response(status, header, &body);
        let outcome = AttemptOutcome::from_response(status, header);
        let _ = retry_delay(0, &outcome, 2, 0.5, None);
    }

    #[test]
    fn error_shaped_answers_give_a_result(body in any_json(), status in 100u16..600) {
        let text = serde_json::to_vec(&serde_json::json!({ "error": body })).unwrap();
        let _ = interpret_response(status, |_| None, &text);
    }

    #[test]
    fn building_any_request_gives_a_result(
        template in ".{0,30}",
        ids in proptest::collection::vec(".{0,12}", 0..3),
        key in proptest::option::of(".{0,300}"),
        account in proptest::option::of(".{0,20}"),
        params in any_json(),
        retries in any::<u32>(),
        max in any::<u32>(),
        jitter in any::<f64>(),
        after in proptest::option::of(any::<u64>()),
    ) {
        let config = ClientConfig::new("sk_test_123").unwrap();
        let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
        let path = path(&template, &ids).unwrap_or_else(|_| template.clone());
        let options = RequestOptions {
            idempotency_key: key,
            stripe_account: account,
            ..RequestOptions::default()
        };
        for method in [Method::Get, Method::Post, Method::Delete] {
            let _ = build_request(&config, method, &path, Some(&params), &options);
        }
        let wait = retry_delay(
            retries,
            &AttemptOutcome::Connection,
            max,
            jitter,
            after.map(core::time::Duration::from_millis),
        );
        if let Some(wait) = wait {
            prop_assert!(wait.as_millis() >= 500);
        }
    }
}
