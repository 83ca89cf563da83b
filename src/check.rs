//! Site checks: the safety review of every article (topics, safe messaging, clinical review,
//! readability) and of the site's crisis resources. `haven check` prints them; `haven build`
//! runs the same checks, prints the warnings and fails on errors.

use crate::config::{Config, Level};
use crate::content::Parsed;
use crate::content::front_matter::PageFront;
use crate::diagnostics::{Diagnostic, Severity};
use crate::markdown::Rendered;
use crate::render::context::crisis_level;
use crate::safety::ProseSpan;
use crate::safety::readability::{Readability, readability};
use crate::safety::scan::{Scanner, UNDECLARED_TOPIC};
use crate::site::{Page, PageKind, Site, key_line};
use jiff::civil::Date;
use serde::Serialize;

/// One article's safety state, for the summary table.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleSummary {
    pub file: String,
    pub title: String,
    pub topics: Vec<String>,
    pub crisis_level: &'static str,
    /// Days since the clinical review; none when never reviewed.
    pub review_age_days: Option<i64>,
    pub grade: f64,
    pub reading_ease: f64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    pub diagnostics: Vec<Diagnostic>,
    pub articles: Vec<ArticleSummary>,
}

impl Report {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// What checking one page found. Kept with the page, so that a rebuild in `serve` checks only
/// the pages that changed and the page's prose need not be kept after loading.
#[derive(Debug, Clone, Default)]
pub struct PageChecks {
    pub diagnostics: Vec<Diagnostic>,
    /// Articles only.
    pub summary: Option<ArticleSummary>,
}

/// The checks of one configuration, compiled once and shared by every page of a build.
pub struct Checker {
    scanner: Option<Scanner>,
    /// Problems with the configured rules themselves, reported against site.yaml.
    pub config_diagnostics: Vec<Diagnostic>,
}

impl Checker {
    pub fn new(config: &Config) -> Checker {
        match Scanner::new(&config.safety) {
            Ok(scanner) => Checker {
                scanner: Some(scanner),
                config_diagnostics: Vec::new(),
            },
            Err(d) => Checker {
                scanner: None,
                config_diagnostics: vec![d.in_file(crate::config::CONFIG_FILE)],
            },
        }
    }
}

/// Every check's result on a loaded site (the pages were checked while loading).
pub fn check_site(site: &Site) -> Report {
    check_pages(site, |_| true)
}

/// The site-wide problems and those of the pages `include` selects (the live preview reports
/// only what changed).
pub fn check_pages(site: &Site, include: impl Fn(&Page) -> bool) -> Report {
    let mut report = Report {
        diagnostics: site.checker.config_diagnostics.clone(),
        articles: Vec::new(),
    };
    for page in site.pages.iter().filter(|p| include(p)) {
        report
            .diagnostics
            .extend(page.checks.diagnostics.iter().cloned());
        report.articles.extend(page.checks.summary.clone());
    }
    report.diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, &a.code).cmp(&(&b.file, b.line, b.column, &b.code))
    });
    report
}

/// The crisis resources a site must have before it can publish (checked when a site loads).
pub fn check_resources(config: &crate::config::Config) -> Vec<Diagnostic> {
    let s = &config.safety;
    let file = crate::config::CONFIG_FILE;
    let at = |path: &[&str]| config.source.position(path);
    let mut out = Vec::new();
    if s.help_page.trim_matches('/').is_empty() {
        let (line, column) = at(&["safety", "help_page"]);
        out.push(
            Diagnostic::error("missing-help-page", "`safety.help_page` is empty")
                .in_file(file)
                .at(line, column)
                .suggest("set `safety: { help_page: get-help }`; every page links to it"),
        );
    }
    let has_resources = s.regions.values().any(|r| !r.resources.is_empty());
    if !has_resources {
        let (line, column) = at(&["safety", "regions"]);
        out.push(
            Diagnostic::error(
                "no-crisis-resources",
                "site.yaml lists no crisis resources; a psychoeducation site cannot publish without them",
            )
            .in_file(file)
            .at(line, column)
            .suggest("add `safety.regions` with at least one region, its emergency number and a crisis line"),
        );
    } else if !s.regions.contains_key(&s.default_region) {
        let known: Vec<String> = s.regions.keys().cloned().collect();
        let (line, column) = at(&["safety", "default_region"]);
        out.push(
            Diagnostic::error(
                "no-crisis-resources",
                format!(
                    "`safety.default_region` is `{}`, which is not one of the regions",
                    s.default_region
                ),
            )
            .in_file(file)
            .at(line, column)
            .suggest(format!("use one of: {}", known.join(", "))),
        );
    }
    for (code, region) in &s.regions {
        if region.resources.is_empty() {
            let (line, column) = at(&["safety", "regions", code]);
            out.push(
                Diagnostic::warning(
                    "no-crisis-resources",
                    format!("region `{code}` has an emergency number but no crisis lines"),
                )
                .in_file(file)
                .at(line, column),
            );
        }
        for (i, r) in region.resources.iter().enumerate() {
            if r.call.is_none() && r.text.is_none() && r.chat.is_none() && r.url.is_none() {
                let index = i.to_string();
                let (line, column) = at(&["safety", "regions", code, "resources", &index]);
                out.push(
                    Diagnostic::error(
                        "no-crisis-resources",
                        format!(
                            "resource `{}` in region `{code}` has no way to reach it",
                            r.name
                        ),
                    )
                    .in_file(file)
                    .at(line, column)
                    .suggest("give it `call`, `text`, `chat` or `url`"),
                );
            }
        }
    }
    out
}

/// Front matter whose text readers see (the title and description appear on the page, in
/// listings and in feeds): spans of prose whose `start` is the value's offset in the file.
fn front_spans(src: &Parsed<PageFront>) -> Vec<ProseSpan> {
    let front = &src.front;
    [
        ("title", Some(&front.title)),
        ("description", front.description.as_ref()),
    ]
    .into_iter()
    .filter_map(|(key, value)| {
        let value = value.filter(|v| !v.trim().is_empty())?;
        Some(ProseSpan::new(value.clone(), front_value_offset(src, key)))
    })
    .collect()
}

/// The byte offset in the file where the value of front-matter `key` starts (after the key,
/// white space and an opening quote), or the start of its line.
fn front_value_offset(src: &Parsed<PageFront>, key: &str) -> usize {
    let front = &src.text[..src.body_offset.min(src.text.len())];
    let prefix = format!("{key}:");
    let mut offset = 0;
    for line in front.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(&prefix) {
            let value = rest.trim_start_matches([' ', '\t']);
            let value_start = offset + prefix.len() + (rest.len() - value.len());
            let quoted = value.starts_with(['"', '\'']);
            return value_start + usize::from(quoted);
        }
        offset += line.len();
    }
    0
}

/// Checks one page's front matter and prose (`rendered` still holds its prose).
pub fn check_page(
    checker: &Checker,
    config: &Config,
    kind: PageKind,
    src: &Parsed<PageFront>,
    rendered: &Rendered,
    today: Date,
) -> PageChecks {
    if kind == PageKind::Help && src.text.is_empty() {
        // The generated Get Help page: nothing written by the site to check.
        return PageChecks::default();
    }
    let front = &src.front;
    let mut out = Vec::new();
    let lines = crate::diagnostics::LineIndex::new(&src.text);
    let at = |offset: usize| lines.line_col(offset);
    let prose = &rendered.prose;

    // Topics: declared keys must exist; mentioned topics must be declared.
    let warnings_line = key_line(src, "content_warnings");
    for key in &front.content_warnings {
        if !config.safety.topics.contains_key(key) {
            let known: Vec<String> = config.safety.topics.keys().cloned().collect();
            let mut d = Diagnostic::error(
                "unknown-topic",
                format!("content warning `{key}` is not a topic in site.yaml"),
            )
            .in_file(&src.file)
            .at(warnings_line, 1);
            d = d.suggest(match crate::yaml::closest(key, &known) {
                Some(best) => format!("did you mean `{best}`? Known topics: {}", known.join(", ")),
                None => format!("known topics: {}", known.join(", ")),
            });
            out.push(d);
        }
    }
    if let Some(scanner) = &checker.scanner {
        // The title and description first: readers see them in listings and feeds too.
        let heading = front_spans(src);
        let spans: Vec<ProseSpan> = heading.iter().chain(prose.iter()).cloned().collect();
        let found = scanner.scan(&spans, &front.content_warnings);
        // Where a finding is in the file: front matter offsets are the file's; the body's are
        // mapped back through the rendered prose.
        let locate = |span: usize, offset: usize| -> (usize, usize) {
            let file_offset = match span.checked_sub(heading.len()) {
                None => offset,
                Some(block) => rendered.prose_source_offset(block, offset - spans[span].start),
            };
            at(file_offset)
        };
        for m in found.topics {
            if front.content_warnings.contains(&m.topic) {
                continue;
            }
            let Some(topic) = config.safety.topics.get(&m.topic) else {
                continue;
            };
            let severity = match topic.undeclared_level() {
                Level::Off => continue,
                Level::Error => Severity::Error,
                Level::Warning => Severity::Warning,
            };
            let (line, col) = locate(m.span, m.offset);
            let mut d = Diagnostic::warning(
                UNDECLARED_TOPIC,
                format!(
                    "the text discusses {} (\"{}\") but the front matter does not warn about it{}",
                    topic.label,
                    m.matched,
                    if severity == Severity::Error {
                        "; readers who avoid this topic must be warned before they read it"
                    } else {
                        ""
                    }
                ),
            )
            .in_file(&src.file)
            .at(line, col)
            .suggest(format!(
                "add `{}` to `content_warnings`; if the word means something else here, put <!-- haven:allow undeclared-topic --> before the paragraph",
                m.topic
            ));
            d.severity = severity;
            out.push(d);
        }
        for hit in found.phrases {
            let Some(severity) = hit.severity_under(config.safety.safe_messaging) else {
                continue;
            };
            let (line, col) = locate(hit.span, hit.offset);
            let mut d = Diagnostic::warning(
                "unsafe-phrase",
                format!(
                    "{} (\"{}\"; source: {})",
                    hit.message,
                    crate::safety::excerpt(&hit.matched, 80),
                    hit.source
                ),
            )
            .in_file(&src.file)
            .at(line, col)
            .with_rule(&hit.rule);
            d.severity = severity;
            let quote =
                "or, for a quotation, put <!-- haven:allow unsafe-phrase --> before the paragraph";
            d = d.suggest(match &hit.replacement {
                Some(r) => format!("say \"{r}\" instead, {quote}"),
                None => format!("reword it as the message says, {quote}"),
            });
            out.push(d);
        }
    }

    if kind != PageKind::Article {
        return PageChecks {
            diagnostics: out,
            summary: None,
        };
    }

    // Clinical review.
    let review_age = front.reviewed.map(|r| (today - r).get_days() as i64);
    if front.reviewed_by.is_none() && config.review.require_reviewer {
        out.push(
            Diagnostic::warning("missing-review", "no clinical reviewer (`reviewed_by`)")
                .in_file(&src.file)
                .at(2, 1)
                .suggest("add `reviewed_by: \"Name, credentials\"` and `reviewed: YYYY-MM-DD` after a clinician has reviewed the article"),
        );
    }
    if let (Some(days), Some(reviewed)) = (review_age, front.reviewed)
        && days > config.review.max_age_days
    {
        out.push(
            Diagnostic::warning(
                "stale-review",
                format!(
                    "the clinical review of {reviewed} is {days} days old (the site allows {})",
                    config.review.max_age_days
                ),
            )
            .in_file(&src.file)
            .at(key_line(src, "reviewed"), 1)
            .suggest("ask a clinician to review the article again, then update `reviewed`"),
        );
    }

    // Readability.
    let r: Readability = readability(prose);
    if r.words > 0 && r.grade > config.review.max_grade {
        let grade = if r.capped() {
            format!("{:.1} or more", r.grade)
        } else {
            format!("{:.1}", r.grade)
        };
        let mut message = format!(
            "reading grade {grade} is above the site's maximum of {} (reading ease {:.0})",
            config.review.max_grade, r.ease
        );
        let mut suggestion = "use shorter sentences and everyday words".to_string();
        if r.sentence_ends_missing() {
            message.push_str(&format!(
                ": {} words in {} sentence{}, so most sentence ends were not found",
                r.words,
                r.sentences,
                if r.sentences == 1 { "" } else { "s" }
            ));
            suggestion = "end sentences with a full stop; break long paragraphs and lists without punctuation into sentences".to_string();
        }
        out.push(
            Diagnostic::warning("readability", message)
                .in_file(&src.file)
                .at(1, 1)
                .suggest(suggestion),
        );
    }

    let summary = ArticleSummary {
        file: src.file.display().to_string(),
        title: front.title.clone(),
        topics: front.content_warnings.clone(),
        crisis_level: match crisis_level(config, front) {
            crate::content::front_matter::CrisisNotice::Prominent => "prominent",
            crate::content::front_matter::CrisisNotice::Standard => "standard",
        },
        review_age_days: review_age,
        grade: (r.grade * 10.0).round() / 10.0,
        reading_ease: (r.ease * 10.0).round() / 10.0,
    };
    PageChecks {
        diagnostics: out,
        summary: Some(summary),
    }
}
