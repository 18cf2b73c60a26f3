//! Security headers on every response. The API answers JSON that no browser should render,
//! sniff or frame; the reference page at `/docs` sets a policy of its own (its script and style
//! are inline, and it fetches the document from this origin only).

use crate::config::Mode;
use actix_web::middleware::DefaultHeaders;

/// For everything but the docs page: nothing may be loaded by, or frame, a response.
const API_POLICY: &str = "default-src 'none'; frame-ancestors 'none'";

/// For the docs page: its own inline script and style, and requests to this origin only.
pub const DOCS_POLICY: &str = "default-src 'none'; script-src 'unsafe-inline'; \
     style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; \
     frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// The headers added to every response that does not set them itself. HSTS only in
/// production, which is served over HTTPS behind its proxy: on a development machine it
/// would pin `localhost` to HTTPS in the browser for a year.
pub fn headers(mode: Mode) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("Content-Security-Policy", API_POLICY));
    match mode {
        Mode::Production => headers.add((
            "Strict-Transport-Security",
            "max-age=31536000; includeSubDomains",
        )),
        Mode::Development => headers,
    }
}
