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

impl Entry {
    pub fn content_path(&self) -> &str {
        match self {
            Entry::Section { content_path }
            | Entry::Page { content_path }
            | Entry::Asset { content_path } => content_path,
        }
    }
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

/// Lists `content/` (sorted, so everything downstream is deterministic). Symbolic links are
/// followed inside the site's folder `root` only (see [`crate::walk`]).
pub fn discover(content_dir: &Path, root: &Path) -> Result<Vec<Entry>, Vec<Diagnostic>> {
    let keep = |name: &str, _: bool| !is_ignored(name);
    let walk = crate::walk::Walk {
        root,
        display: Path::new("content"),
        keep: &keep,
    };
    let mut entries: Vec<Entry> = walk
        .files(content_dir)?
        .into_iter()
        .map(|found| {
            let content_path = found.rel;
            let name = content_path.rsplit('/').next().unwrap_or(&content_path);
            if name == "_index.md" {
                Entry::Section { content_path }
            } else if name.ends_with(".md") {
                Entry::Page { content_path }
            } else {
                Entry::Asset { content_path }
            }
        })
        .collect();
    // Folder by folder, names in order (a folder's files where the folder's name sorts): the
    // order of the paths with their slashes made the smallest character.
    entries.sort_by_cached_key(|e| e.content_path().replace('/', "\0"));
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
    use std::io::Read as _;
    let mut file = std::fs::File::open(path).map_err(read_error(display))?;
    let size = within_limit(&file, display)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    // At most one byte more than the limit, should the file grow while it is read.
    (&mut file)
        .take(crate::limits::MAX_CONTENT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error(display))?;
    if bytes.len() as u64 > crate::limits::MAX_CONTENT_BYTES {
        return Err(too_large(display, bytes.len() as u64));
    }
    decode(bytes, display)
}

/// The size of an open file, or the error of one over
/// [`MAX_CONTENT_BYTES`](crate::limits::MAX_CONTENT_BYTES).
fn within_limit(file: &std::fs::File, display: &Path) -> Result<u64, Diagnostic> {
    let size = file.metadata().map_err(read_error(display))?.len();
    if size > crate::limits::MAX_CONTENT_BYTES {
        return Err(too_large(display, size));
    }
    Ok(size)
}

fn too_large(display: &Path, size: u64) -> Diagnostic {
    crate::limits::too_large(
        display,
        size,
        crate::limits::MAX_CONTENT_BYTES,
        "the file",
        "split it into several pages (and move large data out of content/)",
    )
}

/// The problem of a content file that cannot be read.
fn read_error(display: &Path) -> impl Fn(std::io::Error) -> Diagnostic + Copy + '_ {
    move |e| Diagnostic::error("io", format!("cannot read the file: {e}")).in_file(display)
}

/// Reads a content file's front matter block, normalised, without the body where it can: a site
/// reads each page's body only when it renders the page, so reading it while loading would copy
/// every file twice. Returns the whole file instead when it is small, has no front matter
/// block that closes with a line of its own, or is not valid UTF-8 before the block ends (then
/// [`parse_page`] and [`decode`] report what is wrong, as for any file).
pub fn read_front_matter(path: &Path, display: &Path) -> Result<String, Diagnostic> {
    read_front_matter_from(path, display, 2048)
}

fn read_front_matter_from(path: &Path, display: &Path, first: u64) -> Result<String, Diagnostic> {
    let file = std::fs::File::open(path).map_err(read_error(display))?;
    within_limit(&file, display)?;
    read_front_matter_of(file, display, first)
}

/// [`read_front_matter_from`] on an open file.
fn read_front_matter_of(
    mut file: impl std::io::Read,
    display: &Path,
    first: u64,
) -> Result<String, Diagnostic> {
    use std::io::Read as _;
    let io = read_error(display);
    let mut bytes = Vec::new();
    let mut want = first;
    loop {
        // Room for the whole read first: into an empty buffer, `read_to_end` would read 32
        // bytes, then 32, 64, 128 … (seven reads for the first two kilobytes).
        bytes.reserve(usize::try_from(want).unwrap_or(usize::MAX));
        let read = (&mut file).take(want).read_to_end(&mut bytes).map_err(io)?;
        if (read as u64) < want {
            // The end of the file: it is all here.
            return decode(bytes, display);
        }
        let valid = match std::str::from_utf8(&bytes) {
            Ok(text) => text,
            // A character cut by the end of the read is completed by the next one.
            Err(e) if e.error_len().is_none() => {
                std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default()
            }
            Err(_) => break,
        };
        // A `\r` at the end may be half of a `\r\n`: it waits for the next read too.
        let text = front_matter::normalise(valid.strip_suffix('\r').unwrap_or(valid).to_string());
        if !text.starts_with("---\n") && text.len() >= 4 {
            break;
        }
        if let Some(end) = front_matter::closed_block_len(&text) {
            let mut head = text;
            head.truncate(end);
            return Ok(head);
        }
        want = (bytes.len() as u64).max(first);
    }
    file.read_to_end(&mut bytes).map_err(io)?;
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
    fn content_is_discovered_folder_by_folder_in_name_order() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let content = dir.path().join("content");
        let files = [
            "_index.md",
            "a-b.md",
            "a.md",
            "a/_index.md",
            "a/z.md",
            "a/b/index.md",
            "a/b/photo.png",
            "b.md",
            ".hidden.md",
        ];
        for file in files {
            let path = content.join(file);
            std::fs::create_dir_all(path.parent().expect("a folder")).expect("folders");
            std::fs::write(&path, "x").expect("a file");
        }
        let found: Vec<String> = discover(&content, dir.path())
            .expect("the folder is readable")
            .iter()
            .map(|e| match e {
                Entry::Page { content_path } => format!("page {content_path}"),
                Entry::Section { content_path } => format!("section {content_path}"),
                Entry::Asset { content_path } => format!("asset {content_path}"),
            })
            .collect();
        assert_eq!(
            found,
            [
                "section _index.md",
                "section a/_index.md",
                "page a/b/index.md",
                "asset a/b/photo.png",
                "page a/z.md",
                "page a-b.md",
                "page a.md",
                "page b.md",
            ]
        );
    }

    #[test]
    fn the_front_matter_of_a_long_file_is_one_read() {
        struct Counted<'a>(&'a [u8], usize);
        impl std::io::Read for Counted<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                self.1 += 1;
                self.0.read(buf)
            }
        }
        let body = "A line of the article.\n".repeat(1000);
        let text = format!(
            "---\ntitle: A\ndescription: {}\n---\n{body}",
            "x".repeat(900)
        );
        let mut file = Counted(text.as_bytes(), 0);
        let head = read_front_matter_of(&mut file, Path::new("content/a.md"), 2048).unwrap();
        assert!(text.starts_with(&head) && head.ends_with("---\n") && head.len() < 2048);
        assert_eq!(file.1, 1);
    }

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
    fn front_matter_is_read_without_the_body_whatever_the_read_size() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let long_front = format!(
            "---\ntitle: A\ndescription: \"{}\"\n---\nBody.\n",
            "é".repeat(300)
        );
        let cases: [(&str, Vec<u8>); 11] = [
            (
                "lf",
                b"---\ntitle: A\n---\nBody line.\nMore body.\n".to_vec(),
            ),
            (
                "crlf",
                b"---\r\ntitle: A\r\n---\r\nBody.\r\nMore.\r\n".to_vec(),
            ),
            ("lone cr", b"---\rtitle: A\r---\rBody.\r".to_vec()),
            ("bom", b"\xef\xbb\xbf---\ntitle: A\n---\nBody.\n".to_vec()),
            ("empty block", b"---\n---\nBody.\n".to_vec()),
            ("long front matter", long_front.into_bytes()),
            ("no front matter", b"Just text,\nno block.\n".to_vec()),
            ("unclosed", b"---\ntitle: A\nBody.\n".to_vec()),
            ("closed at the end", b"---\ntitle: A\n---".to_vec()),
            (
                "bad utf-8 in front matter",
                b"---\ntitle: \xff\n---\nBody.\n".to_vec(),
            ),
            (
                "bad utf-8 in body",
                b"---\ntitle: A\n---\nBo\xffdy.\n".to_vec(),
            ),
        ];
        for (name, bytes) in cases {
            let path = dir.path().join("a.md");
            std::fs::write(&path, &bytes).expect("write");
            let display = Path::new("content/a.md");
            let whole = read_text(&path, display);
            let mut heads = 0;
            for first in 1..=bytes.len() as u64 + 1 {
                let front = read_front_matter_from(&path, display, first);
                let what = format!("{name}, reading {first} bytes first: {front:?} / {whole:?}");
                match (&front, &whole) {
                    (Ok(front), Ok(whole)) => {
                        let offset = front_matter::split(whole, display).map(|s| s.body_offset);
                        assert!(
                            front == whole
                                || (whole.starts_with(front.as_str())
                                    && offset.ok() == Some(front.len())),
                            "{what}"
                        );
                        heads += usize::from(front != whole);
                    }
                    (Err(front), Err(whole)) => assert_eq!(front, whole, "{what}"),
                    // Reported when the body is read (`Parsed::with_body`).
                    (Ok(front), Err(_)) => {
                        assert!(
                            name == "bad utf-8 in body" && front.ends_with("---\n"),
                            "{what}"
                        );
                        heads += 1;
                    }
                    (Err(_), Ok(_)) => panic!("{what}"),
                }
            }
            // Files with a closed block and a body are read without it at most read sizes.
            let without_body = [
                "lf",
                "crlf",
                "lone cr",
                "bom",
                "empty block",
                "long front matter",
                "bad utf-8 in body",
            ];
            assert_eq!(heads > 0, without_body.contains(&name), "{name}");
        }
    }

    #[test]
    fn editor_files_are_ignored() {
        for name in [".a.md.swp", "a.md~", "#a.md#", ".DS_Store", "4913"] {
            assert!(is_ignored(name), "{name}");
        }
        assert!(!is_ignored("a.md"));
    }
}
