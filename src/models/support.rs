//! The hand-written shapes the generated models are built from: expandable
//! references, lists, enums that keep values they do not know, and unions told
//! apart by their `object` member.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// A Stripe object that may carry an `id`: every resource, deleted markers and
/// the unions of them.
pub trait StripeObject {
    /// The object's `id`, when it has one.
    fn id(&self) -> Option<&str>;
}

/// A field Stripe sends as the object's id unless the request expanded it, in which
/// case it holds the object itself (or, for some fields, a deleted marker).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Expandable<T> {
    /// Not expanded: only the id.
    Id(String),
    /// Expanded: the whole object.
    Object(Box<T>),
}

impl<T: StripeObject> Expandable<T> {
    /// The id, whichever form arrived.
    pub fn id(&self) -> Option<&str> {
        match self {
            Expandable::Id(id) => Some(id),
            Expandable::Object(object) => object.id(),
        }
    }
}

impl<T> Expandable<T> {
    /// The object, when the field was expanded.
    pub fn as_object(&self) -> Option<&T> {
        match self {
            Expandable::Id(_) => None,
            Expandable::Object(object) => Some(object),
        }
    }

    /// Whether the field holds the object rather than only its id.
    pub fn is_object(&self) -> bool {
        matches!(self, Expandable::Object(_))
    }
}

/// One page of a list, as Stripe nests lists inside objects (`charge.refunds`, …).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct List<T> {
    /// Always `list`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// The items of this page.
    #[serde(default = "Vec::new")]
    pub data: Vec<T>,
    /// Whether there are more items after this page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_more: Option<bool>,
    /// The path that lists every item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl<T> Default for List<T> {
    fn default() -> Self {
        List {
            object: None,
            data: Vec::new(),
            has_more: None,
            url: None,
        }
    }
}

/// A decimal number. Stripe sends these as strings (`"12.5"`) so no precision is
/// lost; a few objects send a JSON number. Both parse, and each is written back as
/// it came.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Decimal {
    /// The usual form: the number as text.
    Text(String),
    /// A JSON number.
    Number(serde_json::Number),
}

impl Decimal {
    /// The number as text, whichever form it came in.
    pub fn to_text(&self) -> String {
        match self {
            Decimal::Text(text) => text.clone(),
            Decimal::Number(number) => number.to_string(),
        }
    }
}

/// A field Stripe may send as `null`: absent, `null`, or a value. Each is written
/// back as it came, so an object parsed and re-serialised is unchanged, and `null`
/// stays `null` (a field left out of an older API version's object stays out).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Nullable<T> {
    /// Not in the JSON at all.
    #[default]
    Absent,
    /// `null` in the JSON.
    Null,
    /// A value.
    Value(T),
}

impl<T> Nullable<T> {
    /// The value, if there is one (absent and `null` are both `None`).
    pub fn as_ref(&self) -> Option<&T> {
        match self {
            Nullable::Value(value) => Some(value),
            Nullable::Absent | Nullable::Null => None,
        }
    }

    /// The value, if there is one.
    pub fn into_option(self) -> Option<T> {
        match self {
            Nullable::Value(value) => Some(value),
            Nullable::Absent | Nullable::Null => None,
        }
    }

    /// Whether the field was left out; used to leave it out again when serialising.
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// Whether the field is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Nullable::Null, Nullable::Value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(value) => value.serialize(serializer),
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Nullable::from)
    }
}

/// A raw JSON object: what an expandable field holds, once expanded, in a build that
/// does not compile its type.
impl StripeObject for Value {
    fn id(&self) -> Option<&str> {
        raw_id(self)
    }
}

/// The `id` member of a raw JSON object.
pub fn raw_id(value: &Value) -> Option<&str> {
    value.get("id").and_then(Value::as_str)
}

/// Serialises a string enum by its text; used by [`string_enum!`].
pub fn serialize_str<S: Serializer>(text: &str, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(text)
}

/// Defines a string enum whose unknown values parse into `Unrecognized(String)`, so a
/// value Stripe adds later never breaks parsing and survives re-serialisation.
#[cfg(feature = "models-core")]
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $name:ident { $($(#[$variant_meta:meta])* $variant:ident = $text:literal,)* }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$variant_meta])* $variant,)*
            /// A value this version of the models does not know, kept as sent.
            Unrecognized(String),
        }

        impl $name {
            /// The value as Stripe spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $text,)*
                    $name::Unrecognized(text) => text,
                }
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                match text {
                    $($text => $name::$variant,)*
                    other => $name::Unrecognized(other.to_owned()),
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                $crate::models::support::serialize_str(self.as_str(), serializer)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <::std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok($name::from(&*text))
            }
        }
    };
}

/// Defines a union of objects told apart by their `object` member and, for deleted
/// markers, `deleted: true`. An object of another kind parses into
/// `Unrecognized(Value)` rather than failing.
#[cfg(feature = "models-core")]
macro_rules! object_union {
    (
        $(#[$meta:meta])*
        $name:ident {
            $($(#[$variant_meta:meta])* $variant:ident($ty:ty) = $($object:literal)|+, $deleted:literal;)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$variant_meta])* $variant(Box<$ty>),)*
            /// An object of a kind this version of the models does not know, kept raw.
            Unrecognized(::serde_json::Value),
        }

        impl $crate::models::support::StripeObject for $name {
            fn id(&self) -> Option<&str> {
                match self {
                    $($name::$variant(object) => $crate::models::support::StripeObject::id(&**object),)*
                    $name::Unrecognized(value) => $crate::models::support::raw_id(value),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $($name::$variant(object) => object.serialize(serializer),)*
                    $name::Unrecognized(value) => value.serialize(serializer),
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                use ::serde::de::Error as _;
                let value = ::serde_json::Value::deserialize(deserializer)?;
                let object = value.get("object").and_then(::serde_json::Value::as_str);
                let deleted = value.get("deleted").and_then(::serde_json::Value::as_bool) == Some(true);
                match (object, deleted) {
                    $((Some($($object)|+), $deleted) => ::serde_json::from_value(value)
                        .map(|object| $name::$variant(Box::new(object)))
                        .map_err(D::Error::custom),)*
                    _ => Ok($name::Unrecognized(value)),
                }
            }
        }
    };
}

#[cfg(feature = "models-core")]
pub(crate) use object_union;
#[cfg(feature = "models-core")]
pub(crate) use string_enum;
