//! Shortcode syntax: finding calls in markdown and parsing their arguments.
//!
//! ```text
//! {{ cta(heading="Talk to someone", link="get-help.md") }}      inline call, one line
//! {% callout(kind="tip", title="Try this") %}                   call with a markdown body
//! Body **markdown**
//! {% end %}
//! ```
//! Calls stand on lines of their own, outside fenced code blocks. Each call is replaced by a
//! placeholder comment line (plus blank lines, so line numbers in the rest of the file stay
//! true); the rendered shortcode takes the placeholder's place after markdown rendering.

use serde_json::{Map, Value};

/// One shortcode call found in a markdown body.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub name: String,
    pub args: Map<String, Value>,
    /// Markdown body of a block call (`None` for inline calls).
    pub body: Option<String>,
    /// Byte offset of the body within the scanned text.
    pub body_offset: usize,
    /// Byte offset of the call's first line within the scanned text.
    pub offset: usize,
}

/// A problem in shortcode syntax, at a byte offset of the scanned text.
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

/// The text with calls replaced by placeholders, and the calls in order.
#[derive(Debug, Default)]
pub struct Scanned<'a> {
    /// Borrowed unchanged when the text has no shortcodes (the common case).
    pub text: std::borrow::Cow<'a, str>,
    pub calls: Vec<Call>,
    /// `(position in text, position in the input)` after each replaced call, from where on
    /// positions in the text correspond to the input's again (a placeholder is not as long as
    /// the call it replaces). Empty when nothing was replaced.
    shifts: Vec<(usize, usize)>,
}

impl Scanned<'_> {
    /// The position in the input of byte `pos` of the text (a position inside a placeholder
    /// maps into the call it replaced).
    pub fn input_position(&self, pos: usize) -> usize {
        match self.shifts.partition_point(|&(at, _)| at <= pos) {
            0 => pos,
            i => {
                let (at, input) = self.shifts[i - 1];
                input + (pos - at)
            }
        }
    }
}

pub fn placeholder(index: usize) -> String {
    format!("<!--haven:sc:{index}-->")
}

enum Line<'a> {
    Inline(&'a str, &'a str),
    Open(&'a str, &'a str),
    End,
    Other,
}

fn classify(line: &str) -> Line<'_> {
    let t = line.trim();
    if let Some(inner) = t.strip_prefix("{{").and_then(|r| r.strip_suffix("}}")) {
        if let Some((name, args)) = call_parts(inner.trim()) {
            return Line::Inline(name, args);
        }
    } else if let Some(inner) = t.strip_prefix("{%").and_then(|r| r.strip_suffix("%}")) {
        let inner = inner.trim();
        if inner == "end" {
            return Line::End;
        }
        if let Some((name, args)) = call_parts(inner) {
            return Line::Open(name, args);
        }
    }
    Line::Other
}

/// `name(args)` → (name, args).
fn call_parts(inner: &str) -> Option<(&str, &str)> {
    let open = inner.find('(')?;
    let name = inner[..open].trim();
    let args = inner[open + 1..].strip_suffix(')')?;
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    valid.then_some((name, args))
}

fn fence_marker(line: &str) -> Option<&str> {
    let t = line.trim_start();
    ["```", "~~~"].into_iter().find(|m| t.starts_with(m))
}

/// Finds the shortcode calls of `text`.
pub fn scan(text: &str) -> Result<Scanned<'_>, Vec<SyntaxError>> {
    // Most pages have no shortcodes: one pass over the text, at the speed of `memchr`.
    let bytes = text.as_bytes();
    let opens_call = |i: usize| matches!(bytes.get(i + 1), Some(b'{' | b'%'));
    if !memchr::memchr_iter(b'{', bytes).any(opens_call) {
        return Ok(Scanned {
            text: std::borrow::Cow::Borrowed(text),
            calls: Vec::new(),
            shifts: Vec::new(),
        });
    }
    let mut out = Scanned {
        text: std::borrow::Cow::Owned(String::with_capacity(text.len())),
        calls: Vec::new(),
        shifts: Vec::new(),
    };
    let mut errors = Vec::new();
    let mut fence: Option<&str> = None;
    // An open block call: (name, args, call offset, body start, indent, depth of nested opens).
    let mut open: Option<(&str, &str, usize, usize, &str, usize)> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let here = offset;
        offset += line.len();
        if let Some((_, _, _, _, _, depth)) = open.as_mut() {
            // Inside a block body: only track nesting; the body is scanned again when rendered.
            match classify(line) {
                Line::Open(name, _) => {
                    *depth += 1;
                    // The outer call is the first level. Each level's body is scanned and
                    // rendered again, so depth costs time and stack: stop here.
                    if *depth >= crate::limits::MAX_SHORTCODE_DEPTH {
                        errors.push(SyntaxError {
                            offset: here,
                            message: format!(
                                "shortcode `{name}` is nested {} levels deep; at most {} are allowed",
                                *depth + 1,
                                crate::limits::MAX_SHORTCODE_DEPTH
                            ),
                        });
                        return Err(errors);
                    }
                }
                Line::End if *depth > 0 => *depth -= 1,
                Line::End => {
                    if let Some((name, args, call_offset, body_start, indent, _)) = open.take() {
                        let body = text[body_start..here].to_string();
                        push_call(
                            &mut out,
                            &mut errors,
                            (name, args, call_offset, indent),
                            Some(body),
                            body_start,
                        );
                        // One line for the placeholder, then blank lines up to the `{% end %}` line.
                        let newlines = text[call_offset..offset].matches('\n').count();
                        out.text.to_mut().push_str(&"\n".repeat(newlines));
                        out.shifts.push((out.text.len(), offset));
                    }
                }
                _ => {}
            }
            continue;
        }
        if let Some(marker) = fence {
            if line.trim_start().starts_with(marker) {
                fence = None;
            }
            out.text.to_mut().push_str(line);
            continue;
        }
        if let Some(marker) = fence_marker(line) {
            fence = Some(marker);
            out.text.to_mut().push_str(line);
            continue;
        }
        let indent = &line[..line.len() - line.trim_start().len()];
        match classify(line) {
            Line::Inline(name, args) => {
                push_call(
                    &mut out,
                    &mut errors,
                    (name, args, here, indent),
                    None,
                    here,
                );
                if line.ends_with('\n') {
                    out.text.to_mut().push('\n');
                }
                out.shifts.push((out.text.len(), offset));
            }
            Line::Open(name, args) => open = Some((name, args, here, offset, indent, 0)),
            Line::End => errors.push(SyntaxError {
                offset: here,
                message: "`{% end %}` without an opening shortcode".to_string(),
            }),
            Line::Other => out.text.to_mut().push_str(line),
        }
    }
    if let Some((name, _, call_offset, ..)) = open {
        errors.push(SyntaxError {
            offset: call_offset,
            message: format!("shortcode `{name}` is never closed; add a line `{{% end %}}`"),
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn push_call(
    out: &mut Scanned<'_>,
    errors: &mut Vec<SyntaxError>,
    (name, args, offset, indent): (&str, &str, usize, &str),
    body: Option<String>,
    body_offset: usize,
) {
    match parse_args(args) {
        Ok(args) => {
            out.text.to_mut().push_str(indent);
            out.text.to_mut().push_str(&placeholder(out.calls.len()));
            out.calls.push(Call {
                name: name.to_string(),
                args,
                body,
                body_offset,
                offset,
            });
        }
        Err(message) => errors.push(SyntaxError {
            offset,
            message: format!("in shortcode `{name}`: {message}"),
        }),
    }
}

/// Parses `a="x", b=3, c=true`.
pub fn parse_args(input: &str) -> Result<Map<String, Value>, String> {
    let mut args = Map::new();
    let mut rest = input.trim();
    while !rest.is_empty() {
        let eq = rest
            .find('=')
            .ok_or_else(|| format!("expected `name=value`, found `{rest}`"))?;
        let name = rest[..eq].trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(format!("invalid argument name `{name}`"));
        }
        let after = rest[eq + 1..].trim_start();
        let (value, remaining) = if let Some(quoted) = after.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        Some((_, n)) => value.push(n),
                        None => break,
                    },
                    '"' => {
                        end = Some(i);
                        break;
                    }
                    c => value.push(c),
                }
            }
            let end = end.ok_or_else(|| format!("the value of `{name}` has no closing quote"))?;
            (Value::String(value), &quoted[end + 1..])
        } else {
            let end = after.find(',').unwrap_or(after.len());
            let raw = after[..end].trim();
            let value = match raw {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => raw
                    .parse::<i64>()
                    .map(Value::from)
                    .or_else(|_| raw.parse::<f64>().map(Value::from))
                    .map_err(|_| {
                        format!("the value of `{name}` must be a \"quoted string\", a number, true or false")
                    })?,
            };
            (value, &after[end..])
        };
        if args.insert(name.to_string(), value).is_some() {
            return Err(format!("argument `{name}` is given twice"));
        }
        rest = remaining.trim_start();
        if let Some(r) = rest.strip_prefix(',') {
            rest = r.trim_start();
        } else if !rest.is_empty() {
            return Err(format!("expected `,` before `{rest}`"));
        }
    }
    Ok(args)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_arguments_of_every_type() {
        let a = parse_args(r#"title="Say \"hi\", friend", n=3, x=1.5, ok=true"#).unwrap();
        assert_eq!(a["title"], "Say \"hi\", friend");
        assert_eq!(a["n"], 3);
        assert_eq!(a["x"], 1.5);
        assert_eq!(a["ok"], true);
        assert!(parse_args("").unwrap().is_empty());
        assert!(parse_args("a=bare").is_err());
        assert!(parse_args(r#"a="x" b="y""#).is_err());
        assert!(parse_args(r#"a="open"#).is_err());
    }

    #[test]
    fn replaces_calls_and_keeps_line_numbers() {
        let text = "Intro\n\n{{ cta(link=\"a.md\") }}\n\n{% callout(kind=\"tip\") %}\nBody\nmore\n{% end %}\nLast line\n";
        let s = scan(text).unwrap();
        assert_eq!(s.calls.len(), 2);
        assert_eq!(s.calls[0].name, "cta");
        assert_eq!(s.calls[1].body.as_deref(), Some("Body\nmore\n"));
        assert_eq!(&text[s.calls[1].body_offset..][..4], "Body");
        assert_eq!(s.text.lines().count(), text.lines().count());
        assert_eq!(s.text.lines().nth(8), Some("Last line"));
        assert!(s.text.contains(&placeholder(1)));
    }

    #[test]
    fn text_without_calls_is_borrowed_unchanged() {
        for text in [
            "",
            "Plain {braces} and { spaced } ones {",
            "JSON: {\"a\": {\"b\": 1}}",
        ] {
            let s = scan(text).unwrap();
            assert!(matches!(s.text, std::borrow::Cow::Borrowed(t) if t == text));
            assert!(s.calls.is_empty());
        }
        // Either opener, anywhere (even last, or right after a lone brace), is looked at.
        assert_eq!(scan("a {\n{{ b() }}\n").unwrap().calls.len(), 1);
        assert!(scan("a { b }\n{% end %}\n").is_err());
        assert!(scan("{\n{% end %}").is_err());
    }

    #[test]
    fn ignores_calls_in_code_fences() {
        let text = "```\n{{ cta() }}\n```\n";
        let s = scan(text).unwrap();
        assert!(s.calls.is_empty());
        assert_eq!(s.text, text);
    }

    #[test]
    fn nested_blocks_close_at_the_matching_end() {
        let text = "{% a() %}\n{% b() %}\nx\n{% end %}\n{% end %}\nafter\n";
        let s = scan(text).unwrap();
        assert_eq!(s.calls.len(), 1);
        assert_eq!(
            s.calls[0].body.as_deref(),
            Some("{% b() %}\nx\n{% end %}\n")
        );
        assert_eq!(s.text.lines().count(), 6);
    }

    #[test]
    fn nesting_is_limited_where_it_passes_the_limit() {
        let max = crate::limits::MAX_SHORTCODE_DEPTH;
        let nested = |levels: usize| {
            format!(
                "intro\n{}x\n{}",
                "{% box() %}\n".repeat(levels),
                "{% end %}\n".repeat(levels)
            )
        };
        assert_eq!(scan(&nested(max)).unwrap().calls.len(), 1);
        let text = nested(10_000);
        let e = scan(&text).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].offset, "intro\n".len() + max * "{% box() %}\n".len());
        assert!(
            e[0].message.contains("nested 33 levels deep"),
            "{}",
            e[0].message
        );
    }

    #[test]
    fn unclosed_and_stray_ends_are_errors() {
        assert!(scan("{% a() %}\nbody\n").is_err());
        assert!(scan("{% end %}\n").is_err());
        let e = scan("text\n{{ a(x=) }}\n").unwrap_err();
        assert_eq!(e[0].offset, 5);
    }
}
