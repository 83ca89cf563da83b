//! JSON-LD structured data (schema.org) for the theme to print in
//! `<script type="application/ld+json">`: `MedicalWebPage` plus `BreadcrumbList` for articles,
//! `WebSite` for the home page.
//!
//! The JSON is built with serde_json and then made safe inside an HTML `<script>` element:
//! `<`, `>` and `&` are written as `\u003c`, `\u003e`, `\u0026` (equal JSON, but no `</script>`
//! or `<!--` can appear). Templates print it with `| safe`; Tera's HTML autoescaping would
//! corrupt JSON.

use crate::site::{Page, PageKind, Site};
use serde_json::{Map, Value, json};

/// JSON-LD for a page: `MedicalWebPage` and its `BreadcrumbList` for an article, `""` otherwise.
pub fn page(site: &Site, page: &Page) -> String {
    if page.kind != PageKind::Article {
        return String::new();
    }
    let f = page.front();
    let url = site.permalink(&page.path);
    let home = site.permalink("/");
    let mut web_page = Map::new();
    web_page.insert("@type".into(), json!("MedicalWebPage"));
    web_page.insert("@id".into(), json!(url));
    web_page.insert("url".into(), json!(url));
    web_page.insert("name".into(), json!(f.title));
    let mut put = |key: &str, value: Option<Value>| {
        if let Some(v) = value {
            web_page.insert(key.into(), v);
        }
    };
    put("description", f.description.as_ref().map(|d| json!(d)));
    put("datePublished", f.date.map(|d| json!(d.to_string())));
    put(
        "dateModified",
        f.updated.or(f.date).map(|d| json!(d.to_string())),
    );
    put("lastReviewed", f.reviewed.map(|d| json!(d.to_string())));
    put("reviewedBy", f.reviewed_by.as_deref().map(reviewer));
    put(
        "author",
        f.author
            .as_deref()
            .map(|a| json!({"@type": "Person", "name": a})),
    );
    put("publisher", Some(publisher(site)));
    put("inLanguage", Some(json!(site.config.language)));
    let mut seen = std::collections::HashSet::new();
    let about: Vec<Value> = f
        .category
        .iter()
        .chain(&f.tags)
        .filter(|name| seen.insert(name.to_lowercase()))
        .map(|name| json!({"@type": "Thing", "name": name}))
        .collect();
    put("about", (!about.is_empty()).then(|| json!(about)));
    put(
        "isPartOf",
        Some(json!({"@type": "WebSite", "name": site.config.title, "url": home})),
    );
    let breadcrumb_id = format!("{url}#breadcrumb");
    put("breadcrumb", Some(json!({"@id": breadcrumb_id})));

    let mut trail = vec![("Home".to_string(), home)];
    let section = &site.sections[page.section];
    if page.section != 0 {
        trail.push((section.front.title.clone(), site.permalink(&section.path)));
    }
    trail.push((f.title.clone(), url));
    let items: Vec<Value> = trail
        .into_iter()
        .enumerate()
        .map(|(i, (name, item))| {
            json!({"@type": "ListItem", "position": i + 1, "name": name, "item": item})
        })
        .collect();
    let breadcrumbs = json!({
        "@type": "BreadcrumbList",
        "@id": breadcrumb_id,
        "itemListElement": items,
    });
    script_safe(&json!({
        "@context": "https://schema.org",
        "@graph": [Value::Object(web_page), breadcrumbs],
    }))
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
fn reviewer(reviewed_by: &str) -> Value {
    match reviewed_by.split_once(',') {
        Some((name, credentials)) if !credentials.trim().is_empty() => json!({
            "@type": "Person",
            "name": name.trim(),
            "honorificSuffix": credentials.trim(),
        }),
        _ => json!({"@type": "Person", "name": reviewed_by.trim().trim_end_matches(',')}),
    }
}

/// Serialises `value` so that it can stand inside `<script>…</script>` unchanged.
pub fn script_safe(value: &Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
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
        assert_eq!(
            reviewer("Dr. Sam Reviewer, PhD, LCSW"),
            json!({"@type": "Person", "name": "Dr. Sam Reviewer", "honorificSuffix": "PhD, LCSW"})
        );
        assert_eq!(reviewer("Sam"), json!({"@type": "Person", "name": "Sam"}));
    }
}
