//! Property tests ("fuzzing") of the parsers of everything a site's authors write: front
//! matter, markdown with shortcodes, and site.yaml. Whatever the text, parsing never panics,
//! and every problem is located in the file it came from.
//!
//! Inputs are built from fragments of each syntax (keys, brackets, quotes, indentation,
//! shortcode tags, fences, links) mixed with arbitrary characters, so that most cases reach
//! deep into the parsers instead of failing at the first byte. `cargo test` runs 256 cases of
//! each; `PROPTEST_CASES=100000 cargo test --release --test fuzz_parsers` runs longer (see
//! benches/README.md).

use haven::config::Config;
use haven::diagnostics::Diagnostic;
use haven::markdown::{self, Environment, ShortcodeError};
use proptest::prelude::*;
use std::path::Path;

/// Text made of `fragments` and arbitrary characters, up to `max` pieces.
fn text_of(fragments: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(fragments).prop_map(str::to_string),
        1 => any::<char>().prop_map(|c| c.to_string()),
        1 => "[a-z ]{1,12}",
    ];
    proptest::collection::vec(piece, 0..max).prop_map(|pieces| pieces.concat())
}

const YAML: &[&str] = &[
    "\n",
    "\n",
    "  ",
    "    ",
    "- ",
    ": ",
    ":",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "'",
    "\"",
    "\\",
    "#",
    "|",
    ">-",
    "&a ",
    "*a",
    "!!str ",
    "? ",
    "---",
    "...",
    "\t",
    "~",
    "null",
    "true",
    "12",
    "2026-01-01",
    "2026-02-30",
    "title",
    "description",
    "date",
    "author",
    "tags",
    "aliases",
    "extra",
    "content_warnings",
    "references",
    "slug",
    "draft",
    "weight",
    "crisis_notice",
    "prominent",
    "é",
    "\u{feff}",
    "\r",
];

const SITE_YAML: &[&str] = &[
    "\n",
    "\n",
    "  ",
    "    ",
    "      ",
    "- ",
    ": ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    "'",
    "\"",
    "#",
    "|",
    "&a ",
    "*a",
    "title: T\n",
    "base_url: https://e.org/\n",
    "safety:\n",
    "regions:\n",
    "US:\n",
    "name: ",
    "emergency: '911'\n",
    "resources:\n",
    "call: '988'\n",
    "topics:\n",
    "label: x\n",
    "terms: [a*]\n",
    "phrases:\n",
    "id: x\n",
    "pattern: '(a'\n",
    "review:\n",
    "max_grade: 8\n",
    "taxonomies:\n",
    "paginate_by: -1\n",
    "search:\n",
    "theme: calm\n",
    "extra:\n",
    "default_region: US\n",
    "help_page: get-help\n",
    "\t",
    "\r",
];

const MARKDOWN: &[&str] = &[
    "\n",
    "\n\n",
    "{% box() %}\n",
    "{% box(kind=\"tip\") %}\n",
    "{% end %}\n",
    "{{ box(x=1) }}\n",
    "{{ nope() }}\n",
    "{% box(a=) %}\n",
    "{{ box(\"unclosed) }}\n",
    "```\n",
    "~~~\n",
    "    ",
    "# ",
    "## Title {#id}\n",
    "[link](other.md#part)",
    "[a](missing.md)",
    "[b](#anchor)",
    "<https://x.org>",
    "> ",
    ">>>> ",
    "- ",
    "1. ",
    "* ",
    "**",
    "_",
    "`",
    "|a|b|\n|-|-|\n",
    "[^1]",
    "[^1]: note\n",
    "<div>",
    "</div>",
    "<!-- more -->",
    "<!-- haven:allow unsafe-phrase -->",
    "&amp;",
    "\\",
    "[",
    "]",
    "(",
    ")",
    "!",
    "é",
    "\r",
    "\t",
    "suicide",
    "Sleep is good.",
];

/// A diagnostic about `file` that points into it.
fn located(d: &Diagnostic, file: &Path, text: &str) -> Result<(), TestCaseError> {
    prop_assert_eq!(d.file.as_deref(), Some(file), "{}", d);
    let lines = text.split('\n').count();
    prop_assert!(
        d.line >= 1 && d.line as usize <= lines + 1,
        "line {} of {}: {}",
        d.line,
        lines,
        d
    );
    Ok(())
}

/// Shortcodes as a theme has them: `box` renders its body, anything else is unknown.
struct Env;

impl Environment for Env {
    fn url_of(&self, content_path: &str) -> Option<String> {
        (content_path == "other.md").then(|| "/other/".to_string())
    }
    fn base_path(&self) -> &str {
        ""
    }
    fn render_shortcode(
        &self,
        name: &str,
        _args: &serde_json::Map<String, serde_json::Value>,
        body_html: &str,
        _file: &Path,
    ) -> Result<String, ShortcodeError> {
        match name {
            "box" => Ok(format!("<div>{body_html}</div>")),
            _ => Err(ShortcodeError::Unknown {
                known: vec!["box".to_string()],
            }),
        }
    }
}

/// A YAML value nested `depth` collections deep, written in a mix of flow and block styles.
fn nested(depth: usize, styles: &[u8]) -> String {
    let mut open = String::new();
    let mut close = String::new();
    for level in 0..depth {
        match styles[level % styles.len()] % 4 {
            0 => {
                open.push('[');
                close.insert(0, ']');
            }
            1 => {
                open.push_str("{k: ");
                close.insert(0, '}');
            }
            // Block styles only while no flow collection is open.
            2 if close.is_empty() => {
                open.push_str(&format!("\n{}- ", "  ".repeat(level + 1)));
            }
            3 if close.is_empty() => {
                open.push_str(&format!("\n{}k: ", "  ".repeat(level + 1)));
            }
            _ => {
                open.push('[');
                close.insert(0, ']');
            }
        }
    }
    format!("title: T\nextra: {open}1{close}\n")
}

proptest! {
    #[test]
    fn front_matter_never_panics_and_errors_are_located(
        front in text_of(YAML, 60),
        body in text_of(MARKDOWN, 10),
    ) {
        let file = Path::new("content/articles/a.md");
        let text = haven::content::front_matter::normalise(format!("---\n{front}\n---\n{body}"));
        if let Err(d) = haven::content::parse_page(text.clone(), file, "articles/a.md") {
            located(&d, file, &text)?;
        }
        if let Err(d) = haven::content::parse_section(text.clone(), file, "articles/_index.md") {
            located(&d, file, &text)?;
        }
    }

    /// The depth scan that protects the YAML parser never counts less than the real depth.
    #[test]
    fn the_yaml_depth_scan_is_an_upper_bound(
        depth in 1usize..100,
        styles in proptest::collection::vec(any::<u8>(), 1..8),
    ) {
        let text = nested(depth, &styles);
        // The top-level map is a level too.
        prop_assert!(haven::limits::yaml_too_deep(&text, depth).is_some(), "{text}");
        let parsed: Result<serde_json::Value, _> =
            haven::yaml::from_str(&text, Path::new("a.md"), 0);
        match parsed {
            Ok(_) => prop_assert!(depth < haven::limits::MAX_YAML_DEPTH, "{text}"),
            Err(d) => {
                prop_assert_eq!(d.code.as_str(), "yaml-too-deep", "{}", d);
                prop_assert!(depth >= haven::limits::MAX_YAML_DEPTH - 1, "{}", d);
            }
        }
    }

    #[test]
    fn markdown_and_shortcodes_never_panic_and_problems_are_located(
        body in text_of(MARKDOWN, 80),
    ) {
        let file = Path::new("content/articles/a.md");
        let text = haven::content::front_matter::normalise(format!("---\ntitle: A\n---\n{body}"));
        let offset = "---\ntitle: A\n---\n".len();
        let source = markdown::Source { file, content_path: "articles/a.md", text: &text };
        let rendered = markdown::render(&source, &text[offset..], offset, &Env);
        for d in &rendered.diagnostics {
            located(d, file, &text)?;
            prop_assert!(d.column >= 1, "{}", d);
        }
        for link in &rendered.links {
            prop_assert!(link.line >= 1 && link.column >= 1);
        }
    }

    #[test]
    fn site_yaml_never_panics_and_errors_are_located(text in text_of(SITE_YAML, 60)) {
        let file = Path::new("site.yaml");
        // As read from disk (`content::decode`): line endings normalised.
        let text = haven::content::front_matter::normalise(text);
        match Config::parse(&text, file) {
            Ok(config) => {
                // Locating keys for later messages never fails either.
                let (line, column) = config.source.position(&["safety", "regions", "US", "resources", "0"]);
                prop_assert!(line >= 1 && column >= 1);
                let _ = haven::check::check_resources(&config);
            }
            Err(d) => located(&d, file, &text)?,
        }
    }
}
