//! The language of human-readable messages, chosen from `Accept-Language`.

use actix_web::http::header::{ACCEPT_LANGUAGE, HeaderMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// Simplified Chinese: the default, since residents and staff are the main readers.
    #[default]
    Zh,
    En,
}

impl Lang {
    /// Picks the highest-weighted language we speak; anything else falls back to Chinese.
    pub fn from_headers(headers: &HeaderMap) -> Self {
        let Some(value) = headers.get(ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()) else {
            return Self::default();
        };
        let mut best: Option<(f32, Lang)> = None;
        for part in value.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
            let weight = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            let lang = if tag.starts_with("zh") {
                Lang::Zh
            } else if tag.starts_with("en") {
                Lang::En
            } else {
                continue;
            };
            if best.is_none_or(|(w, _)| weight > w) {
                best = Some((weight, lang));
            }
        }
        best.map(|(_, lang)| lang).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::HeaderValue;

    fn parse(value: &str) -> Lang {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT_LANGUAGE, HeaderValue::from_str(value).unwrap());
        Lang::from_headers(&headers)
    }

    #[test]
    fn picks_by_weight_and_defaults_to_chinese() {
        assert_eq!(parse("en-US,en;q=0.9"), Lang::En);
        assert_eq!(parse("zh-CN,zh;q=0.9,en;q=0.8"), Lang::Zh);
        assert_eq!(parse("fr, en;q=0.5"), Lang::En);
        assert_eq!(parse("de"), Lang::Zh);
        assert_eq!(parse("zh;q=0.2, en;q=0.7"), Lang::En);
        assert_eq!(Lang::from_headers(&HeaderMap::new()), Lang::Zh);
    }
}
