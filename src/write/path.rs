//! Output paths: what a path inside the output folder may look like.
//!
//! Every file a build writes is named by a path relative to the output folder (`articles/a/
//! index.html`). Such a path comes from many hands: page slugs, `aliases`, `safety.help_page`,
//! folder and file names under `content/` and `static/`. [`site_path`] and [`file_path`] turn
//! what a site gives into a normal relative path or say why they cannot; [`is_normal`] is the
//! check the writer makes on every path it is handed, so that no bug upstream can write
//! anywhere but below the output folder.

/// Why a path cannot name a file below the output folder.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathProblem {
    #[error("it has a `..` segment, which would lead out of the output folder")]
    ParentSegment,
    #[error("it has a backslash (`\\`), which Windows reads as a folder separator")]
    Backslash,
    #[error("it has a colon (`:`), which names a drive or a URL scheme, not a path on the site")]
    Colon,
    #[error("it has a control character (a line break, a tab, NUL …)")]
    Control,
    #[error("it has the character `{0}`, which file names cannot hold on every system")]
    Reserved(char),
    #[error("its part `{0}…` is longer than the 255 bytes a file name can have")]
    TooLong(String),
    #[error("it is empty")]
    Empty,
    #[error("it must be a single folder name")]
    NotAName,
}

/// Longest file or folder name most file systems accept, in bytes.
const MAX_NAME: usize = 255;

/// A path on the site from configuration or front matter (`/old/grounding/`,
/// `old/page.html`, `get-help`) → its segments joined by `/`, without leading or trailing
/// slashes (`old/grounding`): repeated slashes and `.` segments are dropped. Besides what
/// [`file_path`] refuses, refuses the characters Windows cannot have in a name and `?` and
/// `#`, which start a URL's query and fragment: a static page cannot answer a query string.
pub fn site_path(raw: &str) -> Result<String, PathProblem> {
    if let Some(c) = raw
        .chars()
        .find(|c| matches!(c, '?' | '#' | '*' | '<' | '>' | '|' | '"'))
    {
        return Err(PathProblem::Reserved(c));
    }
    file_path(raw)
}

/// A path below a site folder (`css/site.css`, from a file's name on disk) or on the site →
/// its normal form, as [`site_path`] makes it.
pub fn file_path(raw: &str) -> Result<String, PathProblem> {
    check_characters(raw)?;
    let mut out = String::with_capacity(raw.len());
    for segment in raw.split('/') {
        match segment {
            "" | "." => {}
            ".." => return Err(PathProblem::ParentSegment),
            name => {
                check_length(name)?;
                if !out.is_empty() {
                    out.push('/');
                }
                out.push_str(name);
            }
        }
    }
    if out.is_empty() {
        return Err(PathProblem::Empty);
    }
    Ok(out)
}

fn check_characters(raw: &str) -> Result<(), PathProblem> {
    for b in raw.bytes() {
        match b {
            b'\\' => return Err(PathProblem::Backslash),
            b':' => return Err(PathProblem::Colon),
            0..=0x1F | 0x7F => return Err(PathProblem::Control),
            _ => {}
        }
    }
    Ok(())
}

fn check_length(name: &str) -> Result<(), PathProblem> {
    if name.len() <= MAX_NAME {
        return Ok(());
    }
    let mut end = 40;
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    Err(PathProblem::TooLong(name[..end].to_string()))
}

/// Whether `rel` is a path the writer may write below the output folder as it is: not empty,
/// not starting or ending with `/`, every segment a plain name (not empty, `.` or `..`, at most
/// 255 bytes, and without `\`, `:` or control characters).
pub fn is_normal(rel: &str) -> bool {
    !rel.is_empty()
        && check_characters(rel).is_ok()
        && rel
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != ".." && s.len() <= MAX_NAME)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_paths_are_normalised() {
        for (raw, normal) in [
            ("/old/grounding/", "old/grounding"),
            ("old/grounding", "old/grounding"),
            ("//old//./grounding//", "old/grounding"),
            ("/old/page.html", "old/page.html"),
            ("get-help", "get-help"),
            ("/a..b/...c/", "a..b/...c"),
            ("/café/ünïcode/", "café/ünïcode"),
            ("/with space/", "with space"),
        ] {
            assert_eq!(site_path(raw).as_deref(), Ok(normal), "{raw:?}");
            assert!(is_normal(normal), "{normal:?}");
        }
    }

    #[test]
    fn escapes_are_refused() {
        use PathProblem::*;
        for (raw, problem) in [
            ("../../../escaped-help", ParentSegment),
            ("/old/../../x/", ParentSegment),
            ("..", ParentSegment),
            ("/a/b/../c", ParentSegment),
            ("..\\..\\x", Backslash),
            ("a\\b", Backslash),
            ("C:/Windows/", Colon),
            ("c:", Colon),
            ("https://example.org/old/", Colon),
            ("/a\0b/", Control),
            ("/a\nb/", Control),
            ("/a\tb/", Control),
            ("/a\u{7f}/", Control),
            ("", Empty),
            ("/", Empty),
            ("/././/", Empty),
            ("/old/?p=12", Reserved('?')),
            ("/old/#top", Reserved('#')),
            ("/a|b/", Reserved('|')),
        ] {
            assert_eq!(site_path(raw), Err(problem), "{raw:?}");
        }
        let long = "é".repeat(200);
        assert!(matches!(
            site_path(&format!("/a/{long}/")),
            Err(TooLong(start)) if start.len() <= 40 && long.starts_with(&start)
        ));
        // Names on disk may have what a URL path should not.
        assert_eq!(file_path("docs/what?.pdf").as_deref(), Ok("docs/what?.pdf"));
        assert_eq!(file_path("a/../b"), Err(ParentSegment));
    }

    #[test]
    fn the_writer_accepts_only_normal_relative_paths() {
        for ok in ["index.html", "a/b/index.html", ".haven-output", "a..b/c"] {
            assert!(is_normal(ok), "{ok:?}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "a/",
            "a//b",
            "./a",
            "a/./b",
            "../a",
            "a/../../b",
            "..",
            "a\\..\\b",
            "C:/x",
            "C:x",
            "a\0b",
            "a\nb",
            &"x".repeat(256),
        ] {
            assert!(!is_normal(bad), "{bad:?}");
        }
    }
}
