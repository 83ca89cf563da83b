//! `site.yaml` → [`Config`]: strict, typed site configuration.
//!
//! Unknown keys are errors (with a "did you mean" suggestion), so a typo never silently turns a
//! setting off. Everything that later stages need from the configuration lives here.

use crate::diagnostics::Diagnostic;
use crate::yaml;
use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::path::Path;

pub const CONFIG_FILE: &str = "site.yaml";

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub title: String,
    /// Production URL, e.g. `https://example.org` or `https://example.github.io/site/`.
    pub base_url: String,
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default = "default_theme")]
    pub theme: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub author: String,
    #[serde(default)]
    pub taxonomies: TaxonomyConfig,
    #[serde(default)]
    pub safety: SafetyConfig,
    #[serde(default)]
    pub review: ReviewConfig,
    #[serde(default)]
    pub search: SearchConfig,
    /// Free-form values for templates.
    #[serde(default)]
    pub extra: serde_json::Value,
    /// The text of `site.yaml`, to locate the keys of values that parse but are wrong.
    #[serde(skip)]
    pub source: ConfigSource,
}

/// The text a [`Config`] was parsed from (empty for one made in code).
#[derive(Debug, Clone, Default)]
pub struct ConfigSource(std::sync::Arc<str>);

impl ConfigSource {
    /// 1-based line and column of the key at `path` (`["safety", "regions", "US"]`; a number
    /// is the index of a list item) in block-style YAML: of the deepest part of the path that
    /// is found, or the start of the file.
    pub fn position(&self, path: &[&str]) -> (usize, usize) {
        let lines: Vec<&str> = self.0.lines().collect();
        let mut found = (1, 1);
        // The line and indentation of the value found so far, whose block is searched next.
        let mut parent: Option<(usize, usize)> = None;
        for segment in path {
            let start = parent.map_or(0, |(line, _)| line);
            let mut hit = None;
            let mut items = 0;
            for (n, line) in lines.iter().enumerate().skip(start) {
                let indent = line.len() - line.trim_start().len();
                let text = line.trim_start();
                if text.is_empty() || text.starts_with('#') {
                    continue;
                }
                // The first line of a list item holds its first key too.
                let (indent, text) = match (parent, text.strip_prefix("- ")) {
                    (Some((line_no, _)), Some(rest)) if n == line_no => (indent + 2, rest),
                    _ => (indent, text),
                };
                if let Some((line_no, parent_indent)) = parent
                    && n > line_no
                    && indent <= parent_indent
                {
                    break;
                }
                if let Ok(index) = segment.parse::<usize>() {
                    if text.starts_with("- ") || text == "-" {
                        if items == index {
                            hit = Some((n, indent));
                            break;
                        }
                        items += 1;
                    }
                    continue;
                }
                let key = text
                    .split_once(':')
                    .map(|(k, _)| k.trim().trim_matches(|c| c == '"' || c == '\''));
                if key == Some(segment) {
                    hit = Some((n, indent));
                    break;
                }
            }
            match hit {
                Some((n, indent)) => {
                    found = (n + 1, indent + 1);
                    parent = Some((n, indent));
                }
                None => break,
            }
        }
        found
    }
}

fn default_language() -> String {
    "en".to_string()
}
fn default_theme() -> String {
    "calm".to_string()
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyConfig {
    /// Terms per page on `/tags/<slug>/` and `/categories/<slug>/`; 0 = one page.
    #[serde(default = "default_taxonomy_paginate")]
    pub paginate_by: usize,
}

impl Default for TaxonomyConfig {
    fn default() -> Self {
        TaxonomyConfig {
            paginate_by: default_taxonomy_paginate(),
        }
    }
}

fn default_taxonomy_paginate() -> usize {
    20
}

/// `safety:` — crisis resources, the topic vocabulary and safe-messaging settings.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SafetyConfig {
    /// URL slug of the generated Get Help Now page.
    #[serde(default = "default_help_page")]
    pub help_page: String,
    #[serde(default)]
    pub notice: String,
    #[serde(default)]
    pub default_region: String,
    /// Region code → region, in display order.
    #[serde(default)]
    pub regions: IndexMap<String, Region>,
    /// Topic key → topic, the site's content-warning vocabulary.
    #[serde(default)]
    pub topics: IndexMap<String, Topic>,
    #[serde(default)]
    pub safe_messaging: SafeMessaging,
    /// Extra or overriding safe-messaging phrase rules (same `id` overrides a built-in).
    #[serde(default)]
    pub phrases: Vec<PhraseRule>,
    #[serde(default)]
    pub disclaimer: String,
    #[serde(default)]
    pub disclosure: String,
    /// Whether an article may override `disclaimer`/`disclosure` under its `extra`.
    #[serde(default)]
    pub allow_overrides: bool,
}

impl Default for SafetyConfig {
    fn default() -> Self {
        SafetyConfig {
            help_page: default_help_page(),
            notice: String::new(),
            default_region: String::new(),
            regions: IndexMap::new(),
            topics: IndexMap::new(),
            safe_messaging: SafeMessaging::default(),
            phrases: Vec::new(),
            disclaimer: String::new(),
            disclosure: String::new(),
            allow_overrides: false,
        }
    }
}

fn default_help_page() -> String {
    "get-help".to_string()
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Region {
    /// Display name, e.g. "United States".
    pub name: String,
    /// Emergency number, e.g. "911".
    pub emergency: String,
    #[serde(default)]
    pub resources: Vec<Resource>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Phone number to call.
    #[serde(default)]
    pub call: Option<String>,
    /// Number to text.
    #[serde(default)]
    pub text: Option<String>,
    /// Keyword to send by text, e.g. "HOME".
    #[serde(default)]
    pub text_keyword: Option<String>,
    /// Chat URL.
    #[serde(default)]
    pub chat: Option<String>,
    /// Website.
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub hours: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    pub label: String,
    #[serde(default)]
    pub high_risk: bool,
    /// Words and phrases that mention the topic. Matched case-insensitively on word
    /// boundaries; a trailing `*` matches any word ending (`suicid*`).
    #[serde(default)]
    pub terms: Vec<String>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SafeMessaging {
    #[default]
    Warn,
    Error,
    Off,
}

/// A safe-messaging rule: discouraged language and what to say instead.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PhraseRule {
    pub id: String,
    /// Regular expression, matched case-insensitively on word boundaries.
    #[serde(default)]
    pub pattern: Option<String>,
    #[serde(default)]
    pub replacement: Option<String>,
    /// `warning`, `error` or `off` (turns a built-in rule off).
    #[serde(default)]
    pub severity: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
}

/// `review:` — clinical review policy.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewConfig {
    #[serde(default = "default_max_age")]
    pub max_age_days: i64,
    #[serde(default)]
    pub require_reviewer: bool,
    #[serde(default = "default_max_grade")]
    pub max_grade: f64,
}

impl Default for ReviewConfig {
    fn default() -> Self {
        ReviewConfig {
            max_age_days: default_max_age(),
            require_reviewer: false,
            max_grade: default_max_grade(),
        }
    }
}

fn default_max_age() -> i64 {
    365
}
fn default_max_grade() -> f64 {
    8.0
}

/// `search:` — the search index.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    #[serde(default = "default_true")]
    pub enabled: bool,
    /// Characters of body text kept per page in the index.
    #[serde(default = "default_body_length")]
    pub body_length: usize,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            enabled: true,
            body_length: default_body_length(),
        }
    }
}

fn default_true() -> bool {
    true
}
fn default_body_length() -> usize {
    300
}

impl Config {
    /// Parses `site.yaml` text; `file` names it in diagnostics.
    pub fn parse(text: &str, file: &Path) -> Result<Config, Diagnostic> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut config: Config = yaml::from_str(text, file, 0)?;
        config.base_url = config.base_url.trim_end_matches('/').to_string();
        config.source = ConfigSource(text.into());
        Ok(config)
    }

    /// The path part of `base_url` without a trailing slash: `""` or `/prefix`.
    pub fn base_path(&self) -> &str {
        // Every URL a page links is built on this, tens of times per page: a few byte
        // comparisons over the short URL, not a substring searcher set up per call.
        let url = self.base_url.as_bytes();
        let host = url
            .windows(3)
            .position(|w| w == b"://")
            .map_or(0, |i| i + 3);
        let path = url[host..]
            .iter()
            .position(|&b| b == b'/')
            .map_or(url.len(), |i| host + i);
        let mut end = url.len();
        while end > path && url[end - 1] == b'/' {
            end -= 1;
        }
        // Both ends are at ASCII bytes, so on character boundaries.
        self.base_url.get(path..end).unwrap_or_default()
    }

    /// Absolute URL for a site path such as `/articles/foo/`.
    pub fn permalink(&self, path: &str) -> String {
        let origin_len = self.base_url.len() - self.base_path().len();
        format!(
            "{}{}{}",
            &self.base_url[..origin_len],
            self.base_path(),
            path
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Diagnostic> {
        Config::parse(text, Path::new("site.yaml"))
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let c = parse("title: T\nbase_url: https://example.org/\n").unwrap();
        assert_eq!(c.theme, "calm");
        assert_eq!(c.language, "en");
        assert_eq!(c.base_url, "https://example.org");
        assert_eq!(c.base_path(), "");
        assert_eq!(c.permalink("/a/"), "https://example.org/a/");
        assert_eq!(c.safety.help_page, "get-help");
    }

    #[test]
    fn base_path_of_subpath_site() {
        let c = parse("title: T\nbase_url: https://me.github.io/haven-site/\n").unwrap();
        assert_eq!(c.base_path(), "/haven-site");
        assert_eq!(c.permalink("/a/"), "https://me.github.io/haven-site/a/");
        // A port's colon is not the scheme's (the live preview serves on one).
        for (url, path) in [
            ("http://127.0.0.1:1111", ""),
            ("http://127.0.0.1:1111/preview/", "/preview"),
            ("https://example.org:8443/docs/a/", "/docs/a"),
        ] {
            let c = parse(&format!("title: T\nbase_url: {url}\n")).unwrap();
            assert_eq!(c.base_path(), path, "{url}");
        }
    }

    #[test]
    fn unknown_key_suggests_the_right_one() {
        let e = parse("title: T\nbase_url: https://e.org\ntheem: calm\n").unwrap_err();
        assert_eq!(e.code, "unknown-field");
        assert_eq!((e.line, e.column), (3, 1));
        assert!(e.suggestion.unwrap().contains("`theme`"));
    }

    #[test]
    fn keys_are_located_for_messages() {
        let c = parse(
            "title: T\nbase_url: https://e.org\nsafety:\n  # crisis lines\n  help_page: help\n  regions:\n    US:\n      name: United States\n      emergency: '911'\n      resources:\n        - name: A\n          call: '1'\n        - name: B\n    CA: {name: Canada, emergency: '911'}\n  default_region: US\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let at = |path: &[&str]| c.source.position(path);
        assert_eq!(at(&["base_url"]), (2, 1));
        assert_eq!(at(&["safety", "help_page"]), (5, 3));
        assert_eq!(at(&["safety", "regions", "US"]), (7, 5));
        assert_eq!(at(&["safety", "regions", "US", "resources", "1"]), (13, 9));
        assert_eq!(
            at(&["safety", "regions", "US", "resources", "0", "call"]),
            (12, 11)
        );
        assert_eq!(at(&["safety", "regions", "CA", "resources"]), (14, 5));
        assert_eq!(at(&["safety", "default_region"]), (15, 3));
        // Not there: the deepest part that is.
        assert_eq!(at(&["safety", "topics"]), (3, 1));
        assert_eq!(at(&["nothing"]), (1, 1));
    }

    #[test]
    fn regions_keep_their_order() {
        let c = parse(
            "title: T\nbase_url: https://e.org\nsafety:\n  regions:\n    US: {name: United States, emergency: '911'}\n    CA: {name: Canada, emergency: '911'}\n    GB: {name: United Kingdom, emergency: '999'}\n",
        )
        .unwrap();
        let codes: Vec<_> = c.safety.regions.keys().cloned().collect();
        assert_eq!(codes, ["US", "CA", "GB"]);
    }
}
