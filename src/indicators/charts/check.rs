//! Hand checks on generated SVG for the tests, standing in for an XML parser.

/// Panics unless `doc` is a single `<svg>` element whose tags nest properly, whose
/// attribute quotes pair up and whose `&`s each begin an entity the charts write.
pub(super) fn assert_well_formed(doc: &str) {
    assert!(doc.starts_with("<svg"), "does not start with <svg: {doc}");
    assert!(
        doc.trim_end().ends_with("</svg>"),
        "does not end with </svg>: {doc}"
    );
    let mut open: Vec<&str> = Vec::new();
    let mut rest = doc;
    while let Some(start) = rest.find('<') {
        let after = &rest[start + 1..];
        let end = after.find('>').expect("a tag is never closed");
        let tag = &after[..end];
        assert!(!tag.contains('<'), "'<' inside tag {tag:?}");
        assert_eq!(tag.matches('"').count() % 2, 0, "unpaired quote in {tag:?}");
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(open.pop(), Some(name.trim()), "mismatched </{name}>");
        } else if !tag.ends_with('/') {
            open.push(tag.split_whitespace().next().unwrap_or(""));
        }
        rest = &after[end + 1..];
        if open.is_empty() {
            assert!(rest.trim().is_empty(), "content after the root: {rest:?}");
        }
    }
    assert!(open.is_empty(), "never closed: {open:?}");
    for (at, _) in doc.match_indices('&') {
        let entity = ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"];
        assert!(
            entity.iter().any(|e| doc[at..].starts_with(e)),
            "bare & at {at}: {}",
            doc[at..].chars().take(20).collect::<String>()
        );
    }
}

/// The contents of the `<text>` elements, in document order, as written (escaped).
pub(super) fn texts(doc: &str) -> Vec<&str> {
    doc.split("<text ")
        .skip(1)
        .filter_map(|element| element.split_once('>')?.1.split_once("</text>"))
        .map(|(content, _)| content)
        .collect()
}

/// Markers drawn on the chart itself: all of them, less the one beside each of the
/// legend's `series` entries.
pub(super) fn chart_markers(doc: &str, series: usize) -> usize {
    doc.matches("class=\"marker\"").count() - series
}

// The module is compiled for tests only, so its own tests need no further gate.
mod tests {
    use super::assert_well_formed;

    #[test]
    fn the_checker_rejects_broken_documents() {
        let broken = [
            "<svg><g></svg>",
            "<svg><text>a & b</text></svg>",
            "<svg><text><script></text></svg>",
            "<svg></svg><svg></svg>",
        ];
        for doc in broken {
            assert!(
                std::panic::catch_unwind(|| assert_well_formed(doc)).is_err(),
                "{doc}"
            );
        }
    }
}
