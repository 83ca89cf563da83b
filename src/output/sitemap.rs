//! `sitemap.xml` (sitemaps.org protocol 0.9): every HTML page a search engine should index.
//!
//! Listed: the home page, every section (the first page of its listing only), every article,
//! stand-alone page and the Get Help page, and every taxonomy list and term page. Not listed:
//! alias redirects and `404.html`. URLs are absolute (they honour a `base_url` path prefix), and
//! pages carry `<lastmod>`: the latest of `updated`, `reviewed` and `date`. Above [`MAX_URLS`]
//! URLs the list is split into `sitemap1.xml`, `sitemap2.xml`, … and `sitemap.xml` becomes a
//! sitemap index pointing at them.

use super::xml_escape;
use crate::site::{Page, Site};
use jiff::civil::Date;
use std::fmt::Write;

/// The most URLs one sitemap file may hold (sitemaps.org).
pub const MAX_URLS: usize = 50_000;

const XMLNS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// One `<url>` entry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SitemapUrl {
    /// Absolute URL.
    pub loc: String,
    pub lastmod: Option<Date>,
}

/// The last change of a page worth telling search engines about: the latest of its `updated`,
/// `reviewed` and `date`.
pub fn last_modified(page: &Page) -> Option<Date> {
    let f = page.front();
    [f.date, f.updated, f.reviewed].into_iter().flatten().max()
}

/// Every indexable page of the site, sorted by URL.
pub fn urls(site: &Site) -> Vec<SitemapUrl> {
    let url = |path: &str, lastmod| SitemapUrl {
        loc: site.permalink(path),
        lastmod,
    };
    let mut out: Vec<SitemapUrl> = site.sections.iter().map(|s| url(&s.path, None)).collect();
    out.extend(site.pages.iter().map(|p| url(&p.path, last_modified(p))));
    for t in &site.taxonomies {
        out.push(url(&t.path(), None));
        for term in &t.terms {
            out.push(url(&format!("/{}/{}/", t.name, term.slug), None));
        }
    }
    out.sort();
    out.dedup_by(|a, b| a.loc == b.loc);
    out
}

/// `sitemap.xml`, or a sitemap index and its parts when the site has more than [`MAX_URLS`] pages.
pub fn sitemap(site: &Site) -> Vec<(String, Vec<u8>)> {
    split(&urls(site), MAX_URLS, |path| site.permalink(path))
}

/// Writes `urls` as one `sitemap.xml` when they fit in `limit`, else as `sitemap1.xml`,
/// `sitemap2.xml`, … of at most `limit` URLs each plus a `sitemap.xml` index of them.
/// `permalink` turns a site path (`/sitemap1.xml`) into an absolute URL.
pub fn split(
    urls: &[SitemapUrl],
    limit: usize,
    permalink: impl Fn(&str) -> String,
) -> Vec<(String, Vec<u8>)> {
    if urls.len() <= limit {
        return vec![("sitemap.xml".to_string(), urlset(urls))];
    }
    let mut index =
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"{XMLNS}\">\n");
    let mut files = Vec::new();
    for (n, chunk) in urls.chunks(limit.max(1)).enumerate() {
        let name = format!("sitemap{}.xml", n + 1);
        let loc = xml_escape(&permalink(&format!("/{name}")));
        let _ = write!(index, "  <sitemap>\n    <loc>{loc}</loc>\n");
        if let Some(d) = chunk.iter().filter_map(|u| u.lastmod).max() {
            let _ = writeln!(index, "    <lastmod>{d}</lastmod>");
        }
        index.push_str("  </sitemap>\n");
        files.push((name, urlset(chunk)));
    }
    index.push_str("</sitemapindex>\n");
    files.insert(0, ("sitemap.xml".to_string(), index.into_bytes()));
    files
}

fn urlset(urls: &[SitemapUrl]) -> Vec<u8> {
    let mut xml =
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"{XMLNS}\">\n");
    for u in urls {
        let _ = write!(xml, "  <url>\n    <loc>{}</loc>\n", xml_escape(&u.loc));
        if let Some(d) = u.lastmod {
            let _ = writeln!(xml, "    <lastmod>{d}</lastmod>");
        }
        xml.push_str("  </url>\n");
    }
    xml.push_str("</urlset>\n");
    xml.into_bytes()
}
