//! Content types by file extension: what a site holds (pages, assets, data,
//! calendars, fonts, images, and whatever a playbook's `static/` brings).

use std::path::Path;

/// The `Content-Type` of a file, from its extension (case-insensitive).
pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "ics" => "text/calendar; charset=utf-8",
        "xml" => "application/xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        "atom" => "application/atom+xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wasm" => "application/wasm",
        "zip" => "application/zip",
        _ => "application/octet-stream",
    }
}

/// Whether the file is an HTML page (the live-reload script goes into those only).
pub fn is_html(path: &Path) -> bool {
    content_type(path).starts_with("text/html")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types() {
        let t = |p: &str| content_type(Path::new(p));
        assert_eq!(t("index.html"), "text/html; charset=utf-8");
        assert_eq!(t("calendar.ics"), "text/calendar; charset=utf-8");
        assert_eq!(t("assets/mostbook.CSS"), "text/css; charset=utf-8");
        assert_eq!(t("graph.svg"), "image/svg+xml");
        assert_eq!(t("f.woff2"), "font/woff2");
        assert_eq!(t("sitemap.xml"), "application/xml; charset=utf-8");
        assert_eq!(t("Makefile"), "application/octet-stream");
        assert!(is_html(Path::new("a/b.htm")));
        assert!(!is_html(Path::new("playbook.json")));
    }
}
