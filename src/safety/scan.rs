//! One pass over an article's prose for every safety rule of a site.
//!
//! The site's topics (with their built-in vocabularies) and its phrase rules (the built-ins
//! merged with `safety.phrases`) are compiled into one [`RuleSet`], so each span is read once.
//! [`Scanner::scan`] then sorts the hits out: the first mention of each topic, and the phrase
//! hits that apply to the article (a rule may apply only where one of its topics is declared or
//! mentioned) and that no `<!-- haven:allow … -->` covers.

use super::ProseSpan;
use super::pattern::Classes;
use super::phrases::{PhraseHit, PhraseSpec, invalid_rule, phrase_rules};
use super::rules::{Hit, PatternError, RuleSet, RuleSetBuilder, Scratch, TermDef};
use super::topics::{TopicMention, builtin_topics, vocabulary};
use crate::config::{CONFIG_FILE, SafeMessaging, SafetyConfig, TermSpec};
use crate::diagnostics::Diagnostic;
use indexmap::IndexMap;

/// Haven's built-in word classes for the vocabularies and rules (`{method}`, `{death}`, …).
pub const BUILTIN_CLASSES: &str = include_str!("builtin/classes.yaml");

/// The code of undeclared-topic findings, and of `<!-- haven:allow undeclared-topic -->`.
pub const UNDECLARED_TOPIC: &str = "undeclared-topic";

/// The site's safety rules, compiled once per configuration. `Send + Sync`.
#[derive(Debug)]
pub struct Scanner {
    /// The topics and the phrase rules that apply everywhere.
    rules: RuleSet,
    /// The phrase rules that apply only in articles about their topics, grouped by those
    /// topics: each group runs only on articles about one of them.
    gated: Vec<(Vec<String>, RuleSet)>,
    topic_keys: Vec<String>,
    phrases: Vec<PhraseSpec>,
}

/// What one article's prose says.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Findings {
    /// The first mention of each topic outside blocks marked
    /// `<!-- haven:allow undeclared-topic -->`, in topic order.
    pub topics: Vec<TopicMention>,
    /// Every phrase hit that applies, in source order.
    pub phrases: Vec<PhraseHit>,
}

impl Scanner {
    /// Compiles the site's topics and (unless `safe_messaging` is off) its phrase rules. A term
    /// or rule that cannot be used is an `invalid-topic` or `invalid-phrase-rule` error naming
    /// it and why.
    pub fn new(safety: &SafetyConfig) -> Result<Scanner, Diagnostic> {
        let builtin_classes: IndexMap<String, Vec<String>> = serde_yaml::from_str(BUILTIN_CLASSES)
            .map_err(|e| {
                Diagnostic::error(
                    "invalid-topic",
                    format!("Haven's built-in word classes could not be read: {e}"),
                )
            })?;
        let classes = Classes::new(
            builtin_classes
                .iter()
                .chain(&safety.word_classes)
                .map(|(name, entries)| (name.as_str(), entries.as_slice())),
        );
        let builtins = builtin_topics().map_err(|e| Diagnostic::error("invalid-topic", e))?;
        let mut builder = RuleSetBuilder::new(&classes);
        let mut gated: Vec<(Vec<String>, RuleSetBuilder<'_>)> = Vec::new();
        let mut topic_keys = Vec::with_capacity(safety.topics.len());
        for (i, (key, topic)) in safety.topics.iter().enumerate() {
            let (terms, except) = vocabulary(key, topic, &builtins);
            for term in terms {
                add_term(&mut builder, i as u32, term, &except, &[]).map_err(|e| {
                    Diagnostic::error(
                        "invalid-topic",
                        format!("topic `{key}`: {}", describe(term, &e)),
                    )
                    .in_file(CONFIG_FILE)
                    .suggest(PATTERN_HELP)
                })?;
            }
            topic_keys.push(key.clone());
        }
        let phrases = if safety.safe_messaging == SafeMessaging::Off {
            Vec::new()
        } else {
            phrase_rules(safety)?
        };
        for (j, rule) in phrases.iter().enumerate() {
            let owner = (topic_keys.len() + j) as u32;
            let except: Vec<&str> = rule.except.iter().map(String::as_str).collect();
            let unless: Vec<&str> = rule.unless.iter().map(String::as_str).collect();
            let target = if rule.topics.is_empty() {
                &mut builder
            } else {
                let mut topics = rule.topics.clone();
                topics.sort_unstable();
                let i = match gated.iter().position(|(t, _)| *t == topics) {
                    Some(i) => i,
                    None => {
                        gated.push((topics, RuleSetBuilder::new(&classes)));
                        gated.len() - 1
                    }
                };
                &mut gated[i].1
            };
            for term in &rule.matches {
                add_term(target, owner, term, &except, &unless).map_err(|e| {
                    invalid_rule(format!("phrase rule `{}`: {}", rule.id, describe(term, &e)))
                        .suggest(PATTERN_HELP)
                })?;
            }
        }
        let rules = builder
            .build()
            .map_err(|e| Diagnostic::error("invalid-topic", e).in_file(CONFIG_FILE))?;
        let gated = gated
            .into_iter()
            .map(|(topics, builder)| {
                builder
                    .build()
                    .map(|rules| (topics, rules))
                    .map_err(|e| Diagnostic::error("invalid-phrase-rule", e).in_file(CONFIG_FILE))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Scanner {
            rules,
            gated,
            topic_keys,
            phrases,
        })
    }

    /// The ids of the active phrase rules, built-ins first.
    pub fn rule_ids(&self) -> impl Iterator<Item = &str> {
        self.phrases.iter().map(|r| r.id.as_str())
    }

    /// What `spans` (one article's prose) say; `declared` are the article's content warnings.
    pub fn scan(&self, spans: &[ProseSpan], declared: &[String]) -> Findings {
        let topics = self.topic_keys.len();
        let mut scratch = Scratch::default();
        let mut hits: Vec<Hit> = Vec::new();
        let mut first: Vec<Option<TopicMention>> = vec![None; topics];
        let mut mentioned = vec![false; topics];
        // (rule, span, start, end) of every phrase hit, before the article's topics are known.
        let mut phrase_hits: Vec<(usize, usize, usize, usize)> = Vec::new();
        for (s, span) in spans.iter().enumerate() {
            hits.clear();
            self.rules.scan(&span.text, &mut scratch, &mut hits);
            for (j, rule) in self.phrases.iter().enumerate() {
                if let Some(regex) = &rule.regex {
                    regex.find_all(&span.text, |start, end| {
                        phrase_hits.push((j, s, start, end));
                    });
                }
            }
            for h in &hits {
                let owner = h.owner as usize;
                if owner >= topics {
                    phrase_hits.push((owner - topics, s, h.start, h.end));
                    continue;
                }
                // A term inside a longer term of another topic counts for that topic only.
                let inside_other = hits.iter().any(|o| {
                    (o.owner as usize) < topics
                        && o.owner != h.owner
                        && !o.joined
                        && o.start <= h.start
                        && h.end <= o.end
                        && o.end - o.start > h.end - h.start
                });
                if inside_other {
                    continue;
                }
                mentioned[owner] = true;
                if span.allows(UNDECLARED_TOPIC) {
                    continue;
                }
                let offset = span.start + h.start;
                if first[owner].as_ref().is_none_or(|m| offset < m.offset) {
                    first[owner] = Some(TopicMention {
                        topic: self.topic_keys[owner].clone(),
                        matched: span.text[h.start..h.end].to_string(),
                        offset,
                        span: s,
                    });
                }
            }
        }
        let present = |key: &String| {
            declared.contains(key)
                || self
                    .topic_keys
                    .iter()
                    .position(|k| k == key)
                    .is_some_and(|i| mentioned[i])
        };
        // The rules for articles about a topic, only in such articles.
        for (group, rules) in &self.gated {
            if !group.iter().any(present) {
                continue;
            }
            for (s, span) in spans.iter().enumerate() {
                hits.clear();
                rules.scan(&span.text, &mut scratch, &mut hits);
                phrase_hits.extend(
                    hits.iter()
                        .map(|h| (h.owner as usize - topics, s, h.start, h.end)),
                );
            }
        }
        let mut phrases: Vec<PhraseHit> = Vec::new();
        // One finding per stretch of text and kind of guidance, however many terms and rules
        // matched there: the first rule in order (the most specific) speaks for it.
        let mut kept: Vec<(usize, usize, usize, &str)> = Vec::new();
        phrase_hits.sort_by_key(|&(rule, s, start, end)| (s, rule, start, std::cmp::Reverse(end)));
        for (j, s, start, end) in phrase_hits {
            let rule = &self.phrases[j];
            if !(rule.topics.is_empty() || rule.topics.iter().any(present)) {
                continue;
            }
            // (Hits are sorted by span: only this span's need comparing.)
            if kept.first().is_some_and(|k| k.0 != s) {
                kept.clear();
            }
            if kept
                .iter()
                .any(|&(_, a, b, category)| start < b && a < end && category == rule.category)
            {
                continue;
            }
            kept.push((s, start, end, &rule.category));
            let span = &spans[s];
            let hit = PhraseHit {
                rule: rule.id.clone(),
                category: rule.category.clone(),
                matched: span.text[start..end].to_string(),
                offset: span.start + start,
                span: s,
                replacement: rule.replacement.clone(),
                severity: rule.severity,
                source: rule.source.clone(),
                message: rule.message.clone(),
            };
            if !hit.allowed_in(span) {
                phrases.push(hit);
            }
        }
        phrases.sort_by_key(|h| h.offset);
        Findings {
            topics: first.into_iter().flatten().collect(),
            phrases,
        }
    }
}

const PATTERN_HELP: &str = "patterns are words separated by spaces: `take {poss} own life`, \
    `suicid*` (any ending), `=word` (exactly), `[optional words]`, `(this | that)`, `..3` (up to \
    three words), `#` (a number); see the README's section on safety patterns";

fn describe(term: &TermSpec, e: &PatternError) -> String {
    match term {
        TermSpec::Pattern(p) if *p == e.pattern => format!("term `{p}` {}", e.reason),
        _ if e.pattern.is_empty() => format!("a term {}", e.reason),
        _ => format!("pattern `{}` {}", e.pattern, e.reason),
    }
}

/// Adds one term of an owner whose own exceptions are `owner_except` and `owner_unless`.
fn add_term(
    builder: &mut RuleSetBuilder<'_>,
    owner: u32,
    term: &TermSpec,
    owner_except: &[&str],
    owner_unless: &[&str],
) -> Result<(), PatternError> {
    match term {
        TermSpec::Pattern(p) => builder.add(&TermDef {
            owner,
            sets: vec![vec![p.as_str()]],
            within: None,
            unless: owner_unless.to_vec(),
            except: owner_except.to_vec(),
        }),
        TermSpec::Rule(rule) => {
            let sets = match &rule.pattern {
                Some(p) => vec![vec![p.as_str()]],
                None => rule
                    .all
                    .iter()
                    .map(|set| set.patterns().iter().map(String::as_str).collect())
                    .collect(),
            };
            let mut except = owner_except.to_vec();
            except.extend(rule.except.iter().map(String::as_str));
            let mut unless = owner_unless.to_vec();
            unless.extend(rule.unless.iter().map(String::as_str));
            builder.add(&TermDef {
                owner,
                sets,
                within: rule.within,
                unless,
                except,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_classes_parse_and_compile() {
        let classes: IndexMap<String, Vec<String>> =
            serde_yaml::from_str(BUILTIN_CLASSES).unwrap_or_else(|e| panic!("{e}"));
        let all = Classes::new(
            classes
                .iter()
                .map(|(name, entries)| (name.as_str(), entries.as_slice())),
        );
        for name in classes.keys() {
            if let Err(e) = crate::safety::pattern::compile(&format!("{{{name}}}"), &all) {
                panic!("class {name}: {e}");
            }
        }
    }

    /// Words that a pattern must not be anchored on: they are in almost every paragraph, so
    /// the pattern would be tried everywhere (see `RuleSet::anchors`).
    const TOO_COMMON: &[&str] = &[
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "do", "for", "from", "had", "has",
        "have", "he", "her", "his", "i", "in", "is", "it", "its", "me", "my", "no", "not", "of",
        "on", "or", "she", "so", "that", "the", "their", "them", "they", "this", "to", "was", "we",
        "were", "what", "when", "which", "who", "why", "will", "with", "you", "your", "over",
        "into", "after", "before", "often", "until", "about", "all", "can",
    ];

    /// Short words that are distinctive all the same.
    const DISTINCTIVE_SHORT: &[&str] = &[
        "mm", "kg", "lb", "st", "od", "gp", "uk", "sh", "ml", "cw", "gw", "hw", "lw", "sw", "ft",
        "xs",
    ];

    #[test]
    fn builtin_patterns_are_anchored_on_distinctive_words() {
        let mut topics = IndexMap::new();
        for key in [
            "suicide",
            "self-harm",
            "substance-use",
            "abuse",
            "eating-disorders",
            "trauma",
        ] {
            let mut t = crate::config::Topic::with_terms(key, false, &[]);
            t.builtin = true;
            topics.insert(key.to_string(), t);
        }
        let scanner = Scanner::new(&SafetyConfig {
            topics,
            ..SafetyConfig::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let mut bad = Vec::new();
        for rules in std::iter::once(&scanner.rules).chain(scanner.gated.iter().map(|(_, r)| r)) {
            for (pattern, literals) in rules.lead_anchors() {
                let common: Vec<&&str> = literals
                    .iter()
                    .filter(|l| {
                        TOO_COMMON.contains(l)
                            || (l.len() <= 2 && l.is_ascii() && !DISTINCTIVE_SHORT.contains(l))
                    })
                    .collect();
                if !common.is_empty() {
                    bad.push(format!("`{pattern}` on {common:?}"));
                }
            }
        }
        assert!(
            bad.is_empty(),
            "anchored on common words:\n{}",
            bad.join("\n")
        );
    }

    #[test]
    fn scanner_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<Scanner>();
    }
}
