//! Building blocks shared by the charts: the document frame, text, XML escaping,
//! number formatting and text-width estimates.
//!
//! Charts are written as plain strings. Their layouts are fixed and small, so building
//! text directly is easier to follow than assembling a document tree.

use super::legend;
use std::fmt;

/// Font stack for every piece of text: CJK fonts first, so Chinese labels render on
/// Linux, macOS and Windows alike, then whatever sans-serif the viewer has.
const FONT_FAMILY: &str =
    "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif";

/// Colour of titles, labels and axes.
pub(super) const INK: &str = "#222222";
/// Colour of tick labels and other secondary text.
pub(super) const MUTED: &str = "#666666";
/// Colour of gridlines.
pub(super) const GRID: &str = "#DDDDDD";

/// Distance kept clear between the drawing and the paper's edge.
pub(super) const EDGE: f64 = 16.0;
/// Font size of axis and tick labels.
pub(super) const LABEL_SIZE: f64 = 12.0;
/// A white outline drawn under text that sits on top of data, so it stays readable
/// where it crosses a line or a gridline.
pub(super) const HALO: &str =
    r#"paint-order="stroke" stroke="white" stroke-width="4" stroke-linejoin="round""#;

/// A number as the charts print it: at most one decimal, no trailing ".0", and 0 for
/// anything that is not finite, so "NaN" never reaches the paper.
#[derive(Debug, Clone, Copy)]
pub(super) struct Num(pub f64);

impl fmt::Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = if self.0.is_finite() { self.0 } else { 0.0 };
        // Halves round up, as people round scores (四舍五入): 71.25 prints as 71.3, where
        // formatting alone would round to even and print 71.2.
        let rounded = (value * 10.0).round() / 10.0;
        // Beyond 1e307 the tenfold overflows; such numbers have no decimals to round.
        let text = format!("{:.1}", if rounded.is_finite() { rounded } else { value });
        let text = text.strip_suffix(".0").unwrap_or(&text);
        // -0.04 rounds to "-0", which reads like a different number than 0.
        f.write_str(if text == "-0" { "0" } else { text })
    }
}

/// Where a text's x coordinate sits on the text.
#[derive(Debug, Clone, Copy)]
pub(super) enum Anchor {
    Start,
    Middle,
    End,
}

impl Anchor {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Middle => "middle",
            Anchor::End => "end",
        }
    }
}

/// Makes user text safe inside SVG content and attribute values.
pub(super) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// A `<text>` element showing `content`, escaped; `attrs` adds presentation attributes.
pub(super) fn text(x: f64, y: f64, anchor: Anchor, attrs: &str, content: &str) -> String {
    format!(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"{}\" {attrs}>{}</text>\n",
        Num(x),
        Num(y),
        anchor.as_str(),
        escape(content)
    )
}

/// Roughly how wide `text` is at `font_size`. SVG cannot measure text before it is
/// drawn, so layouts use this estimate, a little generous so text keeps clear of its
/// neighbours: CJK characters are a full em, digits and most Latin letters a little
/// over half, capitals more and punctuation less.
pub(super) fn text_width(text: &str, font_size: f64) -> f64 {
    text.chars().map(char_width).sum::<f64>() * font_size
}

fn char_width(c: char) -> f64 {
    match c {
        // From U+2E80 on come the CJK radicals, kana, ideographs, hangul and full-width forms.
        c if c as u32 >= 0x2E80 => 1.0,
        ' ' | '-' | '.' | ',' | ':' | '/' | '(' | ')' | 'i' | 'l' | 'j' | 't' | 'f' | 'r' => 0.35,
        c if c.is_ascii_uppercase() || c == 'm' || c == 'w' => 0.7,
        _ => 0.56,
    }
}

/// `text`, cut short with "…" if it would be wider than `max_width`. Cutting happens
/// before escaping, so an entity like `&amp;` is never split.
pub(super) fn fit(text: &str, font_size: f64, max_width: f64) -> String {
    if text_width(text, font_size) <= max_width {
        return text.to_string();
    }
    let budget = max_width - text_width("…", font_size);
    let mut used = 0.0;
    let mut kept: String = text
        .chars()
        .take_while(|&c| {
            used += char_width(c) * font_size;
            used <= budget
        })
        .collect();
    kept.push('…');
    kept
}

/// The opening of a chart: the `<svg>` element, its `<title>` for screen readers and
/// a white background, so the chart prints the same on any page colour.
pub(super) fn open(width: f64, height: f64, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{w}\" height=\"{h}\" \
         viewBox=\"0 0 {w} {h}\" font-family=\"{FONT_FAMILY}\">\n\
         <title>{}</title>\n<rect width=\"{w}\" height=\"{h}\" fill=\"white\"/>\n",
        escape(title),
        w = Num(width),
        h = Num(height),
    )
}

/// The end of a chart opened with [`open`].
pub(super) fn close(mut doc: String) -> String {
    doc.push_str("</svg>\n");
    doc
}

/// A whole chart saying there is nothing to draw, for empty inputs.
pub(super) fn no_data(width: f64, height: f64, title: &str) -> String {
    let mut doc = open(width, height, title);
    let (header, _) = legend::header(width, title, &[], None);
    doc.push_str(&header);
    doc.push_str(&text(
        width / 2.0,
        height / 2.0,
        Anchor::Middle,
        &format!("font-size=\"16\" fill=\"{MUTED}\""),
        "暂无数据 / No data",
    ));
    close(doc)
}

#[cfg(test)]
mod tests {
    use super::super::check::assert_well_formed;
    use super::*;

    #[test]
    fn numbers_have_at_most_one_decimal_and_never_nan() {
        let printed: Vec<String> = [70.0, 71.25, 3.96, -0.04, f64::NAN, f64::INFINITY]
            .iter()
            .map(|v| Num(*v).to_string())
            .collect();
        assert_eq!(printed, ["70", "71.3", "4", "0", "0", "0"]);
        assert!(
            Num(f64::MAX)
                .to_string()
                .chars()
                .all(|c| c.is_ascii_digit())
        );
    }

    #[test]
    fn escaping_covers_all_five_xml_specials() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn fitting_cuts_long_text_with_an_ellipsis() {
        assert_eq!(fit("居民自治", 10.0, 100.0), "居民自治");
        assert_eq!(fit("居民自治管理有序", 10.0, 40.0), "居民自…");
    }

    #[test]
    fn no_data_chart_is_well_formed_and_says_so() {
        let doc = no_data(300.0, 200.0, "空");
        assert_well_formed(&doc);
        assert!(doc.contains("暂无数据"));
    }
}
