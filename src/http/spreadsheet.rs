//! CSV cells that a spreadsheet opens as text, never as a formula.
//!
//! Excel, LibreOffice and WPS evaluate a cell starting with `=`, `+`, `-` or `@` (and, in
//! some versions, a tab or carriage return before one), so a resident's answer such as
//! `=HYPERLINK("http://…","点这里")` in an export would run on a staff member's computer.
//! Text written by people is prefixed with an apostrophe there, as OWASP advises; numbers
//! we format ourselves go out unchanged.

use std::borrow::Cow;

/// `text`, with a leading apostrophe when a spreadsheet would read it as a formula.
pub fn text_cell(text: &str) -> Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{text}")),
        _ => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::text_cell;

    #[test]
    fn formulas_become_text() {
        for formula in ["=1+1", "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1"] {
            assert_eq!(text_cell(formula), format!("'{formula}"));
        }
        for plain in ["", "张伟", "1-1", "a=b", "'quoted"] {
            assert_eq!(text_cell(plain), plain);
        }
    }
}
