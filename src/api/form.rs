//! Stripe's form encoding, byte for byte as stripe-node writes it.
//!
//! Nested objects become `parent[child]=value`, arrays are indexed
//! (`items[0][price]=…`), booleans are `true`/`false`, and `""` sends the key with
//! an empty value, which is how Stripe unsets a field. A key that is absent or
//! `null` sends nothing; so do an empty object and an empty array. stripe-node
//! sends `null` as an empty value; we do not, so that a `null` read from JSON or a
//! database cannot unset a field by accident (cases/C14). Keys and values
//! are percent-encoded like `encodeURIComponent`, with `!'()*` also encoded and
//! square brackets left readable, as stripe-node does. Numbers are written as
//! JavaScript's `String(number)` writes them.

use core::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Number, Value};

/// Encodes `params` (a JSON object) as Stripe reads a form body or a query string.
/// Anything but an object encodes to the empty string.
///
/// Keys go in the object's order: the caller's with the `api` feature, which turns
/// on `serde_json`'s `preserve_order`; sorted without it (see [`encode_form_json`]).
pub fn encode_form(params: &Value) -> String {
    let mut form = Form::default();
    if let Value::Object(map) = params {
        for (name, value) in map {
            form.key.clear();
            form.key.push_str(name);
            form.value(value);
        }
    }
    form.out
}

/// [`encode_form`] straight from JSON text, keeping its keys in the order written
/// without building a map. An object gives its pairs, any other JSON value the
/// empty string; text that is not JSON is an error.
pub fn encode_form_json(json: &str) -> Result<String, serde_json::Error> {
    let mut form = Form::default();
    let mut deserializer = serde_json::Deserializer::from_str(json);
    Top(&mut form).deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(form.out)
}

/// Joins `(key, value)` pairs that a caller has already laid out (bracketed keys,
/// values as text), percent-encoding each as [`encode_form`] does.
pub fn encode_form_pairs<'a, I>(pairs: I) -> String
where
    I: IntoIterator<Item = (&'a str, &'a str)>,
{
    let mut form = Form::default();
    for (key, value) in pairs {
        form.key.clear();
        form.key.push_str(key);
        form.pair(value);
    }
    form.out
}

/// The pairs written so far, and the bracketed key of the value being visited.
#[derive(Default)]
struct Form {
    out: String,
    key: String,
}

impl Form {
    fn value(&mut self, value: &Value) {
        match value {
            Value::Object(map) => {
                for (name, child) in map {
                    let len = self.enter(name);
                    self.value(child);
                    self.key.truncate(len);
                }
            }
            Value::Array(items) => {
                for (index, child) in items.iter().enumerate() {
                    let len = self.enter(&index.to_string());
                    self.value(child);
                    self.key.truncate(len);
                }
            }
            Value::Null => {}
            Value::Bool(flag) => self.pair(bool_text(*flag)),
            Value::Number(number) => self.pair(&js_number(number)),
            Value::String(text) => self.pair(text),
        }
    }

    /// Appends `[name]` to the key; returns the length to truncate back to.
    fn enter(&mut self, name: &str) -> usize {
        let len = self.key.len();
        self.key.push('[');
        self.key.push_str(name);
        self.key.push(']');
        len
    }

    fn pair(&mut self, value: &str) {
        if !self.out.is_empty() {
            self.out.push('&');
        }
        push_encoded(&mut self.out, &self.key, Brackets::Keep);
        self.out.push('=');
        push_encoded(&mut self.out, value, Brackets::Keep);
    }
}

fn bool_text(flag: bool) -> &'static str {
    if flag {
        "true"
    } else {
        "false"
    }
}

/// The top-level value: an object's members are encoded, anything else skipped.
struct Top<'a>(&'a mut Form);

impl<'de> DeserializeSeed<'de> for Top<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("JSON params")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        Nested {
            form: self.0,
            top: true,
        }
        .visit_map(map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// A value under the key `form.key`; `top` marks the params object itself, whose
/// member names are not bracketed.
struct Nested<'a> {
    form: &'a mut Form,
    top: bool,
}

impl<'de> DeserializeSeed<'de> for Nested<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Nested<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let form = self.form;
        while let Some(name) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let len = if self.top {
                form.key.clear();
                form.key.push_str(&name);
                0
            } else {
                form.enter(&name)
            };
            map.next_value_seed(Nested {
                form: &mut *form,
                top: false,
            })?;
            form.key.truncate(len);
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let form = self.form;
        let mut index = 0usize;
        loop {
            let len = form.enter(&index.to_string());
            let more = seq.next_element_seed(Nested {
                form: &mut *form,
                top: false,
            })?;
            form.key.truncate(len);
            if more.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_bool<E>(self, flag: bool) -> Result<(), E> {
        self.form.pair(bool_text(flag));
        Ok(())
    }
    fn visit_i64<E>(self, value: i64) -> Result<(), E> {
        self.form.pair(&value.to_string());
        Ok(())
    }
    fn visit_u64<E>(self, value: u64) -> Result<(), E> {
        self.form.pair(&value.to_string());
        Ok(())
    }
    fn visit_f64<E>(self, value: f64) -> Result<(), E> {
        self.form.pair(&js_float(value));
        Ok(())
    }
    fn visit_str<E>(self, text: &str) -> Result<(), E> {
        self.form.pair(text);
        Ok(())
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }
}

/// Whether `[` and `]` are written as they are (form keys and values, as
/// stripe-node writes them) or percent-encoded (path segments).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Brackets {
    Keep,
    Encode,
}

/// Appends `text` percent-encoded: ASCII letters, digits and `-_.~` pass, every
/// other byte of its UTF-8 becomes `%XX`.
pub(crate) fn push_encoded(out: &mut String, text: &str, brackets: Brackets) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        let passes = byte.is_ascii_alphanumeric()
            || matches!(byte, b'-' | b'_' | b'.' | b'~')
            || (brackets == Brackets::Keep && matches!(byte, b'[' | b']'));
        if passes {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
}

fn js_number(number: &Number) -> String {
    if let Some(value) = number.as_i64() {
        return value.to_string();
    }
    if let Some(value) = number.as_u64() {
        return value.to_string();
    }
    js_float(number.as_f64().unwrap_or(f64::NAN))
}

/// `value` as ECMAScript's Number::toString writes it: the shortest digits that
/// read back as `value`, placed in plain notation from 1e-6 up to 1e21 and in
/// exponent notation (`1e+21`, `1.5e-7`) outside it.
fn js_float(value: f64) -> String {
    if value == 0.0 {
        // Both zeros: JavaScript prints -0 as "0".
        return "0".to_owned();
    }
    let Some(number) = Number::from_f64(value) else {
        // JSON has no NaN or infinity, so params cannot hold them.
        return if value.is_nan() {
            "NaN".to_owned()
        } else if value > 0.0 {
            "Infinity".to_owned()
        } else {
            "-Infinity".to_owned()
        };
    };
    // serde_json writes the shortest round-trip digits, in its own layout; take
    // the digits and the decimal point's place from it, then lay them out as
    // ECMAScript does.
    let shortest = number.to_string();
    let (negative, unsigned) = match shortest.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, shortest.as_str()),
    };
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (
            mantissa,
            exponent
                .trim_start_matches('+')
                .parse::<i32>()
                .unwrap_or_default(),
        ),
        None => (unsigned, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut digits: String = whole.chars().chain(fraction.chars()).collect();
    // Where the decimal point falls after `digits`' first character; whole.len()
    // is at most a few hundred.
    let mut point = i32::try_from(whole.len()).unwrap_or(i32::MAX) + exponent;
    let leading = digits.len() - digits.trim_start_matches('0').len();
    digits.drain(..leading);
    point -= i32::try_from(leading).unwrap_or(0);
    digits.truncate(digits.trim_end_matches('0').len());

    let mut out = String::new();
    if negative {
        out.push('-');
    }
    let k = i32::try_from(digits.len()).unwrap_or(i32::MAX);
    let n = point;
    if k <= n && n <= 21 {
        out.push_str(&digits);
        out.push_str(&"0".repeat((n - k) as usize));
    } else if 0 < n && n <= 21 {
        let (head, tail) = digits.split_at(n as usize);
        out.push_str(head);
        out.push('.');
        out.push_str(tail);
    } else if -6 < n && n <= 0 {
        out.push_str("0.");
        out.push_str(&"0".repeat((-n) as usize));
        out.push_str(&digits);
    } else {
        let (head, tail) = digits.split_at(1.min(digits.len()));
        out.push_str(head);
        if !tail.is_empty() {
            out.push('.');
            out.push_str(tail);
        }
        out.push('e');
        out.push(if n > 0 { '+' } else { '-' });
        out.push_str(&(n - 1).unsigned_abs().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_print_as_javascript_does() {
        // Expected values are what Node prints for String(x).
        let cases = [
            (json!(1000), "1000"),
            (json!(-5), "-5"),
            (json!(1.5), "1.5"),
            (json!(0.1), "0.1"),
            (json!(-0.0), "0"),
            (json!(18446744073709551615u64), "18446744073709551615"),
            (json!(1e20), "100000000000000000000"),
            (json!(123456789012345680000.0), "123456789012345680000"),
            (json!(1e21), "1e+21"),
            (json!(1.5e300), "1.5e+300"),
            (json!(0.000001), "0.000001"),
            (json!(0.0000015), "0.0000015"),
            (json!(1e-7), "1e-7"),
            (json!(-1.25e-7), "-1.25e-7"),
            (json!(5e-324), "5e-324"),
            (json!(123.456), "123.456"),
        ];
        for (value, expected) in cases {
            let Value::Number(number) = value else {
                unreachable!()
            };
            assert_eq!(js_number(&number), expected, "{number}");
        }
    }

    #[test]
    fn text_and_value_encode_alike() {
        let text = r#"{"b":{"y":[1,{"z":null}],"x":true},"a":"é &","e":[],"f":{}, "g": 1.5e-7}"#;
        let form = "b[y][0]=1&b[x]=true&a=%C3%A9%20%26&g=1.5e-7";
        assert_eq!(encode_form_json(text).unwrap(), form);
        assert_eq!(encode_form_json("[1]").unwrap(), "");
        assert_eq!(encode_form_json("null").unwrap(), "");
        assert!(encode_form_json("{").is_err());
        assert!(encode_form_json("{} x").is_err());
    }
}
