//! `readability` as it was before it was made faster (see [`super`]).

use crate::safety::ProseSpan;
use serde::Serialize;
use std::cell::RefCell;

/// Counts and scores for a body of prose.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Readability {
    pub words: usize,
    pub sentences: usize,
    pub syllables: usize,
    /// Flesch–Kincaid grade level (US school grade; lower is easier).
    pub grade: f64,
    /// Flesch reading ease (0–100 for most text; higher is easier).
    pub ease: f64,
}

impl Readability {
    /// Scores from raw counts; zeros when there are no words.
    pub fn from_counts(words: usize, sentences: usize, syllables: usize) -> Self {
        if words == 0 {
            return Readability {
                words: 0,
                sentences: 0,
                syllables: 0,
                grade: 0.0,
                ease: 0.0,
            };
        }
        // Words always close a sentence at the end of their span, so this only guards callers
        // of `from_counts` that pass 0.
        let sentences = sentences.max(1);
        let words_per_sentence = words as f64 / sentences as f64;
        let syllables_per_word = syllables as f64 / words as f64;
        Readability {
            words,
            sentences,
            syllables,
            grade: 0.39 * words_per_sentence + 11.8 * syllables_per_word - 15.59,
            ease: 206.835 - 1.015 * words_per_sentence - 84.6 * syllables_per_word,
        }
    }
}

/// Flesch–Kincaid grade level and Flesch reading ease of prose. Empty text → zeros.
///
/// Each span is separate text: its end closes a sentence, so a heading or list item without a
/// full stop still counts as one.
pub fn readability(spans: &[ProseSpan]) -> Readability {
    let count_all = |cache: &mut SyllableCache| {
        let mut counts = Counts::default();
        for span in spans {
            counts.add_text(&span.text, cache);
        }
        Readability::from_counts(counts.words, counts.sentences, counts.syllables)
    };
    CACHE.with(|cache| match cache.try_borrow_mut() {
        Ok(mut cache) => count_all(&mut cache),
        // Unreachable (nothing here re-enters), but a fresh cache beats a panic.
        Err(_) => count_all(&mut SyllableCache::new()),
    })
}

/// Abbreviations that a full stop never ends a sentence after (they precede more text).
const NEVER_END: &[&str] = &[
    "dr", "mr", "mrs", "ms", "mx", "prof", "st", "mt", "jr", "sr", "vs", "e.g", "i.e", "cf",
    "approx", "fig", "esp", "incl", "dept", "ca", "viz",
];

/// Abbreviations that end a sentence only when a capitalised word (or nothing) follows.
const MAYBE_END: &[&str] = &[
    "etc", "al", "inc", "ltd", "co", "corp", "jan", "feb", "mar", "apr", "jun", "jul", "aug",
    "sep", "sept", "oct", "nov", "dec", "min", "max", "hr", "hrs", "mins", "yrs",
];

#[derive(Debug, Default)]
struct Counts {
    words: usize,
    sentences: usize,
    syllables: usize,
}

impl Counts {
    fn add_text(&mut self, text: &str, cache: &mut SyllableCache) {
        let bytes = text.as_bytes();
        let mut words_in_sentence = 0usize;
        // The word that ends right where a `.` starts, for the abbreviation check.
        let mut last_word = (0, usize::MAX);
        let mut i = 0;
        while i < bytes.len() {
            let c = char_at(text, i);
            if is_alnum(c) {
                let (end, syllables) = scan_ascii_word(bytes, i, cache).unwrap_or_else(|| {
                    let end = word_end(text, i);
                    (end, word_syllables(&text[i..end], cache))
                });
                self.words += 1;
                self.syllables += syllables;
                words_in_sentence += 1;
                last_word = (i, end);
                i = end;
                continue;
            }
            i += c.len_utf8();
            if !is_terminator(c) {
                continue;
            }
            let after_word = (last_word.1 == i - c.len_utf8()).then_some(last_word);
            // Swallow a run like `?!` or `...` and any closing quotes or brackets after it.
            while i < bytes.len() {
                let d = char_at(text, i);
                if !(is_terminator(d) || is_closer(d)) {
                    break;
                }
                i += d.len_utf8();
            }
            let rest = &text[i..];
            // "word.Next" or "3.5" is not a sentence end.
            let ends = rest.chars().next().is_none_or(char::is_whitespace)
                && (c != '.'
                    || after_word.is_none_or(|(s, e)| !is_abbreviation(&text[s..e], rest)));
            if ends && words_in_sentence > 0 {
                self.sentences += 1;
                words_in_sentence = 0;
            }
        }
        if words_in_sentence > 0 {
            self.sentences += 1;
        }
    }
}

/// `char::is_alphanumeric`, skipping the Unicode table lookup for the punctuation that fills
/// prose (curly quotes, dashes), which would otherwise be a noticeable share of the time.
fn is_alnum(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        !('\u{2000}'..='\u{206F}').contains(&c) && c.is_alphanumeric()
    }
}

/// The character starting at byte `i` (a char boundary) of `text`.
fn char_at(text: &str, i: usize) -> char {
    match text.as_bytes().get(i) {
        Some(&b) if b.is_ascii() => b as char,
        _ => text.get(i..).and_then(|s| s.chars().next()).unwrap_or(' '),
    }
}

fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»' | '*' | '_')
}

/// Whether a `.` after `word`, followed by `rest`, is an abbreviation's rather than a full stop.
fn is_abbreviation(word: &str, rest: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    if NEVER_END.contains(&lower.as_str()) {
        return true;
    }
    let dotted = word.contains('.') && !word.starts_with(|c: char| c.is_ascii_digit());
    if dotted || MAYBE_END.contains(&lower.as_str()) {
        let next = rest.trim_start().chars().next();
        return next.is_some_and(|c| !c.is_uppercase());
    }
    false
}

/// The end and syllables of the word starting at `start`, in one pass, for the common case of a
/// word made only of ASCII (and not touching non-ASCII characters); `None` otherwise. Gives the
/// same results as [`word_end`] and [`word_syllables`], which handle every other case.
fn scan_ascii_word(
    bytes: &[u8],
    start: usize,
    cache: &mut SyllableCache,
) -> Option<(usize, usize)> {
    let mut part = AsciiPart::default();
    let mut syllables = 0;
    let mut i = start;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' => part.letter(b),
            b'0'..=b'9' => part.digits += 1,
            b'\'' | b'-' | b'.' | b',' => {
                let next = bytes.get(i + 1).copied().unwrap_or(b' ');
                if !next.is_ascii() {
                    return None;
                }
                let joins = if b == b',' {
                    bytes[i - 1].is_ascii_digit() && next.is_ascii_digit()
                } else {
                    next.is_ascii_alphanumeric()
                };
                if !joins {
                    break;
                }
                if b == b'\'' {
                    part.apostrophe = Some(part.n);
                } else if b != b',' {
                    syllables += part.finish(cache);
                    part = AsciiPart::default();
                }
            }
            // A curly apostrophe (U+2019, E2 80 99) inside a word: "don’t".
            0xE2 if bytes.get(i + 1..i + 3) == Some(&[0x80, 0x99][..]) => {
                let next = bytes.get(i + 3).copied().unwrap_or(b' ');
                if !next.is_ascii() {
                    return None;
                }
                if !next.is_ascii_alphanumeric() {
                    break;
                }
                part.apostrophe = Some(part.n);
                i += 3;
                continue;
            }
            b if !b.is_ascii() => return None,
            _ => break,
        }
        i += 1;
    }
    syllables += part.finish(cache);
    Some((i, syllables.max(1)))
}

/// One part of an ASCII word (parts are split at `-` and `.`), as it is scanned.
#[derive(Default)]
struct AsciiPart {
    /// Lowercase letters, zero past `n` (so the first 16 bytes are the cache key); a longer
    /// word is estimated from its length.
    letters: [u8; 32],
    n: usize,
    digits: usize,
    lowercase: bool,
    /// Letters before an apostrophe.
    apostrophe: Option<usize>,
}

impl AsciiPart {
    fn letter(&mut self, b: u8) {
        self.lowercase |= b.is_ascii_lowercase();
        if let Some(slot) = self.letters.get_mut(self.n) {
            *slot = b.to_ascii_lowercase();
            self.n += 1;
        }
    }

    fn finish(&self, cache: &mut SyllableCache) -> usize {
        let (w, n) = (&self.letters[..self.n], self.n);
        if self.digits > 0 {
            return self.digits;
        }
        if (2..=5).contains(&n) && !self.lowercase {
            return w.iter().map(|&c| if c == b'w' { 3 } else { 1 }).sum();
        }
        if n == 0 {
            return 0;
        }
        if n == self.letters.len() {
            return (n / 3).max(1);
        }
        let nt =
            self.apostrophe == Some(n - 1) && n >= 3 && w.ends_with(b"nt") && !is_vowel(w[n - 3]);
        let mut key = [0u8; 16];
        key.copy_from_slice(&self.letters[..16]);
        cache.count(w, u128::from_le_bytes(key)) + usize::from(nt)
    }
}

/// The end of the word starting at `start` (which is alphanumeric).
fn word_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let alnum_at = |i: usize| i < bytes.len() && is_alnum(char_at(text, i));
    let mut i = start;
    let mut prev_digit = false;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphanumeric() {
            prev_digit = b.is_ascii_digit();
            i += 1;
            continue;
        }
        let c = char_at(text, i);
        let len = c.len_utf8();
        let joins = match c {
            c if is_alnum(c) => true,
            '\'' | '’' | '-' | '\u{2010}' | '\u{2011}' | '.' => alnum_at(i + len),
            ',' => prev_digit && bytes.get(i + 1).is_some_and(u8::is_ascii_digit),
            _ => false,
        };
        if !joins {
            break;
        }
        prev_digit = false;
        i += len;
    }
    i
}

/// Syllables in one token as [`readability`] finds them: hyphenated and dotted parts are
/// counted separately, numbers count one syllable per digit, short all-capitals abbreviations
/// one per letter.
fn word_syllables(token: &str, cache: &mut SyllableCache) -> usize {
    // Most words have no part separators (0xE2 leads U+2010 and U+2011); skip the splitting.
    if !token.bytes().any(|b| matches!(b, b'-' | b'.' | 0xE2)) {
        return part_syllables(token, cache).max(1);
    }
    token
        .split(['-', '\u{2010}', '\u{2011}', '.'])
        .filter(|part| !part.is_empty())
        .map(|part| part_syllables(part, cache))
        .sum::<usize>()
        .max(1)
}

fn part_syllables(part: &str, cache: &mut SyllableCache) -> usize {
    let mut buf = [0u8; 48];
    let mut n = 0;
    let mut digits = 0;
    let mut lowercase = false;
    let mut apostrophe = false;
    for &b in part.as_bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' => {
                lowercase |= b.is_ascii_lowercase();
                if n < buf.len() {
                    buf[n] = b.to_ascii_lowercase();
                    n += 1;
                }
            }
            b'0'..=b'9' => digits += 1,
            b'\'' => apostrophe = true,
            // Rare enough to take the general path.
            _ => return part_syllables_unicode(part),
        }
    }
    if digits > 0 {
        return digits;
    }
    if (2..=5).contains(&n) && !lowercase {
        // Initialisms are spelled out: "PTSD", "CBT", "NHS". W is "dub-ble-you".
        return buf[..n]
            .iter()
            .map(|&c| if c == b'w' { 3 } else { 1 })
            .sum();
    }
    if n == 0 {
        return 0;
    }
    if n == buf.len() {
        return (part.len() / 3).max(1);
    }
    // `buf` is zeroed past the letters, so its first 16 bytes are the cache key.
    let mut key = [0u8; 16];
    key.copy_from_slice(&buf[..16]);
    cache.count(&buf[..n], u128::from_le_bytes(key))
        + usize::from(apostrophe && is_nt_contraction(part))
}

/// [`part_syllables`] for text with non-ASCII characters.
fn part_syllables_unicode(part: &str) -> usize {
    let digits = part.chars().filter(char::is_ascii_digit).count();
    if digits > 0 {
        return digits;
    }
    let letters = part.chars().filter(|c| c.is_alphabetic()).count();
    if (2..=5).contains(&letters) && part.chars().all(|c| !c.is_lowercase()) {
        return part.chars().map(|c| if c == 'W' { 3 } else { 1 }).sum();
    }
    syllables(part) + usize::from(is_nt_contraction(part))
}

/// "did-n't", "is-n't": the letters alone ("didnt") lose a syllable.
fn is_nt_contraction(part: &str) -> bool {
    ["n't", "n’t"].iter().any(|nt| {
        part.strip_suffix(nt).is_some_and(|stem| {
            stem.chars()
                .next_back()
                .is_some_and(|c| c.is_ascii_alphabetic() && !is_vowel(c as u8))
        })
    })
}

/// Estimated syllables in an English word (at least 1 for any word with a letter).
///
/// Vowel groups (`y` counting as a vowel except next to another vowel or at the start), then:
/// silent final `e`, `-es` and `-ed`; syllabic `-le`/`-re` ("table", "centre"); vowel pairs
/// that are usually two syllables ("media", "period", "diet", "usual", "video", "idea");
/// `-ing` after a vowel ("going"); `-ism`/`-asm` and `-thm`; silent `e` before suffixes
/// ("lonely", "statement") and in a few compound heads ("someone", "homework").
pub fn syllables(word: &str) -> usize {
    let mut buf = [0u8; 48];
    let mut n = 0;
    for c in word.chars() {
        if n == buf.len() {
            // Very long tokens are rare enough that an estimate from their length will do.
            return (word.chars().count() / 3).max(1);
        }
        if c.is_ascii_alphabetic() {
            buf[n] = c.to_ascii_lowercase() as u8;
            n += 1;
        } else if c.is_alphabetic() {
            // Accented letters are nearly always vowels in English text ("café", "naïve").
            buf[n] = b'a';
            n += 1;
        }
    }
    if n == 0 {
        return 0;
    }
    count(&buf[..n]).max(1)
}

/// Slots in the per-thread syllable cache (a power of two).
const CACHE_SLOTS: usize = 4096;

thread_local! {
    /// Kept per thread and across articles: prose reuses a small vocabulary, so most words
    /// are found here, and a lookup costs a fraction of running the rules — it is what keeps
    /// readability within budget for ten thousand articles.
    static CACHE: RefCell<SyllableCache> = RefCell::new(SyllableCache::new());
}

/// Recently counted words → syllables, direct-mapped.
struct SyllableCache {
    slots: Vec<(u128, u8)>,
}

impl SyllableCache {
    fn new() -> Self {
        SyllableCache {
            slots: vec![(0, 0); CACHE_SLOTS],
        }
    }

    /// [`count`] of the lowercase letters `w`, whose first 16 bytes packed little-endian are
    /// `key`. Only words of up to 16 letters are cached, so the key is the whole word and a
    /// hit is always exact; letters are never zero, so no key is an empty slot's 0.
    fn count(&mut self, w: &[u8], key: u128) -> usize {
        if w.len() > 16 {
            return count(w);
        }
        let mixed = ((key as u64) ^ ((key >> 64) as u64)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let slot = (mixed >> (64 - CACHE_SLOTS.trailing_zeros())) as usize;
        match self.slots.get_mut(slot) {
            Some(entry) if entry.0 == key => usize::from(entry.1),
            Some(entry) => {
                let counted = count(w);
                *entry = (key, u8::try_from(counted).unwrap_or(u8::MAX));
                counted
            }
            None => count(w),
        }
    }
}

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u')
}

/// Consonants that make a following `le`/`re` its own syllable: "ta-ble", "cen-tre".
fn makes_syllabic(c: u8) -> bool {
    matches!(
        c,
        b'b' | b'c' | b'd' | b'f' | b'g' | b'k' | b'p' | b't' | b'v' | b'z'
    )
}

const EXCEPTIONS: &[(&[u8], usize)] = &[
    (b"friend", 1),
    (b"friends", 1),
    (b"business", 2),
    (b"businesses", 3),
    (b"maybe", 2),
    (b"recipe", 3),
    (b"naive", 2),
];

/// Suffixes after which a stem's final `e` is silent ("lone-ly", "state-ment").
const SUFFIXES: &[&[u8]] = &[
    b"liness", b"lihood", b"fully", b"lessly", b"ments", b"ment", b"ness", b"less", b"ful", b"ly",
    b"ty",
];

/// Compound heads ending in a silent `e` ("some-one", "home-work").
const HEADS: &[&[u8]] = &[
    b"some", b"life", b"home", b"care", b"time", b"safe", b"hope", b"whole", b"house", b"base",
    b"side", b"note",
];

/// Stems where `ui` is two syllables ("su-i-cide").
const UI_SPLITS: &[&[u8]] = &[b"suicid", b"fluid", b"ruin", b"genuin", b"intuit", b"druid"];

fn count(w: &[u8]) -> usize {
    let n = w.len();
    if n <= 2 {
        return 1;
    }
    if let Some(&(_, count)) = EXCEPTIONS.iter().find(|(word, _)| *word == w) {
        return count;
    }
    // The length checks skip the prefix and suffix scans for most words.
    for head in HEADS.iter().filter(|_| n >= 7) {
        if let Some(rest) = w.strip_prefix(*head)
            && rest.len() >= 3
            && (!is_vowel(rest[0]) || rest.starts_with(b"one"))
        {
            return 1 + count(rest);
        }
    }
    let suffix_end = n >= 5 && matches!(w[n - 1], b's' | b'd' | b'y' | b't' | b'l');
    for suffix in SUFFIXES.iter().filter(|_| suffix_end) {
        if let Some(stem) = w.strip_suffix(*suffix)
            && stem.len() >= 3
            && stem.ends_with(b"e")
            && !is_vowel(stem[stem.len() - 2])
        {
            return count(stem) + count(suffix);
        }
    }

    // `y` is a vowel unless it starts the word or sits between vowels ("player", "beyond").
    let vowel_at = |i: usize| -> bool {
        match w[i] {
            b'y' => i > 0 && !(is_vowel(w[i - 1]) && w.get(i + 1).is_some_and(|&c| is_vowel(c))),
            c => is_vowel(c),
        }
    };
    let mut syllables = 0usize;
    let mut in_group = false;
    for i in 0..n {
        if vowel_at(i) {
            // A vowel `y` before another vowel closes its own group: "try-ing", "stu-dy-ing".
            let splits_after_y = in_group && w[i - 1] == b'y';
            if !in_group || splits_after_y {
                syllables += 1;
            }
            in_group = true;
        } else {
            in_group = false;
        }
    }

    syllables += pair_splits(w);
    if (w.ends_with(b"ing") && n > 3 && is_vowel(w[n - 4]))
        || (w.ends_with(b"ings") && n > 4 && is_vowel(w[n - 5]))
    {
        // "go-ing", "be-ing": the groups merged above.
        syllables += 1;
    }
    if (w.ends_with(b"sm") && n > 2 && is_vowel(w[n - 3]))
        || (w.ends_with(b"sms") && n > 3 && is_vowel(w[n - 4]))
        || w.ends_with(b"thm")
        || w.ends_with(b"thms")
    {
        // "au-ti-sm" → "au-tis-um", "rhy-thm".
        syllables += 1;
    }
    if syllables > 1 {
        syllables -= silent_ending(w, vowel_at);
    }
    let silent_ue = ["gue", "gues", "gued", "que", "ques"]
        .iter()
        .any(|end| w.ends_with(end.as_bytes()) && n > end.len() + 1)
        && !w.ends_with(b"rgue")
        && !w.ends_with(b"rgues")
        && !w.ends_with(b"rgued");
    if syllables > 1 && silent_ue {
        // "fa-tigue", "u-nique": the `ue` only marks a hard g or k.
        syllables -= 1;
    }
    syllables.max(1)
}

/// 1 when the word ends in a silent `e`, `es` or `ed` that the vowel groups counted.
fn silent_ending(w: &[u8], vowel_at: impl Fn(usize) -> bool) -> usize {
    let n = w.len();
    let consonant_at = |i: usize| !vowel_at(i);
    // "-le"/"-re" after a consonant that makes it syllabic ("ta-ble", "cen-tre").
    let syllabic = |at: usize| {
        at >= 1 && matches!(w[at], b'l' | b'r') && makes_syllabic(w[at - 1]) && consonant_at(at - 1)
    };
    if w[n - 1] == b'e' {
        let before = n - 2;
        return usize::from(consonant_at(before) && !syllabic(before));
    }
    if n >= 4 && w.ends_with(b"es") {
        let before = n - 3;
        let sibilant = matches!(w[before], b's' | b'x' | b'z')
            || w[..n - 2].ends_with(b"ch")
            || w[..n - 2].ends_with(b"sh")
            || w[..n - 2].ends_with(b"ge")
            || matches!(w[before], b'c' | b'g');
        return usize::from(consonant_at(before) && !sibilant && !syllabic(before));
    }
    if n >= 4 && w.ends_with(b"ed") {
        let before = n - 3;
        let voiced_t = matches!(w[before], b't' | b'd');
        return usize::from(consonant_at(before) && !voiced_t && !syllabic(before));
    }
    0
}

/// Adjacent vowels that the grouping merged but that are usually two syllables.
fn pair_splits(w: &[u8]) -> usize {
    let n = w.len();
    let mut splits = 0;
    for i in 0..n - 1 {
        if !is_vowel(w[i]) || !is_vowel(w[i + 1]) {
            continue;
        }
        let prev = i.checked_sub(1).map(|p| w[p]);
        let after = w.get(i + 2).copied();
        let split = match (w[i], w[i + 1]) {
            // "me-di-a", not "so-cial" or "A-sia".
            (b'i', b'a') => !matches!(prev, Some(b'c' | b't' | b's' | b'g')),
            // "pe-ri-od", "vi-o-lence", not "ac-tion", "mil-lion", "ju-nior", "be-hav-iour".
            (b'i', b'o') => match prev {
                Some(b't' | b's' | b'c' | b'x' | b'g') => false,
                Some(b'l' | b'n') if matches!(after, Some(b'n' | b'r')) => false,
                Some(b'v') if matches!(after, Some(b'r')) => false,
                Some(b'v') if matches!(after, Some(b'u')) && w.get(i + 3) == Some(&b'r') => false,
                _ => true,
            },
            // "me-di-um".
            (b'i', b'u') => true,
            // "di-et", "anx-i-e-ty", "cli-ent", "sci-ence", not "pa-tient", "an-cient".
            (b'i', b'e') => match after {
                Some(b't') => true,
                Some(b'n') => {
                    let tient = prev == Some(b't');
                    let cient = prev == Some(b'c') && i >= 2 && w[i - 2] != b's';
                    !(tient || cient)
                }
                Some(b'r') => i + 3 == n || (i + 4 == n && w[n - 1] == b's'),
                Some(b's') => i + 4 == n && w[n - 1] == b't',
                _ => false,
            },
            // "u-su-al", not "lan-guage", "qual-i-ty".
            (b'u', b'a') => !matches!(prev, Some(b'q' | b'g')),
            (b'u', b'o') => !matches!(prev, Some(b'q' | b'g')),
            // "vid-e-o", "the-o-ry", not "peo-ple", "sur-geon" (but "ge-og-ra-phy").
            (b'e', b'o') => {
                let inner_geo = prev == Some(b'g') && i >= 2;
                !(prev == Some(b'p') || inner_geo)
            }
            // "i-de-a", "cre-ate", not "sea" or "creature".
            (b'e', b'a') => {
                (i + 2 == n && w[..i].iter().any(|&c| is_vowel(c)))
                    || (i >= 2
                        && &w[i - 2..i] == b"cr"
                        && after == Some(b't')
                        && !w[i..].starts_with(b"eatu"))
                    || w[..i].ends_with(b"r") && w[i..].starts_with(b"eact")
            }
            (b'a', b'o') => true,
            _ => false,
        };
        splits += usize::from(split);
    }
    if w.windows(2).any(|pair| pair == b"ui") {
        for stem in UI_SPLITS {
            if w.windows(stem.len()).any(|win| win == *stem) {
                splits += 1;
            }
        }
    }
    splits
}
