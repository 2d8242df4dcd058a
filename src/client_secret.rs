//! Client secrets: the values a server hands to Stripe.js so one customer can confirm
//! one PaymentIntent, SetupIntent, Checkout Session or Customer Session.
//!
//! A client secret is the object's id, the literal `_secret_`, then the secret
//! itself (`pi_123_secret_abc`); a Customer Session's has no id (`cuss_secret_abc`).
//! It is split on that literal, never on the first or last underscore. Values are
//! taken exactly as given, as keys are (see [`crate::keys`]): padding and quotes are
//! refused, not trimmed.
//!
//! The part after `_secret_` never appears in `Debug`, `Display` or an error message.

use core::fmt;

use serde::ser::{Serialize, SerializeStruct, Serializer};
use serde_json::Value;

use crate::keys::{self, KeyKind};

/// What a client secret unlocks, from its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IntentKind {
    /// `pi_…_secret_…`, confirmed with `stripe.confirmPayment`.
    PaymentIntent,
    /// `seti_…_secret_…`, confirmed with `stripe.confirmSetup`.
    SetupIntent,
    /// `cs_…_secret_…`, for embedded or custom Checkout.
    CheckoutSession,
    /// `cuss_secret_…`, which carries no id.
    CustomerSession,
}

impl IntentKind {
    /// Every kind.
    pub const ALL: [IntentKind; 4] = [
        IntentKind::PaymentIntent,
        IntentKind::SetupIntent,
        IntentKind::CheckoutSession,
        IntentKind::CustomerSession,
    ];

    /// The stable name JavaScript sees, the same as the object's `object` field:
    /// `payment_intent`, `setup_intent`, `checkout_session` or `customer_session`.
    pub fn code(self) -> &'static str {
        match self {
            IntentKind::PaymentIntent => "payment_intent",
            IntentKind::SetupIntent => "setup_intent",
            IntentKind::CheckoutSession => "checkout_session",
            IntentKind::CustomerSession => "customer_session",
        }
    }

    /// The kind named by [`IntentKind::code`].
    pub fn from_code(code: &str) -> Option<IntentKind> {
        IntentKind::ALL.into_iter().find(|kind| kind.code() == code)
    }

    fn noun(self) -> &'static str {
        match self {
            IntentKind::PaymentIntent => "PaymentIntent",
            IntentKind::SetupIntent => "SetupIntent",
            IntentKind::CheckoutSession => "Checkout Session",
            IntentKind::CustomerSession => "Customer Session",
        }
    }

    /// What to do with a client secret of this kind.
    fn flow(self) -> &'static str {
        match self {
            IntentKind::PaymentIntent => "confirm it with the payment flow (stripe.confirmPayment)",
            IntentKind::SetupIntent => "confirm it with the setup flow (stripe.confirmSetup)",
            IntentKind::CheckoutSession => "use it with Checkout (stripe.initCheckout)",
            IntentKind::CustomerSession => "pass it as customerSessionClientSecret",
        }
    }
}

/// Id prefixes of the objects whose client secret carries their id.
pub(crate) const ID_PREFIXES: [(&str, IntentKind); 3] = [
    ("pi_", IntentKind::PaymentIntent),
    ("seti_", IntentKind::SetupIntent),
    ("cs_", IntentKind::CheckoutSession),
];

/// What stands before `_secret_` in a Customer Session's client secret.
pub(crate) const CUSTOMER_SESSION_PREFIX: &str = "cuss";

const SECRET_MARKER: &str = "_secret_";

/// Longest `redirect_status` or `status` accepted; Stripe's are far shorter.
const MAX_STATUS_LEN: usize = 64;

/// Largest amount JavaScript represents exactly.
const MAX_SAFE_AMOUNT: f64 = 9_007_199_254_740_991.0;

/// Which part of a client secret is empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The id before `_secret_`.
    Id,
    /// The secret after `_secret_`.
    Secret,
}

/// What is wrong with an id the calling code gave to check against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdProblem {
    /// It is empty.
    Empty,
    /// Whitespace, a line break or quotes around it.
    Padded,
    /// It is an API key or webhook secret.
    Key(KeyKind),
    /// It is the client secret of an intent of this kind, not the id.
    ClientSecret(IntentKind),
    /// It is not the shape of a PaymentIntent, SetupIntent or Checkout Session id.
    NotAnId,
}

impl IdProblem {
    fn of(error: ClientSecretError) -> IdProblem {
        match error {
            ClientSecretError::Empty => IdProblem::Empty,
            ClientSecretError::Padded => IdProblem::Padded,
            ClientSecretError::ApiKey { found } => IdProblem::Key(found),
            ClientSecretError::SecretNotId { kind } => IdProblem::ClientSecret(kind),
            _ => IdProblem::NotAnId,
        }
    }

    fn code(self) -> &'static str {
        match self {
            IdProblem::Empty => "missing",
            IdProblem::Padded => "padded",
            IdProblem::Key(_) => "api_key",
            IdProblem::ClientSecret(_) => "secret_not_id",
            IdProblem::NotAnId => "malformed",
        }
    }
}

/// What is wrong with a return URL's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReturnUrlProblem {
    /// Neither `payment_intent` nor `setup_intent` is there.
    NoIntent,
    /// Both `payment_intent` and `setup_intent` are there.
    BothIntents,
    /// A parameter appears more than once.
    Repeated(&'static str),
    /// A parameter this kind of return needs is missing.
    Missing(&'static str),
    /// `redirect_status` is not a status word.
    InvalidRedirectStatus,
    /// The query is not valid percent-encoded UTF-8.
    BadEncoding,
}

/// Why a client secret, an id, a browser response or a return URL was refused.
/// Messages never contain a secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientSecretError {
    /// The value is empty or absent.
    Empty,
    /// Whitespace, a line break or quotes around the value.
    Padded,
    /// An API key or webhook secret where a client secret or id belongs.
    ApiKey {
        /// What the value is.
        found: KeyKind,
    },
    /// An object id where its client secret belongs.
    IdNotSecret {
        /// What the id is of.
        kind: IntentKind,
    },
    /// A client secret where an id belongs (such as a retrieve call).
    SecretNotId {
        /// What the secret is of.
        kind: IntentKind,
    },
    /// Nothing before or after `_secret_`.
    EmptyPart {
        /// Which part is empty.
        part: Part,
    },
    /// Not the shape of any client secret.
    Malformed,
    /// Not the shape of a PaymentIntent, SetupIntent or Checkout Session id, where
    /// an id was asked for.
    MalformedId,
    /// The id the calling code checks against (the intent of
    /// [`check_client_secret_for`], the expected id of [`ReturnParams::parse`]) is
    /// not an intent id: a mistake in the server's code, not in what a customer
    /// sent. The code is that of the same problem in a value (`missing`,
    /// `malformed`, …); the message names the argument.
    InvalidExpectedId {
        /// The argument as the JavaScript API names it: `expectedId`, or `the
        /// intent's id` for `assertClientSecretFor`.
        argument: &'static str,
        /// What is wrong with it.
        problem: IdProblem,
    },
    /// A client secret or id of another kind than the one expected.
    WrongKind {
        /// The kind the caller expected.
        expected: IntentKind,
        /// The kind of the value.
        found: IntentKind,
    },
    /// A client secret of another object than the one expected.
    IdMismatch {
        /// What the objects are.
        kind: IntentKind,
    },
    /// A field of an intent is missing or not what Stripe sends.
    InvalidIntent {
        /// The field.
        field: &'static str,
    },
    /// The parameters of a return URL are missing or contradictory.
    InvalidReturnUrl {
        /// What is wrong.
        problem: ReturnUrlProblem,
    },
}

impl ClientSecretError {
    /// The stable code JavaScript's `ClientSecretError.code` carries.
    pub fn code(self) -> &'static str {
        match self {
            ClientSecretError::Empty => "missing",
            ClientSecretError::Padded => "padded",
            ClientSecretError::ApiKey { .. } => "api_key",
            ClientSecretError::IdNotSecret { .. } => "id_not_secret",
            ClientSecretError::SecretNotId { .. } => "secret_not_id",
            ClientSecretError::EmptyPart { .. } => "empty_part",
            ClientSecretError::Malformed | ClientSecretError::MalformedId => "malformed",
            ClientSecretError::InvalidExpectedId { problem, .. } => problem.code(),
            ClientSecretError::WrongKind { .. } => "wrong_kind",
            ClientSecretError::IdMismatch { .. } => "id_mismatch",
            ClientSecretError::InvalidIntent { .. } => "invalid_intent",
            ClientSecretError::InvalidReturnUrl { .. } => "invalid_return_url",
        }
    }
}

impl fmt::Display for ClientSecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientSecretError::Empty => f.write_str(
                "client secret is empty; pass the client_secret of the object your server \
                 created",
            ),
            ClientSecretError::Padded => f.write_str(
                "client secret has whitespace, a line break or quotes around it; pass it \
                 exactly as Stripe returned it",
            ),
            ClientSecretError::ApiKey {
                found: KeyKind::Publishable,
            } => f.write_str(
                "value is a publishable key, not a client secret; pass the object's \
                 client_secret field",
            ),
            ClientSecretError::ApiKey { found } => write!(
                f,
                "value is {}, not a client secret; API keys and webhook secrets must never \
                 be sent to a browser",
                found_key(*found)
            ),
            ClientSecretError::IdNotSecret { kind } => write!(
                f,
                "value is the id of a {}, not its client secret; pass the object's \
                 client_secret field",
                kind.noun()
            ),
            ClientSecretError::SecretNotId { kind } => write!(
                f,
                "value is the client secret of a {}, not its id; pass the id, or extract \
                 it explicitly with parseClientSecret(value).id",
                kind.noun()
            ),
            ClientSecretError::EmptyPart { part: Part::Id } => {
                f.write_str("client secret has nothing before _secret_; it is cut short")
            }
            ClientSecretError::EmptyPart { part: Part::Secret } => {
                f.write_str("client secret has nothing after _secret_; it is cut short")
            }
            ClientSecretError::Malformed => f.write_str(
                "value is not a client secret of a PaymentIntent, SetupIntent, Checkout \
                 Session or Customer Session",
            ),
            ClientSecretError::MalformedId => f.write_str(
                "value is not the id of a PaymentIntent, SetupIntent or Checkout Session; \
                 pass an id such as pi_123 as the API returned it",
            ),
            ClientSecretError::InvalidExpectedId { argument, problem } => {
                f.write_str(argument)?;
                match problem {
                    IdProblem::Empty => f.write_str(
                        " is empty; pass the id of the intent your server created for this \
                         customer",
                    ),
                    IdProblem::Padded => f.write_str(
                        " has whitespace, a line break or quotes around it; pass the id \
                         exactly as the API returned it",
                    ),
                    IdProblem::Key(_) => f.write_str(
                        " is an API key or webhook secret, not an intent id; pass the \
                         intent's id (pi_…, seti_… or cs_…)",
                    ),
                    IdProblem::ClientSecret(kind) => write!(
                        f,
                        " is the client secret of a {}, not its id; pass the id, or extract \
                         it explicitly with parseClientSecret(value).id",
                        kind.noun()
                    ),
                    IdProblem::NotAnId => f.write_str(
                        " is not the id of a PaymentIntent, SetupIntent or Checkout Session; \
                         pass an id such as pi_123 as the API returned it",
                    ),
                }
            }
            ClientSecretError::WrongKind { expected, found } => write!(
                f,
                "value belongs to a {}, not a {}; {}",
                found.noun(),
                expected.noun(),
                found.flow()
            ),
            ClientSecretError::IdMismatch { kind } => write!(
                f,
                "client secret belongs to another {} than the one expected; do not mix \
                 secrets between customers or sessions",
                kind.noun()
            ),
            ClientSecretError::InvalidIntent { field } => write!(
                f,
                "intent field `{field}` is missing or not as Stripe returns it; pass the \
                 object the API returned, unchanged"
            ),
            ClientSecretError::InvalidReturnUrl { problem } => match problem {
                ReturnUrlProblem::NoIntent => f.write_str(
                    "return URL has no payment_intent or setup_intent parameter; is this \
                     the return_url Stripe redirected to?",
                ),
                ReturnUrlProblem::BothIntents => f.write_str(
                    "return URL has both payment_intent and setup_intent; Stripe sends one",
                ),
                ReturnUrlProblem::Repeated(name) => {
                    write!(f, "return URL repeats {name}; Stripe sends it once")
                }
                ReturnUrlProblem::Missing(name) => write!(
                    f,
                    "return URL has no {name} parameter; Stripe adds it on redirect"
                ),
                ReturnUrlProblem::InvalidRedirectStatus => {
                    f.write_str("return URL's redirect_status is not a status such as succeeded")
                }
                ReturnUrlProblem::BadEncoding => {
                    f.write_str("return URL's query is not valid percent-encoded UTF-8")
                }
            },
        }
    }
}

impl std::error::Error for ClientSecretError {}

fn found_key(kind: KeyKind) -> &'static str {
    match kind {
        KeyKind::Secret => "a secret API key",
        KeyKind::Restricted => "a restricted API key",
        _ => "a webhook signing secret",
    }
}

/// A checked client secret. `Debug` and `Display` show `pi_123_secret_…`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ClientSecret<'a> {
    kind: IntentKind,
    id: Option<&'a str>,
    value: &'a str,
}

impl<'a> ClientSecret<'a> {
    /// Parses a client secret, splitting on the literal `_secret_`. Refuses ids,
    /// keys, empty parts, padding and anything else.
    pub fn parse(value: &'a str) -> Result<ClientSecret<'a>, ClientSecretError> {
        check_hygiene(value)?;
        let Some((id_part, secret_part)) = split_on_marker(value) else {
            return Err(match parse_id(value) {
                Ok((kind, _)) => ClientSecretError::IdNotSecret { kind },
                Err(_) => ClientSecretError::Malformed,
            });
        };

        let (kind, id) = if id_part == CUSTOMER_SESSION_PREFIX {
            (IntentKind::CustomerSession, None)
        } else {
            let (kind, id) = parse_id_part(id_part)?;
            (kind, Some(id))
        };
        if secret_part.is_empty() {
            return Err(ClientSecretError::EmptyPart { part: Part::Secret });
        }
        if !secret_part.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(ClientSecretError::Malformed);
        }
        Ok(ClientSecret { kind, id, value })
    }

    /// What the secret unlocks.
    pub fn kind(&self) -> IntentKind {
        self.kind
    }

    /// The object's id (`pi_123`); `None` for a Customer Session.
    pub fn id(&self) -> Option<&'a str> {
        self.id
    }

    /// The whole client secret, for the one response that hands it to the browser.
    pub fn expose_secret(&self) -> &'a str {
        self.value
    }

    /// Refuses a secret of another kind, with a hint for the right flow.
    pub fn expect_kind(self, expected: IntentKind) -> Result<Self, ClientSecretError> {
        if self.kind != expected {
            return Err(ClientSecretError::WrongKind {
                expected,
                found: self.kind,
            });
        }
        Ok(self)
    }

    /// Checks that the secret belongs to the object with id `intent_id`.
    pub fn check_belongs_to(self, intent_id: &str) -> Result<Self, ClientSecretError> {
        let (kind, id) = parse_expected_id(intent_id, INTENT_ARGUMENT)?;
        self.belongs_to(kind, id)
    }

    fn belongs_to(self, kind: IntentKind, id: &str) -> Result<Self, ClientSecretError> {
        self.expect_kind(kind)?;
        if self.id != Some(id) {
            return Err(ClientSecretError::IdMismatch { kind });
        }
        Ok(self)
    }

    fn redacted(&self) -> String {
        match self.id {
            Some(id) => format!("{id}{SECRET_MARKER}…"),
            None => format!("{CUSTOMER_SESSION_PREFIX}{SECRET_MARKER}…"),
        }
    }
}

impl fmt::Debug for ClientSecret<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientSecret")
            .field("kind", &self.kind)
            .field("id", &self.id)
            .field("secret", &"…")
            .finish()
    }
}

impl fmt::Display for ClientSecret<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Parses a client secret; see [`ClientSecret::parse`].
pub fn parse_client_secret(value: &str) -> Result<ClientSecret<'_>, ClientSecretError> {
    ClientSecret::parse(value)
}

/// Parses the id of a PaymentIntent, SetupIntent or Checkout Session, for calls
/// that take an id (such as retrieving the object). A client secret is refused
/// rather than cut down silently: the caller extracts the id explicitly.
pub fn parse_intent_id(value: &str) -> Result<(IntentKind, &str), ClientSecretError> {
    check_hygiene(value)?;
    if split_on_marker(value).is_some() {
        return Err(match ClientSecret::parse(value) {
            Ok(secret) => ClientSecretError::SecretNotId {
                kind: secret.kind(),
            },
            Err(error) => error,
        });
    }
    parse_id(value).map_err(|_| ClientSecretError::MalformedId)
}

/// Checks that `client_secret` is the secret of the object with id `intent_id`.
///
/// `intent_id` comes from the calling code, so it is checked first: a mistake there
/// shows whatever the client secret is.
pub fn check_client_secret_for<'a>(
    client_secret: &'a str,
    intent_id: &str,
) -> Result<ClientSecret<'a>, ClientSecretError> {
    let (kind, id) = parse_expected_id(intent_id, INTENT_ARGUMENT)?;
    ClientSecret::parse(client_secret)?.belongs_to(kind, id)
}

/// How messages name the id given to [`check_client_secret_for`].
const INTENT_ARGUMENT: &str = "the intent's id";

/// How messages name the expected id of [`ReturnParams::parse`].
const EXPECTED_ID_ARGUMENT: &str = "expectedId";

/// [`parse_intent_id`] for an id the calling code gives, with errors that name it.
fn parse_expected_id<'a>(
    value: &'a str,
    argument: &'static str,
) -> Result<(IntentKind, &'a str), ClientSecretError> {
    parse_intent_id(value).map_err(|error| ClientSecretError::InvalidExpectedId {
        argument,
        problem: IdProblem::of(error),
    })
}

/// The fields of a PaymentIntent or SetupIntent that [`browser_intent`] reads. An
/// amount that is present but not a number is passed as NaN.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct IntentFields<'a> {
    /// `object`, checked against the id's kind when present.
    pub object: Option<&'a str>,
    /// `id`.
    pub id: Option<&'a str>,
    /// `client_secret`. Not printed by `Debug` beyond what its value shows, so
    /// keep this type out of logs.
    pub client_secret: Option<&'a str>,
    /// `amount`, in the currency's smallest unit.
    pub amount: Option<f64>,
    /// `currency`, three lower-case letters.
    pub currency: Option<&'a str>,
    /// `status`.
    pub status: Option<&'a str>,
}

impl<'a> IntentFields<'a> {
    /// Reads the fields from an intent as the API returns it.
    pub fn from_json(intent: &'a Value) -> IntentFields<'a> {
        let text = |name: &str| intent.get(name).and_then(Value::as_str);
        let amount = match intent.get("amount") {
            None | Some(Value::Null) => None,
            Some(value) => Some(value.as_f64().unwrap_or(f64::NAN)),
        };
        IntentFields {
            object: text("object"),
            id: text("id"),
            client_secret: text("client_secret"),
            amount,
            currency: text("currency"),
            status: text("status"),
        }
    }
}

/// The only response a browser should get for an intent: its id, client secret,
/// amount, currency and status. `Debug` hides the client secret; serialising it
/// (for the response body) includes it, which is its purpose.
#[derive(Clone, PartialEq, Eq)]
pub struct BrowserIntent {
    kind: IntentKind,
    id: String,
    client_secret: String,
    amount: Option<u64>,
    currency: Option<String>,
    status: String,
}

impl BrowserIntent {
    /// PaymentIntent or SetupIntent.
    pub fn kind(&self) -> IntentKind {
        self.kind
    }

    /// The intent's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The client secret, for the response body.
    pub fn expose_client_secret(&self) -> &str {
        &self.client_secret
    }

    /// The amount; `None` for a SetupIntent.
    pub fn amount(&self) -> Option<u64> {
        self.amount
    }

    /// The currency; `None` for a SetupIntent.
    pub fn currency(&self) -> Option<&str> {
        self.currency.as_deref()
    }

    /// The intent's status.
    pub fn status(&self) -> &str {
        &self.status
    }
}

impl fmt::Debug for BrowserIntent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BrowserIntent")
            .field("id", &self.id)
            .field(
                "client_secret",
                &format_args!("{}{SECRET_MARKER}…", self.id),
            )
            .field("amount", &self.amount)
            .field("currency", &self.currency)
            .field("status", &self.status)
            .finish()
    }
}

impl Serialize for BrowserIntent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let fields = if self.amount.is_some() { 5 } else { 3 };
        let mut out = serializer.serialize_struct("BrowserIntent", fields)?;
        out.serialize_field("id", &self.id)?;
        out.serialize_field("client_secret", &self.client_secret)?;
        if let (Some(amount), Some(currency)) = (self.amount, &self.currency) {
            out.serialize_field("amount", &amount)?;
            out.serialize_field("currency", currency)?;
        }
        out.serialize_field("status", &self.status)?;
        out.end()
    }
}

/// Builds the browser's view of a PaymentIntent or SetupIntent, refusing anything
/// key-like in any field, a client secret of another object, and fields that are
/// not as Stripe returns them. Everything else the intent holds (metadata,
/// customer, payment method, …) is left out.
pub fn browser_intent(fields: &IntentFields<'_>) -> Result<BrowserIntent, ClientSecretError> {
    let texts = [
        fields.id,
        fields.client_secret,
        fields.currency,
        fields.status,
        fields.object,
    ];
    if let Some(found) = texts
        .iter()
        .flatten()
        .find_map(|t| keys::find_server_secret(t))
    {
        return Err(ClientSecretError::ApiKey { found });
    }

    let id = fields
        .id
        .ok_or(ClientSecretError::InvalidIntent { field: "id" })?;
    let (kind, id) = parse_intent_id(id)?;
    if !matches!(kind, IntentKind::PaymentIntent | IntentKind::SetupIntent) {
        return Err(ClientSecretError::InvalidIntent { field: "id" });
    }
    if fields.object.is_some_and(|object| object != kind.code()) {
        return Err(ClientSecretError::InvalidIntent { field: "object" });
    }
    let client_secret = fields.client_secret.ok_or(ClientSecretError::Empty)?;
    check_client_secret_for(client_secret, id)?;

    let (amount, currency) = if kind == IntentKind::PaymentIntent {
        let amount = fields
            .amount
            .filter(|a| a.fract() == 0.0 && (0.0..=MAX_SAFE_AMOUNT).contains(a))
            .ok_or(ClientSecretError::InvalidIntent { field: "amount" })?;
        let currency = fields
            .currency
            .filter(|c| c.len() == 3 && c.bytes().all(|b| b.is_ascii_lowercase()))
            .ok_or(ClientSecretError::InvalidIntent { field: "currency" })?;
        // Checked above to be a whole number within u64.
        (Some(amount as u64), Some(currency.to_owned()))
    } else {
        (None, None)
    };
    let status = fields
        .status
        .filter(|s| is_status_word(s))
        .ok_or(ClientSecretError::InvalidIntent { field: "status" })?;

    Ok(BrowserIntent {
        kind,
        id: id.to_owned(),
        client_secret: client_secret.to_owned(),
        amount,
        currency,
        status: status.to_owned(),
    })
}

/// What a return URL says, once checked. The client secret in it was checked to
/// belong to the intent, and is not kept. `redirect_status` is only a hint: the
/// server decides by retrieving the intent by id with its secret key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnParams {
    /// PaymentIntent or SetupIntent.
    pub kind: IntentKind,
    /// The intent's id.
    pub id: String,
    /// Such as `succeeded`, `processing`, `requires_payment_method` or `failed`.
    pub redirect_status: String,
}

impl ReturnParams {
    /// Reads the `payment_intent`, `payment_intent_client_secret` and
    /// `redirect_status` parameters (or the `setup_intent` ones) that Stripe adds to
    /// a return URL. `url` is a whole URL, a path with a query, or a bare query.
    /// With `expected_id`, the intent must be that one (the id the server stored
    /// for this customer's session).
    pub fn parse(url: &str, expected_id: Option<&str>) -> Result<ReturnParams, ClientSecretError> {
        // The expected id comes from the server's own code: a mistake there shows
        // whatever the URL holds.
        let expected = expected_id
            .map(|id| parse_expected_id(id, EXPECTED_ID_ARGUMENT))
            .transpose()?;
        let query = url.split('#').next().unwrap_or("");
        let query = query.split_once('?').map_or(query, |(_, q)| q);
        let params = decode_query(query)?;

        let (kind, id_name, secret_name) = match (
            has_param(&params, "payment_intent"),
            has_param(&params, "setup_intent"),
        ) {
            (true, true) => return Err(return_url(ReturnUrlProblem::BothIntents)),
            (false, false) => return Err(return_url(ReturnUrlProblem::NoIntent)),
            (true, false) => (
                IntentKind::PaymentIntent,
                "payment_intent",
                "payment_intent_client_secret",
            ),
            (false, true) => (
                IntentKind::SetupIntent,
                "setup_intent",
                "setup_intent_client_secret",
            ),
        };
        let id = single_param(&params, id_name)?;
        let client_secret = single_param(&params, secret_name)?;
        let redirect_status = single_param(&params, "redirect_status")?;

        let (found, id) = parse_intent_id(id)?;
        if found != kind {
            return Err(ClientSecretError::WrongKind {
                expected: kind,
                found,
            });
        }
        check_client_secret_for(client_secret, id)?;
        if let Some((expected_kind, expected)) = expected {
            if expected_kind != kind {
                return Err(ClientSecretError::WrongKind {
                    expected: expected_kind,
                    found: kind,
                });
            }
            if expected != id {
                return Err(ClientSecretError::IdMismatch { kind });
            }
        }
        if !is_status_word(redirect_status) {
            return Err(return_url(ReturnUrlProblem::InvalidRedirectStatus));
        }

        Ok(ReturnParams {
            kind,
            id: id.to_owned(),
            redirect_status: redirect_status.to_owned(),
        })
    }
}

fn return_url(problem: ReturnUrlProblem) -> ClientSecretError {
    ClientSecretError::InvalidReturnUrl { problem }
}

/// Empty, padded, quoted or a key: the checks ids and client secrets share.
fn check_hygiene(value: &str) -> Result<(), ClientSecretError> {
    if value.is_empty() {
        return Err(ClientSecretError::Empty);
    }
    if keys::is_padded(value) || keys::starts_or_ends_with_quote(value) {
        return Err(ClientSecretError::Padded);
    }
    if let Ok(key) = keys::parse_api_key(value) {
        return Err(ClientSecretError::ApiKey { found: key.kind() });
    }
    if let Some(found) = keys::find_server_secret(value) {
        return Err(ClientSecretError::ApiKey { found });
    }
    Ok(())
}

/// An id on its own: a known prefix, then letters, digits and `_` (Checkout
/// Session ids are `cs_test_…`).
fn parse_id(value: &str) -> Result<(IntentKind, &str), ClientSecretError> {
    let (kind, body) = ID_PREFIXES
        .iter()
        .find_map(|(prefix, kind)| Some((*kind, value.strip_prefix(prefix)?)))
        .ok_or(ClientSecretError::Malformed)?;
    let well_formed = !body.is_empty()
        && body.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !body.ends_with('_');
    if !well_formed {
        return Err(ClientSecretError::Malformed);
    }
    Ok((kind, value))
}

/// The part of a client secret before `_secret_`: an id, or a bare prefix (`pi`)
/// when the id was lost.
fn parse_id_part(id_part: &str) -> Result<(IntentKind, &str), ClientSecretError> {
    let id_lost = id_part.is_empty()
        || ID_PREFIXES.iter().any(|(prefix, _)| {
            // `pi_` (from `pi__secret_…`) or `pi` (from `pi_secret_…`).
            id_part == *prefix || Some(id_part) == prefix.strip_suffix('_')
        });
    if id_lost {
        return Err(ClientSecretError::EmptyPart { part: Part::Id });
    }
    parse_id(id_part)
}

fn is_status_word(value: &str) -> bool {
    !value.is_empty()
        && value.len() <= MAX_STATUS_LEN
        && value.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
}

type Params = Vec<(String, String)>;

fn has_param(params: &Params, name: &str) -> bool {
    params.iter().any(|(key, _)| key == name)
}

fn single_param<'a>(params: &'a Params, name: &'static str) -> Result<&'a str, ClientSecretError> {
    let mut values = params.iter().filter(|(key, _)| key == name);
    let first = values.next();
    if values.next().is_some() {
        return Err(return_url(ReturnUrlProblem::Repeated(name)));
    }
    match first {
        Some((_, value)) if !value.is_empty() => Ok(value),
        _ => Err(return_url(ReturnUrlProblem::Missing(name))),
    }
}

/// Splits an `application/x-www-form-urlencoded` query into decoded pairs.
fn decode_query(query: &str) -> Result<Params, ClientSecretError> {
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            match (decode_component(key), decode_component(value)) {
                (Some(key), Some(value)) => Ok((key, value)),
                _ => Err(return_url(ReturnUrlProblem::BadEncoding)),
            }
        })
        .collect()
}

fn decode_component(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let high = hex_value(*bytes.get(i + 1)?)?;
                let low = hex_value(*bytes.get(i + 2)?)?;
                out.push(high << 4 | low);
                i += 2;
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

fn hex_value(byte: u8) -> Option<u8> {
    char::from(byte).to_digit(16).map(|d| d as u8)
}

/// `value` split around its first `_secret_`.
fn split_on_marker(value: &str) -> Option<(&str, &str)> {
    let at = keys::find_bytes(value.as_bytes(), SECRET_MARKER.as_bytes())?;
    Some((value.get(..at)?, value.get(at + SECRET_MARKER.len()..)?))
}
