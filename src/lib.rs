//! Stripe for Next.js and edge runtimes: webhook verification and the shared pieces a
//! payment server needs, as a sans-IO Rust core. The `wasm` feature adds the
//! JavaScript face published as the `stripe-edge` npm package.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod event;
pub mod webhook;

#[cfg(feature = "wasm")]
mod wasm;

pub use event::{Event, EventData};
pub use webhook::{
    construct_event, generate_test_header, verify_signature, SignatureHeader, Tolerance,
    WebhookError, DEFAULT_TOLERANCE_SECS,
};
