//! Regression guard for readability: its results on a wide range of generated prose (scores bit
//! for bit, syllable counts) are hashed and compared with digests recorded from the
//! straightforward implementation it replaced. A change that alters any result fails here; when a change is
//! meant to, check the new results by hand and record the new digest.

use super::ProseSpan;
use sha2::{Digest, Sha256};

/// The benchmark articles (generated prose with headings, lists, links and code).
const ARTICLES: &[&str] = &[
    include_str!("../../benches/data/content/articles/sleep-routines-what-to-know.md"),
    include_str!("../../benches/data/content/articles/questions-about-difficult-conversations.md"),
    include_str!("../../benches/data/content/articles/trust-after-betrayal-and-work-stress.md"),
    include_str!("../../benches/data/content/articles/what-is-safety-plans.md"),
    include_str!("../../benches/data/content/articles/when-self-criticism-feels-familiar.md"),
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

/// SHA-256 of the Debug text of `results`, in hex.
fn digest(results: &impl std::fmt::Debug) -> String {
    Sha256::digest(format!("{results:?}").as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Compares with the recorded digest, printing the new one when they differ.
fn assert_digest(what: &str, results: &impl std::fmt::Debug, recorded: &str) {
    let found = digest(results);
    assert_eq!(
        found, recorded,
        "the {what} results changed; if that is intended, record {found}"
    );
}

#[test]
fn readability_results_are_unchanged() {
    let spans = spans();
    let score = |spans: &[ProseSpan]| {
        let r = super::readability::readability(spans);
        (
            r.words,
            r.sentences,
            r.syllables,
            r.grade.to_bits(),
            r.ease.to_bits(),
        )
    };
    let mut results: Vec<_> = spans
        .iter()
        .map(|s| score(std::slice::from_ref(s)))
        .collect();
    results.extend(articles(&spans).map(score));
    results.push(score(&spans));
    assert_digest("readability", &results, READABILITY_DIGEST);
}

#[test]
fn syllable_counts_are_unchanged() {
    let counts: Vec<(&str, usize)> = PIECES
        .iter()
        .chain(PHRASE_SAMPLES)
        .flat_map(|piece| piece.split(' '))
        .map(|word| (word, super::readability::syllables(word)))
        .collect();
    assert_digest("syllable", &counts, SYLLABLES_DIGEST);
}

const READABILITY_DIGEST: &str = "4745356e23e4e35a1f87f617402d20c3a30c0d75f97bcf8db737dacc5d6c066c";
const SYLLABLES_DIGEST: &str = "85c82c548f0bdbb5b81c4fdb69d09ff0389bc1198197241d394167e4c1def0f8";
