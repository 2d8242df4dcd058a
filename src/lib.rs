//! Stripe for Next.js and edge runtimes: webhook verification and the shared pieces a
//! payment server needs, as a sans-IO Rust core. The `wasm` feature adds the
//! JavaScript face published as the `stripe-edge` npm package.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

#[cfg(any(feature = "api", feature = "wasm-api"))]
pub mod api;
pub mod client_secret;
pub mod event;
pub mod keys;
pub mod models;
pub mod thin_event;
pub mod webhook;

#[cfg(feature = "wasm")]
mod wasm;

pub use event::{Event, EventData, TypedEvent, TypedEventData};
#[cfg(feature = "models-core")]
pub use models::StripeEvent;
pub use models::STRIPE_API_VERSION;
pub use thin_event::{construct_thin_event, RelatedObject, ThinEvent};
pub use webhook::{
    construct_event, generate_test_header, verify_signature, verify_signature_with, MacInput,
    SignatureHeader, Tolerance, WebhookError, DEFAULT_TOLERANCE_SECS,
};
