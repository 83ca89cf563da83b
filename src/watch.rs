//! Watching a site for changes: notify events → debounced, classified [`Changes`].
//!
//! Editors save in many ways (write in place, write a temp file and rename it over the original,
//! delete and recreate); all of them arrive here as paths, and what matters is only which of the
//! site's inputs they touch.

use notify::{RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// What changed since the last rebuild.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    pub config: bool,
    /// Templates of the site or the theme, or theme.yaml.
    pub templates: bool,
    /// Output paths of changed static files (`css/style.css`).
    pub statics: BTreeSet<String>,
    /// Content paths (`articles/a.md`) of changed, created or deleted content files and
    /// folders (whether the list of files changed is decided against the site, not here).
    pub content: BTreeSet<String>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        !self.config && !self.templates && self.statics.is_empty() && self.content.is_empty()
    }

    /// Only stylesheets changed: pages can swap them without reloading.
    pub fn css_only(&self) -> bool {
        !self.config
            && !self.templates
            && self.content.is_empty()
            && !self.statics.is_empty()
            && self.statics.iter().all(|s| s.ends_with(".css"))
    }

    /// Records one changed path under `root`; `theme` is the active theme's name.
    pub fn add(&mut self, root: &Path, theme: &str, path: &Path) {
        let Ok(rel) = path.strip_prefix(root) else {
            return;
        };
        let parts: Vec<String> = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let Some(name) = parts.last() else { return };
        if crate::content::is_ignored(name) {
            return;
        }
        let joined = |from: usize| parts[from..].join("/");
        match parts.first().map(String::as_str) {
            Some("site.yaml") if parts.len() == 1 => self.config = true,
            Some("content") if parts.len() > 1 => {
                self.content.insert(joined(1));
            }
            Some("static") if parts.len() > 1 => {
                self.statics.insert(joined(1));
            }
            Some("templates") => self.templates = true,
            Some("themes") if parts.get(1).map(String::as_str) == Some(theme) => {
                match parts.get(2).map(String::as_str) {
                    Some("static") if parts.len() > 3 => {
                        self.statics.insert(joined(3));
                    }
                    _ => self.templates = true,
                }
            }
            _ => {}
        }
    }
}

/// A running watcher; dropping it stops watching.
pub struct SiteWatcher {
    _watcher: Box<dyn Watcher + Send>,
    events: Receiver<notify::Result<notify::Event>>,
    root: PathBuf,
    theme: String,
}

impl SiteWatcher {
    /// Watches `root` (for site.yaml and new folders) and its content, static, templates and
    /// theme folders. `poll` switches to polling every given interval.
    pub fn new(root: &Path, theme: &str, poll: Option<Duration>) -> notify::Result<SiteWatcher> {
        let (tx, rx) = channel();
        let mut watcher: Box<dyn Watcher + Send> = match poll {
            Some(interval) => Box::new(notify::PollWatcher::new(
                tx,
                notify::Config::default()
                    .with_poll_interval(interval)
                    .with_compare_contents(true),
            )?),
            None => Box::new(notify::recommended_watcher(tx)?),
        };
        let root = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        watcher.watch(&root, RecursiveMode::NonRecursive)?;
        for dir in ["content", "static", "templates"] {
            let d = root.join(dir);
            if d.is_dir() {
                watcher.watch(&d, RecursiveMode::Recursive)?;
            }
        }
        let theme_dir = root.join("themes").join(theme);
        if theme_dir.is_dir() {
            watcher.watch(&theme_dir, RecursiveMode::Recursive)?;
        }
        Ok(SiteWatcher {
            _watcher: watcher,
            events: rx,
            root,
            theme: theme.to_string(),
        })
    }

    /// Waits for the next batch of changes: returns once `quiet` passed without new events
    /// (or `max_wait` after the first one). `None` when the watcher stopped.
    pub fn next_changes(
        &mut self,
        quiet: Duration,
        max_wait: Duration,
    ) -> Option<(Changes, Instant)> {
        loop {
            let first = match self.events.recv() {
                Ok(e) => e,
                Err(_) => return None,
            };
            let first_at = Instant::now();
            let mut changes = Changes::default();
            self.record(first, &mut changes);
            loop {
                let remaining = max_wait.saturating_sub(first_at.elapsed());
                match self.events.recv_timeout(quiet.min(remaining)) {
                    Ok(e) => self.record(e, &mut changes),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => return None,
                }
                if first_at.elapsed() >= max_wait {
                    break;
                }
            }
            if !changes.is_empty() {
                return Some((changes, first_at));
            }
        }
    }

    fn record(&mut self, event: notify::Result<notify::Event>, changes: &mut Changes) {
        let Ok(event) = event else { return };
        if event.kind.is_access() {
            return;
        }
        for path in &event.paths {
            // A folder created at the root (e.g. static/) must be watched too.
            if path.parent() == Some(self.root.as_path()) && path.is_dir() {
                let name = path.file_name().map(|n| n.to_string_lossy().into_owned());
                if matches!(name.as_deref(), Some("content" | "static" | "templates")) {
                    let _ = self._watcher.watch(path, RecursiveMode::Recursive);
                }
            }
            changes.add(&self.root, &self.theme, path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes(paths: &[&str]) -> Changes {
        let mut c = Changes::default();
        for p in paths {
            c.add(Path::new("/site"), "calm", &Path::new("/site").join(p));
        }
        c
    }

    #[test]
    fn classifies_paths() {
        let c = changes(&[
            "content/articles/a.md",
            "content/articles/.a.md.swp",
            "content/articles/a.md~",
            "public/index.html",
            "static/css/x.css",
        ]);
        assert_eq!(c.content.iter().collect::<Vec<_>>(), ["articles/a.md"]);
        assert!(!c.css_only());
        assert!(changes(&["static/css/x.css"]).css_only());
        assert!(changes(&["site.yaml"]).config);
        assert!(changes(&["themes/calm/templates/base.html"]).templates);
        assert!(!changes(&["themes/other/templates/base.html"]).templates);
        assert!(changes(&["themes/calm/static/css/style.css"]).css_only());
    }
}
