//! Query strings must decode to UTF-8.
//!
//! actix decodes a query leniently, turning bytes that are not UTF-8 into U+FFFD, so a filter
//! such as `?category=%FF` would quietly match nothing instead of telling the client its URL
//! is broken. Bodies are held to UTF-8 (`invalid_utf8`); queries are held to it here, once,
//! before any handler sees them.

use crate::error::{ApiError, Code};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

pub async fn utf8_only(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if !decodes_to_utf8(req.query_string()) {
        return Ok(req.error_response(ApiError::new(Code::InvalidUtf8)));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}

/// Whether every name and value of `query`, percent-decoded, is UTF-8 (a `%` not followed
/// by two hex digits stands for itself, as browsers and actix read it).
fn decodes_to_utf8(query: &str) -> bool {
    percent_encoding::percent_decode_str(query)
        .decode_utf8()
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::decodes_to_utf8;

    #[test]
    fn only_utf8_passes() {
        for good in ["", "limit=5", "q=%E5%BC%A0", "a=%", "a=%zz&b=%4", "q=张"] {
            assert!(decodes_to_utf8(good), "{good}");
        }
        for bad in ["q=%FF", "%C0%AF=1", "q=%E5%BC", "q=a%ED%A0%80"] {
            assert!(!decodes_to_utf8(bad), "{bad}");
        }
    }
}
