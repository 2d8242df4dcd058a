//! Stripe API keys, webhook signing secrets, and the configuration read from
//! environment variables.
//!
//! Values are used exactly as given: nothing is trimmed or unquoted. A key with a
//! trailing newline or quotes around it is refused with an error that says so,
//! because the same value would fail, or behave differently, wherever else it is
//! read. Errors name the variable and show a key at most masked (`sk_test_…abcd`).
//!
//! Every type here that holds a secret prints it masked in `Debug` and `Display`.

use core::fmt;
use std::borrow::Cow;

/// The API host used when `STRIPE_API_BASE` is empty or unset.
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com";

/// The variable holding the secret (or restricted) API key.
pub const SECRET_KEY_VAR: &str = "STRIPE_SECRET_KEY";
/// The variable holding the publishable key.
pub const PUBLISHABLE_KEY_VAR: &str = "STRIPE_PUBLISHABLE_KEY";
/// The Next.js name for the publishable key, read when [`PUBLISHABLE_KEY_VAR`] is
/// unset. Next.js inlines it into browser code, which is fine for a `pk_` key only.
pub const NEXT_PUBLIC_PUBLISHABLE_KEY_VAR: &str = "NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY";
/// The variable holding one or more webhook signing secrets, comma-separated.
pub const WEBHOOK_SECRET_VAR: &str = "STRIPE_WEBHOOK_SECRET";
/// The variable holding the API origin, for a local stand-in such as localstripe.
pub const API_BASE_VAR: &str = "STRIPE_API_BASE";
/// The variable whose value `production` allows live keys without a warning.
pub const NODE_ENV_VAR: &str = "NODE_ENV";

/// Variable name prefixes that frameworks copy into the code they send to browsers.
pub const PUBLIC_VAR_PREFIXES: [&str; 8] = [
    "NEXT_PUBLIC_",
    "VITE_",
    "REACT_APP_",
    "EXPO_PUBLIC_",
    "PUBLIC_",
    "NUXT_PUBLIC_",
    "GATSBY_",
    "VUE_APP_",
];

/// Key bodies shorter than this are masked without their last four characters, so
/// a mask never shows more than a third of a key.
const MIN_BODY_LEN_FOR_TAIL: usize = 12;

/// What kind of Stripe credential a value is, judged by its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyKind {
    /// `sk_test_…` or `sk_live_…`: full access to the account. Server only.
    Secret,
    /// `rk_test_…` or `rk_live_…`: access limited to chosen resources. Server only.
    Restricted,
    /// `pk_test_…` or `pk_live_…`: identifies the account to Stripe.js. Public.
    Publishable,
    /// `whsec_…`: the key a webhook endpoint's signatures are made with. Server only.
    WebhookSecret,
}

impl KeyKind {
    /// The stable name JavaScript sees: `secret`, `restricted`, `publishable` or
    /// `webhook_secret`.
    pub fn code(self) -> &'static str {
        match self {
            KeyKind::Secret => "secret",
            KeyKind::Restricted => "restricted",
            KeyKind::Publishable => "publishable",
            KeyKind::WebhookSecret => "webhook_secret",
        }
    }

    /// Whether the value must stay on the server.
    pub fn is_secret(self) -> bool {
        self != KeyKind::Publishable
    }

    fn described(self) -> &'static str {
        match self {
            KeyKind::Secret => "a secret key",
            KeyKind::Restricted => "a restricted key",
            KeyKind::Publishable => "a publishable key",
            KeyKind::WebhookSecret => "a webhook signing secret",
        }
    }
}

/// Test or live mode, from an API key's prefix. Webhook secrets do not say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// `_test_` keys: no real money moves.
    Test,
    /// `_live_` keys: real charges.
    Live,
}

impl Mode {
    /// `test` or `live`.
    pub fn code(self) -> &'static str {
        match self {
            Mode::Test => "test",
            Mode::Live => "live",
        }
    }
}

/// The place a value was meant for, which decides what counts as the wrong kind and
/// which hint an error gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Slot {
    /// Any API key: secret, restricted or publishable.
    ApiKey,
    /// The server's key: secret or restricted.
    SecretKey,
    /// The key given to Stripe.js.
    PublishableKey,
    /// A webhook endpoint's signing secret.
    WebhookSecret,
}

impl Slot {
    fn noun(self) -> &'static str {
        match self {
            Slot::ApiKey => "API key",
            Slot::SecretKey => "secret key",
            Slot::PublishableKey => "publishable key",
            Slot::WebhookSecret => "webhook secret",
        }
    }

    fn accepts(self, kind: KeyKind) -> bool {
        match self {
            Slot::ApiKey => kind != KeyKind::WebhookSecret,
            Slot::SecretKey => matches!(kind, KeyKind::Secret | KeyKind::Restricted),
            Slot::PublishableKey => kind == KeyKind::Publishable,
            Slot::WebhookSecret => kind == KeyKind::WebhookSecret,
        }
    }

    /// Where a real value for this slot comes from.
    fn source(self) -> &'static str {
        match self {
            Slot::WebhookSecret => {
                "copy the endpoint's signing secret from dashboard.stripe.com/webhooks, \
                 or use the one `stripe listen` prints"
            }
            _ => {
                "copy it from dashboard.stripe.com/test/apikeys (test mode) or \
                 dashboard.stripe.com/apikeys (live mode)"
            }
        }
    }

    fn expected(self) -> &'static str {
        match self {
            Slot::ApiKey => "an API key starts with sk_, rk_ or pk_",
            Slot::SecretKey => "the secret key starts with sk_ (or rk_ for a restricted key)",
            Slot::PublishableKey => "the publishable key starts with pk_",
            Slot::WebhookSecret => "a webhook signing secret starts with whsec_",
        }
    }
}

/// Why a key or secret was refused. Messages show the value at most masked.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyError {
    /// The value is empty.
    Empty {
        /// Where the value was meant to go.
        slot: Slot,
    },
    /// Whitespace or a line break at either end.
    Padded {
        /// Where the value was meant to go.
        slot: Slot,
    },
    /// Quotes around the value.
    Quoted {
        /// Where the value was meant to go.
        slot: Slot,
    },
    /// A placeholder such as `sk_test_your_key_here` from `.env.example`.
    Placeholder {
        /// Where the value was meant to go.
        slot: Slot,
    },
    /// Not a Stripe key or webhook secret at all.
    Unrecognised {
        /// Where the value was meant to go.
        slot: Slot,
    },
    /// A Stripe prefix with nothing after it, or followed by characters no Stripe
    /// key contains.
    Malformed {
        /// Where the value was meant to go.
        slot: Slot,
        /// The prefix, masked: `sk_test_…`.
        masked: String,
    },
    /// A real kind of credential in the place meant for another.
    WrongKind {
        /// Where the value was meant to go.
        slot: Slot,
        /// What the value is.
        found: KeyKind,
        /// The value, masked.
        masked: String,
    },
}

impl KeyError {
    /// The stable code JavaScript's `ConfigError.code` carries.
    pub fn code(&self) -> &'static str {
        match self {
            KeyError::Empty { .. } => "missing_value",
            KeyError::Padded { .. } | KeyError::Quoted { .. } => "padded_value",
            KeyError::Placeholder { .. } => "placeholder_value",
            KeyError::Unrecognised { .. } | KeyError::Malformed { .. } => "invalid_value",
            KeyError::WrongKind { .. } => "wrong_key_kind",
        }
    }

    /// Where the value was meant to go.
    pub fn slot(&self) -> Slot {
        match self {
            KeyError::Empty { slot }
            | KeyError::Padded { slot }
            | KeyError::Quoted { slot }
            | KeyError::Placeholder { slot }
            | KeyError::Unrecognised { slot }
            | KeyError::Malformed { slot, .. }
            | KeyError::WrongKind { slot, .. } => *slot,
        }
    }

    /// The message with `subject` (a variable name, or the slot's noun) in front.
    fn describe(&self, subject: &str) -> String {
        let slot = self.slot();
        match self {
            KeyError::Empty { .. } => {
                format!("{subject} is empty; {}", slot.source())
            }
            KeyError::Padded { .. } => format!(
                "{subject} has whitespace or a line break around it; remove it (piping \
                 `echo` into a secret store adds a newline: use `printf '%s'`)"
            ),
            KeyError::Quoted { .. } => format!(
                "{subject} is wrapped in quotes; remove them, the value is used exactly \
                 as given"
            ),
            KeyError::Placeholder { .. } => format!(
                "{subject} is a placeholder (like those in .env.example), not a real key; {}",
                slot.source()
            ),
            KeyError::Unrecognised { .. } => {
                format!("{subject} is not a Stripe key; {}", slot.expected())
            }
            KeyError::Malformed { masked, .. } => format!(
                "{subject} ({masked}) is cut short or has characters no Stripe key \
                 contains; copy the whole value again"
            ),
            KeyError::WrongKind { found, masked, .. } => format!(
                "{subject} holds {} ({masked}); {}{}",
                found.described(),
                slot.expected(),
                wrong_kind_hint(slot, *found)
            ),
        }
    }
}

fn wrong_kind_hint(slot: Slot, found: KeyKind) -> &'static str {
    match (slot, found) {
        (Slot::PublishableKey, KeyKind::Secret | KeyKind::Restricted) => {
            ", and it is sent to browsers: never put a secret key there"
        }
        (Slot::WebhookSecret, _) => ", shown on the webhook endpoint in the Dashboard",
        (_, KeyKind::WebhookSecret) => ", and webhook signing secrets go in STRIPE_WEBHOOK_SECRET",
        _ => "",
    }
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(self.slot().noun()))
    }
}

impl std::error::Error for KeyError {}

/// A Stripe API key whose shape was checked. `Debug` and `Display` show it masked.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ApiKey<'a> {
    kind: KeyKind,
    mode: Mode,
    value: &'a str,
}

impl<'a> ApiKey<'a> {
    /// Checks a secret, restricted or publishable key. Refuses empty, padded, quoted
    /// and placeholder values, webhook secrets and anything else that is not a key.
    pub fn parse(value: &'a str) -> Result<ApiKey<'a>, KeyError> {
        let (kind, mode) = check_value(value, Slot::ApiKey)?;
        let mode = mode.ok_or_else(|| unreachable_mode(value))?;
        Ok(ApiKey { kind, mode, value })
    }

    /// Secret, restricted or publishable.
    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    /// Test or live.
    pub fn mode(&self) -> Mode {
        self.mode
    }

    /// The whole key, for the `Authorization` header. The name is meant to stand out
    /// in review wherever a key leaves this type.
    pub fn expose_secret(&self) -> &'a str {
        self.value
    }

    /// The key masked: `sk_test_…abcd`.
    pub fn masked(&self) -> String {
        mask(self.value)
    }
}

/// API keys always have a mode; only webhook secrets, which `ApiKey` refuses, lack one.
fn unreachable_mode(value: &str) -> KeyError {
    KeyError::WrongKind {
        slot: Slot::ApiKey,
        found: KeyKind::WebhookSecret,
        masked: mask(value),
    }
}

impl fmt::Debug for ApiKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKey")
            .field("kind", &self.kind)
            .field("mode", &self.mode)
            .field("value", &self.masked())
            .finish()
    }
}

impl fmt::Display for ApiKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// Checks a secret, restricted or publishable key; see [`ApiKey::parse`].
pub fn parse_api_key(value: &str) -> Result<ApiKey<'_>, KeyError> {
    ApiKey::parse(value)
}

/// Checks one webhook signing secret (`whsec_…`) the way the configuration does.
pub fn check_webhook_secret(value: &str) -> Result<(), KeyError> {
    check_value(value, Slot::WebhookSecret).map(|_| ())
}

/// Masks a key or webhook secret for messages and logs: the prefix, an ellipsis and
/// the last four characters (`sk_test_…abcd`), or only the prefix when the key is
/// short. A value without a Stripe prefix is masked entirely (`…`).
pub fn mask(value: &str) -> String {
    let Some((prefix, _, _)) = known_prefix(value) else {
        return "…".to_owned();
    };
    let body = value.get(prefix.len()..).unwrap_or_default();
    let mut masked = format!("{prefix}…");
    if body.chars().count() >= MIN_BODY_LEN_FOR_TAIL {
        let tail: Vec<char> = body.chars().rev().take(4).collect();
        masked.extend(tail.into_iter().rev());
    }
    masked
}

/// Masks every secret key, restricted key, webhook secret and client secret in
/// `text`, for people's own logs. Keys become `sk_test_…abcd`; a client secret keeps
/// its id and loses its secret part (`pi_123_secret_…`). Publishable keys and ids
/// are left as they are.
///
/// A key prefix counts where it does not follow a lower-case letter, so that words
/// such as `disk_test_…` stay readable; a prefix after an upper-case letter or digit
/// still counts, to catch URL-encoded text (`%3Dsk_live_…`). Any `_` may also be
/// percent-encoded (`sk%5Ftest%5F…`, `pi_1%5Fsecret%5F…`), as a query string or a
/// form body encoded twice has it. A key cut short by a space (or `+`, `%20`) before
/// it reaches the length of a real key is masked across the space too, and then
/// without its last four characters.
pub fn redact(text: &str) -> Cow<'_, str> {
    // Matches start and end at ASCII bytes, so every range below is on char
    // boundaries; `get` rather than indexing keeps panic paths out of the module.
    let part = |range: core::ops::Range<usize>| text.get(range).unwrap_or_default();
    let mut out = String::new();
    let mut copied = 0;
    for found in find_secrets(text) {
        out.push_str(part(copied..found.start));
        out.push_str(part(found.start..found.keep_until));
        out.push('…');
        if let Found::Key {
            show_tail: true, ..
        } = found.what
        {
            out.push_str(part(found.end - 4..found.end));
        }
        copied = found.end;
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(part(copied..text.len()));
    Cow::Owned(out)
}

/// The first secret key, restricted key or webhook secret anywhere in `text`, if
/// any. Publishable keys and client secrets do not count.
pub fn find_server_secret(text: &str) -> Option<KeyKind> {
    find_secrets(text).find_map(|found| match found.what {
        Found::Key { kind, .. } => Some(kind),
        Found::ClientSecret => None,
    })
}

/// The options of [`StripeConfig::from_vars`]: which values must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConfigOptions {
    /// `STRIPE_SECRET_KEY` must be set. Default true.
    pub require_secret_key: bool,
    /// A publishable key must be set. Default false.
    pub require_publishable_key: bool,
    /// At least one webhook secret must be set. Default false.
    pub require_webhook_secrets: bool,
    /// The code runs in a browser, where no server secret may be present at all.
    pub in_browser: bool,
}

impl Default for ConfigOptions {
    fn default() -> Self {
        ConfigOptions {
            require_secret_key: true,
            require_publishable_key: false,
            require_webhook_secrets: false,
            in_browser: false,
        }
    }
}

/// Why the configuration was refused. Every message names the variable and shows a
/// key at most masked.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required variable is unset or empty.
    Missing {
        /// The variable.
        variable: &'static str,
        /// What it should hold.
        slot: Slot,
    },
    /// A variable's value, or one entry of a comma-separated list, was refused.
    Invalid {
        /// The variable.
        variable: String,
        /// The 1-based entry of `STRIPE_WEBHOOK_SECRET`, when it holds several.
        entry: Option<usize>,
        /// What is wrong with the value.
        error: KeyError,
    },
    /// Both names of the publishable key are set, to different keys.
    Conflicting {
        /// One variable.
        first: &'static str,
        /// The other.
        second: &'static str,
    },
    /// One key is for test mode and the other for live mode.
    MixedModes {
        /// The variable holding the publishable key.
        variable: &'static str,
        /// The secret key, masked.
        secret_key: String,
        /// The publishable key, masked.
        publishable_key: String,
    },
    /// A variable that frameworks send to browsers holds a server secret.
    SecretInPublicVariable {
        /// The variable.
        variable: String,
        /// What it holds.
        found: KeyKind,
    },
    /// The code runs in a browser and a server secret is configured.
    SecretInBrowser {
        /// The variable holding the secret.
        variable: &'static str,
    },
    /// `STRIPE_API_BASE` is not an origin the client may send keys to.
    InvalidApiBase {
        /// What is wrong with it.
        problem: ApiBaseProblem,
    },
}

/// What is wrong with `STRIPE_API_BASE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiBaseProblem {
    /// Whitespace or quotes around it.
    Padded,
    /// Not `http(s)://host[:port]`.
    NotAnOrigin,
    /// A path, query or fragment after the host.
    HasPath,
    /// `user:password@` in the URL.
    HasCredentials,
    /// Plain `http` to a host other than this machine.
    InsecureRemote,
    /// Plain `http` to an IPv4 address written other than as four decimal
    /// numbers (`127.1`, `0x7f.0.0.1`), which URL parsers read differently from
    /// how it looks.
    UnusualAddress,
}

impl ApiBaseProblem {
    /// What is wrong, to follow the name of whatever held the value.
    pub fn reason(self) -> &'static str {
        match self {
            ApiBaseProblem::Padded => "has whitespace or quotes around it",
            ApiBaseProblem::NotAnOrigin => {
                "is not an origin such as https://api.stripe.com or http://127.0.0.1:8420"
            }
            ApiBaseProblem::HasPath => {
                "has a path, query or fragment; give only the origin, the client adds /v1/…"
            }
            ApiBaseProblem::HasCredentials => {
                "contains credentials; the API key is the only credential sent"
            }
            ApiBaseProblem::InsecureRemote => {
                "uses http for a host other than this machine (localhost, 127.0.0.0/8 or \
                 [::1]), which would send the secret key unencrypted; use https"
            }
            ApiBaseProblem::UnusualAddress => {
                "uses http with an IPv4 address in a shortened, octal or hex form, which \
                 URL parsers read differently from how it looks; write it as four decimal \
                 numbers, such as 127.0.0.1"
            }
        }
    }
}

impl ConfigError {
    /// The stable code JavaScript's `ConfigError.code` carries.
    pub fn code(&self) -> &'static str {
        match self {
            ConfigError::Missing { .. } => "missing_value",
            ConfigError::Invalid { error, .. } => error.code(),
            ConfigError::Conflicting { .. } => "conflicting_values",
            ConfigError::MixedModes { .. } => "mixed_modes",
            ConfigError::SecretInPublicVariable { .. } => "secret_in_public_variable",
            ConfigError::SecretInBrowser { .. } => "secret_in_browser",
            ConfigError::InvalidApiBase {
                problem: ApiBaseProblem::Padded,
            } => "padded_value",
            ConfigError::InvalidApiBase { .. } => "invalid_api_base",
        }
    }

    /// The variable the error is about.
    pub fn variable(&self) -> &str {
        match self {
            ConfigError::Missing { variable, .. }
            | ConfigError::Conflicting {
                second: variable, ..
            }
            | ConfigError::MixedModes { variable, .. }
            | ConfigError::SecretInBrowser { variable } => variable,
            ConfigError::Invalid { variable, .. }
            | ConfigError::SecretInPublicVariable { variable, .. } => variable,
            ConfigError::InvalidApiBase { .. } => API_BASE_VAR,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Missing { variable, slot } => write!(
                f,
                "{variable} is empty or not set; it holds the {}: {}",
                slot.noun(),
                slot.source()
            ),
            ConfigError::Invalid {
                variable,
                entry: Some(entry),
                error,
            } => {
                let subject = format!("{variable} (entry {entry})");
                f.write_str(&error.describe(&subject))?;
                if matches!(error, KeyError::Padded { .. } | KeyError::Empty { .. }) {
                    f.write_str("; separate secrets with a single comma and no spaces")?;
                }
                Ok(())
            }
            ConfigError::Invalid {
                variable, error, ..
            } => f.write_str(&error.describe(variable)),
            ConfigError::Conflicting { first, second } => write!(
                f,
                "{first} and {second} hold different keys; set only one of them"
            ),
            ConfigError::MixedModes {
                variable,
                secret_key,
                publishable_key,
            } => write!(
                f,
                "{variable} ({publishable_key}) and {SECRET_KEY_VAR} ({secret_key}) are \
                 from different modes; use both test keys or both live keys"
            ),
            ConfigError::SecretInPublicVariable { variable, found } => write!(
                f,
                "{variable} holds {} and its name makes frameworks send it to browsers; \
                 remove it, roll the key in the Dashboard if it was ever deployed, and \
                 keep server secrets in variables without a public prefix",
                found.described()
            ),
            ConfigError::SecretInBrowser { variable } => write!(
                f,
                "{variable} is set in code running in a browser; server secrets must \
                 never reach the browser: load the configuration on the server only"
            ),
            ConfigError::InvalidApiBase { problem } => {
                write!(f, "{API_BASE_VAR} {}", problem.reason())
            }
        }
    }
}

impl std::error::Error for ConfigError {}

/// Something the caller should know about a configuration that was accepted. The
/// library never logs; it is up to the caller to show these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigWarning {
    /// Live keys while `NODE_ENV` is not `production`.
    LiveKeyOutsideProduction,
}

impl ConfigWarning {
    /// The stable code.
    pub fn code(self) -> &'static str {
        match self {
            ConfigWarning::LiveKeyOutsideProduction => "live_key_outside_production",
        }
    }

    /// The message, with one hint.
    pub fn message(self) -> &'static str {
        match self {
            ConfigWarning::LiveKeyOutsideProduction => {
                "live-mode keys are loaded while NODE_ENV is not \"production\"; use test \
                 keys outside production, or set NODE_ENV=production where live keys \
                 are meant"
            }
        }
    }
}

impl fmt::Display for ConfigWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// The Stripe configuration of an app, checked. `Debug` and `Display` mask the secret
/// key and webhook secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct StripeConfig {
    secret_key: Option<String>,
    publishable_key: Option<String>,
    webhook_secrets: Vec<String>,
    api_base: String,
    mode: Option<Mode>,
    warnings: Vec<ConfigWarning>,
}

impl StripeConfig {
    /// Reads and checks the configuration from environment variables given as
    /// name/value pairs (`std::env::vars()`, a Worker's bindings, a test's list).
    ///
    /// Variables read: `STRIPE_SECRET_KEY`, `STRIPE_PUBLISHABLE_KEY` (or
    /// `NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY`), `STRIPE_WEBHOOK_SECRET` (comma-separated
    /// while rotating), `STRIPE_API_BASE` and `NODE_ENV`. Every variable with a public
    /// prefix (`NEXT_PUBLIC_`, `VITE_`, …) is checked for server secrets. An empty
    /// variable counts as unset.
    pub fn from_vars<I, K, V>(vars: I, options: &ConfigOptions) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut env = Env::default();
        let mut public: Vec<(String, String)> = Vec::new();
        for (name, value) in vars {
            let (name, value) = (name.as_ref(), value.as_ref());
            if PUBLIC_VAR_PREFIXES.iter().any(|p| name.starts_with(p)) {
                public.push((name.to_owned(), value.to_owned()));
            }
            env.set(name, value);
        }

        // A secret in a public variable is checked first: it is the most harmful
        // mistake, and the others are often fixed by moving that same value. The
        // first name in sort order is reported, so every runtime reports the same.
        let exposed = public
            .into_iter()
            .filter_map(|(variable, value)| Some((variable, find_server_secret(&value)?)))
            .min_by(|a, b| a.0.cmp(&b.0));
        if let Some((variable, found)) = exposed {
            return Err(ConfigError::SecretInPublicVariable { variable, found });
        }

        let secret_key = read_key(
            SECRET_KEY_VAR,
            env.secret_key.as_deref(),
            Slot::SecretKey,
            options.require_secret_key,
        )?;
        if options.in_browser {
            if secret_key.is_some() {
                return Err(ConfigError::SecretInBrowser {
                    variable: SECRET_KEY_VAR,
                });
            }
            if env.webhook_secret.as_deref().is_some_and(|v| !v.is_empty()) {
                return Err(ConfigError::SecretInBrowser {
                    variable: WEBHOOK_SECRET_VAR,
                });
            }
        }
        let publishable = read_publishable(&env, options.require_publishable_key)?;
        let webhook_secrets = read_webhook_secrets(
            env.webhook_secret.as_deref(),
            options.require_webhook_secrets,
        )?;

        let mode = match (secret_key, publishable) {
            (Some((secret, secret_mode)), Some((variable, key, key_mode)))
                if secret_mode != key_mode =>
            {
                return Err(ConfigError::MixedModes {
                    variable,
                    secret_key: mask(secret),
                    publishable_key: mask(key),
                });
            }
            (Some((_, mode)), _) | (None, Some((_, _, mode))) => Some(mode),
            (None, None) => None,
        };
        let api_base = parse_api_base(env.api_base.as_deref().unwrap_or(""))
            .map_err(|problem| ConfigError::InvalidApiBase { problem })?;

        let mut warnings = Vec::new();
        if mode == Some(Mode::Live) && env.node_env.as_deref() != Some("production") {
            warnings.push(ConfigWarning::LiveKeyOutsideProduction);
        }
        Ok(StripeConfig {
            secret_key: secret_key.map(|(key, _)| key.to_owned()),
            publishable_key: publishable.map(|(_, key, _)| key.to_owned()),
            webhook_secrets,
            api_base,
            mode,
            warnings,
        })
    }

    /// The secret or restricted key, if one was configured. The name is meant to
    /// stand out in review wherever the key leaves this type.
    pub fn expose_secret_key(&self) -> Option<&str> {
        self.secret_key.as_deref()
    }

    /// The webhook signing secrets, newest first as listed.
    pub fn expose_webhook_secrets(&self) -> &[String] {
        &self.webhook_secrets
    }

    /// The publishable key, if one was configured. It is public.
    pub fn publishable_key(&self) -> Option<&str> {
        self.publishable_key.as_deref()
    }

    /// The API origin, without a trailing slash.
    pub fn api_base(&self) -> &str {
        &self.api_base
    }

    /// The keys' mode; `None` when no API key was configured.
    pub fn mode(&self) -> Option<Mode> {
        self.mode
    }

    /// What the caller should know; see [`ConfigWarning`].
    pub fn warnings(&self) -> &[ConfigWarning] {
        &self.warnings
    }

    /// The secret key, masked.
    pub fn masked_secret_key(&self) -> Option<String> {
        self.secret_key.as_deref().map(mask)
    }

    /// The webhook secrets, masked.
    pub fn masked_webhook_secrets(&self) -> Vec<String> {
        self.webhook_secrets.iter().map(|s| mask(s)).collect()
    }
}

impl fmt::Debug for StripeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StripeConfig")
            .field("mode", &self.mode)
            .field("secret_key", &self.masked_secret_key())
            .field("publishable_key", &self.publishable_key)
            .field("webhook_secrets", &self.masked_webhook_secrets())
            .field("api_base", &self.api_base)
            .field("warnings", &self.warnings)
            .finish()
    }
}

impl fmt::Display for StripeConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mode = self.mode.map_or("unknown", Mode::code);
        let secret_key = self.masked_secret_key();
        write!(
            f,
            "Stripe {mode} mode, secret key {}, {} webhook secret(s), API {}",
            secret_key.as_deref().unwrap_or("unset"),
            self.webhook_secrets.len(),
            self.api_base
        )
    }
}

/// The variables the configuration reads; the last value given for a name wins.
#[derive(Default)]
struct Env {
    secret_key: Option<String>,
    publishable_key: Option<String>,
    next_public_publishable_key: Option<String>,
    webhook_secret: Option<String>,
    api_base: Option<String>,
    node_env: Option<String>,
}

impl Env {
    fn set(&mut self, name: &str, value: &str) {
        let slot = match name {
            SECRET_KEY_VAR => &mut self.secret_key,
            PUBLISHABLE_KEY_VAR => &mut self.publishable_key,
            NEXT_PUBLIC_PUBLISHABLE_KEY_VAR => &mut self.next_public_publishable_key,
            WEBHOOK_SECRET_VAR => &mut self.webhook_secret,
            API_BASE_VAR => &mut self.api_base,
            NODE_ENV_VAR => &mut self.node_env,
            _ => return,
        };
        *slot = Some(value.to_owned());
    }
}

/// Reads one API key variable: `None` when unset or empty and not required.
fn read_key<'a>(
    variable: &'static str,
    value: Option<&'a str>,
    slot: Slot,
    required: bool,
) -> Result<Option<(&'a str, Mode)>, ConfigError> {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return if required {
            Err(ConfigError::Missing { variable, slot })
        } else {
            Ok(None)
        };
    };
    match check_value(value, slot) {
        Ok((_, Some(mode))) => Ok(Some((value, mode))),
        Ok((kind, None)) => Err(ConfigError::Invalid {
            variable: variable.to_owned(),
            entry: None,
            error: KeyError::WrongKind {
                slot,
                found: kind,
                masked: mask(value),
            },
        }),
        Err(error) => Err(ConfigError::Invalid {
            variable: variable.to_owned(),
            entry: None,
            error,
        }),
    }
}

/// Reads the publishable key from either of its names.
fn read_publishable(
    env: &Env,
    required: bool,
) -> Result<Option<(&'static str, &str, Mode)>, ConfigError> {
    let plain = read_key(
        PUBLISHABLE_KEY_VAR,
        env.publishable_key.as_deref(),
        Slot::PublishableKey,
        false,
    )?;
    let next = read_key(
        NEXT_PUBLIC_PUBLISHABLE_KEY_VAR,
        env.next_public_publishable_key.as_deref(),
        Slot::PublishableKey,
        false,
    )?;
    match (plain, next) {
        (Some((a, _)), Some((b, _))) if a != b => Err(ConfigError::Conflicting {
            first: PUBLISHABLE_KEY_VAR,
            second: NEXT_PUBLIC_PUBLISHABLE_KEY_VAR,
        }),
        (Some((key, mode)), _) => Ok(Some((PUBLISHABLE_KEY_VAR, key, mode))),
        (None, Some((key, mode))) => Ok(Some((NEXT_PUBLIC_PUBLISHABLE_KEY_VAR, key, mode))),
        (None, None) if required => Err(ConfigError::Missing {
            variable: PUBLISHABLE_KEY_VAR,
            slot: Slot::PublishableKey,
        }),
        (None, None) => Ok(None),
    }
}

fn read_webhook_secrets(value: Option<&str>, required: bool) -> Result<Vec<String>, ConfigError> {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return if required {
            Err(ConfigError::Missing {
                variable: WEBHOOK_SECRET_VAR,
                slot: Slot::WebhookSecret,
            })
        } else {
            Ok(Vec::new())
        };
    };
    let several = value.contains(',');
    let mut secrets = Vec::new();
    for (index, entry) in value.split(',').enumerate() {
        let checked = if entry.is_empty() {
            Err(KeyError::Empty {
                slot: Slot::WebhookSecret,
            })
        } else {
            check_value(entry, Slot::WebhookSecret)
        };
        if let Err(error) = checked {
            return Err(ConfigError::Invalid {
                variable: WEBHOOK_SECRET_VAR.to_owned(),
                entry: several.then_some(index + 1),
                error,
            });
        }
        secrets.push(entry.to_owned());
    }
    Ok(secrets)
}

/// Parses `STRIPE_API_BASE` into an origin without a trailing slash, its scheme and
/// host in lower case (and `[::1]` however it was written).
///
/// Plain `http` is allowed only to this machine: `localhost`, `127.0.0.0/8` and
/// `[::1]`. Other names under `.localhost` are not: a fetch resolves them through
/// the system resolver, which may ask public DNS, and the secret key would then
/// cross the network unencrypted.
pub fn parse_api_base(value: &str) -> Result<String, ApiBaseProblem> {
    if value.is_empty() {
        return Ok(DEFAULT_API_BASE.to_owned());
    }
    if value.trim() != value || starts_or_ends_with_quote(value) {
        return Err(ApiBaseProblem::Padded);
    }
    // Schemes are case-insensitive: `HTTP://localhost` is `http://localhost`.
    let (secure, rest) = if let Some(rest) = strip_prefix_ignore_case(value, "https://") {
        (true, rest)
    } else if let Some(rest) = strip_prefix_ignore_case(value, "http://") {
        (false, rest)
    } else {
        return Err(ApiBaseProblem::NotAnOrigin);
    };

    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, after) = rest
        .split_at_checked(authority_end)
        .ok_or(ApiBaseProblem::NotAnOrigin)?;
    if !(after.is_empty() || after == "/") {
        return Err(ApiBaseProblem::HasPath);
    }
    if authority.contains('@') {
        return Err(ApiBaseProblem::HasCredentials);
    }
    let (host, port) = host_and_port(authority).ok_or(ApiBaseProblem::NotAnOrigin)?;
    let host = if host.ipv6 == Some(IPV6_LOOPBACK) {
        "[::1]".to_owned()
    } else {
        host.text.to_ascii_lowercase()
    };
    if !secure {
        check_local(&host)?;
    }
    let scheme = if secure { "https" } else { "http" };
    Ok(match port {
        Some(port) => format!("{scheme}://{host}:{port}"),
        None => format!("{scheme}://{host}"),
    })
}

/// The host of an API base as written (an IPv6 address in its brackets), and an
/// IPv6 address's eight groups.
struct Host<'a> {
    text: &'a str,
    ipv6: Option<[u16; 8]>,
}

const IPV6_LOOPBACK: [u16; 8] = [0, 0, 0, 0, 0, 0, 0, 1];

/// The host and port of `host[:port]`, if both are well formed.
fn host_and_port(authority: &str) -> Option<(Host<'_>, Option<u16>)> {
    let (host, port) = if authority.starts_with('[') {
        let close = authority.find(']')?;
        let (text, rest) = authority.split_at_checked(close + 1)?;
        let inner = text.strip_prefix('[')?.strip_suffix(']')?;
        let port = match rest {
            "" => None,
            _ => Some(rest.strip_prefix(':')?),
        };
        let ipv6 = Some(parse_ipv6(inner)?);
        (Host { text, ipv6 }, port)
    } else {
        let (text, port) = match authority.split_once(':') {
            Some((text, port)) => (text, Some(port)),
            None => (authority, None),
        };
        let name_ok = !text.is_empty()
            && text
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        if !name_ok {
            return None;
        }
        (Host { text, ipv6: None }, port)
    };
    let port = match port {
        Some(port) => Some(port.parse::<u16>().ok().filter(|&n| n > 0)?),
        None => None,
    };
    Some((host, port))
}

/// The eight groups of an IPv6 address written as hex groups with `::` at most
/// once. Embedded IPv4 (`::ffff:1.2.3.4`) and zone ids are not accepted.
fn parse_ipv6(text: &str) -> Option<[u16; 8]> {
    let (head, tail) = match find_bytes(text.as_bytes(), b"::") {
        Some(at) => (text.get(..at)?, Some(text.get(at + 2..)?)),
        None => (text, None),
    };
    let mut groups = [0u16; 8];
    let head_len = read_groups(head, &mut groups)?;
    let Some(tail) = tail else {
        return (head_len == 8).then_some(groups);
    };
    let mut tail_groups = [0u16; 8];
    let tail_len = read_groups(tail, &mut tail_groups)?;
    // `::` stands for one group of zeros at least.
    if head_len + tail_len > 7 {
        return None;
    }
    groups[8 - tail_len..].copy_from_slice(&tail_groups[..tail_len]);
    Some(groups)
}

/// Reads `a:b:c`, one to four hex digits each, into `groups`; how many there were.
/// A second `::`, or a lone `:` at either end, leaves an empty group: refused.
fn read_groups(text: &str, groups: &mut [u16; 8]) -> Option<usize> {
    if text.is_empty() {
        return Some(0);
    }
    let mut count = 0;
    for group in text.as_bytes().split(|&b| b == b':') {
        if !(1..=4).contains(&group.len()) {
            return None;
        }
        let mut value = 0u16;
        for &b in group {
            value = value << 4 | u16::try_from(char::from(b).to_digit(16)?).ok()?;
        }
        *groups.get_mut(count)? = value;
        count += 1;
    }
    Some(count)
}

/// Refuses a plain-http host other than this machine, or an IPv4 address in a form
/// the URL parser reads differently from how it looks.
fn check_local(host: &str) -> Result<(), ApiBaseProblem> {
    if host == "localhost" || host == "[::1]" {
        return Ok(());
    }
    if !ends_in_number(host) {
        return Err(ApiBaseProblem::InsecureRemote);
    }
    // A URL parser reads any host ending in a number as an IPv4 address, in
    // shortened (`127.1`), octal (`0177.0.0.1`) or hex (`0x7f.0.0.1`) forms too.
    // Only four plain decimal numbers are read the same by every parser.
    let plain_octet = |octet: &[u8]| {
        (1..=3).contains(&octet.len())
            && octet.iter().all(u8::is_ascii_digit)
            && (octet.len() == 1 || octet.first() != Some(&b'0'))
            && octet.iter().fold(0u16, |n, b| n * 10 + u16::from(b - b'0')) <= 255
    };
    let mut octets = host.as_bytes().split(|&b| b == b'.');
    if octets.clone().count() != 4 || !octets.all(plain_octet) {
        return Err(ApiBaseProblem::UnusualAddress);
    }
    if !host.starts_with("127.") {
        return Err(ApiBaseProblem::InsecureRemote);
    }
    Ok(())
}

/// Whether the URL standard takes `host` for an IPv4 address: its last label
/// (before one trailing dot) is decimal digits or `0x` and hex digits.
fn ends_in_number(host: &str) -> bool {
    let host = host.as_bytes();
    let host = host.strip_suffix(b".").unwrap_or(host);
    let last = host.rsplit(|&b| b == b'.').next().unwrap_or(host);
    if !last.is_empty() && last.iter().all(u8::is_ascii_digit) {
        return true;
    }
    let hex = last.get(2..).unwrap_or_default();
    last.get(..2)
        .is_some_and(|prefix| prefix.eq_ignore_ascii_case(b"0x"))
        && hex.iter().all(u8::is_ascii_hexdigit)
}

fn strip_prefix_ignore_case<'a>(value: &'a str, prefix: &str) -> Option<&'a str> {
    let head = value.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| value.get(prefix.len()..))
        .flatten()
}

/// The known prefixes: each with its kind and, for API keys, its mode.
const PREFIXES: [(&str, KeyKind, Option<Mode>); 7] = [
    ("sk_test_", KeyKind::Secret, Some(Mode::Test)),
    ("sk_live_", KeyKind::Secret, Some(Mode::Live)),
    ("rk_test_", KeyKind::Restricted, Some(Mode::Test)),
    ("rk_live_", KeyKind::Restricted, Some(Mode::Live)),
    ("pk_test_", KeyKind::Publishable, Some(Mode::Test)),
    ("pk_live_", KeyKind::Publishable, Some(Mode::Live)),
    ("whsec_", KeyKind::WebhookSecret, None),
];

fn known_prefix(value: &str) -> Option<(&'static str, KeyKind, Option<Mode>)> {
    PREFIXES
        .iter()
        .copied()
        .find(|(prefix, _, _)| value.starts_with(prefix))
}

/// Characters of a key's body after its prefix. Real keys use letters and digits;
/// `_` and `-` are allowed for the hand-made values of local tools and tests.
pub(crate) fn is_body_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

/// Straight, typographic and back quotes: all turn up around pasted values.
pub(crate) fn starts_or_ends_with_quote(value: &str) -> bool {
    const QUOTES: [char; 7] = [
        '"', '\'', '`', '\u{201c}', '\u{201d}', '\u{2018}', '\u{2019}',
    ];
    value.starts_with(QUOTES) || value.ends_with(QUOTES)
}

/// Whitespace, a line break or a byte-order mark at either end.
pub(crate) fn is_padded(value: &str) -> bool {
    let edge = |c: char| c.is_whitespace() || c == '\u{feff}';
    value.starts_with(edge) || value.ends_with(edge)
}

/// Placeholders such as `sk_test_your_key_here` or `whsec_...`. Real keys are
/// letters and digits after the prefix, so words joined by `_`, runs of `x`, and
/// characters like `<` or `…` never occur in them by chance.
fn is_placeholder(value: &str) -> bool {
    const MARKERS: [&str; 11] = [
        "your_",
        "_your",
        "_here",
        "placeholder",
        "changeme",
        "replace_me",
        "xxxxxxxx",
        "...",
        "…",
        "<",
        ">",
    ];
    let lower = value.to_ascii_lowercase();
    MARKERS
        .iter()
        .any(|marker| find_bytes(lower.as_bytes(), marker.as_bytes()).is_some())
}

/// The checks every key and webhook secret goes through, in the order that gives
/// the most useful message first.
fn check_value(value: &str, slot: Slot) -> Result<(KeyKind, Option<Mode>), KeyError> {
    if value.is_empty() {
        return Err(KeyError::Empty { slot });
    }
    if is_padded(value) {
        return Err(KeyError::Padded { slot });
    }
    if starts_or_ends_with_quote(value) {
        return Err(KeyError::Quoted { slot });
    }
    if is_placeholder(value) {
        return Err(KeyError::Placeholder { slot });
    }

    let Some((prefix, kind, mode)) = known_prefix(value) else {
        return Err(KeyError::Unrecognised { slot });
    };
    let body = value.get(prefix.len()..).unwrap_or_default();
    if body.is_empty() || !body.chars().all(is_body_char) {
        return Err(KeyError::Malformed {
            slot,
            masked: format!("{prefix}…"),
        });
    }
    if !slot.accepts(kind) {
        return Err(KeyError::WrongKind {
            slot,
            found: kind,
            masked: mask(value),
        });
    }
    Ok((kind, mode))
}

/// What a match of [`find_secrets`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Found {
    /// A server secret; `show_tail` when its last four characters may be shown, as
    /// [`mask`] shows them.
    Key {
        kind: KeyKind,
        show_tail: bool,
    },
    ClientSecret,
}

/// One secret in a text: `text[start..end]`, of which the part up to `keep_until`
/// (a key's prefix; a client secret's id and `_secret_`) is not secret.
struct Match {
    start: usize,
    end: usize,
    keep_until: usize,
    what: Found,
}

const SERVER_SECRET_PREFIXES: [(&str, KeyKind); 5] = [
    ("sk_test_", KeyKind::Secret),
    ("sk_live_", KeyKind::Secret),
    ("rk_test_", KeyKind::Restricted),
    ("rk_live_", KeyKind::Restricted),
    ("whsec_", KeyKind::WebhookSecret),
];

const SECRET_MARKER: &str = "_secret_";

/// Shortest key, prefix included, that is masked even right after a letter.
const MIN_GLUED_KEY_LEN: usize = 24;

/// The shortest body of a real key (old-style `sk_test_` keys have 24 characters,
/// webhook secrets 32). A shorter key followed by a space and more key characters
/// was most likely cut by that space, and the rest is masked with it.
const MIN_REAL_KEY_BODY: usize = 24;

/// Every server secret and client secret in `text`, left to right, not overlapping.
/// Prefixes are ASCII, so a byte position where one matches is a char boundary.
fn find_secrets(text: &str) -> impl Iterator<Item = Match> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    core::iter::from_fn(move || {
        while at < bytes.len() {
            let here = at;
            at += 1;
            // After a lower-case letter a prefix is usually part of a word
            // (`disk_test_results`), but escaped text (`\nsk_test_…`) puts a letter
            // before real keys too. Real keys are long, so a long match is masked
            // whatever precedes it.
            let after_lowercase = here > 0 && bytes[here - 1].is_ascii_lowercase();
            if let Some(found) = key_at(bytes, here, after_lowercase) {
                at = found.end;
                return Some(found);
            }
            if let Some(secret_start) = encoded_at(bytes, here, SECRET_MARKER.as_bytes()) {
                if let Some(found) = client_secret_at(bytes, here, secret_start) {
                    at = found.end;
                    return Some(found);
                }
            }
        }
        None
    })
}

/// A key at `start`; when `glued` to a word before it, only one as long as a real
/// key before any space.
fn key_at(bytes: &[u8], start: usize, glued: bool) -> Option<Match> {
    let (prefix_end, kind) = SERVER_SECRET_PREFIXES
        .iter()
        .find_map(|(prefix, kind)| Some((encoded_at(bytes, start, prefix.as_bytes())?, *kind)))?;
    let (mut end, mut units) = body_run(bytes, prefix_end);
    if units == 0 || (glued && end - start < MIN_GLUED_KEY_LEN) {
        return None;
    }
    let mut continued = false;
    while units < MIN_REAL_KEY_BODY {
        let Some(after_space) = space_at(bytes, end) else {
            break;
        };
        let (next_end, more) = body_run(bytes, after_space);
        if more == 0 {
            break;
        }
        (end, units, continued) = (next_end, units + more, true);
    }
    // The last four are shown as `mask` shows them, unless they are part of an
    // escape or the key was continued across a space: then the tail may not be key.
    let tail = bytes.get(end.saturating_sub(6)..end).unwrap_or_default();
    let show_tail =
        !continued && units >= MIN_BODY_LEN_FOR_TAIL && tail.len() == 6 && !tail.contains(&b'%');
    Some(Match {
        start,
        end,
        keep_until: prefix_end,
        what: Found::Key { kind, show_tail },
    })
}

/// A client secret whose `_secret_` (with any `_` perhaps written `%5F`) runs from
/// `marker` to `secret_start`: the id before it must begin with a client-secret
/// prefix that does not follow a lower-case letter.
fn client_secret_at(bytes: &[u8], marker: usize, secret_start: usize) -> Option<Match> {
    // The id's characters, decoded, read backwards from the marker.
    let mut id_run = Vec::new();
    let mut at = marker;
    while at > 0 {
        if at >= 3 && is_encoded_underscore(&bytes[at - 3..]) {
            at -= 3;
            id_run.push(b'_');
        } else if bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_' {
            at -= 1;
            id_run.push(bytes[at]);
        } else {
            break;
        }
    }
    id_run.reverse();
    let starts_id = |offset: usize| {
        let candidate = &id_run[offset..];
        let prefix_ok = crate::client_secret::ID_PREFIXES
            .iter()
            .any(|(prefix, _)| candidate.starts_with(prefix.as_bytes()))
            || candidate == crate::client_secret::CUSTOMER_SESSION_PREFIX.as_bytes();
        let boundary = offset == 0 || !id_run[offset - 1].is_ascii_lowercase();
        prefix_ok && boundary
    };
    (0..id_run.len()).find(|&offset| starts_id(offset))?;

    let secret_len = bytes[secret_start..]
        .iter()
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    (secret_len > 0).then(|| Match {
        start: marker,
        end: secret_start + secret_len,
        keep_until: secret_start,
        what: Found::ClientSecret,
    })
}

/// Where `pattern` ends if it is at `start`, each `_` in it matching `_` or `%5F`.
fn encoded_at(bytes: &[u8], start: usize, pattern: &[u8]) -> Option<usize> {
    let mut at = start;
    for &expected in pattern {
        let rest = bytes.get(at..)?;
        if expected == b'_' && is_encoded_underscore(rest) {
            at += 3;
        } else if rest.first() == Some(&expected) {
            at += 1;
        } else {
            return None;
        }
    }
    Some(at)
}

fn is_encoded_underscore(bytes: &[u8]) -> bool {
    bytes
        .get(..3)
        .is_some_and(|escape| escape.eq_ignore_ascii_case(b"%5f"))
}

/// The end of the run of key body characters (an encoded `_` among them) from
/// `start`, and how many characters it holds.
fn body_run(bytes: &[u8], start: usize) -> (usize, usize) {
    let (mut at, mut count) = (start, 0);
    loop {
        let rest = bytes.get(at..).unwrap_or_default();
        if is_encoded_underscore(rest) {
            at += 3;
        } else if rest.first().is_some_and(|b| is_body_char(char::from(*b))) {
            at += 1;
        } else {
            return (at, count);
        }
        count += 1;
    }
}

/// Where the text after a space (plain, `+` or `%20`) at `at` starts.
fn space_at(bytes: &[u8], at: usize) -> Option<usize> {
    let rest = bytes.get(at..)?;
    match rest.first()? {
        b' ' | b'+' => Some(at + 1),
        b'%' if rest.get(..3) == Some(b"%20") => Some(at + 3),
        _ => None,
    }
}

/// Where `needle` first occurs in `haystack`. A plain scan: the texts here are
/// short, and `str::find` with a string pattern brings a large searcher into the
/// WebAssembly module.
pub(crate) fn find_bytes(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}
