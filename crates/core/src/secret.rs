//! A wrapper for values that must never leak: bot tokens, session tokens, passwords.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A secret value. `Debug` and `Display` print `[redacted]`, and serialising it
/// fails, so a secret can never end up in a log line or an API response by accident.
/// Use [`Secret::expose`] at the single place that really needs the value.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// The inner value. Call it only where the value is used (an HTTP call, a hash).
    pub fn expose(&self) -> &T {
        &self.0
    }

    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> From<T> for Secret<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T> fmt::Display for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<T> Serialize for Secret<T> {
    fn serialize<S: Serializer>(&self, _serializer: S) -> Result<S::Ok, S::Error> {
        Err(serde::ser::Error::custom("refusing to serialise a secret value"))
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Secret<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let s = Secret::new("123456:ABC-token".to_string());
        assert_eq!(format!("{s:?}"), "[redacted]");
        assert_eq!(format!("{s}"), "[redacted]");
        assert_eq!(s.expose(), "123456:ABC-token");
    }

    #[test]
    fn serialisation_is_refused_even_inside_a_struct() {
        #[derive(Serialize)]
        struct Holder {
            name: &'static str,
            token: Secret<String>,
        }
        let err = serde_json::to_string(&Holder {
            name: "x",
            token: Secret::new("t".into()),
        })
        .unwrap_err();
        assert!(err.to_string().contains("refusing to serialise"));
    }

    #[test]
    fn deserialises_from_plain_value() {
        let s: Secret<String> = serde_json::from_str("\"abc\"").unwrap();
        assert_eq!(s.expose(), "abc");
    }
}
