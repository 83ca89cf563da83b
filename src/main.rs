//! The `haven` command line: parses arguments, calls the library, prints diagnostics and
//! chooses the exit code (0 success, 1 the site has errors, 2 bad usage).

use anstream::{eprintln, println};
use anstyle::{AnsiColor, Style};
use clap::{Parser, Subcommand};
use haven::deadline::Deadline;
use haven::diagnostics::{Diagnostic, Severity};
use haven::site::{LoadOptions, Site};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

mod cli;

// A build allocates and frees millions of short-lived strings from both threads; mimalloc
// does that with less locking and fewer page faults than the system allocator (10,000
// articles: build 2.76 s → 2.49 s, `haven check` 1.88 s → 1.40 s, peak memory +75 MB).
// Built without transparent huge pages (Cargo feature `no_thp`): a build's memory lives for a
// second or two, and every first touch of a huge page zeroes 2 MB — on a virtual machine whose
// host reclaims freed memory that made a 10,000-article build 10–20% slower and 45 MB larger.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "haven",
    version,
    about = "A static site generator for psychoeducation sites, with safety built in"
)]
struct Cli {
    /// The site folder (where site.yaml is)
    #[arg(short, long, global = true, default_value = ".")]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site into the output folder
    Build {
        /// Output folder [default: ROOT/public]
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Use this base URL instead of site.yaml's (for preview deploys)
        #[arg(short = 'u', long)]
        base_url: Option<String>,
        /// Include pages marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// Stop with an error when the build takes longer than SECONDS (0: no limit)
        #[arg(long, value_name = "SECONDS", default_value_t = 0)]
        timeout: u64,
    },
    /// Build the site and serve it with live reload while you edit
    Serve {
        /// Address to listen on (anything other than 127.0.0.1 exposes drafts to your network)
        #[arg(short, long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Port (0 = any free port) [default: 1111, or the next free one]
        #[arg(short, long)]
        port: Option<u16>,
        /// Include pages marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// Open the site in your browser
        #[arg(long)]
        open: bool,
        /// Poll for changes every MS milliseconds instead of using file system events
        /// (for WSL2, Docker volumes and network shares)
        #[arg(long, value_name = "MS", num_args = 0..=1, default_missing_value = "500")]
        poll: Option<u64>,
        /// Give up on a rebuild that takes longer than SECONDS, keeping the last good site
        /// (0: no limit)
        #[arg(long, value_name = "SECONDS", default_value_t = cli::serve::DEFAULT_TIMEOUT)]
        timeout: u64,
    },
    /// Check every article against the site's safety rules without writing anything
    Check {
        /// Output format
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Exit with 1 when there are warnings too
        #[arg(long)]
        deny_warnings: bool,
        /// Date to measure review ages from (YYYY-MM-DD) [default: today]
        #[arg(long)]
        today: Option<jiff::civil::Date>,
        /// Include pages marked `draft: true`
        #[arg(long)]
        drafts: bool,
        /// Stop with an error when the check takes longer than SECONDS (0: no limit)
        #[arg(long, value_name = "SECONDS", default_value_t = 0)]
        timeout: u64,
    },
    /// Remove previous outputs that `haven build` moved aside (run by `build` itself)
    #[command(hide = true)]
    RemovePreviousOutput { dirs: Vec<PathBuf> },
    /// Create a new site in DIR with the default theme
    Init {
        /// Folder to create (must not exist or be empty)
        dir: PathBuf,
    },
    /// Create new content from a template
    New {
        #[command(subcommand)]
        kind: NewKind,
    },
    /// Print JSON Schemas of site.yaml and of front matter, for editor autocompletion
    Schema {
        /// Which schema to print
        #[arg(value_enum, default_value = "site")]
        which: haven::schema::Which,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum NewKind {
    /// A new article with complete front matter
    Article {
        /// The article's title
        title: String,
        /// Section folder under content/
        #[arg(short, long, default_value = "articles")]
        section: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Build {
            output,
            base_url,
            drafts,
            timeout,
        } => build(&cli.root, output, base_url, drafts, seconds(timeout)),
        Command::Serve {
            bind,
            port,
            drafts,
            open,
            poll,
            timeout,
        } => cli::serve::run(&cli.root, bind, port, drafts, open, poll, seconds(timeout)),
        Command::Check {
            format,
            deny_warnings,
            today: day,
            drafts,
            timeout,
        } => check(
            &cli.root,
            format,
            deny_warnings,
            day.unwrap_or_else(today),
            drafts,
            seconds(timeout),
        ),
        Command::RemovePreviousOutput { dirs } => {
            for d in &dirs {
                let _ = haven::write::remove_old(d);
            }
            Ok(())
        }
        Command::Init { dir } => haven::scaffold::init(&dir)
            .map(|()| {
                println!(
                    "Created a new site in {}. Next: haven build --root {}",
                    dir.display(),
                    dir.display()
                );
            })
            .map_err(|d| vec![d]),
        Command::New {
            kind: NewKind::Article { title, section },
        } => haven::scaffold::new_article(&cli.root, &title, &section, today())
            .map(|path| println!("Created {}", path.display()))
            .map_err(|d| vec![d]),
        Command::Schema { which } => {
            println!("{}", haven::schema::json(which));
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(diagnostics) => {
            print_diagnostics(&cli.root, &diagnostics);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            eprintln!(
                "{}",
                paint(
                    AnsiColor::Red,
                    &format!(
                        "Failed with {errors} error{}; nothing was written.",
                        if errors == 1 { "" } else { "s" }
                    )
                )
            );
            ExitCode::from(1)
        }
    }
}

pub(crate) fn today() -> jiff::civil::Date {
    jiff::Zoned::now().date()
}

/// `--timeout SECONDS`: 0 is no limit.
fn seconds(timeout: u64) -> Option<Duration> {
    (timeout > 0).then(|| Duration::from_secs(timeout))
}

/// How long a build whose time limit has passed may take to stop by itself (each template
/// render stops at its next write) before the process ends.
const STOP_GRACE: Duration = Duration::from_secs(2);

/// Watches the time limit of `haven build` or `haven check`: when it passes, the deadline
/// expires (renders stop at their next write); when the build has not stopped
/// [`STOP_GRACE`] later (a template loop that writes nothing), `stuck` reports the timeout and
/// the process exits with 1, before anything was swapped into the output folder.
struct Watchdog {
    /// Set when the build has finished (or reached the point where it must not be stopped).
    finished: Arc<Mutex<bool>>,
    wake: std::sync::mpsc::Sender<()>,
}

impl Watchdog {
    fn start(deadline: &Arc<Deadline>, stuck: impl FnOnce(Diagnostic) + Send + 'static) -> Self {
        let finished = Arc::new(Mutex::new(false));
        let (wake, woken) = std::sync::mpsc::channel::<()>();
        if let Some(limit) = deadline.remaining() {
            let deadline = Arc::clone(deadline);
            let finished = Arc::clone(&finished);
            std::thread::spawn(move || {
                use std::sync::mpsc::RecvTimeoutError::Timeout;
                if woken.recv_timeout(limit) != Err(Timeout) {
                    return;
                }
                deadline.expire();
                if woken.recv_timeout(STOP_GRACE) != Err(Timeout) {
                    return;
                }
                let finished = finished.lock().unwrap_or_else(|e| e.into_inner());
                if !*finished {
                    stuck(deadline.diagnostic());
                    std::process::exit(1);
                }
            });
        }
        Watchdog { finished, wake }
    }

    /// The build is over (or about to swap its output into place): no more exits.
    fn disarm(&self) {
        *self.finished.lock().unwrap_or_else(|e| e.into_inner()) = true;
        let _ = self.wake.send(());
    }
}

/// A build's errors, or only the timeout when its time limit passed (the renders it stopped
/// report it too).
fn or_timeout(deadline: &Deadline, errors: Vec<Diagnostic>) -> Vec<Diagnostic> {
    if deadline.is_expired() {
        vec![deadline.diagnostic()]
    } else {
        errors
    }
}

fn build(
    root: &Path,
    output: Option<PathBuf>,
    base_url: Option<String>,
    drafts: bool,
    timeout: Option<Duration>,
) -> Result<(), Vec<Diagnostic>> {
    let deadline = Arc::new(Deadline::new(timeout, "--timeout"));
    let owned_root = root.to_path_buf();
    let watchdog = Watchdog::start(&deadline, move |d| {
        print_diagnostics(&owned_root, &[d]);
        eprintln!(
            "{}",
            paint(AnsiColor::Red, "Failed with 1 error; nothing was written.")
        );
    });
    let result = build_within(root, output, base_url, drafts, &deadline, &watchdog);
    watchdog.disarm();
    result.map_err(|errors| or_timeout(&deadline, errors))
}

fn build_within(
    root: &Path,
    output: Option<PathBuf>,
    base_url: Option<String>,
    drafts: bool,
    deadline: &Arc<Deadline>,
    watchdog: &Watchdog,
) -> Result<(), Vec<Diagnostic>> {
    let start = Instant::now();
    let options = LoadOptions {
        root: root.to_path_buf(),
        drafts,
        base_url,
        serve: false,
        today: None,
        checks_only: false,
        deadline: Arc::clone(deadline),
    };
    let timings = std::env::var_os("HAVEN_TIMINGS").is_some();
    let target = output.unwrap_or_else(|| root.join("public"));
    let write_error = |e: haven::write::WriteError| vec![e.to_diagnostic()];
    // Before anything else: a build stopped in the middle of its swap may have left the site
    // beside its folder, and it must be back in place even if this build fails.
    if let Some(from) = haven::write::recover(&target).map_err(write_error)? {
        eprintln!(
            "{} {} was missing after an interrupted build; restored it from {}",
            paint(AnsiColor::Yellow, "note:"),
            display_target(root, &target),
            from.display()
        );
    }
    // Pages go to a temporary folder as they are rendered; it replaces the output only when
    // the whole site rendered (dropping the writer gives it back otherwise). When there is a
    // previous build, the folder is prepared (taking up that build's tree and checking it
    // against its index, to reuse it) while the site is read, and each page is written as soon
    // as its body is rendered, so that the site never holds every page's HTML. A first build
    // creates nothing before the content has passed its checks.
    let rebuild = target.is_dir();
    let (assembled, early_writer) = std::thread::scope(|scope| {
        let writer =
            rebuild.then(|| scope.spawn(|| haven::write::SiteWriter::create(&target, root)));
        let assembled = Site::assemble(&options, None);
        (assembled, writer.map(|w| w.join()))
    });
    let early_writer =
        early_writer.map(|joined| joined.unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
    let (site, pages_written) = match &early_writer {
        Some(Ok(writer)) => (assembled?.finish_into(writer)?, true),
        _ => (assembled?.finish()?, false),
    };
    if timings {
        eprintln!("load and check: {} ms", start.elapsed().as_millis());
    }
    let report = haven::check::check_site(&site);
    if report.errors() > 0 {
        let mut all = site.warnings.clone();
        all.extend(report.diagnostics);
        return Err(all);
    }
    let mut warnings = site.warnings.clone();
    warnings.extend(report.diagnostics);
    print_warnings_capped(root, &warnings);
    let writer = early_writer
        .unwrap_or_else(|| haven::write::SiteWriter::create(&target, root))
        .map_err(write_error)?;
    let stats = if pages_written {
        haven::build::render_rest_into(&site, &writer)?
    } else {
        haven::build::render_site_into(&site, &writer)?
    };
    if timings {
        eprintln!("render+write: {} ms", start.elapsed().as_millis());
    }
    // The swap must not be cut short: the time limit ends here.
    watchdog.disarm();
    if deadline.is_expired() {
        return Err(vec![deadline.diagnostic()]);
    }
    let old = writer.finish().map_err(write_error)?;
    remove_previous_outputs(&target, old);
    if timings {
        eprintln!("swap: {} ms", start.elapsed().as_millis());
    }
    let html = stats.html_files;
    println!(
        "{} {html} pages ({} articles, {} sections, {} taxonomies) in {} ms → {}",
        paint(AnsiColor::Green, "Built"),
        stats.articles,
        stats.sections,
        stats.taxonomies,
        start.elapsed().as_millis(),
        display_target(root, &target)
    );
    // The process ends here: freeing hundreds of thousands of small allocations one by one
    // would only delay the exit (by a tenth of a second on a large site).
    std::mem::forget(site);
    Ok(())
}

fn check(
    root: &Path,
    format: Format,
    deny_warnings: bool,
    today: jiff::civil::Date,
    drafts: bool,
    timeout: Option<Duration>,
) -> Result<(), Vec<Diagnostic>> {
    let deadline = Arc::new(Deadline::new(timeout, "--timeout"));
    let options = LoadOptions {
        root: root.to_path_buf(),
        drafts,
        base_url: None,
        serve: false,
        today: Some(today),
        checks_only: true,
        deadline: Arc::clone(&deadline),
    };
    let owned_root = root.to_path_buf();
    let watchdog = Watchdog::start(&deadline, move |d| {
        print_check(&owned_root, format, &[d], &[], true);
    });
    let timings = std::env::var_os("HAVEN_TIMINGS").is_some();
    let start = Instant::now();
    let (diagnostics, articles) = match Site::load(&options) {
        Ok(site) => {
            if timings {
                eprintln!("load and check: {} ms", start.elapsed().as_millis());
            }
            let report = haven::check::check_site(&site);
            let mut all = site.warnings.clone();
            all.extend(report.diagnostics);
            // What building the site would find besides: the templates' verdicts.
            all.extend(haven::build::check_templates(&site));
            if timings {
                eprintln!("templates: {} ms", start.elapsed().as_millis());
            }
            // The process ends soon: leave the site to the operating system to free.
            std::mem::forget(site);
            (all, report.articles)
        }
        Err(errors) => (errors, Vec::new()),
    };
    watchdog.disarm();
    let (mut diagnostics, articles) = if deadline.is_expired() {
        (vec![deadline.diagnostic()], Vec::new())
    } else {
        (diagnostics, articles)
    };
    haven::diagnostics::sort(&mut diagnostics);
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    let failed = errors > 0 || (deny_warnings && warnings > 0);
    print_check(root, format, &diagnostics, &articles, failed);
    if failed {
        std::process::exit(1);
    }
    Ok(())
}

/// `haven check`'s report: every diagnostic and the articles' safety table (text), or all of
/// it as one JSON document.
fn print_check(
    root: &Path,
    format: Format,
    diagnostics: &[Diagnostic],
    articles: &[haven::check::ArticleSummary],
    failed: bool,
) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    match format {
        Format::Json => {
            let doc = serde_json::json!({
                "diagnostics": diagnostics,
                "summary": {
                    "errors": errors,
                    "warnings": warnings,
                    "articles": articles,
                    "passed": !failed,
                },
            });
            println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
        }
        Format::Text => {
            print_diagnostics(root, diagnostics);
            print_safety_table(articles);
            let verdict = if failed {
                paint(AnsiColor::Red, "Check failed")
            } else {
                paint(AnsiColor::Green, "Check passed")
            };
            println!(
                "{verdict}: {} articles, {errors} error{}, {warnings} warning{}",
                articles.len(),
                if errors == 1 { "" } else { "s" },
                if warnings == 1 { "" } else { "s" }
            );
        }
    }
}

/// Most warnings of a build, then a count by code: a large site with an old review policy
/// should not bury the summary line.
const MAX_PRINTED_WARNINGS: usize = 20;

/// Prints the first warnings in full and counts the rest by code (a large site can have
/// thousands; `haven check` lists them all).
pub(crate) fn print_warnings_capped(root: &Path, warnings: &[Diagnostic]) {
    print_diagnostics(root, &warnings[..warnings.len().min(MAX_PRINTED_WARNINGS)]);
    if warnings.len() > MAX_PRINTED_WARNINGS {
        let mut by_code: std::collections::BTreeMap<&str, usize> =
            std::collections::BTreeMap::new();
        for w in &warnings[MAX_PRINTED_WARNINGS..] {
            *by_code.entry(w.code.as_str()).or_default() += 1;
        }
        let counts: Vec<String> = by_code.iter().map(|(c, n)| format!("{n} {c}")).collect();
        eprintln!(
            "{} … and {} more warnings ({}); `haven check` lists them all.\n",
            paint(AnsiColor::Yellow, "warning:"),
            warnings.len() - MAX_PRINTED_WARNINGS,
            counts.join(", ")
        );
    }
}

/// One row per article: the site's safety state at a glance.
fn print_safety_table(articles: &[haven::check::ArticleSummary]) {
    if articles.is_empty() {
        return;
    }
    let rows: Vec<[String; 5]> = articles
        .iter()
        .map(|a| {
            [
                a.file.trim_start_matches("content/").to_string(),
                if a.topics.is_empty() {
                    "-".into()
                } else {
                    a.topics.join(", ")
                },
                a.crisis_level.to_string(),
                a.review_age_days
                    .map(|d| format!("{d} days"))
                    .unwrap_or_else(|| "not reviewed".into()),
                format!("{:.1} / {:.0}", a.grade, a.reading_ease),
            ]
        })
        .collect();
    let header = [
        "article",
        "topics",
        "crisis notice",
        "review age",
        "grade / ease",
    ];
    let widths: Vec<usize> = (0..5)
        .map(|i| {
            rows.iter()
                .map(|r| r[i].chars().count())
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    // One write: a site can have tens of thousands of articles, and a locked, filtered write
    // per line would take longer than formatting them.
    let mut table = String::with_capacity((rows.len() + 2) * (widths.iter().sum::<usize>() + 9));
    let mut line = |cells: [&str; 5]| {
        let start = table.len();
        for (i, (cell, width)) in cells.iter().zip(&widths).enumerate() {
            if i > 0 {
                table.push_str("  ");
            }
            let _ = write!(table, "{cell:<width$}");
        }
        table.truncate(start + table[start..].trim_end().len());
        table.push('\n');
    };
    line(header);
    for r in &rows {
        line([&r[0], &r[1], &r[2], &r[3], &r[4]]);
    }
    println!("{table}");
}

/// Removes the previous site (and any left by an interrupted earlier build) in a separate
/// process, so the build finishes as soon as the new site is in place.
fn remove_previous_outputs(target: &Path, old: Option<PathBuf>) {
    let mut dirs = haven::write::leftovers(target);
    dirs.extend(old);
    dirs.sort();
    dirs.dedup();
    if dirs.is_empty() {
        return;
    }
    let spawned = std::env::current_exe().and_then(|exe| {
        std::process::Command::new(exe)
            .arg("remove-previous-output")
            .args(&dirs)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
    });
    if spawned.is_err() {
        for d in &dirs {
            if let Err(e) = haven::write::remove_old(d) {
                eprintln!("{} {e}", paint(AnsiColor::Yellow, "warning:"));
            }
        }
    }
}

fn display_target(root: &Path, target: &Path) -> String {
    let shown = target.strip_prefix(root).unwrap_or(target);
    format!("{}/", shown.display())
}

pub(crate) fn paint(color: AnsiColor, text: &str) -> String {
    let style = Style::new().fg_color(Some(color.into())).bold();
    format!("{style}{text}{style:#}")
}

/// Prints diagnostics like a compiler: message, location, the source line and a caret.
///
/// Written to stderr in one piece; each file is read once for its source lines (a large site
/// can have thousands of warnings, sorted by file).
pub(crate) fn print_diagnostics(root: &Path, diagnostics: &[Diagnostic]) {
    use std::fmt::Write as _;
    let mut out = String::new();
    let mut sources = SourceLines::new(root);
    let (shown, left_out) = select_printed(diagnostics);
    for d in shown {
        let (color, label) = match d.severity {
            Severity::Error => (AnsiColor::Red, "error"),
            Severity::Warning => (AnsiColor::Yellow, "warning"),
        };
        let _ = writeln!(
            out,
            "{}: {}",
            paint(color, &format!("{label}[{}]", d.code_and_rule())),
            d.message
        );
        if let Some(loc) = d.location() {
            let _ = writeln!(out, "  {} {loc}", paint(AnsiColor::Blue, "-->"));
            if let Some(line) = sources.line(d) {
                let num = d.line.to_string();
                let pad = " ".repeat(num.len());
                let bar = paint(AnsiColor::Blue, "|");
                let _ = writeln!(out, "  {pad} {bar}");
                let _ = writeln!(out, "  {} {bar} {line}", paint(AnsiColor::Blue, &num));
                // Under the shown part of the line only (see `SourceLines::line`).
                let column = d.column as usize;
                if column > 0 && column <= line.chars().count() + 1 {
                    let caret = " ".repeat(column - 1);
                    let _ = writeln!(out, "  {pad} {bar} {caret}{}", paint(color, "^"));
                }
            }
        }
        if let Some(s) = &d.suggestion {
            let _ = writeln!(out, "  {} {s}", paint(AnsiColor::Cyan, "= help:"));
        }
        out.push('\n');
    }
    if !left_out.is_empty() {
        let total: usize = left_out.values().sum();
        let counts: Vec<String> = left_out
            .iter()
            .map(|((severity, code), n)| format!("{n} {severity}[{code}]"))
            .collect();
        let _ = writeln!(
            out,
            "{} {total} more not shown ({}); `haven check --format json` lists every one.\n",
            paint(AnsiColor::Blue, "note:"),
            counts.join(", ")
        );
    }
    use std::io::Write as _;
    let _ = anstream::stderr().lock().write_all(out.as_bytes());
}

/// Most diagnostics of one code printed in full, and of one file: a site with tens of
/// thousands of problems (50,000 printed 11 MB) gets a readable sample and counts.
const MAX_PRINTED_PER_CODE: usize = 50;
const MAX_PRINTED_PER_FILE: usize = 10;

/// The diagnostics to print in full (in their order), and how many of each severity and code
/// are left out.
fn select_printed(
    diagnostics: &[Diagnostic],
) -> (
    Vec<&Diagnostic>,
    std::collections::BTreeMap<(Severity, &str), usize>,
) {
    use std::collections::{BTreeMap, HashMap};
    let mut by_code: HashMap<&str, usize> = HashMap::new();
    let mut by_file: HashMap<Option<&Path>, usize> = HashMap::new();
    let mut shown = Vec::new();
    let mut left_out: BTreeMap<(Severity, &str), usize> = BTreeMap::new();
    for d in diagnostics {
        let code = by_code.entry(d.code.as_str()).or_default();
        let file = by_file.entry(d.file.as_deref()).or_default();
        if *code < MAX_PRINTED_PER_CODE && (d.file.is_none() || *file < MAX_PRINTED_PER_FILE) {
            *code += 1;
            *file += 1;
            shown.push(d);
        } else {
            *left_out.entry((d.severity, d.code.as_str())).or_default() += 1;
        }
    }
    (shown, left_out)
}

/// Source lines for diagnostics, keeping the last file read.
struct SourceLines<'a> {
    root: &'a Path,
    file: Option<(PathBuf, Option<String>)>,
}

impl<'a> SourceLines<'a> {
    fn new(root: &'a Path) -> Self {
        SourceLines { root, file: None }
    }

    fn line(&mut self, d: &Diagnostic) -> Option<String> {
        if d.line == 0 {
            return None;
        }
        let path = d.file.as_ref()?;
        if self.file.as_ref().is_none_or(|(p, _)| p != path) {
            let text = std::fs::read(self.root.join(path))
                .ok()
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
            self.file = Some((path.clone(), text));
        }
        let text = self.file.as_ref()?.1.as_ref()?;
        let line = text.lines().nth(d.line as usize - 1)?;
        Some(
            line.trim_end_matches('\r')
                .replace('\t', " ")
                .chars()
                .take(160)
                .collect(),
        )
    }
}
