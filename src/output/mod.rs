//! Deploy-ready files beside the HTML: sitemap, robots.txt, Atom feeds, `_redirects`, `_headers`,
//! the search index, and the JSON-LD that the theme prints into pages.
//!
//! Each concern is a pure function of the loaded [`Site`] returning `(output path, bytes)` pairs;
//! [`files`] gathers them for `build::render_site`. A file of the same name in the site's or the
//! theme's `static/` folder replaces the generated one when `replace_generated` in `site.yaml`
//! lists it, so a site can hand-write its own `robots.txt` or `_headers`; without that, the two
//! files are an error (see `crate::plan`).

pub mod feed;
pub mod headers;
pub mod json_ld;
pub mod redirects;
pub mod robots;
pub mod search;
pub mod sitemap;

use crate::site::Site;

/// Generated files as `(output path, bytes)`.
pub type Files = Vec<(String, Vec<u8>)>;

/// Which deploy files to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parts {
    pub sitemap: bool,
    pub feeds: bool,
    pub search: bool,
    /// robots.txt, `_redirects` and `_headers`.
    pub rest: bool,
}

impl Parts {
    pub const ALL: Parts = Parts {
        sitemap: true,
        feeds: true,
        search: true,
        rest: true,
    };
}

/// A deploy file Haven generates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generated {
    Sitemap,
    Feed,
    SearchIndex,
    Robots,
    Redirects,
    Headers,
}

impl Generated {
    /// The file in words, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Generated::Sitemap => "the sitemap Haven generates",
            Generated::Feed => "an Atom feed Haven generates",
            Generated::SearchIndex => "the search index Haven generates",
            Generated::Robots => "the robots.txt Haven generates",
            Generated::Redirects => "the _redirects file Haven generates for aliases",
            Generated::Headers => "the _headers file Haven generates",
        }
    }
}

/// The paths of the deploy files [`files`] makes for `site` (before static files replace any),
/// without making them: the output plan (`crate::plan`) needs them before rendering.
pub fn names(site: &Site) -> Vec<(String, Generated)> {
    let mut out = Vec::new();
    let urls = site.sections.len()
        + site.pages.len()
        + site
            .taxonomies
            .iter()
            .map(|t| 1 + t.terms.len())
            .sum::<usize>();
    out.push(("sitemap.xml".to_string(), Generated::Sitemap));
    if urls > sitemap::MAX_URLS {
        for n in 1..=urls.div_ceil(sitemap::MAX_URLS) {
            out.push((format!("sitemap{n}.xml"), Generated::Sitemap));
        }
    }
    out.push(("atom.xml".to_string(), Generated::Feed));
    for s in site.sections.iter().skip(1) {
        let path = format!("{}atom.xml", s.path);
        out.push((path.trim_start_matches('/').to_string(), Generated::Feed));
    }
    for t in site.taxonomies.iter().filter(|t| t.name == "tags") {
        for term in &t.terms {
            out.push((
                format!("{}/{}/atom.xml", t.name, term.slug),
                Generated::Feed,
            ));
        }
    }
    if site.config.search.enabled {
        out.push((search::INDEX_FILE.to_string(), Generated::SearchIndex));
    }
    out.push(("robots.txt".to_string(), Generated::Robots));
    if site.pages.iter().any(|p| !p.front().aliases.is_empty()) {
        out.push(("_redirects".to_string(), Generated::Redirects));
    }
    out.push(("_headers".to_string(), Generated::Headers));
    out
}

/// Every generated deploy file, sorted by path.
pub fn files(site: &Site) -> Files {
    files_of(site, Parts::ALL)
}

/// The generated deploy files of `parts`, sorted by path.
pub fn files_of(site: &Site, parts: Parts) -> Files {
    let when = |wanted: bool, make: fn(&Site) -> Files| {
        if wanted { make(site) } else { Vec::new() }
    };
    let (mut out, (feeds, search)) = rayon::join(
        || when(parts.sitemap, sitemap::sitemap),
        || {
            rayon::join(
                || when(parts.feeds, feed::feeds),
                || when(parts.search, search::search_index),
            )
        },
    );
    out.extend(feeds);
    out.extend(search);
    if parts.rest {
        out.extend(robots::robots(site));
        out.extend(redirects::redirects(site));
        out.extend(headers::headers(site));
    }
    out.retain(|(path, _)| !site.config.replace_generated.contains(path));
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Escapes text for XML element content and attribute values, and drops the control
/// characters XML 1.0 does not allow at all.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    // Copy runs of ordinary text whole; only markup characters, C0 controls and the bytes
    // of U+FFFE/U+FFFF (EF BF BE/BF) need a closer look.
    let bytes = text.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let replacement = match b {
            b'&' => Some("&amp;"),
            b'<' => Some("&lt;"),
            b'>' => Some("&gt;"),
            b'"' => Some("&quot;"),
            b'\'' => Some("&apos;"),
            b'\t' | b'\n' | b'\r' => None,
            0..=0x1F => Some(""),
            0xEF if matches!(bytes.get(i + 1..i + 3), Some([0xBF, 0xBE | 0xBF])) => {
                out.push_str(&text[run..i]);
                i += 3;
                run = i;
                continue;
            }
            _ => None,
        };
        if let Some(r) = replacement {
            out.push_str(&text[run..i]);
            out.push_str(r);
            run = i + 1;
        }
        i += 1;
    }
    out.push_str(&text[run..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escape_covers_markup_and_forbidden_characters() {
        assert_eq!(
            xml_escape("a<b>&\"c\"'d'\u{0}\u{8}\te"),
            "a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;\te"
        );
        assert_eq!(
            xml_escape("café\u{FFFE}—\u{FFFF}ok\u{FFFD}"),
            "café—ok\u{FFFD}"
        );
        assert_eq!(xml_escape("\u{7F}\u{85}"), "\u{7F}\u{85}");
    }
}
