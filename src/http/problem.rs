//! Middleware that makes every error response a localised problem document carrying the
//! request id, including errors raised outside our handlers (unknown routes, actix's own).

use crate::error::{ApiError, Code, Lang};
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse};
use tracing_actix_web::RequestId;

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

pub async fn problem_responses(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let lang = Lang::from_headers(req.headers());
    let request_id = req.extensions().get::<RequestId>().map(ToString::to_string);
    // Handlers' errors arrive as error responses; only inner middleware returns `Err`, and
    // actix renders those itself.
    let response = next.call(req).await?.map_into_boxed_body();
    let mut response = match replacement(&response, lang, request_id.as_deref()) {
        Some(problem) => response.into_response(problem),
        None => response,
    };
    if let Some(id) = request_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        response.headers_mut().insert(REQUEST_ID_HEADER, id);
    }
    Ok(response)
}

/// The localised problem to send instead, if this response is an error.
fn replacement<B>(
    response: &ServiceResponse<B>,
    lang: Lang,
    request_id: Option<&str>,
) -> Option<HttpResponse> {
    let status = response.status();
    if !status.is_client_error() && !status.is_server_error() {
        return None;
    }
    if let Some(api_error) = response
        .response()
        .error()
        .and_then(|e| e.as_error::<ApiError>())
    {
        return Some(api_error.render(lang, request_id));
    }
    let already_problem = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if already_problem {
        return None;
    }
    let code = Code::for_status(status);
    let api_error = match response.response().error() {
        Some(cause) if code == Code::Internal => ApiError::internal(cause),
        _ => ApiError::new(code),
    };
    Some(api_error.render(lang, request_id))
}
