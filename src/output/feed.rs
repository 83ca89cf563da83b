//! Atom 1.0 feeds (RFC 4287): `/atom.xml` with the latest articles of the whole site, one per
//! section (`/<section>/atom.xml`) and one per tag (`/tags/<slug>/atom.xml`).
//!
//! Every date is a front matter date at `T00:00:00Z`, so a feed changes only when its content
//! does (never with the build time). Entry ids are the articles' permalinks. Entries carry the
//! rendered summary (`page.summary`), not the full article. Pages without a `date` are left out
//! (an Atom entry needs an `updated` time).

use super::xml_escape;
use crate::content::front_matter::SortBy;
use crate::site::{Page, PageKind, Site, sort_pages};
use jiff::civil::Date;
use rayon::prelude::*;
use std::borrow::Cow;
use std::fmt::Write;

/// Entries per feed. A constant until `site.yaml` grows a setting for it.
pub const FEED_LIMIT: usize = 20;

/// Most `<category>` elements of an entry in a tag's feed (besides that tag). A page with `n`
/// tags is an entry in `n` tag feeds: listing every tag in each would make the feeds grow with
/// the square of `n` (1,000 tags on one page made 36 MB of feeds). The site's and sections'
/// feeds list every tag.
pub const TAG_FEED_CATEGORIES: usize = 20;

/// Every feed of the site.
pub fn feeds(site: &Site) -> Vec<(String, Vec<u8>)> {
    let mut articles: Vec<usize> = (0..site.pages.len())
        .filter(|&i| site.pages[i].kind == PageKind::Article)
        .collect();
    sort_pages(&mut articles, &site.pages, SortBy::Date);
    // (title, page path, pages newest first, the tag's slug for a tag's feed) of each feed.
    type Spec<'a> = (String, String, Cow<'a, [usize]>, Option<&'a str>);
    let mut specs: Vec<Spec<'_>> = vec![(
        site.config.title.clone(),
        "/".to_string(),
        articles.into(),
        None,
    )];
    for s in site.sections.iter().skip(1) {
        let mut pages = s.pages.clone();
        sort_pages(&mut pages, &site.pages, SortBy::Date);
        let title = format!("{} · {}", s.front.title, site.config.title);
        specs.push((title, s.path.clone(), pages.into(), None));
    }
    for t in site.taxonomies.iter().filter(|t| t.name == "tags") {
        for term in &t.terms {
            let title = format!("{} · {}", term.name, site.config.title);
            let path = format!("/{}/{}/", t.name, term.slug);
            specs.push((
                title,
                path,
                Cow::Borrowed(&term.pages),
                Some(term.slug.as_str()),
            ));
        }
    }
    specs
        .par_iter()
        .map(|(title, path, pages, tag)| feed(site, title, path, pages, *tag))
        .collect()
}

/// `2026-03-01` → `2026-03-01T00:00:00Z`.
fn timestamp(d: Date) -> String {
    format!("{d}T00:00:00Z")
}

/// When an entry last changed: `updated`, else `date`.
fn entry_updated(page: &Page) -> Option<Date> {
    page.front().updated.or(page.front().date)
}

fn author_name(site: &Site) -> &str {
    if site.config.author.trim().is_empty() {
        &site.config.title
    } else {
        &site.config.author
    }
}

/// The feed of the HTML page at `path` (`/articles/`), listing `pages` (newest first); `tag`
/// is the slug of the tag whose feed this is.
fn feed(
    site: &Site,
    title: &str,
    path: &str,
    pages: &[usize],
    tag: Option<&str>,
) -> (String, Vec<u8>) {
    let entries: Vec<&Page> = pages
        .iter()
        .map(|&i| &site.pages[i])
        .filter(|p| p.front().date.is_some())
        .take(FEED_LIMIT)
        .collect();
    // With no entries, the feed is as new as the newest content of the site.
    let updated = entries
        .iter()
        .filter_map(|p| entry_updated(p))
        .max()
        .or_else(|| site.pages.iter().filter_map(entry_updated).max())
        .map(timestamp)
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string());
    let feed_path = format!("{path}atom.xml");
    let self_url = xml_escape(&site.permalink(&feed_path));
    let author = xml_escape(author_name(site));
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{lang}\" xml:base=\"{base}\">\n  <id>{self_url}</id>\n  <title>{title}</title>\n",
        lang = xml_escape(&site.config.language),
        base = xml_escape(&site.permalink("/")),
        title = xml_escape(title),
    );
    if !site.config.description.trim().is_empty() {
        let _ = writeln!(
            xml,
            "  <subtitle>{}</subtitle>",
            xml_escape(&site.config.description)
        );
    }
    let _ = write!(
        xml,
        "  <updated>{updated}</updated>\n  <link rel=\"self\" type=\"application/atom+xml\" href=\"{self_url}\"/>\n  <link rel=\"alternate\" type=\"text/html\" href=\"{alternate}\"/>\n  <author><name>{author}</name></author>\n  <generator>Haven</generator>\n",
        alternate = xml_escape(&site.permalink(path)),
    );
    for p in entries {
        entry(&mut xml, site, p, &author, tag);
    }
    xml.push_str("</feed>\n");
    (
        feed_path.trim_start_matches('/').to_string(),
        xml.into_bytes(),
    )
}

fn entry(xml: &mut String, site: &Site, page: &Page, site_author: &str, tag: Option<&str>) {
    let f = page.front();
    let url = xml_escape(&site.permalink(&page.path));
    let author = f
        .author
        .as_deref()
        .filter(|a| !a.trim().is_empty())
        .map(xml_escape)
        .unwrap_or_else(|| site_author.to_string());
    let _ = write!(
        xml,
        "  <entry>\n    <id>{url}</id>\n    <title>{title}</title>\n    <link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n",
        title = xml_escape(&f.title),
    );
    if let Some(d) = f.date {
        let _ = writeln!(xml, "    <published>{}</published>", timestamp(d));
    }
    if let Some(d) = entry_updated(page) {
        let _ = writeln!(xml, "    <updated>{}</updated>", timestamp(d));
    }
    let _ = writeln!(xml, "    <author><name>{author}</name></author>");
    let shown = match tag {
        Some(_) => f.tags.len().min(TAG_FEED_CATEGORIES),
        None => f.tags.len(),
    };
    for t in &f.tags[..shown] {
        let _ = writeln!(xml, "    <category term=\"{}\"/>", xml_escape(t));
    }
    // A tag's own feed names that tag, wherever it is in a long list.
    if let Some(slug) = tag
        && shown < f.tags.len()
        && !f.tags[..shown]
            .iter()
            .any(|t| crate::markdown::slugify(t) == slug)
        && let Some(own) = f.tags[shown..]
            .iter()
            .find(|t| crate::markdown::slugify(t) == slug)
    {
        let _ = writeln!(xml, "    <category term=\"{}\"/>", xml_escape(own));
    }
    let summary = page.rendered.summary.trim();
    if !summary.is_empty() {
        let _ = writeln!(
            xml,
            "    <summary type=\"html\">{}</summary>",
            xml_escape(summary)
        );
    } else if let Some(d) = f.description.as_deref().filter(|d| !d.trim().is_empty()) {
        let _ = writeln!(xml, "    <summary>{}</summary>", xml_escape(d));
    }
    xml.push_str("  </entry>\n");
}
