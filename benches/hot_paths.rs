//! Criterion micro-benchmarks of Haven's hot paths (issue 6).
//!
//! ```text
//! cargo bench --bench hot_paths                  # everything (about 30 s on 2 cores)
//! cargo bench --bench hot_paths -- incremental   # one group (criterion name filter)
//! HAVEN_BENCH_ARTICLES=10000 cargo bench --bench hot_paths -- incremental
//! ```
//!
//! - `front_matter/parse_page`: `content::parse_page` of a realistic ~10 KB article
//!   (`benches/data/content/articles/sleep-routines-what-to-know.md`, from
//!   `gen-corpus.py --articles 5 --seed 6`).
//! - `markdown/render`: `markdown::render` of the same article's body, with a small
//!   [`Environment`] that resolves its sibling links and has no shortcodes;
//!   `markdown/pulldown_cmark_baseline` is pulldown-cmark alone on the same body, the floor.
//! - `safety/readability` and `safety/scan`: the safety checks (`safety::readability::readability`,
//!   and `Scanner::scan`: the topics of `benches/corpus-site.yaml` with Haven's built-in
//!   vocabularies and the built-in phrase rules, in one pass) over the prose spans
//!   `markdown::render` cuts out of the same article.
//! - `site/load` and `site/render_site`: `Site::load` and `build::render_site` of the fixture
//!   site (`benches/data` + `benches/corpus-site.yaml`, 5 articles, 28 pages, theme `calm`).
//! - `incremental/apply_one_article_edit`: the live preview's update after one article's body
//!   changed: `Preview::apply` over a `gen-corpus.py` corpus of 1,000 articles (override with
//!   `HAVEN_BENCH_ARTICLES`), or over an existing corpus folder given as `HAVEN_BENCH_CORPUS`.
//!   Skipped with a message when python3 or `../shared` is missing (override the shared
//!   folder with `SHARED=...`).
//!
//! Under `cargo test --all-targets` criterion runs each benchmark once as a test; the
//! incremental corpus then has only 50 articles so CI stays quick.

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use haven::build;
use haven::config::Config;
use haven::content;
use haven::markdown::{self, Environment, ShortcodeError, Source};
use haven::preview::{Preview, Rebuilt};
use haven::safety::readability::readability;
use haven::safety::scan::Scanner;
use haven::site::{LoadOptions, Site};
use haven::watch::Changes;
use std::collections::HashMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const ARTICLE: &str = include_str!("data/content/articles/sleep-routines-what-to-know.md");
const ARTICLE_PATH: &str = "articles/sleep-routines-what-to-know.md";
const SITE_YAML: &str = include_str!("corpus-site.yaml");

/// The markdown environment of the benchmark: the article's sibling links resolve, no
/// shortcodes exist.
struct BenchEnv {
    urls: HashMap<String, String>,
}

impl BenchEnv {
    fn new() -> BenchEnv {
        let urls = [
            "what-is-safety-plans",
            "when-self-criticism-feels-familiar",
            "trust-after-betrayal-and-work-stress",
            "questions-about-difficult-conversations",
        ]
        .iter()
        .map(|slug| (format!("articles/{slug}.md"), format!("/articles/{slug}/")))
        .collect();
        BenchEnv { urls }
    }
}

impl Environment for BenchEnv {
    fn url_of(&self, content_path: &str) -> Option<String> {
        self.urls.get(content_path).cloned()
    }

    fn base_path(&self) -> &str {
        ""
    }

    fn render_shortcode(
        &self,
        _name: &str,
        _args: &serde_json::Map<String, serde_json::Value>,
        _body_html: &str,
        _file: &std::path::Path,
    ) -> Result<String, ShortcodeError> {
        Err(ShortcodeError::Unknown { known: Vec::new() })
    }
}

/// True when run by `cargo bench` (criterion gets `--bench`), false under `cargo test`.
fn bench_mode() -> bool {
    std::env::args().any(|a| a == "--bench")
}

fn display_path() -> PathBuf {
    Path::new("content").join(ARTICLE_PATH)
}

fn front_matter(c: &mut Criterion) {
    let display = display_path();
    let mut group = c.benchmark_group("front_matter");
    group.throughput(criterion::Throughput::Bytes(ARTICLE.len() as u64));
    group.bench_function("parse_page", |b| {
        b.iter_batched(
            || ARTICLE.to_string(),
            |text| content::parse_page(text, &display, ARTICLE_PATH).expect("the article parses"),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

/// The sample article, parsed.
fn parsed_article(display: &Path) -> content::Parsed<haven::content::front_matter::PageFront> {
    content::parse_page(ARTICLE.to_string(), display, ARTICLE_PATH).expect("the article parses")
}

/// The markdown source of the parsed sample article.
fn article_source<'a>(
    display: &'a Path,
    parsed: &'a content::Parsed<haven::content::front_matter::PageFront>,
) -> Source<'a> {
    Source {
        file: display,
        content_path: ARTICLE_PATH,
        text: &parsed.text,
    }
}

fn markdown_render(c: &mut Criterion) {
    let display = display_path();
    let parsed = parsed_article(&display);
    let env = BenchEnv::new();
    let source = article_source(&display, &parsed);
    let check = markdown::render(&source, parsed.body(), parsed.body_offset, &env);
    assert!(
        check.diagnostics.iter().all(|d| !d.is_error()),
        "the article renders without errors: {:?}",
        check.diagnostics
    );
    let mut group = c.benchmark_group("markdown");
    group.throughput(criterion::Throughput::Bytes(parsed.body().len() as u64));
    group.bench_function("render", |b| {
        b.iter(|| {
            markdown::render(
                black_box(&source),
                black_box(parsed.body()),
                parsed.body_offset,
                &env,
            )
        })
    });
    // The floor: pulldown-cmark alone, same options, straight to HTML.
    group.bench_function("pulldown_cmark_baseline", |b| {
        b.iter(|| {
            let mut html = String::new();
            pulldown_cmark::html::push_html(
                &mut html,
                pulldown_cmark::Parser::new_ext(black_box(parsed.body()), markdown::options()),
            );
            html
        })
    });
    group.finish();
}

fn safety(c: &mut Criterion) {
    let display = display_path();
    let parsed = parsed_article(&display);
    let env = BenchEnv::new();
    let source = article_source(&display, &parsed);
    let prose = markdown::render(&source, parsed.body(), parsed.body_offset, &env).prose;
    let bytes: usize = prose.iter().map(|s| s.text.len()).sum();
    let config = Config::parse(SITE_YAML, Path::new("site.yaml"))
        .unwrap_or_else(|d| panic!("corpus-site.yaml parses: {d:?}"));
    let scanner = Scanner::new(&config.safety).unwrap_or_else(|d| panic!("{d:?}"));

    let mut group = c.benchmark_group("safety");
    group.throughput(criterion::Throughput::Bytes(bytes as u64));
    group.bench_function("readability", |b| b.iter(|| readability(black_box(&prose))));
    group.bench_function("scan", |b| b.iter(|| scanner.scan(black_box(&prose), &[])));
    group.finish();
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

fn load_options(root: &Path, serve: bool) -> LoadOptions {
    LoadOptions {
        root: root.to_path_buf(),
        drafts: false,
        base_url: None,
        serve,
        today: None,
        checks_only: false,
        deadline: Default::default(),
    }
}

fn fixture_site(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/data");
    copy_dir(&data, dir.path()).expect("copy benches/data");
    std::fs::write(dir.path().join("site.yaml"), SITE_YAML).expect("write site.yaml");
    let options = load_options(dir.path(), false);
    let site = Site::load(&options).unwrap_or_else(|d| panic!("the fixture site loads: {d:?}"));
    let (_, stats) = build::render_site(&site).unwrap_or_else(|d| panic!("renders: {d:?}"));

    let mut group = c.benchmark_group("site");
    group.sample_size(30);
    group.bench_function("load", |b| {
        b.iter(|| Site::load(black_box(&options)).map(|s| s.pages.len()))
    });
    group.throughput(criterion::Throughput::Elements(stats.files as u64));
    group.bench_function("render_site", |b| {
        b.iter(|| build::render_site(black_box(&site)).map(|(o, _)| o.files.len()))
    });
    group.finish();
}

/// `../shared/bench/gen-corpus.py` (or `$SHARED/bench/gen-corpus.py`), when it and python3
/// are there.
fn corpus_generator() -> Result<PathBuf, String> {
    let shared = match std::env::var_os("SHARED") {
        Some(s) => PathBuf::from(s),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
    };
    let script = shared.join("bench/gen-corpus.py");
    if !script.is_file() {
        return Err(format!("{} not found (set SHARED=...)", script.display()));
    }
    match Command::new("python3").arg("--version").output() {
        Ok(o) if o.status.success() => Ok(script),
        _ => Err("python3 is not installed".to_string()),
    }
}

/// Appends a sentence to the article's last block, different each round: the body changes, its
/// summary, title, links, headings and front matter do not (no structural change).
fn edited(original: &str, round: u64) -> String {
    format!(
        "{}\nAn edit for round {round} of the benchmark.\n",
        original.trim_end()
    )
}

fn incremental(c: &mut Criterion) {
    // HAVEN_BENCH_CORPUS: an existing corpus folder (gen-corpus.py output with a site.yaml) to
    // use instead of generating one; the edited article is restored afterwards.
    let given = std::env::var_os("HAVEN_BENCH_CORPUS").map(PathBuf::from);
    let generated;
    let root: &Path = match &given {
        Some(dir) => dir,
        None => {
            let script = match corpus_generator() {
                Ok(s) => s,
                Err(why) => {
                    eprintln!("incremental/apply_one_article_edit: skipped: {why}");
                    return;
                }
            };
            let articles: usize = match std::env::var("HAVEN_BENCH_ARTICLES") {
                Ok(v) => v.parse().expect("HAVEN_BENCH_ARTICLES is a number"),
                Err(_) if bench_mode() => 1000,
                Err(_) => 50,
            };
            generated = tempfile::tempdir().expect("a temporary folder");
            let status = Command::new("python3")
                .arg(&script)
                .args(["--articles", &articles.to_string(), "--out"])
                .arg(generated.path())
                .stdout(std::process::Stdio::null())
                .status()
                .expect("run gen-corpus.py");
            assert!(status.success(), "gen-corpus.py failed");
            std::fs::write(generated.path().join("site.yaml"), SITE_YAML).expect("write site.yaml");
            generated.path()
        }
    };
    let dir = root;
    let articles = std::fs::read_dir(dir.join("content/articles"))
        .expect("list articles")
        .count()
        - 1;

    // One article in the middle of the date order: its listing page and tag pages re-render.
    let mut names: Vec<String> = std::fs::read_dir(dir.join("content/articles"))
        .expect("list articles")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n != "_index.md")
        .collect();
    names.sort();
    let name = names[names.len() / 2].clone();
    let content_path = format!("articles/{name}");
    let file = dir.join("content").join(&content_path);
    let original = std::fs::read_to_string(&file).expect("read the article");

    let started = Instant::now();
    let mut preview =
        Preview::new(load_options(dir, true)).unwrap_or_else(|d| panic!("the corpus loads: {d:?}"));
    let initial = started.elapsed();
    let changes = Changes {
        content: [content_path.clone()].into_iter().collect(),
        ..Changes::default()
    };
    std::fs::write(&file, edited(&original, 0)).expect("edit the article");
    match preview.apply(&changes) {
        Ok(Rebuilt::Incremental { rendered }) => eprintln!(
            "incremental: {articles} articles, initial build {initial:.2?}, one edit of \
             {content_path} re-renders {rendered} HTML files"
        ),
        Ok(Rebuilt::Full) => eprintln!(
            "incremental: warning: editing {content_path} caused a full rebuild; timing it anyway"
        ),
        Err(d) => panic!("the edit applies: {d:?}"),
    }

    let mut group = c.benchmark_group("incremental");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(5));
    group.sampling_mode(criterion::SamplingMode::Flat);
    let mut round = 1;
    group.bench_function(format!("apply_one_article_edit/{articles}"), |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                // The editor's save is not part of the update being measured.
                std::fs::write(&file, edited(&original, round)).expect("edit the article");
                round += 1;
                let start = Instant::now();
                let result = preview.apply(black_box(&changes));
                total += start.elapsed();
                result.unwrap_or_else(|d| panic!("the edit applies: {d:?}"));
            }
            total
        })
    });
    group.finish();
    std::fs::write(&file, original).expect("restore the article");
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(50)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = hot_paths;
    config = config();
    targets = front_matter, markdown_render, safety, fixture_site, incremental
}
criterion_main!(hot_paths);
