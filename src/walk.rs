//! Lists the files of the site's input folders (`content/`, `static/`, a theme's `static/`).
//!
//! Symbolic links are followed only to what is inside the site's folder. A link to anything
//! outside it is an error naming the link: content comes from many hands, and a link such as
//! `static/key -> ~/.ssh/id_rsa` in a pull request would otherwise publish the key. A broken
//! link, a link loop and a name that is not UTF-8 are errors too, never a file silently left
//! out.

use crate::diagnostics::Diagnostic;
use std::path::{Component, Path, PathBuf};

/// A file found below a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// Its path relative to the folder, with `/` between names (`css/site.css`).
    pub rel: String,
    /// Its path on disk, through the links it was found by.
    pub path: PathBuf,
}

/// Where a listing may lead.
pub struct Walk<'a> {
    /// The site's folder: links may point anywhere inside it.
    pub root: &'a Path,
    /// How the folder listed is shown in messages (`static`, `themes/calm/static`).
    pub display: &'a Path,
    /// Whether to keep an entry (its name, whether it is a folder); a folder not kept is not
    /// entered.
    pub keep: &'a (dyn Fn(&str, bool) -> bool + Sync),
}

impl Walk<'_> {
    /// Every file below `dir`, sorted by relative path; or every problem found.
    pub fn files(&self, dir: &Path) -> Result<Vec<Found>, Vec<Diagnostic>> {
        let mut allowed = vec![canonical(self.root)];
        // The folder itself may be a link to elsewhere (a shared content folder): what it
        // holds is the site's too.
        if let Ok(dir) = dir.canonicalize() {
            allowed.push(dir);
        }
        let mut found = Vec::new();
        let mut problems = Vec::new();
        let mut chain: Vec<PathBuf> = allowed[1..].to_vec();
        self.walk(dir, "", &allowed, &mut chain, &mut found, &mut problems);
        if !problems.is_empty() {
            return Err(problems);
        }
        found.sort_by(|a, b| a.rel.cmp(&b.rel));
        Ok(found)
    }

    fn shown(&self, rel: &str) -> PathBuf {
        self.display.join(rel)
    }

    /// Lists `dir`, whose files' relative paths start with `prefix`; `chain` holds the folders
    /// being listed (through links), to find loops.
    fn walk(
        &self,
        dir: &Path,
        prefix: &str,
        allowed: &[PathBuf],
        chain: &mut Vec<PathBuf>,
        found: &mut Vec<Found>,
        problems: &mut Vec<Diagnostic>,
    ) {
        let mut entries = walkdir::WalkDir::new(dir).min_depth(1).into_iter();
        while let Some(entry) = entries.next() {
            let entry = match entry {
                Ok(entry) => entry,
                Err(e) => {
                    let at = e
                        .path()
                        .and_then(|p| p.strip_prefix(dir).ok())
                        .map(|p| self.shown(&join(prefix, p)))
                        .unwrap_or_else(|| self.shown(prefix));
                    problems.push(
                        Diagnostic::error("io", format!("cannot read {}: {e}", at.display()))
                            .in_file(at),
                    );
                    continue;
                }
            };
            let is_dir = entry.file_type().is_dir();
            let Some(name) = entry.file_name().to_str() else {
                let at = entry.path().strip_prefix(dir).unwrap_or(entry.path());
                let shown = self.shown(&join(prefix, at));
                problems.push(
                    Diagnostic::error(
                        "invalid-file-name",
                        format!("the name of {} is not valid UTF-8 text", shown.display()),
                    )
                    .in_file(&shown)
                    .suggest("rename it with letters, digits and dashes"),
                );
                if is_dir {
                    entries.skip_current_dir();
                }
                continue;
            };
            if !(self.keep)(name, is_dir) {
                if is_dir {
                    entries.skip_current_dir();
                }
                continue;
            }
            if is_dir {
                continue;
            }
            let rel = join(
                prefix,
                entry.path().strip_prefix(dir).unwrap_or(entry.path()),
            );
            if entry.file_type().is_file() {
                found.push(Found {
                    rel,
                    path: entry.path().to_path_buf(),
                });
                continue;
            }
            if !entry.path_is_symlink() {
                // A socket, a device …: nothing to publish, and nothing to read safely.
                continue;
            }
            let shown = self.shown(&rel);
            let link_problem = |what: String, help: &str| {
                Diagnostic::error("unsafe-link", format!("{} {what}", shown.display()))
                    .in_file(&shown)
                    .suggest(help)
            };
            let target = match entry.path().canonicalize() {
                Ok(target) => target,
                Err(_) => {
                    problems.push(link_problem(
                        format!(
                            "is a symbolic link to {}, which does not exist",
                            link_text(entry.path())
                        ),
                        "remove the link or make it point at a file of the site",
                    ));
                    continue;
                }
            };
            if !allowed.iter().any(|inside| target.starts_with(inside)) {
                problems.push(link_problem(
                    format!(
                        "is a symbolic link to {}, outside the site's folder",
                        target.display()
                    ),
                    "copy the file into the site instead: Haven publishes only what is inside the site's folder",
                ));
                continue;
            }
            if target.is_file() {
                found.push(Found {
                    rel,
                    path: entry.path().to_path_buf(),
                });
            } else if target.is_dir() {
                if chain.iter().any(|listed| listed.starts_with(&target)) {
                    problems.push(link_problem(
                        format!(
                            "is a symbolic link to {}, a folder that holds it: listing it would never end",
                            target.display()
                        ),
                        "remove the link",
                    ));
                    continue;
                }
                chain.push(target);
                self.walk(entry.path(), &rel, allowed, chain, found, problems);
                chain.pop();
            }
        }
    }
}

/// `prefix` and the relative path `rel` joined with `/`.
fn join(prefix: &str, rel: &Path) -> String {
    let mut out = prefix.to_string();
    for c in rel.components() {
        if let Component::Normal(name) = c {
            if !out.is_empty() {
                out.push('/');
            }
            out.push_str(&name.to_string_lossy());
        }
    }
    out
}

fn link_text(link: &Path) -> String {
    std::fs::read_link(link)
        .map(|t| t.display().to_string())
        .unwrap_or_else(|_| "a path".to_string())
}

fn canonical(path: &Path) -> PathBuf {
    path.canonicalize().unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn everything(_: &str, _: bool) -> bool {
        true
    }

    #[cfg(unix)]
    #[test]
    fn links_are_followed_inside_the_site_only() {
        use std::os::unix::fs::symlink;
        let site = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = site.path();
        let write = |rel: &str| {
            let p = root.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, rel).unwrap();
        };
        write("static/a.txt");
        write("static/img/b.png");
        write("shared/c.txt");
        write("shared/deep/d.txt");
        std::fs::write(outside.path().join("secret"), "key").unwrap();
        symlink(root.join("shared/c.txt"), root.join("static/c.txt")).unwrap();
        symlink("../shared", root.join("static/shared")).unwrap();
        let walk = Walk {
            root,
            display: Path::new("static"),
            keep: &everything,
        };
        let found = walk.files(&root.join("static")).unwrap();
        let rels: Vec<&str> = found.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(
            rels,
            [
                "a.txt",
                "c.txt",
                "img/b.png",
                "shared/c.txt",
                "shared/deep/d.txt"
            ]
        );
        assert_eq!(
            std::fs::read_to_string(&found[4].path).unwrap(),
            "shared/deep/d.txt"
        );

        // Outside the site, broken, a loop: each is named.
        symlink(outside.path().join("secret"), root.join("static/key")).unwrap();
        symlink(outside.path(), root.join("static/img/out")).unwrap();
        symlink(root.join("missing"), root.join("static/gone")).unwrap();
        symlink("..", root.join("static/img/up")).unwrap();
        let problems = walk.files(&root.join("static")).unwrap_err();
        let mut said: Vec<String> = problems
            .iter()
            .map(|d| format!("{} {}", d.file.as_ref().unwrap().display(), d.message))
            .collect();
        said.sort();
        assert_eq!(said.len(), 4, "{said:#?}");
        assert!(said[0].starts_with("static/gone static/gone is a symbolic link to"));
        assert!(said[0].ends_with("which does not exist"));
        assert!(said[1].starts_with("static/img/out static/img/out is a symbolic link to"));
        assert!(said[1].ends_with("outside the site's folder"));
        assert!(said[2].contains("static/img/up is a symbolic link to"));
        assert!(said[2].contains("listing it would never end"));
        assert!(said[3].contains("static/key is a symbolic link to"));
        assert!(said[3].ends_with("outside the site's folder"));
        for d in &problems {
            assert_eq!(d.code, "unsafe-link");
        }
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_utf8_are_refused() {
        use std::os::unix::ffi::OsStrExt;
        let site = tempfile::tempdir().unwrap();
        let dir = site.path().join("static");
        std::fs::create_dir_all(&dir).unwrap();
        let name = std::ffi::OsStr::from_bytes(b"caf\xe9.txt");
        if std::fs::write(dir.join(name), "x").is_err() {
            // A file system that only takes UTF-8 names cannot have such a file.
            return;
        }
        let walk = Walk {
            root: site.path(),
            display: Path::new("static"),
            keep: &everything,
        };
        let problems = walk.files(&dir).unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].code, "invalid-file-name");
    }

    #[test]
    fn folders_not_kept_are_not_entered() {
        let site = tempfile::tempdir().unwrap();
        for rel in [
            "static/.git/config",
            "static/.well-known/x",
            "static/a/.DS_Store",
        ] {
            let p = site.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "x").unwrap();
        }
        let keep = |name: &str, is_dir: bool| name != ".git" && (is_dir || !name.starts_with('.'));
        let walk = Walk {
            root: site.path(),
            display: Path::new("static"),
            keep: &keep,
        };
        let found = walk.files(&site.path().join("static")).unwrap();
        let rels: Vec<&str> = found.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, [".well-known/x"]);
    }
}
