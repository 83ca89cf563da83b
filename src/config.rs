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
    /// Files Haven generates (`robots.txt`, `_headers`, `_redirects`, `sitemap.xml`,
    /// `404.html` …) that a file of the same name in `static/` (or the theme's) replaces on
    /// purpose. Without this, such a file is an error: two files cannot both be written there.
    #[serde(default)]
    pub replace_generated: Vec<String>,
    /// Free-form values for templates.
    #[serde(default)]
    pub extra: serde_json::Value,
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
    /// Word classes for patterns (`{name}`); a built-in class of the same name gains the
    /// entries.
    #[serde(default)]
    pub word_classes: IndexMap<String, Vec<String>>,
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
            word_classes: IndexMap::new(),
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

/// A sensitive topic of the site's content-warning vocabulary (`safety.topics.<key>`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Topic {
    pub label: String,
    #[serde(default)]
    pub high_risk: bool,
    /// Patterns that mention the topic, in Haven's pattern language (`take {poss} own life`,
    /// `suicid*`), or words that must occur together in one sentence.
    #[serde(default)]
    pub terms: Vec<TermSpec>,
    /// Longer phrases inside which the terms do not count (`trauma surgeon`, `suicide doors`).
    #[serde(default)]
    pub except: Vec<String>,
    /// How an article that discusses the topic without declaring it is reported. Default:
    /// `error` for a high-risk topic, else `warning`.
    #[serde(default)]
    pub undeclared: Option<Level>,
    /// Use Haven's built-in vocabulary for this key (`suicide`, `self-harm`, `substance-use`,
    /// `abuse`, `eating-disorders`, `trauma`) as well as `terms`.
    #[serde(default = "default_true")]
    pub builtin: bool,
}

impl Topic {
    /// A topic with these terms and nothing else (no built-in vocabulary).
    pub fn with_terms(label: &str, high_risk: bool, terms: &[&str]) -> Topic {
        Topic {
            label: label.to_string(),
            high_risk,
            terms: terms
                .iter()
                .map(|t| TermSpec::Pattern((*t).to_string()))
                .collect(),
            except: Vec::new(),
            undeclared: None,
            builtin: false,
        }
    }

    /// The level of `undeclared-topic` for this topic.
    pub fn undeclared_level(&self) -> Level {
        self.undeclared.unwrap_or(if self.high_risk {
            Level::Error
        } else {
            Level::Warning
        })
    }
}

/// How a finding is reported: as an error (the build stops), a warning, or not at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Off,
}

/// A topic term or what a phrase rule matches: one pattern, or a pattern with exceptions, or
/// sets of patterns that must occur together.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum TermSpec {
    /// A pattern, e.g. `take {poss} own life`.
    Pattern(String),
    Rule(TermRule),
}

/// `{match: …}` or `{all: […]}` with optional `within`, `unless` and `except`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TermRule {
    /// One pattern (the same as writing it as a plain string, plus the exceptions below).
    #[serde(default, rename = "match")]
    pub pattern: Option<String>,
    /// Sets of patterns that must all occur in one sentence; each set is a pattern or a list
    /// of patterns any of which will do.
    #[serde(default)]
    pub all: Vec<PatternSet>,
    /// With `all`: the sets must also be within this many words of each other.
    #[serde(default)]
    pub within: Option<usize>,
    /// Patterns that veto a match in the same sentence ("lock", "store safely").
    #[serde(default)]
    pub unless: Vec<String>,
    /// Longer phrases inside which a match does not count.
    #[serde(default)]
    pub except: Vec<String>,
}

/// One set of `all`: a pattern, or a list of patterns any of which will do.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum PatternSet {
    One(String),
    Any(Vec<String>),
}

impl PatternSet {
    pub fn patterns(&self) -> &[String] {
        match self {
            PatternSet::One(p) => std::slice::from_ref(p),
            PatternSet::Any(list) => list,
        }
    }
}

// Written by hand rather than `#[serde(untagged)]`, whose error ("data did not match any
// variant") would hide which key of a rule was wrong.
impl<'de> Deserialize<'de> for TermSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = TermSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a pattern, or a map with `match` or `all`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<TermSpec, E> {
                Ok(TermSpec::Pattern(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<TermSpec, A::Error> {
                let rule =
                    TermRule::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                match (&rule.pattern, rule.all.is_empty()) {
                    (None, true) => Err(serde::de::Error::custom(
                        "a term written as a map needs `match` (one pattern) or `all` (patterns that occur together)",
                    )),
                    (Some(_), false) => Err(serde::de::Error::custom(
                        "a term has both `match` and `all`; put the pattern of `match` into `all`",
                    )),
                    _ => Ok(TermSpec::Rule(rule)),
                }
            }
        }
        d.deserialize_any(Visitor)
    }
}

impl<'de> Deserialize<'de> for PatternSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = PatternSet;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a pattern or a list of patterns")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<PatternSet, E> {
                Ok(PatternSet::One(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                seq: A,
            ) -> Result<PatternSet, A::Error> {
                Vec::<String>::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))
                    .map(PatternSet::Any)
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SafeMessaging {
    #[default]
    Warn,
    Error,
    Off,
}

/// A safe-messaging rule of the site (`safety.phrases`): discouraged language and what to say
/// instead. The same `id` as a built-in rule changes that rule.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PhraseRule {
    pub id: String,
    /// What the rule finds, in Haven's pattern language (as topic terms).
    #[serde(default, rename = "match")]
    pub matches: Vec<TermSpec>,
    /// A regular expression instead of `match`, matched case-insensitively on word boundaries.
    #[serde(default)]
    pub pattern: Option<String>,
    /// Longer phrases inside which the rule's matches do not count.
    #[serde(default)]
    pub except: Vec<String>,
    /// Patterns that veto the rule's matches in the same sentence.
    #[serde(default)]
    pub unless: Vec<String>,
    /// Only in articles that declare or mention one of these topics.
    #[serde(default)]
    pub topics: Option<Vec<String>>,
    #[serde(default)]
    pub replacement: Option<String>,
    /// `error`, `warning` or `off` (turns a built-in rule off).
    #[serde(default)]
    pub severity: Option<Level>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub source: Option<String>,
    /// Why the wording is discouraged.
    #[serde(default)]
    pub message: Option<String>,
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
        Ok(config)
    }

    /// Checks the paths the configuration names (`text` being the file it was read from,
    /// for the lines of its keys): `theme` must be a folder name, `safety.help_page` and
    /// `replace_generated` paths inside the output. `safety.help_page` is normalised
    /// (`/help//now/` → `help/now`), so that every use of it names the same page.
    pub fn check_paths(&mut self, text: &str) -> Result<(), Vec<Diagnostic>> {
        use crate::write::path;
        let file = Path::new(CONFIG_FILE);
        let mut problems = Vec::new();
        let located = |keys: &[&str], message: String, help: &str| {
            let (line, column) = key_position(text, keys);
            Diagnostic::error("invalid-path", message)
                .in_file(file)
                .at(line, column)
                .suggest(help)
        };
        let theme = path::site_path(&self.theme).and_then(|name| {
            if name.contains('/') || name != self.theme {
                Err(path::PathProblem::NotAName)
            } else {
                Ok(name)
            }
        });
        if let Err(problem) = theme {
            problems.push(located(
                &["theme"],
                format!("`theme` `{}` cannot name a theme: {problem}", self.theme),
                "use the name of a folder in themes/, such as `calm`",
            ));
        }
        // An empty help page is the safety checks' to report.
        let help_page = self.safety.help_page.trim_matches('/');
        if !help_page.is_empty() {
            match path::site_path(help_page) {
                Ok(normal) => self.safety.help_page = normal,
                Err(problem) => problems.push(located(
                    &["safety", "help_page"],
                    format!(
                        "`safety.help_page` `{}` cannot name a page of the site: {problem}",
                        self.safety.help_page
                    ),
                    "use a path on the site, such as `get-help` or `support/get-help`",
                )),
            }
        }
        for (i, name) in self.replace_generated.iter_mut().enumerate() {
            match path::file_path(name) {
                Ok(normal) => *name = normal,
                Err(problem) => {
                    let (line, column) = item_position(text, &["replace_generated"], i);
                    problems.push(
                        Diagnostic::error(
                            "invalid-path",
                            format!(
                                "`replace_generated` lists `{name}`, which cannot name a file of the site: {problem}"
                            ),
                        )
                        .in_file(file)
                        .at(line, column)
                        .suggest("list generated files by their path in the output, such as `robots.txt`"),
                    );
                }
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
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

/// The 1-based line and column of the key at `keys` (`["safety", "help_page"]`) in the YAML
/// `text`, as far as block mappings tell: else of its nearest parent found, else (1, 1).
/// Only messages need it, so it reads the text again rather than keeping positions.
pub fn key_position(text: &str, keys: &[&str]) -> (usize, usize) {
    key_line_index(text, keys)
        .map(|(line, indent, _)| (line + 1, indent + 1))
        .unwrap_or((1, 1))
}

/// The position of the `item`-th (0-based) entry of the list at `keys`: the line of `- ` items
/// of a block list, else the key's own.
pub fn item_position(text: &str, keys: &[&str], item: usize) -> (usize, usize) {
    let Some((line, indent, complete)) = key_line_index(text, keys) else {
        return (1, 1);
    };
    if complete {
        let items = text
            .lines()
            .enumerate()
            .skip(line + 1)
            .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
            .take_while(|(_, l)| {
                let at = l.len() - l.trim_start().len();
                at > indent || (at == indent && l.trim_start().starts_with("- "))
            })
            .filter(|(_, l)| l.trim_start().starts_with("- "));
        if let Some((n, l)) = items.clone().nth(item) {
            return (n + 1, l.len() - l.trim_start().len() + 3);
        }
    }
    (line + 1, indent + 1)
}

/// The 0-based line and indent of the key at `keys`, or of the deepest parent found, and
/// whether that is the key itself.
fn key_line_index(text: &str, keys: &[&str]) -> Option<(usize, usize, bool)> {
    let mut stack: Vec<(usize, &str)> = Vec::new();
    let mut best: Option<(usize, usize, usize)> = None;
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('-') {
            continue;
        }
        let indent = line.len() - trimmed.len();
        let Some((key, _)) = trimmed.split_once(':') else {
            continue;
        };
        let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
        while stack.last().is_some_and(|(at, _)| *at >= indent) {
            stack.pop();
        }
        stack.push((indent, key));
        let depth = stack.len();
        if depth <= keys.len()
            && stack.iter().zip(keys).all(|((_, k), want)| k == want)
            && best.is_none_or(|(_, _, d)| d < depth)
        {
            best = Some((n, indent, depth));
            if depth == keys.len() {
                break;
            }
        }
    }
    best.map(|(n, indent, depth)| (n, indent, depth == keys.len()))
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
    fn keys_and_list_items_are_located() {
        let text = "title: T\nsafety:\n  notice: \"x\"\n  # help_page: commented\n  help_page: ../x\nreplace_generated:\n  - robots.txt\n\n  - _headers\nflow: [a, b]\n";
        assert_eq!(key_position(text, &["safety", "help_page"]), (5, 3));
        assert_eq!(key_position(text, &["title"]), (1, 1));
        // Missing: the nearest parent, else the start.
        assert_eq!(key_position(text, &["safety", "regions"]), (2, 1));
        assert_eq!(key_position(text, &["nothing"]), (1, 1));
        assert_eq!(item_position(text, &["replace_generated"], 0), (7, 5));
        assert_eq!(item_position(text, &["replace_generated"], 1), (9, 5));
        assert_eq!(item_position(text, &["flow"], 1), (10, 1));
    }

    #[test]
    fn paths_in_the_configuration_are_checked_and_normalised() {
        let text = "title: T\nbase_url: https://e.org\nsafety:\n  help_page: /support//get-help/\n";
        let mut c = parse(text).unwrap();
        c.check_paths(text).unwrap();
        assert_eq!(c.safety.help_page, "support/get-help");
        let text = "title: T\nbase_url: https://e.org\ntheme: ../x\nsafety:\n  help_page: a/../../b\nreplace_generated: [\"C:robots.txt\"]\n";
        let mut c = parse(text).unwrap();
        let problems = c.check_paths(text).unwrap_err();
        let at: Vec<(usize, usize)> = problems
            .iter()
            .map(|d| (d.line as usize, d.column as usize))
            .collect();
        assert_eq!(at, [(3, 1), (5, 3), (6, 1)]);
        assert!(problems.iter().all(|d| d.code == "invalid-path"));
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
