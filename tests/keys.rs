//! Keys, configuration and client secrets: every rule of issue 5 and every row of
//! case C12, one test each.
//!
//! Key-shaped values are built at run time by `fake`, so that no literal in this
//! file looks like a real key to a secret scanner.

use std::collections::BTreeMap;

use stripe_edge::client_secret::{
    browser_intent, check_client_secret_for, parse_client_secret, parse_intent_id,
    ClientSecretError, IdProblem, IntentFields, IntentKind, Part, ReturnParams, ReturnUrlProblem,
};
use stripe_edge::keys::{
    mask, parse_api_base, parse_api_key, redact, ApiBaseProblem, ConfigError, ConfigOptions,
    ConfigWarning, KeyError, KeyKind, Mode, Slot, StripeConfig, DEFAULT_API_BASE,
};

/// `prefix` then `len` characters, starting `FAKE` so it is plainly not real.
fn fake(prefix: &str, len: usize) -> String {
    let alphabet = "FAKE0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let body: String = alphabet.chars().cycle().take(len).collect();
    format!("{prefix}{body}")
}

fn sk_test() -> String {
    fake("sk_test_", 40)
}

fn sk_live() -> String {
    fake(&["sk", "live_"].join("_"), 40)
}

fn pk_test() -> String {
    fake("pk_test_", 40)
}

fn pk_live() -> String {
    fake("pk_live_", 40)
}

fn whsec(tag: &str) -> String {
    fake(&format!("whsec_{tag}"), 32)
}

/// The part of a key a message may never show: everything but its last four.
fn hidden_part(key: &str) -> &str {
    &key[..key.len() - 4]
}

fn load(vars: &[(&str, &str)]) -> Result<StripeConfig, ConfigError> {
    StripeConfig::from_vars(vars.iter().copied(), &ConfigOptions::default())
}

fn load_with(vars: &[(&str, &str)], options: ConfigOptions) -> Result<StripeConfig, ConfigError> {
    StripeConfig::from_vars(vars.iter().copied(), &options)
}

fn all_optional() -> ConfigOptions {
    ConfigOptions {
        require_secret_key: false,
        ..ConfigOptions::default()
    }
}

// API keys.

#[test]
fn each_key_prefix_gives_its_kind_and_mode() {
    let cases = [
        (sk_test(), KeyKind::Secret, Mode::Test),
        (sk_live(), KeyKind::Secret, Mode::Live),
        (fake("rk_test_", 40), KeyKind::Restricted, Mode::Test),
        (
            fake(&["rk", "live_"].join("_"), 40),
            KeyKind::Restricted,
            Mode::Live,
        ),
        (pk_test(), KeyKind::Publishable, Mode::Test),
        (pk_live(), KeyKind::Publishable, Mode::Live),
        ("sk_test_FAKE123".to_owned(), KeyKind::Secret, Mode::Test),
    ];
    for (key, kind, mode) in cases {
        let parsed = parse_api_key(&key).unwrap();
        assert_eq!(
            (parsed.kind(), parsed.mode()),
            (kind, mode),
            "{}",
            mask(&key)
        );
        assert_eq!(parsed.expose_secret(), key);
    }
}

#[test]
fn padding_and_quotes_are_refused_not_trimmed() {
    let key = sk_test();
    let padded = [
        format!(" {key}"),
        format!("{key} "),
        format!("{key}\n"),
        format!("{key}\r\n"),
        format!("\t{key}"),
        format!("\u{feff}{key}"),
    ];
    for value in &padded {
        let error = parse_api_key(value).unwrap_err();
        assert_eq!(error, KeyError::Padded { slot: Slot::ApiKey });
        assert_eq!(error.code(), "padded_value");
        assert!(error.to_string().contains("whitespace or a line break"));
    }
    let quoted = [
        format!("\"{key}\""),
        format!("'{key}'"),
        format!("`{key}`"),
        format!("\u{201c}{key}\u{201d}"),
        format!("{key}\""),
    ];
    for value in &quoted {
        let error = parse_api_key(value).unwrap_err();
        assert_eq!(error, KeyError::Quoted { slot: Slot::ApiKey });
        assert_eq!(error.code(), "padded_value");
    }
}

#[test]
fn placeholders_are_refused_with_where_to_get_keys() {
    let placeholders = [
        "sk_test_your_key_here",
        "pk_test_your_key_here",
        "sk_test_...",
        "sk_test_…",
        "sk_test_xxxxxxxxxxxxxxxx",
        "sk_test_<your key>",
        "your_stripe_secret_key",
        "sk_live_REPLACE_ME",
        "sk_test_changeme",
    ];
    for value in placeholders {
        let error = parse_api_key(value).unwrap_err();
        assert_eq!(error.code(), "placeholder_value", "{value}");
        let message = error.to_string();
        assert!(message.contains(".env.example"), "{message}");
        assert!(
            message.contains("dashboard.stripe.com/test/apikeys"),
            "{message}"
        );
    }
}

#[test]
fn a_webhook_secret_is_not_an_api_key() {
    let secret = whsec("");
    let error = parse_api_key(&secret).unwrap_err();
    assert!(matches!(
        error,
        KeyError::WrongKind {
            slot: Slot::ApiKey,
            found: KeyKind::WebhookSecret,
            ..
        }
    ));
    assert_eq!(error.code(), "wrong_key_kind");
    let message = error.to_string();
    assert!(message.contains("STRIPE_WEBHOOK_SECRET"), "{message}");
    assert!(message.contains(&mask(&secret)), "{message}");
    assert!(!message.contains(hidden_part(&secret)));
}

#[test]
fn values_that_are_not_keys_are_refused() {
    for value in [
        "hello",
        "pi_TEST123",
        "ek_test_abc",
        "sk_abc",
        "SK_TEST_ABC",
    ] {
        let error = parse_api_key(value).unwrap_err();
        assert_eq!(
            error,
            KeyError::Unrecognised { slot: Slot::ApiKey },
            "{value}"
        );
        assert_eq!(error.code(), "invalid_value");
        assert!(!error.to_string().contains(value));
    }
    for value in [
        "sk_test_",
        "sk_test_ab cd",
        "sk_test_ab=cd",
        "sk_test_ab\u{200b}cd",
    ] {
        let error = parse_api_key(value).unwrap_err();
        assert!(matches!(error, KeyError::Malformed { .. }), "{value:?}");
        assert_eq!(error.code(), "invalid_value");
        assert!(error.to_string().contains("sk_test_…"));
    }
    assert_eq!(
        parse_api_key("").unwrap_err(),
        KeyError::Empty { slot: Slot::ApiKey }
    );
}

#[test]
fn masks_show_the_prefix_and_at_most_the_last_four() {
    let key = sk_test();
    assert_eq!(mask(&key), format!("sk_test_…{}", &key[key.len() - 4..]));
    let secret = whsec("");
    assert_eq!(
        mask(&secret),
        format!("whsec_…{}", &secret[secret.len() - 4..])
    );
    // Short bodies show no tail, so a mask never shows a third of a key.
    assert_eq!(mask("sk_test_FAKE123"), "sk_test_…");
    assert_eq!(mask("sk_test_localstrip"), "sk_test_…");
    // Without a known prefix nothing is shown.
    assert_eq!(mask("some-other-token"), "…");
}

#[test]
fn api_keys_print_masked() {
    let key = sk_live();
    let parsed = parse_api_key(&key).unwrap();
    for printed in [
        format!("{parsed:?}"),
        parsed.to_string(),
        format!("{parsed:#?}"),
    ] {
        assert!(!printed.contains(hidden_part(&key)), "{printed}");
        assert!(printed.contains("sk_live_…"), "{printed}");
    }
}

// Redaction.

#[test]
fn redact_masks_every_server_secret_and_client_secret() {
    let sk = sk_live();
    let rk = fake("rk_test_", 30);
    let wh = whsec("");
    let text = format!(
        "auth=Bearer {sk} restricted:{rk} {{\"secret\":\"{wh}\"}} \
         pi_3Abc_secret_FAKEsecretPart1 seti_9Z_secret_FAKEsecretPart2 \
         cs_test_a1B2_secret_FAKEsecretPart3 cuss_secret_FAKEsecretPart4"
    );
    let out = redact(&text);
    for hidden in [hidden_part(&sk), hidden_part(&rk), hidden_part(&wh)] {
        assert!(!out.contains(hidden), "{out}");
    }
    assert!(!out.contains("FAKEsecretPart"), "{out}");
    assert!(out.contains(&format!("Bearer {}", mask(&sk))));
    assert!(out.contains("pi_3Abc_secret_… seti_9Z_secret_… cs_test_a1B2_secret_… cuss_secret_…"));
}

#[test]
fn redact_catches_url_encoded_and_embedded_keys() {
    let sk = sk_test();
    for text in [
        format!("key%3D{sk}&x=1"),
        format!("STRIPE_SECRET_KEY={sk}"),
        format!("[{sk}]"),
        format!("value_{sk}"),
        format!("return?payment_intent_client_secret=pi_1_secret_FAKEabc&x={sk}"),
    ] {
        let out = redact(&text);
        assert!(!out.contains(hidden_part(&sk)), "{out}");
        assert!(!out.contains("FAKEabc"), "{out}");
    }
}

#[test]
fn redact_masks_keys_glued_to_a_letter() {
    let sk = sk_test();
    let secret = whsec("");
    // An escaped newline or tab in logged JSON puts a letter right before the key.
    for text in [
        format!("line1\\n{sk}"),
        format!("a\\t{secret}"),
        format!("x{sk}"),
    ] {
        let out = redact(&text);
        assert!(!out.contains(hidden_part(&sk)), "{out}");
        assert!(!out.contains(hidden_part(&secret)), "{out}");
    }
}

#[test]
fn redact_catches_a_percent_encoded_underscore() {
    let body = fake("", 40);
    let keys = [
        format!("sk%5Ftest%5F{body}"),
        format!("sk%5ftest%5f{body}"),
        format!("sk_test%5F{body}"),
        format!("rk%5Flive%5F{body}"),
        format!("whsec%5F{body}"),
        format!("sk_test_{}%5F{}", &body[..20], &body[20..]),
    ];
    for key in &keys {
        let text = format!("q=%3D{key}&next=1");
        let out = redact(&text);
        assert!(!out.contains(&body[..30]), "{out}");
        assert!(!out.contains(&body[20..36]), "{out}");
        let last_four = &body[36..];
        assert!(out.starts_with("q=%3D"), "{out}");
        assert!(out.ends_with(&format!("…{last_four}&next=1")), "{out}");
    }
    assert_eq!(
        redact(&format!("x sk%5Ftest%5F{body} y")),
        format!("x sk%5Ftest%5F…{} y", &body[36..])
    );
    for secret in [
        "pi_1%5Fsecret%5FFAKEabc",
        "pi%5F1%5Fsecret%5fFAKEabc",
        "seti_9Z%5Fsecret_FAKEabc",
        "cs%5Ftest%5Fa1B2%5Fsecret%5FFAKEabc",
        "cuss%5Fsecret%5FFAKEabc",
    ] {
        let text = format!("return?payment_intent_client_secret%3D{secret}&x=1");
        let out = redact(&text);
        assert_eq!(out, text.replace("FAKEabc", "…"));
    }
    // An encoded underscore alone makes nothing a secret.
    let plain = "disk%5Ftest%5Fresults pi%5F1 my%5Fsecret%5Fvalue";
    assert_eq!(redact(plain), plain);
}

#[test]
fn redact_masks_a_key_cut_by_a_space() {
    let key = sk_test();
    let (head, tail) = key.split_at(20);
    for separator in [" ", "+", "%20"] {
        let text = format!("key={head}{separator}{tail} end");
        let out = redact(&text);
        assert!(!out.contains(&head[8..]), "{out}");
        assert!(!out.contains(&tail[..tail.len() - 4]), "{out}");
        // The tail may not be key material when the key was continued: not shown.
        assert_eq!(out, "key=sk_test_… end", "{separator:?}");
    }
    // A key of a real length followed by words leaves the words.
    let text = format!("Bearer {key} was refused");
    let out = redact(&text);
    assert_eq!(out, format!("Bearer {} was refused", mask(&key)));
    let webhook = whsec("");
    let text = format!("{webhook} ok");
    let out = redact(&text);
    assert!(out.ends_with(" ok"), "{out}");
}

#[test]
fn redact_leaves_public_values_and_ordinary_words() {
    let pk = pk_test();
    let text = format!(
        "{pk} pi_3Abc cus_123 disk_test_results my_secret_value client_secret_missing \
         api_1_secret_x sk_test_ whsec_ ünïcode ✓"
    );
    assert_eq!(redact(&text), text);
    assert!(matches!(redact(&text), std::borrow::Cow::Borrowed(_)));
}

#[test]
fn redact_is_idempotent() {
    let text = format!("{} pi_1_secret_FAKEabc {}", sk_test(), whsec("x"));
    let once = redact(&text).into_owned();
    assert_eq!(redact(&once), once);
}

// Configuration.

#[test]
fn a_secret_key_alone_is_a_configuration() {
    let key = sk_test();
    let config = load(&[("STRIPE_SECRET_KEY", &key)]).unwrap();
    assert_eq!(config.expose_secret_key(), Some(key.as_str()));
    assert_eq!(config.mode(), Some(Mode::Test));
    assert_eq!(config.api_base(), DEFAULT_API_BASE);
    assert_eq!(config.publishable_key(), None);
    assert!(config.expose_webhook_secrets().is_empty());
    assert!(config.warnings().is_empty());
}

#[test]
fn every_value_is_read() {
    let (sk, pk, old, new) = (sk_test(), pk_test(), whsec("old"), whsec("new"));
    let both = format!("{new},{old}");
    let env = BTreeMap::from([
        ("STRIPE_SECRET_KEY", sk.as_str()),
        ("STRIPE_PUBLISHABLE_KEY", pk.as_str()),
        ("STRIPE_WEBHOOK_SECRET", both.as_str()),
        ("STRIPE_API_BASE", "http://127.0.0.1:8420/"),
        ("UNRELATED", "whatever"),
    ]);
    let config = StripeConfig::from_vars(env, &ConfigOptions::default()).unwrap();
    assert_eq!(config.expose_secret_key(), Some(sk.as_str()));
    assert_eq!(config.publishable_key(), Some(pk.as_str()));
    assert_eq!(config.expose_webhook_secrets(), [new.clone(), old.clone()]);
    assert_eq!(config.api_base(), "http://127.0.0.1:8420");
    assert_eq!(config.masked_webhook_secrets(), [mask(&new), mask(&old)]);
}

#[test]
fn a_restricted_key_may_be_the_secret_key() {
    let rk = fake("rk_test_", 40);
    let config = load(&[("STRIPE_SECRET_KEY", &rk)]).unwrap();
    assert_eq!(config.expose_secret_key(), Some(rk.as_str()));
}

#[test]
fn missing_and_empty_values_name_the_variable() {
    for vars in [vec![], vec![("STRIPE_SECRET_KEY", "")]] {
        let error = load(&vars).unwrap_err();
        assert_eq!(
            error,
            ConfigError::Missing {
                variable: "STRIPE_SECRET_KEY",
                slot: Slot::SecretKey
            }
        );
        assert_eq!(error.code(), "missing_value");
        assert_eq!(error.variable(), "STRIPE_SECRET_KEY");
        assert!(error
            .to_string()
            .starts_with("STRIPE_SECRET_KEY is empty or not set"));
    }
    let required = ConfigOptions {
        require_publishable_key: true,
        require_webhook_secrets: true,
        ..all_optional()
    };
    let error = load_with(&[("STRIPE_WEBHOOK_SECRET", &whsec(""))], required).unwrap_err();
    assert_eq!(error.variable(), "STRIPE_PUBLISHABLE_KEY");
    let error = load_with(&[("STRIPE_PUBLISHABLE_KEY", &pk_test())], required).unwrap_err();
    assert_eq!(error.variable(), "STRIPE_WEBHOOK_SECRET");
    assert!(error.to_string().contains("stripe listen"));
}

#[test]
fn optional_values_may_be_absent() {
    let config = load_with(&[("STRIPE_WEBHOOK_SECRET", &whsec(""))], all_optional()).unwrap();
    assert_eq!(config.expose_secret_key(), None);
    assert_eq!(config.mode(), None);
    assert_eq!(config.expose_webhook_secrets().len(), 1);
}

#[test]
fn a_padded_or_quoted_value_is_refused_naming_the_variable() {
    let key = sk_test();
    for (value, code) in [
        (format!("{key}\n"), "padded_value"),
        (format!(" {key}"), "padded_value"),
        (format!("\"{key}\""), "padded_value"),
    ] {
        let error = load(&[("STRIPE_SECRET_KEY", &value)]).unwrap_err();
        assert_eq!(error.code(), code);
        assert_eq!(error.variable(), "STRIPE_SECRET_KEY");
        let message = error.to_string();
        assert!(message.starts_with("STRIPE_SECRET_KEY "), "{message}");
        assert!(!message.contains(hidden_part(&key)), "{message}");
    }
}

/// The committed `.env.example`, read as a dotenv file would be.
fn env_example() -> Vec<(String, String)> {
    include_str!("../.env.example")
        .lines()
        .filter(|line| !line.starts_with('#'))
        .filter_map(|line| line.split_once('='))
        .map(|(name, value)| (name.to_owned(), value.to_owned()))
        .collect()
}

#[test]
fn the_placeholders_of_env_example_are_refused() {
    let vars = env_example();
    let error = StripeConfig::from_vars(vars.clone(), &ConfigOptions::default()).unwrap_err();
    assert_eq!(error.code(), "placeholder_value");
    assert_eq!(error.variable(), "STRIPE_SECRET_KEY");
    assert!(error.to_string().contains("dashboard.stripe.com"));

    // Each placeholder on its own, once the ones before it are real.
    let real_key = sk_test();
    let with_key = vars
        .iter()
        .map(|(n, v)| match n.as_str() {
            "STRIPE_SECRET_KEY" => (n.clone(), real_key.clone()),
            _ => (n.clone(), v.clone()),
        })
        .collect::<Vec<_>>();
    let error = StripeConfig::from_vars(with_key.clone(), &ConfigOptions::default()).unwrap_err();
    assert_eq!(error.variable(), "STRIPE_PUBLISHABLE_KEY");
    assert_eq!(error.code(), "placeholder_value");

    let real_pk = pk_test();
    let with_pk = with_key.into_iter().map(|(n, v)| match n.as_str() {
        "STRIPE_PUBLISHABLE_KEY" => (n, real_pk.clone()),
        _ => (n, v),
    });
    let error = StripeConfig::from_vars(with_pk, &ConfigOptions::default()).unwrap_err();
    assert_eq!(error.variable(), "STRIPE_WEBHOOK_SECRET");
    assert_eq!(error.code(), "placeholder_value");
    assert!(error.to_string().contains("stripe listen"));
}

#[test]
fn the_wrong_kind_in_a_slot_is_refused_with_a_masked_value() {
    let rk = fake("rk_test_", 40);
    let cases = [
        ("STRIPE_SECRET_KEY", pk_test(), KeyKind::Publishable),
        ("STRIPE_SECRET_KEY", whsec(""), KeyKind::WebhookSecret),
        ("STRIPE_PUBLISHABLE_KEY", sk_test(), KeyKind::Secret),
        ("STRIPE_PUBLISHABLE_KEY", rk.clone(), KeyKind::Restricted),
        ("STRIPE_WEBHOOK_SECRET", sk_test(), KeyKind::Secret),
        ("STRIPE_WEBHOOK_SECRET", rk, KeyKind::Restricted),
        ("STRIPE_WEBHOOK_SECRET", pk_test(), KeyKind::Publishable),
    ];
    for (variable, value, kind) in cases {
        let mut vars = vec![(variable, value.as_str())];
        let secret = sk_test();
        if variable != "STRIPE_SECRET_KEY" {
            vars.push(("STRIPE_SECRET_KEY", &secret));
        }
        let error = load(&vars).unwrap_err();
        assert_eq!(error.code(), "wrong_key_kind", "{variable}");
        assert_eq!(error.variable(), variable);
        let ConfigError::Invalid {
            error: KeyError::WrongKind { found, .. },
            ..
        } = &error
        else {
            panic!("{error:?}");
        };
        assert_eq!(*found, kind);
        let message = error.to_string();
        assert!(message.contains(&mask(&value)), "{message}");
        assert!(!message.contains(hidden_part(&value)), "{message}");
    }
}

#[test]
fn a_secret_key_in_the_publishable_slot_warns_about_browsers() {
    let error = load(&[
        ("STRIPE_SECRET_KEY", &sk_test()),
        ("STRIPE_PUBLISHABLE_KEY", &sk_test()),
    ])
    .unwrap_err();
    assert!(error.to_string().contains("sent to browsers"));
}

#[test]
fn several_webhook_secrets_are_comma_separated_without_spaces() {
    let (a, b) = (whsec("a"), whsec("b"));
    let config = load(&[
        ("STRIPE_SECRET_KEY", &sk_test()),
        ("STRIPE_WEBHOOK_SECRET", &format!("{a},{b}")),
    ])
    .unwrap();
    assert_eq!(config.expose_webhook_secrets(), [a.clone(), b.clone()]);

    let refused = [
        (format!("{a}, {b}"), 2, "padded_value"),
        (format!("{a} ,{b}"), 1, "padded_value"),
        (format!("{a},,{b}"), 2, "missing_value"),
        (format!("{a},"), 2, "missing_value"),
        (format!("{a},\"{b}\""), 2, "padded_value"),
    ];
    for (value, entry, code) in refused {
        let error = load(&[
            ("STRIPE_SECRET_KEY", &sk_test()),
            ("STRIPE_WEBHOOK_SECRET", &value),
        ])
        .unwrap_err();
        assert_eq!(error.code(), code, "{value}");
        let ConfigError::Invalid { entry: got, .. } = &error else {
            panic!("{error:?}");
        };
        assert_eq!(*got, Some(entry), "{value}");
        let message = error.to_string();
        assert!(message.contains(&format!("(entry {entry})")), "{message}");
        assert!(!message.contains(hidden_part(&a)) && !message.contains(hidden_part(&b)));
    }
}

#[test]
fn test_and_live_keys_mixed_are_refused() {
    let (sk, pk) = (sk_test(), pk_live());
    let error = load(&[
        ("STRIPE_SECRET_KEY", &sk),
        ("STRIPE_PUBLISHABLE_KEY", &pk),
        ("NODE_ENV", "production"),
    ])
    .unwrap_err();
    assert_eq!(error.code(), "mixed_modes");
    assert_eq!(error.variable(), "STRIPE_PUBLISHABLE_KEY");
    let message = error.to_string();
    assert!(message.contains(&mask(&sk)) && message.contains(&mask(&pk)));
    assert!(!message.contains(hidden_part(&sk)));

    let error = load(&[
        ("STRIPE_SECRET_KEY", &sk_live()),
        ("NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY", &pk_test()),
    ])
    .unwrap_err();
    assert_eq!(error.code(), "mixed_modes");
    assert_eq!(error.variable(), "NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY");
}

#[test]
fn live_keys_outside_production_give_a_warning_not_an_error() {
    let live = sk_live();
    for node_env in [None, Some("development"), Some("test"), Some("Production")] {
        let mut vars = vec![("STRIPE_SECRET_KEY", live.as_str())];
        vars.extend(node_env.map(|v| ("NODE_ENV", v)));
        let config = load(&vars).unwrap();
        assert_eq!(config.mode(), Some(Mode::Live));
        assert_eq!(config.warnings(), [ConfigWarning::LiveKeyOutsideProduction]);
        assert_eq!(config.warnings()[0].code(), "live_key_outside_production");
    }
    let config = load(&[("STRIPE_SECRET_KEY", &live), ("NODE_ENV", "production")]).unwrap();
    assert!(config.warnings().is_empty());
    let config = load(&[
        ("STRIPE_SECRET_KEY", &sk_test()),
        ("NODE_ENV", "development"),
    ]);
    assert!(config.unwrap().warnings().is_empty());
}

#[test]
fn a_server_secret_in_a_public_variable_is_refused() {
    let cases = [
        ("NEXT_PUBLIC_STRIPE_SECRET_KEY", sk_test(), KeyKind::Secret),
        (
            "NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY",
            sk_live(),
            KeyKind::Secret,
        ),
        (
            "NEXT_PUBLIC_STRIPE_KEY",
            fake("rk_test_", 30),
            KeyKind::Restricted,
        ),
        ("VITE_STRIPE_WEBHOOK", whsec(""), KeyKind::WebhookSecret),
        (
            "REACT_APP_CONFIG",
            format!("{{\"key\":\"{}\"}}", sk_test()),
            KeyKind::Secret,
        ),
        ("EXPO_PUBLIC_STRIPE", sk_test(), KeyKind::Secret),
        ("PUBLIC_STRIPE", sk_test(), KeyKind::Secret),
    ];
    for (variable, value, kind) in cases {
        let vars = [("STRIPE_SECRET_KEY", sk_test()), (variable, value.clone())];
        let error = StripeConfig::from_vars(vars, &ConfigOptions::default()).unwrap_err();
        assert_eq!(
            error,
            ConfigError::SecretInPublicVariable {
                variable: variable.to_owned(),
                found: kind
            }
        );
        assert_eq!(error.code(), "secret_in_public_variable");
        let message = error.to_string();
        assert!(message.starts_with(variable), "{message}");
        assert!(message.contains("roll the key"), "{message}");
        assert!(!message.contains(hidden_part(&value)));
    }
    // Even with nothing else configured, and even a placeholder: the name is the
    // mistake.
    let error = load_with(
        &[("NEXT_PUBLIC_STRIPE_SECRET_KEY", "sk_test_your_key_here")],
        all_optional(),
    )
    .unwrap_err();
    assert_eq!(error.code(), "secret_in_public_variable");
}

#[test]
fn the_first_public_variable_reported_is_the_same_on_every_runtime() {
    let vars = [
        ("VITE_B", sk_test()),
        ("NEXT_PUBLIC_A", whsec("")),
        ("STRIPE_SECRET_KEY", sk_test()),
    ];
    let forward = StripeConfig::from_vars(vars.clone(), &ConfigOptions::default());
    let mut reversed = vars.to_vec();
    reversed.reverse();
    let backward = StripeConfig::from_vars(reversed, &ConfigOptions::default());
    assert_eq!(forward.unwrap_err().variable(), "NEXT_PUBLIC_A");
    assert_eq!(backward.unwrap_err().variable(), "NEXT_PUBLIC_A");
}

#[test]
fn a_publishable_key_in_a_public_variable_is_fine() {
    let pk = pk_test();
    let config = load(&[
        ("STRIPE_SECRET_KEY", &sk_test()),
        ("NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY", &pk),
        ("NEXT_PUBLIC_SITE", "https://example.test"),
    ])
    .unwrap();
    assert_eq!(config.publishable_key(), Some(pk.as_str()));
}

#[test]
fn the_two_publishable_names_must_agree() {
    let (a, b) = (pk_test(), fake("pk_test_", 30));
    let same = load(&[
        ("STRIPE_SECRET_KEY", &sk_test()),
        ("STRIPE_PUBLISHABLE_KEY", &a),
        ("NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY", &a),
    ]);
    assert_eq!(same.unwrap().publishable_key(), Some(a.as_str()));
    let error = load(&[
        ("STRIPE_SECRET_KEY", &sk_test()),
        ("STRIPE_PUBLISHABLE_KEY", &a),
        ("NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY", &b),
    ])
    .unwrap_err();
    assert_eq!(error.code(), "conflicting_values");
}

#[test]
fn no_server_secret_may_be_configured_in_a_browser() {
    let browser = ConfigOptions {
        in_browser: true,
        ..all_optional()
    };
    let error = load_with(&[("STRIPE_SECRET_KEY", &sk_test())], browser).unwrap_err();
    assert_eq!(error.code(), "secret_in_browser");
    let error = load_with(&[("STRIPE_WEBHOOK_SECRET", &whsec(""))], browser).unwrap_err();
    assert_eq!(error.variable(), "STRIPE_WEBHOOK_SECRET");
    let pk = pk_test();
    let config = load_with(&[("STRIPE_PUBLISHABLE_KEY", &pk)], browser).unwrap();
    assert_eq!(config.publishable_key(), Some(pk.as_str()));
}

#[test]
fn the_api_base_is_an_origin_and_plain_http_only_to_this_machine() {
    let accepted = [
        ("", DEFAULT_API_BASE),
        ("https://api.stripe.com", "https://api.stripe.com"),
        ("https://api.stripe.com/", "https://api.stripe.com"),
        ("http://127.0.0.1:8420", "http://127.0.0.1:8420"),
        ("http://localhost:12111/", "http://localhost:12111"),
        ("http://[::1]:8420", "http://[::1]:8420"),
        ("http://127.255.255.254", "http://127.255.255.254"),
        // Schemes and hosts are case-insensitive; the origin is given in lower case.
        ("HTTP://localhost:8420", "http://localhost:8420"),
        ("Http://LOCALHOST", "http://localhost"),
        ("HTTPS://API.Stripe.com/", "https://api.stripe.com"),
        // Every spelling of ::1 is this machine, given as [::1].
        ("http://[0:0:0:0:0:0:0:1]", "http://[::1]"),
        ("http://[0000:0:0:0:0:0:0:0001]:8420", "http://[::1]:8420"),
        ("http://[::0:1]", "http://[::1]"),
        ("http://[0::1]", "http://[::1]"),
        (
            "https://stripe-proxy.internal.example:8443",
            "https://stripe-proxy.internal.example:8443",
        ),
    ];
    for (value, origin) in accepted {
        assert_eq!(parse_api_base(value).as_deref(), Ok(origin), "{value}");
    }
    let refused = [
        (" https://api.stripe.com", ApiBaseProblem::Padded),
        ("https://api.stripe.com\n", ApiBaseProblem::Padded),
        ("'https://api.stripe.com'", ApiBaseProblem::Padded),
        ("api.stripe.com", ApiBaseProblem::NotAnOrigin),
        ("ftp://api.stripe.com", ApiBaseProblem::NotAnOrigin),
        ("https://", ApiBaseProblem::NotAnOrigin),
        ("https://api stripe.com", ApiBaseProblem::NotAnOrigin),
        ("http://127.0.0.1:0", ApiBaseProblem::NotAnOrigin),
        ("http://127.0.0.1:99999", ApiBaseProblem::NotAnOrigin),
        ("https://api.stripe.com/v1", ApiBaseProblem::HasPath),
        ("https://api.stripe.com?x=1", ApiBaseProblem::HasPath),
        (
            "https://user:pw@api.stripe.com",
            ApiBaseProblem::HasCredentials,
        ),
        ("http://api.stripe.com", ApiBaseProblem::InsecureRemote),
        ("http://10.0.0.5:8420", ApiBaseProblem::InsecureRemote),
        ("http://127.evil.example", ApiBaseProblem::InsecureRemote),
        ("http://127.a.b.c", ApiBaseProblem::InsecureRemote),
        ("http://127.0.0.1.nip.io", ApiBaseProblem::InsecureRemote),
        ("http://128.0.0.1", ApiBaseProblem::InsecureRemote),
        // Names under .localhost go through the system resolver, which may ask
        // public DNS: not this machine for certain.
        ("http://stripe.localhost", ApiBaseProblem::InsecureRemote),
        ("http://foo.localhost:8420", ApiBaseProblem::InsecureRemote),
        ("http://localhost.", ApiBaseProblem::InsecureRemote),
        (
            "http://localhost.evil.example",
            ApiBaseProblem::InsecureRemote,
        ),
        ("http://[::2]", ApiBaseProblem::InsecureRemote),
        ("http://[1::1]", ApiBaseProblem::InsecureRemote),
        // Read as IPv4 by URL parsers, but not as they look.
        ("http://127.1", ApiBaseProblem::UnusualAddress),
        ("http://0x7f.0.0.1", ApiBaseProblem::UnusualAddress),
        ("http://2130706433", ApiBaseProblem::UnusualAddress),
        ("http://0177.0.0.1", ApiBaseProblem::UnusualAddress),
        ("http://127.0.0.01", ApiBaseProblem::UnusualAddress),
        ("http://127.0.0.1.", ApiBaseProblem::UnusualAddress),
        ("http://127.0.0.256", ApiBaseProblem::UnusualAddress),
        ("http://[1::1::1]", ApiBaseProblem::NotAnOrigin),
        ("http://[::1::]", ApiBaseProblem::NotAnOrigin),
        ("http://[0:0:0:0:0:0:0:0:1]", ApiBaseProblem::NotAnOrigin),
        ("http://[1:2:3:4:5:6:7::8]", ApiBaseProblem::NotAnOrigin),
        ("http://[00001::1]", ApiBaseProblem::NotAnOrigin),
        ("http://[::ffff:127.0.0.1]", ApiBaseProblem::NotAnOrigin),
        ("http://[::1", ApiBaseProblem::NotAnOrigin),
        ("htp://localhost", ApiBaseProblem::NotAnOrigin),
    ];
    for (value, problem) in refused {
        assert_eq!(parse_api_base(value), Err(problem), "{value:?}");
    }
    let error = load(&[
        ("STRIPE_SECRET_KEY", &sk_test()),
        ("STRIPE_API_BASE", "http://api.stripe.com"),
    ])
    .unwrap_err();
    assert_eq!(error.code(), "invalid_api_base");
    assert_eq!(error.variable(), "STRIPE_API_BASE");
    let config = load(&[
        ("STRIPE_SECRET_KEY", &sk_test()),
        ("STRIPE_API_BASE", "HTTP://[0:0:0:0:0:0:0:1]:12111/"),
    ])
    .unwrap();
    assert_eq!(config.api_base(), "http://[::1]:12111");
}

#[test]
fn an_api_base_refusal_says_what_counts_as_this_machine() {
    let remote = parse_api_base("http://foo.localhost").unwrap_err().reason();
    assert!(
        remote.contains("localhost, 127.0.0.0/8 or [::1]"),
        "{remote}"
    );
    let unusual = parse_api_base("http://127.1").unwrap_err().reason();
    assert!(unusual.contains("four decimal numbers"), "{unusual}");
    assert!(!unusual.contains("other than this machine"), "{unusual}");
}

#[test]
fn the_config_never_prints_a_secret() {
    let (sk, wh) = (sk_live(), whsec(""));
    let config = load(&[
        ("STRIPE_SECRET_KEY", &sk),
        ("STRIPE_WEBHOOK_SECRET", &wh),
        ("NODE_ENV", "production"),
    ])
    .unwrap();
    for printed in [
        format!("{config:?}"),
        format!("{config:#?}"),
        config.to_string(),
    ] {
        assert!(!printed.contains(hidden_part(&sk)), "{printed}");
        assert!(!printed.contains(hidden_part(&wh)), "{printed}");
        assert!(printed.contains(&mask(&sk)), "{printed}");
    }
}

// Client secrets: the rows of case C12, then the rest.

#[test]
fn case_c12_a_payment_intent_client_secret_parses() {
    let secret = parse_client_secret("pi_TEST123_secret_FAKEabc").unwrap();
    assert_eq!(secret.kind(), IntentKind::PaymentIntent);
    assert_eq!(secret.id(), Some("pi_TEST123"));
}

#[test]
fn case_c12_a_setup_intent_client_secret_parses() {
    let secret = parse_client_secret("seti_TEST123_secret_FAKEabc").unwrap();
    assert_eq!(secret.kind(), IntentKind::SetupIntent);
    assert_eq!(secret.id(), Some("seti_TEST123"));
}

#[test]
fn case_c12_a_setup_secret_in_the_payment_helper_names_the_setup_flow() {
    let error = parse_client_secret("seti_TEST123_secret_FAKEabc")
        .and_then(|s| s.expect_kind(IntentKind::PaymentIntent))
        .unwrap_err();
    assert_eq!(
        error,
        ClientSecretError::WrongKind {
            expected: IntentKind::PaymentIntent,
            found: IntentKind::SetupIntent
        }
    );
    assert_eq!(error.code(), "wrong_kind");
    let message = error.to_string();
    assert!(message.contains("setup flow"), "{message}");
    assert!(!message.contains("FAKEabc"));
}

#[test]
fn case_c12_an_id_in_the_client_secret_slot_is_refused() {
    let error = parse_client_secret("pi_TEST123").unwrap_err();
    assert_eq!(
        error,
        ClientSecretError::IdNotSecret {
            kind: IntentKind::PaymentIntent
        }
    );
    assert_eq!(error.code(), "id_not_secret");
    assert!(error.to_string().contains("an id") || error.to_string().contains("the id"));
}

#[test]
fn case_c12_an_empty_secret_part_is_refused() {
    let error = parse_client_secret("pi_TEST123_secret_").unwrap_err();
    assert_eq!(error, ClientSecretError::EmptyPart { part: Part::Secret });
    assert_eq!(error.code(), "empty_part");
}

#[test]
fn case_c12_a_client_secret_is_never_used_as_an_id() {
    let error = parse_intent_id("pi_TEST123_secret_FAKEabc").unwrap_err();
    assert_eq!(
        error,
        ClientSecretError::SecretNotId {
            kind: IntentKind::PaymentIntent
        }
    );
    assert_eq!(error.code(), "secret_not_id");
    let message = error.to_string();
    assert!(message.contains("parseClientSecret(value).id"), "{message}");
    assert!(!message.contains("FAKEabc"));
    // The explicit way to get the id.
    let id = parse_client_secret("pi_TEST123_secret_FAKEabc")
        .unwrap()
        .id();
    assert_eq!(
        parse_intent_id(id.unwrap()).unwrap(),
        (IntentKind::PaymentIntent, "pi_TEST123")
    );
}

#[test]
fn case_c12_an_api_key_never_reaches_a_browser_response() {
    let fields = IntentFields {
        id: Some("pi_TEST123"),
        client_secret: Some("sk_test_FAKE123"),
        amount: Some(1000.0),
        currency: Some("usd"),
        status: Some("requires_payment_method"),
        ..IntentFields::default()
    };
    let error = browser_intent(&fields).unwrap_err();
    assert_eq!(
        error,
        ClientSecretError::ApiKey {
            found: KeyKind::Secret
        }
    );
    assert_eq!(error.code(), "api_key");
    assert!(!error.to_string().contains("FAKE123"));
    assert_eq!(
        parse_client_secret("sk_test_FAKE123").unwrap_err().code(),
        "api_key"
    );
}

#[test]
fn the_split_is_on_the_literal_secret_marker() {
    let cases = [
        (
            "cs_test_a1B2c3_secret_FAKExyz",
            IntentKind::CheckoutSession,
            Some("cs_test_a1B2c3"),
        ),
        ("cuss_secret_FAKExyz", IntentKind::CustomerSession, None),
        (
            "pi_3Ab_cD_secret_FAKE",
            IntentKind::PaymentIntent,
            Some("pi_3Ab_cD"),
        ),
    ];
    for (value, kind, id) in cases {
        let secret = parse_client_secret(value).unwrap();
        assert_eq!((secret.kind(), secret.id()), (kind, id), "{value}");
        assert_eq!(secret.expose_secret(), value);
    }
}

#[test]
fn malformed_client_secrets_are_refused() {
    let cases = [
        ("", ClientSecretError::Empty),
        (" pi_1_secret_abc", ClientSecretError::Padded),
        ("pi_1_secret_abc\n", ClientSecretError::Padded),
        ("\"pi_1_secret_abc\"", ClientSecretError::Padded),
        (
            "_secret_abc",
            ClientSecretError::EmptyPart { part: Part::Id },
        ),
        (
            "pi_secret_abc",
            ClientSecretError::EmptyPart { part: Part::Id },
        ),
        (
            "pi__secret_abc",
            ClientSecretError::EmptyPart { part: Part::Id },
        ),
        ("pi_1_secret_ab cd", ClientSecretError::Malformed),
        ("pi_1_secret_a_secret_b", ClientSecretError::Malformed),
        ("ch_1_secret_abc", ClientSecretError::Malformed),
        ("hello", ClientSecretError::Malformed),
        ("pi_1-2_secret_abc", ClientSecretError::Malformed),
    ];
    for (value, expected) in cases {
        assert_eq!(
            parse_client_secret(value).unwrap_err(),
            expected,
            "{value:?}"
        );
    }
    let key = whsec("");
    assert_eq!(
        parse_client_secret(&key).unwrap_err(),
        ClientSecretError::ApiKey {
            found: KeyKind::WebhookSecret
        }
    );
    let error = parse_client_secret(&pk_test()).unwrap_err();
    assert_eq!(
        error,
        ClientSecretError::ApiKey {
            found: KeyKind::Publishable
        }
    );
    assert!(error.to_string().contains("publishable"));
}

#[test]
fn client_secrets_print_without_their_secret() {
    let secret = parse_client_secret("pi_TEST123_secret_FAKEabc").unwrap();
    assert_eq!(secret.to_string(), "pi_TEST123_secret_…");
    let debug = format!("{secret:?}");
    assert!(!debug.contains("FAKEabc"), "{debug}");
    assert!(debug.contains("pi_TEST123"));
    let customer = parse_client_secret("cuss_secret_FAKEabc").unwrap();
    assert_eq!(customer.to_string(), "cuss_secret_…");
}

#[test]
fn a_client_secret_is_checked_against_its_intent() {
    let secret = "pi_TEST123_secret_FAKEabc";
    let ok = check_client_secret_for(secret, "pi_TEST123").unwrap();
    assert_eq!(ok.id(), Some("pi_TEST123"));
    assert_eq!(
        check_client_secret_for(secret, "pi_OTHER").unwrap_err(),
        ClientSecretError::IdMismatch {
            kind: IntentKind::PaymentIntent
        }
    );
    assert_eq!(
        check_client_secret_for(secret, "seti_TEST123").unwrap_err(),
        ClientSecretError::WrongKind {
            expected: IntentKind::SetupIntent,
            found: IntentKind::PaymentIntent
        }
    );
    assert_eq!(
        check_client_secret_for(secret, secret).unwrap_err().code(),
        "secret_not_id"
    );
    assert!(!check_client_secret_for(secret, "pi_OTHER")
        .unwrap_err()
        .to_string()
        .contains("FAKEabc"));
}

// The browser's view of an intent.

fn payment_intent_json() -> serde_json::Value {
    serde_json::json!({
        "id": "pi_TEST123",
        "object": "payment_intent",
        "amount": 2000,
        "currency": "eur",
        "status": "requires_payment_method",
        "client_secret": "pi_TEST123_secret_FAKEabc",
        "customer": "cus_TEST1",
        "metadata": { "order_id": "ord_1", "note": "internal" },
        "payment_method": null,
        "livemode": false
    })
}

#[test]
fn the_browser_gets_exactly_five_fields_of_a_payment_intent() {
    let intent = payment_intent_json();
    let response = browser_intent(&IntentFields::from_json(&intent)).unwrap();
    assert_eq!(
        serde_json::to_value(&response).unwrap(),
        serde_json::json!({
            "id": "pi_TEST123",
            "client_secret": "pi_TEST123_secret_FAKEabc",
            "amount": 2000,
            "currency": "eur",
            "status": "requires_payment_method"
        })
    );
    let debug = format!("{response:?}");
    assert!(!debug.contains("FAKEabc"), "{debug}");
}

#[test]
fn a_setup_intent_response_has_no_amount() {
    let intent = serde_json::json!({
        "id": "seti_TEST123",
        "object": "setup_intent",
        "status": "requires_payment_method",
        "client_secret": "seti_TEST123_secret_FAKEabc",
        "usage": "off_session"
    });
    let response = browser_intent(&IntentFields::from_json(&intent)).unwrap();
    assert_eq!(
        serde_json::to_value(&response).unwrap(),
        serde_json::json!({
            "id": "seti_TEST123",
            "client_secret": "seti_TEST123_secret_FAKEabc",
            "status": "requires_payment_method"
        })
    );
}

#[test]
fn an_intent_that_is_not_as_stripe_returns_it_is_refused() {
    let sk = sk_test();
    let cases: [(&str, serde_json::Value, &str); 11] = [
        ("id", serde_json::Value::Null, "invalid_intent"),
        ("id", "cus_1".into(), "malformed"),
        ("id", "pi_TEST123_secret_FAKEabc".into(), "secret_not_id"),
        ("object", "setup_intent".into(), "invalid_intent"),
        ("client_secret", serde_json::Value::Null, "missing"),
        (
            "client_secret",
            "pi_OTHER_secret_FAKEabc".into(),
            "id_mismatch",
        ),
        ("amount", 10.5.into(), "invalid_intent"),
        ("amount", (-1).into(), "invalid_intent"),
        ("amount", "2000".into(), "invalid_intent"),
        ("currency", "EUR".into(), "invalid_intent"),
        ("status", sk.as_str().into(), "api_key"),
    ];
    for (field, value, code) in cases {
        let mut intent = payment_intent_json();
        intent[field] = value;
        let error = browser_intent(&IntentFields::from_json(&intent)).unwrap_err();
        assert_eq!(error.code(), code, "{field}");
        assert!(!error.to_string().contains("FAKEabc"));
    }
}

// Return URLs.

#[test]
fn a_return_url_is_read_and_checked() {
    let url = "https://shop.example/done?payment_intent=pi_TEST123\
               &payment_intent_client_secret=pi_TEST123_secret_FAKEabc&redirect_status=succeeded";
    let expected = ReturnParams {
        kind: IntentKind::PaymentIntent,
        id: "pi_TEST123".to_owned(),
        redirect_status: "succeeded".to_owned(),
    };
    assert_eq!(ReturnParams::parse(url, None), Ok(expected.clone()));
    assert_eq!(
        ReturnParams::parse(url, Some("pi_TEST123")),
        Ok(expected.clone())
    );
    let query = url.split_once('?').unwrap().1;
    assert_eq!(ReturnParams::parse(query, None), Ok(expected.clone()));
    assert_eq!(
        ReturnParams::parse(&format!("/done?{query}#top"), None),
        Ok(expected)
    );
    assert!(!format!("{:?}", ReturnParams::parse(url, None)).contains("FAKEabc"));
}

#[test]
fn a_setup_return_url_and_percent_encoding_are_read() {
    let query =
        "setup_intent=seti_TEST123&setup_intent_client_secret=seti%5FTEST123_secret_FAKEabc\
                 &redirect_status=requires_payment_method&source_type=card";
    let params = ReturnParams::parse(query, None).unwrap();
    assert_eq!(params.kind, IntentKind::SetupIntent);
    assert_eq!(params.redirect_status, "requires_payment_method");
}

#[test]
fn a_return_url_with_missing_or_contradictory_params_is_refused() {
    let secret = "payment_intent_client_secret=pi_TEST123_secret_FAKEabc";
    let cases = [
        ("redirect_status=succeeded".to_owned(), "invalid_return_url"),
        (
            format!("payment_intent=pi_TEST123&setup_intent=seti_1&{secret}&redirect_status=x"),
            "invalid_return_url",
        ),
        (
            "payment_intent=pi_TEST123&redirect_status=succeeded".to_owned(),
            "invalid_return_url",
        ),
        (
            format!("payment_intent=pi_TEST123&{secret}"),
            "invalid_return_url",
        ),
        (
            format!("payment_intent=pi_TEST123&payment_intent=pi_2&{secret}&redirect_status=ok"),
            "invalid_return_url",
        ),
        (
            format!("payment_intent=pi_TEST123&{secret}&redirect_status=Succeeded!"),
            "invalid_return_url",
        ),
        (
            format!("payment_intent=pi_TEST123&{secret}&redirect_status=%ZZ"),
            "invalid_return_url",
        ),
        (
            format!("payment_intent=pi_OTHER&{secret}&redirect_status=succeeded"),
            "id_mismatch",
        ),
        (
            "payment_intent=pi_TEST123&payment_intent_client_secret=seti_TEST123_secret_FAKEabc\
             &redirect_status=succeeded"
                .to_owned(),
            "wrong_kind",
        ),
        (
            "payment_intent=pi_TEST123&payment_intent_client_secret=pi_TEST123\
             &redirect_status=succeeded"
                .to_owned(),
            "id_not_secret",
        ),
        (
            format!("payment_intent=seti_TEST123&{secret}&redirect_status=succeeded"),
            "wrong_kind",
        ),
    ];
    for (query, code) in cases {
        let error = ReturnParams::parse(&query, None).unwrap_err();
        assert_eq!(error.code(), code, "{query}");
        assert!(!error.to_string().contains("FAKEabc"));
    }
    assert_eq!(
        ReturnParams::parse("redirect_status=succeeded", None).unwrap_err(),
        ClientSecretError::InvalidReturnUrl {
            problem: ReturnUrlProblem::NoIntent
        }
    );
}

#[test]
fn a_return_url_for_another_intent_than_expected_is_refused() {
    let query = "payment_intent=pi_TEST123&payment_intent_client_secret=pi_TEST123_secret_FAKEabc\
                 &redirect_status=succeeded";
    assert_eq!(
        ReturnParams::parse(query, Some("pi_MINE")).unwrap_err(),
        ClientSecretError::IdMismatch {
            kind: IntentKind::PaymentIntent
        }
    );
    assert_eq!(
        ReturnParams::parse(query, Some("seti_MINE"))
            .unwrap_err()
            .code(),
        "wrong_kind"
    );
}

#[test]
fn an_invalid_id_to_check_against_is_named_in_the_message() {
    let secret = "pi_TEST123_secret_FAKEabc";
    let error = check_client_secret_for(secret, "PI_1").unwrap_err();
    assert_eq!(
        error,
        ClientSecretError::InvalidExpectedId {
            argument: "the intent's id",
            problem: IdProblem::NotAnId
        }
    );
    assert_eq!(error.code(), "malformed");
    let message = error.to_string();
    assert!(
        message.starts_with("the intent's id is not the id of a PaymentIntent"),
        "{message}"
    );
    // The calling code's id is checked first, whatever the client secret is.
    let message = check_client_secret_for("garbage", "")
        .unwrap_err()
        .to_string();
    assert!(message.starts_with("the intent's id is empty"), "{message}");

    let query = "payment_intent=pi_TEST123&payment_intent_client_secret=pi_TEST123_secret_FAKEabc\
                 &redirect_status=succeeded";
    let key = sk_test();
    for (expected, code, start) in [
        ("", "missing", "expectedId is empty;"),
        ("PI_1", "malformed", "expectedId is not the id of"),
        (" pi_1", "padded", "expectedId has whitespace"),
        (
            "pi_1_secret_FAKEabc",
            "secret_not_id",
            "expectedId is the client secret",
        ),
        (key.as_str(), "api_key", "expectedId is an API key"),
    ] {
        for url in [query, ""] {
            let error = ReturnParams::parse(url, Some(expected)).unwrap_err();
            let message = error.to_string();
            assert_eq!(error.code(), code, "{message}");
            assert!(message.starts_with(start), "{message}");
            assert!(!message.contains("FAKEabc") && !message.contains(hidden_part(&key)));
        }
    }
    // An id asked for on its own is not called a client secret either.
    let error = parse_intent_id("PI_1").unwrap_err();
    assert_eq!(error, ClientSecretError::MalformedId);
    assert_eq!(error.code(), "malformed");
    assert!(error
        .to_string()
        .starts_with("value is not the id of a PaymentIntent"));
}

#[test]
fn every_message_is_lower_case_with_one_hint() {
    let errors: Vec<String> = vec![
        stripe_edge::keys::check_webhook_secret("")
            .unwrap_err()
            .to_string(),
        parse_client_secret("pi_1").unwrap_err().to_string(),
        ReturnParams::parse("", None).unwrap_err().to_string(),
        parse_intent_id("x").unwrap_err().to_string(),
        check_client_secret_for("x", "x").unwrap_err().to_string(),
        check_client_secret_for("x", "").unwrap_err().to_string(),
        check_client_secret_for("x", " x").unwrap_err().to_string(),
        check_client_secret_for("x", "pi_1_secret_a")
            .unwrap_err()
            .to_string(),
        check_client_secret_for("x", &sk_test())
            .unwrap_err()
            .to_string(),
        parse_api_base("http://127.1")
            .unwrap_err()
            .reason()
            .to_owned(),
        parse_api_base("http://a.localhost")
            .unwrap_err()
            .reason()
            .to_owned(),
        ConfigWarning::LiveKeyOutsideProduction.to_string(),
    ];
    for message in errors {
        assert!(message.starts_with(|c: char| c.is_lowercase()), "{message}");
        assert!(message.contains(';'), "{message}");
        assert!(!message.ends_with('.'), "{message}");
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use proptest::prelude::*;
    use stripe_edge::keys::redact;

    proptest! {
        /// Whatever surrounds it, a key's body never survives redaction beyond its
        /// last four characters.
        #[test]
        fn redact_never_leaves_a_key_body(
            before in "[ A-Z0-9=:\"'%,;(\\[{]{0,8}",
            prefix in prop::sample::select(vec!["sk_test_", "rk_test_", "whsec_"]),
            body in "[A-Za-z0-9]{12,60}",
            after in "[ =:\"',;.)\\]}]{0,8}",
        ) {
            let key = format!("{prefix}{body}");
            let out = redact(&format!("{before}{key}{after}")).into_owned();
            prop_assert!(!out.contains(&key[..key.len() - 4]));
            prop_assert!(out.starts_with(&before));
            prop_assert!(out.ends_with(&after));
        }

        /// Likewise when any `_` of the prefix is percent-encoded.
        #[test]
        fn redact_never_leaves_an_encoded_key_body(
            before in "[ A-Z0-9=:\"'%,;(\\[{]{0,8}",
            prefix in prop::sample::select(vec!["sk", "rk", "whsec"]),
            mode in prop::sample::select(vec!["test", "live"]),
            first in prop::sample::select(vec!["_", "%5F", "%5f"]),
            second in prop::sample::select(vec!["_", "%5F", "%5f"]),
            body in "[A-Za-z0-9]{12,60}",
        ) {
            let prefix = if prefix == "whsec" {
                format!("whsec{first}")
            } else {
                format!("{prefix}{first}{mode}{second}")
            };
            let out = redact(&format!("{before}{prefix}{body}")).into_owned();
            prop_assert!(!out.contains(&body[..body.len() - 4]), "{}", out);
            prop_assert!(out.starts_with(&before));
        }

        /// Likewise for a client secret's secret part.
        #[test]
        fn redact_never_leaves_a_client_secret(
            before in "[ =:\"'&?,]{0,4}",
            prefix in prop::sample::select(vec!["pi_", "seti_", "cs_test_"]),
            id in "[A-Za-z0-9]{1,24}",
            secret in "[A-Za-z0-9]{1,40}",
        ) {
            let out = redact(&format!("{before}{prefix}{id}_secret_{secret}")).into_owned();
            prop_assert_eq!(out, format!("{before}{prefix}{id}_secret_…"));
        }

        /// Redaction never panics and never grows text without a secret.
        #[test]
        fn redact_is_total(text in "\\PC{0,200}") {
            let out = redact(&text).into_owned();
            if !out.contains('…') {
                prop_assert_eq!(out, text);
            }
        }
    }
}
