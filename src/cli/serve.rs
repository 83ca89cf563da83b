//! `haven serve`: build, serve from memory, watch, rebuild incrementally, reload browsers.

use crate::{paint, print_diagnostics, print_warnings_capped};
use anstream::{eprintln, println};
use anstyle::AnsiColor;
use haven::diagnostics::Diagnostic;
use haven::preview::{Preview, Rebuilt};
use haven::serve::{Bind, ServeState, Server, SiteFiles};
use haven::site::LoadOptions;
use haven::watch::{Changes, SiteWatcher};
use std::collections::BTreeMap;
use std::io::Write;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const DEFAULT_PORT: u16 = 1111;
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
    };

    let start = Instant::now();
    let state = ServeState::new(empty_site());
    let mut preview = match Preview::new(options.clone()) {
        Ok(p) => {
            state.publish(p.output.clone(), None);
            report_checks(root, &state, &p.site, haven::check::check_site(&p.site));
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
            Some(p)
        }
        Err(errors) => {
            print_diagnostics(root, &errors);
            state.report_errors(&errors);
            None
        }
    };
    let theme = preview
        .as_ref()
        .map(|p| p.site.config.theme.clone())
        .unwrap_or_else(|| "calm".to_string());
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
            rebuild(
                &root_owned,
                &options,
                &mut preview,
                &rebuild_state,
                &changes,
                first_event,
            );
        }
    });
    let _ = stop_rx.recv();
    state.shutdown();
    running.stop();
    println!("Stopped.");
    Ok(())
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
) {
    let waited = first_event.elapsed();
    let start = Instant::now();
    let result = match preview.as_mut() {
        Some(p) => p.apply(changes).map(|r| (r, None)),
        None => Preview::new(options.clone()).map(|p| (Rebuilt::Full, Some(p))),
    };
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
