//! The pattern language of topic terms and phrase rules, and matching one pattern over tokens.
//!
//! A pattern is a sequence of elements separated by spaces, matched against the words of a
//! sentence (see [`super::text`]) case-insensitively:
//!
//! | element | matches |
//! |---|---|
//! | `take` | the word and its inflections: take, takes, taking, took, taken (regular endings, a table of irregular verbs and plurals; short and function words match as written) |
//! | `=rape` | exactly the word, no inflections |
//! | `suicid*` | any word that starts with `suicid` |
//! | `{self}` | any entry of a word class: built-in (`{self}`, `{poss}`, …) or the site's own |
//! | `(jump \| leap off)` | one of the alternatives, each a sequence |
//! | `[own]` | an optional sequence |
//! | `..3` | up to three words (`..` alone: up to three); never across the end of a sentence |
//! | `#` | a number, in digits (`40`, `1,200`, `2.5`) or in words (`forty`); `#<18.5`, `#>100` and `#2-40` only in that range |
//! | `<` … `>` | the part of the match to report (the rest is context) |
//!
//! Punctuation in a pattern matches itself (the characters the language uses, such as `(` or `#`,
//! with a backslash: `\(`) (`self-harm` is three tokens: `self`, `-`, `harm`), with
//! curly and straight apostrophes and quotes alike. Quotation marks in the text between two
//! words are skipped, so `successful suicide` also finds `“successful” suicide`.
//!
//! A compiled pattern is split into [`Probe`]s, each anchored at one word that must occur in
//! every match (the rarest one it has): the rule set finds the anchors' words with one
//! Aho-Corasick pass and only then runs the matcher around them, backwards and forwards.

use super::text::{Kind, Token};
use std::collections::HashMap;

/// Word classes available to every pattern; a site's `safety.word_classes` adds to them.
pub const BUILTIN_CLASSES: &[(&str, &[&str])] = &[
    (
        "self",
        &[
            "myself",
            "yourself",
            "himself",
            "herself",
            "themselves",
            "themself",
            "ourselves",
            "yourselves",
            "oneself",
        ],
    ),
    (
        "poss",
        &["my", "your", "his", "her", "their", "our", "one's"],
    ),
    ("obj", &["me", "you", "him", "her", "them", "us"]),
    ("subj", &["i", "you", "he", "she", "they", "we"]),
    (
        "be",
        &[
            "=be", "=is", "=am", "=are", "=was", "=were", "=been", "=being", "'s", "'re", "'m",
        ],
    ),
    ("have", &["=have", "=has", "=had", "=having", "'ve", "'d"]),
    (
        "det",
        &["a", "an", "the", "this", "that", "these", "those", "{poss}"],
    ),
];

/// Letters of an anchor word an automaton looks for; a longer word becomes a prefix of them.
const LITERAL_LETTERS: usize = 5;

/// `word` as an anchor literal: `(literal, is_prefix)`.
fn cut_literal(word: &str, prefix: bool) -> (&str, bool) {
    match word.char_indices().nth(LITERAL_LETTERS) {
        Some((end, _)) => (&word[..end], true),
        None => (word, prefix),
    }
}

/// Punctuation an anchor may be, with its typographic variants (see [`super::text::fold_punct`]).
const PUNCT_VARIANTS: &[&str] = &[
    "\"", "\u{201C}", "\u{201D}", "\u{201E}", "\u{00AB}", "\u{00BB}", "'", "\u{2018}", "\u{2019}",
    "\u{02BC}", "-", "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", "\u{2015}", ":",
    ";", "!", "?", "%", "&", "/", "(", ")", "[", "]", "#", "*", "+", "=", "@", "$", "£", "€",
];

/// How many probes one pattern may expand into (alternatives without a word every branch
/// shares are tried one by one).
const MAX_PROBES: usize = 4096;
/// How deeply word classes may refer to each other.
const MAX_CLASS_DEPTH: usize = 8;

/// Words that are never inflected: pronouns, articles, prepositions, conjunctions.
const FUNCTION_WORDS: &[&str] = &[
    "can",
    "do",
    "does",
    "did",
    "will",
    "would",
    "could",
    "should",
    "may",
    "might",
    "must",
    "am",
    "go",
    "us",
    "up",
    "ok",
    "oh",
    "re",
    "e",
    "a",
    "about",
    "after",
    "all",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "been",
    "before",
    "being",
    "but",
    "by",
    "each",
    "every",
    "for",
    "from",
    "had",
    "has",
    "he",
    "her",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "me",
    "mine",
    "my",
    "myself",
    "no",
    "nor",
    "not",
    "of",
    "off",
    "on",
    "one's",
    "onto",
    "or",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "she",
    "so",
    "some",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themself",
    "themselves",
    "then",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "who",
    "whom",
    "whose",
    "why",
    "with",
    "within",
    "without",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
];

/// Irregular verbs and nouns: every form of a row matches every other. The regular -s and
/// -ing forms of the first word are added.
const IRREGULAR: &[&str] = &[
    "take took taken",
    "hang hung hanged",
    "shoot shot",
    "cut",
    "eat ate eaten",
    "overeat overate overeaten",
    "throw threw thrown",
    "make made",
    "beat beaten",
    "drink drank drunk",
    "feel felt",
    "hit",
    "hurt",
    "fight fought",
    "give gave given",
    "leave left",
    "lose lost",
    "think thought",
    "tell told",
    "find found",
    "fall fell fallen",
    "bleed bled",
    "sleep slept",
    "get got gotten",
    "go went gone goes",
    "run ran",
    "keep kept",
    "hold held",
    "buy bought",
    "put",
    "set",
    "let",
    "bring brought",
    "choose chose chosen",
    "see saw seen",
    "write wrote written",
    "speak spoke spoken",
    "break broke broken",
    "stick stuck",
    "freeze froze frozen",
    "drive drove driven",
    "rise rose risen",
    "weep wept",
    "swim swam swum",
    "sink sank sunk",
    "burn burnt burned",
    "slit",
    "shut",
    "split",
    "spend spent",
    "send sent",
    "meet met",
    "sit sat",
    "stand stood",
    "win won",
    "begin began begun",
    "become became",
    "come came",
    "know knew known",
    "grow grew grown",
    "fly flew flown",
    "forget forgot forgotten",
    "hide hid hidden",
    "bite bit bitten",
    "hear heard",
    "say said",
    "pay paid",
    "lead led",
    "wake woke woken",
    "wear wore worn",
    "tear tore torn",
    "swear swore sworn",
    "strike struck stricken",
    "deal dealt",
    "mean meant",
    "build built",
    "light lit",
    "shake shook shaken",
    "steal stole stolen",
    "feed fed",
    "withdraw withdrew withdrawn",
    "overcome overcame",
    "undergo underwent undergone",
    "do does did done doing",
    "have has had having",
    "lie lay lain lied lying lies",
    "life lives",
    "knife knives",
    "wife wives",
    "woman women",
    "man men",
    "child children",
    "person people",
    "foot feet",
    "tooth teeth",
    "half halves",
    "leaf leaves",
    "thief thieves",
    "shelf shelves",
    "mouse mice",
];

/// Number words and their values, matched by `#` like digits.
const NUMBER_WORDS: &[(&str, f64)] = &[
    ("zero", 0.0),
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("seven", 7.0),
    ("eight", 8.0),
    ("nine", 9.0),
    ("ten", 10.0),
    ("eleven", 11.0),
    ("twelve", 12.0),
    ("thirteen", 13.0),
    ("fourteen", 14.0),
    ("fifteen", 15.0),
    ("sixteen", 16.0),
    ("seventeen", 17.0),
    ("eighteen", 18.0),
    ("nineteen", 19.0),
    ("twenty", 20.0),
    ("thirty", 30.0),
    ("forty", 40.0),
    ("fifty", 50.0),
    ("sixty", 60.0),
    ("seventy", 70.0),
    ("eighty", 80.0),
    ("ninety", 90.0),
    ("hundred", 100.0),
    ("hundreds", 100.0),
    ("thousand", 1000.0),
    ("thousands", 1000.0),
    ("dozen", 12.0),
    ("dozens", 24.0),
    ("half", 0.5),
];

/// The value of a number token (`1,200`, `2.5`, `forty`), if it has one.
fn number_value(text: &str) -> Option<f64> {
    if text.starts_with(|c: char| c.is_ascii_digit()) {
        return text.replace(',', "").parse().ok();
    }
    NUMBER_WORDS
        .iter()
        .find(|(w, _)| *w == text)
        .map(|(_, v)| *v)
}

/// Words so common that they make poor anchors: frequent English words, and the most frequent
/// words of psychoeducation prose (from a generated corpus of 10,000 articles), which every
/// page of a mental-health site uses. Enough to steer the choice towards the distinctive word
/// of a pattern.
const COMMON_WORDS: &[&str] = &[
    "a",
    "able",
    "about",
    "above",
    "accept",
    "across",
    "actually",
    "add",
    "after",
    "afternoons",
    "again",
    "against",
    "ago",
    "all",
    "allow",
    "almost",
    "alone",
    "along",
    "already",
    "also",
    "although",
    "always",
    "am",
    "among",
    "an",
    "and",
    "anger",
    "angry",
    "another",
    "answer",
    "anxiety",
    "anxious",
    "any",
    "anyone",
    "anything",
    "anyway",
    "appointment",
    "are",
    "argument",
    "around",
    "article",
    "as",
    "ask",
    "asked",
    "at",
    "attention",
    "author",
    "avoid",
    "awareness",
    "away",
    "back",
    "bad",
    "balance",
    "be",
    "became",
    "because",
    "become",
    "becomes",
    "bed",
    "bedtime",
    "been",
    "before",
    "being",
    "belief",
    "best",
    "better",
    "between",
    "big",
    "body",
    "book",
    "both",
    "boundaries",
    "boundary",
    "brave",
    "break",
    "breath",
    "breathing",
    "breaths",
    "bright",
    "bring",
    "brought",
    "build",
    "burnout",
    "but",
    "by",
    "caffeine",
    "call",
    "called",
    "calm",
    "came",
    "can",
    "can't",
    "care",
    "careful",
    "carry",
    "case",
    "category",
    "cause",
    "change",
    "changes",
    "check",
    "chest",
    "child",
    "children",
    "choice",
    "choices",
    "choose",
    "class",
    "classes",
    "clear",
    "clearly",
    "clinicians",
    "close",
    "come",
    "comes",
    "comfort",
    "common",
    "compassion",
    "confidence",
    "conflict",
    "connection",
    "content",
    "conversation",
    "coping",
    "could",
    "couldn't",
    "counselor",
    "covers",
    "coworkers",
    "curious",
    "darkness",
    "date",
    "day",
    "days",
    "deadline",
    "describe",
    "description",
    "did",
    "didn't",
    "different",
    "difficult",
    "dim",
    "do",
    "doctors",
    "does",
    "doesn't",
    "doing",
    "don't",
    "done",
    "door",
    "doubt",
    "doubts",
    "down",
    "draft",
    "dream",
    "drift",
    "during",
    "each",
    "early",
    "easier",
    "easy",
    "else",
    "emotion",
    "emotions",
    "encourage",
    "end",
    "energy",
    "enough",
    "even",
    "evening",
    "ever",
    "every",
    "everyone",
    "everything",
    "exercise",
    "exhausted",
    "explain",
    "face",
    "fact",
    "false",
    "familiar",
    "family",
    "far",
    "fear",
    "fears",
    "feel",
    "feeling",
    "feelings",
    "feels",
    "felt",
    "few",
    "find",
    "fine",
    "first",
    "five",
    "focus",
    "follow",
    "food",
    "for",
    "forget",
    "four",
    "free",
    "friend",
    "friends",
    "friendship",
    "from",
    "frustration",
    "full",
    "future",
    "gave",
    "gentle",
    "gently",
    "get",
    "gets",
    "getting",
    "give",
    "given",
    "gives",
    "giving",
    "go",
    "goal",
    "goals",
    "goes",
    "going",
    "gone",
    "good",
    "got",
    "gradually",
    "grateful",
    "gratitude",
    "great",
    "grief",
    "group",
    "groups",
    "growth",
    "guide",
    "guilt",
    "habit",
    "habits",
    "had",
    "hand",
    "handle",
    "hands",
    "happen",
    "happened",
    "hard",
    "has",
    "have",
    "having",
    "he",
    "head",
    "headache",
    "healing",
    "healthy",
    "hear",
    "heard",
    "heart",
    "heartbeat",
    "heavy",
    "help",
    "helpful",
    "helps",
    "her",
    "here",
    "high",
    "him",
    "himself",
    "his",
    "holiday",
    "home",
    "honest",
    "honestly",
    "hope",
    "hopeful",
    "hour",
    "hours",
    "house",
    "how",
    "i",
    "idea",
    "ideas",
    "if",
    "important",
    "in",
    "inside",
    "into",
    "is",
    "isn't",
    "it",
    "its",
    "itself",
    "jaw",
    "journal",
    "joy",
    "just",
    "keep",
    "kind",
    "kindly",
    "kindness",
    "knew",
    "know",
    "last",
    "late",
    "later",
    "learn",
    "least",
    "leave",
    "left",
    "less",
    "let",
    "lets",
    "letters",
    "life",
    "light",
    "like",
    "likely",
    "limits",
    "line",
    "list",
    "listen",
    "listening",
    "little",
    "live",
    "lives",
    "living",
    "loneliness",
    "lonely",
    "long",
    "look",
    "looked",
    "looking",
    "loss",
    "lot",
    "lots",
    "loud",
    "love",
    "low",
    "made",
    "main",
    "make",
    "making",
    "manage",
    "many",
    "matter",
    "may",
    "maybe",
    "me",
    "meal",
    "meals",
    "mean",
    "means",
    "meet",
    "memory",
    "messages",
    "might",
    "mind",
    "mindfulness",
    "minute",
    "minutes",
    "moment",
    "money",
    "month",
    "months",
    "mood",
    "more",
    "morning",
    "mornings",
    "most",
    "move",
    "movement",
    "much",
    "muscle",
    "music",
    "must",
    "my",
    "myself",
    "name",
    "nap",
    "nature",
    "near",
    "nearby",
    "nearly",
    "need",
    "needs",
    "neighbors",
    "nervous",
    "never",
    "new",
    "next",
    "nice",
    "night",
    "nights",
    "no",
    "noise",
    "normal",
    "not",
    "notebook",
    "nothing",
    "notice",
    "noticing",
    "now",
    "number",
    "nurses",
    "of",
    "off",
    "often",
    "old",
    "on",
    "once",
    "one",
    "only",
    "open",
    "or",
    "other",
    "others",
    "our",
    "ours",
    "out",
    "outside",
    "over",
    "overwhelm",
    "own",
    "panic",
    "parent",
    "parenting",
    "parents",
    "part",
    "partner",
    "partners",
    "past",
    "patience",
    "patient",
    "pattern",
    "pause",
    "pay",
    "people",
    "perhaps",
    "person",
    "phone",
    "pillow",
    "place",
    "plan",
    "plans",
    "play",
    "point",
    "possible",
    "practice",
    "prepare",
    "present",
    "pressure",
    "progress",
    "protect",
    "put",
    "question",
    "questions",
    "quick",
    "quiet",
    "quietly",
    "quite",
    "rather",
    "reach",
    "react",
    "read",
    "real",
    "really",
    "reason",
    "reassure",
    "recovery",
    "related",
    "relationship",
    "relaxation",
    "relaxed",
    "release",
    "remember",
    "reminders",
    "resilience",
    "respond",
    "rest",
    "restless",
    "return",
    "reviewed",
    "right",
    "room",
    "routine",
    "routines",
    "run",
    "sad",
    "sadness",
    "safe",
    "safety",
    "said",
    "same",
    "say",
    "says",
    "schedule",
    "school",
    "screen",
    "season",
    "seasons",
    "second",
    "see",
    "seem",
    "seems",
    "self",
    "sense",
    "session",
    "set",
    "setback",
    "settle",
    "shame",
    "share",
    "she",
    "she's",
    "short",
    "should",
    "shoulder",
    "shoulders",
    "show",
    "sibling",
    "side",
    "signal",
    "signals",
    "simple",
    "since",
    "six",
    "skill",
    "skills",
    "sleep",
    "slow",
    "slowly",
    "small",
    "so",
    "soft",
    "soften",
    "some",
    "someone",
    "something",
    "sometimes",
    "soon",
    "sort",
    "sound",
    "sounds",
    "space",
    "start",
    "started",
    "stay",
    "steady",
    "step",
    "steps",
    "still",
    "stomach",
    "stop",
    "stories",
    "story",
    "strength",
    "stress",
    "stretch",
    "such",
    "sunlight",
    "support",
    "supported",
    "sure",
    "symptom",
    "tags",
    "take",
    "talk",
    "talking",
    "teachers",
    "tell",
    "ten",
    "tender",
    "tense",
    "tension",
    "than",
    "thank",
    "that",
    "that's",
    "the",
    "their",
    "them",
    "themselves",
    "then",
    "therapist",
    "therapy",
    "there",
    "there's",
    "these",
    "they",
    "they're",
    "thing",
    "things",
    "think",
    "thinking",
    "this",
    "those",
    "though",
    "thought",
    "thoughtful",
    "thoughts",
    "three",
    "through",
    "time",
    "tired",
    "title",
    "to",
    "today",
    "together",
    "told",
    "tomorrow",
    "tonight",
    "too",
    "took",
    "top",
    "toward",
    "towards",
    "treatment",
    "tried",
    "trigger",
    "true",
    "trust",
    "try",
    "trying",
    "turn",
    "two",
    "under",
    "understand",
    "understanding",
    "understood",
    "until",
    "up",
    "updated",
    "upon",
    "us",
    "use",
    "used",
    "useful",
    "using",
    "usually",
    "values",
    "very",
    "wait",
    "wake",
    "walk",
    "walks",
    "wander",
    "want",
    "wanted",
    "wants",
    "warm",
    "warnings",
    "was",
    "watch",
    "water",
    "way",
    "ways",
    "we",
    "week",
    "weekend",
    "weeks",
    "well",
    "were",
    "what",
    "what's",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whole",
    "why",
    "will",
    "wish",
    "with",
    "without",
    "won't",
    "word",
    "words",
    "work",
    "world",
    "worried",
    "worries",
    "worry",
    "worse",
    "would",
    "write",
    "wrong",
    "year",
    "years",
    "yes",
    "yet",
    "you",
    "your",
    "yourself",
];

/// One element of a compiled pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum Elem {
    Tok(TokSpec),
    Alt(Vec<Vec<Elem>>),
    Opt(Vec<Elem>),
    Gap(usize),
    /// `<` (true) or `>` (false): where the reported part starts or ends.
    Mark(bool),
}

/// The tokens one position of a pattern accepts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TokSpec {
    /// Whole words, lowercase, sorted.
    pub forms: Vec<Box<str>>,
    /// Word beginnings (`suicid*`), lowercase.
    pub prefixes: Vec<Box<str>>,
    /// A number in digits or words (`#`).
    pub number: bool,
    /// The range a number must be in (`#<18.5`, `#>100`, `#2-40`), inclusive.
    pub range: Option<(f64, f64)>,
    /// A punctuation character (folded).
    pub punct: Option<char>,
}

impl TokSpec {
    fn word(forms: Vec<String>) -> TokSpec {
        let mut t = TokSpec {
            forms: forms.into_iter().map(String::into_boxed_str).collect(),
            ..TokSpec::default()
        };
        t.normalise();
        t
    }

    fn normalise(&mut self) {
        self.forms.sort_unstable();
        self.forms.dedup();
        self.prefixes.sort_unstable();
        self.prefixes.dedup();
    }

    fn merge(&mut self, other: TokSpec) -> bool {
        if self.punct.is_some() || other.punct.is_some() {
            return false;
        }
        self.forms.extend(other.forms);
        self.prefixes.extend(other.prefixes);
        if self.number && other.number && self.range != other.range {
            return false;
        }
        self.number |= other.number;
        self.range = self.range.or(other.range);
        self.normalise();
        true
    }

    /// Whether `token` (whose text in the lowercased span is `text`) is one this spec accepts.
    pub fn accepts(&self, token: &Token, text: &str) -> bool {
        match token.kind {
            Kind::Punct(c) => self.punct == Some(c),
            Kind::Number => (self.number && self.in_range(text)) || self.has_form(text),
            Kind::Word => {
                if text.is_ascii() {
                    self.word_matches(text)
                } else {
                    self.word_matches(&text.to_lowercase())
                }
            }
        }
    }

    fn word_matches(&self, word: &str) -> bool {
        self.has_form(word)
            || self.has_prefix_of(word)
            || (self.number && NUMBER_WORDS.iter().any(|(w, _)| *w == word) && self.in_range(word))
    }

    fn in_range(&self, text: &str) -> bool {
        match self.range {
            None => true,
            Some((low, high)) => number_value(text).is_some_and(|v| low <= v && v <= high),
        }
    }

    /// Whether one of the (sorted) prefixes starts `word`: every prefix of `word` sorts at or
    /// before it, so the search walks back from there while the first letter is the same.
    fn has_prefix_of(&self, word: &str) -> bool {
        let end = self.prefixes.partition_point(|p| **p <= *word);
        let first = word.as_bytes().first();
        self.prefixes[..end]
            .iter()
            .rev()
            .take_while(|p| p.as_bytes().first() == first)
            .any(|p| word.starts_with(&**p))
    }

    fn has_form(&self, word: &str) -> bool {
        self.forms.binary_search_by(|f| (**f).cmp(word)).is_ok()
    }

    /// Whether this spec names words (or a punctuation mark) an anchor can look for.
    fn has_literals(&self) -> bool {
        self.punct.is_some() || !self.forms.is_empty() || !self.prefixes.is_empty()
    }

    /// How often the spec's words can be expected in prose (lower is rarer): steers the choice
    /// of anchor.
    fn cost(&self) -> usize {
        // Rough frequencies: function words are in every sentence, common words in most
        // paragraphs, short words and short prefixes inside many words.
        let word_cost = |w: &str, prefix: bool| -> usize {
            if FUNCTION_WORDS.contains(&w) || CONTRACTION_ENDS.contains(&w) {
                10_000
            } else if w.len() <= 2 && w.bytes().all(|b| b.is_ascii_digit()) {
                3_000
            } else if w.len() <= 2 {
                // Abbreviations such as "kg" or "mm" are distinctive enough.
                50
            } else if COMMON_WORDS.binary_search(&w).is_ok() {
                300
            } else {
                match w.len() {
                    3 if prefix => 100,
                    3 => 20,
                    4 if prefix => 20,
                    _ => 1,
                }
            }
        };
        if self.punct.is_some() {
            // Quotation marks and the like: found often, but a pattern of punctuation alone
            // must still have an anchor.
            return 5_000;
        }
        self.forms
            .iter()
            .map(|f| word_cost(f, false))
            .sum::<usize>()
            + self
                .prefixes
                .iter()
                .map(|p| word_cost(p, true))
                .sum::<usize>()
            + if self.number { 50_000 } else { 0 }
    }
}

/// What follows the apostrophe of a contraction: "it's", "don't", "I'm", "we're".
const CONTRACTION_ENDS: &[&str] = &["s", "t", "m", "re", "ve", "d", "ll"];

/// A pattern ready to match around one anchor word.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    pub elems: Vec<Elem>,
    /// Index in `elems` of the [`Elem::Tok`] whose words are looked for first.
    pub anchor: usize,
}

impl Probe {
    /// How common the anchor's words are (lower is rarer), to choose which set of a term to
    /// look for first.
    pub fn anchor_cost(&self) -> usize {
        match &self.elems[self.anchor] {
            Elem::Tok(spec) => spec.cost(),
            _ => usize::MAX / 1024,
        }
    }

    /// The anchor's words: `(literal, is_prefix)`. A punctuation mark comes with every
    /// character that folds to it (`"` with `“`, `”`, …).
    pub fn anchor_literals(&self) -> Vec<(&str, bool)> {
        let Elem::Tok(spec) = &self.elems[self.anchor] else {
            return Vec::new();
        };
        if let Some(c) = spec.punct {
            return PUNCT_VARIANTS
                .iter()
                .filter(|v| v.chars().next().map(super::text::fold_punct) == Some(c))
                .map(|v| (*v, false))
                .collect();
        }
        // Literals are cut to their first few letters, so the inflections of a word share one
        // ("kill" for kills, killed, killing): the automaton stays small, and the anchor word
        // is checked against the pattern itself before anything else is tried.
        let mut out: Vec<(&str, bool)> = spec
            .forms
            .iter()
            .map(|f| cut_literal(f, false))
            .chain(spec.prefixes.iter().map(|p| cut_literal(p, true)))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Whether the token at `at` is one the anchor accepts (its literal only said it starts
    /// so).
    pub fn anchor_accepts(&self, tokens: &Tokens<'_>, at: usize) -> bool {
        match &self.elems[self.anchor] {
            Elem::Tok(spec) => spec.accepts(&tokens.list[at], tokens.text(at)),
            _ => false,
        }
    }

    /// The match around the anchor at token `at`, if any: `(first token, end token)` of the
    /// whole match and of the part to report (`<` … `>`, else the whole match). The leftmost
    /// start and the longest end win.
    pub fn match_at(&self, tokens: &Tokens<'_>, at: usize) -> Option<Match> {
        let mut after = Vec::with_capacity(4);
        advance(
            &self.elems[self.anchor + 1..],
            tokens,
            &[at + 1],
            Dir::Forward,
            &mut after,
        );
        let end = *after.iter().max()?;
        let mut before = Vec::with_capacity(4);
        advance(
            &self.elems[..self.anchor],
            tokens,
            &[at],
            Dir::Backward,
            &mut before,
        );
        let start = *before.iter().min()?;
        let (report_start, report_end) = self.reported(tokens, start, end);
        Some(Match {
            start,
            end,
            report_start,
            report_end,
        })
    }

    /// The reported part of the match `start..end`.
    fn reported(&self, tokens: &Tokens<'_>, start: usize, end: usize) -> (usize, usize) {
        let open = self.elems.iter().position(|e| *e == Elem::Mark(true));
        let close = self.elems.iter().position(|e| *e == Elem::Mark(false));
        if open.is_none() && close.is_none() {
            return (start, end);
        }
        let open = open.unwrap_or(0);
        let close = close.unwrap_or(self.elems.len()).max(open);
        let mut starts = Vec::new();
        advance(
            &self.elems[..open],
            tokens,
            &[start],
            Dir::Forward,
            &mut starts,
        );
        let mut best: Option<(usize, usize)> = None;
        for &a in &starts {
            let mut ends = Vec::new();
            advance(
                &self.elems[open..close],
                tokens,
                &[a],
                Dir::Forward,
                &mut ends,
            );
            for &c in &ends {
                let mut rest = Vec::new();
                advance(&self.elems[close..], tokens, &[c], Dir::Forward, &mut rest);
                if rest.contains(&end) {
                    best = Some(match best {
                        Some((s, e)) if s < a || (s == a && e >= c) => (s, e),
                        _ => (a, c),
                    });
                }
            }
        }
        best.filter(|(a, c)| a < c).unwrap_or((start, end))
    }
}

/// Token positions of a match (token indices; ends exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Match {
    pub start: usize,
    pub end: usize,
    pub report_start: usize,
    pub report_end: usize,
}

/// The tokens of a span with the lowercased text they index.
pub struct Tokens<'a> {
    pub list: &'a [Token],
    pub lower: &'a str,
}

impl Tokens<'_> {
    fn text(&self, i: usize) -> &str {
        let t = &self.list[i];
        &self.lower[t.start..t.end]
    }

    /// A quotation mark that the matcher steps over between words (an apostrophe inside a word,
    /// as in "don't", is not one).
    fn is_skippable_quote(&self, i: usize) -> bool {
        match self.list[i].kind {
            Kind::Punct('"') => true,
            Kind::Punct('\'') => {
                let inside = i > 0
                    && i + 1 < self.list.len()
                    && self.list[i - 1].end == self.list[i].start
                    && self.list[i].end == self.list[i + 1].start
                    && self.list[i - 1].is_wordlike()
                    && self.list[i + 1].is_wordlike();
                !inside
            }
            _ => false,
        }
    }

    fn is_terminator(&self, i: usize) -> bool {
        matches!(self.list[i].kind, Kind::Punct('.' | '!' | '?' | '…' | ';'))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dir {
    Forward,
    Backward,
}

/// All positions reachable from `from` by matching `elems` in direction `dir`, into `out`
/// (sorted, without duplicates). A position is a boundary between tokens: going forward, the
/// next token is the one at the position; going backward, the one before it.
fn advance(elems: &[Elem], tokens: &Tokens<'_>, from: &[usize], dir: Dir, out: &mut Vec<usize>) {
    out.clear();
    out.extend_from_slice(from);
    let mut next = Vec::with_capacity(4);
    let step = |elem: &Elem, current: &mut Vec<usize>, next: &mut Vec<usize>| {
        next.clear();
        for &p in current.iter() {
            step_elem(elem, tokens, p, dir, next);
        }
        next.sort_unstable();
        next.dedup();
        std::mem::swap(current, next);
    };
    match dir {
        Dir::Forward => {
            for e in elems {
                step(e, out, &mut next);
                if out.is_empty() {
                    return;
                }
            }
        }
        Dir::Backward => {
            for e in elems.iter().rev() {
                step(e, out, &mut next);
                if out.is_empty() {
                    return;
                }
            }
        }
    }
}

/// The positions reachable from `p` by matching one element.
fn step_elem(elem: &Elem, tokens: &Tokens<'_>, p: usize, dir: Dir, out: &mut Vec<usize>) {
    let n = tokens.list.len();
    match elem {
        Elem::Mark(_) => out.push(p),
        Elem::Tok(spec) => {
            // Step over quotation marks, unless the pattern asks for one.
            let mut p = p;
            loop {
                let i = match dir {
                    Dir::Forward if p < n => p,
                    Dir::Backward if p > 0 => p - 1,
                    _ => return,
                };
                if spec.accepts(&tokens.list[i], tokens.text(i)) {
                    out.push(if dir == Dir::Forward { p + 1 } else { p - 1 });
                    return;
                }
                if !tokens.is_skippable_quote(i) {
                    return;
                }
                p = if dir == Dir::Forward { p + 1 } else { p - 1 };
            }
        }
        Elem::Alt(branches) => {
            let mut ends = Vec::new();
            for b in branches {
                advance(b, tokens, &[p], dir, &mut ends);
                out.extend_from_slice(&ends);
            }
        }
        Elem::Opt(seq) => {
            out.push(p);
            let mut ends = Vec::new();
            advance(seq, tokens, &[p], dir, &mut ends);
            out.extend_from_slice(&ends);
        }
        Elem::Gap(max) => {
            out.push(p);
            let mut words = 0;
            let mut q = p;
            loop {
                let i = match dir {
                    Dir::Forward if q < n => q,
                    Dir::Backward if q > 0 => q - 1,
                    _ => return,
                };
                if tokens.is_terminator(i) {
                    return;
                }
                if tokens.list[i].is_wordlike() {
                    words += 1;
                    if words > *max {
                        return;
                    }
                }
                q = if dir == Dir::Forward { q + 1 } else { q - 1 };
                out.push(q);
            }
        }
    }
}

/// Word classes by name, each a list of patterns.
#[derive(Debug, Clone, Default)]
pub struct Classes {
    map: HashMap<String, Vec<String>>,
}

impl Classes {
    /// The built-in classes plus `extra` (entries of a class with a built-in name are added to
    /// it).
    pub fn new<'a>(extra: impl IntoIterator<Item = (&'a str, &'a [String])>) -> Classes {
        let mut map: HashMap<String, Vec<String>> = BUILTIN_CLASSES
            .iter()
            .map(|(name, entries)| {
                (
                    (*name).to_string(),
                    entries.iter().map(|e| (*e).to_string()).collect(),
                )
            })
            .collect();
        for (name, entries) in extra {
            map.entry(name.to_string())
                .or_default()
                .extend(entries.iter().cloned());
        }
        Classes { map }
    }

    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(String::as_str)
    }
}

/// Compiles `pattern` into probes, or says why it cannot be used.
pub fn compile(pattern: &str, classes: &Classes) -> Result<Vec<Probe>, String> {
    let elems = parse(pattern, classes, 0)?;
    if elems.is_empty() {
        return Err("is empty".to_string());
    }
    let marks: Vec<&Elem> = elems
        .iter()
        .filter(|e| matches!(e, Elem::Mark(_)))
        .collect();
    match marks.as_slice() {
        [] | [Elem::Mark(true)] | [Elem::Mark(false)] | [Elem::Mark(true), Elem::Mark(false)] => {}
        _ => return Err("has `<` and `>` out of order or more than once".to_string()),
    }
    if can_match_empty(&elems) {
        return Err("can match nothing at all (every part is optional)".to_string());
    }
    let mut probes = Vec::new();
    distribute(elems, &mut probes)?;
    Ok(probes)
}

fn can_match_empty(elems: &[Elem]) -> bool {
    elems.iter().all(|e| match e {
        Elem::Tok(_) => false,
        Elem::Alt(branches) => branches.iter().any(|b| can_match_empty(b)),
        Elem::Opt(_) | Elem::Gap(_) | Elem::Mark(_) => true,
    })
}

/// Splits the pattern at alternatives until each piece has a word to anchor on.
fn distribute(elems: Vec<Elem>, out: &mut Vec<Probe>) -> Result<(), String> {
    let best = elems
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match e {
            Elem::Tok(spec) if spec.has_literals() => Some((spec.cost(), i)),
            _ => None,
        })
        .min();
    // An alternative whose branches each have a rarer word than the best one outside it is
    // worth splitting: "(weedkiller | weed killer) {subj} drank" is better anchored on
    // "weedkiller" and "weed" than on "he", "she", "they".
    let split = elems
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match e {
            Elem::Alt(branches) => Some((alternative_cost(branches), i)),
            _ => None,
        })
        .min()
        .filter(|(cost, _)| best.is_none_or(|(best, _)| *cost < best));
    if let (Some((_, anchor)), None) = (best, split) {
        if out.len() >= MAX_PROBES {
            return Err(format!(
                "has too many alternatives without a shared word (more than {MAX_PROBES} combinations)"
            ));
        }
        out.push(Probe { elems, anchor });
        return Ok(());
    }
    let Some(i) = split
        .map(|(_, i)| i)
        .or_else(|| elems.iter().position(|e| matches!(e, Elem::Alt(_))))
    else {
        return Err(
            "has no word that every match contains (a pattern needs at least one word outside `[…]`)"
                .to_string(),
        );
    };
    let Elem::Alt(branches) = &elems[i] else {
        unreachable!("position found an alternative")
    };
    for b in branches {
        let mut variant = Vec::with_capacity(elems.len() + b.len());
        variant.extend_from_slice(&elems[..i]);
        variant.extend(b.iter().cloned());
        variant.extend_from_slice(&elems[i + 1..]);
        if can_match_empty(&variant) {
            continue;
        }
        distribute(variant, out)?;
    }
    Ok(())
}

/// What anchoring each branch of an alternative on its own best word would cost, all told
/// (a branch without such a word makes the alternative a poor choice).
fn alternative_cost(branches: &[Vec<Elem>]) -> usize {
    branches
        .iter()
        .map(|b| {
            b.iter()
                .filter_map(|e| match e {
                    Elem::Tok(spec) if spec.has_literals() => Some(spec.cost()),
                    _ => None,
                })
                .min()
                .unwrap_or(usize::MAX / 1024)
        })
        .fold(0usize, usize::saturating_add)
}

/// The range of `#<N`, `#>N` or `#N-M` from the text after `#` (none for a plain `#`).
fn number_range(bound: &str) -> Result<Option<(f64, f64)>, String> {
    if bound.is_empty() {
        return Ok(None);
    }
    let bad = || format!("has `#{bound}`; a number range is `#<N`, `#>N` or `#N-M`");
    let num = |s: &str| s.parse::<f64>().map_err(|_| bad());
    let range = if let Some(n) = bound.strip_prefix('<') {
        (f64::NEG_INFINITY, num(n)?)
    } else if let Some(n) = bound.strip_prefix('>') {
        (num(n)?, f64::INFINITY)
    } else {
        let (low, high) = bound.split_once('-').ok_or_else(bad)?;
        (num(low)?, num(high)?)
    };
    if range.0 > range.1 {
        return Err(bad());
    }
    Ok(Some(range))
}

/// The words a pattern element stands for, before inflection.
#[derive(Debug)]
enum Lexeme {
    Word {
        text: String,
        exact: bool,
        prefix: bool,
    },
    Number(Option<(f64, f64)>),
    Punct(char),
    Class(String),
    Open(char),
    Close(char),
    Bar,
    Gap(usize),
    Mark(bool),
}

fn lex(pattern: &str) -> Result<Vec<Lexeme>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = pattern.chars().collect();
    let mut i = 0;
    let mut exact = false;
    while i < chars.len() {
        let c = chars[i];
        if c != '=' && exact && !super::is_word_char(c) {
            return Err("has `=` that is not followed by a word".to_string());
        }
        match c {
            c if c.is_whitespace() => i += 1,
            '=' => {
                exact = true;
                i += 1;
            }
            '\\' => {
                // `\(`, `\|`, `\#` …: the character itself, as punctuation.
                let c = chars.get(i + 1).ok_or("ends with `\\`")?;
                if super::is_word_char(*c) || c.is_whitespace() {
                    return Err(format!("has `\\{c}`; only punctuation is escaped"));
                }
                out.push(Lexeme::Punct(super::text::fold_punct(*c)));
                i += 2;
            }
            '(' | '[' => {
                out.push(Lexeme::Open(c));
                i += 1;
            }
            ')' | ']' => {
                out.push(Lexeme::Close(c));
                i += 1;
                // `(a)?` and `(a)+` read like regular expressions but would look for a `?` or
                // `+` in the text.
                if let Some(&next) = chars.get(i)
                    && matches!(next, '?' | '+' | '*')
                {
                    return Err(format!(
                        "has `{c}{next}`; write optional words as `[word]` (patterns are not regular expressions)"
                    ));
                }
            }
            '|' => {
                out.push(Lexeme::Bar);
                i += 1;
            }
            '<' | '>' => {
                out.push(Lexeme::Mark(c == '<'));
                i += 1;
            }
            '#' => {
                i += 1;
                let bound: String = chars[i..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit() || matches!(c, '<' | '>' | '.' | '-'))
                    .collect();
                i += bound.len();
                out.push(Lexeme::Number(number_range(&bound)?));
            }
            '{' => {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c == '}')
                    .ok_or("has `{` without a closing `}`")?;
                let name: String = chars[i + 1..i + end].iter().collect();
                let name = name.trim();
                if name.is_empty() {
                    return Err("has an empty word class `{}`".to_string());
                }
                out.push(Lexeme::Class(name.to_string()));
                i += end + 1;
            }
            '.' if chars.get(i + 1) == Some(&'.') => {
                let digits: String = chars[i + 2..]
                    .iter()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                let max = if digits.is_empty() {
                    3
                } else {
                    digits
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=20).contains(n))
                        .ok_or("has a gap `..N` whose N is not between 1 and 20")?
                };
                out.push(Lexeme::Gap(max));
                i += 2 + digits.len();
            }
            '*' | '}' => return Err(format!("has a `{c}` where it cannot go")),
            c if super::is_word_char(c) => {
                let start = i;
                while i < chars.len() && super::is_word_char(chars[i]) {
                    i += 1;
                }
                let run: String = chars[start..i].iter().collect::<String>().to_lowercase();
                let prefix = chars.get(i) == Some(&'*');
                if prefix {
                    i += 1;
                    if chars.get(i).is_some_and(|&c| super::is_word_char(c)) {
                        return Err("has a `*` that is not at the end of a word".to_string());
                    }
                }
                // The run splits as text does ("40kg" → "40", "kg").
                let mut toks = Vec::new();
                super::text::tokenize_into(&run, &mut toks);
                let last = toks.len().saturating_sub(1);
                for (k, t) in toks.iter().enumerate() {
                    out.push(Lexeme::Word {
                        text: run[t.start..t.end].to_string(),
                        exact,
                        prefix: prefix && k == last,
                    });
                }
                exact = false;
            }
            c => {
                out.push(Lexeme::Punct(super::text::fold_punct(c)));
                i += 1;
            }
        }
    }
    if exact {
        return Err("ends with `=`".to_string());
    }
    Ok(out)
}

fn parse(pattern: &str, classes: &Classes, depth: usize) -> Result<Vec<Elem>, String> {
    let lexemes = lex(pattern)?;
    let mut pos = 0;
    let seq = parse_seq(&lexemes, &mut pos, classes, depth, None)?;
    if pos < lexemes.len() {
        return Err("has a closing bracket without an opening one".to_string());
    }
    Ok(seq)
}

/// Parses a sequence up to `closing` (or the end), leaving `pos` after it.
fn parse_seq(
    lexemes: &[Lexeme],
    pos: &mut usize,
    classes: &Classes,
    depth: usize,
    closing: Option<char>,
) -> Result<Vec<Elem>, String> {
    let mut seq = Vec::new();
    let mut after_apostrophe = false;
    while let Some(lexeme) = lexemes.get(*pos) {
        *pos += 1;
        let was_after_apostrophe = std::mem::take(&mut after_apostrophe);
        match lexeme {
            Lexeme::Word {
                text,
                exact,
                prefix,
            } => {
                let spec = if *prefix {
                    TokSpec {
                        prefixes: vec![text.clone().into_boxed_str()],
                        ..TokSpec::default()
                    }
                } else if *exact || was_after_apostrophe {
                    TokSpec::word(vec![text.clone()])
                } else {
                    TokSpec::word(inflections(text))
                };
                seq.push(Elem::Tok(spec));
            }
            Lexeme::Number(range) => seq.push(Elem::Tok(TokSpec {
                number: true,
                range: *range,
                ..TokSpec::default()
            })),
            Lexeme::Punct(c) => {
                after_apostrophe = *c == '\'';
                seq.push(Elem::Tok(TokSpec {
                    punct: Some(*c),
                    ..TokSpec::default()
                }));
            }
            Lexeme::Class(name) => seq.push(class_elem(name, classes, depth)?),
            Lexeme::Gap(n) => seq.push(Elem::Gap(*n)),
            Lexeme::Mark(open) => {
                if closing.is_some() || depth > 0 {
                    return Err("has `<` or `>` inside brackets or a word class".to_string());
                }
                seq.push(Elem::Mark(*open));
            }
            Lexeme::Open(open) => {
                let close = if *open == '[' { ']' } else { ')' };
                let mut branches = vec![parse_seq(lexemes, pos, classes, depth, Some(close))?];
                while matches!(lexemes.get(*pos - 1), Some(Lexeme::Bar)) {
                    branches.push(parse_seq(lexemes, pos, classes, depth, Some(close))?);
                }
                if branches.iter().any(Vec::is_empty) {
                    return Err(format!("has an empty alternative in `{open} … {close}`"));
                }
                seq.push(match (open, branches.len()) {
                    ('[', 1) => Elem::Opt(branches.pop().unwrap_or_default()),
                    ('[', _) => Elem::Opt(vec![alternatives(branches)]),
                    _ => alternatives(branches),
                });
            }
            Lexeme::Bar => {
                return if closing.is_some() {
                    Ok(seq)
                } else {
                    Err("has `|` outside `( … )` or `[ … ]`".to_string())
                };
            }
            Lexeme::Close(c) => {
                return match closing {
                    Some(wanted) if *c == wanted => Ok(seq),
                    Some(wanted) => Err(format!("has `{c}` where `{wanted}` was expected")),
                    None => Err(format!("has `{c}` without an opening bracket")),
                };
            }
        }
    }
    match closing {
        None => Ok(seq),
        Some(c) => Err(format!("has an opening bracket without a closing `{c}`")),
    }
}

/// One element for a set of alternatives: a single word position when every branch is one.
fn alternatives(branches: Vec<Vec<Elem>>) -> Elem {
    if branches
        .iter()
        .all(|b| matches!(b.as_slice(), [Elem::Tok(t)] if t.punct.is_none()))
    {
        let mut merged = TokSpec::default();
        for b in branches {
            if let Some(Elem::Tok(t)) = b.into_iter().next() {
                merged.merge(t);
            }
        }
        return Elem::Tok(merged);
    }
    Elem::Alt(branches)
}

fn class_elem(name: &str, classes: &Classes, depth: usize) -> Result<Elem, String> {
    if depth >= MAX_CLASS_DEPTH {
        return Err(format!(
            "uses word class `{{{name}}}` nested more than {MAX_CLASS_DEPTH} deep (does a class refer to itself?)"
        ));
    }
    let Some(entries) = classes.map.get(name) else {
        let known: Vec<String> = classes.names().map(str::to_string).collect();
        let hint = match crate::yaml::closest(name, &known) {
            Some(near) => format!(" (did you mean `{{{near}}}`?)"),
            None => String::new(),
        };
        return Err(format!("uses the unknown word class `{{{name}}}`{hint}"));
    };
    let mut branches = Vec::with_capacity(entries.len());
    for entry in entries {
        let seq = parse(entry, classes, depth + 1)
            .map_err(|e| format!("uses word class `{{{name}}}`, whose entry `{entry}` {e}"))?;
        if !seq.is_empty() {
            branches.push(seq);
        }
    }
    if branches.is_empty() {
        return Err(format!("uses the empty word class `{{{name}}}`"));
    }
    Ok(alternatives(branches))
}

/// A word with the endings English gives it: regular endings, irregular forms from the table,
/// and -ise/-ize spellings. Function words and words of one or two letters stay as they are.
pub fn inflections(word: &str) -> Vec<String> {
    let word = word.to_lowercase();
    if word.chars().count() <= 2
        || FUNCTION_WORDS.contains(&word.as_str())
        || !word.chars().all(char::is_alphabetic)
    {
        return vec![word];
    }
    // A base form gets every form of its row ("take" → took, taken); any other form of an
    // irregular word stands for itself ("done" does not mean "do").
    let mut irregular = false;
    let mut forms = Vec::new();
    for row in IRREGULAR {
        let mut words = row.split(' ');
        if words.next() == Some(word.as_str()) {
            forms.extend(row.split(' ').map(str::to_string));
            forms.extend(regular(&word));
            irregular = true;
        } else if row.split(' ').any(|w| w == word) {
            irregular = true;
            forms.push(word.clone());
        }
    }
    if !irregular {
        forms.extend(regular(&word));
    }
    // organise/organize, traumatised/traumatized
    for (from, to) in [("ise", "ize"), ("ize", "ise"), ("isation", "ization")] {
        if let Some(stem) = word.strip_suffix(from) {
            forms.extend(regular(&format!("{stem}{to}")));
        }
    }
    forms.sort_unstable();
    forms.dedup();
    forms
}

/// A word with its regular English endings (-s, -ed, -ing) and their spelling rules: relapse →
/// relapses, relapsed, relapsing; binge → bingeing, binging; die → dying; crash → crashes;
/// bully → bullies, bullied; panic → panicked; cut → cutting.
fn regular(word: &str) -> Vec<String> {
    let letters: Vec<char> = word.chars().collect();
    let is_vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u');
    let is_consonant = |c: char| c.is_ascii_alphabetic() && !is_vowel(c);
    let stem = |n: usize| &word[..word.len() - n];
    let mut forms = vec![word.to_string()];
    match letters.as_slice() {
        [.., 'i', 'e'] => forms.extend([
            format!("{word}s"),
            format!("{word}d"),
            format!("{}ying", stem(2)),
        ]),
        [.., c, 'e'] => {
            forms.extend([
                format!("{word}s"),
                format!("{word}d"),
                format!("{}ing", stem(1)),
            ]);
            if matches!(c, 'e' | 'g' | 'o' | 'y') {
                forms.push(format!("{word}ing"));
            }
        }
        [.., 's' | 'x' | 'z'] | [.., 'c' | 's', 'h'] => forms.extend([
            format!("{word}es"),
            format!("{word}ed"),
            format!("{word}ing"),
        ]),
        [.., c, 'y'] if is_consonant(*c) => forms.extend([
            format!("{}ies", stem(1)),
            format!("{}ied", stem(1)),
            format!("{word}ing"),
        ]),
        [.., 'c'] => forms.extend([
            format!("{word}s"),
            format!("{word}ked"),
            format!("{word}king"),
        ]),
        [.., a, v, c]
            if is_consonant(*a)
                && is_vowel(*v)
                && is_consonant(*c)
                && !matches!(c, 'w' | 'x' | 'y') =>
        {
            forms.push(format!("{word}s"));
            // A one-syllable word doubles its last letter (scar → scarred, never "scared", which
            // is another word); a longer one may not (visit → visited, travel → travelled).
            let syllables = letters
                .windows(2)
                .filter(|pair| !is_vowel(pair[0]) && is_vowel(pair[1]))
                .count()
                + usize::from(is_vowel(letters[0]));
            if syllables > 1 {
                forms.extend([format!("{word}ed"), format!("{word}ing")]);
            }
            forms.extend([format!("{word}{c}ed"), format!("{word}{c}ing")]);
        }
        _ => forms.extend([
            format!("{word}s"),
            format!("{word}ed"),
            format!("{word}ing"),
        ]),
    }
    forms
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::safety::text::tokenize_into;

    /// The reported text of the first match of `pattern` in `text`, trying every token as the
    /// anchor (the rule set finds anchors with Aho-Corasick; this is the slow equivalent).
    pub(crate) fn find_with(pattern: &str, text: &str, classes: &Classes) -> Option<String> {
        let probes = compile(pattern, classes).unwrap_or_else(|e| panic!("`{pattern}` {e}"));
        let lower = text.to_ascii_lowercase();
        let mut list = Vec::new();
        tokenize_into(&lower, &mut list);
        let tokens = Tokens {
            list: &list,
            lower: &lower,
        };
        let mut found = Vec::new();
        for probe in &probes {
            let Elem::Tok(anchor) = &probe.elems[probe.anchor] else {
                panic!("anchor is not a word")
            };
            for (i, t) in list.iter().enumerate() {
                if anchor.accepts(t, tokens.text(i)) {
                    found.extend(probe.match_at(&tokens, i));
                }
            }
        }
        let best = found
            .into_iter()
            .min_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
        best.map(|m| text[list[m.report_start].start..list[m.report_end - 1].end].to_string())
    }

    fn find(pattern: &str, text: &str) -> Option<String> {
        find_with(pattern, text, &Classes::new([]))
    }

    fn matches(pattern: &str, text: &str) -> bool {
        find(pattern, text).is_some()
    }

    #[test]
    fn words_match_their_inflections() {
        for text in [
            "take my own life",
            "took his own life",
            "taking her own life",
            "takes their own life",
            "had taken her own life",
        ] {
            assert!(matches("take {poss} own life", text), "{text}");
        }
        assert!(matches("hang {self}", "he hanged himself"));
        assert!(matches("hang {self}", "she hung herself"));
        assert!(matches("shoot {self}", "shot herself"));
        assert!(matches("cut {self}", "I was cutting myself"));
        assert!(matches("end {poss} life", "ended her life"));
        assert!(matches("jump to {poss} death", "jumped to his death"));
        assert!(matches("make {self} sick", "made myself sick"));
        assert!(matches("stop eat", "she stopped eating"));
        assert!(matches("successful suicide", "successful suicides"));
        assert!(matches("life", "lives"));
        assert!(matches("traumatise", "traumatized"));
        assert!(matches("relapse", "relapsing"));
        assert!(matches("die", "dying"));
        assert!(matches("scar", "scarred"));
        assert!(!matches("scar", "scared"));
        assert!(matches("travel", "travelled"));
        assert!(matches("visit", "visited"));
    }

    #[test]
    fn exact_words_and_function_words_do_not_inflect() {
        assert!(!matches("=rape", "rapes"));
        assert!(matches("=rape", "Rape"));
        assert!(!matches("to", "tos"));
        assert!(!matches("his", "hiss"));
        assert!(!matches("abuse", "abuser"));
        assert!(!matches("abuse", "abusive"));
    }

    #[test]
    fn prefixes_classes_options_and_alternatives() {
        assert_eq!(
            find("suicid*", "Suicidality is"),
            Some("Suicidality".into())
        );
        assert!(!matches("suicid*", "presuicidal"));
        assert!(matches("take {poss} [own] life", "took his life"));
        assert!(matches("take {poss} [own] life", "took his own life"));
        assert!(!matches("take {poss} [own] life", "took own life"));
        assert!(!matches("(jump | leap) (off | from)", "leapt from"));
        assert!(matches("(jump | leap) (off | from)", "leaping from"));
        assert!(matches(
            "(jump off | throw {self} from) bridge",
            "threw himself from bridge"
        ));
        assert!(matches(
            "{be} going to kill {self}",
            "I'm going to kill myself"
        ));
        assert!(matches(
            "{be} going to kill {self}",
            "she was going to kill herself"
        ));
    }

    #[test]
    fn gaps_are_bounded_and_stay_in_the_sentence() {
        assert!(matches("suicide ..3 soar", "suicide rates are soaring"));
        assert!(matches("suicide ..3 soar", "suicide soars"));
        assert!(!matches(
            "suicide ..2 soar",
            "suicide rates have been soaring"
        ));
        assert!(!matches("suicide ..3 soar", "suicide. Rates soar"));
        assert!(matches("suicide ..3 soar", "suicide, rates soar"));
        assert!(matches("epidemic ..2 suicide", "Epidemic: suicide"));
    }

    #[test]
    fn numbers_match_digits_and_words() {
        assert!(matches("# calories", "only 500 calories a day"));
        assert!(matches("# calories", "1,200 calories"));
        assert!(matches("# calories", "eight hundred calories"));
        assert!(matches("# kg", "she was 40kg"));
        assert!(matches("# kg", "40 kg"));
        assert!(!matches("# calories", "few calories"));
        assert!(matches("bmi of #<18.5", "a BMI of 13.5"));
        assert!(!matches("bmi of #<18.5", "a BMI of 22"));
        assert!(matches("size #0-6", "a size 4"));
        assert!(matches("size #0-6", "a size zero"));
        assert!(!matches("size #0-6", "a size 12"));
        assert!(matches("# kg", "1,200 kg"));
        assert!(matches("#>1000 kg", "1,200 kg"));
        assert!(!matches("#>1000 kg", "12 kg"));
    }

    #[test]
    fn punctuation_and_quotes() {
        assert!(matches("self-harm", "self-harming"));
        assert!(!matches("self-harm", "self harm"));
        assert!(matches("don't", "I don’t"));
        assert!(matches("successful suicide", "a “successful” suicide"));
        assert!(matches("successful suicide", "a 'successful' suicide"));
        assert!(matches("one's life", "one’s life"));
    }

    #[test]
    fn escaped_punctuation_is_literal() {
        assert!(matches("rated \\#1", "rated #1"));
        assert!(matches("(a \\| b)", "a | b"));
        assert!(matches("[a] b \\)", "b)"));
        assert!(!matches("[a] b \\)", "b"));
        let err = compile("a \\b", &Classes::new([]))
            .err()
            .unwrap_or_default();
        assert!(err.contains("only punctuation"), "{err}");
    }

    #[test]
    fn punctuation_can_anchor_a_pattern() {
        let probes = compile("\"", &Classes::new([])).unwrap_or_default();
        let literals = probes[0].anchor_literals();
        assert!(literals.contains(&("\u{201C}", false)), "{literals:?}");
        assert!(literals.contains(&("\"", false)), "{literals:?}");
        assert_eq!(find("\"", "she said “no”"), Some("“".into()));
    }

    #[test]
    fn marks_choose_the_reported_part() {
        assert_eq!(
            find(
                "<{det} schizophrenic> (who | is)",
                "She is a schizophrenic who hears"
            ),
            Some("a schizophrenic".into())
        );
        assert_eq!(
            find("suicide <rates ..2 soar>", "suicide rates have soared"),
            Some("rates have soared".into())
        );
    }

    #[test]
    fn common_words_are_sorted_for_binary_search() {
        assert!(COMMON_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn alternatives_are_split_when_their_words_are_rarer() {
        let probes = compile("(weedkiller | weed killer) {subj} took", &Classes::new([]))
            .unwrap_or_default();
        let anchors: Vec<Vec<(&str, bool)>> = probes.iter().map(Probe::anchor_literals).collect();
        assert_eq!(probes.len(), 2, "{anchors:?}");
        assert!(
            anchors
                .iter()
                .all(|a| !a.contains(&("he", false)) && !a.contains(&("she", false))),
            "{anchors:?}"
        );
    }

    #[test]
    fn anchors_prefer_rare_words() {
        let probes = compile("take {poss} own life", &Classes::new([])).unwrap_or_default();
        assert_eq!(probes.len(), 1);
        let literals = probes[0].anchor_literals();
        assert!(!literals.contains(&("his", false)), "{literals:?}");
        assert!(
            [
                ("took", false),
                ("lives", false),
                ("owned", false),
                ("life", false)
            ]
            .iter()
            .any(|w| literals.contains(w)),
            "{literals:?}"
        );
        let probes = compile("(alpha beta | gamma) delta", &Classes::new([])).unwrap_or_default();
        assert_eq!(probes.len(), 1, "delta anchors both branches");
        let probes =
            compile("(jump off | throw {self} from) {det}", &Classes::new([])).unwrap_or_default();
        assert_eq!(probes.len(), 2, "{probes:?}");
    }

    #[test]
    fn bad_patterns_say_why() {
        let classes = Classes::new([]);
        for (pattern, reason) in [
            ("", "is empty"),
            ("[own]", "nothing at all"),
            ("..3", "nothing at all"),
            ("#", "no word"),
            ("[\"]", "nothing at all"),
            ("(a", "without a closing"),
            ("a)", "without an opening"),
            ("a | b", "outside"),
            ("{nope}", "unknown word class"),
            ("{selff}", "did you mean `{self}`"),
            ("a ..99 b", "between 1 and 20"),
            ("su*cide", "not at the end of a word"),
            ("= a", "not followed by a word"),
            ("(a [<b>])", "inside brackets"),
            ("#<x a", "a number range"),
            ("#5-2 a", "a number range"),
            ("> a <", "out of order"),
            ("logical (next)? step", "not regular expressions"),
            ("a [b]+", "not regular expressions"),
        ] {
            match compile(pattern, &classes) {
                Ok(p) => panic!("`{pattern}` compiled: {p:?}"),
                Err(e) => assert!(e.contains(reason), "`{pattern}`: {e}"),
            }
        }
    }

    #[test]
    fn classes_can_use_classes_but_not_forever() {
        let extra = vec!["{loop}".to_string()];
        let classes = Classes::new([("loop", extra.as_slice())]);
        let err = compile("{loop}", &classes).err().unwrap_or_default();
        assert!(err.contains("nested"), "{err}");
        let people = vec!["{subj}".to_string(), "someone".to_string()];
        let classes = Classes::new([("who", people.as_slice())]);
        assert!(find_with("{who} cut {self}", "someone cut himself", &classes).is_some());
        assert!(find_with("{who} cut {self}", "they cut themselves", &classes).is_some());
    }
}
