//! Access tokens: short-lived JWTs signed with HS256 and nothing else.
//!
//! The algorithm is pinned, so `alg: none` or an RS/HS confusion is refused before any
//! signature check; issuer, audience, expiry and the token type are all required.

use crate::error::{ApiError, Code};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind};
use serde::{Deserialize, Serialize};
use std::time::Duration;

pub const ISSUER: &str = "wushe";
pub const AUDIENCE: &str = "wushe-api";
const ACCESS_TYPE: &str = "access";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The user the token acts as.
    pub sub: String,
    pub iat: i64,
    pub exp: i64,
    pub typ: String,
    /// The session this token belongs to; revoking the session revokes the token.
    pub sid: String,
    /// Present when a staff member acts for a resident (RFC 8693 `act`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub act: Option<ActingParty>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ActingParty {
    pub sub: String,
}

#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

impl TokenKeys {
    pub fn new(secret: &[u8]) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
        }
    }

    pub fn issue(
        &self,
        user_id: i64,
        session_id: &str,
        acting_staff: Option<i64>,
        ttl: Duration,
    ) -> Result<String, ApiError> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            sub: user_id.to_string(),
            iat: now,
            exp: now + ttl.as_secs() as i64,
            typ: ACCESS_TYPE.into(),
            sid: session_id.into(),
            act: acting_staff.map(|id| ActingParty {
                sub: id.to_string(),
            }),
        };
        self.sign(&claims)
    }

    /// Signs arbitrary claims; `issue` is the normal path, tests forge bad tokens with this.
    pub fn sign(&self, claims: &Claims) -> Result<String, ApiError> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map_err(ApiError::internal)
    }

    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => ApiError::new(Code::TokenExpired),
                _ => ApiError::new(Code::InvalidToken),
            })?;
        if data.claims.typ != ACCESS_TYPE {
            return Err(ApiError::new(Code::InvalidToken));
        }
        Ok(data.claims)
    }
}
