//! Customer numbers typed by vendors in Telegram.

use std::fmt;

use serde::{Deserialize, Serialize};

pub const MAX_DIGITS: usize = 12;

/// A validated customer number: 1–12 ASCII digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CustomerNumber(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CustomerNumberError {
    #[error("customer number is empty")]
    Empty,
    #[error("customer number contains characters other than digits")]
    NotDigits,
    #[error("customer number has more than {MAX_DIGITS} digits")]
    TooLong,
}

impl CustomerNumber {
    /// Parse what a vendor typed. Spaces, dots and dashes are ignored
    /// ("12.345-6" → "123456"), since people copy numbers with separators.
    pub fn parse(input: &str) -> Result<Self, CustomerNumberError> {
        let cleaned: String = input
            .chars()
            .filter(|c| !matches!(c, ' ' | '.' | '-' | '\u{a0}' | '\t'))
            .collect();
        if cleaned.is_empty() {
            return Err(CustomerNumberError::Empty);
        }
        if !cleaned.chars().all(|c| c.is_ascii_digit()) {
            return Err(CustomerNumberError::NotDigits);
        }
        if cleaned.len() > MAX_DIGITS {
            return Err(CustomerNumberError::TooLong);
        }
        Ok(Self(cleaned))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CustomerNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for CustomerNumber {
    type Error = CustomerNumberError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CustomerNumber> for String {
    fn from(value: CustomerNumber) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_plain_digits() {
        assert_eq!(CustomerNumber::parse("12345").unwrap().as_str(), "12345");
        assert_eq!(CustomerNumber::parse("0").unwrap().as_str(), "0");
    }

    #[test]
    fn strips_spaces_dots_and_dashes() {
        assert_eq!(CustomerNumber::parse("  12.345-6 ").unwrap().as_str(), "123456");
        assert_eq!(CustomerNumber::parse("1 2 3").unwrap().as_str(), "123");
    }

    #[test]
    fn rejects_letters_and_symbols() {
        assert_eq!(CustomerNumber::parse("12a45"), Err(CustomerNumberError::NotDigits));
        assert_eq!(CustomerNumber::parse("cliente"), Err(CustomerNumberError::NotDigits));
        assert_eq!(CustomerNumber::parse("+54"), Err(CustomerNumberError::NotDigits));
        // Non-ASCII digits (Arabic-Indic) are not customer numbers.
        assert_eq!(CustomerNumber::parse("١٢٣"), Err(CustomerNumberError::NotDigits));
    }

    #[test]
    fn rejects_empty_and_separator_only_input() {
        assert_eq!(CustomerNumber::parse(""), Err(CustomerNumberError::Empty));
        assert_eq!(CustomerNumber::parse(" .- "), Err(CustomerNumberError::Empty));
    }

    #[test]
    fn enforces_length_limits() {
        assert!(CustomerNumber::parse(&"9".repeat(MAX_DIGITS)).is_ok());
        assert_eq!(
            CustomerNumber::parse(&"9".repeat(MAX_DIGITS + 1)),
            Err(CustomerNumberError::TooLong)
        );
    }

    #[test]
    fn deserialisation_validates() {
        assert!(serde_json::from_str::<CustomerNumber>("\"12-3\"").is_ok());
        assert!(serde_json::from_str::<CustomerNumber>("\"abc\"").is_err());
    }
}
