//! Topic vocabularies: which of the site's sensitive topics (`safety.topics`) prose mentions.
//!
//! A topic's terms are patterns in Haven's pattern language (see [`super::pattern`]): `suicid*`
//! for any word that begins so, `take {poss} own life` for every tense and pronoun, sets of
//! words that must occur in one sentence, and `except` phrases inside which a term does not
//! count (`trauma surgeon`). For the common topics Haven ships a vocabulary of its own
//! (`builtin/topics.yaml`): a site's topic with one of those keys uses it beside the site's own
//! terms unless it says `builtin: false`.
//!
//! A term that lies inside a longer term of another topic does not count for its own topic:
//! "substance abuse" is substance use, not abuse.

use crate::config::{TermSpec, Topic};
use indexmap::IndexMap;
use serde::Deserialize;

/// Haven's built-in topic vocabularies.
pub const BUILTIN_TOPICS: &str = include_str!("builtin/topics.yaml");

/// The first place prose mentions a topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicMention {
    /// The topic's key in `safety.topics`.
    pub topic: String,
    /// The text that matched, as written in the source.
    pub matched: String,
    /// Byte offset of the match: the span's `start` plus its offset in the span's text.
    pub offset: usize,
    /// Index of the span it is in.
    pub span: usize,
}

/// A built-in vocabulary.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuiltinTopic {
    /// What the topic covers, for the documentation.
    pub about: String,
    pub terms: Vec<TermSpec>,
    #[serde(default)]
    pub except: Vec<String>,
}

/// The built-in vocabularies by key.
pub fn builtin_topics() -> Result<IndexMap<String, BuiltinTopic>, String> {
    serde_yaml::from_str(BUILTIN_TOPICS)
        .map_err(|e| format!("Haven's built-in topic vocabulary could not be read: {e}"))
}

/// A topic's terms and exceptions: the site's own, then the built-in ones for its key.
pub fn vocabulary<'a>(
    key: &str,
    topic: &'a Topic,
    builtins: &'a IndexMap<String, BuiltinTopic>,
) -> (Vec<&'a TermSpec>, Vec<&'a str>) {
    let mut terms: Vec<&TermSpec> = topic.terms.iter().collect();
    let mut except: Vec<&str> = topic.except.iter().map(String::as_str).collect();
    if topic.builtin
        && let Some(b) = builtins.get(key)
    {
        terms.extend(b.terms.iter());
        except.extend(b.except.iter().map(String::as_str));
    }
    (terms, except)
}

/// The topic's terms that are plain words or phrases (letters, spaces, hyphens and apostrophes,
/// with an optional trailing `*`), for matchers that know no patterns, such as the search
/// page's crisis words.
pub fn plain_terms(key: &str, topic: &Topic) -> Vec<String> {
    let builtins = builtin_topics().unwrap_or_default();
    let (terms, _) = vocabulary(key, topic, &builtins);
    terms
        .into_iter()
        .filter_map(|t| match t {
            TermSpec::Pattern(p) => Some(p.trim()),
            TermSpec::Rule(_) => None,
        })
        .filter(|p| {
            let body = p.strip_suffix('*').unwrap_or(p);
            !body.is_empty()
                && body
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '\'' | '\u{2019}'))
        })
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SafetyConfig;
    use crate::safety::ProseSpan;
    use crate::safety::scan::Scanner;

    fn scanner(defs: &[(&str, &[&str])]) -> Scanner {
        let topics = defs
            .iter()
            .map(|(key, terms)| (key.to_string(), Topic::with_terms(key, false, terms)))
            .collect();
        Scanner::new(&SafetyConfig {
            topics,
            safe_messaging: crate::config::SafeMessaging::Off,
            ..SafetyConfig::default()
        })
        .unwrap_or_else(|e| panic!("{e}"))
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
        scanner(&[("t", &[term])])
            .scan(&spans(&[text]), &[])
            .topics
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
        assert!(!matches("eds", "we talked about it"));
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
            ("take {poss} own life", "took his own life"),
            ("hang {self}", "hanged herself"),
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
        assert!(!matches("drink", "drinkware"));
        assert!(!matches("drinking", "drinkingwater.org"));
    }

    #[test]
    fn multi_word_terms_match_across_whitespace() {
        assert_eq!(
            find("kill myself", "I wanted to kill\nmyself."),
            Some("kill\nmyself".into())
        );
        assert!(matches("kill myself", "kill  \t myself"));
        assert!(matches("kill myself", "kill\u{a0}myself"));
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
    fn first_mention_per_topic_in_topic_order_with_file_offsets() {
        let s = scanner(&[
            ("self-harm", &["self-harm*", "cutting"]),
            ("suicide", &["suicid*", "kill myself"]),
            ("eating", &["anorexia"]),
        ]);
        let spans = vec![
            ProseSpan::new("Nothing here.", 100),
            ProseSpan::new("Thoughts of suicide, then suicidal plans.", 200),
            ProseSpan::new("Some people self-harm. Suicide again.", 300),
        ];
        assert_eq!(
            s.scan(&spans, &[]).topics,
            vec![
                TopicMention {
                    topic: "self-harm".into(),
                    matched: "self-harm".into(),
                    offset: 300 + 12,
                    span: 2,
                },
                TopicMention {
                    topic: "suicide".into(),
                    matched: "suicide".into(),
                    offset: 200 + 12,
                    span: 1,
                },
            ]
        );
    }

    #[test]
    fn a_term_inside_a_longer_term_of_another_topic_does_not_count() {
        let s = scanner(&[
            ("substance-use", &["substance abuse"]),
            ("abuse", &["abus*"]),
        ]);
        let found = s.scan(&spans(&["substance abuse programmes"]), &[]).topics;
        let keys: Vec<_> = found.iter().map(|f| f.topic.as_str()).collect();
        assert_eq!(keys, ["substance-use"]);
        let found = s
            .scan(&spans(&["substance abuse and child abuse"]), &[])
            .topics;
        assert_eq!(found.len(), 2);
        assert_eq!(found[1].matched, "abuse");
        assert_eq!(found[1].offset, 26);
    }

    #[test]
    fn same_term_in_two_topics_counts_for_both() {
        let s = scanner(&[("suicide", &["overdose"]), ("substances", &["overdose"])]);
        let found = s.scan(&spans(&["an overdose"]), &[]).topics;
        assert_eq!(found.len(), 2);
        assert!(found.iter().all(|f| f.offset == 3));
    }

    #[test]
    fn offsets_are_bytes_after_non_ascii_text() {
        let s = scanner(&[("suicide", &["suicide"])]);
        let found = s.scan(&[ProseSpan::new("Ça va — suicide", 10)], &[]).topics;
        assert_eq!(found[0].offset, 10 + "Ça va — ".len());
    }

    #[test]
    fn allowed_spans_are_skipped() {
        let s = scanner(&[("suicide", &["suicid*"])]);
        let mut first = ProseSpan::new("suicide in an allowed block", 0);
        first.allow.push("undeclared-topic".into());
        let spans = vec![first, ProseSpan::new("later: suicidal", 50)];
        let found = s.scan(&spans, &[]).topics;
        assert_eq!(found[0].offset, 57);
        assert_eq!(found[0].matched, "suicidal");
    }

    #[test]
    fn no_topics_or_no_terms_find_nothing() {
        let s = scanner(&[]);
        assert!(s.scan(&spans(&["suicide"]), &[]).topics.is_empty());
        let s = scanner(&[("empty", &[])]);
        assert!(s.scan(&spans(&["suicide"]), &[]).topics.is_empty());
        let s = scanner(&[("suicide", &["suicide"])]);
        assert!(s.scan(&[], &[]).topics.is_empty());
        assert!(s.scan(&spans(&[""]), &[]).topics.is_empty());
    }

    #[test]
    fn bad_terms_are_reported_with_topic_and_term() {
        for (term, reason) in [
            ("", "is empty"),
            ("   ", "is empty"),
            ("*", "where it cannot go"),
            ("sui*cide", "not at the end"),
            ("[--]", "nothing at all"),
            ("{nope}", "unknown word class"),
        ] {
            let topics = [("ok", &["fine"][..]), ("suicide", &[term][..])]
                .iter()
                .map(|(key, terms)| (key.to_string(), Topic::with_terms(key, false, terms)))
                .collect();
            let err = Scanner::new(&SafetyConfig {
                topics,
                ..SafetyConfig::default()
            })
            .err()
            .unwrap_or_else(|| panic!("`{term}` should be rejected"));
            assert_eq!(err.code, "invalid-topic");
            assert!(err.is_error());
            assert!(err.message.contains("topic `suicide`"), "{}", err.message);
            assert!(
                err.message.contains(&format!("`{}`", term)),
                "{}",
                err.message
            );
            assert!(err.message.contains(reason), "{}", err.message);
        }
    }

    #[test]
    fn builtin_vocabularies_parse_and_cover_the_common_topics() {
        let builtins = builtin_topics().unwrap_or_else(|e| panic!("{e}"));
        for key in [
            "suicide",
            "self-harm",
            "substance-use",
            "abuse",
            "eating-disorders",
            "trauma",
        ] {
            let b = builtins
                .get(key)
                .unwrap_or_else(|| panic!("no built-in {key}"));
            assert!(!b.terms.is_empty() && !b.about.is_empty(), "{key}");
        }
    }

    #[test]
    fn plain_terms_leave_patterns_out() {
        let mut topic = Topic::with_terms(
            "suicide",
            true,
            &[
                "Suicid*",
                "kill myself",
                "take {poss} own life",
                "end (it | things)",
            ],
        );
        assert_eq!(plain_terms("suicide", &topic), ["suicid*", "kill myself"]);
        topic.builtin = true;
        assert!(plain_terms("suicide", &topic).len() > 2);
    }
}
