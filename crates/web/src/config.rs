//! The one typed configuration: loaded once from an optional TOML file, then environment variables, then validated.

use std::fmt;
use std::net::SocketAddr;
use std::path::Path;

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
    /// Failed sign-ins allowed per username within `throttle_window_minutes` before further tries are refused.
    pub max_failed_logins: u32,
    pub throttle_window_minutes: u32,
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
            max_failed_logins: 5,
            throttle_window_minutes: 15,
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
            .field("max_failed_logins", &self.max_failed_logins)
            .field("throttle_window_minutes", &self.throttle_window_minutes)
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
            },
            session_idle: jiff::SignedDuration::from_mins(i64::from(self.session_idle_minutes)),
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
        if let Some(v) = env("STEGVIS_SECURE_COOKIES") {
            self.secure_cookies = parsed("STEGVIS_SECURE_COOKIES", v)?;
        }
        if let Some(v) = env("STEGVIS_APPROVAL_THRESHOLD_KR") {
            self.approval_threshold_kr = parsed("STEGVIS_APPROVAL_THRESHOLD_KR", v)?;
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
        if self.session_idle_minutes == 0 || self.max_failed_logins == 0 || self.throttle_window_minutes == 0
        {
            return Err(ConfigError::Invalid {
                field: "session_idle_minutes/max_failed_logins/throttle_window_minutes",
                reason: "must be > 0".to_owned(),
            });
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
