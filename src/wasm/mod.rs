//! The raw wasm exports, one file per area. The package's JavaScript entry points wrap
//! these into the public API; nothing here is meant to be called directly by users.

#[cfg(feature = "wasm-api")]
mod api;
#[cfg(feature = "wasm-keys")]
mod keys;
mod webhook;
