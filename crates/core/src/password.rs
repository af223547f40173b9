//! Password hashing with Argon2id (PHC strings), and session token helpers.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{Error, Result, Secret};

/// Minimum length accepted for a new portal password.
pub const MIN_PASSWORD_CHARS: usize = 8;

pub fn validate_new_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(Error::invalid(
            "password",
            format!("debe tener al menos {MIN_PASSWORD_CHARS} caracteres"),
        ));
    }
    Ok(())
}

/// Hash a password as an Argon2id PHC string (parameters embedded, salt random).
pub fn hash_password(password: &Secret<String>) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.expose().as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::PasswordHash(e.to_string()))
}

/// Check a password against a stored PHC string. A malformed hash never matches.
pub fn verify_password(password: &Secret<String>, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.expose().as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A fresh random session token (256 bits, hex) to hand to the client once.
pub fn new_session_token() -> Secret<String> {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    Secret::new(hex::encode(bytes))
}

/// What the database stores for a session token: its SHA-256, so a database
/// leak does not hand out live sessions. Tokens are random, so no salt is needed.
pub fn token_digest(token: &Secret<String>) -> String {
    hex::encode(Sha256::digest(token.expose().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_is_argon2id_and_verifies_only_the_right_password() {
        let pw = Secret::new("correct horse".to_string());
        let h = hash_password(&pw).unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify_password(&pw, &h));
        assert!(!verify_password(&Secret::new("wrong horse".into()), &h));
        assert!(!verify_password(&pw, "not-a-hash"));
    }

    #[test]
    fn same_password_gets_different_salts() {
        let pw = Secret::new("correct horse".to_string());
        assert_ne!(hash_password(&pw).unwrap(), hash_password(&pw).unwrap());
    }

    #[test]
    fn tokens_are_random_and_digests_stable() {
        let a = new_session_token();
        let b = new_session_token();
        assert_ne!(a.expose(), b.expose());
        assert_eq!(a.expose().len(), 64);
        assert_eq!(token_digest(&a), token_digest(&a));
        assert_ne!(token_digest(&a), *a.expose());
    }

    #[test]
    fn short_passwords_are_refused() {
        assert!(validate_new_password("1234567").is_err());
        assert!(validate_new_password("12345678").is_ok());
    }
}
