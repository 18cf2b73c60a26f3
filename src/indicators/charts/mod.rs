//! SVG charts for indicator dashboards, made to be printed and put on a committee's wall.
//!
//! [`trend::trend_svg`] draws scores over periods as lines, with an optional pass mark;
//! [`radar::radar_svg`] draws dimension scores as a radar, or as bars when there are
//! fewer than three dimensions. Both return a complete standalone SVG 1.1 document of a
//! fixed size, with a white background, a `<title>`, labelled gridlines and a legend.
//!
//! The documents are self-contained: no scripts, no links, no fetched fonts. Every
//! label is escaped, so text from users stays text. Series are told apart by colour
//! (the Okabe–Ito palette, safe for colour-blind readers) and by marker shape, so a
//! black-and-white printout still reads.

mod bars;
#[cfg(test)]
mod check;
mod legend;
mod plot;
pub mod radar;
mod svg;
pub mod trend;
mod wheel;
