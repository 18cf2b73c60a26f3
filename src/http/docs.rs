//! A self-contained API reference page: no script or style is fetched from anywhere, at build
//! time or at run time, so it works on a closed network.

pub const PAGE: &str = include_str!("docs.html");
