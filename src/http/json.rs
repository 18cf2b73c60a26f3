//! The JSON body extractor every handler uses.
//!
//! Unlike `web::Json`, it tells the client exactly what is wrong: 415 for another content
//! type, 413 past the size limit, 400 for bytes that are not UTF-8 or not JSON, and 422 naming
//! the field for a wrong type, a missing or unknown field, or a failed validation rule.

use crate::error::{ApiError, Code, FieldError};
use actix_web::dev::Payload;
use actix_web::http::header::CONTENT_LENGTH;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use validator::Validate;

/// The request-body limit in bytes, from `WUSHE_BODY_LIMIT`.
#[derive(Clone, Copy)]
pub struct BodyLimit(pub usize);

pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Json<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned + Validate + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let limit = req
            .app_data::<web::Data<BodyLimit>>()
            .map_or(1 << 20, |l| l.0);
        let is_json = req
            .mime_type()
            .ok()
            .flatten()
            .is_some_and(|m| m.subtype() == "json" || m.suffix().is_some_and(|s| s == "json"));
        let declared = req
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<usize>().ok());
        let mut payload = payload.take();
        Box::pin(async move {
            if !is_json {
                return Err(ApiError::new(Code::UnsupportedMediaType));
            }
            if declared.is_some_and(|n| n > limit) {
                return Err(ApiError::new(Code::PayloadTooLarge));
            }
            let mut body = web::BytesMut::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|_| ApiError::new(Code::MalformedJson))?;
                if body.len() + chunk.len() > limit {
                    return Err(ApiError::new(Code::PayloadTooLarge));
                }
                body.extend_from_slice(&chunk);
            }
            parse_body(&body).map(Json)
        })
    }
}

/// Parses and validates a complete body.
pub fn parse_body<T: DeserializeOwned + Validate>(body: &[u8]) -> Result<T, ApiError> {
    let text = std::str::from_utf8(body).map_err(|_| ApiError::new(Code::InvalidUtf8))?;
    // NUL is valid in JSON strings but in no text this API keeps, and PostgreSQL cannot store
    // it; refuse it here once rather than in every field's rules.
    if escapes_nul(text) {
        return Err(ApiError::invalid_field("body", "control_characters"));
    }
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => ApiError::invalid(vec![data_error(path, &inner)]),
            _ => ApiError::new(Code::MalformedJson),
        }
    })?;
    deserializer
        .end()
        .map_err(|_| ApiError::new(Code::MalformedJson))?;
    value.validate()?;
    Ok(value)
}

/// Whether the JSON text escapes a NUL (`\u0000`). A plain search for that sequence would
/// also refuse an escaped backslash followed by `u0000`, which is ordinary text a person may
/// write; so escapes are walked pairwise.
fn escapes_nul(text: &str) -> bool {
    let mut rest = text.as_bytes();
    while let Some(at) = rest.iter().position(|b| *b == b'\\') {
        match rest.get(at + 1) {
            Some(b'u') if rest.get(at + 2..at + 6) == Some(b"0000") => return true,
            Some(_) => rest = &rest[at + 2..],
            None => return false,
        }
    }
    false
}

/// Names the field and the kind of problem from serde's message.
fn data_error(path: String, err: &serde_json::Error) -> FieldError {
    let message = err.to_string();
    let quoted = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(str::to_owned)
    };
    if let Some(field) = quoted("missing field `") {
        return FieldError::new(join(&path, &field), "required");
    }
    if let Some(field) = quoted("unknown field `") {
        // The path already ends at the unknown key.
        let path = if path.ends_with(&field) {
            path
        } else {
            join(&path, &field)
        };
        return FieldError::new(path, "unknown_field");
    }
    let field = if path == "." { "body".to_owned() } else { path };
    if message.starts_with("invalid type") {
        FieldError::new(field, "invalid_type")
    } else {
        FieldError::new(field, "invalid_value")
    }
}

fn join(path: &str, field: &str) -> String {
    if path == "." || path.is_empty() {
        field.to_owned()
    } else {
        format!("{path}.{field}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, Validate)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Input {
        #[validate(length(min = 1, max = 5))]
        name: String,
        age: u8,
    }

    fn field_codes(err: ApiError) -> Vec<(String, String)> {
        err.fields
            .iter()
            .map(|f| (f.field.clone(), f.code.to_string()))
            .collect()
    }

    #[test]
    fn names_the_offending_field() {
        let missing = parse_body::<Input>(br#"{"name":"a"}"#).unwrap_err();
        assert_eq!(field_codes(missing), [("age".into(), "required".into())]);
        let wrong = parse_body::<Input>(br#"{"name":"a","age":"x"}"#).unwrap_err();
        assert_eq!(field_codes(wrong), [("age".into(), "invalid_type".into())]);
        let overflow = parse_body::<Input>(br#"{"name":"a","age":300}"#).unwrap_err();
        assert_eq!(
            field_codes(overflow),
            [("age".into(), "invalid_value".into())]
        );
        let unknown = parse_body::<Input>(br#"{"name":"a","age":1,"role":"admin"}"#).unwrap_err();
        assert_eq!(
            field_codes(unknown),
            [("role".into(), "unknown_field".into())]
        );
        let nul = parse_body::<Input>(br#"{"name":"a\u0000","age":1}"#).unwrap_err();
        assert_eq!(
            field_codes(nul),
            [("body".into(), "control_characters".into())]
        );
        assert!(
            !escapes_nul(r#"{"name":"\\u0000"}"#),
            "a backslash, then text"
        );
        assert!(
            escapes_nul(r#"{"name":"\\\u0000"}"#),
            "a backslash, then NUL"
        );
        let long = parse_body::<Input>(br#"{"name":"abcdef","age":1}"#).unwrap_err();
        assert_eq!(field_codes(long), [("name".into(), "length".into())]);
    }

    #[test]
    fn syntax_and_encoding_errors_are_400() {
        for bad in [
            &b"{"[..],
            b"not json",
            b"{\"name\":\"a\",\"age\":1} trailing",
            b"\xff\xfe",
        ] {
            let err = parse_body::<Input>(bad).unwrap_err();
            assert_eq!(err.code.status().as_u16(), 400, "{bad:?}");
        }
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(
            parse_body::<Input>(deep.as_bytes())
                .unwrap_err()
                .code
                .status()
                .is_client_error()
        );
        #[derive(Deserialize, Validate)]
        struct Anything {
            #[allow(dead_code)]
            v: serde_json::Value,
        }
        let deep_value = format!(r#"{{"v":{deep}}}"#);
        let err = parse_body::<Anything>(deep_value.as_bytes()).err().unwrap();
        assert_eq!(err.code, Code::MalformedJson, "recursion limit");
    }
}
