//! `Content-Type` from a file's extension (case-insensitive); unknown ones are
//! `application/octet-stream`, which browsers download rather than guess at (every response
//! also carries `X-Content-Type-Options: nosniff`).

/// The `Content-Type` for a site path.
pub(crate) fn content_type(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    let Some((_, ext)) = name.rsplit_once('.') else {
        return OCTET_STREAM;
    };
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => HTML,
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "xml" | "xsl" => "application/xml",
        "rss" => "application/rss+xml",
        "atom" => "application/atom+xml",
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
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "pdf" => "application/pdf",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "vtt" => "text/vtt; charset=utf-8",
        "wasm" => "application/wasm",
        _ => OCTET_STREAM,
    }
}

/// The `Content-Type` of HTML pages (the ones that get the live-reload script).
pub(crate) const HTML: &str = "text/html; charset=utf-8";

const OCTET_STREAM: &str = "application/octet-stream";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_extensions() {
        for (path, expected) in [
            ("index.html", "text/html; charset=utf-8"),
            ("a/b/PAGE.HTM", "text/html; charset=utf-8"),
            ("css/style.3f9a.css", "text/css; charset=utf-8"),
            ("js/app.js", "text/javascript; charset=utf-8"),
            ("search.json", "application/json"),
            ("sitemap.xml", "application/xml"),
            ("robots.txt", "text/plain; charset=utf-8"),
            ("logo.svg", "image/svg+xml"),
            ("a.png", "image/png"),
            ("a.jpg", "image/jpeg"),
            ("a.JPEG", "image/jpeg"),
            ("a.gif", "image/gif"),
            ("a.webp", "image/webp"),
            ("a.avif", "image/avif"),
            ("favicon.ico", "image/x-icon"),
            ("f.woff", "font/woff"),
            ("f.woff2", "font/woff2"),
            ("f.ttf", "font/ttf"),
            ("f.otf", "font/otf"),
            ("doc.pdf", "application/pdf"),
            ("v.mp4", "video/mp4"),
            ("v.webm", "video/webm"),
            ("m.wasm", "application/wasm"),
        ] {
            assert_eq!(content_type(path), expected, "{path}");
        }
    }

    #[test]
    fn unknown_or_missing_extensions_are_octet_stream() {
        for path in ["LICENSE", "a.unknown", "dir.d/file", ".hidden", "a."] {
            assert_eq!(content_type(path), "application/octet-stream", "{path}");
        }
    }
}
