//! One error type for the whole API, rendered as `application/problem+json` (RFC 9457).
//!
//! Each error carries a stable [`Code`]; the code fixes the HTTP status, so a handler can
//! never answer 400 for a missing record or 500 for bad input by accident. Causes of 500s are
//! logged with the request id and never shown to the client.

mod code;
mod fields;
mod lang;

pub use code::Code;
pub use fields::FieldError;
pub use lang::Lang;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;
use std::fmt;

pub type ApiResult<T> = Result<T, ApiError>;

#[derive(Debug)]
pub struct ApiError {
    pub code: Code,
    pub fields: Vec<FieldError>,
    /// Seconds the client should wait before retrying (429, 503).
    pub retry_after: Option<u64>,
    /// The hidden cause of a 500 or 503, for the log only.
    cause: Option<String>,
}

impl ApiError {
    pub fn new(code: Code) -> Self {
        Self {
            code,
            fields: Vec::new(),
            retry_after: None,
            cause: None,
        }
    }

    pub fn not_found() -> Self {
        Self::new(Code::NotFound)
    }

    pub fn forbidden() -> Self {
        Self::new(Code::Forbidden)
    }

    pub fn conflict(code: Code) -> Self {
        Self::new(code)
    }

    /// 422 naming the fields that are wrong.
    pub fn invalid(fields: Vec<FieldError>) -> Self {
        Self {
            fields,
            ..Self::new(Code::ValidationFailed)
        }
    }

    /// 422 for a single field.
    pub fn invalid_field(field: &str, code: &'static str) -> Self {
        Self::invalid(vec![FieldError::new(field, code)])
    }

    /// Names the field responsible, e.g. the taken `login` of a 409.
    pub fn with_field(mut self, field: &str, code: &'static str) -> Self {
        self.fields.push(FieldError::new(field, code));
        self
    }

    pub fn rate_limited(retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after.max(1)),
            ..Self::new(Code::RateLimited)
        }
    }

    pub fn unavailable(cause: impl fmt::Display) -> Self {
        Self {
            retry_after: Some(2),
            cause: Some(cause.to_string()),
            ..Self::new(Code::ServiceUnavailable)
        }
    }

    pub fn internal(cause: impl fmt::Display) -> Self {
        Self {
            cause: Some(cause.to_string()),
            ..Self::new(Code::Internal)
        }
    }

    /// The problem document in the caller's language.
    pub fn render(&self, lang: Lang, request_id: Option<&str>) -> HttpResponse {
        if let Some(cause) = &self.cause {
            if self.code == Code::Internal {
                tracing::error!(request_id, cause = %cause, "internal error");
            } else {
                tracing::warn!(request_id, cause = %cause, code = self.code.as_str(), "request failed");
            }
        }
        let body = Problem {
            r#type: format!("urn:wushe:problem:{}", self.code.as_str()),
            title: self.code.title(lang),
            status: self.code.status().as_u16(),
            code: self.code.as_str(),
            request_id,
            errors: self.fields.iter().map(|f| f.localized(lang)).collect(),
        };
        let mut response = HttpResponse::build(self.code.status());
        response.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        if let Some(seconds) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, HeaderValue::from(seconds)));
        }
        response.json(body)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code.as_str())
    }
}

impl std::error::Error for ApiError {}

impl ResponseError for ApiError {
    fn status_code(&self) -> actix_web::http::StatusCode {
        self.code.status()
    }

    /// Rendered in the default language here; the problem middleware re-renders it in the
    /// caller's language with the request id, since this method cannot see the request.
    fn error_response(&self) -> HttpResponse {
        self.render(Lang::default(), None)
    }
}

/// The JSON shape of a problem response, documented in the OpenAPI file.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem<'a> {
    /// `urn:wushe:problem:` followed by the code.
    pub r#type: String,
    /// Human-readable summary in the language asked for by `Accept-Language`.
    pub title: &'a str,
    pub status: u16,
    /// Stable machine-readable code.
    pub code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<&'a str>,
    /// The invalid fields, for `validation_failed`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<fields::LocalizedFieldError>,
}

impl From<DieselError> for ApiError {
    fn from(err: DieselError) -> Self {
        match &err {
            DieselError::NotFound => Self::not_found(),
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                Self::new(Code::AlreadyExists)
            }
            // A connection that died under the query (libpq reports a failed send separately
            // from a closed one): the database is away, not the request at fault. diesel marks
            // such a connection broken, so the pool drops it and reconnects.
            DieselError::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            ) => Self::unavailable(err),
            // PostgreSQL cannot store NUL; whatever carried it (a query parameter, say) is bad
            // input, not a server fault.
            DieselError::DatabaseError(_, info)
                if info.message().contains("invalid byte sequence") =>
            {
                Self::invalid_field("query", "control_characters")
            }
            // SQLite reports lock timeouts as an unclassified error; they are transient.
            DieselError::DatabaseError(_, info) if is_lock_timeout(info.message()) => {
                Self::unavailable(err)
            }
            _ => Self::internal(err),
        }
    }
}

fn is_lock_timeout(message: &str) -> bool {
    message.contains("database is locked") || message.contains("database is busy")
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        Self::unavailable(err)
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        Self::invalid(fields::from_validation(&errors))
    }
}
