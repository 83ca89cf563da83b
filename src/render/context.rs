//! Template contexts: the values each template receives (see docs/templates.md).
//!
//! Listing pages hold cheap clones of per-page summary values (Tera values share their data),
//! never copies of every listed page's HTML.

use crate::config::{Config, Region, Resource};
use crate::content::front_matter::{CrisisNotice, PageFront};
use crate::site::{LoadOptions, Page, PageKind, Section, Site, Taxonomy, Term};
use serde::Serialize;
use std::collections::HashMap;
use tera::Value;

#[derive(Serialize)]
struct Link {
    name: String,
    url: String,
}

#[derive(Serialize)]
struct TitleLink {
    title: String,
    url: String,
}

#[derive(Serialize)]
pub struct ResourceView {
    name: String,
    description: Option<String>,
    call: Option<String>,
    call_href: Option<String>,
    text: Option<String>,
    text_href: Option<String>,
    text_instructions: Option<String>,
    chat: Option<String>,
    url: Option<String>,
    hours: Option<String>,
}

#[derive(Serialize)]
pub struct RegionView {
    code: String,
    name: String,
    emergency: String,
    emergency_href: String,
    resources: Vec<ResourceView>,
}

/// `tel:` URL of the first number in `number` ("112 or 999" → `tel:112`): digits and a
/// leading `+` only.
pub fn tel_href(number: &str) -> String {
    let first = number
        .trim()
        .split(|c: char| !(c.is_ascii_digit() || " -().+".contains(c)))
        .next()
        .unwrap_or("");
    let digits: String = first
        .trim()
        .chars()
        .enumerate()
        .filter(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '+'))
        .map(|(_, c)| c)
        .collect();
    format!("tel:{digits}")
}

fn resource_view(r: &Resource) -> ResourceView {
    let text_href = r.text.as_ref().map(|t| {
        let number = tel_href(t).trim_start_matches("tel:").to_string();
        match &r.text_keyword {
            Some(k) => format!("sms:{number}?&body={}", k.replace(' ', "%20")),
            None => format!("sms:{number}"),
        }
    });
    let text_instructions = r.text.as_ref().map(|t| match &r.text_keyword {
        Some(k) => format!("Text {k} to {t}"),
        None => format!("Text {t}"),
    });
    ResourceView {
        name: r.name.clone(),
        description: r.description.clone(),
        call: r.call.clone(),
        call_href: r.call.as_deref().map(tel_href),
        text: r.text.clone(),
        text_href,
        text_instructions,
        chat: r.chat.clone(),
        url: r.url.clone(),
        hours: r.hours.clone(),
    }
}

pub fn region_view(code: &str, r: &Region) -> RegionView {
    RegionView {
        code: code.to_string(),
        name: r.name.clone(),
        emergency: r.emergency.clone(),
        emergency_href: tel_href(&r.emergency),
        resources: r.resources.iter().map(resource_view).collect(),
    }
}

#[derive(Serialize)]
struct SiteSafetyView {
    notice: String,
    help_url: String,
    default_region: String,
    regions: Vec<RegionView>,
    disclaimer: String,
    disclosure: String,
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    base_path: &'a str,
    language: &'a str,
    author: &'a str,
    extra: &'a serde_json::Value,
    help_url: String,
    safety: SiteSafetyView,
    serve: bool,
}

pub fn help_url(config: &Config) -> String {
    format!(
        "{}/{}/",
        config.base_path(),
        config.safety.help_page.trim_matches('/')
    )
}

/// The `site` global.
pub fn site_value(
    config: &Config,
    options: &LoadOptions,
    _urls: &HashMap<String, String>,
) -> Value {
    let help = help_url(config);
    let s = &config.safety;
    Value::from_serializable(&SiteView {
        title: &config.title,
        description: &config.description,
        base_url: &config.base_url,
        base_path: config.base_path(),
        language: &config.language,
        author: &config.author,
        extra: &config.extra,
        help_url: help.clone(),
        safety: SiteSafetyView {
            notice: s.notice.clone(),
            help_url: help,
            default_region: s.default_region.clone(),
            regions: s.regions.iter().map(|(c, r)| region_view(c, r)).collect(),
            disclaimer: s.disclaimer.clone(),
            disclosure: s.disclosure.clone(),
        },
        serve: options.serve,
    })
}

#[derive(Serialize)]
struct Warning {
    key: String,
    label: String,
}

/// The crisis notice level of a page: `prominent` when asked for or when a topic is high-risk.
pub fn crisis_level(config: &Config, front: &PageFront) -> CrisisNotice {
    let high_risk = front
        .content_warnings
        .iter()
        .any(|k| config.safety.topics.get(k).is_some_and(|t| t.high_risk));
    match front.crisis_notice {
        Some(CrisisNotice::Prominent) => CrisisNotice::Prominent,
        _ if high_risk => CrisisNotice::Prominent,
        _ => CrisisNotice::Standard,
    }
}

fn topic_label(site: &Site, key: &str) -> String {
    site.config
        .safety
        .topics
        .get(key)
        .map(|t| t.label.clone())
        .unwrap_or_else(|| key.to_string())
}

/// The parts of `page.safety` every page shares unless it overrides them, made once per site.
pub struct SafetyDefaults {
    region: Value,
    disclaimer: Value,
    disclosure: Value,
}

fn safety_defaults(site: &Site) -> &SafetyDefaults {
    site.safety_defaults.get_or_init(|| {
        let safety = &site.config.safety;
        let region = safety
            .regions
            .get(&safety.default_region)
            .map(|r| region_view(&safety.default_region, r))
            .or_else(|| safety.regions.first().map(|(c, r)| region_view(c, r)));
        SafetyDefaults {
            region: Value::from_serializable(&region),
            disclaimer: Value::from(safety.disclaimer.as_str()),
            disclosure: Value::from(safety.disclosure.as_str()),
        }
    })
}

/// A page's own `extra.<key>` text when the site allows overrides, else the site's.
fn override_text(page: &Page, site: &Site, key: &str, default: &Value) -> Value {
    if site.config.safety.allow_overrides
        && let Some(v) = page.front().extra.get(key).and_then(|v| v.as_str())
    {
        return Value::from(v);
    }
    default.clone()
}

/// `page.safety`.
fn page_safety(site: &Site, page: &Page) -> Value {
    let defaults = safety_defaults(site);
    let warnings: Vec<Warning> = page
        .front()
        .content_warnings
        .iter()
        .map(|k| Warning {
            key: k.clone(),
            label: topic_label(site, k),
        })
        .collect();
    let labels: Vec<&str> = warnings.iter().map(|w| w.label.as_str()).collect();
    let warning_text = crate::safety::join_natural(&labels);
    let mut map = tera::Map::with_capacity(6);
    map.insert("warnings".into(), Value::from_serializable(&warnings));
    map.insert("warning_text".into(), Value::from(warning_text));
    map.insert(
        "crisis_level".into(),
        Value::from(match crisis_level(&site.config, page.front()) {
            CrisisNotice::Prominent => "prominent",
            CrisisNotice::Standard => "standard",
        }),
    );
    map.insert("region".into(), defaults.region.clone());
    map.insert(
        "disclaimer".into(),
        override_text(page, site, "disclaimer", &defaults.disclaimer),
    );
    map.insert(
        "disclosure".into(),
        override_text(page, site, "disclosure", &defaults.disclosure),
    );
    Value::from(map)
}

#[derive(Serialize)]
struct Summary<'a> {
    title: &'a str,
    description: &'a str,
    url: String,
    permalink: String,
    path: &'a str,
    date: Option<String>,
    updated: Option<String>,
    last_modified: Option<String>,
    author: Option<&'a str>,
    reading_time: usize,
    word_count: usize,
    category: Option<Link>,
    tags: Vec<Link>,
    content_warnings: Vec<String>,
    summary: &'a str,
}

fn term_url(site: &Site, taxonomy: &str, name: &str) -> String {
    format!(
        "{}/{taxonomy}/{}/",
        site.config.base_path(),
        crate::markdown::slugify(name)
    )
}

fn summary<'a>(site: &Site, page: &'a Page) -> Summary<'a> {
    let f = page.front();
    Summary {
        title: &f.title,
        description: f.description.as_deref().unwrap_or(""),
        url: format!("{}{}", site.config.base_path(), page.path),
        permalink: site.permalink(&page.path),
        path: &page.path,
        date: f.date.map(|d| d.to_string()),
        updated: f.updated.map(|d| d.to_string()),
        last_modified: f.updated.or(f.date).map(|d| d.to_string()),
        author: f.author.as_deref(),
        reading_time: page.rendered.reading_time(),
        word_count: page.rendered.word_count,
        category: f.category.as_ref().map(|c| Link {
            name: c.clone(),
            url: term_url(site, "categories", c),
        }),
        tags: f
            .tags
            .iter()
            .map(|t| Link {
                name: t.clone(),
                url: term_url(site, "tags", t),
            })
            .collect(),
        content_warnings: f
            .content_warnings
            .iter()
            .map(|k| topic_label(site, k))
            .collect(),
        summary: &page.rendered.summary,
    }
}

/// A page's summary value: what listings, feeds and its own page show of it.
pub fn summary_value(site: &Site, page: &Page) -> Value {
    Value::from_serializable(&summary(site, page))
}

/// The summary value of every page, computed once per site.
pub fn summaries(site: &Site) -> &[Value] {
    site.summaries.get_or_init(|| {
        use rayon::prelude::*;
        site.pages
            .par_iter()
            .with_max_len(crate::site::PAGES_PER_TASK)
            .map(|p| summary_value(site, p))
            .collect()
    })
}

/// Like [`summaries`], reusing the values of pages that did not change since `old` (an
/// incremental rebuild: same configuration and URLs, so a page's summary depends on that page
/// alone).
pub fn summaries_reusing<'a>(site: &'a Site, old: &Site) -> &'a [Value] {
    site.summaries.get_or_init(|| {
        use rayon::prelude::*;
        let old_values = summaries(old);
        site.pages
            .par_iter()
            .with_max_len(crate::site::PAGES_PER_TASK)
            .enumerate()
            .map(|(i, p)| match (old.pages.get(i), old_values.get(i)) {
                (Some(o), Some(v))
                    if o.content_path() == p.content_path()
                        && std::sync::Arc::ptr_eq(&o.source, &p.source)
                        && std::sync::Arc::ptr_eq(&o.rendered, &p.rendered) =>
                {
                    v.clone()
                }
                _ => summary_value(site, p),
            })
            .collect()
    })
}

fn title_link(site: &Site, i: Option<usize>) -> Option<TitleLink> {
    let p = &site.pages[i?];
    Some(TitleLink {
        title: p.front().title.clone(),
        url: format!("{}{}", site.config.base_path(), p.path),
    })
}

/// `page`: the page's summary value (see [`summaries`]) plus everything only its own page shows.
pub fn page_value(site: &Site, page: &Page, summary: &Value) -> Value {
    let f = page.front();
    let base = site.config.base_path();
    let optional = |v: Option<Value>| v.unwrap_or_else(Value::none);
    // Built as a map around the shared summary: serialising a view struct would copy every
    // summary field, the region's crisis lines and the disclaimer again for every page.
    let mut map = summary.as_map().cloned().unwrap_or_default();
    let mut put = |key: &'static str, value: Value| {
        map.insert(key.into(), value);
    };
    put("slug", Value::from(&*page.slug));
    put("source", Value::from(page.content_path()));
    put(
        "kind",
        Value::from(match page.kind {
            PageKind::Article => "article",
            PageKind::Page => "page",
            PageKind::Help => "help",
        }),
    );
    put(
        "reviewed_by",
        optional(f.reviewed_by.as_deref().map(Value::from)),
    );
    put(
        "reviewed",
        optional(f.reviewed.map(|d| Value::from(d.to_string()))),
    );
    put("content", Value::from(page.rendered.html.as_str()));
    put("toc", Value::from_serializable(&page.rendered.toc));
    put("references", Value::from_serializable(&f.references));
    put("extra", Value::from_serializable(&f.extra));
    put(
        "assets",
        Value::from(
            page.assets
                .iter()
                .map(|a| {
                    let name = a.rsplit('/').next().unwrap_or(a);
                    format!("{base}{}{name}", page.path)
                })
                .collect::<Vec<String>>(),
        ),
    );
    put(
        "previous",
        optional(title_link(site, page.previous).map(|l| Value::from_serializable(&l))),
    );
    put(
        "next",
        optional(title_link(site, page.next).map(|l| Value::from_serializable(&l))),
    );
    put("draft", Value::from(f.draft));
    put("safety", page_safety(site, page));
    put(
        "json_ld",
        Value::from(crate::output::json_ld::page(site, page)),
    );
    Value::from(map)
}

#[derive(Serialize)]
struct SubsectionView<'a> {
    title: &'a str,
    description: &'a str,
    url: String,
    path: &'a str,
    page_count: usize,
}

#[derive(Serialize)]
struct SectionView<'a> {
    title: &'a str,
    description: &'a str,
    url: String,
    permalink: String,
    path: &'a str,
    content: &'a str,
    extra: &'a serde_json::Value,
    page_count: usize,
    subsections: Vec<SubsectionView<'a>>,
    parent: Option<TitleLink>,
    pages: Vec<Value>,
    /// JSON-LD `WebSite` on the home section; empty otherwise.
    json_ld: String,
}

fn subsection_view<'a>(site: &Site, s: &'a Section) -> SubsectionView<'a> {
    SubsectionView {
        title: &s.front.title,
        description: s.front.description.as_deref().unwrap_or(""),
        url: format!("{}{}", site.config.base_path(), s.path),
        path: &s.path,
        page_count: s.pages.len(),
    }
}

/// `section`; `pages` holds the summaries only when `with_pages` (the home page).
pub fn section_value(site: &Site, s: &Section, summaries: &[Value], with_pages: bool) -> Value {
    Value::from_serializable(&SectionView {
        title: &s.front.title,
        description: s.front.description.as_deref().unwrap_or(""),
        url: format!("{}{}", site.config.base_path(), s.path),
        permalink: site.permalink(&s.path),
        path: &s.path,
        content: &s.rendered.html,
        extra: &s.front.extra,
        page_count: s.pages.len(),
        subsections: s
            .subsections
            .iter()
            .map(|&i| subsection_view(site, &site.sections[i]))
            .collect(),
        parent: s.parent.map(|p| TitleLink {
            title: site.sections[p].front.title.clone(),
            url: format!("{}{}", site.config.base_path(), site.sections[p].path),
        }),
        pages: if with_pages {
            s.pages.iter().map(|&i| summaries[i].clone()).collect()
        } else {
            Vec::new()
        },
        json_ld: if s.path == "/" {
            crate::output::json_ld::website(site)
        } else {
            String::new()
        },
    })
}

/// One page of a paginated listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pager {
    /// Site path of the listing (`/articles/`); page `n` lives at `/articles/page/n/`.
    pub base: String,
    /// 1-based.
    pub index: usize,
    pub count: usize,
    pub per_page: usize,
}

impl Pager {
    pub fn path_of(&self, n: usize) -> String {
        if n == 1 {
            self.base.clone()
        } else {
            format!("{}page/{n}/", self.base)
        }
    }

    pub fn path(&self) -> String {
        self.path_of(self.index)
    }

    /// The slice of `items` shown on this page.
    pub fn chunk<'a>(&self, items: &'a [usize]) -> &'a [usize] {
        let start = (self.index - 1) * self.per_page;
        &items[start.min(items.len())..(start + self.per_page).min(items.len())]
    }
}

#[derive(Serialize)]
struct PaginatorView {
    pages: Vec<Value>,
    current_index: usize,
    number_pagers: usize,
    total_pages: usize,
    paginate_by: usize,
    first: String,
    last: String,
    previous: Option<String>,
    next: Option<String>,
}

/// The listing pages of `items` under `path` (`/articles/`, `/articles/page/2/`, …).
pub fn paginate(path: &str, items: &[usize], per_page: usize) -> Vec<Pager> {
    let per_page = if per_page == 0 {
        items.len().max(1)
    } else {
        per_page
    };
    let count = items.len().div_ceil(per_page).max(1);
    (1..=count)
        .map(|index| Pager {
            base: path.to_string(),
            index,
            count,
            per_page,
        })
        .collect()
}

/// The `paginator` value of one listing page.
pub fn paginator_value(site: &Site, pager: &Pager, items: &[usize], summaries: &[Value]) -> Value {
    let base = site.config.base_path();
    let n = pager.index;
    Value::from_serializable(&PaginatorView {
        pages: pager
            .chunk(items)
            .iter()
            .map(|&i| summaries[i].clone())
            .collect(),
        current_index: n,
        number_pagers: pager.count,
        total_pages: items.len(),
        paginate_by: pager.per_page,
        first: format!("{base}{}", pager.path_of(1)),
        last: format!("{base}{}", pager.path_of(pager.count)),
        previous: (n > 1).then(|| format!("{base}{}", pager.path_of(n - 1))),
        next: (n < pager.count).then(|| format!("{base}{}", pager.path_of(n + 1))),
    })
}

#[derive(Serialize)]
struct TermView<'a> {
    name: &'a str,
    slug: &'a str,
    url: String,
    count: usize,
}

#[derive(Serialize)]
struct TaxonomyView<'a> {
    name: &'a str,
    title: &'a str,
    url: String,
    terms: Vec<TermView<'a>>,
}

fn term_view<'a>(site: &Site, t: &Taxonomy, term: &'a Term) -> TermView<'a> {
    TermView {
        name: &term.name,
        slug: &term.slug,
        url: format!("{}/{}/{}/", site.config.base_path(), t.name, term.slug),
        count: term.pages.len(),
    }
}

pub fn taxonomy_value(site: &Site, t: &Taxonomy, with_terms: bool) -> Value {
    Value::from_serializable(&TaxonomyView {
        name: t.name,
        title: t.title,
        url: format!("{}{}", site.config.base_path(), t.path()),
        terms: if with_terms {
            t.terms
                .iter()
                .map(|term| term_view(site, t, term))
                .collect()
        } else {
            Vec::new()
        },
    })
}

pub fn term_value(site: &Site, t: &Taxonomy, term: &Term) -> Value {
    Value::from_serializable(&term_view(site, t, term))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tel_links_keep_digits_only() {
        assert_eq!(tel_href("988"), "tel:988");
        assert_eq!(tel_href("13 11 14"), "tel:131114");
        assert_eq!(tel_href("+44 116 123"), "tel:+44116123");
        assert_eq!(tel_href("1-800-668-6868"), "tel:18006686868");
        assert_eq!(tel_href("112 or 999"), "tel:112");
    }

    #[test]
    fn sms_links_carry_the_keyword() {
        let r = Resource {
            name: "Crisis Text Line".into(),
            description: None,
            call: None,
            text: Some("741741".into()),
            text_keyword: Some("HOME".into()),
            chat: None,
            url: None,
            hours: None,
        };
        let v = resource_view(&r);
        assert_eq!(v.text_href.as_deref(), Some("sms:741741?&body=HOME"));
        assert_eq!(v.text_instructions.as_deref(), Some("Text HOME to 741741"));
    }
}
