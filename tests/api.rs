//! The API client core: form encoding, request building, error mapping and retry
//! decisions, one rule per test. Cases from /work/shared/cases are named by number.
#![cfg(feature = "api")]

use core::time::Duration;

use serde_json::{json, Value};
use stripe_edge::api::{
    self, build_request, encode_form, encode_form_json, encode_form_pairs, interpret_response,
    path, retry_delay, should_retry, ApiErrorKind, AttemptOutcome, ClientConfig, ErrorFields,
    HttpRequest, Method, RequestOptions,
};

const KEY: &str = "sk_test_123";

fn config() -> ClientConfig {
    ClientConfig::new(KEY).unwrap()
}

fn keyed(key: &str) -> RequestOptions {
    RequestOptions {
        idempotency_key: Some(key.to_owned()),
        ..RequestOptions::default()
    }
}

fn post(params: Value, key: &str) -> HttpRequest {
    build_request(
        &config(),
        Method::Post,
        "/v1/payment_intents",
        Some(&params),
        &keyed(key),
    )
    .unwrap()
}

fn no_headers(_: &str) -> Option<String> {
    None
}

fn headers<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
    move |name: &str| {
        pairs
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| (*value).to_owned())
    }
}

// Form encoding.

#[test]
fn nested_objects_use_brackets_in_the_callers_order() {
    let params = json!({
        "currency": "usd",
        "amount": 1000,
        "payment_method_options": { "card": { "request_three_d_secure": "any" } },
    });
    assert_eq!(
        encode_form(&params),
        "currency=usd&amount=1000&payment_method_options[card][request_three_d_secure]=any"
    );
}

#[test]
fn arrays_are_indexed_including_arrays_of_objects() {
    let params = json!({
        "expand": ["customer", "latest_charge"],
        "line_items": [{ "price": "price_1", "quantity": 2 }, { "price": "price_2" }],
    });
    assert_eq!(
        encode_form(&params),
        "expand[0]=customer&expand[1]=latest_charge\
         &line_items[0][price]=price_1&line_items[0][quantity]=2&line_items[1][price]=price_2"
    );
}

#[test]
fn booleans_are_words() {
    assert_eq!(
        encode_form(&json!({ "capture": false, "confirm": true })),
        "capture=false&confirm=true"
    );
}

#[test]
fn empty_string_unsets_a_field_and_null_sends_nothing() {
    let params = json!({ "description": "", "metadata": { "order": "" } });
    assert_eq!(encode_form(&params), "description=&metadata[order]=");
    // cases/C14: null, undefined (absent in JSON) and a missing key are one thing.
    let with_null = json!({ "amount": 1000, "currency": "usd", "customer": null });
    let without = json!({ "amount": 1000, "currency": "usd" });
    assert_eq!(encode_form(&with_null), "amount=1000&currency=usd");
    assert_eq!(encode_form(&with_null), encode_form(&without));
    assert_eq!(
        encode_form_json(r#"{"amount":1000,"currency":"usd","customer":null}"#).unwrap(),
        "amount=1000&currency=usd"
    );
}

#[test]
fn absent_keys_empty_objects_and_empty_arrays_send_nothing() {
    assert_eq!(encode_form(&json!({})), "");
    assert_eq!(encode_form(&json!({ "metadata": {}, "expand": [] })), "");
    assert_eq!(encode_form(&json!({ "a": {}, "b": 1 })), "b=1");
}

#[test]
fn reserved_characters_are_percent_encoded_and_brackets_kept() {
    let params = json!({ "metadata": { "note & more": "a=b+c d/é!*'()~[x]" } });
    assert_eq!(
        encode_form(&params),
        "metadata[note%20%26%20more]=a%3Db%2Bc%20d%2F%C3%A9%21%2A%27%28%29~[x]"
    );
}

#[test]
fn anything_but_an_object_encodes_to_nothing() {
    for value in [json!(null), json!(1), json!("a"), json!([1, 2])] {
        assert_eq!(encode_form(&value), "");
    }
}

#[test]
fn json_text_keeps_the_order_it_was_written_in() {
    let text = r#"{"z":1,"a":{"y":true,"b":null},"m":[{"k":"v"}]}"#;
    assert_eq!(encode_form_json(text).unwrap(), "z=1&a[y]=true&m[0][k]=v");
    assert!(encode_form_json("{\"a\":").is_err());
}

#[test]
fn laid_out_pairs_are_only_percent_encoded_and_joined() {
    let pairs = [
        ("metadata[note]", "a&b"),
        ("expand[0]", "customer"),
        ("x", ""),
    ];
    assert_eq!(
        encode_form_pairs(pairs),
        "metadata[note]=a%26b&expand[0]=customer&x="
    );
}

// Building requests.

#[test]
fn a_post_carries_the_headers_stripe_reads_and_a_form_body() {
    let request = post(
        json!({ "amount": 1000, "currency": "usd" }),
        "idem_TEST_001",
    );
    assert_eq!(request.method, Method::Post);
    assert_eq!(request.url, "https://api.stripe.com/v1/payment_intents");
    assert_eq!(request.body.as_deref(), Some("amount=1000&currency=usd"));
    assert_eq!(request.header("authorization"), Some("Bearer sk_test_123"));
    assert_eq!(
        request.header("Stripe-Version"),
        Some(stripe_edge::STRIPE_API_VERSION)
    );
    assert_eq!(request.header("Idempotency-Key"), Some("idem_TEST_001"));
    assert_eq!(
        request.header("Content-Type"),
        Some("application/x-www-form-urlencoded")
    );
    assert!(request
        .header("User-Agent")
        .unwrap()
        .starts_with("stripe-edge/"));
    assert_eq!(request.header("Stripe-Account"), None);
}

#[test]
fn get_and_delete_put_params_in_the_query_and_get_no_generated_key() {
    let params = json!({ "limit": 3, "expand": ["data.customer"] });
    let none = RequestOptions::default();
    let get = build_request(
        &config(),
        Method::Get,
        "/v1/customers",
        Some(&params),
        &none,
    )
    .unwrap();
    assert_eq!(
        get.url,
        "https://api.stripe.com/v1/customers?limit=3&expand[0]=data.customer"
    );
    assert_eq!(get.body, None);
    assert_eq!(get.header("Idempotency-Key"), None);
    assert_eq!(get.header("Content-Type"), None);

    let delete = build_request(
        &config(),
        Method::Delete,
        "/v1/customers/cus_1",
        None,
        &none,
    )
    .unwrap();
    assert_eq!(delete.url, "https://api.stripe.com/v1/customers/cus_1");
    assert_eq!(delete.header("Idempotency-Key"), None);
}

#[test]
fn a_post_without_any_key_is_refused() {
    let error = build_request(
        &config(),
        Method::Post,
        "/v1/customers",
        None,
        &RequestOptions::default(),
    )
    .unwrap_err();
    assert_eq!(error.kind, ApiErrorKind::InvalidArgument);
    assert_eq!(error.code.as_deref(), Some("missing_idempotency_key"));
}

#[test]
fn an_empty_post_sends_an_empty_body() {
    let request = build_request(
        &config(),
        Method::Post,
        "/v1/payment_intents/pi_1/cancel",
        None,
        &keyed("k"),
    )
    .unwrap();
    assert_eq!(request.body.as_deref(), Some(""));
}

#[test]
fn c09_a_key_of_255_characters_is_sent_and_256_is_refused_before_sending() {
    let longest = "k".repeat(255);
    assert_eq!(
        post(json!({}), &longest).header("Idempotency-Key"),
        Some(longest.as_str())
    );

    let error = build_request(
        &config(),
        Method::Post,
        "/v1/payment_intents",
        None,
        &keyed(&"k".repeat(256)),
    )
    .unwrap_err();
    assert_eq!(error.kind, ApiErrorKind::InvalidArgument);
    assert_eq!(error.code.as_deref(), Some("idempotency_key_too_long"));
}

#[test]
fn c09_generated_keys_are_uuid_v4_and_differ_per_draw() {
    let first = api::new_idempotency_key([0; 16]);
    let second = api::new_idempotency_key([1; 16]);
    assert_ne!(first, second);
    for key in [&first, &second] {
        assert_eq!(key.len(), 36);
        assert_eq!(key.as_bytes()[14], b'4', "version nibble in {key}");
        assert!(
            matches!(key.as_bytes()[19], b'8' | b'9' | b'a' | b'b'),
            "variant in {key}"
        );
    }
}

#[test]
fn c09_the_same_options_build_the_same_key_on_every_attempt() {
    let options = keyed("idem_TEST_001");
    let params = json!({ "amount": 1000, "currency": "usd" });
    let first = build_request(
        &config(),
        Method::Post,
        "/v1/payment_intents",
        Some(&params),
        &options,
    )
    .unwrap();
    let again = build_request(
        &config(),
        Method::Post,
        "/v1/payment_intents",
        Some(&params),
        &options,
    )
    .unwrap();
    assert_eq!(first, again);
}

#[test]
fn header_values_with_line_breaks_are_refused() {
    let error = build_request(
        &config(),
        Method::Post,
        "/v1/customers",
        None,
        &keyed("a\r\nX-Evil: 1"),
    )
    .unwrap_err();
    assert_eq!(error.kind, ApiErrorKind::InvalidArgument);

    let options = RequestOptions {
        stripe_account: Some("acct_1\nX: y".to_owned()),
        ..keyed("k")
    };
    assert!(build_request(&config(), Method::Post, "/v1/customers", None, &options).is_err());
}

#[test]
fn the_key_never_goes_to_a_plain_http_host_or_a_base_with_a_path() {
    for refused in [
        "http://api.example.com",
        "http://10.0.0.5:12111",
        "https://api.example.com/v1",
        "https://user:password@api.example.com",
        "api.stripe.com",
        "",
    ] {
        let mut config = config();
        config.api_base = refused.to_owned();
        let error = build_request(
            &config,
            Method::Get,
            "/v1/balance",
            None,
            &RequestOptions::default(),
        )
        .unwrap_err();
        assert_eq!(error.code.as_deref(), Some("invalid_api_base"), "{refused}");
        assert!(!error.message.contains("sk_test"), "{}", error.message);
    }
    for accepted in [
        "https://api.stripe.com",
        "http://127.0.0.1:12111",
        "http://localhost:8420/",
    ] {
        let mut config = config();
        config.api_base = accepted.to_owned();
        let request = build_request(
            &config,
            Method::Get,
            "/v1/balance",
            None,
            &RequestOptions::default(),
        )
        .unwrap();
        assert!(request.url.ends_with("/v1/balance"), "{accepted}");
    }
}

#[test]
fn stripe_account_and_version_come_from_the_call_over_the_configuration() {
    let mut config = config();
    config.stripe_account = Some("acct_config".to_owned());
    config.api_base = "http://localhost:12111/".to_owned();
    let from_config = build_request(
        &config,
        Method::Get,
        "/v1/balance",
        None,
        &RequestOptions::default(),
    )
    .unwrap();
    assert_eq!(from_config.url, "http://localhost:12111/v1/balance");
    assert_eq!(from_config.header("Stripe-Account"), Some("acct_config"));

    let options = RequestOptions {
        stripe_account: Some("acct_call".to_owned()),
        stripe_version: Some("2024-06-20".to_owned()),
        ..RequestOptions::default()
    };
    let from_call = build_request(&config, Method::Get, "/v1/balance", None, &options).unwrap();
    assert_eq!(from_call.header("Stripe-Account"), Some("acct_call"));
    assert_eq!(from_call.header("Stripe-Version"), Some("2024-06-20"));
}

#[test]
fn params_that_are_not_an_object_are_refused() {
    let error = build_request(
        &config(),
        Method::Post,
        "/v1/customers",
        Some(&json!([1])),
        &keyed("k"),
    )
    .unwrap_err();
    assert_eq!(error.code.as_deref(), Some("invalid_params"));
}

#[test]
fn only_secret_and_restricted_keys_configure_a_client() {
    assert!(ClientConfig::new("sk_test_123").is_ok());
    assert!(ClientConfig::new("rk_test_123").is_ok());
    for refused in [
        "pk_test_123",
        "whsec_123",
        "",
        " sk_test_123",
        "sk_test_your_key_here",
    ] {
        let error = ClientConfig::new(refused).unwrap_err();
        assert_eq!(
            error.code.as_deref(),
            Some("invalid_secret_key"),
            "{refused:?}"
        );
    }
}

#[test]
fn the_key_is_masked_in_debug_output() {
    let secret = &fake_secret_key();
    let config = ClientConfig::new(secret).unwrap();
    assert!(!format!("{config:?}").contains(secret));
    let request = build_request(
        &config,
        Method::Get,
        "/v1/balance",
        None,
        &RequestOptions::default(),
    )
    .unwrap();
    assert!(!format!("{request:?}").contains(secret));
}

// Paths.

#[test]
fn ids_are_percent_encoded_into_their_segment() {
    assert_eq!(
        path("/v1/payment_intents/{}/confirm", &["pi_1"]).unwrap(),
        "/v1/payment_intents/pi_1/confirm"
    );
    assert_eq!(
        path("/v1/customers/{}", &["cus_1/../../v1/balance?x=[1]"]).unwrap(),
        "/v1/customers/cus_1%2F..%2F..%2Fv1%2Fbalance%3Fx%3D%5B1%5D"
    );
    assert_eq!(
        path("/v1/customers/{}/payment_methods/{}", &["cus_1", "pm_1"]).unwrap(),
        "/v1/customers/cus_1/payment_methods/pm_1"
    );
}

#[test]
fn dot_segments_and_empty_ids_are_refused() {
    for id in ["", ".", ".."] {
        let error = path("/v1/customers/{}", &[id]).unwrap_err();
        assert_eq!(error.code.as_deref(), Some("invalid_id"), "{id:?}");
    }
}

#[test]
fn c12_a_client_secret_is_never_sent_as_an_id() {
    let error = path("/v1/payment_intents/{}", &["pi_TEST123_secret_FAKEabc"]).unwrap_err();
    assert_eq!(error.code.as_deref(), Some("client_secret_as_id"));
    assert!(error.message.contains("pi_TEST123"));
    assert!(!error.message.contains("FAKEabc"));
}

#[test]
fn an_api_key_or_webhook_secret_is_never_sent_as_an_id() {
    let secret = fake_secret_key();
    let glued = format!("cus_1%20{secret}");
    for id in [
        secret.as_str(),
        "sk_live_FAKE",
        "rk_test_FAKE",
        "rk_live_FAKE",
        "pk_test_FAKE",
        "pk_live_FAKE",
        "whsec_FAKE",
        glued.as_str(),
    ] {
        let error = path("/v1/payment_intents/{}", &[id]).unwrap_err();
        assert_eq!(error.code.as_deref(), Some("key_as_id"), "{id}");
        assert_eq!(error.kind, ApiErrorKind::InvalidArgument);
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("FAKE"), "{shown}");
    }
    // Ids that only contain the letters stay ids.
    for id in ["cus_sk_test", "prod_desk_test_1", "pi_1"] {
        assert!(path("/v1/customers/{}", &[id]).is_ok(), "{id}");
    }
}

#[test]
fn the_id_count_must_match_the_template() {
    assert!(path("/v1/customers/{}", &[]).is_err());
    assert!(path("/v1/customers", &["cus_1"]).is_err());
}

#[test]
fn paths_with_a_query_or_no_leading_slash_are_refused() {
    let none = RequestOptions::default();
    for bad in [
        "v1/customers",
        "/v1/customers?x=1",
        "//evil.example/v1",
        "/v1/a b",
    ] {
        assert!(
            build_request(&config(), Method::Get, bad, None, &none).is_err(),
            "{bad}"
        );
    }
}

// Reading answers.

#[test]
fn a_2xx_body_is_the_object() {
    let object =
        interpret_response(200, no_headers, br#"{"id":"cus_1","object":"customer"}"#).unwrap();
    assert_eq!(object["id"], "cus_1");
}

#[test]
fn a_2xx_body_that_is_not_json_is_an_api_error() {
    let error =
        interpret_response(200, headers(&[("Request-Id", "req_1")]), b"<html>").unwrap_err();
    assert_eq!(error.kind, ApiErrorKind::Api);
    assert_eq!(error.code.as_deref(), Some("unexpected_response"));
    assert_eq!(error.request_id.as_deref(), Some("req_1"));
}

#[test]
fn a_2xx_body_that_is_json_but_not_an_object_is_an_api_error() {
    for body in [
        &b"null"[..],
        b"[1,2]",
        b" \n[]",
        b"\"pi_1\"",
        b"42",
        b"true",
        b"",
    ] {
        let error = interpret_response(200, no_headers, body).unwrap_err();
        assert_eq!(error.kind, ApiErrorKind::Api, "{body:?}");
        assert_eq!(error.code.as_deref(), Some("unexpected_response"));
        assert!(
            error.message.contains("not a JSON object"),
            "{}",
            error.message
        );
    }
    // A model type would take an array as a struct's fields in order.
    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Pair {
        id: String,
        amount: u64,
    }
    let error =
        api::interpret_response_as::<Pair, _>(200, no_headers, br#"["pi_1",5]"#).unwrap_err();
    assert_eq!(error.code.as_deref(), Some("unexpected_response"));
    let pair: Pair =
        api::interpret_response_as(200, no_headers, b" {\"id\":\"pi_1\",\"amount\":5}").unwrap();
    assert_eq!(pair.amount, 5);
}

fn error_body(fields: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({ "error": fields })).unwrap()
}

#[test]
fn statuses_map_to_kinds_as_stripes_sdks_map_them() {
    let cases = [
        (
            400,
            json!({"type": "invalid_request_error"}),
            ApiErrorKind::InvalidRequest,
        ),
        (
            404,
            json!({"type": "invalid_request_error", "code": "resource_missing"}),
            ApiErrorKind::InvalidRequest,
        ),
        (
            400,
            json!({"type": "idempotency_error"}),
            ApiErrorKind::Idempotency,
        ),
        (
            400,
            json!({"type": "invalid_request_error", "code": "rate_limit"}),
            ApiErrorKind::RateLimit,
        ),
        (
            401,
            json!({"type": "invalid_request_error"}),
            ApiErrorKind::Authentication,
        ),
        (
            402,
            json!({"type": "card_error", "code": "card_declined"}),
            ApiErrorKind::Card,
        ),
        (
            403,
            json!({"type": "invalid_request_error"}),
            ApiErrorKind::Permission,
        ),
        (
            429,
            json!({"type": "invalid_request_error", "code": "lock_timeout"}),
            ApiErrorKind::RateLimit,
        ),
        (500, json!({"type": "api_error"}), ApiErrorKind::Api),
        (
            409,
            json!({"type": "invalid_request_error"}),
            ApiErrorKind::Api,
        ),
    ];
    for (status, fields, kind) in cases {
        let error = interpret_response(status, no_headers, &error_body(fields)).unwrap_err();
        assert_eq!(error.kind, kind, "status {status}");
        assert_eq!(error.status_code, Some(status));
    }
}

#[test]
fn a_card_error_carries_every_field() {
    let body = error_body(json!({
        "type": "card_error",
        "code": "card_declined",
        "decline_code": "insufficient_funds",
        "param": "payment_method",
        "doc_url": "https://stripe.com/docs/error-codes/card-declined",
        "message": "Your card has insufficient funds.",
    }));
    let error = interpret_response(
        402,
        headers(&[("request-id", "req_123"), ("Stripe-Should-Retry", "false")]),
        &body,
    )
    .unwrap_err();
    assert_eq!(error.kind, ApiErrorKind::Card);
    assert_eq!(error.error_type.as_deref(), Some("card_error"));
    assert_eq!(error.code.as_deref(), Some("card_declined"));
    assert_eq!(error.decline_code.as_deref(), Some("insufficient_funds"));
    assert_eq!(error.param.as_deref(), Some("payment_method"));
    assert_eq!(
        error.doc_url.as_deref(),
        Some("https://stripe.com/docs/error-codes/card-declined")
    );
    assert_eq!(error.message, "Your card has insufficient funds.");
    assert_eq!(error.request_id.as_deref(), Some("req_123"));
    assert_eq!(error.should_retry, Some(false));
    assert_eq!(
        error.to_string(),
        "[req_123] Your card has insufficient funds."
    );
}

#[test]
fn a_card_error_keeps_the_objects_stripe_sent_redacted() {
    let secret = fake_secret_key();
    let error_object = json!({
        "type": "card_error",
        "code": "card_declined",
        "message": format!("declined; the key was {secret}"),
        "payment_intent": {
            "id": "pi_1",
            "object": "payment_intent",
            "amount": 2000,
            "client_secret": "pi_1_secret_FAKEpart",
            "metadata": { "pasted": secret, secret.clone(): "as a name" },
            "last_payment_error": { "code": "card_declined" },
        },
        "payment_method": { "id": "pm_1", "object": "payment_method" },
        "setup_intent": "seti_1",
    });
    let error = interpret_response(402, no_headers, &error_body(error_object)).unwrap_err();
    assert_eq!(error.kind, ApiErrorKind::Card);

    let intent = error.payment_intent().unwrap();
    assert_eq!(intent["id"], "pi_1");
    assert_eq!(intent["amount"], 2000);
    assert_eq!(intent["last_payment_error"]["code"], "card_declined");
    assert_eq!(intent["client_secret"], "pi_1_secret_…");
    assert_eq!(error.payment_method().unwrap()["id"], "pm_1");
    // Only objects count; Stripe sends objects, so an id here is not one.
    assert_eq!(error.setup_intent(), None);
    let raw = error.raw.as_ref().unwrap();
    assert_eq!(raw["code"], "card_declined");
    assert_eq!(raw["setup_intent"], "seti_1");

    let shown = format!("{error:?} {}", serde_json::to_string(raw).unwrap());
    assert!(!shown.contains(&secret), "{shown}");
    assert!(!shown.contains("FAKEpart"), "{shown}");

    let bare = interpret_response(502, no_headers, b"<html>").unwrap_err();
    assert_eq!(bare.raw, None);
    assert_eq!(bare.payment_intent(), None);
}

#[test]
fn c09_key_reuse_is_an_idempotency_error() {
    let body = br#"{"error":{"type":"idempotency_error","message":"fake: key reused with different parameters"}}"#;
    let error = interpret_response(400, no_headers, body).unwrap_err();
    assert_eq!(error.kind, ApiErrorKind::Idempotency);
    let outcome = AttemptOutcome::from_response(400, no_headers);
    assert!(!should_retry(0, &outcome, 2));
}

#[test]
fn an_echoed_key_never_reaches_the_error() {
    let secret = &fake_secret_key();
    let body = error_body(json!({
        "type": "invalid_request_error",
        "message": format!("Invalid API Key provided: {secret}"),
        "param": secret,
    }));
    let error = interpret_response(401, no_headers, &body).unwrap_err();
    assert_eq!(error.kind, ApiErrorKind::Authentication);
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(secret), "{shown}");
}

#[test]
fn fields_a_transport_parsed_map_as_the_body_would() {
    let fields = ErrorFields {
        error_type: Some("card_error"),
        code: Some("card_declined"),
        decline_code: Some("generic_decline"),
        message: Some("Your card was declined."),
        ..ErrorFields::default()
    };
    let error = api::ApiError::from_fields(402, Some("req_9".to_owned()), None, Some(fields));
    assert_eq!(error.kind, ApiErrorKind::Card);
    assert_eq!(error.decline_code.as_deref(), Some("generic_decline"));
    assert_eq!(error.request_id.as_deref(), Some("req_9"));

    let bare = api::ApiError::from_fields(503, None, Some(true), None);
    assert_eq!(bare.kind, ApiErrorKind::Api);
    assert!(bare.message.contains("unexpected body"));
    assert_eq!(bare.should_retry, Some(true));
}

#[test]
fn an_error_body_that_is_not_stripes_still_gives_a_typed_error() {
    for body in [
        &b""[..],
        b"<html>bad gateway</html>",
        b"{\"error\":\"x\"}",
        b"[]",
    ] {
        let error = interpret_response(502, no_headers, body).unwrap_err();
        assert_eq!(error.kind, ApiErrorKind::Api);
        assert_eq!(error.status_code, Some(502));
        assert!(error.message.contains("502"));
    }
}

// Retry decisions (stripe-node's RequestSender._shouldRetry and _getSleepTimeInMS).

fn answered(status: u16, hint: Option<bool>) -> AttemptOutcome {
    AttemptOutcome::Response {
        status,
        should_retry: hint,
    }
}

#[test]
fn what_is_retried() {
    let retried = [
        AttemptOutcome::Connection,
        answered(409, None),
        answered(500, None),
        answered(503, None),
        answered(429, Some(true)),
        answered(400, Some(true)),
    ];
    for outcome in retried {
        assert!(should_retry(0, &outcome, 2), "{outcome:?}");
    }
    let final_ = [
        AttemptOutcome::Timeout,
        answered(200, None),
        answered(200, Some(true)),
        answered(429, None),
        answered(400, None),
        answered(402, None),
        answered(404, None),
        answered(500, Some(false)),
        answered(409, Some(false)),
    ];
    for outcome in final_ {
        assert!(!should_retry(0, &outcome, 2), "{outcome:?}");
    }
}

#[test]
fn the_header_is_read_from_the_response() {
    let lock_timeout =
        AttemptOutcome::from_response(429, headers(&[("Stripe-Should-Retry", "true")]));
    assert_eq!(lock_timeout, answered(429, Some(true)));
    assert_eq!(
        AttemptOutcome::from_response(500, no_headers),
        answered(500, None)
    );
}

#[test]
fn retries_stop_at_the_maximum() {
    assert!(should_retry(1, &AttemptOutcome::Connection, 2));
    assert!(!should_retry(2, &AttemptOutcome::Connection, 2));
    assert!(!should_retry(0, &AttemptOutcome::Connection, 0));
    assert_eq!(
        retry_delay(2, &AttemptOutcome::Connection, 2, 0.5, None),
        None
    );
}

#[test]
fn waits_grow_exponentially_within_their_jitter_and_cap() {
    let ms = |retries: u32, jitter: f64| {
        retry_delay(retries, &AttemptOutcome::Connection, 100, jitter, None)
            .unwrap()
            .as_millis()
    };
    // 0.5 s × 2^(n − 1), jittered to between half and all of it, floored at 0.5 s.
    assert_eq!((ms(0, 0.0), ms(0, 1.0)), (500, 500));
    assert_eq!((ms(1, 0.0), ms(1, 1.0)), (500, 500));
    assert_eq!((ms(2, 0.0), ms(2, 1.0)), (500, 1000));
    assert_eq!((ms(3, 0.0), ms(3, 1.0)), (1000, 2000));
    assert_eq!((ms(4, 0.0), ms(4, 1.0)), (2000, 4000));
    assert_eq!((ms(5, 0.0), ms(5, 1.0)), (2500, 5000));
    assert_eq!((ms(60, 0.0), ms(60, 1.0)), (2500, 5000));
    assert_eq!(ms(3, 0.5), 1500);
    // Out-of-range jitter is clamped rather than trusted.
    assert_eq!(
        (ms(3, -4.0), ms(3, 9.0), ms(3, f64::NAN)),
        (1000, 2000, 1000)
    );
}

#[test]
fn a_reasonable_retry_after_lengthens_the_wait() {
    let outcome = answered(503, None);
    let asked = api::parse_retry_after("3");
    assert_eq!(asked, Some(Duration::from_secs(3)));
    assert_eq!(
        retry_delay(0, &outcome, 2, 0.0, asked),
        Some(Duration::from_secs(3))
    );
    let too_long = api::parse_retry_after("3600");
    assert_eq!(
        retry_delay(0, &outcome, 2, 0.0, too_long),
        Some(Duration::from_millis(500))
    );
    assert_eq!(
        api::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
        None
    );
}

/// A secret key of real shape, written so that no secret scanner (or reader) takes
/// it for a real one.
fn fake_secret_key() -> String {
    format!("sk_test_{}", "FAKE".repeat(6))
}
