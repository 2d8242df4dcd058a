//! Headers assembled from Stripe-like items, some carrying a genuine signature, so the
//! fuzzer reaches the signature and time checks that random bytes almost never pass.
//! Every decision must equal the reference model's.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use stripe_edge_fuzz::{check_verify, model, FuzzTolerance};

/// Around 2023, so offsets of a few minutes stay plausible Unix times.
const BASE_NOW: i64 = 1_700_000_000;

#[derive(Arbitrary, Debug)]
enum Secret<'a> {
    Whsec(u64),
    Text(&'a str),
}

#[derive(Arbitrary, Debug)]
enum Time<'a> {
    /// Seconds from now, written plainly (negative offsets can give a negative `t`).
    Offset(i16),
    /// The same with leading zeros.
    Padded(u8, i16),
    /// Whatever text the fuzzer likes.
    Text(&'a str),
}

#[derive(Arbitrary, Debug)]
enum Item<'a> {
    Time(Time<'a>),
    /// The MAC of the body under secret `n` at the header's first readable `t`, under
    /// the given key (`v1` to count, anything else must be ignored).
    Genuine {
        secret: u8,
        key: &'a str,
        upper: bool,
    },
    /// `key=value` with both chosen freely.
    Pair(&'a str, &'a str),
    /// An item with no `=` at all.
    Bare(&'a str),
}

#[derive(Arbitrary, Debug)]
struct Input<'a> {
    secrets: Vec<Secret<'a>>,
    /// Secret that `Genuine` items sign with when it is not among `secrets`.
    outsider: Option<Secret<'a>>,
    now_offset: u32,
    tolerance: FuzzTolerance,
    items: Vec<Item<'a>>,
    separator: &'a str,
    body: &'a [u8],
    /// Flip one byte of the body after signing.
    tamper: Option<(u16, u8)>,
}

fn secret_text(secret: &Secret<'_>) -> String {
    match secret {
        Secret::Whsec(n) => format!("whsec_{n:x}"),
        Secret::Text(text) => (*text).to_owned(),
    }
}

fn time_text(time: &Time<'_>, now: i64) -> String {
    match time {
        Time::Offset(offset) => (now + i64::from(*offset)).to_string(),
        Time::Padded(zeros, offset) => {
            let zeros = "0".repeat(usize::from(*zeros % 4));
            format!("{zeros}{}", now + i64::from(*offset))
        }
        Time::Text(text) => (*text).to_owned(),
    }
}

fuzz_target!(|input: Input<'_>| {
    let now = BASE_NOW + i64::from(input.now_offset % 100_000);
    let secrets: Vec<String> = input.secrets.iter().map(secret_text).collect();
    let outsider = input.outsider.as_ref().map(secret_text);

    let times: Vec<String> = input
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Time(time) => Some(time_text(time, now)),
            _ => None,
        })
        .collect();
    // Signatures are made at the first `t` a reader could take as a number.
    let signed_at = times
        .iter()
        .find_map(|t| t.parse::<i64>().ok().filter(|t| *t >= 0))
        .unwrap_or(now);

    let mut parts = Vec::with_capacity(input.items.len());
    let mut times = times.into_iter();
    for item in &input.items {
        parts.push(match item {
            Item::Time(_) => format!("t={}", times.next().unwrap_or_default()),
            Item::Genuine { secret, key, upper } => {
                let signer = secrets
                    .get(usize::from(*secret))
                    .or(outsider.as_ref())
                    .map_or("whsec_fuzz", String::as_str);
                let mac = model::signature_hex(signer, signed_at, input.body);
                let mac = if *upper { mac.to_uppercase() } else { mac };
                format!("{key}={mac}")
            }
            Item::Pair(key, value) => format!("{key}={value}"),
            Item::Bare(text) => (*text).to_owned(),
        });
    }
    let separator = if input.separator.is_empty() {
        ","
    } else {
        input.separator
    };
    let header = parts.join(separator);

    let mut body = input.body.to_vec();
    if let Some((at, flip)) = input.tamper {
        if !body.is_empty() && flip != 0 {
            let at = usize::from(at) % body.len();
            body[at] ^= flip;
        }
    }

    let secret_refs: Vec<&str> = secrets.iter().map(String::as_str).collect();
    check_verify(
        &body,
        Some(&header),
        &secret_refs,
        now,
        input.tolerance.get(),
    );
});
