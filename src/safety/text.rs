//! Words, numbers, punctuation and sentences of a prose span, as the pattern matcher sees them.
//!
//! The tokenizer runs on ASCII-lowercased text (see [`crate::safety`]), so token offsets are
//! byte offsets in the original span. A word is a run of letters, digits and `_` that starts with
//! a letter; a number is a run of digits with `,` or `.` between digit groups (`1,200`, `2.5`), and
//! letters right after a number start a new word (`40kg` → `40`, `kg`); every other character
//! that is not white space is a punctuation token of its own, with curly apostrophes, quotes and
//! dashes folded to their plain forms so that patterns need not spell each variant.

use super::is_word_char;

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Word,
    Number,
    /// A punctuation character, folded: `’ ‘ ʼ` → `'`, `“ ” „` → `"`, `– — ―` → `-`.
    Punct(char),
}

/// One token: `text[start..end]` of the span it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

impl Token {
    pub fn is_wordlike(&self) -> bool {
        matches!(self.kind, Kind::Word | Kind::Number)
    }

    /// Whether this token ends a sentence when it is not part of an abbreviation.
    fn is_terminator(&self) -> bool {
        matches!(self.kind, Kind::Punct('.' | '!' | '?' | '…'))
    }
}

/// Folds typographic variants of punctuation to one character.
pub fn fold_punct(c: char) -> char {
    match c {
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{2032}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' => '-',
        c => c,
    }
}

/// Appends the tokens of `text` to `out` (cleared first).
pub fn tokenize_into(text: &str, out: &mut Vec<Token>) {
    out.clear();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b.is_ascii_digit() {
            let start = i;
            i += 1;
            while i < bytes.len() {
                if bytes[i].is_ascii_digit() {
                    i += 1;
                } else if matches!(bytes[i], b',' | b'.')
                    && bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
                {
                    i += 2;
                } else {
                    break;
                }
            }
            out.push(Token {
                start,
                end: i,
                kind: Kind::Number,
            });
            continue;
        }
        if b.is_ascii_alphabetic() || b == b'_' {
            let start = i;
            i += 1;
            i = word_end(text, i);
            out.push(Token {
                start,
                end: i,
                kind: Kind::Word,
            });
            continue;
        }
        if b.is_ascii() {
            out.push(Token {
                start: i,
                end: i + 1,
                kind: Kind::Punct(b as char),
            });
            i += 1;
            continue;
        }
        // Non-ASCII: a letter starts a word, white space is skipped, the rest is punctuation.
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let len = c.len_utf8();
        if c.is_whitespace() {
            i += len;
        } else if is_word_char(c) {
            let start = i;
            i = word_end(text, i + len);
            out.push(Token {
                start,
                end: i,
                kind: Kind::Word,
            });
        } else {
            out.push(Token {
                start: i,
                end: i + len,
                kind: Kind::Punct(fold_punct(c)),
            });
            i += len;
        }
    }
}

/// The end of the word whose remaining characters start at `i`.
fn word_end(text: &str, mut i: usize) -> usize {
    let bytes = text.as_bytes();
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphanumeric() || b == b'_' {
            i += 1;
        } else if b.is_ascii() {
            break;
        } else {
            match text[i..].chars().next() {
                Some(c) if is_word_char(c) => i += c.len_utf8(),
                _ => break,
            }
        }
    }
    i
}

/// Words after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "st", "vs", "etc", "jr", "sr", "no", "fig", "approx", "inc",
    "ltd", "co", "dept", "mt", "ave", "rd", "gen", "gov", "sgt", "lt", "col", "capt", "rev",
];

/// For each token, the number of the sentence it belongs to (0-based), written into `out`.
///
/// A sentence ends after `.`, `!`, `?` or `…` (and any closing quotes or brackets after it),
/// except after an abbreviation or an initial (`Dr.`, `e.g.`, `J. Smith`) and where the next
/// word starts in lowercase in `original` (the span's text as written).
pub fn sentence_ids_into(original: &str, lower: &str, tokens: &[Token], out: &mut Vec<u32>) {
    out.clear();
    let mut sentence = 0u32;
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        out.push(sentence);
        i += 1;
        if !t.is_terminator() || !ends_sentence(original, lower, tokens, i - 1) {
            continue;
        }
        // Further terminators and closing punctuation (written right after the mark, not an
        // opening quote after a space) belong to this sentence.
        while let Some(next) = tokens.get(i) {
            let attached = next.start == tokens[i - 1].end;
            if next.is_terminator()
                || (attached && matches!(next.kind, Kind::Punct('"' | '\'' | ')' | ']')))
            {
                out.push(sentence);
                i += 1;
            } else {
                break;
            }
        }
        sentence += 1;
    }
}

fn ends_sentence(original: &str, lower: &str, tokens: &[Token], at: usize) -> bool {
    let t = tokens[at];
    if t.kind == Kind::Punct('.')
        && let Some(prev) = at.checked_sub(1).map(|p| tokens[p])
        && prev.kind == Kind::Word
        && prev.end == t.start
    {
        let word = &lower[prev.start..prev.end];
        if word.chars().count() == 1 || ABBREVIATIONS.contains(&word) {
            return false;
        }
    }
    // A lowercase word after the mark continues the sentence ("approx. ten", "“Stop!” he said",
    // "I thought… maybe").
    let next = tokens[at + 1..]
        .iter()
        .find(|n| !(n.is_terminator() || matches!(n.kind, Kind::Punct('"' | '\'' | ')' | ']'))));
    match next {
        Some(next) if next.kind == Kind::Word => !original[next.start..]
            .chars()
            .next()
            .is_some_and(char::is_lowercase),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        let lower = text.to_ascii_lowercase();
        let mut tokens = Vec::new();
        tokenize_into(&lower, &mut tokens);
        tokens
            .iter()
            .map(|t| match t.kind {
                Kind::Word => lower[t.start..t.end].to_string(),
                Kind::Number => format!("#{}", &lower[t.start..t.end]),
                Kind::Punct(c) => format!("<{c}>"),
            })
            .collect()
    }

    #[test]
    fn words_numbers_and_punctuation() {
        assert_eq!(
            words("He took 40 pills—1,200 mg, 2.5 g; 40kg."),
            [
                "he", "took", "#40", "pills", "<->", "#1,200", "mg", "<,>", "#2.5", "g", "<;>",
                "#40", "kg", "<.>"
            ]
        );
        assert_eq!(
            words("Don’t “self-harm”"),
            ["don", "<'>", "t", "<\">", "self", "<->", "harm", "<\">"]
        );
        assert_eq!(words("café covid19 x_y"), ["café", "covid19", "x_y"]);
        assert_eq!(words("  \n\t "), Vec::<String>::new());
        assert_eq!(words("1,2.3,"), ["#1,2.3", "<,>"]);
    }

    #[test]
    fn offsets_point_into_the_text() {
        let text = "Ça — suicide’s";
        let mut tokens = Vec::new();
        tokenize_into(text, &mut tokens);
        let texts: Vec<&str> = tokens.iter().map(|t| &text[t.start..t.end]).collect();
        assert_eq!(texts, ["Ça", "—", "suicide", "’", "s"]);
    }

    fn sentences(text: &str) -> Vec<String> {
        let lower = text.to_ascii_lowercase();
        let mut tokens = Vec::new();
        tokenize_into(&lower, &mut tokens);
        let mut ids = Vec::new();
        sentence_ids_into(text, &lower, &tokens, &mut ids);
        let mut out: Vec<String> = Vec::new();
        for (t, id) in tokens.iter().zip(&ids) {
            if out.len() <= *id as usize {
                out.push(String::new());
            }
            let s = &mut out[*id as usize];
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(&text[t.start..t.end]);
        }
        out
    }

    #[test]
    fn sentences_end_at_terminators_but_not_abbreviations() {
        assert_eq!(
            sentences(
                "Dr. Lee called. He said: “Stop!” Then J. Smith left… ok? Yes. “No!” she said."
            ),
            [
                "Dr . Lee called .",
                "He said : “ Stop ! ”",
                "Then J . Smith left … ok ?",
                "Yes .",
                "“ No ! ” she said ."
            ]
        );
        assert_eq!(
            sentences("It weighed approx. ten kg. Fine"),
            ["It weighed approx . ten kg .", "Fine"]
        );
        assert_eq!(sentences("e.g. this one"), ["e . g . this one"]);
        assert_eq!(sentences("Version 2.5 is out"), ["Version 2.5 is out"]);
    }
}
