//! The safety analyses as they were before they were made faster, kept only as the equality
//! oracle of the tests below: the optimised [`super::readability`], [`super::phrases`] and
//! [`super::topics`] must give exactly what these give (readability scores bit for bit, every
//! phrase hit and topic mention with the same offsets and text, in the same order) on a wide
//! range of generated prose. Compiled in tests only.

// The copies keep their whole former API; the tests use only part of it.
#![allow(dead_code)]

pub mod phrases;
pub mod readability;
pub mod topics;

use super::ProseSpan;
use crate::config::{PhraseRule, SafetyConfig, Topic};
use indexmap::IndexMap;

/// The benchmark articles (generated prose with headings, lists, links and code).
const ARTICLES: &[&str] = &[
    include_str!("../../../benches/data/content/articles/sleep-routines-what-to-know.md"),
    include_str!(
        "../../../benches/data/content/articles/questions-about-difficult-conversations.md"
    ),
    include_str!("../../../benches/data/content/articles/trust-after-betrayal-and-work-stress.md"),
    include_str!("../../../benches/data/content/articles/what-is-safety-plans.md"),
    include_str!("../../../benches/data/content/articles/when-self-criticism-feels-familiar.md"),
];

/// Sentences the phrase rules' own tests use: hits, near misses and skips.
const PHRASE_SAMPLES: &[&str] = &[
    "He committed suicide in 2019.",
    "COMMITTED\nSUICIDE",
    "a successful suicide",
    "after a failed suicide attempt",
    "two unsuccessful suicide attempts",
    "a failed attempt to take his own life",
    "a failed attempt on her life",
    "a completed suicide",
    "after several failed attempts to quit smoking",
    "a successful recovery",
    "a suicide epidemic",
    "an epidemic of suicide",
    "skyrocketing suicide rates",
    "suicide rates have soared",
    "the opioid epidemic",
    "Suicide rates rose by 2% last year.",
    "Panic attacks can come without warning.",
    "Suicide is preventable. The storm came without warning.",
    "resources for self-harmers",
    "a self harmer",
    "She is a schizophrenic.",
    "a schizophrenic who hears voices",
    "Schizophrenics are",
    "an anorexic, she said",
    "a suicide victim",
    "victims of suicide",
    "drug addicts",
    "an addict",
    "He is an alcoholic.",
    "Many alcoholics relapse.",
    "the mentally ill",
    "a schizophrenic episode",
    "alcoholic drinks",
    "an alcoholic drink",
    "Alcoholics Anonymous meets weekly.",
    "He became addicted; addiction is treatable.",
    "people with schizophrenia",
    "It was just a cry for help.",
    "she's attention-seeking",
    "Self-harm is not attention-seeking.",
    "It isn’t just a cry for help.",
    "That's crazy.",
    "a total psycho",
    "Words like “crazy” and \"insane\" hurt.",
    "psychology and psychosis are not slang",
    "I'm so OCD about my desk",
    "the addictive cycle",
    "crazyhorse insanely psychotherapy",
    "recommitted suicideprevention",
    "https-less text about recommitment",
    "éaddict addicté",
];

/// Pieces that random texts are built from: words of every shape readability distinguishes,
/// trigger words of the phrase rules and topics, and characters that stress byte/char handling.
const PIECES: &[&str] = &[
    "suicide",
    "Suicidal",
    "SUICIDE",
    "suicidepreventionlifeline",
    "self-harm",
    "self harm",
    "selfharmers",
    "committed",
    "commit",
    "Committing",
    "unsuccessful",
    "successful",
    "succeeded",
    "failed",
    "attempt",
    "attempts",
    "to",
    "kill",
    "killing",
    "myself",
    "themselves",
    "his",
    "own",
    "life",
    "epidemic",
    "rates",
    "soared",
    "skyrocketing",
    "without",
    "warning",
    "out of the blue",
    "for no reason",
    "sudden",
    "just",
    "a",
    "cry",
    "plea",
    "for",
    "help",
    "attention-seeking",
    "not",
    "isn't",
    "isn’t",
    "schizophrenic",
    "schizophrenics",
    "who",
    "anorexic",
    "bulimic",
    "addict",
    "addicts",
    "junkie",
    "drug",
    "abuser",
    "alcoholic",
    "alcoholics",
    "Anonymous",
    "mentally",
    "ill",
    "the",
    "The",
    "suffers",
    "from",
    "afflicted",
    "with",
    "crazy",
    "insane",
    "psycho",
    "lunatic",
    "nutcase",
    "nutter",
    "loony",
    "looney",
    "maniac",
    "madman",
    "mental case",
    "schizo",
    "so",
    "OCD",
    "bipolar",
    "psychotic",
    "autistic",
    "ADHD",
    "totally",
    "kind of",
    "abuse",
    "abused",
    "abusing",
    "disabused",
    "trauma",
    "traumatic",
    "anorexia",
    "alcohol",
    "relapse",
    "relapsing",
    "panic",
    "panicking",
    "cut",
    "cutting",
    "bully",
    "bullied",
    "die",
    "dying",
    "don't",
    "don’t",
    "didn't",
    "doesn’t",
    "I'm",
    "can't",
    "won’t",
    "o'clock",
    "rock'n'roll",
    "e.g.",
    "i.e.",
    "Dr.",
    "dr.",
    "Mr.",
    "etc.",
    "Etc.",
    "al.",
    "Jan.",
    "approx.",
    "St.",
    "U.S.",
    "3.5",
    "10,000",
    "1,2",
    "2019",
    "covid-19",
    "COVID-19",
    "PTSD",
    "CBT",
    "NHS",
    "WHO",
    "Www",
    "AW",
    "X",
    "hmm",
    "nth",
    "Ü",
    "ñ",
    "naïve",
    "café",
    "Café",
    "straße",
    "İstanbul",
    "ΣΊΣΥΦΟΣ",
    "𝔸𝔹",
    "e\u{301}",
    "日本語",
    "internationalization",
    "pneumonoultramicroscopicsilicovolcanoconiosis",
    "supercalifragilisticexpialidocious",
    "antidisestablishmentarianism",
    "mindfulness",
    "someone",
    "homework",
    "lonely",
    "statement",
    "creature",
    "idea",
    "video",
    "going",
    "studying",
    "rhythm",
    "autism",
    "fatigue",
    "argued",
    "colleagues",
    "friends",
    "business",
    "table",
    "centre",
    "boxes",
    "self‐harm",
    "self‑harm",
    "well-being",
    "—",
    "–",
    "-",
    "--",
    "'",
    "’",
    "‘",
    "“",
    "”",
    "\"",
    "«",
    "»",
    "(",
    ")",
    "[",
    "]",
    "*",
    "**",
    "_",
    "…",
    "...",
    ".",
    "!",
    "?",
    "?!",
    ",",
    ";",
    ":",
    " ",
    " ",
    " ",
    "  ",
    "\n",
    "\t",
    "\u{a0}",
    "\u{2009}",
    "\u{200b}",
    "#",
    "/",
    "&",
    "%",
    "0",
    "7",
];

/// Deterministic pseudo-random generator (xorshift64), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Spans to compare on: the articles' paragraphs, the phrase samples, and random texts (some
/// with `allow` codes, some empty).
fn spans() -> Vec<ProseSpan> {
    let mut texts: Vec<String> = Vec::new();
    for article in ARTICLES {
        texts.extend(article.split("\n\n").map(str::to_string));
        texts.push((*article).to_string());
    }
    texts.extend(PHRASE_SAMPLES.iter().map(|s| s.to_string()));
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..4000 {
        let len = rng.below(60);
        let mut text = String::new();
        for _ in 0..len {
            // Mostly words separated by spaces, as prose is; sometimes glued together.
            text.push_str(PIECES[rng.below(PIECES.len())]);
            if rng.below(3) > 0 {
                text.push(' ');
            }
        }
        texts.push(text);
    }
    texts.push(String::new());
    let mut start = 0;
    texts
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let mut span = ProseSpan::new(text, start);
            start += span.text.len() + 3;
            match i % 7 {
                0 => span.allow.push("unsafe-phrase".to_string()),
                1 => span.allow.push("undeclared-topic".to_string()),
                _ => {}
            }
            span
        })
        .collect()
}

/// Consecutive groups of spans, as articles pass them.
fn articles(spans: &[ProseSpan]) -> impl Iterator<Item = &[ProseSpan]> {
    let mut rng = Rng(42);
    let mut rest = spans;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (head, tail) = rest.split_at((1 + rng.below(30)).min(rest.len()));
        rest = tail;
        Some(head)
    })
}

#[test]
fn readability_equals_reference() {
    let spans = spans();
    let check = |spans: &[ProseSpan]| {
        let new = super::readability::readability(spans);
        let old = readability::readability(spans);
        assert_eq!(
            (new.words, new.sentences, new.syllables),
            (old.words, old.sentences, old.syllables),
            "{:?}",
            spans.iter().map(|s| &s.text).collect::<Vec<_>>()
        );
        assert_eq!(new.grade.to_bits(), old.grade.to_bits());
        assert_eq!(new.ease.to_bits(), old.ease.to_bits());
    };
    for span in &spans {
        check(std::slice::from_ref(span));
    }
    for article in articles(&spans) {
        check(article);
    }
    check(&spans);
}

#[test]
fn syllables_equal_reference() {
    for piece in PIECES.iter().chain(PHRASE_SAMPLES) {
        for word in piece.split(' ') {
            assert_eq!(
                super::readability::syllables(word),
                readability::syllables(word),
                "{word:?}"
            );
        }
    }
}

fn site_phrases() -> Vec<PhraseRule> {
    let rule = |id: &str, pattern: Option<&str>, severity: Option<&str>| PhraseRule {
        id: id.to_string(),
        pattern: pattern.map(str::to_string),
        replacement: None,
        severity: severity.map(str::to_string),
        source: None,
    };
    vec![
        // A site rule (no keywords: runs on every span), a built-in with a new pattern, and a
        // built-in turned off.
        rule(
            "battling",
            Some(r"\bbattl(?:e|es|ing)\s+(?:with\s+)?depression\b"),
            None,
        ),
        rule(
            "commit-suicide",
            Some(r"\bcommit\w*\s+suicide\b"),
            Some("error"),
        ),
        rule("cry-for-help", None, Some("off")),
        rule("caps", Some(r"(?-i:PTSD)|É"), None),
    ]
}

#[test]
fn phrases_equal_reference() {
    let spans = spans();
    for phrases in [Vec::new(), site_phrases()] {
        let config = SafetyConfig {
            phrases,
            ..SafetyConfig::default()
        };
        let new = super::phrases::PhraseLinter::new(&config).unwrap_or_else(|e| panic!("{e}"));
        let old = phrases::PhraseLinter::new(&config).unwrap_or_else(|e| panic!("{e}"));
        let mut total = 0;
        for article in articles(&spans) {
            let found: Vec<_> = new
                .lint(article)
                .into_iter()
                .map(|h| {
                    let source = (h.source, h.message, h.replacement, h.severity);
                    (h.rule, h.matched, h.offset, source)
                })
                .collect();
            let expected: Vec<_> = old
                .lint(article)
                .into_iter()
                .map(|h| {
                    let source = (h.source, h.message, h.replacement, h.severity);
                    (h.rule, h.matched, h.offset, source)
                })
                .collect();
            assert_eq!(found, expected);
            total += found.len();
        }
        // The comparison means something only if the rules fire.
        assert!(total > 500, "only {total} hits");
    }
}

fn site_topics() -> IndexMap<String, Topic> {
    let topic = |terms: &[&str]| Topic {
        label: "label".to_string(),
        high_risk: false,
        terms: terms.iter().map(|t| t.to_string()).collect(),
    };
    [
        (
            "suicide",
            topic(&["suicid*", "kill myself", "take his own life"]),
        ),
        ("self-harm", topic(&["self-harm*", "self harm", "cutting"])),
        ("abuse", topic(&["abuse", "bully", "abus*"])),
        ("substance-use", topic(&["alcohol*", "addict", "drug"])),
        ("eating", topic(&["anorexi*", "bulimi*", "die"])),
        (
            "panic",
            topic(&["panic", "cut", "relapse", "don’t", "café", "İstanbul"]),
        ),
        ("trauma", topic(&["trauma*", "PTSD"])),
        ("empty", topic(&[])),
    ]
    .into_iter()
    .map(|(k, t)| (k.to_string(), t))
    .collect()
}

#[test]
fn topics_equal_reference() {
    let spans = spans();
    let config = site_topics();
    let new = super::topics::TopicMatcher::new(&config).unwrap_or_else(|e| panic!("{e}"));
    let old = topics::TopicMatcher::new(&config).unwrap_or_else(|e| panic!("{e}"));
    let mut total = 0;
    for article in articles(&spans) {
        let found: Vec<_> = new
            .first_mentions_unless_allowed(article, "undeclared-topic")
            .into_iter()
            .map(|m| (m.topic, m.matched, m.offset))
            .collect();
        let expected: Vec<_> = old
            .first_mentions_unless_allowed(article, "undeclared-topic")
            .into_iter()
            .map(|m| (m.topic, m.matched, m.offset))
            .collect();
        assert_eq!(found, expected);
        let all: Vec<_> = new.first_mentions(article);
        assert_eq!(
            all,
            old.first_mentions(article)
                .into_iter()
                .map(|m| super::topics::TopicMention {
                    topic: m.topic,
                    matched: m.matched,
                    offset: m.offset,
                })
                .collect::<Vec<_>>()
        );
        total += found.len();
    }
    assert!(total > 300, "only {total} mentions");
}

/// Times the analyses against these copies on the benchmark articles' paragraphs, A/B in one
/// process, reporting the fastest of many runs (robust on a busy machine, unlike a mean):
/// `cargo test --release --lib safety::reference::speed -- --ignored --nocapture`.
#[test]
#[ignore = "a measurement, not a test; run it in release mode"]
fn speed() {
    use std::hint::black_box;
    use std::time::{Duration, Instant};
    let spans: Vec<ProseSpan> = ARTICLES[0]
        .split("\n\n")
        .scan(0, |start, text| {
            let span = ProseSpan::new(text, *start);
            *start += text.len() + 2;
            Some(span)
        })
        .collect();
    let fastest = |f: &mut dyn FnMut()| {
        let mut best = Duration::MAX;
        for _ in 0..3000 {
            let t = Instant::now();
            f();
            best = best.min(t.elapsed());
        }
        best
    };
    let report = |name: &str, new: Duration, old: Duration| {
        let ratio = old.as_secs_f64() / new.as_secs_f64();
        eprintln!("{name:12} new {new:>10.2?}  old {old:>10.2?}  ({ratio:.1}× faster)");
    };
    let config = SafetyConfig::default();
    let (new, old) = (
        super::phrases::PhraseLinter::new(&config).unwrap_or_else(|e| panic!("{e}")),
        phrases::PhraseLinter::new(&config).unwrap_or_else(|e| panic!("{e}")),
    );
    let topic_config = site_topics();
    let (new_topics, old_topics) = (
        super::topics::TopicMatcher::new(&topic_config).unwrap_or_else(|e| panic!("{e}")),
        topics::TopicMatcher::new(&topic_config).unwrap_or_else(|e| panic!("{e}")),
    );
    for _ in 0..2 {
        report(
            "readability",
            fastest(&mut || {
                black_box(super::readability::readability(&spans));
            }),
            fastest(&mut || {
                black_box(readability::readability(&spans));
            }),
        );
        report(
            "phrases",
            fastest(&mut || drop(black_box(new.lint(&spans)))),
            fastest(&mut || drop(black_box(old.lint(&spans)))),
        );
        report(
            "topics",
            fastest(&mut || drop(black_box(new_topics.first_mentions(&spans)))),
            fastest(&mut || drop(black_box(old_topics.first_mentions(&spans)))),
        );
    }
}
