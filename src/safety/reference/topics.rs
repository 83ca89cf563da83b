//! `topics` as it was before it was made faster (see [`super`]).

use crate::config::{CONFIG_FILE, Topic};
use crate::diagnostics::Diagnostic;
use crate::safety::{ProseSpan, lowercase_into, on_word_boundaries};
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
    if !body.chars().any(crate::safety::is_word_char) {
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
