//! The only place that writes the output directory.
//!
//! A build is written into a fresh temporary directory beside the output, then swapped into
//! place with renames, so a failed or interrupted build leaves the previous site complete.
//! Haven refuses to replace a directory it did not create.

use crate::build::OutputFile;
use crate::diagnostics::Diagnostic;
use crate::site::FileSource;
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Marks a directory as Haven's output, so Haven may replace it.
pub const MARKER: &str = ".haven-output";

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("refusing to write the site to {path}: {reason}")]
    Refused { path: PathBuf, reason: String },
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> WriteError + '_ {
    move |source| WriteError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// Absolute, normalised form of a path that may not exist yet.
fn absolute(path: &Path) -> std::io::Result<PathBuf> {
    let abs = std::path::absolute(path)?;
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    // Resolve symlinks in the part that exists.
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(name) => rest.push(name.to_os_string()),
            None => break,
        }
        existing.pop();
    }
    let mut resolved = existing.canonicalize().unwrap_or(existing);
    for r in rest.into_iter().rev() {
        resolved.push(r);
    }
    Ok(resolved)
}

/// Checks that `out` is a place Haven may (re)create.
pub fn check_target(out: &Path, root: &Path) -> Result<PathBuf, WriteError> {
    let refuse = |reason: &str| WriteError::Refused {
        path: out.to_path_buf(),
        reason: reason.to_string(),
    };
    let out_abs = absolute(out).map_err(io(out))?;
    let root_abs = absolute(root).map_err(io(root))?;
    if out_abs.parent().is_none() {
        return Err(refuse("it is the file system root"));
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from)
        && absolute(&home).ok().as_deref() == Some(out_abs.as_path())
    {
        return Err(refuse("it is your home directory"));
    }
    if out_abs == root_abs {
        return Err(refuse(
            "it is the site's own folder; use a subfolder such as public/",
        ));
    }
    if root_abs.starts_with(&out_abs) {
        return Err(refuse("it contains the site's folder"));
    }
    for protected in ["content", "static", "templates", "themes"] {
        if out_abs.starts_with(root_abs.join(protected)) {
            return Err(refuse(&format!(
                "it is inside the site's {protected}/ folder"
            )));
        }
    }
    if out_abs.is_file() {
        return Err(refuse("it is a file"));
    }
    if out_abs.is_dir() && !out_abs.join(MARKER).exists() {
        let empty = std::fs::read_dir(&out_abs)
            .map_err(io(&out_abs))?
            .next()
            .is_none();
        if !empty {
            return Err(refuse(&format!(
                "it is a non-empty folder that Haven did not create (no {MARKER} file in it); choose an empty or new folder with --output"
            )));
        }
    }
    Ok(out_abs)
}

fn sibling(out: &Path, tag: &str) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    out.with_file_name(format!(
        ".{name}.haven-{tag}-{}-{nanos}",
        std::process::id()
    ))
}

/// Writes a site into a temporary folder beside the output, then swaps it into place.
///
/// The temporary folder is the previous build's tree when Haven kept one (the "spare",
/// `.public.haven-spare` beside `public/`): files whose bytes did not change are left as they
/// are, others are overwritten, and what the new site no longer has is removed. Reusing the
/// tree spares the file system from creating and deleting thousands of folders and files per
/// build (on ext4 that costs seconds). Without a spare the folder starts empty.
///
/// Files can be written from many threads as they are rendered. Dropping the writer without
/// [`SiteWriter::finish`] leaves the live site untouched: the temporary folder becomes the spare
/// again if it was the spare, and is removed otherwise.
pub struct SiteWriter {
    out: PathBuf,
    tmp: PathBuf,
    /// Folders below `tmp` known to exist, so each is created once.
    dirs: Mutex<HashSet<String>>,
    /// Folders this build writes into (the others of a reused tree are removed by `finish`).
    used: Mutex<HashSet<String>>,
    /// Files of the reused tree not written (yet) by this build; removed by `finish`.
    stale: Mutex<HashSet<String>>,
    finished: bool,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `out`'s spare: the build before the current one, kept for reuse.
fn spare(out: &Path) -> PathBuf {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    out.with_file_name(format!(".{name}.haven-spare"))
}

/// The relative paths of the files and folders in `dir`; anything else (symbolic links,
/// sockets …) is removed so that no write can follow it out of the tree.
fn inventory(dir: &Path) -> std::io::Result<(HashSet<String>, HashSet<String>)> {
    let mut files = HashSet::new();
    let mut dirs = HashSet::from([String::new()]);
    for (rel, is_dir) in list_tree(dir, "")? {
        if is_dir {
            dirs.insert(rel);
        } else {
            files.insert(rel);
        }
    }
    files.remove(MARKER);
    Ok((files, dirs))
}

/// Every file and folder below `dir` as (path relative to the tree's root, whether a folder),
/// `rel` being `dir`'s own; other kinds of entry are removed. Folders are listed in parallel: a
/// site's output has a folder per page, and listing them one after the other made reusing the
/// spare a tenth of a second of every build.
fn list_tree(dir: &Path, rel: &str) -> std::io::Result<Vec<(String, bool)>> {
    let mut found = Vec::new();
    let mut folders = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let path = if rel.is_empty() {
            name.into_owned()
        } else {
            format!("{rel}/{name}")
        };
        let kind = entry.file_type()?;
        if kind.is_dir() {
            folders.push((entry.path(), path.clone()));
            found.push((path, true));
        } else if kind.is_file() {
            found.push((path, false));
        } else {
            std::fs::remove_file(entry.path())?;
        }
    }
    let nested: Vec<std::io::Result<Vec<(String, bool)>>> = folders
        .par_iter()
        .map(|(folder, path)| list_tree(folder, path))
        .collect();
    for listed in nested {
        found.extend(listed?);
    }
    Ok(found)
}

impl SiteWriter {
    /// Checks that `out` may be (re)created and prepares the temporary folder, reusing the
    /// spare when there is one.
    pub fn create(out: &Path, root: &Path) -> Result<SiteWriter, WriteError> {
        let out = check_target(out, root)?;
        if let Some(parent) = out.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        let tmp = sibling(&out, "tmp");
        let spare = spare(&out);
        let reused = spare.join(MARKER).is_file() && std::fs::rename(&spare, &tmp).is_ok();
        let (files, dirs) = if reused {
            match inventory(&tmp) {
                Ok(found) => found,
                Err(e) => {
                    let _ = remove_tree(&tmp);
                    return Err(io(&tmp)(e));
                }
            }
        } else {
            std::fs::create_dir(&tmp).map_err(io(&tmp))?;
            (HashSet::new(), HashSet::from([String::new()]))
        };
        Ok(SiteWriter {
            out,
            tmp,
            dirs: Mutex::new(dirs),
            used: Mutex::new(HashSet::from([String::new()])),
            stale: Mutex::new(files),
            finished: false,
        })
    }

    /// Creates `rel` (relative to the temporary folder) and its parents, once each.
    fn ensure_dir(&self, rel: &str) -> Result<(), WriteError> {
        if lock(&self.used).contains(rel) {
            return Ok(());
        }
        if let Some((parent, _)) = rel.rsplit_once('/') {
            self.ensure_dir(parent)?;
        }
        if !lock(&self.dirs).contains(rel) {
            let path = self.tmp.join(rel);
            if lock(&self.stale).remove(rel) {
                // The reused tree has a file where this build needs a folder.
                std::fs::remove_file(&path).map_err(io(&path))?;
            }
            match std::fs::create_dir(&path) {
                Ok(()) => {}
                // Another thread made it first.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(io(&path)(e)),
            }
            lock(&self.dirs).insert(rel.to_string());
        }
        lock(&self.used).insert(rel.to_string());
        Ok(())
    }

    /// Writes one file, `rel` being its path in the site (`articles/a/index.html`).
    pub fn write(&self, rel: &str, file: &OutputFile) -> Result<(), WriteError> {
        if let Some((dir, _)) = rel.rsplit_once('/') {
            self.ensure_dir(dir)?;
        }
        let path = self.tmp.join(rel);
        let existed = lock(&self.stale).remove(rel);
        if !existed && lock(&self.dirs).remove(rel) {
            // The reused tree has a folder where this build writes a file.
            std::fs::remove_dir_all(&path).map_err(io(&path))?;
            let inside = format!("{rel}/");
            lock(&self.stale).retain(|f| !f.starts_with(&inside));
            lock(&self.dirs).retain(|d| !d.starts_with(&inside));
        }
        match file {
            OutputFile::Generated(bytes) => {
                // An unchanged file is left alone: reading it back is cheaper than writing
                // it again, and its disk blocks stay as they are.
                if existed && std::fs::read(&path).is_ok_and(|old| old == bytes.as_slice()) {
                    return Ok(());
                }
                std::fs::write(&path, bytes.as_slice())
            }
            OutputFile::Copied(FileSource::Embedded(bytes)) => std::fs::write(&path, bytes),
            OutputFile::Copied(FileSource::Disk(src)) => std::fs::copy(src, &path).map(|_| ()),
        }
        .map_err(io(&path))
    }

    /// Removes what the reused tree had and this build did not write.
    fn remove_stale(&self) -> Result<(), WriteError> {
        let stale: Vec<String> = lock(&self.stale).drain().collect();
        stale.par_iter().try_for_each(|rel| {
            let path = self.tmp.join(rel);
            std::fs::remove_file(&path).map_err(io(&path))
        })?;
        // Folders this build did not write into, deepest first (they are empty by now).
        let used = lock(&self.used);
        let mut unneeded: Vec<String> = lock(&self.dirs)
            .iter()
            .filter(|d| !used.contains(*d))
            .cloned()
            .collect();
        unneeded.sort_by_key(|d| std::cmp::Reverse(d.matches('/').count()));
        for rel in unneeded {
            let path = self.tmp.join(&rel);
            std::fs::remove_dir(&path).map_err(io(&path))?;
        }
        Ok(())
    }

    /// Marks the new site as Haven's and swaps it in; the site it replaces becomes the spare
    /// for the next build. Returns a previous site that could not be kept as the spare, for the
    /// caller to remove with [`remove_old`].
    pub fn finish(mut self) -> Result<Option<PathBuf>, WriteError> {
        self.remove_stale()?;
        std::fs::write(
            self.tmp.join(MARKER),
            "This folder was generated by Haven; `haven build` replaces it.\n",
        )
        .map_err(io(&self.tmp))?;
        let old = swap_in(&self.tmp, &self.out)?;
        self.finished = true;
        Ok(old.and_then(|old| {
            let spare = spare(&self.out);
            let kept = !spare.exists() && std::fs::rename(&old, &spare).is_ok();
            (!kept).then_some(old)
        }))
    }
}

impl Drop for SiteWriter {
    fn drop(&mut self) {
        if self.finished {
            return;
        }
        // A tree taken from the spare goes back to being the spare, whatever this build wrote
        // into it: the next build compares every file it keeps. A build that stops early (a
        // problem in the content) so costs the next one nothing.
        let spare = spare(&self.out);
        let was_spare = self.tmp.join(MARKER).is_file();
        if was_spare && !spare.exists() && std::fs::rename(&self.tmp, &spare).is_ok() {
            return;
        }
        let _ = remove_tree(&self.tmp);
    }
}

impl crate::build::Sink for SiteWriter {
    fn put(&self, path: String, file: OutputFile) -> Result<(), Diagnostic> {
        self.write(&path, &file)
            .map_err(|e| Diagnostic::error("write", e.to_string()))
    }
}

fn swap_in(tmp: &Path, out: &Path) -> Result<Option<PathBuf>, WriteError> {
    if !out.exists() {
        std::fs::rename(tmp, out).map_err(io(out))?;
        return Ok(None);
    }
    let old = sibling(out, "old");
    std::fs::rename(out, &old).map_err(io(out))?;
    if let Err(e) = std::fs::rename(tmp, out) {
        // Put the previous site back.
        let _ = std::fs::rename(&old, out);
        return Err(io(out)(e));
    }
    Ok(Some(old))
}

/// Previous sites moved aside next to `out` by earlier builds whose removal did not finish.
pub fn leftovers(out: &Path) -> Vec<PathBuf> {
    let (Some(parent), Some(name)) = (out.parent(), out.file_name()) else {
        return Vec::new();
    };
    let prefix = format!(".{}.haven-old-", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(parent) else {
        return Vec::new();
    };
    let mut found: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect();
    found.sort();
    found
}

/// Removes a previous site that [`SiteWriter::finish`] moved aside (and could not keep as the
/// spare). Only a folder named like one and holding Haven's marker is ever removed.
pub fn remove_old(dir: &Path) -> Result<(), WriteError> {
    let named = dir
        .file_name()
        .map(|n| n.to_string_lossy().contains(".haven-old-"))
        .unwrap_or(false);
    if !named || !dir.join(MARKER).is_file() {
        return Err(WriteError::Refused {
            path: dir.to_path_buf(),
            reason: "it is not a previous Haven output".to_string(),
        });
    }
    // One thread: on a disk this is bound by the file system journal, and it runs beside
    // whatever the user does next.
    std::fs::remove_dir_all(dir).map_err(io(dir))
}

/// Removes a folder Haven wrote, using both cores for its many small files.
fn remove_tree(dir: &Path) -> std::io::Result<()> {
    let entries: Vec<std::fs::DirEntry> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.par_iter().try_for_each(|e| {
        // DirEntry::file_type does not follow symlinks: a link is removed, never its target.
        if e.file_type()?.is_dir() {
            remove_tree(&e.path())
        } else {
            std::fs::remove_file(e.path())
        }
    })?;
    std::fs::remove_dir(dir)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::Output;

    /// A whole build's writing: every file of `output`, then the swap.
    fn write_site(output: &Output, out: &Path, root: &Path) -> Result<Option<PathBuf>, WriteError> {
        let writer = SiteWriter::create(out, root)?;
        output
            .files
            .par_iter()
            .try_for_each(|(rel, file)| writer.write(rel, file))?;
        writer.finish()
    }
    use std::sync::Arc;

    fn output(files: &[(&str, &str)]) -> Output {
        let mut o = Output::default();
        for (k, v) in files {
            o.files.insert(
                k.to_string(),
                OutputFile::Generated(Arc::new(v.as_bytes().to_vec())),
            );
        }
        o
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn tree(dir: &Path) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| e.unwrap())
            .map(|e| {
                let rel = e
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                let body = if e.file_type().is_file() {
                    std::fs::read_to_string(e.path()).unwrap()
                } else {
                    "(folder)".to_string()
                };
                (rel, body)
            })
            .filter(|(rel, _)| rel != MARKER)
            .collect();
        files.sort();
        files
    }

    #[test]
    fn writes_then_replaces_its_own_output_keeping_the_previous_as_the_spare() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        let first = output(&[
            ("index.html", "1"),
            ("a/b/index.html", "2"),
            ("c/x.txt", "x"),
        ]);
        assert_eq!(write_site(&first, &out, root.path()).unwrap(), None);
        assert_eq!(names(root.path()), ["public"]);
        let second = output(&[("index.html", "3"), ("c/x.txt", "x")]);
        assert_eq!(write_site(&second, &out, root.path()).unwrap(), None);
        assert_eq!(names(root.path()), [".public.haven-spare", "public"]);
        assert_eq!(
            tree(&out),
            [
                ("c".into(), "(folder)".into()),
                ("c/x.txt".into(), "x".into()),
                ("index.html".into(), "3".into())
            ]
        );
        // The spare is the first build, whole.
        assert_eq!(tree(&spare(&out)), tree_of(&first));

        // The third build reuses the spare: stale files and folders go, unchanged files stay
        // the same files, changed ones are rewritten.
        let kept = inode(&spare(&out).join("c/x.txt"));
        let third = output(&[("index.html", "4"), ("c/x.txt", "x"), ("d/index.html", "5")]);
        assert_eq!(write_site(&third, &out, root.path()).unwrap(), None);
        assert_eq!(tree(&out), tree_of(&third));
        assert_eq!(inode(&out.join("c/x.txt")), kept);
        assert_eq!(tree(&spare(&out)), tree_of(&second));
        assert_eq!(names(root.path()), [".public.haven-spare", "public"]);
        assert!(leftovers(&out).is_empty());
        // Only Haven's own previous outputs can be removed by remove_old.
        assert!(remove_old(root.path()).is_err());
        assert!(remove_old(&spare(&out)).is_err());
    }

    fn tree_of(o: &Output) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = Vec::new();
        for (k, v) in &o.files {
            let mut at = k.as_str();
            while let Some((parent, _)) = at.rsplit_once('/') {
                files.push((parent.to_string(), "(folder)".to_string()));
                at = parent;
            }
            files.push((
                k.clone(),
                String::from_utf8(v.bytes().unwrap().into_owned()).unwrap(),
            ));
        }
        files.sort();
        files.dedup();
        files
    }

    #[cfg(unix)]
    fn inode(path: &Path) -> u64 {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).unwrap().ino()
    }

    #[test]
    fn a_reused_tree_swaps_files_and_folders_and_never_follows_links() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        let outside = root.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("index.html"), "mine").unwrap();
        let first = output(&[("a", "file"), ("b/index.html", "in a folder"), ("l/x", "1")]);
        write_site(&first, &out, root.path()).unwrap();
        write_site(&first, &out, root.path()).unwrap();
        // Someone put a link to a folder outside into the spare.
        std::fs::remove_dir_all(spare(&out).join("l")).unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(&outside, spare(&out).join("l")).unwrap();
        let second = output(&[
            ("a/index.html", "now a folder"),
            ("b", "now a file"),
            ("l/index.html", "new"),
        ]);
        write_site(&second, &out, root.path()).unwrap();
        assert_eq!(tree(&out), tree_of(&second));
        assert_eq!(
            std::fs::read_to_string(outside.join("index.html")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn refuses_dangerous_targets() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("content")).unwrap();
        let foreign = root.path().join("docs");
        std::fs::create_dir(&foreign).unwrap();
        std::fs::write(foreign.join("keep.txt"), "mine").unwrap();
        for bad in [
            root.path().to_path_buf(),
            root.path().join("content"),
            root.path().join(".."),
            PathBuf::from("/"),
            foreign.clone(),
        ] {
            let e = write_site(&output(&[("index.html", "x")]), &bad, root.path()).unwrap_err();
            assert!(matches!(e, WriteError::Refused { .. }), "{bad:?}: {e}");
        }
        assert_eq!(
            std::fs::read_to_string(foreign.join("keep.txt")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn an_unfinished_writer_leaves_the_previous_site() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        write_site(&output(&[("index.html", "1")]), &out, root.path()).unwrap();
        {
            let writer = SiteWriter::create(&out, root.path()).unwrap();
            let file = OutputFile::Generated(Arc::new(b"2".to_vec()));
            writer.write("a/b/c/index.html", &file).unwrap();
            writer.write("a/b/d/index.html", &file).unwrap();
            writer.write("index.html", &file).unwrap();
            // Dropped without finish(), as when a later page fails to render.
        }
        assert_eq!(
            std::fs::read_to_string(out.join("index.html")).unwrap(),
            "1"
        );
        let names: Vec<String> = std::fs::read_dir(root.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["public"]);
    }

    #[test]
    fn an_unfinished_writer_gives_back_the_spare() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("public");
        let first = output(&[("index.html", "1"), ("a/index.html", "a")]);
        let second = output(&[("index.html", "2")]);
        write_site(&first, &out, root.path()).unwrap();
        write_site(&second, &out, root.path()).unwrap();
        let kept = inode(&spare(&out).join("a/index.html"));
        {
            let writer = SiteWriter::create(&out, root.path()).unwrap();
            let file = OutputFile::Generated(Arc::new(b"half".to_vec()));
            writer.write("index.html", &file).unwrap();
            writer.write("b/index.html", &file).unwrap();
            // Dropped without finish(), as when the content has an error.
        }
        assert_eq!(names(root.path()), [".public.haven-spare", "public"]);
        assert_eq!(tree(&out), tree_of(&second));
        assert_eq!(inode(&spare(&out).join("a/index.html")), kept);
        // The next build reuses it, half-written as it is, and writes the site exactly.
        let third = output(&[("index.html", "3"), ("a/index.html", "a")]);
        write_site(&third, &out, root.path()).unwrap();
        assert_eq!(tree(&out), tree_of(&third));
        assert_eq!(inode(&out.join("a/index.html")), kept);
        assert_eq!(tree(&spare(&out)), tree_of(&second));
    }

    #[test]
    fn an_empty_folder_is_accepted() {
        let root = tempfile::tempdir().unwrap();
        let out = root.path().join("out");
        std::fs::create_dir(&out).unwrap();
        write_site(&output(&[("index.html", "x")]), &out, root.path()).unwrap();
        assert!(out.join(MARKER).exists());
    }
}
