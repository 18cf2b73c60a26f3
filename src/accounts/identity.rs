//! Parse-don't-validate types for the ways people identify themselves.

use crate::error::FieldError;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt;
use validator::ValidateEmail;

/// A mainland China mobile number, normalised to 11 digits (`+86`, spaces and dashes removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(raw: &str) -> Option<Self> {
        let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
        let digits = digits
            .strip_prefix("+86")
            .or_else(|| digits.strip_prefix("0086"))
            .or_else(|| {
                if digits.len() == 13 {
                    digits.strip_prefix("86")
                } else {
                    None
                }
            })
            .unwrap_or(&digits);
        let bytes = digits.as_bytes();
        let valid = bytes.len() == 11
            && bytes[0] == b'1'
            && (b'3'..=b'9').contains(&bytes[1])
            && bytes.iter().all(u8::is_ascii_digit);
        valid.then(|| Self(digits.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `138****5678`: enough for a person to recognise their own number.
    pub fn masked(&self) -> String {
        format!("{}****{}", &self.0[..3], &self.0[7..])
    }
}

/// An email address in lower case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Option<Self> {
        let email = raw.trim().to_lowercase();
        // Public addresses only: the domain must have a dot (no `user@localhost`).
        let public_domain = email
            .rsplit_once('@')
            .is_some_and(|(_, domain)| domain.contains('.'));
        (email.len() <= 254 && public_domain && email.validate_email()).then_some(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a person types to log in: a phone number or an email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Login {
    Phone(Phone),
    Email(Email),
}

impl Login {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let parsed = if raw.contains('@') {
            Email::parse(raw).map(Self::Email)
        } else {
            Phone::parse(raw).map(Self::Phone)
        };
        parsed.ok_or_else(|| FieldError::new("login", "invalid_login"))
    }
}

impl fmt::Display for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Phone(p) => f.write_str(p.as_str()),
            Self::Email(e) => f.write_str(e.as_str()),
        }
    }
}

/// An 18-character resident ID number (居民身份证号码) with a valid birth date and check digit.
///
/// It is never stored: only a keyed hash (to detect duplicates) and the last four characters
/// (so staff can confirm it with the person) are kept, as PIPL asks for the minimum.
pub struct IdNumber(String);

const CHECK_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

impl IdNumber {
    pub fn parse(raw: &str) -> Option<Self> {
        let id = raw.trim().to_ascii_uppercase();
        let bytes = id.as_bytes();
        if bytes.len() != 18 || !bytes[..17].iter().all(u8::is_ascii_digit) {
            return None;
        }
        let birth = chrono::NaiveDate::parse_from_str(&id[6..14], "%Y%m%d").ok()?;
        if chrono::Datelike::year(&birth) < 1900 || birth > chrono::Utc::now().date_naive() {
            return None;
        }
        let sum: u32 = bytes[..17]
            .iter()
            .zip(CHECK_WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        (CHECK_CHARS[(sum % 11) as usize] == bytes[17]).then_some(Self(id))
    }

    pub fn keyed_hash(&self, key: &[u8]) -> String {
        // HMAC accepts keys of any length, so this cannot fail.
        #[allow(clippy::expect_used)]
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(self.0.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The birth date in characters 7–14, checked by `parse`.
    pub fn birth_date(&self) -> Option<chrono::NaiveDate> {
        chrono::NaiveDate::parse_from_str(&self.0[6..14], "%Y%m%d").ok()
    }

    pub fn last4(&self) -> String {
        self.0[14..].to_owned()
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber(**************{})", self.last4())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_are_normalised_or_refused() {
        for ok in [
            "13800138000",
            "+86 138-0013-8000",
            "8613800138000",
            "0086 13800138000",
        ] {
            assert_eq!(Phone::parse(ok).unwrap().as_str(), "13800138000", "{ok}");
        }
        for bad in [
            "12800138000",
            "1380013800",
            "138001380001",
            "abc",
            "",
            "+1 13800138000",
        ] {
            assert!(Phone::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(Phone::parse("13800138000").unwrap().masked(), "138****8000");
    }

    #[test]
    fn logins_are_phone_or_email() {
        assert!(
            matches!(Login::parse("Li.Hua@Example.COM"), Ok(Login::Email(e)) if e.as_str() == "li.hua@example.com")
        );
        assert!(matches!(Login::parse("13912345678"), Ok(Login::Phone(_))));
        assert!(Login::parse("not-a-login").is_err());
        assert!(Login::parse("a@").is_err());
    }

    #[test]
    fn id_numbers_check_digit_and_birth_date() {
        // Published specimen number with a valid check digit.
        assert!(IdNumber::parse("11010519491231002X").is_some());
        assert!(IdNumber::parse("11010519491231002x").is_some());
        assert!(
            IdNumber::parse("110105194912310021").is_none(),
            "wrong check digit"
        );
        assert!(IdNumber::parse("110105194913310025").is_none(), "month 13");
        assert!(IdNumber::parse("11010519491231002").is_none(), "too short");
        let id = IdNumber::parse("11010519491231002X").unwrap();
        assert_eq!(id.last4(), "002X");
        assert_eq!(
            id.keyed_hash(b"k1"),
            IdNumber::parse("11010519491231002x")
                .unwrap()
                .keyed_hash(b"k1")
        );
        assert_ne!(id.keyed_hash(b"k1"), id.keyed_hash(b"k2"));
        assert!(!format!("{id:?}").contains("110105"));
    }
}
