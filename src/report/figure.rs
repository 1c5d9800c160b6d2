//! A rendered chart as the writers of the report take it: the charts module draws them, the
//! HTML report inlines their SVG, and each is also written as its own SVG and PNG file.

/// One chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// File stem, e.g. `fan_ehcps` (written as `charts/fan_ehcps.svg` and `.png`).
    pub name: String,
    /// What it shows, as a heading.
    pub title: String,
    /// One or two plain sentences on how to read it.
    pub caption: String,
    /// A complete `<svg …>…</svg>` document, self-contained (no external fonts or links).
    pub svg: String,
}
