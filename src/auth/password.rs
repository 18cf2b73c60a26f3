//! Password hashing (argon2id, OWASP parameters) and the minimum-strength rule.
//!
//! Hashing costs 19 MiB and tens of milliseconds by design, so it runs on the blocking pool
//! behind a semaphore: a burst of logins cannot exhaust memory or starve other requests.

use crate::error::{ApiError, FieldError};
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use tokio::sync::Semaphore;

pub const MIN_LENGTH: usize = 8;
pub const MAX_LENGTH: usize = 128;

#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    /// A real hash of a random password, verified against when the login is unknown so that
    /// "no such account" takes as long as "wrong password".
    decoy_hash: Arc<String>,
}

fn argon2() -> Argon2<'static> {
    // OWASP: m = 19 MiB, t = 2, p = 1. These are valid constants, so `Params::new` succeeds.
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

impl Passwords {
    pub fn new(concurrent_hashes: usize) -> Result<Self, String> {
        let decoy = SaltString::generate(&mut OsRng);
        let decoy_hash = argon2()
            .hash_password(decoy.as_str().as_bytes(), &decoy)
            .map_err(|e| format!("argon2 self-test failed: {e}"))?
            .to_string();
        Ok(Self {
            permits: Arc::new(Semaphore::new(concurrent_hashes.max(1))),
            decoy_hash: Arc::new(decoy_hash),
        })
    }

    pub async fn hash(&self, password: String) -> Result<String, ApiError> {
        let _permit = self.permits.acquire().await.map_err(ApiError::internal)?;
        actix_web::web::block(move || {
            let salt = SaltString::generate(&mut OsRng);
            argon2()
                .hash_password(password.as_bytes(), &salt)
                .map(|h| h.to_string())
        })
        .await
        .map_err(ApiError::unavailable)?
        .map_err(ApiError::internal)
    }

    /// Checks `password` against `stored`, or against the decoy when there is no account.
    pub async fn verify(&self, stored: Option<String>, password: String) -> Result<bool, ApiError> {
        let _permit = self.permits.acquire().await.map_err(ApiError::internal)?;
        let has_account = stored.is_some();
        let stored = stored.unwrap_or_else(|| self.decoy_hash.as_ref().clone());
        let matches = actix_web::web::block(move || {
            PasswordHash::new(&stored).is_ok_and(|parsed| {
                argon2()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
        })
        .await
        .map_err(ApiError::unavailable)?;
        Ok(has_account && matches)
    }
}

/// The minimum strength: 8 to 128 characters and a zxcvbn score of at least 2 ("somewhat
/// guessable" is refused), judged also against the person's own name and login.
pub fn check_strength(field: &str, password: &str, personal: &[&str]) -> Result<(), FieldError> {
    let length = password.chars().count();
    if !(MIN_LENGTH..=MAX_LENGTH).contains(&length) {
        return Err(FieldError::new(field, "length")
            .with_bounds(Some(MIN_LENGTH as i64), Some(MAX_LENGTH as i64)));
    }
    let entropy = zxcvbn::zxcvbn(password, personal);
    if entropy.score() < zxcvbn::Score::Two {
        return Err(FieldError::new(field, "too_weak"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_passwords_are_refused() {
        for weak in [
            "12345678",
            "password",
            "aaaaaaaaaa",
            "qwertyuiop",
            "abcdefgh1",
            "short",
        ] {
            assert!(check_strength("password", weak, &[]).is_err(), "{weak}");
        }
        assert!(check_strength("password", "zhangwei1990", &["zhangwei"]).is_err());
        assert!(check_strength("password", "Qiu-shui 7 tian!", &[]).is_ok());
        assert!(check_strength("password", &"x".repeat(129), &[]).is_err());
    }

    #[actix_web::test]
    async fn hashes_verify_and_unknown_accounts_never_match() {
        let passwords = Passwords::new(2).unwrap();
        let hash = passwords.hash("Qiu-shui 7 tian!".into()).await.unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(
            passwords
                .verify(Some(hash.clone()), "Qiu-shui 7 tian!".into())
                .await
                .unwrap()
        );
        assert!(
            !passwords
                .verify(Some(hash), "qiu-shui 7 tian!".into())
                .await
                .unwrap()
        );
        assert!(
            !passwords
                .verify(None, "anything at all".into())
                .await
                .unwrap()
        );
    }
}
