//! The `haven` command line: parses arguments, calls the library, prints diagnostics and
//! chooses the exit code (0 success, 1 the site has errors, 2 bad usage).

use anstream::{eprintln, println};
use anstyle::{AnsiColor, Style};
use clap::{Parser, Subcommand};
use haven::diagnostics::{Diagnostic, Severity};
use haven::site::{LoadOptions, Site};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

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
    },
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
        } => build(&cli.root, output, base_url, drafts),
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

fn today() -> jiff::civil::Date {
    jiff::Zoned::now().date()
}

fn build(
    root: &Path,
    output: Option<PathBuf>,
    base_url: Option<String>,
    drafts: bool,
) -> Result<(), Vec<Diagnostic>> {
    let start = Instant::now();
    let options = LoadOptions {
        root: root.to_path_buf(),
        drafts,
        base_url,
        serve: false,
    };
    let timings = std::env::var_os("HAVEN_TIMINGS").is_some();
    let site = Site::load(&options)?;
    if timings {
        eprintln!("load: {} ms", start.elapsed().as_millis());
    }
    print_diagnostics(root, &site.warnings);
    let (out, stats) = haven::build::render_site(&site)?;
    if timings {
        eprintln!("render: {} ms", start.elapsed().as_millis());
    }
    let target = output.unwrap_or_else(|| root.join("public"));
    haven::write::write_site(&out, &target, root)
        .map_err(|e| vec![Diagnostic::error("write", e.to_string())])?;
    if timings {
        eprintln!("write: {} ms", start.elapsed().as_millis());
    }
    let html = out.files.keys().filter(|k| k.ends_with(".html")).count();
    println!(
        "{} {html} pages ({} articles, {} sections, {} taxonomies) in {} ms → {}",
        paint(AnsiColor::Green, "Built"),
        stats.articles,
        stats.sections,
        stats.taxonomies,
        start.elapsed().as_millis(),
        display_target(root, &target)
    );
    Ok(())
}

fn display_target(root: &Path, target: &Path) -> String {
    let shown = target.strip_prefix(root).unwrap_or(target);
    format!("{}/", shown.display())
}

fn paint(color: AnsiColor, text: &str) -> String {
    let style = Style::new().fg_color(Some(color.into())).bold();
    format!("{style}{text}{style:#}")
}

/// Prints diagnostics like a compiler: message, location, the source line and a caret.
fn print_diagnostics(root: &Path, diagnostics: &[Diagnostic]) {
    for d in diagnostics {
        let (color, label) = match d.severity {
            Severity::Error => (AnsiColor::Red, "error"),
            Severity::Warning => (AnsiColor::Yellow, "warning"),
        };
        eprintln!(
            "{}: {}",
            paint(color, &format!("{label}[{}]", d.code)),
            d.message
        );
        if let Some(loc) = d.location() {
            eprintln!("  {} {loc}", paint(AnsiColor::Blue, "-->"));
            if let Some(line) = source_line(root, d) {
                let num = d.line.to_string();
                let pad = " ".repeat(num.len());
                eprintln!("  {pad} {}", paint(AnsiColor::Blue, "|"));
                eprintln!(
                    "  {} {} {line}",
                    paint(AnsiColor::Blue, &num),
                    paint(AnsiColor::Blue, "|")
                );
                if d.column > 0 {
                    let caret = " ".repeat(d.column - 1);
                    eprintln!(
                        "  {pad} {} {caret}{}",
                        paint(AnsiColor::Blue, "|"),
                        paint(color, "^")
                    );
                }
            }
        }
        if let Some(s) = &d.suggestion {
            eprintln!("  {} {s}", paint(AnsiColor::Cyan, "= help:"));
        }
        eprintln!();
    }
}

fn source_line(root: &Path, d: &Diagnostic) -> Option<String> {
    if d.line == 0 {
        return None;
    }
    let file = d.file.as_ref()?;
    let text = std::fs::read(root.join(file)).ok()?;
    let text = String::from_utf8_lossy(&text);
    let line = text.lines().nth(d.line - 1)?;
    Some(
        line.trim_end_matches('\r')
            .replace('\t', " ")
            .chars()
            .take(160)
            .collect(),
    )
}
