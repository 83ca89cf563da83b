//! Safe-messaging phrase lint: discouraged wording, what to say instead, and whose guidance
//! says so.
//!
//! The built-in rules live in `phrases.yaml` next to this file (embedded at compile time); a
//! site's `safety.phrases` adds rules and overrides built-ins by `id`. A pattern is a Rust regex,
//! matched case-insensitively and always on word boundaries at both ends. Two kinds of named
//! group give patterns the context the regex engine's missing look-around would:
//!
//! * a group whose name starts with `phrase` narrows what is reported: the first such group that
//!   takes part in a match is the hit (`(?P<phrase>a schizophrenic)\s+(?:who|is)`);
//! * a group whose name starts with `skip` vetoes the match when it takes part
//!   (`(?P<skip>not\s+)?attention-seeking` — myth-busting prose is fine).
//!
//! `\b` inside patterns is an ASCII word boundary (see [`crate::safety`] for why); the edges of
//! each match are still checked against Unicode word characters.

use super::{ProseSpan, lowercase_into, on_word_boundaries};
use crate::config::{CONFIG_FILE, PhraseRule, SafeMessaging, SafetyConfig};
use crate::diagnostics::{Diagnostic, Severity};
use crate::lanes;
use regex::{Regex, RegexBuilder};
use serde::Deserialize;
use std::collections::HashMap;

/// The built-in rules.
pub const BUILTIN_RULES: &str = include_str!("phrases.yaml");

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
    /// The rules' keywords: most prose contains none, and looking them up at each word start
    /// is far cheaper than running every rule's regex (a regex such as
    /// `(?:a|the)\s+schizophrenic` starts with words too common for the engine's own
    /// prefilter). `None` when no rule has keywords.
    keywords: Option<Keywords>,
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
        let builtin_patterns: Vec<String> = specs.iter().map(|s| s.pattern.clone()).collect();
        for rule in &config.phrases {
            apply_override(&mut specs, rule, &builtin_ids)?;
        }
        let mut rules = Vec::with_capacity(specs.len());
        let mut keyword_rules: HashMap<String, Vec<usize>> = HashMap::new();
        let mut always = Vec::new();
        for (i, spec) in specs.into_iter().enumerate() {
            // Built-in patterns are checked by the tests; only the site's own are checked here
            // (compiling a pattern a second time is most of the time it takes to start).
            let regex = if builtin_patterns.contains(&spec.pattern) {
                compile_prepared(&spec.id, &spec.pattern, &prepare(&spec.pattern))?
            } else {
                compile(&spec.id, &spec.pattern, &prepare(&spec.pattern))?
            };
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
        let mut keyword_rules: Vec<(String, Vec<usize>)> = keyword_rules.into_iter().collect();
        keyword_rules.sort_unstable();
        let keywords = Keywords::new(keyword_rules)?;
        Ok(PhraseLinter {
            rules,
            keywords,
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
            if use_keywords {
                self.select_rules(&span.text, &mut selected);
            } else {
                selected.fill(true);
            }
            if !selected.contains(&true) {
                continue;
            }
            lowercase_into(&mut lower, &span.text);
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

    /// Marks in `selected` the rules worth running on `text`: those with a keyword at the start
    /// of one of its words (in any ASCII case), and those without keywords.
    fn select_rules(&self, text: &str, selected: &mut [bool]) {
        selected.fill(false);
        for &i in &self.always {
            selected[i] = true;
        }
        if let Some(keywords) = &self.keywords {
            keywords.select(text.as_bytes(), selected);
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

/// The built-in rules' keywords, found where they begin a word: every match of a rule has one
/// of its keywords at the start of one of its words (the tests check the built-ins), so a span
/// without any needs none of the rule's regexes.
#[derive(Debug)]
struct Keywords {
    /// Lowercase, each starting with an ASCII letter or digit; at most 128 (a bit each below).
    words: Vec<String>,
    /// For each keyword, the rules it selects.
    rules: Vec<Vec<usize>>,
    /// For each of a keyword's first [`PREFIX`] bytes: byte → the keywords with that byte
    /// there (either case). A keyword shorter than that is in every entry past its end.
    /// Together they rule out almost every word without reading a keyword.
    prefix: [[u128; 256]; PREFIX],
}

/// Bytes of a keyword the lookup tables cover.
const PREFIX: usize = 4;

impl Keywords {
    fn new(list: Vec<(String, Vec<usize>)>) -> Result<Option<Keywords>, Diagnostic> {
        if list.is_empty() {
            return Ok(None);
        }
        if list.len() > 128 {
            return Err(Diagnostic::error(
                "invalid-phrase-rule",
                format!(
                    "the built-in phrase rules have {} keywords; at most 128 fit",
                    list.len()
                ),
            ));
        }
        let mut keywords = Keywords {
            words: Vec::with_capacity(list.len()),
            rules: Vec::with_capacity(list.len()),
            prefix: [[0; 256]; PREFIX],
        };
        for (k, (word, rules)) in list.into_iter().enumerate() {
            let bytes = word.as_bytes();
            if !bytes.first().is_some_and(u8::is_ascii_alphanumeric) {
                return Err(Diagnostic::error(
                    "invalid-phrase-rule",
                    format!("phrase keyword `{word}` must start with a letter or digit"),
                ));
            }
            let bit = 1u128 << k;
            for (table, b) in keywords
                .prefix
                .iter_mut()
                .zip((0..PREFIX).map(|i| bytes.get(i)))
            {
                match b {
                    Some(&b) => {
                        table[usize::from(b.to_ascii_lowercase())] |= bit;
                        table[usize::from(b.to_ascii_uppercase())] |= bit;
                    }
                    None => table.iter_mut().for_each(|set| *set |= bit),
                }
            }
            keywords.words.push(word);
            keywords.rules.push(rules);
        }
        Ok(Some(keywords))
    }

    /// Marks the rules of every keyword that begins a word of `text`. A word begins at an ASCII
    /// letter or digit that does not follow one.
    fn select(&self, text: &[u8], selected: &mut [bool]) {
        // Eight bytes a step: word starts are found with bit arithmetic, not a branch a byte.
        let mut previous_alnum = false;
        let (chunks, rest) = text.as_chunks::<8>();
        let mut base = 0;
        for chunk in chunks {
            let x = lanes::word(chunk);
            let alnum = lanes::ascii_letters(x) | lanes::ascii_in(x, b'0', b'9');
            let mut starts = alnum & !((alnum << 8) | if previous_alnum { 0x80 } else { 0 });
            while starts != 0 {
                let i = base + starts.trailing_zeros() as usize / 8;
                let candidates = self.candidates(text, i);
                if candidates != 0 {
                    self.confirm(text, i, candidates, selected);
                }
                starts &= starts - 1;
            }
            previous_alnum = alnum >> 63 != 0;
            base += 8;
        }
        for (k, b) in rest.iter().enumerate() {
            let alnum = b.is_ascii_alphanumeric();
            if alnum && !previous_alnum {
                let candidates = self.candidates(text, base + k);
                if candidates != 0 {
                    self.confirm(text, base + k, candidates, selected);
                }
            }
            previous_alnum = alnum;
        }
    }

    /// The keywords whose first bytes are those at `i`: a few table lookups, run at every word.
    #[inline(always)]
    fn candidates(&self, text: &[u8], i: usize) -> u128 {
        let [t0, t1, t2, t3] = &self.prefix;
        match text.get(i..i + PREFIX) {
            Some(&[a, b, c, d]) => {
                t0[usize::from(a)] & t1[usize::from(b)] & t2[usize::from(c)] & t3[usize::from(d)]
            }
            _ => {
                let byte = |j: usize| usize::from(text.get(i + j).copied().unwrap_or(0));
                t0[byte(0)] & t1[byte(1)] & t2[byte(2)] & t3[byte(3)]
            }
        }
    }

    /// Marks the rules of the `candidates` that are at `i` in full.
    #[inline(never)]
    fn confirm(&self, text: &[u8], i: usize, mut candidates: u128, selected: &mut [bool]) {
        while candidates != 0 {
            let k = candidates.trailing_zeros() as usize;
            candidates &= candidates - 1;
            let word = self.words[k].as_bytes();
            if text
                .get(i..i + word.len())
                .is_some_and(|t| t.eq_ignore_ascii_case(word))
            {
                for &rule in &self.rules[k] {
                    selected[rule] = true;
                }
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
    let id = rule.id.trim();
    if id.is_empty() {
        return Err(invalid_rule(
            "a phrase rule in `safety.phrases` has an empty id".to_string(),
        ));
    }
    let severity = match rule.severity.as_deref() {
        None => None,
        Some(s) => match parse_severity(s) {
            Ok(severity) => Some(severity),
            Err(()) => {
                return Err(invalid_rule(format!(
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
                let mut d = invalid_rule(format!(
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
    // Only the site's own patterns come here (the tests check the built-in ones this way).
    // The user's own pattern first, so an error points into what they wrote rather than into
    // the boundaries and case handling added around it.
    let raw = RegexBuilder::new(pattern)
        .case_insensitive(true)
        .build()
        .map_err(|e| invalid_rule(format!("phrase rule `{id}` has an invalid pattern: {e}")))?;
    if raw.is_match("") {
        return Err(invalid_rule(format!(
            "phrase rule `{id}`: pattern `{pattern}` matches empty text, so it would match everywhere"
        )));
    }
    compile_prepared(id, pattern, prepared)
}

/// Compiles a rule's prepared pattern without first checking the pattern as written.
fn compile_prepared(id: &str, pattern: &str, prepared: &str) -> Result<Regex, Diagnostic> {
    Regex::new(prepared).map_err(|e| {
        invalid_rule(format!(
            "phrase rule `{id}`: pattern `{pattern}` could not be compiled with word boundaries: {e}"
        ))
    })
}

/// A problem with one of the site's phrase rules in `site.yaml`.
fn invalid_rule(message: String) -> Diagnostic {
    Diagnostic::error("invalid-phrase-rule", message).in_file(CONFIG_FILE)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn linter_with(phrases: Vec<PhraseRule>) -> Result<PhraseLinter, Diagnostic> {
        PhraseLinter::new(&SafetyConfig {
            phrases,
            ..SafetyConfig::default()
        })
    }

    /// Compiled once: regex compilation dominates test time in debug builds.
    fn builtin() -> &'static PhraseLinter {
        static LINTER: std::sync::OnceLock<PhraseLinter> = std::sync::OnceLock::new();
        LINTER.get_or_init(|| match linter_with(Vec::new()) {
            Ok(l) => l,
            Err(e) => panic!("built-in rules failed: {e}"),
        })
    }

    fn rule(id: &str) -> PhraseRule {
        PhraseRule {
            id: id.to_string(),
            pattern: None,
            replacement: None,
            severity: None,
            source: None,
        }
    }

    /// (rule, matched) for every hit in `text`.
    fn hits(linter: &PhraseLinter, text: &str) -> Vec<(String, String)> {
        linter
            .lint(&[ProseSpan::new(text, 0)])
            .into_iter()
            .map(|h| (h.rule, h.matched))
            .collect()
    }

    fn rules_hit(text: &str) -> Vec<String> {
        hits(builtin(), text).into_iter().map(|(r, _)| r).collect()
    }

    fn assert_hit(text: &str, rule: &str, matched: &str) {
        let found = hits(builtin(), text);
        assert!(
            found.iter().any(|(r, m)| r == rule && m == matched),
            "expected {rule} on {matched:?} in {text:?}, got {found:?}"
        );
    }

    fn assert_clean(text: &str) {
        let found = hits(builtin(), text);
        assert!(
            found.is_empty(),
            "expected no hits in {text:?}, got {found:?}"
        );
    }

    #[test]
    fn builtin_rules_parse_and_compile() {
        // A site loads the built-in rules without checking their patterns as written: check
        // them here, as a site's own patterns are checked.
        let builtins: Vec<BuiltinRule> = serde_yaml::from_str(BUILTIN_RULES).unwrap();
        for b in &builtins {
            if let Err(e) = compile(&b.id, &b.pattern, &prepare(&b.pattern)) {
                panic!("built-in rule {}: {}", b.id, e.message);
            }
        }
        let linter = builtin();
        let ids: Vec<_> = linter.rule_ids().collect();
        for id in [
            "committed-suicide",
            "commit-suicide",
            "successful-suicide",
            "failed-suicide-attempt",
            "completed-suicide",
            "suicide-epidemic",
            "soaring-suicide-rates",
            "suicide-without-warning",
            "self-harmer",
            "schizophrenic-noun",
            "suicide-victim",
            "cry-for-help",
            "addict",
            "alcoholic-noun",
            "stigmatising-slang",
        ] {
            assert!(ids.contains(&id), "missing built-in {id}");
        }
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "duplicate built-in ids");
        assert!(linter.keywords.is_some());
        assert!(linter.always.is_empty(), "every built-in needs keywords");
    }

    #[test]
    fn builtin_patterns_take_the_fast_path() {
        let builtins: Vec<BuiltinRule> = serde_yaml::from_str(BUILTIN_RULES).unwrap_or_default();
        assert!(!builtins.is_empty());
        for b in &builtins {
            let prepared = prepare(&b.pattern);
            assert!(
                !prepared.contains("(?i:"),
                "{} is not lowercase-safe: {}",
                b.id,
                prepared
            );
            assert!(!b.source.is_empty() && !b.message.is_empty(), "{}", b.id);
        }
    }

    #[test]
    fn committed_suicide_in_all_forms() {
        assert_hit(
            "He committed suicide in 2019.",
            "committed-suicide",
            "committed suicide",
        );
        assert_hit(
            "COMMITTED\nSUICIDE",
            "committed-suicide",
            "COMMITTED\nSUICIDE",
        );
        for text in ["to commit suicide", "commits suicide", "committing suicide"] {
            let found = hits(builtin(), text);
            assert_eq!(found.len(), 1, "{text}: {found:?}");
            assert_eq!(found[0].0, "commit-suicide");
        }
        let h = &builtin().lint(&[ProseSpan::new("She committed suicide.", 40)])[0];
        assert_eq!(h.offset, 44);
        assert_eq!(h.replacement.as_deref(), Some("died by suicide"));
        assert_eq!(h.severity, Severity::Warning);
        assert!(h.source.contains("reportingonsuicide.org"));
        assert!(!h.message.is_empty());
    }

    #[test]
    fn success_and_failure_framing() {
        assert_hit(
            "a successful suicide",
            "successful-suicide",
            "successful suicide",
        );
        assert_hit(
            "after a failed suicide attempt",
            "failed-suicide-attempt",
            "failed suicide attempt",
        );
        assert_hit(
            "two unsuccessful suicide attempts",
            "failed-suicide-attempt",
            "unsuccessful suicide attempts",
        );
        assert_hit(
            "a failed attempt to take his own life",
            "failed-suicide-attempt",
            "failed attempt to take his own life",
        );
        assert_hit(
            "a failed attempt on her life",
            "failed-suicide-attempt",
            "failed attempt on her life",
        );
        assert_hit(
            "a completed suicide",
            "completed-suicide",
            "completed suicide",
        );
        // "failed attempt" outside a suicide context is ordinary English.
        assert_clean("after several failed attempts to quit smoking");
        assert_clean("a successful recovery");
    }

    #[test]
    fn sensational_framing() {
        assert_hit("a suicide epidemic", "suicide-epidemic", "suicide epidemic");
        assert_hit(
            "an epidemic of suicide",
            "suicide-epidemic",
            "epidemic of suicide",
        );
        assert_hit(
            "skyrocketing suicide rates",
            "soaring-suicide-rates",
            "skyrocketing suicide rates",
        );
        assert_hit(
            "suicide rates have soared",
            "soaring-suicide-rates",
            "suicide rates have soared",
        );
        assert_clean("the opioid epidemic");
        assert_clean("Suicide rates rose by 2% last year.");
    }

    #[test]
    fn without_warning_only_about_suicide() {
        assert_eq!(
            rules_hit("His suicide came out of nowhere."),
            ["suicide-without-warning"]
        );
        assert_eq!(
            rules_hit("The suicide was inexplicable."),
            ["suicide-without-warning"]
        );
        assert_eq!(
            rules_hit("Without warning, he took his own life."),
            ["suicide-without-warning"]
        );
        assert_eq!(
            rules_hit("an unexpected suicide"),
            ["suicide-without-warning"]
        );
        // Panic attacks really can come without warning.
        assert_clean("Panic attacks can come without warning.");
        assert_clean("Suicide is preventable. The storm came without warning.");
    }

    #[test]
    fn person_first_language() {
        assert_hit("resources for self-harmers", "self-harmer", "self-harmers");
        assert_hit("a self harmer", "self-harmer", "self harmer");
        assert_hit(
            "She is a schizophrenic.",
            "schizophrenic-noun",
            "a schizophrenic",
        );
        assert_hit(
            "a schizophrenic who hears voices",
            "schizophrenic-noun",
            "a schizophrenic",
        );
        assert_hit("Schizophrenics are", "schizophrenic-noun", "Schizophrenics");
        assert_hit(
            "an anorexic, she said",
            "eating-disorder-noun",
            "an anorexic",
        );
        assert_hit("a suicide victim", "suicide-victim", "suicide victim");
        assert_hit("victims of suicide", "suicide-victim", "victims of suicide");
        assert_hit("drug addicts", "addict", "drug addicts");
        assert_hit("an addict", "addict", "addict");
        assert_hit("He is an alcoholic.", "alcoholic-noun", "an alcoholic");
        assert_hit("Many alcoholics relapse.", "alcoholic-noun", "alcoholics");
        assert_hit("the mentally ill", "mentally-ill-noun", "the mentally ill");
        // Adjectives and proper nouns are not person labels.
        assert_clean("a schizophrenic episode");
        assert_clean("alcoholic drinks");
        assert_clean("an alcoholic drink");
        assert_clean("Alcoholics Anonymous meets weekly.");
        assert_clean("He became addicted; addiction is treatable.");
        assert_clean("people with schizophrenia");
    }

    #[test]
    fn minimising_and_slang() {
        assert_hit(
            "It was just a cry for help.",
            "cry-for-help",
            "just a cry for help",
        );
        assert_hit(
            "she's attention-seeking",
            "cry-for-help",
            "attention-seeking",
        );
        assert_clean("Self-harm is not attention-seeking.");
        assert_clean("It isn’t just a cry for help.");
        assert_hit("That's crazy.", "stigmatising-slang", "crazy");
        assert_hit("a total psycho", "stigmatising-slang", "psycho");
        // Talking about a word is not using it.
        assert_clean("Words like “crazy” and \"insane\" hurt.");
        assert_clean("psychology and psychosis are not slang");
        assert_hit(
            "I'm so OCD about my desk",
            "trivialised-diagnosis",
            "so OCD",
        );
    }

    #[test]
    fn words_inside_other_words_do_not_match() {
        assert_clean("the addictive cycle");
        assert_clean("crazyhorse insanely psychotherapy");
        assert_clean("recommitted suicideprevention");
        assert_clean("https-less text about recommitment");
        assert_clean("éaddict addicté");
    }

    #[test]
    fn every_hit_is_reported_in_source_order() {
        let linter = builtin();
        let spans = vec![
            ProseSpan::new("He committed suicide. Addicts and a crazy week.", 0),
            ProseSpan::new("Another committed suicide.", 100),
        ];
        let found: Vec<_> = linter
            .lint(&spans)
            .into_iter()
            .map(|h| (h.rule, h.offset))
            .collect();
        assert_eq!(
            found,
            [
                ("committed-suicide".to_string(), 3),
                ("addict".to_string(), 22),
                ("stigmatising-slang".to_string(), 36),
                ("committed-suicide".to_string(), 108),
            ]
        );
    }

    #[test]
    fn offsets_are_bytes_after_non_ascii_text() {
        let text = "Ça — “Committed suicide”";
        let found = builtin().lint(&[ProseSpan::new(text, 7)]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].matched, "Committed suicide");
        assert_eq!(found[0].offset, 7 + text.find('C').unwrap_or_default());
    }

    #[test]
    fn allow_suppresses_a_span() {
        let linter = builtin();
        let mut quoted = ProseSpan::new("“committed suicide” is outdated", 0);
        quoted.allow.push("unsafe-phrase".into());
        let spans = vec![quoted, ProseSpan::new("committed suicide", 50)];
        let found = linter.lint(&spans);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].offset, 50);
        let mut other = ProseSpan::new("committed suicide", 0);
        other.allow.push("undeclared-topic".into());
        assert_eq!(linter.lint(&[other]).len(), 1);
    }

    #[test]
    fn config_overrides_keep_unset_fields() {
        let mut r = rule("committed-suicide");
        r.severity = Some("error".into());
        r.replacement = Some("died by suicide or took their own life".into());
        let linter = linter_with(vec![r]).unwrap_or_else(|e| panic!("{e}"));
        let h = &linter.lint(&[ProseSpan::new("committed suicide", 0)])[0];
        assert_eq!(h.severity, Severity::Error);
        assert_eq!(
            h.replacement.as_deref(),
            Some("died by suicide or took their own life")
        );
        assert!(h.source.contains("reportingonsuicide.org"));
        assert!(h.message.contains("crime"));
        // Order is kept: the override stays where the built-in was.
        assert_eq!(linter.rule_ids().next(), Some("committed-suicide"));
    }

    #[test]
    fn config_can_replace_a_builtin_pattern() {
        let mut r = rule("addict");
        r.pattern = Some(r"\bdope\s+fiends?\b".into());
        let linter = linter_with(vec![r]).unwrap_or_else(|e| panic!("{e}"));
        assert!(hits(&linter, "addicts").is_empty());
        // The built-in's keywords no longer apply to the new pattern.
        assert_eq!(hits(&linter, "dope fiends")[0].0, "addict");
    }

    #[test]
    fn severity_off_removes_a_builtin() {
        let mut r = rule("stigmatising-slang");
        r.severity = Some("off".into());
        let mut unknown_off = rule("no-such-rule");
        unknown_off.severity = Some("off".into());
        let linter = linter_with(vec![r, unknown_off]).unwrap_or_else(|e| panic!("{e}"));
        assert!(!linter.rule_ids().any(|id| id == "stigmatising-slang"));
        assert!(hits(&linter, "That's crazy.").is_empty());
        assert_eq!(hits(&linter, "committed suicide").len(), 1);
    }

    #[test]
    fn new_rules_are_added_case_insensitively() {
        let mut r = rule("lost-battle");
        r.pattern = Some(r"lost\s+(?:(?:his|her|their)\s+)?battle\s+with".into());
        r.replacement = Some("died by suicide".into());
        let mut upper = rule("Nuts");
        upper.pattern = Some("NUTS".into());
        upper.severity = Some("error".into());
        upper.source = Some("house style".into());
        let linter = linter_with(vec![r, upper]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(linter.rule_ids().last(), Some("Nuts"));
        let found = linter.lint(&[ProseSpan::new(
            "She Lost her battle with depression. nuts",
            0,
        )]);
        assert_eq!(found.len(), 2, "{found:?}");
        assert_eq!(found[0].rule, "lost-battle");
        assert_eq!(found[0].matched, "Lost her battle with");
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].source, CUSTOM_SOURCE);
        assert_eq!(found[0].message, CUSTOM_MESSAGE);
        assert_eq!(found[1].severity, Severity::Error);
        assert_eq!(found[1].source, "house style");
        assert_eq!(found[1].replacement, None);
        // Word boundaries are added around user patterns.
        assert!(hits(&linter, "chestnuts").is_empty());
    }

    #[test]
    fn user_patterns_needing_case_insensitivity_still_work() {
        let mut r = rule("upper-class");
        r.pattern = Some("[A-Z]+ phobia".into());
        let mut flags = rule("flags");
        flags.pattern = Some("(?i)mad\\s+house".into());
        let mut accented = rule("accented");
        accented.pattern = Some("ÉTAT".into());
        let linter = linter_with(vec![r, flags, accented]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(hits(&linter, "SPIDER phobia")[0].0, "upper-class");
        assert_eq!(hits(&linter, "a MAD House")[0].0, "flags");
        assert_eq!(hits(&linter, "un état")[0].0, "accented");
        assert_eq!(hits(&linter, "UN ÉTAT")[0].0, "accented");
    }

    #[test]
    fn bad_rules_are_diagnosed() {
        let mut bad = rule("mine");
        bad.pattern = Some("(unclosed".into());
        let e = linter_with(vec![bad])
            .err()
            .unwrap_or_else(|| panic!("accepted"));
        assert_eq!(e.code, "invalid-phrase-rule");
        assert!(
            e.message.contains("`mine`") && e.message.contains("unclosed"),
            "{}",
            e.message
        );

        let mut empty = rule("empty");
        empty.pattern = Some("x*".into());
        let e = linter_with(vec![empty])
            .err()
            .unwrap_or_else(|| panic!("accepted"));
        assert!(e.message.contains("empty text"), "{}", e.message);

        let mut sev = rule("committed-suicide");
        sev.severity = Some("fatal".into());
        let e = linter_with(vec![sev])
            .err()
            .unwrap_or_else(|| panic!("accepted"));
        assert!(e.message.contains("`fatal`"), "{}", e.message);

        let typo = rule("commited-suicide");
        let e = linter_with(vec![typo])
            .err()
            .unwrap_or_else(|| panic!("accepted"));
        assert!(e.message.contains("no `pattern`"), "{}", e.message);
        assert_eq!(
            e.suggestion.as_deref(),
            Some("did you mean the built-in rule `committed-suicide`?")
        );
        assert!(linter_with(vec![rule(" ")]).is_err());
    }

    #[test]
    fn duplicate_group_names_across_rules_still_lint() {
        let mut a = rule("a");
        a.pattern = Some(r"(?P<phrase>foo)\s+bar".into());
        let mut b = rule("b");
        b.pattern = Some(r"(?P<phrase>baz)\s+qux".into());
        let linter = linter_with(vec![a, b]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(linter.always.len(), 2);
        let found = hits(&linter, "foo bar and baz qux");
        assert!(found.contains(&("a".to_string(), "foo".to_string())));
        assert!(found.contains(&("b".to_string(), "baz".to_string())));
    }

    #[test]
    fn policy_decides_reported_severity() {
        let hit = PhraseHit {
            rule: "r".into(),
            matched: "m".into(),
            offset: 0,
            replacement: None,
            severity: Severity::Warning,
            source: String::new(),
            message: String::new(),
        };
        assert_eq!(
            hit.severity_under(SafeMessaging::Warn),
            Some(Severity::Warning)
        );
        assert_eq!(
            hit.severity_under(SafeMessaging::Error),
            Some(Severity::Error)
        );
        assert_eq!(hit.severity_under(SafeMessaging::Off), None);
    }

    #[test]
    fn prepare_lowercases_safely() {
        let p = prepare(r"\bCommitted\s+Suicide\b");
        assert_eq!(
            p,
            format!(r"{START}(?:(?-u:\b)committed\s+suicide(?-u:\b)){END}")
        );
        // Escapes keep their case: `\S` is not `\s`.
        assert!(prepare(r"A\SB\W").contains(r"a\Sb\W"));
        assert!(prepare(r"x\b{start}").contains(r"(?-u:\b{start})"));
        assert!(prepare(r"\p{Lu}x").contains("(?i:"));
        assert!(prepare(r"[[:upper:]]x").contains("(?i:"));
        assert!(!prepare(r"[[:alpha:]]X").contains("(?i:"));
        assert!(prepare("Émile").contains("(?i:É)mile"));
        let named = prepare(r"(?P<phrase>A)(?<skip>b)");
        assert!(named.contains("(?P<phrase>a)(?P<skip>b)"));
        // A `]` first in a class is literal, not the end of the class.
        assert!(prepare(r"[]A]").contains("(?i:"));
    }

    /// Prose exercising every built-in rule, positive and negative.
    const CORPUS: &[&str] = &[
        "He committed suicide in 2019. To commit suicide; commits suicide; committing suicide.",
        "A successful suicide. He succeeded in killing himself. She succeeded in taking her own life.",
        "A failed suicide attempt, two unsuccessful suicide attempts, a failed attempt at suicide.",
        "A failed attempt to take his own life; a failed attempt on her life; failed attempts to kill themselves.",
        "A completed suicide; suicide completers; completes suicide.",
        "A suicide victim; victims of suicide; an epidemic of suicides; the suicide epidemic.",
        "Skyrocketing suicide rates; soaring suicide numbers; suicide rates have soared; suicide figures explode.",
        "His suicide came out of nowhere. The suicide was inexplicable. Suicide, for no apparent reason.",
        "Without warning, he took his own life. Out of the blue, she died by suicide. A sudden suicide.",
        "It was just a cry for help. Only a plea for attention. She's attention-seeking. It's not attention seeking.",
        "Self-harmers, self harmers and selfharmers. A schizophrenic who hears voices. The schizophrenic is. Schizophrenics.",
        "An anorexic, a bulimic who purges, anorexics and bulimics.",
        "Drug addicts, an addict, heroin addicts, junkies, a substance abuser, drug abusers.",
        "He is an alcoholic. A recovering alcoholic who drinks. Alcoholics relapse. Alcoholics Anonymous.",
        "The mentally ill. She suffers from depression; suffering with anxiety; afflicted by grief.",
        "That's crazy. Insane! A psycho, lunatics, nutcases, a nutter, loony, maniacs, madmen, mental cases, schizo.",
        "I'm so OCD. A bit bipolar, totally psychotic, kind of ADHD, really autistic, such schizophrenic.",
        "Warning signs. Mental health. Crying is normal. Attention matters. Blue skies. For that reason.",
        "A schizophrenic episode, alcoholic drinks, the opioid epidemic, a successful recovery.",
    ];

    #[test]
    fn keywords_never_hide_a_hit() {
        let linter = builtin();
        let spans: Vec<ProseSpan> = CORPUS
            .iter()
            .enumerate()
            .map(|(i, t)| ProseSpan::new(*t, i * 1000))
            .collect();
        let ungated = linter.lint_with(&spans, false);
        assert_eq!(linter.lint_with(&spans, true), ungated);
        // Every built-in rule fires somewhere, so the comparison covers them all.
        for id in linter.rule_ids() {
            assert!(ungated.iter().any(|h| h.rule == id), "{id} never fires");
        }
    }

    #[test]
    fn keywords_select_rules_where_they_begin_a_word_in_any_case() {
        let linter = builtin();
        let selected = |text: &str| {
            let mut on = vec![false; linter.rules.len()];
            linter.select_rules(text, &mut on);
            linter
                .rule_ids()
                .zip(on)
                .filter(|(_, on)| *on)
                .map(|(id, _)| id.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            selected("An UNSUCCESSFUL attempt"),
            ["failed-suicide-attempt"]
        );
        // Two keywords at one word start ("commit", "committed"); after a digit, a quote or a
        // hyphen; at the very end; and at every alignment of the eight-byte steps.
        assert_eq!(
            selected("Committed"),
            ["committed-suicide", "commit-suicide"]
        );
        for text in [
            "x-Commit",
            "\u{201c}commit",
            "2 commit",
            "ab commit",
            "abcdefg commit",
        ] {
            assert_eq!(selected(text), ["commit-suicide"], "{text}");
        }
        for pad in 0..17 {
            let text = format!("{}selfharmer{}", " ".repeat(pad), "!".repeat(pad % 3));
            assert_eq!(selected(&text), ["self-harmer"], "{text:?}");
        }
        // Inside a word, a keyword does not count.
        assert!(selected("recommitted incommitted").is_empty());
        assert!(selected("Nothing to see here.").is_empty());
        assert!(selected("").is_empty());
    }

    #[test]
    fn linter_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<PhraseLinter>();
    }
}
