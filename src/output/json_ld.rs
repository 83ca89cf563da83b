//! JSON-LD structured data (schema.org) for the theme to print in
//! `<script type="application/ld+json">`: `MedicalWebPage` plus `BreadcrumbList` for articles,
//! `WebSite` for the home page.
//!
//! The JSON is built with serde_json and then made safe inside an HTML `<script>` element:
//! `<`, `>` and `&` are written as `\u003c`, `\u003e`, `\u0026` (equal JSON, but no `</script>`
//! or `<!--` can appear). Templates print it with `| safe`; Tera's HTML autoescaping would
//! corrupt JSON.

use crate::site::{Page, PageKind, Site};
use serde::Serialize;
use serde_json::{Value, json};

// Typed nodes serialise far faster than `json!` maps. Fields are declared in byte order of
// their names, the order `serde_json`'s maps print keys in, so the output stays the same.

#[derive(Serialize)]
struct Named<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
}

#[derive(Serialize)]
struct NamedUrl<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    url: &'a str,
}

#[derive(Serialize)]
struct Person<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "honorificSuffix", skip_serializing_if = "Option::is_none")]
    honorific_suffix: Option<&'a str>,
    name: &'a str,
}

#[derive(Serialize)]
struct IdRef<'a> {
    #[serde(rename = "@id")]
    id: &'a str,
}

#[derive(Serialize)]
struct MedicalWebPage<'a> {
    #[serde(rename = "@id")]
    id: &'a str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    about: Vec<Named<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<Named<'a>>,
    breadcrumb: IdRef<'a>,
    #[serde(rename = "dateModified", skip_serializing_if = "Option::is_none")]
    date_modified: Option<String>,
    #[serde(rename = "datePublished", skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    #[serde(rename = "isPartOf")]
    is_part_of: NamedUrl<'a>,
    #[serde(rename = "lastReviewed", skip_serializing_if = "Option::is_none")]
    last_reviewed: Option<String>,
    name: &'a str,
    publisher: NamedUrl<'a>,
    #[serde(rename = "reviewedBy", skip_serializing_if = "Option::is_none")]
    reviewed_by: Option<Person<'a>>,
    url: &'a str,
}

#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    item: &'a str,
    name: &'a str,
    position: usize,
}

#[derive(Serialize)]
struct BreadcrumbList<'a> {
    #[serde(rename = "@id")]
    id: &'a str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "itemListElement")]
    item_list_element: Vec<ListItem<'a>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Node<'a> {
    Page(Box<MedicalWebPage<'a>>),
    Breadcrumbs(BreadcrumbList<'a>),
}

#[derive(Serialize)]
struct Graph<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@graph")]
    graph: [Node<'a>; 2],
}

/// JSON-LD for a page: `MedicalWebPage` and its `BreadcrumbList` for an article, `""` otherwise.
pub fn page(site: &Site, page: &Page) -> String {
    if page.kind != PageKind::Article {
        return String::new();
    }
    let f = page.front();
    let url = site.permalink(&page.path);
    let home = site.permalink("/");
    let title = site.config.title.as_str();
    let mut seen = std::collections::HashSet::new();
    let about: Vec<Named<'_>> = f
        .category
        .iter()
        .chain(&f.tags)
        .filter(|name| seen.insert(name.to_lowercase()))
        .map(|name| Named {
            kind: "Thing",
            name,
        })
        .collect();
    let breadcrumb_id = format!("{url}#breadcrumb");
    let web_page = MedicalWebPage {
        id: &url,
        kind: "MedicalWebPage",
        about,
        author: f.author.as_deref().map(|name| Named {
            kind: "Person",
            name,
        }),
        breadcrumb: IdRef { id: &breadcrumb_id },
        date_modified: f.updated.or(f.date).map(|d| d.to_string()),
        date_published: f.date.map(|d| d.to_string()),
        description: f.description.as_deref(),
        in_language: &site.config.language,
        is_part_of: NamedUrl {
            kind: "WebSite",
            name: title,
            url: &home,
        },
        last_reviewed: f.reviewed.map(|d| d.to_string()),
        name: &f.title,
        publisher: NamedUrl {
            kind: "Organization",
            name: title,
            url: &home,
        },
        reviewed_by: f.reviewed_by.as_deref().map(reviewer),
        url: &url,
    };

    let section = &site.sections[page.section];
    let section_url = site.permalink(&section.path);
    let mut trail = vec![("Home", home.as_str())];
    if page.section != 0 {
        trail.push((section.front.title.as_str(), section_url.as_str()));
    }
    trail.push((f.title.as_str(), url.as_str()));
    let breadcrumbs = BreadcrumbList {
        id: &breadcrumb_id,
        kind: "BreadcrumbList",
        item_list_element: trail
            .into_iter()
            .enumerate()
            .map(|(i, (name, item))| ListItem {
                kind: "ListItem",
                item,
                name,
                position: i + 1,
            })
            .collect(),
    };
    let graph = Graph {
        context: "https://schema.org",
        graph: [
            Node::Page(Box::new(web_page)),
            Node::Breadcrumbs(breadcrumbs),
        ],
    };
    script_safe_json(&serde_json::to_string(&graph).unwrap_or_default())
}

/// JSON-LD for the home page: the `WebSite`.
pub fn website(site: &Site) -> String {
    let c = &site.config;
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": c.title,
        "url": site.permalink("/"),
        "inLanguage": c.language,
        "publisher": publisher(site),
    });
    if !c.description.trim().is_empty() {
        v["description"] = json!(c.description);
    }
    script_safe(&v)
}

fn publisher(site: &Site) -> Value {
    json!({"@type": "Organization", "name": site.config.title, "url": site.permalink("/")})
}

/// `"Dr. Sam Reviewer, PhD, LCSW"` → a Person named `Dr. Sam Reviewer` with the credentials as
/// `honorificSuffix`.
fn reviewer(reviewed_by: &str) -> Person<'_> {
    match reviewed_by.split_once(',') {
        Some((name, credentials)) if !credentials.trim().is_empty() => Person {
            kind: "Person",
            honorific_suffix: Some(credentials.trim()),
            name: name.trim(),
        },
        _ => Person {
            kind: "Person",
            honorific_suffix: None,
            name: reviewed_by.trim().trim_end_matches(','),
        },
    }
}

/// Serialises `value` so that it can stand inside `<script>…</script>` unchanged.
pub fn script_safe(value: &Value) -> String {
    script_safe_json(&value.to_string())
}

/// Escapes `<`, `>` and `&` in serialised JSON (they only occur inside strings there).
fn script_safe_json(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + 16);
    let mut rest = json;
    while let Some(i) = memchr::memchr3(b'<', b'>', b'&', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            _ => "\\u0026",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_safe_json_cannot_close_the_script() {
        let v = json!({"name": "</script><script>alert(1)</script> & \"q\""});
        let s = script_safe(&v);
        assert!(
            !s.contains('<') && !s.contains('>') && !s.contains('&'),
            "{s}"
        );
        let back: Value = serde_json::from_str(&s).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn reviewer_credentials_are_split_off() {
        let json = |p: Person<'_>| serde_json::to_value(p).unwrap();
        assert_eq!(
            json(reviewer("Dr. Sam Reviewer, PhD, LCSW")),
            json!({"@type": "Person", "name": "Dr. Sam Reviewer", "honorificSuffix": "PhD, LCSW"})
        );
        assert_eq!(
            json(reviewer("Sam")),
            json!({"@type": "Person", "name": "Sam"})
        );
    }
}
