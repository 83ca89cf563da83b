//! The safety layer's text analysis: what an article's prose says, independent of Markdown.
//!
//! This module owns three pure analyses over [`ProseSpan`]s (runs of prose the caller has already
//! cut out of an article body, with code, URLs and link targets removed):
//!
//! * [`topics`] — which of the site's sensitive topics (`safety.topics`, with Haven's built-in
//!   vocabularies) the prose mentions, and where each is first mentioned;
//! * [`phrases`] — safe-messaging rules: discouraged wording such as "committed suicide",
//!   method detail, sensational or success/failure framing, each with a suggested replacement
//!   and the guidance it comes from;
//! * [`readability`] — Flesch–Kincaid grade level and Flesch reading ease.
//!
//! Topics and phrase rules are written in one small pattern language ([`pattern`]: inflections,
//! word classes, optional words, bounded gaps, numbers), matched over words and sentences
//! ([`text`]); [`rules`] compiles many terms into one pass, and [`scan`] runs a site's topics
//! and rules over an article together.
//!
//! Nothing here reads files, parses Markdown or decides what is an error for the build: callers
//! turn the results into [`crate::diagnostics::Diagnostic`]s and apply the site's policy.
//!
//! # Matching and speed
//!
//! Matching runs over every article on every build, so the rules are compiled once per
//! configuration and each span is read once: the distinctive word of every pattern goes into
//! one Aho-Corasick automaton, run over the span's ASCII-lowercased text (which keeps byte
//! offsets identical), and only where one starts a word are the span's tokens made and the
//! patterns tried around it. A site's rules written as regular expressions use ASCII word
//! boundaries, and the edges of each of their matches are re-checked against Unicode word
//! characters, so "café" style neighbours are still respected.

pub mod pattern;
pub mod phrases;
pub mod readability;
pub mod rules;
pub mod scan;
pub mod text;
pub mod topics;

#[cfg(test)]
mod builtin_tests;
#[cfg(test)]
mod golden;

/// A run of prose from an article body (code blocks, inline code, URLs and link targets already
/// excluded by the caller).
#[derive(Debug, Clone, PartialEq)]
pub struct ProseSpan {
    pub text: String,
    /// Byte offset of `text` in the source file.
    pub start: usize,
    /// Diagnostic codes suppressed for this block by `<!-- haven:allow CODE -->`.
    pub allow: Vec<String>,
}

impl ProseSpan {
    /// A span with nothing allowed.
    pub fn new(text: impl Into<String>, start: usize) -> Self {
        ProseSpan {
            text: text.into(),
            start,
            allow: Vec::new(),
        }
    }

    /// Whether `<!-- haven:allow CODE -->` suppresses `code` in this span.
    pub fn allows(&self, code: &str) -> bool {
        self.allow.iter().any(|a| a == code)
    }
}

/// Joins items as English prose: `"a"`, `"a and b"`, `"a, b, and c"` (empty → `""`).
pub fn join_natural(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [a, b] => format!("{a} and {b}"),
        [rest @ .., last] => format!("{}, and {last}", rest.join(", ")),
    }
}

/// `text` with runs of white space folded to one space, cut to about `max` characters at a
/// word boundary with `…` (for quoting a finding in a message).
pub fn excerpt(text: &str, max: usize) -> String {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.chars().count() <= max {
        return folded;
    }
    let cut: String = folded.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{cut} …")
}

/// Whether `c` counts as part of a word for boundary checks (Unicode letters, digits, `_`).
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether the match `start..end` of `text` sits on Unicode word boundaries: it neither starts
/// nor ends in the middle of a word.
///
/// The regexes only check ASCII boundaries (see the module docs); this rejects the rare match
/// that has a non-ASCII letter such as `é` right next to it.
pub(crate) fn on_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let before = text.get(..start).and_then(|s| s.chars().next_back());
    let after = text.get(end..).and_then(|s| s.chars().next());
    !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
}

/// Copies `text` into `buf`, ASCII-lowercased; byte offsets in `buf` equal those in `text`.
pub(crate) fn lowercase_into(buf: &mut String, text: &str) {
    buf.clear();
    buf.push_str(text);
    buf.make_ascii_lowercase();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_natural_uses_oxford_comma() {
        assert_eq!(join_natural(&[]), "");
        assert_eq!(join_natural(&["a"]), "a");
        assert_eq!(join_natural(&["a", "b"]), "a and b");
        assert_eq!(join_natural(&["a", "b", "c"]), "a, b, and c");
        assert_eq!(join_natural(&["a", "b", "c", "d"]), "a, b, c, and d");
    }

    #[test]
    fn excerpts_fold_space_and_cut_at_words() {
        assert_eq!(excerpt("a\n  b", 10), "a b");
        assert_eq!(excerpt("one two three four", 9), "one two …");
        assert_eq!(excerpt("ééé ééé ééé", 5), "ééé …");
    }

    #[test]
    fn span_allows_only_listed_codes() {
        let mut span = ProseSpan::new("text", 3);
        assert!(!span.allows("unsafe-phrase"));
        span.allow.push("unsafe-phrase".to_string());
        assert!(span.allows("unsafe-phrase"));
        assert!(!span.allows("unsafe"));
    }

    #[test]
    fn word_boundaries_are_unicode_aware() {
        let text = "café abuse éabuse";
        let at = |needle: &str, from: usize| {
            let i = from + text[from..].find(needle).unwrap_or(0);
            (i, i + needle.len())
        };
        let (s, e) = at("abuse", 0);
        assert!(on_word_boundaries(text, s, e));
        let (s, e) = at("abuse", e);
        assert!(!on_word_boundaries(text, s, e));
        let (s, e) = at("caf", 0);
        assert!(!on_word_boundaries(text, s, e));
        assert!(on_word_boundaries(text, 0, text.len()));
    }

    /// Deterministic pseudo-random text over characters that stress byte/char handling.
    fn odd_texts() -> Vec<String> {
        const PIECES: &[&str] = &[
            "suicide",
            "Suicid",
            "self-harm",
            " ",
            "\n",
            ".",
            "!",
            "?",
            "…",
            "’",
            "'",
            "‘",
            "-",
            "—",
            "“",
            "”",
            "é",
            "É",
            "𝔸",
            "\u{301}",
            "ß",
            "İ",
            "3",
            ",",
            "000",
            "e.g.",
            "Dr.",
            "committed",
            "alcoholic",
            "a",
            "the",
            "crazy",
            "PTSD",
            "(",
            ")",
            "*",
            "_",
            "\u{a0}",
            "kill",
            "myself",
            "don",
            "t",
            "x",
            "y",
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        (0..300)
            .map(|_| {
                let len = (state % 40) as usize;
                (0..len)
                    .map(|_| {
                        // xorshift64
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        PIECES[(state % PIECES.len() as u64) as usize]
                    })
                    .collect()
            })
            .collect()
    }

    #[test]
    fn analyses_never_panic_on_odd_text() {
        let mut topics = indexmap::IndexMap::new();
        topics.insert(
            "suicide".to_string(),
            crate::config::Topic::with_terms(
                "Suicide",
                true,
                &[
                    "suicid*",
                    "kill myself",
                    "don’t",
                    "é",
                    "take {poss} [own] life",
                ],
            ),
        );
        let mut with_builtins = crate::config::Topic::with_terms("Abuse", false, &[]);
        with_builtins.builtin = true;
        topics.insert("abuse".to_string(), with_builtins);
        let scanner = scan::Scanner::new(&crate::config::SafetyConfig {
            topics,
            ..crate::config::SafetyConfig::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let spans: Vec<ProseSpan> = odd_texts()
            .into_iter()
            .enumerate()
            .map(|(i, t)| ProseSpan::new(t, i * 200))
            .collect();
        for span in &spans {
            let one = std::slice::from_ref(span);
            let found = scanner.scan(one, &[]);
            for m in found.topics {
                let at = m.offset - span.start;
                assert_eq!(
                    span.text.get(at..at + m.matched.len()),
                    Some(m.matched.as_str())
                );
            }
            for h in found.phrases {
                let at = h.offset - span.start;
                assert_eq!(
                    span.text.get(at..at + h.matched.len()),
                    Some(h.matched.as_str())
                );
            }
            let r = readability::readability(one);
            assert!(r.grade.is_finite() && r.ease.is_finite());
            assert!(r.sentences <= r.words && (r.words == 0) == (r.sentences == 0));
        }
        let all = readability::readability(&spans);
        assert!(all.words > 0);
    }

    #[test]
    fn lowercasing_keeps_offsets() {
        let mut buf = String::new();
        lowercase_into(&mut buf, "ÉTÉ Suicide’S");
        assert_eq!(buf, "ÉtÉ suicide’s");
        assert_eq!(buf.len(), "ÉTÉ Suicide’S".len());
    }
}
