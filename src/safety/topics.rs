//! Topic detection: which of the site's sensitive topics (`safety.topics`) prose mentions.
//!
//! Each topic has a list of terms. A term matches case-insensitively and only on word
//! boundaries, so `abuse` never fires inside "disabused" and `suicide` never fires inside
//! "suicidepreventionlifeline". Within a term:
//!
//! * a trailing `*` matches any continuation of word characters (`suicid*` → suicide, suicidal);
//! * words separated by spaces match across any whitespace, line breaks included;
//! * hyphens match literally, and straight and curly apostrophes match each other;
//! * a term without `*` also matches simple English inflections of its last word: +s, +es,
//!   +ed, +d, +ing, with a final `e` dropped before -ing (relapse → relapsing), `-ie` → `-ying`,
//!   consonant + `y` → `-ies`/`-ied`, `-c` → `-cked`/`-cking` (panic → panicking), and a
//!   doubled final consonant (cut → cutting).
//!
//! All terms of all topics are compiled into one "gate" regex that finds every position where
//! some term starts; only there is each topic's own anchored regex tried. A typical article
//! mentions few topics, so this costs about one regex pass per span however many topics a site
//! configures.

use super::{ProseSpan, lowercase_into, on_word_boundaries};
use crate::config::{CONFIG_FILE, Topic};
use crate::diagnostics::Diagnostic;
use indexmap::IndexMap;
use regex::Regex;

/// ASCII half word boundaries: see the module docs of [`crate::safety`] for why not Unicode.
const START: &str = r"(?-u:\b{start-half})";
const END: &str = r"(?-u:\b{end-half})";

/// The first place prose mentions a topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicMention {
    /// The topic's key in `safety.topics`.
    pub topic: String,
    /// The text that matched, as written in the source.
    pub matched: String,
    /// Byte offset of the match in the source file.
    pub offset: usize,
}

#[derive(Debug)]
struct CompiledTopic {
    key: String,
    /// `^(?:term|term…)` + end boundary; `None` for a topic without terms.
    anchored: Option<Regex>,
}

/// The site's topic vocabulary, compiled once per build. `Send + Sync`, so one matcher can serve
/// every worker thread.
#[derive(Debug)]
pub struct TopicMatcher {
    topics: Vec<CompiledTopic>,
    /// Matches wherever any term of any topic starts; `None` when no topic has terms.
    gate: Option<Regex>,
}

impl TopicMatcher {
    /// Compiles the topics' terms. `Err` names the topic key and the bad term (e.g. an empty
    /// term) as a Diagnostic with code `invalid-topic`.
    pub fn new(topics: &IndexMap<String, Topic>) -> Result<Self, Diagnostic> {
        let mut compiled = Vec::with_capacity(topics.len());
        let mut all_terms = Vec::new();
        for (key, topic) in topics {
            let mut alternatives = Vec::with_capacity(topic.terms.len());
            for term in &topic.terms {
                let pattern = term_pattern(term).map_err(|reason| {
                    Diagnostic::error(
                        "invalid-topic",
                        format!("topic `{key}`: term `{term}` {reason}"),
                    )
                    .in_file(CONFIG_FILE)
                    .suggest(
                        "terms are words or phrases, optionally ending in `*` to match any \
                         word ending (e.g. `suicid*`)",
                    )
                })?;
                alternatives.push(pattern);
            }
            let anchored = if alternatives.is_empty() {
                None
            } else {
                let source = format!("^(?:{}){END}", alternatives.join("|"));
                Some(Regex::new(&source).map_err(|e| {
                    Diagnostic::error(
                        "invalid-topic",
                        format!("topic `{key}`: its terms could not be compiled: {e}"),
                    )
                    .in_file(CONFIG_FILE)
                })?)
            };
            all_terms.extend(alternatives);
            compiled.push(CompiledTopic {
                key: key.clone(),
                anchored,
            });
        }
        let gate = if all_terms.is_empty() {
            None
        } else {
            let source = format!("{START}(?:{}){END}", all_terms.join("|"));
            Some(Regex::new(&source).map_err(|e| {
                Diagnostic::error(
                    "invalid-topic",
                    format!("the topic terms could not be compiled together: {e}"),
                )
                .in_file(CONFIG_FILE)
            })?)
        };
        Ok(TopicMatcher {
            topics: compiled,
            gate,
        })
    }

    /// First mention of each topic, in topic order: (topic key, matched text, byte offset in the
    /// source file = `span.start` + offset within the span's text). Topics not mentioned are
    /// left out.
    pub fn first_mentions(&self, spans: &[ProseSpan]) -> Vec<TopicMention> {
        self.scan(spans, None)
    }

    /// Like [`first_mentions`](Self::first_mentions), but ignores spans whose `allow` list
    /// contains `code`, so a block marked `<!-- haven:allow CODE -->` does not count as the first
    /// mention for the check reporting `CODE`.
    pub fn first_mentions_unless_allowed(
        &self,
        spans: &[ProseSpan],
        code: &str,
    ) -> Vec<TopicMention> {
        self.scan(spans, Some(code))
    }

    /// The keys of the configured topics, in order.
    pub fn topic_keys(&self) -> impl Iterator<Item = &str> {
        self.topics.iter().map(|t| t.key.as_str())
    }

    fn scan(&self, spans: &[ProseSpan], skip_allowed: Option<&str>) -> Vec<TopicMention> {
        let Some(gate) = &self.gate else {
            return Vec::new();
        };
        let mut found: Vec<Option<TopicMention>> = vec![None; self.topics.len()];
        let mut remaining = self.topics.iter().filter(|t| t.anchored.is_some()).count();
        let mut lower = String::new();
        'spans: for span in spans {
            if skip_allowed.is_some_and(|code| span.allows(code)) {
                continue;
            }
            lowercase_into(&mut lower, &span.text);
            let mut from = 0;
            while let Some(candidate) = gate.find_at(&lower, from) {
                let start = candidate.start();
                for (topic, slot) in self.topics.iter().zip(found.iter_mut()) {
                    let (None, Some(anchored)) = (&slot, &topic.anchored) else {
                        continue;
                    };
                    let Some(m) = lower.get(start..).and_then(|rest| anchored.find(rest)) else {
                        continue;
                    };
                    let end = start + m.end();
                    if !on_word_boundaries(&lower, start, end) {
                        continue;
                    }
                    *slot = Some(TopicMention {
                        topic: topic.key.clone(),
                        matched: span.text.get(start..end).unwrap_or_default().to_string(),
                        offset: span.start + start,
                    });
                    remaining -= 1;
                }
                if remaining == 0 {
                    break 'spans;
                }
                // Step one character, not to the end of the match: a term of another topic
                // may start inside this match ("self harm" vs "harm").
                from = start + lower[start..].chars().next().map_or(1, char::len_utf8);
            }
        }
        found.into_iter().flatten().collect()
    }
}

/// The regex for one term (without boundaries), or why the term is unusable.
fn term_pattern(term: &str) -> Result<String, String> {
    let term = term.trim();
    if term.is_empty() {
        return Err("is empty".to_string());
    }
    let (body, wildcard) = match term.strip_suffix('*') {
        Some(body) => (body.trim_end(), true),
        None => (term, false),
    };
    if body.contains('*') {
        return Err("has a `*` that is not at the end".to_string());
    }
    if !body.chars().any(super::is_word_char) {
        return Err("has no letters or digits".to_string());
    }
    let words: Vec<&str> = body.split_whitespace().collect();
    let mut parts: Vec<String> = Vec::with_capacity(words.len());
    for (i, word) in words.iter().enumerate() {
        let last = i + 1 == words.len();
        parts.push(if !last {
            escape_word(word)
        } else if wildcard {
            format!(r"{}\w*", escape_word(word))
        } else {
            inflected(word)
        });
    }
    Ok(parts.join(r"\s+"))
}

/// `word` with its simple English inflections, as a regex.
fn inflected(word: &str) -> String {
    let lower = word.to_lowercase();
    let mut alternatives = vec![format!("{}(?:s|es|ed|d|ing)?", escape_word(&lower))];
    let letters: Vec<char> = lower.chars().collect();
    let is_vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u');
    let is_consonant = |c: char| c.is_ascii_alphabetic() && !is_vowel(c);
    match letters.as_slice() {
        // die → dying (before the general -e rule, which would give "diing")
        [.., 'i', 'e'] => {
            let stem = &lower[..lower.len() - 2];
            alternatives.push(format!("{}ying", escape_word(stem)));
        }
        // relapse → relapsing
        [_, .., 'e'] => {
            let stem = &lower[..lower.len() - 1];
            alternatives.push(format!("{}ing", escape_word(stem)));
        }
        // bully → bullies, bullied
        [.., c, 'y'] if is_consonant(*c) => {
            let stem = &lower[..lower.len() - 1];
            alternatives.push(format!("{}(?:ies|ied)", escape_word(stem)));
        }
        // panic → panicking, panicked
        [.., 'c'] => alternatives.push(format!("{}k(?:ed|ing)", escape_word(&lower))),
        // cut → cutting, stab → stabbed (consonant–vowel–consonant ending)
        [.., a, v, c]
            if is_consonant(*a)
                && is_vowel(*v)
                && is_consonant(*c)
                && !matches!(c, 'w' | 'x' | 'y') =>
        {
            alternatives.push(format!("{}{c}(?:ed|ing)", escape_word(&lower)));
        }
        _ => {}
    }
    format!("(?:{})", alternatives.join("|"))
}

/// One word of a term as a regex: ASCII letters lowercase (the haystack is ASCII-lowercased),
/// other cased letters case-insensitive, apostrophes matching straight or curly ones, everything
/// else literal.
fn escape_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len() + 8);
    for c in word.chars() {
        match c {
            '\'' | '\u{2018}' | '\u{2019}' | '\u{02BC}' => {
                out.push_str("['\u{2018}\u{2019}\u{02BC}]")
            }
            c if c.is_ascii() => out.push_str(&regex::escape(
                c.to_ascii_lowercase().encode_utf8(&mut [0; 4]),
            )),
            c if c.is_lowercase() || c.is_uppercase() => {
                out.push_str("(?i:");
                out.push(c);
                out.push(')');
            }
            c => out.push_str(&regex::escape(c.encode_utf8(&mut [0; 4]))),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topics(defs: &[(&str, &[&str])]) -> IndexMap<String, Topic> {
        defs.iter()
            .map(|(key, terms)| {
                (
                    key.to_string(),
                    Topic {
                        label: key.to_string(),
                        high_risk: false,
                        terms: terms.iter().map(|t| t.to_string()).collect(),
                    },
                )
            })
            .collect()
    }

    fn matcher(defs: &[(&str, &[&str])]) -> TopicMatcher {
        match TopicMatcher::new(&topics(defs)) {
            Ok(m) => m,
            Err(e) => panic!("matcher failed to compile: {e}"),
        }
    }

    fn spans(texts: &[&str]) -> Vec<ProseSpan> {
        let mut start = 0;
        texts
            .iter()
            .map(|t| {
                let span = ProseSpan::new(*t, start);
                start += t.len() + 2;
                span
            })
            .collect()
    }

    /// The matched text of `term` in `text`, if any.
    fn find(term: &str, text: &str) -> Option<String> {
        let m = matcher(&[("t", &[term])]);
        m.first_mentions(&spans(&[text]))
            .into_iter()
            .next()
            .map(|mention| mention.matched)
    }

    fn matches(term: &str, text: &str) -> bool {
        find(term, text).is_some()
    }

    #[test]
    fn plain_term_matches_case_insensitively() {
        assert_eq!(
            find("suicide", "Suicide is preventable."),
            Some("Suicide".into())
        );
        assert_eq!(find("suicide", "SUICIDE"), Some("SUICIDE".into()));
        assert_eq!(find("Suicide", "about suicide"), Some("suicide".into()));
    }

    #[test]
    fn terms_do_not_match_inside_words() {
        assert!(!matches("abuse", "He was disabused of the notion."));
        assert!(!matches("suicide", "suicidepreventionlifeline"));
        assert!(!matches("cut", "a new haircut"));
        assert!(!matches("cut", "cutlery"));
        assert!(!matches("harm", "pharmacy"));
        assert!(!matches("die", "diet and exercise"));
        assert!(!matches("ed", "we talked about it"));
    }

    #[test]
    fn wildcard_matches_word_continuations() {
        for word in ["suicide", "suicidal", "suicides", "suicidality", "suicid"] {
            assert_eq!(find("suicid*", word).as_deref(), Some(word), "{word}");
        }
        assert!(!matches("suicid*", "presuicidal"));
        assert_eq!(find("abus*", "abusers"), Some("abusers".into()));
        assert_eq!(find("abus*", "verbally abusive"), Some("abusive".into()));
        assert!(!matches("abus*", "disabused"));
        assert_eq!(
            find("self-harm*", "self-harming behaviour"),
            Some("self-harming".into())
        );
    }

    #[test]
    fn wildcard_continues_through_non_ascii_letters() {
        assert_eq!(find("suicid*", "suicidé."), Some("suicidé".into()));
    }

    #[test]
    fn plain_terms_match_simple_inflections() {
        let cases: &[(&str, &str)] = &[
            ("overdose", "overdoses"),
            ("overdose", "overdosed"),
            ("overdose", "overdosing"),
            ("relapse", "relapsed"),
            ("relapse", "relapsing"),
            ("relapse", "relapses"),
            ("binge", "bingeing"),
            ("binge", "binging"),
            ("drink", "drinking"),
            ("drink", "drinks"),
            ("abuse", "abused"),
            ("abuse", "abuses"),
            ("harm", "harmed"),
            ("crash", "crashes"),
            ("die", "dying"),
            ("die", "died"),
            ("bully", "bullies"),
            ("bully", "bullied"),
            ("bully", "bullying"),
            ("cut", "cutting"),
            ("stab", "stabbed"),
            ("panic", "panicking"),
            ("eating disorder", "eating disorders"),
            ("self-harm", "self-harming"),
        ];
        for (term, text) in cases {
            assert_eq!(find(term, text).as_deref(), Some(*text), "{term} → {text}");
        }
    }

    #[test]
    fn inflections_do_not_overreach() {
        assert!(!matches("abuse", "abuser"));
        assert!(!matches("abuse", "abusive"));
        assert!(!matches("overdose", "overdosage"));
        assert!(!matches("drink", "drinkable"));
        assert!(!matches("cut", "cutter"));
    }

    #[test]
    fn unrelated_compounds_do_not_match_other_terms() {
        // "drinking" is a configured term; "drinking water" still mentions it — the matcher does
        // word matching, not sense disambiguation — while "drink" never matches "drinkware".
        assert!(matches("drinking", "Drinking water helps."));
        assert!(!matches("drinking", "drinkingwater.org"));
        assert!(!matches("drink", "drinkware"));
    }

    #[test]
    fn multi_word_terms_match_across_whitespace() {
        assert_eq!(
            find("kill myself", "I wanted to kill\nmyself."),
            Some("kill\nmyself".into())
        );
        assert!(matches("kill myself", "kill  \t myself"));
        assert!(matches("kill myself", "kill\u{a0}myself"));
        assert!(!matches("kill myself", "kill-myself"));
        assert!(!matches("kill myself", "killmyself"));
        assert!(!matches("kill myself", "skill myself"));
    }

    #[test]
    fn hyphens_match_literally() {
        assert!(matches("self-harm", "self-harm"));
        assert!(!matches("self-harm", "self harm"));
        assert!(!matches("self harm", "self-harm"));
        // A hyphen is not a word character, so a hyphenated compound still mentions the term.
        assert!(matches("abuse", "child-abuse"));
    }

    #[test]
    fn apostrophes_are_interchangeable() {
        assert!(matches("can't cope", "I can’t cope"));
        assert!(matches("can’t cope", "I can't cope"));
        assert!(matches("can't cope", "I can‘t cope"));
        assert!(!matches("can't cope", "I cant cope"));
        // An apostrophe ends a word, so possessives still mention the term.
        assert_eq!(find("suicide", "suicide’s toll"), Some("suicide".into()));
    }

    #[test]
    fn non_ascii_neighbours_are_word_characters() {
        assert!(!matches("abuse", "éabuse"));
        assert!(!matches("abuse", "abuseé"));
        assert!(matches("abuse", "« abuse »"));
        assert!(matches("café", "Café culture"));
        assert!(matches("CAFÉ", "café culture"));
    }

    #[test]
    fn regex_metacharacters_in_terms_are_literal() {
        assert!(matches("c++", "c++ code"));
        assert!(matches("12-step", "a 12-step programme"));
        assert!(!matches("a.b", "axb"));
        assert!(matches("(self) harm", "(self) harm"));
    }

    #[test]
    fn first_mention_per_topic_in_topic_order_with_file_offsets() {
        let m = matcher(&[
            ("self-harm", &["self-harm*", "cutting"]),
            ("suicide", &["suicid*", "kill myself"]),
            ("eating", &["anorexia"]),
        ]);
        let spans = vec![
            ProseSpan::new("Nothing here.", 100),
            ProseSpan::new("Thoughts of suicide, then suicidal plans.", 200),
            ProseSpan::new("Some people self-harm. Suicide again.", 300),
        ];
        let found = m.first_mentions(&spans);
        assert_eq!(
            found,
            vec![
                TopicMention {
                    topic: "self-harm".into(),
                    matched: "self-harm".into(),
                    offset: 300 + 12,
                },
                TopicMention {
                    topic: "suicide".into(),
                    matched: "suicide".into(),
                    offset: 200 + 12,
                },
            ]
        );
    }

    #[test]
    fn overlapping_terms_of_different_topics_are_all_found() {
        let m = matcher(&[("self-harm", &["self harm"]), ("harm", &["harm"])]);
        let found = m.first_mentions(&spans(&["ways to reduce self harm"]));
        let keys: Vec<_> = found.iter().map(|f| (f.topic.as_str(), f.offset)).collect();
        assert_eq!(keys, [("self-harm", 15), ("harm", 20)]);
    }

    #[test]
    fn same_term_in_two_topics_counts_for_both() {
        let m = matcher(&[("suicide", &["overdose"]), ("substances", &["overdose"])]);
        let found = m.first_mentions(&spans(&["an overdose"]));
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|f| f.offset == 3));
    }

    #[test]
    fn offsets_are_bytes_after_non_ascii_text() {
        let m = matcher(&[("suicide", &["suicide"])]);
        let found = m.first_mentions(&[ProseSpan::new("Ça va — suicide", 10)]);
        assert_eq!(found[0].offset, 10 + "Ça va — ".len());
    }

    #[test]
    fn allowed_spans_can_be_skipped() {
        let m = matcher(&[("suicide", &["suicid*"])]);
        let mut first = ProseSpan::new("suicide in an allowed block", 0);
        first.allow.push("undeclared-topic".into());
        let spans = vec![first, ProseSpan::new("later: suicidal", 50)];
        assert_eq!(m.first_mentions(&spans)[0].offset, 0);
        let found = m.first_mentions_unless_allowed(&spans, "undeclared-topic");
        assert_eq!(found[0].offset, 57);
        assert_eq!(found[0].matched, "suicidal");
        assert_eq!(
            m.first_mentions_unless_allowed(&spans, "other")[0].offset,
            0
        );
    }

    #[test]
    fn no_topics_or_no_terms_find_nothing() {
        let m = matcher(&[]);
        assert!(m.first_mentions(&spans(&["suicide"])).is_empty());
        let m = matcher(&[("empty", &[])]);
        assert!(m.first_mentions(&spans(&["suicide"])).is_empty());
        assert_eq!(m.topic_keys().collect::<Vec<_>>(), ["empty"]);
        let m = matcher(&[("suicide", &["suicide"])]);
        assert!(m.first_mentions(&[]).is_empty());
        assert!(m.first_mentions(&spans(&[""])).is_empty());
    }

    #[test]
    fn bad_terms_are_reported_with_topic_and_term() {
        for (term, reason) in [
            ("", "is empty"),
            ("   ", "is empty"),
            ("*", "no letters"),
            ("sui*cide", "not at the end"),
            ("--", "no letters"),
        ] {
            let err = TopicMatcher::new(&topics(&[("ok", &["fine"]), ("suicide", &[term])]))
                .err()
                .unwrap_or_else(|| panic!("`{term}` should be rejected"));
            assert_eq!(err.code, "invalid-topic");
            assert!(err.is_error());
            assert!(err.message.contains("topic `suicide`"), "{}", err.message);
            assert!(
                err.message.contains(&format!("`{term}`")),
                "{}",
                err.message
            );
            assert!(err.message.contains(reason), "{}", err.message);
        }
    }

    #[test]
    fn matcher_is_send_and_sync() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<TopicMatcher>();
    }

    #[test]
    fn term_patterns_look_as_intended() {
        assert_eq!(term_pattern("suicid*").as_deref(), Ok(r"suicid\w*"));
        assert_eq!(
            term_pattern("Kill  Myself").as_deref(),
            Ok(r"kill\s+(?:myself(?:s|es|ed|d|ing)?)")
        );
        assert_eq!(
            term_pattern("relapse").as_deref(),
            Ok("(?:relapse(?:s|es|ed|d|ing)?|relapsing)")
        );
    }
}
