//! YAML → typed values, with errors an author can act on.
//!
//! Wraps `serde_yaml` so every error becomes a [`Diagnostic`] with the file, line and column,
//! and unknown keys come with a "did you mean" suggestion. YAML nested deeper than
//! [`MAX_YAML_DEPTH`](crate::limits::MAX_YAML_DEPTH) is rejected before it is parsed.

use crate::diagnostics::Diagnostic;
use serde::de::DeserializeOwned;
use std::path::Path;

/// Deserializes `text`; `line_offset` is added to reported lines (front matter starts after `---`).
pub fn from_str<T: DeserializeOwned>(
    text: &str,
    file: &Path,
    line_offset: usize,
) -> Result<T, Diagnostic> {
    if let Some(at) = crate::limits::yaml_too_deep(text, crate::limits::MAX_YAML_DEPTH) {
        return Err(crate::limits::too_deep(
            file,
            at.line + line_offset,
            at.column,
        ));
    }
    serde_yaml::from_str(text).map_err(|e| to_diagnostic(&e, text, file, line_offset))
}

fn to_diagnostic(
    error: &serde_yaml::Error,
    text: &str,
    file: &Path,
    line_offset: usize,
) -> Diagnostic {
    let full = error.to_string();
    // serde_yaml appends " at line L column C"; the location goes into its own fields.
    let message = match full.rfind(" at line ") {
        Some(i) if error.location().is_some() => full[..i].to_string(),
        _ => full,
    };
    let (code, message, suggestion) = explain(&message, text);
    let mut diagnostic = Diagnostic::error(code, message).in_file(file);
    diagnostic = match error.location() {
        Some(loc) => diagnostic.at(loc.line() + line_offset, loc.column()),
        // Some errors concern the whole text (more than one document): its first line.
        None => diagnostic.at(1 + line_offset, 1),
    };
    if let Some(s) = suggestion {
        diagnostic = diagnostic.suggest(s);
    }
    let error_line = error
        .location()
        .and_then(|l| text.lines().nth(l.line().saturating_sub(1)));
    if error_line.is_some_and(|l| l.contains('\t')) {
        diagnostic = diagnostic
            .suggest("this line contains a tab: YAML indentation must use spaces, not tabs");
    }
    diagnostic
}

/// Turns serde's wording into a code, a message and a suggestion.
fn explain(message: &str, text: &str) -> (&'static str, String, Option<String>) {
    if let Some((path, rest)) = split_unknown_field(message) {
        let (field, expected) = rest;
        let suggestion = match closest(&field, &expected) {
            Some(best) => format!("did you mean `{best}`?"),
            None if expected.is_empty() => "remove this key".to_string(),
            None => format!(
                "remove it or use one of: {}",
                expected
                    .iter()
                    .map(|e| format!("`{e}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let message = match path {
            Some(p) => format!("unknown key `{field}` in `{p}`"),
            None => format!("unknown key `{field}`"),
        };
        return ("unknown-field", message, Some(suggestion));
    }
    if message.contains("missing field") {
        return (
            "missing-field",
            message.to_string(),
            Some("add the key; see `haven schema` for the full list".to_string()),
        );
    }
    if message.contains("recursion limit exceeded") && !text.contains('*') {
        return (
            "yaml-too-deep",
            format!("{message}: the YAML nests lists and maps too deeply"),
            Some(
                "flatten this value: real settings and front matter need a few levels at most"
                    .to_string(),
            ),
        );
    }
    if message.contains("recursion limit exceeded") || message.contains("repetition limit exceeded")
    {
        return (
            "yaml-too-complex",
            format!("{message}: the YAML expands to too much data (nested aliases?)"),
            Some("write the values out instead of using `&anchors` and `*aliases`".to_string()),
        );
    }
    if message.contains("invalid type") || message.contains("invalid value") {
        return ("invalid-type", message.to_string(), None);
    }
    if message.contains("tab") {
        return (
            "invalid-yaml",
            message.to_string(),
            Some("YAML indentation must use spaces, not tabs".to_string()),
        );
    }
    ("invalid-yaml", message.to_string(), None)
}

type UnknownField = (Option<String>, (String, Vec<String>));

/// Parses serde's "path: unknown field `x`, expected one of `a`, `b`" (or "expected `a`").
fn split_unknown_field(message: &str) -> Option<UnknownField> {
    let idx = message.find("unknown field `")?;
    let path = message[..idx].trim_end_matches(": ").trim();
    let rest = &message[idx + "unknown field `".len()..];
    let end = rest.find('`')?;
    let field = rest[..end].to_string();
    let expected = rest[end + 1..]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    let path = (!path.is_empty()).then(|| path.to_string());
    Some((path, (field, expected)))
}

/// The candidate closest to `word`, if it is close enough to be a plausible typo.
pub fn closest<'a>(word: &str, candidates: &'a [String]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Doc {
        title: String,
        #[serde(default)]
        tags: Vec<String>,
    }

    fn parse(text: &str) -> Result<Doc, Diagnostic> {
        from_str(text, Path::new("a.md"), 1)
    }

    #[test]
    fn unknown_key_has_location_and_suggestion() {
        let e = parse("title: A\ntgas: [x]\n").unwrap_err();
        assert_eq!(e.code, "unknown-field");
        assert_eq!(e.message, "unknown key `tgas`");
        assert_eq!((e.line, e.column), (3, 1));
        assert_eq!(e.suggestion.as_deref(), Some("did you mean `tags`?"));
    }

    #[test]
    fn wrong_type_is_located() {
        let e = parse("title: [a]\n").unwrap_err();
        assert_eq!(e.code, "invalid-type");
        assert!(e.message.contains("title"), "{}", e.message);
        assert_eq!(e.line, 2);
    }

    /// Found by tests/fuzz_parsers.rs: an error of the whole text came without a line.
    #[test]
    fn errors_without_a_position_point_at_the_first_line() {
        let e = parse("  title: \na").unwrap_err();
        assert_eq!((e.line, e.column), (2, 1), "{e}");
    }

    #[test]
    fn tabs_are_explained() {
        let e = parse("title: A\n\ttags: [x]\n").unwrap_err();
        assert_eq!(e.code, "invalid-yaml");
        assert_eq!(e.line, 3);
        assert!(e.suggestion.unwrap().contains("tab"));
    }

    #[test]
    fn alias_bomb_is_rejected_quickly() {
        let mut text =
            String::from("a: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\n");
        for i in 1..10 {
            let prev = (b'a' + i - 1) as char;
            let cur = (b'a' + i) as char;
            text.push_str(&format!(
                "{cur}: &{cur} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"
            ));
        }
        text.push_str("title: x\n");
        let e = from_str::<serde_json::Value>(&text, Path::new("a.md"), 0).unwrap_err();
        assert_eq!(e.code, "yaml-too-complex");
    }

    /// Nesting deep enough to take the parser most of a minute is rejected before parsing,
    /// located, and not blamed on aliases.
    #[test]
    fn deep_nesting_is_rejected_before_parsing() {
        for (open, close) in [("[", "]"), ("{a: ", "}"), ("- ", "")] {
            let text = format!(
                "title: A\nextra: {}1{}\n",
                open.repeat(100_000),
                close.repeat(100_000)
            );
            let start = std::time::Instant::now();
            let e = from_str::<serde_json::Value>(&text, Path::new("a.md"), 1).unwrap_err();
            assert_eq!(e.code, "yaml-too-deep", "{open}: {e}");
            assert_eq!(e.line, 3, "{e}");
            assert!(!e.to_string().contains("alias"), "{e}");
            // Generous for a loaded machine: the parser took over 40 s on this input.
            assert!(start.elapsed().as_secs() < 5, "{:?}", start.elapsed());
        }
        let ok = format!("extra: {}1{}\n", "[".repeat(20), "]".repeat(20));
        assert!(from_str::<serde_json::Value>(&ok, Path::new("a.md"), 0).is_ok());
    }
}
