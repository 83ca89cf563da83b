//! The search index `search-index.json` and the data of the search page `/search/`.
//!
//! The index lists every article and stand-alone page and the Get Help page, in the site's page
//! order (content path), so it is identical on every build: `{title, url, description, headings,
//! body, topics}` with `url` root-relative including the base path, `headings` the page's table
//! of contents, `body` its prose trimmed to `search.body_length` characters on a word boundary,
//! and `topics` its content warnings' labels. The theme's `search.js` fetches it.

use crate::config::Config;
use crate::markdown::Rendered;
use crate::markdown::TocEntry;
use crate::render::context;
use crate::site::{Page, PageKind, Site};
use serde::Serialize;

pub const INDEX_FILE: &str = "search-index.json";

/// Words that always bring the Get Help page to the top of the results, whatever the site's
/// topics are. The terms of the site's high-risk topics are added to them.
pub const CRISIS_WORDS: &[&str] = &[
    "crisis",
    "emergency",
    "urgent",
    "help",
    "helpline",
    "hotline",
    "danger",
    "suicide",
    "suicidal",
    "self-harm",
    "overdose",
    "kill myself",
    "hurt myself",
    "want to die",
];

#[derive(Serialize)]
struct Entry<'a> {
    title: &'a str,
    url: String,
    description: &'a str,
    headings: Vec<&'a str>,
    body: String,
    topics: Vec<String>,
}

fn headings<'a>(toc: &'a [TocEntry], out: &mut Vec<&'a str>) {
    for h in toc {
        out.push(&h.title);
        headings(&h.children, out);
    }
}

/// The first `max` characters of `text`, cut back to the last whole word.
pub fn trim_to_words(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut = text.char_indices().nth(max).map_or(text.len(), |(i, _)| i);
    let head = &text[..cut];
    // Keep the whole head when the cut falls exactly between two words.
    if text[cut..].starts_with(char::is_whitespace) {
        return head.trim_end().to_string();
    }
    match head.rfind(char::is_whitespace) {
        Some(i) => head[..i].trim_end().to_string(),
        None => String::new(),
    }
}

/// The beginning of a page's prose for its search entry: whole words, a little over `limit`
/// characters (cut to `limit` by [`trim_to_words`]).
fn body_text(prose: &[crate::safety::ProseSpan], limit: usize) -> String {
    let mut text = String::with_capacity(limit + 64);
    let mut chars = 0;
    let words = prose.iter().flat_map(|b| b.text.split_whitespace());
    for word in words {
        if chars > limit {
            break;
        }
        if !text.is_empty() {
            text.push(' ');
            chars += 1;
        }
        text.push_str(word);
        chars += word.chars().count();
    }
    text
}

/// A page's entry in the search index, as JSON. Made while the site loads, when the page's
/// prose is at hand; the index joins the entries.
pub fn entry_json(config: &Config, page: &Page, rendered: &Rendered) -> String {
    let f = page.front();
    let mut hs = Vec::new();
    headings(&rendered.toc, &mut hs);
    let limit = config.search.body_length;
    let entry = Entry {
        title: &f.title,
        url: format!("{}{}", config.base_path(), page.path),
        description: f.description.as_deref().unwrap_or(""),
        headings: hs,
        body: trim_to_words(&body_text(&rendered.prose, limit), limit),
        topics: f
            .content_warnings
            .iter()
            .map(|k| {
                config
                    .safety
                    .topics
                    .get(k)
                    .map_or_else(|| k.clone(), |t| t.label.clone())
            })
            .collect(),
    };
    serde_json::to_string(&entry).expect("a search entry serialises")
}

/// `search-index.json`, or nothing with `search.enabled: false`.
pub fn search_index(site: &Site) -> Vec<(String, Vec<u8>)> {
    if !site.config.search.enabled {
        return Vec::new();
    }
    let entries: Vec<&str> = site
        .pages
        .iter()
        .filter(|p| matches!(p.kind, PageKind::Article | PageKind::Page | PageKind::Help))
        .map(|p| p.rendered.search_entry.as_str())
        .collect();
    let mut json = Vec::with_capacity(entries.iter().map(|e| e.len() + 1).sum::<usize>() + 2);
    json.push(b'[');
    for (i, e) in entries.iter().enumerate() {
        if i > 0 {
            json.push(b',');
        }
        json.extend_from_slice(e.as_bytes());
    }
    json.push(b']');
    vec![(INDEX_FILE.to_string(), json)]
}

/// The crisis words of a site: [`CRISIS_WORDS`], then the plain-word terms of its high-risk topics
/// (`suicid*` keeps its `*`: the script matches it as a word prefix), lower-cased, without
/// duplicates, in that order.
pub fn crisis_words(config: &Config) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let topic_terms: Vec<String> = config
        .safety
        .topics
        .iter()
        .filter(|(_, t)| t.high_risk)
        .flat_map(|(key, t)| crate::safety::topics::plain_terms(key, t))
        .collect();
    for w in CRISIS_WORDS
        .iter()
        .copied()
        .chain(topic_terms.iter().map(String::as_str))
    {
        let w = w.trim().to_lowercase();
        if !w.is_empty() && !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

#[derive(Serialize)]
struct Link {
    title: String,
    url: String,
    description: String,
}

#[derive(Serialize)]
struct SearchPage {
    /// URL of `search-index.json`.
    index_url: String,
    /// Crisis words joined with `|` for a `data-` attribute.
    crisis_words: String,
    /// The home page's sections and the taxonomies, to browse without JavaScript.
    sections: Vec<Link>,
    taxonomies: Vec<Link>,
    /// The default region, for the crisis box (`{code, name, emergency, resources}`).
    region: Option<context::RegionView>,
}

/// The `search` variable of `search.html`.
pub fn page_value(site: &Site) -> tera::Value {
    let base = site.config.base_path();
    let safety = &site.config.safety;
    let region = safety
        .regions
        .get(&safety.default_region)
        .map(|r| context::region_view(&safety.default_region, r))
        .or_else(|| {
            safety
                .regions
                .first()
                .map(|(c, r)| context::region_view(c, r))
        });
    tera::Value::from_serializable(&SearchPage {
        index_url: format!("{base}/{INDEX_FILE}"),
        crisis_words: crisis_words(&site.config).join("|"),
        sections: site.sections[0]
            .subsections
            .iter()
            .map(|&i| {
                let s = &site.sections[i];
                Link {
                    title: s.front.title.clone(),
                    url: format!("{base}{}", s.path),
                    description: s.front.description.clone().unwrap_or_default(),
                }
            })
            .collect(),
        taxonomies: site
            .taxonomies
            .iter()
            .map(|t| Link {
                title: t.title.to_string(),
                url: format!("{base}{}", t.path()),
                description: String::new(),
            })
            .collect(),
        region,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_on_a_word_boundary() {
        assert_eq!(trim_to_words("calm and steady", 100), "calm and steady");
        assert_eq!(trim_to_words("calm and steady", 8), "calm and");
        assert_eq!(trim_to_words("calm and steady", 9), "calm and");
        assert_eq!(trim_to_words("calm and steady", 6), "calm");
        assert_eq!(trim_to_words("überraschung", 4), "");
        assert_eq!(trim_to_words("ä ö ü", 3), "ä ö");
    }

    #[test]
    fn crisis_words_add_high_risk_terms_once() {
        let config = Config::parse(
            "title: T\nbase_url: https://e.org\nsafety:\n  topics:\n    suicide: {label: suicide, high_risk: true, terms: ['Suicid*', 'kill myself']}\n    alcohol: {label: alcohol, terms: [drunk]}\n",
            std::path::Path::new("site.yaml"),
        )
        .unwrap();
        let words = crisis_words(&config);
        assert!(words.contains(&"suicid*".to_string()));
        assert_eq!(words.iter().filter(|w| *w == "kill myself").count(), 1);
        assert!(!words.contains(&"drunk".to_string()));
        assert_eq!(words[0], "crisis");
    }
}
