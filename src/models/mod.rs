//! Typed Stripe objects and events, generated from Stripe's OpenAPI spec.
//!
//! The generated types (in `generated/`, written by `codegen/`) are compiled only with
//! the `models` feature (every type) or a resource group (`models-payments`,
//! `models-billing`: the group's resources and what they embed), so the webhook-only
//! builds stay small. In a group build, an expandable field whose object is outside
//! the enabled groups holds the id or the raw JSON object, and an event whose object
//! is not compiled parses as [`StripeEvent::Unknown`]. The API version and the
//! building blocks below are always there.
//!
//! Parsing is lenient where Stripe's data drifts: every field but a resource's `id`
//! may be missing (objects rendered with an older API version lack newer fields), a
//! field that may be `null` is a [`Nullable`] (absent, `null` or a value, each kept),
//! unknown fields are kept in `extra_fields`, unknown enum values are kept as
//! `Unrecognized(String)`, and unknown event types parse into
//! [`StripeEvent::Unknown`].

mod api_version;
pub mod support;

#[cfg(feature = "models-core")]
mod generated;

pub use api_version::STRIPE_API_VERSION;
#[cfg(feature = "models-core")]
pub use generated::*;
pub use support::{Decimal, Expandable, List, Nullable, StripeObject};

/// Defines [`StripeEvent`]: one variant per event type, each holding a
/// [`TypedEvent`](crate::event::TypedEvent) of the object that type carries, and
/// `Unknown` for the rest.
#[cfg(feature = "models-core")]
macro_rules! stripe_events {
    ($($(#[$meta:meta])* [$($when:tt)*] $variant:ident = $event_type:literal => $object:ty,)*) => {
        /// A Stripe event, by type. Build it from a verified [`Event`](crate::Event)
        /// with [`StripeEvent::from_event`], or parse it from JSON directly.
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum StripeEvent {
            $($(#[$meta])* #[cfg($($when)*)] $variant($crate::event::TypedEvent<$object>),)*
            /// An event type these models do not know, kept whole with its object as
            /// raw JSON.
            Unknown($crate::event::Event),
        }

        impl StripeEvent {
            /// Types the event by its `type`. An unknown type is not an error: it
            /// becomes [`StripeEvent::Unknown`]. The error is for a known type whose
            /// object does not have the shape of that type.
            pub fn from_event(event: $crate::event::Event) -> Result<Self, serde_json::Error> {
                match event.event_type.as_str() {
                    $(#[cfg($($when)*)] $event_type => $crate::event::TypedEvent::from_event(event)
                        .map(StripeEvent::$variant),)*
                    _ => Ok(StripeEvent::Unknown(event)),
                }
            }

            /// The event's `type`, such as `payment_intent.succeeded`.
            pub fn event_type(&self) -> &str {
                match self {
                    $(#[cfg($($when)*)] StripeEvent::$variant(_) => $event_type,)*
                    StripeEvent::Unknown(event) => &event.event_type,
                }
            }

            /// The event's `id`.
            pub fn id(&self) -> &str {
                match self {
                    $(#[cfg($($when)*)] StripeEvent::$variant(event) => &event.id,)*
                    StripeEvent::Unknown(event) => &event.id,
                }
            }

            /// The API version the event's object was rendered with.
            pub fn api_version(&self) -> Option<&str> {
                match self {
                    $(#[cfg($($when)*)] StripeEvent::$variant(event) => event.api_version.as_deref(),)*
                    StripeEvent::Unknown(event) => event.api_version.as_deref(),
                }
            }

            /// Every event type of the spec the models were generated from. In a build
            /// with only some resource groups, the types whose object is not compiled
            /// parse as [`StripeEvent::Unknown`].
            pub const KNOWN_TYPES: &'static [&'static str] = &[$($event_type,)*];
        }

        impl serde::Serialize for StripeEvent {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $(#[cfg($($when)*)] StripeEvent::$variant(event) => event.serialize(serializer),)*
                    StripeEvent::Unknown(event) => event.serialize(serializer),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for StripeEvent {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use serde::de::Error as _;
                let event = $crate::event::Event::deserialize(deserializer)?;
                StripeEvent::from_event(event).map_err(D::Error::custom)
            }
        }
    };
}

#[cfg(feature = "models-core")]
pub(crate) use stripe_events;
