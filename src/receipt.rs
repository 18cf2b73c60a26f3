//! Receipts: random codes that only a voter or respondent holds, stored only as a hash. They
//! key a secret ballot or an anonymous survey response, so that nothing stored ties it to a
//! person, while its holder can still find, replace or retry it.

use rand::Rng;
use sha2::{Digest, Sha256};
use validator::ValidationError;

/// Unambiguous letters and digits (no 0/O, 1/I/L), as on attendance codes.
const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// 20 characters of 31 (about 99 bits), in four groups a person can copy down.
pub fn new_receipt() -> String {
    let mut rng = rand::rngs::OsRng;
    let chars: Vec<char> = (0..20)
        .map(|_| char::from(ALPHABET[rng.gen_range(0..ALPHABET.len())]))
        .collect();
    chars
        .chunks(5)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// The stored (and, for ballots, published) form of a receipt: SHA-256 over it without
/// dashes, in capitals, so a code typed back in lower case still matches.
pub fn receipt_hash(receipt: &str) -> String {
    let normal: String = receipt
        .chars()
        .filter(|c| *c != '-')
        .collect::<String>()
        .to_ascii_uppercase();
    hex::encode(Sha256::digest(normal.as_bytes()))
}

/// A receipt an app made up itself: letters, digits and dashes (its length is checked beside).
pub fn receipt_characters(receipt: &str) -> Result<(), ValidationError> {
    if receipt
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        Ok(())
    } else {
        Err(ValidationError::new("receipt_characters"))
    }
}
