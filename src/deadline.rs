//! The time limit of a build (`--timeout`), and what was rendering when it ran out.
//!
//! Tera cannot be interrupted from outside, so a build is stopped in two ways. Cooperatively:
//! once the limit has passed, every template render fails at its next write, and `range()`
//! (which Haven supplies in place of Tera's) fails at its next call — a runaway loop that
//! prints something or loops over `range()` stops within moments and the build ends normally
//! with a `timeout` error. For a loop that does neither, the caller decides: `haven build` and
//! `haven check` exit (see `main`), `haven serve` leaves the thread behind and keeps serving.
//!
//! Each render registers what it renders (template and page) for the time it runs, so the
//! error names them; that is two uncontended lock operations per page.

use crate::diagnostics::Diagnostic;
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Most bytes one template render may write: far above any real page (the largest content
/// file makes a few tens of megabytes of HTML), and a bound on the memory a loop can fill
/// before its time is up.
pub const MAX_RENDERED_BYTES: usize = 256 * 1024 * 1024;

/// A render in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    /// The template, as shown to users (`themes/calm/templates/article.html`).
    pub template: PathBuf,
    /// What the template renders: a content file, or the site path of a generated page.
    pub page: String,
    pub since: Instant,
}

/// The time limit of one build, shared by everything the build renders.
#[derive(Debug)]
pub struct Deadline {
    limit: Option<Duration>,
    /// The flag the option was given with, for messages (`--timeout`).
    option: &'static str,
    start: Instant,
    expired: AtomicBool,
    next_id: AtomicU64,
    active: Mutex<Vec<(u64, Activity)>>,
    /// What was rendering when the limit passed.
    at_expiry: Mutex<Vec<Activity>>,
}

impl Default for Deadline {
    fn default() -> Self {
        Deadline::new(None, "--timeout")
    }
}

thread_local! {
    /// The deadline of the render running on this thread, for the template functions.
    static CURRENT: RefCell<Option<Arc<Deadline>>> = const { RefCell::new(None) };
}

impl Deadline {
    /// A limit of `limit` from now (`None`: no limit); `option` names the setting in messages.
    pub fn new(limit: Option<Duration>, option: &'static str) -> Deadline {
        Deadline {
            limit,
            option,
            start: Instant::now(),
            expired: AtomicBool::new(false),
            next_id: AtomicU64::new(0),
            active: Mutex::new(Vec::new()),
            at_expiry: Mutex::new(Vec::new()),
        }
    }

    pub fn limit(&self) -> Option<Duration> {
        self.limit
    }

    /// Time left before the limit (`None`: no limit).
    pub fn remaining(&self) -> Option<Duration> {
        self.limit
            .map(|limit| limit.saturating_sub(self.start.elapsed()))
    }

    /// Marks the limit as passed: renders fail from their next write on. Called by whoever
    /// watches the clock (see `main`), once.
    pub fn expire(&self) {
        *lock(&self.at_expiry) = self.active();
        self.expired.store(true, Ordering::Relaxed);
    }

    pub fn is_expired(&self) -> bool {
        self.expired.load(Ordering::Relaxed)
    }

    /// Renders in progress, longest-running first.
    pub fn active(&self) -> Vec<Activity> {
        let mut list: Vec<Activity> = lock(&self.active).iter().map(|(_, a)| a.clone()).collect();
        list.sort_by_key(|a| a.since);
        list
    }

    /// Registers a render of `template` (its display path) for `page` until the guard is
    /// dropped; template functions on this thread see this deadline meanwhile.
    pub fn enter(self: &Arc<Self>, template: &Path, page: &str) -> Rendering {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        lock(&self.active).push((
            id,
            Activity {
                template: template.to_path_buf(),
                page: page.to_string(),
                since: Instant::now(),
            },
        ));
        let previous = CURRENT.with(|c| c.replace(Some(Arc::clone(self))));
        Rendering {
            deadline: Arc::clone(self),
            id,
            previous,
        }
    }

    /// Whether the deadline of the render running on this thread has passed.
    pub fn current_expired() -> bool {
        CURRENT.with(|c| c.borrow().as_ref().is_some_and(|d| d.is_expired()))
    }

    /// The error of a build stopped by its time limit, naming what was rendering then.
    pub fn diagnostic(&self) -> Diagnostic {
        let limit = self.limit.map_or(0, |l| l.as_secs());
        let rendering = lock(&self.at_expiry).clone();
        let now = Instant::now();
        let Some(first) = rendering.first() else {
            return Diagnostic::error(
                "timeout",
                format!(
                    "the build took longer than its limit of {limit} s ({}), while no template was rendering",
                    self.option
                ),
            )
            .suggest(format!(
                "a large site or a slow disk may need more time: {} SECONDS (0: no limit)",
                self.option
            ));
        };
        let seconds = |a: &Activity| now.saturating_duration_since(a.since).as_secs_f64();
        let mut message = format!(
            "the build took longer than its limit of {limit} s ({}): the template {} had been rendering {} for {:.1} s",
            self.option,
            first.template.display(),
            first.page,
            seconds(first)
        );
        let others: Vec<String> = rendering[1..]
            .iter()
            .take(3)
            .map(|a| format!("{} for {}", a.template.display(), a.page))
            .collect();
        if !others.is_empty() {
            message.push_str(&format!(" (also rendering: {})", others.join(", ")));
        }
        Diagnostic::error("timeout", message)
            .in_file(&first.template)
            .suggest(format!(
                "look in this template for a loop that never ends or runs far too often; if the site only needs more time, {} SECONDS (0: no limit)",
                self.option
            ))
    }
}

/// A render registered with [`Deadline::enter`].
pub struct Rendering {
    deadline: Arc<Deadline>,
    id: u64,
    previous: Option<Arc<Deadline>>,
}

impl Drop for Rendering {
    fn drop(&mut self) {
        let mut active = lock(&self.deadline.active);
        if let Some(i) = active.iter().position(|(id, _)| *id == self.id) {
            active.swap_remove(i);
        }
        drop(active);
        let previous = self.previous.take();
        CURRENT.with(|c| *c.borrow_mut() = previous);
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Why a guarded write failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stopped {
    /// The build's time limit passed.
    Timeout,
    /// The render wrote more than [`MAX_RENDERED_BYTES`].
    TooLarge,
}

/// A writer that fails once the deadline has passed or the output grows too large; Tera then
/// stops rendering and reports the write error.
pub struct Guarded<'a, W> {
    inner: W,
    deadline: &'a Deadline,
    written: usize,
    /// Writes since the deadline was last looked at.
    unchecked: u32,
    pub stopped: Option<Stopped>,
}

/// Writes between two looks at the deadline: Tera writes a page in hundreds of small pieces,
/// and a loop that prints anything reaches the next look within moments.
const WRITES_PER_CHECK: u32 = 32;

impl<'a, W> Guarded<'a, W> {
    pub fn new(inner: W, deadline: &'a Deadline) -> Self {
        Guarded {
            inner,
            deadline,
            written: 0,
            unchecked: 0,
            stopped: None,
        }
    }

    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: std::io::Write> Guarded<'_, W> {
    fn check(&mut self, len: usize) -> std::io::Result<()> {
        self.written += len;
        self.unchecked += 1;
        if self.unchecked < WRITES_PER_CHECK && self.written <= MAX_RENDERED_BYTES {
            return Ok(());
        }
        self.unchecked = 0;
        if self.deadline.is_expired() {
            self.stopped = Some(Stopped::Timeout);
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the build's time limit passed",
            ));
        }
        if self.written > MAX_RENDERED_BYTES {
            self.stopped = Some(Stopped::TooLarge);
            return Err(std::io::Error::other("the page is too large"));
        }
        Ok(())
    }
}

impl<W: std::io::Write> std::io::Write for Guarded<'_, W> {
    // Tera writes each of those pieces with `write_all`: counted here, not by a loop of `write`.
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.check(buf.len())?;
        self.inner.write_all(buf)
    }

    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.check(buf.len())?;
        self.inner.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write as _;

    #[test]
    fn writes_fail_once_the_deadline_has_passed_and_name_the_render() {
        let deadline = Arc::new(Deadline::new(Some(Duration::from_secs(3)), "--timeout"));
        let mut out = Guarded::new(Vec::new(), &deadline);
        out.write_all(b"before").unwrap();
        for _ in 0..WRITES_PER_CHECK {
            out.write_all(b"more").unwrap();
        }
        {
            let _rendering = deadline.enter(Path::new("templates/a.html"), "content/a.md");
            assert!(!Deadline::current_expired());
            deadline.expire();
            assert!(Deadline::current_expired());
        }
        assert!(!Deadline::current_expired(), "the render is over");
        assert!(deadline.active().is_empty());
        let failed = (0..=WRITES_PER_CHECK).any(|_| out.write_all(b"after").is_err());
        assert!(failed);
        assert_eq!(out.stopped, Some(Stopped::Timeout));
        let d = deadline.diagnostic();
        assert_eq!(d.code, "timeout");
        assert_eq!(d.file.as_deref(), Some(Path::new("templates/a.html")));
        assert!(
            d.message.contains("limit of 3 s (--timeout)")
                && d.message
                    .contains("templates/a.html had been rendering content/a.md"),
            "{}",
            d.message
        );
    }

    #[test]
    fn output_is_bounded() {
        let deadline = Deadline::default();
        let mut out = Guarded::new(std::io::sink(), &deadline);
        let chunk = vec![b'x'; 1024 * 1024];
        let mut result = Ok(());
        for _ in 0..=MAX_RENDERED_BYTES / chunk.len() {
            result = out.write_all(&chunk);
            if result.is_err() {
                break;
            }
        }
        assert!(result.is_err());
        assert_eq!(out.stopped, Some(Stopped::TooLarge));
    }
}
