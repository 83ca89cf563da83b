//! `haven serve`: build, serve from memory, watch, rebuild incrementally, reload browsers.

use crate::{paint, print_diagnostics, print_warnings_capped};
use anstream::{eprintln, println};
use anstyle::AnsiColor;
use haven::deadline::Deadline;
use haven::diagnostics::Diagnostic;
use haven::preview::{Preview, Rebuilt};
use haven::serve::{Bind, ServeState, Server, SiteFiles};
use haven::site::LoadOptions;
use haven::watch::{Changes, SiteWatcher};
use std::collections::BTreeMap;
use std::io::Write;
use std::net::IpAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const DEFAULT_PORT: u16 = 1111;
/// Seconds a rebuild may take before it is given up (`haven serve --timeout`): far more than a
/// full build of a large site takes (10,000 articles: about two seconds).
pub const DEFAULT_TIMEOUT: u64 = 60;
/// How long a rebuild whose time is up may take to stop by itself before it is left behind.
const STOP_GRACE: Duration = Duration::from_secs(2);
/// Editors write a file in several steps; wait this long for the last one.
const QUIET: Duration = Duration::from_millis(30);
const MAX_WAIT: Duration = Duration::from_millis(300);

fn empty_site() -> Arc<dyn SiteFiles> {
    Arc::new(BTreeMap::<String, Vec<u8>>::new())
}

pub fn run(
    root: &Path,
    bind: IpAddr,
    port: Option<u16>,
    drafts: bool,
    open: bool,
    poll: Option<u64>,
    timeout: Option<Duration>,
) -> Result<(), Vec<Diagnostic>> {
    let fail = |m: String| vec![Diagnostic::error("serve", m)];
    let (port, mode) = match port {
        Some(p) => (p, Bind::Explicit),
        None => (DEFAULT_PORT, Bind::Default),
    };
    if !bind.is_loopback() {
        eprintln!(
            "{} serving on {bind}: anyone on your network can see this preview and your unpublished edits",
            paint(AnsiColor::Yellow, "warning:")
        );
    }
    let server = Server::bind(bind, port, mode).map_err(|e| fail(e.to_string()))?;
    let addr = server.local_addr();
    if let Some(busy) = server.fell_back_from() {
        eprintln!("Port {busy} is in use; using {} instead.", addr.port());
    }
    let host = if bind.is_unspecified() {
        "127.0.0.1".to_string()
    } else {
        match addr.ip() {
            IpAddr::V6(ip) => format!("[{ip}]"),
            ip => ip.to_string(),
        }
    };
    let url = format!("http://{host}:{}/", addr.port());
    let options = LoadOptions {
        root: root.to_path_buf(),
        drafts,
        base_url: Some(url.clone()),
        serve: true,
        today: None,
        checks_only: false,
        deadline: Arc::default(),
    };

    let state = ServeState::new(empty_site());
    let mut builder = Builder::spawn(root, &options, &state);
    if !builder.run(Job::First, timeout, root, &state) {
        builder = Builder::spawn(root, &options, &state);
    }
    let theme = haven::site::load_config(&options)
        .map(|c| c.theme)
        .unwrap_or_else(|_| "calm".to_string());
    let mut watcher = SiteWatcher::new(root, &theme, poll.map(Duration::from_millis))
        .map_err(|e| fail(format!("cannot watch {} for changes: {e}", root.display())))?;

    let running = server.run(state.clone());
    println!("Serving at {url}");
    let _ = std::io::stdout().flush();
    if open {
        open_browser(&url);
    }

    let (stop_tx, stop_rx) = std::sync::mpsc::channel();
    let _ = ctrlc::set_handler(move || {
        let _ = stop_tx.send(());
    });
    let root_owned = root.to_path_buf();
    let rebuild_state = state.clone();
    std::thread::spawn(move || {
        while let Some((changes, first_event)) = watcher.next_changes(QUIET, MAX_WAIT) {
            if !builder.run(
                Job::Changes(changes, first_event),
                timeout,
                &root_owned,
                &rebuild_state,
            ) {
                builder = Builder::spawn(&root_owned, &options, &rebuild_state);
            }
        }
    });
    let _ = stop_rx.recv();
    state.shutdown();
    running.stop();
    println!("Stopped.");
    Ok(())
}

/// What a builder is asked to do.
enum Job {
    /// The first build, before the preview starts serving.
    First,
    /// A rebuild after changes; the instant of the first change.
    Changes(Changes, Instant),
}

/// Builds on a thread of its own (with its own worker threads), so that a template that never
/// stops — Tera cannot be interrupted — holds up that thread and not the preview: after the
/// time limit the rebuild is given up, the browser shows why, the last good site stays
/// served, and the next change starts over on a new builder with a full build. The runaway
/// threads are left behind (they keep a core busy until `haven serve` is restarted).
struct Builder {
    jobs: std::sync::mpsc::Sender<(Job, Arc<Deadline>)>,
    done: std::sync::mpsc::Receiver<()>,
    /// Set when this builder has been given up: it must then report and publish nothing.
    abandoned: Arc<Mutex<bool>>,
}

impl Builder {
    fn spawn(root: &Path, options: &LoadOptions, state: &Arc<ServeState>) -> Builder {
        let (jobs, incoming) = std::sync::mpsc::channel::<(Job, Arc<Deadline>)>();
        let (finished, done) = std::sync::mpsc::channel();
        let abandoned = Arc::new(Mutex::new(false));
        let (root, options, state) = (root.to_path_buf(), options.clone(), Arc::clone(state));
        let given_up = Arc::clone(&abandoned);
        std::thread::spawn(move || {
            // Its own workers: a render that never ends keeps one of them, not one of the
            // process's shared ones, and the next builder starts with a full set.
            let pool = rayon::ThreadPoolBuilder::new()
                .thread_name(|i| format!("haven-build-{i}"))
                .build()
                .ok();
            let mut preview: Option<Preview> = None;
            for (job, deadline) in incoming {
                let options = LoadOptions {
                    deadline,
                    ..options.clone()
                };
                let work = || build_once(&root, &options, &mut preview, &state, job, &given_up);
                match &pool {
                    Some(pool) => pool.install(work),
                    None => work(),
                }
                if finished.send(()).is_err() {
                    return;
                }
            }
        });
        Builder {
            jobs,
            done,
            abandoned,
        }
    }

    /// Runs `job` within `timeout`; false when the builder had to be given up (a new one is
    /// needed).
    fn run(&self, job: Job, timeout: Option<Duration>, root: &Path, state: &ServeState) -> bool {
        let deadline = Arc::new(Deadline::new(timeout, "haven serve --timeout"));
        if self.jobs.send((job, Arc::clone(&deadline))).is_err() {
            return false;
        }
        use std::sync::mpsc::RecvTimeoutError;
        let wait = |limit: Option<Duration>| match limit {
            Some(limit) => self.done.recv_timeout(limit),
            None => self.done.recv().map_err(|_| RecvTimeoutError::Disconnected),
        };
        match wait(deadline.remaining()) {
            Ok(()) => return true,
            Err(RecvTimeoutError::Disconnected) => return false,
            Err(RecvTimeoutError::Timeout) => {}
        }
        // Renders stop at their next write; the builder then reports the timeout itself.
        deadline.expire();
        match wait(Some(STOP_GRACE)) {
            Ok(()) => return true,
            Err(RecvTimeoutError::Disconnected) => return false,
            Err(RecvTimeoutError::Timeout) => {}
        }
        let mut abandoned = self.abandoned.lock().unwrap_or_else(|e| e.into_inner());
        *abandoned = true;
        let errors = [deadline.diagnostic()];
        eprintln!(
            "{} still serving the last good build; a thread keeps rendering in the background until haven serve is restarted",
            paint(AnsiColor::Red, "Rebuild given up:"),
        );
        print_diagnostics(root, &errors);
        state.report_errors(&errors);
        false
    }
}

/// One build or rebuild, reported on the terminal and in the browser (unless the builder has
/// been given up meanwhile).
fn build_once(
    root: &Path,
    options: &LoadOptions,
    preview: &mut Option<Preview>,
    state: &ServeState,
    job: Job,
    abandoned: &Mutex<bool>,
) {
    let start = Instant::now();
    match job {
        Job::First => {
            let result = Preview::new(options.clone());
            let abandoned = abandoned.lock().unwrap_or_else(|e| e.into_inner());
            if *abandoned {
                return;
            }
            match result {
                Ok(p) => {
                    state.publish(p.output.clone(), None);
                    report_checks(root, state, &p.site, haven::check::check_site(&p.site));
                    println!(
                        "{} {} pages in {} ms",
                        paint(AnsiColor::Green, "Built"),
                        p.output
                            .files
                            .keys()
                            .filter(|k| k.ends_with(".html"))
                            .count(),
                        start.elapsed().as_millis()
                    );
                    *preview = Some(p);
                }
                Err(errors) => {
                    let errors = timeout_or(&options.deadline, errors);
                    print_diagnostics(root, &errors);
                    state.report_errors(&errors);
                }
            }
        }
        Job::Changes(changes, first_event) => {
            rebuild(
                root,
                options,
                preview,
                state,
                &changes,
                first_event,
                abandoned,
            );
        }
    }
}

/// A build's errors, or only the timeout when its time limit passed (the renders it stopped
/// report it too).
fn timeout_or(deadline: &Deadline, errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if deadline.is_expired() {
        vec![deadline.diagnostic()]
    } else {
        errors
    }
}

fn describe(changes: &Changes) -> String {
    let mut parts: Vec<String> = changes
        .content
        .iter()
        .map(|c| format!("content/{c}"))
        .chain(changes.statics.iter().map(|s| format!("static {s}")))
        .collect();
    if changes.config {
        parts.push("site.yaml".into());
    }
    if changes.templates {
        parts.push("templates".into());
    }
    let more = parts.len().saturating_sub(3);
    parts.truncate(3);
    let mut text = parts.join(", ");
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text
}

fn rebuild(
    root: &Path,
    options: &LoadOptions,
    preview: &mut Option<Preview>,
    state: &ServeState,
    changes: &Changes,
    first_event: Instant,
    abandoned: &Mutex<bool>,
) {
    let waited = first_event.elapsed();
    let start = Instant::now();
    let result = match preview.as_mut() {
        Some(p) => {
            p.set_deadline(&options.deadline);
            p.apply(changes).map(|r| (r, None))
        }
        None => Preview::new(options.clone()).map(|p| (Rebuilt::Full, Some(p))),
    };
    let abandoned = abandoned.lock().unwrap_or_else(|e| e.into_inner());
    if *abandoned {
        return;
    }
    match result {
        Ok((rebuilt, fresh)) => {
            if let Some(p) = fresh {
                *preview = Some(p);
            }
            let Some(p) = preview.as_ref() else { return };
            let css = changes
                .css_only()
                .then(|| changes.statics.iter().cloned().collect::<Vec<_>>());
            state.publish(p.output.clone(), css);
            let what = match rebuilt {
                Rebuilt::Incremental { rendered: 1 } => "1 page re-rendered".to_string(),
                Rebuilt::Incremental { rendered } => format!("{rendered} pages re-rendered"),
                Rebuilt::Full => "full rebuild".to_string(),
            };
            println!(
                "{} {} in {} ms ({what}; waited {} ms for writes to settle)",
                paint(AnsiColor::Green, "Rebuilt"),
                describe(changes),
                start.elapsed().as_millis(),
                waited.as_millis()
            );
            let report = match rebuilt {
                Rebuilt::Incremental { .. } => haven::check::check_pages(&p.site, |page| {
                    changes.content.contains(page.content_path())
                }),
                Rebuilt::Full => haven::check::check_site(&p.site),
            };
            report_checks(root, state, &p.site, report);
        }
        Err(errors) => {
            let errors = timeout_or(&options.deadline, errors);
            eprintln!(
                "{} {}: still serving the last good build",
                paint(AnsiColor::Red, "Rebuild failed after changes to"),
                describe(changes)
            );
            print_diagnostics(root, &errors);
            state.report_errors(&errors);
        }
    }
    let _ = std::io::stdout().flush();
}

/// The site's warnings and the safety checks' findings: warnings go to the terminal (the first
/// ones in full, the rest counted), errors to the terminal and the browser overlay.
fn report_checks(
    root: &Path,
    state: &ServeState,
    site: &haven::site::Site,
    report: haven::check::Report,
) {
    let (errors, warnings): (Vec<Diagnostic>, Vec<Diagnostic>) = site
        .warnings
        .iter()
        .cloned()
        .chain(report.diagnostics)
        .partition(|d| d.is_error());
    print_warnings_capped(root, &warnings);
    if !errors.is_empty() {
        print_diagnostics(root, &errors);
        state.report_errors(&errors);
    }
}

fn open_browser(url: &str) {
    let command = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(command).arg(url).spawn() {
        eprintln!("Could not open a browser ({e}); open {url} yourself.");
    }
}
