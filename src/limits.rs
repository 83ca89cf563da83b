//! Limits on what a site's files may ask of a build, so that hostile or broken content (a pull
//! request, a browser editor) gets a located error instead of exhausting memory, the stack or
//! time.
//!
//! Each limit is far above what a real psychoeducation site needs (see docs/security.md); a
//! file over one is rejected with its location and what to do, before the costly work starts.

use crate::diagnostics::Diagnostic;
use std::path::Path;

/// Largest content file (markdown) Haven reads.
pub const MAX_CONTENT_BYTES: u64 = 16 * 1024 * 1024;

/// Largest `site.yaml`.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Largest front matter block (between the `---` lines).
pub const MAX_FRONT_MATTER_BYTES: usize = 256 * 1024;

/// Deepest nesting of YAML collections (front matter and `site.yaml`).
pub const MAX_YAML_DEPTH: usize = 64;

/// Most tags on one page: each tag is an output page and a feed that list the page.
pub const MAX_TAGS: usize = 100;

/// Most aliases of one page: each is an output file.
pub const MAX_ALIASES: usize = 100;

/// Most items of any other list in front matter (`references`, lists under `extra`, …).
pub const MAX_LIST_ITEMS: usize = 1000;

/// Deepest nesting of block shortcodes (`{% a() %}` inside `{% b() %}` …).
pub const MAX_SHORTCODE_DEPTH: usize = 32;

/// The error of a file larger than `max` bytes.
pub fn too_large(file: &Path, size: u64, max: u64, what: &str, help: &str) -> Diagnostic {
    Diagnostic::error(
        "file-too-large",
        format!(
            "{what} is {} (the limit is {})",
            human_bytes(size),
            human_bytes(max)
        ),
    )
    .in_file(file)
    .at(1, 1)
    .suggest(help.to_string())
}

/// `1536` → `1.5 KiB`.
pub fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["bytes", "KiB", "MiB", "GiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} bytes")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

/// Where YAML nests deeper than allowed: 1-based line and column in the scanned text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    pub line: usize,
    pub column: usize,
}

/// Finds the first place where YAML `text` nests collections deeper than `max`, in one pass
/// and without parsing: the YAML parser takes time that grows faster than the depth (20,000
/// levels took a second, 100,000 most of a minute) before its own recursion limit stops it.
///
/// The depth counted is an upper bound of the real one: indentation levels of block
/// collections, plus `- ` and `? ` entries that open a nested collection on the same line, plus
/// open flow collections (`[` and `{` where a value starts, or anywhere inside a flow
/// collection). Quoted scalars, comments and block scalars (`|`, `>`) are skipped.
pub fn yaml_too_deep(text: &str, max: usize) -> Option<TooDeep> {
    // Each level needs a line of its own or one of these characters: most front matter has
    // too few of them to nest that deep, and counting them is far cheaper than the scan.
    let bytes = text.as_bytes();
    let openers = memchr::memchr3_iter(b'\n', b'[', b'{', bytes).count()
        + memchr::memchr2_iter(b'-', b'?', bytes).count();
    if openers < max {
        return None;
    }
    let mut indents: Vec<usize> = Vec::new();
    let mut flow = 0usize;
    // An open quoted scalar (it may span lines): its quote character.
    let mut quote: Option<u8> = None;
    // The indentation of the line that opened a block scalar, whose lines are deeper.
    let mut block_scalar: Option<usize> = None;
    // Block collections around the current line (or around the open flow collection).
    let mut base = 0;
    for (n, line) in text.split('\n').enumerate() {
        let bytes = line.as_bytes();
        let indent = bytes.iter().take_while(|&&b| b == b' ').count();
        let blank = bytes[indent..].iter().all(|b| b.is_ascii_whitespace());
        if let Some(parent) = block_scalar {
            if blank || indent > parent {
                continue;
            }
            block_scalar = None;
        }
        if quote.is_none() && flow == 0 {
            if blank || bytes[indent] == b'#' {
                continue;
            }
            while indents.last().is_some_and(|&i| i > indent) {
                indents.pop();
            }
            if indents.last().is_none_or(|&i| i < indent) {
                indents.push(indent);
            }
            base = indents.len();
        }
        let mut entries = 0usize;
        let mut i = if quote.is_none() && flow == 0 {
            indent
        } else {
            0
        };
        // The last byte that was not a space: a value starts after one of these.
        let mut previous = b'\n';
        let mut last_token_start = None;
        while i < bytes.len() {
            let b = bytes[i];
            if let Some(q) = quote {
                if q == b'"' && b == b'\\' {
                    i += 2;
                    continue;
                }
                if b == q {
                    if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    quote = None;
                    previous = b;
                }
                i += 1;
                continue;
            }
            let starts_value = matches!(previous, b'\n' | b':' | b'-' | b'?' | b'[' | b'{' | b',');
            // Whether this byte is YAML structure (an indicator) rather than scalar text.
            let mut indicator = false;
            match b {
                b' ' | b'\t' => {
                    i += 1;
                    continue;
                }
                b'#' if i == 0 || matches!(bytes[i - 1], b' ' | b'\t') => break,
                b'"' | b'\'' if starts_value => quote = Some(b),
                b'-' | b'?'
                    if flow == 0
                        && matches!(previous, b'\n' | b'-' | b'?' | b':')
                        && bytes.get(i + 1).is_none_or(|&c| c == b' ') =>
                {
                    entries += 1;
                    indicator = true;
                }
                b'[' | b'{' if flow > 0 || starts_value => {
                    flow += 1;
                    indicator = true;
                }
                b']' | b'}' if flow > 0 => {
                    flow -= 1;
                    indicator = true;
                }
                b',' if flow > 0 => indicator = true,
                b':' => {
                    indicator = flow > 0 || bytes.get(i + 1).is_none_or(|&c| c == b' ');
                }
                _ => {}
            }
            if base + entries + flow > max {
                return Some(TooDeep {
                    line: n + 1,
                    column: line[..i].chars().count() + 1,
                });
            }
            if starts_value {
                last_token_start = Some(i);
            }
            previous = if indicator { b } else { b'a' };
            i += 1;
        }
        // `key: |`, `- >-`: the lines after are text.
        if quote.is_none()
            && flow == 0
            && let Some(start) = last_token_start
        {
            let token = line[start..]
                .split(" #")
                .next()
                .unwrap_or_default()
                .trim_end();
            let mut chars = token.bytes();
            if matches!(chars.next(), Some(b'|' | b'>'))
                && chars.all(|c| c == b'-' || c == b'+' || c.is_ascii_digit())
            {
                block_scalar = Some(indent);
            }
        }
    }
    None
}

/// The error of YAML nested too deeply at `at` (a position in `file`).
pub fn too_deep(file: &Path, line: usize, column: usize) -> Diagnostic {
    Diagnostic::error(
        "yaml-too-deep",
        format!("the YAML nests lists and maps more than {MAX_YAML_DEPTH} levels deep"),
    )
    .in_file(file)
    .at(line, column)
    .suggest("flatten this value: real settings and front matter need a few levels at most")
}

/// The first list in `value` (a front matter `extra` value) with more than `max` items, and its
/// length; walked without recursion.
pub fn long_list(value: &serde_json::Value, max: usize) -> Option<usize> {
    let mut stack = vec![value];
    while let Some(v) = stack.pop() {
        match v {
            serde_json::Value::Array(items) => {
                if items.len() > max {
                    return Some(items.len());
                }
                stack.extend(items);
            }
            serde_json::Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_error(text: &str, max: usize) -> Option<(usize, usize)> {
        yaml_too_deep(text, max).map(|d| (d.line, d.column))
    }

    #[test]
    fn ordinary_yaml_is_well_within_the_limit() {
        let text = "title: \"A [b] {c}\"\ntags: [a, b]\nextra:\n  people:\n    - name: x\n      roles: [a, {b: [c]}]\n  note: |\n    [[[[[[[[\n    {{{{{{{{\n  quote: 'it''s [[[['\n# [[[[[[[\nurl: http://x.org/a#[[[[\nplain: a [[[[[ b\n";
        // The top-level map, `extra`, `people`, its item, `roles`, `{b: …}` and `[c]`.
        assert_eq!(depth_error(text, 7), None);
        assert_eq!(depth_error(text, 6), Some((6, 22)));
    }

    #[test]
    fn deep_flow_collections_are_found_where_they_pass_the_limit() {
        let text = format!("title: A\nextra: {}1{}\n", "[".repeat(100), "]".repeat(100));
        // `extra` is one level; the tenth bracket makes eleven.
        assert_eq!(depth_error(&text, 10), Some((2, 17)));
        let text = format!("extra: {}\n", "{a: ".repeat(100));
        assert!(depth_error(&text, 10).is_some());
        // Across lines.
        let text = format!("extra:\n{}", "  [\n".repeat(50));
        assert_eq!(depth_error(&text, 10).map(|d| d.0), Some(10));
    }

    #[test]
    fn compact_and_indented_nesting_count() {
        let text = format!("extra: {}x\n", "- ".repeat(20));
        assert!(depth_error(&text, 10).is_some());
        let mut text = String::new();
        for level in 0..20 {
            text.push_str(&format!("{}k{level}:\n", " ".repeat(level)));
        }
        assert!(depth_error(&text, 10).is_some());
        assert_eq!(depth_error(&text, 20), None);
    }

    #[test]
    fn quotes_hide_brackets_until_they_close() {
        let text = "a: \"[[[[[[\n[[[[[[\"\nb: '[[[[[['\nc: x\n";
        assert_eq!(depth_error(text, 2), None);
        let text = "a: \"x\\\"[[[[\"\nb: [[[[\n";
        assert!(depth_error(text, 2).is_some());
    }

    #[test]
    fn long_lists_are_found_at_any_depth() {
        let v = serde_json::json!({"a": [1, 2], "b": {"c": [[1, 2, 3, 4]]}});
        assert_eq!(long_list(&v, 3), Some(4));
        assert_eq!(long_list(&v, 4), None);
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_bytes(10), "10 bytes");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(16 * 1024 * 1024), "16.0 MiB");
    }
}
