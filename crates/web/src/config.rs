//! The one typed configuration: loaded once from an optional TOML file, then environment variables, then validated.

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;

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
    pub throttle_max_delay_minutes: u32,
    /// Reverse proxies whose `X-Forwarded-For` header is believed (the client address for sign-in throttling).
    /// Empty (the default): the header is ignored and the connection's own address is used.
    pub trusted_proxies: Vec<IpAddr>,
    /// Sign-in through the municipality's OpenID Connect provider, beside local accounts. Off when absent.
    pub oidc: Option<OidcConfig>,
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
            throttle_max_delay_minutes: 15,
            trusted_proxies: Vec::new(),
            oidc: None,
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
            .field("throttle_max_delay_minutes", &self.throttle_max_delay_minutes)
            .field("trusted_proxies", &self.trusted_proxies)
            .field("oidc", &self.oidc)
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
            second_person_above: norm::Money::from_kronor(self.approval_threshold_kr)
                .unwrap_or(norm::Money::ZERO),
        }
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
        Ok(())
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        if !(self.database_url.starts_with("sqlite:") || self.database_url.starts_with("postgres")) {
            return Err(ConfigError::Invalid {
                field: "database_url",
                reason: "must start with sqlite: or postgres://".to_owned(),
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
        Ok(())
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
    fn debug_hides_database_password() {
        let c = Config {
            database_url: "postgres://u:secret@db/x".into(),
            ..Config::default()
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("secret"), "{shown}");
    }
}
