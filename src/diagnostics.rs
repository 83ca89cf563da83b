//! Diagnostics: every problem Haven finds in a site, as a value.
//!
//! Loading, rendering and checks collect `Diagnostic`s instead of stopping at the first one, so
//! one build reports everything; the CLI decides how to print them and which exit code follows.

use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One problem, located in a file when it has a place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable, kebab-case identifier (`unknown-field`, `broken-link`, `undeclared-topic`, …).
    pub code: String,
    pub severity: Severity,
    /// Path as the user knows it (relative to the site root where possible).
    pub file: Option<PathBuf>,
    /// 1-based; 0 when unknown.
    pub line: u32,
    /// 1-based; 0 when unknown.
    pub column: u32,
    pub message: String,
    // Boxed strings keep a `Diagnostic` small enough to return by value in a `Result`.
    pub suggestion: Option<Box<str>>,
    /// The rule that found it, for checks with rules of their own (`unsafe-phrase`):
    /// `<!-- haven:allow RULE -->` and `safety.phrases` in site.yaml name it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<Box<str>>,
}

impl Diagnostic {
    pub fn error(code: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            code: code.to_string(),
            severity: Severity::Error,
            file: None,
            line: 0,
            column: 0,
            message: message.into(),
            suggestion: None,
            rule: None,
        }
    }

    pub fn warning(code: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, message)
        }
    }

    pub fn in_file(mut self, file: impl AsRef<Path>) -> Self {
        self.file = Some(file.as_ref().to_path_buf());
        self
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.set_position(line, column);
        self
    }

    pub fn set_position(&mut self, line: usize, column: usize) {
        // A position past four billion lines or columns is reported as the last one.
        self.line = u32::try_from(line).unwrap_or(u32::MAX);
        self.column = u32::try_from(column).unwrap_or(u32::MAX);
    }

    pub fn suggest(mut self, suggestion: impl Into<String>) -> Self {
        self.suggestion = Some(suggestion.into().into_boxed_str());
        self
    }

    pub fn with_rule(mut self, rule: impl Into<String>) -> Self {
        self.rule = Some(rule.into().into_boxed_str());
        self
    }

    /// `code`, or `code/rule` when a rule found it.
    pub fn code_and_rule(&self) -> String {
        match &self.rule {
            Some(rule) => format!("{}/{rule}", self.code),
            None => self.code.clone(),
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column` (or the parts that are known).
    pub fn location(&self) -> Option<String> {
        let file = self.file.as_ref()?.display().to_string();
        Some(match (self.line, self.column) {
            (0, _) => file,
            (l, 0) => format!("{file}:{l}"),
            (l, c) => format!("{file}:{l}:{c}"),
        })
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(loc) = self.location() {
            write!(f, "{loc}: ")?;
        }
        write!(
            f,
            "{}[{}]: {}",
            self.severity,
            self.code_and_rule(),
            self.message
        )?;
        if let Some(s) = &self.suggestion {
            write!(f, "\n  help: {s}")?;
        }
        Ok(())
    }
}

/// Orders diagnostics by file and position (stable: same-place ones keep their order).
pub fn sort(list: &mut [Diagnostic]) {
    list.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
}

/// 1-based (line, column) of a byte offset into `text`; columns count characters.
///
/// Positions are only needed for diagnostics, which are rare, so nothing is precomputed: a
/// lookup counts the line breaks before the offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let (breaks, last) = line_breaks(before.as_bytes());
    let start = last.map_or(0, |i| i + 1);
    (breaks + 1, before[start..].chars().count() + 1)
}

/// Line and column lookups in one text, for when it has many findings: the line starts are
/// found once (on first use), then each lookup is a binary search.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: std::cell::OnceCell<Vec<usize>>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        LineIndex {
            text,
            starts: std::cell::OnceCell::new(),
        }
    }

    /// The same as [`line_col`]`(text, offset)`.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let text = self.text;
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let starts = self.starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1))
                .collect()
        });
        let line = starts.partition_point(|&s| s <= offset);
        let start = starts[line - 1];
        (line, text[start..offset].chars().count() + 1)
    }
}

/// How many line breaks (`\n`) `bytes` has, and where the last one is; eight bytes a step.
pub fn line_breaks(bytes: &[u8]) -> (usize, Option<usize>) {
    let mut count = 0;
    let mut last = None;
    let (chunks, rest) = bytes.as_chunks::<8>();
    for (n, chunk) in chunks.iter().enumerate() {
        let breaks = crate::lanes::equal(crate::lanes::word(chunk), b'\n');
        if breaks != 0 {
            count += breaks.count_ones() as usize;
            last = Some(n * 8 + (63 - breaks.leading_zeros() as usize) / 8);
        }
    }
    let base = bytes.len() - rest.len();
    for (i, _) in rest.iter().enumerate().filter(|(_, b)| **b == b'\n') {
        count += 1;
        last = Some(base + i);
    }
    (count, last)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_agrees_with_line_col() {
        let text = "ab\ncé\n\nlast line\n";
        let index = LineIndex::new(text);
        for offset in 0..=text.len() + 2 {
            assert_eq!(index.line_col(offset), line_col(text, offset), "{offset}");
        }
    }

    #[test]
    fn line_breaks_are_counted_at_every_alignment() {
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for len in 0..70 {
            for _ in 0..40 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        [b'\n', b'a', b' ', 0x8A, 0x0B, 0xFF][(seed % 6) as usize]
                    })
                    .collect();
                let expected = (
                    bytes.iter().filter(|&&b| b == b'\n').count(),
                    bytes.iter().rposition(|&b| b == b'\n'),
                );
                assert_eq!(line_breaks(&bytes), expected, "{bytes:?}");
            }
        }
    }

    #[test]
    fn line_col_maps_offsets() {
        let text = "ab\ncdé\nf";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 7), (2, 4));
        assert_eq!(line_col(text, text.len() - 1), (3, 1));
    }

    #[test]
    fn display_includes_location_and_help() {
        let d = Diagnostic::error("unknown-field", "unknown field `titel`")
            .in_file("content/a.md")
            .at(2, 1)
            .suggest("did you mean `title`?");
        assert_eq!(
            d.to_string(),
            "content/a.md:2:1: error[unknown-field]: unknown field `titel`\n  help: did you mean `title`?"
        );
    }
}
