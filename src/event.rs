//! The envelope every Stripe event shares. In [`Event`] the object inside stays raw
//! JSON; a [`TypedEvent`] holds it parsed into its model, and the `models` feature's
//! `StripeEvent` picks the model by the event's `type`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A Stripe event as delivered to a webhook endpoint or listed by `/v1/events`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// `evt_…`, unique per event; the key for processing each event once.
    pub id: String,
    /// The event type, such as `payment_intent.succeeded`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// When Stripe created the event, in Unix seconds; 0 if the body leaves it out, as
    /// hand-written test events often do.
    #[serde(default)]
    pub created: i64,
    /// Whether the event comes from live mode.
    #[serde(default)]
    pub livemode: bool,
    /// The API version the object was rendered with; `None` for some Connect events.
    #[serde(default)]
    pub api_version: Option<String>,
    /// The object the event is about.
    pub data: EventData,
    /// Fields this envelope does not name (`object`, `request`, `pending_webhooks`,
    /// and whatever Stripe adds later), kept so nothing is lost on re-serialisation.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// The `data` member of an [`Event`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventData {
    /// The object as it was when the event happened.
    pub object: Value,
    /// For `*.updated` events, the values the changed fields had before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_attributes: Option<Value>,
}

impl Event {
    /// The `id` of the object the event is about, when it has one.
    pub fn object_id(&self) -> Option<&str> {
        self.data.object.get("id").and_then(Value::as_str)
    }

    /// The `object` kind of the object the event is about (`payment_intent`, …).
    pub fn object_kind(&self) -> Option<&str> {
        self.data.object.get("object").and_then(Value::as_str)
    }

    /// The id of the API request that caused the event, if any. Stripe sends
    /// `request` as `{"id", "idempotency_key"}`, but as a plain id string to accounts
    /// on API versions before 2017-05-25; both are read here.
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.other)
    }
}

fn request_id(other: &Map<String, Value>) -> Option<&str> {
    match other.get("request")? {
        Value::String(id) => Some(id),
        Value::Object(request) => request.get("id").and_then(Value::as_str),
        _ => None,
    }
}

/// An [`Event`] whose object is parsed into its model `T`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TypedEvent<T> {
    /// `evt_…`, unique per event.
    pub id: String,
    /// The event type, such as `payment_intent.succeeded`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// When Stripe created the event, in Unix seconds.
    #[serde(default)]
    pub created: i64,
    /// Whether the event comes from live mode.
    #[serde(default)]
    pub livemode: bool,
    /// The API version the object was rendered with. When it differs from the
    /// models' `STRIPE_API_VERSION`, fields may be missing or shaped differently.
    #[serde(default)]
    pub api_version: Option<String>,
    /// The object the event is about.
    pub data: TypedEventData<T>,
    /// Fields this envelope does not name (`object`, `request`, `pending_webhooks`,
    /// `account`, …), kept so nothing is lost on re-serialisation.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// The `data` member of a [`TypedEvent`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TypedEventData<T> {
    /// The object as it was when the event happened.
    pub object: Box<T>,
    /// For `*.updated` events, the values the changed fields had before, as JSON:
    /// only the changed fields are there, so it is not a whole `T`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_attributes: Option<Map<String, Value>>,
}

impl<T: serde::de::DeserializeOwned> TypedEvent<T> {
    /// Parses the object of a raw event into `T`.
    pub fn from_event(event: Event) -> Result<Self, serde_json::Error> {
        let previous_attributes = match event.data.previous_attributes {
            None | Some(Value::Null) => None,
            Some(Value::Object(map)) => Some(map),
            Some(other) => {
                return Err(serde::de::Error::custom(format!(
                    "previous_attributes is {other}, not an object"
                )))
            }
        };
        Ok(TypedEvent {
            id: event.id,
            event_type: event.event_type,
            created: event.created,
            livemode: event.livemode,
            api_version: event.api_version,
            data: TypedEventData {
                object: Box::new(serde_json::from_value(event.data.object)?),
                previous_attributes,
            },
            other: event.other,
        })
    }

    /// The id of the API request that caused the event, if any; see
    /// [`Event::request_id`].
    pub fn request_id(&self) -> Option<&str> {
        request_id(&self.other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_survive_a_round_trip() {
        let text = r#"{"id":"evt_1","object":"event","type":"x.y","created":1,"livemode":false,
            "api_version":null,"request":"req_1","data":{"object":{"id":"o_1","object":"thing"}}}"#;
        let event: Event = serde_json::from_str(text).unwrap();
        assert_eq!(event.object_id(), Some("o_1"));
        assert_eq!(event.object_kind(), Some("thing"));
        let again: Value = serde_json::to_value(&event).unwrap();
        let original: Value = serde_json::from_str(text).unwrap();
        assert_eq!(again, original);
    }
}
