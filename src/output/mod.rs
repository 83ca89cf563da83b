//! Deploy-ready files beside the HTML: sitemap, robots.txt, Atom feeds, `_redirects`, `_headers`,
//! the search index, and the JSON-LD that the theme prints into pages.
//!
//! Each concern is a pure function of the loaded [`Site`] returning `(output path, bytes)` pairs;
//! [`files`] gathers them for `build::render_site`. A file of the same name in the site's or the
//! theme's `static/` folder wins over the generated one, so a site can always hand-write its own
//! `robots.txt` or `_headers`.

pub mod feed;
pub mod headers;
pub mod json_ld;
pub mod redirects;
pub mod robots;
pub mod search;
pub mod sitemap;

use crate::site::Site;

/// Every generated deploy file, sorted by path.
pub fn files(site: &Site) -> Vec<(String, Vec<u8>)> {
    let mut out = sitemap::sitemap(site);
    out.extend(robots::robots(site));
    out.extend(feed::feeds(site));
    out.extend(redirects::redirects(site));
    out.extend(headers::headers(site));
    out.extend(search::search_index(site));
    out.retain(|(path, _)| !site.copied.iter().any(|c| &c.output == path));
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Escapes text for XML element content and attribute values, and drops the control
/// characters XML 1.0 does not allow at all.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c.is_control() && (c as u32) < 0x20 => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
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
    }
}
