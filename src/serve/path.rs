//! Turning a request target into a site path, refusing anything that is not plainly a path
//! inside the site.
//!
//! The rules, applied to the path part of the target (the query is kept for redirects; a
//! fragment is dropped):
//!
//! - at most [`MAX_URL_LEN`] bytes of visible ASCII (tiny_http hands over the target as the
//!   client sent it, so a raw space, control character or non-ASCII byte is refused here),
//!   starting with `/`;
//! - no empty segment (`//`), except the one after a trailing slash;
//! - every segment is percent-decoded once; a malformed escape, a decoded NUL or other control
//!   character, a decoded `/`, a backslash (raw or decoded), a colon (Windows drive letters and
//!   alternate streams), invalid UTF-8, and a segment made only of dots (`.`, `..`, `...`) are all
//!   refused.
//!
//! Nothing is normalised: a target either names a site path as it is, or it is refused.

/// The longest request target accepted, in bytes.
pub(crate) const MAX_URL_LEN: usize = 2048;

/// A validated request path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RequestPath {
    /// The decoded segments joined with `/`, without leading or trailing slash; `""` for `/`.
    pub rel: String,
    /// Whether the path ended with `/` (always true for `/`).
    pub trailing_slash: bool,
    /// The path exactly as the client sent it (still percent-encoded, always starting with `/`).
    pub raw_path: String,
    /// The query as sent, without the `?`.
    pub query: Option<String>,
}

impl RequestPath {
    /// The site key to look up: `rel`, or its `index.html` for a path with a trailing slash.
    pub fn key(&self) -> String {
        match (self.trailing_slash, self.rel.is_empty()) {
            (false, _) => self.rel.clone(),
            (true, true) => "index.html".to_string(),
            (true, false) => format!("{}/index.html", self.rel),
        }
    }

    /// Where a request for a directory without its trailing slash is sent (query kept).
    pub fn directory_location(&self) -> String {
        match &self.query {
            Some(query) => format!("{}/?{query}", self.raw_path),
            None => format!("{}/", self.raw_path),
        }
    }
}

/// Why a request target was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathError {
    TooLong,
    Malformed,
}

/// Parses and validates a request target (origin form `/a/b?q`, or absolute form
/// `http://host/a/b?q`).
pub(crate) fn parse(target: &str) -> Result<RequestPath, PathError> {
    if target.len() > MAX_URL_LEN {
        return Err(PathError::TooLong);
    }
    // Also keeps line breaks out of the `Location` of a redirect, which repeats the query.
    if !target.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(PathError::Malformed);
    }
    let target = strip_authority(target);
    let target = target.split('#').next().unwrap_or_default();
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path, Some(query.to_string())),
        None => (target, None),
    };
    let Some(rest) = path.strip_prefix('/') else {
        return Err(PathError::Malformed);
    };
    let mut raw_segments: Vec<&str> = rest.split('/').collect();
    // `split` always yields at least one item; an empty last one is the trailing slash.
    let trailing_slash = raw_segments.last().is_some_and(|last| last.is_empty());
    if trailing_slash {
        raw_segments.pop();
    }
    let mut segments = Vec::with_capacity(raw_segments.len());
    for raw in raw_segments {
        segments.push(decode_segment(raw)?);
    }
    Ok(RequestPath {
        rel: segments.join("/"),
        trailing_slash,
        raw_path: path.to_string(),
        query,
    })
}

/// Drops `scheme://authority` from an absolute-form target; `http://host` alone means `/`.
fn strip_authority(target: &str) -> &str {
    for scheme in ["http://", "https://"] {
        let has_scheme = target
            .get(..scheme.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(scheme));
        if has_scheme {
            let after = &target[scheme.len()..];
            return match after.find(['/', '?', '#']) {
                Some(i) if after[i..].starts_with('/') => &after[i..],
                // `http://host?q` has an empty path: refuse it like any other odd target.
                Some(_) => "",
                None => "/",
            };
        }
    }
    target
}

/// Percent-decodes one segment and checks it.
fn decode_segment(raw: &str) -> Result<String, PathError> {
    if raw.is_empty() {
        return Err(PathError::Malformed);
    }
    let bytes = raw.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte == b'%' {
            let high = bytes.get(i + 1).and_then(|&b| hex_value(b));
            let low = bytes.get(i + 2).and_then(|&b| hex_value(b));
            let (Some(high), Some(low)) = (high, low) else {
                return Err(PathError::Malformed);
            };
            decoded.push(high * 16 + low);
            i += 3;
        } else if byte.is_ascii() {
            decoded.push(byte);
            i += 1;
        } else {
            // Request lines are ASCII; anything else did not come through a sane client.
            return Err(PathError::Malformed);
        }
    }
    if decoded
        .iter()
        .any(|&b| b.is_ascii_control() || matches!(b, b'/' | b'\\' | b':'))
    {
        return Err(PathError::Malformed);
    }
    if decoded.iter().all(|&b| b == b'.') {
        return Err(PathError::Malformed);
    }
    String::from_utf8(decoded).map_err(|_| PathError::Malformed)
}

fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(target: &str) -> RequestPath {
        match parse(target) {
            Ok(path) => path,
            Err(e) => panic!("{target:?} was refused: {e:?}"),
        }
    }

    #[test]
    fn root_and_directories_map_to_index() {
        let root = ok("/");
        assert_eq!(root.rel, "");
        assert!(root.trailing_slash);
        assert_eq!(root.key(), "index.html");
        assert_eq!(ok("/articles/foo/").key(), "articles/foo/index.html");
        assert_eq!(ok("/css/style.css").key(), "css/style.css");
    }

    #[test]
    fn query_and_fragment_are_not_part_of_the_path() {
        let path = ok("/a/b.css?v=1#top");
        assert_eq!(path.key(), "a/b.css");
        assert_eq!(path.query.as_deref(), Some("v=1"));
        assert_eq!(ok("/a#frag?x").key(), "a");
        assert_eq!(ok("/a#frag?x").query, None);
    }

    #[test]
    fn percent_escapes_are_decoded_once() {
        assert_eq!(ok("/caf%C3%A9/").key(), "café/index.html");
        assert_eq!(ok("/a%20b.html").key(), "a b.html");
        assert_eq!(ok("/100%25.html").key(), "100%.html");
        assert_eq!(ok("/%2541").key(), "%41");
        assert_eq!(ok("/a+b").key(), "a+b");
    }

    #[test]
    fn directory_redirect_keeps_encoding_and_query() {
        assert_eq!(ok("/caf%C3%A9?x=1").directory_location(), "/caf%C3%A9/?x=1");
        assert_eq!(ok("/articles/foo").directory_location(), "/articles/foo/");
    }

    #[test]
    fn absolute_form_uses_only_the_path() {
        assert_eq!(ok("http://localhost:1111/a/b.html").key(), "a/b.html");
        assert_eq!(ok("HTTPS://example.org").key(), "index.html");
        assert!(parse("http://host/../secret").is_err());
        assert!(parse("http://host?x").is_err());
    }

    #[test]
    fn traversal_and_odd_paths_are_refused() {
        for target in [
            "",
            "*",
            "secret",
            "/../secret",
            "/a/../secret",
            "/./index.html",
            "/a/./b",
            "/a/..",
            "/a/.",
            "/...",
            "/%2e%2e/secret",
            "/%2E%2E/secret",
            "/.%2e/secret",
            "/%2e/secret",
            "/..%2fsecret",
            "/..%2Fsecret",
            "/a%2f..%2f..%2fsecret",
            "/a%5c..%5csecret",
            "/a\\..\\secret",
            "/..\\secret",
            "/%00",
            "/index.html%00.css",
            "/a%0d%0aSet-Cookie:x",
            "/a%7f",
            "//etc/passwd",
            "///etc/passwd",
            "/a//b",
            "/C:/Windows/win.ini",
            "/C:%5cWindows",
            "/c%3a/x",
            "/file.txt::$DATA",
            "/%",
            "/%4",
            "/%g0",
            "/%ff",
            "/%c3%28",
            "/%ed%a0%80",
            "/caf\u{e9}",
            "/a b",
            "/a\tb",
            "/a?x\r\nSet-Cookie:x",
            "/a?x\ny",
            "/a?\u{e9}",
            "/a\0",
        ] {
            assert!(parse(target).is_err(), "{target:?} should be refused");
        }
    }

    #[test]
    fn over_long_targets_are_refused() {
        let long = format!("/{}", "a".repeat(MAX_URL_LEN));
        assert_eq!(parse(&long), Err(PathError::TooLong));
        let fits = format!("/{}", "a".repeat(MAX_URL_LEN - 1));
        assert!(parse(&fits).is_ok());
    }

    #[test]
    fn arbitrary_targets_never_panic() {
        // A small deterministic generator: no dependency, same cases every run.
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet = "/%.\\:?#aZ09 \0\r\né2fFc";
        let alphabet: Vec<char> = alphabet.chars().collect();
        for _ in 0..20_000 {
            let len = usize::try_from(next() % 40).unwrap_or(0);
            let target: String = (0..len)
                .map(|_| alphabet[usize::try_from(next() >> 8).unwrap_or(0) % alphabet.len()])
                .collect();
            if let Ok(path) = parse(&target) {
                let key = path.key();
                let safe = key.split('/').all(|segment| {
                    !matches!(segment, "" | "." | "..")
                        && !segment.contains(['\\', ':'])
                        && !segment.chars().any(char::is_control)
                });
                assert!(safe, "{target:?} gave {key:?}");
                assert!(
                    path.directory_location()
                        .bytes()
                        .all(|b| b.is_ascii_graphic())
                );
            }
        }
    }
}
