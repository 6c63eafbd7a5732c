//! Replay modes, chosen with `OMNIVIRT_CASSETTE`.

use std::fmt;
use std::str::FromStr;

use omnivirt_core::{Error, ErrorKind, Result};

/// What a cassette layer does with the network.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Mode {
    /// Answer from the cassette; never touch the network (the default).
    #[default]
    Replay,
    /// Forward to the real server and record everything, replacing the cassette.
    Record,
    /// Record if the cassette file does not exist yet, otherwise replay.
    New,
    /// Forward to the real server and record nothing.
    Live,
}

impl Mode {
    /// The environment variable that selects the mode.
    pub const ENV: &'static str = "OMNIVIRT_CASSETTE";

    /// The mode from `OMNIVIRT_CASSETTE` (default `replay`); with `CI` set, anything but
    /// `replay` is a `Config` error.
    pub fn from_env() -> Result<Mode> {
        let value = std::env::var(Self::ENV).ok();
        let ci = std::env::var("CI").ok();
        Self::resolve(value.as_deref(), ci.as_deref())
    }

    /// The mode from explicit values of `OMNIVIRT_CASSETTE` and `CI` (what
    /// [`Mode::from_env`] reads). `CI` counts as set unless absent, empty, `0` or `false`.
    pub fn resolve(cassette: Option<&str>, ci: Option<&str>) -> Result<Mode> {
        let mode = match cassette.map(str::trim) {
            None | Some("") => Mode::Replay,
            Some(v) => v.parse()?,
        };
        let in_ci = ci.is_some_and(|v| {
            let v = v.trim();
            !(v.is_empty() || v == "0" || v.eq_ignore_ascii_case("false"))
        });
        if in_ci && mode != Mode::Replay {
            return Err(Error::new(
                ErrorKind::Config,
                format!(
                    "{}={mode} is not allowed when CI is set: CI only replays committed cassettes (unset {} or set it to `replay`)",
                    Self::ENV,
                    Self::ENV
                ),
            ));
        }
        Ok(mode)
    }

    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Replay => "replay",
            Mode::Record => "record",
            Mode::New => "new",
            Mode::Live => "live",
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Mode {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "replay" => Ok(Mode::Replay),
            "record" => Ok(Mode::Record),
            "new" => Ok(Mode::New),
            "live" => Ok(Mode::Live),
            other => Err(Error::new(
                ErrorKind::Config,
                format!(
                    "{}=`{other}` is not a cassette mode; use replay, record, new or live",
                    Mode::ENV
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing() {
        assert_eq!(Mode::resolve(None, None).unwrap(), Mode::Replay);
        assert_eq!(Mode::resolve(Some(""), None).unwrap(), Mode::Replay);
        assert_eq!(Mode::resolve(Some("RECORD"), None).unwrap(), Mode::Record);
        assert_eq!(Mode::resolve(Some("new"), Some("")).unwrap(), Mode::New);
        assert_eq!(
            Mode::resolve(Some("live"), Some("false")).unwrap(),
            Mode::Live
        );
        let err = Mode::resolve(Some("tape"), None).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::Config);
        assert!(err.message().contains("`tape`"), "{err}");
    }

    #[test]
    fn ci_allows_only_replay() {
        assert_eq!(
            Mode::resolve(Some("replay"), Some("true")).unwrap(),
            Mode::Replay
        );
        assert_eq!(Mode::resolve(None, Some("1")).unwrap(), Mode::Replay);
        for m in ["record", "new", "live"] {
            let err = Mode::resolve(Some(m), Some("true")).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::Config);
            assert!(err.message().contains("CI"), "{err}");
            assert!(err.message().contains(m), "{err}");
        }
    }
}
