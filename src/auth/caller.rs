//! Who is calling: the `Caller` extractor checks the bearer token on every protected route.

use crate::error::{ApiError, Code};
use crate::state::AppState;
use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use std::future::Future;
use std::pin::Pin;
use tracing_actix_web::RequestId;

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The account the request acts as.
    pub user_id: i64,
    pub session_id: String,
    /// The staff member at the keyboard when acting for a resident in an assisted session.
    pub acting_staff: Option<i64>,
    pub request_id: Option<String>,
}

impl Caller {
    /// The person responsible for the action, for the audit log.
    pub fn actor_id(&self) -> i64 {
        self.acting_staff.unwrap_or(self.user_id)
    }

    /// The resident acted for, when a staff member acts on their behalf.
    pub fn on_behalf_of(&self) -> Option<i64> {
        self.acting_staff.map(|_| self.user_id)
    }

    /// Refuses actions that only the account holder may take in person.
    pub fn require_in_person(&self) -> Result<(), ApiError> {
        match self.acting_staff {
            Some(_) => Err(ApiError::forbidden()),
            None => Ok(()),
        }
    }
}

/// The revocation flag of a session, kept while its access tokens could still be valid.
pub fn revoked_session_key(session_id: &str) -> String {
    format!("revoked-session:{session_id}")
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let token = bearer_token(req);
        let request_id = req.extensions().get::<RequestId>().map(ToString::to_string);
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::internal("AppState missing"))?;
            let token = token.ok_or_else(|| ApiError::new(Code::Unauthenticated))?;
            let claims = state.tokens.verify(&token)?;
            let invalid = || ApiError::new(Code::InvalidToken);
            let user_id = claims.sub.parse().map_err(|_| invalid())?;
            let acting_staff = match &claims.act {
                Some(actor) => Some(actor.sub.parse().map_err(|_| invalid())?),
                None => None,
            };
            if state.kv.has_flag(&revoked_session_key(&claims.sid)).await? {
                return Err(invalid());
            }
            Ok(Caller {
                user_id,
                session_id: claims.sid,
                acting_staff,
                request_id,
            })
        })
    }
}

fn bearer_token(req: &HttpRequest) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// A caller who may be anonymous: public pages show more to people who are logged in.
pub struct MaybeCaller(pub Option<Caller>);

impl FromRequest for MaybeCaller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let has_token = req.headers().contains_key(AUTHORIZATION);
        let caller = Caller::from_request(req, payload);
        Box::pin(async move {
            // A token that is present but bad is an error, not anonymity.
            if has_token {
                Ok(Self(Some(caller.await?)))
            } else {
                Ok(Self(None))
            }
        })
    }
}
