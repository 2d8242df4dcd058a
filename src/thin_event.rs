//! Stripe's v2 thin event notifications, as sent to event destinations that ask for a
//! thin payload.
//!
//! They are signed exactly like snapshot webhooks (same `Stripe-Signature` header,
//! same `whsec_…` secret), but the body only says what happened and to which object:
//! `{"id":"evt_…","object":"v2.core.event","type":…,"created":"<RFC 3339>",
//! "livemode":…,"related_object":{…}}`. The full event and the object are fetched
//! from the API when they are needed.
//!
//! A body is a thin event when it is a JSON object whose `object` is
//! `v2.core.event`, with a string `id`, `type` and `created`, a boolean `livemode`,
//! a `related_object` that is absent, `null` or `{type, url, id?}`, and a `context`
//! that is absent, `null` or a string. A snapshot event (`object` `event`) is refused
//! with [`WebhookError::WrongEventKind`], anything else with
//! [`WebhookError::InvalidJson`].

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::webhook::{verify_signature, Tolerance, WebhookError};

/// The `object` value of a thin event notification.
pub const THIN_EVENT_OBJECT: &str = "v2.core.event";

/// The `object` value of a snapshot event, the kind [`crate::Event`] reads.
const SNAPSHOT_EVENT_OBJECT: &str = "event";

/// A v2 thin event notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThinEvent {
    /// `evt_…`, unique per event; the key for processing each event once.
    pub id: String,
    /// The event type, such as `v1.billing.meter.error_report_triggered`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// When the event happened, as RFC 3339 text exactly as Stripe sent it (such as
    /// `2026-01-31T12:00:00.000Z`).
    pub created: String,
    /// Whether the event comes from live mode.
    pub livemode: bool,
    /// The object the event is about; `None` for events that concern no object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related_object: Option<RelatedObject>,
    /// The account context (such as a connected account's id) needed to fetch the
    /// event or the related object, when it is not the platform's own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
    /// Fields this struct does not name (`object`, `reason`, `snapshot_event`, and
    /// whatever Stripe adds later), kept so nothing is lost on re-serialisation.
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// The reference a [`ThinEvent`] carries to the object it is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RelatedObject {
    /// The object's id; absent for singletons (such as an account's balance), which
    /// are fetched by `url` alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The object's type, such as `billing.meter`.
    #[serde(rename = "type")]
    pub object_type: String,
    /// The API path that retrieves the object.
    pub url: String,
    /// Fields this struct does not name, kept like [`ThinEvent::other`].
    #[serde(flatten)]
    pub other: Map<String, Value>,
}

/// Verifies a thin event notification, then parses it.
pub fn construct_thin_event(
    payload: &[u8],
    header: Option<&str>,
    secrets: &[&str],
    now_secs: i64,
    tolerance: Tolerance,
) -> Result<ThinEvent, WebhookError> {
    verify_signature(payload, header, secrets, now_secs, tolerance)?;
    parse_thin_event(payload)
}

/// Parses a body that was already verified into a [`ThinEvent`].
pub fn parse_thin_event(payload: &[u8]) -> Result<ThinEvent, WebhookError> {
    if let Ok(event) = serde_json::from_slice::<ThinEvent>(payload) {
        if event.other.get("object").and_then(Value::as_str) == Some(THIN_EVENT_OBJECT) {
            return Ok(event);
        }
    }
    // A snapshot event fails above (its `created` is a number); say what it is, so
    // the caller learns to use the other function rather than that the body is bad.
    match object_kind(payload).as_deref() {
        Some(SNAPSHOT_EVENT_OBJECT) => Err(WebhookError::WrongEventKind),
        _ => Err(WebhookError::InvalidJson),
    }
}

/// The string `object` member of a body that is a JSON object. Only used on the
/// refusal path, to name the kind of event that was received.
pub(crate) fn object_kind(payload: &[u8]) -> Option<String> {
    let body: Map<String, Value> = serde_json::from_slice(payload).ok()?;
    match body.get("object") {
        Some(Value::String(kind)) => Some(kind.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const THIN: &str = r#"{"id":"evt_test_65R","object":"v2.core.event","type":"v1.billing.meter.error_report_triggered","livemode":false,"created":"2026-01-31T12:00:00.000Z","context":"acct_1","related_object":{"id":"mtr_1","type":"billing.meter","url":"/v1/billing/meters/mtr_1"},"reason":{"type":"request","request":{"id":"req_1","idempotency_key":"k"}}}"#;

    #[test]
    fn a_thin_event_parses_and_survives_a_round_trip() {
        let event = parse_thin_event(THIN.as_bytes()).unwrap();
        assert_eq!(event.id, "evt_test_65R");
        assert_eq!(event.context.as_deref(), Some("acct_1"));
        let related = event.related_object.as_ref().unwrap();
        assert_eq!(related.id.as_deref(), Some("mtr_1"));
        assert_eq!(related.object_type, "billing.meter");
        let again = serde_json::to_value(&event).unwrap();
        assert_eq!(again, serde_json::from_str::<Value>(THIN).unwrap());
    }

    #[test]
    fn a_snapshot_event_is_the_wrong_kind() {
        let snapshot = br#"{"id":"evt_1","object":"event","type":"x","created":1,"livemode":false,"data":{"object":{}}}"#;
        assert_eq!(
            parse_thin_event(snapshot),
            Err(WebhookError::WrongEventKind)
        );
    }

    #[test]
    fn other_bodies_are_not_thin_events() {
        let bodies: [&[u8]; 6] = [
            b"[]",
            b"not json",
            br#"["v2.core.event"]"#,
            br#"{"id":"evt_1","type":"x","created":"t","livemode":false}"#,
            br#"{"id":"evt_1","object":"v2.core.event","type":"x","created":1,"livemode":false}"#,
            br#"{"id":"evt_1","object":"thing","type":"x","created":"t","livemode":false}"#,
        ];
        for body in bodies {
            assert_eq!(parse_thin_event(body), Err(WebhookError::InvalidJson));
        }
    }
}
