//! `phrases` as it was before it was made faster (see [`super`]).

use crate::config::{CONFIG_FILE, PhraseRule, SafeMessaging, SafetyConfig};
use crate::diagnostics::{Diagnostic, Severity};
use crate::safety::{ProseSpan, lowercase_into, on_word_boundaries};
use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use std::collections::HashMap;

/// The built-in rules.
pub const BUILTIN_RULES: &str = include_str!("../phrases.yaml");

/// The code of the diagnostics phrase hits become, and of `<!-- haven:allow unsafe-phrase -->`.
pub const ALLOW_CODE: &str = "unsafe-phrase";

const START: &str = r"(?-u:\b{start-half})";
const END: &str = r"(?-u:\b{end-half})";

/// What a site-defined rule without a message of its own says.
const CUSTOM_MESSAGE: &str = "This wording is on the site's list of discouraged language.";
const CUSTOM_SOURCE: &str = "site.yaml (safety.phrases)";

/// One use of discouraged wording.
#[derive(Debug, Clone, PartialEq)]
pub struct PhraseHit {
    /// The rule's id.
    pub rule: String,
    /// The text that matched, as written in the source.
    pub matched: String,
    /// Byte offset of the match in the source file.
    pub offset: usize,
    /// What to say instead, when there is a drop-in phrase.
    pub replacement: Option<String>,
    pub severity: Severity,
    /// The guidance the rule comes from.
    pub source: String,
    /// Why the wording is discouraged.
    pub message: String,
}

impl PhraseHit {
    /// The severity to report under the site's `safe_messaging` policy, `None` to stay silent:
    /// `warn` keeps each rule's own severity, `error` makes every hit an error, `off` hides all.
    pub fn severity_under(&self, policy: SafeMessaging) -> Option<Severity> {
        match policy {
            SafeMessaging::Off => None,
            SafeMessaging::Warn => Some(self.severity),
            SafeMessaging::Error => Some(Severity::Error),
        }
    }
}

/// A rule as written in `phrases.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BuiltinRule {
    id: String,
    pattern: String,
    keywords: Vec<String>,
    #[serde(default)]
    replacement: Option<String>,
    severity: String,
    source: String,
    message: String,
}

/// A rule after merging built-ins with the site's configuration, before compiling.
#[derive(Debug)]
struct RuleSpec {
    id: String,
    pattern: String,
    /// Literals one of which every match contains; empty = run on every span.
    keywords: Vec<String>,
    replacement: Option<String>,
    severity: Severity,
    source: String,
    message: String,
}

#[derive(Debug)]
struct CompiledRule {
    spec: RuleSpec,
    regex: Regex,
    /// Whether `regex` has `phrase…`/`skip…` groups, which need the slower captures search.
    has_named_groups: bool,
}

/// The site's phrase rules, compiled once per build. `Send + Sync`.
#[derive(Debug)]
pub struct PhraseLinter {
    rules: Vec<CompiledRule>,
    /// All rules' keywords as one literal alternation: most prose contains none, and one
    /// literal search is far cheaper than running every rule's regex (a regex such as
    /// `(?:a|the)\s+schizophrenic` starts with words too common for the engine's own
    /// prefilter). `None` when no rule has keywords.
    keywords: Option<Regex>,
    /// Keyword → the rules it selects.
    keyword_rules: Vec<(String, Vec<usize>)>,
    /// Rules without keywords (site-defined patterns), run on every span.
    always: Vec<usize>,
}

impl PhraseLinter {
    /// Built-in rules (from `src/safety/phrases.yaml`) merged with `config.phrases`: the same id
    /// replaces a built-in (fields not given keep the built-in's), severity `off` removes it; new
    /// ids are added. A bad regex, an unknown severity or a new rule without a pattern is a
    /// Diagnostic with code `invalid-phrase-rule` naming the id.
    pub fn new(config: &SafetyConfig) -> Result<Self, Diagnostic> {
        let builtins: Vec<BuiltinRule> = serde_yaml::from_str(BUILTIN_RULES).map_err(|e| {
            Diagnostic::error(
                "invalid-phrase-rule",
                format!("Haven's built-in phrase rules could not be read: {e}"),
            )
        })?;
        let mut specs = Vec::with_capacity(builtins.len() + config.phrases.len());
        for b in builtins {
            let severity = match parse_severity(&b.severity) {
                Ok(Some(severity)) => severity,
                _ => {
                    return Err(Diagnostic::error(
                        "invalid-phrase-rule",
                        format!(
                            "built-in phrase rule `{}` has severity `{}`; expected warning or error",
                            b.id, b.severity
                        ),
                    ));
                }
            };
            if b.keywords.is_empty()
                || b.keywords
                    .iter()
                    .any(|k| k.is_empty() || k.to_ascii_lowercase() != *k)
            {
                return Err(Diagnostic::error(
                    "invalid-phrase-rule",
                    format!(
                        "built-in phrase rule `{}` needs non-empty lowercase keywords",
                        b.id
                    ),
                ));
            }
            specs.push(RuleSpec {
                id: b.id,
                pattern: b.pattern,
                keywords: b.keywords,
                replacement: b.replacement,
                severity,
                source: b.source,
                message: b.message,
            });
        }
        let builtin_ids: Vec<String> = specs.iter().map(|s| s.id.clone()).collect();
        for rule in &config.phrases {
            apply_override(&mut specs, rule, &builtin_ids)?;
        }
        let mut rules = Vec::with_capacity(specs.len());
        let mut keyword_rules: HashMap<String, Vec<usize>> = HashMap::new();
        let mut always = Vec::new();
        for (i, spec) in specs.into_iter().enumerate() {
            let regex = compile(&spec.id, &spec.pattern, &prepare(&spec.pattern))?;
            let has_named_groups = regex
                .capture_names()
                .flatten()
                .any(|name| name.starts_with("phrase") || name.starts_with("skip"));
            if spec.keywords.is_empty() {
                always.push(i);
            }
            for keyword in &spec.keywords {
                keyword_rules.entry(keyword.clone()).or_default().push(i);
            }
            rules.push(CompiledRule {
                spec,
                regex,
                has_named_groups,
            });
        }
        let keywords = if keyword_rules.is_empty() {
            None
        } else {
            let mut literals: Vec<&str> = keyword_rules.keys().map(String::as_str).collect();
            literals.sort_unstable();
            let alternation: Vec<String> = literals.iter().map(|k| regex::escape(k)).collect();
            Some(Regex::new(&alternation.join("|")).map_err(|e| {
                Diagnostic::error(
                    "invalid-phrase-rule",
                    format!("the phrase rules' keywords could not be compiled: {e}"),
                )
            })?)
        };
        let mut keyword_rules: Vec<(String, Vec<usize>)> = keyword_rules.into_iter().collect();
        keyword_rules.sort_unstable();
        Ok(PhraseLinter {
            rules,
            keywords,
            keyword_rules,
            always,
        })
    }

    /// Every hit (not only the first), in source order, skipping spans whose `allow` contains
    /// `unsafe-phrase`.
    pub fn lint(&self, spans: &[ProseSpan]) -> Vec<PhraseHit> {
        self.lint_with(spans, true)
    }

    /// [`lint`](Self::lint), optionally without the keyword pre-check (for testing keywords).
    fn lint_with(&self, spans: &[ProseSpan], use_keywords: bool) -> Vec<PhraseHit> {
        let mut hits = Vec::new();
        let mut lower = String::new();
        let mut selected = vec![false; self.rules.len()];
        for span in spans {
            if span.allows(ALLOW_CODE) {
                continue;
            }
            lowercase_into(&mut lower, &span.text);
            if use_keywords {
                self.select_rules(&lower, &mut selected);
            } else {
                selected.fill(true);
            }
            let first = hits.len();
            for (rule, _) in self.rules.iter().zip(&selected).filter(|(_, on)| **on) {
                rule.find_all(&lower, |start, end| {
                    hits.push(PhraseHit {
                        rule: rule.spec.id.clone(),
                        matched: span.text.get(start..end).unwrap_or_default().to_string(),
                        offset: span.start + start,
                        replacement: rule.spec.replacement.clone(),
                        severity: rule.spec.severity,
                        source: rule.spec.source.clone(),
                        message: rule.spec.message.clone(),
                    });
                });
            }
            // Stable, so hits at the same place stay in rule order.
            hits[first..].sort_by_key(|hit| hit.offset);
        }
        hits
    }

    /// Marks in `selected` the rules worth running on `lower`: those with a keyword in it, and
    /// those without keywords.
    fn select_rules(&self, lower: &str, selected: &mut [bool]) {
        selected.fill(false);
        for &i in &self.always {
            selected[i] = true;
        }
        let Some(keywords) = &self.keywords else {
            return;
        };
        let mut from = 0;
        while let Some(m) = keywords.find_at(lower, from) {
            // The regex reports one keyword per position, but several can start here
            // ("commit", "committed"), so check them all.
            let here = &lower[m.start()..];
            for (keyword, rules) in &self.keyword_rules {
                if here.starts_with(keyword.as_str()) {
                    for &i in rules {
                        selected[i] = true;
                    }
                }
            }
            // One character on, not past the match: a keyword can also start inside another
            // ("unsuccessful", "successful").
            from = m.start() + here.chars().next().map_or(1, char::len_utf8);
        }
    }

    /// The ids of the active rules, built-ins first.
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.rules.iter().map(|r| r.spec.id.as_str())
    }
}

impl CompiledRule {
    /// Calls `hit(start, end)` for each reported match in `lower` (an ASCII-lowercased span).
    fn find_all(&self, lower: &str, mut hit: impl FnMut(usize, usize)) {
        if !self.has_named_groups {
            for m in self.regex.find_iter(lower) {
                if !m.is_empty() && on_word_boundaries(lower, m.start(), m.end()) {
                    hit(m.start(), m.end());
                }
            }
            return;
        }
        for caps in self.regex.captures_iter(lower) {
            let Some(whole) = caps.get(0) else { continue };
            if whole.is_empty() || !on_word_boundaries(lower, whole.start(), whole.end()) {
                continue;
            }
            let mut phrase = None;
            let mut skipped = false;
            for (i, name) in self.regex.capture_names().enumerate() {
                let (Some(name), Some(group)) = (name, caps.get(i)) else {
                    continue;
                };
                if name.starts_with("skip") {
                    skipped = true;
                    break;
                }
                if name.starts_with("phrase") && phrase.is_none() {
                    phrase = Some(group);
                }
            }
            let reported = phrase.unwrap_or(whole);
            if !skipped && !reported.is_empty() {
                hit(reported.start(), reported.end());
            }
        }
    }
}

/// Applies one `safety.phrases` entry to the rule list.
fn apply_override(
    specs: &mut Vec<RuleSpec>,
    rule: &PhraseRule,
    builtin_ids: &[String],
) -> Result<(), Diagnostic> {
    let invalid =
        |message: String| Diagnostic::error("invalid-phrase-rule", message).in_file(CONFIG_FILE);
    let id = rule.id.trim();
    if id.is_empty() {
        return Err(invalid(
            "a phrase rule in `safety.phrases` has an empty id".to_string(),
        ));
    }
    let severity = match rule.severity.as_deref() {
        None => None,
        Some(s) => match parse_severity(s) {
            Ok(severity) => Some(severity),
            Err(()) => {
                return Err(invalid(format!(
                    "phrase rule `{id}`: severity `{s}` is not one of warning, error, off"
                )));
            }
        },
    };
    let existing = specs.iter().position(|s| s.id == id);
    match (existing, severity) {
        // `off` removes the rule (and turning off a rule that does not exist is harmless).
        (Some(i), Some(None)) => {
            specs.remove(i);
        }
        (None, Some(None)) => {}
        (Some(i), severity) => {
            let spec = &mut specs[i];
            if let Some(pattern) = &rule.pattern {
                spec.pattern = pattern.clone();
                // The built-in's keywords need not fit the new pattern.
                spec.keywords.clear();
            }
            if let Some(replacement) = &rule.replacement {
                spec.replacement = non_empty(replacement);
            }
            if let Some(source) = &rule.source {
                spec.source = source.clone();
            }
            if let Some(Some(severity)) = severity {
                spec.severity = severity;
            }
        }
        (None, severity) => {
            let Some(pattern) = &rule.pattern else {
                let mut d = invalid(format!(
                    "phrase rule `{id}` is not a built-in rule and has no `pattern`"
                ));
                if let Some(near) = closest(id, builtin_ids) {
                    d = d.suggest(format!("did you mean the built-in rule `{near}`?"));
                }
                return Err(d);
            };
            specs.push(RuleSpec {
                id: id.to_string(),
                pattern: pattern.clone(),
                keywords: Vec::new(),
                replacement: rule.replacement.as_deref().and_then(non_empty),
                severity: severity.flatten().unwrap_or(Severity::Warning),
                source: rule
                    .source
                    .clone()
                    .unwrap_or_else(|| CUSTOM_SOURCE.to_string()),
                message: CUSTOM_MESSAGE.to_string(),
            });
        }
    }
    Ok(())
}

/// `Ok(None)` is `off`.
fn parse_severity(s: &str) -> Result<Option<Severity>, ()> {
    match s.trim() {
        "warning" => Ok(Some(Severity::Warning)),
        "error" => Ok(Some(Severity::Error)),
        "off" => Ok(None),
        _ => Err(()),
    }
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

fn closest<'a>(id: &str, ids: &'a [String]) -> Option<&'a str> {
    ids.iter()
        .map(|candidate| (strsim::jaro_winkler(id, candidate), candidate))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate.as_str())
}

/// Compiles a rule's prepared pattern, reporting errors against the pattern as the user wrote it.
fn compile(id: &str, pattern: &str, prepared: &str) -> Result<Regex, Diagnostic> {
    // Built-in patterns are valid (the tests compile them), so any error here is the site's.
    let invalid =
        |message: String| Diagnostic::error("invalid-phrase-rule", message).in_file(CONFIG_FILE);
    // The user's own pattern first, so an error points into what they wrote rather than into
    // the boundaries and case handling added around it.
    let raw = RegexBuilder::new(pattern)
        .case_insensitive(true)
        .build()
        .map_err(|e| invalid(format!("phrase rule `{id}` has an invalid pattern: {e}")))?;
    if raw.is_match("") {
        return Err(invalid(format!(
            "phrase rule `{id}`: pattern `{pattern}` matches empty text, so it would match everywhere"
        )));
    }
    Regex::new(prepared).map_err(|e| {
        invalid(format!(
            "phrase rule `{id}`: pattern `{pattern}` could not be compiled with word boundaries: {e}"
        ))
    })
}

#[derive(Debug)]
enum Token {
    Verbatim(String),
    /// An ASCII letter: lowercased on the fast path.
    Letter(char),
    /// A non-ASCII cased letter: case-insensitive on its own on the fast path.
    Cased(char),
    /// `(?P<name>` or `(?<name>`.
    NamedGroup(String),
}

/// Rewrites `pattern` to run on ASCII-lowercased text: `\b`-style assertions become ASCII ones,
/// and letters become lowercase so the pattern can be matched case-sensitively, which is what
/// lets the regex engine use its literal prefilters. Patterns whose meaning lowercasing could
/// change (inline `i` flags, uppercase in classes, `\p{…}`, hex escapes) keep their letters and
/// are matched case-insensitively instead.
fn prepare(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut tokens = Vec::with_capacity(chars.len());
    let mut can_lowercase = true;
    let mut class_depth = 0usize;
    let mut i = 0;
    let take_braces = |from: usize| -> usize {
        // `from` is at `{`; returns the index after the matching `}` (or the end).
        chars[from..]
            .iter()
            .position(|&c| c == '}')
            .map_or(chars.len(), |p| from + p + 1)
    };
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => {
                let Some(&e) = chars.get(i + 1) else {
                    tokens.push(Token::Verbatim("\\".into()));
                    i += 1;
                    continue;
                };
                let mut end = i + 2;
                match e {
                    'b' | 'B' | '<' | '>' if class_depth == 0 => {
                        if matches!(e, 'b' | 'B') && chars.get(end) == Some(&'{') {
                            end = take_braces(end);
                        }
                        let assertion: String = chars[i..end].iter().collect();
                        tokens.push(Token::Verbatim(format!("(?-u:{assertion})")));
                    }
                    'p' | 'P' | 'x' | 'u' | 'U' => {
                        can_lowercase = false;
                        if chars.get(end) == Some(&'{') {
                            end = take_braces(end);
                        }
                        tokens.push(Token::Verbatim(chars[i..end].iter().collect()));
                    }
                    _ => tokens.push(Token::Verbatim(chars[i..end].iter().collect())),
                }
                i = end;
            }
            '[' if class_depth > 0 && chars.get(i + 1) == Some(&':') => {
                // An ASCII class such as `[:alpha:]`; `[:upper:]` would mean something else on
                // lowercased text.
                let end = (i + 2..chars.len().saturating_sub(1))
                    .find(|&j| chars[j] == ':' && chars[j + 1] == ']')
                    .map_or(chars.len(), |j| j + 2);
                let class: String = chars[i..end].iter().collect();
                if class.contains("upper") || class.contains("lower") {
                    can_lowercase = false;
                }
                tokens.push(Token::Verbatim(class));
                i = end;
            }
            '[' => {
                class_depth += 1;
                let mut end = i + 1;
                if chars.get(end) == Some(&'^') {
                    end += 1;
                }
                // A `]` first in a class is a literal.
                if chars.get(end) == Some(&']') {
                    end += 1;
                }
                tokens.push(Token::Verbatim(chars[i..end].iter().collect()));
                i = end;
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                tokens.push(Token::Verbatim("]".into()));
                i += 1;
            }
            '(' if class_depth == 0 && chars.get(i + 1) == Some(&'?') => {
                let rest: String = chars[i..chars.len().min(i + 4)].iter().collect();
                let name_start = if rest.starts_with("(?P<") {
                    Some(i + 4)
                } else if rest.starts_with("(?<") {
                    Some(i + 3)
                } else {
                    None
                };
                if let Some(name_start) = name_start {
                    let end = chars[name_start..]
                        .iter()
                        .position(|&c| c == '>')
                        .map_or(chars.len(), |p| name_start + p);
                    tokens.push(Token::NamedGroup(chars[name_start..end].iter().collect()));
                    i = (end + 1).min(chars.len());
                } else {
                    // Flags: `(?flags)` or `(?flags:`.
                    let end = chars[i + 2..]
                        .iter()
                        .position(|&c| c == ')' || c == ':')
                        .map_or(chars.len(), |p| i + 2 + p + 1);
                    let flags: String = chars[i..end].iter().collect();
                    if flags.contains('i') {
                        can_lowercase = false;
                    }
                    tokens.push(Token::Verbatim(flags));
                    i = end;
                }
            }
            c if c.is_ascii_uppercase() && class_depth > 0 => {
                // `[A-z]` lowercased would be a different class.
                can_lowercase = false;
                tokens.push(Token::Letter(c));
                i += 1;
            }
            c if c.is_ascii_alphabetic() => {
                tokens.push(Token::Letter(c));
                i += 1;
            }
            c if !c.is_ascii() && (c.is_lowercase() || c.is_uppercase()) => {
                if class_depth > 0 {
                    can_lowercase = false;
                    tokens.push(Token::Letter(c));
                } else {
                    tokens.push(Token::Cased(c));
                }
                i += 1;
            }
            c => {
                tokens.push(Token::Verbatim(c.to_string()));
                i += 1;
            }
        }
    }
    let render = || {
        let mut out = String::with_capacity(pattern.len() + 64);
        out.push_str(START);
        out.push_str(if can_lowercase { "(?:" } else { "(?i:" });
        for token in &tokens {
            match token {
                Token::Verbatim(s) => out.push_str(s),
                Token::Letter(c) if can_lowercase => out.push(c.to_ascii_lowercase()),
                Token::Cased(c) if can_lowercase => {
                    out.push_str("(?i:");
                    out.push(*c);
                    out.push(')');
                }
                Token::Letter(c) | Token::Cased(c) => out.push(*c),
                Token::NamedGroup(name) => {
                    out.push_str("(?P<");
                    out.push_str(name);
                    out.push('>');
                }
            }
        }
        out.push(')');
        out.push_str(END);
        out
    };
    render()
}
