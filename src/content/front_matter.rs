//! Front matter: the YAML block between `---` lines at the top of a content file.

use crate::diagnostics::Diagnostic;
use crate::yaml;
use jiff::civil::Date;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Front matter of a page (an article in a section, or a stand-alone page).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PageFront {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Publication date.
    #[serde(default)]
    pub date: Option<Date>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub updated: Option<Date>,
    /// "Name, credentials" of the clinical reviewer.
    #[serde(default)]
    pub reviewed_by: Option<String>,
    #[serde(default)]
    pub reviewed: Option<Date>,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// Topic keys from `safety.topics`.
    #[serde(default)]
    pub content_warnings: Vec<String>,
    #[serde(default)]
    pub crisis_notice: Option<CrisisNotice>,
    #[serde(default)]
    pub slug: Option<String>,
    /// Old URL paths that redirect here.
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub weight: i64,
    #[serde(default)]
    pub references: Vec<String>,
    #[serde(default)]
    pub extra: serde_json::Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum CrisisNotice {
    Standard,
    Prominent,
}

/// Front matter of a section (`_index.md`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionFront {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub sort_by: SortBy,
    /// Pages per listing page; 0 = all on one page.
    #[serde(default)]
    pub paginate_by: usize,
    #[serde(default)]
    pub weight: i64,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub extra: serde_json::Value,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    #[default]
    Date,
    Title,
    Weight,
}

/// A content file split into its front matter and body.
#[derive(Debug, Clone, PartialEq)]
pub struct Split<'a> {
    pub front: &'a str,
    /// 1-based line of the first front matter line (the one after `---`).
    pub front_line: usize,
    pub body: &'a str,
    /// Byte offset of the body in the (normalised) file text.
    pub body_offset: usize,
}

/// Splits `---\n<yaml>\n---\n<body>`. `text` must already be normalised (no BOM, `\n` endings).
pub fn split<'a>(text: &'a str, file: &Path) -> Result<Split<'a>, Diagnostic> {
    let Some(rest) = text.strip_prefix("---\n") else {
        let what = if text.trim().is_empty() {
            "the file is empty"
        } else {
            "the file does not start with front matter"
        };
        return Err(Diagnostic::error(
            "missing-front-matter",
            format!("{what}; every content file needs a front matter block with at least a title"),
        )
        .in_file(file)
        .at(1, 1)
        .suggest("start the file with:\n---\ntitle: \"Your title\"\n---"));
    };
    let close = if rest.starts_with("---\n") || rest == "---" {
        Some(0)
    } else {
        rest.find("\n---\n")
            .map(|i| i + 1)
            .or_else(|| rest.ends_with("\n---").then(|| rest.len() - 3))
    };
    let Some(close) = close else {
        return Err(
            Diagnostic::error("unclosed-front-matter", "the front matter is not closed")
                .in_file(file)
                .at(1, 1)
                .suggest("add a line with only `---` after the last front matter key"),
        );
    };
    let front = &rest[..close];
    let body_start = (4 + close + 4).min(text.len());
    Ok(Split {
        front,
        front_line: 2,
        body: &text[body_start..],
        body_offset: body_start,
    })
}

/// Parses the front matter of a page.
pub fn parse_page(split: &Split<'_>, file: &Path) -> Result<PageFront, Diagnostic> {
    use crate::limits::{MAX_ALIASES, MAX_LIST_ITEMS, MAX_TAGS};
    let mut front: PageFront = parse(split, file)?;
    // A blank category or tag (`category: ""`, as `haven new article` writes it) is none: it
    // would make a term without a URL.
    front.category = front.category.filter(|c| !c.trim().is_empty());
    front.tags.retain(|t| !t.trim().is_empty());
    let lists: [(&str, usize, usize, &str); 4] = [
        (
            "tags",
            front.tags.len(),
            MAX_TAGS,
            "keep the few that readers browse by; a category groups articles more broadly",
        ),
        (
            "aliases",
            front.aliases.len(),
            MAX_ALIASES,
            "keep the old URLs that are still linked to; a host's redirect rules can cover the rest",
        ),
        (
            "content_warnings",
            front.content_warnings.len(),
            MAX_LIST_ITEMS,
            "list each topic once",
        ),
        (
            "references",
            front.references.len(),
            MAX_LIST_ITEMS,
            "link to a reading list instead",
        ),
    ];
    for (key, len, max, help) in lists {
        if len > max {
            return Err(too_long(split, file, key, len, max, help));
        }
    }
    if let Some(len) = crate::limits::long_list(&front.extra, MAX_LIST_ITEMS) {
        return Err(too_long(
            split,
            file,
            "extra",
            len,
            MAX_LIST_ITEMS,
            "keep data for templates short; front matter describes one page",
        ));
    }
    Ok(front)
}

/// The error of a front matter list with more items than allowed.
fn too_long(
    split: &Split<'_>,
    file: &Path,
    key: &str,
    len: usize,
    max: usize,
    help: &str,
) -> Diagnostic {
    let what = if key == "extra" {
        "a list under `extra`".to_string()
    } else {
        format!("`{key}`")
    };
    Diagnostic::error(
        "too-many-items",
        format!("{what} has {len} items; a page may have at most {max}"),
    )
    .in_file(file)
    .at(key_line(split, key), 1)
    .suggest(help.to_string())
}

/// 1-based line in the file of a top-level front matter key (the first line of the front
/// matter if it is not found).
fn key_line(split: &Split<'_>, key: &str) -> usize {
    split.front_line + crate::config::key_position(split.front, &[key]).0 - 1
}

/// Parses the front matter of a section.
pub fn parse_section(split: &Split<'_>, file: &Path) -> Result<SectionFront, Diagnostic> {
    let front: SectionFront = parse(split, file)?;
    if let Some(len) = crate::limits::long_list(&front.extra, crate::limits::MAX_LIST_ITEMS) {
        return Err(too_long(
            split,
            file,
            "extra",
            len,
            crate::limits::MAX_LIST_ITEMS,
            "keep data for templates short; front matter describes one page",
        ));
    }
    Ok(front)
}

fn parse<T: serde::de::DeserializeOwned>(split: &Split<'_>, file: &Path) -> Result<T, Diagnostic> {
    if split.front.trim().is_empty() {
        return Err(
            Diagnostic::error("missing-field", "the front matter is empty")
                .in_file(file)
                .at(split.front_line, 1)
                .suggest("add at least `title: \"Your title\"`"),
        );
    }
    if split.front.len() > crate::limits::MAX_FRONT_MATTER_BYTES {
        return Err(Diagnostic::error(
            "front-matter-too-large",
            format!(
                "the front matter is {} (the limit is {})",
                crate::limits::human_bytes(split.front.len() as u64),
                crate::limits::human_bytes(crate::limits::MAX_FRONT_MATTER_BYTES as u64)
            ),
        )
        .in_file(file)
        .at(split.front_line, 1)
        .suggest("front matter describes the page in a few lines; put long text in the body"));
    }
    yaml::from_str(split.front, file, split.front_line - 1)
}

/// Removes a UTF-8 byte-order mark and turns CRLF/CR line endings into `\n`.
/// The length of the front matter block at the start of `text` (normalised), closing `---`
/// line and its line break included, if the block is closed within `text` by a line of its own:
/// the body offset [`split`] finds in any text that starts with this one.
pub fn closed_block_len(text: &str) -> Option<usize> {
    let rest = text.strip_prefix("---\n")?;
    let close = if rest.starts_with("---\n") {
        0
    } else {
        rest.find("\n---\n")? + 1
    };
    Some(4 + close + 4)
}

pub fn normalise(text: String) -> String {
    let text = match text.strip_prefix('\u{feff}') {
        Some(t) => t.to_string(),
        None => text,
    };
    // (The `memchr` crate's search is several times faster than `str::contains` on a whole file.)
    if memchr::memchr(b'\r', text.as_bytes()).is_some() {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file() -> &'static Path {
        Path::new("content/a.md")
    }

    #[test]
    fn splits_front_matter_and_body() {
        let s = split("---\ntitle: A\n---\nBody\n", file()).unwrap();
        assert_eq!(s.front, "title: A\n");
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_offset, 17);
    }

    #[test]
    fn empty_front_matter_and_no_body() {
        let s = split("---\n---\n", file()).unwrap();
        assert_eq!(s.front, "");
        assert_eq!(s.body, "");
        let s = split("---\ntitle: A\n---", file()).unwrap();
        assert_eq!(s.front, "title: A\n");
        assert_eq!(s.body, "");
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let e = split("---\ntitle: A\nbody\n", file()).unwrap_err();
        assert_eq!(e.code, "unclosed-front-matter");
    }

    #[test]
    fn empty_file_is_an_error() {
        let e = split("", file()).unwrap_err();
        assert!(e.message.contains("empty"));
    }

    #[test]
    fn bom_and_crlf_are_normalised() {
        let t = normalise("\u{feff}---\r\ntitle: A\r\n---\r\nHi\r\n".to_string());
        assert_eq!(t, "---\ntitle: A\n---\nHi\n");
    }

    #[test]
    fn impossible_date_is_located() {
        let text = "---\ntitle: A\ndate: 2025-02-30\n---\n";
        let s = split(text, file()).unwrap();
        let e = parse_page(&s, file()).unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("date"), "{e}");
    }

    #[test]
    fn a_blank_category_or_tag_is_none() {
        let text = "---\ntitle: A\ncategory: \"  \"\ntags: [\"\", sleep, \" \"]\n---\n";
        let f = parse_page(&split(text, file()).unwrap(), file()).unwrap();
        assert_eq!(f.category, None);
        assert_eq!(f.tags, ["sleep"]);
    }

    #[test]
    fn page_front_parses_every_field() {
        let text = "---\ntitle: A\ndescription: D\ndate: 2026-01-02\nauthor: Me\nupdated: 2026-02-03\nreviewed_by: Dr X, PhD\nreviewed: 2026-02-01\ncategory: Anxiety\ntags: [a, b]\ncontent_warnings: [suicide]\ncrisis_notice: prominent\nslug: s\naliases: [/old/]\ndraft: true\nweight: 3\nreferences: [R]\nextra: {k: v}\n---\n";
        let s = split(text, file()).unwrap();
        let f = parse_page(&s, file()).unwrap();
        assert_eq!(f.crisis_notice, Some(CrisisNotice::Prominent));
        assert_eq!(f.date, Some(Date::constant(2026, 1, 2)));
        assert_eq!(f.tags, ["a", "b"]);
        assert!(f.draft);
    }
}
