//! Content files → values: pages, sections and the files that travel with them.
//!
//! This module reads and parses; it knows nothing of URLs across the site or of templates.

pub mod front_matter;

use crate::diagnostics::Diagnostic;
use front_matter::{PageFront, SectionFront};
use std::path::{Path, PathBuf};

/// A content file as found on disk.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Entry {
    /// `_index.md` of a folder.
    Section { content_path: String },
    /// Any other `.md` file; `index.md` makes its folder a page bundle.
    Page { content_path: String },
    /// Any other file: copied next to its page (bundles) or as-is.
    Asset { content_path: String },
}

/// Files editors and systems leave behind that are never content.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.ends_with(".bak")
        || name == "4913"
        || name == "Thumbs.db"
}

/// Lists `content/` (sorted, so everything downstream is deterministic).
pub fn discover(content_dir: &Path) -> Result<Vec<Entry>, Diagnostic> {
    let mut entries = Vec::new();
    let walker = walkdir::WalkDir::new(content_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored(&e.file_name().to_string_lossy()));
    for entry in walker {
        let entry = entry.map_err(|e| {
            Diagnostic::error("io", format!("cannot read the content folder: {e}"))
                .in_file(e.path().unwrap_or(content_dir))
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(content_dir)
            .unwrap_or(entry.path());
        let content_path = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let name = entry.file_name().to_string_lossy();
        entries.push(if name == "_index.md" {
            Entry::Section { content_path }
        } else if name.ends_with(".md") {
            Entry::Page { content_path }
        } else {
            Entry::Asset { content_path }
        });
    }
    Ok(entries)
}

/// A content file read and split, with its front matter parsed.
#[derive(Debug, Clone)]
pub struct Parsed<F> {
    /// Path shown to users (relative to the site root), e.g. `content/articles/a.md`.
    pub file: PathBuf,
    pub content_path: String,
    pub front: F,
    /// Normalised text (no BOM, `\n` line endings): all of the file, or only its front matter
    /// block once the body has been dropped (see [`Parsed::drop_body`]).
    pub text: String,
    pub body_offset: usize,
    /// Whether `text` still holds the body.
    pub body_kept: bool,
}

impl<F> Parsed<F> {
    /// The body; empty once it has been dropped.
    pub fn body(&self) -> &str {
        self.text.get(self.body_offset..).unwrap_or_default()
    }

    /// Keeps only the front matter block. A loaded site holds every page this way and reads a
    /// body again only to render it: keeping every article's text would add the size of the
    /// whole content folder to the memory a build needs.
    pub fn drop_body(&mut self) {
        self.text.truncate(self.body_offset);
        self.text.shrink_to_fit();
        self.body_kept = false;
    }
}

impl<F: Clone> Parsed<F> {
    /// This file with its body, read again from disk (under the site's `root`) if it was
    /// dropped. The front matter must be as it was when the file was first read: a file saved
    /// in between is reported, to be built again, rather than mixed with what was read before.
    pub fn with_body(&self, root: &Path) -> Result<std::borrow::Cow<'_, Parsed<F>>, Diagnostic> {
        if self.body_kept {
            return Ok(std::borrow::Cow::Borrowed(self));
        }
        let text = read_text(&root.join(&self.file), &self.file)?;
        if text.get(..self.body_offset) != Some(self.text.as_str()) {
            return Err(Diagnostic::error(
                "changed-while-building",
                "the file changed while the site was being built",
            )
            .in_file(&self.file)
            .suggest("build again (`haven serve` rebuilds by itself once the file is saved)"));
        }
        Ok(std::borrow::Cow::Owned(Parsed {
            file: self.file.clone(),
            content_path: self.content_path.clone(),
            front: self.front.clone(),
            text,
            body_offset: self.body_offset,
            body_kept: true,
        }))
    }
}

/// Reads a content file as UTF-8 text, normalised.
pub fn read_text(path: &Path, display: &Path) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error("io", format!("cannot read the file: {e}")).in_file(display)
    })?;
    decode(bytes, display)
}

/// Bytes → normalised text; invalid UTF-8 is located.
pub fn decode(bytes: Vec<u8>, display: &Path) -> Result<String, Diagnostic> {
    match String::from_utf8(bytes) {
        Ok(text) => Ok(front_matter::normalise(text)),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let bytes = e.as_bytes();
            let prefix = String::from_utf8_lossy(&bytes[..valid]);
            let line = prefix.matches('\n').count() + 1;
            let column = prefix
                .rsplit('\n')
                .next()
                .map(|l| l.chars().count())
                .unwrap_or(0)
                + 1;
            Err(Diagnostic::error(
                "invalid-utf8",
                format!(
                    "the file is not valid UTF-8 text (invalid byte 0x{:02x})",
                    bytes[valid]
                ),
            )
            .in_file(display)
            .at(line, column)
            .suggest("save the file with UTF-8 encoding in your editor"))
        }
    }
}

fn parse_with<F>(
    text: String,
    display: &Path,
    content_path: &str,
    parse: impl Fn(&front_matter::Split<'_>, &Path) -> Result<F, Diagnostic>,
) -> Result<Parsed<F>, Diagnostic> {
    let split = front_matter::split(&text, display)?;
    let front = parse(&split, display)?;
    let body_offset = split.body_offset;
    Ok(Parsed {
        file: display.to_path_buf(),
        content_path: content_path.to_string(),
        front,
        text,
        body_offset,
        body_kept: true,
    })
}

pub fn parse_page(
    text: String,
    display: &Path,
    content_path: &str,
) -> Result<Parsed<PageFront>, Diagnostic> {
    parse_with(text, display, content_path, front_matter::parse_page)
}

pub fn parse_section(
    text: String,
    display: &Path,
    content_path: &str,
) -> Result<Parsed<SectionFront>, Diagnostic> {
    parse_with(text, display, content_path, front_matter::parse_section)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_utf8_is_located() {
        let e = decode(b"---\ntitle: A\n---\nab\xffc\n".to_vec(), Path::new("a.md")).unwrap_err();
        assert_eq!(e.code, "invalid-utf8");
        assert_eq!((e.line, e.column), (4, 3));
    }

    #[test]
    fn a_dropped_body_is_read_again_unless_the_front_matter_changed() {
        let root = tempfile::tempdir().expect("a temporary folder");
        let file = Path::new("content/a.md");
        std::fs::create_dir_all(root.path().join("content")).expect("content/");
        let write = |text: &str| std::fs::write(root.path().join(file), text).expect("write");
        write("---\ntitle: A\n---\nFirst body.\n");
        let text = read_text(&root.path().join(file), file).expect("reads");
        let mut page = parse_page(text, file, "a.md").expect("parses");
        page.drop_body();
        assert_eq!(page.text, "---\ntitle: A\n---\n");
        assert_eq!(page.body(), "");

        write("---\ntitle: A\n---\nSecond body.\n");
        let full = page.with_body(root.path()).expect("the same front matter");
        assert_eq!(full.body(), "Second body.\n");
        assert_eq!(full.front, page.front);
        assert!(full.body_kept);

        write("---\ntitle: B\n---\nSecond body.\n");
        let e = page
            .with_body(root.path())
            .expect_err("the front matter changed");
        assert_eq!(e.code, "changed-while-building");
        assert_eq!(e.file.as_deref(), Some(file));

        std::fs::remove_file(root.path().join(file)).expect("remove");
        assert_eq!(page.with_body(root.path()).expect_err("gone").code, "io");
    }

    #[test]
    fn editor_files_are_ignored() {
        for name in [".a.md.swp", "a.md~", "#a.md#", ".DS_Store", "4913"] {
            assert!(is_ignored(name), "{name}");
        }
        assert!(!is_ignored("a.md"));
    }
}
