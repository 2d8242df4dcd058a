//! Keys, configuration and client secrets across the wasm boundary.
//!
//! Every function returns JSON text for the wrapper to `JSON.parse` into a plain
//! object: the result, or `{ "error": { "code", "message", "variable"? } }` for the
//! wrapper to throw as its own error class. JSON rather than objects built through
//! `js-sys` keeps the module small. Messages carry keys masked at most and never a
//! client secret.

use wasm_bindgen::prelude::*;

use crate::client_secret::{self, ClientSecret, ClientSecretError, IntentFields, IntentKind};
use crate::keys::{self, ConfigOptions, StripeConfig};

/// Reads the configuration from parallel lists of variable names and values. The
/// wrapper passes only string values.
#[wasm_bindgen]
pub fn load_stripe_config(
    names: Vec<String>,
    values: Vec<String>,
    require_secret_key: bool,
    require_publishable_key: bool,
    require_webhook_secrets: bool,
    in_browser: bool,
) -> String {
    let options = ConfigOptions {
        require_secret_key,
        require_publishable_key,
        require_webhook_secrets,
        in_browser,
    };
    let config = match StripeConfig::from_vars(names.iter().zip(values.iter()), &options) {
        Ok(config) => config,
        Err(error) => return error_json(error.code(), &error.to_string(), Some(error.variable())),
    };

    let mut warnings = String::from("[");
    for (index, warning) in config.warnings().iter().enumerate() {
        if index > 0 {
            warnings.push(',');
        }
        let item = Json::object()
            .text("code", warning.code())
            .text("message", warning.message());
        warnings.push_str(&item.finish());
    }
    warnings.push(']');
    let masked = config.masked_webhook_secrets();
    Json::object()
        .optional_text("secretKey", config.expose_secret_key())
        .optional_text("secretKeyMasked", config.masked_secret_key().as_deref())
        .optional_text("publishableKey", config.publishable_key())
        .raw(
            "webhookSecrets",
            &text_array(config.expose_webhook_secrets().iter().map(String::as_str)),
        )
        .raw(
            "webhookSecretsMasked",
            &text_array(masked.iter().map(String::as_str)),
        )
        .text("apiBase", config.api_base())
        .optional_text("mode", config.mode().map(keys::Mode::code))
        .raw("warnings", &warnings)
        .finish()
}

/// `{ kind, mode }` of an API key.
#[wasm_bindgen]
pub fn parse_api_key(value: &str) -> String {
    match keys::parse_api_key(value) {
        Ok(key) => Json::object()
            .text("kind", key.kind().code())
            .text("mode", key.mode().code())
            .finish(),
        Err(error) => error_json(error.code(), &error.to_string(), None),
    }
}

/// A key masked as `sk_test_…abcd`.
#[wasm_bindgen]
pub fn mask_key(value: &str) -> String {
    keys::mask(value)
}

/// `text` with every secret key, restricted key, webhook secret and client secret
/// masked. Plain text, not JSON.
#[wasm_bindgen]
pub fn redact(text: &str) -> String {
    keys::redact(text).into_owned()
}

/// `{ kind, id }` of a client secret; with `expected`, a secret of another kind is
/// refused.
#[wasm_bindgen]
pub fn parse_client_secret(value: &str, expected: Option<String>) -> String {
    let expected = expected.as_deref().and_then(IntentKind::from_code);
    let parsed = ClientSecret::parse(value).and_then(|secret| match expected {
        Some(kind) => secret.expect_kind(kind),
        None => Ok(secret),
    });
    match parsed {
        Ok(secret) => kind_and_id(secret.kind(), secret.id()),
        Err(error) => client_secret_error(error),
    }
}

/// `{ kind, id }` of an id; a client secret is refused.
#[wasm_bindgen]
pub fn parse_intent_id(value: &str) -> String {
    match client_secret::parse_intent_id(value) {
        Ok((kind, id)) => kind_and_id(kind, Some(id)),
        Err(error) => client_secret_error(error),
    }
}

/// `{ kind, id }` when `client_secret` belongs to the object `intent_id`.
#[wasm_bindgen]
pub fn check_client_secret_for(client_secret: &str, intent_id: &str) -> String {
    match client_secret::check_client_secret_for(client_secret, intent_id) {
        Ok(secret) => kind_and_id(secret.kind(), secret.id()),
        Err(error) => client_secret_error(error),
    }
}

/// The browser's view of an intent, `{ id, client_secret, amount, currency, status }`
/// (no amount or currency for a SetupIntent). The wrapper passes each field that is
/// a string as a string, an amount that is not a number as NaN, and leaves out the
/// rest.
#[wasm_bindgen]
pub fn browser_intent(
    object: Option<String>,
    id: Option<String>,
    client_secret: Option<String>,
    amount: Option<f64>,
    currency: Option<String>,
    status: Option<String>,
) -> String {
    let fields = IntentFields {
        object: object.as_deref(),
        id: id.as_deref(),
        client_secret: client_secret.as_deref(),
        amount,
        currency: currency.as_deref(),
        status: status.as_deref(),
    };
    let intent = match client_secret::browser_intent(&fields) {
        Ok(intent) => intent,
        Err(error) => return client_secret_error(error),
    };
    let mut out = Json::object()
        .text("id", intent.id())
        .text("client_secret", intent.expose_client_secret());
    if let (Some(amount), Some(currency)) = (intent.amount(), intent.currency()) {
        // At most 2^53 - 1, checked by the core, so exact as a JavaScript number.
        out = out
            .raw("amount", &amount.to_string())
            .text("currency", currency);
    }
    out.text("status", intent.status()).finish()
}

/// `{ kind, id, redirectStatus }` from a return URL's query.
#[wasm_bindgen]
pub fn read_return_params(url: &str, expected_id: Option<String>) -> String {
    match client_secret::ReturnParams::parse(url, expected_id.as_deref()) {
        Ok(params) => Json::object()
            .text("kind", params.kind.code())
            .text("id", &params.id)
            .text("redirectStatus", &params.redirect_status)
            .finish(),
        Err(error) => client_secret_error(error),
    }
}

fn kind_and_id(kind: IntentKind, id: Option<&str>) -> String {
    Json::object()
        .text("kind", kind.code())
        .optional_text("id", id)
        .finish()
}

fn client_secret_error(error: ClientSecretError) -> String {
    error_json(error.code(), &error.to_string(), None)
}

fn error_json(code: &str, message: &str, variable: Option<&str>) -> String {
    let mut error = Json::object().text("code", code).text("message", message);
    if let Some(variable) = variable {
        error = error.text("variable", variable);
    }
    Json::object().raw("error", &error.finish()).finish()
}

/// A JSON object written field by field.
struct Json(String);

impl Json {
    fn object() -> Json {
        Json(String::from("{"))
    }

    fn key(mut self, key: &str) -> Json {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        push_json_text(&mut self.0, key);
        self.0.push(':');
        self
    }

    fn text(self, key: &str, value: &str) -> Json {
        let mut json = self.key(key);
        push_json_text(&mut json.0, value);
        json
    }

    fn optional_text(self, key: &str, value: Option<&str>) -> Json {
        match value {
            Some(value) => self.text(key, value),
            None => self.raw(key, "null"),
        }
    }

    /// A value that is already JSON.
    fn raw(self, key: &str, json: &str) -> Json {
        let mut out = self.key(key);
        out.0.push_str(json);
        out
    }

    fn finish(mut self) -> String {
        self.0.push('}');
        self.0
    }
}

fn text_array<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let mut out = String::from("[");
    for (index, item) in items.enumerate() {
        if index > 0 {
            out.push(',');
        }
        push_json_text(&mut out, item);
    }
    out.push(']');
    out
}

/// Appends `text` as a JSON string. Variable names come from the environment, so
/// any character may occur.
fn push_json_text(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                let byte = u32::from(c) as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[byte >> 4]));
                out.push(char::from(HEX[byte & 0xf]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
