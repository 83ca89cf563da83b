//! The HTTP side of `haven serve`: a small development server for a site built in memory.
//!
//! The rebuild loop owns a [`ServeState`] and hands it every freshly built site
//! ([`ServeState::publish`]) or the diagnostics of a failed rebuild
//! ([`ServeState::report_errors`]). A [`Server`] bound with [`Server::bind`] answers requests
//! from whatever site the state holds at that moment:
//!
//! - only `GET` and `HEAD`; request paths are decoded and validated before they reach the site
//!   (see `path`), so nothing outside the [`SiteFiles`] can ever be served (see `route`);
//! - `Cache-Control: no-cache` with a strong `ETag`, so browsers revalidate cheaply;
//! - every HTML page gets `<script src="/__haven/livereload.js" defer></script>`, which listens on
//!   the server-sent-event stream `/__haven/events` and reloads the page, swaps stylesheets, or
//!   shows an overlay with the build errors (see `livereload`).
//!
//! tiny_http accepts connections and reads requests; every request is then answered on a
//! thread of its own, with `Connection: close`, so a slow or stalled client never holds up
//! anybody else (see `http`).

mod http;
mod livereload;
mod mime;
mod path;
mod route;
#[cfg(test)]
mod tests;

// The whole API, whether or not the binary names every type (`ServeError` may only ever be
// propagated with `?`, `RunningServer` only held in a variable).
#[allow(unused_imports)]
pub use http::{Bind, RunningServer, ServeError, Server};

use crate::diagnostics::{Diagnostic, Severity};
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

/// What the server serves: the built site, in memory.
///
/// Keys are paths relative to the site root with forward slashes, e.g. `index.html`,
/// `articles/foo/index.html`, `css/style.3f9a.css`. The server only ever asks for keys made of
/// validated, percent-decoded segments: never one with `..`, `.`, an empty segment, a backslash,
/// a colon, a NUL or another control character.
pub trait SiteFiles: Send + Sync {
    /// The bytes of the file at `path`, if there is one.
    fn get(&self, path: &str) -> Option<Cow<'_, [u8]>>;
    /// Whether `path` is a directory: some key starts with `path` followed by `/`.
    fn is_dir(&self, path: &str) -> bool;
}

/// A site held in a sorted map, handy for tests and small tools.
impl SiteFiles for BTreeMap<String, Vec<u8>> {
    fn get(&self, path: &str) -> Option<Cow<'_, [u8]>> {
        BTreeMap::get(self, path).map(|bytes| Cow::Borrowed(bytes.as_slice()))
    }

    fn is_dir(&self, path: &str) -> bool {
        let prefix = format!("{path}/");
        self.range(prefix.clone()..)
            .next()
            .is_some_and(|(key, _)| key.starts_with(&prefix))
    }
}

/// A message for the open event streams (one per open page).
#[derive(Debug, Clone)]
pub(crate) enum Event {
    /// Reload the page.
    Reload,
    /// Only these stylesheets changed: a JSON array of site paths.
    Css(Arc<str>),
    /// The last rebuild failed: the JSON payload `{"diagnostics":[…]}`.
    Error(Arc<str>),
    /// End the stream (shutdown).
    Close,
}

/// The state shared between the HTTP threads and the rebuild loop.
pub struct ServeState {
    inner: Mutex<Inner>,
}

struct Inner {
    files: Arc<dyn SiteFiles>,
    /// The `error` event payload while the last rebuild failed.
    error: Option<Arc<str>>,
    subscribers: Vec<Sender<Event>>,
    shut_down: bool,
}

impl std::fmt::Debug for ServeState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = self.lock();
        f.debug_struct("ServeState")
            .field("error", &inner.error)
            .field("subscribers", &inner.subscribers.len())
            .field("shut_down", &inner.shut_down)
            .finish_non_exhaustive()
    }
}

impl ServeState {
    /// Starts serving `files`.
    pub fn new(files: Arc<dyn SiteFiles>) -> Arc<Self> {
        Arc::new(ServeState {
            inner: Mutex::new(Inner {
                files,
                error: None,
                subscribers: Vec::new(),
                shut_down: false,
            }),
        })
    }

    /// The site being served right now.
    pub fn files(&self) -> Arc<dyn SiteFiles> {
        Arc::clone(&self.lock().files)
    }

    /// Swaps in a freshly built site (only called after a successful rebuild) and tells every
    /// open page to reload; clears any error overlay.
    ///
    /// With `changed_css_only: Some(paths)` (site paths such as `css/style.css`) pages swap those
    /// stylesheets in place instead of reloading — unless an error overlay is showing, which a
    /// full reload clears.
    pub fn publish(&self, files: Arc<dyn SiteFiles>, changed_css_only: Option<Vec<String>>) {
        let mut inner = self.lock();
        inner.files = files;
        let had_error = inner.error.take().is_some();
        let event = match changed_css_only {
            Some(paths) if !had_error && !paths.is_empty() => match serde_json::to_string(&paths) {
                Ok(json) => Event::Css(json.into()),
                Err(_) => Event::Reload,
            },
            _ => Event::Reload,
        };
        inner.broadcast(&event);
    }

    /// Keeps serving the last good site and pushes an `error` event with the diagnostics, so
    /// open pages (and pages opened later, until the next [`publish`](Self::publish)) show an
    /// overlay listing them.
    pub fn report_errors(&self, diagnostics: &[Diagnostic]) {
        let payload: Arc<str> = error_payload(diagnostics).into();
        let mut inner = self.lock();
        inner.error = Some(Arc::clone(&payload));
        inner.broadcast(&Event::Error(payload));
    }

    /// Closes every event stream (shutdown). Pages opened afterwards get no stream; their script
    /// keeps retrying and reloads once a server answers again.
    pub fn shutdown(&self) {
        let mut inner = self.lock();
        inner.shut_down = true;
        inner.close_streams();
    }

    /// Registers a new event stream: its receiver and the error to show right away, or `None`
    /// after [`shutdown`](Self::shutdown).
    pub(crate) fn subscribe(&self) -> Option<(Receiver<Event>, Option<Arc<str>>)> {
        let mut inner = self.lock();
        if inner.shut_down {
            return None;
        }
        let (sender, receiver) = mpsc::channel();
        inner.subscribers.push(sender);
        Some((receiver, inner.error.clone()))
    }

    /// Ends the event streams open right now (a server stopping), without refusing new ones.
    pub(crate) fn close_streams(&self) {
        self.lock().close_streams();
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Nothing is left half-updated on a panic, so a poisoned lock is still fine to use.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Inner {
    /// Sends `event` to every open stream, forgetting the ones whose page went away.
    fn broadcast(&mut self, event: &Event) {
        self.subscribers
            .retain(|subscriber| subscriber.send(event.clone()).is_ok());
    }

    fn close_streams(&mut self) {
        for subscriber in self.subscribers.drain(..) {
            let _ = subscriber.send(Event::Close);
        }
    }
}

/// One diagnostic as the overlay shows it.
#[derive(Serialize)]
struct OverlayDiagnostic<'a> {
    file: Option<String>,
    line: usize,
    column: usize,
    message: &'a str,
    code: &'a str,
    severity: Severity,
    suggestion: Option<&'a str>,
}

/// The JSON payload of an `error` event: `{"diagnostics":[{file,line,column,message,code,…}]}`.
fn error_payload(diagnostics: &[Diagnostic]) -> String {
    #[derive(Serialize)]
    struct Payload<'a> {
        diagnostics: Vec<OverlayDiagnostic<'a>>,
    }
    let payload = Payload {
        diagnostics: diagnostics
            .iter()
            .map(|d| OverlayDiagnostic {
                file: d.file.as_ref().map(|f| f.display().to_string()),
                line: d.line as usize,
                column: d.column as usize,
                message: &d.message,
                code: &d.code,
                severity: d.severity,
                suggestion: d.suggestion.as_deref(),
            })
            .collect(),
    };
    serde_json::to_string(&payload).unwrap_or_else(|_| r#"{"diagnostics":[]}"#.to_string())
}
