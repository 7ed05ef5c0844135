//! Markdown, as both the checker and the renderer read it.
//!
//! One parser configuration ([`options`]) and one heading-id function
//! ([`slug::HeadingIds`]) so that an anchor the checker accepts is an anchor
//! the rendered page has.

pub mod scan;
pub mod slug;

use pulldown_cmark::Options;

/// CommonMark plus tables, footnotes, strikethrough, task lists, heading ids and wiki links.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
}
