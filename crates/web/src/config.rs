//! The one typed configuration: loaded once from an optional TOML file, then environment variables, then validated.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use openidconnect::url::{Host, Url};
use serde::Deserialize;

/// Server configuration. See `stegvis.example.toml` at the repository root for a commented example.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address and port to listen on.
    pub listen: SocketAddr,
    /// `sqlite://PATH?mode=rwc` (default) or `postgres://...`.
    pub database_url: String,
    /// Send cookies with `Secure` (turn off only for plain-HTTP loopback demos).
    pub secure_cookies: bool,
    /// Demo mode: demo accounts with password `demo` exist and the start page lists them.
    pub demo_mode: bool,
    /// A payment batch above this many kronor needs a second person's approval.
    pub approval_threshold_kr: i64,
    /// Idle session lifetime in minutes.
    pub session_idle_minutes: u32,
    /// Absolute session lifetime in hours: a session ends this long after sign-in, however busy.
    pub session_absolute_hours: u32,
    /// Failed sign-ins allowed (per client address, and per username) within `throttle_window_minutes` before each
    /// further try must wait a delay that doubles from one second up to `throttle_max_delay_minutes`.
    pub max_failed_logins: u32,
    pub throttle_window_minutes: u32,
    /// Minutes between checkpoints of the audit chains (one is also taken at start and at shutdown).
    pub audit_checkpoint_minutes: u32,
    /// The directory signed checkpoints are appended to (`checkpoints.jsonl`); it should be append-only for the
    /// server. Absent: no checkpoints (a warning at start).
    pub audit_checkpoint_dir: Option<PathBuf>,
    /// The file with the key checkpoints are signed with (`stegvis audit keygen --out FILE` makes one), outside
    /// the database and readable by the server only.
    pub audit_checkpoint_key: Option<PathBuf>,
    pub throttle_max_delay_minutes: u32,
    /// Reverse proxies whose `X-Forwarded-For` header is believed (the client address for sign-in throttling).
    /// Empty (the default): the header is ignored and the connection's own address is used.
    pub trusted_proxies: Vec<IpAddr>,
    /// Sign-in through the municipality's OpenID Connect provider, beside local accounts. Off when absent.
    pub oidc: Option<OidcConfig>,
    /// Database connections in the pool (1-64).
    pub database_max_connections: u32,
    /// SQLite only: page cache per connection in KiB (256-1048576).
    pub sqlite_cache_kib: u32,
    /// SQLite only: how much of the file each connection maps into memory, in MiB (0-4096; 0 turns the map off).
    pub sqlite_mmap_mib: u32,
    /// Sign-in for applicants with e-legitimation through the municipality's e-identification broker. Off when
    /// absent; then applicants can sign in only in demo mode (with the demo's passwords).
    pub eid: Option<EidConfig>,
    /// The municipality's guidelines for economic assistance (`[guidelines]`): rent ceilings by household size,
    /// dated. None by default: every rent is then taken at its actual amount.
    pub guidelines: app::norm::Guidelines,
    /// The municipality as its letters name it (`[municipality]`).
    pub municipality: MunicipalityConfig,
    /// The activity requirement's rules, each on or off (`[aktivitetskrav]`, issue #13).
    pub aktivitetskrav: AktivitetskravConfig,
}

/// The `[aktivitetskrav]` section: which dated rules flag adults below full time after three consecutive months on
/// assistance (`app::domain::progression::requirement`). The municipality's own activity guarantee (from
/// 2024-01-01) is on by default; the national aktivitetskrav (proposed from 2026-07-01, its status uncertain) is off
/// until the municipality turns it on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AktivitetskravConfig {
    pub activity_guarantee: bool,
    pub national: bool,
}

impl Default for AktivitetskravConfig {
    fn default() -> Self {
        AktivitetskravConfig {
            activity_guarantee: true,
            national: false,
        }
    }
}

impl AktivitetskravConfig {
    /// The rules as the application core takes them.
    pub fn requirements(&self) -> app::domain::progression::Requirements {
        app::domain::progression::Requirements::configured(self.activity_guarantee, self.national)
    }
}

/// The `[municipality]` section: what the decision letter says the decision is the board's.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MunicipalityConfig {
    /// The board (nämnd) that decides economic assistance, as its letters name it: "Arbets- och välfärdsnämnden".
    pub board_name: String,
}

impl Default for MunicipalityConfig {
    fn default() -> Self {
        // The law's own name for the board; each municipality configures its own.
        MunicipalityConfig {
            board_name: "Socialnämnden".to_owned(),
        }
    }
}

/// The demo's board (a common name for the board that decides economic assistance).
pub fn demo_municipality() -> MunicipalityConfig {
    MunicipalityConfig {
        board_name: "Arbets- och välfärdsnämnden".to_owned(),
    }
}

/// Longest board name the letter prints.
const MAX_BOARD_NAME: usize = 200;

/// The `[eid]` section: the municipality's e-identification broker (BankID, Freja eID, ...) speaking OpenID Connect,
/// and this service's registration there. Separate from `[oidc]` (staff): another provider, another client, and
/// the person is found by personnummer rather than by an administrator's link.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EidConfig {
    /// The broker's issuer URL. https, except on a loopback address.
    #[serde(default)]
    pub issuer_url: String,
    #[serde(default)]
    pub client_id: String,
    /// Absent for a public client (PKCE only). Never printed.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// This service's callback as registered at the broker: absolute, ending in `/login/eid/callback`.
    #[serde(default)]
    pub redirect_url: String,
    /// Scopes asked for besides `openid`; by default the OIDC Sweden scope for a natural person's personnummer.
    #[serde(default = "default_eid_scopes")]
    pub scopes: Vec<String>,
    /// The ID token claim that carries the personnummer (twelve digits): by default the OIDC Sweden claim; some
    /// brokers use e.g. `personal_number`.
    #[serde(default = "default_personnummer_claim")]
    pub personnummer_claim: String,
}

/// The OIDC Sweden profile's scope for a natural person's personnummer.
pub const OIDC_SWEDEN_PERSON_SCOPE: &str = "https://id.oidc.se/scope/naturalPersonNumber";
/// The OIDC Sweden profile's personnummer claim.
pub const OIDC_SWEDEN_PERSONNUMMER_CLAIM: &str = "https://id.oidc.se/claim/personalIdentityNumber";

fn default_eid_scopes() -> Vec<String> {
    vec![OIDC_SWEDEN_PERSON_SCOPE.to_owned()]
}

fn default_personnummer_claim() -> String {
    OIDC_SWEDEN_PERSONNUMMER_CLAIM.to_owned()
}

impl Default for EidConfig {
    fn default() -> EidConfig {
        EidConfig {
            issuer_url: String::new(),
            client_id: String::new(),
            client_secret: None,
            redirect_url: String::new(),
            scopes: default_eid_scopes(),
            personnummer_claim: default_personnummer_claim(),
        }
    }
}

/// The client secret is never printed.
impl fmt::Debug for EidConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EidConfig")
            .field("issuer_url", &self.issuer_url)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("redirect_url", &self.redirect_url)
            .field("scopes", &self.scopes)
            .field("personnummer_claim", &self.personnummer_claim)
            .finish()
    }
}

impl EidConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |field: &'static str, reason: &str| ConfigError::Invalid {
            field,
            reason: reason.to_owned(),
        };
        let issuer = secure_url("eid.issuer_url", &self.issuer_url)?;
        if issuer.query().is_some() || issuer.fragment().is_some() {
            return Err(invalid("eid.issuer_url", "must have no query or fragment"));
        }
        if self.client_id.trim().is_empty() {
            return Err(invalid("eid.client_id", "must not be empty"));
        }
        if self.client_secret.as_deref().is_some_and(|s| s.is_empty()) {
            return Err(invalid(
                "eid.client_secret",
                "leave it out for a public client, or give it",
            ));
        }
        let redirect = secure_url("eid.redirect_url", &self.redirect_url)?;
        if !redirect.path().ends_with(crate::eid_pages::CALLBACK_PATH) {
            return Err(invalid(
                "eid.redirect_url",
                "must end in /login/eid/callback (this service's callback)",
            ));
        }
        if self
            .scopes
            .iter()
            .any(|s| s.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control()) || s == "openid")
        {
            return Err(invalid(
                "eid.scopes",
                "one word each, without openid (always asked for)",
            ));
        }
        let claim = self.personnummer_claim.trim();
        if claim.is_empty() || claim != self.personnummer_claim || claim.chars().any(char::is_control) {
            return Err(invalid(
                "eid.personnummer_claim",
                "the claim's name, e.g. https://id.oidc.se/claim/personalIdentityNumber",
            ));
        }
        Ok(())
    }
}

/// The `[oidc]` section: the municipality's OpenID Connect provider and this service's registration there.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OidcConfig {
    /// The provider's issuer URL (discovery reads `{issuer_url}/.well-known/openid-configuration`). https, except on
    /// a loopback address.
    #[serde(default)]
    pub issuer_url: String,
    #[serde(default)]
    pub client_id: String,
    /// Absent for a public client (PKCE only). Never printed.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// This service's callback as registered at the provider: absolute, ending in `/login/oidc/callback`.
    #[serde(default)]
    pub redirect_url: String,
    /// Scopes asked for besides `openid`, which is always asked for.
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// The text of the sign-in button; absent: "Logga in med kommunens konto" (English: "Sign in with your
    /// municipal account").
    #[serde(default)]
    pub button_label: Option<String>,
    /// Which claim of the ID token is looked up in the administrators' links.
    #[serde(default)]
    pub subject_claim: SubjectClaim,
}

fn default_scopes() -> Vec<String> {
    vec!["profile".to_owned()]
}

/// The ID token claim that identifies the person at the provider.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectClaim {
    /// `sub`: stable and unique at the issuer by the standard (the default).
    #[default]
    Sub,
    /// `preferred_username`: readable, but the standard does not promise it is unique or never reused.
    PreferredUsername,
}

impl Default for OidcConfig {
    fn default() -> OidcConfig {
        OidcConfig {
            issuer_url: String::new(),
            client_id: String::new(),
            client_secret: None,
            redirect_url: String::new(),
            scopes: default_scopes(),
            button_label: None,
            subject_claim: SubjectClaim::default(),
        }
    }
}

/// The client secret is never printed.
impl fmt::Debug for OidcConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcConfig")
            .field("issuer_url", &self.issuer_url)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("redirect_url", &self.redirect_url)
            .field("scopes", &self.scopes)
            .field("button_label", &self.button_label)
            .field("subject_claim", &self.subject_claim)
            .finish()
    }
}

/// Whether a URL's host is this machine (plain http is allowed there: tests and a provider on the same host).
fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

fn secure_url(field: &'static str, value: &str) -> Result<Url, ConfigError> {
    let invalid = |reason: &str| ConfigError::Invalid {
        field,
        reason: reason.to_owned(),
    };
    let url = Url::parse(value).map_err(|e| invalid(&format!("not an absolute URL ({e})")))?;
    match url.scheme() {
        "https" if url.host().is_some() => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(invalid("must be https (plain http only on a loopback address)")),
        _ => Err(invalid("must be an https URL")),
    }
}

impl OidcConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |field: &'static str, reason: &str| ConfigError::Invalid {
            field,
            reason: reason.to_owned(),
        };
        let issuer = secure_url("oidc.issuer_url", &self.issuer_url)?;
        if issuer.query().is_some() || issuer.fragment().is_some() {
            return Err(invalid("oidc.issuer_url", "must have no query or fragment"));
        }
        if self.client_id.trim().is_empty() {
            return Err(invalid("oidc.client_id", "must not be empty"));
        }
        if self.client_secret.as_deref().is_some_and(|s| s.is_empty()) {
            return Err(invalid(
                "oidc.client_secret",
                "leave it out for a public client, or give it",
            ));
        }
        let redirect = secure_url("oidc.redirect_url", &self.redirect_url)?;
        if !redirect.path().ends_with(crate::oidc_pages::CALLBACK_PATH) {
            return Err(invalid(
                "oidc.redirect_url",
                "must end in /login/oidc/callback (this service's callback)",
            ));
        }
        if self
            .scopes
            .iter()
            .any(|s| s.is_empty() || s.chars().any(|c| c.is_whitespace() || c.is_control()) || s == "openid")
        {
            return Err(invalid(
                "oidc.scopes",
                "one word each, without openid (always asked for)",
            ));
        }
        if let Some(label) = &self.button_label
            && (label.trim().is_empty() || label.chars().count() > 100)
        {
            return Err(invalid("oidc.button_label", "1-100 characters"));
        }
        Ok(())
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: "sqlite://stegvis.sqlite?mode=rwc".to_owned(),
            secure_cookies: true,
            demo_mode: false,
            approval_threshold_kr: 100_000,
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            max_failed_logins: 5,
            throttle_window_minutes: 15,
            audit_checkpoint_minutes: 15,
            audit_checkpoint_dir: None,
            audit_checkpoint_key: None,
            throttle_max_delay_minutes: 15,
            trusted_proxies: Vec::new(),
            oidc: None,
            database_max_connections: 4,
            sqlite_cache_kib: 2048,
            sqlite_mmap_mib: 256,
            eid: None,
            guidelines: app::norm::Guidelines::none(),
            municipality: MunicipalityConfig::default(),
            aktivitetskrav: AktivitetskravConfig::default(),
        }
    }
}

/// The database URL may carry a password: never print it.
impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let db = match self.database_url.split_once('@') {
            Some((_, host)) => format!("<redacted>@{host}"),
            None => self.database_url.clone(),
        };
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("database_url", &db)
            .field("secure_cookies", &self.secure_cookies)
            .field("demo_mode", &self.demo_mode)
            .field("approval_threshold_kr", &self.approval_threshold_kr)
            .field("session_idle_minutes", &self.session_idle_minutes)
            .field("session_absolute_hours", &self.session_absolute_hours)
            .field("max_failed_logins", &self.max_failed_logins)
            .field("throttle_window_minutes", &self.throttle_window_minutes)
            .field("audit_checkpoint_minutes", &self.audit_checkpoint_minutes)
            .field("audit_checkpoint_dir", &self.audit_checkpoint_dir)
            .field("audit_checkpoint_key", &self.audit_checkpoint_key)
            .field("throttle_max_delay_minutes", &self.throttle_max_delay_minutes)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("oidc", &self.oidc)
            .field("database_max_connections", &self.database_max_connections)
            .field("sqlite_cache_kib", &self.sqlite_cache_kib)
            .field("sqlite_mmap_mib", &self.sqlite_mmap_mib)
            .field("eid", &self.eid)
            .field("guidelines", &self.guidelines)
            .field("municipality", &self.municipality)
            .field("aktivitetskrav", &self.aktivitetskrav)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{path}: {source}")]
    Parse { path: String, source: toml::de::Error },
    #[error("environment variable {name}: {reason}")]
    Env { name: &'static str, reason: String },
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
}

impl Config {
    /// File (if given) first, then `STEGVIS_*` environment variables, then validation.
    /// `env` is passed in so that tests need not touch the process environment.
    pub fn load(file: Option<&Path>, env: &dyn Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let mut config = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.display().to_string(),
                    source,
                })?;
                Config::from_toml(&text).map_err(|source| ConfigError::Parse {
                    path: path.display().to_string(),
                    source,
                })?
            }
            None => Config::default(),
        };
        config.apply_env(env)?;
        config.validate()?;
        Ok(config)
    }

    /// The sign-in and session policy the application core enforces.
    pub fn policy(&self) -> app::Policy {
        app::Policy {
            throttle: app::auth::Throttle {
                max_failures: self.max_failed_logins,
                window: jiff::SignedDuration::from_mins(i64::from(self.throttle_window_minutes)),
                max_delay: jiff::SignedDuration::from_mins(i64::from(self.throttle_max_delay_minutes)),
            },
            session_idle: jiff::SignedDuration::from_mins(i64::from(self.session_idle_minutes)),
            session_absolute: jiff::SignedDuration::from_hours(i64::from(self.session_absolute_hours)),
            demo_mode: self.demo_mode,
            // Validated ≥ 0 and far below the overflow limit, so this cannot fail in practice; fall back to zero
            // (every run needs a second person) rather than to no rule at all.
            second_person_above: app::norm::Money::from_kronor(self.approval_threshold_kr)
                .unwrap_or(app::norm::Money::ZERO),
        }
    }

    /// The key and directory checkpoints are signed with and published to; `None` when they are not configured.
    /// Reads the key file.
    pub fn checkpoint_anchor(
        &self,
    ) -> Result<Option<app::checkpoints::Anchor>, app::checkpoints::CheckpointFileError> {
        let (Some(dir), Some(key)) = (&self.audit_checkpoint_dir, &self.audit_checkpoint_key) else {
            return Ok(None);
        };
        Ok(Some(app::checkpoints::Anchor {
            key: app::checkpoints::load_key(key)?,
            dir: app::checkpoints::CheckpointDir::new(dir),
        }))
    }

    pub fn from_toml(text: &str) -> Result<Config, toml::de::Error> {
        toml::from_str(text)
    }

    fn apply_env(&mut self, env: &dyn Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        fn parsed<T: std::str::FromStr>(name: &'static str, value: String) -> Result<T, ConfigError>
        where
            T::Err: fmt::Display,
        {
            value.parse().map_err(|e: T::Err| ConfigError::Env {
                name,
                reason: e.to_string(),
            })
        }
        if let Some(v) = env("STEGVIS_LISTEN") {
            self.listen = parsed("STEGVIS_LISTEN", v)?;
        }
        if let Some(v) = env("STEGVIS_DATABASE_URL") {
            self.database_url = v;
        }
        if let Some(v) = env("STEGVIS_DEMO_MODE") {
            self.demo_mode = parsed("STEGVIS_DEMO_MODE", v)?;
        }
        if let Some(v) = env("STEGVIS_SECURE_COOKIES") {
            self.secure_cookies = parsed("STEGVIS_SECURE_COOKIES", v)?;
        }
        if let Some(v) = env("STEGVIS_DATABASE_MAX_CONNECTIONS") {
            self.database_max_connections = parsed("STEGVIS_DATABASE_MAX_CONNECTIONS", v)?;
        }
        if let Some(v) = env("STEGVIS_SQLITE_MMAP_MIB") {
            self.sqlite_mmap_mib = parsed("STEGVIS_SQLITE_MMAP_MIB", v)?;
        }
        if let Some(v) = env("STEGVIS_APPROVAL_THRESHOLD_KR") {
            self.approval_threshold_kr = parsed("STEGVIS_APPROVAL_THRESHOLD_KR", v)?;
        }
        // Any of these turns the provider on (the client secret is best given here rather than in the file).
        let oidc_env = [
            "STEGVIS_OIDC_ISSUER_URL",
            "STEGVIS_OIDC_CLIENT_ID",
            "STEGVIS_OIDC_CLIENT_SECRET",
            "STEGVIS_OIDC_REDIRECT_URL",
        ]
        .map(env);
        if oidc_env.iter().any(Option::is_some) {
            let [issuer_url, client_id, client_secret, redirect_url] = oidc_env;
            let oidc = self.oidc.get_or_insert_with(OidcConfig::default);
            if let Some(v) = issuer_url {
                oidc.issuer_url = v;
            }
            if let Some(v) = client_id {
                oidc.client_id = v;
            }
            if let Some(v) = client_secret {
                oidc.client_secret = Some(v);
            }
            if let Some(v) = redirect_url {
                oidc.redirect_url = v;
            }
        }
        // The same for the e-identification broker (applicants).
        let eid_env = [
            "STEGVIS_EID_ISSUER_URL",
            "STEGVIS_EID_CLIENT_ID",
            "STEGVIS_EID_CLIENT_SECRET",
            "STEGVIS_EID_REDIRECT_URL",
        ]
        .map(env);
        if eid_env.iter().any(Option::is_some) {
            let [issuer_url, client_id, client_secret, redirect_url] = eid_env;
            let eid = self.eid.get_or_insert_with(EidConfig::default);
            if let Some(v) = issuer_url {
                eid.issuer_url = v;
            }
            if let Some(v) = client_id {
                eid.client_id = v;
            }
            if let Some(v) = client_secret {
                eid.client_secret = Some(v);
            }
            if let Some(v) = redirect_url {
                eid.redirect_url = v;
            }
        }
        Ok(())
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(self.database_url.starts_with("sqlite:") || self.database_url.starts_with("postgres")) {
            return Err(ConfigError::Invalid {
                field: "database_url",
                reason: "must start with sqlite: or postgres://".to_owned(),
            });
        }
        if !(1..=64).contains(&self.database_max_connections) {
            return Err(ConfigError::Invalid {
                field: "database_max_connections",
                reason: "must be 1-64".to_owned(),
            });
        }
        if !(256..=1_048_576).contains(&self.sqlite_cache_kib) {
            return Err(ConfigError::Invalid {
                field: "sqlite_cache_kib",
                reason: "must be 256-1048576".to_owned(),
            });
        }
        if self.sqlite_mmap_mib > 4096 {
            return Err(ConfigError::Invalid {
                field: "sqlite_mmap_mib",
                reason: "must be 0-4096".to_owned(),
            });
        }
        if self.approval_threshold_kr < 0 {
            return Err(ConfigError::Invalid {
                field: "approval_threshold_kr",
                reason: "must be ≥ 0".to_owned(),
            });
        }
        if self.session_idle_minutes == 0
            || self.session_absolute_hours == 0
            || self.max_failed_logins == 0
            || self.throttle_window_minutes == 0
            || self.throttle_max_delay_minutes == 0
        {
            return Err(ConfigError::Invalid {
                field: "session_idle_minutes/session_absolute_hours/max_failed_logins/throttle_window_minutes/\
                        throttle_max_delay_minutes",
                reason: "must be > 0".to_owned(),
            });
        }
        if self.audit_checkpoint_minutes == 0 || self.audit_checkpoint_minutes > 24 * 60 {
            return Err(ConfigError::Invalid {
                field: "audit_checkpoint_minutes",
                reason: "must be 1-1440".to_owned(),
            });
        }
        if self.audit_checkpoint_dir.is_some() != self.audit_checkpoint_key.is_some() {
            return Err(ConfigError::Invalid {
                field: "audit_checkpoint_dir/audit_checkpoint_key",
                reason:
                    "give both (checkpoints are signed with the key and appended in the directory) or neither"
                        .to_owned(),
            });
        }
        if u64::from(self.session_idle_minutes) > u64::from(self.session_absolute_hours) * 60 {
            return Err(ConfigError::Invalid {
                field: "session_idle_minutes",
                reason: "must not be longer than session_absolute_hours".to_owned(),
            });
        }
        // The demo's conveniences are for a plain-HTTP demo on loopback only.
        if !self.secure_cookies && !self.demo_mode {
            return Err(ConfigError::Invalid {
                field: "secure_cookies",
                reason: "may be false only in demo mode (cookies without Secure travel over plain HTTP)"
                    .to_owned(),
            });
        }
        if let Some(oidc) = &self.oidc {
            oidc.validate()?;
        }
        if let Some(eid) = &self.eid {
            eid.validate()?;
        }
        validate_guidelines(&self.guidelines)?;
        let board = self.municipality.board_name.trim();
        if board.is_empty() || board.chars().count() > MAX_BOARD_NAME || board.chars().any(char::is_control) {
            return Err(ConfigError::Invalid {
                field: "municipality.board_name",
                reason: format!("must be 1-{MAX_BOARD_NAME} characters on one line"),
            });
        }
        Ok(())
    }
}

/// Most household sizes a rent ceiling lists (the last entry covers every larger household).
const MAX_CEILING_SIZES: usize = 20;

/// The `[guidelines]` section: the engine's own checks (amounts, overlapping periods) and a name a decision can
/// quote.
fn validate_guidelines(g: &app::norm::Guidelines) -> Result<(), ConfigError> {
    g.validate().map_err(|e| ConfigError::Invalid {
        field: "guidelines",
        reason: e.0,
    })?;
    for (i, c) in g.rent_ceilings.iter().enumerate() {
        if c.name.trim().is_empty() || c.name.chars().count() > 200 || c.name.chars().any(char::is_control) {
            return Err(ConfigError::Invalid {
                field: "guidelines.rent_ceilings.name",
                reason: format!("rent_ceilings[{i}].name must be 1-200 characters on one line"),
            });
        }
        if c.by_size_kronor.len() > MAX_CEILING_SIZES {
            return Err(ConfigError::Invalid {
                field: "guidelines.rent_ceilings.by_size_kronor",
                reason: format!("rent_ceilings[{i}].by_size_kronor lists at most {MAX_CEILING_SIZES} sizes"),
            });
        }
    }
    Ok(())
}

/// The demo's guidelines. ILLUSTRATIVE amounts, not any municipality's decision: rent ceilings of 4,500-9,300 kr by
/// household size are common in municipal guidelines (../shared/domain/README.md, §3).
pub fn demo_guidelines() -> app::norm::Guidelines {
    app::norm::Guidelines {
        rent_ceilings: vec![app::norm::RentCeiling {
            name: "Riktlinjer för ekonomiskt bistånd (demo, påhittade belopp)".to_owned(),
            from: app::norm::Month::MIN,
            until: None,
            // 1, 2, 3, 4 and 5 or more persons.
            by_size_kronor: vec![4_500, 6_000, 7_200, 8_300, 9_300],
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_then_env_then_validation() {
        let c = Config::from_toml("listen = \"0.0.0.0:9000\"\napproval_threshold_kr = 5000\n").unwrap();
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(c.approval_threshold_kr, 5000);
        assert!(Config::from_toml("no_such_option = 1").is_err());

        let env = |k: &str| (k == "STEGVIS_APPROVAL_THRESHOLD_KR").then(|| "-1".to_owned());
        let err = Config::load(None, &env).unwrap_err();
        assert!(err.to_string().contains("approval_threshold_kr"), "{err}");

        let env = |k: &str| (k == "STEGVIS_LISTEN").then(|| "nonsense".to_owned());
        assert!(matches!(
            Config::load(None, &env),
            Err(ConfigError::Env {
                name: "STEGVIS_LISTEN",
                ..
            })
        ));
    }

    #[test]
    fn the_commented_example_file_is_valid_and_matches_the_defaults() {
        let text = include_str!("../../../stegvis.example.toml");
        let c = Config::from_toml(text).unwrap();
        c.validate().unwrap();
        assert_eq!(format!("{c:?}"), format!("{:?}", Config::default()));
    }

    /// The `[oidc]` section of the example, uncommented, as an operator would turn it on.
    fn example_oidc_section() -> String {
        let text = include_str!("../../../stegvis.example.toml");
        let start = text.find("\n# [oidc]\n").unwrap();
        text[start + 1..]
            .lines()
            .take_while(|l| l.starts_with('#'))
            .filter(|l| !l.starts_with("##"))
            .map(|l| l.trim_start_matches('#').trim_start())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_example_oidc_section_is_valid() {
        let c = Config::from_toml(&example_oidc_section()).unwrap();
        c.validate().unwrap();
        let oidc = c.oidc.unwrap();
        assert_eq!(oidc.subject_claim, SubjectClaim::Sub);
        assert!(
            oidc.client_secret.is_none(),
            "the example keeps the secret in the environment"
        );
    }

    #[test]
    fn oidc_urls_are_https_except_on_loopback_and_the_secret_is_never_shown() {
        let with = |issuer: &str, redirect: &str| {
            Config::from_toml(&format!(
                "[oidc]\nissuer_url = \"{issuer}\"\nclient_id = \"stegvis\"\nredirect_url = \"{redirect}\"\n"
            ))
            .unwrap()
            .validate()
        };
        let callback = "https://stegvis.kommun.example/login/oidc/callback";
        assert!(with("https://login.kommun.example/realms/k", callback).is_ok());
        assert!(
            with(
                "http://127.0.0.1:9999",
                "http://127.0.0.1:8080/login/oidc/callback"
            )
            .is_ok()
        );
        assert!(with("http://localhost:9999", callback).is_ok());
        for (issuer, redirect, field) in [
            ("http://login.kommun.example", callback, "oidc.issuer_url"),
            ("login.kommun.example", callback, "oidc.issuer_url"),
            ("ftp://login.kommun.example", callback, "oidc.issuer_url"),
            ("https://login.kommun.example?x=1", callback, "oidc.issuer_url"),
            (
                "https://login.kommun.example",
                "/login/oidc/callback",
                "oidc.redirect_url",
            ),
            (
                "https://login.kommun.example",
                "http://stegvis.kommun.example/login/oidc/callback",
                "oidc.redirect_url",
            ),
            (
                "https://login.kommun.example",
                "https://stegvis.kommun.example/elsewhere",
                "oidc.redirect_url",
            ),
        ] {
            match with(issuer, redirect) {
                Err(ConfigError::Invalid { field: f, .. }) => assert_eq!(f, field, "{issuer} {redirect}"),
                other => panic!("{issuer} {redirect}: {other:?}"),
            }
        }

        // The environment fills in (or turns on) the section; the secret comes from there and is never printed.
        let env = |k: &str| match k {
            "STEGVIS_OIDC_ISSUER_URL" => Some("https://login.kommun.example".to_owned()),
            "STEGVIS_OIDC_CLIENT_ID" => Some("stegvis".to_owned()),
            "STEGVIS_OIDC_CLIENT_SECRET" => Some("top-secret-value".to_owned()),
            "STEGVIS_OIDC_REDIRECT_URL" => Some(callback.to_owned()),
            _ => None,
        };
        let c = Config::load(None, &env).unwrap();
        let oidc = c.oidc.as_ref().unwrap();
        assert_eq!(oidc.client_secret.as_deref(), Some("top-secret-value"));
        assert_eq!(oidc.scopes, ["profile"]);
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("top-secret-value") && shown.contains("<redacted>"),
            "{shown}"
        );

        // Turned on by the environment but incomplete: refused at start, naming the field.
        let env =
            |k: &str| (k == "STEGVIS_OIDC_ISSUER_URL").then(|| "https://login.kommun.example".to_owned());
        assert!(matches!(
            Config::load(None, &env),
            Err(ConfigError::Invalid {
                field: "oidc.client_id",
                ..
            })
        ));
    }

    /// The `[eid]` section of the example, uncommented, as an operator would turn it on.
    fn example_eid_section() -> String {
        let text = include_str!("../../../stegvis.example.toml");
        let start = text.find("\n# [eid]\n").unwrap();
        text[start + 1..]
            .lines()
            .take_while(|l| l.starts_with('#'))
            .filter(|l| !l.starts_with("##"))
            .map(|l| l.trim_start_matches('#').trim_start())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_example_eid_section_is_valid_with_the_oidc_sweden_claim() {
        let c = Config::from_toml(&example_eid_section()).unwrap();
        c.validate().unwrap();
        let eid = c.eid.clone().unwrap();
        assert_eq!(eid.personnummer_claim, OIDC_SWEDEN_PERSONNUMMER_CLAIM);
        assert_eq!(eid.scopes, [OIDC_SWEDEN_PERSON_SCOPE]);
        assert!(eid.client_secret.is_none());
        // Applicants' passwords follow demo mode.
        assert!(!c.policy().demo_mode);
        assert!(
            Config {
                demo_mode: true,
                ..Config::default()
            }
            .policy()
            .demo_mode
        );
    }

    #[test]
    fn the_eid_section_is_checked_and_its_secret_never_shown() {
        let with = |extra: &str| {
            Config::from_toml(&format!(
                "[eid]\nissuer_url = \"https://eid.kommun.example\"\nclient_id = \"stegvis\"\n\
                 redirect_url = \"https://stegvis.kommun.example/login/eid/callback\"\n{extra}"
            ))
            .unwrap()
            .validate()
        };
        assert!(with("").is_ok());
        assert!(with("personnummer_claim = \"personal_number\"\n").is_ok());
        for (extra, field) in [
            ("personnummer_claim = \"\"\n", "eid.personnummer_claim"),
            ("personnummer_claim = \" pnr\"\n", "eid.personnummer_claim"),
            ("scopes = [\"openid\"]\n", "eid.scopes"),
            ("client_secret = \"\"\n", "eid.client_secret"),
        ] {
            match with(extra) {
                Err(ConfigError::Invalid { field: f, .. }) => assert_eq!(f, field, "{extra}"),
                other => panic!("{extra}: {other:?}"),
            }
        }
        // The staff callback is not the applicants' one.
        let c = Config::from_toml(
            "[eid]\nissuer_url = \"https://eid.kommun.example\"\nclient_id = \"stegvis\"\n\
             redirect_url = \"https://stegvis.kommun.example/login/oidc/callback\"\n",
        )
        .unwrap();
        assert!(matches!(
            c.validate(),
            Err(ConfigError::Invalid {
                field: "eid.redirect_url",
                ..
            })
        ));
        let env = |k: &str| match k {
            "STEGVIS_EID_ISSUER_URL" => Some("https://eid.kommun.example".to_owned()),
            "STEGVIS_EID_CLIENT_ID" => Some("stegvis".to_owned()),
            "STEGVIS_EID_CLIENT_SECRET" => Some("eid-secret-value".to_owned()),
            "STEGVIS_EID_REDIRECT_URL" => {
                Some("https://stegvis.kommun.example/login/eid/callback".to_owned())
            }
            _ => None,
        };
        let c = Config::load(None, &env).unwrap();
        assert_eq!(
            c.eid.as_ref().unwrap().client_secret.as_deref(),
            Some("eid-secret-value")
        );
        let shown = format!("{c:?}");
        assert!(!shown.contains("eid-secret-value"), "{shown}");
    }

    #[test]
    fn checkpoints_need_both_key_and_directory_and_a_sane_interval() {
        let c = Config::from_toml(
            "audit_checkpoint_minutes = 5\naudit_checkpoint_dir = \"/var/lib/stegvis/kontrollpunkter\"\n\
             audit_checkpoint_key = \"/etc/stegvis/checkpoint.key\"\n",
        )
        .unwrap();
        c.validate().unwrap();
        assert_eq!(c.audit_checkpoint_minutes, 5);
        for (toml, field) in [
            ("audit_checkpoint_minutes = 0", "audit_checkpoint_minutes"),
            ("audit_checkpoint_minutes = 1441", "audit_checkpoint_minutes"),
            (
                "audit_checkpoint_dir = \"/tmp/x\"",
                "audit_checkpoint_dir/audit_checkpoint_key",
            ),
            (
                "audit_checkpoint_key = \"/tmp/k\"",
                "audit_checkpoint_dir/audit_checkpoint_key",
            ),
        ] {
            match Config::from_toml(toml).unwrap().validate() {
                Err(ConfigError::Invalid { field: f, .. }) => assert_eq!(f, field, "{toml}"),
                other => panic!("{toml}: {other:?}"),
            }
        }
        // Not configured: no anchor, and nothing is read.
        assert!(Config::default().checkpoint_anchor().unwrap().is_none());
    }

    #[test]
    fn insecure_cookies_only_in_demo_mode_and_sessions_have_an_absolute_lifetime() {
        // Refused from the file and from the environment alike, naming the field.
        let refused = Config::from_toml("secure_cookies = false\n").unwrap().validate();
        assert!(
            matches!(
                &refused,
                Err(ConfigError::Invalid {
                    field: "secure_cookies",
                    ..
                })
            ),
            "{refused:?}"
        );
        let env = |k: &str| (k == "STEGVIS_SECURE_COOKIES").then(|| "false".to_owned());
        assert!(matches!(
            Config::load(None, &env),
            Err(ConfigError::Invalid {
                field: "secure_cookies",
                ..
            })
        ));
        // The demo (`stegvis demo` sets both, the browser tests give both in the environment) is allowed.
        let demo = Config::from_toml("secure_cookies = false\ndemo_mode = true\n").unwrap();
        demo.validate().unwrap();
        assert!(demo.policy().demo_mode);
        let env = |k: &str| match k {
            "STEGVIS_SECURE_COOKIES" => Some("false".to_owned()),
            "STEGVIS_DEMO_MODE" => Some("true".to_owned()),
            _ => None,
        };
        assert!(Config::load(None, &env).unwrap().demo_mode);

        // Twelve hours by default, as the example file says; an idle limit beyond it makes no sense.
        let c = Config::default();
        assert_eq!(c.policy().session_absolute, jiff::SignedDuration::from_hours(12));
        assert!(!c.policy().demo_mode);
        let long_idle = Config::from_toml("session_idle_minutes = 721\n")
            .unwrap()
            .validate();
        assert!(matches!(
            long_idle,
            Err(ConfigError::Invalid {
                field: "session_idle_minutes",
                ..
            })
        ));
        let c = Config::from_toml("trusted_proxies = [\"10.0.0.1\", \"::1\"]\n").unwrap();
        assert_eq!(c.trusted_proxies.len(), 2);
    }

    #[test]
    fn the_activity_requirement_rules_are_switched_in_their_section() {
        let c = Config::default();
        assert!(c.aktivitetskrav.activity_guarantee && !c.aktivitetskrav.national);
        let day = jiff::civil::date(2026, 12, 3);
        assert_eq!(c.aktivitetskrav.requirements().in_force(day).len(), 1);
        let c = Config::from_toml("[aktivitetskrav]\nactivity_guarantee = false\nnational = true\n").unwrap();
        let rules = c.aktivitetskrav.requirements();
        assert_eq!(rules.in_force(day).len(), 1);
        // The national rule is not in force before its day.
        assert!(rules.in_force(jiff::civil::date(2026, 6, 30)).is_empty());
        assert!(Config::from_toml("[aktivitetskrav]\nnationell = true\n").is_err());
    }

    #[test]
    fn debug_hides_database_password() {
        let c = Config {
            database_url: "postgres://u:secret@db/x".into(),
            ..Config::default()
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("secret"), "{shown}");
    }

    /// The `[guidelines]` section of the example, uncommented.
    fn example_guidelines_section() -> String {
        let text = include_str!("../../../stegvis.example.toml");
        let start = text.find("# [[guidelines.rent_ceilings]]").unwrap();
        text[start..]
            .lines()
            .filter(|l| !l.starts_with("##"))
            .map(|l| l.strip_prefix("# ").unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn the_board_name_is_read_from_the_municipality_section_and_checked() {
        assert_eq!(Config::default().municipality.board_name, "Socialnämnden");
        let c = Config::from_toml("[municipality]\nboard_name = \"Arbets- och välfärdsnämnden\"\n").unwrap();
        assert_eq!(c.municipality.board_name, "Arbets- och välfärdsnämnden");
        c.validate().unwrap();
        let empty = Config::from_toml("[municipality]\nboard_name = \"  \"\n").unwrap();
        let msg = empty.validate().unwrap_err().to_string();
        assert!(msg.contains("municipality.board_name"), "{msg}");
        let two_lines = Config::from_toml("[municipality]\nboard_name = \"A\\nB\"\n").unwrap();
        assert!(two_lines.validate().is_err());
    }

    #[test]
    fn guidelines_are_read_from_the_file_and_checked_at_start() {
        let c = Config::from_toml(&example_guidelines_section()).unwrap();
        c.validate().unwrap();
        let month = app::norm::Month::new(2026, 3).unwrap();
        // The example's ceilings: 4,500 kr for one person, 7,200 kr for three, 9,300 kr for five and more.
        let ceiling = |n| c.guidelines.rent_ceiling(month, n).map(|(_, m)| m.ore() / 100);
        assert_eq!(
            (ceiling(1), ceiling(3), ceiling(5), ceiling(9)),
            (Some(4500), Some(7200), Some(9300), Some(9300))
        );
        assert_eq!(
            c.guidelines
                .rent_ceiling(app::norm::Month::new(2025, 12).unwrap(), 1),
            None,
            "before the guideline's first month"
        );
        assert!(format!("{c:?}").contains("Riktlinjer"));

        let bad = |toml: &str| {
            let err = Config::from_toml(toml).unwrap().validate().unwrap_err();
            err.to_string()
        };
        let one = |name: &str, from: &str, until: &str, sizes: &str| {
            format!(
                "[[guidelines.rent_ceilings]]\nname = \"{name}\"\nfrom = \"{from}\"\n{until}by_size_kronor = {sizes}\n"
            )
        };
        let msg = bad(&one("R", "2026-01", "", "[]"));
        assert!(
            msg.contains("guidelines") && msg.contains("must not be empty"),
            "{msg}"
        );
        let msg = bad(&one("R", "2026-01", "", "[5000, -1]"));
        assert!(msg.contains("non-negative"), "{msg}");
        let msg = bad(&one("R", "2026-05", "until = \"2026-01\"\n", "[5000]"));
        assert!(msg.contains("until is before from"), "{msg}");
        let msg = bad(&format!(
            "{}{}",
            one("A", "2026-01", "", "[5000]"),
            one("B", "2026-06", "", "[5000]")
        ));
        assert!(msg.contains("overlap"), "{msg}");
        let msg = bad(&one(" ", "2026-01", "", "[5000]"));
        assert!(msg.contains("guidelines.rent_ceilings.name"), "{msg}");
        let msg = bad(&one("R", "2026-01", "", &format!("{:?}", vec![5000; 21])));
        assert!(msg.contains("at most 20"), "{msg}");
        // A month that is not a month, and an unknown key, are refused when the file is read.
        assert!(Config::from_toml(&one("R", "2026-13", "", "[5000]")).is_err());
        assert!(Config::from_toml("[[guidelines.rent_ceilings]]\nname = \"R\"\nfrom = \"2026-01\"\nby_size_kronor = [1]\nceiling = 3\n").is_err());
        // The demo's illustrative ceilings pass the same checks.
        validate_guidelines(&demo_guidelines()).unwrap();
    }
}
