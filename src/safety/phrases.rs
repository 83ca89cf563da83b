//! Safe-messaging phrase rules: discouraged wording, what to say instead, and whose guidance
//! says so.
//!
//! The built-in rules live in `builtin/phrases.yaml` next to this file (embedded at compile
//! time); a site's `safety.phrases` adds rules and changes built-ins by `id`. A rule matches with
//! patterns in Haven's pattern language (see [`super::pattern`] and [`super::rules`]): single
//! patterns, or sets that must occur in one sentence, with exceptions. A site's rule may instead
//! give a regular expression (`pattern`), matched case-insensitively on word boundaries, where a
//! group whose name starts with `phrase` narrows what is reported and a group whose name starts
//! with `skip` vetoes the match.

use super::{ProseSpan, on_word_boundaries};
use crate::config::{CONFIG_FILE, Level, PhraseRule, SafeMessaging, SafetyConfig, TermSpec};
use crate::diagnostics::{Diagnostic, Severity};
use regex::{Regex, RegexBuilder};
use serde::Deserialize;

/// The built-in rules.
pub const BUILTIN_RULES: &str = include_str!("builtin/phrases.yaml");

/// The code of the diagnostics phrase hits become, and of `<!-- haven:allow unsafe-phrase -->`.
pub const ALLOW_CODE: &str = "unsafe-phrase";

const START: &str = r"(?-u:\b{start-half})";
const END: &str = r"(?-u:\b{end-half})";

/// What a site-defined rule without a message of its own says.
pub const CUSTOM_MESSAGE: &str = "This wording is on the site's list of discouraged language.";
pub const CUSTOM_SOURCE: &str = "site.yaml (safety.phrases)";
const CUSTOM_CATEGORY: &str = "site";

/// One use of discouraged wording.
#[derive(Debug, Clone, PartialEq)]
pub struct PhraseHit {
    /// The rule's id.
    pub rule: String,
    /// The kind of guidance the rule belongs to (`method`, `framing`, `language`, …).
    pub category: String,
    /// The text that matched, as written in the source.
    pub matched: String,
    /// Byte offset of the match: the span's `start` plus its offset in the span's text.
    pub offset: usize,
    /// Index of the span it is in.
    pub span: usize,
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

    /// Whether `<!-- haven:allow … -->` on `span` covers this hit: the code `unsafe-phrase`, the
    /// rule's id or its category.
    pub fn allowed_in(&self, span: &ProseSpan) -> bool {
        span.allows(ALLOW_CODE) || span.allows(&self.rule) || span.allows(&self.category)
    }
}

/// A rule as written in `builtin/phrases.yaml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BuiltinRule {
    id: String,
    category: String,
    severity: Level,
    #[serde(rename = "match")]
    matches: Vec<TermSpec>,
    #[serde(default)]
    except: Vec<String>,
    #[serde(default)]
    unless: Vec<String>,
    #[serde(default)]
    topics: Vec<String>,
    #[serde(default)]
    replacement: Option<String>,
    source: String,
    message: String,
}

/// A rule after merging the built-ins with the site's `safety.phrases`.
#[derive(Debug)]
pub struct PhraseSpec {
    pub id: String,
    pub category: String,
    pub severity: Severity,
    /// Patterns in the pattern language (empty when `regex` is set).
    pub matches: Vec<TermSpec>,
    /// A site's regular expression instead of `matches`.
    pub regex: Option<RegexRule>,
    pub except: Vec<String>,
    /// Patterns that veto a match in the same sentence, for every term of the rule.
    pub unless: Vec<String>,
    /// Only in articles that declare or mention one of these topics (empty: everywhere).
    pub topics: Vec<String>,
    pub replacement: Option<String>,
    pub source: String,
    pub message: String,
}

/// The built-in rules merged with `config.phrases`: the same id changes a built-in (fields not
/// given keep the built-in's), severity `off` removes it; new ids are added. A rule that cannot
/// be used is a Diagnostic with code `invalid-phrase-rule` naming its id.
pub fn phrase_rules(config: &SafetyConfig) -> Result<Vec<PhraseSpec>, Diagnostic> {
    let builtins: Vec<BuiltinRule> = serde_yaml::from_str(BUILTIN_RULES).map_err(|e| {
        Diagnostic::error(
            "invalid-phrase-rule",
            format!("Haven's built-in phrase rules could not be read: {e}"),
        )
    })?;
    let mut specs = Vec::with_capacity(builtins.len() + config.phrases.len());
    for b in builtins {
        let severity = match b.severity {
            Level::Error => Severity::Error,
            Level::Warning => Severity::Warning,
            Level::Off => continue,
        };
        specs.push(PhraseSpec {
            id: b.id,
            category: b.category,
            severity,
            matches: b.matches,
            regex: None,
            except: b.except,
            unless: b.unless,
            topics: b.topics,
            replacement: b.replacement,
            source: b.source,
            message: b.message,
        });
    }
    let builtin_ids: Vec<String> = specs.iter().map(|s| s.id.clone()).collect();
    for rule in &config.phrases {
        apply_override(&mut specs, rule, &builtin_ids)?;
    }
    Ok(specs)
}

/// Applies one `safety.phrases` entry to the rule list.
fn apply_override(
    specs: &mut Vec<PhraseSpec>,
    rule: &PhraseRule,
    builtin_ids: &[String],
) -> Result<(), Diagnostic> {
    let id = rule.id.trim();
    if id.is_empty() {
        return Err(invalid_rule(
            "a phrase rule in `safety.phrases` has an empty id".to_string(),
        ));
    }
    if rule.pattern.is_some() && !rule.matches.is_empty() {
        return Err(invalid_rule(format!(
            "phrase rule `{id}` has both `match` and `pattern`; keep one"
        )));
    }
    let regex = match &rule.pattern {
        Some(p) => Some(RegexRule::new(id, p)?),
        None => None,
    };
    let existing = specs.iter().position(|s| s.id == id);
    let severity = |level: Level| match level {
        Level::Error => Some(Severity::Error),
        Level::Warning => Some(Severity::Warning),
        Level::Off => None,
    };
    match (existing, rule.severity) {
        // `off` removes the rule (and turning off a rule that does not exist is harmless).
        (Some(i), Some(Level::Off)) => {
            specs.remove(i);
        }
        (None, Some(Level::Off)) => {}
        (Some(i), level) => {
            let spec = &mut specs[i];
            if let Some(regex) = regex {
                spec.regex = Some(regex);
                spec.matches.clear();
            } else if !rule.matches.is_empty() {
                spec.matches = rule.matches.clone();
                spec.regex = None;
            }
            if !rule.except.is_empty() {
                spec.except = rule.except.clone();
            }
            if !rule.unless.is_empty() {
                spec.unless = rule.unless.clone();
            }
            if let Some(topics) = &rule.topics {
                spec.topics = topics.clone();
            }
            if let Some(replacement) = &rule.replacement {
                spec.replacement = non_empty(replacement);
            }
            if let Some(category) = &rule.category {
                spec.category = category.clone();
            }
            if let Some(source) = &rule.source {
                spec.source = source.clone();
            }
            if let Some(message) = &rule.message {
                spec.message = message.clone();
            }
            if let Some(s) = level.and_then(severity) {
                spec.severity = s;
            }
        }
        (None, level) => {
            if regex.is_none() && rule.matches.is_empty() {
                let mut d = invalid_rule(format!(
                    "phrase rule `{id}` is not a built-in rule and has no `match` or `pattern`"
                ));
                if let Some(near) = crate::yaml::closest(id, builtin_ids) {
                    d = d.suggest(format!("did you mean the built-in rule `{near}`?"));
                }
                return Err(d);
            }
            specs.push(PhraseSpec {
                id: id.to_string(),
                category: rule
                    .category
                    .clone()
                    .unwrap_or_else(|| CUSTOM_CATEGORY.to_string()),
                severity: level.and_then(severity).unwrap_or(Severity::Warning),
                matches: rule.matches.clone(),
                regex,
                except: rule.except.clone(),
                unless: rule.unless.clone(),
                topics: rule.topics.clone().unwrap_or_default(),
                replacement: rule.replacement.as_deref().and_then(non_empty),
                source: rule
                    .source
                    .clone()
                    .unwrap_or_else(|| CUSTOM_SOURCE.to_string()),
                message: rule
                    .message
                    .clone()
                    .unwrap_or_else(|| CUSTOM_MESSAGE.to_string()),
            });
        }
    }
    Ok(())
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// A problem with one of the site's phrase rules in `site.yaml`.
pub(crate) fn invalid_rule(message: String) -> Diagnostic {
    Diagnostic::error("invalid-phrase-rule", message).in_file(CONFIG_FILE)
}

/// A site's rule written as a regular expression.
#[derive(Debug)]
pub struct RegexRule {
    regex: Regex,
    /// Whether `regex` has `phrase…`/`skip…` groups, which need the slower captures search.
    has_named_groups: bool,
}

impl RegexRule {
    fn new(id: &str, pattern: &str) -> Result<RegexRule, Diagnostic> {
        let build = |source: &str| RegexBuilder::new(source).case_insensitive(true).build();
        let raw = build(pattern)
            .map_err(|e| invalid_rule(format!("phrase rule `{id}` has an invalid pattern: {e}")))?;
        if raw.is_match("") {
            return Err(invalid_rule(format!(
                "phrase rule `{id}`: pattern `{pattern}` matches empty text, so it would match everywhere"
            )));
        }
        let regex = build(&format!("{START}(?:{pattern}){END}")).map_err(|e| {
            invalid_rule(format!(
                "phrase rule `{id}`: pattern `{pattern}` could not be compiled with word boundaries: {e}"
            ))
        })?;
        let has_named_groups = regex
            .capture_names()
            .flatten()
            .any(|name| name.starts_with("phrase") || name.starts_with("skip"));
        Ok(RegexRule {
            regex,
            has_named_groups,
        })
    }

    /// Calls `hit(start, end)` for each reported match in `text`.
    pub fn find_all(&self, text: &str, mut hit: impl FnMut(usize, usize)) {
        if !self.has_named_groups {
            for m in self.regex.find_iter(text) {
                if !m.is_empty() && on_word_boundaries(text, m.start(), m.end()) {
                    hit(m.start(), m.end());
                }
            }
            return;
        }
        for caps in self.regex.captures_iter(text) {
            let Some(whole) = caps.get(0) else { continue };
            if whole.is_empty() || !on_word_boundaries(text, whole.start(), whole.end()) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::safety::scan::Scanner;

    fn rule(id: &str) -> PhraseRule {
        PhraseRule {
            id: id.to_string(),
            matches: Vec::new(),
            pattern: None,
            except: Vec::new(),
            unless: Vec::new(),
            topics: None,
            replacement: None,
            severity: None,
            category: None,
            source: None,
            message: None,
        }
    }

    fn scanner_with(phrases: Vec<PhraseRule>) -> Result<Scanner, Diagnostic> {
        Scanner::new(&SafetyConfig {
            phrases,
            ..SafetyConfig::default()
        })
    }

    fn lint(scanner: &Scanner, spans: &[ProseSpan]) -> Vec<PhraseHit> {
        scanner.scan(spans, &[]).phrases
    }

    fn hits(scanner: &Scanner, text: &str) -> Vec<(String, String)> {
        lint(scanner, &[ProseSpan::new(text, 0)])
            .into_iter()
            .map(|h| (h.rule, h.matched))
            .collect()
    }

    #[test]
    fn builtin_rules_parse_and_have_sources() {
        let builtins: Vec<BuiltinRule> =
            serde_yaml::from_str(BUILTIN_RULES).unwrap_or_else(|e| panic!("{e}"));
        assert!(builtins.len() > 20);
        let mut ids: Vec<&str> = builtins.iter().map(|b| b.id.as_str()).collect();
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(ids.len(), before, "duplicate built-in ids");
        for b in &builtins {
            assert!(
                !b.source.is_empty() && !b.message.is_empty() && !b.category.is_empty(),
                "{}",
                b.id
            );
            assert!(!b.matches.is_empty(), "{}", b.id);
            assert!(b.severity != Level::Off, "{}", b.id);
        }
    }

    #[test]
    fn config_overrides_keep_unset_fields() {
        let mut r = rule("committed-suicide");
        r.severity = Some(Level::Error);
        r.replacement = Some("died by suicide or took their own life".into());
        let scanner = scanner_with(vec![r]).unwrap_or_else(|e| panic!("{e}"));
        let h = &lint(&scanner, &[ProseSpan::new("committed suicide", 0)])[0];
        assert_eq!(h.severity, Severity::Error);
        assert_eq!(
            h.replacement.as_deref(),
            Some("died by suicide or took their own life")
        );
        assert!(h.source.contains("reportingonsuicide.org"));
        assert!(h.message.contains("crime"));
    }

    #[test]
    fn config_can_replace_a_builtin_match() {
        let mut r = rule("addict");
        r.pattern = Some(r"\bdope\s+fiends?\b".into());
        let scanner = scanner_with(vec![r]).unwrap_or_else(|e| panic!("{e}"));
        assert!(hits(&scanner, "addicts").is_empty());
        assert_eq!(hits(&scanner, "dope fiends")[0].0, "addict");
        let mut r = rule("addict");
        r.matches = vec![TermSpec::Pattern("dope fiend".into())];
        let scanner = scanner_with(vec![r]).unwrap_or_else(|e| panic!("{e}"));
        assert!(hits(&scanner, "addicts").is_empty());
        assert_eq!(hits(&scanner, "two dope fiends")[0].1, "dope fiends");
    }

    #[test]
    fn severity_off_removes_a_builtin() {
        let mut r = rule("stigmatising-slang");
        r.severity = Some(Level::Off);
        let mut unknown_off = rule("no-such-rule");
        unknown_off.severity = Some(Level::Off);
        let scanner = scanner_with(vec![r, unknown_off]).unwrap_or_else(|e| panic!("{e}"));
        assert!(!scanner.rule_ids().any(|id| id == "stigmatising-slang"));
        assert!(hits(&scanner, "That's crazy.").is_empty());
        assert_eq!(hits(&scanner, "committed suicide").len(), 1);
    }

    #[test]
    fn new_rules_in_the_pattern_language_and_as_regexes() {
        let mut r = rule("lost-battle");
        r.pattern = Some(r"lost\s+(?:(?:his|her|their)\s+)?battle\s+with".into());
        r.replacement = Some("died by suicide".into());
        let mut upper = rule("Nuts");
        upper.pattern = Some("NUTS".into());
        upper.severity = Some(Level::Error);
        upper.source = Some("house style".into());
        let mut words = rule("brave-fight");
        words.matches = vec![TermSpec::Pattern("lose {poss} [brave] fight".into())];
        words.message = Some("Say what happened.".into());
        let scanner = scanner_with(vec![r, upper, words]).unwrap_or_else(|e| panic!("{e}"));
        let found = lint(
            &scanner,
            &[ProseSpan::new(
                "She Lost her battle with depression. nuts. He lost his brave fight.",
                0,
            )],
        );
        let found: Vec<_> = found
            .iter()
            .filter(|h| h.category == CUSTOM_CATEGORY)
            .collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].rule, "lost-battle");
        assert_eq!(found[0].matched, "Lost her battle with");
        assert_eq!(found[0].severity, Severity::Warning);
        assert_eq!(found[0].source, CUSTOM_SOURCE);
        assert_eq!(found[0].message, CUSTOM_MESSAGE);
        assert_eq!(found[1].severity, Severity::Error);
        assert_eq!(found[1].source, "house style");
        assert_eq!(found[1].replacement, None);
        assert_eq!(found[2].matched, "lost his brave fight");
        assert_eq!(found[2].message, "Say what happened.");
        // Word boundaries are added around user patterns.
        assert!(hits(&scanner, "chestnuts").is_empty());
    }

    #[test]
    fn user_regexes_are_case_insensitive() {
        let mut r = rule("upper-class");
        r.pattern = Some("[A-Z]+ phobia".into());
        let mut flags = rule("flags");
        flags.pattern = Some("(?i)mad\\s+house".into());
        let mut accented = rule("accented");
        accented.pattern = Some("ÉTAT".into());
        let scanner = scanner_with(vec![r, flags, accented]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(hits(&scanner, "SPIDER phobia")[0].0, "upper-class");
        assert_eq!(hits(&scanner, "a MAD House")[0].0, "flags");
        assert_eq!(hits(&scanner, "un état")[0].0, "accented");
        assert_eq!(hits(&scanner, "UN ÉTAT")[0].0, "accented");
    }

    #[test]
    fn named_groups_narrow_and_veto_regex_matches() {
        let mut a = rule("a");
        a.pattern = Some(r"(?P<phrase>foo)\s+bar".into());
        let mut b = rule("b");
        b.pattern = Some(r"(?P<skip>not\s+)?baz\s+qux".into());
        let scanner = scanner_with(vec![a, b]).unwrap_or_else(|e| panic!("{e}"));
        let found = hits(&scanner, "foo bar and baz qux but not baz qux");
        assert!(found.contains(&("a".to_string(), "foo".to_string())));
        assert_eq!(found.iter().filter(|(r, _)| r == "b").count(), 1);
    }

    #[test]
    fn bad_rules_are_diagnosed() {
        let expect_err = |rules: Vec<PhraseRule>| {
            scanner_with(rules)
                .err()
                .unwrap_or_else(|| panic!("accepted"))
        };
        let mut bad = rule("mine");
        bad.pattern = Some("(unclosed".into());
        let e = expect_err(vec![bad]);
        assert_eq!(e.code, "invalid-phrase-rule");
        assert!(
            e.message.contains("`mine`") && e.message.contains("unclosed"),
            "{}",
            e.message
        );
        let mut empty = rule("empty");
        empty.pattern = Some("x*".into());
        assert!(expect_err(vec![empty]).message.contains("empty text"));
        let mut words = rule("words");
        words.matches = vec![TermSpec::Pattern("[maybe]".into())];
        let e = expect_err(vec![words]);
        assert!(
            e.message.contains("`words`") && e.message.contains("`[maybe]`"),
            "{}",
            e.message
        );
        let mut both = rule("both");
        both.matches = vec![TermSpec::Pattern("a b".into())];
        both.pattern = Some("a b".into());
        assert!(expect_err(vec![both]).message.contains("both"));
        let typo = rule("commited-suicide");
        let e = expect_err(vec![typo]);
        assert!(e.message.contains("no `match`"), "{}", e.message);
        assert_eq!(
            e.suggestion.as_deref(),
            Some("did you mean the built-in rule `committed-suicide`?")
        );
        assert!(scanner_with(vec![rule(" ")]).is_err());
    }

    #[test]
    fn policy_decides_reported_severity() {
        let hit = PhraseHit {
            rule: "r".into(),
            category: "c".into(),
            matched: "m".into(),
            offset: 0,
            span: 0,
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
        let mut span = ProseSpan::new("m", 0);
        assert!(!hit.allowed_in(&span));
        span.allow.push("c".into());
        assert!(hit.allowed_in(&span));
        span.allow = vec!["r".into()];
        assert!(hit.allowed_in(&span));
        span.allow = vec![ALLOW_CODE.into()];
        assert!(hit.allowed_in(&span));
    }
}
