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
    /// The text of `site.yaml`, to locate the keys of values that parse but are wrong.
    #[serde(skip)]
    pub source: ConfigSource,
}

/// The text a [`Config`] was parsed from (empty for one made in code), to locate the keys of
/// values that parse but are wrong.
#[derive(Debug, Clone, Default)]
pub struct ConfigSource(std::sync::Arc<str>);

impl ConfigSource {
    /// 1-based line and column of the value at `path` in `site.yaml` (see [`key_position`]).
    pub fn position(&self, path: &[&str]) -> (usize, usize) {
        key_position(&self.0, path)
    }

    /// The position of the `item`-th (0-based) entry of the list at `path` (see
    /// [`item_position`]).
    pub fn item_position(&self, path: &[&str], item: usize) -> (usize, usize) {
        item_position(&self.0, path, item)
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
        config.source = ConfigSource(text.into());
        Ok(config)
    }

    /// Checks the paths the configuration names: `theme` must be a folder name,
    /// `safety.help_page` and `replace_generated` paths inside the output. `safety.help_page`
    /// is normalised (`/help//now/` → `help/now`), so that every use of it names the same page.
    pub fn check_paths(&mut self) -> Result<(), Vec<Diagnostic>> {
        use crate::write::path;
        let file = Path::new(CONFIG_FILE);
        let mut problems = Vec::new();
        let located = |keys: &[&str], message: String, help: &str| {
            let (line, column) = self.source.position(keys);
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
                    let (line, column) = self.source.item_position(&["replace_generated"], i);
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

/// The 1-based line and column of the value at `path` in the YAML `text`: keys of block
/// mappings (`["safety", "help_page"]`) and, as numbers, the items of block lists
/// (`["safety", "regions", "US", "resources", "0"]`, located at the item's first character
/// after `- `). What is not there as a block (a missing key, the items of a flow list
/// `[a, b]`) is located at the deepest part of the path that is, else at (1, 1).
///
/// Only messages need positions, so this reads the text again rather than the parser keeping
/// them for every value.
pub fn key_position(text: &str, path: &[&str]) -> (usize, usize) {
    enum Step<'a> {
        Key(&'a str),
        Item(usize),
    }
    /// One key or list item of the way to the current line.
    struct Node<'a> {
        indent: usize,
        step: Step<'a>,
        /// List items seen so far in this node's value.
        items: usize,
    }
    let matches = |stack: &[Node<'_>]| {
        stack.len() <= path.len()
            && stack.iter().zip(path).all(|(node, want)| match node.step {
                Step::Key(key) => key == *want,
                Step::Item(i) => want.parse() == Ok(i),
            })
    };
    let mut stack: Vec<Node<'_>> = Vec::new();
    let mut root_items = 0;
    // Depth and position of the deepest part of the path found so far.
    let mut best = (0, (1, 1));
    // Lines of a block scalar (`notice: |`) deeper than this indent are text, not keys.
    let mut scalar_indent: Option<usize> = None;
    for (n, line) in text.lines().enumerate() {
        let mut rest = line.trim_start();
        let mut indent = line.len() - rest.len();
        if rest.is_empty() || rest.starts_with('#') {
            continue;
        }
        match scalar_indent {
            Some(at) if indent > at => continue,
            _ => scalar_indent = None,
        }
        // List items (`- `), and what starts on an item's line: a key (`- name: A`) or an
        // item of a list in the item (`- - a`).
        while let Some(after) = rest
            .strip_prefix('-')
            .filter(|r| r.is_empty() || r.starts_with([' ', '\t']))
        {
            // The previous item of the same list, and anything deeper, are done.
            while stack.last().is_some_and(|top| {
                top.indent > indent || (top.indent == indent && matches!(top.step, Step::Item(_)))
            }) {
                stack.pop();
            }
            let items = stack
                .last_mut()
                .map_or(&mut root_items, |top| &mut top.items);
            let index = *items;
            *items += 1;
            let content = after.trim_start();
            let column = if content.is_empty() || content.starts_with('#') {
                indent
            } else {
                indent + (rest.len() - content.len())
            };
            stack.push(Node {
                indent,
                step: Step::Item(index),
                items: 0,
            });
            if matches(&stack) && stack.len() > best.0 {
                best = (stack.len(), (n + 1, column + 1));
                if best.0 == path.len() {
                    return best.1;
                }
            }
            // An item that is a block scalar (`- |`): its lines are text.
            if content.starts_with(['|', '>']) {
                scalar_indent = Some(indent);
            }
            rest = content;
            indent = column;
        }
        let Some((key, value)) = mapping_key(rest) else {
            continue;
        };
        while stack.last().is_some_and(|top| top.indent >= indent) {
            stack.pop();
        }
        stack.push(Node {
            indent,
            step: Step::Key(key),
            items: 0,
        });
        if matches(&stack) && stack.len() > best.0 {
            best = (stack.len(), (n + 1, indent + 1));
            if best.0 == path.len() {
                return best.1;
            }
        }
        if value.starts_with(['|', '>']) {
            scalar_indent = Some(indent);
        }
    }
    best.1
}

/// The position of the `item`-th (0-based) entry of the list at `keys`: the line of `- ` items
/// of a block list, else the key's own (see [`key_position`]).
pub fn item_position(text: &str, keys: &[&str], item: usize) -> (usize, usize) {
    let index = item.to_string();
    let mut path = keys.to_vec();
    path.push(&index);
    key_position(text, &path)
}

/// The key of a line of a block mapping (`key: value`, `"key": value`) and what follows its
/// colon; `None` for other lines (a scalar, a flow collection, a continued value).
fn mapping_key(line: &str) -> Option<(&str, &str)> {
    let colon_ends = |after: &str| after.is_empty() || after.starts_with([' ', '\t']);
    let (key, after) = match line.as_bytes().first()? {
        quote @ (b'"' | b'\'') => {
            let end = line[1..].find(char::from(*quote))? + 1;
            (
                &line[1..end],
                line[end + 1..].trim_start().strip_prefix(':')?,
            )
        }
        b'{' | b'[' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'?' => return None,
        _ => {
            let colon = line
                .match_indices(':')
                .map(|(i, _)| i)
                .find(|&i| colon_ends(&line[i + 1..]))?;
            (line[..colon].trim_end(), &line[colon + 1..])
        }
    };
    colon_ends(after).then(|| (key, after.trim_start()))
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
        assert_eq!(at(&["safety", "regions", "US", "resources", "1"]), (13, 11));
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
        c.check_paths().unwrap();
        assert_eq!(c.safety.help_page, "support/get-help");
        let text = "title: T\nbase_url: https://e.org\ntheme: ../x\nsafety:\n  help_page: a/../../b\nreplace_generated: [\"C:robots.txt\"]\n";
        let mut c = parse(text).unwrap();
        let problems = c.check_paths().unwrap_err();
        let at: Vec<(u32, u32)> = problems.iter().map(|d| (d.line, d.column)).collect();
        assert_eq!(at, [(3, 1), (5, 3), (6, 1)]);
        assert!(problems.iter().all(|d| d.code == "invalid-path"));
    }

    #[test]
    fn keys_are_located_by_their_parents() {
        // The same key deeper in the file, or earlier under another parent, is not it.
        let text = "extra:\n  theme: dark\n  safety:\n    help_page: no\ntheme: calm\nsafety:\n  regions:\n    US:\n      help_page: no\n  help_page: get-help\n";
        assert_eq!(key_position(text, &["theme"]), (5, 1));
        assert_eq!(key_position(text, &["safety", "help_page"]), (10, 3));
        // Text of a block scalar, quoted keys, values with colons, a list at its key's indent.
        let text = "notice: |\n  call: 988\n  - not an item\nurl: https://e.org/a:b\n\"call\": x\nlist:\n- a\n- name: b\n  call: '1'\nafter: 1\n";
        assert_eq!(key_position(text, &["call"]), (5, 1));
        assert_eq!(key_position(text, &["notice", "call"]), (1, 1));
        assert_eq!(key_position(text, &["list", "1"]), (8, 3));
        assert_eq!(key_position(text, &["list", "1", "call"]), (9, 3));
        assert_eq!(key_position(text, &["list", "2"]), (6, 1));
        assert_eq!(key_position(text, &["after"]), (10, 1));
        // Lists in lists, an item whose value starts on the next line, an item that is text.
        let text =
            "a:\n  - - x\n    - y\n  -\n    k: v\n  - |\n    k: text\n    - text\n  - k: w\n";
        assert_eq!(key_position(text, &["a", "0", "1"]), (3, 7));
        assert_eq!(key_position(text, &["a", "1", "k"]), (5, 5));
        assert_eq!(key_position(text, &["a", "2", "k"]), (6, 5));
        assert_eq!(key_position(text, &["a", "3", "k"]), (9, 5));
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
